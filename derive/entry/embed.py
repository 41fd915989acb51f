"""A derivation checked for a page of someone else's documentation tool: Sphinx, MyST, MkDocs, a notebook cell.

Each integration names a module file (and optionally one derivation in it); :func:`check_file` loads it as
``derive check`` does, checks it with the settings of the nearest ``pyproject.toml`` and the verification cache,
and returns the reports. :func:`failures` says what must fail the docs build: a refuted step (with its
counterexample) or an engine inconsistency, always; :func:`shortfalls` what only warns (a step short of its
``allow=``, usually undecided), which a strict build (``sphinx -W``, ``mkdocs build --strict``) turns into an error.

One place for this logic, so that every integration fails on the same steps with the same message.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from derive.core.errors import DeriveError
from derive.core.evidence import Evidence
from derive.entry.settings import Settings, find_pyproject
from derive.render.report import counterexample_lines
from derive.run.check import DerivationReport
from derive.run.loader import display_path, load_module


class EmbedError(Exception):
    """A module that cannot be embedded: it fails to load, has no such derivation, or its citations are wrong."""


@dataclass(frozen=True)
class Failure:
    """One step that fails a docs build: where it is and what to tell the author."""

    file: str
    line: int | None
    message: str


def check_file(
    path: str | Path, name: str | None = None, *, settings: Settings | None = None
) -> list[DerivationReport]:
    """Load the module at ``path``, keep its derivation ``name`` (all when None) and check them.

    Settings (budget, seed, cache folder) are those of the ``pyproject.toml`` nearest to ``path`` unless given.
    Derivations the selected ones cite are checked first, as ``derive check`` does. Raises :class:`EmbedError`
    naming the file when the module fails to load or has no derivation of that name.
    """
    path = Path(path)
    if not path.is_file():
        raise EmbedError(f"{path}: no such derivation module (a path to a .py file, relative to the page's project)")
    if settings is None:
        settings = settings_for(path)
    loaded = load_module(path.resolve())
    if loaded.error is not None:
        raise EmbedError(str(loaded.error))
    derivations = loaded.derivations
    if name:
        derivations = [d for d in derivations if d.name == name]
        if not derivations:
            names = ", ".join(d.name for d in loaded.derivations) or "none"
            raise EmbedError(f"{path}: no derivation named {name!r} (the module has: {names})")
    if not derivations:
        raise EmbedError(f"{path}: the module defines no derivation")
    return _checked(derivations, loaded.derivations, str(path), settings)


def settings_for(path: str | Path) -> Settings:
    """The settings of the ``pyproject.toml`` nearest to the module at ``path`` (budget, seed, cache, notation),
    found up the path as written: a ``proofs/`` that is a symlink still takes this project's settings. Raises
    :class:`EmbedError` on a bad ``[tool.derive]``, its notation table included, naming the file and key."""
    try:
        settings = Settings.read(find_pyproject(Path(path).absolute().parent))
        settings.notation()  # validated here, so that no integration meets the error while it renders
    except DeriveError as error:
        raise EmbedError(str(error)) from error
    return settings


def _checked(chosen: list, library: list, shown: str, settings: Settings) -> list[DerivationReport]:
    """The reports of ``chosen``, with what they cite (from ``library``) checked before them and left out."""
    from derive.run.check import check_derivations
    from derive.run.citations import CitationError, in_table

    items = [(d, shown, 0) for d in chosen]
    if any(getattr(s, "citations", ()) for d in chosen for s in d.steps):
        try:
            items = in_table(items, [(d, shown) for d in chosen], library)
        except CitationError as error:
            raise EmbedError(f"{shown}: {error}") from error
    wanted = {id(d) for d in chosen}
    reports = check_derivations(
        [(d, path) for d, path, _ in items], settings.options(), jobs=settings.jobs, cache=settings.cache()
    )
    # A refuted step in what is cited fails the page as one of its own would: the citing step is only capped to
    # undecided (derive.run.citations.capped), which would demote the refutation to a warning.
    cited = failures([r for r in reports if id(r.derivation) not in wanted])
    if cited:
        lines = [f"{shown}: a derivation it cites fails:"] + [
            f"{display_path(f.file)}:{f.line}: {f.message}" for f in cited
        ]
        raise EmbedError("\n".join(lines))
    return [r for r in reports if id(r.derivation) in wanted]


def failures(reports: list[DerivationReport]) -> list[Failure]:
    """The steps that must fail any docs build: refuted (with the counterexample, both sides and the replay
    command) or an engine inconsistency (the checker disagreed with its independent evaluation)."""
    out = []
    for report in reports:
        for n, (step, result) in enumerate(_pairs(report), start=1):
            if result.inconsistent:
                what = "engine inconsistency (please report it)"
            elif result.evidence is Evidence.REFUTED:
                what = "refuted"
            else:
                continue
            lines = [f"{report.derivation.name}: step {n} ({step.name}) is {what}: {step.because}"]
            lines += counterexample_lines(result, "  ") or [f"  {result.detail}"]
            out.append(Failure(*_where(step), "\n".join(lines)))
    return out


def shortfalls(reports: list[DerivationReport]) -> list[Failure]:
    """The steps short of what they declared (``allow=``) that are not :func:`failures`: ``derive check`` fails
    them, a docs build warns (an undecided step is shown honestly with its mark; a strict build stops)."""
    out = []
    for report in reports:
        for n, (step, result) in enumerate(_pairs(report), start=1):
            if result.inconsistent or result.evidence is Evidence.REFUTED or result.evidence.satisfies(step.allow):
                continue
            message = f"{report.derivation.name}: step {n} ({step.name}) is {result.evidence.value}, short of "
            message += f"allow={step.allow.value}: {result.detail}"
            out.append(Failure(*_where(step), message))
    return out


def _pairs(report: DerivationReport):
    return zip(report.derivation.steps, report.results, strict=True)


def _where(step) -> tuple[str, int | None]:
    file, _, line = step.where.rpartition(":")
    return (file, int(line)) if line.isdigit() else (step.where, None)
