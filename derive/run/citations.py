"""Citations in a run: which derivations a step cites, in what order to check them, and what a citing step's
evidence can be.

A step cites derivations by object (``by=log_le``, imported from another module) or by name (``by="gibbs"``,
resolved here against the derivations loaded in the same run). The same derivation loaded twice (imported by the
citing module, and loaded from its file by the run) is one: the same name defined in the same file. A run checks
what its derivations cite, transitively, each before the derivations that cite it; a cycle of citations, a name
that resolves to nothing, or two different derivations of one name, is bad input (:class:`CitationError`).

A citing step's evidence is at best the cited derivation's weakest step's (:func:`capped`): citing a derivation
that fails is no proof (the step is ``undecided``, naming the cited step that fails), one that holds only at
sizes or numerically gives at most that, and one with a stated assumption (a modelling assumption, or words in its
context, ``ctx.assume``) makes the citing step ``assumed``: what it proves rests on that assumption.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field, replace
from pathlib import Path

from derive.core.errors import DeriveError
from derive.core.evidence import Evidence, StepResult
from derive.core.model import Derivation
from derive.engine.citation import Cited, NotCitable
from derive.run.loader import LOADED


class CitationError(DeriveError):
    """A citation that cannot be resolved: an unknown name, a cycle, two derivations of one name, nothing cited."""


@dataclass
class Plan:
    """The derivations to check, each after those it cites (``items``: ``(derivation, path)``), and the conclusion
    of every cited derivation by name (``cited``)."""

    items: list[tuple[Derivation, str]]
    cited: dict[str, Cited] = field(default_factory=dict)

    def of(self, step) -> tuple[Cited, ...]:
        """The conclusions ``step`` cites, for its task."""
        return tuple(self.cited[name] for name in step.citations)


def _file(d: Derivation) -> str:
    """The file that defined ``d`` (its steps' file), resolved: the identity of a derivation loaded twice."""
    where = d.source or next((s.file for s in d.steps if s.file), "")
    try:
        return str(Path(where).resolve()) if where else ""
    except OSError:
        return where


def plan(items: list[tuple[Derivation, str]], library: list[Derivation] = ()) -> Plan:
    """The run's derivations (``items``) with everything they cite added, ordered so that a derivation comes after
    what it cites; ``library`` holds derivations loaded in the run but not selected (a ``--step`` run), for names.

    Raises :class:`CitationError` on a name that resolves to nothing, two derivations of one name, a cycle, or a
    derivation that concludes nothing citable."""
    table: dict[str, tuple[Derivation, str]] = {}
    for d, path in [*items, *((d, "") for d in library)]:
        _enter(table, d, path)
    if not any(s.citations for d, _ in items for s in d.steps):
        return Plan(list(items))
    todo = [d for d, _ in items]
    while todo:  # cited objects of derivations not loaded by the run
        d = todo.pop()
        for step in d.steps:
            for other in step.cited:
                if other.name not in table:
                    _enter(table, other, _shown(other))
                    todo.append(other)
                else:
                    _enter(table, other, "")  # the same one (the same file), or two of one name
    order = _order(items, table)
    cited = {}
    for d, _ in order:
        for n, step in enumerate(d.steps, start=1):
            for name in step.citations:
                if name not in cited:
                    try:
                        cited[name] = Cited.of(_resolve(table, name, step, n))
                    except NotCitable as exc:
                        raise CitationError(f"{step.where}: step {n} ({step.name}) cites {name!r}: {exc}") from None
    return Plan(order, cited)


def in_table(items: list, live: list[tuple[Derivation, str]], library: list[Derivation]) -> list:
    """The check table's ``items`` (``(derivation, shown path, module position)``) with what the ``live`` ones (those
    to be checked) cite, each before the derivations citing it; a cited derivation the run did not load has
    position -1. Raises :class:`CitationError` as :func:`plan` does."""
    planned = plan(live, library).items
    rank = {id(d): n for n, (d, _) in enumerate(planned)}
    given = {id(d): (d, shown, i) for d, shown, i in items}
    out, added = [], set()
    for d, shown, _ in items:
        for e, path in planned[: rank[id(d)] + 1] if id(d) in rank else [(d, shown)]:
            if id(e) not in added:
                added.add(id(e))
                out.append(given.get(id(e), (e, path, -1)))
    return out


def _enter(table: dict, d: Derivation, path: str) -> None:
    """Enter ``d`` under its name; a second derivation of that name from another file is kept apart (``None``):
    an error only when something cites that name (:func:`_resolve`)."""
    known = table.get(d.name)
    if known is None:
        table[d.name] = (d, path)
    elif known[0] is not None and known[0] is not d and _file(known[0]) != _file(d):
        table[d.name] = (None, f"{_file(known[0]) or 'no file'} and {_file(d) or 'no file'}")


def _resolve(table: dict, name: str, step, n: int) -> Derivation:
    """The derivation ``name`` that ``step`` (number ``n``) cites; raises when there is none, or two."""
    if name not in table and name in LOADED:  # loaded by this process, outside this run (a pytest item's step)
        _enter(table, LOADED[name], LOADED[name].source)
    if name not in table:
        loaded = ", ".join(sorted(table)) or "none"
        raise CitationError(
            f"{step.where}: step {n} ({step.name}): by={name!r} is neither a rule nor a derivation loaded "
            f"in this run (loaded: {loaded})"
        )
    found, path = table[name]
    if found is None:
        raise CitationError(
            f"{step.where}: step {n} ({step.name}) cites {name!r}, but two derivations are so named ({path}): "
            "give one another name="
        )
    return found


def _shown(d: Derivation) -> str:
    """The path to show for a cited derivation the run did not load: its module's file."""
    from derive.run.loader import display_path

    file = _file(d)
    return display_path(file) if file else ""


def _order(items: list[tuple[Derivation, str]], table: dict) -> list[tuple[Derivation, str]]:
    """``items`` and every derivation they cite, transitively, each after the ones it cites (depth first, the
    items in their order); a cycle raises, naming it."""
    done: dict[int, tuple[Derivation, str]] = {}
    for d, path in items:
        _visit(d, path, table, done, [])
    return list(done.values())


def _visit(d: Derivation, path: str, table: dict, done: dict, chain: list[Derivation]) -> None:
    if id(d) in done:
        return
    if any(c is d for c in chain):
        names = [c.name for c in chain[next(n for n, c in enumerate(chain) if c is d) :]]
        raise CitationError(f"a cycle of citations: {' → '.join([*names, d.name])}")
    for n, step in enumerate(d.steps, start=1):
        for name in step.citations:
            cited = _resolve(table, name, step, n)
            _visit(cited, table[name][1], table, done, [*chain, d])
    done[id(d)] = (d, path)


def fingerprints(order: list[tuple[Derivation, str]], step_key, seed: int) -> dict[str, str]:
    """A fingerprint of each derivation of ``order`` (every step's key, and the fingerprints of what it cites): a
    citing step's cache key includes those of the derivations it cites, so that changing one checks it again."""
    out: dict[str, str] = {}
    for d, _ in order:
        digest = hashlib.sha256(d.name.encode())
        for step in d.steps:
            digest.update(step_key(d.context, step, seed, tuple(out.get(n, n) for n in step.citations)).encode())
        out[d.name] = digest.hexdigest()
    return out


# -- what a citing step's evidence can be ------------------------------------------------------------------------
def standing(steps, results, context) -> tuple[Evidence, str]:
    """The weakest evidence a cited derivation gives (its steps' ``results``), and which step gives it."""
    worst, why = Evidence.PROVED, ""
    for n, (step, result) in enumerate(zip(steps, results), start=1):
        if not result.evidence.satisfies(step.allow) or result.evidence is Evidence.REFUTED:
            return Evidence.UNDECIDED, f"its step {n} ({step.name}) is {result.evidence.value}"
        if result.evidence is Evidence.ASSUMED and worst is Evidence.PROVED:
            worst, why = Evidence.ASSUMED, f"its step {n} ({step.name}) is assumed"
        elif result.evidence is not Evidence.ASSUMED and result.evidence.rank < worst.rank:
            worst, why = result.evidence, f"its step {n} ({step.name}) is {result.evidence.value}"
    if worst is Evidence.PROVED and getattr(context, "notes", None):
        worst, why = Evidence.ASSUMED, "its context states assumptions in words"
    return worst, why


def capped(result: StepResult, citations: dict[str, tuple[Evidence, str]]) -> StepResult:
    """``result`` of a step citing ``citations`` (name → :func:`standing`): at best the weakest of them."""
    if result.evidence is Evidence.REFUTED or not citations:
        return result
    out = result
    for name, (evidence, why) in citations.items():
        if evidence is Evidence.UNDECIDED:
            detail = f"cites {name}, which does not pass: {why}"
            return replace(out, evidence=Evidence.UNDECIDED, detail=detail, trace=[])
        if evidence is Evidence.ASSUMED and out.evidence is Evidence.PROVED:
            out = replace(out, evidence=Evidence.ASSUMED, detail=f"cites {name}, which rests on an assumption: {why}")
        elif evidence is not Evidence.ASSUMED and evidence.rank < out.evidence.rank:
            out = replace(out, evidence=evidence, detail=f"cites {name}, which is only {evidence.value}: {why}")
    return out
