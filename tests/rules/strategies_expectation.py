"""Hypothesis builders for the expectation rules (derive.engine.rules.expectation), in the style of
tests/rules/strategies.py: each pool mixes what a rule may rewrite with what it must refuse. Standard deviations
of every sign (a symbol declared negative, real or complex, a real family member z_k, a probability y), weights
that are not a distribution or not nonnegative, ranges other than the declared one, bodies that are no polynomial
(e^{x}, whose expectation the table does not give, 1/x, which has none), exponents e^{Ax² + Bx + C} with A of
either sign."""

from __future__ import annotations

import sympy as sp
from hypothesis import strategies as st

from derive.core.expectation import FiniteExpectation, GaussianExpectation, normal_pdf

X = sp.Symbol("x", real=True)  # the variable of the Gaussian expectations and integrals
i = sp.Symbol("i", integer=True)


def _s():
    from tests.rules import strategies  # imported late, as strategies_big does

    return strategies


def coefficient(draw, w, scope) -> sp.Expr:
    """A number or a declared scalar, free of x."""
    s = _s()
    return s.pick(draw, [sp.Integer(1), sp.Integer(-3), sp.Rational(1, 2), w.a, w.y, w.z[1], *scope])


def polynomial(draw, w, scope, degree: int = 4) -> sp.Expr:
    """A random polynomial in x, written expanded, as a power of a sum, or as a product of sums."""
    shape = draw(st.integers(0, 2))
    if shape == 0:
        n = draw(st.integers(0, degree))
        return sp.Add(*(coefficient(draw, w, scope) * X**k for k in range(n + 1)))
    if shape == 1:
        return (X - coefficient(draw, w, scope)) ** draw(st.integers(1, degree))
    return (X + coefficient(draw, w, scope)) * (coefficient(draw, w, scope) * X + 1)


def body(draw, w, scope) -> sp.Expr:
    """Mostly a polynomial in x; now and then one the table must leave (e^{x}, x·e^{x}, 1/(1 + x²))."""
    if draw(st.integers(0, 4)):
        return polynomial(draw, w, scope)
    return _s().pick(draw, [sp.exp(X), X * sp.exp(X), 1 / (1 + X**2), sp.Abs(X)])


def mean(draw, w, scope) -> sp.Expr:
    return _s().pick(draw, [sp.Integer(0), sp.Integer(2), sp.Rational(-1, 2), w.a, w.z[1], w.y, *scope])


def std(draw, w, scope) -> sp.Expr:
    """σ: positive by the declarations most of the time; else of unknown or negative sign, or complex."""
    s = _s()
    if draw(st.integers(0, 2)):
        return s.pick(draw, [sp.Integer(1), sp.Integer(2), w.y, sp.Rational(1, 3), w.q[1], 1 + w.y])
    return s.pick(draw, [w.a, w.b, w.z[1], sp.Integer(-2), -w.y, sp.I])


def _gaussian(kind: str):
    def build(draw, w, limits):
        scope = _s()._vars(limits)
        mu, sigma = mean(draw, w, scope), std(draw, w, scope)
        if kind == "mean":
            b = _s().pick(draw, [X, X + 1, 2 * X])
        elif kind == "second":
            b = _s().pick(draw, [X**2, X**2 + X, X**3])
        elif kind == "variance":
            b = _s().pick(draw, [(X - mu) ** 2, (mu - X) ** 2, (X - mu - 1) ** 2, (X - mu) ** 3])
        elif kind == "moment":
            b = X ** draw(st.integers(1, 7))
        elif kind == "const":
            b = coefficient(draw, w, scope)
        elif kind == "smul":
            b = _s().pick(draw, [w.a, sp.Integer(3), w.y, w.z[1]]) * body(draw, w, scope)
        else:
            b = body(draw, w, scope)
        return GaussianExpectation(b, X, mu, sigma)

    return build


def _finite(kind: str):
    def build(draw, w, limits):
        s = _s()
        scope = s._vars(limits)
        lo, hi = s.pick(draw, [(1, w.K), (1, w.K), (1, w.K), (0, w.K), (1, w.K - 1), (2, w.K)])
        weight = s.pick(draw, [w.q[i], w.q[i], w.z[i], w.q[i] / 2, w.p[i, 1], w.q[i] ** 2])
        if kind == "const":
            b = coefficient(draw, w, scope)
        elif kind == "smul":
            b = s.pick(draw, [w.a, sp.Integer(3), w.y]) * s.factor(draw, w, [*scope, i]) * s.pick(draw, [i, w.q[i]])
        else:
            b = s.factor(draw, w, [*scope, i]) * s.pick(draw, [1, i, w.a]) + s.factor(draw, w, [*scope, i])
        return FiniteExpectation(b, weight, (i, lo, hi))

    return build


def exponent(draw, w, scope) -> sp.Expr:
    """A quadratic exponent in x whose leading coefficient is negative by the declarations, mostly."""
    s = _s()
    A = s.pick(draw, [sp.Rational(-1, 2), -w.y, -1 / (2 * w.q[1] ** 2), sp.Integer(-3), w.a, w.z[1], sp.Integer(1)])
    B = s.pick(draw, [sp.Integer(0), sp.Integer(1), w.a, w.z[1], sp.I])
    C = s.pick(draw, [sp.Integer(0), sp.Integer(2), w.a, w.y])
    return A * X**2 + B * X + C


def _integral(kind: str):
    def build(draw, w, limits):
        s = _s()
        scope = s._vars(limits)
        if kind == "density":
            mu, sigma = mean(draw, w, scope), std(draw, w, scope)
            integrand = coefficient(draw, w, scope) * normal_pdf(X, mu, sigma)
        elif kind == "sum":  # terms that converge half the time at least (a density), so that the rule fires
            integrand = sp.Add(
                *(
                    polynomial(draw, w, scope, 3)
                    * (
                        normal_pdf(X, mean(draw, w, scope), std(draw, w, scope))
                        if draw(st.booleans())
                        else sp.exp(exponent(draw, w, scope))
                    )
                    for _ in range(draw(st.integers(2, 3)))
                )
            )
            return sp.Integral(integrand, (X, -sp.oo, sp.oo))
        else:
            integrand = polynomial(draw, w, scope, 3) * sp.exp(exponent(draw, w, scope))
            if draw(st.booleans()):
                integrand = body(draw, w, scope) * normal_pdf(X, mean(draw, w, scope), std(draw, w, scope))
        return sp.Integral(integrand, (X, *s.pick(draw, [(-sp.oo, sp.oo), (-sp.oo, sp.oo), (0, sp.oo)])))

    return build


def cases(embedded) -> dict:
    """The strategies by rule name, built with strategies.embedded."""
    small = {"depth": (0, 1)}
    return {
        "expectation_add": st.one_of(embedded(_gaussian("any"), **small), embedded(_finite("any"), **small)),
        "expectation_smul": st.one_of(embedded(_gaussian("smul"), **small), embedded(_finite("smul"), **small)),
        "expectation_const": st.one_of(embedded(_gaussian("const"), **small), embedded(_finite("const"), **small)),
        "expectation_finite": embedded(_finite("any"), **small),
        "gaussian_mean": embedded(_gaussian("mean"), **small),
        "gaussian_second_moment": embedded(_gaussian("second"), **small),
        "gaussian_variance": embedded(_gaussian("variance"), **small),
        "gaussian_moment": embedded(_gaussian("moment"), **small),
        "gaussian_integral": embedded(_integral("density"), **small),
        "integral_gaussian": embedded(_integral("one"), **small),
        "integral_add": embedded(_integral("sum"), **small),
    }
