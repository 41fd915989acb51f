"""Hypothesis strategies for the rule fuzz (tests/rules/test_fuzz.py): random declarations, and for each rule random
expressions holding the pattern it rewrites, at the top or under (nested) sums with assorted bounds.

A :class:`World` is one random context: sizes with random minimums, integer data with a random value range (some
crossing zero), a positive family (sums to one / below one drawn), a two-index distribution, a real family, an
integer value, a probability, plain symbols with random SymPy assumptions (positive, negative, real, integer, or
none: complex), an undeclared generic family ``f`` and two definitions. The pools below deliberately mix what a
rule may rewrite with what it must refuse: factors of either sign, family members at undeclared indices (``q_0``,
``q_{K+1}``, ``q_{x_k}`` with data that may be 0), ranges that run backwards or cross zero, deltas of ``2k``.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import sympy as sp
from hypothesis import strategies as st

from derive.core.context import Context
from tests.rules import strategies_big

# What a plain symbol may be declared: SymPy assumptions (none: a complex number).
ASSUMPTIONS = ({}, {"real": True}, {"positive": True}, {"negative": True}, {"integer": True})
INDEX_NAMES = ("k", "m", "j")  # summation indices, outermost first; i is the delta's and the constraint's own
i = sp.Symbol("i", integer=True)
u = sp.Symbol("u")  # the parameter of the definition g(u)


@dataclass(frozen=True)
class World:
    """One random context and the symbols it declared."""

    ctx: Context
    N: sp.Symbol
    K: sp.Symbol
    x: sp.IndexedBase  # data x_k, k in 1..N
    q: sp.IndexedBase  # positive, k in 1..K
    p: sp.IndexedBase  # positive p_{i,n}, i in 1..K, n in 1..N, a distribution over i
    z: sp.IndexedBase  # real, k in 1..K
    c: sp.Symbol  # an integer in 1..K
    y: sp.Symbol  # a probability
    a: sp.Symbol
    b: sp.Symbol
    t: sp.Symbol  # the variable of derivatives
    f: sp.IndexedBase  # undeclared: any complex numbers
    n: sp.IndexedBase  # defined: n_i = Σ_k [x_k = i]
    g: sp.Function  # defined: g(u) = one of a few right sides

    def __repr__(self) -> str:
        """The declarations that were drawn, for Hypothesis's 'Failing test case'."""
        ctx, q = self.ctx, self.ctx.families[self.q]
        flags = [f for f in ("sums_to_one", "below_one") if getattr(q, f)]
        declared = {s: next(d for d in ASSUMPTIONS if sp.Symbol(s.name, **d) == s) for s in (self.a, self.b, self.t)}
        symbols = ", ".join(f"{s}: {', '.join(d) or 'complex'}" for s, d in declared.items())
        g = next(d for d in ctx.definitions if d.name == "g_def")
        return (
            f"World(N ≥ {ctx.sizes[self.N]}, K ≥ {ctx.sizes[self.K]}, x_k in {ctx.datasets[self.x].values}, "
            f"q {' '.join(flags) or 'positive'}, {symbols}, g(u) = {g.rhs})"
        )


@dataclass(frozen=True)
class Case:
    world: World
    expr: sp.Expr

    @property
    def ctx(self) -> Context:
        return self.world.ctx

    def __repr__(self) -> str:
        return f"Case({self.world!r}, expr={sp.srepr(self.expr)})"


@st.composite
def worlds(draw) -> World:
    ctx = Context()
    N = ctx.size("N", draw(st.integers(1, 3)))
    K = ctx.size("K", draw(st.integers(1, 2)))
    x = ctx.data("x", (1, N), draw(st.sampled_from([(1, K), (0, K), (-1, 1), (0, 2), (1, N)])))
    q = ctx.positive("q", (1, K), sums_to_one=draw(st.booleans()), below_one=draw(st.booleans()))
    p = ctx.positive("p", [(1, K), (1, N)], sums_to_one=True)
    z = ctx.real("z", (1, K))
    c = ctx.value("c", (1, K))
    y = ctx.probability("y")
    a, b, t = (sp.Symbol(name, **draw(st.sampled_from(ASSUMPTIONS))) for name in "abt")
    k = sp.Symbol("k", integer=True)
    n, g = sp.IndexedBase("n"), sp.Function("g")
    ctx.define(n[i], sp.Sum(sp.KroneckerDelta(i, x[k]), (k, 1, N)))
    # the middle one binds k, so unfolding g(k) under a sum over k must not capture it
    ctx.define(g(u), draw(st.sampled_from([u**2 + a * u, sp.Sum(u * k, (k, 1, N)), y * sp.exp(u)])))
    return World(ctx, N, K, x, q, p, z, c, y, a, b, t, sp.IndexedBase("f"), n, g)


# -- pieces ------------------------------------------------------------------------------------------------------
def pick(draw, options):
    return draw(st.sampled_from(list(options)))


def k_index(draw, w: World, scope) -> sp.Expr:
    """An index for q, z (declared over 1..K): mostly one that is declared, else one that is not (0, K + 1) or not
    known to be (an enclosing index, a data value x_o that may be 0)."""
    if draw(st.integers(0, 2)):
        return pick(draw, [w.c, 1, w.K, *scope])
    return pick(draw, [0, w.K + 1, *(w.x[o] for o in scope), w.x[1], *scope])


def n_index(draw, w: World, scope) -> sp.Expr:
    """An index for x, or p's second index (declared over 1..N)."""
    if draw(st.integers(0, 2)):
        return pick(draw, [1, w.N, *scope])
    return pick(draw, [0, w.N + 1, *scope])


def factor(draw, w: World, scope) -> sp.Expr:
    """A factor that is positive by the declarations (two times in three), or one of either sign, complex, possibly
    0, or positive only at indices that are not declared: what a log rule must tell apart."""
    positive = draw(st.integers(0, 2)) > 0
    ki, ni = k_index(draw, w, scope), n_index(draw, w, scope)
    if positive:
        pool = [
            w.q[ki],
            w.y,
            sp.Integer(2),
            1 - w.y,
            sp.Rational(1, 3),
            sp.exp(w.z[ki]),
            w.p[ki, ni],
            w.q[ki] ** 2,
            w.N,
            1 - w.q[ki],  # positive only when q is declared below one
            sp.Sum(w.q[i], (i, 1, w.K)),
            sp.exp(w.a),  # positive only when a is real
            w.a,  # positive only when a is declared positive
        ]
    else:
        pool = [
            w.z[ki],
            w.a,
            sp.Integer(-2),
            w.y - 1,
            w.x[ni],
            w.b,
            -w.q[ki],
            w.q[ki] - 1,
            w.c,
            w.f[ki],
            w.z[ki] ** 2 + 1,  # positive, but the facts cannot show it: z_i may be 0 for all they know
            sp.I,
            *scope,
            *(o**2 + 1 for o in scope),
        ]
    return pick(draw, pool)


def positive_factor(draw, w: World, scope=()) -> sp.Expr:
    """A factor the declarations make positive, most of the time (see factor for the others)."""
    if draw(st.integers(0, 3)) == 0:
        return factor(draw, w, list(scope))
    member = pick(draw, [1, w.c, w.K])
    return pick(
        draw,
        [w.q[member], w.y, 1 - w.y, sp.Integer(2), sp.Rational(1, 3), sp.exp(w.z[member]), w.p[member, w.N], w.N],
    )


def term(draw, w: World, scope) -> sp.Expr:
    """A summand: a factor, a product of two, or a log/exp of one."""
    kind = draw(st.integers(0, 3))
    if kind == 0:
        return factor(draw, w, scope)
    if kind == 1:
        return factor(draw, w, scope) * factor(draw, w, scope)
    if kind == 2:
        return sp.log(factor(draw, w, scope))
    return sp.exp(factor(draw, w, scope))


def bounds(draw, w: World, outer, product: bool = False) -> tuple[sp.Expr, sp.Expr]:
    """A summation range: declared ones, shifted ones crossing zero, backwards ones, and ones on an outer index.

    NOTE: with ``product`` no range that can be exactly empty (b = a − 1, as (1, K − 1) at K = 1): SymPy 1.14 calls
    such an empty product (= 1) nonpositive, and the sampler then evaluates log(∏) wrongly (see
    test_sympy_knows_an_empty_product_is_positive in test_fuzz.py), which is no fault of a rule.
    """
    N, K = w.N, w.K
    never_empty = [(1, N), (1, K), (0, K), (3 - N, 5), (-N - 2, 1), (-1, 1), (0, 3), (3, 1)]
    fixed = never_empty if product else never_empty + [(2, K), (1, K - 1), (K, N)]
    dependent = [(-o, o) for o in outer] + ([] if product else [r for o in outer for r in ((1, o), (o + 1, N))])
    lo, hi = pick(draw, fixed + dependent)
    return sp.sympify(lo), sp.sympify(hi)


def index_symbol(draw, depth: int) -> sp.Symbol:
    """The index bound at ``depth``: an integer symbol, or now and then one without assumptions."""
    plain = draw(st.integers(0, 5)) == 0
    return sp.Symbol(INDEX_NAMES[depth], **({} if plain else {"integer": True}))


@st.composite
def embedded(draw, build: Callable, depth=(0, 2), around: bool = True) -> Case:
    """``build(draw, world, limits)`` under enclosing sums (``limits``, outermost first, whose indices form the
    scope), possibly multiplied by a factor and added to a term, so that rules meet their pattern inside larger
    expressions and are called with the Env of those sums."""
    w = draw(worlds())
    limits: list[tuple] = []
    levels = [d for d in (0, 1, 1, 2, 1) if depth[0] <= d <= depth[1]]  # one enclosing sum most often
    for d in range(pick(draw, levels)):
        limits.append((index_symbol(draw, d), *bounds(draw, w, [v for v, _, _ in limits])))
    scope = [v for v, _, _ in limits]
    core = build(draw, w, limits)
    if around and draw(st.booleans()):
        core = factor(draw, w, scope) * core + factor(draw, w, scope)
    for limit in reversed(limits):
        core = sp.Sum(core, limit)
    return Case(w, core)


def _vars(limits) -> list[sp.Symbol]:
    return [v for v, _, _ in limits]


# -- one builder per rule ------------------------------------------------------------------------------------------
def _log_mul(draw, w, limits):
    scope = _vars(limits)
    factors = [pick(draw, [positive_factor, factor])(draw, w, scope) for _ in range(draw(st.integers(2, 3)))]
    if draw(st.integers(0, 2)) == 0:  # ŷ(1 − ŷ), which SymPy writes −ŷ(ŷ − 1): one factor negative, and a −1
        factors[0] = pick(draw, [w.y - 1, w.q[pick(draw, [1, w.c, w.K])] - 1, sp.Integer(-3), -w.q[1], w.z[1]])
        factors.append(sp.Integer(-1))
    return sp.log(sp.Mul(*factors))


def _log_prod(draw, w, limits):
    scope = _vars(limits)
    var = index_symbol(draw, len(scope))
    lo, hi = pick(draw, [(sp.Integer(1), w.K), (sp.Integer(0), w.K), bounds(draw, w, scope, product=True)])
    if pick(draw, [True, True, False]):  # a member of a family over the product's index (q_k, e^{z_k}, …) or not
        body = pick(
            draw,
            [w.q[var], sp.exp(w.z[var]), w.p[var, w.N], w.q[var] ** 2 * w.y, -w.q[var], 1 - w.q[var], w.z[var], -2],
        )
    else:
        body = factor(draw, w, [*scope, var])
    return sp.log(sp.Product(body, (var, lo, hi)))


def _log_pow(draw, w, limits):
    scope = _vars(limits)
    base = pick(draw, [positive_factor, factor])(draw, w, scope)
    if pick(draw, [True, False]):  # real by the declarations, or (a, b, t) in some worlds
        exponent = pick(draw, [2, w.b, -1, sp.Rational(1, 2), w.t, 3, w.z[k_index(draw, w, scope)], w.a, w.y, *scope])
    else:  # not real, and large enough that b·log a leaves (−π, π]: log(2^{5i}) = 5i·log 2 − 2πi
        exponent = pick(draw, [5 * sp.I, 3 + 6 * sp.I, -7 * sp.I, 9 * sp.I * w.y])
    return sp.log(sp.Pow(base, exponent))


def _log_together(draw, w, limits):
    """A log of a sum with a fraction in it: the sigmoid's 1 − 1/(1 + e^{−t}), or random terms over a random
    denominator (complex, negative or possibly zero ones included: the value must not change wherever defined)."""
    scope = _vars(limits)
    ki = k_index(draw, w, scope)
    pool = [w.a, w.z[ki], w.q[ki], sp.exp(-w.t), w.b, w.y, sp.Integer(2), sp.I * w.t, *scope]
    if pick(draw, [True, False]):
        return sp.log(1 - 1 / (1 + sp.exp(-pick(draw, pool))))
    terms = [pick(draw, pool) for _ in range(draw(st.integers(1, 2)))]
    return sp.log(sp.Add(*terms, pick(draw, pool) / (pick(draw, pool) + pick(draw, [1, -1, 2]))))


def _log_exp_neg(draw, w, limits):
    """A log of a sum with exponentials of negated arguments (the softplus log(1 + e^{−t}), complex ones too)."""
    scope = _vars(limits)
    ki = k_index(draw, w, scope)
    arg = pick(draw, [w.t, w.z[ki], w.a, sp.I * w.t, w.y, *scope])
    pool = [sp.Integer(1), w.q[ki], w.b, sp.exp(w.t), -sp.Integer(2), w.y]
    terms = [pick(draw, pool) for _ in range(draw(st.integers(1, 2)))]
    return sp.log(sp.Add(*terms, pick(draw, [1, 2, w.b]) * sp.exp(-pick(draw, [1, 2]) * arg)))


def _exp_add(draw, w, limits):
    scope = _vars(limits)
    ki, ni = k_index(draw, w, scope), n_index(draw, w, scope)
    pool = [w.a, w.z[ki], -w.q[ki], sp.log(w.q[ki]), sp.I * w.t, w.b, w.y, sp.Integer(2), w.x[ni], w.f[ki], *scope]
    parts = [pick(draw, pool) for _ in range(draw(st.integers(2, 3)))]
    if pick(draw, [True, False]):  # the exponential of a sum over an index (log-sum-exp, softmax)
        var = index_symbol(draw, len(scope))
        parts.append(sp.Sum(w.z[var] * w.t, (var, *pick(draw, [(1, w.K), (-1, 1)]))))
    return sp.exp(sp.Add(*parts))


def _tanh_eq(draw, w, limits):
    """A tanh of a real argument (z_k, t/2, a sum's index), or of one that may be complex (i·t, y), where it must
    decline."""
    scope = _vars(limits)
    ki = k_index(draw, w, scope)
    arg = pick(draw, [w.t / 2, w.z[ki], w.a, sp.I * w.t, w.y, w.b - w.t, *scope])
    return pick(draw, [1, 2, w.q[ki]]) * sp.tanh(arg) + pick(draw, [0, 1, w.t])


def _sum_add(draw, w, limits):
    scope = _vars(limits)
    var = index_symbol(draw, len(scope))
    inner = [*scope, var]
    return sp.Sum(term(draw, w, inner) + factor(draw, w, inner), (var, *bounds(draw, w, scope)))


def _mul_add(draw, w, limits):
    scope = _vars(limits)
    left = factor(draw, w, scope)
    if draw(st.booleans()):
        left += factor(draw, w, scope)
    return left * (pick(draw, [factor, term])(draw, w, scope) + factor(draw, w, scope))


def _covering(draw, w, value, limits) -> tuple[sp.Expr, sp.Expr]:
    """A range that holds ``value`` by the declarations (four times in five), else one that may not."""
    ranges = {v: (lo, hi) for v, lo, hi in limits}
    if isinstance(value, sp.Indexed) and value.base == w.x:
        known = w.ctx.datasets[w.x].values
    elif value == w.c:
        known = (sp.Integer(1), w.K)
    elif value in ranges:
        known = ranges[value]
    elif value in (w.N, w.K):
        known = (sp.Integer(1), value)
    elif value.is_Integer:
        known = (value - 1, value + 2)
    else:
        known = None
    good = pick(draw, [True, True, True, True, False])
    if known is None or not good:
        lo, hi = known or bounds(draw, w, _vars(limits))
        return pick(draw, [bounds(draw, w, _vars(limits)), (lo + 1, hi), (lo, hi - 1)])
    lo, hi = known
    return pick(draw, [(lo, hi), (lo - 1, hi + 1), (lo, hi + w.N)])


def _refused_value(draw, w, scope, var):
    """Values a delta must not be contracted at: not integers, or not known to lie in the range."""
    return pick(draw, [*(2 * o for o in scope), w.K + 1, w.a, w.x[0], w.x[w.N + 1], *(o + 1 for o in scope)])


def _delta_and_range(draw, w, limits, var):
    """``(δ(var, v), (lo, hi))``: v data, an integer value, an enclosing index or a number, in a range that holds it
    (mostly); or a value that must be refused."""
    scope = _vars(limits)
    data = [w.x[o] for o, lo, hi in limits if (lo, hi) == (1, w.N)] or [w.x[1], w.x[w.N]]
    kind = pick(draw, ["data", "data", "index", "value", "data", "refused"])
    if kind == "data":
        value = pick(draw, data)
    elif kind == "index" and scope:
        value = pick(draw, scope)
    elif kind in ("value", "index"):
        value = pick(draw, [w.c, sp.Integer(0), sp.Integer(3), w.N])  # N: in_range knows no sizes (declines)
    else:
        value = _refused_value(draw, w, scope, var)
        if pick(draw, [False, True]):
            return sp.KroneckerDelta(2 * var, pick(draw, [w.c, *scope])), bounds(draw, w, scope)  # pitfall 1
    return sp.KroneckerDelta(var, value), _covering(draw, w, value, limits)


def _summand_of(draw, w, scope, var):
    return pick(
        draw,
        [w.q[var], w.f[var], var**2, w.z[var] * w.a, sp.Integer(1), w.x[var], w.p[var, n_index(draw, w, scope)]],
    )


def _sum_kronecker_delta(draw, w, limits):
    own = []
    if pick(draw, [True, False]):  # the data's own sum: Σ_k Σ_i δ(i, x_k)·g_i
        own = [(index_symbol(draw, len(limits)), sp.Integer(1), w.N)]
    delta, (lo, hi) = _delta_and_range(draw, w, limits + own, i)
    out = sp.Sum(delta * _summand_of(draw, w, _vars(limits + own), i), (i, lo, hi))
    for limit in own:
        out = sp.Sum(out, limit)  # SymPy makes this one Sum with the limits innermost first
    return out


def _sum_comm(draw, w, limits):
    """Σ over an inner index o and an outer i of δ(i, v(o))·g: moving i innermost makes the delta contract."""
    scope = _vars(limits)
    o = index_symbol(draw, len(scope))
    # mostly independent of i; a range on i (triangular) must not be exchanged
    inner_range = pick(draw, [(sp.Integer(1), w.N), (sp.Integer(1), i), (sp.Integer(1), w.N), (i, w.N + 1)])
    delta, outer_range = _delta_and_range(draw, w, [*limits, (o, *inner_range)], i)
    body = delta * _summand_of(draw, w, [*scope, o], i)
    if pick(draw, [False, False, False, True]):
        body = factor(draw, w, [*scope, o, i])  # no delta: nothing to gain, must decline
    return sp.Sum(body, (o, *inner_range), (i, *outer_range))


def _mul_sum(draw, w, limits):
    scope = _vars(limits)
    var = index_symbol(draw, len(scope))
    inner = [*scope, var]
    if draw(st.booleans()):  # c·Σ_k δ(var, x_k) pushed inside an outer sum over var, so that sum_comm can contract
        k = index_symbol(draw, len(inner))
        k_range = pick(draw, [(sp.Integer(1), w.N), bounds(draw, w, inner)])
        delta, var_range = _delta_and_range(draw, w, [*limits, (k, *k_range)], var)
        inner_sum = sp.Sum(delta, (k, *k_range))
        return sp.Sum(factor(draw, w, inner) * inner_sum, (var, *var_range))
    body = sp.Mul(*(factor(draw, w, pick(draw, [scope, inner])) for _ in range(draw(st.integers(2, 3)))))
    return sp.Sum(body, (var, *bounds(draw, w, scope)))


def _sum_const(draw, w, limits):
    scope = _vars(limits)
    var = index_symbol(draw, len(scope))
    summand = pick(draw, [positive_factor, factor, term])(draw, w, scope)
    backwards = [(3, 1), (w.N, 1), (w.K, w.N), (2, w.K), *((1, o) for o in scope)]  # may run backwards
    return sp.Sum(summand, (var, *pick(draw, [bounds(draw, w, scope), pick(draw, backwards)])))


def _diff(draw, w, limits):
    scope = _vars(limits)
    t, ki = w.t, k_index(draw, w, scope)
    var = index_symbol(draw, len(scope))
    smooth = [
        t**2 * w.q[ki],
        sp.exp(w.a * t),
        sp.exp(t) * w.z[ki],
        sp.log(1 + t**2),
        sp.sin(t) * w.y,
        sp.Sum(w.z[var] * t**var, (var, 0, w.N)),
        sp.Sum(w.q[var] * t**2 + t * var, (var, *bounds(draw, w, scope))),
        sp.Product(1 + t * w.q[var], (var, 1, w.K)),
        sp.exp(sp.Sum(var * t, (var, 1, t))),  # t in a summation bound: must decline
        sp.Sum(var * t, (var, 1, t)),
        w.g(t),  # a definition not yet unfolded: must decline
        t * w.n[ki],
        sp.Abs(t) * w.q[ki],  # kinks and jumps: SymPy's derivative is wrong there, must decline
        sp.Max(t, w.y),
    ]
    body = pick(draw, smooth) * pick(draw, [1, t, w.a, *scope])
    which = pick(draw, [(t, 1), (t, 2), (w.a, 1)])
    return sp.Derivative(body, which)


def _sum_expand(draw, w, limits):
    scope = _vars(limits)
    var = index_symbol(draw, len(scope))
    ranges = [(-2, 1), (0, 3), (1, 1), (3, 1), (1, 0), (-3, -1), (1, 20), (2, 4)]
    ranges += [(w.N, w.N + 2), (w.K - 1, w.K), *((o, o + 1) for o in scope)]  # few terms, but not integer ends
    lo, hi = pick(draw, ranges)
    return sp.Sum(pick(draw, [factor, term])(draw, w, [*scope, var]), (var, lo, hi))


def _log_rational(draw, w, limits):
    num = draw(st.integers(-40, 40))
    den = draw(st.integers(1, 40))
    r = sp.Rational(num, den)
    if r < 0 and draw(st.booleans()):
        return sp.log(r, evaluate=False)  # as written: SymPy would turn it into log(−r) + iπ
    return sp.log(r)


def _definition(draw, w, limits):
    scope = _vars(limits)
    return pick(draw, [w.n[k_index(draw, w, scope)], w.g(pick(draw, [*scope, w.t, w.a, w.q[1], 2]))])


def _constraint(draw, w, limits):
    scope = _vars(limits)
    lo, hi = pick(draw, [(1, w.K), (1, w.K), (1, w.K), (0, w.K), (1, w.K - 1), (2, w.K)])
    if draw(st.integers(0, 2)) == 0:
        return sp.Sum(w.q[i], (i, lo, hi))  # a distribution only in some worlds
    # the other index: declared (1, N), or not (0, N + 1), or an enclosing index that may run outside 1..N
    return sp.Sum(w.p[i, pick(draw, [w.N, 0, 1, w.N + 1, *scope])], (i, lo, hi))


RULE_CASES: dict[str, st.SearchStrategy[Case]] = {
    "log_prod": embedded(_log_prod),
    "log_mul": embedded(_log_mul),
    "log_pow": embedded(_log_pow),
    "log_together": embedded(_log_together, depth=(0, 1)),
    "log_exp_neg": embedded(_log_exp_neg, depth=(0, 1)),
    # no side conditions: the Env does not matter, only the shapes (kept small, for time)
    "exp_add": embedded(_exp_add, depth=(0, 1), around=False),
    "tanh_eq": embedded(_tanh_eq, depth=(0, 1)),
    "sum_add": embedded(_sum_add, depth=(0, 1), around=False),
    "mul_add": embedded(_mul_add, depth=(0, 1), around=False),
    "sum_kronecker_delta": embedded(_sum_kronecker_delta, depth=(0, 1)),
    "sum_comm": embedded(_sum_comm, depth=(0, 1)),
    "mul_sum": embedded(_mul_sum, depth=(0, 1)),
    "sum_const": embedded(_sum_const),
    "diff": embedded(_diff, depth=(0, 1)),
    "sum_expand": embedded(_sum_expand, depth=(0, 1)),
    "log_rational": embedded(_log_rational, depth=(0, 1)),
}

_BIG = strategies_big.cases(embedded)
RULE_CASES["sum_comm"] = st.one_of(RULE_CASES["sum_comm"], _BIG.pop("sum_comm_rect"))
RULE_CASES.update(_BIG)

# Rules made per context (derive.engine.rules.context_rules), by the kind of declaration that makes them.
CONTEXT_CASES: dict[str, st.SearchStrategy[Case]] = {
    "definition": embedded(_definition),
    "constraint": embedded(_constraint),
}

# The expectation rules' strategies live beside them (tests/rules/strategies_expectation.py).
from tests.rules import strategies_expectation  # noqa: E402

RULE_CASES.update(strategies_expectation.cases(embedded))
