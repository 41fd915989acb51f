"""Notation the ML derivations need that SymPy lacks: conditional probabilities p(x | θ), the joint p(x_1..x_N | θ),
entropies, the mean squared error, the softmax, and named quantities defined by a value.

Each is a SymPy ``Function`` so that the rules and the evaluator treat it like any other function application;
they only add positivity and the way they print (``_latex``, SymPy's printer hook).
"""

from __future__ import annotations

import sympy as sp


class ConditionalProbability(sp.Function):
    """``p(a | θ)``: the probability of the outcome ``a`` under a model with parameter ``θ``.

    Subclasses are made by :func:`conditional`; the class carries the printed name and the condition.
    """

    nargs = 1
    symbol_name = "p"
    given: sp.Basic = sp.Symbol("theta")

    def depends_on(self) -> set:
        """θ is not among the arguments, yet p(a | θ) depends on it (differentiation must see that)."""
        return set(sp.sympify(self.given).free_symbols)

    def _eval_is_positive(self):
        return True

    def _eval_is_extended_real(self):
        return True

    def _latex(self, printer, exp=None):
        tex = rf"{self.symbol_name}({printer._print(self.args[0])} \mid {printer._print(self.given)})"
        return _power(tex, exp)

    def _sympystr(self, printer):
        return f"{self.symbol_name}({printer._print(self.args[0])} | {printer._print(self.given)})"


def conditional(name: str, given: sp.Basic) -> type[ConditionalProbability]:
    """A new conditional probability ``name(· | given)``, positive wherever it is evaluated."""
    return type(f"{name}_given", (ConditionalProbability,), {"symbol_name": name, "given": given})


class Quantity(sp.Function):
    r"""A named positive number such as the expected code length ``\bar{\ell}``, to be given its value by a
    definition (``ctx.define(ell, ...)``), which a plain ``Symbol`` cannot be. Made by :func:`quantity`."""

    nargs = 0
    tex = ""

    def depends_on(self) -> set:
        """A constant: its value comes from a definition, not from any symbol."""
        return set()

    def _eval_is_positive(self):
        return True

    def _eval_is_extended_real(self):
        return True

    def _latex(self, printer, exp=None):
        return _power(self.tex, exp)

    def _sympystr(self, printer):
        return type(self).__name__


def quantity(name: str, tex: str) -> Quantity:
    """The quantity ``name`` (a Python identifier, what the terminal shows), printed as the LaTeX ``tex``."""
    return type(name, (Quantity,), {"tex": tex})()


class JointProbability(sp.Function):
    """``p(x_1, …, x_N | θ)``: the joint probability of a whole data vector (args: data base, size, condition)."""

    nargs = 3

    def depends_on(self) -> set:
        return set()  # everything it depends on is an argument

    def _eval_is_positive(self):
        return True

    def _latex(self, printer, exp=None):
        data, size, given = (printer._print(a) for a in self.args)
        return _power(rf"p({data}_{{1}}, \ldots, {data}_{{{size}}} \mid {given})", exp)

    def _sympystr(self, printer):
        data, size, given = (printer._print(a) for a in self.args)
        return f"p({data}_1, ..., {data}_{size} | {given})"


class CrossEntropy(sp.Function):
    """``H(p, q)``: the cross-entropy of ``q`` relative to ``p``; its meaning comes from a context definition."""

    nargs = 2

    def depends_on(self) -> set:
        return set()  # its arguments, through the definition that gives its meaning

    symbol_name = "H"
    rule_name = "cross_entropy"  # its definition unfolds as rule cross_entropy_def

    def _latex(self, printer, exp=None):
        return _power(rf"H({printer._print(self.args[0])}, {printer._print(self.args[1])})", exp)


# NOTE: plain parentheses, not \left( \right): these take simple arguments, and \left( after a letter adds a
# thin space ("p (x | θ)") that textbooks do not have.
def _power(tex: str, exp: str | None) -> str:
    """SymPy prints ``f(x)**2`` by calling ``f(x)._latex(printer, exp="2")``; without ``exp`` that call fails."""
    return tex if exp is None else f"{tex}^{{{exp}}}"


class Entropy(sp.Function):
    """``H(p)``: the entropy of ``p``; its meaning comes from a context definition."""

    nargs = 1

    def depends_on(self) -> set:
        return set()  # its arguments, through the definition that gives its meaning

    symbol_name = "H"
    rule_name = "entropy"

    def _latex(self, printer, exp=None):
        return _power(rf"H\left({printer._print(self.args[0])}\right)", exp)


class KLDivergence(sp.Function):
    """``D_KL(p ‖ q)``: the Kullback–Leibler divergence of ``q`` from ``p``; meaning from a context definition."""

    nargs = 2

    def depends_on(self) -> set:
        return set()  # its arguments, through the definition that gives its meaning

    symbol_name = "KL"
    rule_name = "kl"

    def _latex(self, printer, exp=None):
        p, q = (printer._print(a) for a in self.args)
        return _power(rf"D_{{\mathrm{{KL}}}}\left({p} \,\|\, {q}\right)", exp)


class MeanSquaredError(sp.Function):
    """``MSE(y, f)``: the mean squared error of the predictions ``f`` for the targets ``y``; its meaning comes from
    a context definition. Not declared positive: it is 0 when every prediction is exact."""

    nargs = 2

    def depends_on(self) -> set:
        return set()  # its arguments, through the definition that gives its meaning

    symbol_name = "MSE"
    rule_name = "mse"

    def _eval_is_extended_real(self):
        return True

    def _latex(self, printer, exp=None):
        y, f = (printer._print(a) for a in self.args)
        return _power(rf"\operatorname{{MSE}}({y}, {f})", exp)


class ExampleCrossEntropy(sp.Function):
    """``H(y^(i), ŷ^(i))``: the cross-entropy of example ``i`` of a batch; made by :func:`example_cross_entropy`."""

    nargs = 1
    rule_name = "example_cross_entropy"
    target: sp.Basic = sp.Symbol("y")
    prediction: sp.Basic = sp.Symbol("yhat")

    def depends_on(self) -> set:
        """The columns of the target and prediction families, which are not arguments."""
        return {self.target, self.prediction}

    def _latex(self, printer, exp=None):
        i, y, yhat = (printer._print(a) for a in (self.args[0], self.target, self.prediction))
        return _power(rf"H({y}^{{({i})}}, {yhat}^{{({i})}})", exp)

    def _sympystr(self, printer):
        i, y, yhat = (printer._print(a) for a in (self.args[0], self.target, self.prediction))
        return f"H({y}^({i}), {yhat}^({i}))"


def example_cross_entropy(target: sp.IndexedBase, prediction: sp.IndexedBase) -> type[ExampleCrossEntropy]:
    """``H(y^(i), ŷ^(i))`` for the columns of ``target`` and ``prediction`` (each indexed [outcome, example])."""
    attrs = {"target": target.label, "prediction": prediction.label}
    return type(f"H_{target.label}_{prediction.label}", (ExampleCrossEntropy,), attrs)


class Softmax(sp.Function):
    """``σ(z)_j``: output ``j`` of the softmax of the scores ``z``; made by :func:`softmax_of`, its meaning from a
    context definition."""

    nargs = 1
    rule_name = "softmax"
    scores: sp.Basic = sp.Symbol("z")

    def depends_on(self) -> set:
        """Every score z_k, which is not an argument."""
        return {self.scores}

    def _latex(self, printer, exp=None):
        z, j = printer._print(self.scores), printer._print(self.args[0])
        return _power(rf"\sigma({z})_{{{j}}}", exp)

    def _sympystr(self, printer):
        return f"sigma({printer._print(self.scores)})_{printer._print(self.args[0])}"


def softmax_of(scores: sp.IndexedBase) -> type[Softmax]:
    """``σ(z)_j`` for the scores ``z`` (a family indexed by output)."""
    return type(f"softmax_{scores.label}", (Softmax,), {"scores": scores.label})
