"""The bound prover: ``G ≥ 0`` (or ``> 0``) by replacing one subterm at a site of known polarity with a bound
from a named lemma, until sign facts or the engine's normalisation close the goal (Mathlib's ``gcongr`` with bound
lemmas, as a small bounded search).

``G ≥ G'`` holds when ``t`` sits at polarity +1 and is replaced by a lower bound, or at −1 by an upper bound; so
``G' ≥ 0`` (``> 0``) gives ``G ≥ 0`` (``> 0``). The goal is closed when ``G'`` is shown positive or at least 0 by
:mod:`derive.engine.facts`, in the form written or after normalisation by the named rules (which know the declared
sums to one), or is 0 there (non-strict only); a polynomial goal may also be closed through its factored form,
accepted only when it expands back to the goal exactly.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field

import sympy as sp

from derive.core.context import Context
from derive.core.evidence import TraceEntry
from derive.core.hygiene import canonical
from derive.engine.facts import Env, nonneg, positive
from derive.engine.inequalities.base import LOWER, UPPER, Attempts, Lemma
from derive.engine.inequalities.merge import merged
from derive.engine.inequalities.polarity import sites
from derive.engine.rewrite import EngineError, Rewriter
from derive.engine.rules import RULES, context_rules

MAX_CANDIDATES = 80  # new goals tried in one search (each is normalised once)
MAX_FACTOR_OPS = 60


@dataclass
class Search:
    """One bounded search for a proof of ``goal ≥ 0`` (``> 0`` when strict) in ``ctx``.

    ``lemmas`` are tried in order (the hinted ones first); ``deadline`` (time.monotonic) and
    :data:`MAX_CANDIDATES` bound the work; ``attempts`` collects the lemmas that matched but declined.
    """

    ctx: Context
    lemmas: tuple[Lemma, ...]
    deadline: float | None = None
    attempts: Attempts = field(default_factory=Attempts)
    tried: int = 0
    _normal: dict = field(default_factory=dict)

    def out_of_time(self) -> bool:
        over = self.deadline is not None and time.monotonic() > self.deadline
        return over or self.tried >= MAX_CANDIDATES

    def normal(self, expr: sp.Expr, env: Env) -> sp.Expr | None:
        """``expr`` normalised by the named rules and the context's (None when the rewriting stops)."""
        key = (expr, env.bounds)
        if key not in self._normal:
            try:
                rules = list(RULES.values()) + context_rules(self.ctx)
                self._normal[key] = canonical(Rewriter(env, rules, "lhs", []).normalize(expr))
            except (EngineError, RecursionError):
                self._normal[key] = None
        return self._normal[key]

    def closed(self, goal: sp.Expr, strict: bool, env: Env) -> tuple[str, ...] | None:
        """The facts that show ``goal > 0`` (``≥ 0``) in one of its forms, or None."""
        sign_of = positive if strict else nonneg
        for form in (goal, self.normal(goal, env), _rational(self.normal(goal, env))):
            if form is None:
                continue
            if not strict and form == 0:
                return ("the bound equals the other side",)
            why = sign_of(form, env)
            if why is not None:
                return why
        return _factored(self.normal(goal, env) or goal, env, strict)

    def prove(self, goal: sp.Expr, strict: bool, depth: int, env: Env | None = None) -> list[TraceEntry] | None:
        """Trace entries proving ``goal ≥ 0`` (``> 0``) at ``env`` (the enclosing sums' ranges), or None."""
        env = env if env is not None else Env(self.ctx)
        why = self.closed(goal, strict, env)
        if why is not None:
            return [TraceEntry(rule="positivity", side="both", assumptions=why, target=sp.srepr(goal))]
        if depth <= 0:
            return None
        normal = self.normal(goal, env)
        together = merged(normal if normal is not None else goal, env)
        if together is not None:  # sums over one range merged first: a lemma then sees the summand whole
            found = self._step(canonical(together[0]), strict, depth, env)
            if found is not None:
                entry = TraceEntry(
                    rule="sum_add",
                    side="both",
                    assumptions=together[1],
                    reverse=True,
                    target=sp.srepr(normal if normal is not None else goal),
                    result=sp.srepr(together[0]),
                )
                return [entry, *found]
        for form in dict.fromkeys(f for f in (goal, normal) if f is not None):
            found = self._step(form, strict, depth, env)
            if found is not None:
                return found
        return None

    def _step(self, goal: sp.Expr, strict: bool, depth: int, env: Env) -> list[TraceEntry] | None:
        for site in sites(goal, env):
            want = LOWER if site.polarity > 0 else UPPER
            seen: set[tuple[sp.Expr, bool]] = set()  # bounds tried at this site (two lemmas may give the same one)
            for lemma in self.lemmas:
                if self.out_of_time():
                    return None
                for bound in lemma.bounds(site.term, site.env, goal, self.attempts):
                    if bound.kind != want or bound.value == site.term or (bound.value, bound.strict) in seen:
                        continue
                    seen.add((bound.value, bound.strict))
                    built = site.rebuild(bound.value)
                    if built is None:
                        outside = "the bound leaves the range where the goal is monotone"
                        self.attempts.note(lemma.name, site.term, outside)
                        continue
                    self.tried += 1
                    new = canonical(built[0])
                    gained = bound.strict and site.strictly  # G > G': then G' ≥ 0 is enough for G > 0
                    rest = self.prove(new, strict and not gained, depth - 1, env)
                    if rest is not None:
                        entry = TraceEntry(
                            rule=bound.lemma,
                            side="both",
                            assumptions=tuple(dict.fromkeys(bound.conditions + site.reasons + built[1])),
                            target=sp.srepr(site.term),
                            result=sp.srepr(bound.value),
                            before=sp.srepr(goal),
                            after=sp.srepr(new),
                        )
                        return [entry, *rest]
        return None


def _rational(goal: sp.Expr | None) -> sp.Expr | None:
    """``goal`` over one denominator with common factors cancelled (ring_nf: exact arithmetic of rational functions
    in the goal's atoms), when it has no sums or products; None otherwise."""
    if goal is None or goal.has(sp.Sum, sp.Product) or sp.count_ops(goal) > 4 * MAX_FACTOR_OPS:
        return None
    try:
        return sp.cancel(sp.together(goal))
    except (sp.PolynomialError, TypeError, ValueError):
        return None


def _factored(goal: sp.Expr, env: Env, strict: bool) -> tuple[str, ...] | None:
    """A polynomial goal whose factored form (SymPy's, a candidate) has a sign the facts show, accepted only if it
    expands back to ``goal`` exactly (polynomial arithmetic)."""
    if goal.has(sp.Sum, sp.Product) or sp.count_ops(goal) > MAX_FACTOR_OPS or not goal.free_symbols:
        return None
    try:
        if not goal.is_polynomial(*goal.free_symbols):
            return None
        form = sp.factor(goal)
        if form == goal or sp.expand(form - goal) != 0:
            return None
    except (sp.PolynomialError, TypeError, ValueError):
        return None
    why = (positive if strict else nonneg)(form, env)
    return None if why is None else (*why, f"{goal} = {form}")
