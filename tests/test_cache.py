"""The verification cache: nothing re-verified when nothing changed, one step when one step changed, and
corrupt or foreign files never trusted."""

from __future__ import annotations

import copy
import dataclasses
import json
import sys

import sympy as sp

from derive.checks.steps import Options
from derive.core.evidence import Evidence, StepResult
from derive.entry.cli import ExitCode, main
from derive.run.cache import Cache, step_key
from derive.run.check import check_derivations


def run(derivation, cache):
    (report,) = check_derivations([(derivation, "")], Options(), cache=cache)
    return report.results


def test_a_second_check_reverifies_nothing(flagship, tmp_path):
    cache = Cache(tmp_path)
    first = run(flagship, cache)
    assert not any(r.cached for r in first)
    second = run(flagship, cache)
    checked = [r for s, r in zip(flagship.steps, second) if s.kind.value != "assumption"]
    assert all(r.cached for r in checked)
    assert [r.evidence for r in second] == [r.evidence for r in first]
    assert [[t.label() for t in r.trace] for r in second] == [[t.label() for t in r.trace] for r in first]


def test_changing_one_step_reverifies_that_step_only(flagship, tmp_path):
    cache = Cache(tmp_path)
    run(flagship, cache)
    changed = dataclasses.replace(flagship.steps[4], because="a new justification", hints=("mul_sum",))
    d2 = dataclasses.replace(flagship, steps=[*flagship.steps[:4], changed, *flagship.steps[5:]])
    results = run(d2, cache)
    fresh = [s.name for s, r in zip(d2.steps, results) if not r.cached and s.kind.value != "assumption"]
    assert fresh == [changed.name]


def test_corrupt_and_foreign_files_are_ignored_and_rewritten(flagship, tmp_path):
    cache = Cache(tmp_path)
    step = flagship.steps[3]
    key = step_key(flagship.context, step, 0)
    cache.put(key, StepResult(Evidence.PROVED, "for all sizes"))
    path = cache._path(key)

    path.write_text(path.read_text()[:-7])  # truncated
    assert cache.get(key) is None and not path.exists()

    other = step_key(flagship.context, flagship.steps[4], 0)
    cache.put(other, StepResult(Evidence.REFUTED, "forged"))
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(cache._path(other).read_text())  # valid file, but for another key
    assert cache.get(key) is None

    cache.put(key, StepResult(Evidence.PROVED, "for all sizes"))
    record = json.loads(path.read_text())
    record["result"]["evidence"] = "refuted"  # altered without a matching checksum
    path.write_text(json.dumps(record))
    assert cache.get(key) is None

    run(flagship, cache)  # rewritten by the next check
    assert cache.get(key).evidence is Evidence.PROVED


def test_undecided_is_never_stored(tmp_path):
    cache = Cache(tmp_path)
    cache.put("ab" * 32, StepResult(Evidence.UNDECIDED, "time budget of 1 s spent"))
    assert cache.get("ab" * 32) is None


def test_a_cached_counterexample_keeps_the_order_of_its_values(tmp_path):
    from derive.core.evidence import Counterexample

    cex = Counterexample({"N": "2", "K": "2", "x": "(1, 2)", "a": "1"}, "1", "2", "1", "2", sides=("code", "formula"))
    cache = Cache(tmp_path)
    cache.put("cd" * 32, StepResult(Evidence.REFUTED, "counterexample", counterexample=cex))
    back = cache.get("cd" * 32).counterexample
    assert list(back.values) == ["N", "K", "x", "a"] and back.sides == ("code", "formula")
    assert back.describe() == cex.describe()


def test_the_key_covers_the_context_and_the_seed(flagship):
    step = flagship.steps[5]
    assert step_key(flagship.context, step, 0) != step_key(flagship.context, step, 1)
    ctx = copy.copy(flagship.context)
    ctx.sizes = dict(flagship.context.sizes)
    ctx.sizes[sp.Symbol("N", integer=True, positive=True)] = 2  # N >= 2 instead of N >= 1
    assert step_key(ctx, step, 0) != step_key(flagship.context, step, 0)


def test_cli_no_cache_and_clear(tmp_path, capsys):
    args = ["--cache-dir", str(tmp_path)]
    assert main(["check", *args]) == ExitCode.OK
    assert main(["check", *args]) == ExitCode.OK
    assert "from the cache" in capsys.readouterr().out
    assert main(["check", "--no-cache", *args]) == ExitCode.OK
    assert "from the cache" not in capsys.readouterr().out
    assert main(["check", "--json", *args]) == ExitCode.OK
    # every step is stored, assumed ones too: whether an assumption is contradicted is computed, and deterministic
    stored = [s for d in json.loads(capsys.readouterr().out)["derivations"] for s in d["steps"]]
    assert main(["cache", "clear", *args]) == ExitCode.OK
    assert f"removed {len(stored)} cached results" in capsys.readouterr().out
    assert main(["check", *args]) == ExitCode.OK
    assert "from the cache" not in capsys.readouterr().out


def test_only_the_modules_that_decide_verdicts_are_in_the_engine_fingerprint():
    from derive.run.cache import PACKAGE_ROOT, deciding_modules

    names = {p.name for p in deciding_modules()}
    assert {"steps.py", "guard.py", "domain.py", "facts.py", "log.py", "losses.py"} <= names
    assert "__init__.py" in names  # the rule registry (engine/rules/__init__.py) decides verdicts too
    layers = {p.relative_to(PACKAGE_ROOT).parts[0] for p in deciding_modules()}
    assert layers == {"core", "engine", "checks", "notation.py", "losses.py"}


def test_prune_removes_the_results_of_other_engine_versions(tmp_path, monkeypatch, capsys):
    import derive.run.cache as cache_module

    cache = Cache(tmp_path)
    cache.put("a" * 64, StepResult(Evidence.PROVED, "for all sizes"))
    monkeypatch.setattr(cache_module, "engine_fingerprint", lambda: "derive 9.9 other sympy 1.14")
    cache.put("b" * 64, StepResult(Evidence.PROVED, "for all sizes"))
    (tmp_path / "zz").mkdir()
    (tmp_path / "zz" / "broken.json").write_text("{not json")
    assert main(["cache", "prune", "--cache-dir", str(tmp_path)]) == ExitCode.OK
    assert "removed 2 results" in capsys.readouterr().out
    assert cache.get("b" * 64) is not None and cache.get("a" * 64) is None


# -- the warm path: a module recalled from its record (derive.run.module_cache) ---------------------------------------
HELPED = """
from sympy import Symbol, log
from derive import Context, Derivation
from helper import RATE

ctx = Context()
x = Symbol("x", positive=True)
d = Derivation("Helped", ctx, start=log(RATE * x), name="helped")
d.step(log(RATE) + log(x), "the log of a product of positives", name="split")
"""


def _check_json(project, cache_dir, monkeypatch, capsys) -> dict:
    monkeypatch.setenv("DERIVE_CACHE_DIR", str(cache_dir))
    code = main(["check", str(project / "helped.py"), "--json"])
    data = json.loads(capsys.readouterr().out)
    data["exit"] = int(code)
    return data


def _without_timing(data: dict) -> dict:
    data = copy.deepcopy(data)
    data.pop("seconds")
    for d in data["derivations"]:
        for s in d["steps"]:
            s.pop("seconds"), s.pop("cached")
    return data


def test_a_warm_check_recalls_the_module_and_reports_exactly_what_a_cold_one_did(tmp_path, monkeypatch, capsys):
    project, cache_dir = tmp_path / "project", tmp_path / "cache"
    project.mkdir()
    (project / "helper.py").write_text("from sympy import Integer\nRATE = Integer(3)\n")
    (project / "helped.py").write_text(HELPED)
    monkeypatch.syspath_prepend(str(project))
    cold = _check_json(project, cache_dir, monkeypatch, capsys)
    assert cold["exit"] == ExitCode.OK and not any(s["cached"] for d in cold["derivations"] for s in d["steps"])
    assert list((cache_dir / "modules").rglob("*.json")), "the cold check recorded the module"

    import derive.entry.commands as commands

    real, imported = commands.load_module, []

    def load_module(path):
        imported.append(path)
        return real(path)

    monkeypatch.setattr(commands, "load_module", load_module)
    warm = _check_json(project, cache_dir, monkeypatch, capsys)
    assert not imported and all(s["cached"] for d in warm["derivations"] for s in d["steps"])
    assert _without_timing(warm) == _without_timing(cold)

    # a changed helper changes the record's key: the module is imported and its steps checked again
    (project / "helper.py").write_text("from sympy import Integer\nRATE = Integer(5)\n")
    sys.modules.pop("helper", None)
    again = _check_json(project, cache_dir, monkeypatch, capsys)
    assert imported and again["exit"] == ExitCode.OK
    assert not any(s["cached"] for d in again["derivations"] for s in d["steps"] if s["kind"] == "step")


def test_a_corrupt_module_record_is_removed_and_never_trusted(tmp_path):
    from derive.run.module_cache import SCHEMA, ModuleRecords

    records, key = ModuleRecords(tmp_path), "ab" + "0" * 62
    path = records._path(key)
    path.parent.mkdir(parents=True)
    path.write_text(json.dumps({"schema": SCHEMA, "key": key, "checksum": "forged", "reports": "[]"}))
    assert records.get(key) is None and not path.exists()


def test_a_cached_counterexample_replays_the_module_checked_now_not_the_one_cached(tmp_path):
    """The key has no path: the same wrong step in another file (a copy, a moved module) is a cache hit, and its
    replay command must name the file being checked."""
    from sympy import Symbol, exp

    from derive import Context, Derivation

    ctx = Context()
    x = Symbol("x", real=True)
    d = Derivation("slip", ctx, start=exp(x) * exp(x))
    d.step(exp(x**2), "a wrong law of exponents", name="slip")
    cache = Cache(tmp_path)
    (first,) = check_derivations([(d, "old/place.py")], Options(), cache=cache)
    (second,) = check_derivations([(d, "new/place.py")], Options(), cache=cache)
    assert second.results[0].cached and second.results[0].evidence is Evidence.REFUTED
    assert first.results[0].counterexample.replay == "derive check old/place.py --step slip"
    assert second.results[0].counterexample.replay == "derive check new/place.py --step slip"
