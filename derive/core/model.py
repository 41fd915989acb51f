"""The derivation model: a context of symbols and what is assumed of them, a start, and steps.

A derivation module builds these objects; the checker and the renderers only read them. A ``Context`` declares
sizes (``N``, ``K``), integer data with ranges (``1 ≤ x_k ≤ K``), positive families (``q_i > 0``, optionally
summing to one) and definitions (``n_i = Σ_k [x_k = i]``). A ``Derivation`` is a chain of lines, each related to
the previous one (``=`` now; the relation is data so that ``≤``, ``≥`` and ``≠`` can follow).
"""

from __future__ import annotations

import enum
import re
import sys
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field, replace

import sympy as sp

from derive.core import hooks, names
from derive.core.errors import ModelError
from derive.core.evidence import ALLOWABLE, Evidence
from derive.core.hygiene import exact_decimals, substitute


class Relation(enum.StrEnum):
    """How a line relates to the previous one."""

    EQ = "="
    LT = "<"
    LE = "≤"
    GT = ">"
    GE = "≥"
    NE = "≠"


class Kind(enum.StrEnum):
    """What a step is: a claim to verify, a stated assumption, or a worked instance of the previous line."""

    STEP = "step"  # a claim: previous line (possibly transformed) relates to the new expression
    ASSUME = "assumption"  # a modelling assumption, shown as such and never claimed as proved
    EXAMPLE = "example"  # the previous line evaluated at concrete values; the chain continues unchanged
    REFERENCE = "reference"  # a Python function checked against a formula (derive.verify.code); not a line


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
    ``sums_to_one`` adds Σ_i q_{i,…} = 1 over the first index, for each value of the others."""

    base: sp.IndexedBase
    ranges: tuple[tuple[sp.Expr, sp.Expr], ...]
    sums_to_one: bool
    below_one: bool = False
    real_valued: bool = False  # any real number (scores, logits) instead of a positive one

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

    def positive(self, name: str, index, sums_to_one: bool = False, below_one: bool = False) -> sp.IndexedBase:
        """Positive reals ``name_i`` for ``i`` in ``index`` (one range, or a list of ranges).

        With ``sums_to_one`` they form a distribution over the first index (for each value of the others);
        with ``below_one`` each lies strictly between 0 and 1 (a probability such as ŷ_i, so 1 − ŷ_i > 0 too).
        """
        base = sp.IndexedBase(name, positive=True)
        self.families[base] = FamilySpec(base, self._ranges(index, name), sums_to_one, below_one)
        return base

    def real(self, name: str, index) -> sp.IndexedBase:
        """Real numbers ``name_i`` for ``i`` in ``index`` (scores such as the logits z_j of a softmax)."""
        base = sp.IndexedBase(name, real=True)
        self.families[base] = FamilySpec(base, self._ranges(index, name), False, False, real_valued=True)
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
        where = _caller()
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
        out.families = {b: replace(f, ranges=at(f.ranges)) for b, f in self.families.items()}
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


def _head_name(head: sp.Basic) -> str:
    names = (getattr(head, attr, None) for attr in ("rule_name", "symbol_name", "name"))
    name = next((n for n in names if n), str(head))
    return re.sub(r"\W+", "_", str(name))


@dataclass(frozen=True)
class Step:
    """One line of a derivation."""

    kind: Kind
    expr: sp.Expr  # the line's right-hand side
    lhs: sp.Expr  # the line's left-hand side as rendered (the chain's subject, possibly transformed)
    claim_lhs: sp.Expr  # what the new expression is claimed to relate to
    because: str
    name: str
    relation: Relation = Relation.EQ
    hints: tuple[str, ...] = ()
    prose: str = ""
    allow: Evidence = Evidence.PROVED
    values: tuple[tuple[sp.Basic, sp.Basic], ...] = ()  # an example's substitutions
    transformed: bool = False  # True when both sides were transformed (taking logs, dividing by N)
    reference: object = None  # a derive.verify.code.Reference, for a step of kind REFERENCE
    file: str = ""
    line: int = 0

    @property
    def where(self) -> str:
        """``proofs/x.py:14`` for messages."""
        return f"{self.file}:{self.line}" if self.file else "<unknown>"


@dataclass(repr=False)
class Derivation:
    """A titled chain ``subject = start = … ``, built step by step by a derivation module.

    Args:
        title: shown as the heading of the write-up.
        context: the symbols and assumptions.
        start: the first expression of the chain.
        subject: what the chain is about (the left side of the first line), e.g. ``L(θ)``; defaults to ``start``.
        name: a short slug used for labels and file names; the loader fills it from the module name.
        intro: the opening paragraph (a module's docstring, by default).
    """

    title: str
    context: Context
    start: sp.Expr
    subject: sp.Expr | None = None
    name: str = ""
    intro: str = ""
    steps: list[Step] = field(default_factory=list)
    closing: str = ""
    source: str = ""  # the module it was loaded from (set by the loader)

    def __post_init__(self) -> None:
        _require_expr(self.start, "the start")
        if self.subject is None:
            self.subject = self.start
        if not self.name:
            self.name = _slug(self.title)
        where = "{}:{}".format(*_caller())
        # every name used so far, to refuse namesakes and look-alikes as steps are added (derive.core.names); an
        # attribute, not a field, so that copies (dataclasses.replace) and comparisons never see it
        self._names = names.Names(self.context)
        self._names.check([self.start], f"{where}: the start", f"in the start ({where})")
        self._names.check([self.subject], f"{where}: the subject", f"in the subject ({where})")

    # -- the chain so far ---------------------------------------------------------------------------------------
    @property
    def current(self) -> sp.Expr:
        """The expression the next step continues from (examples do not move the chain)."""
        for s in reversed(self.steps):
            if s.kind not in (Kind.EXAMPLE, Kind.REFERENCE):
                return s.expr
        return self.start

    @property
    def current_lhs(self) -> sp.Expr:
        for s in reversed(self.steps):
            if s.kind not in (Kind.EXAMPLE, Kind.REFERENCE):
                return s.lhs
        return self.subject

    # -- building -----------------------------------------------------------------------------------------------
    def step(
        self,
        expr: sp.Expr,
        because: str,
        *,
        by: str | Iterable[str] = (),
        name: str = "",
        prose: str = "",
        allow: str | Evidence = Evidence.PROVED,
        relation: str | Relation = Relation.EQ,
        witness: dict | None = None,
    ) -> Step:
        """Claim ``current <relation> expr``, justified in words by ``because``; ``by`` names rules to try first.

        ``relation`` is ``=``, ``<``, ``≤``, ``>``, ``≥`` or ``≠``. A ``≠`` needs a ``witness``: values (inside
        the declarations) at which the two sides are shown to differ exactly.
        """
        extra = {}
        if Relation(relation) is Relation.NE:
            if not isinstance(witness, dict) or not witness:
                raise ModelError(f"{_caller()[0]}:{_caller()[1]}: a ≠ step needs witness={{symbol: value, ...}}")
            extra["values"] = tuple((sp.sympify(k), sp.sympify(v)) for k, v in witness.items())
        elif witness:
            raise ModelError("witness= is only for ≠ steps")
        return self._add(
            Kind.STEP, expr, because, by, name, prose, allow, relation, self.current, self.current_lhs, **extra
        )

    def apply(
        self,
        f: Callable[[sp.Expr], sp.Expr],
        expr: sp.Expr,
        because: str,
        *,
        by: str | Iterable[str] = (),
        name: str = "",
        prose: str = "",
        allow: str | Evidence = Evidence.PROVED,
    ) -> Step:
        """Apply ``f`` to both sides (taking logs, dividing by N) and claim ``f(current) = expr``."""
        if not callable(f):
            raise ModelError(f"apply: {f!r} is not a function of an expression")
        claim, lhs = f(self.current), f(self.current_lhs)
        return self._add(Kind.STEP, expr, because, by, name, prose, allow, Relation.EQ, claim, lhs, transformed=True)

    def assume(self, expr: sp.Expr, because: str, *, name: str = "", prose: str = "") -> Step:
        """A modelling assumption ``current = expr`` (e.g. i.i.d. factorisation): shown as such, never proved."""
        return self._add(
            Kind.ASSUME, expr, because, (), name, prose, Evidence.PROVED, Relation.EQ, self.current, self.current_lhs
        )

    def example(self, values: dict, expr: sp.Expr, because: str, *, name: str = "", prose: str = "") -> Step:
        """The current line evaluated at ``values`` (e.g. N = 3, x = (2, 2, 1)) equals ``expr``; checked exactly."""
        if not isinstance(values, dict) or not values:
            raise ModelError("example: values must be a non-empty dict of symbol -> value")
        pairs = tuple((sp.sympify(k), sp.sympify(v)) for k, v in values.items())
        _check_example_values(self.context, pairs, self.current)
        claim = self.current
        return self._add(
            Kind.EXAMPLE, expr, because, (), name, prose, Evidence.PROVED, Relation.EQ, claim, claim, values=pairs
        )

    def reference(
        self,
        function: Callable,
        args: Iterable[sp.Basic],
        formula: sp.Expr | None = None,
        *,
        because: str = "",
        allow: str | Evidence = Evidence.PROVED_FOR_SIZES,
    ) -> Step:
        """The plain-Python ``function`` computes ``formula`` (by default the chain's last expression).

        ``args`` says what each parameter receives: declared families and data (as lists counted from 0),
        integer values (shifted to start at 0) or probabilities. The checker runs the function on SymPy symbols
        at small sizes and on floats at random inputs (see derive.verify.code); the write-ups typeset it with
        latexify-py beside the formula. The step is named ``code-<function name>``.
        """
        formula = self.current if formula is None else formula
        where = _caller()
        try:
            ref = hooks.call("reference", function, tuple(args), formula, self.context)
        except ModelError as exc:
            raise ModelError(f"{where[0]}:{where[1]}: {exc}") from None
        because = because or f"the function {ref.name} computes this formula"
        return self._add(
            Kind.REFERENCE,
            formula,
            because,
            (),
            f"code-{ref.name}",
            "",
            allow,
            Relation.EQ,
            formula,
            formula,
            reference=ref,
        )

    def _add(self, kind, expr, because, by, name, prose, allow, relation, claim, lhs, **extra) -> Step:
        where = _caller()
        index = len(self.steps) + 1
        label = f"{where[0]}:{where[1]}: step {index}"
        _require_expr(expr, label)
        if not isinstance(because, str) or not because.strip():
            raise ModelError(f"{label}: every step needs a justification in words (because=...)")
        hints = (by,) if isinstance(by, str) else tuple(by)
        _check_hints(hints, label)
        try:
            relation = Relation(relation)
        except ValueError:
            raise ModelError(f"{label}: relation {relation!r} is not one of =, <, ≤, >, ≥, ≠") from None
        try:
            allow = Evidence(allow)
        except ValueError:
            raise ModelError(f"{label}: allow={allow!r} is not an evidence level") from None
        if allow not in ALLOWABLE:
            raise ModelError(f"{label}: allow must be one of {', '.join(e.value for e in ALLOWABLE)}")
        name = name or f"step-{index}"
        if any(s.name == name for s in self.steps):
            raise ModelError(f"{label}: step name {name!r} is used twice")
        given = [x for pair in extra.get("values", ()) for x in pair]  # an example's or a witness's values
        self._names.check([expr, claim, lhs, *given], label, f"in step {index} ({where[0]}:{where[1]})")
        step = Step(
            kind=kind,
            expr=expr,
            lhs=lhs,
            claim_lhs=claim,
            because=because.strip(),
            name=name,
            relation=relation,
            hints=hints,
            prose=prose.strip(),
            allow=allow,
            file=where[0],
            line=where[1],
            **extra,
        )
        self.steps.append(step)
        return step

    def __repr__(self) -> str:
        """A one-line summary (a notebook shows the write-up instead: ``derive.entry.notebook``)."""
        return f"<Derivation {self.name!r}: {self.title}, {len(self.steps)} steps>"

    def check(self, *, budget: float | None = None, seed: int = 0, cache=True, jobs: int | None = None):
        """Check every step (in workers, with ``derive check``'s cache unless ``cache=False``) and return a report
        that displays itself in Jupyter; from then on this derivation displays with its marks.

        The checker is provided by the package (``derive.core.hooks``): the model imports nothing above it. In a
        notebook, derivations display through IPython's formatters (``%load_ext derive``, registered on import
        in a running IPython too)."""
        return hooks.call("check", self, budget=budget, seed=seed, cache=cache, jobs=jobs)


def _check_example_values(ctx: Context, pairs, current: sp.Expr) -> None:
    """An example must lie inside the declarations: sizes at least their minimum, data integers in range, and
    nothing else but free symbols of the line it evaluates (never a summation index)."""
    values = dict(pairs)
    for key, value in pairs:
        if key in ctx.sizes:
            if not (value.is_Integer and value >= ctx.sizes[key]):
                raise ModelError(f"example: {key} = {value}, but {key} is declared an integer ≥ {ctx.sizes[key]}")
        elif key in ctx.integer_values:
            lo, hi = (b.xreplace(values) for b in ctx.integer_values[key])
            if not (value.is_Integer and lo.is_Integer and hi.is_Integer and lo <= value <= hi):
                raise ModelError(f"example: {key} = {value}, but {key} is declared an integer in {lo}..{hi}")
        elif isinstance(key, sp.Indexed) and key.base in ctx.datasets:
            spec = ctx.datasets[key.base]
            lo, hi = (b.xreplace(values) for b in spec.values)
            if not (value.is_Integer and lo.is_Integer and hi.is_Integer and lo <= value <= hi):
                raise ModelError(f"example: {key} = {value}, but {key.base}_k is declared an integer in {lo}..{hi}")
            for index, (first, last) in zip(key.indices, spec.ranges, strict=False):
                first, last = first.xreplace(values), last.xreplace(values)
                if len(key.indices) != len(spec.ranges) or not (
                    index.is_Integer and first.is_Integer and last.is_Integer and first <= index <= last
                ):
                    raise ModelError(f"example: {key} is not a declared data value of {key.base}")
        elif key not in current.free_symbols:
            raise ModelError(f"example: {key} is neither a size, a data value, nor a free symbol of the line")


def _require_expr(expr: object, label: str) -> None:
    if not isinstance(expr, sp.Expr):
        raise ModelError(f"{label}: expected a SymPy expression, got {type(expr).__name__} {expr!r}")


def _check_hints(hints: tuple[str, ...], label: str) -> None:
    names = hooks.call("rule_names")  # the engine's registry, which imports the model's types
    for h in hints:
        if h not in names and not h.endswith("_def"):
            known = ", ".join(sorted(names))
            raise ModelError(f"{label}: unknown rule {h!r} in by=...; known rules: {known}")


def _caller() -> tuple[str, int]:
    """The file and line of the derivation module's call (the first frame outside this module)."""
    # NOTE: sys._getframe, not inspect.stack(): the latter reads every frame's source and costs milliseconds a step.
    frame = sys._getframe(2)
    while frame is not None:
        if frame.f_code.co_filename != __file__ and frame.f_code is not _DERIVATION_INIT:
            return frame.f_code.co_filename, frame.f_lineno
        frame = frame.f_back
    return "<unknown>", 0


# the __init__ dataclasses generate for Derivation (its code lives in no file) calls __post_init__
_DERIVATION_INIT = Derivation.__init__.__code__


def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-") or "derivation"
