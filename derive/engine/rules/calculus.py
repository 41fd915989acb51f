"""Differentiation, finite sums written out, and logarithms of rational numbers.

``diff`` lets SymPy evaluate a derivative: differentiation is exact symbolic computation (no simplification
heuristics), and it is only applied when the variable appears in no summation bound (so that d/dθ Σ = Σ d/dθ
holds). ``sum_expand`` writes out a sum whose bounds are small integers. ``log_rational`` factors the argument of
a logarithm of a positive rational into primes, log(1/4) = −2 log 2, which is how values in bits compare exactly.
"""

from __future__ import annotations

import sympy as sp

from derive.core.hygiene import substitute
from derive.engine.facts import Env
from derive.engine.rules import Rewrite, Rule
from derive.engine.smoothness import why_not_differentiable

MAX_TERMS = 16


def _diff(e: sp.Basic, env: Env) -> Rewrite | None:
    if not isinstance(e, sp.Derivative):
        return None
    # A defined symbol such as H(g, f_θ) hides its dependence on θ from SymPy, which would differentiate it to 0:
    # differentiate only once every definition inside has been unfolded.
    if any(env.ctx.definition_for(node) is not None for node in sp.preorder_traversal(e.expr)):
        return None
    variables = {v for v, _ in e.variable_count}
    if why_not_differentiable(e.expr, variables):
        return None  # a kink, a jump or a hidden parameter: SymPy's derivative would be wrong somewhere
    for node in sp.preorder_traversal(e.expr):
        if isinstance(node, (sp.Sum, sp.Product)) and any(
            variables & (lo.free_symbols | hi.free_symbols) for _, lo, hi in node.limits
        ):
            return None
    out = e.doit(deep=False)
    return None if out.has(sp.Derivative) and out == e else Rewrite(out)


def _sum_expand(e: sp.Basic, env: Env) -> Rewrite | None:
    if isinstance(e, sp.Sum):
        (var, lo, hi), *outer = e.limits
        if lo.is_Integer and hi.is_Integer and 0 <= hi - lo + 1 <= MAX_TERMS:
            terms = sp.Add(*(substitute(e.function, {var: sp.Integer(v)}) for v in range(int(lo), int(hi) + 1)))
            # var may be a Dummy (printed "_j"); its name is what the reader wrote
            return Rewrite(sp.Sum(terms, *outer) if outer else terms, (f"{lo} ≤ {var.name} ≤ {hi}",))
    return None


def _log_rational(e: sp.Basic, env: Env) -> Rewrite | None:
    if isinstance(e, sp.log) and e.args[0].is_Rational and e.args[0] > 0 and e.args[0] != 1:
        q = e.args[0]
        factors = {**sp.factorint(q.p), **{p: -k for p, k in sp.factorint(q.q).items()}}
        if len(factors) == 1 and abs(next(iter(factors.values()))) == 1 and q.is_Integer and sp.isprime(q):
            return None  # log 2 is already in normal form
        return Rewrite(sp.Add(*(k * sp.log(sp.Integer(p)) for p, k in sorted(factors.items()))))
    return None


RULES = [
    Rule(
        "diff",
        "d/dθ f(θ) evaluated by the rules of differentiation",
        "θ in no summation bound; every definition inside unfolded; f smooth in θ and no hidden dependence on θ",
        _diff,
    ),
    Rule("sum_expand", "Σ_{k=a}^{b} f_k = f_a + … + f_b", f"a, b integers, at most {MAX_TERMS} terms", _sum_expand),
    Rule("log_rational", "log(p^a q^b …) = a log p + b log q + …", "a positive rational", _log_rational),
]
