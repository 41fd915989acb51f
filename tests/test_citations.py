"""Citations in a run (derive.run.citations): ``derive check`` checks what a derivation cites, a citing step fails
when what it cites fails, a cycle or an unknown name is bad input, and changing a cited derivation checks the
citing step again. The modules are in tests/citing/."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from derive.entry.cli import ExitCode, main

CITING = Path(__file__).resolve().parent / "citing"


@pytest.fixture
def modules(tmp_path):
    """A copy of the citing modules, free to edit."""
    for name in ("log_bound.py", "gibbs_sum.py", "gibbs_object.py"):
        shutil.copy(CITING / name, tmp_path / name)
    return tmp_path


def check_json(capsys, *paths) -> tuple[int, dict]:
    code = main(["check", "--json", *map(str, paths)])
    return code, json.loads(capsys.readouterr().out)


def steps_of(data: dict, name: str) -> list[dict]:
    (found,) = [d for d in data["derivations"] if d["name"] == name]
    return found["steps"]


def test_a_cites_b_by_name(modules, capsys):
    assert main(["check", str(modules / "log_bound.py"), str(modules / "gibbs_sum.py")]) == ExitCode.OK
    out = capsys.readouterr().out
    assert "cites log-bound (passes)" in out
    code, data = check_json(capsys, modules / "gibbs_sum.py", modules / "log_bound.py")
    assert code == ExitCode.OK
    (step,) = steps_of(data, "gibbs-sum")
    assert step["citations"] == ["log-bound"] and step["evidence"] == "proved"
    assert any(t["rule"] == "log-bound" for t in step["trace"])  # the cited result did the work


def test_a_cites_b_by_object_and_checks_it_too(modules, capsys, monkeypatch):
    """Only the citing module is given: the derivation it imports is checked as well, and is one derivation when
    its module is given too."""
    monkeypatch.syspath_prepend(str(modules))
    code, data = check_json(capsys, modules / "gibbs_object.py")
    assert code == ExitCode.OK
    assert [d["name"] for d in data["derivations"]] == ["log-bound", "gibbs-object"]
    assert steps_of(data, "gibbs-object")[0]["citations"] == ["log-bound"]
    code, data = check_json(capsys, modules / "log_bound.py", modules / "gibbs_object.py")
    assert code == ExitCode.OK
    assert [d["name"] for d in data["derivations"]] == ["log-bound", "gibbs-object"]


def test_a_broken_cited_derivation_fails_the_citing_step(modules, capsys):
    source = (modules / "log_bound.py").read_text()
    (modules / "log_bound.py").write_text(source.replace("log_bound.step(x - 1,", "log_bound.step(x - 2,"))
    code, data = check_json(capsys, modules / "log_bound.py", modules / "gibbs_sum.py")
    assert code == ExitCode.FAILED
    (cited,) = steps_of(data, "log-bound")
    assert cited["evidence"] == "refuted"
    (step,) = steps_of(data, "gibbs-sum")
    assert step["evidence"] == "undecided" and not step["passed"]
    assert "cites log-bound, which does not pass: its step 1 (step-1) is refuted" in step["detail"]


def test_a_cycle_is_bad_input_naming_it(capsys):
    code = main(["check", str(CITING / "cycle_a.py"), str(CITING / "cycle_b.py")])
    assert code == ExitCode.BAD_INPUT
    err = capsys.readouterr().err
    assert "a cycle of citations: cycle-a → cycle-b → cycle-a" in err


def test_an_unknown_name_is_bad_input_naming_the_step(capsys):
    assert main(["check", str(CITING / "unknown_name.py")]) == ExitCode.BAD_INPUT
    err = capsys.readouterr().err
    assert "unknown_name.py:9: step 1 (step-1): by='no-such-derivation' is neither a rule nor a derivation" in err


def test_changing_the_cited_derivation_checks_the_citing_step_again(modules, capsys):
    paths = (modules / "log_bound.py", modules / "gibbs_sum.py")
    check_json(capsys, *paths)
    _, data = check_json(capsys, *paths)
    assert steps_of(data, "gibbs-sum")[0]["cached"]
    source = (modules / "log_bound.py").read_text()  # a weaker, still true bound: log x ≤ x
    (modules / "log_bound.py").write_text(source.replace("log_bound.step(x - 1,", "log_bound.step(x,"))
    code, data = check_json(capsys, *paths)
    assert code == ExitCode.OK
    assert not steps_of(data, "log-bound")[0]["cached"]
    assert not steps_of(data, "gibbs-sum")[0]["cached"]
