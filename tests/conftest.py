"""Shared fixtures: the bundled flagship derivation, loaded the way the CLI loads it."""

from __future__ import annotations

import os
import re
import sys
from pathlib import Path

import pytest
from hypothesis import settings

# Property tests run derandomised with a fixed number of examples, so a CI run is reproducible; set
# HYPOTHESIS_PROFILE=explore for a longer, randomised search on a developer's machine.
settings.register_profile("ci", derandomize=True, max_examples=60, deadline=None, print_blob=True)
settings.register_profile("explore", max_examples=1000, deadline=None)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci"))

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:  # run from a checkout without installing
    sys.path.insert(0, str(ROOT))

from derive.run.loader import bundled_proofs, load_module  # noqa: E402

FLAGSHIP = bundled_proofs() / "iid_cross_entropy.py"


@pytest.fixture(scope="session")
def flagship():
    """The seed-000 derivation (i.i.d. likelihood → cross-entropy)."""
    loaded = load_module(FLAGSHIP)
    assert loaded.error is None, loaded.error
    (derivation,) = loaded.derivations
    return derivation


@pytest.fixture(autouse=True)
def _private_cache(tmp_path_factory, monkeypatch):
    """Every test gets its own empty verification cache, never the user's."""
    monkeypatch.setenv("DERIVE_CACHE_DIR", str(tmp_path_factory.mktemp("cache")))


# -- TeX, poppler, pandoc, mystmd: skipped where they are missing, failed where CI=true ------------------------------
#: A skip whose reason names one of these is a skip for want of a tool that CI installs.
_TEX_SKIP = re.compile(r"pdflatex|latexmk|\bTeX\b|LaTeX|pdftotext|pdfinfo|pdftoppm|poppler|pandoc|mystmd", re.I)
CI_INSTALLS = "CI installs TeX Live, poppler-utils, pandoc and mystmd (see .ci/run), so these tests must run there"


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    """Where ``CI=true``, turn a skip for want of TeX, poppler, pandoc or mystmd (any ``skipif`` or ``pytest.skip``
    whose reason names them, in any test file) into a failure that says what is missing."""
    outcome = yield
    report = outcome.get_result()
    if not (report.skipped and os.environ.get("CI") == "true" and isinstance(report.longrepr, tuple)):
        return
    reason = report.longrepr[2]
    if _TEX_SKIP.search(reason):
        report.outcome = "failed"
        report.longrepr = f"{item.nodeid}: would be skipped ({reason}), but CI=true: {CI_INSTALLS}"
