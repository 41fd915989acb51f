r"""The derivative of the sigmoid is σ(1 − σ).

The logistic sigmoid :math:`\sigma(z) = 1/(1 + e^{-z})` maps a real score to a probability; it is the output of
logistic regression and the gate of an LSTM. Its derivative, needed by every gradient through it, is written in
the sigmoid itself: :math:`\sigma'(z) = \sigma(z)\,(1 - \sigma(z))`. So backpropagation reuses the value computed
on the forward pass, and the slope is largest, ¼, at :math:`z = 0`, where :math:`\sigma = \tfrac12`. A second
derivation gives the form :math:`\tfrac12(1 + \tanh(z/2))` in which the shipped code computes σ without overflow.
"""

from sympy import Derivative, Function, Mul, S, Symbol, exp, tanh

from derive import Context, Derivation
from derive.losses import sigmoid

ctx = Context()
z = Symbol("z", real=True)  # the score: any real number
a = Symbol("a", real=True)
sigma = Function("sigma")
ctx.define(sigma(a), 1 / (1 + exp(-a)), text=r"\sigma(a) = \frac{1}{1 + e^{-a}}", name="sigmoid")

derivative = Derivation("The derivative of the sigmoid", ctx, start=Derivative(sigma(z), z), name="sigmoid-derivative")
derivative.step(
    exp(-z) / (1 + exp(-z)) ** 2,
    "the chain rule: the derivative of 1/u is −u′/u², and u′ = −e^{−z} for u = 1 + e^{−z}",
    name="chain-rule",
)
derivative.step(
    1 / (1 + exp(-z)) * (exp(-z) / (1 + exp(-z))),
    "split the square in the denominator",
    name="split-the-square",
)
derivative.step(
    1 / (1 + exp(-z)) * (1 - 1 / (1 + exp(-z))),
    "e^{−z}/(1 + e^{−z}) = ((1 + e^{−z}) − 1)/(1 + e^{−z}) = 1 − 1/(1 + e^{−z})",
    name="one-minus",
    budget=15,  # the independent guard evaluates e^{−z} at many points: about 2.5 s on an idle core
)
derivative.step(
    sigma(z) * (1 - sigma(z)),
    "the definition of the sigmoid, twice",
    name="sigma-one-minus-sigma",
    prose="Why write the derivative with σ itself? Backpropagation has σ(z) from the forward pass, so the slope "
    "costs one multiplication; and since σ(1 − σ) ≤ ¼, a gradient through a sigmoid shrinks at least fourfold.",
)

tanh_form = Derivation(
    "The sigmoid in the overflow-free form the code computes", ctx, start=sigma(z), name="sigmoid-tanh"
)
tanh_form.step(1 / (1 + exp(-z)), "the definition of the sigmoid", name="definition")
tanh_form.step(
    exp(z / 2) / (exp(z / 2) + exp(-z / 2)),
    "multiply the numerator and the denominator by e^{z/2}",
    name="symmetric",
    budget=15,  # the independent guard evaluates e^{±z/2} at many points: about 3 s on an idle core
    prose="Why not compute :math:`1/(1 + e^{-z})` as it stands? In floating point, :math:`e^{-z}` overflows "
    "for :math:`z` below about −709, although "
    ":math:`\\sigma(z)` is then just a tiny positive number. Writing σ with the half-angle exponentials "
    "leads to a form that never overflows.",
)
tanh_form.step(
    Mul(S.Half, 1 + (exp(z / 2) - exp(-z / 2)) / (exp(z / 2) + exp(-z / 2)), evaluate=False),
    "write the numerator e^{z/2} as half the denominator plus half of e^{z/2} − e^{−z/2}",
    name="half-plus",
    budget=15,  # the independent guard evaluates e^{±z/2} at many points: about 3 s on an idle core
)
tanh_form.step(
    Mul(S.Half, 1 + tanh(z / 2), evaluate=False),
    "the definition of the hyperbolic tangent, tanh u = (e^u − e^{−u})/(e^u + e^{−u})",
    by="tanh_eq",
    name="tanh",
    budget=15,  # the independent guard evaluates e^{±z/2} at many points: about 3 s on an idle core
)
tanh_form.closing = (
    "tanh saturates at ±1 instead of overflowing, so (1 + tanh(z/2))/2 is σ(z) for every floating-point z, with "
    "no branch on the sign of z: the shipped function computes this line."
)
tanh_form.reference(sigmoid, args=(z,))
