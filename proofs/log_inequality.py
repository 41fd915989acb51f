r"""The logarithm lies below its tangent at 1: log x ≤ x − 1 for every x > 0.

This one inequality carries most of information theory: Gibbs' inequality (the KL divergence is never negative),
the maximum-likelihood estimate of a categorical distribution and the ELBO bound all follow from it. The proof
takes the exponential inequality :math:`1 + t \le e^{t}` (the exponential lies above its tangent at 0, because
it is convex) and puts :math:`t = \log x`, which is allowed for every :math:`x > 0`. Equality holds exactly at
:math:`x = 1`, where both sides are 0; for every other :math:`x` the inequality is strict, because
:math:`1 + t < e^{t}` for :math:`t \ne 0`.
"""

from __future__ import annotations

from sympy import Add, Integer, Symbol, exp, log

from derive import Context, Derivation

ctx = Context()
x = Symbol("x", positive=True)  # any positive real: the only assumption the inequality needs

log_le = Derivation("log x ≤ x − 1", ctx, start=log(x), name="log-le-sub-one")
log_le.example(
    {x: 1},
    Integer(0),
    "log 1 = 0",
    name="at-one",
    prose="At :math:`x = 1` the logarithm is 0, and so is :math:`x - 1`: the two sides touch there.",
)
log_le.step(
    Add(1, log(x), -1, evaluate=False),
    "adding and subtracting 1 changes nothing",
    name="add-and-subtract-one",
    prose="Why may we put :math:`t = \\log x`? For every :math:`x > 0` it is a real number, and the exponential "
    "inequality holds at every real :math:`t`; adding and subtracting 1 brings in the form 1 + t.",
)
log_le.step(
    Add(exp(log(x), evaluate=False), -1, evaluate=False),
    "1 + t ≤ e^t for every real t (the exponential lies above its tangent at 0), with t = log x",
    by="add_one_le_exp",
    relation="<=",
    name="exp-above-tangent",
)
log_le.step(x - 1, "the exponential undoes the logarithm: e^{log x} = x for x > 0", name="exp-log")
log_le.example(
    {x: 1},
    Integer(0),
    "at x = 1 the bound is 0 as well: equality",
    name="equality-at-one",
)
log_le.closing = (
    "So log x ≤ x − 1 for every x > 0, with equality at x = 1 (both sides 0). The bound is the tangent line of "
    "the concave logarithm at x = 1: the graph of log lies below each of its tangents."
)
