"""Mutation testing: no mutant of the bundled library is proved, at least 95% are refuted, and an equivalent
mutant is recognised with its reason."""

from __future__ import annotations

import json
import multiprocessing
import time

import pytest
import sympy as sp

from derive import Context, Derivation
from derive.checks.steps import Options
from derive.core.evidence import Evidence, StepResult
from derive.entry.cli import ExitCode, main
from derive.entry.mutate import mutants, mutate
from derive.run.loader import bundled_proofs, load

#: Mutants of the bundled library checked in the suite: a seeded sample, drawn afresh from every step's mutants (the
#: library has some 1,300; all of them took 11 minutes of the suite's time). The whole library is measured with
#: `derive mutate proofs --json -j 2` (docs/mutation.md).
SAMPLE = 360


@pytest.fixture(scope="module")
def bundled_reports():
    derivations = [d for item in load([bundled_proofs()]) for d in item.derivations]
    return mutate(derivations, Options(budget=20), jobs=2, sample=SAMPLE, seed=15)


def test_no_mutant_of_a_seeded_sample_of_the_bundled_library_is_proved(bundled_reports):
    assert sum(len(r.results) for r in bundled_reports) >= SAMPLE
    assert all(r.counts()["proved"] == 0 for r in bundled_reports)


def test_at_least_95_percent_of_live_mutants_are_refuted_with_a_counterexample(bundled_reports):
    live = [m for r in bundled_reports for m in r.results if m.outcome != "equivalent"]
    refuted = [m for m in live if m.outcome == "refuted"]
    assert len(live) >= 40
    assert len(refuted) >= 0.95 * len(live), [(m.mutant.description, m.reason) for m in live if m not in refuted]
    assert all(m.evidence.counterexample is not None for m in refuted)


def test_the_planted_mistakes_of_the_issue_are_among_the_mutants(flagship):
    descriptions = {(m.step.name, m.operator) for m in mutants(flagship)}
    assert ("take-logs", "swap_distributions") in descriptions  # p and q swapped
    assert ("divide-by-n", "drop_or_invert_factor") in descriptions or (
        "take-logs",
        "drop_or_invert_factor",
    ) in descriptions
    assert ("group-by-counts", "change_exponent") in descriptions
    assert ("cross-entropy", "flip_sign") in descriptions
    assert ("name-q", "shift_bound") in descriptions
    assert ("take-logs", "log_as_log2") in descriptions


def test_swap_delta_index_mutants_are_refuted():
    ctx = Context()
    N, K = ctx.size("N"), ctx.size("K")
    x = ctx.data("x", index=(1, N), values=(1, K))
    i, k = sp.symbols("i k", integer=True)
    d = Derivation("count", ctx, start=sp.Sum(sp.Sum(sp.KroneckerDelta(i, x[k]), (i, 1, K)), (k, 1, N)))
    d.step(sp.Sum(sp.KroneckerDelta(i, x[k]), (k, 1, N), (i, 1, K)), "exchange the sums")
    (report,) = mutate([d], Options(budget=20))
    swapped = [m for m in report.results if m.mutant.operator == "swap_delta_index"]
    assert len(swapped) == 2 and all("replaced by j" in m.mutant.description for m in swapped)
    assert all(m.outcome == "refuted" for m in swapped)


def test_an_equivalent_mutant_is_excluded_with_its_reason():
    ctx = Context()
    K = ctx.size("K")
    q = ctx.positive("q", index=(1, K), sums_to_one=True)
    c = sp.Symbol("c", positive=True)
    i = sp.Symbol("i", integer=True)
    d = Derivation("times one", ctx, start=c)
    d.step(c * sp.Sum(q[i], (i, 1, K)), "the q_i sum to one")
    (report,) = mutate([d], Options(budget=20))
    dropped = [m for m in report.results if m.mutant.description.startswith("factor Sum(q[i]")]
    assert dropped and dropped[0].mutant.description.endswith("dropped")
    assert dropped[0].outcome == "equivalent"
    assert "proved equal to the original" in dropped[0].reason
    assert report.counts()["proved"] == 0


def test_mutate_json_shape(capsys):
    # one small module: the whole library's mutants are run once, by the bundled_reports fixture above
    assert main(["mutate", "--json", "--jobs", "2", str(bundled_proofs() / "entropy_in_bits.py")]) == ExitCode.OK
    data = json.loads(capsys.readouterr().out)
    keys = {"generated", "equivalent", "refuted", "undecided", "proved"}
    assert keys <= data["total"].keys() and all(isinstance(data["total"][k], int) for k in keys)
    names = [d["name"] for d in data["derivations"]]
    assert "bits-and-nats" in names and all(keys <= d.keys() for d in data["derivations"])
    assert all(data["total"][k] == sum(d[k] for d in data["derivations"]) for k in keys)
    assert data["total"]["generated"] == sum(data["total"][k] for k in keys - {"generated"})


# -- mutants are built in budgeted workers -----------------------------------------------------------------------
def _finishes_within(seconds: float, fn):
    """``fn()`` in a forked process, or a test failure once ``seconds`` pass (a hang must fail, not hang)."""
    context = multiprocessing.get_context("fork")
    receive, send = context.Pipe(duplex=False)
    proc = context.Process(target=lambda: send.send(fn()))
    proc.start()
    send.close()
    try:
        if not receive.poll(seconds):
            pytest.fail(f"did not finish within {seconds} s")
        return receive.recv()
    finally:
        if proc.is_alive():
            proc.kill()
        proc.join()


def test_a_step_whose_mutants_are_too_costly_to_build_is_reported_undecided_within_the_budget():
    # "exponent plus one" evaluates 7**(3*10**8 + 1): built in the parent, this hung mutate for minutes
    ctx = Context()
    big = sp.Pow(7, 3 * 10**8, evaluate=False)
    huge = Derivation("huge", ctx, start=big)
    huge.step(big, "as written", name="as-written")
    c = sp.Symbol("c", positive=True)
    small = Derivation("small", ctx, start=2 * c + 1)
    small.step(2 * c, "drop the 1", relation=">", name="smaller")

    def run():
        reports = mutate([huge, small], Options(budget=2), jobs=2)
        return [(r.derivation.name, m.mutant.step.name, m.outcome, m.reason) for r in reports for m in r.results]

    start = time.perf_counter()
    results = _finishes_within(60, run)
    assert time.perf_counter() - start < 30
    (unbuilt,) = [r for r in results if r[0] == "huge"]
    assert unbuilt[1:3] == ("as-written", "undecided")
    assert unbuilt[3].startswith("building the mutants of this step ran out of time")
    assert len([r for r in results if r[0] == "small"]) == 5  # the other derivation is checked all the same


def test_a_mutant_task_is_data_that_a_fresh_process_can_rebuild_from_the_module():
    from derive.entry.mutate import CheckMutant
    from derive.run.tasks import StepRef, dumps, loads

    path = str(bundled_proofs() / "entropy_in_bits.py")
    # nothing but the step's place: the worker loads the module again and finds the derivation by name
    task = CheckMutant(None, None, "flip_sign", 0, "sign flipped", ref=StepRef(path, "bits-and-nats", 0))
    result = loads(dumps(task))()
    assert (result.outcome, result.reason) == ("refuted", "counterexample found")
    assert result.text == "Sum(log(p[k])*p[k], (k, 1, K))/log(2)"  # the step's −Σ p_k log p_k / log 2, negated


def _gap() -> Derivation:
    c = sp.Symbol("c", positive=True)
    d = Derivation("gap", Context(), start=2 * c + 1)
    d.step(2 * c, "drop the 1", relation=">")
    return d


def test_mutants_are_checked_alike_under_spawn_and_fork(monkeypatch):
    """A derivation built in the test (no module to import again) is sent by value to fresh interpreters."""

    def outcomes(method: str) -> list[tuple[str, str, str]]:
        monkeypatch.setenv("DERIVE_START_METHOD", method)
        (report,) = mutate([_gap()], Options(budget=20), jobs=2)
        return [(m.mutant.description, m.mutant.expr, m.outcome) for m in report.results]

    spawned = outcomes("spawn")
    assert len(spawned) == 5 and outcomes("fork") == spawned


# -- an independent guard before "equivalent" --------------------------------------------------------------------
def _proved_anything(*args, **kwargs) -> StepResult:
    return StepResult(Evidence.PROVED, "a broken engine that proves anything")


def _outcomes(report) -> dict[str, tuple[str, str]]:
    return {m.mutant.description: (m.outcome, m.reason) for m in report.results}


def test_a_false_mutant_of_an_inequality_that_the_engine_proves_is_a_soundness_bug_not_equivalent(monkeypatch):
    import derive.entry.mutate.guard as mutate_module

    monkeypatch.setenv("DERIVE_NO_FORK", "1")
    monkeypatch.setattr(mutate_module, "verify_inequality", _proved_anything)
    ctx = Context()
    c = sp.Symbol("c", positive=True)
    d = Derivation("gap", ctx, start=2 * c + 1)
    d.step(2 * c, "drop the 1", relation=">")
    (report,) = mutate([d], Options(budget=20))
    outcomes = _outcomes(report)
    # 2c + 1 > 2 and 2c + 1 > 2/c both fail at c = 1/2: proved by the broken engine, caught by the guard
    for false in ("factor c dropped", "factor c inverted"):
        assert outcomes[false][0] == "proved"
        assert "fails at c = " in outcomes[false][1] and "soundness bug" in outcomes[false][1]
    # weaker but still true: 2c + 1 > −2c, > c, > c/2
    for weaker in ("sign flipped", "factor 2 dropped", "factor 2 inverted"):
        assert outcomes[weaker][0] == "equivalent", outcomes[weaker]
        assert "still satisfies >" in outcomes[weaker][1]


def test_a_mutant_of_a_not_equal_step_whose_sides_agree_at_the_witness_is_a_soundness_bug(monkeypatch):
    import derive.entry.mutate.guard as mutate_module

    monkeypatch.setenv("DERIVE_NO_FORK", "1")
    monkeypatch.setattr(mutate_module, "verify_witness", _proved_anything)
    ctx = Context()
    c = sp.Symbol("c", positive=True)
    d = Derivation("apart", ctx, start=c)
    d.step(c**2 + 1, "one more than a square", relation="≠", witness={c: 1})
    (report,) = mutate([d], Options(budget=20))
    outcomes = _outcomes(report)
    for false in ("term 1 dropped", "term c**2 dropped"):  # c = 1 makes c**2 and 1 both equal to c
        assert outcomes[false][0] == "proved"
        assert "agree at the witness c = 1" in outcomes[false][1]
    assert outcomes["sign flipped"][0] == "equivalent"  # −2 ≠ 1
    assert "still differs" in outcomes["sign flipped"][1]


def test_a_proved_mutant_that_nothing_can_evaluate_is_undecided_not_equivalent(monkeypatch):
    import derive.entry.mutate.guard as mutate_module

    monkeypatch.setenv("DERIVE_NO_FORK", "1")
    monkeypatch.setattr(mutate_module, "verify_claim", _proved_anything)
    # integer-valued: no smooth reading of f exists (derive.checks.guard.interpret), so nothing can be evaluated
    f, x = sp.Function("f", integer=True), sp.Symbol("x", positive=True)
    d = Derivation("model", Context(), start=2 * f(x))
    d.step(2 * f(x), "as it was")
    (report,) = mutate([d], Options(budget=20))
    assert report.results and all(m.outcome == "undecided" for m in report.results), _outcomes(report)
    assert all("not confirmed independently" in m.reason for m in report.results)


def test_a_seeded_sample_of_mutants_is_reproducible():
    ctx = Context()
    c = sp.Symbol("c", positive=True)
    d = Derivation("gap", ctx, start=2 * c + 1)
    d.step(2 * c, "drop the 1", relation=">")

    def picked(**kwargs) -> list[str]:
        (report,) = mutate([d], Options(budget=20), **kwargs)
        return [m.mutant.description for m in report.results]

    everything = picked()
    first = picked(sample=2, seed=3)
    assert len(everything) == 5 and len(first) == 2 and set(first) <= set(everything)
    assert picked(sample=2, seed=3) == first
    assert picked(sample=10, seed=3) == everything
    assert picked(sample=0) == []


def test_the_guard_reads_an_undefined_function_to_confirm_or_catch_a_proved_mutant(monkeypatch):
    """f(x) is read as a concrete function (derive.checks.guard.interpret): a mutant the engine 'proves' is then seen
    to be false (2·f(x) against f(x)), which is a soundness bug, not an equivalent mutant."""
    import derive.entry.mutate.guard as mutate_module

    monkeypatch.setenv("DERIVE_NO_FORK", "1")
    monkeypatch.setattr(mutate_module, "verify_claim", _proved_anything)
    f, x = sp.Function("f"), sp.Symbol("x", positive=True)
    d = Derivation("model", Context(), start=2 * f(x))
    d.step(2 * f(x), "as it was")
    (report,) = mutate([d], Options(budget=20))
    assert any(m.outcome == "proved" for m in report.results), _outcomes(report)
