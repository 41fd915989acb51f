"""The Markdown write-up read by pandoc (and so by Quarto, which reads Markdown through pandoc): its math must come
out as math nodes, not as text with dollars and backslashes in it.

The write-up is rendered in process by the function ``derive build`` writes it with
(:func:`derive.entry.build.render_texts`), in the ``dollars`` syntax of ``derive build --markdown-math dollars``;
Debian's ``pandoc -f markdown -t json`` turns it into the AST, which is walked here. The ``github`` syntax is also
fed to pandoc, to record what docs/markdown.md says about it.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess

import pytest

from derive.entry.build import output_names, render_texts
from derive.entry.embed import check_file

#: LaTeX commands the write-up uses; one of them in a ``Str`` node is math that pandoc read as text.
_TEX = re.compile(r"\\[A-Za-z]+|\\[{}|,]")


@pytest.fixture(scope="module")
def pandoc() -> str:
    """Debian's pandoc: skipped where it is missing, failed where CI=true (CI installs it, see .ci/run)."""
    found = shutil.which("pandoc")
    if found is None:
        if os.environ.get("CI") == "true":
            pytest.fail("pandoc is not installed, but CI=true: CI installs Debian's pandoc (apt-get install pandoc)")
        pytest.skip("pandoc is not installed (apt-get install pandoc)")
    return found


@pytest.fixture
def writeup(bundled_module):
    """The bundled derivation's Markdown, in both math syntaxes, as ``derive build`` writes it."""
    (report,) = check_file(bundled_module)
    name = output_names(report.derivation.name)["markdown"]
    return {syntax: render_texts(report, markdown_math=syntax)[name] for syntax in ("dollars", "github")}


def ast(pandoc: str, markdown: str, reader: str = "markdown") -> dict:
    """pandoc's JSON AST of ``markdown``."""
    run = subprocess.run([pandoc, "-f", reader, "-t", "json"], input=markdown, capture_output=True, text=True)
    assert run.returncode == 0, run.stderr
    return json.loads(run.stdout)


def nodes(tree, kind: str) -> list:
    """The contents of every node of type ``kind`` in ``tree``, in document order."""
    found = []
    if isinstance(tree, dict):
        if tree.get("t") == kind:
            found.append(tree.get("c"))
        for value in tree.values():
            found += nodes(value, kind)
    elif isinstance(tree, list):
        for value in tree:
            found += nodes(value, kind)
    return found


def test_every_chain_line_is_display_math_and_no_tex_leaks_into_the_text(pandoc, writeup):
    markdown = writeup["dollars"]
    tree = ast(pandoc, markdown)
    math = nodes(tree, "Math")
    display = [tex.strip() for (kind, tex) in math if kind["t"] == "DisplayMath"]
    inline = [tex for (kind, tex) in math if kind["t"] == "InlineMath"]
    # every $$ block is one display, holding exactly what the Markdown has between the dollars
    assert display == [m.strip() for m in re.findall(r"^\$\$\n(.*?)\n\$\$$", markdown, re.M | re.S)]
    numbers = re.findall(r"\\quad \((\d+)\)", "".join(display))  # one per line of the chain
    (justifications,) = [b for b in nodes(tree, "OrderedList")]
    assert numbers == [str(n) for n in range(1, len(justifications[1]) + 1)] and len(numbers) == 9
    prose = _without_code(markdown)
    assert len(inline) == len(re.findall(r"(?<![\\$])\$(?!\$)[^$\n]+?(?<!\\)\$", prose)) > 10
    for text in nodes(tree, "Str"):
        assert "$" not in text and not _TEX.search(text), text


def test_github_math_syntax_needs_a_pandoc_that_reads_it(pandoc, writeup):
    """pandoc 2.17 (Debian 12) has no ``tex_math_gfm``: ``$`...`$`` and ```` ```math ```` stay code, so pandoc and
    Quarto need ``--markdown-math dollars`` (docs/markdown.md); a pandoc with the extension reads both as math."""
    extensions = subprocess.run([pandoc, "--list-extensions=gfm"], capture_output=True, text=True).stdout
    dollars = nodes(ast(pandoc, writeup["dollars"]), "Math")
    if "tex_math_gfm" in extensions:
        github = nodes(ast(pandoc, writeup["github"], "gfm+tex_math_gfm"), "Math")
        assert [kind["t"] for kind, _ in github] == [kind["t"] for kind, _ in dollars]
    else:
        tree = ast(pandoc, writeup["github"], "gfm")
        assert nodes(tree, "Math") == []
        math_blocks = [c for c in nodes(tree, "CodeBlock") if c[0][1] == ["math"]]
        assert len(math_blocks) == sum(kind["t"] == "DisplayMath" for kind, _ in dollars)


def _without_code(markdown: str) -> str:
    """``markdown`` without fenced blocks and code spans, where a dollar is not math."""
    return re.sub(r"`[^`\n]+`", "", re.sub(r"^```.*?^```[ \t]*$", "", markdown, flags=re.M | re.S))
