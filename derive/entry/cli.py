"""``derive``: list, check and build derivations.

With no PATH, a command acts on the ``[tool.derive] paths`` of the nearest pyproject.toml, else on a ``proofs/``
folder in the working directory, else on the bundled derivations (:func:`derive.entry.settings.default_source`), as the
pytest plugin does; a line on stderr says which.

Exit codes (``ExitCode``): 0 every step verified; 1 a step refuted or short of what it declared, or LaTeX failed on
a write-up; 2 bad input (usage, a missing path, a module that fails to import or defines no derivation, a bad
setting in pyproject.toml); 3 internal error, or an engine inconsistency (a proof the independent guard
contradicts).
"""

from __future__ import annotations

import argparse
import enum
import json
import os
import sys
import time
from dataclasses import dataclass
from pathlib import Path

from derive.core.errors import DeriveError
from derive.core.evidence import Evidence
from derive.core.version import VERSION as __version__
from derive.run.cache import Cache, default_dir
from derive.run.check import DerivationReport, check_derivations
from derive.run.loader import Loaded, display_path, load
from derive.verify.steps import DEFAULT_BUDGET, Options


class ExitCode(enum.IntEnum):
    OK = 0
    FAILED = 1
    BAD_INPUT = 2
    INTERNAL = 3


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="derive",
        description="Machine-checked derivations: verify every step symbolically, write LaTeX, Markdown and PDF.",
        epilog="With no PATH, the commands act on the paths of [tool.derive] in the nearest pyproject.toml, else on "
        "a proofs/ folder here, else on the derivations bundled with derive; a line on stderr says which. "
        "Exit codes: 0 verified, 1 a step refuted or short of what it declared (or LaTeX failed on a write-up), "
        "2 bad input, 3 internal error.",
    )
    parser.add_argument("--version", action="version", version=f"derive {__version__}")
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    def paths(p):
        p.add_argument(
            "paths",
            nargs="*",
            metavar="PATH",
            help="a derivation module (.py) or a folder of them (default: [tool.derive] paths in pyproject.toml, "
            "else ./proofs, else the bundled derivations)",
        )

    p_list = sub.add_parser("list", help="list the derivations found")
    paths(p_list)

    def checking(p):
        paths(p)
        p.add_argument(
            "--budget",
            type=float,
            default=DEFAULT_BUDGET,
            metavar="SECONDS",
            help=f"time budget per step; a step that needs longer is undecided (default {DEFAULT_BUDGET:g})",
        )
        p.add_argument("--seed", type=int, default=0, help="seed for the random points of numeric checks")
        p.add_argument(
            "--step",
            metavar="NAME",
            help="check only the step with this name or 1-based number, in each derivation that has one "
            "(DERIVATION:STEP names one derivation's)",
        )
        p.add_argument(
            "-j",
            "--jobs",
            type=int,
            default=os.cpu_count() or 1,
            metavar="N",
            help="steps verified in parallel (default: all cores); results are the same as with --jobs 1",
        )
        p.add_argument("--no-cache", action="store_true", help="verify every step again, ignoring the cache")
        p.add_argument(
            "--cache-dir",
            type=Path,
            default=None,
            metavar="DIR",
            help=f"where results are cached (default {default_dir()})",
        )

    p_check = sub.add_parser("check", help="verify every step and print a table (or JSON)")
    checking(p_check)
    p_check.add_argument("--json", action="store_true", help="print a JSON report instead of the table")
    p_check.add_argument("-v", "--verbose", action="store_true", help="show the rules each proof used")

    p_mutate = sub.add_parser("mutate", help="plant mistakes in every step and report how many are caught")
    paths(p_mutate)
    p_mutate.add_argument("--budget", type=float, default=DEFAULT_BUDGET, metavar="SECONDS", help="per mutant")
    p_mutate.add_argument(
        "--seed", type=int, default=0, help="seed for the random points of numeric checks and for --sample"
    )
    p_mutate.add_argument(
        "--sample",
        type=_count,
        default=None,
        metavar="N",
        help="check only N mutants drawn at random with --seed (a quick, reproducible CI run); default: all",
    )
    p_mutate.add_argument(
        "-j",
        "--jobs",
        type=int,
        default=os.cpu_count() or 1,
        metavar="N",
        help="mutants checked in parallel (default: all cores)",
    )
    p_mutate.add_argument("--json", action="store_true", help="print counts and every mutant as JSON")

    p_cache = sub.add_parser("cache", help="show, prune or clear the verification cache")
    p_cache.add_argument(
        "action",
        choices=["dir", "prune", "clear"],
        help="dir: print its location; prune: remove the results of other derive versions; clear: delete it",
    )
    p_cache.add_argument("--cache-dir", type=Path, default=None, metavar="DIR")

    p_build = sub.add_parser(
        "build",
        help="verify, then write LaTeX, Markdown and PDF write-ups",
        description="Verify, then write each passing derivation's write-ups and the lecture notes and slides. "
        "Exit code 1 when a step is refuted or short of what it declared, or when LaTeX fails on a write-up "
        "(that write-up is then not written; --no-pdf writes its .tex without typesetting it).",
    )
    checking(p_build)
    p_build.add_argument("--out", default="derive-out", metavar="DIR", help="output folder (default: derive-out)")
    p_build.add_argument("--no-pdf", action="store_true", help="do not run LaTeX")
    p_build.add_argument("--no-notes", action="store_true", help="do not write the combined lecture notes and slides")
    p_build.add_argument(
        "--title",
        type=_title_text,
        metavar="TEXT",
        help="title of the lecture notes and slides (default: title in [tool.derive] of pyproject.toml, else a "
        "generic one, or the bundled derivations' own)",
    )
    p_build.add_argument(
        "--markdown-math",
        choices=["dollars", "github"],
        default=None,
        help="math in the .md files: $...$ and $$...$$ (Jupyter, MkDocs, pandoc; the default) or GitHub's own "
        "$`...`$ and ```math, which GitHub renders without eating backslashes (default: markdown_math in "
        "[tool.derive] of pyproject.toml, else dollars)",
    )
    notation = p_build.add_argument_group(
        "notation", "how the write-ups print symbols and logarithms; also [tool.derive.notation] in pyproject.toml"
    )
    notation.add_argument(
        "--rename",
        action="append",
        default=[],
        metavar="NAME=LATEX",
        help=r"print the symbol NAME as LATEX, e.g. --rename 'q=\hat{y}' (repeatable; the proofs are untouched)",
    )
    notation.add_argument("--log", choices=["log", "ln"], default=None, help=r"write \log (default) or \ln")
    notation.add_argument(
        "--log-base",
        type=int,
        default=None,
        metavar="B",
        help="write logarithms to base B in derivations whose every step holds in any base",
    )
    return parser


def _title_text(text: str) -> str:
    if not text.strip():
        raise argparse.ArgumentTypeError("give the title of the lecture notes and slides, e.g. --title 'Entropy'")
    return text.strip()


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        return int(COMMANDS[args.command](args))
    except DeriveError as exc:
        print(f"derive: error: {exc}", file=sys.stderr)
        return ExitCode.BAD_INPUT
    except KeyboardInterrupt:
        print("derive: interrupted", file=sys.stderr)
        return ExitCode.FAILED


def _paths(args) -> list:
    """The PATHs given, else what :func:`derive.entry.settings.default_source` picks, said in one line on stderr."""
    from derive.entry.settings import default_source

    if args.paths:
        return list(args.paths)
    source = default_source()
    if source.bundled:
        print(
            "derive: the bundled derivations (no PATH, no [tool.derive] paths, no proofs/ folder here)", file=sys.stderr
        )
    else:
        shown = ", ".join(display_path(p) for p in source.paths)
        print(f"derive: the derivations in {shown} ({source.origin})", file=sys.stderr)
    return source.paths


def _load(args) -> tuple[list[Loaded], bool]:
    args.paths = _paths(args)
    loaded = load(args.paths)
    bad = False
    for item in loaded:
        if item.error:
            print(f"derive: error: {item.error}", file=sys.stderr)
            bad = True
    return loaded, bad


def _plural(n: int, noun: str) -> str:
    return f"{n} {noun}" + ("" if n == 1 else "s")


def cmd_list(args) -> ExitCode:
    loaded, bad = _load(args)
    found = [(item, d) for item in loaded for d in item.derivations]
    width = max([28, *(len(d.name) for _, d in found)])
    for item, d in found:
        steps = "step" if len(d.steps) == 1 else "steps"
        print(f"{d.name:{width}} {len(d.steps):3} {steps:5}  {item.display}  {d.title}")
    return ExitCode.BAD_INPUT if bad else ExitCode.OK


def _select(d, step: str | None):
    """``d``, or with ``--step`` a view of its one step of that name or number (``DERIVATION:STEP`` names the
    derivation too); None when ``d`` has no such step."""
    if step is None:
        return d
    derivation, sep, name = step.rpartition(":")
    if sep and derivation != d.name:
        return None
    for n, s in enumerate(d.steps, start=1):
        if name in (s.name, str(n)):
            return _only(d, n - 1)
    return None


def _only(d, index: int):
    """A view of ``d`` with every step but ``index`` skipped (kept as context for labels and numbering)."""
    from dataclasses import replace

    view = replace(d, steps=[d.steps[index]])
    view.first_index = index + 1
    return view


@dataclass(frozen=True)
class Columns:
    """The check table's columns: derivation and step names are as wide as the longest shown (``--step NAME``
    needs the whole name), and never narrower than 24 characters."""

    name: int = 24
    step: int = 24

    @classmethod
    def fitting(cls, derivations: list) -> Columns:
        names = [d.name for d in derivations]
        steps = [s.name for d in derivations for s in d.steps]
        return cls(max([cls.name, *map(len, names)]), max([cls.step, *map(len, steps)]))

    def header(self) -> str:
        return f"{'derivation':{self.name}} {'#':>2}  {'step':{self.step}} {'rel':3}  {'evidence':17} {'time':>7}"

    def row(self, name: str, n: int, step, result) -> str:
        time_ = "cached" if result.cached else f"{result.seconds:6.2f}s"
        cells = f"{name:{self.name}} {n:>2}  {step.name:{self.step}} {step.relation.value:3}  "
        return cells + f"{result.evidence.value:17} {time_:>7}"


def _check_all(args, loaded: list[Loaded], stream) -> tuple[list[DerivationReport], bool]:
    """Check the selected steps, printing the table to ``stream`` (None: no table). No table at all when there is
    nothing to check: the errors already said why."""
    items, missing_step = [], False
    for item in loaded:
        for d in item.derivations:
            target = _select(d, args.step)
            if target is not None:  # a derivation without the --step is left out: a module may hold several
                items.append((target, item.display))
    if args.step is not None and not items and any(item.derivations for item in loaded):
        names = [f"{d.name}:{s.name}" for item in loaded for d in item.derivations for s in d.steps]
        shown = ", ".join(names[:12]) + (f" and {len(names) - 12} more" if len(names) > 12 else "")
        print(f"derive: error: no derivation has a step {args.step!r}; the steps: {shown}", file=sys.stderr)
        missing_step = True
    if not items:
        return [], missing_step
    columns = Columns.fitting([d for d, _ in items])
    if stream is not None:
        print(columns.header(), file=stream)

    def progress(report, step, result):
        if stream is not None:
            d = report.derivation
            n = getattr(d, "first_index", 1) + d.steps.index(step)
            _row(stream, columns, d.name, n, step, result, args)

    cache = None if args.no_cache else Cache(args.cache_dir)
    reports = check_derivations(
        items, Options(budget=args.budget, seed=args.seed), jobs=args.jobs, cache=cache, progress=progress
    )
    return reports, missing_step


def _row(stream, columns: Columns, name, n, step, result, args) -> None:
    ok = result.evidence.satisfies(step.allow)
    flag = (
        ""
        if ok
        else "  <-- FAILS" + (f" (allowed: {step.allow.value})" if result.evidence is not Evidence.REFUTED else "")
    )
    print(columns.row(name, n, step, result) + flag, file=stream, flush=True)
    if result.evidence not in (Evidence.PROVED, Evidence.ASSUMED) or getattr(args, "verbose", False):
        if result.detail and result.counterexample is None:
            print(f"    {result.detail}", file=stream)
        if getattr(args, "verbose", False) and result.trace:
            print("    by " + ", ".join(t.label() for t in result.trace), file=stream)
    if result.inconsistent:
        print(f"  {step.where}: step {n} ({step.name}): {result.detail}", file=stream)
        for line in result.counterexample.describe().splitlines() if result.counterexample else ():
            print(f"    {line}", file=stream)
    elif result.counterexample is not None:
        print(f"  {step.where}: step {n} ({step.name}) is refuted", file=stream)
        for line in result.counterexample.describe().splitlines():
            print(f"    {line}", file=stream)


def cmd_check(args) -> ExitCode:
    loaded, bad = _load(args)
    start = time.perf_counter()
    reports, missing = _check_all(args, loaded, None if args.json else sys.stdout)
    elapsed = time.perf_counter() - start
    if args.json:
        json.dump(
            {
                "derivations": [r.to_json() for r in reports],
                "seconds": round(elapsed, 3),
                "errors": [str(i.error) for i in loaded if i.error],
            },
            sys.stdout,
            indent=2,
            ensure_ascii=False,
        )
        print()
    elif reports:
        _summary(reports, elapsed)
    return _exit(reports, bad or missing)


def _summary(reports: list[DerivationReport], elapsed: float) -> None:
    steps = [r for rep in reports for r in rep.results]
    counts: dict[str, int] = {}
    for r in steps:
        counts[r.evidence.value] = counts.get(r.evidence.value, 0) + 1
    passed = sum(rep.passed for rep in reports)
    tally = ", ".join(f"{v} {k}" for k, v in counts.items())
    cached = sum(r.cached for r in steps)
    if cached:
        tally += f"; {cached} from the cache"
    print(f"\n{passed}/{len(reports)} derivations pass; {_plural(len(steps), 'step')}: {tally} ({elapsed:.1f} s)")


def _exit(reports: list[DerivationReport], bad: bool) -> ExitCode:
    if any(r.inconsistent for rep in reports for r in rep.results):
        return ExitCode.INTERNAL  # the engine contradicted itself: worse than any failing step
    if bad:
        return ExitCode.BAD_INPUT
    return ExitCode.OK if all(r.passed for r in reports) else ExitCode.FAILED


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


def _notation(args, renames: dict[str, str]):
    """[tool.derive.notation] of the nearest pyproject.toml, with the command line's settings on top."""
    from derive.entry.settings import find_pyproject, notation_from

    return notation_from(find_pyproject()).merge(symbols=renames, log=args.log, base=args.log_base)


def _check_renames(given: dict[str, str], notation, loaded: list[Loaded]) -> None:
    """A ``--rename`` of a name no derivation being built has is a usage error; one from pyproject.toml is only
    warned about (the project's notation need not fit every PATH built). A rename that makes two symbols of one
    derivation look the same is warned about, not refused."""
    from derive.entry.settings import find_pyproject
    from derive.render.style import NotationError, clashes, symbol_names

    derivations = [d for item in loaded for d in item.derivations]
    known = set().union(*(symbol_names(d) for d in derivations))
    listing = ", ".join(sorted(known, key=lambda n: (n.lower(), n))) or "none"
    for name in sorted(set(notation.symbols) - known):
        if name in given:
            raise NotationError(
                f"--rename {name}={given[name]}: no derivation being built has a symbol {name!r}; "
                f"the symbols that can be renamed: {listing}"
            )
        print(
            f"derive: warning: {display_path(find_pyproject())}: [tool.derive.notation] symbols: {name!r} is a "
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


def _title(args) -> str:
    """--title, else ``[tool.derive] title``, else the bundled derivations' title or a generic one."""
    from derive.entry.settings import find_pyproject, title_from
    from derive.render.notes import GENERIC_TITLE, TITLE
    from derive.run.loader import is_bundled

    if args.title:
        return args.title
    return title_from(find_pyproject()) or (TITLE if is_bundled(args.paths) else GENERIC_TITLE)


def cmd_build(args) -> ExitCode:
    from derive.entry.build import output_names, remove_stale, write_outputs
    from derive.entry.settings import find_pyproject, markdown_math_from
    from derive.render.pdf import NO_TEX_NOTICE, RenderError, tex_available
    from derive.render.style import base_free, has_logs

    renames = _renames(args.rename)
    notation = _notation(args, renames)  # before any work: a bad setting is a usage error
    markdown_math = args.markdown_math or markdown_math_from(find_pyproject())
    loaded, bad = _load(args)
    if not bad:  # a module that failed to load might have had the symbol
        _check_renames(renames, notation, loaded)
    title = _title(args)
    start = time.perf_counter()
    reports, missing = _check_all(args, loaded, sys.stdout)
    if not reports:  # nothing loaded, or no derivation has the --step: the errors said so
        return ExitCode.BAD_INPUT
    out = Path(args.out)
    render_failed = False
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
            written = write_outputs(report, out, pdf=not args.no_pdf, notation=notation, markdown_math=markdown_math)
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
        for path in written:
            print(f"wrote {display_path(path)}")
    if not args.no_notes:
        incomplete = bad or missing or render_failed
        render_failed |= not _build_combined(args, reports, incomplete, out, notation, title)
    if not args.no_pdf and not tex_available():
        print(NO_TEX_NOTICE, file=sys.stderr)
    _summary(reports, time.perf_counter() - start)
    code = _exit(reports, bad or missing)
    return ExitCode.FAILED if render_failed and code is ExitCode.OK else code


def _build_combined(
    args, reports: list[DerivationReport], incomplete: bool, out: Path, notation=None, title: str | None = None
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
            for path in write_combined(reports, out, title or GENERIC_TITLE, pdf=not args.no_pdf, notation=notation):
                print(f"wrote {display_path(path)}")
            return True
        except RenderError as exc:
            print(f"derive: error: {exc}", file=sys.stderr)
            why = "LaTeX failed on them (--no-pdf writes their .tex without typesetting it)"
    print(f"derive: lecture notes and slides not written: {why}", file=sys.stderr)
    for path in remove_stale(out, list(COMBINED.values())):
        print(f"removed stale {display_path(path)}", file=sys.stderr)
    return not why.startswith("LaTeX")


def _count(text: str) -> int:
    """A whole number ≥ 0 for argparse (``--sample``)."""
    value = int(text)
    if value < 0:
        raise argparse.ArgumentTypeError(f"{text} is negative; give a number of mutants, 0 or more")
    return value


def cmd_mutate(args) -> ExitCode:
    from derive.entry.mutate import mutate

    loaded, bad = _load(args)
    derivations = [d for item in loaded for d in item.derivations]
    if not derivations:
        return ExitCode.BAD_INPUT
    start = time.perf_counter()

    def progress(result):
        if not args.json and result.outcome != "refuted":
            m = result.mutant
            print(f"{m.step.name}: {m.description}: {result.outcome} ({result.reason})", flush=True)

    options = Options(budget=args.budget, seed=args.seed)
    reports = mutate(derivations, options, jobs=args.jobs, progress=progress, sample=args.sample, seed=args.seed)
    keys = ("generated", "equivalent", "refuted", "undecided", "proved")
    total = {k: sum(r.counts()[k] for r in reports) for k in keys}
    if args.json:
        json.dump(
            {"total": total, "derivations": [r.to_json() for r in reports]}, sys.stdout, indent=2, ensure_ascii=False
        )
        print()
    else:
        width = max([28, *(len(d.name) for d in derivations)])
        print(f"\n{'derivation':{width}} " + " ".join(f"{k:>10}" for k in keys) + "  kill rate")
        for r in reports:
            counts = r.counts()
            print(f"{r.derivation.name:{width}} " + " ".join(f"{counts[k]:>10}" for k in keys) + f"  {_rate(counts)}")
        print(f"{'total':{width}} " + " ".join(f"{total[k]:>10}" for k in keys) + f"  {_rate(total)}")
        print(f"({time.perf_counter() - start:.1f} s)")
    if total["proved"]:
        print("derive: a false mutant was proved: this is a soundness bug in derive; please report it", file=sys.stderr)
        return ExitCode.INTERNAL
    return ExitCode.BAD_INPUT if bad else ExitCode.OK


def _rate(counts: dict[str, int]) -> str:
    live = counts["generated"] - counts["equivalent"]
    return f"{100 * counts['refuted'] / live:.1f}% refuted" if live else "n/a"


def cmd_cache(args) -> ExitCode:
    cache = Cache(args.cache_dir)
    if args.action == "dir":
        print(cache.root)
    elif args.action == "prune":
        print(f"removed {cache.prune()} results of other derive versions from {cache.root}")
    else:
        print(f"removed {cache.clear()} cached results from {cache.root}")
    return ExitCode.OK


COMMANDS = {"list": cmd_list, "check": cmd_check, "build": cmd_build, "mutate": cmd_mutate, "cache": cmd_cache}


def entry() -> None:  # console script
    try:
        code = main()
        sys.stdout.flush()  # here, so that a reader who stopped reading (derive check | head) is caught below
    except BrokenPipeError:
        # NOTE: as the Python docs advise (signal module, "Note on SIGPIPE"): send what is still buffered to devnull,
        # so that the flush at exit does not raise again, and exit 1 as Python does on EPIPE.
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        code = ExitCode.FAILED
    except Exception:  # noqa: BLE001 - an internal error: show it and say so with the exit code
        import traceback

        traceback.print_exc()
        code = ExitCode.INTERNAL
    sys.exit(code)


if __name__ == "__main__":
    entry()
