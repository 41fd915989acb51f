"""The Markdown write-up of :mod:`derive.render.markdown`."""

from __future__ import annotations

import re

import pytest

from derive.core.evidence import Evidence, StepResult
from derive.core.model import Kind
from derive.render.markdown import render_markdown


def _outside_code(md: str) -> list[str]:
    lines, in_code = [], False
    for line in md.splitlines():
        if line.strip().startswith("```"):
            in_code = not in_code
        elif not in_code:
            lines.append(line)
    return lines


def test_chain_is_display_math_without_latex_only_commands(derivation, results):
    md = render_markdown(derivation, results)
    assert "$$\n\\begin{aligned}\n" in md and "\\end{aligned}\n$$" in md
    for forbidden in (r"\label", r"\tag", r"\text", r"\intertext", r"\eqref", r"\notag"):
        assert forbidden not in md


def test_lines_are_numbered_like_the_justifications(derivation, results):
    md = render_markdown(derivation, results)
    numbers = [int(n) for n in re.findall(r"\\quad \((\d+)\)", md)]
    chain = [s for s in derivation.steps if s.kind is not Kind.REFERENCE]  # the code is not a line of the chain
    assert numbers == list(range(1, len(chain) + 1))
    listed = [int(n) for n in re.findall(r"^(\d+)\. \*\*", md, flags=re.M)]
    assert listed == numbers


def test_chain_content(derivation, results):
    md = render_markdown(derivation, results)
    assert "L(\\theta) &= p(x_{1}, \\ldots, x_{N} \\mid \\theta) \\\\\n" in md
    assert r"\log L(\theta) &= N \sum_{i=1}^{K} p_{i} \log q_{i} && \checkmark \quad (6)" in md
    assert r" &= \prod_{k=1}^{N} p(x_{k} \mid \theta) && \dagger \quad (1)" in md
    # the chain resumes after the worked example with its left side repeated
    assert r"L(\theta) &= \prod_{k=1}^{N} q_{x_{k}} && \checkmark \quad (3)" in md


def test_example_is_a_paragraph_and_its_own_block(derivation, results):
    md = render_markdown(derivation, results)
    assert "\n\nFor example, for the training set [2, 2, 1]:\n\n$$\n\\begin{aligned}\n\\left. \\prod" in md
    assert r"\right|_{N = 3,\ K = 2,\ x_{1} = 2,\ x_{2} = 2,\ x_{3} = 1} &= p(1 \mid \theta) p(2 \mid \theta)^{2}" in md


def test_justifications_say_the_evidence_in_words(derivation, results):
    md = render_markdown(derivation, results)
    assert "1. **assumed** † — the examples are conditionally independent given $\\theta$ (i.i.d.)" in md
    assert (
        "6. **proved** ✓ — taking logs: the log of a product is the sum of the logs — by "
        "`log_prod` [$q_{i} > 0$], `log_pow` [$q_{i} > 0$], `mul_sum`, `ring_nf`." in md
    )
    assert "3. **proved** ✓ — write $q_{i}$ for $p(i \\mid \\theta)$ — by `q_def`, `ring_nf`." in md


def test_assumed_step_is_never_marked_proved(derivation, results):
    results[0] = StepResult(Evidence.PROVED)
    md = render_markdown(derivation, results)
    assert "1. **assumed** †" in md and r"&& \dagger \quad (1)" in md


def test_every_evidence_level_and_the_counterexample(derivation, mixed_results):
    md = render_markdown(derivation, mixed_results)
    assert (
        "5. **proved for sizes** ✓≤3 — $n_{i} = N p_{i}$, by the definition of $p_{i}$ (sizes $N$, $K$ in {1, 2, 3})."
        in md
    )
    assert r"\checkmark_{\le 3} \quad (5)" in md
    assert "6. **refuted** ✗ —" in md
    assert "7. **numeric** ≈ — dividing both sides by $N$ (40 points at 30 digits)." in md
    assert "8. **undecided** ? —" in md
    block = md.split("```text\n")[1].split("```")[0]
    assert "   Counterexample: N = 2, K = 2, x = (1, 2), q = (1/3, 2/3)\n" in block
    assert "     left side  = log(2/9)  ≈ -1.504077\n" in block
    assert "   Replay: derive check proofs/x.py --step take-logs\n" in block


@pytest.mark.parametrize("fixture", ["results", "mixed_results"])
def test_legend_lists_the_marks_used(derivation, fixture, request):
    md = render_markdown(derivation, request.getfixturevalue(fixture))
    (legend,) = [line for line in md.splitlines() if line.startswith("**Marks:**")]
    used = {"✓", "†"} if fixture == "results" else {"✓", "✓≤s", "≈", "?", "✗", "†"}
    shown = {entry.split(" ")[0] for entry in legend.removeprefix("**Marks:** ").split("; ")}
    assert shown == used


def test_inline_math_is_balanced(derivation, mixed_results):
    for line in _outside_code(render_markdown(derivation, mixed_results)):
        if line != "$$":
            assert len(re.findall(r"(?<!\\)\$", line)) % 2 == 0, line


def test_title_intro_and_assumptions(derivation, results):
    md = render_markdown(derivation, results)
    assert md.startswith("# From the likelihood of i.i.d. data to the cross-entropy\n\n")
    assert "The training set is $x_1, \\ldots, x_N$" in md and ":math:" not in md
    assert "- $N \\ge 1$ and $K \\ge 1$ are integers." in md
    assert "- $n_i = \\sum_{k=1}^{N} [x_k = i]$" in md


def test_deterministic_with_one_trailing_newline(derivation, results, render_in_fresh_process):
    md = render_markdown(derivation, results)
    assert md.endswith("\n") and not md.endswith("\n\n")
    assert render_in_fresh_process("render_markdown", "3") == md


def test_github_math_uses_githubs_own_syntax_and_leaves_code_alone():
    from derive.render.markdown import github_math

    md = "Text $p \\,\\|\\, q$ and `$x$` and \\$5.\n\n$$\n\\{1, \\ldots, K\\}\n$$\n\n```python\nx = '$a$'\n```\n"
    assert github_math(md) == (
        "Text $`p \\,\\|\\, q`$ and `$x$` and \\$5.\n\n```math\n\\{1, \\ldots, K\\}\n```\n\n```python\nx = '$a$'\n```\n"
    )


def test_github_flavoured_write_up_has_no_dollar_math_left(derivation, results):
    md = render_markdown(derivation, results, math="github")
    assert "$$" not in md and "```math\n\\begin{aligned}" in md
    prose = re.sub(r"\$`[^`]*`\$", "", re.sub(r"```.*?```", "", md, flags=re.S))
    assert "$" not in prose.replace("\\$", ""), "a $ outside GitHub's $`...`$"
    with pytest.raises(ValueError, match="math must be one of dollars, github"):
        render_markdown(derivation, results, math="katex")
