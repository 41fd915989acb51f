"""Plain text to LaTeX and Markdown: escaping, Unicode symbols, and the formulas recognised in justifications."""

from __future__ import annotations

import pytest

from derive.render.text import escape_latex, latex_text, latex_tt, markdown_text, paragraphs


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("write q_i for p(i | θ)", r"write $q_{i}$ for $p(i \mid \theta)$"),
        ("n_i = N p_i", r"$n_{i} = N p_{i}$"),
        ("with x_k = i", r"with $x_{k} = i$"),
        ("dividing both sides by N", r"dividing both sides by $N$"),
        ("the cross-entropy H(p, q)", r"the cross-entropy $H(p, q)$"),
        ("given θ (i.i.d.)", r"given $\theta$ (i.i.d.)"),
        ("1 ≤ x_k ≤ K", r"$1 \le x_{k} \le K$"),
        ("Σ_i q_i = 1", r"$\sum_{i} q_{i} = 1$"),
        ("p(·) > 0", r"$p(\cdot) > 0$"),
        ("at N = 3, x[1] = 2", r"at $N = 3$, $x_{1} = 2$"),
        # words, rule names and lists stay text
        (
            "taking logs: the log of a product is the sum of the logs",
            "taking logs: the log of a product is the sum of the logs",
        ),
        ("by log_prod and sum_comm", r"by log\_prod and sum\_comm"),
        ("for the training set [2, 2, 1]", "for the training set [2, 2, 1]"),
        ("A cat, I think, is a pet", "A cat, I think, is a pet"),
        # what is not math is escaped
        ("50% & #1 ~ {x} $ ^ \\", r"50\% \& \#1 \~{} \{x\} \$ \^{} \textbackslash{}"),
        ("a — b – c “d”", "a --- b -- c ``d''"),
        (":math:`\\frac{a}{b}` stays as written", r"$\frac{a}{b}$ stays as written"),
        # an estimate written with a combining circumflex (U+0302), and a norm's double bar
        ("the frequency p̂_i of outcome i", r"the frequency $\hat{p}_{i}$ of outcome i"),
        ("the cross-entropy H(p̂, q)", r"the cross-entropy $H(\hat{p}, q)$"),
        ("θ̂ = k/N and p̂ alone", r"$\hat{\theta} = k/N$ and $\hat{p}$ alone"),
        ("D_KL(p ‖ q) ≥ 0", r"$D_{KL}(p \| q) \ge 0$"),
    ],
)
def test_latex_text(text, expected):
    assert latex_text(text) == expected


def test_unknown_unicode_is_shown_not_fed_to_latex():
    assert escape_latex("snow ☃") == r"snow \texttt{[U+2603]}"
    assert escape_latex("café") == "café"


def test_markdown_text_escapes_emphasis_and_keeps_formulas():
    assert markdown_text("write q_i for p(i | θ)") == r"write $q_{i}$ for $p(i \mid \theta)$"
    assert markdown_text("by log_prod *twice* `x` $5 and <br>") == r"by log\_prod \*twice\* \`x\` \$5 and &lt;br>"
    assert markdown_text("a&b &amp;") == "a&b &amp;amp;"


def test_typewriter_lines_keep_spaces_and_double_dashes():
    assert (
        latex_tt(["a  b", "  --step"]) == "{\\ttfamily\\frenchspacing\n\\mbox{}a\\ \\ b\\\\\n\\mbox{}\\ \\ -{}-{}step}"
    )


def test_paragraphs_join_wrapped_lines():
    assert paragraphs("One\ntwo.\n\n  Three.\n") == ["One two.", "Three."]


def test_a_hatted_letter_in_plain_text_becomes_hat_in_math():
    from derive.render.text import latex_text

    assert r"\hat{y}" in latex_text("the cross-entropy H(y, ŷ)")


def test_a_subscripted_hat_and_sympys_name_for_it_are_math():
    from derive.render.text import latex_text

    assert latex_text("each Bernoulli with parameter ŷ_i") == r"each Bernoulli with parameter $\hat{y}_{i}$"
    assert latex_text("[yhat_i < 1, yhat_i > 0]") == r"[$\hat{y}_{i} < 1$, $\hat{y}_{i} > 0$]"
    assert latex_text("that hat") == "that hat"


def test_sympys_bare_name_for_a_hat_is_math_in_a_relation_and_a_word_stays_a_word():
    from derive.render.text import latex_text

    assert latex_text("[y > 0, yhat > 0, yhat < 1]") == r"[$y > 0$, $\hat{y} > 0$, $\hat{y} < 1$]"
    assert latex_text("what is that? so that N > 0") == "what is that? so that $N > 0$"


def test_subscript_digits_are_math_subscripts_in_latex():
    from derive.render.text import latex_text

    assert latex_text("log₂ 4 = 2") == "log$_{2}$ $4 = 2$"
    assert "U+2082" not in latex_text("change of base: log₂ x = ln x / ln 2")


def test_a_number_after_a_relation_sign_stays_in_the_formula():
    from derive.render.text import markdown_text

    assert markdown_text("a sum of M ≥ 1 of them") == r"a sum of $M \ge 1$ of them"
    assert markdown_text("for 1 ≤ K ≤ 3, 1 ≤ N ≤ 3") == r"for $1 \le K \le 3$, $1 \le N \le 3$"
    assert markdown_text("as ŷ → 1") == r"as $\hat{y} \to 1$"


def test_a_tuple_of_formulas_is_one_formula_and_a_remark_in_brackets_stays_text():
    from derive.render.text import markdown_text

    assert markdown_text("with p = (y, 1 − y) and q = (ŷ, 1 − ŷ)") == (
        r"with $p = (y, 1 - y)$ and $q = (\hat{y}, 1 - \hat{y})$"
    )
    assert markdown_text("p = (1/2, 1/2)") == "$p = (1/2, 1/2)$"
    assert markdown_text("(for all sizes) by (seed 0)") == "(for all sizes) by (seed 0)"


def test_a_script_ell_is_set_as_math_in_latex():
    # ℓ (U+2113), the log-likelihood of proofs/bernoulli_mle.py, has no glyph in pdfLaTeX's text fonts ([U+2113])
    assert latex_text("makes ℓ strictly concave") == r"makes $\ell$ strictly concave"
    assert latex_text("ℓ(θ) is concave") == r"$\ell(\theta)$ is concave"


def test_html_text_escapes_text_and_delimits_math_for_katex():
    from derive.render.text import html_text

    assert html_text("write q_i for p(i | θ)") == r"write \(q_{i}\) for \(p(i \mid \theta)\)"
    assert html_text('see <b> & "c" $5') == "see &lt;b&gt; &amp; &quot;c&quot; $5"
    assert html_text("when 1 < N") == r"when \(1 &lt; N\)"
    assert html_text("by log_prod") == "by log_prod"
