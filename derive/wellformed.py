"""What the checker accepts: finite sums with integer bounds over plain indices, and unambiguous symbols.

A claim outside this fragment is reported ``undecided`` with the reason, before any rule runs: the rules and
the sampler are sound only for it (an infinite or half-integer range, or two different symbols printed alike,
would let a correct-looking rewrite state something false, or a write-up say something else than was checked).
"""

from __future__ import annotations

import itertools

import sympy as sp

from derive.model import Context


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


def _outside_fragment(expr: sp.Expr, ctx: Context, what: str) -> str:
    if not isinstance(expr, sp.Basic):
        return ""
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


def _sign_contradicted(d, ctx: Context) -> str:
    """A definition of something declared positive (a quantity, a member of a positive family, a positive
    function) whose value is not positive at the smallest sizes: the rules would trust the declaration, and
    prove what the definition refutes."""
    if d.lhs.is_positive is not True:
        return ""
    from derive.sampling import decidable, evaluate_at, unfold_all  # the sampler imports this module's users

    sizes = {s: sp.Integer(m) for s, m in ctx.sizes.items()}
    choices: list[dict] = [{}]
    if isinstance(d.lhs, sp.Indexed) and d.lhs.base in ctx.families:
        ranges = ctx.families[d.lhs.base].ranges
        spans = []
        for (lo, hi), param in zip(ranges, d.params, strict=False):
            lo, hi = (sp.sympify(b).xreplace(sizes) for b in (lo, hi))
            if not (lo.is_Integer and hi.is_Integer):
                return ""
            spans.append([(param, sp.Integer(v)) for v in range(int(lo), min(int(hi), int(lo) + 2) + 1)])
        choices = [dict(c) for c in itertools.product(*spans)]
    elif d.params:
        return ""  # a positive function of free parameters: no values to try them at
    for values in choices:
        try:
            value = evaluate_at(unfold_all(d.rhs.xreplace(values), ctx), sizes)
        except (ValueError, TypeError, RecursionError):
            return ""
        if not decidable(value) or value.has(sp.zoo, sp.nan, sp.oo, -sp.oo):
            continue
        if value.is_extended_real is False or (value.is_extended_real and sp.N(value, 30) <= 0):
            where = ", ".join(f"{k} = {v}" for k, v in {**sizes, **values}.items())
            where = f" at {where}" if where else ""
            return (
                f"the definition {d.name} gives {sp.sstr(d.lhs.xreplace(values))} = {sp.sstr(value)}{where}, "
                f"but {sp.sstr(d.lhs.func if not isinstance(d.lhs, sp.Indexed) else d.lhs.base)} is declared positive"
            )
    return ""


#: What an index's range can imply about it: it runs over integers, so these always hold.
_ALWAYS = {"integer": True}
_INTEGER_ONLY = set(sp.Dummy(integer=True).assumptions0.items()) | {("commutative", True)}


def index_assumptions(var: sp.Symbol, lo: sp.Expr, hi: sp.Expr, ctx: Context) -> str:
    """Why the SymPy assumptions of the summation index ``var`` are not implied by its range ``lo..hi``, or ''.

    SymPy applies an index's own flags while it builds an expression (with k positive, ``Sum(Abs(k), (k, -3,
    3))`` is already ``Sum(k, ...)``), and the rules read them; so an index may only claim what its range
    guarantees: integer always; positive, nonnegative, negative, nonpositive or nonzero when the declared
    sizes bound the range so (and the range cannot run backwards).
    """
    from derive.facts import Env, nonnegative  # facts imports the model; this module stays light to import

    if set(var.assumptions0.items()) <= _INTEGER_ONLY:
        return ""  # claims nothing a range of integers does not give (most indices: Symbol("k", integer=True))

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
