"""The exact comparison every ``proved`` ends in (SYMPY_PITFALLS.md, rule 1).

Two normal forms are equal when, after renaming bound indices canonically, their difference expands and cancels
to 0 as a rational function in which every Sum, Product and function application (log, δ, p(·|θ)) is an opaque
atom. Exponentials are the one exception: ``exp(c·w)`` for a rational ``c`` is the power ``E**(c·D)`` of one atom
``E = exp(w/D)`` per ``w`` (``D`` the common denominator of its coefficients), so e^{−z} meets 1/e^{z} and e^{z/2}
meets e^{z}; ``exp(w/D)**n = exp(n·w/D)`` holds for every complex ``w`` and integer ``n``, and an exponential is
never zero. No ``simplify``, ``equals`` or ``doit`` takes part, and a Piecewise never compares equal.
"""

from __future__ import annotations

import sympy as sp

from derive.core.hygiene import canonical, fresh_prefix


def _exp_parts(e: sp.exp) -> tuple[sp.Rational, sp.Expr]:
    """``exp(c·w)`` as ``(c, w)``: ``c`` rational, ``w`` with no rational factor or leading minus sign."""
    c, w = e.args[0].as_coeff_Mul()
    if not c.is_Rational:
        c, w = sp.Integer(1), e.args[0]
    if w.could_extract_minus_sign():
        c, w = -c, -w
    return c, w


def _exp_bases(exprs) -> dict:
    """For each ``w`` under an exponential, the common denominator ``D`` of its coefficients."""
    out: dict = {}
    for e in exprs:
        for node in sp.preorder_traversal(e):
            if isinstance(node, sp.exp):
                c, w = _exp_parts(node)
                out[w] = sp.ilcm(out.get(w, 1), c.q)
    return out


def _atomize(e: sp.Basic, atoms: dict, exps: dict | None = None) -> sp.Basic:
    if isinstance(e, sp.exp) and exps:
        c, w = _exp_parts(e)
        d = exps.get(w, 1)
        base = sp.exp(w / d)
        if base not in atoms:
            atoms[base] = sp.Dummy(f"a{len(atoms)}")
        return atoms[base] ** (c * d)
    if isinstance(e, (sp.Sum, sp.Product, sp.Function)):
        if e not in atoms:
            atoms[e] = sp.Dummy(f"a{len(atoms)}")
        return atoms[e]
    if not e.args or isinstance(e, sp.Indexed):
        return e
    return e.func(*(_atomize(a, atoms, exps) for a in e.args))


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
    exps = _exp_bases((a, b))
    sides = [_atomize(a, atoms, exps), _atomize(b, atoms, exps)]
    # cancel() divides out common factors; that is only an identity where they are nonzero, so everything either
    # side divides by must be provably nonzero ((a² − a)/(a − 1) is not a at a = 1).
    originals = {v: k for k, v in atoms.items()}
    for side in sides:
        for node in sp.preorder_traversal(side):
            if isinstance(node, sp.Pow) and node.exp.is_negative and not _nonzero(node.base.xreplace(originals), ctx):
                return False
    return sp.cancel(sp.expand(sides[0] - sides[1])) == 0


def _nonzero(e: sp.Expr, ctx) -> bool:
    if e.is_nonzero or isinstance(e, sp.exp):  # an exponential of a (finite) value is never 0
        return True
    if ctx is None:
        return False
    # facts imports the model: keep this module light, and one judge of "nonzero" for proofs and definedness
    from derive.engine.defined import nonzero
    from derive.engine.facts import Env

    return nonzero(e, Env(ctx))
