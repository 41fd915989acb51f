"""Align finite sums and products whose ranges differ by constants, and factorials whose arguments do.

The normaliser rewrites one subterm at a time, so it cannot know that Σ_{k=1}^{N+1} f_k on one side should meet
Σ_{k=1}^{N} f_k on the other, or that Σ_{k=1}^{N} a_{k+1} and Σ_{k=1}^{N} a_k share all but two terms. This pass
looks at both sides at once (Mathlib's ``Finset.sum_range_succ``, ``sum_range_succ'``, ``sum_range_reflect``,
``sum_Ico_consecutive``, ``Nat.factorial_succ``):

0. two sums over one body and adjacent ranges, added (or two such products, multiplied), become one
   (``sum_range_merge``, Mathlib's ``Finset.sum_Ico_consecutive``);
1. every one-limit Sum (or Product) is related to an earlier one whose body is the same up to an index shift
   k ↦ k + s or a reflection k ↦ s − k, with ``s`` an integer (``sum_shift``, ``sum_reflect``);
2. in each class of sums over the same body whose ends differ by integer constants, every member is split into
   the common range and the terms at either end (``sum_split_first``, ``sum_split_last``);
3. ``x^(B + c)`` is written as ``x^(B + c₀)·x^(c − c₀)`` for the smallest ``c₀`` present, where ``B + c₀`` is a
   nonnegative integer or ``x > 0`` (``pow_succ``; SymPy's ``expand`` leaves ``x·x^(N−1)`` apart from ``x^N``);
4. ``(B + c)!`` is written as ``(B + c)(B + c − 1)⋯(B + c₀ + 1)·(B + c₀)!`` for the smallest ``c₀`` present, where
   ``B + c₀ ≥ 0`` (``factorial_succ``).

Side conditions: every range involved, and the common range, must not run backwards (upper ≥ lower − 1, shown
from the declared size minimums), so the textbook reading (an empty sum is 0) and SymPy's Karr reading agree;
at most :data:`MAX_PEEL` terms are split off a sum. Bodies are compared with the exact comparison, never
``simplify``. Declining is always sound: the sides are then compared as they are.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import sympy as sp

from derive.core.evidence import TraceEntry
from derive.core.hygiene import substitute
from derive.engine.compare import exactly_equal
from derive.engine.defined import shown_nonnegative
from derive.engine.facts import Env, nonnegative, positive, real
from derive.engine.rules.base import Inference

MAX_PEEL = 16  # terms split off one sum
MAX_CANDIDATES = 8  # shifts tried per pair of bodies
MAX_MERGES = 4  # adjacent sums merged per side

#: The trace steps this pass makes, for the rule table.
INFERENCES = (
    Inference(
        "sum_range_merge",
        r"$\sum_{k=a}^{b} f_{k} + \sum_{k=b+1}^{c} f_{k} = \sum_{k=a}^{c} f_{k}$ (and $\prod$ alike)",
        r"$b \geq a - 1$, $c \geq b$",
    ),
    Inference(
        "sum_shift",
        r"$\sum_{k=a}^{b} f_{k+s} = \sum_{k=a+s}^{b+s} f_{k}$",
        "s an integer; applied to meet a sum over the same body on either side",
    ),
    Inference(
        "sum_reflect",
        r"$\sum_{k=a}^{b} f_{s-k} = \sum_{k=s-b}^{s-a} f_{k}$",
        r"s an integer, $b \geq a - 1$",
    ),
    Inference(
        "sum_split_first",
        r"$\sum_{k=a}^{b} f_{k} = f_{a} + \sum_{k=a+1}^{b} f_{k}$ (and $\prod$ alike)",
        rf"$b \geq a$; to reach the range common to the sums over one body; at most {MAX_PEEL} terms",
    ),
    Inference(
        "sum_split_last",
        r"$\sum_{k=a}^{b} f_{k} = \sum_{k=a}^{b-1} f_{k} + f_{b}$ (and $\prod$ alike)",
        rf"$b \geq a$; to reach the range common to the sums over one body; at most {MAX_PEEL} terms",
    ),
    Inference(
        "pow_succ",
        r"$x^{n + 1} = x^{n} \cdot x$",
        r"$n \geq 0$ an integer, or $x > 0$ and $n$ real; to meet the smallest power of the same base",
    ),
    Inference(
        "factorial_succ",
        r"$(n + 1)! = (n + 1) \cdot n!$",
        r"$n \geq 0$ an integer; to meet the smallest factorial of the same argument",
    ),
)


@dataclass
class _Member:
    node: sp.Basic  # the Sum/Product as it occurs
    how: str  # "same", "shift" or "reflect"
    shift: sp.Expr
    lo: sp.Expr  # its range, read over the class representative's index
    hi: sp.Expr


@dataclass
class _Class:
    rep: sp.Basic
    members: list[_Member] = field(default_factory=list)


def align(left: sp.Expr, right: sp.Expr, env: Env) -> tuple[sp.Expr, sp.Expr, list[TraceEntry]] | None:
    """Both sides with their sums aligned and factorials lowered, and the trace of it; None when nothing moved."""
    sides = {"lhs": left, "rhs": right}
    trace: list[TraceEntry] = []
    for side in sides:
        for _ in range(MAX_MERGES):
            merge = _merge(sides[side], env)
            if merge is None:
                break
            _replace(sides, *merge, trace)
    # the classes of the sides as merged: a sum merged away is no member
    for cls in _classes([sides["lhs"], sides["rhs"]], env):
        for rule, (target, result), why in _plan(cls, env) or ():
            _replace(sides, target, result, rule, why, trace)
    lowered = _factorials([sides["lhs"], sides["rhs"]], env) + _powers([sides["lhs"], sides["rhs"]], env)
    for rule, target, result, why in lowered:
        _replace(sides, target, result, rule, why, trace)
    if not trace:
        return None
    return sides["lhs"], sides["rhs"], trace


def _replace(sides: dict, target, result, rule, why, trace) -> None:
    for side in sides:
        if sides[side].has(target):
            before = sides[side]
            sides[side] = before.xreplace({target: result})
            trace.append(_entry(rule, side, target, result, before, sides[side], why))


def _entry(rule, side, target, result, before, after, why) -> TraceEntry:
    return TraceEntry(
        rule=rule,
        side=side,
        assumptions=tuple(why),
        target=sp.srepr(target),
        result=sp.srepr(result),
        before=sp.srepr(before),
        after=sp.srepr(after),
    )


# -- classes of sums over one body --------------------------------------------------------------------------------
def _operators(e: sp.Basic, out: list) -> None:
    """One-limit Sums and Products not inside another (their bounds then mention no bound index)."""
    if isinstance(e, (sp.Sum, sp.Product)):
        if len(e.limits) == 1 and e not in out:
            out.append(e)
        return
    for arg in e.args:
        _operators(arg, out)


def _classes(exprs, env: Env) -> list[_Class]:
    nodes: list = []
    for e in exprs:
        _operators(e, nodes)
    classes: list[_Class] = []
    for node in nodes:
        for cls in classes:
            member = _relate(node, cls, env)
            if member is not None:
                cls.members.append(member)
                break
        else:
            var, lo, hi = node.limits[0]
            classes.append(_Class(node, [_Member(node, "same", sp.Integer(0), lo, hi)]))
    return [c for c in classes if len(c.members) > 1]


def _relate(node: sp.Basic, cls: _Class, env: Env) -> _Member | None:
    """``node`` as a sum over the representative's body: its range read over that body's index, when the ends
    differ from the representative's by integer constants."""
    rep = cls.rep
    if type(node) is not type(rep):
        return None
    j, lo, hi = node.limits[0]
    k, rlo, rhi = rep.limits[0]
    f, g = node.function, rep.function
    for how, s in _candidates(f, j, g, k):
        image = substitute(g, {k: j + s}) if how == "shift" else substitute(g, {k: s - j})
        if not exactly_equal(f, image, env.ctx):
            continue
        nlo, nhi = (lo + s, hi + s) if how == "shift" else (s - hi, s - lo)
        if _offset(nlo, rlo) is None or _offset(nhi, rhi) is None:
            continue
        if how == "shift" and s == 0:
            how = "same"
        return _Member(node, how, s, nlo, nhi)
    return None


def _offset(a: sp.Expr, b: sp.Expr) -> int | None:
    d = sp.expand(a - b)
    return int(d) if d.is_Integer else None


def _candidates(f: sp.Expr, j: sp.Symbol, g: sp.Expr, k: sp.Symbol) -> list[tuple[str, sp.Expr]]:
    """Shifts ``s`` with f(j) = g(j + s) and reflections with f(j) = g(s − j) worth trying: from the subterms of
    each body that are ±index + constant, and from the two highest coefficients of polynomial bodies."""
    out: list[tuple[str, sp.Expr]] = [("shift", sp.Integer(0))]
    fl, gl = _linear_parts(f, j), _linear_parts(g, k)
    for c1, d1 in fl:
        for c2, d2 in gl:
            out.append(("shift" if c1 == c2 else "reflect", sp.expand((d1 - d2) / c2)))
    out += _polynomial_candidates(f, j, g, k)
    seen, unique = set(), []
    for how, s in out:
        if (how, s) not in seen and s.is_integer and j not in s.free_symbols and k not in s.free_symbols:
            seen.add((how, s))
            unique.append((how, s))
    return unique[:MAX_CANDIDATES]


def _linear_parts(e: sp.Expr, var: sp.Symbol) -> list[tuple[int, sp.Expr]]:
    """``(c, d)`` for each subterm ``c·var + d`` of ``e`` with ``c = ±1`` and ``d`` free of ``var``."""
    out = []
    for node in sp.preorder_traversal(e):
        if var in getattr(node, "free_symbols", ()) and isinstance(node, (sp.Symbol, sp.Add, sp.Mul)):
            c = sp.Integer(1) if node == var else node.coeff(var) if isinstance(node, sp.Add) else node / var
            d = sp.expand(node - c * var)
            if c in (1, -1) and var not in d.free_symbols:
                out.append((int(c), d))
    return out


def _polynomial_candidates(f, j, g, k) -> list[tuple[str, sp.Expr]]:
    try:
        pf, pg = sp.Poly(f, j), sp.Poly(g, k)
    except sp.PolynomialError:
        return []
    n = pf.degree()
    if n < 1 or n != pg.degree() or any(j in c.free_symbols for c in pf.all_coeffs()):
        return []
    (_, fm), (gn, gm) = pf.all_coeffs()[:2], pg.all_coeffs()[:2]
    # g(j + s) has j^(n-1) coefficient gm + n·gn·s; g(s − j) has (−1)^(n−1)(gm + n·gn·s)
    return [
        ("shift", sp.expand((fm - gm) / (n * gn))),
        ("reflect", sp.expand(((-1) ** (n - 1) * fm - gm) / (n * gn))),
    ]


def _merge(e: sp.Expr, env: Env):
    """``(target, result, "sum_range_merge", why)`` for the first two sums over one body and adjacent ranges in one
    Add (products in one Mul), neither range backwards: Σ_a^b f + Σ_{b+1}^c f becomes Σ_a^c f. None if there are
    none."""
    for node in sp.preorder_traversal(e):
        if not isinstance(node, (sp.Add, sp.Mul)):
            continue
        kind = sp.Sum if isinstance(node, sp.Add) else sp.Product
        terms = [t for t in node.args if isinstance(t, kind) and len(t.limits) == 1]
        for first in terms:
            for second in terms:
                merged = _merged(first, second, env)
                if merged is not None:
                    rest = [t for t in node.args if t not in (first, second)]
                    (_, a, b), (_, c, d) = first.limits[0], second.limits[0]
                    why = (f"{sp.sstr(b)} ≥ {sp.sstr(a)} - 1", f"{sp.sstr(d)} ≥ {sp.sstr(c)} - 1")
                    return node, node.func(merged, *rest), "sum_range_merge", why
    return None


def _merged(first, second, env: Env):
    if first is second:
        return None
    (j, a, b), (k, c, d) = first.limits[0], second.limits[0]
    if sp.expand(b + 1 - c) != 0 or not (shown_nonnegative(b - a + 1, env) and shown_nonnegative(d - c + 1, env)):
        return None
    if not exactly_equal(first.function, substitute(second.function, {k: j}), env.ctx):
        return None
    return type(first)(first.function, (j, a, d))


# -- the split ------------------------------------------------------------------------------------------------------
def _plan(cls: _Class, env: Env):
    """The rewrites that take every member to the common range, ``(rule, (target, result), why)`` in order, or None
    when a side condition fails."""
    k, rlo, rhi = cls.rep.limits[0]
    low = max(_offset(m.lo, rlo) for m in cls.members)
    high = min(_offset(m.hi, rhi) for m in cls.members)
    lo, hi = rlo + low, rhi + high
    if not shown_nonnegative(hi - lo + 1, env):
        return None
    for m in cls.members:
        j, mlo, mhi = m.node.limits[0]
        if not shown_nonnegative(mhi - mlo + 1, env):
            return None
        if _offset(lo, m.lo) + _offset(m.hi, hi) > MAX_PEEL:
            return None
    common = (k, lo, hi)
    if all(m.how == "same" and (m.lo, m.hi) == (lo, hi) for m in cls.members):
        return None
    kind, join = (sp.Sum, sp.Add) if isinstance(cls.rep, sp.Sum) else (sp.Product, sp.Mul)
    steps = []
    for m in cls.members:
        current = m.node
        if m.how != "same":
            moved = kind(cls.rep.function, (k, m.lo, m.hi))
            steps.append((f"sum_{m.how}", (current, moved), (f"s = {sp.sstr(m.shift)}",)))
            current = moved
        n_first, n_last = _offset(lo, m.lo), _offset(m.hi, hi)
        if n_first or n_last:
            body = cls.rep.function
            first = [substitute(body, {k: m.lo + t}) for t in range(n_first)]
            last = [substitute(body, {k: hi + 1 + t}) for t in range(n_last)]
            split = join(*first, kind(body, common), *last)
            range_fact = f"{sp.sstr(m.hi)} ≥ {sp.sstr(m.lo)} - 1"
            rule = "sum_split_last" if n_last and not n_first else "sum_split_first"
            steps.append((rule, (current, split), (range_fact, f"{sp.sstr(hi)} ≥ {sp.sstr(lo)} - 1")))
    return steps


# -- factorials -----------------------------------------------------------------------------------------------------
def _factorials(exprs, env: Env):
    """``(B + c)!`` lowered to the smallest ``(B + c₀)!`` of the same ``B`` in either side."""
    groups: dict = {}
    for e in exprs:
        for node in sp.preorder_traversal(e):
            if isinstance(node, sp.factorial):
                c, base = node.args[0].as_coeff_Add()
                if c.is_Integer:
                    groups.setdefault(base, set()).add(int(c))
    out = []
    for base, offsets in groups.items():
        lowest = min(offsets)
        smallest = base + lowest
        if len(offsets) < 2 or not smallest.is_integer or not nonnegative(smallest, env):
            continue
        for c in sorted(offsets - {lowest}):
            factors = [base + t for t in range(lowest + 1, c + 1)]
            result = sp.Mul(*factors) * sp.factorial(smallest)
            out.append(("factorial_succ", sp.factorial(base + c), result, (f"{sp.sstr(smallest)} ≥ 0",)))
    return out


# -- powers ---------------------------------------------------------------------------------------------------------
def _powers(exprs, env: Env):
    """``x^(B + c)`` lowered to ``x^(B + c₀)·x^(c − c₀)`` for the smallest ``c₀`` of the same ``x`` and ``B``."""
    groups: dict = {}
    for e in exprs:
        for node in sp.preorder_traversal(e):
            if isinstance(node, sp.Pow) and not node.exp.is_Number:
                c, rest = node.exp.as_coeff_Add()
                if c.is_Integer:
                    groups.setdefault((node.base, rest), set()).add(int(c))
    out = []
    for (base, rest), offsets in groups.items():
        lowest = min(offsets)
        low = rest + lowest
        if len(offsets) < 2:
            continue
        if low.is_integer and nonnegative(low, env):
            why = (f"{sp.sstr(low)} ≥ 0",)
        else:
            pos, rl = positive(base, env), real(low, env)
            if pos is None or rl is None:
                continue
            why = pos + rl
        for c in sorted(offsets - {lowest}):
            out.append(("pow_succ", base ** (rest + c), sp.Mul(base**low, base ** (c - lowest), evaluate=False), why))
    return out
