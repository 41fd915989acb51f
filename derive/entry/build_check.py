"""``derive build --check``: are the write-ups in ``--out`` what ``derive build`` would write there now?

Like ``ruff format --check``, it writes nothing into ``--out``: the build runs as usual (the same paths, options,
notation and cache) into a temporary folder, without typesetting, and every file it made is compared byte for byte
with ``--out``. Listed, one per line, relative to the working directory:

- ``would write x.md``: the build makes it, ``--out`` lacks it;
- ``would rewrite x.md``: ``--out`` holds other bytes;
- ``would remove x.md``: derive wrote it there (the manifest lists it, unchanged) and the build would remove it as
  stale (a derivation that now fails, one that no module of the build makes any more, a page of the HTML site no
  longer made);
- ``would rebuild x.pdf``: a PDF's ``.tex`` changed.

A PDF is never typeset nor compared by its bytes, which depend on the TeX installation: it is current when the
manifest lists it as it is and records it as typeset from exactly the ``.tex`` the build writes now (a manifest
written before derive recorded that: from the ``.tex`` the manifest lists, written by the same build). Without TeX,
a PDF the manifest does not list is not looked at, since this machine could not make it; one it lists still is.
"""

from __future__ import annotations

import shutil
import sys
import tempfile
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

from derive.entry.build import COMBINED, MANIFEST, SITE, digest, output_names, pdf_name, recorded
from derive.entry.commands import ExitCode
from derive.run.check import DerivationReport
from derive.run.loader import display_path

NO_TEX = "derive: no LaTeX found: --check compared the text files, and the PDFs only as far as the manifest lists them"


@dataclass(frozen=True)
class Change:
    """One file of ``--out`` that a build would change: ``action`` is write, rewrite, remove or rebuild."""

    action: str
    name: str  # inside --out, with / between folders


def run_check(args, build: Callable[[Path], tuple[ExitCode, list[DerivationReport], list[str]]]) -> ExitCode:
    """``build`` (``derive build`` of ``args`` into the folder given, without PDFs) into a temporary folder, list
    what differs from ``--out`` (with the write-ups in ``--out`` of derivations no module of the build makes any
    more, which the build returns third), and return the exit code: the build's own when it fails (a refuted step
    1, bad input 2, an engine inconsistency 3), else 1 when a file is stale, else 0."""
    from derive.render.pdf import tex_available

    out = Path(args.out)
    stage = Path(tempfile.mkdtemp(prefix="derive-check-"))
    try:
        code, reports, orphans = build(stage)
        if not reports:  # nothing was checked: the errors said why
            return code
        tex = tex_available()
        if not args.no_pdf and not tex:
            print(NO_TEX, file=sys.stderr)
        changes, current = compare(
            stage, out, reports, notes=not args.no_notes, pdf=not args.no_pdf, tex=tex, orphans=orphans
        )
    finally:
        shutil.rmtree(stage, ignore_errors=True)
    for change in changes:
        print(f"would {change.action} {display_path(out / change.name)}")
    where = display_path(out)
    if changes:
        print(f"derive build --check: {len(changes)} of {len(changes) + current} files in {where} stale")
    else:
        print(f"derive build --check: {current} files in {where} up to date")
    if code is not ExitCode.OK:
        return code
    return ExitCode.FAILED if changes else ExitCode.OK


def compare(
    stage: Path,
    out: Path,
    reports: list[DerivationReport],
    notes: bool,
    pdf: bool,
    tex: bool,
    orphans: Sequence[str] = (),
) -> tuple[list[Change], int]:
    """The files of ``out`` that a build would change, given what it wrote into ``stage`` (without PDFs) and the
    write-ups of derivations no module of it makes any more (``orphans``), in the order they are listed; and how
    many it would leave as they are."""
    manifest, sources = recorded(out)
    made = sorted(p.relative_to(stage).as_posix() for p in stage.rglob("*") if p.is_file() and p.name != MANIFEST)
    changes = [Change(_text_action(stage / name, out / name), name) for name in made]
    typeset = [n for n in _typeset(reports) if n in made] if pdf else []
    for source in typeset:
        action = _pdf_action(out, pdf_name(source), digest(stage / source), manifest, sources, tex)
        if action is not None:
            changes.append(Change(action, pdf_name(source)))
    kept = set(made) | {pdf_name(n) for n in typeset}
    for name in sorted((_owned(reports, notes, manifest) | set(orphans)) - kept):
        if name in manifest and (out / name).is_file() and digest(out / name) == manifest[name]:
            changes.append(Change("remove", name))  # what remove_stale deletes: derive wrote it, nobody changed it
    stale = [c for c in changes if c.action]
    return sorted(stale, key=lambda c: c.name), len(changes) - len(stale)


def _text_action(made: Path, committed: Path) -> str:
    if not committed.is_file():
        return "write"
    return "" if committed.read_bytes() == made.read_bytes() else "rewrite"


def _pdf_action(out: Path, name: str, source: str, manifest: dict, sources: dict, tex: bool) -> str | None:
    """'' when ``out/name`` is the PDF the manifest lists, typeset from the ``.tex`` whose hash is ``source``; None
    when it is not looked at."""
    listed = manifest.get(name)
    if listed is None and not tex:
        return None  # this machine could not typeset it: the text files alone are compared
    if not (out / name).is_file():
        return "write"
    built_from = sources.get(name, manifest.get(name.removesuffix(".pdf") + ".tex"))  # an older manifest: same build
    return "" if listed == digest(out / name) and built_from == source else "rebuild"


def _typeset(reports: list[DerivationReport]) -> list[str]:
    """The ``.tex`` files a build typesets: each derivation's standalone document, the lecture notes and slides."""
    documents = [output_names(r.derivation.name)["document"] for r in reports]
    return [*documents, COMBINED["notes"], COMBINED["slides"]]


def _owned(reports: list[DerivationReport], notes: bool, manifest: dict[str, str]) -> set[str]:
    """Every file the build may write, or remove when it does not make it: the write-ups of each derivation it
    checks, and unless ``--no-notes`` the combined ones and whatever the manifest lists in the HTML site."""
    names = {n for r in reports for n in output_names(r.derivation.name).values()}
    if notes:
        names |= {n for n in COMBINED.values() if not n.endswith("/")}
        names |= {n for n in manifest if n.startswith(f"{SITE}/")}
    return names
