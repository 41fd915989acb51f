"""Reference implementations: a plain-Python function checked against the formula its derivation arrives at.

A derivation module names the function that computes its result, and what each parameter receives::

    nll.reference(average_nll, args=(q, x))   # checked against the chain's last expression, H(p, q)

First its Python syntax tree is translated into SymPy sums and products with symbolic sizes (generator sums
over ``range(len(q))``, ``math`` functions, indexing, comprehensions, ``zip``, straight-line assignments, calls
inlined, ``max`` as a fresh real symbol), and the engine's prover, the one the steps use, proves the translation
equal to the formula: that is ``proved``, for every size. Code outside that subset (a branch, a loop with state),
or a translation the prover does not close, keeps the evidence below, with the reason shown
("not proved for all sizes: not translated: `if` at line 12 of f").

The checker then runs the function twice, whatever the translation gave. On SymPy symbols, at each small size
(every data vector; after a proof, within ``verdict.EXACT_SECONDS``), where its value must equal the formula's
exactly: that is ``proved-for-sizes``, or ``proved`` when the formula involves no size and no data, since then
one symbolic run covers every input. And on floats at random inputs and at inputs near the edges of what is
declared (probabilities near 0 and 1, large and small values), where the two must agree to a relative error of
1e-9. Where they differ, the point, the code's value and the formula's value are the counterexample, and the
step is refuted like a wrong line; where they differ from a proved translation, that is an engine
inconsistency, never a pass.

The symbolic run follows one path through the code, so it is a proof only when no path can depend on the
values: an ``if``, a comparison, ``and``/``or``, a loop ``while``, a ``try`` (anywhere in the function or the
code it calls) leaves the floating-point evidence, ``numeric``, at most (:func:`path_dependence`). An error
raised while the code runs on symbols is the symbolic method failing, never a counterexample by itself: only
the code failing or differing at a point inside the declarations, run on exact numbers or on floats, refutes.

Index convention (documented in derive/losses.py too): the code counts from 0. A family q_1, …, q_K reaches
the function as the list ``[q_1, …, q_K]``, so the code's ``q[i]`` is the formula's q_{i+1}; an integer datum or
value with declared range lo..hi reaches it as ``value − lo`` (outcomes 1..K become 0..K−1, 0/1 labels stay).

By job:

- :mod:`.translate` (with :mod:`.vocabulary`, :mod:`.indices`): the syntax tree as one SymPy expression.
- :mod:`.source`: the source read is the code that runs (compiled again, it gives the function's own bytecode);
  a name is what it resolves to when the code runs (globals, then the function's own builtins), by identity.
- :mod:`.defined`: each divisor shown nonzero, each ``log`` argument positive, each ``sqrt`` argument
  nonnegative from the declarations, before SymPy builds (and simplifies) the translation.
- :mod:`.allsizes`: the translation proved equal to the formula for all sizes, checked by the guard.
- :mod:`.reference`: ``Reference`` (the function and what each parameter receives), ``validate``, the arguments.
- :mod:`.rebuild`: the function rebuilt with ``math`` meaning SymPy's exact functions, or mpmath's (``symbolic``).
- :mod:`.paths`: whether the path through the code can depend on the values (``path_dependence``).
- :mod:`.runs`: the exact, floating-point and high-precision runs at a point, and the counterexample report.
- :mod:`.edges`: the points near the edges of the declarations.
- :mod:`.floats`: the float check at readable, random and edge points.
- :mod:`.verdict`: ``check_reference``: the proof for all sizes, the exact check at small sizes, the evidence.

This module re-exports what the rest of derive and the tests import; a test that patches a setting patches it
where it is read (``derive.checks.code.verdict.DATA_LIMIT``).
"""

from __future__ import annotations

from derive.checks.code.edges import _edge_points
from derive.checks.code.paths import path_dependence
from derive.checks.code.rebuild import symbolic
from derive.checks.code.reference import Reference, validate
from derive.checks.code.runs import _Runs
from derive.checks.code.verdict import check_reference

__all__ = ["Reference", "_Runs", "_edge_points", "check_reference", "path_dependence", "symbolic", "validate"]
