"""Named standard inequalities a derivation cites in ``by=`` (log x ≤ x − 1, 1 + x ≤ eˣ, Jensen, AM–GM,
Cauchy–Schwarz, the triangle inequality, declared bounds), each with its side conditions, and the prover that
uses them (:func:`prove_inequality`).

``LEMMAS`` maps each name to its lemma; ``by=`` accepts these names as well as the rewrite rules'. Without
``by=`` every lemma is tried, within the step's budget; with it the named ones are tried first, one level deeper.
A cited derivation's inequality (:class:`derive.engine.citation.Cited` among the hints) is a named lemma too.
"""

from __future__ import annotations

import time

import sympy as sp

from derive.core.context import Context
from derive.core.evidence import TraceEntry
from derive.engine.facts import Env
from derive.engine.inequalities.base import Attempts, Bound, Lemma
from derive.engine.inequalities.jensen import JENSEN
from derive.engine.inequalities.lemmas import BASIC
from derive.engine.inequalities.monotone import MONOTONE, prove_le
from derive.engine.inequalities.search import Search

#: Every named inequality, by name: the bound lemmas, then the monotonicity steps.
LEMMAS: dict[str, Lemma] = {lemma.name: lemma for lemma in (*BASIC, JENSEN, *MONOTONE)}
BOUNDS = (*BASIC, JENSEN)
DEPTH = 2  # lemma applications chained in one proof (one more with by=)


def prove_inequality(
    lhs: sp.Expr,
    rhs: sp.Expr,
    strict: bool,
    ctx: Context,
    hints: tuple = (),
    deadline: float | None = None,
) -> tuple[list[TraceEntry] | None, Attempts]:
    """A proof of ``lhs ≤ rhs`` (``<`` when strict) from the named lemmas and monotonicity: its trace entries, or
    None; and the lemmas that matched but declined (for the report). ``hints`` are lemma names and cited
    derivations (their inequalities are tried first)."""
    from derive.engine.citation import lemma, split  # here: the citation module builds on this package

    hints, cited = split(hints)
    compiled = tuple(found for c in cited if (found := lemma(c)) is not None)
    if compiled:  # the cited results alone first: the trace then shows them, not a built-in lemma's way round
        now = time.monotonic()
        search = Search(ctx, compiled, None if deadline is None else now + (deadline - now) / 2)  # half the time
        found = prove_le(search, lhs, rhs, Env(ctx), strict, DEPTH + 1)
        if found is not None:
            return found, search.attempts
    named = compiled + tuple(LEMMAS[h] for h in hints if h in LEMMAS and LEMMAS[h] in BOUNDS)
    lemmas = named + tuple(lemma for lemma in BOUNDS if lemma not in named)
    search = Search(ctx, lemmas, deadline)
    depth = DEPTH + (1 if named else 0)
    found = prove_le(search, lhs, rhs, Env(ctx), strict, depth)
    if found is None and not search.attempts.declined:
        _survey(rhs - lhs, ctx, lemmas, search.attempts)
    return found, search.attempts


def _survey(gap: sp.Expr, ctx: Context, lemmas: tuple[Lemma, ...], attempts: Attempts, limit: int = 40) -> None:
    """For the report only: the lemmas that match a subterm outside every sum of a goal the search could not
    enter (a term whose sign or reality is not shown), and the condition they lacked."""
    env = Env(ctx)
    for n, term in enumerate(sp.preorder_traversal(gap, keys=None)):
        if n >= limit:
            break
        if isinstance(term, sp.Expr) and not term.has(sp.Sum, sp.Product):
            for lemma in lemmas:
                lemma.bounds(term, env, gap, attempts)


__all__ = ["LEMMAS", "Attempts", "Bound", "Lemma", "prove_inequality"]
