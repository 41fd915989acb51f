"""The mutation operators: each rewrites one position of a step's new expression into a false variant of the kind
students (and lecturers) write: distributions swapped, a sign flipped, a factor dropped or inverted (1/N ↔ N), an
exponent changed, a summation bound shifted by one, log replaced by log₂ without the conversion, a term of a sum
dropped, a Kronecker delta's index replaced by an unrelated one.

An operator yields ``(description, mutant)`` in a fixed order, so that a mutant is named by its operator and
ordinal and rebuilt from them in another process (derive.entry.mutate.tasks).
"""

from __future__ import annotations

import itertools
from collections.abc import Callable, Iterator

import sympy as sp

from derive.core.model import Step
from derive.engine.rewrite import replace_at


def _positions(e: sp.Basic, path=()) -> Iterator[tuple[tuple[int, ...], sp.Basic]]:
    yield path, e
    for i, a in enumerate(e.args):
        yield from _positions(a, path + (i,))


def _swap_distributions(step: Step, ctx) -> Iterator[tuple[str, sp.Expr]]:
    # Distributions are the positive families and the defined quantities (p_i = n_i/N); never the integer data.
    bases = {a.base for a in step.expr.atoms(sp.Indexed) if a.base not in ctx.datasets}
    # NOTE: a mutant is rebuilt from its ordinal in another process, so the order must not depend on hashing
    bases = sorted(bases, key=lambda b: (str(b), sp.srepr(b)))
    for n, a in enumerate(bases):
        for b in bases[n + 1 :]:
            yield f"{a} ↔ {b}", step.expr.xreplace({a: b, b: a})
    for path, node in _positions(step.expr):
        if isinstance(node, sp.Function) and len(node.args) == 2 and not isinstance(node, sp.KroneckerDelta):
            yield f"{node} with its arguments swapped", replace_at(step.expr, path, node.func(*node.args[::-1]))


def _flip_sign(step: Step, ctx) -> Iterator[tuple[str, sp.Expr]]:
    yield "sign flipped", -step.expr


def _factors(step: Step, ctx) -> Iterator[tuple[str, sp.Expr]]:
    for path, node in _positions(step.expr):
        if isinstance(node, sp.Mul):
            for i, f in enumerate(node.args):
                rest = node.args[:i] + node.args[i + 1 :]
                yield f"factor {f} dropped", replace_at(step.expr, path, sp.Mul(*rest))
                yield f"factor {f} inverted", replace_at(step.expr, path, sp.Mul(*rest) / f)


def _exponents(step: Step, ctx) -> Iterator[tuple[str, sp.Expr]]:
    for path, node in _positions(step.expr):
        if isinstance(node, sp.Pow):
            yield f"exponent of {node} plus one", replace_at(step.expr, path, node.base ** (node.exp + 1))
            yield f"exponent of {node} doubled", replace_at(step.expr, path, node.base ** (2 * node.exp))


def _bounds(step: Step, ctx) -> Iterator[tuple[str, sp.Expr]]:
    for path, node in _positions(step.expr):
        if isinstance(node, (sp.Sum, sp.Product)):
            for j, (var, lo, hi) in enumerate(node.limits):
                for label, lim in (
                    ("upper bound minus one", (var, lo, hi - 1)),
                    ("lower bound plus one", (var, lo + 1, hi)),
                ):
                    limits = list(node.limits)
                    limits[j] = lim
                    yield (
                        f"{label} in {node.func.__name__} over {var}",
                        replace_at(step.expr, path, node.func(node.function, *limits)),
                    )


def _log2(step: Step, ctx) -> Iterator[tuple[str, sp.Expr]]:
    for path, node in _positions(step.expr):
        if isinstance(node, sp.log):
            yield f"{node} read as log base 2", replace_at(step.expr, path, node / sp.log(2))


def _drop_term(step: Step, ctx) -> Iterator[tuple[str, sp.Expr]]:
    for path, node in _positions(step.expr):
        if isinstance(node, sp.Add):
            for i, t in enumerate(node.args):
                yield f"term {t} dropped", replace_at(step.expr, path, sp.Add(*(node.args[:i] + node.args[i + 1 :])))


def _delta_index(step: Step, ctx) -> Iterator[tuple[str, sp.Expr]]:
    unrelated = sp.Symbol("j", integer=True)
    for path, node in _positions(step.expr):
        if isinstance(node, sp.KroneckerDelta):
            for i, a in enumerate(node.args):
                args = list(node.args)
                args[i] = unrelated
                yield (
                    f"index {a} of {node} replaced by {unrelated}",
                    replace_at(step.expr, path, sp.KroneckerDelta(*args)),
                )


OPERATORS: dict[str, Callable] = {
    "swap_distributions": _swap_distributions,
    "flip_sign": _flip_sign,
    "drop_or_invert_factor": _factors,
    "change_exponent": _exponents,
    "shift_bound": _bounds,
    "log_as_log2": _log2,
    "drop_term": _drop_term,
    "swap_delta_index": _delta_index,
}


def outputs(step: Step, ctx) -> Iterator[tuple[str, int, str, sp.Expr]]:
    """``(operator, ordinal, description, mutant)`` for every distinct mutant of ``step``, in a fixed order."""
    seen = set()
    for name, operator in OPERATORS.items():
        for ordinal, (description, expr) in enumerate(operator(step, ctx)):
            if expr in seen:
                continue  # the same mutant by another route
            seen.add(expr)
            yield name, ordinal, description, expr


def rebuild(operator: str, ordinal: int, step: Step, ctx) -> tuple[str, sp.Expr] | None:
    """The ``ordinal``-th ``(description, mutant)`` of ``operator`` at ``step``, or None when it has fewer."""
    return next(itertools.islice(OPERATORS[operator](step, ctx), ordinal, None), None)
