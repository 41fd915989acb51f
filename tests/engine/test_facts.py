"""Side conditions from the declarations (derive.engine.facts)."""

from __future__ import annotations

import pytest
import sympy as sp

from derive.core.context import Context
from derive.engine.facts import Env, nonneg, positive


def test_a_sum_of_terms_positive_with_no_assumption_is_positive():
    # () is a proof that needs no assumption; it must not be read as "not shown" (1 + e^z, 2 + pi)
    z = sp.Symbol("z", real=True)
    env = Env(Context())
    assert positive(1 + sp.exp(z), env) == ()
    assert positive(2 + sp.pi, env) is not None
    assert positive(sp.exp(sp.Symbol("w")) + 1, env) is None  # e^w for a complex w is not positive


# -- nonnegative families and bounds (ctx.nonnegative, lower=/upper=) --------------------------------------------
m, a = sp.Symbol("m", real=True), sp.Symbol("a", positive=True)


def bounded():
    ctx = Context()
    K = ctx.size("K")
    fams = {
        "w": ctx.nonnegative("w", (1, K)),
        "z": ctx.real("z", (1, K), upper=m),
        "y": ctx.real("y", (1, K), lower=a),
        "q": ctx.positive("q", (1, K), below_one=True, upper=2),
        "p": ctx.positive("p", (1, K), sums_to_one=True),
        "x": ctx.real("x", (1, K)),
    }
    return ctx, K, ctx.value("i", (1, K)), fams


def test_env_bounds_gives_the_declared_bounds_and_the_familys_own_where_tighter():
    ctx, K, i, f = bounded()
    env = Env(ctx)
    assert env.bounds(f["w"][i]) == (0, None)
    assert env.bounds(f["z"][i]) == (None, m)
    assert env.bounds(f["y"][i]) == (a, None)
    assert env.bounds(f["q"][i]) == (0, 1)  # below one is tighter than the declared 2
    assert env.bounds(f["p"][i]) == (0, 1)  # an entry of a distribution
    assert env.bounds(f["x"][i]) == (None, None)
    assert env.bounds(f["z"][K + 1]) == (None, None)  # not a declared member
    assert env.bounds(m) == (None, None)
    assert list(env.inside([(sp.Symbol("k", integer=True), 1, K)]).bounds) == [(sp.Symbol("k", integer=True), 1, K)]


def test_a_nonnegative_member_is_at_least_zero_but_not_positive():
    ctx, K, i, f = bounded()
    env = Env(ctx)
    assert nonneg(f["w"][i], env) == ("w_i ≥ 0",)
    assert positive(f["w"][i], env) is None
    assert positive(f["w"][i] + 1, env) is not None
    assert nonneg(f["w"][i] * f["x"][i] ** 2, env) is not None
    assert nonneg(f["x"][i], env) is None  # a real family says nothing of the sign
    assert nonneg(f["w"][K + 1], env) is None  # w_{K+1} is not declared


def test_a_lower_bound_shown_positive_makes_the_members_positive():
    ctx, K, i, f = bounded()
    env = Env(ctx)
    assert positive(f["y"][i], env) == ("a > 0", "a ≤ y_i")
    assert positive(sp.log(f["y"][i]) + 0, env) is None  # log y is real, not positive
    low = Context()
    n = low.size("n")
    v = low.real("v", (1, n), lower=m)
    assert nonneg(v[1], Env(low)) is None  # m may be negative


def test_the_simplest_linear_forms_of_a_bound_are_signed():
    ctx, K, i, f = bounded()
    env = Env(ctx)
    z, y = f["z"][i], f["y"][i]
    assert nonneg(m - z, env) == ("z_i ≤ m",)
    assert nonneg(3 * m - 3 * z, env) is not None
    assert positive(m - z, env) is None  # z_i = m is allowed
    assert positive(m - z + 1, env) is not None
    assert nonneg(y - a, env) is not None
    assert nonneg(z - m, env) is None  # the wrong side of the bound
    assert nonneg(m - 2 * z, env) is None  # not c·(m − z_i) + something nonnegative
    assert nonneg(m - f["x"][i], env) is None


def test_why_not_proved_names_the_missing_bound_and_nonnegativity():
    from derive.engine.missing import declaration, granted

    ctx = Context()
    K = ctx.size("K")
    z, w = ctx.real("z", (1, K)), ctx.real("w", (1, K))
    i = ctx.value("i", (1, K))
    misses: list = []
    assert nonneg(m - z[i], Env(ctx, misses=misses)) is None
    upper = [x for x in misses if x.kind == "upper"]
    assert upper and declaration(upper[0]) == 'declare z with ctx.real("z", (1, K), upper=m)'
    new, mapping = granted((upper[0],), ctx)
    assert nonneg((m - z[i]).xreplace(mapping), Env(new)) is not None
    misses.clear()
    assert nonneg(w[i], Env(ctx, misses=misses)) is None
    wanted = [x for x in misses if x.kind == "nonnegative"]
    assert wanted and 'ctx.nonnegative("w", (1, K))' in declaration(wanted[0])
    new, mapping = granted((wanted[0],), ctx)
    assert nonneg(w[i].xreplace(mapping), Env(new)) is not None


@pytest.mark.parametrize("f", [sp.sign, sp.sinh, sp.tanh, sp.atan, sp.asinh, sp.erf, sp.sin, sp.atanh])
def test_a_hidden_zero_is_not_positive_whatever_sympy_says(f):
    """Review finding: SymPy calls f(log 8 − 3 log 2) positive from a low-precision evalf, for a number that is 0;
    the facts certify a number's sign from digits stable at two precisions, far from 0."""
    hidden = sp.log(8) - 3 * sp.log(2)
    env = Env(Context())
    assert positive(f(-hidden), env) is None
    assert nonneg(-f(-hidden), env) is None
    if f is not sp.sign:  # a jump: evalf certifies digits, not the side of the jump (never certified)
        assert positive(f(sp.log(8) - 2 * sp.log(2)), env) is not None  # f(log 2) > 0 is certified


def test_a_sum_index_named_like_a_declared_value_ranges_over_the_sum_not_the_value():
    from derive.engine.facts import in_range

    ctx = Context()
    M = ctx.size("M", minimum=2)
    j = ctx.value("j", (1, M - 1))
    assert in_range(j, 1, M - 1, Env(ctx)) is not None  # the value itself
    # inside Σ_{j=1}^{2M} the name j is the sum's index, which reaches 2M > M − 1 (a δ contraction on it was unsound)
    assert in_range(j, 1, M - 1, Env(ctx, ((j, sp.Integer(1), 2 * M),))) is None
