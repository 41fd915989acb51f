"""Write a checked derivation's write-ups (LaTeX fragment, standalone LaTeX, Markdown, JSON report and PDF), and
the lecture notes and slides that combine all derivations of a build.

Everything for one derivation is rendered in memory, written and typeset in a staging folder inside ``out``,
and only then moved into place, so a failure midway leaves the previous write-ups untouched and no half-written
file. ``out/.derive-manifest.json`` records each file derive wrote and its hash: a write-up that has become
stale (its derivation now fails, or no PDF could be made this time) is removed only if it is listed there and
unchanged since, so a file derive did not write is never deleted. For each PDF it also records the hash of the
``.tex`` typeset into it (under :data:`SOURCES`), so ``derive build --check`` can tell a PDF current without
typesetting it again (:mod:`derive.entry.build_check`), and for each derivation the module that made it (under
:data:`MODULES`), so the write-ups of a derivation renamed or deleted since are removed too
(:mod:`derive.entry.build_stale`).

The HTML site (:mod:`derive.render.html`) goes into ``out/html/``: its pages, and KaTeX and the stylesheet under
``out/html/assets/``. It is written with the lecture notes and slides (it links every derivation to every other),
listed in the same manifest under ``html/...``, and a page no longer made is removed the same way.

Nothing is ever written, read or removed outside ``out``: a derivation's name is refused unless it is a plain file
stem (:func:`check_name`), every path written is checked to resolve inside ``out``, and a manifest entry that does
not (``html/../../notes.txt``, a hand-edited or hostile manifest) is ignored with a warning.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import sys
import tempfile
from pathlib import Path

from derive.core.atomic import write_atomic
from derive.core.errors import DeriveError, ModelError
from derive.core.file_names import name_problem
from derive.run.check import DerivationReport

MANIFEST = ".derive-manifest.json"

#: The manifest's entry that maps each PDF to the hash of the ``.tex`` it was typeset from. Its name is no file
#: derive writes (a derivation's name never starts with a dot); a manifest without it (written before it existed)
#: is read as before, and derive versions without it keep it as an entry they never touch.
SOURCES = ".pdf-sources"

#: The manifest's entry that maps each derivation whose write-ups it lists to the module that made it (relative to
#: ``out``), so a build that loads that module (or the folder it was in) can tell when the module no longer makes the
#: derivation and remove its write-ups (:mod:`derive.entry.build_stale`). Read and kept as :data:`SOURCES` is.
MODULES = ".modules"


def output_names(name: str) -> dict[str, str]:
    """The files written for the derivation ``name``."""
    return {
        "fragment": f"{name}-fragment.tex",
        "document": f"{name}.tex",
        "markdown": f"{name}.md",
        "report": f"{name}.json",
        "pdf": f"{name}.pdf",
    }


def check_name(name: str) -> None:
    """Refuse a derivation name that would write anywhere but its own files in ``out``: one with a path separator
    or a character no portable file name takes (``../../evil``, ``/etc/x``, ``a:b``), one starting with a dot, an
    empty one, and one whose files are the lecture notes' or the slides' (``slides``).

    Raises:
        ModelError: naming the derivation and what is wrong with its name.
    """
    problem = name_problem(name)  # refused where the Derivation is made too; a name may be changed after
    if problem:
        raise ModelError(problem)
    clash = set(output_names(name).values()) & set(COMBINED.values())
    if clash:
        raise ModelError(f"derivation name {name!r} would write {min(clash)}, the combined write-up's file: rename it")


def _inside(out: Path, name: str) -> bool:
    """True when ``out/name`` resolves to a path strictly inside ``out`` (no ``..``, absolute path or symlink
    leads out of it), and is not derive's manifest."""
    try:
        base, path = out.resolve(), (out / name).resolve()
    except (OSError, ValueError):  # a NUL byte, a symlink loop
        return False
    return path != base and base in path.parents and path != base / MANIFEST


#: The folder of the HTML site inside ``out``.
SITE = "html"

#: The combined write-ups of a whole build: every derivation in one set of notes, one slide deck and one HTML
#: site (the folder ``html/``: given to :func:`remove_stale`, it stands for every file derive wrote there).
COMBINED = {
    "notes": "lecture-notes.tex",
    "notes-pdf": "lecture-notes.pdf",
    "slides": "slides.tex",
    "slides-pdf": "slides.pdf",
    "site": f"{SITE}/",
}


def write_outputs(
    report: DerivationReport,
    out: Path,
    pdf: bool = True,
    notation=None,
    markdown_math: str = "dollars",
    known=None,
) -> list[Path]:
    """Render ``report`` into ``out`` (in ``notation``, the Markdown's math in ``markdown_math`` syntax); returns
    the paths written. ``known``: the derivations of the build, by name (:func:`derive.render.links.library`),
    for the titles its citations show. The PDF needs latexmk or pdflatex.

    Raises:
        ModelError: the derivation's name cannot name files (:func:`check_name`).
        LabelClash: two of its steps' names give one label (:func:`derive.render.links.check_labels`).
    """
    names = output_names(report.derivation.name)
    # rendered first: a renderer that fails leaves nothing behind
    texts = render_texts(report, notation, markdown_math, known)
    return _publish(texts, [names["document"]] if pdf else [], list(names.values()), out)


def render_texts(report: DerivationReport, notation=None, markdown_math: str = "dollars", known=None) -> dict[str, str]:
    """The text files of one derivation's write-up, by file name (what :func:`write_outputs` writes)."""
    from derive.render.latex import render_document, render_fragment
    from derive.render.links import check_labels
    from derive.render.markdown import render_markdown

    d, results = report.derivation, report.results
    check_name(d.name)
    check_labels([d])
    names = output_names(d.name)
    return {
        names["fragment"]: render_fragment(d, results, notation, known=known),
        names["document"]: render_document(d, results, notation, known=known),
        names["markdown"]: render_markdown(d, results, notation, math=markdown_math, known=known),
        names["report"]: json.dumps(_stable(_cited(report.to_json(), d)), indent=2, ensure_ascii=False) + "\n",
    }


def write_combined(
    reports: list[DerivationReport], out: Path, title: str, pdf: bool = True, notation=None
) -> list[Path]:
    """Lecture notes, slides and the HTML site of all ``reports`` into ``out``, as :func:`write_outputs` writes one
    derivation; returns the paths written (the site as its folder, ``out/html``).

    The caller makes sure every derivation passed: the notes must not leave one out without saying so.

    Raises:
        LabelClash: two derivations' (or steps') names give one label (:func:`derive.render.links.check_labels`).
    """
    texts = combined_texts(reports, title, notation)  # render_notes refuses clashing labels before anything is written
    latex = [n for key, n in COMBINED.items() if key != "site"]
    written = _publish(texts, list(texts) if pdf else [], latex, out)
    return written + [write_site(reports, out, title, notation)]


def site_files(reports: list[DerivationReport], title: str, notation=None) -> dict[str, str | Path]:
    """The HTML site, by path in ``out`` (``html/index.html``): a page's text, or the shipped asset it copies."""
    from derive.render.html import asset_files, render_site

    pages = render_site([(r.derivation, r.results) for r in reports], title, notation)
    files: dict[str, str | Path] = {f"{SITE}/{name}": text for name, text in pages.items()}
    files.update({f"{SITE}/{name}": source for name, source in asset_files().items()})
    return files


def write_site(reports: list[DerivationReport], out: Path, title: str, notation=None) -> Path:
    """Write the HTML site of ``reports`` into ``out/html`` (staged, then moved into place, as every write-up);
    the files derive wrote there before and did not make this time are removed. Returns ``out/html``."""
    files = site_files(reports, title, notation)
    _publish(files, [], list(files), out)
    manifest = _read_manifest(out)
    remove_stale(out, [n for n in manifest if n.startswith(f"{SITE}/") and n not in files], manifest)
    return out / SITE


def combined_texts(reports: list[DerivationReport], title: str, notation=None) -> dict[str, str]:
    """The lecture notes' and slides' LaTeX, by file name (what :func:`write_combined` writes)."""
    from derive.render.notes import render_notes
    from derive.render.slides import render_slides

    checked = [(r.derivation, r.results) for r in reports]
    return {
        COMBINED["notes"]: render_notes(checked, title, notation),
        COMBINED["slides"]: render_slides(checked, title, notation),
    }


def _publish(texts: dict[str, str | Path], typeset: list[str], names: list[str], out: Path) -> list[Path]:
    """Write ``texts`` (a text, or a file to copy) and the PDFs of ``typeset`` in a staging folder, then move them
    into ``out``. A name may hold a folder (``html/index.html``).

    Of ``names`` (every file this write-up may consist of), those not made this time are removed as stale.

    Raises:
        DeriveError: a name leads outside ``out`` (checked before anything is written).
    """
    outside = [n for n in [*texts, *names] if not _inside(out, n)]
    if outside:
        raise DeriveError(f"refusing to write {outside[0]!r}: it is not inside the output folder {out}")
    out.mkdir(parents=True, exist_ok=True)
    stage = Path(tempfile.mkdtemp(prefix=".derive-stage-", dir=out))
    try:
        for name, text in texts.items():
            (stage / name).parent.mkdir(parents=True, exist_ok=True)
            if isinstance(text, Path):
                shutil.copyfile(text, stage / name)
            else:
                (stage / name).write_text(text, encoding="utf-8")
        for name in typeset:
            _typeset(stage, name, out)
        made = sorted(n for n in names if (stage / n).is_file())
        manifest, sources = _read_manifest(out), _read_sources(out)
        sources.update({pdf_name(n): digest(stage / n) for n in typeset if pdf_name(n) in made})
        written = []
        for name in made:
            (out / name).parent.mkdir(parents=True, exist_ok=True)
            os.replace(stage / name, out / name)
            os.chmod(out / name, 0o644)
            manifest[name] = digest(out / name)
            written.append(out / name)
    finally:
        shutil.rmtree(stage, ignore_errors=True)
    remove_stale(out, [n for n in names if n not in made], manifest, sources)
    return written


def pdf_name(tex: str) -> str:
    """The PDF typeset from the ``.tex`` file ``tex`` (``lecture-notes.tex`` → ``lecture-notes.pdf``)."""
    return tex.removesuffix(".tex") + ".pdf"


def _typeset(stage: Path, name: str, out: Path) -> None:
    """The PDF of ``stage/name``; a LaTeX error names ``out/name``, the file the user asked for, not the staging
    folder, which is gone by the time they read it."""
    from derive.render.pdf import RenderError, compile_pdf

    try:
        compile_pdf(stage / name, stage)
    except RenderError as exc:
        message = str(exc)
        for staged in (str(stage.resolve()), str(stage)):
            message = message.replace(staged + os.sep, str(out) + os.sep)
        raise RenderError(message) from None


def remove_stale(
    out: Path, files: list[str], manifest: dict[str, str] | None = None, sources: dict[str, str] | None = None
) -> list[Path]:
    """Delete those of ``files`` in ``out`` that derive wrote and nobody changed since; returns what it removed.

    A name ending in ``/`` (``html/``) stands for every file the manifest lists in that folder; a folder left empty
    by the removal is removed too. A name that leads outside ``out`` is never touched. ``manifest`` and ``sources``
    (a PDF's ``.tex``): the entries to write back, by default those in ``out`` now.
    """
    manifest = _read_manifest(out) if manifest is None else manifest
    names = [m for n in files for m in (sorted(k for k in manifest if k.startswith(n)) if n.endswith("/") else [n])]
    removed = []
    for name in filter(lambda n: _inside(out, n), names):
        path = out / name
        if name in manifest and path.is_file() and digest(path) == manifest[name]:
            path.unlink()
            removed.append(path)
            _remove_empty(out, path.parent)
        manifest.pop(name, None) if not path.exists() else None
    _write_manifest(out, manifest, sources)
    return removed


def _remove_empty(out: Path, folder: Path) -> None:
    """Remove ``folder`` and its parents up to ``out`` (not included) while they are empty."""
    while folder != out and out in folder.parents and folder.is_dir() and not any(folder.iterdir()):
        folder.rmdir()
        folder = folder.parent


def _read_manifest(out: Path) -> dict[str, str]:
    """The manifest's entries, without any that lead outside ``out`` (each ignored with a warning, and dropped when
    the manifest is next written): derive reads, hashes and removes only files inside ``out``."""
    data = _manifest_data(out)
    entries = {str(k): str(v) for k, v in data.items() if k not in (SOURCES, MODULES)}
    for name in [n for n in entries if not _inside(out, n)]:
        print(f"derive: warning: {out / MANIFEST}: ignoring {name!r}, a path outside {out}", file=sys.stderr)
        del entries[name]
    return entries


def recorded(out: Path) -> tuple[dict[str, str], dict[str, str]]:
    """What the manifest in ``out`` records: each file derive wrote with its hash, and each PDF's source (the hash
    of the ``.tex`` it was typeset from, where recorded)."""
    return _read_manifest(out), _read_sources(out)


def _read_sources(out: Path, key: str = SOURCES) -> dict[str, str]:
    """The manifest's record of each PDF's source: the hash of the ``.tex`` it was typeset from, by PDF name (with
    ``key`` :data:`MODULES`, each derivation's module); empty for a manifest written before derive kept it."""
    sources = _manifest_data(out).get(key)
    return {str(k): str(v) for k, v in sources.items()} if isinstance(sources, dict) else {}


def _manifest_data(out: Path) -> dict:
    try:
        data = json.loads((out / MANIFEST).read_text())
    except (OSError, ValueError):
        return {}
    return data if isinstance(data, dict) else {}


def _write_manifest(
    out: Path, manifest: dict[str, str], sources: dict[str, str] | None = None, modules: dict[str, str] | None = None
) -> None:
    """Write the manifest, with the sources of the PDFs it still lists and the modules of the derivations it still
    lists a write-up of (by default those recorded in ``out``)."""
    if out.is_dir():
        sources = _read_sources(out) if sources is None else sources
        modules = _read_sources(out, MODULES) if modules is None else modules
        data: dict = dict(sorted(manifest.items()))
        kept = {pdf: tex for pdf, tex in sorted(sources.items()) if pdf in manifest}
        if kept:
            data[SOURCES] = kept
        makers = {n: m for n, m in sorted(modules.items()) if any(f in manifest for f in output_names(n).values())}
        if makers:
            data[MODULES] = makers
        write_atomic(out / MANIFEST, json.dumps(data, indent=1) + "\n")


def digest(path: Path) -> str:
    """The hash the manifest records for the file ``path``."""
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _cited(data: dict, derivation) -> dict:
    """The report with a ``citations`` list on every step: the names of the derivations it cites (the files
    ``<name>.json`` beside this one), empty for a step that cites none."""
    data = dict(data)
    data["steps"] = [
        {**s, "citations": list(s.get("citations", step.citations))} for s, step in zip(data["steps"], derivation.steps)
    ]
    return data


def _stable(data: dict) -> dict:
    """The JSON report without timings, and its proof traces as the rules used (the rewritten expressions name
    SymPy's Dummy symbols by a counter that differs between runs; ``derive check --json`` gives them in full), so
    the same derivation gives a byte-identical file."""
    data = dict(data)
    data["steps"] = [{k: v for k, v in s.items() if k not in ("seconds", "location", "cached")} for s in data["steps"]]
    for step in data["steps"]:
        if "trace" in step:
            kept = ("rule", "side", "reverse", "assumptions")
            step["trace"] = [{k: t[k] for k in kept if k in t} for t in step["trace"]]
    data.pop("path", None)
    return data
