"""Every step of every bundled derivation reaches the evidence it declares: one test per step."""

from __future__ import annotations

import pytest

from derive.checker import check_step
from derive.evidence import Evidence
from derive.loader import bundled_proofs, load
from derive.model import Kind

LOADED = load([bundled_proofs()])
STEPS = [
    pytest.param(d, s, id=f"{item.path.name}::{s.name}") for item in LOADED for d in item.derivations for s in d.steps
]


def test_every_bundled_module_loads():
    assert LOADED and all(item.error is None for item in LOADED), [str(i.error) for i in LOADED if i.error]


@pytest.mark.parametrize(("derivation", "step"), STEPS)
def test_step(derivation, step):
    result = check_step(derivation, step)
    assert result.evidence.satisfies(step.allow), f"{step.where}: {step.name}: {result.evidence.value} {result.detail}"
    assert result.evidence is not Evidence.REFUTED


def test_flagship_claims_are_all_proved_for_all_sizes(flagship):
    lines = [s for s in flagship.steps if s.kind is not Kind.REFERENCE]
    evidence = [check_step(flagship, s).evidence for s in lines]
    assert evidence[0] is Evidence.ASSUMED  # the i.i.d. factorisation is stated, not proved
    assert evidence[1:] == [Evidence.PROVED] * (len(evidence) - 1)
    (code,) = [s for s in flagship.steps if s.kind is Kind.REFERENCE]
    # the reference implementation is checked at sizes (and in floating point), and never claims more
    assert check_step(flagship, code).evidence is Evidence.PROVED_FOR_SIZES
