"""Fuzz: random bounds built from the named inequalities (log t ≤ t − 1, 1 + t ≤ eᵗ, the triangle inequality,
two-term AM–GM, x² + y² ≥ 2xy) at random arguments, and perturbed false ones. Whatever the prover proves must hold
at every sampled point inside the declarations, evaluated with mpmath at 30 digits: a false claim is never
proved. True claims built directly from a lemma must be proved (the prover reaches its own lemmas)."""

from __future__ import annotations

import random

import mpmath
import sympy as sp
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from derive import Context
from derive.engine.inequalities import prove_inequality

x = sp.Symbol("x", positive=True)
y = sp.Symbol("y", real=True)
CTX = Context()

POSITIVE = [x, x + 1, x**2 + 1, sp.exp(y), 2 * x, x / (x + 1), sp.exp(y) + x, 1 / x, x * sp.exp(-y)]
REAL = [y, x, -y, y**3, 2 * y - x, sp.log(x), y * x, sp.sin(y), x - y]
SHIFTS = [sp.Integer(0), sp.Rational(1, 10), sp.Integer(-1), sp.Rational(-1, 100), sp.Integer(1)]


@st.composite
def claims(draw):
    """``(lhs, rhs, strict, built)``: ``lhs ≤ rhs`` from a lemma at random arguments, with the right side
    shifted (a negative shift makes it false somewhere, usually) and sometimes the sides swapped; ``built`` says
    whether it is the lemma's own instance (true)."""
    kind = draw(st.sampled_from(["log", "exp", "abs", "amgm", "sq"]))
    p, q = draw(st.sampled_from(POSITIVE)), draw(st.sampled_from(POSITIVE))
    r, s = draw(st.sampled_from(REAL)), draw(st.sampled_from(REAL))
    if kind == "log":  # sometimes at an argument that may be negative: log t ≤ t − 1 needs t > 0
        p = draw(st.sampled_from(POSITIVE + [y, x - 1]))
        lhs, rhs = sp.log(p), p - 1
    elif kind == "exp":
        lhs, rhs = 1 + r, sp.exp(r)
    elif kind == "abs":
        lhs, rhs = sp.Abs(r + s), sp.Abs(r) + sp.Abs(s)
    elif kind == "amgm":
        lhs, rhs = sp.sqrt(p) * sp.sqrt(q), (p + q) / 2
    else:
        lhs, rhs = 2 * r * s, r**2 + s**2
    shift = draw(st.sampled_from(SHIFTS))
    swap = draw(st.booleans())
    strict = draw(st.booleans())
    rhs = rhs + shift
    if swap:
        lhs, rhs = rhs, lhs
    pairs = sum(isinstance(f, sp.Pow) for f in sp.Mul.make_args(lhs)) == 2  # √(eʸ) is e^(y/2): no longer a pair
    whole = p in POSITIVE if kind == "log" else pairs if kind == "amgm" else True
    return lhs, rhs, strict, whole and shift == 0 and not swap and not strict


def _violated(lhs: sp.Expr, rhs: sp.Expr, strict: bool, seed: int) -> str | None:
    """A point (x > 0, y real) where ``lhs ≤ rhs`` (``<``) fails by more than rounding, at 30 digits."""
    f = sp.lambdify((x, y), rhs - lhs, modules="mpmath")
    rng = random.Random(seed)
    points = [(mpmath.mpf(a), mpmath.mpf(b)) for a in ("0.001", "0.5", "1", "3") for b in ("-2", "0", "0.5", "4")]
    points += [(mpmath.mpf(rng.uniform(1e-3, 20)), mpmath.mpf(rng.uniform(-10, 10))) for _ in range(30)]
    with mpmath.workdps(30):
        for a, b in points:
            gap = f(a, b)
            if mpmath.im(gap) != 0 and abs(mpmath.im(gap)) > mpmath.mpf(10) ** -20:
                return f"not real at x={a}, y={b}"
            value = mpmath.re(gap)
            if value < -(mpmath.mpf(10) ** -20):  # strictness at a sampled point cannot be told from rounding
                return f"fails at x={a}, y={b}: rhs - lhs = {value}"
    return None


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(claims(), st.integers(0, 10**6))
def test_a_claim_the_prover_proves_holds_everywhere_it_was_sampled(claim, seed):
    lhs, rhs, strict, built = claim
    trace, _ = prove_inequality(lhs, rhs, strict, CTX)
    if trace is not None:
        assert _violated(lhs, rhs, strict, seed) is None, (lhs, rhs, strict, [e.rule for e in trace])
    elif built:
        raise AssertionError(f"the lemma's own instance {lhs} ≤ {rhs} was not proved")
