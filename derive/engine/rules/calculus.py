"""Differentiation, finite sums written out, and logarithms of rational numbers.

``diff`` lets SymPy evaluate a derivative: differentiation is exact symbolic computation (no simplification
heuristics), and it is only applied when the variable appears in no summation bound (so that d/dθ Σ = Σ d/dθ
holds). The variable may be a member of a family, as ML courses write gradients: ∂z_j/∂z_i = δ_ij (SymPy's
derivative of an ``Indexed`` by another of the same base, one delta per index; another base gives 0), so
∂/∂z_i Σ_j f(z_j) = Σ_j f'(z_j) δ_ij, which ``sum_kronecker_delta`` contracts to f'(z_i) only when i provably lies
in j's range. Functions given by ``ctx.define`` (σ, softmax p_i, log-sum-exp lse(z) of a whole family) are unfolded
before, so the chain rule runs through their bodies; second derivatives are taken one variable after the other.
``sum_expand`` (``prod_expand``) writes out a sum (product) whose bounds are small integers.
``log_rational`` factors the argument of a logarithm of a positive rational into primes, log(1/4) = −2 log 2, which
is how values in bits compare exactly.
"""

from __future__ import annotations

import sympy as sp

from derive.core.hygiene import substitute
from derive.engine.facts import Env
from derive.engine.rules.base import Identity, Rewrite, Rule
from derive.engine.rules.patterns import f, k, t, x
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


def _prod_expand(e: sp.Basic, env: Env) -> Rewrite | None:
    if isinstance(e, sp.Product):
        (var, lo, hi), *outer = e.limits
        if lo.is_Integer and hi.is_Integer and 0 <= hi - lo + 1 <= MAX_TERMS:
            factors = sp.Mul(*(substitute(e.function, {var: sp.Integer(v)}) for v in range(int(lo), int(hi) + 1)))
            return Rewrite(sp.Product(factors, *outer) if outer else factors, (f"{lo} ≤ {var.name} ≤ {hi}",))
    return None


def _factors(n: int) -> dict[int, int] | None:
    """The prime factors of ``n`` when a bounded search finds them all (factorint with a limit leaves a composite
    cofactor unsplit), else None: factoring a 200-digit number is not a rewrite step."""
    found = sp.factorint(n, limit=10**5)
    return found if all(sp.isprime(p) for p in found) else None


def _log_rational(e: sp.Basic, env: Env) -> Rewrite | None:
    if isinstance(e, sp.log) and e.args[0].is_Rational and e.args[0] > 0 and e.args[0] != 1:
        q = e.args[0]
        top, bottom = _factors(q.p), _factors(q.q)
        if top is None or bottom is None:
            return None  # a factor too large to find quickly (10^200 + 1): log q stays as it is
        factors = {**top, **{p: -k for p, k in bottom.items()}}
        if len(factors) == 1 and abs(next(iter(factors.values()))) == 1 and q.is_Integer and sp.isprime(q):
            return None  # log 2 is already in normal form
        return Rewrite(sp.Add(*(k * sp.log(sp.Integer(p)) for p, k in sorted(factors.items()))))
    return None


diff = Rule(
    "diff",
    _diff,
    Identity(sp.Derivative(sp.exp(x * t**2), t), 2 * x * t * sp.exp(x * t**2), instance=True),
    statement=r"$\frac{d}{d\theta} f(\theta)$ evaluated by the rules of differentiation",
    side_conditions=(
        "θ in no summation bound; definitions unfolded; only functions smooth where defined (no |·|, max, "
        "Piecewise, sign, atan2; log and real powers for real θ), no hidden dependence on θ"
    ),
)
sum_expand = Rule(
    "sum_expand",
    _sum_expand,
    Identity(sp.Sum(f[k], (k, 1, 3)), f[1] + f[2] + f[3], instance=True),
    statement=r"$\sum_{k=a}^{b} f_{k} = f_{a} + \dots + f_{b}$",
    side_conditions=f"a, b integers, at most {MAX_TERMS} terms",
)
prod_expand = Rule(
    "prod_expand",
    _prod_expand,
    Identity(sp.Product(f[k], (k, 1, 3)), f[1] * f[2] * f[3], instance=True),
    statement=r"$\prod_{k=a}^{b} f_{k} = f_{a} \cdots f_{b}$",
    side_conditions=f"a, b integers, at most {MAX_TERMS} factors",
)
log_rational = Rule(
    "log_rational",
    _log_rational,
    Identity(sp.log(sp.Rational(4, 9)), 2 * sp.log(2) - 2 * sp.log(3), instance=True),
    statement=r"$\log{\left(p^{\alpha} q^{\beta} \cdots \right)} = \alpha \log{p} + \beta \log{q} + \cdots$",
    side_conditions="the argument a positive rational; p, q, … primes",
)

RULES = [diff, sum_expand, prod_expand, log_rational]
