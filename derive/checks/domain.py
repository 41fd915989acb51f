"""Inside the declarations: the one predicate that says whether values are allowed by a context.

Every value the checker puts into a claim goes through :func:`violation`: the points the sampler draws, an
author's ``≠`` witness, an ``example`` step's values, and every counterexample before it is reported. A point
is inside when

- each size is an integer at least its declared minimum;
- each data value ``x_k`` is an integer in its declared range, at an index inside the declared index ranges;
- each ``ctx.value`` is an integer in its range (ends evaluated at the point's sizes);
- each family member is positive (real for ``ctx.real``, at least 0 for ``ctx.nonnegative``), below one where
  ``below_one`` is declared, within its declared ``lower=``/``upper=`` (read at the point's sizes and scalars, which
  must then be given), at a declared index, and a family declared ``sums_to_one`` is given in full for each column
  and sums to exactly 1;
- each probability (``ctx.probability``) lies strictly between 0 and 1;
- each other symbol's value has every property its SymPy assumptions state (positive, integer, real, …).

Nothing here proves anything: it is arithmetic on the given numbers, so that "inside" means one thing everywhere.
"""

from __future__ import annotations

from collections.abc import Mapping

import sympy as sp

from derive.core.context import Context

#: What each SymPy assumption of a symbol demands of a value, checked on the value by SymPy's own queries.
_IGNORED = {"commutative"}


def violation(values: Mapping[sp.Basic, sp.Basic], ctx: Context) -> str:
    """Why ``values`` (symbol or ``x[k]`` → number) break a declaration of ``ctx``, or '' when they do not.

    ``values`` may give some symbols only (a witness names what it needs); the ranges of data, values and
    families are read at the sizes ``values`` gives, and must then be concrete.
    """
    values = {sp.sympify(k): sp.sympify(v) for k, v in values.items()}
    sizes = {k: v for k, v in values.items() if k in ctx.sizes}
    for key, value in values.items():
        problem = _entry(key, value, values, sizes, ctx)
        if problem:
            return problem
    return _distributions(values, sizes, ctx)


def _entry(key: sp.Basic, value: sp.Basic, values: dict, sizes: dict, ctx: Context) -> str:
    shown = f"{sp.sstr(key)} = {sp.sstr(value)}"
    if not value.is_number or value.has(sp.zoo, sp.oo, -sp.oo, sp.nan):
        return f"{shown} is not a finite number"
    if key in ctx.sizes:
        if not (value.is_Integer and value >= ctx.sizes[key]):
            return f"{shown}, but {key} is declared an integer ≥ {ctx.sizes[key]}"
        return ""
    if key in ctx.integer_values:
        return _integer_in(shown, value, ctx.integer_values[key], sizes, str(key))
    if key in ctx.unit_scalars:
        if not (value.is_Rational or value.is_real) or not (0 < value < 1):
            return f"{shown}, but {key} is declared a probability strictly between 0 and 1"
        return ""
    if isinstance(key, sp.Indexed) and key.base in ctx.datasets:
        spec = ctx.datasets[key.base]
        problem = _index(key, spec.ranges, sizes)
        if problem:
            return problem
        return _integer_in(shown, value, spec.values, sizes, f"{key.base}_k")
    if isinstance(key, sp.Indexed) and key.base in ctx.families:
        spec = ctx.families[key.base]
        problem = _index(key, spec.ranges, sizes)
        if problem:
            return problem
        if spec.real_valued and not (value.is_extended_real and value.is_finite):
            return f"{shown}, but {key.base}_i is declared real"
        if getattr(spec, "nonnegative", False) and not value.is_nonnegative:
            return f"{shown}, but {key.base}_i is declared nonnegative (≥ 0)"
        if not spec.real_valued and not value.is_positive:
            return f"{shown}, but {key.base}_i is declared positive"
        if spec.below_one and not value < 1:
            return f"{shown}, but {key.base}_i is declared below 1"
        return _within_bounds(shown, value, spec, values)
    if isinstance(key, (sp.Symbol, sp.Indexed)):
        declared = key if isinstance(key, sp.Symbol) else key.base
        # what the author typed first (positive=True), so the message names it, then everything it implies
        typed = getattr(declared, "_assumptions_orig", None) or {}
        for fact, truth in [*typed.items(), *declared.assumptions0.items()]:
            if fact not in _IGNORED and getattr(value, f"is_{fact}", None) is not truth:
                return f"{shown}, but {sp.sstr(key)} is declared {_fact(fact, truth)}"
        return ""
    return f"{shown}: {sp.sstr(key)} is not a symbol or a declared value"


def _within_bounds(shown: str, value: sp.Basic, spec, values: dict) -> str:
    """'' when ``value`` lies within the family's declared ``lower=``/``upper=``, read at ``values``."""
    for side in ("lower", "upper"):
        bound = getattr(spec, side, None)
        if bound is None:
            continue
        text = f"{sp.sstr(bound)} ≤ {spec.base}_i" if side == "lower" else f"{spec.base}_i ≤ {sp.sstr(bound)}"
        at = bound.xreplace(values)
        if at.free_symbols:
            needed = ", ".join(sorted(map(str, at.free_symbols)))
            return f"{shown}: the declared bound {text} needs a value of {needed} too"
        gap = (value - at) if side == "lower" else (at - value)
        if gap.is_nonnegative is not True:  # exact numbers: decided, or not shown inside (then refused)
            return f"{shown}, but {text} is declared (here {sp.sstr(at)})"
    return ""


def _integer_in(shown: str, value: sp.Basic, ends, sizes: dict, name: str) -> str:
    """'' when ``value`` is an integer in the range ``ends`` read at ``sizes``."""
    lo, hi = _range(ends, sizes)
    if lo is None:
        return f"{shown}: the range of {name} needs the sizes it mentions"
    if not (value.is_Integer and lo <= value <= hi):
        return f"{shown}, but {name} is declared an integer in {lo}..{hi}"
    return ""


def _fact(fact: str, truth: bool) -> str:
    return fact.replace("_", " ") if truth else f"not {fact.replace('_', ' ')}"


def _range(ends, sizes: dict):
    lo, hi = (sp.sympify(b).xreplace(sizes) for b in ends)
    return (lo, hi) if lo.is_Integer and hi.is_Integer else (None, None)


def _index(key: sp.Indexed, ranges, sizes: dict) -> str:
    """'' when every index of ``key`` is an integer inside its declared range at ``sizes``."""
    if len(key.indices) != len(ranges):
        return f"{sp.sstr(key)} has {len(key.indices)} indices, but {key.base} is declared with {len(ranges)}"
    for index, ends in zip(key.indices, ranges, strict=True):
        lo, hi = _range(ends, sizes)
        if lo is None:
            return f"{sp.sstr(key)}: the index range of {key.base} needs the sizes it mentions"
        if not (index.is_Integer and lo <= index <= hi):
            return f"{sp.sstr(key)} is not declared: {key.base}'s index runs over {lo}..{hi}"
    return ""


def _distributions(values: dict, sizes: dict, ctx: Context) -> str:
    """A family declared to sum to one: each column it touches is given in full and sums to exactly 1."""
    for spec in ctx.families.values():
        if not spec.sums_to_one:
            continue
        given = {k: v for k, v in values.items() if isinstance(k, sp.Indexed) and k.base == spec.base}
        if not given:
            continue
        lo, hi = _range(spec.ranges[0], sizes)
        if lo is None:
            return f"{spec.base}: the size of the distribution is not given"
        columns: dict = {}
        for k, v in given.items():
            columns.setdefault(tuple(k.indices[1:]), {})[k.indices[0]] = v
        for rest, column in columns.items():
            if set(column) != {sp.Integer(i) for i in range(int(lo), int(hi) + 1)}:
                return f"{spec.base} is a distribution: give every entry {spec.base}_{lo} … {spec.base}_{hi}"
            total = sp.Add(*column.values())
            if total != 1:
                where = f" (column {', '.join(map(str, rest))})" if rest else ""
                return f"{spec.base} is declared to sum to 1, but its entries sum to {sp.sstr(total)}{where}"
    return ""


def point_values(point) -> dict:
    """A sampler ``Point`` as one mapping: sizes, ``x[k]``, ``q[i]`` and scalars to their values."""
    out: dict = {s: sp.Integer(v) for s, v in point.sizes}
    for base, entries in (*point.data, *point.families):
        for pos, v in entries:
            out[base[pos if len(pos) > 1 else pos[0]]] = sp.sympify(v)
    out.update({s: sp.sympify(v) for s, v in point.scalars})
    return out


def point_violation(point, ctx: Context) -> str:
    """:func:`violation` of a sampler ``Point``; a distribution it gives over an empty range (q over 2..N at
    N = 1) keeps no declaration, since nothing sums to 1 there."""
    sizes = {s: sp.Integer(v) for s, v in point.sizes}
    for base, entries in point.families:
        spec = ctx.families.get(base)
        if spec is not None and spec.sums_to_one and not entries:
            lo, hi = _range(spec.ranges[0], sizes)
            return f"{base} is declared to sum to 1, but its range {lo}..{hi} is empty"
    return violation(point_values(point), ctx)
