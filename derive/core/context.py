"""The declarations of a derivation: sizes, integer data, families, values, probabilities and definitions.

A ``Context`` declares sizes (``N``, ``K``), integer data with ranges (``1 ≤ x_k ≤ K``), positive families
(``q_i > 0``, optionally summing to one), nonnegative ones (``w_i ≥ 0``), real ones, bounds between a family and
a scalar (``z_i ≤ m``, ``a ≤ z_i ≤ b``) and definitions (``n_i = Σ_k [x_k = i]``). Everything that checks a
step reads what may be assumed from here (``derive.engine.facts``) and draws points inside it
(``derive.checks.domain``).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, replace

import sympy as sp

from derive.core import location, names
from derive.core.errors import ModelError
from derive.core.hygiene import exact_decimals, substitute


@dataclass(frozen=True)
class DataSpec:
    """Integer data ``x_k`` for ``k`` in ``ranges`` (one (low, high) per index), each value in ``values``."""

    base: sp.IndexedBase
    ranges: tuple[tuple[sp.Expr, sp.Expr], ...]
    values: tuple[sp.Expr, sp.Expr]

    @property
    def index(self) -> tuple[sp.Expr, sp.Expr]:
        """The range of the first index (the only one for a vector)."""
        return self.ranges[0]


@dataclass(frozen=True)
class FamilySpec:
    """Reals ``q_i`` (or ``q_{i,n}``) for indices in ``ranges``, positive, and below one with ``below_one``;
    ``sums_to_one`` adds Σ_i q_{i,…} = 1 over the first index, for each value of the others.

    ``lower`` and ``upper`` (SymPy expressions in scalars and sizes, or None) bound every member non-strictly:
    ``lower ≤ q_i ≤ upper`` for every index in range. A ``nonnegative`` family (``w_i ≥ 0``, 0 allowed) is
    ``real_valued`` too: nothing that reads only ``real_valued`` may take its members for positive."""

    base: sp.IndexedBase
    ranges: tuple[tuple[sp.Expr, sp.Expr], ...]
    sums_to_one: bool
    below_one: bool = False
    real_valued: bool = False  # not declared positive: any real (scores, logits) within lower/upper, or ≥ 0
    nonnegative: bool = False  # every member ≥ 0 (ctx.nonnegative)
    lower: sp.Expr | None = None  # lower ≤ every member (ctx.real(..., lower=...))
    upper: sp.Expr | None = None  # every member ≤ upper

    @property
    def index(self) -> tuple[sp.Expr, sp.Expr]:
        return self.ranges[0]


@dataclass(frozen=True)
class Definition:
    """``lhs := rhs``, where ``lhs`` is ``n[i]``, ``f(i)`` or ``H(p, q)`` with the parameters as arguments."""

    name: str  # the rule name, e.g. "n_def"
    lhs: sp.Expr
    rhs: sp.Expr
    text: str = ""
    exact: bool = False  # unfold only these very arguments (several definitions share the head)

    @property
    def head(self) -> sp.Basic:
        return self.lhs.base if isinstance(self.lhs, sp.Indexed) else self.lhs.func

    @property
    def params(self) -> tuple[sp.Basic, ...]:
        return tuple(self.lhs.indices) if isinstance(self.lhs, sp.Indexed) else tuple(self.lhs.args)

    def unfold(self, expr: sp.Basic) -> sp.Expr | None:
        """``expr`` with this definition put in (capture-free), or None when it does not match."""
        if not self.matches(expr):
            return None
        actual = tuple(expr.indices) if isinstance(expr, sp.Indexed) else tuple(expr.args)
        if len(actual) != len(self.params):
            return None
        # a float in a definition is the decimal typed, as in a claim (derive.core.hygiene.exact_decimals)
        return substitute(exact_decimals(self.rhs), dict(zip(self.params, actual, strict=True)))

    def matches(self, expr: sp.Basic) -> bool:
        if isinstance(self.lhs, sp.Indexed):
            return isinstance(expr, sp.Indexed) and expr.base == self.lhs.base
        if self.exact:
            return expr == self.lhs
        return isinstance(expr, sp.Function) and expr.func == self.lhs.func


class Context:
    """Symbols and the assumptions made about them; shared by all steps of a derivation."""

    def __init__(self) -> None:
        self.sizes: dict[sp.Symbol, int] = {}
        self.datasets: dict[sp.IndexedBase, DataSpec] = {}
        self.families: dict[sp.IndexedBase, FamilySpec] = {}
        self.definitions: list[Definition] = []
        self.unit_scalars: set[sp.Symbol] = set()  # probabilities declared strictly between 0 and 1
        self.integer_values: dict[sp.Symbol, tuple[sp.Expr, sp.Expr]] = {}  # single integers in a range (c ∈ 1..M)
        self.notes: list[str] = []  # further assumptions in words, rendered with the others

    # -- declarations -------------------------------------------------------------------------------------------
    def size(self, name: str, minimum: int = 1) -> sp.Symbol:
        """A size such as ``N`` (the number of examples): an integer ``≥ minimum``, symbolic in proofs."""
        if minimum < 1:
            raise ValueError("sizes start at 1 or more; an empty range is not a size")
        sym = sp.Symbol(name, integer=True, positive=True)
        self.sizes[sym] = minimum
        return sym

    def data(self, name: str, index, values: tuple) -> sp.IndexedBase:
        """Integer data ``name_k`` for ``k`` in ``index`` with ``values[0] ≤ name_k ≤ values[1]``.

        ``index`` is one range ``(1, N)``, or a list of ranges for several indices (``[(1, K), (1, N)]``).
        """
        base = sp.IndexedBase(name, integer=True)
        self.datasets[base] = DataSpec(base, self._ranges(index, name), self._bounds(values, name))
        return base

    def positive(
        self, name: str, index, sums_to_one: bool = False, below_one: bool = False, upper=None
    ) -> sp.IndexedBase:
        """Positive reals ``name_i`` for ``i`` in ``index`` (one range, or a list of ranges).

        With ``sums_to_one`` they form a distribution over the first index (for each value of the others);
        with ``below_one`` each lies strictly between 0 and 1 (a probability such as ŷ_i, so 1 − ŷ_i > 0 too);
        with ``upper=u`` each is at most ``u`` (an expression in scalars and sizes).
        """
        if upper is not None and sums_to_one:
            raise ModelError(
                f"{name}: upper= cannot be combined with sums_to_one=True (the entries of a distribution are at "
                "most 1 already); state a tighter bound on the entries as a step or with ctx.assume(...)"
            )
        ranges = self._ranges(index, name)
        bound = self._family_bound(upper, name, "upper")
        self._check_not_empty(name, sp.Integer(0), bound, "positive")
        base = sp.IndexedBase(name, positive=True)
        self.families[base] = FamilySpec(base, ranges, sums_to_one, below_one, upper=bound)
        return base

    def nonnegative(self, name: str, index, upper=None, lower=None) -> sp.IndexedBase:
        """Nonnegative reals ``name_i ≥ 0`` (0 allowed: weights, counts as reals, squared distances) for ``i`` in
        ``index``; with ``upper=u`` each is at most ``u`` (an expression in scalars and sizes)."""
        if lower is not None:
            raise ModelError(
                f"{name}: a nonnegative family has the lower bound 0 already; for a lower bound a ≥ 0 declare "
                f'ctx.real("{name}", ..., lower=a) (with a declared ≥ 0, e.g. a positive symbol)'
            )
        ranges = self._ranges(index, name)
        bound = self._family_bound(upper, name, "upper")
        self._check_not_empty(name, sp.Integer(0), bound, "nonnegative")
        base = sp.IndexedBase(name, nonnegative=True)
        self.families[base] = FamilySpec(base, ranges, False, False, real_valued=True, nonnegative=True, upper=bound)
        return base

    def real(self, name: str, index, lower=None, upper=None) -> sp.IndexedBase:
        """Real numbers ``name_i`` for ``i`` in ``index`` (scores such as the logits z_j of a softmax), with
        ``lower ≤ name_i ≤ upper`` for every ``i`` when ``lower=``/``upper=`` are given (a bound such as the
        maximum ``m`` of the logits: ``ctx.real("z", (1, K), upper=m)``)."""
        ranges = self._ranges(index, name)
        low, high = self._family_bound(lower, name, "lower"), self._family_bound(upper, name, "upper")
        self._check_not_empty(name, low, high, "real")
        base = sp.IndexedBase(name, real=True)
        self.families[base] = FamilySpec(base, ranges, False, False, real_valued=True, lower=low, upper=high)
        return base

    def value(self, name: str, values: tuple) -> sp.Symbol:
        """A single integer in a range, such as the observed class ``c`` with ``1 ≤ c ≤ M``."""
        sym = sp.Symbol(name, integer=True)
        self.integer_values[sym] = self._bounds(values, name)
        return sym

    def probability(self, name: str) -> sp.Symbol:
        """A single probability strictly between 0 and 1 (a soft label y, a prediction ŷ)."""
        sym = sp.Symbol(name, positive=True)
        self.unit_scalars.add(sym)
        return sym

    def _ranges(self, index, name: str) -> tuple[tuple[sp.Expr, sp.Expr], ...]:
        several = isinstance(index, list)
        return tuple(self._bounds(r, name) for r in index) if several else (self._bounds(index, name),)

    def _bounds(self, bounds: tuple, name: str) -> tuple[sp.Expr, sp.Expr]:
        """A (low, high) range whose ends are integers or expressions in declared sizes."""
        lo, hi = _pair(bounds)
        for end in (lo, hi):
            undeclared = end.free_symbols - set(self.sizes)
            if undeclared or not end.is_integer:
                raise ModelError(
                    f"{name}: the range end {end} must be an integer expression in declared sizes "
                    f"(declare {', '.join(map(str, undeclared)) or 'it'} with ctx.size(...))"
                )
        return lo, hi

    def _family_bound(self, bound, name: str, which: str) -> sp.Expr | None:
        """``bound`` as a SymPy expression, checked: real and finite, in sizes, declared values, probabilities
        and real scalars only (never a family, data or a summation index: those are not declarations)."""
        if bound is None:
            return None
        if isinstance(bound, str):
            raise ModelError(
                f"{name}: {which}={bound!r} is text; pass a SymPy expression, e.g. m = sp.Symbol('m', real=True)"
            )
        if isinstance(bound, float):
            bound = exact_decimals(sp.Float(repr(bound)))
        try:
            bound = sp.sympify(bound, strict=True)
        except sp.SympifyError:
            raise ModelError(f"{name}: {which}={bound!r} is not a SymPy expression") from None
        where = f"{name}: the bound {which}={bound}"
        bases = bound.atoms(sp.Indexed, sp.IndexedBase)
        if bases:
            raise ModelError(
                f"{where} mentions {', '.join(sorted(map(str, bases)))}: a bound is between a family and a scalar "
                "(z_i ≤ m); a relation between two families is a step to prove or a ctx.assume(...)"
            )
        labels = {str(b.label) for b in (*self.families, *self.datasets)}
        for s in sorted(bound.free_symbols, key=str):
            if s in self.sizes or s in self.integer_values or s in self.unit_scalars:
                continue
            if s.name in labels or s.name == name:
                raise ModelError(f"{where} mentions the family {s}: a bound must be a scalar")
            if s.is_integer:
                raise ModelError(
                    f"{where} mentions {s}, an integer symbol that is not declared: a bound holds for every index, "
                    f"so it cannot mention one; if {s} is a size or a value declare it first with ctx.size(...) "
                    "or ctx.value(...)"
                )
            if s.is_real is not True:
                raise ModelError(
                    f"{where} mentions {s}, which may be complex: declare it real, {s} = sp.Symbol('{s}', real=True)"
                )
        if bound.is_real is False or bound.is_finite is False or bound.has(sp.zoo, sp.nan, sp.oo, -sp.oo):
            raise ModelError(f"{where} must be a finite real number (leave {which}= out for no bound)")
        return bound

    @staticmethod
    def _check_not_empty(name: str, lower: sp.Expr | None, upper: sp.Expr | None, kind: str) -> None:
        """A declaration that no value satisfies (``upper < lower``) is a mistake, reported where it is made."""
        if lower is None or upper is None:
            return
        gap = upper - lower  # the sign from the symbols' assumptions only: no error on a guess
        empty = gap.is_nonpositive if kind == "positive" else gap.is_negative
        if empty:
            raise ModelError(
                f"{name}: no value satisfies the declaration ({lower} {'<' if kind == 'positive' else '≤'} "
                f"{name}_i ≤ {upper}); "
                "check lower=/upper="
            )

    def define(self, lhs: sp.Expr, rhs: sp.Expr, text: str = "", name: str | None = None) -> Definition:
        """State ``lhs := rhs``. The checker unfolds it (rule ``<head>_def``) when a proof needs it."""
        if not isinstance(lhs, sp.Basic) or not isinstance(rhs, sp.Basic):
            raise ModelError(f"definition {lhs!r} := {rhs!r}: both sides must be SymPy expressions")
        if not isinstance(lhs, (sp.Indexed, sp.Function)):
            raise ModelError(f"definition of {lhs}: the left side must look like n[i], f(i) or H(p, q)")
        head = lhs.base if isinstance(lhs, sp.Indexed) else lhs.func
        params = tuple(lhs.indices) if isinstance(lhs, sp.Indexed) else tuple(lhs.args)
        if not all(isinstance(a, (sp.Symbol, sp.IndexedBase)) for a in params) or len(set(params)) != len(params):
            raise ModelError(
                f"definition of {lhs}: its parameters must be distinct symbols (write f(i) := ..., not f(0) or n[2*i])"
            )
        where = location.caller()
        names.check_definition(lhs, rhs, self, f"{where[0]}:{where[1]}: the definition of {lhs}")
        definition = Definition(name or f"{_head_name(head)}_def", lhs, rhs, text)
        siblings = [d for d in self.definitions if d.head == definition.head]
        if siblings:
            # H(p, q) and H(r, s) may both be defined (over different ranges); each then unfolds only its own
            # arguments. For any other head a second definition is a mistake.
            if not all(isinstance(a, sp.IndexedBase) for d in [*siblings, definition] for a in d.params):
                raise ModelError(f"{head} is defined twice")
            if any(d.params == definition.params for d in siblings):
                raise ModelError(f"{lhs} is defined twice")
            if name is None:
                raise ModelError(f"{lhs}: a second definition of {head} needs its own name=...")
            self.definitions = [replace(d, exact=True) if d.head == definition.head else d for d in self.definitions]
            definition = replace(definition, exact=True)
        if any(d.name == definition.name for d in self.definitions):
            raise ModelError(f"two definitions are named {definition.name}; pass name=... to one of them")
        self.definitions.append(definition)
        return definition

    def assume(self, text: str) -> None:
        """A further assumption in words (rendered, not used by the checker)."""
        self.notes.append(text)

    def at_sizes(self, values: dict) -> Context:
        """A copy of this context in which the sizes ``values`` gives are those numbers (an example at N = 2):
        they leave the sizes, and every range and definition that mentions them reads the number instead."""
        fixed = {s: sp.Integer(v) for s, v in values.items() if s in self.sizes}
        if not fixed:
            return self
        out = Context()
        out.sizes = {s: m for s, m in self.sizes.items() if s not in fixed}

        def at(ends):
            return tuple(tuple(sp.sympify(b).xreplace(fixed) for b in pair) for pair in ends)

        out.datasets = {b: replace(d, ranges=at(d.ranges), values=at([d.values])[0]) for b, d in self.datasets.items()}
        out.families = {
            b: replace(f, ranges=at(f.ranges), lower=_at_bound(f.lower, fixed), upper=_at_bound(f.upper, fixed))
            for b, f in self.families.items()
        }
        out.definitions = [replace(d, rhs=substitute(d.rhs, fixed)) for d in self.definitions]
        out.unit_scalars = set(self.unit_scalars)
        out.integer_values = {s: at([r])[0] for s, r in self.integer_values.items()}
        out.notes = list(self.notes)
        return out

    # -- queries used by the rules and the sampler -------------------------------------------------------------
    def definition_for(self, expr: sp.Basic) -> Definition | None:
        return next((d for d in self.definitions if d.matches(expr)), None)


def _pair(bounds: Iterable) -> tuple[sp.Expr, sp.Expr]:
    lo, hi = bounds
    return sp.sympify(lo), sp.sympify(hi)


def _at_bound(bound: sp.Expr | None, fixed: dict) -> sp.Expr | None:
    return None if bound is None else bound.xreplace(fixed)


def _head_name(head: sp.Basic) -> str:
    names = (getattr(head, attr, None) for attr in ("rule_name", "symbol_name", "name"))
    name = next((n for n in names if n), str(head))
    return re.sub(r"\W+", "_", str(name))
