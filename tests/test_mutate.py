"""Mutation testing: no mutant of the bundled library is proved, at least 95% are refuted, and an equivalent
mutant is recognised with its reason."""

from __future__ import annotations

import json

import pytest
import sympy as sp

from derive import Context, Derivation
from derive.checker import Options
from derive.cli import ExitCode, main
from derive.loader import bundled_proofs, load
from derive.mutate import mutants, mutate


@pytest.fixture(scope="module")
def bundled_reports():
    derivations = [d for item in load([bundled_proofs()]) for d in item.derivations]
    return mutate(derivations, Options(budget=20), jobs=2)


def test_no_mutant_of_the_bundled_library_is_proved(bundled_reports):
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
