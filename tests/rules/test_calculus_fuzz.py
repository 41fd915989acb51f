"""Fuzz of differentiation: random derivative claims of an ML course (tests/rules/strategies_calculus.py), true
ones and slipped ones, each labelled here by finite differences in mpmath, never by the engine.

A claim that holds at every point tried must be proved (``partial_range``, whose truth hangs on the range of the
sum, at least never refuted); one that fails somewhere must be refuted with a counterexample; and no verdict may be
an engine inconsistency (a proof the guard caught). The switch tests break the range check of delta summation, or
the derivative itself, and assert that the same fuzz then fails: the proof that it can.
"""

from __future__ import annotations

import random
import zlib

import mpmath
import sympy as sp
from hypothesis import HealthCheck, Phase, event, given, note, settings

from derive.checks.steps import verify_claim
from derive.core.evidence import Evidence
from tests.rules.strategies_calculus import Claim, _unary, claims, compose, right_claims, sigma, world, wrong_versions

W = world()
SIZES = {W.K: sp.Integer(3), W.N: sp.Integer(2), W.D: sp.Integer(2)}
POINTS = 4  # i runs through 1..K over them, so that a claim false at one index only is caught
DIGITS = 30
AGREE, DIFFER = mpmath.mpf(10) ** -12, mpmath.mpf(10) ** -6  # between the two: too close to call

# Each example runs the whole checker (a second or more): no explain phase, which would rerun it hundreds of times.
FUZZ = settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
    phases=(Phase.explicit, Phase.reuse, Phase.generate, Phase.shrink),
)


def _expand(e: sp.Expr) -> sp.Expr:
    """Sums with number bounds written out, the sigmoid put in: a plain expression in family members."""
    e = e.replace(sigma, lambda arg: 1 / (1 + sp.exp(-arg)))
    while e.has(sp.Sum):
        e = e.replace(
            lambda s: isinstance(s, sp.Sum) and not s.function.has(sp.Sum),
            lambda s: sp.Add(*(s.function.xreplace({s.variables[0]: sp.Integer(n)}) for n in _range(s.limits[0]))),
        )
    return e


def _range(limit) -> range:
    _, lo, hi = limit
    return range(int(lo), int(hi) + 1)


def _point(rng: random.Random, n: int) -> dict:
    """Sizes, indices and a random rational for every member and scalar; the index i is 1, 2, 3, 1, …"""
    values: dict = {**SIZES, W.i: sp.Integer(1 + n % 3), W.m: sp.Integer(rng.randint(1, 3))}
    values[W.k] = sp.Integer(rng.randint(1, 2))
    draw = lambda: sp.Rational(rng.randint(-12, 12), 8)  # noqa: E731
    values |= {W.z[j]: draw() for j in range(1, 4)} | {W.w[d]: draw() for d in range(1, 3)}
    values |= {W.X[m, d]: draw() for m in range(1, 3) for d in range(1, 3)} | {W.t[m]: draw() for m in range(1, 3)}
    return values | {W.a: draw(), W.b: draw(), W.x: draw()}


def _at(e: sp.Expr, point: dict) -> sp.Expr:
    return _expand(e.xreplace(_integers(point)))


def _integers(point: dict) -> dict:
    """The sizes' and indices' values of ``point``."""
    return {s: v for s, v in point.items() if isinstance(s, sp.Symbol) and s.is_integer}


def truth(claim: Claim, seed: int) -> bool | None:
    """Whether ``claim`` holds at POINTS random points, by mpmath: the left side's derivative by finite
    differences, the right side by evaluation. None when a difference is too small to call."""
    rng = random.Random(seed)
    with mpmath.workdps(DIGITS):
        for n in range(POINTS):
            point = _point(rng, n)
            ((var, count),) = claim.lhs.variable_count
            assert count == 1
            var = var.xreplace(_integers(point))
            t = sp.Symbol("t_")
            body = _at(claim.lhs.expr, point).xreplace({var: t}).xreplace(point)
            left = mpmath.diff(sp.lambdify(t, body, "mpmath"), mpmath.mpf(point[var].p) / point[var].q)
            right = sp.N(_at(claim.rhs, point).xreplace(point).doit(), DIGITS)
            gap = abs(left - mpmath.mpf(sp.re(right)))
            if gap > DIFFER * (1 + abs(left)):
                return False
            if gap > AGREE * (1 + abs(left)):
                return None
    return True


def check(claim: Claim, fuzzing: bool = True) -> None:
    """The fuzz's assertion for one claim (``fuzzing``: inside a Hypothesis test, which keeps notes)."""
    label = truth(claim, seed=zlib.crc32(sp.srepr(claim.lhs).encode()) % 1000)  # hash() varies per process
    if fuzzing:
        note(f"{claim.kind}: {claim.lhs} = {claim.rhs} (true by mpmath: {label})")
        event(f"{claim.kind} {label}")
    result = verify_claim(claim.lhs, claim.rhs, W.ctx)
    if fuzzing:
        note(f"verdict {result.evidence}: {result.detail}")
    assert not result.inconsistent, result.detail
    if label is True:
        assert result.evidence != Evidence.REFUTED
        if claim.kind != "partial_range":
            assert result.evidence == Evidence.PROVED, result.why_not
    elif label is False:
        assert result.evidence not in (Evidence.PROVED, Evidence.PROVED_FOR_SIZES, Evidence.NUMERIC)
        # The sampler reads free_symbols, which leave out the i of ∂/∂z_i: a slip that drops every other z_i
        # (∂/∂z_i Σ exp z_j = 0) gets no value for i and stays undecided (asked of the sampler's owner).
        seen = claim.lhs.free_symbols | claim.rhs.free_symbols
        if not {s for v in claim.lhs.variables for s in v.free_symbols} - seen:
            assert result.evidence == Evidence.REFUTED


@FUZZ
@given(claims(W))
def test_derivative_claims(claim: Claim) -> None:
    check(claim)


# -- the fuzz can fail -------------------------------------------------------------------------------------------
def _fixed_claims() -> list[Claim]:
    """Every form with fixed shapes (g = exp(v/2)·…, h = v²) and its slips: what the switch tests run the fuzz's
    assertion on (a Hypothesis run that must fail spends minutes shrinking)."""
    g = compose(_unary("exp", sp.Rational(1, 2)), _unary("scale", sp.Rational(1, 2)))
    h = _unary("square", sp.Integer(1))
    right = right_claims(W, g, h, _unary("softplus", sp.Integer(1)))
    return right + [slip for c in right for slip in wrong_versions(W, c)]


def _fails_somewhere() -> bool:
    for claim in _fixed_claims():
        try:
            check(claim, fuzzing=False)
        except AssertionError:
            return True
    return False


def test_the_fixed_claims_pass() -> None:
    assert not _fails_somewhere()


def test_fuzz_fails_when_delta_summation_ignores_its_range(monkeypatch) -> None:
    """With the range side condition of sum_kronecker_delta switched off, Σ_{j=2}^{K} δ_ij g'(z_j) becomes g'(z_i)
    at i = 1 too: the partial_range claim is then proved (and the guard calls it an inconsistency)."""
    import derive.engine.rules.sums as sums

    monkeypatch.setattr(sums, "in_range", lambda value, lo, hi, env: ())
    assert _fails_somewhere()


def test_fuzz_fails_when_the_derivative_is_wrong() -> None:
    """A diff rule that returns twice the derivative proves what is false, and the fuzz says so."""
    from derive.engine.rules.base import Rewrite
    from derive.engine.rules.calculus import diff

    right = diff.apply

    def doubled(e, env):
        out = right(e, env)
        return None if out is None else Rewrite(2 * out.result, out.assumptions)

    object.__setattr__(diff, "apply", doubled)  # a frozen Rule: switched for this test only
    try:
        assert _fails_somewhere()
    finally:
        object.__setattr__(diff, "apply", right)
