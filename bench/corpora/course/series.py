"""Lecture 1: sums we use all the time: arithmetic and geometric series, discounted returns.

1 + 2 + ... + n = n(n + 1)/2; the sum of the first n squares; a geometric series with ratio 0 < r < 1 and its
limit; the discounted return of a constant reward R with discount gamma.
"""

from sympy import Sum, Symbol

from derive import Context, Derivation

ctx = Context()
n = ctx.size("n")
k = Symbol("k", integer=True)
a = Symbol("a", real=True)
dd = Symbol("d", real=True)

arith = Derivation("Arithmetic series", ctx, start=Sum(k, (k, 1, n)), name="arithmetic-series")
arith.step(n * (n + 1) / 2, "Gauss: pair the first and last terms")

squares = Derivation("Sum of squares", ctx, start=Sum(k**2, (k, 1, n)), name="sum-of-first-squares")
squares.step(n * (n + 1) * (2 * n + 1) / 6, "by induction on n")

progression = Derivation("Arithmetic progression", ctx, start=Sum(a + k * dd, (k, 0, n - 1)), name="progression")
progression.step(n * a + dd * Sum(k, (k, 0, n - 1)), "split the sum")
progression.step(n * a + dd * n * (n - 1) / 2, "Gauss again")

ctx2 = Context()
n = ctx2.size("n")
r = ctx2.probability("r")  # a ratio 0 < r < 1
geo = Derivation("Geometric series", ctx2, start=Sum(r**k, (k, 0, n - 1)), name="geometric-series")
geo.step((1 - r**n) / (1 - r), "multiply by 1 - r: the sum telescopes")
geo.step(1 / (1 - r), "r^n > 0", relation="<")

ctx3 = Context()
T = ctx3.size("T")
gamma = ctx3.probability("gamma")
R = Symbol("R", positive=True)
t = Symbol("t", integer=True)
ret = Derivation(
    "Discounted return of a constant reward", ctx3, start=Sum(gamma**t * R, (t, 0, T - 1)), name="discounted-return"
)
ret.step(R * Sum(gamma**t, (t, 0, T - 1)), "R does not depend on t")
ret.step(R * (1 - gamma**T) / (1 - gamma), "geometric series")
