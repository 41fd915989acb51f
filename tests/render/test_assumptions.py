"""The Assumptions list at the top of a write-up names every assumption a proof of the derivation used.

A proof's trace cites the facts it consumed as short texts (``q_i > 0``, ``sigma > 0``, ``1 ≤ x_k ≤ K``). Each
symbol such a fact is about (a size, a family, a data set, a value, a plain SymPy symbol with assumptions, a named
function) must appear in :func:`derive.render.base.assumptions`; a summation index (bound, not free) or a constant
(``pi > 0``, ``sqrt(2) ≈ 1.41421 > 0``) is not an assumption of the derivation.
"""

from __future__ import annotations

import os
import re

import pytest
import sympy as sp

from derive.checks.steps import Options
from derive.core.context import Context
from derive.core.model import Derivation
from derive.render import base
from derive.render.printer import to_latex
from derive.run.check import check_derivations
from derive.run.loader import bundled_proofs, load


def test_a_plain_positive_symbol_is_listed():
    ctx = Context()
    sigma = sp.Symbol("sigma", positive=True)
    x = sp.Symbol("x", real=True)
    d = Derivation("Scale", ctx, start=sp.log(sigma**2) + x, name="scale")
    d.step(2 * sp.log(sigma) + x, "the log of a power")
    listed = base.assumptions(d)
    assert r"$\sigma > 0$." in listed
    assert not any(re.search(r"(?<![A-Za-z\\])x(?![A-Za-z])", a) for a in listed)  # only real: not listed


def test_plain_families_functions_and_integers_carry_their_signs():
    ctx = Context()
    n = sp.IndexedBase("n", integer=True, nonnegative=True)
    f = sp.Function("f", positive=True)
    m = sp.Symbol("m", integer=True, positive=True)
    i = sp.Symbol("i", integer=True)  # a summation index and nothing else: not an assumption
    d = Derivation("Counts", ctx, start=sp.Sum(n[i] * f(i), (i, 1, m)), name="counts")
    d.step(sp.Sum(f(i) * n[i], (i, 1, m)), "reordered")
    listed = base.assumptions(d)
    assert r"$n_{i} \ge 0$ is an integer." in listed
    assert r"$f(\cdot) > 0$." in listed
    assert "$m > 0$ is an integer." in listed
    assert len(listed) == 3


# -- every bundled derivation --------------------------------------------------------------------------------------
_RELATION = re.compile(r"[<>≤≥=]|\binteger\b")
_SKIPPED = re.compile(r"≈|^cites ")  # a certified constant; what a cited result was applied to


@pytest.fixture(scope="module")
def checked():
    items = [(d, "") for item in load([bundled_proofs()]) for d in item.derivations]
    return check_derivations(items, Options(), jobs=os.cpu_count() or 1)


def _subjects(derivation: Derivation) -> dict[str, str]:
    """The derivation's free names (symbols, families, named functions) by their name in a trace, as LaTeX."""
    ctx = derivation.context
    exprs = [derivation.start, *(s.expr for s in derivation.steps)]
    exprs += [e for d in ctx.definitions for e in (d.lhs, d.rhs)]
    out: dict[str, str] = {}
    for expr in (e for e in exprs if isinstance(e, sp.Basic)):
        for atom in expr.free_symbols | expr.atoms(sp.IndexedBase):
            if isinstance(atom, sp.Symbol) and atom.is_integer and atom.is_positive is None:
                continue  # an index a definition leaves free (h(y) = Σ_j …_j): a value, if any, is declared below
            name = getattr(atom, "name", str(atom))
            out[str(name)] = to_latex(sp.Symbol(str(name)))
        for f in expr.atoms(sp.Function):
            if hasattr(f.func, "symbol_name") or isinstance(f, sp.core.function.AppliedUndef):
                name = str(getattr(f.func, "symbol_name", f.func))
                out[name] = to_latex(sp.Symbol(name))
    for sym in [*ctx.sizes, *ctx.unit_scalars, *ctx.integer_values, *ctx.families, *ctx.datasets]:
        out[str(sym)] = to_latex(sp.Symbol(str(sym)))
    return out


def _mentions(listed: str, tex: str) -> bool:
    return re.search(r"(?<![A-Za-z\\])" + re.escape(tex) + r"(?![A-Za-z])", listed) is not None


def test_every_assumption_a_bundled_proof_used_is_listed(checked):
    missing = []
    for report in checked:
        d = report.derivation
        listed = " ".join(base.assumptions(d) + list(d.context.notes))
        subjects = _subjects(d)
        for result in report.results:
            for reason in {a for entry in result.trace for a in entry.assumptions}:
                if _SKIPPED.search(reason) or not _RELATION.search(reason):
                    continue
                for name in dict.fromkeys(re.findall(r"[A-Za-z]\w*", reason)):
                    if name in subjects and not _mentions(listed, subjects[name]):
                        missing.append(f"{d.name}: {reason!r} uses {name}, not in the list: {listed}")
                positive = re.fullmatch(r"(\w+)(?:_i)? > 0", reason)
                if positive and positive.group(1) in subjects:
                    tex = re.escape(subjects[positive.group(1)])
                    said = rf"{tex}(?:_\{{[^}}]*\}})? > 0|0 < {tex}|{tex} \\ge 1"
                    if not re.search(said, listed):
                        missing.append(f"{d.name}: {reason!r} is not stated: {listed}")
    assert not missing, "\n".join(missing)
