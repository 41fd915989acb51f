"""The rule table of docs/writing-derivations.md is the one the registry generates (derive.engine.rules.table).

When this fails, regenerate the table with ``python -m derive.engine.rules.table --write`` and review the diff.
"""

from __future__ import annotations

from derive.engine.rules import RULES
from derive.engine.rules.table import BEGIN, DOC, END, main, regenerated, rows, section, table


def test_the_documented_table_is_the_generated_one():
    assert section(DOC.read_text(encoding="utf-8")) == table(), (
        f"the rule table in {DOC.name} is stale: run python -m derive.engine.rules.table --write"
    )


def test_every_rule_has_a_row():
    names = [name for name, _, _ in rows()]
    assert set(RULES) <= set(names)
    assert len(names) == len(set(names))
    assert {"<name>_def", "sum_<q>_eq_one", "log_injective", "ring_nf"} <= set(names)


def test_a_row_shows_the_identity_and_its_conditions():
    row = {name: (statement, conditions) for name, statement, conditions in rows()}
    assert row["log_mul"] == (
        r"$\log{\left(x y \right)} = \log{\left(x \right)} + \log{\left(y \right)}$",
        "$x > 0$, $y > 0$",
    )
    assert row["sum_const"][1] == r"$b \geq a - 1$, c free of k"  # the condition the code checks (it drifted)
    assert row["log_pow"][1] == r"$x > 0$, $y \in \mathbb{R}$"


def test_write_replaces_a_stale_table_and_keeps_the_rest(tmp_path):
    doc = tmp_path / "doc.md"
    doc.write_text(f"# Title\n\n{BEGIN}\n| old | table |\n{END}\nafter\n", encoding="utf-8")
    assert main(["--write", "--doc", str(doc)]) == 0
    text = doc.read_text(encoding="utf-8")
    assert section(text) == table()
    assert text.startswith(f"# Title\n\n{BEGIN}\n") and text.endswith(f"{END}\nafter\n")
    assert regenerated(text) == text  # idempotent


def test_every_named_inequality_has_a_row_with_its_statement_and_conditions():
    from derive.engine.inequalities import LEMMAS
    from derive.engine.rules.table import lemma_rows, lemma_table

    row = {name: (statement, conditions) for name, statement, conditions in lemma_rows()}
    assert set(row) == set(LEMMAS)
    assert row["log_le_sub_one_of_pos"] == (r"$\log x \le x - 1$ (and so $1 - 1/x \le \log x$)", "$x > 0$")
    assert "convex" in row["jensen"][0] and r"\sum_i w_i = 1" in row["jensen"][1]
    assert "`sum_mul_sq_le_sq_mul_sq`" in lemma_table()


def test_write_fills_the_inequality_table_where_its_markers_are(tmp_path):
    from derive.engine.rules.table import LEMMA_BEGIN, LEMMA_END, lemma_table

    doc = tmp_path / "doc.md"
    doc.write_text(f"{BEGIN}\nold\n{END}\ntext\n{LEMMA_BEGIN}\nold\n{LEMMA_END}\n", encoding="utf-8")
    assert main(["--write", "--doc", str(doc)]) == 0
    text = doc.read_text(encoding="utf-8")
    assert section(text, LEMMA_BEGIN, LEMMA_END) == lemma_table() and section(text) == table()
    assert regenerated(text) == text


def test_the_documented_inequality_table_is_the_generated_one():
    from derive.engine.rules.table import LEMMA_BEGIN, LEMMA_END, lemma_table

    text = DOC.read_text(encoding="utf-8")
    assert LEMMA_BEGIN in text, f"{DOC.name} lacks the inequality table's markers (see derive.engine.rules.table)"
    assert section(text, LEMMA_BEGIN, LEMMA_END) == lemma_table(), "stale: python -m derive.engine.rules.table --write"
