"""Lecture 6: the entropy of a coin.

H(p) = -p log p - (1 - p) log(1 - p). Its derivative is log((1 - p)/p), zero at p = 1/2; the second derivative
-1/(p(1 - p)) is negative, so p = 1/2 is the maximum, where H = log 2.
"""

from sympy import Derivative, Rational, S, log

from derive import Context, Derivation

ctx = Context()
p = ctx.probability("p")
H = -p * log(p) - (1 - p) * log(1 - p)

d1 = Derivation("dH/dp", ctx, start=Derivative(H, p), name="entropy-derivative")
d1.step(-log(p) - 1 + log(1 - p) + 1, "product rule on each term")
d1.step(log(1 - p) - log(p), "the 1s cancel")
d1.step(log((1 - p) / p), "difference of logs")

d2 = Derivation("d2H/dp2", ctx, start=Derivative(H, p, 2), name="entropy-second-derivative")
d2.step(-1 / (1 - p) - 1 / p, "differentiate log(1 - p) - log(p)")
d2.step(-1 / (p * (1 - p)), "common denominator")
d2.step(S.Zero, "p and 1 - p are positive", relation="<")

top = Derivation("The maximum entropy", ctx, start=H, name="entropy-at-half")
top.apply(lambda e: e.subs(p, Rational(1, 2)), log(2), "at p = 1/2: -log(1/2) = log 2")
top.step(H.subs(p, Rational(1, 3)), "larger than at p = 1/3", relation=">")
