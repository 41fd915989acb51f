"""derive.entry.settings: [tool.derive] in pyproject.toml, and what the CLI acts on when it is given no PATH."""

from __future__ import annotations

import pytest

from derive.entry.settings import ConfigError, configured_paths, default_source, find_pyproject, title_from
from derive.run.loader import bundled_proofs


def _project(root, table: str):
    (root / "pyproject.toml").write_text(f"[project]\nname = 'x'\n\n[tool.derive]\n{table}\n")
    return root / "pyproject.toml"


def test_configured_paths_are_relative_to_the_pyprojects_folder(tmp_path):
    (tmp_path / "notes").mkdir()
    (tmp_path / "one.py").write_text("")
    pyproject = _project(tmp_path, 'paths = ["notes", "one.py"]')
    assert configured_paths(pyproject) == [tmp_path / "notes", tmp_path / "one.py"]
    assert configured_paths(None) == []


def test_a_configured_path_that_does_not_exist_names_pyproject_and_the_path(tmp_path):
    pyproject = _project(tmp_path, 'paths = ["nothere"]')
    with pytest.raises(ConfigError, match=r"pyproject.toml: \[tool.derive\] paths: 'nothere' does not exist"):
        configured_paths(pyproject)


@pytest.mark.parametrize("value", ['"proofs"', "[1]", "{ a = 1 }"])
def test_paths_must_be_a_list_of_strings(tmp_path, value):
    with pytest.raises(ConfigError, match=r"paths must be a list such as \[\"proofs\"\]"):
        configured_paths(_project(tmp_path, f"paths = {value}"))


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
    assert title_from(_project(tmp_path, 'title = " Entropy "')) == "Entropy"
    assert title_from(_project(tmp_path, "")) is None
    with pytest.raises(ConfigError, match="title must be a non-empty string"):
        title_from(_project(tmp_path, "title = 3"))
