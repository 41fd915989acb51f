"""The derivation model: a start and steps, in a context of symbols and what is assumed of them.

A derivation module builds these objects; the checker and the renderers only read them. A ``Derivation`` is a
chain of lines, each related to the previous one by a ``Relation`` (=, <, ≤, >, ≥, ≠); the declarations live in
``derive.core.context``.
"""

from __future__ import annotations

import enum
import fractions
import math
import numbers
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

import sympy as sp

from derive.core import citing, hooks, location, names
from derive.core.context import Context
from derive.core.errors import ModelError
from derive.core.evidence import ALLOWABLE, Evidence
from derive.core.file_names import name_problem


class Relation(enum.StrEnum):
    """How a line relates to the previous one."""

    EQ = "="
    LT = "<"
    LE = "≤"
    GT = ">"
    GE = "≥"
    NE = "≠"

    @classmethod
    def _missing_(cls, value):
        """The ASCII spellings a lecturer types first (``"<="``, ``">="``, ``"!="``, ``"=="``), and SymPy's relational
        classes (``sp.Ge``), mean the same relations."""
        try:
            return _SPELLINGS.get(value)
        except TypeError:  # unhashable: no relation
            return None

    @classmethod
    def spellings(cls) -> str:
        """Every accepted spelling, for error messages."""
        return ", ".join([r.value for r in cls] + list(_ASCII))


_ASCII = {"==": Relation.EQ, "<=": Relation.LE, ">=": Relation.GE, "!=": Relation.NE}
_SPELLINGS = {
    **_ASCII,
    sp.Eq: Relation.EQ,
    sp.Lt: Relation.LT,
    sp.Le: Relation.LE,
    sp.Gt: Relation.GT,
    sp.Ge: Relation.GE,
    sp.Ne: Relation.NE,
}


class Kind(enum.StrEnum):
    """What a step is: a claim to verify, a stated assumption, or a worked instance of the previous line."""

    STEP = "step"  # a claim: previous line (possibly transformed) relates to the new expression
    ASSUME = "assumption"  # a modelling assumption, shown as such and never claimed as proved
    EXAMPLE = "example"  # the previous line evaluated at concrete values; the chain continues unchanged
    REFERENCE = "reference"  # a Python function checked against a formula (derive.checks.code); not a line


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
    reference: object = None  # a derive.checks.code.Reference, for a step of kind REFERENCE
    budget: float | None = None  # seconds this step's check may take (None: the run's budget, --budget)
    # the derivations whose conclusions this step cites (their ``name``s), from ``by=`` a Derivation or its name:
    # each is used as a rule (an equation) or a lemma (an inequality), and must itself pass
    citations: tuple[str, ...] = ()
    # the Derivation objects among them, for a run that did not load their modules; never pickled (a worker is
    # sent their conclusions: derive.run.citations), nor compared
    cited: tuple = field(default=(), compare=False, repr=False)
    # the Derivation that built this step: a view of a derivation (its steps, some skipped: derive check --step, a
    # pytest item) is told from the whole by it, and a citation is resolved to the whole (derive.run.citations)
    owner: object = field(default=None, compare=False, repr=False)
    file: str = ""
    line: int = 0

    @property
    def where(self) -> str:
        """``proofs/x.py:14`` for messages."""
        return f"{self.file}:{self.line}" if self.file else "<unknown>"

    def __getstate__(self) -> dict:
        """Pickled without the cited and owning Derivation objects (whole modules' worth; a worker gets their
        conclusions)."""
        return {**self.__dict__, "cited": (), "owner": None}


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
        self.start = _as_expr(self.start, "the start")
        if self.subject is None:
            self.subject = self.start
        if not self.name:
            self.name = _slug(self.title)
        made_in, line = location.caller()
        where = f"{made_in}:{line}"
        problem = name_problem(self.name)
        if problem:
            raise ModelError(f"{where}: {problem}")
        # every name used so far, to refuse namesakes and look-alikes as steps are added (derive.core.names); an
        # attribute, not a field, so that copies (dataclasses.replace) and comparisons never see it
        self._names = names.Names(self.context)
        self._names.check([self.start], f"{where}: the start", f"in the start ({where})")
        self._names.check([self.subject], f"{where}: the subject", f"in the subject ({where})")
        for watcher in MADE:  # derive.run.loader: every derivation a module makes, bound to a name or not
            watcher(self, made_in)

    # -- the chain so far ---------------------------------------------------------------------------------------
    @property
    def current(self) -> sp.Expr:
        """The expression the next step continues from (examples do not move the chain)."""
        last = self._last_line()
        return self.start if last is None else last.expr

    @property
    def current_lhs(self) -> sp.Expr:
        last = self._last_line()
        return self.subject if last is None else last.lhs

    def _last_line(self) -> Step | None:
        """The last step that is a line of the chain (an example or a code check is not)."""
        return next((s for s in reversed(self.steps) if s.kind not in (Kind.EXAMPLE, Kind.REFERENCE)), None)

    # -- building -----------------------------------------------------------------------------------------------
    def step(
        self,
        expr: sp.Expr,
        because: str,
        *,
        by: str | object | Iterable[str | object] = (),
        name: str = "",
        prose: str = "",
        allow: str | Evidence = Evidence.PROVED,
        relation: str | Relation = Relation.EQ,
        witness: dict | None = None,
        budget: float | None = None,
    ) -> Step:
        """Claim ``current <relation> expr``, justified in words by ``because``; ``by`` names rules to try first,
        and derivations whose conclusions the step cites (their objects or names: derive.core.citing).

        ``relation`` is ``=``, ``<``, ``≤``, ``>``, ``≥`` or ``≠``. A ``≠`` needs a ``witness``: values (inside
        the declarations) at which the two sides are shown to differ exactly. ``budget`` is the seconds this step's
        check may take, instead of the run's (``--budget``, ``[tool.derive] budget``): the author knows it is slow.
        """
        extra: dict = {"budget": budget}
        if Relation._missing_(relation) is Relation.NE or relation == Relation.NE:
            if not isinstance(witness, dict) or not witness:
                file, line = location.caller()
                raise ModelError(f"{file}:{line}: a ≠ step needs witness={{symbol: value, ...}}")
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
        by: str | object | Iterable[str | object] = (),
        name: str = "",
        prose: str = "",
        allow: str | Evidence = Evidence.PROVED,
        budget: float | None = None,
    ) -> Step:
        """Apply ``f`` to both sides (taking logs, dividing by N) and claim ``f(current) = expr``; ``budget`` as
        for :meth:`step`."""
        if not callable(f):
            raise ModelError(f"apply: {f!r} is not a function of an expression")
        claim, lhs = f(self.current), f(self.current_lhs)
        extra = {"transformed": True, "budget": budget}
        return self._add(Kind.STEP, expr, because, by, name, prose, allow, Relation.EQ, claim, lhs, **extra)

    def assume(self, expr: sp.Expr, because: str, *, name: str = "", prose: str = "") -> Step:
        """A modelling assumption ``current = expr`` (e.g. i.i.d. factorisation): shown as such, never proved."""
        return self._add(
            Kind.ASSUME, expr, because, (), name, prose, Evidence.PROVED, Relation.EQ, self.current, self.current_lhs
        )

    def example(
        self, values: dict, expr: sp.Expr, because: str, *, name: str = "", prose: str = "", budget: float | None = None
    ) -> Step:
        """The current line evaluated at ``values`` (e.g. N = 3, x = (2, 2, 1)) equals ``expr``; checked exactly
        (``budget`` as for :meth:`step`: a large example's exact arithmetic may be slow)."""
        if not isinstance(values, dict) or not values:
            raise ModelError("example: values must be a non-empty dict of symbol -> value")
        pairs = tuple((sp.sympify(k), sp.sympify(v)) for k, v in values.items())
        _check_example_values(self.context, pairs, self.current)
        claim, head = self.current, (Kind.EXAMPLE, expr, because, (), name, prose, Evidence.PROVED, Relation.EQ)
        return self._add(*head, claim, claim, values=pairs, budget=budget)

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
        at small sizes and on floats at random inputs (see derive.checks.code); the write-ups typeset it with
        latexify-py beside the formula. The step is named ``code-<function name>``.
        """
        formula = self.current if formula is None else formula
        where = location.caller()
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
        where = location.caller()
        index = len(self.steps) + 1
        label = f"{where[0]}:{where[1]}: step {index}"
        expr = _as_expr(expr, label)
        if not isinstance(because, str) or not because.strip():
            raise ModelError(f"{label}: every step needs a justification in words (because=...)")
        hints, citations, cited = citing.split_by(by, label, Derivation, self)
        try:
            relation = Relation(relation)
        except ValueError:
            raise ModelError(f"{label}: relation {relation!r} is not one of {Relation.spellings()}") from None
        try:
            allow = Evidence(allow)
        except ValueError:
            raise ModelError(f"{label}: allow={allow!r} is not an evidence level") from None
        if allow not in ALLOWABLE:
            raise ModelError(f"{label}: allow must be one of {', '.join(e.value for e in ALLOWABLE)}")
        extra["budget"] = _budget(extra.get("budget"), label)
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
            citations=citations,
            cited=cited,
            owner=self,
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


def _budget(budget: object, label: str) -> float | None:
    """A step's ``budget=`` as seconds (None: the run's); anything but a positive, finite number is refused."""
    if budget is None:
        return None
    if isinstance(budget, numbers.Real) and not isinstance(budget, bool) and math.isfinite(budget) and budget > 0:
        return float(budget)
    raise ModelError(f"{label}: budget={budget!r} must be a positive number of seconds")


def _as_expr(expr: object, label: str) -> sp.Expr:
    """``expr`` as a SymPy expression: a plain integer or fraction is what a lecturer types for 0 or 1/2 (a float
    is not: 0.1 is not one tenth); anything else must already be one (text is never parsed)."""
    if isinstance(expr, (int, fractions.Fraction)) and not isinstance(expr, bool):
        return (
            sp.Rational(expr.numerator, expr.denominator) if isinstance(expr, fractions.Fraction) else sp.Integer(expr)
        )
    if not isinstance(expr, sp.Expr):
        raise ModelError(f"{label}: expected a SymPy expression, got {type(expr).__name__} {expr!r}")
    return expr


#: Called with each Derivation once it is made, and the file that made it: the loader keeps what a module makes,
#: so that one not bound to a module-level name (rebound, kept in a list) is checked, not silently left out.
MADE: list = []

# the __init__ dataclasses generate for Derivation (its code lives in no file) calls __post_init__
location.INTERNAL_CODES.add(Derivation.__init__.__code__)


def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-") or "derivation"
