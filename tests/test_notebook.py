"""Derivations in Jupyter (:mod:`derive.entry.notebook`): the displays without a kernel, and the example notebook
run in one.

``docs/notebooks/cross-entropy.ipynb`` is committed with its outputs so that it reads well on GitHub. The displays
carry no timings, paths or cache hits; executing records no timing metadata and the Python version is dropped
from the metadata, so the saved file is the same on every machine. After changing what it shows, regenerate it
(in a fresh kernel with an empty cache) with::

    python tests/test_notebook.py
"""

from __future__ import annotations

import json
import os
import re
import tempfile
from pathlib import Path

import pytest
from sympy import Product, Sum, Symbol, log

from derive import Context, Derivation
from derive.entry.notebook import (
    NOT_CHECKED,
    CheckReport,
    bundled,
    derivation_latex,
    derivation_markdown,
)
from derive.render.mathjax import mathjax_text

ROOT = Path(__file__).resolve().parent.parent
NOTEBOOK = ROOT / "docs" / "notebooks" / "cross-entropy.ipynb"

#: What MathJax does not define (or \label, which clashes between outputs) and LaTeX-only layout commands.
NOT_MATHJAX = (r"\intertext", r"\label", r"\parbox", r"\makebox", r"\tag", r"\eqref", r"\notag", r"\small", r"\emph")


def slip() -> Derivation:
    """log ∏ a_i = Σ log a_i (proved), then the slip Σ log a_i = log Σ a_i (refuted)."""
    ctx = Context()
    n = ctx.size("n")
    a = ctx.positive("a", index=(1, n))
    i = Symbol("i", integer=True)
    d = Derivation("The log of a product", ctx, start=log(Product(a[i], (i, 1, n))))
    d.step(
        Sum(log(a[i]), (i, 1, n)), "the log of a product of positive numbers is the sum of their logs", by="log_prod"
    )
    d.step(log(Sum(a[i], (i, 1, n))), "the sum of the logs is the log of the sum", name="slip")
    return d


def _mathjax_safe(latex: str) -> None:
    assert latex.startswith("$$\n") and latex.endswith("\n$$"), latex
    for command in NOT_MATHJAX:
        assert command not in latex
    assert latex.count(r"\begin{") == latex.count(r"\end{")
    for text in re.findall(r"\\text(?:tt|bf)?\{([^{}]*)\}", latex):  # what \text treats differently per renderer
        assert not set(text) & set("_&%#$\\^~"), text


# -- without a kernel ------------------------------------------------------------------------------------------------
def test_unchecked_derivation_says_so_and_shows_no_marks():
    d = slip()
    md, tex = derivation_markdown(d), derivation_latex(d)
    assert NOT_CHECKED in md and NOT_CHECKED in tex
    assert "not checked yet: call .check()" in md
    for mark in ("✓", "✗", r"\checkmark", r"\times"):
        assert mark not in md and mark not in tex
    assert "(1)" in tex and "(2)" in tex  # the chain is there, numbered
    _mathjax_safe(tex)


def test_displays_never_run_the_checker(monkeypatch):
    def refuse(*args, **kwargs):
        raise AssertionError("a display ran the checker")

    monkeypatch.setattr("derive.entry.notebook.check_derivations", refuse)
    monkeypatch.setattr("derive.run.worker.run_many", refuse)
    d = slip()
    derivation_markdown(d), derivation_latex(d), repr(d)
    with pytest.raises(AssertionError, match="ran the checker"):
        d.check()


def test_check_marks_each_step_and_shows_the_counterexample(tmp_path):
    d = slip()
    report = d.check(cache=tmp_path, jobs=1)
    assert isinstance(report, CheckReport) and not report.passed
    assert [r.evidence.value for r in report.results] == ["proved", "refuted"]
    md = derivation_markdown(d)
    assert re.search(r"^1\. \*\*proved\*\* ✓ ", md, flags=re.M)
    assert re.search(r"^2\. \*\*refuted\*\* ✗ ", md, flags=re.M)
    assert NOT_CHECKED not in md and "FAILS" in md
    table = report._repr_markdown_()
    assert "| 1 | `step-1` | ✓ proved |" in table and "| 2 | `slip` | ✗ refuted |" in table
    assert "```text\nCounterexample: n = " in table
    assert "Replay: .check(seed=0) on 'the-log-of-a-product', step 'slip'" in table
    tex = derivation_latex(d)
    assert r"\checkmark\ (1)" in tex and r"\times\ (2)" in tex and r"\texttt{Counterexample: n = 2" in tex
    _mathjax_safe(tex)
    _mathjax_safe(report._repr_latex_())


def test_plain_repr_is_a_readable_summary(tmp_path):
    d = slip()
    assert repr(slip().check(cache=tmp_path, jobs=1)).splitlines()[0] == (
        "the-log-of-a-product: FAILS — 2 steps: 1 proved, 1 refuted"
    )
    text = repr(d.check(cache=tmp_path))
    assert "   1  ✓    proved            step-1" in text and "   2  ✗    refuted           slip" in text
    line = next(t for t in text.splitlines() if "Counterexample:" in t)
    assert "n = 2" in line and "a = (1/2, 1/2)" in line and "0x" not in text
    assert "(the-log-of-a-product: FAILS" in _pretty(d)
    assert NOT_CHECKED in _pretty(slip())


def _pretty(obj) -> str:
    """What IPython's plain-text display shows once ``%load_ext derive`` has registered the formatters."""

    import derive

    shell = _shell()
    derive.load_ipython_extension(shell)
    return shell.display_formatter.format(obj)[0]["text/plain"]


def test_a_step_added_after_the_check_asks_for_another(tmp_path):
    d = slip()
    d.check(cache=tmp_path, jobs=1)
    d.step(d.current, "nothing changes")
    assert "changed since the last check: call .check() again" in derivation_markdown(d)
    assert "✗" not in derivation_markdown(d)


def test_check_uses_the_cache_unless_told_not_to(tmp_path, monkeypatch):
    first = slip().check(cache=tmp_path, jobs=1)
    again = slip().check(cache=tmp_path, jobs=1)
    assert not any(r.cached for r in first.results) and all(r.cached for r in again.results)
    # A display does not say where a result came from. NOTE: only the table is compared, because a cached
    # counterexample lists its values sorted by name (the cache writes JSON with sort_keys).
    assert again._repr_markdown_().split("**Step")[0] == first._repr_markdown_().split("**Step")[0]
    fresh = slip().check(cache=False, jobs=1)
    assert not any(r.cached for r in fresh.results)
    monkeypatch.setenv("DERIVE_CACHE_DIR", str(tmp_path))
    assert all(r.cached for r in slip().check(jobs=1).results)  # cache=True: derive check's cache


def test_flagship_displays_are_mathjax_safe():
    nll = bundled("iid_cross_entropy")
    _mathjax_safe(derivation_latex(nll))
    report = nll.check(jobs=2)
    assert report.passed, repr(report)
    _mathjax_safe(derivation_latex(nll))
    md = derivation_markdown(nll)
    assert md.startswith("### From the likelihood") and "$$\n\\begin{aligned}\n" in md
    assert "\\intertext" not in md and "\\label" not in md


def test_mathjax_text_sets_specials_as_math():
    assert mathjax_text("write q_i for p(i | θ)") == r"\text{write}\ q_{i}\ \text{for}\ p(i \mid \theta)"
    assert mathjax_text("snake_case: 50% & #1") == r"\text{snake}\_\text{case: 50}\%\ \&\ \#\text{1}"


def test_bundled_needs_a_name_when_a_module_has_several():
    with pytest.raises(ValueError, match="name="):
        bundled("entropy_in_bits")


# -- the example notebook ----------------------------------------------------------------------------------------
def execute(path: Path, cwd: Path):
    """Run the notebook at ``path`` in a fresh ``python3`` kernel (ipykernel) that imports this checkout."""
    import nbformat
    from nbclient import NotebookClient

    nb = nbformat.read(path, as_version=4)
    env = os.environ.get("PYTHONPATH", "")
    os.environ["PYTHONPATH"] = os.pathsep.join(p for p in (str(ROOT), env) if p)  # the kernel inherits it
    try:
        client = NotebookClient(
            nb, timeout=300, kernel_name="python3", record_timing=False, resources={"metadata": {"path": str(cwd)}}
        )
        client.execute()
    finally:
        os.environ["PYTHONPATH"] = env
    nb.metadata.get("language_info", {}).pop("version", None)
    return nb


def _outputs(cell) -> str:
    """Everything a cell shows, as one string (Markdown, LaTeX, plain text and printed output)."""
    out = []
    for o in cell.get("outputs", []):
        out.append("".join(o.get("text", "")))
        for mime in ("text/markdown", "text/latex", "text/plain"):
            out.append("".join(o.get("data", {}).get(mime, "")))
    return "\n".join(out)


def _check_outputs(cells) -> None:
    code = [c for c in cells if c["cell_type"] == "code"]
    assert all(c.get("outputs") for c in code), "every code cell shows something"
    assert not [o for c in code for o in c["outputs"] if o["output_type"] == "error"]
    shown = [_outputs(c) for c in code]
    assert NOT_CHECKED in shown[0] and "✓" not in shown[0]
    flagship = shown[1]
    assert "**iid-cross-entropy: passes — 10 steps: 9 proved, 1 assumed**" in flagship
    assert "✗" not in flagship and "undecided" not in flagship
    assert "2. **proved** ✓" in shown[2] and "1. **assumed** †" in shown[2]
    assert NOT_CHECKED in shown[3]
    assert "the-log-of-a-product: FAILS — 2 steps: 1 proved, 1 refuted" in shown[4]
    markdown = "".join("".join(o["data"]["text/markdown"]) for o in code[4]["outputs"])  # what JupyterLab shows
    assert "| 2 | `slip` | ✗ refuted |" in markdown and "```text\nCounterexample: n = " in markdown
    assert "**the-log-of-a-product-of-squares: passes — 3 steps: 3 proved**" in shown[5]  # a %%derive cell
    assert "3. **proved** ✓" in shown[5] and "✗" not in shown[5] and "Out[" not in shown[5]
    assert "proved - for all sizes" in shown[6] and "refuted - counterexample found" in shown[6]
    assert "Counterexample: u = " in shown[6]
    machine = re.compile(r"/tmp/|/home/|/root/|/Users/|ipykernel_|0x[0-9a-f]{6}|\d\.\d+ ?s\b|cached")
    assert not [m.group(0) for s in shown for m in [machine.search(s)] if m]


def test_notebook_runs_in_a_kernel_and_shows_the_marks(tmp_path):
    pytest.importorskip("nbformat")
    pytest.importorskip("nbclient")
    pytest.importorskip("ipykernel")
    assert not os.environ.get("DERIVE_NO_FORK"), "this test is about forking workers from a kernel process"
    nb = execute(NOTEBOOK, tmp_path)  # conftest gives the kernel an empty cache: every step is forked and checked
    _check_outputs(nb.cells)
    assert list(Path(os.environ["DERIVE_CACHE_DIR"]).rglob("*.json")), "check() in the kernel used the cache"


def test_saved_notebook_has_clean_outputs():
    nb = json.loads(NOTEBOOK.read_text(encoding="utf-8"))
    _check_outputs(nb["cells"])
    assert "version" not in nb["metadata"].get("language_info", {})
    assert not [c for c in nb["cells"] if "execution" in c.get("metadata", {})]
    counts = [c["execution_count"] for c in nb["cells"] if c["cell_type"] == "code"]
    assert counts == list(range(1, len(counts) + 1)), "saved from one run, top to bottom"


if __name__ == "__main__":  # python tests/test_notebook.py: execute the notebook and save it with its outputs
    import nbformat

    with tempfile.TemporaryDirectory() as cache, tempfile.TemporaryDirectory() as cwd:
        os.environ["DERIVE_CACHE_DIR"] = cache
        executed = execute(NOTEBOOK, Path(cwd))
    nbformat.write(executed, NOTEBOOK)
    print(f"wrote {NOTEBOOK.relative_to(ROOT)}")


def test_derivations_display_through_ipython_formatters(tmp_path):
    """The model has no display methods: %load_ext derive registers IPython formatters for Derivation."""

    import derive

    shell = _shell()
    for formatter in shell.display_formatter.formatters.values():  # _pretty loaded the extension into this shell
        formatter.pop(Derivation, None)
    d = slip()
    assert "text/markdown" not in shell.display_formatter.format(d)[0]
    derive.load_ipython_extension(shell)
    data, _ = shell.display_formatter.format(d)
    assert data["text/markdown"] == derivation_markdown(d)
    assert data["text/latex"] == derivation_latex(d)
    assert data["text/plain"].startswith("The log of a product (not checked yet")


def _shell():
    """A shared IPython shell whose history lives in memory: the default history file starts a thread, after which
    this test process is multi-threaded and the worker pool (rightly) stops forking for every later test."""
    import threading

    from IPython.core.interactiveshell import InteractiveShell
    from traitlets.config import Config

    config = Config()
    config.HistoryManager.hist_file = ":memory:"
    threads = threading.active_count()
    shell = InteractiveShell.instance(config=config)
    assert threading.active_count() == threads
    return shell
