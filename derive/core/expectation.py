"""Expectations as a lecturer writes them: over a finite distribution, E_{i∼p}[f(i)] = Σ_i p_i f(i), and over a
normal variable, E_{x∼N(μ, σ²)}[f(x)].

Both are unevaluated SymPy expressions that bind their variable (``i`` or ``x`` is not a free symbol of the
expectation, as the index of a Sum is not): the rules of derive.engine.rules.expectation rewrite them, the
renderers print them as ``\\mathbb{E}_{i\\sim p}[\\,\\cdot\\,]`` and
``\\mathbb{E}_{x\\sim\\mathcal{N}(\\mu,\\sigma^2)}``, and the independent checks evaluate them (``evalf``: the
finite sum term by term, the Gaussian by mpmath quadrature at the requested precision).

Typed in a derivation module::

    E(f(i), over=(i, 1, K), p=p[i])      # E_{i∼p}[f(i)], p a declared family (sums_to_one) or nonnegative weights
    E(x**2, x, Normal(mu, sigma))         # E_{x∼N(μ, σ²)}[x²], sigma the standard deviation
"""

from __future__ import annotations

import mpmath
import sympy as sp


class Normal(sp.Basic):
    """The normal distribution N(μ, σ²), given by its mean ``mu`` and its standard deviation ``sigma`` (declare
    ``sigma`` positive: every Gaussian rule needs σ > 0)."""

    def __new__(cls, mu, sigma):
        return super().__new__(cls, sp.sympify(mu), sp.sympify(sigma))

    @property
    def mean(self) -> sp.Expr:
        return self.args[0]

    @property
    def std(self) -> sp.Expr:
        return self.args[1]

    def pdf(self, x: sp.Expr) -> sp.Expr:
        """The density at ``x``, written as a lecturer writes it."""
        return normal_pdf(x, self.mean, self.std)


def normal_pdf(x: sp.Expr, mu: sp.Expr, sigma: sp.Expr) -> sp.Expr:
    """N(x; μ, σ²) = exp(−(x − μ)²/(2σ²)) / sqrt(2πσ²)."""
    return sp.exp(-((x - mu) ** 2) / (2 * sigma**2)) / sp.sqrt(2 * sp.pi * sigma**2)


class Expectation(sp.Expr):
    """What the two expectations share: a body in one bound variable."""

    is_commutative = True

    @property
    def body(self) -> sp.Expr:
        return self.args[0]

    @property
    def variable(self) -> sp.Symbol:
        raise NotImplementedError

    def _under(self, printer) -> str:
        raise NotImplementedError

    def _xreplace(self, rule):
        # the variable is bound (as a Sum's index): a value given to a free x elsewhere in a claim is not put in
        # for the x averaged over (E_{x~N}[x^2] >= x^2 at x = 2 must not become E_{2~N}[4])
        if self in rule:
            return rule[self], True
        if self.variable in rule:
            rule = {k: v for k, v in rule.items() if k != self.variable}
        return super()._xreplace(rule)

    def _eval_subs(self, old, new):
        return self if old == self.variable else None

    def _parameters(self) -> tuple:
        raise NotImplementedError

    def _eval_is_extended_real(self):
        # an average of real values with real weights (real μ, σ) is real (or infinite): an order may compare it
        return True if all(e.is_extended_real for e in (self.body, *self._parameters())) else None

    def _latex(self, printer, exp: str | None = None) -> str:
        # NOTE: the notation lives with the object (SymPy's printmethod) so that any LaTeX printer shows it, the
        # rule table's (engine layer) as well as derive.render.printer's, which prints the parts in textbook form.
        tex = rf"\mathbb{{E}}_{{{self._under(printer)}}}\left[{printer._print(self.body)}\right]"
        return rf"\left({tex}\right)^{{{exp}}}" if exp is not None else tex


class FiniteExpectation(Expectation):
    """E_{i∼p}[f(i)] = Σ_{i=lo}^{hi} p_i f(i): args ``(body, weight, Tuple(i, lo, hi))``; ``weight`` is ``p[i]``."""

    def __new__(cls, body, weight, limit):
        limit = sp.Tuple(*map(sp.sympify, limit))
        if len(limit) != 3 or not isinstance(limit[0], sp.Symbol):
            raise ValueError(f"over= takes (index, low, high), not {tuple(limit)}")
        return super().__new__(cls, sp.sympify(body), sp.sympify(weight), limit)

    @property
    def weight(self) -> sp.Expr:
        return self.args[1]

    @property
    def limit(self) -> tuple[sp.Symbol, sp.Expr, sp.Expr]:
        return tuple(self.args[2])

    @property
    def variable(self) -> sp.Symbol:
        return self.args[2][0]

    def _parameters(self) -> tuple:
        return (self.weight,)

    @property
    def free_symbols(self) -> set:
        return self.as_sum().free_symbols  # p[i] and i are bound; p and the bounds are not

    def _under(self, printer) -> str:
        var, weight = self.variable, self.weight
        # E_{i∼p}: the distribution by its family's name when the weight is p_i itself, else the weight written out
        plain = isinstance(weight, sp.Indexed) and tuple(weight.indices) == (var,)
        return rf"{printer._print(var)}\sim {printer._print(weight.base if plain else weight)}"

    def _sympystr(self, printer) -> str:
        var, lo, hi = (printer._print(a) for a in self.limit)
        return f"E[{printer._print(self.body)}; {var} ~ {printer._print(self.weight)}, {var} = {lo}..{hi}]"

    def as_sum(self) -> sp.Sum:
        """The definition: Σ_{i=lo}^{hi} p_i f(i)."""
        return sp.Sum(self.weight * self.body, self.limit)

    def doit(self, **hints):
        return self.as_sum().doit(**hints) if hints.get("deep", True) else self.as_sum()

    def _eval_evalf(self, prec):
        lo, hi = self.args[2][1], self.args[2][2]
        if not (lo.is_Integer and hi.is_Integer):
            return None
        var = self.variable
        # NOTE: term by term, never Sum.evalf (SYMPY_PITFALLS.md item 6); an empty range is 0
        terms = [(self.weight * self.body).xreplace({var: sp.Integer(v)}) for v in range(int(lo), int(hi) + 1)]
        return sp.Add(*terms)._eval_evalf(prec) if terms else sp.Float(0, prec)


class GaussianExpectation(Expectation):
    """E_{x∼N(μ, σ²)}[f(x)] = ∫ f(x) N(x; μ, σ²) dx: args ``(body, x, mu, sigma)``, ``sigma`` the standard
    deviation."""

    def __new__(cls, body, x, mu, sigma):
        x = sp.sympify(x)
        if not isinstance(x, sp.Symbol):
            raise ValueError(f"the variable of a Gaussian expectation must be a symbol, not {x}")
        mu, sigma = sp.sympify(mu), sp.sympify(sigma)
        if x in mu.free_symbols | sigma.free_symbols:
            raise ValueError(f"the parameters of N({mu}, {sigma}**2) may not depend on its variable {x}")
        return super().__new__(cls, sp.sympify(body), x, mu, sigma)

    @property
    def variable(self) -> sp.Symbol:
        return self.args[1]

    @property
    def mean(self) -> sp.Expr:
        return self.args[2]

    @property
    def std(self) -> sp.Expr:
        return self.args[3]

    @property
    def distribution(self) -> Normal:
        return Normal(self.mean, self.std)

    def _parameters(self) -> tuple:
        return (self.mean, self.std)

    @property
    def free_symbols(self) -> set:
        # NOTE: the variable is bound, as a Sum's index is: E_{x}[x²] does not depend on x.
        return (self.body.free_symbols - {self.variable}) | self.mean.free_symbols | self.std.free_symbols

    def _under(self, printer) -> str:
        normal = rf"\mathcal{{N}}\left({printer._print(self.mean)}, {printer._print(self.std**2)}\right)"
        return rf"{printer._print(self.variable)}\sim {normal}"

    def _sympystr(self, printer) -> str:
        var, mu, var2 = printer._print(self.variable), printer._print(self.mean), printer._print(self.std**2)
        return f"E[{printer._print(self.body)}; {var} ~ N({mu}, {var2})]"

    def as_integral(self) -> sp.Integral:
        """The definition: ∫_{−∞}^{∞} f(x) N(x; μ, σ²) dx."""
        x = self.variable
        return sp.Integral(self.body * normal_pdf(x, self.mean, self.std), (x, -sp.oo, sp.oo))

    def _eval_evalf(self, prec):
        """By mpmath quadrature at ``prec`` bits (plus guard digits), over the standard normal z: x = μ + σz.
        None (SymPy then leaves the expectation standing) when the parameters are not real numbers or the
        quadrature does not settle."""
        mu, sigma = self.mean, self.std
        if mu.free_symbols or sigma.free_symbols or (self.body.free_symbols - {self.variable}):
            return None
        dps = mpmath.libmp.prec_to_dps(prec) + 10
        with mpmath.workdps(dps):
            try:
                m, s = mpmath.mpmathify(sp.N(mu, dps)), mpmath.mpmathify(sp.N(sigma, dps))
                if not (isinstance(m, mpmath.mpf) and isinstance(s, mpmath.mpf)) or s <= 0:
                    return None
                f = sp.lambdify(self.variable, self.body, modules="mpmath")
                norm = 1 / mpmath.sqrt(2 * mpmath.pi)

                def integrand(z):
                    return f(m + s * z) * norm * mpmath.exp(-(z**2) / 2)

                value, error = mpmath.quad(integrand, [-mpmath.inf, 0, mpmath.inf], error=True)
            except (TypeError, ValueError, ZeroDivisionError, OverflowError, NameError):
                return None
            if not abs(error) <= mpmath.mpf(10) ** (-(mpmath.libmp.prec_to_dps(prec) + 2)) * max(1, abs(value)):
                return None
            if isinstance(value, mpmath.mpc):
                return sp.Float(value.real, dps) + sp.I * sp.Float(value.imag, dps)
            return sp.Float(value, dps)


def E(body, variable=None, distribution=None, *, over=None, p=None) -> Expectation:
    """An expectation, read as in lecture notes.

    Args:
        body: what is averaged, an expression in the variable.
        variable: ``x``, for ``E(f, x, Normal(mu, sigma))``.
        distribution: ``Normal(mu, sigma)`` (mean and standard deviation).
        over: ``(i, lo, hi)``, the range of a finite distribution's outcome.
        p: its weight ``p[i]`` (a family declared ``positive(..., sums_to_one=True)``, or nonnegative weights).

    Returns:
        ``FiniteExpectation`` E_{i∼p}[body] or ``GaussianExpectation`` E_{x∼N(μ,σ²)}[body], both unevaluated.

    Raises:
        TypeError: for any other combination of arguments.
    """
    if over is not None or p is not None:
        if over is None or p is None or variable is not None or distribution is not None:
            raise TypeError("a finite expectation is E(f, over=(i, lo, hi), p=p[i])")
        return FiniteExpectation(body, p, over)
    if isinstance(distribution, Normal) and variable is not None:
        return GaussianExpectation(body, variable, distribution.mean, distribution.std)
    raise TypeError("write E(f, x, Normal(mu, sigma)) or E(f, over=(i, lo, hi), p=p[i])")
