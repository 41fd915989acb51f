"""Derivations in Jupyter: ``derivation.check()`` and rich displays of a derivation and of its check.

A derivation shows its chain; once :func:`check` has run, with an evidence mark on every line. The check's
report (:class:`CheckReport`) shows a table of the steps and, for a refuted step, its counterexample. Each offers
``_repr_markdown_`` (JupyterLab, GitHub and VS Code prefer it) and ``_repr_latex_``, the MathJax display of
:mod:`derive.render.mathjax`; all read the chain from :mod:`derive.render.chain`, as the write-ups do, and the
plain-text report is the text reporter's (:mod:`derive.render.report`).

Displays never mention timings, cache hits or file paths, so a notebook saved with its outputs is the same
on every machine and every run (the replay line of a counterexample says ``.check(seed=...)`` instead of a
``derive check`` command with a path).
"""

from __future__ import annotations

import os
from dataclasses import dataclass, replace
from pathlib import Path

import sympy as sp

from derive.checks.steps import DEFAULT_BUDGET, Options
from derive.core.evidence import StepResult
from derive.core.model import Derivation, Kind
from derive.render import base
from derive.render import report as reporter
from derive.render.markdown import render_markdown
from derive.render.mathjax import render_mathjax
from derive.render.text import escape_markdown, markdown_text, plain_text
from derive.run.cache import Cache
from derive.run.check import DerivationReport, check_derivations
from derive.run.citations import plan

NOT_CHECKED = "not checked yet: call .check()"
CHANGED = "changed since the last check: call .check() again"
_LAST_CHECK = "_derive_last_check"  # attribute of a Derivation: (its steps when checked, the CheckReport)


@dataclass(eq=False)
class CheckReport(DerivationReport):
    """The outcome of :func:`check`: one ``StepResult`` per step, ``passed``, and displays for a notebook."""

    seed: int = 0

    def counts(self) -> str:
        """``9 steps: 8 proved, 1 assumed`` (levels in the legend's order)."""
        return reporter.counts(self.results)

    def status(self) -> str:
        """``name: passes — 9 steps: 8 proved, 1 assumed``."""
        return reporter.status(self)

    def __repr__(self) -> str:
        """The text reporter's brief report: no timings, paths or cache hits (a saved notebook stays the same)."""
        return reporter.derivation_text(self, reporter.Verbosity.BRIEF)

    def _repr_markdown_(self) -> str:
        rows = ["| # | step | evidence | how |", "|---|---|---|---|"]
        for n, (step, result) in enumerate(self._pairs(), start=1):
            mark = f"{base.mark_symbol(result.evidence, result)} {result.evidence.value}"
            how = escape_markdown(result.detail.strip())
            used = base.trace_summary(result)
            if used:
                how += " — by " + ", ".join(f"`{u.rule}`" for u in used)
            rows.append(f"| {n} | `{step.name}` | {mark} | {how.replace('|', '&#124;')} |")
        parts = [f"**{escape_markdown(self.status())}**", "\n".join(rows)]
        parts.extend(_counterexamples_markdown(self))
        return "\n\n".join(parts) + "\n"

    def _repr_latex_(self) -> str:
        return render_mathjax(self.derivation, self.results, self.status())

    def _pairs(self):
        return zip(self.derivation.steps, self.results, strict=True)


def check(
    derivation: Derivation,
    *,
    budget: float | None = None,
    seed: int = 0,
    cache: bool | str | Path | Cache | None = True,
    jobs: int | None = None,
) -> CheckReport:
    """Check every step of ``derivation`` (as ``derive check`` does) and remember the report for its display.

    Args:
        derivation: the derivation to check.
        budget: seconds per step (default that of ``derive check``); each step runs in a forked worker.
        seed: the seed of the numeric checks.
        cache: True for the on-disk cache ``derive check`` uses, False to check every step again, or a folder.
        jobs: steps checked in parallel (default: all cores).

    Returns:
        A :class:`CheckReport`; the derivation's own display shows its marks from now on.
    """
    (report,), _ = check_all([derivation], budget=budget, seed=seed, cache=cache, jobs=jobs)
    return report


def check_all(
    derivations: list[Derivation],
    *,
    budget: float | None = None,
    seed: int = 0,
    cache: bool | str | Path | Cache | None = True,
    jobs: int | None = None,
    library: list[Derivation] = (),
) -> tuple[list[CheckReport], list[CheckReport]]:
    """Check ``derivations`` in one run, as :func:`check` checks one, with what they cite checked first.

    ``library`` holds other derivations that a citation by name may resolve to (a ``%%derive`` cell passes the
    ones it built, so that one can cite another of the same cell by its name). Returns the reports of
    ``derivations`` (in their order; each remembered for its display, as :func:`check` does) and those of the
    derivations they cite that are not among them: a refuted step there leaves a citing step only ``undecided``
    (:func:`derive.run.citations.capped`), so a caller that must fail on it reads those reports (as
    :mod:`derive.entry.embed` does for a docs page). Raises ``CitationError`` on a citation that resolves to
    nothing, or to two derivations.
    """
    if cache is True:
        cache = Cache()
    elif cache is False or cache is None:
        cache = None
    elif not isinstance(cache, Cache):
        cache = Cache(Path(cache))
    options = Options(budget=DEFAULT_BUDGET if budget is None else budget, seed=seed)
    ordered = plan([(d, "") for d in derivations], library).items  # the cited ones too, each before its citers
    plain = check_derivations(ordered, options, jobs=jobs or os.cpu_count() or 1, cache=cache, library=library)
    reports = {}
    for report in plain:
        d = report.derivation
        results = [_replayable(r, d, step.name, seed) for step, r in zip(d.steps, report.results, strict=True)]
        reports[id(d)] = CheckReport(d, results, seed=seed)
    asked = {id(d) for d in derivations}
    for d in derivations:
        # NOTE: a plain attribute, not a field: the model knows nothing of notebooks, and a Derivation (a mutable
        # dataclass, so unhashable) cannot key a weak dictionary. The steps are kept to notice steps added later.
        setattr(d, _LAST_CHECK, (tuple(d.steps), reports[id(d)]))
    cited = [reports[id(d)] for d, _ in ordered if id(d) not in asked]
    return [reports[id(d)] for d in derivations], cited


def _replayable(result: StepResult, derivation: Derivation, step: str, seed: int) -> StepResult:
    """The result with a replay line for a notebook (the CLI's names a file, here a temporary cell file)."""
    if result.counterexample is None:
        return result
    replay = f".check(seed={seed}) on {derivation.name!r}, step {step!r}"
    return replace(result, counterexample=replace(result.counterexample, replay=replay))


def last_check(derivation: Derivation) -> CheckReport | None:
    """The report of the last :func:`check`, or None if there was none or steps were added since."""
    remembered = getattr(derivation, _LAST_CHECK, None)
    if remembered is None:
        return None
    steps, report = remembered
    same = len(steps) == len(derivation.steps) and all(a is b for a, b in zip(steps, derivation.steps))
    return report if same else None


# -- IPython: %load_ext derive ----------------------------------------------------------------------------------
# NOTE: %load_ext derive (derive.load_ipython_extension) calls this and registers the %%derive cell magic of
# derive.entry.notebook_magic, which imports this module.
def register_formatters(ipython) -> None:
    """Register the Markdown, LaTeX and plain-text displays of a ``Derivation`` with ``ipython``'s formatters
    (the model has no display code)."""
    formatters = ipython.display_formatter.formatters
    formatters["text/markdown"].for_type(Derivation, derivation_markdown)
    formatters["text/latex"].for_type(Derivation, derivation_latex)
    formatters["text/plain"].for_type(Derivation, _pretty)


def _pretty(derivation: Derivation, printer, cycle: bool) -> None:
    """IPython's plain-text display (a terminal): the chain, not the dataclass fields."""
    printer.text(derivation_text(derivation))


# -- the derivation's displays ---------------------------------------------------------------------------------
# NOTE: a display only reads what check() remembered; it never runs the checker itself. IPython calls every
# registered formatter on each display, so they must be fast and free of side effects (no workers, no cache writes).
def derivation_markdown(derivation: Derivation) -> str:
    """The write-up of :func:`derive.render.markdown.render_markdown` once checked, else the chain unmarked."""
    report = last_check(derivation)
    if report is None:
        note = _note(derivation)
        title = f"### {markdown_text(derivation.title)}"
        return f"{title}\n\n*{escape_markdown(note)}*\n\n{render_mathjax(derivation, None, '', heading=False)}\n"
    title, _, rest = render_markdown(derivation, report.results).partition("\n\n")
    # NOTE: the write-up's "# Title" would be the largest heading of the whole notebook; an output takes a third.
    return f"##{title}\n\n**{escape_markdown(report.status())}**\n\n{rest}"


def derivation_text(derivation: Derivation) -> str:
    """The chain as plain text, one line per step with its mark once checked (IPython's text display)."""
    report = last_check(derivation)
    head = f"{plain_text(derivation.title)} ({report.status() if report else _note(derivation)})"
    lines = [head, f"      {sp.sstr(derivation.subject)}"]
    if derivation.subject != derivation.start:
        lines.append(f"      = {sp.sstr(derivation.start)}")
    results = report.results if report else [None] * len(derivation.steps)
    for n, (step, result) in enumerate(zip(derivation.steps, results), start=1):
        mark = base.mark_symbol(result.evidence, result) if result else ""
        if step.kind is Kind.EXAMPLE:
            values = ", ".join(f"{sp.sstr(k)} = {sp.sstr(v)}" for k, v in step.values)
            line = f"(at {values}) = {sp.sstr(step.expr)}"
        elif step.kind is Kind.REFERENCE:
            line = f"(the code {step.name.removeprefix('code-')}) = {sp.sstr(step.expr)}"
        else:
            lhs = f"{sp.sstr(step.lhs)} " if step.transformed else ""
            line = f"{lhs}{step.relation.value} {sp.sstr(step.expr)}"
        lines.append(f"  {n:>2} {mark:<3} {line}    # {plain_text(step.because)}")
    return "\n".join(lines)


def _note(derivation: Derivation) -> str:
    return CHANGED if hasattr(derivation, _LAST_CHECK) else NOT_CHECKED


def derivation_latex(derivation: Derivation) -> str:
    """The chain as one MathJax display, with marks once checked and a note to call ``.check()`` before."""
    report = last_check(derivation)
    if report is None:
        return render_mathjax(derivation, None, _note(derivation))
    return render_mathjax(derivation, report.results, report.status())


def bundled(module: str, name: str = "") -> Derivation:
    """A derivation shipped with derive, loaded as ``derive check`` loads it: ``bundled("iid_cross_entropy")``.

    ``name`` picks one of several derivations in the module (their ``name``, e.g. ``"kl-divergence"``).
    Raises ``LoadError`` for an unknown module and ``ValueError`` for an unknown or missing ``name``.
    """
    from derive.run.loader import bundled_proofs, load_module

    loaded = load_module(bundled_proofs() / f"{module}.py")
    if loaded.error is not None:
        raise loaded.error
    found = [d for d in loaded.derivations if d.name == name] if name else loaded.derivations
    if len(found) != 1:
        names = ", ".join(d.name for d in loaded.derivations)
        raise ValueError(f"{module}: say which derivation with name=... (one of {names})")
    return found[0]


def _counterexamples_markdown(report: CheckReport) -> list[str]:
    out = []
    for n, (step, result) in enumerate(report._pairs(), start=1):
        if result.counterexample is not None:
            head = f"**Step {n} (`{step.name}`) is refuted** — {markdown_text(step.because)}:"
            out.append(f"{head}\n\n```text\n{result.counterexample.describe()}\n```")
    return out
