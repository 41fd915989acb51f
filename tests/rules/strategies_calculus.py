"""Hypothesis strategies for the calculus fuzz (tests/rules/test_calculus_fuzz.py): derivative claims as an ML
course writes them, each with a derivative worked out here by the chain rule from a table of known derivatives
(never by SymPy's ``diff`` nor by the engine), and wrong versions of it (a factor 2, a sign, a dropped term, δ_im
read as 1).

A *shape* is a random composition of up to two smooth real functions (exp, softplus, squares, cubes, the
sigmoid given by ``ctx.define``, log σ, log(1 + v²), scaling and shifting by rationals) of a placeholder ``v``,
together with its derivative. A claim puts shapes into one of the forms below; whether it is true is decided
by the fuzz test at numbers, by finite differences in mpmath, not by what the claim was built to be.
"""

from __future__ import annotations

from dataclasses import dataclass

import sympy as sp
from hypothesis import strategies as st

from derive.core.context import Context

v = sp.Symbol("v", real=True)  # the placeholder a shape is a function of
u = sp.Symbol("u", real=True)  # the parameter of the sigmoid's definition
sigma = sp.Function("sigma")


@dataclass(frozen=True)
class World:
    """The declarations every claim is stated in: logits z_j (j in 1..K), weights w_d and data X_{n,d} (d in
    1..D, n in 1..N), targets t_n, scalars a, b, x, and indices i, m in 1..K and k in 1..D."""

    ctx: Context
    K: sp.Symbol
    N: sp.Symbol
    D: sp.Symbol
    z: sp.IndexedBase
    w: sp.IndexedBase
    X: sp.IndexedBase
    t: sp.IndexedBase
    i: sp.Symbol
    m: sp.Symbol  # the second index of a Jacobian
    k: sp.Symbol
    a: sp.Symbol
    b: sp.Symbol
    x: sp.Symbol


def world() -> World:
    ctx = Context()
    K, N, D = ctx.size("K"), ctx.size("N"), ctx.size("D")
    z, w = ctx.real("z", (1, K)), ctx.real("w", (1, D))
    X, t = ctx.real("X", [(1, N), (1, D)]), ctx.real("t", (1, N))
    i, m, k = ctx.value("i", (1, K)), ctx.value("m", (1, K)), ctx.value("k", (1, D))
    ctx.define(sigma(u), 1 / (1 + sp.exp(-u)), "sigmoid")
    a, b, x = (sp.Symbol(n, real=True) for n in "abx")
    return World(ctx, K, N, D, z, w, X, t, i, m, k, a, b, x)


@dataclass(frozen=True)
class Shape:
    """g(v) and g'(v), built together."""

    f: sp.Expr
    df: sp.Expr

    def __call__(self, arg: sp.Expr) -> sp.Expr:
        return self.f.xreplace({v: arg})

    def d(self, arg: sp.Expr) -> sp.Expr:
        return self.df.xreplace({v: arg})


def _unary(name: str, c: sp.Rational) -> Shape:
    """One function of the table, with the derivative every textbook lists."""
    table = {
        "exp": (sp.exp(v), sp.exp(v)),
        "softplus": (sp.log(1 + sp.exp(v)), sp.exp(v) / (1 + sp.exp(v))),
        "square": (v**2, 2 * v),
        "cube": (v**3, 3 * v**2),
        "sigmoid": (sigma(v), sigma(v) * (1 - sigma(v))),
        "log_sigmoid": (sp.log(sigma(v)), 1 - sigma(v)),
        "log1p_square": (sp.log(1 + v**2), 2 * v / (1 + v**2)),
        "scale": (c * v, c),
        "shift": (v + c, sp.Integer(1)),
    }
    return Shape(*table[name])


UNARY = ("exp", "softplus", "square", "cube", "sigmoid", "log_sigmoid", "log1p_square", "scale", "shift")
#: For the loss over nested sums: the checker's guard differentiates it numerically at every point, which costs
#: tens of seconds through a sigmoid (the logistic gradient is a unit test instead).
LIGHT = ("exp", "softplus", "square", "scale", "shift")
RATIONALS = st.sampled_from([sp.Rational(n, d) for n, d in ((1, 2), (-1, 3), (2, 1), (-3, 2), (3, 4))])


def compose(outer: Shape, inner: Shape) -> Shape:
    """outer ∘ inner, by the chain rule: (g ∘ h)' = g'(h)·h'."""
    return Shape(outer(inner.f), outer.d(inner.f) * inner.df)


@st.composite
def shapes(draw, depth: int = 3, names: tuple[str, ...] = UNARY) -> Shape:
    parts = draw(st.lists(st.tuples(st.sampled_from(names), RATIONALS), min_size=1, max_size=depth))
    shape = Shape(v, sp.Integer(1))
    for name, c in parts:
        shape = compose(_unary(name, c), shape)
    return shape


@dataclass(frozen=True)
class Claim:
    """``lhs = rhs`` of one form; ``kind`` names the form (for Hypothesis' statistics and the report)."""

    kind: str
    lhs: sp.Expr
    rhs: sp.Expr


def _sum(body: sp.Expr, var: sp.Symbol, lo, hi) -> sp.Sum:
    return sp.Sum(body, (var, lo, hi))


def right_claims(W: World, g: Shape, h: Shape, light: Shape) -> list[Claim]:
    """Each form, with its derivative worked out by the chain, product and sum rules by hand."""
    z, i, m, j = W.z, W.i, W.m, sp.Symbol("j", integer=True)
    n, d = sp.Symbol("n", integer=True), sp.Symbol("d", integer=True)
    inner = W.a * W.x + W.b
    total = _sum(g(z[j]), j, 1, W.K)
    linear = _sum(W.w[d] * W.X[n, d], d, 1, W.D)
    return [
        Claim("scalar_chain", sp.Derivative(g(inner), W.x), g.d(inner) * W.a),
        Claim("sum_termwise", sp.Derivative(total, z[i]), g.d(z[i])),
        Claim("outer_of_sum", sp.Derivative(h(total), z[i]), h.d(total) * g.d(z[i])),
        Claim("product", sp.Derivative(_sum(z[j] * g(z[j]), j, 1, W.K), z[i]), g(z[i]) + z[i] * g.d(z[i])),
        Claim(
            "jacobian",
            sp.Derivative(g(z[i]) * h(total), z[m]),
            sp.KroneckerDelta(i, m) * g.d(z[i]) * h(total) + g(z[i]) * h.d(total) * g.d(z[m]),
        ),
        Claim(
            "nested",
            sp.Derivative(_sum(light(linear), n, 1, W.N), W.w[W.k]),
            _sum(light.d(linear) * W.X[n, W.k], n, 1, W.N),
        ),
        # i may be 1, where the sum does not reach: the derivative is g'(z_i)·[i ≥ 2], so this holds only if g' = 0
        Claim("partial_range", sp.Derivative(_sum(g(z[j]), j, 2, W.K), z[i]), g.d(z[i])),
    ]


def _drop_term(e: sp.Expr) -> sp.Expr:
    return sp.Add(*e.args[1:]) if isinstance(e, sp.Add) else sp.Integer(0)


def wrong_versions(W: World, claim: Claim) -> list[Claim]:
    """The slips a gradient is written with: a factor 2 missed or added, a sign, a dropped term, δ_im as 1."""
    rhs = claim.rhs
    out = [2 * rhs, -rhs, _drop_term(rhs), rhs.xreplace({sp.KroneckerDelta(W.i, W.m): sp.Integer(1)})]
    return [Claim(f"{claim.kind}_wrong", claim.lhs, r) for r in out if r != rhs]


@st.composite
def claims(draw, W: World) -> Claim:
    g, h = draw(shapes(depth=2)), draw(shapes(depth=1))  # deeper compositions cost seconds each, and find no more
    light = draw(shapes(depth=1, names=LIGHT))
    right = draw(st.sampled_from(right_claims(W, g, h, light)))
    if draw(st.booleans()):
        return right
    return draw(st.sampled_from(wrong_versions(W, right) or [right]))
