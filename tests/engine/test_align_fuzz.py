"""Fuzz of alignment and induction: random sums over a size, split, shifted, reflected or given a closed form,
with true and wrong variants. A claim whose sides differ at some size (evaluated here by plain Python loops, the
textbook reading: a range whose upper end is below its lower end is empty) must never be ``proved``; a true one of
the classes alignment and induction are for must be."""

from __future__ import annotations

import sympy as sp
from hypothesis import HealthCheck, given, note, settings
from hypothesis import strategies as st

from derive.checks.steps import verify_claim
from derive.core.context import Context
from derive.core.evidence import Evidence

k = sp.Symbol("k", integer=True)
FUZZ = settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
SIZES = range(1, 7)


def _context():
    ctx = Context()
    n = ctx.size("N")
    a = ctx.real("a", index=(-4, n + 6))
    return ctx, n, a


CTX, N, A = _context()
X = sp.Symbol("x", real=True)
BODIES = [k**2, k * (k + 1), A[k], A[k + 1] - A[k], X**k, 1 / (k + 5), sp.exp(k) * A[k]]
VALUES = {A[i]: sp.Rational((7 * i) % 11 - 5, 3) for i in range(-4, 20)} | {X: sp.Rational(3, 2)}


def total(body, lo, hi, n: int):
    """Σ_{k=lo}^{hi} body at N = n, textbook reading: empty when hi < lo."""
    lo, hi = int(lo.subs(N, n)), int(hi.subs(N, n))
    return sum((body.subs(k, v).subs(N, n).xreplace(VALUES) for v in range(lo, hi + 1)), sp.Integer(0))


def value(expr, n: int):
    expr = expr.subs(N, n)
    expr = expr.replace(lambda e: isinstance(e, sp.Sum), lambda s: total(s.function, *s.limits[0][1:], n))
    return sp.nsimplify(expr.xreplace(VALUES).doit())


def true_everywhere(lhs, rhs) -> bool:
    return all(sp.simplify(value(lhs, n) - value(rhs, n)) == 0 for n in SIZES)


@st.composite
def split_claims(draw):
    """Σ_{lo}^{N+c} f = (first p terms) + Σ_{lo+p}^{N+c-q} f + (last q terms), maybe shifted or reflected, maybe
    with one term wrong."""
    body = draw(st.sampled_from(BODIES))
    lo = sp.Integer(draw(st.integers(0, 2)))
    hi = N + draw(st.integers(0, 2))
    p, q = draw(st.integers(0, 2)), draw(st.integers(0, 2))
    lhs = sp.Sum(body, (k, lo, hi))
    first = [body.subs(k, lo + t) for t in range(p)]
    last = [body.subs(k, hi - t) for t in range(q)]
    middle = sp.Sum(body, (k, lo + p, hi - q))
    form = draw(st.sampled_from(["plain", "shift", "reflect"]))
    if form == "shift":
        s = draw(st.integers(-2, 2))
        middle = sp.Sum(body.subs(k, k + s), (k, lo + p - s, hi - q - s))
    elif form == "reflect":
        c = lo + p + hi - q
        middle = sp.Sum(body.subs(k, c - k), (k, lo + p, hi - q))
    rhs = sp.Add(*first, middle, *last)
    wrong = draw(st.sampled_from(["", "drop", "off-by-one"]))
    if wrong == "drop" and (first or last):
        rhs = rhs - (first or last)[0]
    elif wrong == "off-by-one":
        rhs = rhs.subs(hi, hi + 1) if draw(st.booleans()) else rhs + body.subs(k, lo - 1)
    return lhs, rhs


@FUZZ
@given(split_claims())
def test_alignment_never_proves_a_wrong_split_and_proves_a_right_one(claim):
    lhs, rhs = claim
    # a right split is proved when no range of it runs backwards at the smallest size
    forwards = all(sp.expand(s.limits[0][2] - s.limits[0][1] + 1).subs(N, 1) >= 0 for s in rhs.atoms(sp.Sum))
    judge(lhs, rhs, must_prove=forwards)


def judge(lhs, rhs, must_prove: bool) -> None:
    """A false claim is never proved; a true one is when ``must_prove``."""
    truth = true_everywhere(lhs, rhs)
    result = verify_claim(lhs, rhs, CTX)
    note(f"{lhs} = {rhs}: true={truth}, {result.evidence} {[e.rule for e in result.trace]}")
    if not truth:
        assert result.evidence is not Evidence.PROVED
    elif must_prove:
        assert result.evidence is Evidence.PROVED


@st.composite
def closed_forms(draw):
    """Σ_{k=lo}^{N+c} of a polynomial of degree ≤ 3, against its closed form or a wrong one."""
    coeffs = [sp.Integer(draw(st.integers(-3, 3))) for _ in range(4)]
    body = sum((c * k**d for d, c in enumerate(coeffs)), sp.Integer(0))
    lo, c = sp.Integer(draw(st.integers(0, 2))), draw(st.integers(-1, 1))
    m = sp.Symbol("m", integer=True)
    closed = sp.summation(body, (k, lo, m)).subs(m, N + c)  # a candidate (SymPy's summation), judged below
    wrong = draw(st.sampled_from(["", "constant", "coefficient"]))
    if wrong == "constant":
        closed += 1
    elif wrong == "coefficient":
        closed += N
    return sp.Sum(body, (k, lo, N + c)), sp.expand(closed)


@FUZZ
@given(closed_forms())
def test_induction_never_proves_a_wrong_closed_form_and_proves_a_right_one(claim):
    judge(*claim, must_prove=True)
