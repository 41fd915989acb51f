"""Lecture 8: the inequalities behind the losses.

Entropy is at most log K (Jensen for the concave log), cross-entropy is at least entropy (Gibbs), a softmax
probability is at most one, the softplus dominates its argument, the log of a probability is at most zero, the mean
squared error is at least the squared bias (Jensen for the square), and the classical bounds a lecturer quotes on
the way: exp(-x) >= 1 - x, the triangle inequality for residuals, Cauchy-Schwarz for correlations, AM-GM for two
rates.
"""

from sympy import Abs, S, Sum, Symbol, exp, log, sqrt

from derive import Context, Derivation

ctx = Context()
K = ctx.size("K")
p = ctx.positive("p", index=(1, K), sums_to_one=True)
q = ctx.positive("q", index=(1, K), sums_to_one=True)
z = ctx.real("z", index=(1, K))
j = ctx.value("j", (1, K))
i = Symbol("i", integer=True)
k = Symbol("k", integer=True)

entropy = Derivation("Entropy is at most log K", ctx, start=-Sum(p[i] * log(p[i]), (i, 1, K)), name="entropy-max")
entropy.step(Sum(p[i] * log(1 / p[i]), (i, 1, K)), "-log p = log(1/p)")
entropy.step(log(Sum(p[i] * (1 / p[i]), (i, 1, K))), "Jensen: log is concave and p sums to one", relation="<=")
entropy.step(log(K), "each term p_i/p_i is 1")

cross = Derivation(
    "Cross-entropy is at least entropy", ctx, start=-Sum(p[i] * log(q[i]), (i, 1, K)), name="cross-entropy-ge"
)
cross.step(-Sum(p[i] * log(p[i]), (i, 1, K)), "Gibbs' inequality", relation=">=")

soft = Derivation("A softmax probability is at most one", ctx, start=exp(z[j]) / Sum(exp(z[k]), (k, 1, K)), name="sm1")
soft.step(S.One, "the denominator contains exp(z_j) and positive terms besides", relation="<=")

x = Symbol("x", real=True)
softplus = Derivation("The softplus dominates its argument", Context(), start=log(1 + exp(x)), name="softplus-ge")
softplus.step(log(exp(x)), "1 + e^x > e^x and log is increasing", relation=">")
softplus.step(x, "log(e^x) = x")

logprob = Derivation("The log of a sigmoid is at most zero", Context(), start=log(1 / (1 + exp(-x))), name="logsig")
logprob.step(S.Zero, "the sigmoid is below one", relation="<=")

tangent = Derivation("exp(-x) lies above its tangent at 0", Context(), start=exp(-x), name="exp-tangent")
tangent.step(1 - x, "1 + t <= e^t with t = -x", relation=">=")

data = Context()
N = data.size("N")
y = data.real("y", index=(1, N))
f = data.real("f", index=(1, N))
c = Symbol("c", real=True)
n = Symbol("n", integer=True)

mse = Derivation(
    "The mean squared error is at least the squared bias",
    data,
    start=Sum((y[n] - c) ** 2, (n, 1, N)) / N,
    name="mse-bias",
)
mse.step((Sum(y[n] - c, (n, 1, N)) / N) ** 2, "Jensen for the square with weights 1/N", relation=">=")
mse.step((Sum(y[n], (n, 1, N)) / N - c) ** 2, "the mean of y_n - c is the mean of y minus c")

triangle = Derivation(
    "The total residual is at most the total absolute residual",
    data,
    start=Abs(Sum(y[n] - f[n], (n, 1, N))),
    name="residual-triangle",
)
triangle.step(Sum(Abs(y[n] - f[n]), (n, 1, N)), "the triangle inequality", relation="<=")

cs = Derivation(
    "Cauchy-Schwarz for an uncentred correlation",
    data,
    start=Sum(y[n] * f[n], (n, 1, N)) ** 2,
    name="cauchy-schwarz",
)
cs.step(Sum(y[n] ** 2, (n, 1, N)) * Sum(f[n] ** 2, (n, 1, N)), "Cauchy-Schwarz", relation="<=")

a, b = Symbol("a", positive=True), Symbol("b", positive=True)
amgm = Derivation("Geometric mean at most arithmetic mean", Context(), start=sqrt(a * b), name="amgm")
amgm.step((a + b) / 2, "AM-GM", relation="<=")
