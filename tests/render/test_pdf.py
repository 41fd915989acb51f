"""Compiling write-ups with :mod:`derive.render.pdf`: a PDF when TeX is there, None when not, RenderError on errors."""

from __future__ import annotations

import os
import re
import shutil
from pathlib import Path

import pytest

from derive.core.errors import DeriveError
from derive.render.latex import render_document, render_fragment
from derive.render.pdf import (
    NO_TEX_NOTICE,
    TEX_PACKAGES,
    RenderError,
    compile_pdf,
    first_error,
    stable_id,
    tex_available,
)

# Where CI=true the TeX tests run (and fail without TeX) rather than skip: CI installs TeX to run them.
needs_tex = pytest.mark.skipif(
    shutil.which("pdflatex") is None and os.environ.get("CI", "").lower() != "true", reason="pdflatex is not installed"
)

BROKEN = r"""\documentclass{article}
\begin{document}
Fine so far.
\undefinedmacro
\end{document}
"""


@needs_tex
def test_flagship_document_compiles(tmp_path, derivation, mixed_results):
    tex = tmp_path / "src" / "iid-cross-entropy.tex"
    tex.parent.mkdir()
    tex.write_text(render_document(derivation, mixed_results))
    out = tmp_path / "out"
    pdf = compile_pdf(tex, out)
    assert pdf == out / "iid-cross-entropy.pdf"
    assert pdf.read_bytes().startswith(b"%PDF")
    assert sorted(p.name for p in out.iterdir()) == ["iid-cross-entropy.pdf"]  # no aux, log or temp files
    assert sorted(p.name for p in tex.parent.iterdir()) == ["iid-cross-entropy.tex"]


@needs_tex
def test_the_same_source_gives_the_same_pdf_bytes(tmp_path, derivation, results):
    """Committed PDFs change only with their content: fixed dates, and an /ID made from the content."""
    tex = tmp_path / "src" / "flagship.tex"
    tex.parent.mkdir()
    tex.write_text(render_document(derivation, results))
    first = compile_pdf(tex, tmp_path / "a").read_bytes()
    second = compile_pdf(tex, tmp_path / "b").read_bytes()
    assert first == second
    assert b"/CreationDate (D:19700101000000Z)" in first


def test_stable_id_keeps_the_length_and_depends_on_the_content():
    pdf = b"%PDF-1.5 body /ID [<" + b"A" * 32 + b"> <" + b"B" * 32 + b">] trailer"
    same = stable_id(pdf)
    assert len(same) == len(pdf) and b"A" * 32 not in same
    assert stable_id(pdf.replace(b"body", b"BODY")) != same.replace(b"body", b"BODY")
    assert stable_id(b"no id here") == b"no id here"


@needs_tex
def test_two_fragments_share_a_document(tmp_path, derivation, results):
    """Fragments are \\input-able into one document, and their labels never clash."""
    import dataclasses

    other = dataclasses.replace(derivation, name="second-copy")
    a, b = render_fragment(derivation, results), render_fragment(other, results)
    labels = [set(re.findall(r"\\label\{([^}]*)\}", f)) for f in (a, b)]
    assert labels[0] and labels[1] and not labels[0] & labels[1]
    (tmp_path / "a.tex").write_text(a)
    (tmp_path / "b.tex").write_text(b)
    doc = tmp_path / "both.tex"
    doc.write_text(
        "\\documentclass{article}\n\\usepackage{amsmath,amssymb}\n\\begin{document}\n"
        "\\input{a}\n\\input{b}\nSee \\eqref{second-copy:take-logs}.\n\\end{document}\n"
    )
    assert compile_pdf(doc, tmp_path / "out") is not None


@needs_tex
def test_pdflatex_alone_when_latexmk_is_missing(tmp_path, derivation, results, monkeypatch):
    real_which = shutil.which
    monkeypatch.setattr(shutil, "which", lambda name, *a, **k: None if name == "latexmk" else real_which(name))
    tex = tmp_path / "doc.tex"
    tex.write_text(render_document(derivation, results))
    assert compile_pdf(tex, tmp_path).read_bytes().startswith(b"%PDF")


@needs_tex
def test_latex_error_names_the_file_and_quotes_the_error(tmp_path):
    tex = tmp_path / "broken.tex"
    tex.write_text(BROKEN)
    with pytest.raises(RenderError) as raised:
        compile_pdf(tex, tmp_path / "out")
    message = str(raised.value)
    assert str(tex) in message
    assert "! Undefined control sequence." in message
    assert "(line 4)" in message
    assert isinstance(raised.value, DeriveError)
    assert not (tmp_path / "out" / "broken.pdf").exists()


@needs_tex
def test_failed_run_keeps_the_previous_pdf(tmp_path):
    out = tmp_path / "out"
    out.mkdir()
    (out / "broken.pdf").write_bytes(b"%PDF previous version")
    tex = tmp_path / "broken.tex"
    tex.write_text(BROKEN)
    with pytest.raises(RenderError):
        compile_pdf(tex, out)
    assert (out / "broken.pdf").read_bytes() == b"%PDF previous version"
    assert [p.name for p in out.iterdir()] == ["broken.pdf"]


def test_no_tex_on_path_returns_none_and_writes_nothing(tmp_path, monkeypatch):
    monkeypatch.setattr(shutil, "which", lambda *a, **k: None)
    tex = tmp_path / "doc.tex"
    tex.write_text(BROKEN)
    assert tex_available() is False
    assert compile_pdf(tex, tmp_path / "out") is None
    assert not (tmp_path / "out").exists()


def test_notice_is_one_clear_line():
    assert "\n" not in NO_TEX_NOTICE
    assert "pdflatex" in NO_TEX_NOTICE and "latexmk" in NO_TEX_NOTICE


@needs_tex
def test_missing_tex_file_is_a_render_error(tmp_path):
    with pytest.raises(RenderError, match="no such file"):
        compile_pdf(tmp_path / "absent.tex", tmp_path)


def test_first_error_reads_the_log():
    log = "This is pdfTeX\n! LaTeX Error: File `x.sty' not found.\n\nType X to quit\nl.3 \\usepackage\n! Later."
    assert first_error(log) == "! LaTeX Error: File `x.sty' not found. (line 3)"
    assert "no '!' error line" in first_error("fine\nEmergency stop\n")
    assert first_error("") == "no log was written"


def test_notice_names_exactly_the_packages_readme_names():
    """Following the notice must give what following README.md gives: the same Debian packages, no fewer."""
    readme = (Path(__file__).resolve().parents[2] / "README.md").read_text(encoding="utf-8")
    commands = re.findall(r"apt-get install ([a-z0-9\-\s]+?)`", readme)
    tex = [c for c in commands if "texlive" in c]  # README's other install line is the browser test's (chromium)
    assert len(tex) == 1, commands  # one TeX install command in README.md, the one the notice repeats
    named = set(tex[0].split())
    assert named == set(TEX_PACKAGES)
    assert f"apt-get install {' '.join(TEX_PACKAGES)})" in NO_TEX_NOTICE
