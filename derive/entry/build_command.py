"""``derive build``: the policy of what is written. A derivation whose step fails is not written (and its old
write-ups are removed); the lecture notes and slides are written only when they can be complete; a write-up LaTeX
fails on is skipped and makes the exit code 1. The writing itself is :mod:`derive.entry.build`.
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

from derive.entry.commands import ExitCode, check_all, exit_code, load_paths, summary
from derive.entry.settings import Settings
from derive.run.check import DerivationReport
from derive.run.loader import Loaded, display_path


def _renames(items: list[str]) -> dict[str, str]:
    """``--rename NAME=LATEX`` options as a mapping; a malformed one is a usage error naming the option."""
    from derive.render.style import NotationError, latex_problem

    renames = {}
    for item in items:
        name, sep, latex = (part.strip() for part in item.partition("="))
        if not sep:
            raise NotationError(f"--rename '{item}': write NAME=LATEX, e.g. --rename 'q=\\hat{{y}}'")
        problem = latex_problem(latex)
        if problem:
            raise NotationError(f"--rename '{item}': {problem}")
        renames[name] = latex
    return renames


def _check_renames(given: dict[str, str], notation, loaded: list[Loaded], pyproject: Path | None) -> None:
    """A ``--rename`` of a name no derivation being built has (a symbol, a function such as ``Normal`` or an
    operator such as ``KL``) is a usage error; one from pyproject.toml is only warned about (the project's notation
    need not fit every PATH built). A rename that makes two symbols of one derivation look the same is warned
    about, not refused."""
    from derive.render.style import NotationError, clashes, renameable_names

    derivations = [d for item in loaded for d in item.derivations]
    known = set().union(*(renameable_names(d) for d in derivations))
    listing = ", ".join(sorted(known, key=lambda n: (n.lower(), n))) or "none"
    for name in sorted(set(notation.symbols) - known):
        if name in given:
            raise NotationError(
                f"--rename {name}={given[name]}: no derivation being built has a symbol or function {name!r}; "
                f"the names that can be renamed: {listing}"
            )
        print(
            f"derive: warning: {display_path(pyproject)}: [tool.derive.notation] symbols: {name!r} is a "
            f"symbol of no derivation being built (they have: {listing})",
            file=sys.stderr,
        )
    for d in derivations:
        for name, other, tex in clashes(notation, d):
            print(
                f"derive: warning: {d.name}: {name} is renamed to {tex}, which is how {other} prints there too; "
                "the reader cannot tell them apart",
                file=sys.stderr,
            )


def _title(settings: Settings, paths: list) -> str:
    """--title, else ``[tool.derive] title`` (both in ``settings``), else the bundled derivations' title or a
    generic one."""
    from derive.render.notes import GENERIC_TITLE, TITLE
    from derive.run.loader import is_bundled

    return settings.title or (TITLE if is_bundled(paths) else GENERIC_TITLE)


def _warn_about_math(loaded: list[Loaded]) -> None:
    """Warn, with the file and step, about math in a title, an intro or a justification that would break the
    compile: the write-ups show it as text instead (derive.render.text.math_problems)."""
    from derive.render.text import math_problems

    for item in loaded:
        for d in item.derivations:
            texts = [(d.source or "", "the title", d.title), (d.source or "", "the intro", d.intro)]
            texts += [(d.source or "", "the closing", d.closing)]
            texts += [(s.where, f"step {s.name!r}", t) for s in d.steps for t in (s.because, s.prose)]
            for where, what, text in texts:
                for problem in math_problems(text or ""):
                    print(
                        f"derive: warning: {display_path(where) if where else d.name}: {what} of {d.name}: {problem}; "
                        "shown as text",
                        file=sys.stderr,
                    )


def cmd_build(args, settings: Settings) -> ExitCode:
    """``derive build``; with ``--check``, a build into a temporary folder compared with ``--out``
    (:mod:`derive.entry.build_check`)."""
    if getattr(args, "check", False):
        from derive.entry.build_check import run_check

        return run_check(args, lambda stage: build_into(args, settings, stage, pdf=False, echo=False))
    code, _, _ = build_into(args, settings, Path(args.out), pdf=not args.no_pdf)
    return code


def build_into(
    args, settings: Settings, out: Path, pdf: bool, echo: bool = True
) -> tuple[ExitCode, list[DerivationReport], list[str]]:
    """Check and write every write-up of ``args`` into ``out`` (the PDFs when ``pdf``); ``echo``: print a line for
    each file written. Returns the exit code, the reports of the derivations checked, and the write-ups in
    ``--out`` of derivations no module of the build makes any more (:mod:`derive.entry.build_stale`): removed
    here when ``out`` is ``--out``, listed by ``--check``, which builds into a temporary folder."""
    from derive.entry.build import output_names, remove_stale, write_outputs
    from derive.entry.build_stale import orphaned, record_modules
    from derive.render.links import library
    from derive.render.pdf import NO_TEX_NOTICE, RenderError, tex_available
    from derive.render.style import base_free, has_logs

    renames = _renames(args.rename)
    notation = settings.notation(renames, args.log, args.log_base)  # before any work: a bad one is a usage error
    loaded, bad = load_paths(args, settings)
    if not bad:  # a module that failed to load might have had the symbol
        _check_renames(renames, notation, loaded, settings.pyproject)
    _warn_about_math(loaded)
    title = _title(settings, args.paths)
    start = time.perf_counter()
    reports, missing = check_all(args, settings, loaded, sys.stdout)
    if not reports:  # nothing loaded, or no derivation has the --step: the errors said so
        return ExitCode.BAD_INPUT, reports, []
    render_failed, made = False, {}
    known = library([r.derivation for r in reports])  # the titles the citations show
    modules = {d.name: item.path for item in loaded for d in item.derivations}
    for report in reports:
        if not report.passed:
            print(
                f"derive: {report.derivation.name}: not written, a step is refuted or short of what it declared",
                file=sys.stderr,
            )
            for path in remove_stale(out, list(output_names(report.derivation.name).values())):
                print(f"removed stale {display_path(path)}", file=sys.stderr)
            continue
        try:
            if notation.base is not None and has_logs(report.derivation) and not base_free(report.derivation):
                print(
                    f"derive: {report.derivation.name}: logarithms stay natural, not base {notation.base}: a step "
                    "evaluates a logarithm, differentiates, uses exp or ships code calling math.log",
                    file=sys.stderr,
                )
            written = write_outputs(
                report, out, pdf=pdf, notation=notation, markdown_math=settings.markdown_math, known=known
            )
        except RenderError as exc:  # this write-up failed; the others are still built
            print(f"derive: error: {exc}", file=sys.stderr)
            print(
                f"derive: {report.derivation.name}: not written (--no-pdf writes its .tex without typesetting it)",
                file=sys.stderr,
            )
            for path in remove_stale(out, list(output_names(report.derivation.name).values())):
                print(f"removed stale {display_path(path)}", file=sys.stderr)
            render_failed = True
            continue
        made[report.derivation.name] = modules[report.derivation.name]
        for path in written:
            if echo:
                print(f"wrote {display_path(path)}")
    record_modules(out, made)
    gone = orphaned(Path(args.out), loaded, args.paths, args.step)
    if out == Path(args.out):
        _remove_orphans(out, gone)
    if not args.no_notes:
        incomplete = bad or missing or render_failed
        render_failed |= not _build_combined(args, reports, incomplete, out, notation, title, pdf, echo)
    if pdf and not tex_available():
        print(NO_TEX_NOTICE, file=sys.stderr)
    summary(reports, time.perf_counter() - start)
    code = exit_code(reports, bad or missing)
    return (ExitCode.FAILED if render_failed and code is ExitCode.OK else code), reports, sorted(sum(gone.values(), []))


def _remove_orphans(out: Path, gone: dict[str, list[str]]) -> None:
    """Remove the write-ups of each derivation in ``gone`` (name → its files) that derive wrote, saying why."""
    from derive.entry.build import remove_stale

    for name, files in gone.items():
        removed = remove_stale(out, files)
        if removed:
            print(
                f"derive: {name}: no module of this build makes it any more; its write-ups are stale", file=sys.stderr
            )
        for path in removed:
            print(f"removed stale {display_path(path)}", file=sys.stderr)


def _build_combined(
    args,
    reports: list[DerivationReport],
    incomplete: bool,
    out: Path,
    notation=None,
    title: str | None = None,
    pdf: bool = True,
    echo: bool = True,
) -> bool:
    """Write the lecture notes and slides of every derivation; False if LaTeX failed on them.

    They are written only when they can be complete: a derivation that fails, a module that did not load or a
    single ``--step`` would be missing from them, so then they are skipped (and derive's old copies removed).
    """
    from derive.entry.build import COMBINED, remove_stale, write_combined
    from derive.render.notes import GENERIC_TITLE
    from derive.render.pdf import RenderError

    failing = [r.derivation.name for r in reports if not r.passed]
    if args.step:
        why = "they show whole derivations, not a single --step"
    elif failing:
        why = f"{', '.join(failing)} failed and would be missing"
    elif incomplete or not reports:
        why = "a module or a write-up failed and would be missing"
    else:
        try:
            for path in write_combined(reports, out, title or GENERIC_TITLE, pdf=pdf, notation=notation):
                if echo:
                    print(f"wrote {display_path(path)}")
            return True
        except RenderError as exc:
            print(f"derive: error: {exc}", file=sys.stderr)
            why = "LaTeX failed on them (--no-pdf writes their .tex without typesetting it)"
    print(f"derive: lecture notes and slides not written: {why}", file=sys.stderr)
    for path in remove_stale(out, list(COMBINED.values())):
        print(f"removed stale {display_path(path)}", file=sys.stderr)
    return not why.startswith("LaTeX")
