"""mystmd (Jupyter Book 2): the ``derivation`` directive of the executable plugin :mod:`derive.entry.mystmd_plugin`.

Two builds with the real ``myst`` binary (``DERIVE_MYST``, else ``myst`` on PATH; CI installs mystmd 1.8.3 with npm):
a page with the bundled derivation builds and its content JSON holds the chain as one math node; a page with the
planted wrong step fails ``myst build --strict`` with the counterexample at the module's file and line. The site
uses a local template folder, so the build needs no network (mystmd would download its default theme). The rest
calls the plugin as mystmd does (arguments, JSON on stdin) without mystmd.
"""

from __future__ import annotations

import io
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from derive.entry.mystmd_plugin import SPEC, main
from derive.render import chain
from derive.run.loader import load_module
from tests.integrations.conftest import PLANTED_LINE, SHORT

ROOT = Path(__file__).resolve().parents[2]

#: A site template that is only its template.yml: enough for ``myst build --site`` offline.
TEMPLATE_YML = "myst: v1\nkind: site\n"

MYST_YML = """\
version: 1
project:
  title: derive mystmd test
  plugins:
    - type: executable
      path: derive_myst.py
site:
  template: ./template
"""

#: The page of a passing build: the bundled derivation, labelled and referenced.
PASSING_PAGE = """\
# Cross-entropy

```{derivation} proofs/iid_cross_entropy.py
:label: iid-ce
```

See [the chain](#iid-ce).
"""

PLANTED_PAGE = """\
# A slip

```{derivation} proofs/planted.py
:name: log-of-a-product
```
"""


def myst_binary() -> str:
    """The ``myst`` command: ``DERIVE_MYST``, else on PATH; skipped without it (a failure where CI=true)."""
    found = os.environ.get("DERIVE_MYST") or shutil.which("myst")
    if not found:
        pytest.skip("mystmd's myst binary not found: npm install -g mystmd@1.8.3, or set DERIVE_MYST to its path")
    return found


def project(folder: Path, page: str) -> None:
    """A mystmd project in ``folder``: myst.yml, the plugin script (this Python), a local template, one page."""
    (folder / "myst.yml").write_text(MYST_YML)
    (folder / "template").mkdir()
    (folder / "template" / "template.yml").write_text(TEMPLATE_YML)
    script = folder / "derive_myst.py"
    script.write_text(f"#!{sys.executable}\nfrom derive.entry.mystmd_plugin import main; main()\n")
    script.chmod(0o755)
    (folder / "index.md").write_text(page)


def build(folder: Path) -> subprocess.CompletedProcess:
    """``myst build --site --strict`` in ``folder``, with this checkout importable by the plugin."""
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH")]))}
    command = [myst_binary(), "build", "--site", "--strict"]
    return subprocess.run(command, cwd=folder, env=env, capture_output=True, text=True, timeout=180)


def nodes(tree: dict, kind: str) -> list[dict]:
    found = [tree] if tree.get("type") == kind else []
    for child in tree.get("children", []):
        found += nodes(child, kind)
    return found


def test_a_passing_page_builds_with_the_chain_as_one_math_node(tmp_path, bundled_module):
    project(tmp_path, PASSING_PAGE)
    done = build(tmp_path)
    assert done.returncode == 0, done.stdout + done.stderr
    page = json.loads((tmp_path / "_build" / "site" / "content" / "index.json").read_text())
    (math,) = nodes(page["mdast"], "math")
    (derivation,) = load_module(bundled_module).derivations
    assert math["value"].count(r"\begin{aligned}") == 1
    for line in chain.build(derivation, None).lines:  # every line of the chain, its mark before its number
        assert rf"\ ({line.number}) \quad" in math["value"], line.number
    assert r"\checkmark" in math["value"] and r"\dagger" in math["value"]
    assert "katex" in math["html"]  # KaTeX typeset it (mystmd leaves the html out on a KaTeX error)
    assert (math["label"], math["identifier"]) == ("iid-ce", "iid-ce")
    (reference,) = nodes(page["mdast"], "crossReference")
    assert reference["identifier"] == "iid-ce"
    text = json.dumps(page["mdast"])
    assert derivation.title in text and "Marks:" in text


def test_a_refuted_step_fails_the_strict_build_with_its_counterexample(tmp_path, planted_module):
    project(tmp_path, PLANTED_PAGE)
    done = build(tmp_path)
    printed = done.stdout + done.stderr
    assert done.returncode != 0, printed
    assert f"proofs/planted.py:{PLANTED_LINE}: log-of-a-product: step 2 (slip) is refuted" in printed
    assert "Counterexample:" in printed and "Replay: derive check" in printed
    assert "stopping build" in printed  # mystmd --strict: "Site has N errors ..., stopping build."


# -- the plugin as mystmd calls it, without mystmd ------------------------------------------------------------------
def run_plugin(tmp_path: Path, monkeypatch, capsys, arg: str, **options: str) -> tuple[int, str, str]:
    """``derive_myst.py --directive derivation`` in a project at ``tmp_path``: exit code, stdout, stderr."""
    (tmp_path / "myst.yml").write_text(MYST_YML)
    monkeypatch.setattr(sys, "stdin", io.StringIO(json.dumps({"name": "derivation", "arg": arg, "options": options})))
    code = 0
    try:
        main(["--directive", "derivation"], script=str(tmp_path / "derive_myst.py"))
    except SystemExit as error:
        code = error.code if isinstance(error.code, int) else 1
    out, err = capsys.readouterr()
    return code, out, err


def test_without_arguments_it_prints_its_specification(capsys):
    main([])
    assert json.loads(capsys.readouterr().out) == SPEC
    assert [d["name"] for d in SPEC["directives"]] == ["derivation"]


def test_the_plugin_exits_1_on_a_refuted_step(tmp_path, planted_module, monkeypatch, capsys):
    code, out, err = run_plugin(tmp_path, monkeypatch, capsys, "proofs/planted.py")
    assert (code, out) == (1, "")
    assert err.startswith(f"proofs/planted.py:{PLANTED_LINE}: log-of-a-product: step 2 (slip) is refuted")
    assert "Counterexample: n = " in err


def test_the_plugin_exits_2_on_a_missing_module_or_name(tmp_path, bundled_module, monkeypatch, capsys):
    code, _, err = run_plugin(tmp_path, monkeypatch, capsys, "proofs/missing.py")
    assert code == 2 and "no such derivation module" in err
    code, _, err = run_plugin(tmp_path, monkeypatch, capsys, "proofs/iid_cross_entropy.py", name="nope")
    assert code == 2 and "no derivation named 'nope'" in err


def test_a_step_short_of_its_allow_is_a_warning_box_not_a_failure(tmp_path, monkeypatch, capsys):
    (tmp_path / "short.py").write_text(SHORT)
    code, out, err = run_plugin(tmp_path, monkeypatch, capsys, "short.py")
    assert code == 0
    shown = json.loads(out)
    assert [n["type"] for n in shown] == ["paragraph", "math", "paragraph", "admonition"]
    assert r"\approx" in shown[1]["value"]
    assert "short.py:10: real-factor: step 1 (split) is numeric, short of allow=proved" in json.dumps(shown[3])
    assert "derive: warning: short.py:10:" in err


def test_a_bad_tool_derive_setting_exits_2_naming_it_without_a_traceback(tmp_path, bundled_module, monkeypatch, capsys):
    """Exit 1 means a refuted step; a bad [tool.derive] (its notation table included) is bad input, exit 2."""
    (tmp_path / "pyproject.toml").write_text("[tool.derive.notation]\nlog = 'lg'\n")
    code, out, err = run_plugin(tmp_path, monkeypatch, capsys, "proofs/iid_cross_entropy.py")
    assert code == 2 and out == "" and "Traceback" not in err
    assert "pyproject.toml" in err and "log" in err
