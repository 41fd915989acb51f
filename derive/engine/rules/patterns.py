"""The pattern variables rule identities are written in (see :class:`derive.engine.rules.base.Identity`).

Plain SymPy symbols, with no assumptions: what a variable must satisfy is a condition of the identity, never a
flag on the symbol, so that the identity states everything the rule needs.
"""

from __future__ import annotations

import sympy as sp

x, y, z = sp.symbols("x y z")  # values: any complex numbers unless a condition restricts them
c, v = sp.symbols("c v")  # a factor free of the index; the value a delta contracts at
a, b, m, n = sp.symbols("a b m n")  # the bounds of summation ranges
i, k = sp.symbols("i k")  # summation indices
t = sp.Symbol("t")  # the variable of a derivative
f, g = sp.IndexedBase("f"), sp.IndexedBase("g")  # families f_k, g_k
