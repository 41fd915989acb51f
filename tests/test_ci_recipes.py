"""docs/ci.md and .pre-commit-hooks.yaml: the GitHub Actions workflow and the pre-commit hooks a course copies.

Each YAML is parsed as GitHub and pre-commit would read it, and each ``derive`` command in it is parsed by derive's
own command line, so a renamed option or subcommand fails here rather than in a lecturer's CI."""

from __future__ import annotations

import re
import shlex
import tomllib
from pathlib import Path

import pytest
import yaml

from derive.entry.arguments import build_parser
from derive.entry.cli import main

ROOT = Path(__file__).resolve().parent.parent
CI_PAGE = ROOT / "docs" / "ci.md"
HOOKS = ROOT / ".pre-commit-hooks.yaml"


def yaml_blocks(page: Path) -> list:
    """Every ```yaml block of ``page``, parsed."""
    return [yaml.safe_load(block) for block in re.findall(r"```yaml\n(.*?)```", page.read_text(), re.S)]


def workflow() -> dict:
    (found,) = [b for b in yaml_blocks(CI_PAGE) if isinstance(b, dict) and "jobs" in b]
    return found


def precommit_config() -> dict:
    (found,) = [b for b in yaml_blocks(CI_PAGE) if isinstance(b, dict) and "repos" in b]
    return found


def parses(command: str) -> None:
    """``command`` (``derive ...``) is accepted by derive's argument parser; argparse exits 2 on anything else."""
    words = shlex.split(command)
    assert words[0] == "derive", command
    try:
        build_parser().parse_args(words[1:])
    except SystemExit as error:  # argparse's way of refusing an option or subcommand
        pytest.fail(f"derive's command line refuses {command!r} (exit {error.code})")


def run_lines(job: dict) -> list[str]:
    return [line.strip() for step in job["steps"] if "run" in step for line in step["run"].splitlines() if line.strip()]


def test_the_workflow_is_a_github_actions_workflow_whose_derive_commands_exist():
    flow = workflow()
    # PyYAML reads the key `on` as the boolean True (YAML 1.1), as GitHub's own parser does not: accept both
    assert flow.get("on", flow.get(True)) is not None
    (job,) = flow["jobs"].values()
    assert job["runs-on"] and job["steps"][0]["uses"].startswith("actions/checkout@")
    lines = run_lines(job)
    derive_lines = [line for line in lines if line.startswith("derive ")]
    assert "derive check --format github" in derive_lines
    assert any(line.startswith("derive build --check") for line in derive_lines)
    for line in derive_lines:
        parses(line)
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["name"]
    installs = [line for line in lines if line.startswith("pip install")]
    assert installs == [f"pip install {project}"], installs


def test_the_workflow_keeps_the_folder_derive_caches_in_outside_the_checkout(tmp_path, monkeypatch, capsys):
    flow = workflow()
    (job,) = flow["jobs"].values()
    assert "DERIVE_CACHE_DIR" not in {**flow.get("env", {}), **job.get("env", {})}  # never inside the workspace
    (cache_step,) = [s for s in job["steps"] if s.get("uses", "").startswith("actions/cache@")]
    assert cache_step["with"]["path"] == "~/.cache/derive"
    assert "restore-keys" in cache_step["with"]  # a changed derivation still starts from the newest cache
    # the step must come before the first derive command, or the run starts cold
    steps = job["steps"]
    first_derive = min(i for i, s in enumerate(steps) if "derive " in s.get("run", ""))
    assert steps.index(cache_step) < first_derive
    # and derive really caches there on a Linux runner (HOME set, no XDG_CACHE_HOME, no DERIVE_CACHE_DIR)
    monkeypatch.setenv("HOME", str(tmp_path))
    monkeypatch.delenv("XDG_CACHE_HOME", raising=False)
    monkeypatch.delenv("DERIVE_CACHE_DIR", raising=False)
    assert main(["cache", "dir"]) == 0
    assert capsys.readouterr().out.strip() == str(tmp_path / ".cache" / "derive")


def test_the_pre_commit_hooks_run_derive_commands_that_exist():
    hooks = yaml.safe_load(HOOKS.read_text())
    assert [h["id"] for h in hooks] == ["derive-check", "derive-build-check"]
    scripts = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["scripts"]
    config = {h["id"]: h for repo in precommit_config()["repos"] for h in repo["hooks"]}
    assert set(config) == {h["id"] for h in hooks}  # the page's example names the shipped hooks
    for hook in hooks:
        assert hook["language"] == "python" and hook["pass_filenames"] is False
        assert hook["entry"].split()[0] in scripts  # installed by pip install of this package
        re.compile(hook["files"])
        parses(" ".join([hook["entry"], *config[hook["id"]].get("args", [])]))
