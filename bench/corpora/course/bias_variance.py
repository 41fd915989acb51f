"""Lecture 8: sums of squares and the bias-variance split.

For data y_1..y_n with mean ybar, the mean squared error of a constant prediction c splits into the spread of
the data around its mean plus the squared distance of c from the mean; the sum of squared deviations is
sum y_i^2 - n ybar^2.
"""

from sympy import S, Sum, Symbol

from derive import Context, Derivation

ctx = Context()
n = ctx.size("n")
y = ctx.real("y", index=(1, n))
c = Symbol("c", real=True)
i = Symbol("i", integer=True)
ybar = Sum(y[i], (i, 1, n)) / n

mse = Derivation(
    "MSE of a constant = variance + bias^2", ctx, start=Sum((y[i] - c) ** 2, (i, 1, n)) / n, name="mse-split"
)
mse.step(Sum(((y[i] - ybar) + (ybar - c)) ** 2, (i, 1, n)) / n, "add and subtract the mean")
mse.step(
    (Sum((y[i] - ybar) ** 2, (i, 1, n)) + 2 * (ybar - c) * Sum(y[i] - ybar, (i, 1, n)) + n * (ybar - c) ** 2) / n,
    "expand the square and split the sum",
)
mse.step(Sum((y[i] - ybar) ** 2, (i, 1, n)) / n + (ybar - c) ** 2, "the deviations from the mean sum to zero")

ss = Derivation("Sum of squared deviations", ctx, start=Sum((y[i] - ybar) ** 2, (i, 1, n)), name="sum-of-squares")
ss.step(Sum(y[i] ** 2 - 2 * ybar * y[i] + ybar**2, (i, 1, n)), "expand the square")
ss.step(Sum(y[i] ** 2, (i, 1, n)) - 2 * ybar * Sum(y[i], (i, 1, n)) + n * ybar**2, "split the sum")
ss.step(Sum(y[i] ** 2, (i, 1, n)) - n * ybar**2, "sum_i y_i = n ybar")
ss.step(S.Zero, "a sum of squares", relation=">=")
