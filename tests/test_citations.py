"""Citations in a run (derive.run.citations): ``derive check`` checks what a derivation cites, a citing step fails
when what it cites fails, a cycle or an unknown name is bad input, and changing a cited derivation checks the
citing step again. The modules are in tests/citing/."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
import sympy as sp

from derive import Context, Derivation
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


# -- the adversarial review's attacks (F1, F2): a citation is to one whole derivation, checked in full ----------------
def test_two_derivations_of_one_name_in_one_file_are_bad_input(capsys):
    """F1: two different derivations named ``twice-named`` in one module: citing the name names both places."""
    code = main(["check", str(CITING / "same_name.py"), str(CITING / "same_name_citing.py")])
    err = capsys.readouterr().err
    assert code == ExitCode.BAD_INPUT
    assert "two different derivations are so named" in err
    assert "same_name.py:12" in err and "same_name.py:15" in err


def test_the_process_wide_fallback_never_chooses_between_namesakes(monkeypatch):
    """A name outside the run is looked up among what the process loaded (a pytest item): two different
    derivations of that name there are an error, not the latest loaded."""
    from derive.run import citations, loader

    def named(start: int) -> Derivation:
        d = Derivation("n", Context(), start=sp.Integer(start), name="loaded-twice")
        d.step(sp.Integer(start), "itself")
        return d

    first, second = named(1), named(2)
    monkeypatch.setitem(loader.LOADED, "loaded-twice", [first, second])
    user = Derivation("user", Context(), start=sp.Integer(1), name="user-of-loaded")
    user.step(sp.Integer(1), "cited", by="loaded-twice")
    with pytest.raises(citations.CitationError, match="two different derivations"):
        citations.plan([(user, "")])
    monkeypatch.setitem(loader.LOADED, "loaded-twice", [first])
    assert citations.plan([(user, "")]).sources["loaded-twice"] is first


def test_a_view_is_never_cited_its_whole_derivation_is_and_is_checked(capsys):
    """F2: ``--step b`` selects one step of the cited derivation and of the citing one; the citation is still to
    the whole chain (log x ≤ (x² − 1)/(x + 1), not =), and every step of it is checked."""
    paths = [str(CITING / "bound_then_rewrite.py"), str(CITING / "rewrite_citing.py")]
    code = main(["check", "--json", "--step", "b", *paths])
    data = json.loads(capsys.readouterr().out)
    assert code == ExitCode.FAILED  # not proved, and no engine inconsistency either
    (citing,) = steps_of(data, "uses-rewrite")
    assert citing["evidence"] != "proved"
    whole = [d for d in data["derivations"] if d["name"] == "bound-then-rewrite"]
    assert [s["name"] for s in whole[-1]["steps"]] == ["a", "b"]


def test_a_view_in_a_plan_resolves_to_the_whole():
    """The same at the level of the plan: a view (a pytest item's one step) is checked as given, its name cites
    the whole derivation."""
    from dataclasses import replace

    from derive.run.citations import plan

    module = _load("bound_then_rewrite.py")
    whole = module.bound_then_rewrite
    view = replace(whole, steps=[whole.steps[1]])
    user = Derivation("user", Context(), start=sp.log(sp.Symbol("u", positive=True)), name="user-of-view")
    user.step(sp.Integer(0), "cited", by="bound-then-rewrite")
    planned = plan([(view, ""), (user, "")])
    assert planned.sources["bound-then-rewrite"] is whole
    assert planned.cited["bound-then-rewrite"].relation.value == "≤"
    assert [id(d) for d, _ in planned.items] == [id(view), id(whole), id(user)]


def test_check_step_checks_what_the_step_cites():
    """check_step on a citing step alone checks the cited derivation too: one with a refuted step caps it, although
    its conclusion (log x ≤ x − 1) is true and proves the step."""
    from derive.core.evidence import Evidence
    from derive.run.check import check_step

    x, u = sp.Symbol("x", positive=True), sp.Symbol("u", positive=True)
    broken = Derivation("broken", Context(), start=sp.log(x), name="broken-bound")
    broken.step(sp.Integer(7), "wrong")
    broken.step(x - 1, "log x ≤ x − 1", relation="<=")
    user = Derivation("user", Context(), start=sp.log(u + 1), name="user-of-broken")
    step = user.step(u, "cited", relation="<=", by=broken)
    result = check_step(user, step)
    assert result.evidence is Evidence.UNDECIDED and "broken-bound" in result.detail


def _load(name: str):
    import importlib.util

    spec = importlib.util.spec_from_file_location(f"citing_{name[:-3]}", CITING / name)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_standing_is_read_from_the_derivation_cited_not_a_namesake_view(capsys):
    """``--step b`` with the citing module first: the view of the cited derivation (its passing step b) is checked
    after the whole (whose step a is refuted); the citing step is capped by the whole, not by the view."""
    paths = [str(CITING / "false_then_true_citing.py"), str(CITING / "false_then_true.py")]
    code = main(["check", "--json", "--step", "b", *paths])
    data = json.loads(capsys.readouterr().out)
    assert code == ExitCode.FAILED
    (citing,) = steps_of(data, "uses-false-then-true")
    assert citing["evidence"] == "undecided" and "does not pass" in citing["detail"]


def test_an_installed_copy_of_the_cited_module_is_the_same_derivation(tmp_path, capsys, monkeypatch):
    """After `pip install .` a run loads proofs/x.py from the repository while the citing module imports the installed
    copy (site-packages/derive/proofs/x.py): byte-equal sources are one derivation, not two namesakes."""
    site, repo = tmp_path / "site", tmp_path / "repo"
    site.mkdir(), repo.mkdir()
    shutil.copy(CITING / "log_bound.py", site / "log_bound.py")
    for name in ("log_bound.py", "gibbs_object.py"):
        shutil.copy(CITING / name, repo / name)
    monkeypatch.syspath_prepend(str(site))  # `from log_bound import log_bound` finds the installed copy
    code, data = check_json(capsys, repo / "log_bound.py", repo / "gibbs_object.py")
    assert code == ExitCode.OK
    assert [d["name"] for d in data["derivations"]] == ["log-bound", "gibbs-object"]
    assert steps_of(data, "gibbs-object")[0]["evidence"] == "proved"
    (site / "log_bound.py").write_text((site / "log_bound.py").read_text() + "\n# edited\n")  # no longer a copy
    monkeypatch.delitem(__import__("sys").modules, "log_bound", raising=False)
    assert main(["check", str(repo / "log_bound.py"), str(repo / "gibbs_object.py")]) == ExitCode.BAD_INPUT
    assert "two different derivations are so named" in capsys.readouterr().err


def test_a_false_step_citing_a_false_derivation_fails_without_an_engine_inconsistency(tmp_path, capsys):
    """Found by review: the step was 'proved' from the cited (false) conclusion, the independent evaluation
    contradicted it, and the run exited 3 (engine inconsistency). The proof rests on a citation that does not pass:
    the step is undecided, naming it, and the run exits 1 like any failing step."""
    module = tmp_path / "false_citing.py"
    module.write_text(
        "from sympy import Symbol, log\nfrom derive import Context, Derivation\nctx = Context()\n"
        "x = Symbol('x', positive=True)\n"
        "base = Derivation('Base', ctx, start=log(x**2), name='base')\n"
        "base.step(2*log(x) + 1, 'oops', name='bad')\n"
        "u = Derivation('User', ctx, start=log(x**2), name='user')\n"
        "u.step(2*log(x) + 1, 'by base', name='cite', by=base)\n"
    )
    assert main(["check", str(module), "--no-cache"]) == ExitCode.FAILED
    out = capsys.readouterr().out
    assert "cites base (fails)" in out and "inconsisten" not in out.lower()
