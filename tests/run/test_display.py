"""Display forms (derive.run.display): every line of the bundled library is shown as written, and what is shown
is, once evaluated, exactly what was checked; anything else falls back to the checked expression."""

from __future__ import annotations

import sys
import textwrap

import pytest
import sympy as sp

from derive.render import chain
from derive.render.printer import to_latex
from derive.run import display, loader
from derive.run.display import faithful, rebuild, shown


@pytest.fixture(scope="module")
def library():
    loaded = loader.load()
    assert all(m.error is None for m in loaded), [str(m.error) for m in loaded if m.error]
    return [d for m in loaded for d in m.derivations]


def _lines(derivation, forms):
    """(what, display form, checked form) for every expression the chain prints."""
    out = [("start", forms.start, derivation.start), ("subject", forms.subject, derivation.subject)]
    for d in derivation.context.definitions:
        (lhs, rhs) = forms.definition(d)
        out += [(f"definition {d.name}", lhs, d.lhs), (f"definition {d.name}", rhs, d.rhs)]
    for step in derivation.steps:  # a reference's formula too, which derive.render.code may show
        mine = forms.step(step)
        out += [(f"{step.name}.expr", mine.expr, step.expr), (f"{step.name}.lhs", mine.lhs, step.lhs)]
        out += [(f"{step.name}.claim_lhs", mine.claim_lhs, step.claim_lhs)]
        for (dk, dv), (ck, cv) in zip(mine.values, step.values, strict=True):
            out += [(f"{step.name}.values", dk, ck), (f"{step.name}.values", dv, cv)]
    return out


def _evaluated(expr: sp.Basic) -> sp.Basic:
    """``expr`` rebuilt bottom-up with evaluation on, with nothing kept unevaluated (independent of display.py)."""
    if not isinstance(expr, sp.Basic) or not (expr.args or isinstance(expr, sp.Function)):
        return expr
    return expr.func(*[_evaluated(a) for a in expr.args])


def test_every_line_of_the_bundled_library_has_a_display_form(library):
    missing = {}
    for d in library:
        forms = shown(d)
        if not forms.written or forms.fallbacks:
            missing[d.name] = forms.fallbacks if forms.written else "the module did not run under evaluate(False)"
    assert not missing, f"lines shown as checked, not as written: {missing}"


def test_every_display_form_rebuilds_to_the_checked_expression(library):
    wrong, differ = [], 0
    for d in library:
        for what, written, checked in _lines(d, shown(d)):
            if rebuild(written, checked) != checked:
                wrong.append(f"{d.name}: {what}")
            differ += sp.srepr(written) != sp.srepr(checked)
    assert not wrong
    assert differ > 100  # the display forms are the author's, not copies of the checked ones


def test_display_forms_of_fully_evaluated_lines_evaluate_to_them(library):
    """Where the checked expression is fully evaluated (the author built nothing unevaluated), plain bottom-up
    evaluation of the display form, with none of rebuild's exceptions, gives it too (up to the classes a second
    run makes again, which compare by name)."""
    checked_lines = 0
    for d in library:
        for what, written, checked in _lines(d, shown(d)):
            if _evaluated(checked) != checked or written is checked:
                continue
            checked_lines += 1
            assert sp.srepr(_evaluated(written)) == sp.srepr(checked), f"{d.name}: {what}"
    assert checked_lines > 200


def test_the_throw_away_module_leaves_nothing_behind(library):
    assert not [name for name in sys.modules if name.startswith("_derive_display_")]
    for found in loader.LOADED.values():
        assert all(not d.source or "_derive_display_" not in d.source for d in found)
    assert sp.core.parameters.global_parameters.evaluate  # evaluation is on again


def _module(tmp_path, body: str):
    path = tmp_path / "mod.py"
    head = """
        from sympy import Symbol
        from sympy.core.parameters import global_parameters
        from derive import Context, Derivation
        ctx = Context()
        x, y = Symbol("x", positive=True), Symbol("y", positive=True)
        d = Derivation("D", ctx, start=x + y, name="d")
    """
    path.write_text(textwrap.dedent(head) + textwrap.dedent(body), encoding="utf-8")
    loaded = loader.load_module(path)
    assert loaded.error is None, loaded.error
    return loaded.derivations[0]


def test_a_display_form_that_is_not_the_checked_expression_falls_back(tmp_path):
    d = _module(tmp_path, 'd.step(y + x if global_parameters.evaluate else y + 2*x, "as checked", name="s")\n')
    forms = shown(d)
    assert forms.written and forms.fallbacks == ("s.expr",)
    assert forms.step(d.steps[0]).expr is d.steps[0].expr
    assert not faithful(display._written(d.source)["d"].steps[0].expr, d.steps[0].expr)
    line = chain.build(d).lines[0]
    assert line.lhs == "x + y"  # the start, which rebuilds, as written (x + y)
    assert line.rhs == "x + y"  # the checked expression, as SymPy orders it: not y + 2 x


def test_a_module_that_fails_without_evaluation_shows_the_checked_forms_of_what_it_did_not_build(tmp_path):
    body = """
        if not global_parameters.evaluate:
            raise RuntimeError("only with evaluation")
        d.step(y + x, "commute", name="s")
    """
    d = _module(tmp_path, body)
    forms = shown(d)
    assert forms.written and forms.fallbacks == ("s.expr", "s.lhs", "s.claim_lhs")  # d was built, s was not
    assert chain.build(d).lines[0].rhs == "x + y"


def test_a_derivation_without_a_source_shows_the_checked_forms(tmp_path):
    d = _module(tmp_path, 'd.step(y + x, "commute", name="s")\n')
    assert chain.build(d).lines[0].rhs == "y + x"  # as written
    d.source = ""
    assert chain.build(d).lines[0].rhs == "x + y"


def test_the_second_run_is_cached_until_the_file_changes(tmp_path):
    d = _module(tmp_path, 'd.step(y + x, "commute", name="s")\n')
    first = display._written(d.source)
    assert display._written(d.source) is first
    path = tmp_path / "mod.py"
    path.write_text(path.read_text() + "# edited\n", encoding="utf-8")
    assert display._written(d.source) is not first


def test_a_module_that_exits_or_loops_without_evaluation_stops_nothing(tmp_path, monkeypatch):
    stop = 'd.step(y + x, "commute", name="s")\nif not global_parameters.evaluate:\n    raise SystemExit\n'
    d = _module(tmp_path, stop)
    assert shown(d).written  # its derivation is used as far as it got
    monkeypatch.setattr(display, "DISPLAY_TIMEOUT", 0.5)
    loop = 'd.step(y + x, "commute", name="s")\nwhile not global_parameters.evaluate:\n    pass\n'
    d = _module(tmp_path, loop)
    assert display._written(d.source) == {}  # stopped after half a second: shown as checked


def test_a_look_alike_class_is_printed_as_the_checked_one(tmp_path, monkeypatch):
    """A helper that numbers its constants by a counter gives c_2 in the second run where the checker saw c_1."""
    helper = """
        import itertools
        import sympy as sp
        _counter = itertools.count(1)
        def fresh():
            tex = f"c_{{{next(_counter)}}}"
            class Const(sp.Function):
                nargs = 0
                def _latex(self, printer, exp=None):
                    return tex
            return Const()
    """
    (tmp_path / "consts_h.py").write_text(textwrap.dedent(helper), encoding="utf-8")
    monkeypatch.syspath_prepend(str(tmp_path))
    monkeypatch.delitem(sys.modules, "consts_h", raising=False)
    d = _module(tmp_path, 'from consts_h import fresh\nc = fresh()\nd.step(x + c, "as is", name="s")\n')
    assert "c_{1}" in to_latex(d.steps[0].expr)
    assert display._written(d.source)["d"].steps[0].expr.has(sp.Function)  # the second run made c_2
    lines = chain.build(d).lines
    assert "c_{2}" not in lines[0].rhs and "c_{1}" in lines[0].rhs


def test_two_look_alike_classes_in_the_checked_expression_are_each_only_themselves():
    def const(tex):
        class Const(sp.Function):
            nargs = 0

            def _latex(self, printer, exp=None):
                return tex

        return Const()

    c1, c2, c3 = const("c_1"), const("c_2"), const("c_3")
    assert faithful(c1 + c2, c1 + c2)
    assert not faithful(c3 + c2, c1 + c2)
    x = sp.Symbol("x")
    assert to_latex(display.as_checked(x + c2, x + c1)) == "x + c_1"  # one look-alike: printed as the checked one


def test_a_name_that_cancels_out_was_not_checked_and_falls_back(tmp_path):
    x, k = sp.symbols("x k")
    with sp.core.parameters.evaluate(False):
        cancelling = k * x - x * k
        numbers = sp.Rational(673360, 7) * x - x * sp.Rational(673360, 7)
        halves = x / 2
    assert not faithful(cancelling, sp.S.Zero) and not faithful(numbers, sp.S.Zero)
    assert faithful(halves, x / 2)
    d = _module(tmp_path, 'k = Symbol("k")\nd.step(k*x - x*k + y, "cancel", name="s")\n')
    assert shown(d).fallbacks == ("s.expr",)
    assert "k" not in chain.build(d).lines[0].rhs


def test_the_second_run_is_silent_checks_nothing_and_says_when_it_is_too_slow(tmp_path, monkeypatch, capsys):
    calls = []
    monkeypatch.setitem(display.hooks._PROVIDERS, "check", lambda *a, **k: calls.append(1))
    body = 'print("SIDE EFFECT")\nd.step(y + x, "commute", name="s")\nd.check()\n'
    d = _module(tmp_path, body)
    capsys.readouterr()
    calls.clear()
    assert shown(d).written and not shown(d).fallbacks
    assert calls == []  # d.check() did nothing in the second run
    assert "SIDE EFFECT" not in capsys.readouterr().out
    monkeypatch.setattr(display, "DISPLAY_TIMEOUT", 0.5)
    d = _module(tmp_path, 'd.step(y + x, "commute", name="s")\nwhile not global_parameters.evaluate:\n    pass\n')
    assert display._written(d.source) == {}
    err = capsys.readouterr().err
    assert "derive: note: " in err and "mod.py: shown as checked (SymPy's order)" in err and "over 0.5 s" in err
    display._written(d.source)
    assert capsys.readouterr().err == ""  # once per module


def test_the_second_run_leaves_a_context_shared_through_a_helper_module_as_checked(tmp_path, monkeypatch):
    """Found by review: a context made in the lecturer's helper module is not made anew by the second run, which
    declared on it again (an unevaluated bound, a note twice): the Assumptions list then stated what the checker never
    used. The checked derivation's context is restored after the run."""
    from derive.render import base

    (tmp_path / "common_ctx.py").write_text(
        "from sympy import Symbol\nfrom derive import Context\nctx = Context()\nK = ctx.size('K')\n"
        "m = Symbol('m', real=True)\n"
    )
    (tmp_path / "runs_counter.py").write_text("RUNS = [0]\n")
    (tmp_path / "uses.py").write_text(
        "from sympy import Symbol\nfrom derive import Derivation\nimport runs_counter\n"
        "from common_ctx import ctx, K, m\n"
        "runs_counter.RUNS[0] += 1\n"
        "i = Symbol('i', integer=True)\n"
        "z = ctx.real('z', index=(1, K), upper=m if runs_counter.RUNS[0] == 1 else m - 1)\n"
        "ctx.assume('the logits are bounded')\n"
        "d = Derivation('Bounded', ctx, start=z[i], name='bounded')\n"
        "d.step(m, 'every z_i is at most m', relation='<=', name='bound')\n"
    )
    monkeypatch.syspath_prepend(str(tmp_path))
    for name in ("common_ctx", "runs_counter"):
        sys.modules.pop(name, None)
    loaded = loader.load_module(tmp_path / "uses.py")
    assert loaded.error is None, loaded.error
    (d,) = loaded.derivations
    before = base.assumptions(d)
    shown(d)
    after = base.assumptions(d)
    assert after == before
    assert any("m" in a for a in after) and not any("m - 1" in a for a in after)
    assert sum("bounded" in note for note in d.context.notes) == 1
