"""A cited derivation's conclusion as a rule (an equation) or a lemma (an inequality), instantiated only where the
cited context's declarations follow from the citing one's.

A derivation concludes ``start REL last`` (the chain's composed relation, its last expression; after an ``apply``,
the transformed start as checked) under its context: never its ``subject``, which no check relates to the start.
Citing it instantiates that statement: the cited context's scalar symbols and sizes
are pattern variables, its families are matched to the citing families declared at least as strongly (the same
object, or one with the same kind of declaration; the ranges then map the sizes). Every declaration on a pattern
variable is a side condition, shown with :mod:`derive.engine.facts` at the place of use (inside the enclosing sums):
``log x ≤ x − 1`` for ``x > 0`` never fires at ``x = −1``. Definitions of the cited context are unfolded before
matching. The trace names the cited derivation and shows the substitution (``x ↦ q_k/p_k``).

What the cited derivation itself established (its steps' evidence, an assumption among them, its context's notes)
is the runner's to weigh (``derive.run.citations``): this module only makes the statement usable.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass

import sympy as sp

from derive.core.context import Context, FamilySpec
from derive.core.hygiene import canonical, fresh_prefix
from derive.core.model import Derivation, Kind, Relation
from derive.engine.facts import Env, Reasons, in_range, integer, nonneg, nonnegative, positive, real
from derive.engine.inequalities.base import LOWER, UPPER, Attempts, Bound, Lemma
from derive.engine.rewrite import EngineError, Rewriter
from derive.engine.rules.base import Identity, Rewrite, Rule
from derive.engine.rules.defs import unfold_rules

MAX_MAPPINGS = 24  # family assignments tried at one subterm


class NotCitable(ValueError):
    """A derivation whose conclusion cannot be cited (no line, a ≠, or ≤ and ≥ mixed in one chain)."""


@dataclass(frozen=True)
class Cited:
    """What a citing step needs of a cited derivation, as data a worker process can rebuild: its ``name``, its
    conclusion ``lhs relation rhs`` and its context."""

    name: str
    lhs: sp.Expr
    relation: Relation
    rhs: sp.Expr
    context: Context

    @classmethod
    def of(cls, derivation: Derivation) -> Cited:
        lhs, relation, rhs = conclusion(derivation)
        return cls(derivation.name, lhs, relation, rhs, derivation.context)


_UP = {Relation.LE: Relation.LE, Relation.LT: Relation.LT}
_DOWN = {Relation.GE: Relation.GE, Relation.GT: Relation.GT}


def conclusion(derivation: Derivation) -> tuple[sp.Expr, Relation, sp.Expr]:
    """``(lhs, relation, rhs)``: what the chain's checked lines establish, ``start REL last``.

    The left side is the ``start`` every step's claim continues from, never the ``subject``: the subject is only
    shown (no check relates it to the start). After an ``apply`` (both sides transformed, ``f(current) = e``) the
    left side is that step's checked claim ``f(current)``, where ``current`` equals the start by the ``=`` lines
    before it; a transform after a ``≤`` (``<``, ``≥``, ``>``) would need ``f`` monotone, and is refused."""
    lines = [s for s in derivation.steps if s.kind not in (Kind.EXAMPLE, Kind.REFERENCE)]
    if not lines:
        raise NotCitable(f"derivation {derivation.name!r} has no steps: it concludes nothing")
    relation, lhs = Relation.EQ, derivation.start
    for step in lines:
        r = step.relation
        if step.transformed:
            if relation is not Relation.EQ:
                raise NotCitable(
                    f"derivation {derivation.name!r} transforms both sides ({step.name}, apply) after a "
                    f"{relation.value} line: the transform keeps that order only if it is monotone, which is not "
                    "checked; cite a derivation whose transforms come before its first inequality"
                )
            lhs = step.claim_lhs
        if r is Relation.NE:
            raise NotCitable(f"derivation {derivation.name!r} has a ≠ step ({step.name}): its chain concludes no order")
        if r is Relation.EQ:
            continue
        mixed = (relation in _UP and r in _DOWN) or (relation in _DOWN and r in _UP)
        if mixed:
            raise NotCitable(f"derivation {derivation.name!r} mixes ≤ and ≥ ({step.name}): its chain concludes nothing")
        strict = r in (Relation.LT, Relation.GT) or relation in (Relation.LT, Relation.GT)
        up = r in _UP
        relation = (Relation.LT if strict else Relation.LE) if up else (Relation.GT if strict else Relation.GE)
    return lhs, relation, derivation.current


# -- the pattern ---------------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Pattern:
    """The cited statement with its scalars and sizes as Wilds; ``symbols`` maps each Wild back to its symbol."""

    lhs: sp.Expr
    rhs: sp.Expr
    symbols: dict
    context: Context


def pattern(cited: Cited) -> Pattern:
    """The conclusion with definitions unfolded and bound indices named canonically; scalars and sizes as Wilds."""
    ctx = cited.context
    lhs, rhs = cited.lhs, cited.rhs
    unfold = unfold_rules(ctx)
    if unfold:
        try:
            lhs, rhs = (Rewriter(Env(ctx), unfold, "lhs", []).normalize(e) for e in (lhs, rhs))
        except EngineError:
            pass
    symbols = {}
    labels = {b.label for b in (*ctx.families, *ctx.datasets)}
    free = (lhs.free_symbols | rhs.free_symbols) - labels
    for s in sorted((s for s in free if isinstance(s, sp.Symbol)), key=sp.default_sort_key):
        symbols[sp.Wild(f"w_{s.name}")] = s
    wild = {s: w for w, s in symbols.items()}
    return Pattern(lhs.xreplace(wild), rhs.xreplace(wild), symbols, ctx)


def _implies(mine: FamilySpec, cited: FamilySpec) -> bool:
    """Whether the citing family's declaration gives everything the cited one's does (bounds must be the same)."""
    if len(mine.ranges) != len(cited.ranges) or any(a[0] != b[0] for a, b in zip(mine.ranges, cited.ranges)):
        return False
    if cited.sums_to_one and not (mine.sums_to_one and len(mine.ranges) == len(cited.ranges)):
        return False
    if cited.below_one and not mine.below_one:
        return False
    strictly_positive = not mine.real_valued
    if not cited.real_valued and not strictly_positive:
        return False
    if cited.nonnegative and not (strictly_positive or mine.nonnegative):
        return False
    return cited.lower is None and cited.upper is None


def _mappings(pat: Pattern, target: sp.Expr, ctx: Context):
    """Assignments of the cited families to families of ``target`` declared at least as strongly (the same object
    first), each with the sizes their ranges map."""
    cited = [b for b in pat.context.families if pat.lhs.has(b) or pat.rhs.has(b)]
    data = [b for b in pat.context.datasets if pat.lhs.has(b) or pat.rhs.has(b)]
    if any(ctx.datasets.get(b) != pat.context.datasets[b] for b in data):
        return  # data are matched as the same declared object only
    present = sorted({m.base for m in target.atoms(sp.Indexed) if m.base in ctx.families}, key=sp.default_sort_key)
    options = []
    for base in cited:
        fits = [b for b in present if _implies(ctx.families[b], pat.context.families[base])]
        options.append(sorted(fits, key=lambda b, base=base: b != base))
    for choice in itertools.islice(itertools.product(*options), MAX_MAPPINGS):
        if len(set(choice)) == len(choice):
            mapping = dict(zip(cited, choice))
            sizes = _sizes(mapping, pat.context, ctx)
            if sizes is not None:
                yield mapping, sizes


def _sizes(mapping: dict, cited: Context, ctx: Context) -> dict | None:
    """The cited sizes the family assignment maps (the upper ends of the ranges that are a size), or None when they
    disagree."""
    sizes: dict = {}
    for old, new in mapping.items():
        for (_, hi_old), (_, hi_new) in zip(cited.families[old].ranges, ctx.families[new].ranges):
            if hi_old in cited.sizes:
                if sizes.setdefault(hi_old, hi_new) != hi_new:
                    return None
            elif hi_old != hi_new and not set(cited.sizes) & hi_old.free_symbols:
                return None  # an end in sizes (K + 1) is checked once they are matched (_ranges_agree)
    return sizes


def instances(pat: Pattern, side: sp.Expr, target: sp.Expr, env: Env) -> list[tuple[dict, Reasons]]:
    """Every ``(substitution, reasons)`` under which ``side`` (``pat.lhs`` or ``pat.rhs``) is ``target`` and the cited
    declarations hold at ``env``; the substitution maps the cited symbols (and families) to citing expressions."""
    if _loose(side):
        return []
    prefix = fresh_prefix(side, target)
    goal = canonical(target, prefix)
    out = []
    for mapping, sizes in _mappings(pat, target, env.ctx):
        wild_sizes = {w: sizes[s] for w, s in pat.symbols.items() if s in sizes}
        shaped = canonical(side.xreplace({**mapping, **wild_sizes}), prefix)
        bound = {v for e in shaped.atoms(sp.Sum, sp.Product) for v in e.variables}
        try:
            found = goal.match(shaped)
        except (TypeError, ValueError, AttributeError, RecursionError):
            found = None
        if found is None or any(v.free_symbols & bound for v in found.values()):
            continue
        if shaped.xreplace(found) != goal or any(w not in found for w in shaped.atoms(sp.Wild)):
            continue  # an instance exactly, every variable bound
        values = {**sizes, **{pat.symbols[w]: e for w, e in (*wild_sizes.items(), *found.items()) if w in pat.symbols}}
        if not _ranges_agree(mapping, values, pat, env.ctx):
            continue
        why = side_conditions(values, pat.context, env)
        if why is not None:
            out.append(({**mapping, **values}, why))
    return out


def _ranges_agree(mapping: dict, values: dict, pat: Pattern, ctx: Context) -> bool:
    """Whether every cited family and datum of the statement, its ranges under the substitution ``values``, has the
    ranges of the citing family (or datum) it stands for: a size inside a range (``K + 1``) is the same pattern
    variable as the size elsewhere in the statement, so ``Σ_{k=1}^{K+1} q_k = 1`` matched at ``K ↦ g(t)`` needs a
    citing ``q`` over ``1 … g(t) + 1``. A cited size that a range uses but the substitution does not map is refused."""
    cited = pat.context
    pairs = [(cited.families[old].ranges, ctx.families[new].ranges) for old, new in mapping.items()]
    pairs += [
        (cited.datasets[b].ranges, ctx.datasets[b].ranges) for b in cited.datasets if pat.lhs.has(b) or pat.rhs.has(b)
    ]
    for old, new in pairs:
        if len(old) != len(new):
            return False
        for end_old, end_new in zip((e for r in old for e in r), (e for r in new for e in r)):
            if any(s in cited.sizes and s not in values for s in end_old.free_symbols):
                return False
            moved = sp.sympify(end_old).xreplace(values)
            if moved != end_new and sp.expand(moved - end_new) != 0:
                return False
    return True


def _loose(side: sp.Expr) -> bool:
    """A side that matches nearly anything (``x``, ``x − 1``, ``2·x``): a variable alone or a sum or product with a
    bare variable as a term or factor. It is not used as a pattern (its every "instance" would be tried)."""
    return isinstance(side, sp.Wild) or (
        isinstance(side, (sp.Add, sp.Mul)) and any(isinstance(a, sp.Wild) for a in side.args)
    )


def side_conditions(values: dict, cited: Context, env: Env) -> Reasons | None:
    """Reasons that every declaration of the cited context on the substituted symbols holds of their values at
    ``env``; None when one is not shown (or is of a kind not checked: then the citation declines)."""
    reasons: list[str] = []
    for symbol, value in values.items():
        checked: dict = {}
        if symbol in cited.sizes:
            why = integer(value, env)
            if why is None or not nonnegative(value - cited.sizes[symbol], env):
                return None
            reasons += [*why, f"{value} ≥ {cited.sizes[symbol]}"]
            continue
        facts = symbol.assumptions0
        for key, test in (("positive", positive), ("nonnegative", nonneg), ("real", real), ("integer", integer)):
            if facts.get(key) and not (key in ("nonnegative", "real") and checked.get("positive")):
                why = test(value, env)
                if why is None:
                    return None
                checked[key] = True
                reasons += why
        for key, test in (("negative", positive), ("nonpositive", nonneg)):
            if facts.get(key):
                why = test(-value, env)
                if why is None:
                    return None
                checked[key] = True
                reasons += why
        if not _covers(checked, facts):
            return None
        if symbol in cited.unit_scalars:
            why = positive(1 - value, env)
            if why is None:
                return None
            reasons += why
        if symbol in cited.integer_values:
            lo, hi = (b.xreplace(values) for b in cited.integer_values[symbol])
            why = in_range(value, lo, hi, env)
            if why is None:
                return None
            reasons += why
    return tuple(dict.fromkeys(reasons))


def _covers(checked: dict, facts: dict) -> bool:
    """Whether the facts shown imply every assumption of the cited symbol (SymPy's deductions from them)."""
    implied = sp.Dummy(**checked).assumptions0
    return all(implied.get(k) == v for k, v in facts.items() if v is not None)


def substitution_text(values: dict) -> str:
    """``x ↦ q_k/p_k, K ↦ N``: the instantiation, for the trace."""
    return ", ".join(f"{sp.sstr(k)} ↦ {sp.sstr(v)}" for k, v in values.items() if k != v)


# -- as a rule and as a lemma ----------------------------------------------------------------------------------
def rules(cited: Cited) -> list[Rule]:
    """For an equation: the rule rewriting an instance of its left side into its right side, and the reverse one."""
    if cited.relation is not Relation.EQ:
        return []
    pat = pattern(cited)

    def rewriting(source: sp.Expr, result: sp.Expr, reverse: bool):
        def apply(e: sp.Basic, env: Env) -> Rewrite | None:
            if not isinstance(e, sp.Expr) or e.is_Atom:
                return None
            for values, why in instances(pat, source, e, env):
                out = result.xreplace(_wilds(pat, values))
                if out.has(sp.Wild):
                    continue  # a variable of the other side only: no instance to choose
                return Rewrite(out, (f"cites {cited.name}: {substitution_text(values)}", *why), reverse)
            return None

        return apply

    identity = Identity(cited.lhs, cited.rhs)
    statement = f"the conclusion of the derivation {cited.name}"
    return [
        Rule(cited.name, rewriting(pat.lhs, pat.rhs, False), identity, statement, "its declarations, shown"),
        Rule(cited.name, rewriting(pat.rhs, pat.lhs, True), identity, statement, "its declarations, shown"),
    ]


def _wilds(pat: Pattern, values: dict) -> dict:
    """``values`` (symbols and families of the cited context) as a substitution for the pattern's Wilds."""
    back = {s: w for w, s in pat.symbols.items()}
    return {back.get(k, k): v for k, v in values.items()}


def lemma(cited: Cited) -> Lemma | None:
    """For an inequality ``lhs ≤ rhs`` (``<``, ``≥``, ``>``): the lemma offering ``rhs`` as an upper bound of an
    instance of ``lhs`` and ``lhs`` as a lower bound of an instance of ``rhs``."""
    if cited.relation in (Relation.EQ, Relation.NE):
        return None
    pat = pattern(cited)
    small, large = (pat.lhs, pat.rhs) if cited.relation in (Relation.LE, Relation.LT) else (pat.rhs, pat.lhs)
    strict = cited.relation in (Relation.LT, Relation.GT)

    def offer(term: sp.Expr, env: Env, goal: sp.Expr, notes: Attempts) -> list[Bound]:
        out = []
        for source, other, kind in ((small, large, UPPER), (large, small, LOWER)):
            for values, why in instances(pat, source, term, env):
                bound = other.xreplace(_wilds(pat, values))
                if bound.has(sp.Wild):
                    continue
                reasons = (f"cites {cited.name}: {substitution_text(values)}", *why)
                out.append(Bound(cited.name, kind, term, bound, reasons, strict))
        return out

    rel = cited.relation.value
    return Lemma(cited.name, f"${sp.latex(cited.lhs)} {rel} {sp.latex(cited.rhs)}$", "its declarations", offer)


def split(hints) -> tuple[tuple, tuple[Cited, ...]]:
    """A step's hints as ``(rule names and rules, cited derivations)``."""
    cited = tuple(h for h in hints if isinstance(h, Cited))
    return tuple(h for h in hints if not isinstance(h, Cited)), cited
