"""The code proved equal to its formula for every size: its syntax tree translated into SymPy sums and products
with symbolic sizes (:mod:`.translate`), then that translation proved equal to the formula by the engine's
prover, the one the derivation steps use, and checked by the independent guard as a step's proof is.

The result is a ``proved`` StepResult (or the guard's engine inconsistency), or the reason there is no proof for
all sizes ("not translated: `if` at line 12 of f"), which the verdict shows beside its fallback evidence."""

from __future__ import annotations

import sympy as sp

from derive.checks.code.reference import Reference
from derive.checks.code.translate import Untranslatable, translate
from derive.checks.guard import guarded
from derive.checks.wellformed import unsupported, with_implied_indices
from derive.core.context import Context
from derive.core.evidence import Evidence, StepResult
from derive.core.hygiene import freshen
from derive.core.model import Relation
from derive.engine.prove import prove_equal


def prove_for_all_sizes(ref: Reference, formula: sp.Expr, ctx: Context, seed: int = 0, replay: str = ""):
    """A ``proved`` StepResult (or the guard's engine inconsistency) for ``ref`` computing ``formula`` at every
    size, or the reason (a string) there is none."""
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
    proof = StepResult(
        Evidence.PROVED, f"the code, translated as {shown}, equals the formula for all sizes", trace=trace
    )
    return guarded(proof, lhs, rhs, Relation.EQ, ctx, seed, replay)


def _unclashed(code: sp.Expr, formula: sp.Expr) -> sp.Expr:
    """``code`` with each of its loop indices and fresh symbols renamed where the formula has another symbol of
    the same name (the formula's ``i``, an integer Symbol, beside the code's loop index ``i``, a Dummy): derive
    refuses two symbols of one name, which is usually a slip in declarations, not what happens here."""
    names = {s.name for s in formula.atoms(sp.Symbol)}
    return code.xreplace(
        {d: sp.Dummy(f"{d.name}_code", **d.assumptions0) for d in code.atoms(sp.Dummy) if d.name in names}
    )


def shown_translation(code: sp.Expr) -> str:
    """The translation as text, its loop indices and fresh symbols (``max_1``) under their plain names."""
    plain = {d: sp.Symbol(d.name, **d.assumptions0) for d in code.atoms(sp.Dummy)}
    return sp.sstr(code.xreplace(plain))
