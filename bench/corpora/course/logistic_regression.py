"""Lecture 4: logistic regression.

p(y = 1 | x) = sigma(z) with z = w x + b and sigma(z) = 1/(1 + exp(-z)). The loss of one example with label y is the
binary cross-entropy; written in z it is log(1 + exp(-z)) + (1 - y) z, and its derivative in z is sigma(z) - y.
"""

from sympy import Derivative, Sum, Symbol, exp, log

from derive import Context, Derivation

ctx = Context()
y = ctx.probability("y")  # the label (a soft label in (0, 1) works the same way)
z = Symbol("z", real=True)
s = 1 / (1 + exp(-z))

loss = -(y * log(s) + (1 - y) * log(1 - s))

d = Derivation("Logistic loss in terms of z", ctx, start=loss, name="logistic-loss")
d.step(
    -(y * (-log(1 + exp(-z))) + (1 - y) * log(exp(-z) / (1 + exp(-z)))),
    "log sigma(z) = -log(1 + e^{-z}) and 1 - sigma(z) = e^{-z}/(1 + e^{-z})",
)
d.step(
    y * log(1 + exp(-z)) + (1 - y) * (z + log(1 + exp(-z))),
    "log(e^{-z}/(1 + e^{-z})) = -z - log(1 + e^{-z})",
)
d.step(log(1 + exp(-z)) + (1 - y) * z, "collect the log terms")

g = Derivation(
    "Derivative of the logistic loss", ctx, start=Derivative(log(1 + exp(-z)) + (1 - y) * z, z), name="logistic-grad"
)
g.step(-exp(-z) / (1 + exp(-z)) + 1 - y, "chain rule")
g.step(1 / (1 + exp(-z)) - y, "1 - e^{-z}/(1 + e^{-z}) = 1/(1 + e^{-z})")

# the same for n examples, with w the weight
ctx2 = Context()
n = ctx2.size("n")
x = ctx2.real("x", index=(1, n))
yy = ctx2.data("y", index=(1, n), values=(0, 1))
w = Symbol("w", real=True)
i = Symbol("i", integer=True)
L = Sum(log(1 + exp(-w * x[i])) + (1 - yy[i]) * w * x[i], (i, 1, n))
batch = Derivation(
    "Gradient of the logistic loss over a data set", ctx2, start=Derivative(L, w), name="logistic-batch-grad"
)
batch.step(
    Sum(x[i] * (1 / (1 + exp(-w * x[i])) - yy[i]), (i, 1, n)), "differentiate each term: x_i (sigma(w x_i) - y_i)"
)
