"""The code proved equal to its formula for every size: its syntax tree translated into SymPy sums and products
with symbolic sizes (:mod:`.translate`), then that translation proved equal to the formula by the engine's
prover, the one the derivation steps use.

The result is a ``proved`` StepResult, or the reason there is no proof for all sizes ("not translated: `if` at
line 12 of f"), which the verdict shows beside its fallback evidence. The independent check of a proof is the
code itself run on floats (and on exact numbers) against the formula (derive.checks.code.verdict), which tests
the translator and the prover together; the guard that evaluates a step's two sides is not run on the
translation as well: it would check the prover only, and costs seconds where ``max`` becomes a free symbol."""

from __future__ import annotations

import itertools

import sympy as sp

from derive.checks.code.reference import Reference
from derive.checks.code.translate import Untranslatable, translate
from derive.checks.wellformed import unsupported, with_implied_indices
from derive.core.context import Context
from derive.core.evidence import Evidence, StepResult
from derive.core.hygiene import freshen
from derive.engine.prove import prove_equal


def prove_for_all_sizes(ref: Reference, formula: sp.Expr, ctx: Context):
    """A ``proved`` StepResult for ``ref`` computing ``formula`` at every size, or the reason (a string) there is
    none."""
    try:
        code = translate(ref.function, ref.args, ctx)
    except Untranslatable as exc:
        return f"not translated: {exc}"
    except (TypeError, ValueError, AttributeError, RecursionError, sp.SympifyError) as exc:
        return f"not translated: {type(exc).__name__}: {exc}"
    shown = shown_translation(code)
    code = _unclashed(code, formula)
    reason = unsupported(code, formula, ctx)
    if reason:
        return f"translated as {shown}, which is outside what derive checks: {reason}"
    ctx = with_implied_indices(code, formula, ctx)
    lhs, rhs = freshen(code), freshen(formula)
    trace = prove_equal(lhs, rhs, ctx)
    if trace is None:
        return f"translated as {shown}; the engine did not prove the translation equal to the formula"
    detail = f"the code, translated as {shown}, equals the formula for all sizes"
    return StepResult(Evidence.PROVED, detail, trace=trace)


def _unclashed(code: sp.Expr, formula: sp.Expr) -> sp.Expr:
    """``code`` with its loop indices and fresh symbols (Dummies) renamed so that no two symbols share a name
    (two sums over ``i`` in the code, or the code's ``i`` beside the formula's): derive refuses two symbols of
    one name, which in a derivation is a slip in the declarations, but here is only how the code names its
    loops."""
    taken = {s.name for s in formula.atoms(sp.Symbol)} | {s.name for s in code.atoms(sp.Symbol) - code.atoms(sp.Dummy)}
    renamed = {}
    for d in sorted(code.atoms(sp.Dummy), key=sp.default_sort_key):
        name = d.name
        for n in itertools.count(2):
            if name not in taken:
                break
            name = f"{d.name}_{n}"
        taken.add(name)
        renamed[d] = sp.Dummy(name, **d.assumptions0)
    return code.xreplace(renamed)


def shown_translation(code: sp.Expr) -> str:
    """The translation as text, its loop indices and fresh symbols (``max_1``) under their plain names."""
    plain = {d: sp.Symbol(d.name, **d.assumptions0) for d in code.atoms(sp.Dummy)}
    return sp.sstr(code.xreplace(plain))
