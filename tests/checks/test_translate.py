"""derive.checks.code.translate: a reference function's syntax tree as one SymPy expression with symbolic sizes.

What is translated (and to what), what is refused (with the construct and its line), and an independent check of
the translator: the translation, evaluated at concrete sizes and random inputs, agrees with the function run on
floats. The functions under test are at module level because the translator reads their source.
"""

from __future__ import annotations

import inspect
import math
import random
import re
from math import log as natural_log

import pytest
import sympy as sp
from hypothesis import given, settings
from hypothesis import strategies as st
from sympy import Sum, Symbol, exp, log

from derive import Context
from derive.checks.code.translate import Untranslatable, translate
from derive.losses import (
    average_nll,
    bernoulli_kl,
    bernoulli_log_likelihood,
    cross_entropy,
    gaussian_kl,
    gaussian_nll,
    kl_divergence,
    log_sum_exp,
    one_hot_nll,
    sigmoid,
    softmax,
    softmax_cross_entropy,
    softmax_cross_entropy_gradient,
)


def _plain(e: sp.Expr) -> sp.Expr:
    """``e`` with its Dummies as plain symbols of the same name, to compare with an expected expression."""
    return e.xreplace({d: Symbol(d.name, **d.assumptions0) for d in e.atoms(sp.Dummy)})


def _families():
    ctx = Context()
    K, N = ctx.size("K"), ctx.size("N")
    p = ctx.positive("p", index=(1, K), sums_to_one=True)
    q = ctx.positive("q", index=(1, K), sums_to_one=True)
    z = ctx.real("z", index=(1, K))
    x = ctx.data("x", index=(1, N), values=(1, K))
    c = ctx.value("c", values=(1, K))
    return ctx, K, N, p, q, z, x, c


# -- what is translated -----------------------------------------------------------------------------------------
def test_a_generator_sum_over_range_len_becomes_a_sum_over_the_familys_own_range():
    ctx, K, N, p, q, z, x, c = _families()
    i = Symbol("i", integer=True)
    assert _plain(translate(cross_entropy, (p, q), ctx)) == -Sum(p[i] * log(q[i]), (i, 1, K))


def test_a_datum_used_as_an_index_reads_the_family_at_that_datum():
    ctx, K, N, p, q, z, x, c = _families()
    n = Symbol("n", integer=True)
    assert _plain(translate(average_nll, (q, x), ctx)) == -Sum(log(q[x[n]]), (n, 1, N)) / N


def test_a_value_counted_from_zero_reads_the_member_it_names():
    ctx, K, N, p, q, z, x, c = _families()
    assert translate(one_hot_nll, (q, c), ctx) == -log(q[c])


def test_max_becomes_a_fresh_real_symbol_with_no_other_assumption():
    ctx, K, N, p, q, z, x, c = _families()
    got = translate(softmax, (z, c), ctx)
    (m,) = got.atoms(sp.Dummy) - {s for s in got.atoms(sp.Dummy) if s.is_integer}
    assert m.name == "max_z" and m.is_real and m.is_positive is None and m.is_integer is None
    k = Symbol("k", integer=True)
    assert _plain(got) == exp(z[c] - Symbol("max_z", real=True)) / Sum(
        exp(z[k] - Symbol("max_z", real=True)), (k, 1, K)
    )


def helper_term(a, b):
    return a * natural_log(a / b)


def kl_with_helper_and_zip(p, q):
    total = 0
    total += sum(helper_term(a, b) for a, b in zip(p, q))
    return total


def kl_with_enumerate_and_comprehension(p, q):
    ratios = [p[i] / q[i] for i in range(len(p))]
    return math.fsum(a * math.log(ratios[i]) for i, a in enumerate(p))


def product_then_log(q, x):
    return -math.log(math.prod(q[x[n]] for n in range(len(x)))) / len(x)


@pytest.mark.parametrize("function", [kl_with_helper_and_zip, kl_with_enumerate_and_comprehension])
def test_zip_enumerate_comprehensions_assignments_and_calls_of_the_module_translate_to_the_same_sum(function):
    ctx, K, N, p, q, z, x, c = _families()
    i = Symbol("i", integer=True)
    got = _plain(translate(function, (p, q), ctx))
    assert got == Sum(p[i] * log(p[i] / q[i]), (i, 1, K))
    assert _values(got, {K: 3}, {p: [0.2, 0.3, 0.5], q: [0.5, 0.25, 0.25]}, ctx) == pytest.approx(
        kl_divergence([0.2, 0.3, 0.5], [0.5, 0.25, 0.25])
    )


def test_math_prod_becomes_a_product():
    ctx, K, N, p, q, z, x, c = _families()
    n = Symbol("n", integer=True)
    assert _plain(translate(product_then_log, (q, x), ctx)) == -log(sp.Product(q[x[n]], (n, 1, N))) / N


# -- what is refused, and why -----------------------------------------------------------------------------------
def clipped(p, q):
    if p[0] > 0.5:
        return 0.0
    return cross_entropy(p, q)


def looped(p, q):
    total = 0.0
    for i in range(len(p)):
        total -= p[i] * math.log(q[i])
    return total


def wraps_round(p, q):  # q[i - 1] at i = 0 is q[-1], the last member, in Python
    return -sum(p[i] * math.log(q[i - 1]) for i in range(len(p)))


def one_past_the_end(p, q):
    return -sum(p[i] * math.log(q[i + 1]) for i in range(len(p)))


def floor_divides(p, q):
    return sum(p[i] // q[i] for i in range(len(p)))


def sorts(p, q):
    return sum(sorted(p))


def recursive(p, q):
    return recursive(p, q)


def backwards(p, q):
    return sum(p[i] for i in range(len(p) - 3))


def zips_unequal(p, x):
    return sum(a * b for a, b in zip(p, x))


@pytest.mark.parametrize(
    ("function", "reason"),
    [
        (clipped, "`if` at line {1} of clipped"),
        (looped, "`for` at line {2} of looped"),
        (wraps_round, "the index of `q[i - 1]`, not shown to be in range for every size"),
        (one_past_the_end, "the index of `q[i + 1]`, not shown to be in range for every size"),
        (floor_divides, "`//` at line {1} of floor_divides"),
        (sorts, "the call `sorted`"),
        (recursive, "recursive calls itself"),
        (backwards, "a range that may run backwards"),
    ],
    ids=lambda v: getattr(v, "__name__", ""),
)
def test_code_outside_the_subset_is_refused_with_the_construct_and_its_line(function, reason):
    ctx, K, N, p, q, z, x, c = _families()
    with pytest.raises(Untranslatable) as info:
        translate(function, (p, q), ctx)
    first = inspect.getsourcelines(function)[1]  # {n}: the n-th line after the def
    assert re.sub(r"\{(\d)\}", lambda m: str(first + int(m.group(1))), reason) in str(info.value)


def test_zip_of_lists_of_different_sizes_is_refused():
    ctx, K, N, p, q, z, x, c = _families()
    with pytest.raises(Untranslatable, match="zip` of lists not shown to have the same length"):
        translate(zips_unequal, (p, x), ctx)


# -- the translator checked against the code, independently of the prover -------------------------------------
def _values(expr: sp.Expr, sizes: dict, lists: dict, ctx: Context, extremes: dict | None = None) -> float:
    """``expr`` at concrete sizes and list values (element n of the code's list is the family's member at its first
    index + n); a fresh ``max_z`` symbol takes the value given in ``extremes``."""
    e = _plain(expr).xreplace(sizes).doit()
    values = {}
    for base, vector in lists.items():
        first = ctx.families[base].index[0]
        values.update({base[first + n]: sp.Float(v, 30) for n, v in enumerate(vector)})
    for name, v in (extremes or {}).items():
        values[Symbol(name, real=True)] = sp.Float(v, 30)
    return float(e.xreplace(values).evalf(30))


_CTX = _families()
_TRANSLATED: dict = {}


def _translated(function, args) -> sp.Expr:
    """The translation of ``function`` on the families of ``_CTX``, made once (the examples only evaluate it)."""
    if function not in _TRANSLATED:
        _TRANSLATED[function] = translate(function, args, _CTX[0])
    return _TRANSLATED[function]


_distribution = st.integers(1, 5).flatmap(
    lambda k: st.lists(st.floats(0.05, 1.0), min_size=k, max_size=k).map(lambda v: [a / sum(v) for a in v])
)


@settings(max_examples=20, deadline=None)
@given(_distribution, st.data())
def test_the_translation_agrees_with_the_code_on_floats_at_random_inputs_and_sizes(p, data):
    ctx, K, N, p_, q_, z_, x_, c_ = _CTX
    k = len(p)
    q = data.draw(st.lists(st.floats(0.05, 1.0), min_size=k, max_size=k).map(lambda v: [a / sum(v) for a in v]))
    z = data.draw(st.lists(st.floats(-30, 30), min_size=k, max_size=k))
    xs = data.draw(st.lists(st.integers(0, k - 1), min_size=1, max_size=4))
    c = data.draw(st.integers(0, k - 1))
    at = {K: k, N: len(xs)}
    cases = [
        (cross_entropy, (p_, q_), (p, q), {p_: p, q_: q}),
        (kl_divergence, (p_, q_), (p, q), {p_: p, q_: q}),
        (log_sum_exp, (z_,), (z,), {z_: z}),
        (softmax_cross_entropy, (z_, q_), (z, q), {z_: z, q_: q}),
        # a value as an index: the code receives c counted from 0, the formula reads c + 1
        (softmax, (z_, c_), (z, c), {z_: z}),
        (softmax_cross_entropy_gradient, (z_, q_, c_), (z, q, c), {z_: z, q_: q}),
    ]
    for function, args, floats, lists in cases:
        expr = _translated(function, args).xreplace({c_: c + 1})
        got = _values(expr, at, lists, ctx, extremes={"max_z": max(z)})
        assert got == pytest.approx(function(*floats), rel=1e-9, abs=1e-12), function.__name__
    # a datum as an index: the code receives x_n − 1, the formula reads q at x_n
    nll = _translated(average_nll, (q_, x_)).xreplace(at).doit()
    nll = nll.xreplace({x_[n + 1]: v + 1 for n, v in enumerate(xs)}).xreplace({q_[n + 1]: v for n, v in enumerate(q)})
    assert float(nll) == pytest.approx(average_nll(q, xs), rel=1e-9)


@pytest.mark.parametrize("seed", range(5))
def test_scalar_and_labelled_losses_translate_to_what_they_compute(seed):
    rng = random.Random(seed)
    ctx = Context()
    n = ctx.size("n")
    y = ctx.data("y", index=(1, n), values=(0, 1))
    yhat = ctx.positive("yhat", index=(1, n), below_one=True)
    f = ctx.real("f", index=(1, n))
    sigma, mu1, mu2 = Symbol("sigma", positive=True), Symbol("mu1", real=True), Symbol("mu2", real=True)
    s1, s2 = Symbol("s1", positive=True), Symbol("s2", positive=True)
    a, b = ctx.probability("a"), ctx.probability("b")
    size = rng.randint(1, 4)
    labels = [rng.randint(0, 1) for _ in range(size)]
    probs = [rng.uniform(0.05, 0.95) for _ in range(size)]
    reals = [rng.uniform(-3, 3) for _ in range(size)]
    point = {sigma: 0.7, mu1: 0.3, mu2: -1.1, s1: 1.3, s2: 0.4, a: 0.2, b: 0.65}
    e = translate(bernoulli_log_likelihood, (y, yhat), ctx).xreplace({n: size}).doit()
    e = e.xreplace({y[k + 1]: v for k, v in enumerate(labels)}).xreplace({yhat[k + 1]: v for k, v in enumerate(probs)})
    assert float(e) == pytest.approx(bernoulli_log_likelihood(labels, probs), rel=1e-9)
    e = translate(gaussian_nll, (f, f, sigma), ctx).xreplace({n: size}).doit()
    assert float(e.xreplace({f[k + 1]: v for k, v in enumerate(reals)}).xreplace(point)) == pytest.approx(
        gaussian_nll(reals, reals, 0.7), rel=1e-9
    )
    assert float(translate(gaussian_kl, (mu1, s1, mu2, s2), ctx).xreplace(point)) == pytest.approx(
        gaussian_kl(0.3, 1.3, -1.1, 0.4), rel=1e-9
    )
    assert float(translate(bernoulli_kl, (a, b), ctx).xreplace(point)) == pytest.approx(bernoulli_kl(0.2, 0.65))
    t = rng.uniform(-20, 20)
    assert float(translate(sigmoid, (mu1,), ctx).xreplace({mu1: t})) == pytest.approx(sigmoid(t), rel=1e-9)
