"""Side conditions: what the declared assumptions license (positivity, reality, integrality, ranges).

Each query returns the assumptions it used, as short texts for the proof trace (``q_i > 0``,
``1 ≤ x_k ≤ K``), or ``None`` when it cannot show the fact. ``None`` means "not shown", never "false".
An :class:`Env` that carries a ``misses`` list also learns which base fact was missing at which atom (a family
declared real where a rule needed it positive, an index with no declared range): derive.engine.explain turns
those into the declaration that would supply them.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import sympy as sp

from derive.core.context import Context
from derive.engine.fact_base import Missing, certified_constant
from derive.engine.fact_base import declarable as _declarable
from derive.engine.fact_base import declines as _declines
from derive.engine.fact_base import miss as _miss
from derive.engine.value_facts import value_gap, value_sign

Reasons = tuple[str, ...]


class Limits(tuple):
    """The enclosing sums' ranges ``((var, lo, hi), …)``, outermost first, and, called with a family member,
    its declared bounds: ``env.bounds`` is both, so that ``for v, lo, hi in env.bounds`` and
    ``env.bounds(z[i])`` (see :func:`declared_bounds`) read the same attribute."""

    def __new__(cls, items=(), ctx: Context | None = None, sizes: tuple = ()):
        out = super().__new__(cls, items)
        out.ctx, out.sizes = ctx, sizes
        return out

    def __call__(self, expr: sp.Basic) -> tuple[sp.Expr | None, sp.Expr | None]:
        if self.ctx is None:
            return None, None
        return declared_bounds(expr, Env(self.ctx, tuple(self), self.sizes))


@dataclass(frozen=True)
class Env:
    """Where a subterm sits: the context and the ranges of the enclosing sums' indices.

    ``misses``, when a list, collects a :class:`Missing` for every base fact a query could not show (only
    derive.engine.explain passes one; the prover's queries record nothing and answer the same either way).
    ``bounds`` iterates as those ranges and, called as ``env.bounds(expr)``, gives a family member's declared
    ``(lower, upper)`` (:class:`Limits`).
    """

    ctx: Context
    bounds: tuple[tuple[sp.Symbol, sp.Expr, sp.Expr], ...] = ()
    sizes: tuple[tuple[sp.Symbol, int], ...] = ()  # sizes fixed at values (a proof at K = 2 knows q_2 exists)
    misses: list[Missing] | None = field(default=None, compare=False, repr=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "bounds", Limits(self.bounds, self.ctx, self.sizes))

    def inside(self, limits) -> Env:
        """Enter a Sum/Product: its limits are listed innermost first, ``bounds`` keeps outermost first."""
        inner = self.bounds + tuple((v, lo, hi) for v, lo, hi in reversed(limits))
        return Env(self.ctx, inner, self.sizes, self.misses)


def _base_fact(expr: sp.Basic, env: Env) -> str:
    """How a declared symbol prints in a reason: ``q_i > 0`` for a family, ``N ≥ 1`` for a size."""
    if isinstance(expr, sp.Indexed):
        return f"{expr.base}_i > 0"
    return f"{expr} > 0"


@_declines
def positive(expr: sp.Basic, env: Env) -> Reasons | None:
    """Reasons that ``expr > 0`` for every value the assumptions allow, or None."""
    if expr.is_Number:
        return () if expr.is_extended_real and expr > 0 else None
    if isinstance(expr, sp.NumberSymbol):  # SymPy's own constants (π, e, γ, …): their values are known exactly
        return (f"{sp.sstr(expr)} > 0",) if expr.is_positive else None
    if expr.is_number:  # a number written as an expression: its certified value, never SymPy's guess
        value = certified_constant(expr)
        return (f"{sp.sstr(expr)} ≈ {value:.6g} > 0",) if value is not None and value > 0 else None
    if isinstance(expr, sp.Indexed) and expr.base in env.ctx.families and not _declared_index(expr, env):
        return _miss(env, "index", expr)  # q_0 or q_{K+1}: no positivity was declared there
    if isinstance(expr, sp.Indexed) and expr.base in env.ctx.families and env.ctx.families[expr.base].real_valued:
        lower = env.ctx.families[expr.base].lower
        why = positive(lower, env) if lower is not None else None
        return (*why, f"{lower} ≤ {expr.base}_i") if why is not None else _miss(env, "positive", expr)
    if isinstance(expr, sp.Symbol) and _binding(expr, env) is not None:
        # a summation index: its sign comes from its range, never from its own SymPy flags
        lo, hi = _binding(expr, env)
        if nonnegative(hi - lo + 1, env) and nonnegative(lo - 1, env):
            return (f"{lo} ≤ {expr.name} ≤ {hi}",)
        return _miss(env, "positive", expr)
    if isinstance(expr, sp.Symbol) and expr in env.ctx.integer_values and not expr.is_positive:
        return value_sign(expr, env, positive)  # k in lo..hi: positive when lo is
    if isinstance(expr, (sp.Indexed, sp.Symbol)):
        return (_base_fact(expr, env),) if expr.is_positive else _miss(env, "positive", expr)
    if isinstance(expr, sp.exp):
        return real(expr.args[0], env)
    if isinstance(expr, sp.Mul):
        found = sign(expr, env)
        return found[1] if found and found[0] > 0 else None
    if isinstance(expr, sp.Add):
        signs = [positive(a, env) for a in expr.args]  # () is a proof: positive with no assumption
        terms = _all(signs)
        if terms is None:  # a² + 1: one term positive, the others at least 0
            terms = _one_positive_rest_nonneg(expr, signs, env)
        terms = terms if terms is not None else _below_one_gap(expr, env)
        terms = terms if terms is not None else _bound_gap(expr, env, positive)
        return terms if terms is not None else value_gap(expr, env, positive)
    if isinstance(expr, sp.Pow):
        base = positive(expr.base, env)
        exp = real(expr.exp, env)
        if base is not None and exp is not None:
            return base + exp
        if expr.exp.is_integer and expr.exp.is_even:  # an even power of a nonzero number
            found = sign(expr.base, env)
            return found[1] if found else None
        return None
    if isinstance(expr, sp.Product):
        return positive(expr.function, env.inside(expr.limits))
    if isinstance(expr, sp.Sum):  # a sum of positive terms over a range that is not empty
        body = positive(expr.function, env.inside(expr.limits))
        if body is not None and all(nonnegative(hi - lo, env) for _, lo, hi in expr.limits):
            return body
        return None
    if isinstance(expr, sp.Function) and expr.is_positive:
        return (f"{getattr(expr.func, 'symbol_name', expr.func)}(·) > 0",)
    if env.misses is not None and _declarable(expr):  # the prover never pays for this
        _miss(env, "positive", expr)
    return None


@_declines
def nonneg(expr: sp.Basic, env: Env) -> Reasons | None:
    """Reasons that ``expr ≥ 0`` for every value the assumptions allow, or None: positive, or an even power or an
    absolute value of a real, or a sum or product of such (a sum over a range that does not run backwards)."""
    found = positive(expr, env)
    return found if found is not None else _nonneg_only(expr, env)


@_declines
def _nonneg_only(expr: sp.Basic, env: Env) -> Reasons | None:
    """:func:`nonneg` for an ``expr`` already not shown positive."""
    if expr.is_Number:
        return () if expr.is_extended_real and expr >= 0 else None
    if expr.is_number and not isinstance(expr, sp.Abs):
        return None  # not certified positive above; a hidden 0 cannot be told from a tiny negative number
    if isinstance(expr, sp.Abs):  # |z| ≥ 0 for every complex z
        return ()
    if isinstance(expr, sp.Pow) and expr.exp.is_integer and expr.exp.is_even and expr.exp.is_positive:
        return real(expr.base, env)  # a square of a real; i² = −1 is why the base must be real
    if isinstance(expr, sp.Add):
        terms = _all(nonneg(a, env) for a in expr.args)
        terms = terms if terms is not None else _bound_gap(expr, env, nonneg)
        return terms if terms is not None else value_gap(expr, env, nonneg)
    if isinstance(expr, sp.Mul):
        return _all(nonneg(a, env) for a in expr.args)
    if isinstance(expr, sp.Indexed) and expr.base in env.ctx.families:
        return _member_nonneg(expr, env)
    if isinstance(expr, (sp.Sum, sp.Product)) and all(nonnegative(hi - lo + 1, env) for _, lo, hi in expr.limits):
        return nonneg(expr.function, env.inside(expr.limits))
    if isinstance(expr, (sp.Symbol, sp.Indexed)) and _binding(expr, env) is None and expr.is_nonnegative:
        return (f"{expr} ≥ 0",)
    if isinstance(expr, sp.Symbol) and expr in env.ctx.integer_values and _binding(expr, env) is None:
        return value_sign(expr, env, nonneg)
    return None


@_declines
def real(expr: sp.Basic, env: Env) -> Reasons | None:
    """Reasons that ``expr`` is real; SymPy's assumptions on declared symbols decide the atoms."""
    if isinstance(expr, (sp.Sum, sp.Product)):
        return real(expr.function, env.inside(expr.limits))
    if isinstance(expr, (sp.Add, sp.Mul)):
        return _all(real(a, env) for a in expr.args)
    if isinstance(expr, sp.log):
        return positive(expr.args[0], env)
    if expr.is_extended_real and expr.is_finite is not False:
        return ()
    if env.misses is not None and _declarable(expr):  # the prover never pays for this
        _miss(env, "real", expr)
    return None


@_declines
def integer(expr: sp.Basic, env: Env) -> Reasons | None:
    """Reasons that ``expr`` is an integer (declared integer data, sizes, indices)."""
    if expr.is_integer:
        if isinstance(expr, sp.Indexed):
            return (f"{expr.base}_k integer",)
        return ()
    return _miss(env, "integer", expr)


def nonnegative(expr: sp.Expr, env: Env) -> bool:
    """True if ``expr ≥ 0`` follows from the declared size minimums (sizes are integers ≥ their minimum)."""
    shifted = sp.expand(
        expr.xreplace({s: sp.Dummy(s.name, integer=True, nonnegative=True) + m for s, m in env.ctx.sizes.items()})
    )
    return shifted.is_nonnegative is True


def in_range(expr: sp.Expr, lo: sp.Expr, hi: sp.Expr, env: Env) -> Reasons | None:
    """Reasons that ``lo ≤ expr ≤ hi``: from a data declaration or the range of an enclosing index."""
    ranges: list[tuple[sp.Expr, sp.Expr, str]] = []
    if isinstance(expr, sp.Indexed) and expr.base in env.ctx.datasets and _declared_index(expr, env):
        spec = env.ctx.datasets[expr.base]
        ranges.append((spec.values[0], spec.values[1], f"{spec.values[0]} ≤ {expr.base}_k ≤ {spec.values[1]}"))
    if expr in env.ctx.integer_values and _binding(expr, env) is None:  # an index of that name shadows the value
        vlo, vhi = env.ctx.integer_values[expr]
        ranges.append((vlo, vhi, f"{vlo} ≤ {expr} ≤ {vhi}"))
    for var, vlo, vhi in reversed(env.bounds):  # innermost first: an inner binding shadows an outer one
        if var == expr:
            # Σ_{var=vlo}^{vhi} ranges over vlo..vhi only when vhi ≥ vlo - 1 (Karr: else it runs backwards).
            if nonnegative(vhi - vlo + 1, env):
                ranges.append((vlo, vhi, f"{vlo} ≤ {var} ≤ {vhi}"))
            break
    if expr.is_Integer:
        ranges.append((expr, expr, ""))
    for rlo, rhi, why in ranges:
        if nonnegative(rlo - lo, env) and nonnegative(hi - rhi, env):
            return (why,) if why else ()
    return _miss(env, "range", expr, lo, hi)


@_declines
def sign(expr: sp.Expr, env: Env) -> tuple[int, Reasons] | None:
    """``(+1, reasons)`` if ``expr > 0``, ``(-1, reasons)`` if ``expr < 0``, None if neither can be shown."""
    if expr.is_Number:
        return (1, ()) if expr.is_positive else (-1, ()) if expr.is_negative else None
    if isinstance(expr, sp.Mul):
        total, reasons = 1, ()
        for factor in expr.args:
            found = sign(factor, env)
            if found is None:
                return None
            total *= found[0]
            reasons += tuple(r for r in found[1] if r not in reasons)
        return total, reasons
    if isinstance(expr, sp.Pow) and expr.exp.is_integer and expr.exp.is_odd:
        return sign(expr.base, env)
    why = positive(expr, env)
    if why is not None:
        return 1, why
    why = positive(sp.expand(-expr), env) if isinstance(expr, sp.Add) else None
    return (-1, why) if why is not None else None


def _one_positive_rest_nonneg(expr: sp.Add, signs: list, env: Env) -> Reasons | None:
    """``signs``: each term's :func:`positive`, already asked; the rest need only be at least 0."""
    first = next((n for n, why in enumerate(signs) if why is not None), None)
    if first is None:
        return None
    rest = _all(
        signs[n] if signs[n] is not None else _nonneg_only(a, env) for n, a in enumerate(expr.args) if n != first
    )
    return None if rest is None else tuple(dict.fromkeys(signs[first] + rest))


def _binding(var: sp.Symbol, env: Env) -> tuple[sp.Expr, sp.Expr] | None:
    """The range of the innermost enclosing sum or product that binds ``var``, or None when it is free."""
    for v, lo, hi in reversed(env.bounds):
        if v == var:
            return lo, hi
    return None


def _below_one_gap(expr: sp.Add, env: Env) -> Reasons | None:
    """``c − u_1 − … − u_m + (positive terms)`` with each u_j a declared probability below one and c ≥ m:
    positive, since every 1 − u_j > 0 (e.g. 1 − ŷ_i)."""
    const = sum((a for a in expr.args if a.is_Number), sp.Integer(0))
    gaps, reasons = 0, []
    for a in expr.args:
        if a.is_Number:
            continue
        coeff, rest = a.as_coeff_Mul()
        spec = env.ctx.families.get(rest.base) if isinstance(rest, sp.Indexed) else None
        if coeff == -1 and spec is not None and spec.below_one and _declared_index(rest, env):
            gaps += 1
            reasons.append(f"{rest.base}_i < 1")
            continue
        if coeff == -1 and rest in env.ctx.unit_scalars:
            gaps += 1
            reasons.append(f"{rest} < 1")
            continue
        if coeff == -1 and isinstance(rest, (sp.Symbol, sp.Indexed)) and const.is_real and const >= gaps + 1:
            _miss(env, "below_one", rest)  # 1 − rest would be positive if rest were declared below one
        why = positive(a, env)
        if why is None:
            return None
        reasons.extend(why)
    if gaps == 0 or not (const.is_real and const >= gaps):
        return None
    return tuple(dict.fromkeys(reasons))


def declared_bounds(expr: sp.Basic, env: Env) -> tuple[sp.Expr | None, sp.Expr | None]:
    """``(lower, upper)`` with ``lower ≤ expr ≤ upper`` declared, for a member of a declared family at a declared
    index (else ``(None, None)``): the bounds given with ``lower=``/``upper=``, or the family's own (0 for a
    positive or nonnegative family, 1 below one or summing to one) where that one is the tighter known one."""
    spec = env.ctx.families.get(expr.base) if isinstance(expr, sp.Indexed) else None
    if spec is None or not _declared_index(expr, env):
        return None, None
    own_lower = sp.Integer(0) if spec.nonnegative or not spec.real_valued else None
    own_upper = sp.Integer(1) if spec.below_one or spec.sums_to_one else None
    return _tighter(spec.lower, own_lower, env, 1), _tighter(spec.upper, own_upper, env, -1)


def _tighter(declared: sp.Expr | None, own: sp.Expr | None, env: Env, side: int) -> sp.Expr | None:
    """Of two bounds on one side (``side`` 1 for lower, -1 for upper), the declared one unless the family's own
    is known to be tighter."""
    if declared is None or own is None:
        return own if declared is None else declared
    return own if nonneg(side * (own - declared), env) is not None else declared


def _member_nonneg(expr: sp.Indexed, env: Env) -> Reasons | None:
    """``z_i ≥ 0`` for a member of a nonnegative family, or of one whose declared lower bound is at least 0."""
    spec = env.ctx.families[expr.base]
    if not _declared_index(expr, env):
        return _miss(env, "index", expr)
    if spec.nonnegative:
        return (f"{expr.base}_i ≥ 0",)
    if spec.lower is not None:
        why = nonneg(spec.lower, env)
        if why is not None:
            return (*why, f"{spec.lower} ≤ {expr.base}_i")
    return _miss(env, "nonnegative", expr) if spec.real_valued else (f"{expr.base}_i > 0",)


def _bound_gap(expr: sp.Add, env: Env, rest_sign) -> Reasons | None:
    """``c·(upper − z_i) + rest`` or ``c·(z_i − lower) + rest`` with a bound given by ``upper=``/``lower=``, a
    number ``c > 0``, and ``rest_sign(rest)`` shown (``nonneg`` for ``≥ 0``, ``positive`` for ``> 0``): the
    simplest use of a bound. Only one term may use a bound, so the query on ``rest`` never comes back here with
    a bounded term (no search over combinations). General reasoning with bounds (a bound inside exp, a sum of
    bounds) is the inequality prover's."""
    found = []
    for term in expr.args:
        coeff, member = term.as_coeff_Mul()
        spec = env.ctx.families.get(member.base) if isinstance(member, sp.Indexed) and coeff else None
        if spec is not None:
            found.append((coeff, member, spec.upper if coeff < 0 else spec.lower, spec))
    usable = [f for f in found if f[2] is not None]
    if not usable:
        if len(found) == 1 and found[0][3].real_valued:
            _miss_bound(expr, found[0][0], found[0][1], env)
        return None
    if len(usable) > 1 or not _declared_index(usable[0][1], env):
        return None
    coeff, member, bound, _ = usable[0]
    why = f"{member.base}_i ≤ {bound}" if coeff < 0 else f"{bound} ≤ {member.base}_i"
    rest = sp.expand(expr - abs(coeff) * ((bound - member) if coeff < 0 else (member - bound)))
    if member in rest.atoms(sp.Indexed):
        return None
    shown = rest_sign(rest, env)
    return None if shown is None else tuple(dict.fromkeys((why, *shown)))


def _miss_bound(expr: sp.Add, coeff: sp.Number, member: sp.Indexed, env: Env) -> None:
    """Record the bound that would sign ``expr = c·(b − z_i)`` (or ``c·(z_i − b)``) exactly: ``z_i ≤ b``
    (``≥ b``), when ``b`` is an expression a declaration may use (no family, no index)."""
    if env.misses is None:
        return
    b = sp.expand(-(expr - coeff * member) / coeff)
    if b.has(sp.Indexed) or any(_binding(s, env) is not None for s in b.free_symbols):
        return
    if coeff < 0:
        _miss(env, "upper", member, hi=b)
    else:
        _miss(env, "lower", member, lo=b)


def _declared_index(expr: sp.Indexed, env: Env) -> bool:
    """The index of a declared data value or family member lies in its declared range (x_0 is not declared)."""
    spec = env.ctx.datasets.get(expr.base) or env.ctx.families.get(expr.base)
    if spec is None or len(expr.indices) != len(spec.ranges):
        return spec is None
    fixed = {s: sp.Integer(v) for s, v in env.sizes}
    quiet = Env(env.ctx, env.bounds, env.sizes)  # the caller records the member as undeclared, not its index
    return all(
        in_range(i, lo.xreplace(fixed), hi.xreplace(fixed), quiet) is not None
        for i, (lo, hi) in zip(expr.indices, spec.ranges)
    )


def all_positive(exprs, env: Env) -> Reasons | None:
    """Reasons that every one of ``exprs`` is positive, or None."""
    return _all(positive(e, env) for e in exprs)


def _all(parts) -> Reasons | None:
    out: list[str] = []
    for p in parts:
        if p is None:
            return None
        out.extend(r for r in p if r not in out)
    return tuple(out)
