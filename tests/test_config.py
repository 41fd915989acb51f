"""derive.entry.settings: one Settings object read once from [tool.derive], and what the CLI acts on without a PATH."""

from __future__ import annotations

import textwrap

import pytest

import derive.entry.settings as settings_module
from derive.entry.settings import (
    KNOWN_KEYS,
    MARKDOWN_MATH,
    ConfigError,
    Settings,
    default_source,
    find_pyproject,
)
from derive.run.loader import bundled_proofs


def _project(root, table: str):
    (root / "pyproject.toml").write_text(f"[project]\nname = 'x'\n\n[tool.derive]\n{table}\n")
    return root / "pyproject.toml"


def test_configured_paths_are_relative_to_the_pyprojects_folder(tmp_path):
    (tmp_path / "notes").mkdir()
    (tmp_path / "one.py").write_text("")
    pyproject = _project(tmp_path, 'paths = ["notes", "one.py"]')
    assert Settings.read(pyproject).configured_paths() == [tmp_path / "notes", tmp_path / "one.py"]
    assert Settings.read(None).configured_paths() == []


def test_a_configured_path_that_does_not_exist_names_pyproject_and_the_path(tmp_path):
    pyproject = _project(tmp_path, 'paths = ["nothere"]')
    with pytest.raises(ConfigError, match=r"pyproject.toml: \[tool.derive\] paths: 'nothere' does not exist"):
        Settings.read(pyproject).configured_paths()


@pytest.mark.parametrize("value", ['"proofs"', "[1]", "{ a = 1 }"])
def test_paths_must_be_a_list_of_strings(tmp_path, value):
    with pytest.raises(ConfigError, match=r"paths must be a list such as \[\"proofs\"\]"):
        Settings.read(_project(tmp_path, f"paths = {value}"))


def test_without_a_path_tool_derive_paths_of_the_nearest_pyproject_come_first(tmp_path):
    (tmp_path / "notes").mkdir()
    (tmp_path / "sub" / "proofs").mkdir(parents=True)
    (tmp_path / "sub" / "proofs" / "mine.py").write_text("")
    _project(tmp_path, 'paths = ["notes"]')
    source = default_source(tmp_path / "sub")  # below the project: its pyproject.toml is still the nearest
    assert source.paths == [tmp_path / "notes"] and "[tool.derive] paths in" in source.origin
    assert find_pyproject(tmp_path / "sub") == (tmp_path / "pyproject.toml").resolve()


def test_then_a_proofs_folder_here_that_holds_derivation_modules_then_the_bundled_ones(tmp_path):
    _project(tmp_path, "")  # a [tool.derive] table without paths
    assert default_source(tmp_path).bundled and default_source(tmp_path).paths == [bundled_proofs()]
    (tmp_path / "proofs").mkdir()
    (tmp_path / "proofs" / "_helpers.py").write_text("")  # not a derivation module
    assert default_source(tmp_path).bundled
    (tmp_path / "proofs" / "entropy.py").write_text("")
    source = default_source(tmp_path)
    assert source.paths == [tmp_path / "proofs"] and source.origin == "the proofs/ folder here"


def test_the_title_is_a_non_empty_string(tmp_path):
    assert Settings.read(_project(tmp_path, 'title = " Entropy "')).title == "Entropy"
    assert Settings.read(_project(tmp_path, "")).title is None
    with pytest.raises(ConfigError, match="title must be a non-empty string"):
        Settings.read(_project(tmp_path, "title = 3"))


# -- one object: unknown keys, precedence, read once ---------------------------------------------------------
def test_an_unknown_key_is_refused_naming_the_file_the_key_and_the_known_keys(tmp_path):
    pyproject = _project(tmp_path, 'path = ["proofs"]')  # a misspelt `paths`: never silently ignored
    with pytest.raises(ConfigError) as exc:
        Settings.read(pyproject)
    message = str(exc.value)
    assert message.startswith(f"{pyproject}: [tool.derive]: unknown key 'path'")
    assert "the known keys: " + ", ".join(KNOWN_KEYS) in message


def test_defaults_then_pyproject_then_the_command_line(tmp_path):
    from derive.checks.steps import DEFAULT_BUDGET

    defaults = Settings()
    assert (defaults.title, defaults.markdown_math, defaults.options().budget) == (None, "dollars", DEFAULT_BUDGET)
    read = Settings.read(_project(tmp_path, 'title = "From the file"\nmarkdown_math = "github"'))
    assert (read.title, read.markdown_math) == ("From the file", "github")
    kept = read.override(title=None, markdown_math=None, budget=None)  # options not given keep what is set
    assert kept == read
    given = read.override(title="From the command line", markdown_math="dollars", budget=2.0, seed=7)
    assert (given.title, given.markdown_math) == ("From the command line", "dollars")
    assert (given.options().budget, given.options().seed) == (2.0, 7)
    with pytest.raises(TypeError):
        read.override(titel="misspelt")  # API misuse, not a bad file


def test_settings_are_frozen():
    with pytest.raises(AttributeError):
        Settings().title = "x"


def test_the_notation_table_names_the_file_and_the_command_line_wins(tmp_path):
    pyproject = _project(tmp_path, "[tool.derive.notation]\nlog = 'ln'\nsymbols = { q = 'Q' }")
    settings = Settings.read(pyproject)
    assert settings.notation().log_command == r"\ln" and settings.notation().symbols == {"q": "Q"}
    assert settings.notation(log="log").log_command == r"\log"
    bad = Settings.read(_project(tmp_path, "[tool.derive.notation]\nlogs = 'ln'"))
    with pytest.raises(ConfigError, match=r"pyproject.toml: \[tool.derive.notation\]: unknown key 'logs'"):
        bad.notation()


def test_the_markdown_syntaxes_are_the_renderers():
    from derive.render.markdown import MATH_SYNTAXES

    assert MARKDOWN_MATH == tuple(MATH_SYNTAXES)


def test_derive_build_reads_pyproject_once(tmp_path, monkeypatch):
    from derive.entry.cli import ExitCode, main

    (tmp_path / "proofs").mkdir()
    (tmp_path / "proofs" / "sums.py").write_text(
        textwrap.dedent(
            """
            from sympy import Rational
            from derive import Context, Derivation

            d = Derivation("Sums", Context(), start=Rational(1, 2) + Rational(1, 4), name="sums")
            d.step(Rational(3, 4), "add", name="add")
            """
        )
    )
    _project(
        tmp_path,
        'paths = ["proofs"]\ntitle = "Notes"\nmarkdown_math = "github"\n\n[tool.derive.notation]\nlog = "ln"',
    )
    reads = []
    real = settings_module.read_toml
    monkeypatch.setattr(settings_module, "read_toml", lambda path: reads.append(path) or real(path))
    monkeypatch.chdir(tmp_path)
    assert main(["build", "--out", "out", "--no-pdf", "--no-cache"]) == ExitCode.OK
    assert reads == [(tmp_path / "pyproject.toml").resolve()]  # paths, title, markdown_math, notation: one read
    assert "```math" in (tmp_path / "out" / "sums.md").read_text()  # and every setting took effect
    assert "Notes" in (tmp_path / "out" / "lecture-notes.tex").read_text()


@pytest.mark.parametrize("value", ["0", "-3", '"10"', "true", "inf", "[10]"])
def test_the_budget_is_a_positive_number_of_seconds(tmp_path, value):
    assert Settings.read(_project(tmp_path, "budget = 12")).options().budget == 12.0
    assert Settings.read(_project(tmp_path, "budget = 0.5")).budget == 0.5
    with pytest.raises(ConfigError, match=r"pyproject.toml: \[tool.derive\] budget must be a positive number"):
        Settings.read(_project(tmp_path, f"budget = {value}"))


SLOW = """
import sympy as sp
from derive import Context, Derivation

x = sp.Symbol("x", positive=True)
d = Derivation("Pythagoras", Context(), start=sp.sin(x) ** 2 + sp.cos(x) ** 2, name="pythagoras")
d.step(sp.Integer(1), "Pythagoras' theorem", allow="numeric", name="pyth"{budget})
"""


def test_the_projects_budget_is_honoured_and_the_command_line_and_a_steps_budget_win(tmp_path, monkeypatch, capsys):
    """sin²x + cos²x = 1 is numeric after a few tenths of a second: [tool.derive] budget = 0.01 cuts it short,
    --budget 60 on the command line lets it finish, and so does the step's own budget=60."""
    from derive.entry.cli import ExitCode, main

    (tmp_path / "proofs").mkdir()
    module = tmp_path / "proofs" / "slow.py"
    module.write_text(SLOW.format(budget=""))
    _project(tmp_path, 'paths = ["proofs"]\nbudget = 0.01')
    monkeypatch.chdir(tmp_path)
    assert main(["check", "--no-cache"]) == ExitCode.FAILED
    assert "time budget of 0.01 s spent" in capsys.readouterr().out
    assert main(["check", "--no-cache", "--budget", "60"]) == ExitCode.OK
    module.write_text(SLOW.format(budget=", budget=60"))
    assert main(["check", "--no-cache"]) == ExitCode.OK
    assert "numeric" in capsys.readouterr().out
    module.write_text(SLOW.format(budget=""))
    assert main(["check", "--no-cache", str(module)]) == ExitCode.FAILED  # a PATH given: the project's budget still
    _project(tmp_path, 'paths = ["proofs"]\nbudget = 60')
    assert main(["check", "--no-cache"]) == ExitCode.OK
