"""The ``%%derive`` cell magic (:mod:`derive.entry.notebook_magic`): in an in-process IPython shell for most cases
(fast), and once in a real kernel, where a planted wrong step must fail the notebook's execution as nbclient,
``jupyter nbconvert --execute`` and ``pytest --nbval`` see it.
"""

from __future__ import annotations

import importlib
import os
import re
import subprocess
import sys

import pytest
from test_notebook import _shell

import derive
from derive.entry import notebook_magic
from derive.entry.embed import Failure
from derive.entry.notebook import last_check


def _need(module: str):
    """Import ``module``; skip without it, except where CI=true (CI installs the test extras: never skip there)."""
    if os.environ.get("CI") == "true":
        return importlib.import_module(module)
    return pytest.importorskip(module)


_need("IPython")

SETUP = """\
from sympy import Product, Sum, Symbol, log
from derive import Context, Derivation
ctx = Context()
n = ctx.size("n")
a = ctx.positive("a", index=(1, n))
i = Symbol("i", integer=True)
"""

#: Lines 2-4 build a derivation that passes (line 1 is the magic's).
PASSING = """\
squares = Derivation("The log of a product of squares", ctx, start=log(Product(a[i] ** 2, (i, 1, n))))
squares.step(Sum(log(a[i] ** 2), (i, 1, n)), "the log of a product is the sum of the logs", by="log_prod")
squares.step(Sum(2 * log(a[i]), (i, 1, n)), "the log of a square is twice the log", by="log_pow")
"""

#: Line 4 (counting the magic's line) is the slip: the sum of the logs is not the log of the sum.
REFUTED = """\
logs = Derivation("The log of a product", ctx, start=log(Product(a[i], (i, 1, n))))
logs.step(Sum(log(a[i]), (i, 1, n)), "the log of a product is the sum of the logs", by="log_prod")
logs.step(log(Sum(a[i], (i, 1, n))), "the sum of the logs is the log of the sum", name="slip")
"""


@pytest.fixture
def shell():
    """The shared in-process shell with ``%load_ext derive`` done and the model's names defined."""
    from IPython.utils.capture import capture_output

    shell = _shell()
    derive.load_ipython_extension(shell)
    with capture_output():
        assert shell.run_cell(SETUP, store_history=True).success
    return shell


def run(shell, source: str):
    """Run one cell; return its result, what it displayed (each output's data) and what it printed."""
    from IPython.utils.capture import capture_output

    with capture_output() as captured:
        result = shell.run_cell(source, store_history=True)
    printed = re.sub(r"\x1b\[[0-9;]*m", "", captured.stdout + captured.stderr)  # no terminal colours
    return result, [o.data for o in captured.outputs], printed


def test_a_passing_cell_displays_the_marks_and_keeps_its_names(shell):
    result, shown, printed = run(shell, "%%derive\n" + PASSING)
    assert result.success, printed
    assert result.result is None, "the last step is shown in the derivation's display, not as Out[...]"
    (data,) = shown
    assert "**the-log-of-a-product-of-squares: passes — 2 steps: 2 proved**" in data["text/markdown"]
    assert r"\checkmark" in data["text/latex"]
    squares = shell.user_ns["squares"]
    assert last_check(squares).passed
    # every step says where it is, the cell's line as the notebook numbers it (the magic's line is line 1)
    number = shell.compile._filename_map[squares.steps[0].file]
    assert number == result.execution_count and [s.line for s in squares.steps] == [3, 4]


def test_a_refuted_step_shows_its_counterexample_then_fails_the_cell(shell):
    result, shown, printed = run(shell, "%%derive\n" + REFUTED)
    error = result.error_in_exec
    assert isinstance(error, notebook_magic.RefutedStep) and isinstance(error, AssertionError)
    assert str(error).splitlines()[1:] == [
        f"Cell In[{result.execution_count}], line 4: the-log-of-a-product: step 2 (slip) is refuted: "
        "the sum of the logs is the log of the sum",
        "  Counterexample: n = 2, a = (1/2, 1/2)",
        "    left side  = -2*log(2)  ≈ -1.38629436112",
        "    right side = 0",
        "  Replay: .check(seed=0) on 'the-log-of-a-product', step 'slip'",
    ]
    (data,) = shown  # the derivation with its marks, before the error
    assert "2. **refuted** ✗" in data["text/markdown"] and "Counterexample: n = 2" in data["text/markdown"]
    assert printed.startswith("RefutedStep: a step is refuted") and "Counterexample: n = 2" in printed
    assert "Traceback" not in printed and "notebook_magic" not in printed, "no derive-internal traceback"
    assert "logs" in shell.user_ns


def test_only_derivations_built_by_the_cell_are_checked(shell):
    run(shell, PASSING.replace("squares", "earlier"))
    cell = "%%derive\nalias = earlier\n" + REFUTED + "unnamed = Derivation('Unnamed', ctx, start=log(a[1]))\n"
    result, shown, _ = run(shell, cell)
    assert isinstance(result.error_in_exec, notebook_magic.RefutedStep)
    assert last_check(shell.user_ns["earlier"]) is None
    assert last_check(shell.user_ns["logs"]) is not None and len(shown) == 2  # logs, and the unnamed one


def test_of_a_loaded_module_only_the_derivation_bound_to_a_name_is_checked(shell):
    cell = (
        "%%derive\nfrom derive.entry.notebook import bundled\nnll = bundled('batch_cross_entropy', name='batch-nll')\n"
    )
    result, shown, printed = run(shell, cell)
    assert result.success, printed
    (data,) = shown  # loading the module built its other derivation too, which the cell did not ask for
    assert "batch-nll: passes" in data["text/markdown"]


def test_a_cell_that_builds_no_derivation_is_an_error(shell):
    result, shown, printed = run(shell, "%%derive\nx = 41 + 1\n")
    assert isinstance(result.error_in_exec, notebook_magic.NoDerivation) and not shown
    assert printed.startswith("NoDerivation: the cell constructed no derivation") and "Traceback" not in printed
    assert shell.user_ns["x"] == 42
    result, _, printed = run(shell, "%%derive no-such\n" + PASSING)
    assert "no derivation named 'no-such' (it constructed: the-log-of-a-product-of-squares)" in printed


def test_options_reach_the_check(shell, monkeypatch, tmp_path):
    seen = []
    real = notebook_magic.check_all

    def spy(derivations, **options):
        seen.append(options)
        return real(derivations, **options)

    monkeypatch.setattr(notebook_magic, "check_all", spy)
    result, _, printed = run(shell, "%%derive --budget 2.5 --seed 7 the-log-of-a-product\n" + REFUTED)
    assert [{k: v for k, v in s.items() if k != "library"} for s in seen] == [{"budget": 2.5, "seed": 7, "cache": True}]
    assert "Replay: .check(seed=7) on 'the-log-of-a-product', step 'slip'" in printed
    assert run(shell, "%%derive\n" + PASSING)[0].success
    assert not any(r.cached for r in last_check(shell.user_ns["squares"]).results)
    assert run(shell, "%%derive\n" + PASSING)[0].success
    assert all(r.cached for r in last_check(shell.user_ns["squares"]).results), "the cache of derive check"
    assert run(shell, "%%derive --no-cache\n" + PASSING)[0].success
    assert seen[-1]["cache"] is False and not any(r.cached for r in last_check(shell.user_ns["squares"]).results)


def test_a_step_short_of_its_allow_warns_and_fails_only_with_strict(shell, monkeypatch):
    def short(reports):
        step = reports[0].derivation.steps[1]
        return [Failure(step.file, step.line, "the-log-of-a-product-of-squares: step 2 (step-2) is undecided")]

    monkeypatch.setattr(notebook_magic, "shortfalls", short)
    result, shown, printed = run(shell, "%%derive\n" + PASSING)
    assert result.success and len(shown) == 1
    line = f"Cell In[{result.execution_count}], line 4: the-log-of-a-product-of-squares: step 2 (step-2) is undecided"
    assert f"warning: {line}" in printed
    result, shown, printed = run(shell, "%%derive --strict\n" + PASSING)
    assert isinstance(result.error_in_exec, notebook_magic.ShortOfAllow) and len(shown) == 1
    assert printed.startswith("ShortOfAllow: a step is short of its allow=") and "warning" not in printed


#: A plain cell (no magic): a derivation that passes so far, to which a later %%derive cell adds a step.
BASE = """\
base = Derivation("Base", ctx, start=log(a[1] * a[2]))
base.step(log(a[1]) + log(a[2]), "the log of a product is the sum of the logs", by="log_prod")
"""
SLIP = '.step(log(a[1] + a[2]), "the log of a product is the log of the sum", name="slip")'
OTHER = """\
other = Derivation("Other", ctx, start=log(a[1] ** 2))
other.step(2 * log(a[1]), "the log of a square is twice the log", by="log_pow")
"""


@pytest.mark.parametrize(
    "cell",
    [
        OTHER + "base" + SLIP,  # a step added to an earlier derivation, in a cell that builds another
        "base" + SLIP,  # only a step added
        "import copy\ncopy_ = copy.deepcopy(base)\ncopy_" + SLIP + "\n" + OTHER,  # a copy: no constructor runs
        "import copy\nboth = [copy.deepcopy(base)]\nboth[0]" + SLIP + "\n" + OTHER,  # a copy in a list
    ],
    ids=["added-step", "only-added-step", "deepcopy", "deepcopy-in-list"],
)
def test_a_step_added_in_the_cell_to_an_earlier_derivation_or_a_copy_is_checked(shell, cell):
    assert run(shell, BASE)[0].success
    result, shown, printed = run(shell, "%%derive\n" + cell)
    assert isinstance(result.error_in_exec, notebook_magic.RefutedStep), printed
    line = 1 + next(n for n, text in enumerate(cell.splitlines(), start=1) if "slip" in text)
    assert f"Cell In[{result.execution_count}], line {line}: base: step 2 (slip) is refuted" in printed
    assert "Step(" not in printed and any("base: FAILS" in data["text/plain"] for data in shown)


def test_a_derivation_built_earlier_and_left_alone_is_not_checked(shell):
    run(shell, BASE)
    result, shown, printed = run(shell, "%%derive\nalias = base\n" + OTHER)
    assert result.success and len(shown) == 1 and last_check(shell.user_ns["base"]) is None, printed


def test_a_cell_ending_with_a_step_shows_no_step(shell):
    run(shell, BASE)
    cell = OTHER + 'base.step(log(a[1]) + log(a[2]), "the same again", by="log_prod")\n'
    result, shown, printed = run(shell, "%%derive\n" + cell)
    assert result.success and result.result is None, printed
    assert "Step(" not in printed and len(shown) == 2


def test_citing_a_refuted_derivation_of_an_earlier_cell_fails_the_cell(shell):
    run(shell, BASE)
    run(shell, "base" + SLIP)  # a plain cell: nothing checked
    cell = 'cites = Derivation("Cites", ctx, start=log(a[1] * a[2]))\ncites.step(log(a[1] + a[2]), "base", by=base)\n'
    result, shown, printed = run(shell, "%%derive\n" + cell)
    assert isinstance(result.error_in_exec, notebook_magic.RefutedStep), printed
    slip = shell.user_ns["base"].steps[1]
    number = shell.compile._filename_map[slip.file]
    assert str(result.error_in_exec).splitlines()[:3] == [
        "a derivation the cell cites fails:",
        f"Cell In[{number}], line 1: base: step 2 (slip) is refuted: the log of a product is the log of the sum",
        "  Counterexample: n = 2, a = (1/2, 1/2)",
    ]
    assert "Traceback" not in printed and len(shown) == 1  # the citing one; the cited one is the earlier cell's


def test_a_derivation_may_cite_another_of_the_same_cell_by_name(shell):
    cell = (
        OTHER + 'user = Derivation("User", ctx, start=log(a[1] ** 2))\nuser.step(2 * log(a[1]), "other", by="other")\n'
    )
    result, shown, printed = run(shell, "%%derive\n" + cell)
    assert result.success and len(shown) == 2, printed
    assert last_check(shell.user_ns["user"]).passed
    result, shown, printed = run(shell, "%%derive user\n" + cell)  # the sibling resolves when not asked for too
    assert result.success and len(shown) == 1, printed
    result, shown, printed = run(shell, "%%derive\n" + cell.replace('by="other"', 'by="nobody"'))
    assert isinstance(result.error_in_exec, notebook_magic.BadCitation) and not shown
    assert printed.startswith(f"BadCitation: Cell In[{result.execution_count}], line 5: step 1 (step-1): by='nobody'")
    assert "Traceback" not in printed and "notebook_magic" not in printed


@pytest.mark.parametrize(
    ("line", "message"),
    [
        ("--budget soon", "argument --budget: invalid float value: 'soon'"),
        ("--budget 0", "--budget must be a positive number of seconds, not 0"),
        ("--seed", "argument --seed: expected one argument"),
        ("--quick", "unrecognized arguments: --quick"),
    ],
)
def test_option_errors_are_usage_errors(shell, line, message):
    from IPython.core.error import UsageError

    result, _, printed = run(shell, f"%%derive {line}\nx = 1\n")
    assert isinstance(result.error_in_exec, UsageError) and message in printed
    assert "Traceback" not in printed


def test_errors_in_the_cell_are_the_cells_own(shell):
    result, _, printed = run(shell, "%%derive\nx = 1\n1 / 0\n")
    assert isinstance(result.error_in_exec, ZeroDivisionError)
    assert re.search(r"In\[\d+\], line 3", printed) and "notebook_magic" not in printed
    result, _, printed = run(shell, "%%derive\n\nDerivation('Bad', ctx, start=log(a[1]), name='a/b')\n")
    file, line, _ = str(result.error_in_exec).split(":", 2)  # the model's message names the cell, not the magic
    assert (shell.compile._filename_map.get(file), line) == (result.execution_count, "3"), str(result.error_in_exec)
    result, _, printed = run(shell, "%%derive\nx = (\n")
    assert isinstance(result.error_in_exec, notebook_magic.CellSyntaxError) and "SyntaxError" in printed
    assert re.search(r"In\[\d+\], line 2", printed) and "notebook_magic" not in printed


def test_import_derive_in_ipython_registers_the_magic(shell):
    magics = shell.magics_manager.magics["cell"]
    magics.pop("derive")
    derive._register_if_in_ipython()  # what `import derive` runs inside a running IPython
    try:
        assert magics["derive"] is derive._derive_cell_magic
        assert run(shell, "%%derive\n" + PASSING)[0].success
    finally:  # the displays it registered by name stay beside %load_ext's otherwise (a pop removes only one)
        for formatter in shell.display_formatter.formatters.values():
            formatter.deferred_printers.pop(("derive.core.model", "Derivation"), None)
    derive.load_ipython_extension(shell)  # %load_ext derive: the magic itself, with its full help
    assert magics["derive"] is notebook_magic.derive and "--no-cache" in notebook_magic.derive.__doc__


def test_import_derive_in_ipython_imports_nothing_heavy():
    """``import derive`` in a notebook registers the displays and the magic without importing SymPy or the checker."""
    code = (
        "import sys\n"
        "from IPython.core.interactiveshell import InteractiveShell\n"
        "from traitlets.config import Config\n"
        "config = Config()\n"
        "config.HistoryManager.hist_file = ':memory:'\n"
        "shell = InteractiveShell.instance(config=config)\n"
        "import derive\n"
        "assert 'derive' in shell.magics_manager.magics['cell']\n"
        "print(sorted(m for m in sys.modules if m.split('.')[0] == 'sympy' or m.startswith('derive.entry')))\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "[]"


# -- in a real kernel ---------------------------------------------------------------------------------------------
def test_a_planted_wrong_step_fails_the_notebook_run(tmp_path):
    """What nbclient (and so ``jupyter nbconvert --execute`` and ``pytest --nbval``) sees of a refuted step."""
    nbformat = _need("nbformat")
    _need("ipykernel")
    from nbclient.exceptions import CellExecutionError
    from test_notebook import execute

    cells = ["import derive  # inside IPython, enough for %%derive", SETUP, "%%derive\n" + REFUTED, "print('not run')"]
    path = tmp_path / "planted.ipynb"
    nbformat.write(nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(c) for c in cells]), path)
    with pytest.raises(CellExecutionError) as failed:
        execute(path, tmp_path)
    message = str(failed.value)
    assert "RefutedStep: a step is refuted" in message
    assert "Cell In[3], line 4: the-log-of-a-product: step 2 (slip) is refuted" in message
    assert "Counterexample: n = 2, a = (1/2, 1/2)" in message and "Replay: .check(seed=0)" in message
    assert "Traceback" not in message and "ipykernel_" not in message
