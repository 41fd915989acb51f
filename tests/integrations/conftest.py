"""What the documentation-tool integrations (Sphinx, MyST, MkDocs, pandoc, mystmd) are tested with: one bundled
derivation that passes, and one module with a planted wrong step, each copied into the test's own project."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from derive.run.loader import bundled_proofs

#: The bundled derivation every integration embeds: short, and every step proved.
BUNDLED = "iid_cross_entropy.py"

#: A module whose second step is the classic slip log Σ a_i = Σ log a_i, refuted with a counterexample.
PLANTED = """\
from sympy import Product, Sum, Symbol, log

from derive import Context, Derivation

ctx = Context()
n = ctx.size("n")
a = ctx.positive("a", index=(1, n))
i = Symbol("i", integer=True)
d = Derivation("The log of a product", ctx, start=log(Product(a[i], (i, 1, n))), name="log-of-a-product")
d.step(Sum(log(a[i]), (i, 1, n)), "the log of a product of positive numbers is the sum of their logs", by="log_prod")
d.step(log(Sum(a[i], (i, 1, n))), "the sum of the logs is the log of the sum", name="slip")
"""

#: The line of PLANTED that holds the wrong step (an error must name it).
PLANTED_LINE = 11

#: A step the engine checks only numerically (q is real, so log_mul does not apply): short of allow=proved.
SHORT = """\
from sympy import log

from derive import Context, Derivation

ctx = Context()
K = ctx.size("K", minimum=2)
q = ctx.real("q", index=(1, K))
r = ctx.positive("r", index=(1, K))
d = Derivation("A real factor $q_1$", ctx, start=log(q[1] * r[1]), name="real-factor")
d.step(log(q[1]) + log(r[1]), "the log of a product", name="split")
"""


@pytest.fixture
def bundled_module(tmp_path: Path) -> Path:
    """A copy of a bundled derivation in the test's project folder (``proofs/iid_cross_entropy.py``)."""
    target = tmp_path / "proofs" / BUNDLED
    target.parent.mkdir(parents=True, exist_ok=True)
    shutil.copy(bundled_proofs() / BUNDLED, target)
    return target


@pytest.fixture
def planted_module(tmp_path: Path) -> Path:
    """``proofs/planted.py`` in the test's project folder: a derivation with a refuted step (``slip``, line 11)."""
    target = tmp_path / "proofs" / "planted.py"
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(PLANTED)
    return target


@pytest.fixture(autouse=True)
def own_cache(tmp_path_factory, monkeypatch) -> None:
    """One verification cache for the integration tests of a worker, never the user's."""
    monkeypatch.setenv("DERIVE_CACHE_DIR", str(tmp_path_factory.getbasetemp() / "derive-cache"))
