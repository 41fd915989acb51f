"""The command line: exit codes, the table, the JSON shape, and errors that name the file and step."""

from __future__ import annotations

import json
import re
import textwrap

import pytest

from derive.cli import ExitCode, main
from derive.loader import bundled_proofs

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
    assert main(["check"]) == ExitCode.OK
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
    assert "has no step 'nope'" in capsys.readouterr().err


def test_missing_path_exits_2(tmp_path, capsys):
    assert main(["check", str(tmp_path / "absent.py")]) == ExitCode.BAD_INPUT
    assert "absent.py: no such file or folder" in capsys.readouterr().err


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
    assert main(["build", "--out", str(out), "--no-pdf"]) == ExitCode.OK
    names = sorted(p.name for p in out.iterdir() if not p.name.startswith("."))
    for suffix in ("-fragment.tex", ".json", ".md", ".tex"):
        assert f"iid-cross-entropy{suffix}" in names and f"kl-divergence{suffix}" in names
    assert "lecture-notes.tex" in names and "slides.tex" in names  # and, with --no-pdf, no PDF of them
    names = [n for n in names if n not in ("lecture-notes.tex", "slides.tex")]
    assert len(names) == 4 * len({n.split(".")[0].removesuffix("-fragment") for n in names})
    first = {p.name: p.read_bytes() for p in out.iterdir() if not p.name.startswith(".")}
    assert main(["build", "--out", str(out), "--no-pdf"]) == ExitCode.OK
    assert {p.name: p.read_bytes() for p in out.iterdir() if not p.name.startswith(".")} == first  # byte for byte


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
    assert main(["build", "--out", str(out), "--no-pdf"]) == ExitCode.OK

    def broken(tex, out_dir):
        raise RenderError(f"{tex}: LaTeX failed")

    monkeypatch.setattr(pdf, "compile_pdf", broken)
    assert main(["build", "--out", str(out)]) == ExitCode.FAILED
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
