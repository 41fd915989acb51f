"""A missing base fact in words: the fact (``q_i > 0``) and the declaration that would supply it
(``declare q with ctx.positive("q", (1, K)) instead of ctx.real``), for the report of why a step was not proved
(derive.engine.explain). The facts themselves are recorded by derive.engine.facts.
"""

from __future__ import annotations

import copy
from dataclasses import replace

import sympy as sp

from derive.engine.facts import Env, Missing


def show(e: sp.Basic, width: int = 0) -> str:
    """``e`` as text with bound indices under their own names (the prover freshens them into Dummies, which
    SymPy prints as ``_i``), cut to ``width`` characters when given."""
    text = sp.sstr(e.xreplace({d: sp.Symbol(d.name, **d.assumptions0) for d in e.atoms(sp.Dummy)}))
    return text if not width or len(text) <= width else text[: width - 1] + "…"


def atom_text(atom: sp.Basic) -> str:
    """``q_i`` for a family member with symbol indices, else the expression as :func:`show` prints it."""
    if isinstance(atom, sp.Indexed) and all(isinstance(i, sp.Symbol) for i in atom.indices):
        return f"{atom.base}_{','.join(show(i) for i in atom.indices)}"
    return show(atom)


def fact(m: Missing) -> str:
    """The fact that was missing: ``q_i > 0``, ``v integer``, ``1 ≤ v ≤ K``, ``y < 1``."""
    a = atom_text(m.atom)
    if m.kind == "positive":
        return f"{a} > 0"
    if m.kind == "nonnegative":
        return f"{a} ≥ 0"
    if m.kind == "upper":
        return f"{a} ≤ {show(m.hi)}"
    if m.kind == "lower":
        return f"{show(m.lo)} ≤ {a}"
    if m.kind == "real":
        return f"{a} real"
    if m.kind == "integer":
        return f"{a} integer"
    if m.kind == "range":
        return f"{show(m.lo)} ≤ {a} ≤ {show(m.hi)}"
    if m.kind == "below_one":
        return f"{a} < 1"
    return f"{a} declared"  # "index": a family member outside its declared indices


def declaration(m: Missing) -> str:
    """What would supply the fact, as the call a derivation module makes."""
    atom, ctx = m.atom, m.env.ctx
    if isinstance(atom, sp.Indexed):
        return _member(m, atom.base, ctx)
    if isinstance(atom, sp.Symbol):
        return _symbol(m, atom, ctx)
    if m.kind == "range":
        return f"no declaration shows {fact(m)}; a size minimum (ctx.size(..., minimum=...)) or a narrower range"
    if isinstance(atom, sp.Function):
        return f"a {atom.func} whose class states it (_eval_is_{'positive' if m.kind == 'positive' else m.kind})"
    return f"no declaration shows {fact(m)}"


def _ranges(base: sp.IndexedBase, ctx, env: Env, atom: sp.Indexed | None = None) -> str:
    """The index ranges of ``base`` as a declaration writes them: ``(1, K)``, or ``[(1, K), (1, N)]`` for several;
    declared ones, else those of the sums enclosing ``atom`` (``...`` where none binds an index)."""
    spec = ctx.families.get(base) or ctx.datasets.get(base)
    binding = {v: f"({show(lo)}, {show(hi)})" for v, lo, hi in env.bounds}
    if spec is not None:
        pairs = [f"({show(sp.sympify(lo))}, {show(sp.sympify(hi))})" for lo, hi in spec.ranges]
    else:
        pairs = [binding.get(i, "(..., ...)") for i in (atom.indices if atom is not None else ())]
    if not pairs:
        return "(..., ...)"
    return pairs[0] if len(pairs) == 1 else "[" + ", ".join(pairs) + "]"


def _member(m: Missing, base: sp.IndexedBase, ctx) -> str:
    name = str(base)
    family, data = ctx.families.get(base), ctx.datasets.get(base)
    ranges = _ranges(base, ctx, m.env, m.atom)
    if m.kind == "index":
        return f"{name} is declared for indices {ranges}; split this term off or widen the range"
    if m.kind == "positive":
        if family is not None and family.nonnegative:
            return f'declare {name} with ctx.positive("{name}", {ranges}) instead of ctx.nonnegative (0 is allowed)'
        if family is not None and family.real_valued:
            return f'declare {name} with ctx.positive("{name}", {ranges}) instead of ctx.real'
        if data is not None:
            return f"{name} is integer data: state positivity on a family (ctx.positive), not on data"
        return f'declare {name} with ctx.positive("{name}", {ranges})'
    if m.kind == "below_one":
        return f'declare {name} with ctx.positive("{name}", {ranges}, below_one=True)'
    if m.kind == "nonnegative":
        return f'declare {name} with ctx.nonnegative("{name}", {ranges}) (or ctx.positive, if 0 is excluded)'
    if m.kind in ("upper", "lower") and family is not None:
        return _bound_declaration(m, name, family, ranges)
    if m.kind == "real":
        return f'declare {name} with ctx.real("{name}", {ranges}) or ctx.positive("{name}", {ranges})'
    if m.kind in ("integer", "range"):
        values = f"({show(m.lo)}, {show(m.hi)})" if m.kind == "range" else "(lo, hi)"
        if data is not None and m.kind == "range":
            within = f"{show(m.lo)}..{show(m.hi)}"
            return f'declare {name}\'s values within {within}: ctx.data("{name}", {ranges}, values={values})'
        return f'declare {name} as integer data: ctx.data("{name}", {ranges}, values={values})'
    return f"no declaration of {name} shows {fact(m)}"


def _bound_declaration(m: Missing, name: str, family, ranges: str) -> str:
    """``ctx.real("z", (1, K), upper=m)``: the declaration of the family with the missing bound added."""
    side, value = ("upper", m.hi) if m.kind == "upper" else ("lower", m.lo)
    kind = "nonnegative" if family.nonnegative else "real" if family.real_valued else "positive"
    if side == "lower" and kind != "real":
        return f"no declaration of {name} shows {fact(m)}: a lower bound is declared with ctx.real(..., lower=...)"
    return f'declare {name} with ctx.{kind}("{name}", {ranges}, {side}={show(value)})'


def _symbol(m: Missing, atom: sp.Symbol, ctx) -> str:
    name = atom.name
    bound = next(((lo, hi) for v, lo, hi in reversed(m.env.bounds) if v == atom), None)
    if bound is not None:
        return f"{name} is a summation index over {show(bound[0])}..{show(bound[1])}"
    if atom in ctx.sizes:
        return f'{name} is a size ≥ {ctx.sizes[atom]}: raise its minimum (ctx.size("{name}", minimum=...))'
    if m.kind in ("integer", "range"):
        lo, hi = (show(m.lo), show(m.hi)) if m.kind == "range" else ("lo", "hi")
        return f'declare {name} with ctx.value("{name}", ({lo}, {hi}))'
    if m.kind == "positive":
        if atom in ctx.integer_values:
            return f'declare {name} with ctx.value("{name}", (1, ...)): its range starts below 1'
        return f'declare {name} with sp.Symbol("{name}", positive=True), or ctx.probability("{name}") if below one'
    if m.kind == "below_one":
        return f'declare {name} with ctx.probability("{name}")'
    if m.kind == "nonnegative":
        return f'declare {name} with sp.Symbol("{name}", nonnegative=True)'
    if m.kind == "real":
        return f'declare {name} with sp.Symbol("{name}", real=True)'
    return f"no declaration of {name} shows {fact(m)}"


def granted(missing: tuple[Missing, ...], ctx) -> tuple[object, dict] | None:
    """The context with ``missing`` declared as :func:`declaration` suggests, and the renaming of the atoms'
    symbols that goes with it (a positive ``q`` is another IndexedBase than a real one), or None when a fact is
    not one a declaration gives. Only derive.engine.explain uses it, to check that a suggestion would be enough:
    it never decides a verdict."""
    new = copy.copy(ctx)
    new.families, new.datasets = dict(ctx.families), dict(ctx.datasets)
    new.unit_scalars, new.integer_values = set(ctx.unit_scalars), dict(ctx.integer_values)
    mapping: dict = {}
    for m in missing:
        atom = m.atom
        if isinstance(atom, sp.Indexed) and m.kind in ("positive", "below_one") and atom.base in new.families:
            spec = new.families.pop(mapping.get(atom.base, atom.base))
            base = sp.IndexedBase(str(atom.base), positive=True)
            new.families[base] = replace(
                spec, base=base, real_valued=False, below_one=spec.below_one or m.kind == "below_one"
            )
            mapping[atom.base] = base
        elif isinstance(atom, sp.Indexed) and m.kind == "nonnegative" and atom.base in new.families:
            spec = new.families.pop(mapping.get(atom.base, atom.base))
            base = sp.IndexedBase(str(atom.base), nonnegative=True)
            new.families[base] = replace(spec, base=base, real_valued=True, nonnegative=True, lower=None)
            mapping[atom.base] = base
        elif isinstance(atom, sp.Indexed) and m.kind in ("upper", "lower") and atom.base in new.families:
            key = mapping.get(atom.base, atom.base)
            new.families[key] = replace(
                new.families[key], **({"upper": m.hi} if m.kind == "upper" else {"lower": m.lo})
            )
        elif isinstance(atom, sp.Indexed) and m.kind == "positive" and atom.base not in new.datasets:
            mapping[atom.base] = sp.IndexedBase(str(atom.base), positive=True)  # undeclared: its own flags decide
        elif isinstance(atom, sp.Indexed) and m.kind == "range" and atom.base in new.datasets:
            new.datasets[atom.base] = replace(new.datasets[atom.base], values=(m.lo, m.hi))
        elif isinstance(atom, sp.Symbol) and m.kind in ("positive", "below_one", "real", "nonnegative"):
            flag = {"real": "real", "nonnegative": "nonnegative"}.get(m.kind, "positive")
            symbol = sp.Symbol(atom.name, **{flag: True})
            if m.kind == "below_one":
                new.unit_scalars.add(symbol)
            mapping[atom] = symbol
        elif isinstance(atom, sp.Symbol) and m.kind in ("integer", "range") and atom not in ctx.sizes:
            symbol = sp.Symbol(atom.name, integer=True)
            lo, hi = (m.lo, m.hi) if m.kind == "range" else new.integer_values.get(atom, (None, None))
            if lo is not None:
                new.integer_values[symbol] = (lo, hi)
            mapping[atom] = symbol
        else:
            return None
    new.definitions = [replace(d, lhs=d.lhs.xreplace(mapping), rhs=d.rhs.xreplace(mapping)) for d in ctx.definitions]
    return new, mapping
