"""The bundled library as a whole. Each step is a test item of its own through the pytest plugin
(``[tool.derive] paths = ["proofs"]`` in pyproject.toml: ``pytest`` lists them as ``proofs/<module>.py::<step>``)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from derive.core.evidence import Evidence
from derive.core.model import Kind
from derive.run.check import check_step
from derive.run.loader import bundled_proofs, load

LOADED = load([bundled_proofs()])


def test_every_bundled_module_loads():
    assert LOADED and all(item.error is None for item in LOADED), [str(i.error) for i in LOADED if i.error]


def test_pytest_collects_every_bundled_step_as_an_item():
    root = Path(__file__).resolve().parents[1]
    steps = sum(len(d.steps) for item in LOADED for d in item.derivations)
    out = subprocess.run(
        [sys.executable, "-m", "pytest", "--co", "-q", "-p", "no:cacheprovider", "proofs"],
        cwd=root,
        capture_output=True,
        text=True,
        check=False,
    ).stdout
    assert sum(line.startswith("proofs/") for line in out.splitlines()) == steps


def test_flagship_claims_are_all_proved_for_all_sizes(flagship):
    lines = [s for s in flagship.steps if s.kind is not Kind.REFERENCE]
    evidence = [check_step(flagship, s).evidence for s in lines]
    assert evidence[0] is Evidence.ASSUMED  # the i.i.d. factorisation is stated, not proved
    assert evidence[1:] == [Evidence.PROVED] * (len(evidence) - 1)
    (code,) = [s for s in flagship.steps if s.kind is Kind.REFERENCE]
    # the reference implementation is translated into a sum with a symbolic length and proved equal to the formula
    # for every size (derive.checks.code.translate); its float run at random inputs is the independent check
    assert check_step(flagship, code).evidence is Evidence.PROVED
