"""Lecture 4 (cont.): identities of the logistic sigmoid sigma(z) = 1/(1 + exp(-z)).

1 - sigma(z) = sigma(-z); sigma(z) = e^z/(1 + e^z); sigma'(z) = sigma(z)(1 - sigma(z)); and the logit
log(sigma/(1 - sigma)) gives back z.
"""

from sympy import Derivative, S, Symbol, exp, log

from derive import Context, Derivation

ctx = Context()
z = Symbol("z", real=True)


def sigma(t):
    return 1 / (1 + exp(-t))


flip = Derivation("1 - sigma(z) = sigma(-z)", ctx, start=1 - sigma(z), name="sigmoid-flip")
flip.step(exp(-z) / (1 + exp(-z)), "common denominator")
flip.step(1 / (exp(z) + 1), "multiply top and bottom by e^z")
flip.step(sigma(-z), "that is sigma(-z)")

alt = Derivation("sigma(z) = e^z / (1 + e^z)", ctx, start=sigma(z), name="sigmoid-alt")
alt.step(exp(z) / (exp(z) + 1), "multiply top and bottom by e^z")

deriv = Derivation("sigma' = sigma (1 - sigma)", ctx, start=Derivative(sigma(z), z), name="sigmoid-derivative")
deriv.step(exp(-z) / (1 + exp(-z)) ** 2, "chain rule")
deriv.step(1 / (1 + exp(-z)) * (exp(-z) / (1 + exp(-z))), "split the square")
deriv.step(sigma(z) * (1 - sigma(z)), "the second factor is 1 - sigma(z)")

logit = Derivation("The logit inverts the sigmoid", ctx, start=log(sigma(z) / (1 - sigma(z))), name="logit")
logit.step(log(exp(z)), "sigma/(1 - sigma) = 1/e^{-z} = e^z")
logit.step(z, "log(e^z) = z")

positive = Derivation("sigma is positive", ctx, start=sigma(z), name="sigmoid-range")
positive.step(S.Zero, "1 + e^{-z} > 0", relation=">")
