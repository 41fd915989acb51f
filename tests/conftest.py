"""Shared fixtures: the bundled flagship derivation, loaded the way the CLI loads it."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:  # run from a checkout without installing
    sys.path.insert(0, str(ROOT))

from derive.loader import bundled_proofs, load_module  # noqa: E402

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
