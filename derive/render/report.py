"""The text reporter: a step's result, the check table, a derivation's report, at a chosen :class:`Verbosity`.

One place words a result for the terminal, so ``derive check``, a pytest failure and a notebook's plain display
say the same things the same way:

- ``BRIEF``: one line per step (mark, evidence, name) and any counterexample; no timings, paths or cache hits,
  so a notebook saved with its outputs is the same on every machine (:func:`derivation_text`).
- ``NORMAL``: the check table's row (:class:`Columns`) with ``<-- FAILS``, then why a step short of ``proved`` is
  so, and a refuted step's location and counterexample (:func:`step_notes`; ``derive check``).
- ``VERBOSE``: also the detail of every step, the rules each proof used, and for a step short of ``proved`` why
  the rules did not prove it (:attr:`~derive.core.evidence.StepResult.why_not`; ``derive check -v``).
- ``FULL``: everything about one failing step: the verdict first (pytest's short summary shows the first line),
  the source that made it, the claim as text, the evidence required and why, why the rules did not prove it, the
  counterexample or a replay command (:func:`failure_text`; the pytest plugin).

The replay command of a step is :func:`derive.core.evidence.replay_command`. :func:`github_annotations` words
the same failures as GitHub Actions workflow commands (``derive check --format github``).
"""

from __future__ import annotations

import ast
import enum
import os
import re
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

import sympy as sp

from derive.core.evidence import Evidence, StepResult, replay_command
from derive.core.model import Step
from derive.render import base
from derive.render.text import plain_text


class Verbosity(enum.IntEnum):
    """How much a report says, each level adding to the one before."""

    BRIEF = 0
    NORMAL = 1
    VERBOSE = 2
    FULL = 3


def counterexample_lines(result: StepResult, indent: str = "") -> list[str]:
    """The counterexample of ``result`` (a Hypothesis-style report), each line after ``indent``; [] without one."""
    if result.counterexample is None:
        return []
    return [f"{indent}{line}" for line in result.counterexample.describe().splitlines()]


def why_not_lines(result: StepResult, indent: str = "") -> list[str]:
    """Why ``result`` is short of ``proved`` (the rule blocked closest to a proof and the declaration that would
    supply its side condition; derive.engine.explain), each line after ``indent``; [] when it says nothing."""
    return [f"{indent}{line}" for line in result.why_not]


# -- a derivation's report ---------------------------------------------------------------------------------------
def counts(results: Iterable[StepResult]) -> str:
    """``9 steps: 8 proved, 1 assumed`` (levels in the legend's order)."""
    results = list(results)
    tally = Counter(r.evidence for r in results)
    parts = [f"{tally[e]} {e.value}" for e in base.MARKS if tally[e]]
    total = len(results)
    return f"{total} step{'s' if total != 1 else ''}" + (": " + ", ".join(parts) if parts else "")


def status(report) -> str:
    """``name: passes — 9 steps: 8 proved, 1 assumed`` for a :class:`derive.run.check.DerivationReport`."""
    return f"{report.derivation.name}: {'passes' if report.passed else 'FAILS'} — {counts(report.results)}"


def derivation_text(report, verbosity: Verbosity = Verbosity.BRIEF) -> str:
    """The status line, then one line per step: number, mark, evidence, name; at ``BRIEF`` (a notebook's plain
    display) a counterexample follows its step, and from ``NORMAL`` on the notes of :func:`step_notes`."""
    lines = [status(report)]
    for n, (step, result) in enumerate(zip(report.derivation.steps, report.results, strict=True), start=1):
        mark = base.mark_symbol(result.evidence, result)
        lines.append(f"  {n:>2}  {mark:<4} {result.evidence.value:<17} {step.name}")
        if verbosity is Verbosity.BRIEF:
            lines += counterexample_lines(result, " " * 6)
        else:
            lines += step_notes(step, n, result, verbosity)
    return "\n".join(lines)


# -- the check table -----------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Columns:
    """The check table's columns: derivation and step names are as wide as the longest shown (``--step NAME``
    needs the whole name), and never narrower than 24 characters."""

    name: int = 24
    step: int = 24

    @classmethod
    def fitting(cls, derivations: list) -> Columns:
        names = [d.name for d in derivations]
        steps = [s.name for d in derivations for s in d.steps]
        return cls(max([cls.name, *map(len, names)]), max([cls.step, *map(len, steps)]))

    def header(self) -> str:
        return f"{'derivation':{self.name}} {'#':>2}  {'step':{self.step}} {'rel':3}  {'evidence':17} {'time':>7}"

    def row(self, name: str, n: int, step: Step, result: StepResult) -> str:
        """The step's row, ending in ``<-- FAILS`` (and what it allows, unless refuted) when it falls short."""
        time_ = "cached" if result.cached else f"{result.seconds:6.2f}s"
        cells = f"{name:{self.name}} {n:>2}  {step.name:{self.step}} {step.relation.value:3}  "
        return cells + f"{result.evidence.value:17} {time_:>7}" + _fails(step, result)


def _fails(step: Step, result: StepResult) -> str:
    if result.evidence.satisfies(step.allow):
        return ""
    return "  <-- FAILS" + (f" (allowed: {step.allow.value})" if result.evidence is not Evidence.REFUTED else "")


def step_notes(step: Step, n: int, result: StepResult, verbosity: Verbosity = Verbosity.NORMAL) -> list[str]:
    """The lines under a step's row: why it is short of ``proved`` (every step's detail and rules at
    ``VERBOSE``), then for a refuted step or an engine inconsistency its location and counterexample."""
    verbose = verbosity >= Verbosity.VERBOSE
    lines = []
    if result.evidence not in (Evidence.PROVED, Evidence.ASSUMED) or verbose:
        if result.detail and result.counterexample is None:
            lines.append(f"    {result.detail}")
        if verbose and result.trace:
            lines.append("    by " + ", ".join(t.label() for t in result.trace))
        if verbose:
            lines += why_not_lines(result, "    ")
    if result.inconsistent:
        lines.append(f"  {step.where}: step {n} ({step.name}): {result.detail}")
        lines += counterexample_lines(result, "    ")
    elif result.counterexample is not None:
        lines.append(f"  {step.where}: step {n} ({step.name}) is refuted")
        lines += counterexample_lines(result, "    ")
    return lines


# -- one failing step, in full ---------------------------------------------------------------------------------
def failure_text(
    step: Step,
    n: int,
    derivation: str,
    result: StepResult,
    *,
    required: Evidence,
    strict: bool = False,
    where: str,
    path: str,
) -> str:
    """Everything about a step short of ``required``: the verdict (first, for pytest's short summary), the
    source that made the step, the claim as text, the evidence and why it was required (``strict``: every claim
    must be proved), then the counterexample, or a hint and the replay command of ``path``.

    ``where`` is the step's ``file:line`` as the reader should see it.
    """
    cex = result.counterexample
    if result.inconsistent:
        verdict = "ENGINE INCONSISTENCY: a proof contradicted by the independent guard" + (
            f" at {cex.point}" if cex is not None and cex.point else ""
        )
    elif cex is not None:
        at = f" at {cex.point}" if cex.point else ""
        verdict = f"refuted{at}: {cex.sides[0]} = {cex.lhs_value}, {cex.sides[1]} = {cex.rhs_value}"
    elif result.evidence is Evidence.REFUTED:
        verdict = "refuted"
    else:
        verdict = f"{result.evidence.value}, short of {required.value}"
    lines = [f"{verdict} ({where}: step {n} ({step.name}) of {derivation})"]
    lines += source_lines(step)
    lines.append("")
    lines.append(f"  before:    {sp.sstr(step.claim_lhs)}")
    if step.values:
        lines.append("  at:        " + ", ".join(f"{sp.sstr(k)} = {sp.sstr(v)}" for k, v in step.values))
    lines.append(f"  relation:  {step.relation.value}")
    lines.append(f"  after:     {sp.sstr(step.expr)}")
    hints = f"  (rules tried first: {', '.join(step.hints)})" if step.hints else ""
    lines.append(f"  because:   {plain_text(step.because)}{hints}")
    why = (
        "--derive-strict" if strict else f"allow={step.allow.value}" if step.allow is not Evidence.PROVED else "default"
    )
    lines.append(f"  evidence:  {result.evidence.value}, required: {required.value} ({why})")
    if result.detail:
        lines.append(f"  detail:    {result.detail}")
    if result.why_not:
        lines.append(f"  why not:   {result.why_not[0]}")
        lines += [f"           {line}" for line in result.why_not[1:]]  # its own lines are indented by two
    lines.append("")
    if cex is not None:
        lines += counterexample_lines(result)
    else:
        if result.evidence is Evidence.UNDECIDED and "budget" in result.detail:
            lines.append("Hint: give it more time (the step's budget=SECONDS, --derive-budget), or name rules with by=")
        lines.append(f"Replay: {replay_command(path, step.name)}")
    return "\n".join(lines)


def source_lines(step: Step, limit: int = 12) -> list[str]:
    """The statement that made the step, as pytest shows source: numbered, the step's first line marked."""
    try:
        text = Path(step.file).read_text(encoding="utf-8")
        tree = ast.parse(text)
    except (OSError, SyntaxError, ValueError):
        return []
    stmt = next((n for n in ast.walk(tree) if isinstance(n, ast.stmt) and n.lineno == step.line), None)
    if stmt is None:
        return []
    source = text.splitlines()
    last = min(stmt.end_lineno or stmt.lineno, stmt.lineno + limit - 1)
    out = [""]
    for n in range(stmt.lineno, last + 1):
        mark = ">" if n == step.line else " "
        out.append(f"{mark} {n:4d}  {source[n - 1]}")
    if last < (stmt.end_lineno or last):
        out.append("        ...")
    return out


# -- GitHub Actions annotations ------------------------------------------------------------------------------------
def github_annotations(reports: Iterable, errors: Iterable = ()) -> list[str]:
    """One GitHub Actions ``::error`` per failure, shown by GitHub at the step's file and line: a refuted step (its
    counterexample in the message), an engine inconsistency, a step short of what it declared (undecided or numeric
    below its ``allow=``: it fails the check too, exit code 1), and each module that failed to load (``errors``:
    objects with ``path`` and ``error``, as :class:`derive.run.loader.Loaded`)."""
    out = []
    for error in errors:
        match = re.search(r": failed to import: line (\d+): ", str(error.error))  # derive.run.loader._where
        out.append(_command("error", str(error.error), file=error.path, line=match and match[1]))
    for report in reports:
        name = report.derivation.name
        for step, result in zip(report.derivation.steps, report.results, strict=True):
            if result.evidence.satisfies(step.allow) and not result.inconsistent:
                continue
            file, _, line = step.where.rpartition(":")  # a recalled step (derive.run.module_cache) keeps only this
            at = {"file": file, "line": line} if line.isdigit() else {}
            if result.inconsistent:
                message = "\n".join([result.detail, *counterexample_lines(result)])
                out.append(_command("error", message, **at, title=f"{name}: {step.name}: engine inconsistency"))
            elif result.evidence is Evidence.REFUTED:
                message = "\n".join(counterexample_lines(result)) or result.detail or "refuted"
                out.append(_command("error", message, **at, title=f"{name}: {step.name} refuted"))
            else:
                short = f"{result.evidence.value}, short of allow={step.allow.value}"
                message = "\n".join(line for line in [short, result.detail, *result.why_not] if line)
                out.append(_command("error", message, **at, title=f"{name}: {step.name} {result.evidence.value}"))
    return out


def github_error(message: str, **properties) -> str:
    """One ``::error`` workflow command, for a failure that has no step (bad input to ``derive check``)."""
    return _command("error", message, **properties)


def _command(kind: str, message: str, **properties) -> str:
    """``::kind file=...,line=...::message``, escaped as GitHub's actions/toolkit does (``escapeData`` for the
    message, ``escapeProperty`` for the properties); a file is given relative to the working directory, with ``/``
    (GitHub expects a path relative to the repository, which a workflow checks out as its working directory)."""
    if properties.get("file"):
        try:
            properties["file"] = Path(os.path.relpath(properties["file"])).as_posix()
        except ValueError:  # on another drive (Windows)
            properties["file"] = Path(properties["file"]).as_posix()
    shown = ",".join(f"{k}={_escape(str(v), in_property=True)}" for k, v in properties.items() if v)
    return f"::{kind} {shown}::{_escape(message)}" if shown else f"::{kind}::{_escape(message)}"


def _escape(text: str, *, in_property: bool = False) -> str:
    text = text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")
    return text.replace(":", "%3A").replace(",", "%2C") if in_property else text
