"""Hypothesis builders for the rules of products, absolute values, exchange of sums and powers under a sum
(derive.engine.rules.products, .absolute, .sums), in the style of tests/rules/strategies.py, whose RULE_CASES
takes them in. Each pool mixes what the rule may rewrite with what it must refuse: exponents that are not
integers on factors of either sign, ranges that run backwards, triangles shifted by 2, factors of unknown sign."""

from __future__ import annotations

import sympy as sp
from hypothesis import strategies as st


def _s():
    from tests.rules import strategies  # imported late: strategies imports this module at its end

    return strategies


def _range(draw, w, scope, product=False):
    return _s().bounds(draw, w, scope, product=product)


def _prod_mul_distrib(draw, w, limits):
    s, scope = _s(), [v for v, _, _ in limits]
    var = s.index_symbol(draw, len(scope))
    body = s.factor(draw, w, [*scope, var]) * s.factor(draw, w, [*scope, var])
    return sp.Product(body, (var, *_range(draw, w, scope, product=True)))


def _prod_pow(draw, w, limits):
    s, scope = _s(), [v for v, _, _ in limits]
    var = s.index_symbol(draw, len(scope))
    exponent = s.pick(draw, [2, -1, 3, sp.Rational(1, 2), sp.Rational(-1, 3), w.a, w.b, sp.I, w.c, *scope])
    if draw(st.integers(0, 2)):
        base = s.pick(draw, [s.factor, s.positive_factor])(draw, w, [*scope, var])
    else:  # negative factors: ∏ (−q_k)^{1/2} ≠ (∏ −q_k)^{1/2} once two of them meet
        base = s.pick(draw, [-w.q[var], w.y - 1, sp.Integer(-2), w.q[var] - 2])
    return sp.Product(base**exponent, (var, *_range(draw, w, scope, product=True)))


def _prod_const(draw, w, limits):
    s, scope = _s(), [v for v, _, _ in limits]
    var = s.index_symbol(draw, len(scope))
    backwards = [(3, 1), (w.N, 1), (2, w.K), (w.K, w.N), *((1, o) for o in scope)]
    lo, hi = s.pick(draw, [_range(draw, w, scope, product=True), s.pick(draw, backwards)])
    return sp.Product(s.factor(draw, w, scope), (var, lo, hi))


def _exp_sum(draw, w, limits):
    """∏ exp(f) (what exp_sum rewrites), over ranges that may run backwards, or exp(Σ f) (which it must leave)."""
    s, scope = _s(), [v for v, _, _ in limits]
    var = s.index_symbol(draw, len(scope))
    body = s.term(draw, w, [*scope, var])
    if draw(st.integers(0, 3)):
        return sp.Product(sp.exp(body), (var, *_range(draw, w, scope, product=True)))
    return sp.exp(sp.Sum(body, (var, *_range(draw, w, scope))))


def _abs(shape: str):
    """|·| of a product, quotient, power, finite product, or of one factor (whose sign may be known): the rule's
    own shape two times in three, else any of them."""

    def build(draw, w, limits):
        s, scope = _s(), [v for v, _, _ in limits]
        one, two = s.factor(draw, w, scope), s.factor(draw, w, scope)
        exponent = s.pick(draw, [2, -1, 3, sp.Rational(1, 2), w.a, w.t, sp.I, 2 + sp.I])
        var = s.index_symbol(draw, len(scope))
        product = sp.Product(s.factor(draw, w, [*scope, var]), (var, *_range(draw, w, scope, product=True)))
        shapes = {
            "mul": one * two,
            "div": one * sp.Pow(two, s.pick(draw, [-1, -2]), evaluate=False),
            "pow": sp.Pow(one, exponent, evaluate=False),
            "prod": product,
            "sign": s.pick(draw, [one, one - 1, -one, 1 - w.y, w.y - 1, w.q[1] - 2, -w.q[w.c] * w.y]),
        }
        inner = shapes[shape] if draw(st.integers(0, 2)) else s.pick(draw, list(shapes.values()))
        return sp.Abs(inner, evaluate=False)

    return build


def _sum_comm_rect(draw, w, limits):
    """Σ over two (or three) indices whose ranges are independent, or not (a triangle must stay)."""
    s, scope = _s(), [v for v, _, _ in limits]
    o1, o2 = s.index_symbol(draw, len(scope)), s.index_symbol(draw, len(scope) + 1)
    inner = [*scope, o1, o2]
    # bodies that do not separate (each factor involves both indices), so that the order matters, and now and then
    # one that does (mul_sum's then, which sum_comm must leave alone)
    entangled = [w.p[o2, o1], o1 * o2 + 1, w.q[o1] * o2 + w.z[o2], (o1 - 2 * o2) ** 2, w.f[o1] * w.f[o2] + o1]
    body = s.pick(draw, entangled) * s.pick(draw, [1, 1, o1 + o2, s.factor(draw, w, inner)])
    first = s.pick(draw, [_range(draw, w, scope), (sp.Integer(1), o2), (o2, w.N)])
    return sp.Sum(body, (o1, *first), (o2, *_range(draw, w, scope)))


def _prod_comm(draw, w, limits):
    """The bodies of _sum_comm_rect under a Product, over ranges that are never empty."""
    s, scope = _s(), [v for v, _, _ in limits]
    o1, o2 = s.index_symbol(draw, len(scope)), s.index_symbol(draw, len(scope) + 1)
    body = s.pick(draw, [w.p[o2, o1], o1 * o2 + 1, w.q[o1] * o2 + w.z[o2], (o1 - 2 * o2) ** 2, o1 + 2 * o2])
    first = s.pick(draw, [_range(draw, w, scope, product=True), (sp.Integer(1), o2)])
    limits = [(o1, *first), (o2, *_range(draw, w, scope, product=True))]
    if o2 not in sp.Tuple(*first).free_symbols and draw(st.booleans()):
        limits.reverse()  # either order of two independent ranges, one of them not the canonical one
    return sp.Product(body, *limits)


def _sum_comm_triangle(draw, w, limits):
    s, scope = _s(), [v for v, _, _ in limits]
    j, i = s.index_symbol(draw, len(scope)), s.index_symbol(draw, len(scope) + 1)
    lo, hi = s.pick(draw, [(1, w.N), (0, w.K), (2, w.K), (3, 1), (w.N, 2), (1, w.K - 1)])
    d = s.pick(draw, [0, 1, 0, 1, 2, -1])
    body = s.pick(draw, [i - 2 * j, w.q[i] * w.z[j], w.p[i, j], i**2 * j + 1, w.f[j] * i])
    if draw(st.booleans()):  # Σ_j c_j Σ_{i=j+d} f: the shape mul_sum leaves
        return sp.Sum(s.pick(draw, [j, w.z[j], 2]) * sp.Sum(body, (i, j + d, hi)), (j, lo, hi))
    return sp.Sum(body, (i, j + d, s.pick(draw, [hi, hi, hi + 1])), (j, lo, hi))


def _add_pow(draw, w, limits):
    s, scope = _s(), [v for v, _, _ in limits]
    var = s.index_symbol(draw, len(scope))
    inner = [*scope, var]
    base = s.factor(draw, w, inner) + s.pick(draw, [var, w.z[var], w.q[var], s.factor(draw, w, inner)])
    power = base ** s.pick(draw, [2, 3, 4, 5, -2, sp.Rational(1, 2)])
    return sp.Sum(power * s.pick(draw, [1, s.factor(draw, w, inner)]), (var, *_range(draw, w, scope)))


def _prod_expand(draw, w, limits):
    s, scope = _s(), [v for v, _, _ in limits]
    var = s.index_symbol(draw, len(scope))
    lo, hi = s.pick(draw, [(-2, 1), (0, 3), (1, 1), (1, 20), (2, 4), (w.N, w.N + 2), *((o, o + 1) for o in scope)])
    return sp.Product(s.factor(draw, w, [*scope, var]), (var, lo, hi))


def cases(embedded) -> dict:
    """The strategies by rule name, built with strategies.embedded."""
    shapes = {"abs_mul": "mul", "abs_div": "div", "abs_pow": "pow", "abs_prod": "prod"}
    shapes |= {"abs_of_pos": "sign", "abs_of_neg": "sign"}
    return {
        "prod_mul_distrib": embedded(_prod_mul_distrib, depth=(0, 1), around=False),
        "prod_pow": embedded(_prod_pow, depth=(0, 1)),
        "prod_const": embedded(_prod_const, depth=(0, 1)),
        "exp_sum": embedded(_exp_sum, depth=(0, 1), around=False),
        "prod_comm": embedded(_prod_comm, depth=(0, 1)),
        **{name: embedded(_abs(shape), depth=(0, 1)) for name, shape in shapes.items()},
        "sum_comm_triangle": embedded(_sum_comm_triangle, depth=(0, 1)),
        "add_pow": embedded(_add_pow, depth=(0, 1)),
        "prod_expand": embedded(_prod_expand, depth=(0, 1)),
        "sum_comm_rect": embedded(_sum_comm_rect, depth=(0, 1)),
    }
