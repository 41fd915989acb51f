"""The Sphinx extension ``derive.sphinx``, tested by building small Sphinx projects in process (``build_main``).

Two passing builds are shared by the module (reStructuredText, and MyST Markdown through myst-parser), each a page
with the bundled derivation and a second page that links to one of its lines. The other builds fail or check one
output: a refuted step (always fails, with the counterexample, at the module's file and line, again on a rebuild),
an unknown ``:name:``, parallel reading (``-j 2``), and the LaTeX builder.
"""

from __future__ import annotations

import contextlib
import html
import io
import pickle
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from sphinx.cmd.build import build_main

from derive.entry.embed import check_file, failures
from derive.render import chain
from derive.run.loader import bundled_proofs, load_module
from tests.integrations.conftest import BUNDLED, PLANTED_LINE, SHORT

CONF = 'extensions = ["derive.sphinx", "myst_parser"]\nproject = "Notes"\n'
INDEX_RST = f"""\
Lecture 3
=========

.. toctree::

   other

.. derivation:: proofs/{BUNDLED}
   :name: iid-cross-entropy
"""
#: The second page links to a line, and shows the derivation again without its labels (no duplicate-label warning).
OTHER_RST = f"""\
Other
=====

Taking logs is line :ref:`iid-cross-entropy:take-logs`.

.. derivation:: proofs/{BUNDLED}
   :no-index:
"""
INDEX_MD = f"""\
# Lecture 3

```{{toctree}}
other
```

```{{derivation}} proofs/{BUNDLED}
:name: iid-cross-entropy
```
"""
OTHER_MD = "# Other\n\nTaking logs is line {ref}`iid-cross-entropy:take-logs`.\n"
LINE = "iid-cross-entropy:take-logs"


def build(project: Path, *options: str, builder: str = "html") -> tuple[int, str]:
    """``sphinx-build -b <builder> <options> project project/_build/<builder>``: the exit code and all it printed."""
    out = io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(out):
        code = build_main(["-N", "-q", "-b", builder, *options, str(project), str(project / "_build" / builder)])
    return code, out.getvalue()


def project(root: Path, pages: dict[str, str], module: Path | None = None) -> Path:
    """A Sphinx project in ``root``: conf.py, ``pages``, and the bundled module under proofs/ unless given."""
    root.mkdir(parents=True, exist_ok=True)
    (root / "conf.py").write_text(CONF)
    for name, text in pages.items():
        (root / name).write_text(text)
    if module is None:
        (root / "proofs").mkdir(exist_ok=True)
        shutil.copy(bundled_proofs() / BUNDLED, root / "proofs" / BUNDLED)
    return root


@pytest.fixture(scope="module")
def shared_cache(tmp_path_factory):
    """The integration tests' per-worker cache (as conftest's ``own_cache``), for the module's shared builds."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("DERIVE_CACHE_DIR", str(tmp_path_factory.getbasetemp() / "derive-cache"))
        yield


@pytest.fixture(scope="module")
def rst_site(tmp_path_factory, shared_cache):
    root = project(tmp_path_factory.mktemp("rst"), {"index.rst": INDEX_RST, "other.rst": OTHER_RST})
    return root, *build(root, "-W")


@pytest.fixture(scope="module")
def myst_site(tmp_path_factory, shared_cache):
    root = project(tmp_path_factory.mktemp("myst"), {"index.md": INDEX_MD, "other.md": OTHER_MD})
    return root, *build(root, "-W")


def lines_of_bundled() -> list[chain.Line]:
    (derivation,) = load_module(bundled_proofs() / BUNDLED).derivations
    return [line for line in chain.build(derivation).lines if line.number]


def assert_page_shows_chain(root: Path) -> None:
    page = (root / "_build" / "html" / "index.html").read_text()
    blocks = re.findall(r'<div class="derivation-chain math[^"]*">(.*?)</div>', page, re.S)
    assert len(blocks) == 1, "the chain is one display"
    math = html.unescape(blocks[0])
    assert math.count(r"\begin{aligned}") == 1
    for line in lines_of_bundled():  # every line, with the element that carries its id
        assert rf"\cssId{{{line.label}}}{{({line.number})}}" in math, line.label
    assert r"\checkmark" in math and r"\dagger" in math  # the marks: proved, assumed
    words = "taking logs: the log of a product is the sum of the logs".split()
    gap = r"(?:\\ | \\\\\n & && \\phantom\{[^}]*\} \\quad )"  # a space, or a row break instead
    assert re.search(gap.join(re.escape(rf"\text{{{w}}}") for w in words), math)  # a justification, word by word
    assert "From the likelihood of i.i.d. data to the cross-entropy" in page  # the title
    legend = re.search(r'<p class="derivation-legend">(.*?)</p>', page, re.S).group(1)
    assert "✓ proved for every size" in legend and "† a modelling assumption" in legend
    other = (root / "_build" / "html" / "other.html").read_text()
    assert f'href="index.html#{LINE}"' in other  # the :ref: to one line resolves to its id


def test_no_index_shows_a_second_copy_without_labels_or_ids(rst_site):
    root, code, out = rst_site  # other.rst shows the derivation again with :no-index:, in a -W build
    assert code == 0 and "duplicate" not in out, out
    other = (root / "_build" / "html" / "other.html").read_text()
    assert "derivation-chain" in other and r"\checkmark" in other
    assert r"\cssId" not in other  # an id twice in the site would be ambiguous


def test_rst_page_shows_the_checked_chain_and_a_line_can_be_referenced(rst_site):
    root, code, out = rst_site
    assert code == 0, out
    assert "WARNING" not in out and "ERROR" not in out
    assert_page_shows_chain(root)


def test_myst_page_shows_the_same(myst_site):
    root, code, out = myst_site
    assert code == 0, out
    assert_page_shows_chain(root)


def test_editing_the_module_rebuilds_the_page(rst_site):
    root = rst_site[0]
    env = pickle.loads((root / "_build" / "html" / ".doctrees" / "environment.pickle").read_bytes())
    assert any(str(path).endswith(f"proofs/{BUNDLED}") for path in env.dependencies["index"])


MAIN = """\
from sympy import Product, log

from derive import Derivation
from {helper} import RHS, a, ctx, i, n

d = Derivation("The log of a product", ctx, start=log(Product(a[i], (i, 1, n))), name="log-of-a-product")
d.step(RHS, "the log of a product of positive numbers is the sum of their logs", by="log_prod")
"""
HELPER = """\
from sympy import Sum, Symbol, log

from derive import Context

ctx = Context()
n = ctx.size("n")
a = ctx.positive("a", index=(1, n))
i = Symbol("i", integer=True)
RHS = Sum(log(a[i]), (i, 1, n))
"""


@pytest.mark.parametrize("found", ["sys.path", "the module"])
def test_a_change_in_an_imported_module_rebuilds_the_page(tmp_path, monkeypatch, found):
    """The page depends on the module it embeds and on what that module imports (here the step's expression):
    found along sys.path (a conf.py's sys.path.insert), or the module puts its folder on sys.path itself (its
    imports cannot be read without running it: the page is read on every build)."""
    helper = f"sx_helper_{found.split()[-1].replace('.', '_')}"
    main = MAIN.format(helper=helper)
    if found == "the module":
        main = "import os\nimport sys\n\nsys.path.insert(0, os.path.dirname(__file__))\n" + main
    root = project(tmp_path, {"index.rst": "Notes\n=====\n\n.. derivation:: proofs/main.py\n"}, tmp_path)
    (root / "proofs").mkdir()
    (root / "proofs" / "main.py").write_text(main)
    (root / "proofs" / f"{helper}.py").write_text(HELPER)
    (root / "pyproject.toml").write_text("[tool.derive]\nbudget = 60\n")
    monkeypatch.setattr(sys, "path", list(sys.path))  # what conf.py or the module puts on it is undone after
    if found == "sys.path":
        sys.path.insert(0, str(root / "proofs"))
    code, out = build(root)
    assert code == 0, out
    if found == "sys.path":
        env = pickle.loads((root / "_build" / "html" / ".doctrees" / "environment.pickle").read_bytes())
        deps = {Path(root, dep).resolve() for dep in env.dependencies["index"]}
        assert {root / "proofs" / f"{helper}.py", root / "pyproject.toml"} <= deps
    # only the helper changes (the slip of the planted module); a build in another process would import it afresh
    (root / "proofs" / f"{helper}.py").write_text(
        HELPER.replace("Sum(log(a[i]), (i, 1, n))", "log(Sum(a[i], (i, 1, n)))")
    )
    monkeypatch.delitem(sys.modules, helper)
    code, out = build(root)
    assert code == 1, out
    assert "log-of-a-product: step 1 (step-1) is refuted" in out and "Counterexample:" in out


def test_refuted_step_fails_the_build_with_its_counterexample(tmp_path, planted_module):
    root = project(tmp_path, {"index.rst": "Notes\n=====\n\n.. derivation:: proofs/planted.py\n"}, planted_module)
    code, out = build(root)  # not -W: a refuted step fails every build
    assert code == 1, out
    assert "Traceback" not in out
    assert f"proofs/planted.py:{PLANTED_LINE}: ERROR:" in out and "(slip) is refuted" in out
    (failure,) = failures(check_file(planted_module))
    for said in failure.message.splitlines():  # the counterexample, both sides and the replay command
        assert said.strip() in out
    assert "index.rst:4" in out  # and the directive that shows it
    again, out = build(root)  # nothing changed: the page is read again and fails again
    assert again == 1 and "(slip) is refuted" in out


def test_module_errors_are_reported_at_the_directive_or_the_modules_line(tmp_path, bundled_module):
    """An error of the whole module (no such file, no such :name:, a load error) at the directive's file and line,
    or at the module's line when one is known; a location without a line would be printed as ``<module>.py.rst``."""
    page = f"""\
Notes
=====

.. derivation:: proofs/{BUNDLED}
   :name: no-such-derivation

.. derivation:: proofs/nothere.py

.. derivation:: proofs/broken.py
"""
    (tmp_path / "proofs" / "broken.py").write_text("from derive import Derivation\n\n1 / 0\n")
    code, out = build(project(tmp_path, {"index.rst": page}, bundled_module))
    assert code == 1, out
    assert ".py.rst" not in out
    index, proofs = tmp_path / "index.rst", tmp_path / "proofs"
    assert f"{index}:4: ERROR: {proofs}/{BUNDLED}: no derivation named 'no-such-derivation'" in out
    assert "iid-cross-entropy" in out
    assert f"{index}:7: ERROR: {proofs}/nothere.py: no such derivation module" in out
    assert f"{proofs}/broken.py:3: ERROR: {proofs}/broken.py: failed to import: line 3: ZeroDivisionError" in out
    assert f"(in the derivation directive at {index}:9)" in out


def test_a_derivation_shown_twice_with_labels_warns_naming_both_directives(tmp_path, bundled_module):
    pages = {"index.rst": INDEX_RST, "other.rst": INDEX_RST.replace("Lecture 3", "Other    ").replace("   other", "")}
    code, out = build(project(tmp_path, pages, bundled_module), "-W")
    assert code == 1
    warned = rf"{tmp_path}/(\w+)\.rst:\d+: WARNING: derivation 'iid-cross-entropy' is shown with its labels twice: "
    warned += rf"here and at {tmp_path}/(\w+)\.rst:\d+; add :no-index: to one of the directives"
    found = re.search(warned, out)
    assert found and {found[1], found[2]} == {"index", "other"}, out
    assert "duplicate label" not in out  # Sphinx's own warning, which names only one page


def test_step_short_of_allow_warns_and_fails_only_with_w(tmp_path):
    root = project(tmp_path, {"index.rst": "Notes\n=====\n\n.. derivation:: proofs/short.py\n"}, tmp_path)
    (root / "proofs").mkdir()
    (root / "proofs" / "short.py").write_text(SHORT)
    code, out = build(root)
    assert code == 0, out
    title = re.search(r'<p class="[^"]*rubric[^"]*">(.*?)</p>', (root / "_build/html/index.html").read_text())
    assert title and title[1] == r'A real factor <span class="math notranslate nohighlight">\(q_1\)</span>'  # $q_1$
    warned = r"index\.rst:4: WARNING: \S*proofs/short\.py:10: real-factor: step 1 \(split\) is numeric, short of allow"
    assert re.search(warned, out), out
    code, _ = build(root, "-W")
    assert code == 1


def test_parallel_build(tmp_path, bundled_module, planted_module):
    root = project(tmp_path, {"index.rst": INDEX_RST, "other.rst": OTHER_RST}, bundled_module)
    code, out = build(root, "-W", "-j", "2")
    assert code == 0, out
    assert_page_shows_chain(root)
    (root / "index.rst").write_text(INDEX_RST.replace("   other", "   other\n   wrong"))
    (root / "wrong.rst").write_text("Wrong\n=====\n\n.. derivation:: proofs/planted.py\n")
    code, out = build(root, "-j", "2")  # the error of a parallel reader fails the build too
    assert code == 1 and "(slip) is refuted" in out


def test_latex_builder_writes_the_chain_with_a_label_per_line(tmp_path, bundled_module):
    root = project(tmp_path, {"index.rst": INDEX_RST, "other.rst": OTHER_RST}, bundled_module)
    code, out = build(root, "-W", builder="latex")
    assert code == 0, out
    tex = (root / "_build" / "latex" / "notes.tex").read_text()
    aligns = re.findall(r"\\begin\{align\}.*?\\end\{align\}", tex, re.S)  # and other.rst's :no-index: copy
    (align,), (copy,) = [[a for a in aligns if (r"\label" in a) is labelled] for labelled in (True, False)]
    for line in lines_of_bundled():
        assert rf"\tag{{{line.number}}}\label{{\detokenize{{index:{line.label}}}}}" in align
        assert rf"\tag{{{line.number}}}" in copy
    assert r"\label" not in copy
    assert rf"\hyperref[\detokenize{{index:{LINE}}}]" in tex  # the :ref: links to that label
    if shutil.which("pdflatex") is None:
        pytest.skip("pdflatex is not installed: the chain's align is not compiled")
    # NOTE: Sphinx's own preamble needs packages a small TeX install lacks (wrapfig, tgtermes); the chain needs
    # only amsmath, amssymb and hyperref, so it is compiled in an article with the reference.
    ref = rf"See \hyperref[\detokenize{{index:{LINE}}}]{{line 6}}."
    document = "\n".join(
        [r"\documentclass{article}", r"\usepackage{amsmath,amssymb}", r"\usepackage{hyperref}", r"\begin{document}"]
        + [align, ref, r"\end{document}", ""]
    )
    (tmp_path / "chain.tex").write_text(document)
    run = subprocess.run(
        ["pdflatex", "-interaction=nonstopmode", "-halt-on-error", "chain.tex"], cwd=tmp_path, capture_output=True
    )
    assert run.returncode == 0, run.stdout.decode(errors="replace")[-2000:]
    aux = (tmp_path / "chain.aux").read_text().splitlines()
    (label,) = [t for t in aux if t.startswith(rf"\newlabel{{index:{LINE}}}")]
    assert "{6}" in label  # line 6, with a hyperref anchor of its own


def test_a_chain_wider_than_the_text_column_scrolls_in_its_own_block(rst_site):
    """Justifications beside the math make a chain wider than most themes' text column: the page links derive's
    stylesheet, which lets the chain's block scroll instead of the whole page."""
    root, code, out = rst_site
    page = (root / "_build" / "html" / "index.html").read_text()
    assert re.search(r'<link rel="stylesheet"[^>]*href="_static/derive-sphinx\.css', page)
    css = (root / "_build" / "html" / "_static" / "derive-sphinx.css").read_text()
    assert re.search(r"div\.derivation-chain\s*\{[^}]*overflow-x:\s*auto", css)


def test_a_long_justification_continues_on_rows_under_where_it_starts():
    """MathJax has no paragraph box: a justification longer than WRAP goes on rows of its own, in the same display,
    indented past the mark and number, broken only between words and formulas."""
    from derive.render.mathjax import mathjax_words
    from derive.render.sphinx_math import WRAP, mathjax_display, wrapped

    said = "group equal factors: $q_i$ occurs once for each of the $n_i$ examples with $x_k = i$, and " * 2
    rows = wrapped(mathjax_words(said.strip()), WRAP)
    assert len(rows) >= 3 and r"\ ".join(rows) == mathjax_words(said.strip())  # nothing lost or reordered
    for row in rows:
        seen = re.sub(r"\\[A-Za-z]+|\\ |[{}^_]", "", row)
        assert len(seen) <= WRAP + len("examples"), row
        assert row.count("{") == row.count("}")  # never inside a \text{...} or a formula

    (derivation,) = load_module(bundled_proofs() / BUNDLED).derivations
    shown = mathjax_display(derivation, None, ids=True)
    group = next(line for line in lines_of_bundled() if line.label.endswith("group-by-counts"))
    row = shown.split(rf"\cssId{{{group.label}}}")[1].split(r"\\" + "\n", 2)
    assert row[1].startswith(rf" & && \phantom{{({group.number})}} \quad ")  # the continuation row


def test_the_chain_is_written_in_the_projects_notation(tmp_path):
    """``[tool.derive.notation]`` of the project's pyproject.toml holds for the Sphinx page as for every write-up."""
    page = f"Lecture 3\n=========\n\n.. derivation:: proofs/{BUNDLED}\n"
    root = project(tmp_path / "docs", {"index.rst": page})
    (tmp_path / "pyproject.toml").write_text("[tool.derive.notation]\nlog = 'ln'\n")
    code, out = build(root)
    assert code == 0, out
    math = html.unescape((root / "_build" / "html" / "index.html").read_text())
    assert r"\ln L(\theta)" in math and r"\log L(\theta)" not in math
