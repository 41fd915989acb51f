"""Finding and importing derivation modules."""

from __future__ import annotations

import sys

from derive.run.loader import bundled_proofs, load, module_files


def test_bundled_proofs_are_found_without_a_path():
    (item,) = [i for i in load() if i.path.name == "iid_cross_entropy.py"]
    assert item.error is None and item.derivations[0].name == "iid-cross-entropy"
    assert bundled_proofs().is_dir()


def test_modules_import_under_private_names_so_nothing_shadows_proofs(tmp_path):
    (tmp_path / "proofs.py").write_text(
        "from sympy import Symbol\nfrom derive import Context, Derivation\n"
        "a = Symbol('a')\nd = Derivation('t', Context(), start=a)\nd.step(a, 'same')\n"
    )
    (item,) = load([tmp_path / "proofs.py"])
    assert item.error is None
    assert "proofs" not in sys.modules or sys.modules["proofs"].__file__ != str(tmp_path / "proofs.py")


def test_folders_skip_private_and_test_files(tmp_path):
    for name in ("b.py", "a.py", "_helper.py", "test_x.py", "conftest.py", "notes.txt"):
        (tmp_path / name).write_text("")
    assert [p.name for p, err in module_files([tmp_path])] == ["a.py", "b.py"]


def test_an_empty_folder_is_an_error(tmp_path):
    ((path, err),) = module_files([tmp_path])
    assert err is not None and "no derivation modules" in str(err)


def test_the_module_docstring_is_the_intro(flagship):
    assert flagship.intro.startswith("Why minimising the negative log-likelihood")


def test_a_module_that_loops_on_import_is_reported_and_the_others_still_load(tmp_path, monkeypatch):
    import derive.run.loader as loader

    monkeypatch.setattr(loader, "IMPORT_TIMEOUT", 0.5)
    (tmp_path / "a_loops.py").write_text("while True:\n    pass\n")
    (tmp_path / "b_fine.py").write_text(
        "from sympy import Symbol\nfrom derive import Context, Derivation\n"
        "a = Symbol('a')\nd = Derivation('t', Context(), start=a)\nd.step(a, 'same')\n"
    )
    looping, fine = load([tmp_path])
    assert "did not finish importing within 0.5 s" in str(looping.error)
    assert fine.error is None and fine.derivations


def test_a_folder_reads_in_the_order_its_init_lists_then_by_name(tmp_path):
    from derive.run.loader import module_files

    for name in ("alpha", "beta", "gamma"):
        (tmp_path / f"{name}.py").write_text("")
    (tmp_path / "__init__.py").write_text('ORDER = ["gamma", "alpha"]\nimport this_is_never_imported\n')
    assert [p.stem for p, _ in module_files([tmp_path])] == ["gamma", "alpha", "beta"]
    (tmp_path / "__init__.py").write_text("ORDER = not a literal(\n")
    assert [p.stem for p, _ in module_files([tmp_path])] == ["alpha", "beta", "gamma"]


def test_the_bundled_library_opens_with_the_seed_000_chain():
    from derive.run.loader import bundled_proofs, module_files

    assert module_files([bundled_proofs()])[0][0].stem == "iid_cross_entropy"


def test_the_bundled_set_is_its_folder_or_a_copy_of_its_modules(tmp_path):
    import shutil

    from derive.run.loader import is_bundled

    assert is_bundled([bundled_proofs()])
    copy = shutil.copytree(bundled_proofs(), tmp_path / "proofs")  # a checkout's proofs/ beside an installed copy
    assert is_bundled([copy])
    (copy / "kl_divergence.py").write_text((copy / "kl_divergence.py").read_text() + "\n# changed\n")
    assert not is_bundled([copy])
    assert not is_bundled([bundled_proofs() / "kl_divergence.py"]) and not is_bundled([bundled_proofs(), copy])


def test_a_step_error_names_the_line_and_step_once(tmp_path):
    path = tmp_path / "bad.py"
    path.write_text(
        "from sympy import Symbol\nfrom derive import Context, Derivation\n"
        "a = Symbol('a')\nd = Derivation('t', Context(), start=a)\nd.step(a, 'same', by='no_such_rule')\n"
    )
    (item,) = load([path])
    message = str(item.error)
    assert message.startswith(f"{path}: failed to import: line 5: ModelError: step 1: unknown rule 'no_such_rule'")
    assert message.count(str(path)) == 1


def test_loading_a_module_keeps_an_outer_alarm_timer_running(tmp_path):
    """The import time limit arms SIGALRM; a caller's own timer (pytest-timeout's, a deadline) must go on after it
    with the time it had left, not be cancelled."""
    import signal

    from derive.run.loader import load_module

    module = tmp_path / "mod.py"
    module.write_text(
        "from derive import Context, Derivation\nimport sympy as sp\nx = sp.Symbol('x')\n"
        "d = Derivation('t', Context(), start=x)\n"
    )
    fired = []
    previous = signal.signal(signal.SIGALRM, lambda *_: fired.append(True))
    try:
        signal.setitimer(signal.ITIMER_REAL, 50.0)
        load_module(module)
        left, _ = signal.getitimer(signal.ITIMER_REAL)
        assert 0 < left <= 50.0
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)
    assert not fired


def test_a_load_error_names_the_line_when_the_module_is_given_by_a_relative_path(tmp_path, monkeypatch):
    """``derive check broken.py``: the traceback names the file as imported (absolute), the user typed it relative."""
    from pathlib import Path

    from derive.run.loader import load_module

    (tmp_path / "broken.py").write_text("x = 1\nraise ValueError('boom')\n")
    monkeypatch.chdir(tmp_path)
    loaded = load_module(Path("broken.py"))
    assert loaded.error is not None and "line 2: ValueError: boom" in str(loaded.error)


UNBOUND = """\
from sympy import Symbol, exp
from sympy import Sum as total

from derive import Context, Derivation

x = Symbol("x", real=True)
d = Derivation("First", Context(), start=exp(x) * exp(x))
d.step(exp(x**2), "a wrong law of exponents", name="slip")
d = Derivation("Second", Context(), start=exp(x) * exp(x))
d.step(exp(2 * x), "the law of exponents")
total = Derivation("Third", Context(), start=exp(x) * exp(x))
total.step(exp(2 * x), "the law of exponents")
kept = [Derivation("Fourth", Context(), start=exp(x) * exp(x))]
kept[0].step(exp(2 * x), "the law of exponents")
"""


def test_a_derivation_not_bound_to_a_module_level_name_is_still_checked(tmp_path, capsys):
    """A name bound twice, a name an import binds too, a list: each derivation the module makes is checked, so a
    refuted step can never hide in one the loader would not see."""
    from derive.entry.cli import ExitCode, main

    (tmp_path / "unbound.py").write_text(UNBOUND)
    (loaded,) = load([tmp_path / "unbound.py"])
    assert loaded.error is None
    assert sorted(d.name for d in loaded.derivations) == ["first", "fourth", "second", "third"]
    assert main(["check", str(tmp_path / "unbound.py")]) == ExitCode.FAILED
    assert "step 1 (slip) is refuted" in capsys.readouterr().out


def test_a_derivation_imported_from_another_module_is_that_modules_not_this_ones(tmp_path):
    (tmp_path / "lemma.py").write_text(
        UNBOUND.split("d = Derivation")[0] + 'lemma = Derivation("Lemma", Context(), '
        'start=exp(x) * exp(x))\nlemma.step(exp(2 * x), "the law of exponents")\n'
    )
    (tmp_path / "user.py").write_text(
        f"import sys\nsys.path.insert(0, {str(tmp_path)!r})\nfrom lemma import lemma\n"
        + UNBOUND.split("d = Derivation")[0]
        + 'user = Derivation("User", Context(), start=exp(x) * exp(x))\n'
        'user.step(exp(2 * x), "the law of exponents")\n'
    )
    (loaded,) = load([tmp_path / "user.py"])
    assert [d.name for d in loaded.derivations] == ["user"]


def test_a_module_that_calls_sys_exit_is_a_load_error_not_a_silent_pass(tmp_path, capsys):
    from derive.entry.cli import ExitCode, main

    (tmp_path / "exits.py").write_text("import sys\n\nsys.exit()\n")
    (loaded,) = load([tmp_path / "exits.py"])
    assert "exits.py: called sys.exit(None) while being imported" in str(loaded.error)
    assert main(["check", str(tmp_path)]) == ExitCode.BAD_INPUT


def test_a_derivation_with_no_steps_is_a_load_error_naming_it(tmp_path):
    (tmp_path / "empty.py").write_text(
        UNBOUND.split("d = Derivation")[0] + 'd = Derivation("Not yet", Context(), start=exp(x))\n'
    )
    (loaded,) = load([tmp_path / "empty.py"])
    assert "empty.py: derivation 'not-yet' has no steps (nothing to check or show)" in str(loaded.error)
