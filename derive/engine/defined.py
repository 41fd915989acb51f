"""Where the sides of a claim have a value: a proof is only offered for a claim whose every denominator is shown
nonzero at every point and size the declarations allow.

A rule or SymPy's own evaluation can cancel a factor against its inverse (``x·x⁻¹`` is ``1`` as soon as it is
built), so ``(x² − x)/x = x − 1`` would otherwise be proved although its left side has no value at ``x = 0``; so
would a split-off term ``x⁻²·0`` or a product ``∏ k/(k − 2)`` whose last factor is 0. The prover therefore first
asks, of the sides as written and of every definition they use, that every power with a possibly negative
exponent, and every logarithm, has a base (argument) shown nonzero (with the ranges of the enclosing sums: ``1/k``
is fine for ``k`` from 1). A claim that fails it is not proved; the
ladder goes on to look for a counterexample or a numeric check where both sides are defined.

One exception keeps the claims that are undefined at the same points on both sides: a denominator ``b`` outside
any sum is allowed when the other side, also outside any sum, divides by or takes the log of a multiple of ``b``
(``d/dt log(t²) = 2/t``: both sides have no value at ``t = 0``, and nowhere else).
"""

from __future__ import annotations

import sympy as sp

from derive.engine.facts import Env, nonnegative, positive, sign


def undefined_denominator(expr: sp.Basic, env: Env, logs: bool = True) -> sp.Expr | None:
    """A base ``b`` of a power ``b**e`` in ``expr`` with ``e`` possibly negative and ``b`` not shown nonzero (with
    ``logs``, also a log's argument not shown nonzero), or None when there is none."""
    return next(_singular(expr, env, logs), None)


def _singular(expr: sp.Basic, env: Env, logs: bool, into_sums: bool = True):
    """Each such base or argument in ``expr``, read with the ranges of the enclosing sums; not inside a sum or
    product unless ``into_sums``."""
    if isinstance(expr, (sp.Sum, sp.Product)):
        if into_sums:
            for _, lo, hi in expr.limits:
                yield from _singular(lo, env, logs)
                yield from _singular(hi, env, logs)
            yield from _singular(expr.function, env.inside(expr.limits), logs)
        return
    if isinstance(expr, sp.Pow) and not shown_nonnegative(expr.exp, env) and not nonzero(expr.base, env):
        yield expr.base
    elif logs and isinstance(expr, sp.log) and not nonzero(expr.args[0], env) and not _defined(expr.args[0], env):
        yield expr.args[0]  # log 0 has no value (SymPy's zoo); a defined q_j is judged where it is defined
    for arg in expr.args:
        yield from _singular(arg, env, logs, into_sums)


def may_be_undefined(lhs: sp.Expr, rhs: sp.Expr, env: Env) -> bool:
    """A side may have no value where the other has one, or a definition the claim uses may divide by 0: no proof
    (for all sizes, or at sizes) is offered for such a claim."""
    return undefined_where_the_other_is_defined(lhs, rhs, env) is not None or undefined_definition(lhs, rhs, env)


def undefined_where_the_other_is_defined(lhs: sp.Expr, rhs: sp.Expr, env: Env) -> sp.Expr | None:
    """A denominator of one side not shown nonzero at whose zeros the other side may have a value, or None."""
    for side, other in ((lhs, rhs), (rhs, lhs)):
        found = undefined_denominator(side, env)
        if found is None:
            continue
        if _inside_an_operator(side) or not _singular_together(side, other, env):
            return found
    return None


def undefined_definition(lhs: sp.Expr, rhs: sp.Expr, env: Env) -> bool:
    """A definition the claim uses (directly or through another) whose right side has a denominator or log
    argument not shown nonzero: unfolded, SymPy may cancel it (x·f(x) with f(x) := 1/x is 1 as soon as built)."""
    seen: set = set()
    todo = [lhs, rhs]
    while todo:
        e = todo.pop()
        for node in sp.preorder_traversal(e):
            d = env.ctx.definition_for(node)
            if d is None or d.name in seen:
                continue
            seen.add(d.name)
            # denominators only: a definition's log of a defined family member (q_j := ŷ δ_{j1} + …) is not
            # shown nonzero by the facts, which do not unfold, though it is where the definition is used
            if undefined_denominator(d.rhs, env, logs=False) is not None:
                return True
            todo.append(d.rhs)
    return False


def _defined(e: sp.Expr, env: Env) -> bool:
    return any(env.ctx.definition_for(node) is not None for node in sp.preorder_traversal(e))


def _singular_together(side: sp.Expr, other: sp.Expr, env: Env) -> bool:
    """Every denominator of ``side`` not shown nonzero divides one of ``other``'s, or a log argument of it, outside
    any sum of ``other`` (inside one it may be a term of an empty range, and not make ``other`` undefined)."""
    theirs = list(_singular(other, env, logs=True, into_sums=False))
    return all(
        any(_divides(sp.sqf_part(b) if b.is_polynomial() else b, c) for c in theirs)
        for b in _singular(side, env, logs=True)
    )


def _divides(b: sp.Expr, c: sp.Expr) -> bool:
    """Wherever ``b = 0``, ``c = 0`` too: ``c`` is a polynomial multiple of ``b``."""
    if b.is_number or not b.free_symbols:
        return False
    try:
        _, remainder = sp.div(c, b, *sorted(b.free_symbols, key=str))
    except (sp.PolynomialError, sp.GeneratorsNeeded, TypeError, ValueError):
        return False
    return remainder == 0


def _inside_an_operator(e: sp.Expr) -> bool:
    return any(isinstance(node, (sp.Sum, sp.Product)) for node in sp.preorder_traversal(e))


def nonzero(e: sp.Expr, env: Env) -> bool:
    """``e ≠ 0`` at every point the declarations allow (a sign shown, an exponential, or a factor form with one)."""
    if e.is_nonzero or isinstance(e, sp.exp):  # an exponential of a finite value is never 0
        return True
    if sign(e, env) is not None:
        return True
    if _shown_positive(e, env) or _shown_positive(-e, env):  # k + 5 for k from 0
        return True
    if isinstance(e, sp.Add):  # q − q² is q(1 − q)
        factored = sp.factor(e)
        return factored != e and sign(factored, env) is not None
    return False


def shown_nonnegative(e: sp.Expr, env: Env) -> bool:
    """``e ≥ 0`` from SymPy's assumptions and the size minimums, or, for ``e`` linear with numeric coefficients in
    declared integer values (``ctx.value("a", (0, b))``) and enclosing indices, at the end of each one's range
    where ``e`` is smallest."""
    if e.is_nonnegative or nonnegative(e, env):
        return True
    worst = _smallest(e, env)
    return worst is not None and nonnegative(worst, env)


def _shown_positive(e: sp.Expr, env: Env) -> bool:
    worst = _smallest(e, env)
    return worst is not None and (worst.is_positive is True or positive(worst, env) is not None)


def _smallest(e: sp.Expr, env: Env) -> sp.Expr | None:
    """The smallest value of ``e`` over the ranges of the values and indices it is linear in, or None."""
    try:
        return _at_worst_end(sp.expand(e), env)
    except (sp.PolynomialError, TypeError, ValueError):  # floor, Min, … of a value: not linear, not shown
        return None


def _at_worst_end(e: sp.Expr, env: Env) -> sp.Expr | None:
    ranges = dict(env.ctx.integer_values)
    for var, lo, hi in env.bounds:  # an index ranges over lo..hi where that range does not run backwards
        if nonnegative(hi - lo + 1, env):
            ranges[var] = (lo, hi)
    varying = [v for v in ranges if v in e.free_symbols]
    if not varying:
        return None
    worst = e
    for v in varying:
        c = e.coeff(v)
        if not c.is_Number or sp.degree(e, v) != 1:
            return None
        lo, hi = ranges[v]
        worst = worst.subs(v, lo if c > 0 else hi)
    return None if worst.free_symbols & set(varying) else worst
