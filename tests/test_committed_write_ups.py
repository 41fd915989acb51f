"""docs/derivations/ holds the write-ups of the bundled derivations, for lecturers to take from the repository.

This test regenerates them and fails when the committed copies are stale. Text files (fragments, standalone
.tex, Markdown, JSON reports, the lecture notes' and slides' .tex, the HTML site's pages under html/) and the
site's assets (KaTeX, the stylesheet) must match byte for byte. A PDF depends on the
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
from derive.entry.build import COMBINED, MANIFEST, SITE, combined_texts, output_names, render_texts, site_files
from derive.entry.settings import Settings
from derive.render.links import library
from derive.render.notes import TITLE
from derive.run.check import check_derivations
from derive.run.loader import bundled_proofs, load

ROOT = Path(__file__).resolve().parents[1]
DOCS = ROOT / "docs" / "derivations"
REGENERATE = "stale: regenerate with `derive build --out docs/derivations` from the repository's root"


@pytest.fixture(scope="module")
def reports():
    items = [(d, "") for item in load([bundled_proofs()]) for d in item.derivations]
    reports = check_derivations(items, Options(), jobs=os.cpu_count() or 1)
    assert all(r.passed for r in reports), "a bundled derivation fails; the write-ups cannot be regenerated"
    return reports


@pytest.fixture(scope="module")
def site(reports) -> dict[str, str | Path]:
    """The HTML site, by path in the folder (``html/index.html``): a page's text, or the asset it copies."""
    return site_files(reports, TITLE)


@pytest.fixture(scope="module")
def expected(reports) -> dict[str, str]:
    texts: dict[str, str] = {}
    markdown_math = Settings.read(ROOT / "pyproject.toml").markdown_math  # as `derive build` reads it
    known = library([r.derivation for r in reports])  # the titles the citations show, as `derive build` passes them
    for report in reports:
        texts.update(render_texts(report, markdown_math=markdown_math, known=known))
    texts.update(combined_texts(reports, TITLE))
    return texts


def test_the_html_site_is_current(site):
    stale = []
    for name, made in site.items():
        committed = DOCS / name
        current = committed.is_file() and (
            committed.read_bytes() == made.read_bytes() if isinstance(made, Path) else committed.read_text() == made
        )
        if not current:
            stale.append(name)
    assert not stale, f"docs/derivations: {', '.join(sorted(stale)[:10])}: {REGENERATE}"
    extra = sorted(p.relative_to(DOCS).as_posix() for p in (DOCS / SITE).rglob("*") if p.is_file())
    assert [n for n in extra if n not in site] == [], f"left over in docs/derivations/{SITE}: {REGENERATE}"
    assert {f"{SITE}/index.html", f"{SITE}/graph.html", f"{SITE}/iid-cross-entropy.html"} <= set(extra)


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
    names = set(expected) | {n.replace(".tex", ".pdf") for n in expected if n.endswith(".tex")} | {MANIFEST, SITE}
    names -= {n.replace(".tex", ".pdf") for n in expected if n.endswith("-fragment.tex")}
    extra = sorted(p.name for p in DOCS.iterdir()) if DOCS.is_dir() else []
    assert [n for n in extra if n not in names] == [], f"left over in docs/derivations: {REGENERATE}"
    assert {n.rstrip("/") for n in COMBINED.values()} <= set(extra)
    assert set(output_names("iid-cross-entropy").values()) <= set(extra)
