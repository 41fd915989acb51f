"""When SymPy's differentiation may be trusted: smooth expressions whose dependence on the variable is visible.

SymPy differentiates branch by branch: d|θ|/dθ = sign θ, d max(θ, 0)/dθ = Heaviside(θ), d atan2(θ, −1)/dθ is
smooth although atan2 jumps at θ = 0, and a ``Piecewise`` with a jump gets the derivative of each piece; none
of these holds at the kink, jump or branch cut. And it differentiates a function application through its
arguments only, so notation that keeps a parameter out of its arguments (p(x | θ), whose θ is a class
attribute) differentiates to 0. Both the ``diff`` rule and the evaluator ask :func:`why_not_differentiable`
first and decline when it names a reason.

It accepts only what it knows to be smooth where it is defined (an allow-list, so that a function nobody thought
of is refused, not trusted): sums, products, integer powers, ``exp``, ``sin``, ``cos``, ``sinh``, ``cosh``
(entire), and, for a real variable and real arguments, ``log``, real powers, ``tan``, ``tanh``, ``atan``; sums
and products over ranges, undefined functions f(x) (smooth by assumption), and derive's notation, which says
what it depends on (``depends_on()``).
"""

from __future__ import annotations

import sympy as sp
from sympy.core.function import AppliedUndef

#: Smooth on the whole complex plane.
ENTIRE = (sp.exp, sp.sin, sp.cos, sp.sinh, sp.cosh)
#: Smooth along the real line where defined (poles are no jumps), for real arguments only: a complex argument
#: can cross a branch cut (log w² at w = i).
REAL_SMOOTH = (sp.log, sp.tan, sp.tanh, sp.atan)


def _depends_on(node: sp.Basic) -> set | None:
    """What a function application depends on besides its arguments: ``depends_on()`` of derive's notation;
    None for a class from elsewhere that does not say (then nothing can be assumed)."""
    if isinstance(node, AppliedUndef):
        return set()
    method = getattr(node, "depends_on", None)
    return set(method()) if callable(method) else None


def why_not_differentiable(expr: sp.Basic, variables) -> str:
    """Why SymPy's derivative of ``expr`` in ``variables`` may be wrong somewhere, or '' when it is safe."""
    names: set = set()
    for v in variables:
        names |= {v} | v.free_symbols
        if isinstance(v, sp.Indexed):
            names.add(v.base.label)
    real = all(v.is_extended_real is True for v in variables)
    return _why(expr, names, real)


def _involves(node: sp.Basic, names: set) -> bool:
    if node.free_symbols & names:
        return True
    for f in node.atoms(sp.Function):
        hidden = _depends_on(f)
        if hidden is None or {s for h in hidden for s in ({h} | getattr(h, "free_symbols", set()))} & names:
            return True
    return False


def _why(node: sp.Basic, names: set, real: bool) -> str:
    if not _involves(node, names):
        return ""  # a constant in the variables: nothing to differentiate
    if isinstance(node, (sp.Symbol, sp.Indexed, sp.IndexedBase, sp.Idx)):
        return ""
    if isinstance(node, sp.Function) and not isinstance(node, ENTIRE + REAL_SMOOTH):
        hidden = _depends_on(node)
        if hidden is None:
            return f"{type(node).__name__} is not known to be smooth (derive's notation says depends_on())"
        if {s for h in hidden for s in ({h} | getattr(h, "free_symbols", set()))} & names:
            shown = ", ".join(sorted(map(str, names & hidden)))
            return f"{sp.sstr(node)} depends on {shown} outside its arguments"
        return _all(node.args, names, real)
    if isinstance(node, ENTIRE):
        return _all(node.args, names, real)
    if isinstance(node, REAL_SMOOTH):
        if not (real and node.args[0].is_extended_real is True):
            return f"{type(node).__name__} of a complex argument can cross a branch cut"
        return _all(node.args, names, real)
    if isinstance(node, sp.Pow):
        if not (node.exp.is_integer and not _involves(node.exp, names)):
            if not (real and node.base.is_extended_real is True and node.exp.is_extended_real is True):
                return "a power with a complex base or exponent can cross a branch cut"
        return _all(node.args, names, real)
    if isinstance(node, (sp.Add, sp.Mul)):
        return _all(node.args, names, real)
    if isinstance(node, (sp.Sum, sp.Product)):
        if any(_involves(lo, names) or _involves(hi, names) for _, lo, hi in node.limits):
            return "a summation bound depends on the variable"
        return _why(node.function, names, real)
    if isinstance(node, sp.Derivative):
        return _why(node.expr, names, real)
    return f"{type(node).__name__} is not known to be smooth"


def _all(args, names: set, real: bool) -> str:
    return next((why for why in (_why(a, names, real) for a in args) if why), "")
