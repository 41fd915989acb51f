"""Expectation rules: the finite expectation as its sum, linearity, and a small table of Gaussian results.

Over a finite distribution, E_{i∼p}[f(i)] is Σ_i p_i f(i) (``expectation_finite``, for weights shown
nonnegative); linearity holds for every body, and E_p[c] = c needs Σ_i p_i = 1, shown from ``sums_to_one``.
Over N(μ, σ²) every rule needs σ > 0 and μ real shown from the declarations, and linearity needs each term's
expectation to exist: each term must be a polynomial in x (every moment of a normal is finite). The moments are the
closed form E[x^n] = Σ_k C(n, 2k) (2k − 1)!! σ^{2k} μ^{n−2k}. An integral over the real line of a polynomial times
e^{Ax² + Bx + C} (A < 0, B real: the density as lecturers write it, exp(−(x − μ)²/(2σ²))/sqrt(2πσ²), and its
variants) is recognised as a Gaussian expectation (``integral_gaussian``), a sum of such integrands is split first
(``integral_add``, each term converging), and a polynomial of degree 0 gives the normalisation
(``gaussian_integral``). What does not match stays as written, so the step stays ``undecided``.
"""

from __future__ import annotations

import sympy as sp

from derive.core.expectation import Expectation, FiniteExpectation, GaussianExpectation
from derive.engine.facts import Env, nonneg, positive, real
from derive.engine.rules.base import Identity, Rewrite, Rule
from derive.engine.rules.patterns import a, b, c, f, g, k, x, y, z

_REAL_LINE = (-sp.oo, sp.oo)


def _sigma(e: GaussianExpectation, env: Env):
    """The reasons that N(μ, σ²) is a normal distribution, σ > 0 and μ real, or None."""
    sd, mean = positive(e.std, env), real(e.mean, env)
    return None if sd is None or mean is None else _why((*sd, *mean))


def _polynomial(body: sp.Expr, var: sp.Symbol) -> bool:
    """``body`` is a polynomial in ``var`` whose coefficients are free of it (so its Gaussian expectation exists)."""
    return bool(body.is_polynomial(var))


def _why(reasons, extra: str = "") -> tuple[str, ...]:
    return tuple(dict.fromkeys((*reasons, extra) if extra else reasons))


# -- both kinds --------------------------------------------------------------------------------------------------
def _expectation_add(e: sp.Basic, env: Env) -> Rewrite | None:
    if isinstance(e, FiniteExpectation) and isinstance(e.body, sp.Add):
        return Rewrite(sp.Add(*(e.func(t, *e.args[1:]) for t in e.body.args)))
    if not isinstance(e, GaussianExpectation) or not _polynomial(e.body, e.variable):
        return None
    # a polynomial in x, expanded into its monomials: (x − 1)³ is a sum of terms as much as x³ − 3x² + 3x − 1 is
    terms = sp.Add.make_args(sp.expand(e.body))
    sigma = _sigma(e, env)
    if len(terms) < 2 or sigma is None:
        return None
    return Rewrite(
        sp.Add(*(e.func(t, *e.args[1:]) for t in terms)), _why(sigma, f"each term polynomial in {e.variable}")
    )


def _split(e: Expectation) -> tuple[sp.Expr, sp.Expr]:
    """The body as (the factors free of the variable, the rest)."""
    var = e.variable
    free = [fa for fa in sp.Mul.make_args(e.body) if var not in fa.free_symbols]
    rest = [fa for fa in sp.Mul.make_args(e.body) if var in fa.free_symbols]
    return sp.Mul(*free), sp.Mul(*rest)


def _expectation_smul(e: sp.Basic, env: Env) -> Rewrite | None:
    if not (isinstance(e, Expectation) and isinstance(e.body, sp.Mul)):
        return None
    const, rest = _split(e)
    if const == 1 or rest == 1:
        return None
    if isinstance(e, FiniteExpectation):
        return Rewrite(const * e.func(rest, *e.args[1:]))
    sigma = _sigma(e, env)
    if sigma is None or not _polynomial(rest, e.variable):
        return None
    return Rewrite(const * e.func(rest, *e.args[1:]), _why(sigma, f"the rest polynomial in {e.variable}"))


def _sums_to_one(e: FiniteExpectation, env: Env):
    """Σ_{i=lo}^{hi} p_i = 1 from the declarations: the weight is p_i itself, for a one-index family declared
    ``sums_to_one`` over exactly this range."""
    weight, (var, lo, hi) = e.weight, e.limit
    if not (isinstance(weight, sp.Indexed) and tuple(weight.indices) == (var,)):
        return None
    spec = env.ctx.families.get(weight.base)
    if spec is None or not spec.sums_to_one or len(spec.ranges) != 1 or tuple(spec.ranges[0]) != (lo, hi):
        return None
    return (f"Σ_i {weight.base}_i = 1",)


def _expectation_const(e: sp.Basic, env: Env) -> Rewrite | None:
    if not isinstance(e, Expectation) or e.variable in e.body.free_symbols:
        return None
    why = _sums_to_one(e, env) if isinstance(e, FiniteExpectation) else _sigma(e, env)
    return Rewrite(e.body, why) if why is not None else None


# -- finite ------------------------------------------------------------------------------------------------------
def _expectation_finite(e: sp.Basic, env: Env) -> Rewrite | None:
    if not isinstance(e, FiniteExpectation):
        return None
    why = nonneg(e.weight, env.inside((e.limit,)))
    return Rewrite(e.as_sum(), why) if why is not None else None


# -- the normal table --------------------------------------------------------------------------------------------
def gaussian_moment_value(n: int, mu: sp.Expr, sigma: sp.Expr) -> sp.Expr:
    """E[x^n] for x ∼ N(μ, σ²): Σ_{k=0}^{⌊n/2⌋} C(n, 2k) (2k − 1)!! σ^{2k} μ^{n−2k}."""
    return sp.Add(
        *(
            sp.binomial(n, 2 * j) * sp.factorial2(2 * j - 1) * sigma ** (2 * j) * mu ** (n - 2 * j)
            for j in range(n // 2 + 1)
        )
    )


def _table(match):
    """A Gaussian rule from ``match(body, x, μ, σ)``, which gives the value or None; σ > 0 is checked here."""

    def apply(e: sp.Basic, env: Env) -> Rewrite | None:
        if not isinstance(e, GaussianExpectation):
            return None
        value = match(e.body, e.variable, e.mean, e.std)
        if value is None:
            return None
        sigma = _sigma(e, env)
        return Rewrite(value, sigma) if sigma is not None else None

    return apply


def _mean(body, var, mu, sigma):
    return mu if body == var else None


def _second_moment(body, var, mu, sigma):
    return mu**2 + sigma**2 if body == var**2 else None


def _variance(body, var, mu, sigma):
    square = isinstance(body, sp.Pow) and body.exp == 2
    return sigma**2 if square and sp.expand(body.base**2 - (var - mu) ** 2) == 0 else None


def _moment(body, var, mu, sigma):
    if isinstance(body, sp.Pow) and body.base == var and body.exp.is_Integer and body.exp > 2:
        return gaussian_moment_value(int(body.exp), mu, sigma)
    return None


# -- integrals over the real line --------------------------------------------------------------------------------
def gaussian_factor(integrand: sp.Expr, var: sp.Symbol, env: Env):
    """``integrand`` as ``r(x)·e^{Ax² + Bx + C}`` with ``r`` a polynomial in x, A < 0 and B real shown from the
    declarations: ``(r, A, B, C, reasons)``; None otherwise."""
    factors = sp.Mul.make_args(integrand)
    exps = [fa for fa in factors if isinstance(fa, sp.exp)]
    if not exps:
        return None
    rest = sp.Mul(*(fa for fa in factors if not isinstance(fa, sp.exp)))
    exponent = sp.expand(sp.Add(*(fa.args[0] for fa in exps)))
    if not (_polynomial(rest, var) and _polynomial(exponent, var)):
        return None
    poly = sp.Poly(exponent, var)
    if poly.degree() != 2:
        return None
    A, B, C = (poly.coeff_monomial(var**n) for n in (2, 1, 0))
    negative, is_real = positive(-A, env), real(B, env)
    if negative is None or is_real is None:
        return None
    return rest, A, B, C, _why((*negative, *is_real))


def _over_real_line(e: sp.Basic):
    """The variable of ``∫_{−∞}^{∞} … dx``, or None."""
    if isinstance(e, sp.Integral) and len(e.limits) == 1 and len(e.limits[0]) == 3:
        var, lo, hi = e.limits[0]
        if (lo, hi) == _REAL_LINE:
            return var
    return None


def _complete_square(A, B, C):
    """e^{Ax² + Bx + C} = sqrt(2π)σ e^{C + μ²/(2σ²)} · N(x; μ, σ²): the factor, μ and σ."""
    # NOTE: expand, not cancel: a polynomial identity, valid everywhere (A ≠ 0 is shown), that still meets the
    # lecturer's form (A = −1/(2σ²) gives σ² and μ back, and e^{C − B²/(4A)} = e^0 for the normalised density)
    mu, sigma = sp.expand(-B / (2 * A)), sp.sqrt(sp.expand(-1 / (2 * A)))
    factor = sp.sqrt(2 * sp.pi) * sigma * sp.exp(sp.expand(C - B**2 / (4 * A)))
    return factor, mu, sigma


def _integral_gaussian(e: sp.Basic, env: Env) -> Rewrite | None:
    var = _over_real_line(e)
    found = gaussian_factor(e.function, var, env) if var is not None else None
    if found is None or var not in found[0].free_symbols:
        return None
    rest, A, B, C, why = found
    factor, mu, sigma = _complete_square(A, B, C)
    const = sp.Mul(*(fa for fa in sp.Mul.make_args(rest) if var not in fa.free_symbols))
    rest = sp.Mul(*(fa for fa in sp.Mul.make_args(rest) if var in fa.free_symbols))
    return Rewrite(
        const * factor * GaussianExpectation(rest, var, mu, sigma), _why(why, f"the rest polynomial in {var}")
    )


def _gaussian_integral(e: sp.Basic, env: Env) -> Rewrite | None:
    var = _over_real_line(e)
    found = gaussian_factor(e.function, var, env) if var is not None else None
    if found is None or var in found[0].free_symbols:
        return None
    rest, A, B, C, why = found
    factor, _, _ = _complete_square(A, B, C)
    return Rewrite(rest * factor, why)


def _integral_add(e: sp.Basic, env: Env) -> Rewrite | None:
    var = _over_real_line(e)
    if var is None or not isinstance(e.function, sp.Add):
        return None
    found = [gaussian_factor(t, var, env) for t in e.function.args]
    if any(fo is None for fo in found):
        return None
    why = _why(tuple(r for fo in found for r in fo[4]), "each term a polynomial times a Gaussian (converges)")
    return Rewrite(sp.Add(*(sp.Integral(t, e.limits[0]) for t in e.function.args)), why)


_FINITE = FiniteExpectation(f[k], g[k], (k, a, b))
_SIGMA = (z > 0, sp.Q.real(y))
_RANGE = (sp.Q.integer(a), sp.Q.integer(b))
_N = GaussianExpectation  # E_{x∼N(y, z²)}: x the variable, y the mean, z the standard deviation
_PDF = sp.exp(-((x - y) ** 2) / (2 * z**2)) / (sp.sqrt(2 * sp.pi) * z)  # N(x; y, z²) for z > 0, as tables write it

expectation_add = Rule(
    "expectation_add",
    _expectation_add,
    Identity(
        FiniteExpectation(f[k] + y, g[k], (k, a, b)),
        _FINITE + FiniteExpectation(y, g[k], (k, a, b)),
        _RANGE,
        instance=True,
    ),
    statement=r"$\mathbb{E}[f + g] = \mathbb{E}[f] + \mathbb{E}[g]$",
    side_conditions="over a finite distribution, any f, g; over N(μ, σ²), σ > 0 and each term a polynomial in x",
)
expectation_smul = Rule(
    "expectation_smul",
    _expectation_smul,
    Identity(FiniteExpectation(c * f[k], g[k], (k, a, b)), c * _FINITE, _RANGE),
    statement=r"$\mathbb{E}[c f] = c\, \mathbb{E}[f]$",
    side_conditions="c free of the variable; over N(μ, σ²), σ > 0 and f a polynomial in x",
)
expectation_const = Rule(
    "expectation_const",
    _expectation_const,
    Identity(_N(c, x, y, z), c, _SIGMA),
    statement=r"$\mathbb{E}[c] = c$",
    side_conditions=(
        "c free of the variable; over p, Σ_i p_i = 1 from `sums_to_one` over that range; over N(μ, σ²), σ > 0"
    ),
)
expectation_finite = Rule(
    "expectation_finite",
    _expectation_finite,
    Identity(_FINITE, sp.Sum(g[k] * f[k], (k, a, b)), (*_RANGE, g[k] > 0)),
    side_conditions="the weights shown nonnegative",
)
gaussian_mean = Rule("gaussian_mean", _table(_mean), Identity(_N(x, x, y, z), y, _SIGMA))
gaussian_second_moment = Rule(
    "gaussian_second_moment", _table(_second_moment), Identity(_N(x**2, x, y, z), y**2 + z**2, _SIGMA)
)
gaussian_variance = Rule("gaussian_variance", _table(_variance), Identity(_N((x - y) ** 2, x, y, z), z**2, _SIGMA))
gaussian_moment = Rule(
    "gaussian_moment",
    _table(_moment),
    Identity(_N(x**3, x, y, z), y**3 + 3 * y * z**2, _SIGMA, instance=True),
    statement=(
        r"$\mathbb{E}_{x\sim\mathcal{N}(\mu,\sigma^{2})}\left[x^{n}\right] = \sum_{k=0}^{\lfloor n/2 \rfloor}"
        r"\binom{n}{2k} (2k-1)!!\, \sigma^{2k} \mu^{n-2k}$"
    ),
    side_conditions="σ > 0; n an integer ≥ 3 (n = 1, 2: gaussian_mean, gaussian_second_moment)",
)
gaussian_integral = Rule(
    "gaussian_integral",
    _gaussian_integral,
    Identity(sp.Integral(_PDF, (x, -sp.oo, sp.oo)), sp.Integer(1), _SIGMA),
    side_conditions=(
        r"also $\int_{-\infty}^{\infty} c\, e^{A x^2 + B x + C} dx = c \sqrt{\pi / (-A)}\, e^{C - B^2/(4A)}$ "
        "for c free of x, A < 0 and B real"
    ),
)
integral_gaussian = Rule(
    "integral_gaussian",
    _integral_gaussian,
    Identity(sp.Integral(x**2 * _PDF, (x, -sp.oo, sp.oo)), _N(x**2, x, y, z), _SIGMA, instance=True),
    statement=(
        r"$\int_{-\infty}^{\infty} r(x)\, e^{A x^2 + B x + C} dx = \sqrt{2\pi}\,\sigma\, e^{C + \mu^2/(2\sigma^2)}"
        r"\, \mathbb{E}_{x\sim\mathcal{N}(\mu,\sigma^{2})}[r(x)]$, $\sigma^2 = -1/(2A)$, $\mu = -B/(2A)$"
    ),
    side_conditions="r a polynomial in x; A < 0 and B real (the density exp(−(x − μ)²/(2σ²))/sqrt(2πσ²) and variants)",
)
integral_add = Rule(
    "integral_add",
    _integral_add,
    Identity(
        sp.Integral(x * _PDF + y * _PDF, (x, -sp.oo, sp.oo)),
        sp.Integral(x * _PDF, (x, -sp.oo, sp.oo)) + sp.Integral(y * _PDF, (x, -sp.oo, sp.oo)),
        _SIGMA,
        instance=True,
    ),
    statement=(
        r"$\int_{-\infty}^{\infty} (f + g)\, dx = \int_{-\infty}^{\infty} f\, dx"
        r" + \int_{-\infty}^{\infty} g\, dx$"
    ),
    side_conditions="each term a polynomial times e^{Ax² + Bx + C}, A < 0, B real (each integral converges)",
)

#: The table first (E[(x − μ)²] = σ² in one step), then linearity, then the definition: E_p[c] = c is shorter than
#: c·Σ_i p_i.
RULES = [
    integral_add,
    gaussian_integral,
    integral_gaussian,
    gaussian_mean,
    gaussian_second_moment,
    gaussian_variance,
    gaussian_moment,
    expectation_const,
    expectation_add,
    expectation_smul,
    expectation_finite,
]
