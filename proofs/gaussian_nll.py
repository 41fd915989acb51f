r"""The Gaussian negative log-likelihood is the mean squared error, scaled, plus a constant.

A regression model predicts :math:`f_n` for the target :math:`y_n` of each of the :math:`N` training examples,
and says how far off it expects to be: the target is normal around the prediction,
:math:`y_n \sim \mathcal{N}(f_n, \sigma^2)`, with the same spread :math:`\sigma > 0` for every example and the
examples independent. The average negative log-likelihood of the targets is then the mean squared error divided
by :math:`2\sigma^2`, plus :math:`\tfrac12 \log 2\pi\sigma^2`, which does not depend on the predictions: fitting
the predictions by maximum likelihood is least squares. Its gradient in one prediction is the error of that
prediction, divided by :math:`N\sigma^2`.
"""

from sympy import Derivative, KroneckerDelta, Mul, Pow, Product, Sum, Symbol, log, pi

from derive import Context, Derivation, normal_pdf
from derive.losses import gaussian_nll
from derive.notation import MeanSquaredError

ctx = Context()
N = ctx.size("N")  # the number of training examples
y = ctx.real("y", index=(1, N))  # the targets
f = ctx.real("f", index=(1, N))  # the model's predictions
sigma = Symbol("sigma", positive=True)  # the standard deviation of the noise
n = Symbol("n", integer=True)
mse = MeanSquaredError(y, f)
ctx.define(
    mse,
    Sum((y[n] - f[n]) ** 2, (n, 1, N)) / N,
    text=r"\operatorname{MSE}(y, f) = \frac{1}{N} \sum_{n=1}^{N} (y_n - f_n)^2",
)

nll = Derivation(
    "The Gaussian negative log-likelihood is MSE / (2σ²) plus a constant",
    ctx,
    start=-log(Product(normal_pdf(y[n], f[n], sigma), (n, 1, N))) / N,
    name="gaussian-nll",
)
nll.step(
    -Sum(log(normal_pdf(y[n], f[n], sigma)), (n, 1, N)) / N,
    "the log of a product of positive densities is the sum of their logs",
    by="log_prod",
    name="log-of-product",
)
nll.step(
    -Sum(-((y[n] - f[n]) ** 2) / (2 * sigma**2) - log(2 * pi * sigma**2) / 2, (n, 1, N)) / N,
    "the log of each density: log e^u = u, and log(1/√(2πσ²)) = −½ log 2πσ²",
    name="log-of-density",
)
nll.step(
    (Sum((y[n] - f[n]) ** 2, (n, 1, N)) / (2 * sigma**2) + N * log(2 * pi * sigma**2) / 2) / N,
    "split the sum: the constant ½ log 2πσ² is added N times",
    name="split-the-sum",
)
nll.step(
    Sum((y[n] - f[n]) ** 2, (n, 1, N)) / (2 * N * sigma**2) + log(2 * pi * sigma**2) / 2,
    "divide each term by N",
    name="divide-by-n",
)
nll.step(
    mse / (2 * sigma**2) + log(2 * pi * sigma**2) / 2,
    "the definition of the mean squared error",
    name="mse",
    prose="Why is maximising the Gaussian likelihood the same as least squares? The term ½ log 2πσ² does not "
    "involve the predictions, and dividing by 2σ² > 0 does not move a minimum: the predictions that minimise the "
    "NLL are those that minimise the mean squared error.",
)
nll.reference(gaussian_nll, args=(y, f, sigma))

j = ctx.value("j", (1, N))  # the example whose prediction we move
gradient = Derivation(
    "The gradient of the Gaussian NLL in a predicted mean",
    ctx,
    start=Derivative(mse / (2 * sigma**2) + log(2 * pi * sigma**2) / 2, f[j]),
    name="gaussian-nll-gradient",
)
gradient.step(
    Derivative(Sum((y[n] - f[n]) ** 2, (n, 1, N)), f[j]) / (2 * N * sigma**2),
    "the constant ½ log 2πσ² does not depend on f_j; write out the MSE and take its constant factor out",
    name="drop-the-constant",
    budget=15,  # differentiates after unfolding the MSE: 1 s on an idle core, 4.3 s on the busy machine
)
gradient.step(
    Sum(Mul(2, f[n] - y[n], KroneckerDelta(n, j)), (n, 1, N)) / (2 * N * sigma**2),
    "the chain rule, term by term: ∂(y_n − f_n)²/∂f_j = 2(y_n − f_n) · (−∂f_n/∂f_j), and ∂f_n/∂f_j = δ_nj",
    name="chain-rule",
)
gradient.step(
    Mul(Mul(2, f[j] - y[j], evaluate=False), Pow(2 * N * sigma**2, -1), evaluate=False),
    "only the term n = j survives",
    name="only-example-j",
    prose="Why does only one term survive? Moving the prediction of example :math:`j` changes only that example's "
    "squared error.",
)
gradient.step(
    (f[j] - y[j]) / (N * sigma**2),
    "cancel the 2",
    name="error-over-n-sigma-squared",
)
gradient.closing = (
    "The gradient is the prediction's error f_j − y_j, scaled by 1/(Nσ²): gradient descent moves each prediction "
    "towards its target, by a step proportional to how far off it is."
)
