"""derive.render.style: the reader's symbol names, \\log or \\ln, and a log base where the derivation allows it."""

from __future__ import annotations

import pytest
import sympy as sp

from derive.render.latex import render_document, render_fragment
from derive.render.markdown import render_markdown
from derive.render.style import Notation, NotationError, base_free, rename_math, using
from derive.run.loader import bundled_proofs, load_module

HAT_Y = Notation(symbols={"q": r"\hat{y}"}, log="ln")


def test_renamed_symbols_and_ln_reach_formulas_definitions_and_prose(derivation, results):
    tex = render_fragment(derivation, results, notation=HAT_Y)
    assert r"\sum_{i=1}^{K} p_{i} \ln \hat{y}_{i}" in tex
    assert r"q_{i}" not in tex.split(r"\paragraph{The code")[0]  # the chain, definitions and prose are renamed
    assert r"{\hat{y}}_i = p(i \mid \theta)" in tex  # the definition's hand-written LaTeX
    assert r"write ${\hat{y}}_{i}$ for" in tex  # the math in a justification
    assert r"\log" not in tex.split(r"\paragraph{The code")[0]


def test_the_code_keeps_its_own_names(derivation, results):
    tex = render_fragment(derivation, results, notation=HAT_Y)
    code = tex.split(r"\paragraph{The code, and the formula it computes.}")[1]
    assert r"\mathrm{average\_nll}(q, x)" in code  # latexify's rendering of the function: its names, untouched
    assert r"$\mathtt{q[i]}$ is $\hat{y}_{i + 1}$" in code


def test_the_default_notation_changes_nothing(derivation, results):
    assert render_fragment(derivation, results, notation=Notation()) == render_fragment(derivation, results)
    assert render_markdown(derivation, results, notation=None) == render_markdown(derivation, results)


def test_markdown_takes_the_notation_too(derivation, results):
    md = render_markdown(derivation, results, notation=HAT_Y)
    assert r"\ln \hat{y}_{i}" in md and r"\log q_{i}" not in md


def test_the_notation_is_only_in_force_during_the_call(derivation, results):
    before = render_fragment(derivation, results)
    render_document(derivation, results, notation=HAT_Y)
    assert render_fragment(derivation, results) == before


def _bundled(module: str, name: str):
    return next(d for d in load_module(bundled_proofs() / module).derivations if d.name == name)


def test_a_base_applies_only_where_every_step_holds_in_any_base():
    assert base_free(_bundled("kl_divergence.py", "kl-divergence")) is False  # it ships code calling math.log
    assert base_free(_bundled("entropy_in_bits.py", "bits-and-nats")) is False  # it divides by log 2
    assert base_free(_bundled("bernoulli_likelihood.py", "bernoulli-concave")) is False  # a derivative
    assert base_free(_bundled("softmax_one_hot.py", "one-hot-likelihood")) is True
    assert base_free(_bundled("batch_cross_entropy.py", "product-cross-entropy")) is True


def test_a_base_is_printed_and_stated_for_a_base_free_derivation():
    from derive.run.check import check_derivation

    d = _bundled("batch_cross_entropy.py", "product-cross-entropy")
    results = check_derivation(d).results
    tex = render_fragment(d, results, notation=Notation(base=2))
    assert r"\log_{2}" in tex and "Logarithms are to base 2; every step holds in any base." in tex
    kl = _bundled("kl_divergence.py", "kl-divergence")
    kl_tex = render_fragment(kl, check_derivation(kl).results, notation=Notation(base=2))
    assert r"\log_{2}" not in kl_tex and "base 2" not in kl_tex  # not base-free: natural logs, and said nowhere


def test_rename_matches_whole_names_only_and_spares_code():
    with using(Notation(symbols={"p": "P", "yhat": r"\tilde{y}"})):
        assert rename_math(r"p_i \log p_{i} + \exp(p) + \mathtt{p[i]} + \hat{y} + yhat") == (
            r"{P}_i \log {P}_{i} + \exp({P}) + \mathtt{p[i]} + {\tilde{y}} + {\tilde{y}}"
        )


@pytest.mark.parametrize(
    ("settings", "message"),
    [
        ({"log": "lg"}, "log must be one of log, ln"),
        ({"base": 1}, "base must be an integer of 2 or more"),
        ({"symbols": {"q[i]": "x"}}, "cannot rename 'q[i]'"),
    ],
)
def test_bad_settings_are_refused_with_what_to_do(settings, message):
    with pytest.raises(NotationError, match=message.replace("[", r"\[").replace("]", r"\]")):
        Notation(**settings)


def test_from_pyproject_config_and_unknown_keys():
    n = Notation.from_config({"symbols": {"q": r"\hat{y}"}, "log": "ln", "base": 2})
    assert (n.symbols, n.log, n.base) == ({"q": r"\hat{y}"}, "ln", 2)
    with pytest.raises(NotationError, match="unknown key 'logs'"):
        Notation.from_config({"logs": "ln"})


@pytest.mark.parametrize(
    ("tex", "problem"),
    [
        (r"\hat{y}", None),
        (r"\hat{y}_{1}", None),
        (r"\{y\}", None),  # literal braces
        (r"y\%", None),
        (r"\hat{y", "its braces do not balance (a '{' is never closed)"),
        (r"y}{", "its braces do not balance (a '}' closes nothing)"),
        ("$y$", r"an unescaped '$' would break the formula (write \$ for the character itself)"),
        ("y % note", "an unescaped '%'"),
        ("y\\", "it ends in a lone backslash"),
    ],
)
def test_latex_problem_finds_what_would_break_the_formula(tex, problem):
    from derive.render.style import latex_problem

    found = latex_problem(tex)
    assert found == problem if problem is None else found is not None and found.startswith(problem)


def test_unbalanced_braces_are_refused_naming_the_symbol_and_the_key():
    with pytest.raises(NotationError, match=r"cannot rename 'q' to '\\hat\{y': its braces do not balance"):
        Notation(symbols={"q": r"\hat{y"})
    with pytest.raises(NotationError, match=r"\[tool.derive.notation\] symbols: q = '\\hat\{y': its braces"):
        Notation.from_config({"symbols": {"q": r"\hat{y"}})


def test_the_names_a_notation_can_rename_are_the_derivations_symbols(derivation):
    from derive.render.style import symbol_names

    assert symbol_names(derivation) == {"K", "N", "i", "k", "n", "p", "q", "theta", "x"}
    pair = _bundled("batch_cross_entropy.py", "product-cross-entropy")
    assert "p" in symbol_names(pair) and r"p \otimes r" not in symbol_names(pair)  # not a name one can rename


def test_a_rename_to_how_another_symbol_prints_is_a_clash():
    from derive.render.style import clashes

    bce = _bundled("bernoulli_likelihood.py", "binary-cross-entropy")  # has both q and yhat
    assert clashes(Notation(symbols={"q": r"\hat{y}"}), bce) == [("q", "yhat", r"\hat{y}")]
    assert clashes(Notation(symbols={"q": r"\hat y"}), bce) == [("q", "yhat", r"\hat y")]  # looks the same
    assert clashes(Notation(symbols={"q": r"\tilde{y}"}), bce) == []
    assert clashes(Notation(symbols={"q": "Q", "p": "Q"}), bce) == [("p", "q", "Q")]  # two renamed alike
    assert clashes(Notation(symbols={"q": r"\hat{y}", "yhat": "z"}), bce) == []  # yhat no longer prints so


# -- renaming functions and operators (Normal → \mathcal{N}, KL → D_{KL}) ---------------------------------------
FUNCTIONS = """
from sympy import Function, Symbol
from derive import Context, Derivation
from derive.notation import KLDivergence, conditional

ctx = Context()
mu, s, a, b = (Symbol(name, positive=True) for name in ("mu", "s", "a", "b"))
theta = Symbol("theta")
Normal = Function("Normal")
P = conditional("p", given=theta)
density = Derivation("A density", ctx, start=Normal(mu, s), name="density")
density.step(Normal(mu, s), "nothing changes", name="same")
divergence = Derivation("A divergence", ctx, start=KLDivergence(a, b), name="divergence")
divergence.step(KLDivergence(a, b), "nothing changes", name="same")
"""


def _functions(tmp_path):
    path = tmp_path / "functions.py"
    path.write_text(FUNCTIONS, encoding="utf-8")
    loaded = load_module(path)
    assert loaded.error is None, loaded.error
    return path, loaded.derivations


def test_functions_and_operators_are_names_a_notation_can_rename(tmp_path):
    from derive.notation import KLDivergence, conditional
    from derive.render.style import head_name, renameable_names, symbol_names

    _, (density, divergence) = _functions(tmp_path)
    assert "Normal" in renameable_names(density) and "Normal" not in symbol_names(density)
    assert "KL" in renameable_names(divergence) and "KL" not in symbol_names(divergence)
    assert head_name(KLDivergence) == "KL"
    assert head_name(conditional("p", given=1)) is None  # a factory's name is the module's choice, often a symbol too


def test_the_printer_renames_function_and_operator_heads():
    import sympy as sp

    from derive.notation import CrossEntropy, KLDivergence, conditional
    from derive.render.printer import to_latex

    p, q = sp.symbols("p q")
    normal, given = sp.Function("Normal"), conditional("p", given=sp.Symbol("theta"))
    renames = {"Normal": r"\mathcal{N}", "KL": r"D_{\mathrm{KL}}^{*}", "H": r"\mathbb{H}", "p": r"\hat{p}"}
    with using(Notation(symbols=renames)):
        assert to_latex(normal(p, q)) == r"\mathcal{N}(\hat{p}, q)"
        assert to_latex(KLDivergence(p, q) ** 2) == r"D_{\mathrm{KL}}^{*}\left(\hat{p} \,\|\, q\right)^{2}"
        assert to_latex(CrossEntropy(p, q)) == r"\mathbb{H}(\hat{p}, q)"
        assert to_latex(given(1)) == r"p(1 \mid \theta)"  # not the symbol p's new name
        # in hand-written math the typeset operator is left alone, the bare name is renamed
        typed = rename_math(r"D_{\mathrm{KL}}(p \| q) = KL")
        assert typed == r"D_{\mathrm{KL}}({\hat{p}} \| q) = {D_{\mathrm{KL}}^{*}}"
    assert to_latex(normal(p, q)) == r"\operatorname{Normal}(p, q)"


def test_derive_build_renames_functions_and_operators(tmp_path, capsys):
    from derive.entry.cli import main

    path, _ = _functions(tmp_path)
    out = tmp_path / "out"
    renames = ["--rename", r"Normal=\mathcal{N}", "--rename", r"KL=\operatorname{KL}"]
    assert main(["build", str(path), "--out", str(out), "--no-pdf", "--no-notes", *renames]) == 0
    density = (out / "density-fragment.tex").read_text(encoding="utf-8")
    assert r"\mathcal{N}(\mu, s)" in density and "Normal" not in density
    divergence = (out / "divergence-fragment.tex").read_text(encoding="utf-8")
    assert r"\operatorname{KL}\left(a \,\|\, b\right)" in divergence and r"D_{\mathrm{KL}}" not in divergence


def test_a_pyproject_renames_functions_too(tmp_path, monkeypatch, capsys):
    from derive.entry.cli import main

    path, _ = _functions(tmp_path)
    (tmp_path / "pyproject.toml").write_text("[tool.derive.notation]\nsymbols = { Normal = '\\mathcal{N}' }\n")
    monkeypatch.chdir(tmp_path)
    assert main(["build", path.name, "--out", "out", "--no-pdf", "--no-notes"]) == 0
    assert r"\mathcal{N}(\mu, s)" in (tmp_path / "out" / "density-fragment.tex").read_text(encoding="utf-8")
    assert "warning" not in capsys.readouterr().err


def test_a_rename_onto_a_function_or_symbol_is_a_clash_whatever_the_kinds():
    from derive import Context, Derivation
    from derive.render.style import clashes

    t = sp.Symbol("x")
    f, g = sp.Function("f"), sp.Function("g")
    d = Derivation("F", Context(), start=f(t) - g(t), name="fg")
    assert clashes(Notation(symbols={"f": "g"}), d) == [("f", "g", "g")]  # f(x) - g(x) would read g(x) - g(x)
    assert clashes(Notation(symbols={"f": "x"}), d) == [("f", "x", "x")]
    assert clashes(Notation(symbols={"g": "h"}), d) == []


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        (r"\text{for a fixed } a", r"\text{for a fixed } {\alpha}"),  # text stays text (it broke the compile)
        (r"\textrm{a} + \mbox{a}", r"\textrm{a} + \mbox{a}"),
        (r"\mathbb{E}\left[X\right] = E", r"\mathbb{E}\left[X\right] = {\mathcal{E}}"),  # the expectation's E
        (r"\mathbb E[a]", r"\mathbb E[{\alpha}]"),
        (r"\mathcal{E} + \operatorname{E}", r"\mathcal{E} + \operatorname{E}"),
        (r"e^{x} + e", r"e^{x} + {\varepsilon}"),  # Euler's number, then the symbol e
        (r"\frac{d}{d x} f + d", r"\frac{d}{d x} f + {\delta}"),  # the derivative's d, then the symbol d
        (r"\frac{d^{2}}{d x^{2}} f", r"\frac{d^{2}}{d x^{2}} f"),
        (r"\int f \, d x", r"\int f \, d x"),
        (r"\alpha + \label{a}", r"\alpha + \label{a}"),
    ],
)
def test_rename_leaves_text_fonts_and_constants_of_hand_written_math_alone(typed, expected):
    renames = {"a": r"\alpha", "E": r"\mathcal{E}", "e": r"\varepsilon", "d": r"\delta"}
    with using(Notation(symbols=renames)):
        assert rename_math(typed) == expected


@pytest.mark.parametrize("tex", ["b + c", "-b", "2", "a = b", "x, y"])
def test_a_rename_must_stand_for_one_symbol(tex):
    """Found by review: ``--rename 'a=b + c'`` printed ``2 b + c`` where ``2 (b + c)`` was checked."""
    with pytest.raises(NotationError, match="cannot rename 'a'"):
        Notation({"a": tex})
    with pytest.raises(NotationError, match="symbols: a"):
        Notation.from_config({"symbols": {"a": tex}})


@pytest.mark.parametrize("tex", [r"\hat{y}", r"q_{i}", r"\mathcal{N}", r"D_{\mathrm{KL}}", r"x^{-1}", r"\sigma^{2}"])
def test_one_symbol_however_decorated_is_a_rename(tex):
    assert Notation({"a": tex}).symbols == {"a": tex}
