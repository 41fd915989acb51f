"""When SymPy's differentiation may be trusted: smooth expressions whose dependence on the variable is visible.

SymPy differentiates branch by branch: d|θ|/dθ = sign θ, d max(θ, 0)/dθ = Heaviside(θ), and a ``Piecewise`` with
a jump gets the derivative of each piece, none of which holds at the kink or jump. And it differentiates a
function application through its arguments only, so notation that keeps a parameter out of its arguments
(p(x | θ), whose θ is a class attribute) differentiates to 0. Both the ``diff`` rule and the evaluator ask
:func:`why_not_differentiable` first and decline when it names a reason.
"""

from __future__ import annotations

import sympy as sp
from sympy.core.function import AppliedUndef

#: Functions that are not differentiable everywhere; SymPy's derivative of them is wrong somewhere.
NONSMOOTH = (
    sp.Piecewise,
    sp.Abs,
    sp.Max,
    sp.Min,
    sp.Heaviside,
    sp.sign,
    sp.floor,
    sp.ceiling,
    sp.frac,
    sp.Mod,
    sp.DiracDelta,
    sp.re,
    sp.im,
    sp.arg,
    sp.conjugate,
    sp.KroneckerDelta,
)


def _depends_on(node: sp.Basic) -> set | None:
    """What a function application depends on besides its arguments: ``depends_on()`` of derive's notation;
    None for a class from elsewhere that does not say (then nothing can be assumed)."""
    if isinstance(node, AppliedUndef) or type(node).__module__.startswith("sympy."):
        return set()
    method = getattr(node, "depends_on", None)
    return set(method()) if callable(method) else None


def why_not_differentiable(expr: sp.Basic, variables) -> str:
    """Why SymPy's derivative of ``expr`` in ``variables`` may be wrong, or '' when it is safe to take."""
    names: set = set()
    for v in variables:
        names |= {v} | v.free_symbols
        if isinstance(v, sp.Indexed):
            names.add(v.base.label)
    for node in sp.preorder_traversal(expr):
        if isinstance(node, NONSMOOTH) and node.free_symbols & names:
            return f"{type(node).__name__} is not differentiable everywhere"
        if isinstance(node, sp.Function):
            hidden = _depends_on(node)
            if hidden is None:
                return f"{type(node).__name__} does not say what it depends on (define depends_on())"
            if {s for h in hidden for s in ({h} | getattr(h, "free_symbols", set()))} & names:
                return f"{sp.sstr(node)} depends on {', '.join(sorted(map(str, names & hidden)))} outside its arguments"
    return ""
