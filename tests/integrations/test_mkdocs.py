"""The MkDocs plugin, tested by building small sites with ``mkdocs build --strict`` in a subprocess.

One passing site (built once for the module) shows the bundled derivation through pymdownx.arithmatex; the other
builds fail: a refuted step (always), an unknown derivation name, and a step short of its ``allow=`` (a warning,
which ``--strict`` makes fatal). The plugin's helpers (fences, headings) are tested in process.
"""

from __future__ import annotations

import html
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from mkdocs.exceptions import PluginError

from derive.entry.mkdocs_plugin import DerivePlugin, shift_headings
from derive.run.loader import bundled_proofs
from tests.integrations.conftest import BUNDLED, PLANTED_LINE, SHORT

CONFIG = """\
site_name: Notes
plugins:
  - derive
markdown_extensions:
  - pymdownx.arithmatex:
      generic: true
"""

PAGE = f"""\
# Lecture 3

!derivation proofs/{BUNDLED}

How to embed a derivation:

```markdown
!derivation proofs/shown_not_run.py
```

~~~~
```
!derivation proofs/inside_a_longer_fence.py
~~~~

::: mypackage.losses.cross_entropy
"""


def site(root: Path, page: str, config: str = CONFIG) -> Path:
    """A MkDocs project in ``root``: mkdocs.yml and docs/index.md holding ``page``."""
    (root / "docs").mkdir(parents=True, exist_ok=True)
    (root / "mkdocs.yml").write_text(config)
    (root / "docs" / "index.md").write_text(page)
    return root


def build(root: Path, cache: Path) -> subprocess.CompletedProcess:
    """``mkdocs build --strict`` in ``root`` with this interpreter (where the plugin is installed)."""
    env = {**os.environ, "DERIVE_CACHE_DIR": str(cache)}
    return subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "--strict"],
        cwd=root,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )


@pytest.fixture(scope="module")
def passing(tmp_path_factory) -> tuple[subprocess.CompletedProcess, str, str]:
    """The site with the bundled derivation, built once: the run, the page's HTML and the write-up's Markdown."""
    root = tmp_path_factory.mktemp("mkdocs-site")
    (root / "proofs").mkdir()
    shutil.copy(bundled_proofs() / BUNDLED, root / "proofs" / BUNDLED)
    cache = tmp_path_factory.getbasetemp() / "derive-cache"
    run = build(site(root, PAGE), cache)
    page = root / "site" / "index.html"
    return run, page.read_text() if page.exists() else "", _writeup(root / "proofs" / BUNDLED, cache)


def _writeup(module: Path, cache: Path) -> str:
    """The Markdown the plugin embeds for ``module`` (checked in process with the build's warm cache)."""
    from derive.entry.embed import check_file
    from derive.entry.settings import Settings
    from derive.render.markdown import render_markdown

    (report,) = check_file(module, settings=Settings(cache_dir=cache))
    return render_markdown(report.derivation, report.results)


def test_a_passing_page_shows_every_line_as_arithmatex_math(passing):
    run, page, markdown = passing
    assert run.returncode == 0, run.stdout + run.stderr
    displays = re.findall(r"^\$\$\n(.*?)\n\$\$$", markdown, re.M | re.S)
    shown = re.findall(r'<div class="arithmatex">\\\[\n(.*?)\n\\\]</div>', page, re.S)
    assert len(displays) >= 2 and [html.unescape(s) for s in shown] == displays
    numbers = re.findall(r"\\quad \((\d+)\)", "".join(shown))
    assert numbers == [str(n) for n in range(1, len(numbers) + 1)] and len(numbers) == 9  # every line, in order
    justifications = page.split("<strong>Justifications</strong>")[1].split("</ol>")[0]
    assert justifications.count("<li>") == len(numbers)
    assert r"\checkmark" in page and r"\dagger" in page and "<strong>proved</strong> ✓" in page
    assert '<span class="arithmatex">\\(' in page  # inline math too
    assert "<strong>Marks:</strong> ✓ proved for every size" in page  # the legend


def test_the_marker_is_replaced_and_the_title_fits_under_the_page_heading(passing):
    _, page, _ = passing
    assert f"!derivation proofs/{BUNDLED}" not in page
    assert '<h1 id="lecture-3">Lecture 3</h1>' in page
    assert re.search(r"<h2 [^>]*>From the likelihood of i.i.d. data to the cross-entropy</h2>", page)


def test_a_marker_inside_a_code_fence_stays_verbatim(passing):
    run, page, _ = passing
    assert "!derivation proofs/shown_not_run.py\n</code></pre>" in page  # the module does not exist: not checked
    assert "!derivation proofs/inside_a_longer_fence.py" in page
    assert "shown_not_run" not in run.stderr


def test_a_mkdocstrings_block_is_left_alone(passing):
    _, page, _ = passing
    assert "<p>::: mypackage.losses.cross_entropy</p>" in page


def test_a_refuted_step_fails_the_build_with_the_counterexample(tmp_path, planted_module):
    run = build(site(tmp_path, "# Logs\n\n!derivation proofs/planted.py\n"), tmp_path / "cache")
    out = run.stdout + run.stderr
    assert run.returncode != 0, out
    assert f"docs/index.md: !derivation proofs/planted.py: a step fails:\nproofs/planted.py:{PLANTED_LINE}: " in out
    assert "step 2 (slip) is refuted" in out
    assert re.search(r"Counterexample: n = \d+, a = \(\S+, \S+\)\n +left side  = .+\n +right side = ", out), out
    assert "Replay: derive check proofs/planted.py --step slip" in out
    assert "Aborted with a BuildError!" in out


def test_an_unknown_derivation_name_fails_the_build_naming_the_module(tmp_path, bundled_module):
    run = build(site(tmp_path, f"!derivation proofs/{BUNDLED} no-such-name\n"), tmp_path / "cache")
    out = run.stdout + run.stderr
    assert run.returncode != 0, out
    assert f"proofs/{BUNDLED}: no derivation named 'no-such-name' (the module has: iid-cross-entropy)" in out


def test_a_step_short_of_allow_warns_and_the_strict_build_fails(tmp_path):
    (tmp_path / "proofs").mkdir()
    (tmp_path / "proofs" / "short.py").write_text(SHORT)
    run = build(site(tmp_path, "!derivation proofs/short.py\n"), tmp_path / "cache")
    out = run.stdout + run.stderr
    assert run.returncode != 0, out
    assert "WARNING -  docs/index.md: !derivation proofs/short.py: proofs/short.py:10: real-factor: step 1 " in out
    assert "is numeric, short of allow=proved" in out and "Aborted with 1 warnings in strict mode!" in out


def test_without_the_plugin_the_marker_shows_on_the_page(tmp_path):
    config = CONFIG.replace("plugins:\n  - derive\n", "plugins: []\n")
    run = build(site(tmp_path, "!derivation proofs/x.py\n"), tmp_path / "cache")
    assert run.returncode != 0 and "proofs/x.py: no such derivation module" in run.stderr  # with the plugin
    run = build(site(tmp_path, "!derivation proofs/x.py\n", config), tmp_path / "cache")
    assert run.returncode == 0, run.stdout + run.stderr
    assert "<p>!derivation proofs/x.py</p>" in (tmp_path / "site" / "index.html").read_text()


def test_headings_move_down_outside_code_only():
    text = "# Title\n\n```python\n# a comment\n```\n\n## Part\n"
    assert shift_headings(text, 1) == "## Title\n\n```python\n# a comment\n```\n\n### Part\n"
    assert shift_headings("###### Deep\n", 2) == "###### Deep\n"
    assert shift_headings(text, 0) == text


def test_mkdocs_serve_watches_every_embedded_module(tmp_path, bundled_module, planted_module):
    class Server:
        def __init__(self):
            self.watched = []

        def watch(self, path, func=None, *, recursive=True):
            self.watched.append(path)

    plugin, server = DerivePlugin(), Server()
    plugin._watch(bundled_module)  # what on_page_markdown does for each marker, before checking
    assert plugin.on_serve(server, config=None, builder=None) is server
    plugin._watch(planted_module)  # a marker added while serving
    plugin._watch(planted_module)
    assert server.watched == [str(bundled_module), str(planted_module)]


def test_a_line_that_only_looks_like_a_fence_hides_no_marker(tmp_path, planted_module):
    """```x``` is inline code (a backtick fence's info string has no backtick): the marker after it is expanded."""
    page = "# Logs\n\n```x``` is inline code with three backticks.\n\n!derivation proofs/planted.py\n"
    run = build(site(tmp_path, page), tmp_path / "cache")
    assert run.returncode != 0 and "step 2 (slip) is refuted" in run.stderr, run.stdout + run.stderr


def test_a_marker_in_an_admonition_is_expanded_indented(tmp_path, planted_module, bundled_module):
    config = CONFIG + "  - admonition\n"
    page = f'# Logs\n\n!!! note "Proof"\n\n    !derivation proofs/{BUNDLED}\n'
    run = build(site(tmp_path, page, config), tmp_path / "cache")
    assert run.returncode == 0, run.stdout + run.stderr
    shown = (tmp_path / "site" / "index.html").read_text()
    assert re.search(r'<div class="admonition note">.*<div class="arithmatex">', shown, re.S)
    assert "!derivation" not in shown
    run = build(site(tmp_path, page.replace(BUNDLED, "planted.py"), config), tmp_path / "cache")
    assert run.returncode != 0 and "step 2 (slip) is refuted" in run.stderr, run.stdout + run.stderr


def test_a_marker_that_reaches_the_page_unexpanded_fails_the_build():
    """A marker the plugin never saw (in a snippet included later, after an unclosed fence) is an error; one shown
    as code is not."""

    class Page:
        class file:  # noqa: N801 - the shape of mkdocs.structure.files.File that the plugin reads
            abs_src_path = None
            src_uri = "index.md"

    plugin = DerivePlugin()
    shown = "<p>Use it like this:</p>\n<pre><code>!derivation proofs/x.py\n</code></pre><p><code>!derivation</code></p>"
    assert plugin.on_page_content(shown, page=Page, config=None, files=None) == shown
    for left in ("<p>!derivation proofs/x.py</p>", "<p>text\n!derivation proofs/x.py</p>", "<li>!derivation a.py</li>"):
        with pytest.raises(PluginError, match="index.md: a '!derivation' line reached the page unexpanded"):
            plugin.on_page_content(left, page=Page, config=None, files=None)


def test_a_dirty_build_checks_the_embedded_module_again(tmp_path, planted_module):
    """``mkdocs build --dirty`` skips pages not edited since the last build; a page with a marker is never skipped,
    since its module may have changed."""
    good = planted_module.read_text().replace(planted_module.read_text().splitlines()[PLANTED_LINE - 1] + "\n", "")
    planted_wrong = planted_module.read_text()
    planted_module.write_text(good)
    site(tmp_path, "# Logs\n\n!derivation proofs/planted.py\n")
    assert build(tmp_path, tmp_path / "cache").returncode == 0
    planted_module.write_text(planted_wrong)
    env = {**os.environ, "DERIVE_CACHE_DIR": str(tmp_path / "cache")}
    run = subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "--dirty"], cwd=tmp_path, env=env, capture_output=True, text=True
    )
    assert run.returncode != 0 and "step 2 (slip) is refuted" in run.stderr, run.stdout + run.stderr
