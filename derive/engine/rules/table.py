"""The rule table of docs/writing-derivations.md, generated from the registry so that it cannot drift from the code.

One row per rule (name, its identity typeset in LaTeX between dollars, its side conditions: the identity's SymPy
conditions typeset, then the rule's words), then the schemas of the rules a context makes, then the steps of a
trace that no rule makes. The table sits in the document between :data:`BEGIN` and :data:`END`; a second table, of
the named inequalities (derive.engine.inequalities.LEMMAS), between :data:`LEMMA_BEGIN` and :data:`LEMMA_END`.
tests/rules/test_table.py fails when either is stale. Regenerate both with::

    python -m derive.engine.rules.table --write

(without ``--write`` the table is printed).
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Iterable
from pathlib import Path

import sympy as sp
from sympy.printing.latex import LatexPrinter

from derive.engine.align import INFERENCES as ALIGNMENT
from derive.engine.induction import INFERENCES as INDUCTION
from derive.engine.inequalities import LEMMAS
from derive.engine.rules import RULES
from derive.engine.rules.base import Identity, Inference, Rule
from derive.engine.rules.defs import SCHEMAS

DOC = Path(__file__).resolve().parents[3] / "docs" / "writing-derivations.md"
BEGIN = "<!-- rule table: generated from derive/engine/rules by `python -m derive.engine.rules.table --write` -->"
END = "<!-- end of the generated rule table -->"
LEMMA_BEGIN = (
    "<!-- inequality table: generated from derive/engine/inequalities"
    " by `python -m derive.engine.rules.table --write` -->"
)
LEMMA_END = "<!-- end of the generated inequality table -->"

#: Steps of a proof trace that no rewrite rule makes: the prover's own (derive.engine.prove: log_injective,
#: ring_nf; derive.engine.align: the alignment of sums; derive.engine.induction: its base and step) and the relation
#: checks' (derive.checks.relations: positivity, witness).
INFERENCES = (
    *ALIGNMENT,
    *INDUCTION,
    Inference("log_injective", r"$a = b \iff \log{\left(a \right)} = \log{\left(b \right)}$", "$a > 0$, $b > 0$"),
    Inference("positivity", "$a < b$ because $b - a > 0$ by the declarations"),
    Inference(
        "witness", r"$a \neq b$ because they differ exactly at the given values", "values inside the declarations"
    ),
    Inference("ring_nf", "the final exact comparison"),
    Inference("norm_num", "$a < b$ because $b - a$, a number, evaluated with certified error is $> 0$"),
)

_PREDICATES = {sp.Q.real: r"\mathbb{R}", sp.Q.integer: r"\mathbb{Z}", sp.Q.positive: r"\mathbb{R}_{>0}"}


class _Printer(LatexPrinter):
    """SymPy's LaTeX, with a sum over several indices written as nested sums, outermost first (SymPy stacks the
    ranges under one sign, with a line break that a Markdown table cell does not keep)."""

    def _print_Sum(self, expr: sp.Sum) -> str:
        limits = (map(self._print, limit) for limit in reversed(expr.limits))
        signs = "".join(rf"\sum_{{{var}={lo}}}^{{{hi}}} " for var, lo, hi in limits)
        body = self._print(expr.function)
        return signs + (rf"\left({body}\right)" if isinstance(expr.function, sp.Add) else body)


def latex(expr: sp.Basic) -> str:
    """LaTeX for an expression in the rule table."""
    return _Printer().doprint(expr)


def typeset_condition(condition: sp.Basic) -> str:
    """LaTeX for one side condition: a relation as SymPy prints it, a predicate as membership (y ∈ ℝ)."""
    if isinstance(condition, sp.logic.boolalg.Boolean) and hasattr(condition, "function"):  # Q.real(y)
        return rf"{latex(condition.arguments[0])} \in {_PREDICATES[condition.function]}"
    return latex(condition)


def typeset_identity(identity: Identity) -> str:
    """LaTeX for ``lhs = rhs``."""
    return f"{latex(identity.lhs)} = {latex(identity.rhs)}"


def _math(latex: str) -> str:
    return f"${latex}$"


def _cell(text: str) -> str:
    """A Markdown table cell: a literal | would end the cell."""
    return text.replace("|", r"\|")


def _rule_row(rule: Rule) -> tuple[str, str, str]:
    identity = rule.identity
    general = identity is not None and not identity.instance
    statement = _math(typeset_identity(identity)) if general else rule.statement
    conditions = [_math(typeset_condition(c)) for c in identity.conditions] if general else []
    if rule.side_conditions:
        conditions.append(rule.side_conditions)
    return rule.name, statement, ", ".join(conditions) or "–"


def rows(rules: Iterable[Rule] = ()) -> list[tuple[str, str, str]]:
    """The table's rows: ``(name, statement, side conditions)`` of every rule, schema and trace step."""
    out = [_rule_row(r) for r in (rules or RULES.values())]
    for entry in (*SCHEMAS, *INFERENCES):
        out.append((entry.name, entry.statement, entry.side_conditions or "–"))
    return out


def table() -> str:
    """The Markdown table, without the markers."""
    lines = [
        "In an identity, $x, y, z, c$ stand for any complex numbers and $f_k, g_k$ for any family, unless a side",
        "condition restricts them; $a, b, m, n$ are integer bounds (of a range that does not run backwards, where a",
        'side condition does not say otherwise). Pass a rule to `by=` by name (`by="log_mul"`) or as itself',
        "(`from derive.engine.rules import log_mul`).",
    ]
    return _markdown(lines, ("rule", "identity"), rows())


def lemma_rows() -> list[tuple[str, str, str]]:
    """The named inequalities' rows: ``(name, statement, side conditions)``, in the registry's order."""
    return [(lemma.name, lemma.statement, lemma.side_conditions or "–") for lemma in LEMMAS.values()]


def lemma_table() -> str:
    """The Markdown table of the named inequalities, without the markers."""
    lines = [
        'Without `by=` every one is tried; `by=` names the ones to try first (`by="jensen"`). A bound lemma',
        "replaces a subterm where the goal is monotone in it; a monotonicity step compares matching parts.",
    ]
    return _markdown(lines, ("inequality", "statement"), lemma_rows())


def _markdown(intro: list[str], heads: tuple[str, str], entries: list[tuple[str, str, str]]) -> str:
    """``intro``, then a table of ``(name, statement, side conditions)`` rows under the two headings given."""
    lines = [*intro, "", f"| {heads[0]} | {heads[1]} | side conditions |", "|---|---|---|"]
    lines += [f"| `{name}` | {_cell(text)} | {_cell(conditions)} |" for name, text, conditions in entries]
    return "\n".join(lines) + "\n"


def section(text: str, begin: str = BEGIN, end: str = END) -> str:
    """What the document holds between the markers (the table it shows)."""
    start, stop = text.index(begin) + len(begin) + 1, text.index(end)
    return text[start:stop]


def regenerated(text: str) -> str:
    """The document with each table between its markers replaced by the generated one (the inequality table
    only where the document has its markers)."""
    for begin, end, make in ((BEGIN, END, table), (LEMMA_BEGIN, LEMMA_END, lemma_table)):
        if begin in text or make is table:
            start, stop = text.index(begin) + len(begin) + 1, text.index(end)
            text = text[:start] + make() + text[stop:]
    return text


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m derive.engine.rules.table", description=__doc__.split("\n")[0])
    parser.add_argument("--write", action="store_true", help=f"rewrite the table in {DOC.name}")
    parser.add_argument("--doc", type=Path, default=DOC, help="the document holding the markers")
    args = parser.parse_args(argv)
    if not args.write:
        sys.stdout.write(table() + "\n" + lemma_table())
        return 0
    text = args.doc.read_text(encoding="utf-8")
    args.doc.write_text(regenerated(text), encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
