"""The LaTeX fragment and standalone document of :mod:`derive.render.latex`."""

from __future__ import annotations

import re

import pytest
import sympy as sp

from derive.core.context import Context
from derive.core.evidence import Evidence, StepResult
from derive.core.model import Derivation, Kind
from derive.render.latex import render_document, render_fragment


def _line(tex: str, step_name: str) -> str:
    """The align row that carries ``\\label{iid-cross-entropy:<step_name>}``."""
    (row,) = [r for r in tex.splitlines() if rf"\label{{iid-cross-entropy:{step_name}}}" in r]
    return row


def test_one_label_per_step_prefixed_by_the_derivation(derivation, results):
    tex = render_fragment(derivation, results)
    labels = re.findall(r"\\label\{([^}]*)\}", tex)
    chain = [s for s in derivation.steps if s.kind is not Kind.REFERENCE]  # the code is not a line of the chain
    assert labels == [f"iid-cross-entropy:{s.name}" for s in chain]
    assert len(set(labels)) == len(labels)
    assert tex.count(r"\eqref{iid-cross-entropy:") == len(chain)  # the list of checks refers to each


def test_one_align_with_the_opening_line_unnumbered(derivation, results):
    tex = render_fragment(derivation, results)
    assert tex.count(r"\begin{align}") == 1 and tex.count(r"\end{align}") == 1
    assert r"L(\theta) &= p(x_{1}, \ldots, x_{N} \mid \theta) \notag" in tex


def test_chain_lines_and_transformed_left_sides(derivation, results):
    tex = render_fragment(derivation, results)
    assert _line(tex, "name-q").startswith(r" &= \prod_{k=1}^{N} q_{x_{k}} && ")
    assert _line(tex, "take-logs").startswith(r"\log L(\theta) &= N \sum_{i=1}^{K} p_{i} \log q_{i} && ")
    assert _line(tex, "divide-by-n").startswith(r"\frac{1}{N} \log L(\theta) &= \sum_{i=1}^{K} p_{i} \log q_{i}")
    assert "taking logs: the log of a product is the sum of the logs" in _line(tex, "take-logs")


def test_assumptions_and_definitions_stated_once_before_the_chain(derivation, results):
    tex = render_fragment(derivation, results)
    head = tex[: tex.index(r"\begin{align}")]
    assert r"$N \ge 1$ and $K \ge 1$ are integers." in head
    assert r"is an integer with $1 \le x_{k} \le K$" in head
    assert r"$q_{i} > 0$ for $1 \le i \le K$, and $\sum_{i=1}^{K} q_{i} = 1$." in head
    assert r"\item $n_i = \sum_{k=1}^{N} [x_k = i]$" in head
    assert tex.count(r"H(p, q) = -\sum_{i=1}^{K} p_i \log q_i") == 1


def test_assumed_step_is_never_marked_proved(derivation, results):
    results[0] = StepResult(Evidence.PROVED)  # even if a checker said so, an assumption stays an assumption
    row = _line(render_fragment(derivation, results), "iid")
    assert r"$\dagger$" in row and r"\checkmark" not in row
    assert r"\emph{assumption:}" in row


def test_example_is_intertext_and_an_evaluated_line(derivation, results):
    tex = render_fragment(derivation, results)
    assert r"\intertext{For example, for the training set [2, 2, 1]:}" in tex
    evaluated = r"\left. \prod_{k=1}^{N} p(x_{k} \mid \theta) \right|"
    assert evaluated + r"_{N = 3,\ K = 2,\ x_{1} = 2,\ x_{2} = 2,\ x_{3} = 1}" in tex
    assert _line(tex, "worked-example").startswith(r"&= p(1 \mid \theta) p(2 \mid \theta)^{2} && ")


def test_prose_goes_in_intertext_before_its_line(derivation, results):
    step = derivation.steps[2]
    derivation.steps[2] = type(step)(**{**step.__dict__, "prose": "Now name the model's probabilities."})
    tex = render_fragment(derivation, results)
    assert "\\intertext{Now name the model's probabilities.}\n &= \\prod_{k=1}^{N} q_{x_{k}}" in tex


def test_traces_name_rules_and_assumptions(derivation, results):
    tex = render_fragment(derivation, results)
    checks = tex[tex.index(r"\end{align}") :]
    # rule names break after their underscores (a long one ran past the margin)
    assert r"\texttt{log\_\allowbreak{}prod} [$q_{i} > 0$]" in checks
    assert r"\texttt{sum\_\allowbreak{}kronecker\_\allowbreak{}delta} [$x_{k}$ integer, $1 \le x_{k} \le K$]" in checks
    (item,) = [s for s in checks.splitlines() if r"\eqref{iid-cross-entropy:take-logs}" in s]
    assert r"$\checkmark$ \emph{proved} by \texttt{log\_\allowbreak{}prod} [$q_{i} > 0$]" in item


def test_legend_explains_exactly_the_marks_used(derivation, results):
    legend = render_fragment(derivation, results).split(r"\paragraph{Marks.}")[1]
    assert r"$\checkmark$~proved for every size" in legend
    assert r"$\dagger$~a modelling assumption" in legend
    assert r"\approx" not in legend and r"\times" not in legend


def test_every_evidence_level_has_its_mark(derivation, mixed_results):
    tex = render_fragment(derivation, mixed_results)
    assert r"{$\checkmark_{\le 3}$}" in _line(tex, "counts-to-frequencies")
    assert r"{$\times$}" in _line(tex, "take-logs")
    assert r"{$\approx$}" in _line(tex, "divide-by-n")
    assert "{$?$}" in _line(tex, "cross-entropy")
    legend = tex.split(r"\paragraph{Marks.}")[1]
    for mark in (r"\checkmark", r"\checkmark_{\le s}", r"\approx", "?", r"\times", r"\dagger"):
        assert f"${mark}$~" in legend
    assert "(40 points at 30 digits)" in tex


def test_refuted_step_prints_its_counterexample_after_the_chain(derivation, refuted_results):
    tex = render_fragment(derivation, refuted_results)
    after = tex[tex.index(r"\end{align}") :]
    assert r"\emph{refuted}" in after
    assert r"\mbox{}Counterexample: N = 2, K = 2, x = (1, 2), q = (1/3, 2/3)\\" in after
    assert r"\mbox{}\ \ left side\ \ = log(2/9)\ \ $\approx$ -{}1.504077" in after
    assert r"Replay: derive check proofs/x.py -{}-{}step take-{}logs" in after


def _tiny(because: str, **extra) -> Derivation:
    ctx = Context()
    n = ctx.size("N")
    d = Derivation("Sums & products: 100% #1", ctx, start=n + n, name="tiny", **extra)
    d.step(2 * n, because=because)
    return d


def test_plain_text_is_escaped():
    tex = render_fragment(_tiny("50% of a&b, #1 by log_prod ~ {θ} \\ ^"), [StepResult(Evidence.PROVED)])
    assert r"50\% of a\&b, \#1 by log\_prod \~{} \{$\theta$\} \textbackslash{} \^{}" in tex


def test_document_escapes_title_and_converts_math_roles_in_the_intro():
    d = _tiny("doubling", intro="Take :math:`x_1 \\le x_2`, 5% off.\n\nSecond paragraph.", closing="So :math:`N`.")
    tex = render_document(d, [StepResult(Evidence.PROVED)])
    assert r"\LARGE Sums \& products: 100\% \#1" in tex
    assert "Take $x_1 \\le x_2$, 5\\% off.\n\nSecond paragraph.\n" in tex
    assert tex.index(r"\end{align}") < tex.index("So $N$.") < tex.index(r"\end{document}")


def test_math_role_repairs_a_lost_backslash_t():
    d = _tiny("doubling", intro="given :math:`p(i \\mid \theta)`")  # "\t" is a TAB: a docstring that is not raw
    assert r"given $p(i \mid \theta)$" in render_document(d, [StepResult(Evidence.PROVED)])


def test_document_uses_only_base_and_recommended_packages(derivation, results):
    tex = render_document(derivation, results)
    packages = set(re.findall(r"\\usepackage(?:\[[^]]*\])?\{([^}]*)\}", tex))
    assert packages == {"fontenc", "inputenc", "lmodern", "amsmath", "amssymb"}
    assert tex.startswith("\\documentclass")
    assert tex.endswith("\\end{document}\n")
    assert r"From the likelihood of i.i.d. data to the cross-entropy" in tex
    assert r"The training set is $x_1, \ldots, x_N$" in tex and ":math:" not in tex


def test_fragment_defines_nothing_and_loads_nothing(derivation, results):
    tex = render_fragment(derivation, results)
    for forbidden in (r"\usepackage", r"\newcommand", r"\def", r"\documentclass", r"\allowdisplaybreaks"):
        assert forbidden not in tex


def test_output_is_byte_identical_across_processes(derivation, results, render_in_fresh_process):
    """Same input, same bytes, whatever the hash seed (set iteration order) of the process."""
    outputs = [render_in_fresh_process("render_document", seed) for seed in ("1", "2")]
    assert outputs[0] == outputs[1] == render_document(derivation, results)


def test_output_ends_with_one_newline(derivation, results):
    for tex in (render_document(derivation, results), render_fragment(derivation, results)):
        assert tex.endswith("\n") and not tex.endswith("\n\n")


def test_results_must_match_the_steps(derivation, results):
    with pytest.raises(ValueError, match="one per step"):
        render_fragment(derivation, results[:-1])


def test_subject_equal_to_start_opens_with_the_start():
    ctx = Context()
    n = ctx.size("N")
    d = Derivation("t", ctx, start=sp.log(n**2), name="t")
    d.step(2 * sp.log(n), because="log of a power")
    tex = render_fragment(d, [StepResult(Evidence.PROVED)])
    assert r"\notag" not in tex
    assert r"\log\left(N^{2}\right) &= 2 \log N && " in tex


def test_assumptions_name_indices_as_the_derivation_writes_them():
    ctx = Context()
    N, K = ctx.size("N"), ctx.size("K")
    y = ctx.data("y", index=(1, N), values=(1, K))
    q = ctx.positive("q", index=[(1, K), (1, N)], sums_to_one=True)
    k, n = sp.Symbol("k", integer=True), sp.Symbol("n", integer=True)
    d = Derivation("one-hot", ctx, start=-sp.Sum(sp.log(q[y[n], n]), (n, 1, N)) / N, name="one-hot")
    d.step(-sp.Sum(sp.KroneckerDelta(k, y[n]) * sp.log(q[k, n]), (k, 1, K), (n, 1, N)) / N, "one-hot")
    tex = render_fragment(d, [StepResult(Evidence.PROVED, "")])
    assert r"Each $y_{n}$, for $1 \le n \le N$, is an integer with $1 \le y_{n} \le K$." in tex
    assert r"$q_{k,n} > 0$ for $1 \le k \le K$ and $1 \le n \le N$, and $\sum_{k=1}^{K} q_{k,n} = 1$." in tex


def test_an_integer_value_is_stated_only_where_the_derivation_uses_it():
    ctx = Context()
    M = ctx.size("M")
    z = ctx.real("z", index=(1, M))
    j = ctx.value("j", (1, M))
    i = sp.Symbol("i", integer=True)
    uses = Derivation("uses j", ctx, start=z[j], name="uses")
    uses.step(z[j], "the same")
    ignores = Derivation("ignores j", ctx, start=sp.Sum(z[i], (i, 1, M)), name="ignores")
    ignores.step(sp.Sum(z[i], (i, 1, M)), "the same")
    stated = r"$j$ is an integer with $1 \le j \le M$."
    assert stated in render_fragment(uses, [StepResult(Evidence.PROVED, "")])
    assert stated not in render_fragment(ignores, [StepResult(Evidence.PROVED, "")])
