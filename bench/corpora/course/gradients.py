"""Lecture 7: gradients of the losses of this course, component by component.

The softmax Jacobian, the gradient of least squares and of logistic regression in the weights w_k (sums over the
examples n and the features d inside one another), the Hessian of log-sum-exp, and the derivatives of the Gaussian
log-likelihood in its mean and its standard deviation. Every step was checked to be true by evaluating both sides
at random points inside the declarations with mpmath (30 digits; derivatives by finite differences),
independently of derive's engine: /tmp/calc/check_gradients.py.
"""

from sympy import Derivative, Function, KroneckerDelta, Sum, Symbol, exp, log, pi, sqrt

from derive import Context, Derivation

ctx = Context()
K = ctx.size("K")  # classes
N = ctx.size("N")  # examples
D = ctx.size("D")  # features
z = ctx.real("z", index=(1, K))  # logits
x = ctx.real("x", index=[(1, N), (1, D)])  # inputs
t = ctx.real("t", index=(1, N))  # regression targets
y = ctx.data("y", (1, N), values=(0, 1))  # class labels
w = ctx.real("w", index=(1, D))  # weights
i = ctx.value("i", (1, K))
j = ctx.value("j", (1, K))
k = ctx.value("k", (1, D))  # the weight we differentiate by
n = Symbol("n", integer=True)
d = Symbol("d", integer=True)
m = Symbol("m", integer=True)

p = ctx.positive("p", index=(1, K))
ctx.define(p[i], exp(z[i]) / Sum(exp(z[m]), (m, 1, K)), "softmax")
lse = Function("lse")
ctx.define(lse(z), log(Sum(exp(z[m]), (m, 1, K))), "log-sum-exp")
a = Symbol("a", real=True)
sigma = Function("sigma")
ctx.define(sigma(a), 1 / (1 + exp(-a)), "sigmoid")

Z = Sum(exp(z[m]), (m, 1, K))

jac = Derivation("The softmax Jacobian", ctx, start=Derivative(p[i], z[j]), name="softmax-jacobian")
jac.step(KroneckerDelta(i, j) * exp(z[i]) / Z - exp(z[i]) * exp(z[j]) / Z**2, "quotient rule")
jac.step(p[i] * (KroneckerDelta(i, j) - p[j]), "in terms of the probabilities")

pred = Sum(w[d] * x[n, d], (d, 1, D))  # the prediction for example n
lsq = Derivation(
    "Least squares: the gradient",
    ctx,
    start=Derivative(Sum((t[n] - pred) ** 2, (n, 1, N)), w[k]),
    name="least-squares-gradient",
)
lsq.step(Sum(2 * (t[n] - pred) * (-x[n, k]), (n, 1, N)), "chain rule, term by term")
lsq.step(-2 * Sum(x[n, k] * (t[n] - pred), (n, 1, N)), "take out -2")

nll = -Sum(y[n] * log(sigma(pred)) + (1 - y[n]) * log(1 - sigma(pred)), (n, 1, N))
logreg = Derivation("Logistic regression: the gradient", ctx, start=Derivative(nll, w[k]), name="logistic-gradient")
logreg.step(
    -Sum(y[n] * (1 - sigma(pred)) * x[n, k] - (1 - y[n]) * sigma(pred) * x[n, k], (n, 1, N)),
    "sigma' = sigma (1 - sigma), chain rule",
)
logreg.step(Sum((sigma(pred) - y[n]) * x[n, k], (n, 1, N)), "collect: prediction minus label, times the input")

hess = Derivation("The Hessian of log-sum-exp", ctx, start=Derivative(lse(z), z[i], z[j]), name="lse-hessian")
hess.step(Derivative(exp(z[i]) / Z, z[j]), "the gradient is the softmax")
hess.step(p[i] * KroneckerDelta(i, j) - p[i] * p[j], "the softmax Jacobian")

mu = Symbol("mu", real=True)
s = Symbol("s", positive=True)  # the standard deviation
q = ctx.real("q", index=(1, N))  # observations
loglik = Sum(-log(sqrt(2 * pi) * s) - (q[n] - mu) ** 2 / (2 * s**2), (n, 1, N))
gm = Derivation("Gaussian log-likelihood: the mean", ctx, start=Derivative(loglik, mu), name="gaussian-mean")
gm.step(Sum(q[n] - mu, (n, 1, N)) / s**2, "differentiate term by term")
gs = Derivation("Gaussian log-likelihood: the spread", ctx, start=Derivative(loglik, s), name="gaussian-spread")
gs.step(Sum(-1 / s + (q[n] - mu) ** 2 / s**3, (n, 1, N)), "differentiate term by term")
gs.step(-N / s + Sum((q[n] - mu) ** 2, (n, 1, N)) / s**3, "sum the constant")
