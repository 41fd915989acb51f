"""docs/derivations/ holds the write-ups of the bundled derivations, for lecturers to take from the repository.

This test runs ``derive build --check --out docs/derivations`` from the repository's root, as CI and the pre-commit
hook do, so the two cannot disagree: it fails when a committed text write-up (fragments, standalone .tex,
Markdown, JSON reports, the lecture notes' and slides' .tex, the HTML site's pages and assets) differs from a fresh
build, when one is missing or when one should have been removed, and when a PDF was not typeset from the committed
.tex as the build's manifest records it (a PDF depends on the TeX installation: it is never rebuilt here).

To regenerate: ``derive build --out docs/derivations`` from the repository's root.
"""

from __future__ import annotations

from pathlib import Path

from derive.entry.build import COMBINED, MANIFEST, SITE, output_names
from derive.entry.cli import ExitCode, main
from derive.run.loader import bundled_proofs, load

ROOT = Path(__file__).resolve().parents[1]
DOCS = ROOT / "docs" / "derivations"
REGENERATE = "stale: regenerate with `derive build --out docs/derivations` from the repository's root"


def test_the_committed_write_ups_pass_derive_build_check(monkeypatch, capsys):
    monkeypatch.chdir(ROOT)  # [tool.derive] of the repository's pyproject.toml, as `derive build` reads it there
    code = main(["build", "--check", "--out", "docs/derivations", "--budget", "60"])
    out = capsys.readouterr().out
    stale = [line for line in out.splitlines() if line.startswith("would ")]
    assert (code, stale) == (ExitCode.OK, []), f"{'; '.join(stale[:10])}: {REGENERATE}"
    assert "files in docs/derivations up to date" in out


def test_nothing_else_lies_in_the_folder():
    """--check lists only what a build would change; a file derive never wrote there is this test's to find."""
    names = {n for item in load([bundled_proofs()]) for d in item.derivations for n in output_names(d.name).values()}
    names -= {n.replace(".tex", ".pdf") for n in names if n.endswith("-fragment.tex")}
    names |= {n.rstrip("/") for n in COMBINED.values()} | {MANIFEST}
    extra = sorted(p.name for p in DOCS.iterdir()) if DOCS.is_dir() else []
    assert [n for n in extra if n not in names] == [], f"left over in docs/derivations: {REGENERATE}"
    assert {n.rstrip("/") for n in COMBINED.values()} <= set(extra)
    assert set(output_names("iid-cross-entropy").values()) <= set(extra)
    pages = {p.relative_to(DOCS).as_posix() for p in (DOCS / SITE).rglob("*") if p.is_file()}
    assert {f"{SITE}/index.html", f"{SITE}/graph.html", f"{SITE}/iid-cross-entropy.html"} <= pages
