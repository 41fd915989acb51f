"""Lecture 5: the gradient of softmax cross-entropy.

With logits z_1..z_K and the true class c, the loss is -log softmax(z)_c. Its gradient with respect to z_j is
softmax(z)_j - [j = c]: the predicted probability minus the one-hot target.
"""

from sympy import Derivative, KroneckerDelta, Sum, Symbol, exp, log

from derive import Context, Derivation

ctx = Context()
K = ctx.size("K")
z = ctx.real("z", index=(1, K))  # logits
c = ctx.value("c", (1, K))  # the true class
j = ctx.value("j", (1, K))  # the logit we differentiate by
k = Symbol("k", integer=True)

Z = Sum(exp(z[k]), (k, 1, K))
loss = -log(exp(z[c]) / Z)

d = Derivation("Softmax cross-entropy: the loss", ctx, start=loss, name="softmax-loss")
d.step(-(z[c] - log(Z)), "log of a quotient, log(exp(z_c)) = z_c")
d.step(log(Z) - z[c], "tidy up")

g = Derivation("Softmax cross-entropy: the gradient", ctx, start=Derivative(log(Z) - z[c], z[j]), name="softmax-grad")
g.step(exp(z[j]) / Z - KroneckerDelta(j, c), "d/dz_j log sum_k exp(z_k) = exp(z_j) / sum_k exp(z_k)")
