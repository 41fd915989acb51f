"""The pytest plugin: derivation steps collected and run as test items, inside a throw-away project (pytester).

Runs are in-process (fast: SymPy is already imported) unless they fork workers of pytest's own (xdist) or must
start with a fresh interpreter; the step checks fork their own workers either way. The verification cache is the
private one tests/conftest.py sets through DERIVE_CACHE_DIR, which both kinds of run inherit.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

pytest_plugins = ["pytester"]

HEADER = """\
from sympy import log

from derive import Context, Derivation

ctx = Context()
K = ctx.size("K", minimum=2)
q = ctx.positive("q", index=(1, K))
"""

GOOD = (
    HEADER
    + """\
d = Derivation("Log of a product", ctx, start=log(q[1] * q[2]), name="log-product")
d.step(log(q[1]) + log(q[2]), "the log of a product is the sum of the logs", name="split")
d.step(log(q[2]) + log(q[1]), "the terms commute", name="swap")
"""
)

WRONG = (
    HEADER
    + """\
d = Derivation("A wrong step", ctx, start=log(q[1] * q[2]), name="wrong")
d.step(log(q[1]) + log(q[2]), "the log of a product is the sum of the logs", name="split")
d.step(
    log(q[1]) * log(q[2]),
    "a tempting mistake",
    name="mistake",
)
d.step(log(q[1]) * log(q[2]) + 0, "nothing changes", name="after")
"""
)

TWO = (
    HEADER
    + """\
first = Derivation("First", ctx, start=log(q[1] * q[2]), name="first")
first.step(log(q[1]) + log(q[2]), "log of a product", name="split")
second = Derivation("Second", ctx, start=log(q[1] ** 2), name="second")
second.step(2 * log(q[1]), "log of a power", name="power")
second.step(log(q[1]) + log(q[1]), "two halves", name="halves")
"""
)

ASSUMED = (
    HEADER
    + """\
d = Derivation("An assumption", ctx, start=log(q[1] * q[2]), name="assumed")
d.assume(log(q[1]) + log(q[2]), "taken as given", name="given")
d.step(log(q[2]) + log(q[1]), "the terms commute", name="swap")
"""
)


@pytest.fixture
def project(pytester: pytest.Pytester) -> pytest.Pytester:
    """An empty project: a pyproject.toml (so its folder is the rootdir) and no tests."""
    pytester.makepyprojecttoml("[tool.pytest.ini_options]\n")
    return pytester


def write(pytester: pytest.Pytester, relpath: str, text: str) -> Path:
    path = pytester.path / relpath
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text)
    return path


def ids(result: pytest.RunResult) -> list[str]:
    return [line for line in result.outlines if "::" in line]


def test_one_item_per_step_with_readable_ids(project):
    write(project, "proofs/log_product.py", GOOD)
    write(project, "proofs/two.py", TWO)
    write(project, "proofs/_helpers.py", "raise RuntimeError('a helper is not a derivation module')\n")
    result = project.runpytest("--co", "-q")
    assert ids(result) == [
        "proofs/log_product.py::split",
        "proofs/log_product.py::swap",
        "proofs/two.py::first::split",
        "proofs/two.py::second::power",
        "proofs/two.py::second::halves",
    ]
    assert result.ret == 0


def test_steps_pass_and_a_derivation_can_be_selected_by_node_id(project):
    write(project, "proofs/two.py", TWO)
    result = project.runpytest("-v", "proofs/two.py::second")
    result.assert_outcomes(passed=2)
    result.stdout.fnmatch_lines(["proofs/two.py::second::power PASSED*", "*- derive: 2 steps checked: 2 proved -*"])


def test_a_wrong_step_fails_with_its_claim_counterexample_and_replay_line(project):
    write(project, "proofs/wrong.py", WRONG)
    result = project.runpytest()
    assert result.ret != 0
    result.assert_outcomes(passed=2, failed=1)
    result.stdout.fnmatch_lines(
        [
            "refuted at K = 2, q = (1/2, 1/2): left side = -2*log(2), right side = log(2)**2 "
            "(proofs/wrong.py:10: step 2 (mistake) of wrong)",
            ">   10  d.step(",
            '    12      "a tempting mistake",',
            "  before:    log(q[1]) + log(q[2])",
            "  relation:  =",
            "  after:     log(q[1])*log(q[2])",
            "  because:   a tempting mistake",
            "  evidence:  refuted, required: proved (default)",
            "Counterexample: K = 2, q = (1/2, 1/2)",
            "  left side  = *",
            "  right side = *",
            "Replay: derive check proofs/wrong.py --step mistake",
            "FAILED proofs/wrong.py::mistake - refuted at K = 2, q = (1/2, 1/2)*",
        ]
    )
    assert "Traceback" not in result.stdout.str() and "runtest" not in result.stdout.str()


NUMBERS = """
from sympy import Integer, log
from derive import Context, Derivation

d = Derivation("numbers", Context(), start=log(Integer(4)), name="numbers")
d.step(Integer(2), "log 4 is 2 (false: that is log2)", name="mistake")
"""


def test_a_wrong_step_without_variables_says_refuted_without_a_point(project):
    write(project, "proofs/numbers.py", NUMBERS)
    result = project.runpytest()
    result.assert_outcomes(failed=1)
    result.stdout.fnmatch_lines(
        [
            "refuted: left side = log(4), right side = 2 (proofs/numbers.py:6: step 1 (mistake) of numbers)",
            "Counterexample: the two sides are numbers, and they differ",
        ]
    )


def test_reportinfo_gives_the_steps_file_and_line(project):
    write(project, "proofs/wrong.py", WRONG)
    items, _ = project.inline_genitems()
    assert [item.location[:2] for item in items] == [("proofs/wrong.py", n) for n in (8, 9, 14)]  # 0-based


def test_k_selects_and_checks_only_the_selected_step(project, monkeypatch):
    write(project, "proofs/wrong.py", WRONG)
    checked = []
    import derive.run.check

    real = derive.run.check.check_derivations

    def spy(items, *args, **kwargs):
        checked.extend(s.name for d, _ in items for s in d.steps)
        return real(items, *args, **kwargs)

    monkeypatch.setattr(derive.run.check, "check_derivations", spy)
    result = project.runpytest("-k", "split")
    result.assert_outcomes(passed=1, deselected=2)
    assert checked == ["split"]
    assert project.runpytest("-k", "mistake").ret != 0


def test_x_stops_at_the_first_failing_step(project):
    write(project, "proofs/wrong.py", WRONG)
    result = project.runpytest("-x")
    result.assert_outcomes(passed=1, failed=1)  # "after" is never run


def test_lf_reruns_only_the_failed_step(project):
    write(project, "proofs/wrong.py", WRONG)
    write(project, "proofs/log_product.py", GOOD)
    project.runpytest().assert_outcomes(passed=4, failed=1)
    result = project.runpytest("--lf", "-v")
    result.assert_outcomes(failed=1)
    result.stdout.fnmatch_lines(["run-last-failure: rerun previous 1 failure*", "proofs/wrong.py::mistake FAILED*"])


def test_a_test_module_with_a_derivation_is_collected_once_with_its_tests(project):
    write(project, "tests/test_entropy.py", GOOD + "\n\ndef test_ordinary():\n    assert d.name == 'log-product'\n")
    write(project, "tests/test_plain.py", "from derive import Derivation\n\ndef test_plain():\n    pass\n")
    result = project.runpytest("--co", "-q")
    assert ids(result) == [
        "tests/test_entropy.py::split",
        "tests/test_entropy.py::swap",
        "tests/test_entropy.py::test_ordinary",
        "tests/test_plain.py::test_plain",
    ]
    project.runpytest("-q").assert_outcomes(passed=4)
    # named on the command line, a test module is still collected once
    assert ids(project.runpytest("--co", "-q", "tests/test_entropy.py")) == ids(result)[:3]


def test_a_module_named_on_the_command_line_is_collected_once(project):
    write(project, "derivations/log_product.py", GOOD)
    assert ids(project.runpytest("--co", "-q")) == []  # not a configured path, not proofs/
    project.runpytest("-q", "derivations/log_product.py").assert_outcomes(passed=2)
    write(project, "proofs/two.py", TWO)  # a collected path, named on the command line as well
    for args in (["proofs/two.py"], ["proofs/two.py", "proofs"]):
        result = project.runpytest("--co", "-q", *args)
        assert ids(result) == [
            "proofs/two.py::first::split",
            "proofs/two.py::second::power",
            "proofs/two.py::second::halves",
        ]
        result.stdout.fnmatch_lines(["3 tests collected*"])  # --co -q prints a duplicated id once


def test_tool_derive_paths_in_pyproject(project):
    project.makepyprojecttoml('[tool.pytest.ini_options]\ntestpaths = ["tests"]\n\n[tool.derive]\npaths = ["math"]\n')
    write(project, "math/log_product.py", GOOD)
    write(project, "proofs/two.py", TWO)  # not collected: paths are configured
    write(project, "tests/test_x.py", "def test_x():\n    pass\n")
    result = project.runpytest("--co", "-q")
    assert ids(result) == ["tests/test_x.py::test_x", "math/log_product.py::split", "math/log_product.py::swap"]
    result.stdout.fnmatch_lines(["*"])  # header checked below, with -v
    header = project.runpytest("--co")
    header.stdout.fnmatch_lines(["derive: 1 derivation module in math ([[]tool.derive[]] paths)"])
    # with a file argument, only what is named
    assert ids(project.runpytest("--co", "-q", "tests")) == ["tests/test_x.py::test_x"]


def test_a_missing_configured_path_is_a_usage_error(project):
    # the same message as derive check's: it names pyproject.toml and the path as written
    project.makepyprojecttoml('[tool.derive]\npaths = ["nowhere"]\n')
    result = project.runpytest()
    assert result.ret == pytest.ExitCode.USAGE_ERROR
    result.stderr.fnmatch_lines(["*derive: *pyproject.toml: [[]tool.derive[]] paths: 'nowhere' does not exist*"])
    project.makepyprojecttoml("[tool.pytest.ini_options]\n")
    result = project.runpytest("--derive", "absent")
    result.stderr.fnmatch_lines(["*derive: absent: no such file or folder (--derive)*"])


def test_an_unknown_tool_derive_key_is_a_usage_error_naming_it(project):
    project.makepyprojecttoml('[tool.derive]\npath = ["proofs"]\n')
    result = project.runpytest()
    assert result.ret == pytest.ExitCode.USAGE_ERROR
    result.stderr.fnmatch_lines(["*pyproject.toml: [[]tool.derive[]]: unknown key 'path'; the known keys: *paths*"])


@pytest.mark.parametrize(
    "layout",
    ["configured", "proofs folder", "helpers only", "nothing"],
)
def test_the_plugin_and_the_cli_discover_the_same_modules(project, layout):
    """Without a PATH, ``derive check`` and a plain ``pytest`` act on the same modules (the CLI then falls back on
    the bundled derivations, where the plugin collects nothing of its own)."""
    from derive.entry.pytest_plugin import STATE
    from derive.entry.settings import default_source

    if layout == "configured":
        project.makepyprojecttoml('[tool.derive]\npaths = ["math"]\n')
        write(project, "math/log_product.py", GOOD)
    if layout in ("configured", "proofs folder"):
        write(project, "proofs/two.py", TWO)  # not acted on when paths are configured
    if layout == "helpers only":
        write(project, "proofs/_helpers.py", "")  # a proofs/ folder without derivation modules
    config = project.parseconfigure()
    plugin = config.stash[STATE].roots
    cli = default_source(project.path)
    assert plugin == ([] if cli.bundled else [p.resolve() for p in cli.paths])
    assert bool(plugin) == (layout in ("configured", "proofs folder"))


def test_derive_budget_overrides_the_default(project, monkeypatch):
    write(project, "proofs/log_product.py", GOOD)
    import derive.run.check

    seen = []
    real = derive.run.check.check_derivations

    def spy(items, options, *args, **kwargs):
        seen.append(options.budget)
        return real(items, options, *args, **kwargs)

    monkeypatch.setattr(derive.run.check, "check_derivations", spy)
    project.runpytest("--derive-budget", "7", "-k", "split").assert_outcomes(passed=1, deselected=1)
    assert seen == [7.0]


def test_derive_option_adds_paths(project):
    write(project, "a/log_product.py", GOOD)
    write(project, "b/two.py", TWO)
    write(project, "tests/test_x.py", "def test_x():\n    pass\n")
    result = project.runpytest("--co", "-q", "--derive", "a", "--derive", "b/two.py", "tests")
    assert ids(result) == [
        "tests/test_x.py::test_x",
        "a/log_product.py::split",
        "a/log_product.py::swap",
        "b/two.py::first::split",
        "b/two.py::second::power",
        "b/two.py::second::halves",
    ]


def test_strict_skips_an_assumption_with_its_reason(project):
    write(project, "proofs/assumed.py", ASSUMED)
    project.runpytest().assert_outcomes(passed=2)  # by default an assumption passes, with evidence "assumed"
    result = project.runpytest("-rs", "--derive-strict")
    result.assert_outcomes(passed=1, skipped=1)
    result.stdout.fnmatch_lines(["SKIPPED*assumed.py:9: an assumption, not proved (--derive-strict): taken as given"])


def test_strict_fails_a_step_that_is_only_proved_for_sizes(project, monkeypatch):
    from derive.core.evidence import Evidence, StepResult

    write(project, "proofs/log_product.py", GOOD)
    import derive.run.check

    real = derive.run.check.check_derivations

    def weaker(items, *args, **kwargs):
        reports = real(items, *args, **kwargs)
        for report in reports:
            report.results[:] = [StepResult(Evidence.PROVED_FOR_SIZES, "at sizes K = 2") for _ in report.results]
        return reports

    monkeypatch.setattr(derive.run.check, "check_derivations", weaker)
    project.runpytest().assert_outcomes(failed=2)  # the steps declare (by default) that they are proved
    write(project, "proofs/log_product.py", GOOD.replace('name="swap")', 'name="swap", allow="proved-for-sizes")'))
    project.runpytest().assert_outcomes(passed=1, failed=1)
    result = project.runpytest("--derive-strict", "-k", "swap")
    result.assert_outcomes(failed=1, deselected=1)
    result.stdout.fnmatch_lines(["*evidence:  proved-for-sizes, required: proved (--derive-strict)"])


def test_a_module_that_fails_to_import_is_a_collection_error_naming_file_and_line(project):
    write(project, "proofs/log_product.py", GOOD)
    write(project, "proofs/broken.py", "x = 1\nraise RuntimeError('boom')\n")
    result = project.runpytest()
    assert result.ret == pytest.ExitCode.INTERRUPTED  # pytest stops after collection errors
    result.stdout.fnmatch_lines(
        ["*ERROR collecting proofs/broken.py*", "proofs/broken.py: failed to import: line 2: RuntimeError: boom"]
    )
    assert "Traceback" not in result.stdout.str()
    project.runpytest("--continue-on-collection-errors").assert_outcomes(passed=2, errors=1)


def test_no_derive_collection_without_paths_or_proofs_folder(project):
    write(project, "derivations/log_product.py", GOOD)
    write(project, "tests/test_x.py", "def test_x():\n    pass\n")
    result = project.runpytest("-v")
    result.assert_outcomes(passed=1)
    assert "derive:" not in result.stdout.str()


@pytest.mark.parametrize("switch", [["--no-derive"], ["-p", "no:derive"]])
def test_the_plugin_can_be_switched_off(project, switch):
    write(project, "proofs/wrong.py", WRONG)
    write(project, "tests/test_x.py", "def test_x():\n    pass\n")
    result = project.runpytest_subprocess(*switch)
    result.assert_outcomes(passed=1)


def test_xdist_gives_the_same_outcomes(project):
    write(project, "proofs/wrong.py", WRONG)
    write(project, "proofs/two.py", TWO)
    write(project, "tests/test_entropy.py", GOOD + "\n\ndef test_ordinary():\n    pass\n")
    serial = project.runpytest_subprocess("-rA", "-p", "no:cacheprovider")
    parallel = project.runpytest_subprocess("-rA", "-n", "2", "-p", "no:cacheprovider")
    for result in (serial, parallel):
        result.assert_outcomes(passed=8, failed=1)
        assert result.ret == pytest.ExitCode.TESTS_FAILED
    outcomes = [
        sorted(line.split(" - ")[0] for line in r.outlines if line.startswith(("PASSED", "FAILED")))
        for r in (serial, parallel)
    ]
    assert outcomes[0] == outcomes[1] and len(outcomes[0]) == 9
    parallel.stdout.fnmatch_lines(
        ["Counterexample: K = 2, q = (1/2, 1/2)", "*- derive: 8 steps checked: 7 proved, 1 refuted -*"]
    )


def test_importing_the_plugin_does_not_import_sympy():
    # `import derive.entry.pytest_plugin` runs derive/__init__.py too, whose names load lazily (PEP 562)
    code = (
        "import sys, derive.entry.pytest_plugin, derive.run.loader; "
        "print(sorted(m for m in sys.modules if m == 'sympy'))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, env=os.environ)
    assert out.stdout.strip() == "[]"
