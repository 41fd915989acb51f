"""What every write-up shows around the chain, independent of the output format: the marks and the assumptions.

Evidence marks are data (:data:`MARKS`), so every format explains a mark the same way and a new evidence level
needs one new row here. The lines of the chain are :mod:`derive.render.chain`'s; the assumptions and definitions
(:func:`assumptions`, :func:`definitions`) are sentences with ``$...$`` math that LaTeX and Markdown both read.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import sympy as sp
from sympy.core.function import AppliedUndef

from derive.core.evidence import Evidence, StepResult
from derive.core.model import Derivation
from derive.render.printer import to_latex
from derive.render.style import current, rename_math


@dataclass(frozen=True)
class Mark:
    """How one evidence level is shown: a math mark, a Unicode mark, a word and a legend entry."""

    latex: str  # math mode
    symbol: str  # for Markdown
    word: str  # in bold in the Markdown list, in italics in the LaTeX list of checks
    meaning: str  # the legend entry (plain text; :math:`...` roles allowed)


#: One row per evidence level, in the order the legend lists them.
MARKS: dict[Evidence, Mark] = {
    Evidence.PROVED: Mark(r"\checkmark", "✓", "proved", "proved for every size by named rewrite rules"),
    Evidence.PROVED_FOR_SIZES: Mark(
        r"\checkmark_{\le s}", "✓≤s", "proved for sizes", "proved exactly, but only for sizes up to :math:`s`"
    ),
    Evidence.NUMERIC: Mark(r"\approx", "≈", "numeric", "both sides agree at random points: evidence, not a proof"),
    Evidence.UNDECIDED: Mark("?", "?", "undecided", "no method decided the step"),
    Evidence.REFUTED: Mark(r"\times", "✗", "refuted", "false: a counterexample is shown below"),
    Evidence.ASSUMED: Mark(r"\dagger", "†", "assumed", "a modelling assumption, stated and not checked"),
}


def used_marks(evidences: list[Evidence]) -> list[Mark]:
    """The marks of ``evidences``, each once, in the order of :data:`MARKS`: the entries of a legend."""
    return [mark for evidence, mark in MARKS.items() if evidence in evidences]


def check_results(derivation: Derivation, results: list[StepResult]) -> None:
    """Raise ``ValueError`` unless there is exactly one ``StepResult`` per step."""
    if len(results) != len(derivation.steps) or not all(isinstance(r, StepResult) for r in results):
        raise ValueError(
            f"{derivation.name}: expected {len(derivation.steps)} StepResult objects, one per step, got {len(results)}"
        )


def mark_latex(evidence: Evidence, result: StepResult) -> str:
    r"""The math-mode mark; ``proved-for-sizes`` shows the largest size it reached, e.g. ``\checkmark_{\le 3}``."""
    if evidence is Evidence.PROVED_FOR_SIZES:
        largest = largest_size(result)
        return rf"\checkmark_{{\le {largest}}}" if largest is not None else r"\checkmark_{s}"
    return MARKS[evidence].latex


def mark_symbol(evidence: Evidence, result: StepResult) -> str:
    """The Unicode mark for Markdown, e.g. ``✓≤3`` for proved-for-sizes up to 3."""
    if evidence is Evidence.PROVED_FOR_SIZES:
        largest = largest_size(result)
        return f"✓≤{largest}" if largest is not None else "✓s"
    return MARKS[evidence].symbol


def largest_size(result: StepResult) -> int | None:
    """The largest size a ``proved-for-sizes`` result reached, read from its detail (``sizes N, K in {1, 2, 3}``)."""
    # a reference implementation's detail goes on "; in floating point it agrees … at 40 random inputs"
    exact = result.detail.split("; in floating point")[0]
    sizes = [int(n) for n in re.findall(r"\d+", exact)]
    return max(sizes) if sizes else None


@dataclass(frozen=True)
class Used:
    """One rule in a proof trace with the assumptions it consumed (duplicates merged, first use first)."""

    rule: str
    reverse: bool
    assumptions: tuple[str, ...]


def trace_summary(result: StepResult) -> list[Used]:
    """The distinct rule applications of a proof, in the order first used."""
    seen: dict[tuple[str, bool, tuple[str, ...]], Used] = {}
    for entry in result.trace:
        key = (entry.rule, entry.reverse, tuple(entry.assumptions))
        seen.setdefault(key, Used(*key))
    return list(seen.values())


def assumptions(derivation: Derivation) -> list[str]:
    """The declared assumptions as sentences with ``$...$`` math (valid LaTeX text and Markdown alike)."""
    ctx = derivation.context
    out = []
    if ctx.sizes:
        sizes = [f"${to_latex(s)} \\ge {m}$" for s, m in ctx.sizes.items()]
        verb = "is an integer" if len(sizes) == 1 else "are integers"
        out.append(f"{_and(sizes)} {verb}.")
    k, i = sp.Symbol("k", integer=True), sp.Symbol("i", integer=True)
    for spec in ctx.datasets.values():
        indices = _indices(spec, k, derivation)
        item = to_latex(spec.base[indices if len(indices) > 1 else indices[0]])
        lo, hi = (to_latex(v) for v in spec.values)
        out.append(f"Each ${item}$, for {_ranges(spec, indices)}, is an integer with ${lo} \\le {item} \\le {hi}$.")
    for spec in ctx.families.values():
        indices = _indices(spec, i, derivation)
        item = to_latex(spec.base[indices if len(indices) > 1 else indices[0]])
        ilo, ihi = (to_latex(v) for v in spec.index)
        bound = _family_bound(spec, item)
        sentence = f"${bound}$ for {_ranges(spec, indices)}"
        if spec.sums_to_one:
            sentence += f", and $\\sum_{{{to_latex(indices[0])}={ilo}}}^{{{ihi}}} {item} = 1$"
        out.append(sentence + ".")
    written = set().union(*(e.free_symbols for e in _written_expressions(derivation)))
    for sym, (lo, hi) in ctx.integer_values.items():
        if sym not in written:  # declared for a sibling derivation of the same context (softmax's j); unused here
            continue
        out.append(f"${to_latex(sym)}$ is an integer with ${to_latex(lo)} \\le {to_latex(sym)} \\le {to_latex(hi)}$.")
    for sym in sorted(ctx.unit_scalars, key=str):
        out.append(f"$0 < {to_latex(sym)} < 1$.")
    out.extend(_carried(derivation))
    if current().base is not None:
        out.append(f"Logarithms are to base {current().base}; every step holds in any base.")
    return out


def _carried(derivation: Derivation) -> list[str]:
    """The assumptions carried by SymPy objects the context does not declare: ``Symbol("sigma", positive=True)``
    gives ``$\\sigma > 0$``, ``IndexedBase("n", nonnegative=True)`` gives ``$n_{i} \\ge 0$``, ``Function("f",
    positive=True)`` gives ``$f(\\cdot) > 0$``. The proofs use them (their traces cite ``sigma > 0``,
    ``p(·) > 0``), so the list states them; a symbol only bound by a sum (an index) is not listed, nor one that is
    only real (SymPy's real symbols are what the reader assumes)."""
    ctx = derivation.context
    declared = {*ctx.sizes, *ctx.unit_scalars, *ctx.integer_values, *ctx.families, *ctx.datasets}
    found: set[sp.Basic] = set()
    for expr in _written_expressions(derivation):
        bases = expr.atoms(sp.IndexedBase)
        labels = {b.label for b in bases}  # q_i's q: the family's name, not a symbol of its own
        found |= bases | {s for s in expr.free_symbols if isinstance(s, sp.Symbol) and s not in labels}
        found |= {f for f in expr.atoms(sp.Function) if _named_function(f)}
    shown: dict[str, str] = {}
    for atom in found - declared:
        item, subject = _item(atom)
        relation = _sign(subject)
        if relation:  # an integer without a sign is an index (a definition's i), not an assumption to state
            shown.setdefault(item, f"${item}{relation}$" + (" is an integer" if subject.is_integer else "") + ".")
    return [shown[k] for k in sorted(shown)]


def _named_function(f: sp.Basic) -> bool:
    """A function the author named (``Function("f")``, derive.notation's ``p(k | x)``), not one of SymPy's."""
    return isinstance(f, AppliedUndef) or not type(f).__module__.startswith("sympy")


def _item(atom: sp.Basic) -> tuple[str, sp.Basic]:
    """How ``atom`` is named in its sentence, and the object whose assumptions are read."""
    if isinstance(atom, sp.IndexedBase):
        member = atom[sp.Symbol("i", integer=True)]
        return to_latex(member), member
    if isinstance(atom, sp.Function) and atom.args:
        name = to_latex(sp.Symbol(str(getattr(atom.func, "symbol_name", atom.func))))
        given = getattr(atom, "given", None)
        return (rf"{name}(\cdot \mid {to_latex(given)})" if given is not None else rf"{name}(\cdot)"), atom
    return to_latex(atom), atom


def _sign(atom: sp.Basic) -> str:
    """What SymPy's assumptions say of ``atom``'s sign: `` > 0``, `` \\ge 0``, `` < 0``, `` \\le 0`` or ""."""
    signs = (("positive", " > 0"), ("negative", " < 0"), ("nonnegative", r" \ge 0"), ("nonpositive", r" \le 0"))
    return next((relation for test, relation in signs if getattr(atom, f"is_{test}")), "")


def _family_bound(spec, item: str) -> str:
    """A family's declared sign and bounds in LaTeX: ``0 < q_i < 1``, ``w_i \\ge 0``, ``a \\le z_i \\le b``."""
    lower, upper = (getattr(spec, side, None) for side in ("lower", "upper"))
    high = f" \\le {to_latex(upper)}" if upper is not None else ""
    if spec.below_one:
        return f"0 < {item} < 1" + (f", {item}{high}" if high else "")
    if not spec.real_valued:
        return f"0 < {item}{high}" if high else f"{item} > 0"
    if getattr(spec, "nonnegative", False):
        return f"0 \\le {item}{high}" if high else f"{item} \\ge 0"
    if lower is not None:
        return f"{to_latex(lower)} \\le {item}{high}"
    return f"{item}{high}" if high else f"{item} \\in \\mathbb{{R}}"


def _indices(spec, first: sp.Symbol, derivation: Derivation) -> tuple[sp.Symbol, ...]:
    """Index names for the sentences: those the derivation writes for ``spec.base`` most often (y_n in Σ_n y_n),
    else ``k`` (or ``i``), then ``n``, ``m`` for further indices."""
    extra = [sp.Symbol(n, integer=True) for n in ("n", "m", "l")]
    default = (first, *extra[: len(spec.ranges) - 1])
    counts: list[dict[str, int]] = [{} for _ in spec.ranges]
    for expr in _written_expressions(derivation):
        for node in sp.preorder_traversal(expr):
            if isinstance(node, sp.Indexed) and node.base == spec.base and len(node.indices) == len(counts):
                for count, index in zip(counts, node.indices):
                    if isinstance(index, sp.Symbol) and not isinstance(index, sp.Dummy):
                        count[index.name] = count.get(index.name, 0) + 1
    names = [max(count, key=lambda n: (count[n], n)) if count else d.name for count, d in zip(counts, default)]
    if len(set(names)) < len(names):
        return default
    return tuple(sp.Symbol(n, integer=True) for n in names)


def _written_expressions(derivation: Derivation) -> list[sp.Basic]:
    """What the author wrote: the opening expression, every step's, and the definitions."""
    exprs = [derivation.start, *(step.expr for step in derivation.steps)]
    exprs += [a for step in derivation.steps if step.reference is not None for a in step.reference.args]
    exprs += [e for d in derivation.context.definitions for e in (d.lhs, d.rhs)]
    return [e for e in exprs if isinstance(e, sp.Basic)]


def _ranges(spec, indices) -> str:
    parts = [f"${to_latex(lo)} \\le {to_latex(v)} \\le {to_latex(hi)}$" for v, (lo, hi) in zip(indices, spec.ranges)]
    return " and ".join(parts)


def definitions(derivation: Derivation) -> list[str]:
    """Each definition as math: the author's LaTeX ``text`` if given, else ``lhs := rhs`` printed."""
    defs = derivation.context.definitions
    return [rename_math(d.text.strip()) or f"{to_latex(d.lhs)} := {to_latex(d.rhs)}" for d in defs]


def _and(items: list[str]) -> str:
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " and " + items[-1]
