"""The cache key covers everything a verdict reads: a change to any of it gives the answer ``--no-cache`` gives,
never the old one. Each test checks, changes one thing, and checks again with the same cache folder."""

from __future__ import annotations

import sympy as sp

from derive import Context, Derivation, Evidence
from derive.cache import Cache, step_key
from derive.checker import Options, check_derivations


def run(derivation, cache):
    (report,) = check_derivations([(derivation, "")], Options(), cache=cache)
    return report.results


def evidence(results):
    return [r.evidence for r in results]


def test_a_context_declared_again_after_a_check_is_checked_again(tmp_path):
    ctx = Context()
    K = ctx.size("K")
    q = ctx.positive("q", index=(1, K), sums_to_one=True)
    k = sp.Symbol("k", integer=True)
    d = Derivation("normalised", ctx, start=sp.Sum(q[k], (k, 1, K)))
    d.step(sp.Integer(1), "q is a distribution")
    cache = Cache(tmp_path)
    assert evidence(run(d, cache)) == [Evidence.PROVED]
    assert run(d, cache)[0].cached

    ctx.positive("q", index=(1, K))  # a notebook cell run again: q is now any positive family
    again = run(d, cache)
    assert not again[0].cached
    assert evidence(again) == evidence(run(d, None)) == [Evidence.REFUTED]


def make_rate(positive: bool) -> type:
    """A class ``Rate`` whose positivity (what log_mul needs) comes from a method, as in derive.notation."""
    if positive:

        class Rate(sp.Function):
            nargs = 1

            def _eval_is_positive(self):
                return True

    else:

        class Rate(sp.Function):
            nargs = 1

            def _eval_is_positive(self):
                return None

    return Rate


def _log_of_product(rate: type) -> Derivation:
    a, b = sp.Symbol("a", positive=True), sp.Symbol("b", positive=True)
    d = Derivation("rates", Context(), start=sp.log(rate(a) * rate(b)))
    d.step(sp.log(rate(a)) + sp.log(rate(b)), "the log of a product of positive rates", by="log_mul")
    return d


def test_a_function_class_whose_method_changed_is_checked_again(tmp_path):
    cache = Cache(tmp_path)
    assert evidence(run(_log_of_product(make_rate(positive=True)), cache)) == [Evidence.PROVED]
    # the class made again (a notebook cell, an edited module) with the same name, printed form and assumptions
    d = _log_of_product(make_rate(positive=False))
    again = run(d, cache)
    assert not again[0].cached
    assert evidence(again) == evidence(run(d, None))
    assert again[0].evidence is not Evidence.PROVED


def test_the_key_follows_a_method_replaced_on_the_class_and_a_class_made_with_type(monkeypatch):
    rate = make_rate(positive=True)
    d = _log_of_product(rate)
    before = step_key(d.context, d.steps[0], 0)
    monkeypatch.setattr(rate, "_eval_is_positive", lambda self: None)
    assert step_key(d.context, d.steps[0], 0) != before

    def made(tex: str) -> Derivation:
        quantity = type("ell", (sp.Function,), {"nargs": 0, "tex": tex, "_eval_is_positive": lambda self: True})
        return _log_of_product(lambda arg: quantity() * arg)

    first, second = made(r"\ell"), made(r"\bar{\ell}")
    assert step_key(first.context, first.steps[0], 0) != step_key(second.context, second.steps[0], 0)
