"""Citations in the write-ups (derive.render.links): each conclusion is labelled, and a citing step links to it in
LaTeX, Markdown, the JSON report, the slides and the notebook's display."""

from __future__ import annotations

import dataclasses
import json
import re
import shutil
import subprocess
from pathlib import Path

import pytest

from derive.entry.build import render_texts
from derive.render.latex import render_document, render_fragment
from derive.render.links import chain_length, library, resolve
from derive.render.markdown import render_markdown
from derive.render.mathjax import render_mathjax
from derive.render.notes import render_notes
from derive.render.pdf import compile_pdf, tex_available
from derive.render.slides import render_slides
from derive.run.check import DerivationReport

ROOT = Path(__file__).resolve().parents[2]

needs_tex = pytest.mark.skipif(not tex_available(), reason="pdflatex is not installed, so no PDF can be made")
needs_poppler = pytest.mark.skipif(shutil.which("pdftotext") is None, reason="pdftotext (poppler-utils) is missing")

CITED_TITLE = "From the likelihood of i.i.d. data to the cross-entropy"


def citing_copy(derivation, cites: tuple[str, ...] = ("iid-cross-entropy",), step: str = "take-logs"):
    """A copy of the flagship named ``citing`` whose step ``step`` cites ``cites``."""
    steps = [dataclasses.replace(s, citations=cites) if s.name == step else s for s in derivation.steps]
    return dataclasses.replace(derivation, name="citing", title="A result that cites", steps=steps)


@pytest.fixture()
def citing(derivation):
    return citing_copy(derivation)


def pdf_text(pdf) -> str:
    return subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True, check=True).stdout


# -- labels ---------------------------------------------------------------------------------------------------------
def test_every_fragment_labels_its_conclusion_with_the_derivation_name(derivation, results):
    tex = render_fragment(derivation, results)
    last = [s for s in derivation.steps if s.kind.value != "reference"][-1]
    assert rf"\deriveresult{{iid-cross-entropy}}{{iid-cross-entropy:{last.name}}}" in tex
    assert rf"\label{{iid-cross-entropy:{last.name}}}" in tex  # the step label stays
    assert tex.count(r"\providecommand{\deriveresult}") == 1
    assert r"\derivecite" not in tex  # defined only where a step cites


def test_markdown_anchors_the_conclusion_before_its_display(derivation, results):
    md = render_markdown(derivation, results)
    anchor = md.index('<a id="iid-cross-entropy"></a>')
    assert md.count("<a id=") == 1
    display = "$$\n\\begin{aligned}"
    assert md[anchor:].split("\n\n")[1].startswith(display)  # the display that holds the last line follows it
    assert md.index(display, anchor) == md.rindex(display)


# -- links in each format -------------------------------------------------------------------------------------------
def test_latex_cites_with_eqref_where_defined_and_the_title_where_not(derivation, citing, results):
    known = library([derivation, citing])
    tex = render_fragment(citing, results, known=known)
    assert rf"cites \derivecite{{iid-cross-entropy}}{{{CITED_TITLE}}}" in tex
    assert r"\providecommand{\derivecite}[2]" in tex and r"{\emph{#2}}{\eqref{#1}}" in tex


def test_a_citation_of_a_derivation_not_known_shows_its_name(citing, results):
    assert r"\derivecite{iid-cross-entropy}{iid-cross-entropy}" in render_fragment(citing, results)
    md = render_markdown(citing, results)
    assert "cites [iid-cross-entropy](iid-cross-entropy.md#iid-cross-entropy)" in md


def test_a_step_with_no_reason_starts_with_cites(derivation, results):
    d = citing_copy(derivation)
    steps = [dataclasses.replace(s, because="") if s.citations else s for s in d.steps]
    tex = render_fragment(dataclasses.replace(d, steps=steps), results, known=library([derivation]))
    assert r"\raggedright Cites \derivecite{iid-cross-entropy}" in tex


def test_markdown_links_to_the_cited_write_up_at_its_conclusion(derivation, citing, results):
    md = render_markdown(citing, results, known=library([derivation, citing]))
    item = next(line for line in md.splitlines() if "— cites" in line)
    assert item.endswith(f"— cites [{CITED_TITLE}](iid-cross-entropy.md#iid-cross-entropy).") or (
        f"— cites [{CITED_TITLE}](iid-cross-entropy.md#iid-cross-entropy) — by " in item
    )
    assert render_markdown(citing, results, known=library([derivation]), math="github").count("iid-cross-entropy.md")


def test_two_citations_are_joined_with_and(derivation, results):
    other = dataclasses.replace(derivation, name="other", title="Another result")
    d = citing_copy(derivation, cites=("iid-cross-entropy", "other"))
    md = render_markdown(d, results, known=library([derivation, other]))
    assert f"cites [{CITED_TITLE}](iid-cross-entropy.md#iid-cross-entropy) and [Another result](other.md#other)" in md


def test_json_report_has_a_citations_list_per_step(citing, results):
    texts = render_texts(DerivationReport(citing, results, "proofs/citing.py"))
    steps = json.loads(texts["citing.json"])["steps"]
    assert [s["citations"] for s in steps] == [list(s.citations) for s in citing.steps]
    assert ["iid-cross-entropy"] in [s["citations"] for s in steps] and [] in [s["citations"] for s in steps]


def test_slides_show_the_cited_title_and_its_number_in_the_notes(derivation, citing, results):
    tex = render_slides([(derivation, results), (citing, results)])
    assert f"cites {CITED_TITLE} (1.{chain_length(derivation)})" in tex
    assert r"\derivecite" not in tex and r"\deriveresult" not in tex  # a deck has no labels to link to


def test_notebook_display_names_the_cited_title(citing, results):
    assert "cites iid-cross-entropy" in render_mathjax(citing, results, note="")


def test_library_numbers_each_conclusion_as_the_notes_do(derivation, citing):
    known = library([derivation, citing], numbered=True)
    n = chain_length(derivation)
    assert known["iid-cross-entropy"].number == f"1.{n}" and known["citing"].number == f"2.{n}"
    assert library([derivation])["iid-cross-entropy"].number == ""
    assert [c.name for c in resolve(["a", "a", "iid-cross-entropy"], known)] == ["a", "iid-cross-entropy"]


# -- compiled -------------------------------------------------------------------------------------------------------
@needs_tex
@needs_poppler
def test_notes_resolve_the_citation_to_the_cited_conclusions_number(tmp_path, derivation, citing, results):
    tex = tmp_path / "notes.tex"
    tex.write_text(render_notes([(derivation, results), (citing, results)]))
    text = pdf_text(compile_pdf(tex, tmp_path / "out"))
    assert f"cites (1.{chain_length(derivation)})" in re.sub(r"\s+", " ", text)
    assert "??" not in text


@needs_tex
@needs_poppler
def test_a_standalone_write_up_prints_the_cited_title_not_question_marks(tmp_path, derivation, citing, results):
    tex = tmp_path / "citing.tex"
    tex.write_text(render_document(citing, results, known=library([derivation, citing])))
    text = re.sub(r"\s+", " ", pdf_text(compile_pdf(tex, tmp_path / "out")))
    assert "cites From the likelihood of i.i.d. data to the cross-entropy" in text
    assert "??" not in text


# -- derive build ---------------------------------------------------------------------------------------------------
def test_build_writes_links_citations_and_the_graph(tmp_path, capsys):
    """tests/citing: gibbs-sum cites log-bound by name; the build's write-ups link the two."""
    from derive.entry.cli import ExitCode, main

    here = ROOT / "tests" / "citing"
    out = tmp_path / "out"
    assert main(["build", str(here / "log_bound.py"), str(here / "gibbs_sum.py"), "--out", str(out), "--no-pdf"]) == (
        ExitCode.OK
    )
    capsys.readouterr()
    title = render_title(out / "log-bound.md")
    assert f"— cites [{title}](log-bound.md#log-bound)" in (out / "gibbs-sum.md").read_text()
    assert '<a id="log-bound"></a>' in (out / "log-bound.md").read_text()
    assert [s["citations"] for s in json.loads((out / "gibbs-sum.json").read_text())["steps"]] == [["log-bound"]]
    assert r"\derivecite{log-bound}" in (out / "gibbs-sum.tex").read_text()
    notes = (out / "lecture-notes.tex").read_text()
    assert r"\usepackage{tikz}" in notes and r"\draw[->" in notes


def render_title(md) -> str:
    """The title of a Markdown write-up (its first line, ``# <title>``)."""
    return md.read_text().splitlines()[0].removeprefix("# ")
