"""The Unicode characters lecturers type in titles, prose and justifications, with their LaTeX spellings.

Data only, read by :mod:`derive.render.text`: math symbols (``‖``, ``≤``, ``θ``, ``ℝ``) as math-mode LaTeX,
superscript and subscript characters (``X²``, ``x⁻¹``, ``log₂``) as the script they stand for, and typographic
characters (dashes, quotes) as their text-mode LaTeX ligatures. Every command here is in LaTeX itself, amsmath or
amssymb: the fragments promise nothing more.
"""

from __future__ import annotations

#: Superscript characters and what they raise: ``x⁻¹`` is ``x^{-1}`` (a run is one superscript).
SUPERSCRIPTS: dict[str, str] = {
    **{c: str(d) for d, c in enumerate("⁰¹²³⁴⁵⁶⁷⁸⁹")},
    "⁺": "+",
    "⁻": "-",
    "⁼": "=",
    "⁽": "(",
    "⁾": ")",
    "ⁿ": "n",
    "ⁱ": "i",
    "ᵀ": "T",  # a transpose, xᵀ
}

#: Subscript characters and what they lower: ``log₁₀`` is ``\log_{10}``, ``xᵢ`` is ``x_{i}``.
SUBSCRIPTS: dict[str, str] = {
    **{chr(0x2080 + d): str(d) for d in range(10)},
    "₊": "+",
    "₋": "-",
    "₌": "=",
    "₍": "(",
    "₎": ")",
    "ₐ": "a",
    "ₑ": "e",
    "ₒ": "o",
    "ₓ": "x",
    "ₕ": "h",
    "ₖ": "k",
    "ₗ": "l",
    "ₘ": "m",
    "ₙ": "n",
    "ₚ": "p",
    "ₛ": "s",
    "ₜ": "t",
    "ᵢ": "i",
    "ⱼ": "j",
}

#: Unicode symbols written in text, as LaTeX math (one character each; scripts are in the tables above).
MATH_SYMBOLS: dict[str, str] = {
    **dict(
        zip(
            "αβγδεζηθικλμνξπρστυφχψω",
            r"\alpha \beta \gamma \delta \varepsilon \zeta \eta \theta \iota \kappa \lambda \mu \nu \xi \pi \rho "
            r"\sigma \tau \upsilon \varphi \chi \psi \omega".split(),
            strict=True,
        )
    ),
    **dict(zip("ΓΔΘΛΞΠΦΨΩ", r"\Gamma \Delta \Theta \Lambda \Xi \Pi \Phi \Psi \Omega".split(), strict=True)),
    "µ": r"\mu",  # the micro sign, which keyboards give for μ
    # letters with a hat, as written for predictions (ŷ) and estimates (θ̂ is written with \hat in math)
    "ŷ": r"\hat{y}",
    "ĉ": r"\hat{c}",
    "ℓ": r"\ell",  # the log-likelihood ℓ(θ)
    "ϑ": r"\vartheta",
    "ϕ": r"\phi",
    "ς": r"\varsigma",
    "ϵ": r"\epsilon",
    "ϱ": r"\varrho",
    # NOTE: in these texts Σ is the summation sign (Σ_i q_i = 1), not a covariance matrix.
    "Σ": r"\sum",
    "∑": r"\sum",
    "∏": r"\prod",
    "∫": r"\int",
    "∮": r"\oint",
    "√": r"\surd",
    "∂": r"\partial",
    "∇": r"\nabla",
    "∆": r"\Delta",  # U+2206 INCREMENT, typed for Δ
    "∞": r"\infty",
    "≤": r"\le",
    "≥": r"\ge",
    "⩽": r"\leqslant",
    "⩾": r"\geqslant",
    "≪": r"\ll",
    "≫": r"\gg",
    "≠": r"\ne",
    "≈": r"\approx",
    "≃": r"\simeq",
    "≅": r"\cong",
    "≡": r"\equiv",
    "≜": r"\triangleq",
    "≔": ":=",
    "∼": r"\sim",
    "∝": r"\propto",
    "±": r"\pm",
    "∓": r"\mp",
    "‖": r"\|",  # D_KL(p ‖ q): inputenc's \textbardbl is text only
    "∥": r"\|",  # U+2225 PARALLEL TO, typed for ‖ as often as not
    "∣": r"\mid",
    "∤": r"\nmid",
    "⊥": r"\perp",
    "×": r"\times",
    "·": r"\cdot",
    "⋅": r"\cdot",
    "∗": "*",
    "∘": r"\circ",
    "⊗": r"\otimes",
    "⊕": r"\oplus",
    "⊙": r"\odot",
    "−": "-",
    "∈": r"\in",
    "∉": r"\notin",
    "∋": r"\ni",
    "⊂": r"\subset",
    "⊆": r"\subseteq",
    "⊃": r"\supset",
    "⊇": r"\supseteq",
    "∪": r"\cup",
    "∩": r"\cap",
    "∖": r"\setminus",
    "∅": r"\emptyset",
    "∀": r"\forall",
    "∃": r"\exists",
    "¬": r"\neg",
    "∧": r"\wedge",
    "∨": r"\vee",
    "→": r"\to",
    "←": r"\leftarrow",
    "↔": r"\leftrightarrow",
    "↦": r"\mapsto",
    "⇒": r"\Rightarrow",
    "⇐": r"\Leftarrow",
    "⇔": r"\Leftrightarrow",
    "⟨": r"\langle",
    "⟩": r"\rangle",
    "⌊": r"\lfloor",
    "⌋": r"\rfloor",
    "⌈": r"\lceil",
    "⌉": r"\rceil",
    "…": r"\ldots",
    "⋯": r"\cdots",
    "ℝ": r"\mathbb{R}",
    "ℕ": r"\mathbb{N}",
    "ℤ": r"\mathbb{Z}",
    "ℚ": r"\mathbb{Q}",
    "ℂ": r"\mathbb{C}",
    "𝔼": r"\mathbb{E}",
    "ℙ": r"\mathbb{P}",
    "𝒩": r"\mathcal{N}",
    "ℒ": r"\mathcal{L}",
    "ℋ": r"\mathcal{H}",
    "′": "'",
    "″": "''",
}

#: Every character that is math in text: the symbols and the scripts (a script written alone is a one-character
#: run: ``²`` is ``^{2}``).
MATH_UNICODE: dict[str, str] = {
    **MATH_SYMBOLS,
    **{c: f"^{{{s}}}" for c, s in SUPERSCRIPTS.items()},
    **{c: f"_{{{s}}}" for c, s in SUBSCRIPTS.items()},
}

#: Typographic characters that have a text-mode LaTeX spelling.
TEXT_UNICODE = {
    "—": "---",
    "–": "--",
    "“": "``",
    "”": "''",
    "‘": "`",
    "’": "'",
    "\u00a0": "~",
    "…": r"\ldots{}",
}
