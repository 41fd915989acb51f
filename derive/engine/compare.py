"""The exact comparison every ``proved`` ends in (SYMPY_PITFALLS.md, rule 1).

Two normal forms are equal when, after renaming bound indices canonically, their difference expands and cancels
to 0 as a rational function in which every Sum, Product and function application (log, δ, p(·|θ)) is an opaque
atom. No ``simplify``, ``equals`` or ``doit`` takes part, and a Piecewise never compares equal.
"""

from __future__ import annotations

import sympy as sp

from derive.core.hygiene import canonical, fresh_prefix


def _atomize(e: sp.Basic, atoms: dict) -> sp.Basic:
    if isinstance(e, (sp.Sum, sp.Product, sp.Function)):
        if e not in atoms:
            atoms[e] = sp.Dummy(f"a{len(atoms)}")
        return atoms[e]
    if not e.args or isinstance(e, sp.Indexed):
        return e
    return e.func(*(_atomize(a, atoms) for a in e.args))


def exactly_equal(a: sp.Expr, b: sp.Expr, ctx=None) -> bool:
    """True only if ``a`` and ``b`` are equal as rational expressions in opaque atoms.

    ``ctx`` (a Context) lets the declarations show a denominator nonzero (1 − ŷ for a probability ŷ < 1).
    """
    prefix = fresh_prefix(a, b)
    a, b = canonical(a, prefix), canonical(b, prefix)
    if a == b:
        return True
    diff = a - b
    if diff.has(sp.Piecewise):
        return False
    atoms: dict = {}
    sides = [_atomize(a, atoms), _atomize(b, atoms)]
    # cancel() divides out common factors; that is only an identity where they are nonzero, so everything either
    # side divides by must be provably nonzero ((a² − a)/(a − 1) is not a at a = 1).
    originals = {v: k for k, v in atoms.items()}
    for side in sides:
        for node in sp.preorder_traversal(side):
            if isinstance(node, sp.Pow) and node.exp.is_negative and not _nonzero(node.base.xreplace(originals), ctx):
                return False
    return sp.cancel(sp.expand(sides[0] - sides[1])) == 0


def _nonzero(e: sp.Expr, ctx) -> bool:
    if e.is_nonzero:
        return True
    if ctx is None:
        return False
    from derive.engine.facts import Env, sign  # facts imports the model; keep this module light

    return sign(e, Env(ctx)) is not None
