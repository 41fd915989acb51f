"""What ``derive list``, ``check`` and ``cache`` do, and what every command shares: the settings of a
run, the modules it acts on, the check with its table, the summary and the exit code.

Printing a step's result is :mod:`derive.render.report`'s; ``derive build`` is :mod:`derive.entry.build_command`,
``derive mutate`` :mod:`derive.entry.mutate_command`.
"""

from __future__ import annotations

import enum
import hashlib
import json
import sys
import time
from dataclasses import dataclass, field, replace
from pathlib import Path
from types import SimpleNamespace
from typing import TYPE_CHECKING

from derive.core.errors import DeriveError
from derive.entry.settings import Settings, discover, find_pyproject
from derive.render.report import Columns, Verbosity, github_annotations, github_error, step_notes
from derive.render.text import plain_text
from derive.run.loader import Loaded, display_path, load, load_module, module_files

if TYPE_CHECKING:
    from derive.run.check import DerivationReport
    from derive.run.module_cache import ModuleRecords


class ExitCode(enum.IntEnum):
    OK = 0
    FAILED = 1
    BAD_INPUT = 2
    INTERNAL = 3


def settings_of(args) -> Settings:
    """The settings of this run: ``[tool.derive]`` of the nearest pyproject.toml, read once and only when the
    command needs it (``build``, a command with a budget, or one given no PATH), with the command line on top."""
    reads = args.command == "build" or hasattr(args, "budget") or (hasattr(args, "paths") and not args.paths)
    settings = Settings.read(find_pyproject()) if reads else Settings()
    return settings.override(
        budget=getattr(args, "budget", None),
        seed=getattr(args, "seed", None),
        jobs=getattr(args, "jobs", None),
        use_cache=not args.no_cache if hasattr(args, "no_cache") else None,
        cache_dir=getattr(args, "cache_dir", None),
        title=getattr(args, "title", None),
        markdown_math=getattr(args, "markdown_math", None),
    )


def _paths(args, settings: Settings) -> list:
    """The PATHs given, else what :func:`derive.entry.settings.discover` picks, said in one line on stderr."""
    if args.paths:
        return list(args.paths)
    source = discover(settings, Path.cwd())
    if source.bundled:
        print(
            "derive: the bundled derivations (no PATH, no [tool.derive] paths, no proofs/ folder here)", file=sys.stderr
        )
    else:
        shown = ", ".join(display_path(p) for p in source.paths)
        print(f"derive: the derivations in {shown} ({source.origin})", file=sys.stderr)
    return source.paths


def load_paths(args, settings: Settings) -> tuple[list[Loaded], bool]:
    """The modules to act on, loaded; True when one failed (its error is printed)."""
    args.paths = _paths(args, settings)
    loaded = load(args.paths)
    bad = False
    for item in loaded:
        if item.error:
            print(f"derive: error: {item.error}", file=sys.stderr)
            bad = True
    return loaded, bad


def _plural(n: int, noun: str) -> str:
    return f"{n} {noun}" + ("" if n == 1 else "s")


def cmd_list(args, settings: Settings) -> ExitCode:
    loaded, bad = load_paths(args, settings)
    found = [(item, d) for item in loaded for d in item.derivations]
    width = max([28, *(len(d.name) for _, d in found)])
    for item, d in found:
        steps = "step" if len(d.steps) == 1 else "steps"
        print(f"{d.name:{width}} {len(d.steps):3} {steps:5}  {item.display}  {plain_text(d.title)}")
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
    view = replace(d, steps=[d.steps[index]])
    view.first_index = index + 1
    return view


@dataclass
class Recalled:
    """A module served from its record (:mod:`derive.run.module_cache`): its reports, without importing it."""

    path: Path
    reports: list
    display: str
    error: None = None

    @property
    def derivations(self) -> list:
        return [r.derivation for r in self.reports]


@dataclass
class Recording:
    """What ``derive check`` needs to write module records after the check: the records (with the files each key
    read), the options they were keyed with, every module's key in the run, and the key of each loaded module by
    its position in the loaded list."""

    records: ModuleRecords
    options: SimpleNamespace
    run_keys: dict[Path, str]
    keys: dict[int, str] = field(default_factory=dict)


def recall_or_load(args, settings: Settings) -> tuple[list[Loaded | Recalled], bool, Recording | None]:
    """:func:`load_paths` for ``derive check``: a module whose record is valid is recalled, not imported (only for a
    whole check with the cache on); the others are loaded, and the :class:`Recording` keeps the keys computed before
    their import, to record them after the check."""
    if args.step is not None or not settings.use_cache:
        return (*load_paths(args, settings), None)
    from derive.run.module_cache import ModuleRecords

    args.paths = _paths(args, settings)
    # NOTE: not settings.options(): derive.checks.steps costs as much to import as the rest of a warm run. A budget
    # of None (derive's default) is keyed as such: the default lives in derive.checks.steps, in the engine fingerprint
    options = SimpleNamespace(budget=settings.budget, seed=settings.seed)
    records, out, bad = ModuleRecords(settings.cache().root), [], False
    files = module_files(args.paths)
    recording = Recording(records, options, _run_keys(records, files, options))
    for path, error in files:
        if error is not None:
            print(f"derive: error: {error}", file=sys.stderr)
            out.append(Loaded(path, error=error))
            bad = True
            continue
        key = recording.run_keys.get(path)
        stored = records.get(key)
        if stored is not None:
            out.append(Recalled(path, stored, display_path(path)))
            continue
        if key is not None:
            recording.keys[len(out)] = key
            _drop_bytecode(records.sources[path])
        item = load_module(path)
        if item.error:
            print(f"derive: error: {item.error}", file=sys.stderr)
            bad = True
        out.append(item)
    records.save()
    return out, bad, recording if recording.keys else None


def _drop_bytecode(sources: list[Path]) -> None:
    """Remove the cached bytecode of a module and its project-local imports (``sources``, as its key read them)
    before they are imported for a record: Python trusts a ``.pyc`` whose source has the same size and
    modification second, so an edit within that second would run the old code and record its results under the
    new source's key."""
    import importlib.util

    for source in sources:
        Path(importlib.util.cache_from_source(str(source))).unlink(missing_ok=True)


def _run_keys(records: ModuleRecords, files, options) -> dict[Path, str]:
    """Each module's record key, joined with every other module's of the same run: modules checked in one process
    share what they import (one may use a submodule that only another imported), so a change to any of them
    misses all. {} (no record served or written) when one of them cannot be keyed."""
    own = {path: records.key(path, options, display_path(path)) for path, error in files if error is None}
    if not own or None in own.values():
        return {}
    run = hashlib.sha256("\n".join(sorted(own.values())).encode()).hexdigest()
    return {path: hashlib.sha256(f"{key} {run}".encode()).hexdigest() for path, key in own.items()}


def check_all(
    args, settings: Settings, loaded: list, stream, recording: Recording | None = None
) -> tuple[list[DerivationReport], bool]:
    """Check the selected steps, printing the table to ``stream`` (None: no table). No table at all when there is
    nothing to check: the errors already said why. A :class:`Recalled` module's reports are shown in their place
    unchecked; each loaded module with a key in ``recording`` is recorded after its check."""
    items, missing_step = [], False
    for i, item in enumerate(loaded):
        for d in item.derivations:
            target = _select(d, args.step)
            if target is not None:  # a derivation without the --step is left out: a module may hold several
                items.append((target, item.display, i))
    if args.step is not None and not items and any(item.derivations for item in loaded):
        names = [f"{d.name}:{s.name}" for item in loaded for d in item.derivations for s in d.steps]
        shown = ", ".join(names[:12]) + (f" and {len(names) - 12} more" if len(names) > 12 else "")
        print(f"derive: error: no derivation has a step {args.step!r}; the steps: {shown}", file=sys.stderr)
        missing_step = True
    if not items:
        return [], missing_step
    items = _with_citations(items, loaded)  # raises CitationError (bad input) before the table starts
    columns = Columns.fitting([d for d, _, _ in items])
    if stream is not None:
        print(columns.header(), file=stream)
    verbosity = Verbosity.VERBOSE if getattr(args, "verbose", False) else Verbosity.NORMAL
    seen: dict = {}  # each derivation's report so far, by name: what a citing step cites came before it

    def progress(report, step, result):
        seen[report.derivation.name] = report
        if stream is not None:
            d = report.derivation
            n = getattr(d, "first_index", 1) + d.steps.index(step)
            print(columns.row(d.name, n, step, result), file=stream, flush=True)
            for line in step_notes(step, n, result, verbosity):
                print(line, file=stream)
            fared = {c: "passes" if seen[c].passed else "fails" for c in getattr(step, "citations", ()) if c in seen}
            cites = [f"{c} ({fared.get(c, 'not in this run')})" for c in getattr(step, "citations", ())]
            if cites:
                print("    cites " + ", ".join(cites), file=stream)

    reports: list = [None] * len(items)
    stored = {i: iter(item.reports) for i, item in enumerate(loaded) if isinstance(item, Recalled)}
    for n, (_, _, i) in enumerate(items):
        if i in stored:
            reports[n] = next(stored[i])
    position = {id(d): n for n, (d, _, i) in enumerate(items) if i not in stored}
    shown = 0

    def show_recalled(upto: int) -> None:
        """The rows of the recalled reports before position ``upto``, in the table's order."""
        nonlocal shown
        while shown < upto:
            if items[shown][2] in stored:
                for step, result in zip(reports[shown].derivation.steps, reports[shown].results):
                    progress(reports[shown], step, result)
            shown += 1

    def progress_in_order(report, step, result):
        show_recalled(position[id(report.derivation)])
        progress(report, step, result)

    checking, cache = [(d, path) for d, path, i in items if i not in stored], None
    if checking:
        from derive.run.check import check_derivations

        options, cache = settings.options(), settings.cache()
        checked = iter(
            check_derivations(checking, options, jobs=settings.jobs, cache=cache, progress=progress_in_order)
        )
        for n, (_, _, i) in enumerate(items):
            if i not in stored:
                reports[n] = next(checked)
    show_recalled(len(items))
    if recording is not None and cache is not None:
        _record(recording, loaded, items, reports)
    return reports, missing_step


def _with_citations(items: list, loaded: list) -> list:
    """``items`` with what their derivations cite, each before what cites it (derive.run.citations.in_table)."""
    live = [(d, shown) for d, shown, i in items if not isinstance(loaded[i], Recalled)]
    if not any(getattr(s, "citations", ()) for d, _ in live for s in d.steps):
        return items
    from derive.run.citations import in_table

    library = [d for item in loaded if not isinstance(item, Recalled) for d in item.derivations]
    return in_table(items, live, library)


def _record(recording: Recording, loaded: list, items: list, reports: list) -> None:
    """Record each checked module's reports under the key computed before it was imported, unless a module of the
    run changed while it was checked (its keys, computed again now, differ): the results may be of either version."""
    again = _run_keys(recording.records, [(path, None) for path in recording.run_keys], recording.options)
    if again != recording.run_keys:
        return
    for i, key in recording.keys.items():
        mine = [r for r, (_, _, j) in zip(reports, items) if j == i]
        if len(mine) == len(loaded[i].derivations):
            recording.records.put(key, mine)


def cmd_check(args, settings: Settings) -> ExitCode:
    if args.format != "github":
        return _check(args, settings)
    try:
        return _check(args, settings)
    except DeriveError as error:  # bad input (a citation, a setting): said on stderr by the CLI, and on the run
        print(github_error(str(error), title="derive check"))
        raise


def _check(args, settings: Settings) -> ExitCode:
    loaded, bad, recording = recall_or_load(args, settings)
    start = time.perf_counter()
    reports, missing = check_all(args, settings, loaded, sys.stdout if args.format == "text" else None, recording)
    if missing and args.format == "github":  # check_all said which steps there are on stderr
        print(github_error(f"no derivation has a step {args.step!r}", title="derive check"))
    elapsed = time.perf_counter() - start
    if args.format == "github":  # the annotations, then the summary line
        sys.stdout.writelines(f"{line}\n" for line in github_annotations(reports, [i for i in loaded if i.error]))
    if args.format == "json":
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
        summary(reports, elapsed)
    return exit_code(reports, bad or missing)


def summary(reports: list[DerivationReport], elapsed: float) -> None:
    """The closing line: derivations passing, and the steps by evidence."""
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


def exit_code(reports: list[DerivationReport], bad: bool) -> ExitCode:
    if any(r.inconsistent for rep in reports for r in rep.results):
        return ExitCode.INTERNAL  # the engine contradicted itself: worse than any failing step
    if bad:
        return ExitCode.BAD_INPUT
    return ExitCode.OK if all(r.passed for r in reports) else ExitCode.FAILED


def cmd_cache(args, settings: Settings) -> ExitCode:
    from derive.run.cache import Cache

    cache = Cache(settings.cache_dir)
    if args.action == "dir":
        print(cache.root)
    elif args.action == "prune":
        print(f"removed {cache.prune()} results of other derive versions from {cache.root}")
    else:
        print(f"removed {cache.clear()} cached results from {cache.root}")
    return ExitCode.OK
