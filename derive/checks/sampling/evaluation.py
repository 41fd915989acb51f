"""Exact evaluation of a claim's sides: definitions unfolded, values put in, finite sums and products expanded, and
whether certified ``evalf`` can decide the number that results.

Sums and products are expanded term by term by :func:`expand_finite` (never SymPy's delta summation,
SYMPY_PITFALLS.md items 1, 2 and 6), so a value is an exact SymPy number; a number is decided by exact arithmetic
or by ``evalf`` with ``strict=True``, which raises rather than return digits it cannot certify (item 12), and only
where :func:`decidable` says those digits mean what they say (no jump, no branch cut an argument may sit on).
"""

from __future__ import annotations

import functools

import sympy as sp

from derive.core.context import Context
from derive.core.expectation import Expectation, FiniteExpectation, GaussianExpectation
from derive.core.hygiene import substitute
from derive.engine.fact_base import DISCONTINUOUS
from derive.engine.smoothness import why_not_differentiable

DIGITS = 30  # certified digits when deciding that two values differ
MAX_PRECISION = 2000  # bits of working precision evalf may use to certify a difference
MAX_UNFOLD = 50


def unfold_all(expr: sp.Expr, ctx: Context) -> sp.Expr:
    """Replace every defined symbol by its definition, repeatedly (hygienically)."""
    for _ in range(MAX_UNFOLD):
        new = _unfold_once(expr, ctx)
        if new == expr:
            return expr
        expr = new
    raise RecursionError("definitions do not terminate (a definition refers to itself?)")


def _unfold_once(e: sp.Basic, ctx: Context) -> sp.Basic:
    d = ctx.definition_for(e)
    out = d.unfold(e) if d is not None else None
    if out is not None:
        return out
    if not e.args:
        return e
    return e.func(*(_unfold_once(a, ctx) for a in e.args))


def expand_finite(e: sp.Basic) -> sp.Basic:
    """Expand every Sum/Product whose bounds are integers into its terms, outermost limit first (so that a
    triangular sum's inner bound becomes an integer once the outer index has a value).

    A range that runs backwards is empty (0 for a sum, 1 for a product): the textbook reading, which is also the
    write-up's. The rules that prove steps hold under both this and SymPy's Karr reading. A limit whose bounds are
    not integers stays, with what is inside it expanded as far as possible.
    """
    return put(e, {})


def put(e: sp.Basic, values: dict) -> sp.Basic:
    """``e`` with ``values`` (symbol or ``x[k]`` → number) put in and every sum or product that makes finite
    expanded, from the leaves up: a node is rebuilt only once what is inside it is a number or expanded.

    Not ``xreplace`` and then expand: SymPy evaluates each node as it is rebuilt, and an unexpanded empty product
    misleads it (``Product(2, (m, 1, 0)).is_extended_nonpositive`` is True in SymPy 1.14, so ``log`` of it
    becomes iπ + …, where the empty product is 1 and its log 0). Numbers cannot be captured by a bound index;
    a value for a name a sum binds is not put inside that sum.
    """
    if e in values:
        return values[e]
    if not e.args:
        return e
    if isinstance(e, FiniteExpectation):  # E_{i∼p}[f] is its sum, expanded like any other
        return put(e.as_sum(), values)
    if isinstance(e, GaussianExpectation):
        return _gaussian_at(e, values)
    if isinstance(e, sp.Integral):
        return _integral_at(e, values)
    if isinstance(e, sp.Subs):  # f(θ)|_{θ=a} binds θ: a value for θ goes into the point a, never into f
        bound = set(e.variables)
        inner = {k: v for k, v in values.items() if not ({k} | k.free_symbols) & bound}
        body, point = put(e.expr, inner), tuple(put(a, values) for a in e.point)
        if body.has(sp.Derivative):
            return sp.Subs(body, e.variables, point)
        # all variables at once (SymPy's Subs.doit puts them in one after another: x − y at x = y, y = x gave 0)
        return body.subs(list(zip(e.variables, point)), simultaneous=True)
    if isinstance(e, (sp.Sum, sp.Product)):
        bound = {limit[0] for limit in e.limits}
        inner = {k: v for k, v in values.items() if not ({k} | k.free_symbols) & bound}
        limits = [(var, put(lo, inner), put(hi, inner)) for var, lo, hi in e.limits]
        body = put(e.function, inner)
        *rest, (var, lo, hi) = limits
        if not (lo.is_Integer and hi.is_Integer):
            return e.func(body, *limits)
        op = sp.Add if isinstance(e, sp.Sum) else sp.Mul
        within = e.func(body, *rest) if rest else body
        return op(*(put(within, {var: sp.Integer(v)}) for v in range(int(lo), int(hi) + 1)))
    args = tuple(put(a, values) for a in e.args)
    # NOTE: an IndexedBase or an Indexed whose parts are unchanged is itself (their construction evaluates nothing),
    # and building one again costs an assumptions closure each time: most of the time the guard spent in put.
    if isinstance(e, (sp.IndexedBase, sp.Indexed)) and all(a is b for a, b in zip(args, e.args)):
        return e
    return e.func(*args)


def _gaussian_at(e: GaussianExpectation, values: dict) -> sp.Expr:
    """E_{x∼N(μ, σ²)}[f] with ``values`` put in (never for x, which it binds): an exact number when μ and σ are
    real numbers and f a polynomial in x with numeric coefficients; else the expectation, which no exact or
    certified comparison then takes as a value (:func:`_closed`)."""
    inner = {k: v for k, v in values.items() if e.variable not in ({k} | k.free_symbols)}
    body, mu, sigma = (put(a, inner) for a in (e.body, e.mean, e.std))
    value = normal_moments(body, e.variable, mu, sigma)
    return value if value is not None else GaussianExpectation(body, e.variable, mu, sigma)


@functools.lru_cache(maxsize=4096)  # the guard puts the same sides in at many points, repeatedly
def normal_moments(body: sp.Expr, var: sp.Symbol, mu: sp.Expr, sigma: sp.Expr) -> sp.Expr | None:
    """E[body] for var ∼ N(mu, sigma²), exactly, when mu and sigma are real numbers and body is a polynomial in var
    with numeric coefficients; else None.

    NOTE: independent of the engine's table (derive.engine.rules.expectation): the moments are read off the moment
    generating function, E[x^n] = n!·[t^n] e^{μt + σ²t²/2} = Σ_{a + 2b = n} n! μ^a σ^{2b} / (a! b! 2^b)."""
    mu, sigma = sp.sympify(mu), sp.sympify(sigma)
    if not (mu.is_number and sigma.is_number and mu.is_extended_real and sigma.is_extended_real):
        return None
    if not body.is_polynomial(var):
        return None
    poly = sp.Poly(sp.expand(body), var)
    if not all(coefficient.is_number for coefficient in poly.coeffs()):
        return None
    total = sp.Integer(0)
    for (n,), coefficient in poly.terms():
        moment = sum(
            sp.factorial(n) * mu ** (n - 2 * b) * sigma ** (2 * b) / (sp.factorial(n - 2 * b) * sp.factorial(b) * 2**b)
            for b in range(n // 2 + 1)
        )
        total += coefficient * moment
    return total


def _integral_at(e: sp.Integral, values: dict) -> sp.Expr:
    """An integral with ``values`` put in; over the whole real line, of a sum of terms r(x)·e^{ax² + bx + c} with
    numbers a < 0, b, c and r a polynomial with numeric coefficients, its exact value
    sqrt(π/(−a))·e^{c − b²/(4a)}·E_{N(−b/(2a), −1/(2a))}[r] (completing the square; the moments by
    :func:`normal_moments`). Anything else stays an integral, which no comparison takes as a value."""
    bound = {limit[0] for limit in e.limits}
    inner = {k: v for k, v in values.items() if not ({k} | k.free_symbols) & bound}
    limits = [tuple(put(part, inner) if n else part for n, part in enumerate(limit)) for limit in e.limits]
    rebuilt = sp.Integral(put(e.function, inner), *limits)
    if len(limits) != 1 or len(limits[0]) != 3 or tuple(limits[0][1:]) != (-sp.oo, sp.oo):
        return rebuilt
    var = limits[0][0]
    total = sp.Integer(0)
    for term in sp.Add.make_args(sp.expand(rebuilt.function)):
        factors = sp.Mul.make_args(term)
        exponent = sp.expand(sp.Add(*(f.args[0] for f in factors if isinstance(f, sp.exp))))
        rest = sp.Mul(*(f for f in factors if not isinstance(f, sp.exp)))
        if not exponent.is_polynomial(var):
            return rebuilt
        a, b, c = (sp.Poly(exponent, var).coeff_monomial(var**n) for n in (2, 1, 0))
        if not all(v.is_number and v.is_extended_real for v in (a, b, c)) or not a.is_negative:
            return rebuilt
        moments = normal_moments(rest, var, -b / (2 * a), sp.sqrt(-1 / (2 * a)))
        if moments is None:
            return rebuilt
        total += sp.sqrt(sp.pi / -a) * sp.exp(c - b**2 / (4 * a)) * moments
    return total


def evaluate_at(expr: sp.Expr, values: dict) -> sp.Expr:
    """``expr`` with ``values`` (sizes, data values) substituted and every sum or product they make finite expanded;
    repeated, since a value can turn a bound into an integer or an index into a data value (q[x[1]] → q[2])."""
    numbers = all(isinstance(v, sp.Basic) and v.is_number for v in values.values())
    for _ in range(MAX_UNFOLD):
        new = put(expr, values) if numbers else expand_finite(substitute(expr, values))
        if new == expr:
            return new
        expr = new
    return expr


def take_derivatives(e: sp.Expr) -> sp.Expr:
    """Derivatives taken exactly where SymPy's rules hold (derive.engine.smoothness); elsewhere left standing, so that
    the value cannot be computed and nothing is concluded from it."""
    if not e.has(sp.Derivative):
        return e

    def take(n: sp.Derivative) -> sp.Expr:
        return n if why_not_differentiable(n.expr, [v for v, _ in n.variable_count]) else n.doit()

    return e.replace(lambda n: isinstance(n, sp.Derivative), take)


# DISCONTINUOUS (the functions that jump) lives in derive.engine.fact_base: the sign facts certify numbers too


#: Functions with a branch cut: on the cut, evalf picks a side from digits it cannot certify (asin(2 + i·w) for an
#: exact zero w comes out with the wrong sign of its imaginary part), so their argument must be real or exact.
BRANCHED = (
    sp.log,
    sp.asin,
    sp.acos,
    sp.atan,
    sp.asinh,
    sp.acosh,
    sp.atanh,
    sp.asec,
    sp.acsc,
    sp.LambertW,
    sp.Ei,
    sp.li,
    sp.loggamma,
    sp.expint,
    sp.Chi,
    sp.Ci,
)


#: Of those, the ones whose cuts lie on the imaginary axis (the others' lie on the real axis).
IMAGINARY_CUTS = (sp.asinh, sp.atan)


def _off_the_cut(node: sp.Basic) -> bool:
    """A branched function's argument (a power's base) is written without i (on the real line, where evalf
    takes the one principal value), an exact complex rational, or certainly off the axis its cuts lie on."""
    across = 0 if isinstance(node, IMAGINARY_CUTS) else 1  # the part that must not be zero: re or im

    def plain(a: sp.Basic) -> bool:
        # NOTE: not a.is_extended_real: SymPy decides that by evaluating, and calls 2 + i·w real when w is an
        # exact zero it cannot show, which is the very case evalf gets wrong.
        if not a.has(sp.I):
            return True
        parts = a.as_real_imag()
        if all(p.is_Rational for p in parts):
            return True
        try:
            return sp.N(parts[across], 15, strict=True, maxn=MAX_PRECISION) != 0
        except (sp.core.evalf.PrecisionExhausted, TypeError, ValueError):
            return False

    if isinstance(node, sp.Pow):
        return node.exp.is_integer is True or plain(node.base)
    return all(plain(a) for a in node.args)


def _closed(e: sp.Expr) -> bool:
    """No symbols left, and nothing whose value only quadrature, a limit, an unexpanded sum (Euler–Maclaurin,
    SYMPY_PITFALLS.md item 6), a jump at an argument that is not a plain rational, or a branch cut an argument may
    sit on would estimate: the value is a definite number that exact arithmetic or certified evalf can decide."""
    if e.free_symbols or e.has(sp.Integral, sp.Limit, sp.Derivative, sp.Sum, sp.Product) or e.atoms(Expectation):
        return False
    if not all(all(a.is_Rational for a in node.args) for node in e.atoms(*DISCONTINUOUS)):
        return False
    return all(_off_the_cut(node) for node in e.atoms(sp.Pow, *BRANCHED))


def linear_root(expr: sp.Expr, var: sp.Symbol, others: dict) -> sp.Rational | None:
    """Where ``expr``, with ``others`` put in, is 0 when it is linear in ``var`` with a rational slope (a shifted
    bound 5 − N is 0 at N = 5); None otherwise."""
    line = sp.expand(sp.sympify(expr).xreplace(others))
    slope = line.coeff(var)
    if not (line.free_symbols <= {var} and slope.is_Rational and slope != 0):
        return None
    return -line.subs(var, 0) / slope


def certified_gap(a: sp.Expr, b: sp.Expr, relation) -> sp.Expr | None:
    """What must be positive for ``a relation b`` (b − a for < and ≤, a − b for > and ≥) when ``a`` and ``b``
    are numbers: exactly, or to digits evalf certified; None where it has no certain real value."""
    gap = b - a if relation.value in ("<", "≤") else a - b
    if not decidable(gap) or gap.has(sp.zoo, sp.nan, sp.oo, -sp.oo):
        return None
    if gap.is_Rational:
        return gap
    if not gap.is_extended_real:
        return None
    try:
        value = sp.N(gap, DIGITS, strict=True, maxn=MAX_PRECISION)
    except (sp.core.evalf.PrecisionExhausted, TypeError, ValueError):
        return None
    return value if value.is_Number else None


def decidable(e: sp.Expr) -> bool:
    """Whether certified evaluation of the number ``e`` means what it says (see :func:`_closed`)."""
    return _closed(e)
