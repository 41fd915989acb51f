"""derive.entry.embed: what every documentation-tool integration checks a module with, and what fails a page."""

from __future__ import annotations

import pytest

from derive.entry.embed import EmbedError, check_file, failures, shortfalls
from tests.integrations.conftest import PLANTED_LINE

CITING = """\
from sympy import Symbol, log

from derive import Context, Derivation

x = Symbol("x", positive=True)
lemma = Derivation("A lemma", Context(), start=log(x), name="lemma")
lemma.step(x - 1, "log x <= x - 1", relation="<=", name="bound")
lemma.step(x, "x - 1 = x", name="slip")

y = Symbol("y", positive=True)
user = Derivation("Uses the lemma", Context(), start=log(y), name="user")
user.step(y, "by the lemma", relation="<=", by=lemma, name="cite")
"""


def test_a_refuted_step_is_a_failure_with_its_counterexample_file_and_line(planted_module):
    reports = check_file(planted_module)
    (failure,) = failures(reports)
    assert (failure.file, failure.line) == (str(planted_module), PLANTED_LINE)
    assert "step 2 (slip) is refuted" in failure.message and "Counterexample: n = " in failure.message
    assert shortfalls(reports) == []


def test_a_refuted_step_in_what_a_page_cites_fails_the_page(tmp_path, monkeypatch):
    """The citing step itself is only capped to undecided: without this, the refutation would be a mere warning."""
    monkeypatch.chdir(tmp_path)
    module = tmp_path / "proofs" / "cite.py"
    module.parent.mkdir()
    module.write_text(CITING)
    with pytest.raises(EmbedError, match="a derivation it cites fails") as raised:
        check_file(module, "user")
    assert "\nproofs/cite.py:8: lemma: step 2 (slip) is refuted" in str(raised.value)  # relative, as typed
    assert "Counterexample: x = " in str(raised.value)


def test_a_bad_tool_derive_setting_is_an_embed_error_naming_pyproject(tmp_path, bundled_module):
    (tmp_path / "pyproject.toml").write_text("[tool.derive]\nbudjet = 3\n")
    with pytest.raises(EmbedError, match="budjet"):
        check_file(bundled_module)


def test_a_symlinked_proofs_folder_takes_the_settings_of_the_project_it_is_in(tmp_path, bundled_module):
    elsewhere = tmp_path / "elsewhere"
    (elsewhere / "proofs").mkdir(parents=True)
    (elsewhere / "pyproject.toml").write_text("[tool.derive]\nbudjet = 3\n")  # would be an error if read
    bundled_module.rename(elsewhere / "proofs" / bundled_module.name)
    project = tmp_path / "course"
    project.mkdir()
    (project / "pyproject.toml").write_text("[tool.derive]\n")
    (project / "proofs").symlink_to(elsewhere / "proofs")
    (report,) = check_file(project / "proofs" / bundled_module.name)
    assert report.passed
