"""derive build writes, reads and removes files only inside its output folder, and never lets two derivations (or
two steps) share a page, an anchor or a label.

Found by the review of issue 16: a derivation named ``../../evil`` wrote outside ``--out``; a manifest entry
``html/../../victim.txt`` deleted a file outside it; ``loss a`` and ``loss-a`` shared one HTML page.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import pytest
import sympy as sp

from derive import Context, Derivation
from derive.core.errors import DeriveError, ModelError
from derive.core.evidence import Evidence, StepResult
from derive.entry import build
from derive.entry.build import MANIFEST, check_name, remove_stale, write_combined, write_outputs
from derive.render.html import render_site
from derive.render.links import LabelClash, check_labels
from derive.run.check import DerivationReport

X = sp.Symbol("x")


def _derivation(name: str, steps: tuple[str, ...] = ("double",), title: str = "A derivation") -> Derivation:
    d = Derivation(title, Context(), start=X, name=name)
    for i, step in enumerate(steps, start=2):
        d.step(i * X, f"multiply by {i}", name=step)
    return d


def _report(d: Derivation) -> DerivationReport:
    return DerivationReport(d, [StepResult(Evidence.PROVED, "") for _ in d.steps], path="")


def _files(folder: Path) -> list[str]:
    return sorted(str(p.relative_to(folder)) for p in folder.rglob("*"))


# -- 1. a derivation's name never writes outside out -----------------------------------------------------------------


@pytest.mark.parametrize("name", ["../../evil", "sub/evil", "..", ".derive-manifest", "a\\b", "C:evil", "", "slides"])
def test_a_name_that_cannot_name_its_files_is_refused_and_nothing_is_written(tmp_path, name):
    out = tmp_path / "a" / "b" / "out"
    d = _derivation("placeholder")
    d.name = name  # the model takes any name: the write side must refuse it
    with pytest.raises(ModelError, match="derivation name"):
        write_outputs(_report(d), out, pdf=False)
    assert _files(tmp_path) == []


def test_an_absolute_name_is_refused(tmp_path):
    target = tmp_path / "elsewhere" / "evil"
    with pytest.raises(ModelError):
        check_name(str(target))
    d = _derivation("placeholder")
    d.name = str(target)
    with pytest.raises(ModelError):
        write_outputs(_report(d), tmp_path / "out", pdf=False)
    assert not target.parent.exists()


def test_plain_names_are_accepted():
    for name in ("iid-cross-entropy", "loss a", "kl_v2.1", "Ünïcode"):
        check_name(name)


def test_the_write_side_checks_every_path_itself(tmp_path):
    """Defence in depth: even a name that got past check_name is never written outside out."""
    out = tmp_path / "out"
    for name in ("../evil.txt", "html/../../evil.txt", str(tmp_path / "evil.txt")):
        with pytest.raises(DeriveError, match="not inside the output folder"):
            build._publish({name: "text"}, [], [name], out)
    assert _files(tmp_path) == []


def test_a_symlink_out_of_the_folder_is_not_followed(tmp_path):
    out, elsewhere = tmp_path / "out", tmp_path / "elsewhere"
    out.mkdir()
    elsewhere.mkdir()
    (out / "html").symlink_to(elsewhere)
    with pytest.raises(DeriveError, match="not inside"):
        build._publish({"html/index.html": "text"}, [], ["html/index.html"], out)
    assert _files(elsewhere) == []


# -- 2. a manifest entry never deletes (or reads) a file outside out -------------------------------------------------


def _digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_a_manifest_entry_outside_out_is_ignored_with_a_warning(tmp_path, capsys):
    out = tmp_path / "out"
    (out / "html").mkdir(parents=True)
    victim = tmp_path / "victim.txt"
    victim.write_text("precious user data")
    entries = {"html/../../victim.txt": _digest(victim), str(victim): _digest(victim), "../victim.txt": "x"}
    (out / MANIFEST).write_text(json.dumps(entries))
    assert remove_stale(out, ["html/", "../victim.txt", str(victim)]) == []
    assert victim.read_text() == "precious user data"
    err = capsys.readouterr().err
    assert "ignoring 'html/../../victim.txt', a path outside" in err
    assert json.loads((out / MANIFEST).read_text()) == {}  # dropped when the manifest is written again


def test_remove_stale_never_touches_a_path_outside_out_even_when_told_to(tmp_path):
    out = tmp_path / "out"
    out.mkdir()
    victim = tmp_path / "victim.txt"
    victim.write_text("precious user data")
    assert remove_stale(out, ["../victim.txt"], {"../victim.txt": _digest(victim)}) == []
    assert victim.exists()


# -- 3. names that collide once made label-safe are refused, naming both ----------------------------------------------


def test_two_derivations_that_would_share_a_page_are_refused_naming_both():
    checked = [(d, _report(d).results) for d in (_derivation("loss a"), _derivation("loss-a"))]
    with pytest.raises(LabelClash, match="derivation 'loss a' and derivation 'loss-a' both get the label 'loss-a'"):
        render_site(checked, "Notes")


@pytest.mark.parametrize("names", [("index", "derivation-index"), ("Loss", "loss")])
def test_pages_that_are_one_file_are_refused(names):
    checked = [(d, _report(d).results) for d in map(_derivation, names)]
    with pytest.raises(LabelClash, match=f"derivation {names[0]!r} and derivation {names[1]!r} would both have"):
        render_site(checked, "Notes")


def test_two_steps_that_would_share_an_anchor_are_refused_in_every_write_up(tmp_path):
    d = _derivation("loss", ("take logs", "take-logs"))
    clash = "step 'take logs' of derivation 'loss' and step 'take-logs' of derivation 'loss' both get the label"
    with pytest.raises(LabelClash, match=clash):
        write_outputs(_report(d), tmp_path, pdf=False)  # the standalone LaTeX and the Markdown anchors
    with pytest.raises(LabelClash, match=clash):
        render_site([(d, _report(d).results)], "Notes")
    with pytest.raises(LabelClash, match=clash):
        write_combined([_report(d)], tmp_path, "Notes", pdf=False)  # the notes and slides' labels
    assert _files(tmp_path) == []


def test_the_notes_refuse_derivations_sharing_a_label_before_writing_anything(tmp_path):
    reports = [_report(_derivation("loss a")), _report(_derivation("loss-a"))]
    with pytest.raises(LabelClash):
        write_combined(reports, tmp_path, "Notes", pdf=False)
    assert _files(tmp_path) == []


def test_a_step_label_that_is_another_derivations_section_label_is_refused():
    with pytest.raises(LabelClash, match="'sec:take'"):
        check_labels([_derivation("sec", ("take",)), _derivation("take")])


def test_distinct_labels_pass_and_keep_their_names(tmp_path):
    reports = [_report(_derivation("loss-a", ("take logs", "divide"))), _report(_derivation("loss-b"))]
    check_labels([r.derivation for r in reports])
    for report in reports:
        write_outputs(report, tmp_path, pdf=False)
    assert r"\label{loss-a:take-logs}" in (tmp_path / "loss-a-fragment.tex").read_text()


def test_the_model_refuses_an_unsafe_name_where_the_derivation_is_made():
    """The error points at the author's line, before anything is checked or written."""
    import sympy as sp

    from derive import Context, Derivation

    with pytest.raises(ModelError, match=r"test_build_paths\.py:\d+: derivation name '\.\./\.\./evil' cannot"):
        Derivation("t", Context(), start=sp.Symbol("x"), name="../../evil")


def test_a_recorded_module_never_makes_a_file_outside_out_or_another_write_up_stale(tmp_path):
    """``.modules`` names derivations, whose files are derived from the name: a hand-edited entry naming a path, or
    a name whose files are the notes', is ignored, so nothing outside ``out`` (nor ``slides.tex``) is removed."""
    from derive.entry.build_stale import orphaned
    from derive.run.loader import Loaded

    out, proofs = tmp_path / "out", tmp_path / "proofs"
    out.mkdir()
    proofs.mkdir()
    (proofs / "a.py").write_text("")
    victim, slides = tmp_path / "victim.md", out / "slides.tex"
    for path in (victim, slides):
        path.write_text("precious")
    entries = {"../victim.md": _digest(victim), "slides.tex": _digest(slides)}
    modules = {"../victim": "../proofs/a.py", "slides": "../proofs/a.py", "gone": "../proofs/a.py"}
    (out / MANIFEST).write_text(json.dumps({**entries, build.MODULES: modules}))
    gone = orphaned(out, [Loaded(proofs / "a.py")], [str(proofs)])
    assert gone == {"gone": list(build.output_names("gone").values())}
    assert remove_stale(out, [f for files in gone.values() for f in files]) == []
    assert victim.read_text() == slides.read_text() == "precious"
