r"""The softmax is unchanged when the same constant is added to every logit.

The softmax turns logits :math:`z_1, \ldots, z_K` into probabilities
:math:`\sigma(z)_j = e^{z_j} / \sum_k e^{z_k}`. Adding one number :math:`c` to every logit multiplies every
exponential by the same factor :math:`e^c`, which cancels between the numerator and the denominator. So only the
differences between logits matter, and an implementation may subtract the largest logit first, so that no
exponential overflows: that is what the shipped softmax function does.
"""

from sympy import IndexedBase, Mul, Pow, Sum, Symbol, exp

from derive import Context, Derivation
from derive.notation import softmax_of

ctx = Context()
K = ctx.size("K")  # the number of classes
z = ctx.real("z", index=(1, K))  # the logits
c = Symbol("c", real=True)  # the constant added to every logit
w = IndexedBase("w", real=True)  # the shifted logits
i, k = Symbol("i", integer=True), Symbol("k", integer=True)
ctx.define(w[i], z[i] + c, text=r"w_i = z_i + c")
sigma_z, sigma_w = softmax_of(z), softmax_of(w)
ctx.define(
    sigma_z(i),
    exp(z[i]) / Sum(exp(z[k]), (k, 1, K)),
    text=r"\sigma(z)_i = \frac{e^{z_i}}{\sum_{k=1}^{K} e^{z_k}}",
    name="softmax",
)
ctx.define(
    sigma_w(i),
    exp(w[i]) / Sum(exp(w[k]), (k, 1, K)),
    text=r"\sigma(w)_i = \frac{e^{w_i}}{\sum_{k=1}^{K} e^{w_k}}",
    name="softmax_shifted",
)

j = ctx.value("j", (1, K))  # any one of the outputs
shift = Derivation("Softmax is invariant to shifting every logit", ctx, start=sigma_w(j), name="softmax-shift")
shift.step(
    exp(z[j] + c) / Sum(exp(z[k] + c), (k, 1, K)),
    "the definition of the softmax, with w_i = z_i + c",
    name="definition",
)
shift.step(
    Mul(exp(c), exp(z[j]), evaluate=False) / Sum(Mul(exp(c), exp(z[k]), evaluate=False), (k, 1, K)),
    "e^{a + b} = e^a e^b",
    by="exp_add",
    name="split-the-exponentials",
)
shift.step(
    Mul(
        Mul(exp(c), exp(z[j]), evaluate=False),
        Pow(Mul(exp(c), Sum(exp(z[k]), (k, 1, K)), evaluate=False), -1, evaluate=False),
        evaluate=False,
    ),
    "e^c does not depend on k: take it out of the sum",
    by="mul_sum",
    name="factor-out",
)
shift.step(
    exp(z[j]) / Sum(exp(z[k]), (k, 1, K)),
    "cancel e^c, which is positive",
    name="cancel",
    prose="Why may an implementation subtract the largest logit first? Subtracting it is adding the constant "
    ":math:`c = -\\max_k z_k`, and the common factor :math:`e^c` cancels.",
)
shift.step(sigma_z(j), "the definition of the softmax", name="softmax-of-z")
shift.closing = (
    "So :math:`\\sigma(z + c) = \\sigma(z)` for every real :math:`c`: with :math:`c = -\\max_k z_k` every exponent "
    "is at most 0 and no exponential overflows, which is how the shipped softmax and log_sum_exp compute."
)
