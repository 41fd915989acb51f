r"""Entropy as expected code length, in bits; and why the order of the two distributions matters.

Three outcomes with probabilities :math:`\tfrac12, \tfrac14, \tfrac14` get the codes 0, 10 and 11 (seed 003):
one yes/no question settles the first outcome, two settle the others.
"""

from sympy import Add, Mul, Rational, Sum, Symbol, log

from derive import Context, Derivation
from derive.notation import CrossEntropy, Entropy, quantity

half, quarter = Rational(1, 2), Rational(1, 4)


def expectation(*terms):
    """Σ probability · value, kept as written: SymPy would otherwise add the numbers up to 3/2 on the spot."""
    return Add(*(Mul(probability, value, evaluate=False) for probability, value in terms), evaluate=False)


def log2(x):
    return log(x, 2, evaluate=False)  # log₂ x as written, not evaluated to a number


codes = Context()
mean_length = quantity("mean_length", r"\bar{\ell}")
lengths = expectation((half, 1), (quarter, 2), (quarter, 2))
codes.define(
    mean_length, lengths, text=r"\bar{\ell} = \sum_{\text{outcomes}} \text{probability} \times \text{code length}"
)

code = Derivation(
    "The expected code length is the entropy in bits", codes, start=mean_length, name="expected-code-length"
)
code.step(lengths, "the codes 0, 10 and 11 have lengths 1, 2 and 2", name="code-lengths")
code.step(Rational(3, 2), "one bit half of the time, two bits the other half", name="three-halves")
code.step(
    Mul(-1, expectation((half, log2(half)), (quarter, log2(quarter)), (quarter, log2(quarter))), evaluate=False),
    "each code length is log₂ of one over the outcome's probability: 1 = log₂ 2, 2 = log₂ 4",
    by="log_rational",
    name="entropy-in-bits",
)

ctx = Context()
K = ctx.size("K")
p = ctx.positive("p", index=(1, K), sums_to_one=True)
q = ctx.positive("q", index=(1, K), sums_to_one=True)
k = Symbol("k", integer=True)
ctx.define(Entropy(p), -Sum(p[k] * log(p[k]), (k, 1, K)), text=r"H(p) = -\sum_{k=1}^{K} p_k \log p_k")
ctx.define(CrossEntropy(p, q), -Sum(p[k] * log(q[k]), (k, 1, K)), text=r"H(p, q) = -\sum_{k=1}^{K} p_k \log q_k")

bits = Derivation(
    "Bits are nats divided by ln 2", ctx, start=-Sum(p[k] * log(p[k], 2), (k, 1, K)), name="bits-and-nats"
)
bits.step(
    -Sum(p[k] * log(p[k]), (k, 1, K)) / log(2),
    "change of base: log₂ x = ln x / ln 2, and 1/ln 2 comes out of the sum",
    by="mul_sum",
    name="change-of-base",
)
bits.step(Entropy(p) / log(2), "the entropy in nats", name="entropy-over-ln-2")

order = Derivation("The cross-entropy is not symmetric", ctx, start=CrossEntropy(p, q), name="cross-entropy-order")
order.step(
    CrossEntropy(q, p),
    "swapping the two distributions changes the value in general",
    relation="≠",
    witness={K: 2, p[1]: half, p[2]: half, q[1]: quarter, q[2]: 3 * quarter},
    name="not-symmetric",
    prose="Why does the order of the two distributions matter? Because the cross-entropy is not symmetric: with "
    "p = (1/2, 1/2) and q = (1/4, 3/4) the two orders give different values. The one inside the logarithm is "
    "the one the code was designed for (the model); the weights are the true frequencies.",
)
