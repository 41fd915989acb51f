"""docs/derivations/ holds the write-ups of the bundled derivations, for lecturers to take from the repository.

This test regenerates them and fails when the committed copies are stale. Text files (fragments, standalone
.tex, Markdown, JSON reports, the lecture notes' and slides' .tex) must match byte for byte. A PDF depends on the
TeX installation, so it is not rebuilt here: it must have been written by the same build as the .tex it comes
from, which the build's manifest records (the digests of both, taken as they were written).

To regenerate: ``derive build --out docs/derivations`` from the repository's root.
"""

from __future__ import annotations

import hashlib
import json
import os
from pathlib import Path

import pytest

from derive.checks.steps import Options
from derive.entry.build import COMBINED, MANIFEST, combined_texts, output_names, render_texts
from derive.entry.settings import Settings
from derive.render.links import library
from derive.render.notes import TITLE
from derive.run.check import check_derivations
from derive.run.loader import bundled_proofs, load

ROOT = Path(__file__).resolve().parents[1]
DOCS = ROOT / "docs" / "derivations"
REGENERATE = "stale: regenerate with `derive build --out docs/derivations` from the repository's root"


@pytest.fixture(scope="module")
def expected() -> dict[str, str]:
    items = [(d, "") for item in load([bundled_proofs()]) for d in item.derivations]
    reports = check_derivations(items, Options(), jobs=os.cpu_count() or 1)
    assert all(r.passed for r in reports), "a bundled derivation fails; the write-ups cannot be regenerated"
    texts: dict[str, str] = {}
    markdown_math = Settings.read(ROOT / "pyproject.toml").markdown_math  # as `derive build` reads it
    known = library([r.derivation for r in reports])  # the titles the citations show, as `derive build` passes them
    for report in reports:
        texts.update(render_texts(report, markdown_math=markdown_math, known=known))
    texts.update(combined_texts(reports, TITLE))
    return texts


def _digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_every_text_write_up_is_current(expected):
    stale = [
        name for name, text in expected.items() if not (DOCS / name).is_file() or (DOCS / name).read_text() != text
    ]
    assert not stale, f"docs/derivations: {', '.join(sorted(stale))}: {REGENERATE}"


def test_every_pdf_was_built_from_the_committed_tex(expected):
    manifest = json.loads((DOCS / MANIFEST).read_text())
    sources = [n for n in expected if n.endswith(".tex") and not n.endswith("-fragment.tex")]
    assert len(sources) == len(expected) // 4 + 2  # one standalone .tex per derivation, notes and slides
    for tex in sources:
        pdf = DOCS / tex.replace(".tex", ".pdf")
        assert pdf.is_file(), f"docs/derivations/{pdf.name} is missing: {REGENERATE}"
        assert manifest.get(tex) == _digest(DOCS / tex), f"docs/derivations/{tex} was changed by hand: {REGENERATE}"
        assert manifest.get(pdf.name) == _digest(pdf), f"docs/derivations/{pdf.name}: not from this build: {REGENERATE}"


def test_nothing_else_lies_in_the_folder(expected):
    names = set(expected) | {n.replace(".tex", ".pdf") for n in expected if n.endswith(".tex")} | {MANIFEST}
    names -= {n.replace(".tex", ".pdf") for n in expected if n.endswith("-fragment.tex")}
    extra = sorted(p.name for p in DOCS.iterdir()) if DOCS.is_dir() else []
    assert [n for n in extra if n not in names] == [], f"left over in docs/derivations: {REGENERATE}"
    assert set(COMBINED.values()) <= set(extra)
    assert set(output_names("iid-cross-entropy").values()) <= set(extra)
