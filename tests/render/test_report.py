"""derive.render.report: the one text reporter, compared as exact strings on hand-made results."""

from __future__ import annotations

from sympy import Symbol, log

from derive.core.context import Context
from derive.core.evidence import Counterexample, Evidence, StepResult, TraceEntry, replay_command
from derive.core.model import Derivation
from derive.render.report import (
    Columns,
    Verbosity,
    counts,
    derivation_text,
    failure_text,
    step_notes,
)
from derive.run.check import DerivationReport

CEX = Counterexample(
    values={"x": "1/2"},
    lhs_value="-log(2)",
    rhs_value="log(2)**2",
    lhs_approx="-0.693147180560",
    rhs_approx="0.480453013918",
    replay="derive check proofs/x.py --step slip",
)


def _derivation() -> Derivation:
    x = Symbol("x", positive=True)
    d = Derivation("A slip", Context(), start=log(x**2), name="a-slip")
    d.step(2 * log(x), "the log of a power", name="power")
    d.step(log(x) ** 2, "a tempting mistake", name="slip")
    return d


def _results() -> list[StepResult]:
    proved = StepResult(Evidence.PROVED, "", trace=[TraceEntry(rule="log_pow", side="lhs", assumptions=("x > 0",))])
    return [proved, StepResult(Evidence.REFUTED, "", counterexample=CEX, seconds=0.5)]


def test_brief_is_the_notebooks_plain_text():
    report = DerivationReport(_derivation(), _results())
    assert derivation_text(report) == "\n".join(
        [
            "a-slip: FAILS — 2 steps: 1 proved, 1 refuted",
            "   1  ✓    proved            power",
            "   2  ✗    refuted           slip",
            "      Counterexample: x = 1/2",
            "        left side  = -log(2)  ≈ -0.693147180560",
            "        right side = log(2)**2  ≈ 0.480453013918",
            "      Replay: derive check proofs/x.py --step slip",
        ]
    )


def test_the_table_row_flags_a_failing_step_and_the_notes_grow_with_verbosity():
    d = _derivation()
    power, slip = d.steps
    proved, refuted = _results()
    columns = Columns.fitting([d])
    assert columns.row(d.name, 2, slip, refuted).endswith("  refuted             0.50s  <-- FAILS")
    assert step_notes(power, 1, proved, Verbosity.NORMAL) == []
    assert step_notes(power, 1, proved, Verbosity.VERBOSE) == ["    by log_pow [x > 0]"]
    notes = step_notes(slip, 2, refuted, Verbosity.NORMAL)
    assert notes[0] == f"  {slip.where}: step 2 (slip) is refuted" and notes[1] == "    Counterexample: x = 1/2"
    short = StepResult(Evidence.NUMERIC, "agrees at 40 points")
    assert columns.row(d.name, 1, power, short).endswith("  <-- FAILS (allowed: proved)")
    assert step_notes(power, 1, short, Verbosity.NORMAL) == ["    agrees at 40 points"]


def test_full_leads_with_the_verdict_and_ends_with_the_counterexample_or_a_replay():
    d = _derivation()
    power, slip = d.steps
    text = failure_text(slip, 2, d.name, _results()[1], required=Evidence.PROVED, where="x.py:9", path="x.py")
    lines = text.splitlines()
    assert (
        lines[0] == "refuted at x = 1/2: left side = -log(2), right side = log(2)**2 (x.py:9: step 2 (slip) of a-slip)"
    )
    assert "  evidence:  refuted, required: proved (default)" in lines
    assert lines[-1] == "Replay: derive check proofs/x.py --step slip"  # the counterexample's own replay
    undecided = StepResult(Evidence.UNDECIDED, "time budget of 5 s spent")
    text = failure_text(power, 1, d.name, undecided, required=Evidence.PROVED, strict=True, where="x.py:8", path="x.py")
    assert text.splitlines()[0] == "undecided, short of proved (x.py:8: step 1 (power) of a-slip)"
    assert "(--derive-strict)" in text and "Hint: give it more time" in text
    assert (
        text.splitlines()[-1]
        == "Replay: " + replay_command("x.py", "power")
        == "Replay: derive check x.py --step power"
    )


def test_counts_follow_the_legends_order():
    assert counts(_results()[::-1]) == "2 steps: 1 proved, 1 refuted"
    assert counts([]) == "0 steps"


WHY_NOT = (
    'not proved for all sizes: log_pow needs x > 0 (declare x with sp.Symbol("x", positive=True))',
    "  log_pow was tried at log(x**2) (left side)",
)


def test_why_not_shows_under_the_step_with_v_and_in_the_failure_text():
    d = _derivation()
    power, _ = d.steps
    short = StepResult(Evidence.NUMERIC, "agrees at 40 points", why_not=WHY_NOT)
    assert step_notes(power, 1, short, Verbosity.NORMAL) == ["    agrees at 40 points"]
    assert step_notes(power, 1, short, Verbosity.VERBOSE) == ["    agrees at 40 points", *(f"    {w}" for w in WHY_NOT)]
    lines = failure_text(power, 1, d.name, short, required=Evidence.PROVED, where="x.py:8", path="x.py").splitlines()
    at = lines.index("  detail:    agrees at 40 points")
    assert lines[at + 1 : at + 3] == [f"  why not:   {WHY_NOT[0]}", f"           {WHY_NOT[1]}"]
