"""Fixtures for the renderer tests: the flagship derivation and hand-made check results, the bundled build, and TeX.

The results are built by hand (mirroring what the checker reports for the flagship) so that these tests exercise
the renderers alone and do not change when the checker does. :func:`bundled_build` is the one ``derive build`` of
the bundled derivations a test session makes (shared by the xdist workers), for the tests that need the real
write-ups. Where ``CI=true``, a test that would be skipped because TeX or poppler is missing fails instead
(tests/conftest.py's ``pytest_runtest_makereport``): CI installs them, so such a skip would hide a test that never
ran.
"""

from __future__ import annotations

import contextlib
import dataclasses
import fcntl
import importlib.util
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from derive.core.evidence import Counterexample, Evidence, StepResult, TraceEntry
from derive.core.model import Derivation

ROOT = Path(__file__).resolve().parents[2]
FLAGSHIP = ROOT / "proofs" / "iid_cross_entropy.py"


def _trace(*labels: tuple[str, tuple[str, ...]] | str) -> list[TraceEntry]:
    out = []
    for item in labels:
        rule, assumptions = (item, ()) if isinstance(item, str) else item
        out.append(TraceEntry(rule=rule, side="lhs", assumptions=assumptions))
    return out


#: What the checker reports for each step of the flagship, by step name.
PROVED_TRACES = {
    "iid": None,
    "worked-example": _trace("ring_nf"),
    "name-q": _trace("q_def", "ring_nf"),
    "group-by-counts": _trace(
        ("log_injective", ("q_i > 0",)),
        ("log_prod", ("q_i > 0",)),
        "n_def",
        ("log_pow", ("q_i > 0",)),
        "mul_sum",
        "sum_comm",
        ("sum_kronecker_delta", ("x_k integer", "1 ≤ x_k ≤ K")),
        "ring_nf",
    ),
    "counts-to-frequencies": _trace("p_def", "ring_nf"),
    "take-logs": _trace(("log_prod", ("q_i > 0",)), ("log_pow", ("q_i > 0",)), "mul_sum", "ring_nf"),
    "divide-by-n": _trace("ring_nf"),
    "cross-entropy": _trace("cross_entropy_def", "ring_nf"),
}

COUNTEREXAMPLE = Counterexample(
    values={"N": "2", "K": "2", "x": "(1, 2)", "q": "(1/3, 2/3)"},
    lhs_value="log(2/9)",
    rhs_value="2*log(1/2)",
    lhs_approx="-1.504077",
    rhs_approx="-1.386294",
    replay="derive check proofs/x.py --step take-logs",
)


@pytest.fixture(scope="session")
def flagship_module():
    spec = importlib.util.spec_from_file_location("derive_tests_render_flagship", FLAGSHIP)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture()
def derivation(flagship_module) -> Derivation:
    """The flagship derivation with its module docstring as the intro; a copy, so a test may change its steps."""
    nll = flagship_module.nll
    return dataclasses.replace(nll, intro=flagship_module.__doc__ or "", steps=list(nll.steps))


def proved_results(derivation: Derivation) -> list[StepResult]:
    out = []
    for step in derivation.steps:
        # Steps added to the flagship later get a one-rule trace.
        trace = PROVED_TRACES.get(step.name, (TraceEntry(rule="ring_nf", side="both"),))
        if trace is None:
            out.append(StepResult(Evidence.ASSUMED, "stated, not checked"))
        else:
            out.append(StepResult(Evidence.PROVED, "", trace=list(trace)))
    return out


@pytest.fixture()
def proved():
    """:func:`proved_results`: every step of a derivation proved (assumptions assumed), for a derivation a test
    made itself."""
    return proved_results


@pytest.fixture()
def results(derivation) -> list[StepResult]:
    """Every step proved, the i.i.d. step assumed."""
    return proved_results(derivation)


@pytest.fixture()
def refuted_results(derivation) -> list[StepResult]:
    """As ``results``, but ``take-logs`` refuted with a counterexample."""
    out = proved_results(derivation)
    n = [s.name for s in derivation.steps].index("take-logs")
    out[n] = StepResult(Evidence.REFUTED, "", counterexample=COUNTEREXAMPLE)
    return out


@pytest.fixture()
def mixed_results(derivation) -> list[StepResult]:
    """Every evidence level once: sizes, numeric, undecided and refuted after the proved and assumed steps."""
    out = proved_results(derivation)
    names = [s.name for s in derivation.steps]
    out[names.index("counts-to-frequencies")] = StepResult(Evidence.PROVED_FOR_SIZES, "sizes N, K in {1, 2, 3}")
    out[names.index("take-logs")] = StepResult(Evidence.REFUTED, "", counterexample=COUNTEREXAMPLE)
    out[names.index("divide-by-n")] = StepResult(Evidence.NUMERIC, "40 points at 30 digits")
    out[names.index("cross-entropy")] = StepResult(Evidence.UNDECIDED, "no method concluded within 10 s")
    return out


_FRESH = """
import dataclasses, importlib.util, sys
sys.path.insert(0, {here!r})
from conftest import FLAGSHIP, proved_results
from derive.render.{module} import {function}
spec = importlib.util.spec_from_file_location("flagship", FLAGSHIP)
module = importlib.util.module_from_spec(spec)
spec.loader.exec_module(module)
d = dataclasses.replace(module.nll, intro=module.__doc__)
sys.stdout.buffer.write({function}(d, proved_results(d)).encode())
"""


def _render_in_fresh_process(function: str, hash_seed: str) -> str:
    module = "markdown" if function == "render_markdown" else "latex"
    code = _FRESH.format(here=str(Path(__file__).parent), module=module, function=function)
    env = {**os.environ, "PYTHONHASHSEED": hash_seed, "PYTHONPATH": str(ROOT)}
    done = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, check=True, timeout=120)
    return done.stdout.decode()


@pytest.fixture()
def render_in_fresh_process():
    """``render_in_fresh_process(name, hash_seed)``: ``derive.render.<name>`` of the flagship with every step proved
    (the i.i.d. step assumed), computed in a new interpreter with that ``PYTHONHASHSEED``."""
    return _render_in_fresh_process


# -- TeX: skipped where it is missing, failed where CI=true (tests/conftest.py's hook) -----------------------------
CI_INSTALLS = "CI installs TeX Live and poppler-utils (see README.md), so these tests must run there"


def require(*programs: str) -> None:
    """Skip the calling test when one of ``programs`` is not on PATH; fail it instead where ``CI=true``."""
    missing = [p for p in programs if shutil.which(p) is None]
    if missing and os.environ.get("CI") == "true":
        pytest.fail(f"CI=true but {', '.join(missing)} is not on PATH: {CI_INSTALLS}", pytrace=False)
    if missing:
        pytest.skip(f"{', '.join(missing)} is not installed")


@pytest.fixture(name="require")
def require_fixture():
    """:func:`require` for the test modules (a conftest is not imported by name)."""
    return require


def pdflatex(tex: Path) -> tuple[int, str]:
    """Compile ``tex`` once with pdflatex in its folder (no shell escape, one log line per message); the exit code
    and the log. The caller requires pdflatex first (:func:`require`)."""
    done = subprocess.run(
        ["pdflatex", "-interaction=nonstopmode", "-halt-on-error", "-no-shell-escape", tex.name],
        cwd=tex.parent,
        capture_output=True,
        text=True,
        errors="replace",
        timeout=120,
        check=False,
        env={**os.environ, "max_print_line": "1000"},
    )
    return done.returncode, tex.with_suffix(".log").read_text(errors="replace")


@pytest.fixture(name="pdflatex")
def pdflatex_fixture():
    """:func:`pdflatex` for the test modules."""
    return pdflatex


# -- one build of the bundled derivations per session -------------------------------------------------------------
#: NOTE: a generous time budget per step: the build runs with an empty cache while the other workers load the
#: machine, and at the default 5 s a step could come out undecided there (the write-ups do not depend on it).
_BUILD = ["build", "--no-pdf", "--budget", "60"]


@pytest.fixture(scope="session")
def bundled_build(tmp_path_factory) -> tuple[Path, str]:
    """``derive build --no-pdf`` of the bundled derivations: ``(its output folder, what it printed)``.

    Built once per test session: the xdist workers share the folder under the session's base temporary directory,
    the first to take the lock builds and the others wait for it. The write-ups are exactly what ``derive build``
    writes; the tests that compile them do so themselves, to read TeX's logs.
    """
    from derive.entry.cli import main

    root = tmp_path_factory.getbasetemp()
    shared = root.parent if os.environ.get("PYTEST_XDIST_WORKER") else root
    out, printed = shared / "bundled-build", shared / "bundled-build.printed"
    with (shared / "bundled-build.lock").open("w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if not printed.is_file():
            capture = shared / "bundled-build.capturing"
            with capture.open("w") as sink, contextlib.redirect_stdout(sink):
                code = main([*_BUILD, "--out", str(out), "--cache-dir", str(shared / "bundled-cache")])
            assert code == 0, f"derive build of the bundled derivations failed:\n{capture.read_text()}"
            capture.rename(printed)
    return out, printed.read_text()
