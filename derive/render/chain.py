"""The chain of a derivation as every output format shows it: built once, rendered by each format.

:func:`build` reads a derivation (and its results, once checked) into a :class:`Chain` of lines, one frozen
dataclass per line, whose class says what kind of line it is:

- :class:`Opening`: ``subject = start``, when the chain is about something other than its first expression;
- :class:`Claim`: a step the checker verifies;
- :class:`Assumption`: a modelling assumption, stated and not checked (a kind of claim, shown like one);
- :class:`Example`: the line before, evaluated at concrete values.

Each output format (LaTeX, Markdown, slides, the notebook's MathJax display) subclasses :class:`ChainRenderer`
and writes one ``_render_<Kind>`` method per kind it lays out differently; :meth:`ChainRenderer.render` picks the
method for the most specific class of the line, as SymPy's printers pick ``_print_<Class>``. The sentences every
format shares ("checked exactly at these values", "For example, …:", "assumption:", "; cites …" after the
justification of a step that cites another derivation, :mod:`derive.render.links`) are written here once.
Reference implementations are not lines of the chain: :mod:`derive.render.code` shows them beside it.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from derive.core.evidence import Evidence, StepResult
from derive.core.model import Derivation, Kind, Relation, Step
from derive.render.base import Used, check_results, mark_latex, mark_symbol, trace_summary
from derive.render.links import Cited, conclusion_label, joined, label_safe, resolve
from derive.render.printer import to_latex
from derive.run.display import shown

#: The justification beside an example's line: an example is checked by evaluating both sides exactly.
EXAMPLE_CHECKED = "checked exactly at these values"
#: The word before an assumption's justification (emphasised where the format can).
ASSUMPTION = "assumption:"

RELATIONS = {
    Relation.EQ: "=",
    Relation.LT: "<",
    Relation.LE: r"\le",
    Relation.GT: ">",
    Relation.GE: r"\ge",
    Relation.NE: r"\ne",
}


@dataclass(frozen=True)
class Line:
    """One line of the chain; the class (``type(line).__name__``, :attr:`kind`) says which kind.

    Math is LaTeX (math mode, no delimiters); text (justification, reason, prose) is the author's plain text,
    which each format converts with its own escaping.
    """

    number: int  # 1-based, in step order (reference steps skipped); 0 for the opening line
    name: str  # the step's name ("" for the opening line)
    lhs: str  # the left side shown; empty when the line continues the chain (``&= ...``)
    relation: str
    rhs: str
    resume: str  # the left side a block repeats when it resumes the chain at this line (after prose, a new frame)
    evidence: Evidence | None  # None for the opening line, and for a claim not checked yet
    mark: str  # the evidence mark in math mode (``\checkmark_{\le 3}``); "" when not checked
    symbol: str  # the evidence mark in Unicode (``✓≤3``); "" when not checked
    justification: str  # what stands beside the line: the author's reason, or EXAMPLE_CHECKED
    because: str  # the author's reason
    prose: str  # the author's text before the line
    label: str  # ``iid-cross-entropy:take-logs``: unique across derivations, safe in a LaTeX label
    rules: tuple[Used, ...] = ()  # the rules the proof cited, with the assumptions they used
    values: tuple[tuple[str, str], ...] = ()  # an example's substitutions, as (symbol, value)
    result: StepResult | None = None  # None for the opening line and before a check
    step: Step | None = None
    citations: tuple[Cited, ...] = ()  # the derivations the step cites, in the order written

    @property
    def kind(self) -> str:
        return type(self).__name__


class Opening(Line):
    """``subject = start``: the first line, when the chain is about something other than its first expression."""


class Claim(Line):
    """A step of the chain that the checker verifies."""


class Assumption(Claim):
    """A modelling assumption: laid out as a claim, its justification prefixed with :data:`ASSUMPTION`."""


class Example(Line):
    """The line before evaluated at ``values``; its ``lhs`` is the evaluated expression, ``rhs`` the value."""


_KINDS = {Kind.STEP: Claim, Kind.ASSUME: Assumption, Kind.EXAMPLE: Example}


@dataclass(frozen=True)
class Chain:
    """The lines of one derivation: the opening line (if any), then one line per step that is not reference code."""

    opening: Opening | None
    lines: tuple[Line, ...]
    checked: bool  # False: no results yet, so no marks (the notebook before ``.check()``)
    conclusion: str = ""  # the label of the last line, the derivation's conclusion (derive.render.links)

    def __iter__(self):
        """Every line in order, the opening line first."""
        return iter(((self.opening,) if self.opening else ()) + self.lines)

    @property
    def evidences(self) -> list[Evidence]:
        return [line.evidence for line in self.lines if line.evidence is not None]


def build(
    derivation: Derivation, results: list[StepResult] | None = None, known: Mapping[str, Cited] | None = None
) -> Chain:
    """The chain of ``derivation`` in the notation in force; ``results`` (one per step) adds the marks.

    ``known``: the derivations a step may cite, by name (:func:`derive.render.links.library`), for the titles and
    numbers its citations show; a name not in it is shown as itself.

    Raises:
        ValueError: if ``results`` is given without exactly one ``StepResult`` per step.
    """
    if results is not None:
        check_results(derivation, results)
    written = shown(derivation)  # the author's order and grouping, where it rebuilds to what was checked
    opening = None
    if derivation.subject != derivation.start:
        subject = _tex(written.subject, derivation.subject)
        start = _tex(written.start, derivation.start)
        opening = Opening(0, "", subject, "=", start, subject, None, "", "", "", "", "", "")
    shown_start = opening is None  # the first line must show the start as its left side
    pairs = zip(derivation.steps, results if results is not None else [None] * len(derivation.steps), strict=True)
    chain = [(s, r) for s, r in pairs if s.kind is not Kind.REFERENCE]
    lines = []
    for number, (step, result) in enumerate(chain, start=1):
        forms = written.step(step)
        values = tuple((_tex(k, ck), _tex(v, cv)) for (k, v), (ck, cv) in zip(forms.values, step.values, strict=True))
        if step.kind is Kind.EXAMPLE:
            at = r",\ ".join(f"{k} = {v}" for k, v in values)
            lhs = rf"\left. {_tex(forms.claim_lhs, step.claim_lhs)} \right|_{{{at}}}"
        elif step.transformed:
            lhs, shown_start = _tex(forms.lhs, step.lhs), False
        elif shown_start:
            lhs, shown_start = _tex(written.start, derivation.start), False
        else:
            lhs = ""
        evidence = Evidence.ASSUMED if step.kind is Kind.ASSUME else result.evidence if result else None
        marked = result is not None and evidence is not None
        line = _KINDS[step.kind](
            number=number,
            name=step.name,
            lhs=lhs,
            relation=RELATIONS[step.relation],
            rhs=_tex(forms.expr, step.expr),
            resume=_tex(forms.lhs, step.lhs),
            evidence=evidence,
            mark=mark_latex(evidence, result) if marked else "",
            symbol=mark_symbol(evidence, result) if marked else "",
            justification=EXAMPLE_CHECKED if step.kind is Kind.EXAMPLE else step.because,
            because=step.because,
            prose=step.prose,
            label=f"{label_safe(derivation.name)}:{label_safe(step.name)}",
            rules=tuple(trace_summary(result)) if result else (),
            values=values,
            result=result,
            step=step,
            citations=resolve(step.citations, known),
        )
        lines.append(line)
    return Chain(opening, tuple(lines), results is not None, conclusion_label(derivation))


def _tex(written: object, checked: object) -> str:
    """LaTeX of an expression: its display form as written, or the checked form as SymPy orders it."""
    return to_latex(written, as_written=True) if written is not checked else to_latex(checked)


class ChainRenderer:
    """The base of a format's chain renderer: dispatch on the kind of line, and the sentences formats share.

    A subclass converts plain text with :meth:`text` and lays out each kind of line in ``_render_<Kind>``;
    a kind without its own method is laid out as its nearest base class is (an :class:`Assumption` as a
    :class:`Claim`).
    """

    def __init__(self, chain: Chain):
        self.chain = chain

    def render(self, line: Line, **options):
        """What ``_render_<Kind>`` returns for the most specific kind of ``line`` that has such a method."""
        for cls in type(line).__mro__:
            method = getattr(self, f"_render_{cls.__name__}", None)
            if method is not None:
                return method(line, **options)
        raise NotImplementedError(f"{type(self).__name__} cannot render a line of kind {line.kind}")

    # -- hooks of the format ------------------------------------------------------------------------------------
    def text(self, plain: str) -> str:
        """The author's plain text in this format (escaped, its formulas set as math)."""
        raise NotImplementedError

    def emphasis(self, text: str) -> str:
        return text

    # -- the shared sentences -----------------------------------------------------------------------------------
    def said(self, line: Line) -> list[str]:
        """The sentences before ``line``: its prose, and for an example "For example, <reason>:"."""
        said = [self.text(line.prose)] if line.prose else []
        if isinstance(line, Example):
            said.append(f"For example, {lower_first(self.text(line.because))}:")
        return said

    def justification(self, line: Line) -> str:
        """What stands beside ``line``: its justification, "assumption:" first for a checked assumption."""
        if isinstance(line, Assumption) and self.chain.checked:
            said = self.assumed(line.justification)
        else:
            said = self.text(line.justification)
        return said + self.cites(line.citations, first=not said) if line.citations else said

    def cites(self, cited: tuple[Cited, ...], first: bool = False) -> str:
        """What follows the justification of a step that cites: ``; cites Gibbs' inequality`` (``Cites …`` when
        nothing precedes it). A format with links overrides this; plain formats show the cited titles."""
        return self.text(("Cites " if first else "; cites ") + joined([c.title for c in cited]))

    def assumed(self, justification: str) -> str:
        """An assumption's justification after the (emphasised) word :data:`ASSUMPTION`."""
        return f"{self.emphasis(ASSUMPTION)} {self.text(justification)}"


def lower_first(text: str) -> str:
    """``For example, for the …``: lower-case a leading capital unless it starts an acronym or a formula."""
    if len(text) > 1 and text[0].isupper() and text[1].islower():
        return text[0].lower() + text[1:]
    return text
