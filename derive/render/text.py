"""Plain text in a derivation (justifications, notes, the intro) as LaTeX, Markdown or HTML.

Authors write ``because="write q_i for p(i | θ)"``: plain text with ASCII subscripts and Unicode symbols. The
renderers split such text into *math* and *text* segments, then format each for the target:

- ``$...$`` (pandoc's rule: no space inside the dollars; ``\\$`` is a dollar) and ``:math:`...``` roles
  (reStructuredText, used in docstrings) are LaTeX math, copied as they are (Unicode symbols in them converted);
- short formula-like phrases are recognised and set as math: ``q_i``, ``p(i | θ)``, ``x_k = i``, ``N p_i``,
  ``1 ≤ x_k ≤ K``, ``x[1] = 2`` (SymPy's spelling of ``x_1``), a Greek letter, a lone capital such as ``N``;
- everything else is text, escaped for the target (``_``, ``%``, ``&``, ``#`` …).

NOTE: the phrase recogniser is a heuristic on purpose kept narrow: a phrase becomes math only if it contains a
subscript, a function call with a one-letter name, a Greek letter or math symbol, a capital letter standing alone,
or a relation between operands. Ordinary words never match, and rule names such as ``log_prod`` (more than one
letter before the underscore) stay text.
"""

from __future__ import annotations

import html
import re
from collections.abc import Callable

from derive.render.style import latex_problem, rename_math
from derive.render.symbols import MATH_UNICODE, SUBSCRIPTS, SUPERSCRIPTS, TEXT_UNICODE

_LATEX_SPECIALS = {
    "\\": r"\textbackslash{}",
    "{": r"\{",
    "}": r"\}",
    "$": r"\$",
    "&": r"\&",
    "%": r"\%",
    "#": r"\#",
    "_": r"\_",
    "^": r"\^{}",
    "~": r"\~{}",
    # NOTE: in math mode so that the fragment also prints them right in an OT1 (non-T1) document.
    "<": "$<$",
    ">": "$>$",
    "|": "$|$",
}

_MARKDOWN_SPECIALS = {"\\": r"\\", "`": r"\`", "*": r"\*", "_": r"\_", "$": r"\$", "<": "&lt;"}
_HTML_ENTITY = re.compile(r"&(?=#?[A-Za-z0-9]+;)")  # "&amp;" would print as "&": escape only what looks like one

# -- recognising math in plain text --------------------------------------------------------------------------------
# yhat_i: a SymPy name for ŷ_i; p̂_i, θ̂: a letter and a combining circumflex (U+0302)
_LETTER = r"(?:[A-Za-z]hat(?![A-Za-z])|[A-Za-z\u0370-\u03ff]\u0302|[A-Za-z\u0370-\u03ffŷĉℓ])"
_SCRIPT = r"(?:\{[^{}\n]*\}|[A-Za-z0-9]+)"  # a subscript: q_ij is q_{ij}, D_KL is D_{KL}
# A superscript without braces takes one letter (TeX's own rule: a^nb^n is a^n b^n) or a number (x^10 is x^{10}).
_SUP = r"(?:\{[^{}\n]*\}|\d+|[A-Za-z])"
# Relation signs are not atoms: "M ≥ 1" must read as M, a relation, and 1 (as atoms, "M ≥" would end the phrase).
_SCRIPTS = "".join(SUPERSCRIPTS) + "".join(SUBSCRIPTS)
_SYMBOLS = "".join(re.escape(c) for c in MATH_UNICODE if c not in "−…′″·≤≥≠≈∈→×⩽⩾≔" + _SCRIPTS)
_POWER = rf"(?:\^{_SUP}|[{''.join(SUPERSCRIPTS)}]+)"  # x^2, X², x⁻¹
# Operators written by name before parentheses: log(x), Var(X), KL(p, q) (a word alone, "the log of", stays text).
_OPERATORS = ("log", "ln", "exp", "max", "min", "det", "Var", "Cov", "KL", "softmax", "sigmoid", "tanh", "tr")
_NAMED = rf"(?<![\w\\])(?:{'|'.join(_OPERATORS)})\([^()\n]*\){_POWER}?"
_ATOM = (
    rf"(?:(?<![\w\\]){_LETTER}(?:_{_SCRIPT})?(?:\^{_SUP})?\([^()\n]*\){_POWER}?"  # p(i | θ), H(p, q), f_1(x)
    rf"|{_NAMED}"
    rf"|‖[^‖\n]+‖{_POWER}?"  # a norm, ‖x‖²
    rf"|(?<![\w\\]){_LETTER}(?:_{_SCRIPT}{_POWER}?|{_POWER})(?!\w)"  # q_i, x_{k+1}, x^2, X²
    rf"|(?<![\w\\]){_LETTER}\[[^\[\]\n]+\]{_POWER}?"  # x[1] (SymPy's x_1), E[X²]
    r"|(?<![\w\\])[A-Za-z\u0370-\u03ff]\u0302"  # p̂, θ̂: an estimate, standing alone
    rf"|[{_SYMBOLS}]"  # θ, Σ, ∞
    r"|(?<![\w\\])[B-HJ-Z](?![\w'])"  # a capital standing alone (A and I are words)
    r")"
)
# NOTE: a bare ``yhat`` (SymPy's name for ŷ, in the checker's reasons "yhat > 0") is an operand, not an atom: as a
# phrase of its own it stays text, so the words "that" and "what" do; only a relation makes it math.
_OPERAND = rf"(?:{_ATOM}|(?<![\w\\])[a-z](?:hat)?(?![\w'])|(?<![\w.])\d+(?:\.\d+)?(?![\w]))"
_PRODUCT = rf"(?:{_ATOM}(?:[ ]+{_ATOM})*)"
_RELATION = r"(?:[ ]*(?::=|=|≤|≥|⩽|⩾|≔|≠|≈|<|>|\+|∈|→|/|×|·)[ ]*|[ ]+[-−][ ]+)"
_SIMPLE_TERM = rf"(?:{_PRODUCT}|{_OPERAND})"
# A tuple of formulas, one level deep: p = (y, 1 − y), q = (1/4, 3/4). Every part must be a formula, so a
# parenthesised remark "(for all sizes)" or "(seed 0)" stays text.
_FORMULA = rf"(?:{_SIMPLE_TERM}(?:{_RELATION}{_SIMPLE_TERM})*)"
_TUPLE = rf"(?<![\w\\])\({_FORMULA}(?:,[ ]*{_FORMULA})+\)"
# A formula in parentheses raised to a power: (E[X])², (1 − θ)^k.
_GROUP = rf"(?<![\w\\])\({_FORMULA}\){_POWER}"
_TERM = rf"(?:{_TUPLE}|{_GROUP}|{_SIMPLE_TERM})"
_PHRASE = re.compile(rf"{_TERM}(?:{_RELATION}{_TERM})*")
_ATOM_RE = re.compile(_ATOM)
_RELATION_RE = re.compile(_RELATION)

# Math the author marked: a :math:`...` role, or $...$ as pandoc reads it (no space inside the dollars, no digit
# right after the closing one, so "$5 and $6" stays text); \$ is a literal dollar.
_EXPLICIT = re.compile(r":math:`([^`]*)`|(?<![\\$])\$(?=[^\s$])((?:[^$\\\n]|\\.)+?)(?<=[^\s\\])\$(?!\d)")
_DOLLAR = re.compile(r"\\\$")

# NOTE: a docstring that is not a raw string turns ``\theta`` into a TAB and ``heta``. Inside a :math: role such
# control characters never mean anything, so they are turned back into the backslash escapes they came from.
_LOST_ESCAPES = {"\a": r"\a", "\b": r"\b", "\f": r"\f", "\t": r"\t", "\v": r"\v", "\r": r"\r"}


def segments(text: str) -> list[tuple[bool, str]]:
    """Split ``text`` into ``(is_math, content)`` pieces; math content is LaTeX, text content is raw.

    Math the author marked that would break the document (see :func:`math_problems`) is text, markers and all."""
    out: list[tuple[bool, str]] = []
    pos = 0
    for found in _EXPLICIT.finditer(text):
        out.extend(_phrases(_DOLLAR.sub("$", text[pos : found.start()])))
        written = unicode_to_math(_written(found))
        out.append((False, found.group(0)) if latex_problems(written) else (True, written))
        pos = found.end()
    out.extend(_phrases(_DOLLAR.sub("$", text[pos:])))
    merged: list[tuple[bool, str]] = []
    for is_math, content in (s for s in out if s[1]):
        if is_math and merged and merged[-1][0]:  # ∀ε > 0: two formulas side by side are one
            merged[-1] = (True, f"{merged[-1][1]} {content}")
        else:
            merged.append((is_math, content))
    return merged


def _written(found: re.Match) -> str:
    """The LaTeX inside a match of ``_EXPLICIT``, as the author meant it (a role's lost escapes restored)."""
    role, dollars = found.groups()
    return "".join(_LOST_ESCAPES.get(c, c) for c in role) if role is not None else dollars


def _phrases(text: str) -> list[tuple[bool, str]]:
    out: list[tuple[bool, str]] = []
    pos = 0
    for m in _PHRASE.finditer(text):
        phrase = m.group(0)
        if not (_ATOM_RE.search(phrase) or _RELATION_RE.search(phrase)):
            continue
        # NOTE: a guess is math only when it is safe: "p(\input{/etc/passwd})", "p({x})", "p(x^)", "p(a_b_c)" are
        # not what the author marked as math, and as math they would run a command, hide a brace or break the build.
        latex = math_from_text(phrase) if _GUESSABLE.fullmatch(_SCRIPT_GROUP.sub("", phrase)) else None
        if latex is None or latex_problems(latex):
            continue
        out.append((False, text[pos : m.start()]))
        out.append((True, latex))
        pos = m.end()
    out.append((False, text[pos:]))
    return out


# A guessed formula has no backslash or dollar, and braces only around a script (x_{k+1}); every ^ and _ has a
# script: "x^-1" would raise the minus only.
_SCRIPT_GROUP = re.compile(r"[_^]\{[^{}\n]*\}")
_GUESSABLE = re.compile(r"(?:[^\\${}^_]|[_^](?=[A-Za-z0-9]))*")


def math_from_text(phrase: str) -> str:
    """A formula written in plain text (``p(i | θ)``, ``x_ab``) as LaTeX math (``p(i \\mid \\theta)``, ``x_{ab}``).

    ``%``, ``&`` and ``#`` are escaped (``p(90%)`` is ``p(90\\%)``), ``~`` is ``\\sim``; a subscript is a run of
    letters and digits (``q_ij``), a superscript a number or one letter (``x^10``, ``a^nb^n`` is ``a^{n}b^{n}``)."""
    phrase = re.sub(r"(?<![A-Za-z\\])([A-Za-z])hat(?![A-Za-z])", r"\\hat{\1}", phrase)  # yhat → \hat{y}
    phrase = re.sub(r"([A-Za-z\u0370-\u03ff])\u0302", r"\\hat{\1}", phrase)  # p̂ → \hat{p}
    phrase = re.sub(r"([%&#])", r"\\\1", phrase)
    phrase = re.sub(r"\s*~\s*", r" \\sim ", phrase)
    phrase = re.sub(r"_([A-Za-z0-9]+)", r"_{\1}", phrase)
    phrase = re.sub(r"\^(\d+|[A-Za-z])", r"^{\1}", phrase)
    # E[y], E_p[f]: an expectation, as derive.core.expectation prints it (not the member y of a family E)
    phrase = re.sub(r"(?<![\w\\])E(_\{[^{}]*\})?\[([^\[\]]+)\]", r"\\mathbb{E}\1\\left[\2\\right]", phrase)
    # x[1], q[k + 1]: SymPy's spelling of x_1 (a lower-case name and an index); P[X = 1] stays as written
    phrase = re.sub(rf"(?<![\w\\])([a-z\u03b1-\u03c9])\[({_INDEX})\]", r"\1_{\2}", phrase)
    phrase = re.sub(rf"(?<![\w\\])({'|'.join(_OPERATORS)})(?=\()", _operator, phrase)
    phrase = re.sub(r"\s*\|\s*", r" \\mid ", phrase)
    return unicode_to_math(phrase)


# -- math that cannot break the document --------------------------------------------------------------------------
# Commands with no place in inline math: they read or write files, define macros, start a paragraph or end the math
# (\) or \] would also end KaTeX's \(...\) early), or open an environment (which needs & and \\ anyway).
_FORBIDDEN = re.compile(
    r"\\(?:input|include|openin|openout|read|write|immediate|special|def|edef|gdef|xdef|let|futurelet|catcode|csname"
    r"|newcommand|renewcommand|providecommand|usepackage|documentclass|makeatletter|makeatother|begin|end|par"
    r")(?![A-Za-z])|\\[()\[\]\\]"
)
_TOKEN = re.compile(r"\\(?:[A-Za-z]+|.)|\S", flags=re.S)


def latex_problems(tex: str) -> list[str]:
    r"""Why the inline math ``tex`` would break a LaTeX document or change its meaning ([] when it is safe): braces
    that do not balance, an unescaped ``$ % # &`` (:func:`derive.render.style.latex_problem`), a ``\\`` line break,
    a command that reads a file or ends the math (``\input``, ``\end``, ``\)``), a ``^`` or ``_`` with nothing to
    raise, or a double superscript or subscript (``a^{n}^{n}``)."""
    problems = [f"{m[0]} has no place in a formula" for m in _FORBIDDEN.finditer(tex)]
    problem = latex_problem(tex)
    return problems + [problem] if problem else problems + _script_problems(tex)


def _script_problems(tex: str) -> list[str]:
    """Scripts TeX refuses: one with nothing to raise or lower, or a second one of a kind on the same atom."""
    scripts: list[set[str]] = [set()]  # per brace group: the scripts the group's last atom has
    arguments: list[bool] = []  # per open brace: whether it holds a script's argument
    pending = ""  # a ^ or _ waiting for its argument
    for token in _TOKEN.findall(tex):
        if pending:
            if token in ("}", "^", "_", "'"):
                return [f"a {pending!r} has nothing to {'raise' if pending == '^' else 'lower'}"]
            if token == "{":
                arguments.append(True)
                scripts.append(set())
            pending = ""
        elif token in ("^", "_"):
            if token in scripts[-1]:
                return [f"a double {'superscript' if token == '^' else 'subscript'} ({token} twice on one symbol)"]
            scripts[-1].add(token)
            pending = token
        elif token == "'":  # a prime is a superscript: x'^2 is fine, x^2' is not
            if "^" in scripts[-1]:
                return ["a prime after a superscript is a double superscript"]
        elif token == "{":
            arguments.append(False)
            scripts.append(set())
        elif token == "}":
            scripts.pop()
            if not arguments.pop():
                scripts[-1] = set()  # the group is an atom of its own
        elif token not in (r"\limits", r"\nolimits", r"\displaystyle"):
            scripts[-1] = set()
    return [f"a {pending!r} has nothing to {'raise' if pending == '^' else 'lower'}"] if pending else []


def math_problems(text: str) -> list[str]:
    r"""The math the author marked in ``text`` (``$...$``, ``:math:`...```) that derive shows as text instead,
    one message per formula naming it and why (``"$x}$: its braces do not balance ..."``); [] when all is well.

    A build calls it to warn about each title, note and justification: a formula that would break the LaTeX
    compile is written as escaped text instead of dropping the whole document (see :func:`latex_problems`)."""
    out = []
    for found in _EXPLICIT.finditer(text):
        problems = latex_problems(unicode_to_math(_written(found)))
        if problems:
            out.append(f"{found.group(0)}: {'; '.join(problems)}")
    return out


_INDEX = r"[ ]*(?:\d+|_?[A-Za-z]\w*)(?:[ ]*[-+*,][ ]*(?:\d+|_?[A-Za-z]\w*))*[ ]*"


def _operator(m: re.Match) -> str:
    name = m.group(1)
    return "\\" + name if name in ("log", "ln", "exp", "max", "min", "det", "tanh") else rf"\operatorname{{{name}}}"


def _scripts(text: str) -> str:
    """Runs of superscript and subscript characters as one script each: ``x⁻¹`` → ``x^{-1}``, ``₁₀`` → ``_{10}``."""
    text = re.sub(f"[{''.join(SUPERSCRIPTS)}]+", lambda m: "^{" + "".join(SUPERSCRIPTS[c] for c in m[0]) + "}", text)
    return re.sub(f"[{''.join(SUBSCRIPTS)}]+", lambda m: "_{" + "".join(SUBSCRIPTS[c] for c in m[0]) + "}", text)


def unicode_to_math(text: str) -> str:
    """Replace Unicode math symbols by LaTeX commands, keeping a command apart from a following letter."""
    text = _scripts(text)
    out = []
    for n, c in enumerate(text):
        tex = MATH_UNICODE.get(c)
        if tex is None:
            out.append(c)
            continue
        out.append(tex)
        following = text[n + 1 : n + 2]
        if tex[-1].isalpha() and (following.isalnum() or following == "\\"):
            out.append(" ")
    return "".join(out)


# -- LaTeX ---------------------------------------------------------------------------------------------------------
def escape_latex(text: str) -> str:
    """Plain text as LaTeX text: specials escaped, Unicode symbols as inline math, typography as TeX ligatures."""
    out = []
    # NOTE: a run of math characters is one $...$ ("$^{2}$$^{3}$" would open display math)
    for c in re.findall(f"[{re.escape(''.join(MATH_UNICODE))}]+|.", text, flags=re.DOTALL):
        if c in _LATEX_SPECIALS:
            out.append(_LATEX_SPECIALS[c])
        elif c in TEXT_UNICODE:
            out.append(TEXT_UNICODE[c])
        elif c[0] in MATH_UNICODE:
            out.append(f"${unicode_to_math(c)}$")
        elif c in "\t\r\n":
            out.append(" " if c != "\n" else "\n")
        elif ord(c) < 32:
            continue
        elif ord(c) < 0x180:  # ASCII and Latin accented letters: T1 fonts with UTF-8 input set them directly
            out.append(c)
        else:
            out.append(rf"\texttt{{[U+{ord(c):04X}]}}")
    return "".join(out)


def latex_text(text: str) -> str:
    """Plain text with formulas (see the module docstring) as LaTeX text with ``$...$`` math."""
    return _join(text, escape_latex)


def latex_tt(lines: list[str]) -> str:
    """Lines of plain text in typewriter type, spaces and ``--`` kept as typed (counterexamples, commands)."""
    out = []
    for line in lines:
        body = escape_latex(line).replace("-", "-{}")
        # NOTE: \mbox{} first, because TeX drops spaces at the start of a line after \\.
        out.append(r"\mbox{}" + re.sub(r" {2,}", lambda m: r"\ " * len(m.group(0)), body))
    return "{\\ttfamily\\frenchspacing\n" + "\\\\\n".join(out) + "}"


# -- Markdown ------------------------------------------------------------------------------------------------------
def escape_markdown(text: str) -> str:
    """Plain text as Markdown: characters that would start emphasis, code, math or HTML are escaped."""
    return "".join(_MARKDOWN_SPECIALS.get(c, c) for c in _HTML_ENTITY.sub("&amp;", text))


def markdown_text(text: str) -> str:
    """Plain text with formulas as Markdown with ``$...$`` math."""
    return _join(text, escape_markdown)


# -- HTML ----------------------------------------------------------------------------------------------------------
def escape_html_math(latex: str) -> str:
    r"""LaTeX math inside HTML: ``<``, ``>`` and ``&`` as entities (the browser decodes them before KaTeX reads)."""
    return html.escape(latex, quote=False)


def html_text(text: str) -> str:
    r"""Plain text with formulas as HTML: text escaped, math as ``\(...\)`` for KaTeX's auto-render.

    NOTE: ``\(...\)`` rather than ``$...$``, so a dollar in the text never starts math in the browser."""
    parts = []
    for is_math, content in segments(text):
        if is_math:
            parts.append(r"\(" + escape_html_math(rename_math(content.strip())) + r"\)")
        else:
            # NOTE: KaTeX's auto-render reads the decoded text of each run of text nodes: an entity would not hide
            # "\(x\)", an empty element after each backslash does (the browser shows the text as written).
            parts.append(html.escape(content, quote=True).replace("\\", "\\<span></span>"))
    return "".join(parts)


def _join(text: str, escape: Callable[[str], str]) -> str:
    parts = []
    for is_math, content in segments(text):
        parts.append(f"${rename_math(content.strip())}$" if is_math else escape(content))
    # NOTE: a formula next to a symbol the escape set as math ("‖x‖²": ...$$^{2}$) must not open display math
    return re.sub(r"(?<!\\)\$\$", "", "".join(parts))


# -- the terminal ------------------------------------------------------------------------------------------------
# the first character a command stands for (μ, not the micro sign µ; Σ, not ∑)
_COMMANDS = {tex[1:]: c for c, tex in reversed(MATH_UNICODE.items()) if re.fullmatch(r"\\[A-Za-z]+", tex)}


def plain_text(text: str) -> str:
    r"""Text for the terminal: the author's math without its ``$`` or ``:math:`` markers, simple commands as the
    Unicode they stand for (``$\sigma > 0$`` → ``σ > 0``), ``\$`` as ``$``; other LaTeX is left as written."""
    parts = []
    pos = 0
    for found in _EXPLICIT.finditer(text):
        parts.append(_DOLLAR.sub("$", text[pos : found.start()]))
        role, dollars = found.groups()
        written = role if role is not None else dollars
        if latex_problems(unicode_to_math(_written(found))):  # shown as text elsewhere too, markers and all
            parts.append(found.group(0))
            pos = found.end()
            continue
        parts.append(re.sub(r"\\([A-Za-z]+)", lambda m: _COMMANDS.get(m[1], m[0]), written))
        pos = found.end()
    parts.append(_DOLLAR.sub("$", text[pos:]))
    return "".join(parts)


def paragraphs(text: str) -> list[str]:
    """``text`` split at blank lines, each paragraph on one line (docstrings wrap lines by hand)."""
    # NOTE: tabs survive (a :math: role may hold a TAB that was ``\t``; :func:`segments` restores it).
    return [re.sub(r"[ ]*\n[ ]*", " ", p.strip(" \n")) for p in re.split(r"\n[ \t]*\n", text.strip(" \n")) if p.strip()]
