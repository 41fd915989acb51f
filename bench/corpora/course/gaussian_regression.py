"""Lecture 3: linear regression as maximum likelihood.

Model: y_i = f_i + noise, the noise Gaussian with mean 0 and a fixed variance sigma^2. The negative
log-likelihood of the data is, up to a constant, the sum of squared errors: maximising the likelihood is least
squares. Then the gradient of the squared error for a one-parameter model f_i = w x_i.
"""

from sympy import Derivative, Product, Sum, Symbol, exp, log, pi, sqrt

from derive import Context, Derivation

ctx = Context()
n = ctx.size("n")
y = ctx.real("y", index=(1, n))  # targets
f = ctx.real("f", index=(1, n))  # model predictions
sigma = Symbol("sigma", positive=True)
i = Symbol("i", integer=True)

density = 1 / sqrt(2 * pi * sigma**2) * exp(-((y[i] - f[i]) ** 2) / (2 * sigma**2))

nll = Derivation("Gaussian NLL is least squares", ctx, start=-log(Product(density, (i, 1, n))), name="gaussian-nll")
nll.step(-Sum(log(density), (i, 1, n)), "log of a product = sum of logs (every density is positive)")
nll.step(
    -Sum(-log(2 * pi * sigma**2) / 2 - (y[i] - f[i]) ** 2 / (2 * sigma**2), (i, 1, n)),
    "log(1/sqrt(a)) = -log(a)/2 and log(exp(u)) = u",
)
nll.step(
    n / 2 * log(2 * pi * sigma**2) + Sum((y[i] - f[i]) ** 2, (i, 1, n)) / (2 * sigma**2),
    "pull the constant out of the sum",
)

# gradient of the squared error for f_i = w x_i
ctx2 = Context()
n = ctx2.size("n")
x = ctx2.real("x", index=(1, n))
y = ctx2.real("y", index=(1, n))
w = Symbol("w", real=True)
sse = Sum((y[i] - w * x[i]) ** 2, (i, 1, n))

grad = Derivation("Gradient of the squared error", ctx2, start=Derivative(sse, w), name="sse-gradient")
grad.step(Sum(-2 * x[i] * (y[i] - w * x[i]), (i, 1, n)), "chain rule, term by term")
grad.step(-2 * Sum(x[i] * y[i], (i, 1, n)) + 2 * w * Sum(x[i] ** 2, (i, 1, n)), "expand and split the sum")
