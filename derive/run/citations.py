"""Citations in a run: which derivations a step cites, in what order to check them, and what a citing step's
evidence can be.

A step cites derivations by object (``by=log_le``, imported from another module) or by name (``by="gibbs"``,
resolved here against the derivations loaded in the same run). The same derivation loaded twice (imported by the
citing module, and loaded from its file by the run) is one: the same steps written at the same places; any other
two of one name make a citation of it an error, naming both places. A citation is always to a whole derivation,
checked in full, never to a view of some of its steps (``derive check --step``, a pytest item). A run checks
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

import sympy as sp

from derive.core.errors import DeriveError
from derive.core.evidence import Evidence, StepResult
from derive.core.model import Derivation
from derive.engine.citation import Cited, NotCitable, conclusion
from derive.run.loader import LOADED


class CitationError(DeriveError):
    """A citation that cannot be resolved: an unknown name, a cycle, two derivations of one name, nothing cited."""


@dataclass
class Plan:
    """The derivations to check, each after those it cites (``items``: ``(derivation, path)``), the conclusion of
    every cited derivation by name (``cited``), and the very derivation each was compiled from (``sources``: the
    one whose check decides what citing it is worth)."""

    items: list[tuple[Derivation, str]]
    cited: dict[str, Cited] = field(default_factory=dict)
    sources: dict[str, Derivation] = field(default_factory=dict)

    def of(self, step) -> tuple[Cited, ...]:
        """The conclusions ``step`` cites, for its task."""
        return tuple(self.cited[name] for name in step.citations)


def _file(d: Derivation) -> str:
    """The file that defined ``d`` (its steps' file), resolved."""
    where = d.source or next((s.file for s in d.steps if s.file), "")
    try:
        return str(Path(where).resolve()) if where else ""
    except OSError:
        return where


def whole(d: Derivation) -> Derivation:
    """The derivation ``d`` is a view of (some of its steps: ``derive check --step``, a pytest item), else ``d``:
    a citation is always to the whole, checked in full, never to a view's shorter chain."""
    owner = next((s.owner for s in d.steps if s.owner is not None), None)
    return owner if owner is not None and owner is not d else d


def _where(d: Derivation) -> str:
    """Where ``d`` was written, for messages: its first step's file and line."""
    return d.steps[0].where if d.steps and d.steps[0].file else (_file(d) or "no file")


def _signature(d: Derivation) -> tuple:
    """What ``d`` is, as text: its name, start, and every step's place and claim (the same module imported twice
    builds two objects with one signature)."""
    sources = {file: _resolved(file) for file in {s.file for s in d.steps}}  # each file read and hashed once
    lines = tuple(
        (sources[s.file], s.line, s.name, s.kind.value, s.relation.value, sp.srepr(s.claim_lhs), sp.srepr(s.expr))
        for s in d.steps
    )
    return d.name, sp.srepr(d.start), lines


def _resolved(file: str) -> str:
    """The source a step was written in, by content: ``proofs/x.py`` and the installed copy of it
    (``site-packages/derive/proofs/x.py``, which a module of the repository imports to cite) are one source when
    their bytes are equal (after ``pip install .``, a run loads both); else the resolved path."""
    if not file:
        return ""
    try:
        return "sha256:" + hashlib.sha256(Path(file).read_bytes()).hexdigest()
    except OSError:
        return file


def same(a: Derivation, b: Derivation) -> bool:
    """Whether ``a`` and ``b`` are one derivation: one object, or the same module imported twice (imported by the
    citing module, and loaded from its file by the run): the same steps written at the same places."""
    return a is b or _signature(a) == _signature(b)


def plan(items: list[tuple[Derivation, str]], library: list[Derivation] = ()) -> Plan:
    """The run's derivations (``items``) with everything they cite added, ordered so that a derivation comes after
    what it cites; ``library`` holds derivations loaded in the run but not selected (a ``--step`` run), for names.
    An item that is a view (some steps of a derivation) is checked as given, but a citation of its name is to the
    whole derivation, which is then checked in full too.

    Raises :class:`CitationError` on a name that resolves to nothing, two derivations of one name, a cycle, or a
    derivation that concludes nothing citable."""
    table: dict[str, tuple[Derivation | None, str]] = {}
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
                    todo.append(other)
                _enter(table, other, "")  # new, the same one (the same module imported twice), or two of one name
    order = _order(items, table)
    cited, sources = {}, {}
    for d, _ in order:
        for n, step in enumerate(d.steps, start=1):
            for name in step.citations:
                if name not in cited:
                    source = _resolve(table, name, step, n)
                    try:
                        cited[name] = Cited.of(source)
                    except NotCitable as exc:
                        raise CitationError(f"{step.where}: step {n} ({step.name}) cites {name!r}: {exc}") from None
                    sources[name] = source
    return Plan(order, cited, sources)


def in_table(items: list, live: list[tuple[Derivation, str]], library: list[Derivation]) -> list:
    """The check table's ``items`` (``(derivation, shown path, module position)``) with what the ``live`` ones (those
    to be checked) cite, each before the derivations citing it; a cited derivation the run did not load (or did
    not select in full) has position -1. Raises :class:`CitationError` as :func:`plan` does."""
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
    """Enter the whole of ``d`` under its name; a second, different derivation of that name (in the same file or
    not) makes the name ambiguous (``None``, with both places): an error when something cites it (:func:`_resolve`)."""
    d = whole(d)
    known = table.get(d.name)
    if known is None:
        table[d.name] = (d, path or _shown(d))
    elif known[0] is not None and not same(known[0], d):
        table[d.name] = (None, f"{_where(known[0])} and {_where(d)}")


def _resolve(table: dict, name: str, step, n: int) -> Derivation:
    """The derivation ``name`` that ``step`` (number ``n``) cites; raises when there is none, or two.

    A name the run did not load is looked up among every derivation this process loaded (a pytest item checks
    one step, its module's neighbours loaded by the plugin): it must be one derivation there too."""
    if name not in table:
        for d in LOADED.get(name, ()):
            _enter(table, d, "")
    if name not in table:
        loaded = ", ".join(sorted(table)) or "none"
        raise CitationError(
            f"{step.where}: step {n} ({step.name}): by={name!r} is neither a rule nor a derivation loaded "
            f"in this run (loaded: {loaded})"
        )
    found, path = table[name]
    if found is None:
        raise CitationError(
            f"{step.where}: step {n} ({step.name}) cites {name!r}, but two different derivations are so named "
            f"({path}): give one another name="
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


def fingerprints(planned: Plan, step_key, seed: int) -> dict[str, str]:
    """A fingerprint of each cited name's derivation (every step's key, its conclusion, and the fingerprints of
    what it cites, transitively): a citing step's cache key includes those of the derivations it cites, so that
    changing one, or what its conclusion is built from, checks it again."""
    from derive.run.cache import expression_text

    by_id: dict[int, str] = {}
    for d, _ in planned.items:
        digest = hashlib.sha256(d.name.encode())
        for step in d.steps:
            cites = tuple(by_id.get(id(planned.sources.get(n)), n) for n in step.citations)
            digest.update(step_key(d.context, step, seed, cites).encode())
        try:
            lhs, relation, rhs = conclusion(d)
            digest.update(f"concludes {expression_text(lhs)} {relation.value} {expression_text(rhs)}".encode())
        except NotCitable:
            pass
        by_id[id(d)] = digest.hexdigest()
    return {name: by_id[id(d)] for name, d in planned.sources.items() if id(d) in by_id}


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
            # NOTE: a proof from a cited conclusion that is itself not established, contradicted by the independent
            # evaluation, is the citation's failure, not the engine's: undecided (exit 1), never an inconsistency
            return replace(out, evidence=Evidence.UNDECIDED, detail=detail, trace=[], inconsistent=False)
        if evidence is Evidence.ASSUMED and out.evidence is Evidence.PROVED:
            out = replace(out, evidence=Evidence.ASSUMED, detail=f"cites {name}, which rests on an assumption: {why}")
        elif evidence is not Evidence.ASSUMED and evidence.rank < out.evidence.rank:
            out = replace(out, evidence=evidence, detail=f"cites {name}, which is only {evidence.value}: {why}")
    return out
