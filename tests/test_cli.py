"""The command line: exit codes, the table, the JSON shape, and errors that name the file and step."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from derive.entry.cli import ExitCode, main
from derive.render.notes import TITLE
from derive.run.loader import bundled_proofs, load

ROOT = Path(__file__).resolve().parents[1]
needs_tex = pytest.mark.skipif(shutil.which("pdflatex") is None, reason="pdflatex is not installed")

#: The budget of a test that checks the whole bundled library: derive's 5 s default, but on a loaded machine (CI on
#: two shared cores, tests in parallel) a step near it can come out undecided and fail the test for no fault.
BUNDLED_BUDGET = "60"

WRONG = textwrap.dedent(
    """
    from sympy import Sum, Symbol, log
    from derive import Context, Derivation

    ctx = Context()
    K = ctx.size("K", minimum=2)
    q = ctx.positive("q", index=(1, K))
    i = Symbol("i", integer=True)
    d = Derivation("A wrong step", ctx, start=log(q[1] * q[2]), name="wrong")
    d.step(log(q[1]) + log(q[2]), "log of a product", name="split")
    d.step(log(q[1]) * log(q[2]), "a tempting mistake", name="mistake")
    """
)


@pytest.fixture
def wrong_module(tmp_path):
    path = tmp_path / "wrong.py"
    path.write_text(WRONG)
    return path


def test_bundled_derivations_check_with_exit_0(capsys):
    assert main(["check", "--budget", BUNDLED_BUDGET]) == ExitCode.OK
    out = capsys.readouterr().out
    assert "group-by-counts" in out and "proved" in out
    assert re.search(r"^(\d+)/\1 derivations pass", out, re.M)


def test_a_wrong_step_exits_1_naming_the_step_and_printing_a_counterexample(wrong_module, capsys):
    assert main(["check", str(wrong_module)]) == ExitCode.FAILED
    out = capsys.readouterr().out
    assert "wrong.py:11: step 2 (mistake) is refuted" in out
    assert "Counterexample: K = 2, q = (1/2, 1/2)" in out
    assert "left side" in out and "right side" in out
    assert "Replay: derive check" in out and "--step mistake" in out


def test_json_report_shape(wrong_module, capsys):
    assert main(["check", "--json", str(wrong_module)]) == ExitCode.FAILED
    report = json.loads(capsys.readouterr().out)
    (d,) = report["derivations"]
    assert {"name", "title", "passed", "steps"} <= d.keys() and d["passed"] is False
    first, second = d["steps"]
    assert {"index", "justification", "evidence", "seconds", "trace"} <= first.keys()
    assert first["evidence"] == "proved" and first["trace"][0]["rule"] == "log_mul"
    assert second["evidence"] == "refuted" and second["index"] == 2
    cex = second["counterexample"]
    assert cex["values"] == {"K": "2", "q": "(1/2, 1/2)"} and cex["lhs_value"] != cex["rhs_value"]


def test_replay_checks_only_the_named_step(wrong_module, capsys):
    assert main(["check", str(wrong_module), "--step", "split"]) == ExitCode.OK
    assert main(["check", str(wrong_module), "--step", "mistake"]) == ExitCode.FAILED
    assert main(["check", str(wrong_module), "--step", "nope"]) == ExitCode.BAD_INPUT
    assert "no derivation has a step 'nope'; the steps: " in capsys.readouterr().err


TWO_IN_ONE = textwrap.dedent(
    """
    from sympy import Integer, Rational, log
    from derive import Context, Derivation

    right = Derivation("right", Context(), start=Rational(1, 2) + Rational(1, 4), name="right")
    right.step(Rational(3, 4), "add", name="sum")
    wrong = Derivation("wrong", Context(), start=log(Integer(4)), name="wrong")
    wrong.step(Integer(2), "log 4 is 2 (false: that is log2)", name="mistake")
    """
)


def test_the_replay_of_a_step_works_in_a_module_with_several_derivations(tmp_path, capsys):
    module = tmp_path / "two.py"
    module.write_text(TWO_IN_ONE)
    assert main(["check", str(module)]) == ExitCode.FAILED
    out = capsys.readouterr().out
    replay = next(line.split("Replay: ")[1] for line in out.splitlines() if "Replay: " in line)
    assert replay == f"derive check {module} --step mistake"
    assert "Counterexample: the two sides are numbers, and they differ" in out  # no variables to name
    assert main(replay.split()[1:]) == ExitCode.FAILED  # the other derivation, without that step, is left out
    captured = capsys.readouterr()
    rows = [line.split()[0] for line in captured.out.splitlines()[1:] if line and not line.startswith(" ")]
    assert captured.err == "" and rows[0] == "wrong" and "right" not in rows and "0/1 derivations pass" in captured.out
    assert main(["check", str(module), "--step", "right:1"]) == ExitCode.OK  # DERIVATION:STEP names one
    assert "1/1 derivations pass" in capsys.readouterr().out


@pytest.mark.parametrize("command", ["check", "build", "mutate", "list"])
def test_missing_path_exits_2_printing_only_the_error(tmp_path, capsys, command):
    out = ["--out", str(tmp_path / "out")] if command == "build" else []
    assert main([command, str(tmp_path / "absent.py"), *out]) == ExitCode.BAD_INPUT
    captured = capsys.readouterr()
    assert captured.out == ""  # no empty table, no "0/0 derivations pass"
    assert captured.err == f"derive: error: {tmp_path / 'absent.py'}: no such file or folder\n"


def test_module_that_raises_exits_2_and_the_others_are_still_checked(tmp_path, wrong_module, capsys):
    broken = tmp_path / "broken.py"
    broken.write_text("x = 1\nraise RuntimeError('boom')\n")
    assert main(["check", "--json", str(tmp_path)]) == ExitCode.BAD_INPUT
    captured = capsys.readouterr()
    assert "broken.py: failed to import: line 2: RuntimeError: boom" in captured.err
    assert [d["name"] for d in json.loads(captured.out)["derivations"]] == ["wrong"]


def test_module_without_derivation_exits_2(tmp_path, capsys):
    empty = tmp_path / "empty.py"
    empty.write_text("x = 1\n")
    assert main(["check", str(empty)]) == ExitCode.BAD_INPUT
    assert "defines no derivation" in capsys.readouterr().err


def test_malformed_step_names_file_and_line(tmp_path, capsys):
    bad = tmp_path / "bad.py"
    bad.write_text(
        "from sympy import Symbol\nfrom derive import Context, Derivation\n"
        "d = Derivation('t', Context(), start=Symbol('a'))\nd.step('a + 1', 'text')\n"
    )
    assert main(["check", str(bad)]) == ExitCode.BAD_INPUT
    err = capsys.readouterr().err
    assert "bad.py: failed to import: line 4:" in err and "expected a SymPy expression" in err


def test_unknown_hint_is_bad_input(tmp_path, capsys):
    bad = tmp_path / "hint.py"
    bad.write_text(
        "from sympy import Symbol\nfrom derive import Context, Derivation\n"
        "a = Symbol('a')\nd = Derivation('t', Context(), start=a)\nd.step(a, 'same', by='no_such_rule')\n"
    )
    assert main(["check", str(bad)]) == ExitCode.BAD_INPUT
    assert "unknown rule 'no_such_rule'" in capsys.readouterr().err


def test_list_and_help(capsys):
    assert main(["list"]) == ExitCode.OK
    assert "iid-cross-entropy" in capsys.readouterr().out
    with pytest.raises(SystemExit) as exc:
        main(["--help"])
    assert exc.value.code == 0
    assert "Exit codes" in capsys.readouterr().out


def test_build_writes_every_write_up_atomically(tmp_path, capsys):
    out = tmp_path / "out"
    assert main(["build", "--budget", BUNDLED_BUDGET, "--out", str(out), "--no-pdf"]) == ExitCode.OK
    names = sorted(p.name for p in out.iterdir() if not p.name.startswith(".") and p.is_file())
    assert (out / "html" / "index.html").is_file() and (out / "html" / "iid-cross-entropy.html").is_file()
    for suffix in ("-fragment.tex", ".json", ".md", ".tex"):
        assert f"iid-cross-entropy{suffix}" in names and f"kl-divergence{suffix}" in names
    assert "lecture-notes.tex" in names and "slides.tex" in names  # and, with --no-pdf, no PDF of them
    assert TITLE in (out / "lecture-notes.tex").read_text() and TITLE in (out / "slides.tex").read_text()
    names = [n for n in names if n not in ("lecture-notes.tex", "slides.tex")]
    assert len(names) == 4 * len({n.split(".")[0].removesuffix("-fragment") for n in names})
    first = {p: p.read_bytes() for p in out.rglob("*") if p.is_file() and not p.name.startswith(".")}
    assert main(["build", "--budget", BUNDLED_BUDGET, "--out", str(out), "--no-pdf"]) == ExitCode.OK
    again = {p: p.read_bytes() for p in out.rglob("*") if p.is_file() and not p.name.startswith(".")}
    assert again == first  # byte for byte, the HTML site included


def test_build_does_not_write_a_failing_derivation(tmp_path, wrong_module, capsys):
    out = tmp_path / "out"
    assert main(["build", str(wrong_module), "--out", str(out), "--no-pdf"]) == ExitCode.FAILED
    assert not out.exists() or not [p for p in out.iterdir() if not p.name.startswith(".")]
    assert "wrong: not written" in capsys.readouterr().err


def test_build_removes_its_own_stale_write_ups_but_never_a_users_file(tmp_path, capsys):
    module = tmp_path / "mod.py"
    good = WRONG.replace('d.step(log(q[1]) * log(q[2]), "a tempting mistake", name="mistake")\n', "")
    module.write_text(good)
    out = tmp_path / "out"
    assert main(["build", str(module), "--out", str(out), "--no-pdf"]) == ExitCode.OK
    (out / "wrong.md").write_text("my own notes\n")  # the user edited one write-up
    (out / "wrong.pdf").write_text("not derive's\n")  # and put a file of theirs where a PDF would go
    module.write_text(WRONG)  # now a step is wrong
    assert main(["build", str(module), "--out", str(out), "--no-pdf"]) == ExitCode.FAILED
    err = capsys.readouterr().err
    assert "removed stale" in err and "wrong.tex" in err
    assert sorted(p.name for p in out.iterdir() if not p.name.startswith(".")) == ["wrong.md", "wrong.pdf"]
    assert (out / "wrong.md").read_text() == "my own notes\n"


def test_a_latex_failure_midway_leaves_no_new_or_half_written_file(tmp_path, monkeypatch, capsys):
    import derive.render.pdf as pdf
    from derive.render.pdf import RenderError

    out = tmp_path / "out"
    assert main(["build", "--budget", BUNDLED_BUDGET, "--out", str(out), "--no-pdf"]) == ExitCode.OK

    def broken(tex, out_dir):
        raise RenderError(f"{tex}: LaTeX failed")

    monkeypatch.setattr(pdf, "compile_pdf", broken)
    assert main(["build", "--budget", BUNDLED_BUDGET, "--out", str(out)]) == ExitCode.FAILED
    assert "LaTeX failed" in capsys.readouterr().err
    assert [p.name for p in out.iterdir()] == [".derive-manifest.json"]  # stale write-ups removed, nothing staged


FLAGSHIP_PATH = str(bundled_proofs() / "iid_cross_entropy.py")


def test_build_writes_in_the_notation_asked_for(tmp_path, capsys):
    out = tmp_path / "out"
    args = ["build", FLAGSHIP_PATH, "--out", str(out), "--no-pdf", "--no-notes", "--rename", r"q=\hat{y}"]
    assert main([*args, "--log", "ln", "--log-base", "2"]) == ExitCode.OK
    tex = (out / "iid-cross-entropy.tex").read_text()
    assert r"\ln \hat{y}_{i}" in tex and r"\log q_{i}" not in tex
    # the flagship ships code calling math.log, so its logarithms are natural whatever --log-base says, and it says so
    assert r"\log_{2}" not in tex
    assert "iid-cross-entropy: logarithms stay natural, not base 2" in capsys.readouterr().err


def test_build_reads_the_notation_from_pyproject_and_the_command_line_wins(tmp_path, monkeypatch):
    (tmp_path / "pyproject.toml").write_text("[tool.derive.notation]\nsymbols = { q = 'Q' }\nlog = \"ln\"\n")
    monkeypatch.chdir(tmp_path)
    args = ["build", FLAGSHIP_PATH, "--out", "out", "--no-pdf", "--no-notes"]
    assert main(args) == ExitCode.OK
    assert r"\ln Q_{i}" in (tmp_path / "out" / "iid-cross-entropy.md").read_text()
    assert main([*args, "--log", "log"]) == ExitCode.OK
    assert r"\log Q_{i}" in (tmp_path / "out" / "iid-cross-entropy.md").read_text()


def test_log_base_says_nothing_of_a_derivation_without_logarithms(tmp_path, capsys):
    softmax = str(bundled_proofs() / "softmax_one_hot.py")
    assert main(["build", softmax, "--out", str(tmp_path), "--no-pdf", "--no-notes", "--log-base", "2"]) == 0
    err = capsys.readouterr().err
    assert "softmax-sums-to-one" not in err and "softmax-positive" not in err  # only exponentials there
    assert "one-hot-nll: logarithms stay natural, not base 2" in err  # same module; its code calls math.log


def test_markdown_math_in_githubs_syntax_from_the_option_or_pyproject(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    args = ["build", FLAGSHIP_PATH, "--out", "out", "--no-pdf", "--no-notes"]
    md = tmp_path / "out" / "iid-cross-entropy.md"
    assert main(args) == ExitCode.OK
    assert "$$" in md.read_text() and "```math" not in md.read_text()
    assert main([*args, "--markdown-math", "github"]) == ExitCode.OK
    assert "```math" in md.read_text() and "$$" not in md.read_text()
    (tmp_path / "pyproject.toml").write_text('[tool.derive]\nmarkdown_math = "github"\n')
    assert main(args) == ExitCode.OK
    assert "```math" in md.read_text()
    assert main([*args, "--markdown-math", "dollars"]) == ExitCode.OK  # the command line wins
    assert "```math" not in md.read_text()


def test_an_unknown_markdown_math_in_pyproject_is_bad_input_naming_it(tmp_path, monkeypatch, capsys):
    (tmp_path / "pyproject.toml").write_text('[tool.derive]\nmarkdown_math = "katex"\n')
    monkeypatch.chdir(tmp_path)
    assert main(["build", FLAGSHIP_PATH, "--out", "out", "--no-pdf"]) == ExitCode.BAD_INPUT
    err = capsys.readouterr().err
    assert "pyproject.toml: [tool.derive] markdown_math must be" in err and "'katex'" in err


@pytest.mark.parametrize(
    ("setting", "message"),
    [
        (["--rename", "q"], "--rename 'q': write NAME=LATEX"),
        (["--log-base", "1"], "base must be an integer of 2 or more"),
    ],
)
def test_a_bad_notation_setting_is_bad_input_before_any_work(tmp_path, capsys, setting, message):
    assert main(["build", FLAGSHIP_PATH, "--out", str(tmp_path), *setting]) == ExitCode.BAD_INPUT
    captured = capsys.readouterr()
    assert message in captured.err and "derivation" not in captured.out  # nothing was checked


def test_a_malformed_notation_table_names_pyproject(tmp_path, monkeypatch, capsys):
    (tmp_path / "pyproject.toml").write_text("[tool.derive.notation]\nlogs = 'ln'\n")
    monkeypatch.chdir(tmp_path)
    assert main(["build", FLAGSHIP_PATH, "--out", "out", "--no-pdf"]) == ExitCode.BAD_INPUT
    assert "pyproject.toml: [tool.derive.notation]: unknown key 'logs'" in capsys.readouterr().err


# -- which derivations, without a PATH -------------------------------------------------------------------------
GOOD = WRONG.replace('d.step(log(q[1]) * log(q[2]), "a tempting mistake", name="mistake")\n', "")


def _listed(capsys) -> tuple[list[str], str]:
    captured = capsys.readouterr()
    return [line.split()[0] for line in captured.out.splitlines()], captured.err


def test_without_a_path_the_commands_use_tool_derive_paths_as_pytest_does(tmp_path, monkeypatch, capsys):
    (tmp_path / "notes").mkdir()
    (tmp_path / "notes" / "mine.py").write_text(GOOD)
    (tmp_path / "pyproject.toml").write_text('[tool.derive]\npaths = ["notes"]\n')
    (tmp_path / "sub").mkdir()
    monkeypatch.chdir(tmp_path / "sub")  # the nearest pyproject.toml is above; its paths are relative to it
    assert main(["list"]) == ExitCode.OK
    names, err = _listed(capsys)
    assert names == ["wrong"]
    assert (
        err == f"derive: the derivations in {tmp_path / 'notes'} ([tool.derive] paths in {tmp_path}/pyproject.toml)\n"
    )
    assert main(["check", "--json"]) == ExitCode.OK
    assert [d["name"] for d in json.loads(capsys.readouterr().out)["derivations"]] == ["wrong"]


def test_without_a_path_or_tool_derive_paths_a_proofs_folder_here_is_used(tmp_path, monkeypatch, capsys):
    (tmp_path / "proofs").mkdir()
    (tmp_path / "proofs" / "mine.py").write_text(GOOD)
    monkeypatch.chdir(tmp_path)
    assert main(["list"]) == ExitCode.OK
    assert _listed(capsys) == (["wrong"], "derive: the derivations in proofs (the proofs/ folder here)\n")


def test_without_any_of_them_the_bundled_derivations_are_used_and_the_user_is_told(tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    assert main(["list"]) == ExitCode.OK
    names, err = _listed(capsys)
    assert names == [d.name for item in load([bundled_proofs()]) for d in item.derivations]
    assert err.startswith("derive: the bundled derivations (no PATH, no [tool.derive] paths")


def test_in_this_repository_tool_derive_paths_are_the_bundled_derivations(monkeypatch, capsys):
    monkeypatch.chdir(ROOT)  # pyproject.toml: [tool.derive] paths = ["proofs"]
    assert main(["list"]) == ExitCode.OK
    names, err = _listed(capsys)
    modules = sorted(p.stem for p in bundled_proofs().glob("*.py") if p.stem != "__init__")
    assert names == [d.name for item in load([bundled_proofs()]) for d in item.derivations]
    assert len(set(names)) == len(names) >= len(modules)  # one name each; every module defines at least one
    assert "([tool.derive] paths in pyproject.toml)" in err


def test_a_configured_path_that_does_not_exist_is_bad_input_naming_pyproject(tmp_path, monkeypatch, capsys):
    (tmp_path / "pyproject.toml").write_text('[tool.derive]\npaths = ["nothere"]\n')
    monkeypatch.chdir(tmp_path)
    assert main(["check"]) == ExitCode.BAD_INPUT
    captured = capsys.readouterr()
    assert f"{tmp_path}/pyproject.toml: [tool.derive] paths: 'nothere' does not exist" in captured.err
    assert captured.out == ""


def test_help_says_where_derivations_come_from_without_a_path(capsys):
    with pytest.raises(SystemExit):
        main(["--help"])
    assert "[tool.derive] in the nearest pyproject.toml" in " ".join(capsys.readouterr().out.split())


# -- the table -------------------------------------------------------------------------------------------------
OLD_HEADER = f"{'derivation':24} {'#':>2}  {'step':24} {'rel':3}  {'evidence':17} {'time':>7}"


def test_the_table_shows_whole_names_and_keeps_its_width_for_short_ones(tmp_path, wrong_module, capsys):
    long = tmp_path / "long.py"
    long.write_text(
        GOOD.replace('name="wrong"', 'name="a-derivation-named-at-length"').replace(
            'name="split"', 'name="split-the-log-of-the-product"'
        )
    )
    assert main(["check", str(long)]) == ExitCode.OK
    header, row = capsys.readouterr().out.splitlines()[:2]
    assert row.startswith("a-derivation-named-at-length  1  split-the-log-of-the-product =")
    assert header.index("rel") == row.index("=") and header.index("step") == row.index("split")
    assert main(["check", str(wrong_module)]) == ExitCode.FAILED
    assert capsys.readouterr().out.splitlines()[0] == OLD_HEADER


def test_one_step_is_one_step(tmp_path, capsys):
    module = tmp_path / "mod.py"
    module.write_text(GOOD)
    assert main(["check", str(module)]) == ExitCode.OK
    assert "1/1 derivations pass; 1 step: 1 proved" in capsys.readouterr().out
    assert main(["list", str(module)]) == ExitCode.OK
    assert "  1 step   " in capsys.readouterr().out


# -- --rename is checked before any work -----------------------------------------------------------------------
def test_a_rename_with_unbalanced_braces_is_bad_input_naming_the_option_and_the_value(tmp_path, capsys):
    args = ["build", FLAGSHIP_PATH, "--out", str(tmp_path), "--no-pdf", "--rename", r"q=\hat{y"]
    assert main(args) == ExitCode.BAD_INPUT
    captured = capsys.readouterr()
    assert captured.err == "derive: error: --rename 'q=\\hat{y': its braces do not balance (a '{' is never closed)\n"
    assert captured.out == "" and not list(tmp_path.iterdir())


def test_unbalanced_braces_in_pyproject_are_bad_input_naming_the_key(tmp_path, monkeypatch, capsys):
    (tmp_path / "pyproject.toml").write_text("[tool.derive.notation]\nsymbols = { q = '\\hat{y' }\n")
    monkeypatch.chdir(tmp_path)
    assert main(["build", FLAGSHIP_PATH, "--out", "out", "--no-pdf"]) == ExitCode.BAD_INPUT
    err = capsys.readouterr().err
    assert "pyproject.toml: [tool.derive.notation] symbols: q = '\\hat{y': its braces do not balance" in err


def test_renaming_a_symbol_no_derivation_has_is_bad_input_listing_what_can_be_renamed(tmp_path, capsys):
    args = ["build", FLAGSHIP_PATH, "--out", str(tmp_path), "--no-pdf", "--rename", r"zz=\alpha"]
    assert main(args) == ExitCode.BAD_INPUT
    captured = capsys.readouterr()
    assert (
        "derive: error: --rename zz=\\alpha: no derivation being built has a symbol or function 'zz'; "
        "the names that can be renamed: H, i, K, k, L, N, n, p, q, theta, x\n"
    ) in captured.err
    assert captured.out == ""  # nothing was checked


def test_a_pyproject_rename_that_fits_no_derivation_built_is_only_a_warning(tmp_path, monkeypatch, capsys):
    (tmp_path / "pyproject.toml").write_text("[tool.derive.notation]\nsymbols = { zz = 'Z' }\n")
    (tmp_path / "mod.py").write_text(GOOD)
    monkeypatch.chdir(tmp_path)  # the project's notation need not fit every PATH built
    assert main(["build", "mod.py", "--out", "out", "--no-pdf", "--no-notes"]) == ExitCode.OK
    assert "[tool.derive.notation] symbols: 'zz' is a symbol of no derivation being built (they have: K, q)" in (
        capsys.readouterr().err
    )


TWO_HATS = textwrap.dedent(
    """
    from derive import Context, Derivation

    ctx = Context()
    q, yhat = ctx.probability("q"), ctx.probability("yhat")
    d = Derivation("Two predictions", ctx, start=q + yhat, name="two")
    d.step(yhat + q, "addition commutes", name="swap")
    """
)


def test_a_rename_that_makes_two_symbols_look_the_same_is_warned_about(tmp_path, capsys):
    (tmp_path / "two.py").write_text(TWO_HATS)
    args = ["build", str(tmp_path / "two.py"), "--out", str(tmp_path / "out"), "--no-pdf", "--no-notes"]
    assert main([*args, "--rename", r"q=\hat{y}"]) == ExitCode.OK  # warned, not refused
    assert (
        "derive: warning: two: q is renamed to \\hat{y}, which is how yhat prints there too; "
        "the reader cannot tell them apart\n"
    ) in capsys.readouterr().err
    assert main([*args, "--rename", r"q=\tilde{y}"]) == ExitCode.OK
    assert "warning" not in capsys.readouterr().err


# -- LaTeX failures ---------------------------------------------------------------------------------------------
def test_a_latex_error_names_the_output_file_not_the_staging_folder(tmp_path, monkeypatch, capsys):
    import derive.render.pdf as pdf
    from derive.render.pdf import RenderError

    def failing(tex, out_dir):  # as compile_pdf reports it: the resolved path of the .tex it was given
        raise RenderError(f"{Path(tex).resolve()}: LaTeX failed: ! Undefined control sequence. (line 23)")

    monkeypatch.setattr(pdf, "compile_pdf", failing)
    out = tmp_path / "out"
    assert main(["build", FLAGSHIP_PATH, "--out", str(out), "--no-notes"]) == ExitCode.FAILED
    err = capsys.readouterr().err
    assert f"derive: error: {out}/iid-cross-entropy.tex: LaTeX failed: ! Undefined control sequence. (line 23)" in err
    assert ".derive-stage" not in err and "--no-pdf writes its .tex" in err


@needs_tex
def test_a_real_latex_error_names_the_output_file_and_exits_1(tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    args = ["build", FLAGSHIP_PATH, "--out", "out", "--no-notes", "--rename", r"q=\nosuchmacro"]
    assert main(args) == ExitCode.FAILED
    err = capsys.readouterr().err
    assert "derive: error: out/iid-cross-entropy.tex: LaTeX failed: ! Undefined control sequence." in err
    assert ".derive-stage" not in err


def test_build_help_documents_the_exit_code_of_a_latex_failure(capsys):
    with pytest.raises(SystemExit):
        main(["build", "--help"])
    assert "Exit code 1 when a step is refuted or short of what it declared, or when LaTeX fails" in " ".join(
        capsys.readouterr().out.split()
    )


# -- help, pipes, titles ----------------------------------------------------------------------------------------
def test_every_mutate_option_has_help(capsys):
    with pytest.raises(SystemExit):
        main(["mutate", "--help"])
    text = " ".join(capsys.readouterr().out.split())
    assert "--seed SEED seed for the random points" in text and "-j N, --jobs N mutants checked in parallel" in text


def test_a_reader_that_stops_reading_ends_derive_quietly(wrong_module):
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    proc = subprocess.Popen(
        [sys.executable, "-m", "derive", "list", str(wrong_module)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        env=env,
    )
    proc.stdout.close()  # as `derive list | head -0` does, long before derive writes anything
    err = proc.stderr.read().decode()
    assert proc.wait() == 1  # as Python itself exits on EPIPE (docs: signal, "Note on SIGPIPE")
    assert "Traceback" not in err and "BrokenPipeError" not in err and "Exception ignored" not in err


def test_the_notes_title_comes_from_the_command_line_then_pyproject(tmp_path, monkeypatch):
    (tmp_path / "mod.py").write_text(GOOD)
    (tmp_path / "pyproject.toml").write_text('[tool.derive]\ntitle = "Logarithms & products"\n')
    monkeypatch.chdir(tmp_path)
    args = ["build", "mod.py", "--out", "out", "--no-pdf"]
    assert main(args) == ExitCode.OK
    for name in ("lecture-notes.tex", "slides.tex"):
        assert r"Logarithms \& products" in (tmp_path / "out" / name).read_text()
    assert main([*args, "--title", "Week 3"]) == ExitCode.OK
    for name in ("lecture-notes.tex", "slides.tex"):
        text = (tmp_path / "out" / name).read_text()
        assert "Week 3" in text and "Logarithms" not in text


def test_an_empty_title_is_refused(capsys):
    with pytest.raises(SystemExit) as exc:
        main(["build", "--title", " ", "--no-pdf"])
    assert exc.value.code == 2 and "--title: give the title" in capsys.readouterr().err


def test_list_prints_a_title_with_math_as_plain_text(tmp_path, capsys):
    """A title's ``$...$`` math is typeset in the write-ups; the terminal shows it without the dollars."""
    module = GOOD.replace('"A wrong step"', r'"The bound $\sigma > 0$ holds"')
    assert module != GOOD
    (tmp_path / "mod.py").write_text(module)
    assert main(["list", str(tmp_path / "mod.py")]) == ExitCode.OK
    out = capsys.readouterr().out
    assert "The bound σ > 0 holds" in out and "$" not in out


def test_build_warns_about_math_that_would_break_the_compile_naming_file_and_step(tmp_path, capsys):
    """A justification's ``$...$`` with an unbalanced brace is shown as text, and the build says where it is."""
    first = re.search(r'd\.step\([^\n]*?, "([^"]*)"', GOOD)
    assert first is not None
    (tmp_path / "mod.py").write_text(GOOD.replace(f'"{first[1]}"', '"by $x}$ and more"', 1))
    out = tmp_path / "out"
    assert main(["build", str(tmp_path / "mod.py"), "--out", str(out), "--no-pdf", "--no-notes"]) == ExitCode.OK
    err = capsys.readouterr().err
    warning = next(line for line in err.splitlines() if "warning" in line and "x}" in line)
    assert "mod.py:10: step 'split' of wrong" in warning and "braces" in warning and "shown as text" in warning
