"""Every rule the engine can use is in the rule table of docs/writing-derivations.md (authors name them in by=)."""

from __future__ import annotations

from pathlib import Path

from derive.engine.rules import RULES

DOC = Path(__file__).resolve().parents[2] / "docs" / "writing-derivations.md"


def test_every_rule_has_a_row_in_the_documented_table():
    rows = {line.split("|")[1].strip().strip("`") for line in DOC.read_text().splitlines() if line.startswith("| `")}
    assert set(RULES) <= rows, f"add rows to {DOC.name} for: {sorted(set(RULES) - rows)}"
