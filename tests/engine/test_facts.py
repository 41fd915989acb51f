"""Side conditions from the declarations (derive.engine.facts)."""

from __future__ import annotations

import sympy as sp

from derive.core.context import Context
from derive.engine.facts import Env, positive


def test_a_sum_of_terms_positive_with_no_assumption_is_positive():
    # () is a proof that needs no assumption; it must not be read as "not shown" (1 + e^z, 2 + pi)
    z = sp.Symbol("z", real=True)
    env = Env(Context())
    assert positive(1 + sp.exp(z), env) == ()
    assert positive(2 + sp.pi, env) is not None
    assert positive(sp.exp(sp.Symbol("w")) + 1, env) is None  # e^w for a complex w is not positive
