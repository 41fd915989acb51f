"""What the checker accepts: finite sums with integer bounds over plain indices, and unambiguous symbols.

A claim outside this fragment is reported ``undecided`` with the reason, before any rule runs: the rules and
the sampler are sound only for it (an infinite or half-integer range, or two different symbols printed alike,
would let a correct-looking rewrite state something false, or a write-up say something else than was checked).
"""

from __future__ import annotations

import copy
import itertools

import sympy as sp

from derive.core.context import Context
from derive.core.names import claims_only_integer


def unsupported(lhs: sp.Expr, rhs: sp.Expr, ctx: Context) -> str:
    """Why the claim ``lhs = rhs`` is outside what the checker handles, or '' when it is fine. The definitions of
    the context are held to the same rules: a claim unfolds them."""
    for side in (lhs, rhs):
        problem = _outside_fragment(side, ctx, "the claim")
        if problem:
            return problem
    for d in ctx.definitions:
        problem = _outside_fragment(d.rhs, ctx, f"the definition {d.name}") or _sign_contradicted(d, ctx)
        if problem:
            return problem
    names: dict[str, sp.Basic] = {}
    for side in (lhs, rhs):
        for s in side.atoms(sp.Symbol):
            other = names.setdefault(s.name, s)
            if other != s:
                return f"two different symbols are both named {s.name} (different assumptions?)"
    return ""


def _over_the_real_line(integral: sp.Integral) -> bool:
    """``∫_{−∞}^{∞} f dx``: one variable, a plain symbol, over exactly the real line."""
    if len(integral.limits) != 1 or len(integral.limits[0]) != 3:
        return False
    x, lo, hi = integral.limits[0]
    return isinstance(x, sp.Symbol) and lo == -sp.oo and hi == sp.oo


def _outside_fragment(expr: sp.Expr, ctx: Context, what: str) -> str:
    if not isinstance(expr, sp.Basic):
        return ""
    # An integral over the whole real line (a Gaussian expectation written out) is in the fragment: the rules
    # integral_add, gaussian_integral and integral_gaussian prove some, the sampler evaluates them exactly; its
    # integrand is checked like any expression. Any other integral, limit or infinity is outside.
    lines = [a for a in expr.atoms(sp.Integral) if _over_the_real_line(a)]
    for integral in lines:
        reason = _outside_fragment(integral.function, ctx, f"the integrand of {integral}")
        if reason:
            return reason
    expr = expr.xreplace({a: sp.Dummy("integral", real=True) for a in lines}) if lines else expr
    if expr.has(sp.nan, sp.zoo, sp.oo, -sp.oo):
        return f"{what} contains an infinity or nan (no rule proves it, and no evaluation can)"
    for kind in (sp.Integral, sp.Limit):
        if expr.has(kind):
            return f"{what} contains {'an integral' if kind is sp.Integral else 'a limit'} (no rule proves it)"
    for node in sp.preorder_traversal(expr):
        if node.is_commutative is False:
            # the rules reorder factors (c·Σ f = Σ c·f): sound for numbers, not for matrices or operators
            return f"{what} has the non-commutative {node}; derive reasons about numbers, which commute"
        if isinstance(node, (sp.Sum, sp.Product)):
            for var, lo, hi in node.limits:
                if not isinstance(var, sp.Symbol):
                    return f"the index {var} of a sum or product is not a symbol"
                if var in ctx.sizes:
                    return f"the size {var} is used as a summation index"
                for bound in (lo, hi):
                    if bound.is_integer is not True or bound.is_finite is False:
                        kind = type(node).__name__.lower()
                        return f"the bound {bound} of the {kind} over {var} in {what} is not a finite integer"
                problem = index_assumptions(var, lo, hi, ctx)
                if problem:
                    return problem
        if isinstance(node, sp.KroneckerDelta) and len(node.args) != 2:
            return "a Kronecker delta with a range argument"
    return ""


SIGN_SPAN = 3  # sizes tried from their minimum up, besides those where a definition's value crosses zero
#: Further steps above the minimum, spread out, for a value that crosses zero without being linear ((7 − N)³ at
#: N = 8, 100 − N² at N = 11, log(8 − N)).
SIGN_SPREAD = (5, 8, 12, 16, 24, 32, 48, 64)
SIGN_TRIES = 60


def _sign_contradicted(d, ctx: Context) -> str:
    """A definition of something declared positive (a quantity, a member of a positive family, a positive
    function) whose value is not positive at some sizes and indices: the rules would trust the declaration, and
    prove what the definition refutes. Tried at the smallest sizes and indices, a few more, a spread up to 64
    above the minimum, and wherever the value, read as linear in one size or index, crosses zero (10 − N is
    tried at N = 10)."""
    if d.lhs.is_positive is not True:
        return ""
    from derive.checks.sampling import decidable, evaluate_at, linear_root, unfold_all  # the sampler imports its users

    family = isinstance(d.lhs, sp.Indexed) and d.lhs.base in ctx.families
    if d.params and not family:
        return ""  # a positive function of free parameters: no values to try them at
    rhs = unfold_all(d.rhs, ctx)
    ranges = dict(zip(d.params, ctx.families[d.lhs.base].ranges, strict=False)) if family else {}
    minimum = {s: sp.Integer(m) for s, m in ctx.sizes.items()}
    at_least = {**minimum, **{p: sp.sympify(lo).xreplace(minimum) for p, (lo, _) in ranges.items()}}
    steps = (*range(SIGN_SPAN + 1), *SIGN_SPREAD)
    options = {v: {int(m) + n for n in steps} for v, m in at_least.items() if m.is_Integer}
    for v in options:
        root = linear_root(rhs, v, {o: m for o, m in at_least.items() if o != v})
        if root is not None:
            options[v] |= {int(sp.floor(root)) + n for n in (0, 1, 2) if int(sp.floor(root)) + n >= at_least[v]}
    for values in itertools.islice(_combinations(options, at_least, ranges), SIGN_TRIES):
        try:
            value = evaluate_at(rhs.xreplace({p: values[p] for p in ranges}), values)
        except (ValueError, TypeError, RecursionError):
            return ""
        if not decidable(value) or value.has(sp.zoo, sp.nan, sp.oo, -sp.oo):
            continue
        if value.is_extended_real is False or (value.is_extended_real and sp.N(value, 30) <= 0):
            where = ", ".join(f"{k} = {v}" for k, v in values.items() if k in ctx.sizes or k in ranges)
            where = f" at {where}" if where else ""
            lhs = d.lhs.xreplace({p: values[p] for p in ranges})
            return (
                f"the definition {d.name} gives {sp.sstr(lhs)} = {sp.sstr(value)}{where}, "
                f"but {sp.sstr(d.lhs.func if not family else d.lhs.base)} is declared positive"
            )
    return ""


def _combinations(options: dict, at_least: dict, ranges: dict):
    """One symbol at a time moved to each of its options, the others at their least, sizes raised where an index
    needs them (q_6 exists once K ≥ 6); the point dropped when an index then lies outside its range."""
    seen = set()
    options = {None: {0}, **options}  # first everything at its least
    for moved, choices in options.items():
        for value in sorted(choices):
            values = dict(at_least) if moved is None else {**at_least, moved: sp.Integer(value)}
            for p, (lo, hi) in ranges.items():
                hi = sp.sympify(hi)
                for s in hi.free_symbols & set(values):
                    need = sp.solve(sp.Eq(hi, values[p]), s)
                    if need and need[0].is_Rational and need[0] > values[s]:
                        values[s] = sp.Integer(sp.ceiling(need[0]))
                if not (sp.sympify(lo).xreplace(values) <= values[p] <= hi.xreplace(values)):
                    break
            else:
                key = tuple(sorted((str(k), int(v)) for k, v in values.items()))
                if key not in seen:
                    seen.add(key)
                    yield values


#: What an index's range can imply about it: it runs over integers, so these always hold.
_ALWAYS = {"integer": True}


def index_assumptions(var: sp.Symbol, lo: sp.Expr, hi: sp.Expr, ctx: Context) -> str:
    """Why the SymPy assumptions of the summation index ``var`` are not implied by its range ``lo..hi``, or ''.

    SymPy applies an index's own flags while it builds an expression (with k positive, ``Sum(Abs(k), (k, -3,
    3))`` is already ``Sum(k, ...)``), and the rules read them; so an index may only claim what its range
    guarantees: integer always; positive, nonnegative, negative, nonpositive or nonzero when the declared
    sizes bound the range so (and the range cannot run backwards).
    """
    if claims_only_integer(var):
        return ""  # claims nothing a range of integers does not give (most indices: Symbol("k", integer=True))
    return not_implied(var, lo, hi, ctx)


def not_implied(var: sp.Symbol, lo: sp.Expr, hi: sp.Expr, ctx: Context) -> str:
    """:func:`index_assumptions` without its shortcut: the flags of ``var`` against the closure of what the
    range implies (about 10 ms: it builds an assumption closure)."""
    from derive.engine.facts import Env, nonnegative  # facts imports the model; this module stays light to import

    env = Env(ctx)
    lo, hi = sp.sympify(lo), sp.sympify(hi)
    implied = dict(_ALWAYS)
    if nonnegative(hi - lo + 1, env):
        if nonnegative(lo - 1, env):
            implied["positive"] = True
        elif nonnegative(lo, env):
            implied["nonnegative"] = True
        if nonnegative(-1 - hi, env):
            implied["negative"] = True
        elif nonnegative(-hi, env):
            implied["nonpositive"] = True
    closure = sp.Dummy(**implied).assumptions0
    claimed = {f: v for f, v in var.assumptions0.items() if f != "commutative"}
    extra = sorted(f for f, v in claimed.items() if closure.get(f) != v)
    if not extra:
        return ""
    typed = getattr(var, "_assumptions_orig", None) or claimed  # what the author wrote, before SymPy's closure
    shown = [f for f in typed if f != "commutative" and closure.get(f) != typed[f]] or extra
    flags = ", ".join(f"{f}={typed.get(f, claimed.get(f))}" for f in shown)
    return (
        f"the summation index {var} is declared {flags}, which its range {lo}..{hi} does not imply; "
        f"declare it Symbol({var.name!r}, integer=True)"
    )


def implied_index_ranges(exprs, ctx: Context) -> dict[sp.Symbol, tuple[sp.Expr, sp.Expr]]:
    """The undeclared integer symbols that ``exprs`` use as the index of a declared family or data member, each
    with that member's range: ∂L/∂z_i with ``i = Symbol("i", integer=True)`` reads, as in every textbook, "for
    each i in z's range" (z_i exists nowhere else, so no claim about it says anything outside that range).

    A symbol qualifies only when every one of its free occurrences as an index is the whole index (``z_i``, not
    ``z_{i+1}``), all of them in positions with one and the same declared range, its SymPy flags follow from that
    range (integer=True alone always does), and it is not a size, a declared value or a summation index here.
    Anything else is left undeclared: the report of why a step was not proved then names the declaration."""
    ranges: dict[sp.Symbol, set] = {}
    refused: set = set()
    for e in exprs:
        if isinstance(e, sp.Basic):
            _index_uses(e, ctx, frozenset(), ranges, refused)
    out = {}
    for s, found in ranges.items():
        if s in refused or len(found) != 1 or s in ctx.sizes or s in ctx.integer_values:
            continue
        lo, hi = next(iter(found))
        if index_assumptions(s, lo, hi, ctx):
            continue
        out[s] = (lo, hi)
    return out


def _index_uses(e: sp.Basic, ctx: Context, bound: frozenset, ranges: dict, refused: set) -> None:
    """Record in ``ranges`` the declared range of each position where a free integer symbol is a whole index,
    and in ``refused`` the symbols also found inside a larger index expression."""
    if isinstance(e, (sp.Sum, sp.Product)):
        inner = bound
        for var, lo, hi in e.limits:
            _index_uses(lo, ctx, inner, ranges, refused)
            _index_uses(hi, ctx, inner, ranges, refused)
            inner = inner | {var}
        _index_uses(e.function, ctx, inner, ranges, refused)
        return
    if isinstance(e, sp.Indexed):
        spec = ctx.families.get(e.base) or ctx.datasets.get(e.base)
        for pos, index in enumerate(e.indices):
            for s in index.free_symbols - bound:
                if not isinstance(s, sp.Symbol) or s.is_integer is not True:
                    continue
                if index == s and spec is not None and pos < len(spec.ranges):
                    ranges.setdefault(s, set()).add(tuple(spec.ranges[pos]))
                else:
                    refused.add(s)
        return
    for arg in e.args:
        _index_uses(arg, ctx, bound, ranges, refused)


def with_implied_indices(lhs: sp.Expr, rhs: sp.Expr, ctx: Context) -> Context:
    """``ctx`` with the claim's :func:`implied_index_ranges` declared as ``ctx.value`` would (a copy: the next
    step may use the symbol otherwise), or ``ctx`` itself when there are none. The prover's range facts and the
    sampler both read ``integer_values``, so a proof and its guard see the same reading."""
    implied = implied_index_ranges([lhs, rhs], ctx)
    if not implied:
        return ctx
    new = copy.copy(ctx)
    new.integer_values = {**ctx.integer_values, **implied}
    return new
