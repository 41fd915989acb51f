"""``derive check --format github``: GitHub Actions workflow commands at each failing step's file and line, escaped
as GitHub's actions/toolkit escapes them, with the same exit codes as the table."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from sympy import Symbol, log

from derive.core.context import Context
from derive.core.evidence import Evidence, StepResult
from derive.core.model import Derivation
from derive.entry.cli import ExitCode, main
from derive.render.report import github_annotations
from derive.run.check import DerivationReport
from tests.test_cli import WRONG

GOOD = WRONG.replace('d.step(log(q[1]) * log(q[2]), "a tempting mistake", name="mistake")\n', "")


@pytest.fixture
def here(tmp_path, monkeypatch):
    """Run in ``tmp_path``, as a workflow runs in its checkout: annotation paths are relative to it."""
    monkeypatch.chdir(tmp_path)
    return tmp_path


def _commands(out: str) -> list[str]:
    return [line for line in out.splitlines() if line.startswith("::")]


def test_a_refuted_step_gives_one_error_at_its_file_and_line_with_the_counterexample(here, capsys):
    (here / "proofs").mkdir()
    (here / "proofs" / "wrong.py").write_text(WRONG)
    assert main(["check", "--format", "github", "proofs/wrong.py"]) == ExitCode.FAILED
    out = capsys.readouterr().out
    (error,) = _commands(out)
    head, message = error.split("::")[1:]
    assert head == "error file=proofs/wrong.py,line=11,title=wrong%3A mistake refuted"
    assert message.startswith("Counterexample: K = 2, q = (1/2, 1/2)%0A  left side  = ")
    assert message.endswith("%0AReplay: derive check proofs/wrong.py --step mistake")
    assert "\n" not in error and "derivation " not in out  # one line each; no table
    assert "0/1 derivations pass" in out  # the summary line stays
    # a second run serves the module from its record, and says the same
    assert main(["check", "--format", "github", "proofs/wrong.py"]) == ExitCode.FAILED
    assert _commands(capsys.readouterr().out) == [error]


def test_a_passing_module_gives_no_annotation_and_exit_0(here, capsys):
    (here / "good.py").write_text(GOOD)
    assert main(["check", "--format", "github", "good.py"]) == ExitCode.OK
    out = capsys.readouterr().out
    assert _commands(out) == [] and "1/1 derivations pass" in out


def test_a_module_that_fails_to_load_gives_an_error_at_its_file(here, capsys):
    (here / "broken.py").write_text("x = 1\nraise ValueError('bad, 100% wrong:\\nreally')\n")
    assert main(["check", "--format", "github", str(here / "broken.py")]) == ExitCode.BAD_INPUT
    (error,) = _commands(capsys.readouterr().out)
    assert error.startswith("::error file=broken.py,line=2::")
    assert error.endswith("ValueError: bad, 100%25 wrong:%0Areally")


def test_a_step_short_of_what_it_declared_is_an_error_and_properties_are_escaped(monkeypatch):
    monkeypatch.chdir(Path(__file__).parents[1])
    x = Symbol("x", positive=True)
    d = Derivation("Slow, 100%", Context(), start=log(x**2), name="slow, 100%")
    d.step(2 * log(x), "the log of a power", name="power")
    d.step(2 * log(x), "again", name="again")
    short = StepResult(Evidence.NUMERIC, "agrees at 40 points\r\nat 30 digits", why_not=("log_pow: x > 0?",))
    report = DerivationReport(d, [StepResult(Evidence.PROVED), short])
    (error,) = github_annotations([report])
    title = "title=slow%2C 100%25%3A again numeric"
    line = d.steps[1].line
    assert error.startswith(f"::error file=tests/test_cli_github.py,line={line},{title}::")
    message = "numeric, short of allow=proved%0Aagrees at 40 points%0D%0Aat 30 digits%0Alog_pow: x > 0?"
    assert error.endswith(f"::{message}")


def test_json_stays_an_alias_of_format_json(tmp_path, capsys):
    (tmp_path / "wrong.py").write_text(WRONG)
    assert main(["check", "--json", str(tmp_path / "wrong.py")]) == ExitCode.FAILED
    by_flag = json.loads(capsys.readouterr().out)
    assert main(["check", "--format", "json", str(tmp_path / "wrong.py")]) == ExitCode.FAILED
    by_format = json.loads(capsys.readouterr().out)
    assert by_flag["derivations"][0]["passed"] is False and by_format.keys() == by_flag.keys()


def test_a_load_error_takes_its_line_from_the_loader_not_from_a_path_that_says_line(tmp_path, monkeypatch, capsys):
    """Found by review: ``line 7/empty.py`` (a module that defines no derivation) was annotated ``line=7``."""
    folder = tmp_path / "line 7"
    folder.mkdir()
    (folder / "empty.py").write_text("x = 1\n")
    monkeypatch.chdir(tmp_path)
    assert main(["check", "line 7/empty.py", "--format", "github"]) == ExitCode.BAD_INPUT
    (annotation,) = [line for line in capsys.readouterr().out.splitlines() if line.startswith("::error")]
    assert annotation.startswith("::error file=line 7/empty.py::") and "line=" not in annotation.split("::")[1]


def test_bad_input_with_no_step_to_point_at_is_still_an_error_on_the_run(here, capsys):
    """An unknown ``--step`` and a citation that resolves to nothing fail the check (exit 2) with an ``::error``
    too: in a workflow the stderr line alone would show in the log but not on the run's summary."""
    (here / "good.py").write_text(GOOD)
    assert main(["check", "--format", "github", "good.py", "--step", "nope"]) == ExitCode.BAD_INPUT
    captured = capsys.readouterr()
    assert _commands(captured.out) == ["::error title=derive check::no derivation has a step 'nope'"]
    assert "no derivation has a step 'nope'" in captured.err

    citing = Path(__file__).resolve().parent / "citing" / "unknown_name.py"
    assert main(["check", "--format", "github", str(citing)]) == ExitCode.BAD_INPUT
    (error,) = _commands(capsys.readouterr().out)
    assert error.startswith("::error title=derive check::") and "by='no-such-derivation'" in error
