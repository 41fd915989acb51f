"""Fitting a chain's math to its column: estimate how wide a LaTeX formula sets, and break one that is too wide.

TeX alone knows the width of a formula, and the fragments promise only amsmath and amssymb (no ``multlined``,
no ``\\resizebox``), so the renderers break long lines themselves: :func:`width` estimates the width of
display-style math from its LaTeX source (a visible-character count, weighted as Computer Modern sets them;
within about 10% on the bundled derivations), and :func:`wrap` cuts a right-hand side into pieces that each fit a
given width, at the top-level ``+`` and ``-`` of the LaTeX string first (outside braces, brackets and
``\\left...\\right``), then between the factors of a product. Each piece after the first starts with its
operator (``+ ...``, ``- ...``, ``\\times ...``), for a continuation row ``&\\quad + ...`` of an ``align``.

It works on the LaTeX string alone, so it breaks whatever order and grouping the printer chose.
"""

from __future__ import annotations

import re

#: Ordinary math characters' widths in em (Computer Modern italic letters, digits, delimiters).
_CHAR = {"(": 0.39, ")": 0.39, "[": 0.28, "]": 0.28, "|": 0.28, ",": 0.45, ";": 0.45, ".": 0.28, "/": 0.5, "!": 0.3}
_CHAR.update({"'": 0.3, "<": 1.33, ">": 1.33, "=": 1.33, "+": 1.22, "-": 1.22, "*": 0.5, ":": 0.83})
_CHAR.update({c: 0.36 for c in "fijlt"} | {c: 0.8 for c in "mwMNW"} | {c: 0.7 for c in "ABCDEGHKOQRUVXYZ"})
#: Commands that are a space, a relation or a binary operator, or a symbol of unusual width, in em.
_COMMAND = {",": 0.17, ";": 0.28, ":": 0.22, " ": 0.33, "!": -0.17, "quad": 1.0, "qquad": 2.0, "|": 0.5}
_COMMAND.update({r: 1.33 for r in ("le", "ge", "ne", "leq", "geq", "neq", "sim", "mid", "approx", "to", "in")})
_COMMAND.update({b: 1.22 for b in ("times", "pm", "mp", "otimes", "oplus")} | {"cdot": 0.72, "ldots": 1.2})
_COMMAND.update({"cdots": 1.2, "dots": 1.2, "infty": 1.0, "left": 0.0, "right": 0.0, "notag": 0.0, "nonumber": 0})
_COMMAND.update({"displaystyle": 0.0, "textstyle": 0.0, "limits": 0.0, "big": 0.0, "Big": 0.0, "bigl": 0.0})
_COMMAND.update({"bigr": 0.0, "Bigl": 0.0, "Bigr": 0.0, "mathopen": 0.0, "mathclose": 0.0, "partial": 0.57})
#: Commands whose one argument is set as it is (fonts and accents): the argument's width.
_WRAPPERS = {"mathrm", "mathit", "mathbf", "mathsf", "mathtt", "mathcal", "mathbb", "mathfrak", "boldsymbol"}
_WRAPPERS |= {"hat", "bar", "tilde", "vec", "dot", "ddot", "widehat", "widetilde", "overline", "underline"}
_WRAPPERS |= {"text", "textrm", "textit", "textbf", "texttt", "mbox", "operatorname"}
#: Big operators: their limits go below and above in display style.
_BIG = {"sum": 1.44, "prod": 1.28, "coprod": 1.28, "bigcup": 1.15, "bigcap": 1.15, "int": 0.6, "oint": 0.6}
#: Named functions, set upright: their letters and a thin space.
_FUNCTIONS = {"log", "ln", "lg", "exp", "sin", "cos", "tan", "sinh", "cosh", "tanh", "arctan", "max", "min", "det"}
_FUNCTIONS |= {"lim", "arg", "sup", "inf", "Pr", "deg", "dim", "ker", "gcd", "argmax", "argmin"}
#: Script sizes: display and text style → script (0.7) → scriptscript (0.5).
_SMALLER = {1.0: 0.7, 0.7: 0.5, 0.5: 0.5}

_TOKEN = re.compile(r"\\[A-Za-z]+\*?|\\.|\s+|.", re.S)


def tokens(latex: str) -> list[str]:
    """``latex`` as a list of tokens: commands (``\\frac``), escaped characters (``\\,``), spaces and characters."""
    return _TOKEN.findall(latex)


def _group(toks: list[str], i: int) -> tuple[list[str], int]:
    """The argument starting at ``toks[i]`` (a brace group's contents, or one token), and the index after it."""
    while i < len(toks) and toks[i].isspace():
        i += 1
    if i >= len(toks):
        return [], i
    if toks[i] != "{":
        return [toks[i]], i + 1
    depth, j = 0, i
    for j in range(i, len(toks)):
        depth += toks[j] == "{"
        depth -= toks[j] == "}"
        if depth == 0:
            break
    return toks[i + 1 : j], j + 1


def width(latex: str, display: bool = True) -> float:
    """The estimated width in em of ``latex`` set as math (display style unless ``display`` is False)."""
    return _width(tokens(latex), 1.0, display)


def _width(toks: list[str], scale: float, display: bool) -> float:
    total, i = 0.0, 0
    while i < len(toks):
        t = toks[i]
        i += 1
        if t.isspace() or t in "{}&":
            if t == "{":  # a bare group: its contents
                inner, i = _group(toks, i - 1)
                total += _width(inner, scale, display)
            continue
        name = t[1:].rstrip("*") if t.startswith("\\") else None
        if t in "^_":
            sub, i = _group(toks, i)
            w = _width(sub, _SMALLER[scale], False)
            # a subscript and a superscript on one base stack: count the wider one only
            if i < len(toks) and toks[i] in "^_" and toks[i] != t:
                other, i = _group(toks, i + 1)
                w = max(w, _width(other, _SMALLER[scale], False))
            total += w
        elif name in ("frac", "dfrac", "tfrac", "binom"):
            num, i = _group(toks, i)
            den, i = _group(toks, i)
            inner = scale if display and name != "tfrac" else _SMALLER[scale]
            total += max(_width(num, inner, False), _width(den, inner, False)) + 0.24 * scale
        elif name in ("substack", "begin"):  # rows of limits, or of an aligned: the widest
            arg, i = _group(toks, i)
            if name == "begin":  # the environment's body, up to its \end{...}
                end = toks.index("\\end", i) if "\\end" in toks[i:] else len(toks)
                arg, i = toks[i:end], _group(toks, end + 1)[1]
            rows, row = [], []
            for tok in [*arg, "\\\\"]:
                if tok == "\\\\":
                    rows.append(_width(row, scale, display))
                    row = []
                else:
                    row.append(tok)
            total += max(rows)
        elif name == "sqrt":
            arg, i = _group(toks, i)
            total += _width(arg, scale, display) + 0.83 * scale
        elif name in _WRAPPERS:
            arg, i = _group(toks, i)
            upright = name in ("mathrm", "text", "textrm", "mbox", "operatorname")
            total += _width(arg, scale, display) * (0.85 if upright else 1.0) + (0.17 * scale if upright else 0.0)
        elif name in _BIG:
            if display and i < len(toks) and toks[i] in "^_":
                limits = 0.0
                while i < len(toks) and toks[i] in "^_":
                    arg, i = _group(toks, i + 1)
                    limits = max(limits, _width(arg, _SMALLER[scale], False))
                total += max(_BIG[name] * scale, limits) + 0.17 * scale
            else:
                total += (_BIG[name] * (0.75 if not display else 1.0) + 0.17) * scale
        elif name in ("left", "right"):  # a delimiter stretched to its contents is wider than a plain one
            delimiter = toks[i] if i < len(toks) else "."
            i += 1
            total += 0 if delimiter == "." else 0.55 * scale
        elif name is not None and name in _COMMAND:
            total += _COMMAND[name] * scale
        elif name is not None and name.isalpha():
            # \log, \exp, \max: the name's letters upright, with a thin space; \alpha, \sigma: one glyph
            upright = name in _FUNCTIONS
            total += (0.45 * len(name) + 0.17 if upright else 0.6) * scale
        else:
            total += _CHAR.get(t if name is None else t[1:], 0.5) * scale
    return total


# -- breaking ---------------------------------------------------------------------------------------------------------
_OPEN = {"{", "(", "["}
_CLOSE = {"}", ")", "]"}
#: Tokens after which a + or - is a sign, not a binary operator.
_NOT_A_TERM = {"+", "-", "=", "<", ">", "(", "[", "{", ",", "\\le", "\\ge", "\\ne", "\\cdot", "\\times", "&"}


def _top_level(toks: list[str]) -> list[int]:
    """The indices of the tokens at top level: outside braces, brackets, parentheses and ``\\left...\\right``."""
    out, depth, i = [], 0, 0
    while i < len(toks):
        t = toks[i]
        if t in ("\\left", "\\right"):
            depth += 1 if t == "\\left" else -1
            i += 2 if i + 1 < len(toks) else 1  # the delimiter belongs to the command
            continue
        if t in _OPEN:
            depth += 1
        elif t in _CLOSE:
            depth -= 1
        elif depth == 0:
            out.append(i)
        i += 1
    return out


def terms(latex: str) -> list[str]:
    """``latex`` cut before each top-level binary ``+`` and ``-``; pieces after the first start with the sign.

    ``a - \\frac{1}{2} + \\left(b - c\\right)`` gives ``["a", "- \\frac{1}{2}", "+ \\left(b - c\\right)"]``; a
    leading sign (``- a + b``) stays with its term, and nothing inside a group is ever cut.
    """
    toks = tokens(latex)
    cuts, last = [], None
    top = set(_top_level(toks))
    for i, t in enumerate(toks):
        if t.isspace():
            continue
        if i in top and t in "+-" and last is not None and last not in _NOT_A_TERM and last not in "^_":
            cuts.append(i)
        last = t
    return _pieces(toks, cuts)


#: Tokens a factor of a product may start with: a break before one of them reads as ``\times`` that factor.
_FACTOR_START = {
    "\\left",
    "\\log",
    "\\ln",
    "\\exp",
    "\\frac",
    "\\sum",
    "\\prod",
    "\\mathbb",
    "\\sqrt",
    "\\operatorname",
}


def factors(latex: str) -> list[str]:
    """``latex``, a product, cut before each top-level factor that starts a new group (``\\left(``, ``\\log``,
    ``\\frac``, ``\\sum``, ...); pieces after the first start with ``\\times``. A term with a sign keeps it first."""
    toks = tokens(latex)
    top = set(_top_level(toks))
    cuts, seen = [], False
    for i, t in enumerate(toks):
        if t.isspace():
            continue
        if i in top and t in _FACTOR_START and seen:
            cuts.append(i)
        seen = seen or (t not in "+-" and i in top)
    return [p if n == 0 else rf"\times {p}" for n, p in enumerate(_pieces(toks, cuts))]


def _pieces(toks: list[str], cuts: list[int]) -> list[str]:
    bounds = [0, *cuts, len(toks)]
    pieces = ["".join(toks[a:b]).strip() for a, b in zip(bounds, bounds[1:], strict=False)]
    return [p for p in pieces if p]


def wrap(latex: str, first: float, rest: float) -> list[str]:
    """``latex`` in pieces, the first at most ``first`` em wide and each other at most ``rest`` em, where it can.

    Cuts at top-level ``+``/``-`` (:func:`terms`), packing as many terms on a row as fit; a term wider than its
    row is cut between the factors of its product (:func:`factors`), and a factor that is one wide group
    (``\\mathbb{E}\\left[ ... \\right]``) is opened (:func:`opened`). A piece that no cut makes narrow enough
    is left whole. One piece when ``latex`` fits in ``first``.
    """
    if width(latex) <= first:
        return [latex]
    rows: list[str] = []
    for unit in _units(latex, rest):
        room = first if len(rows) == 1 else rest
        if rows and width(f"{rows[-1]} {unit}") <= room:
            rows[-1] = f"{rows[-1]} {unit}"
        else:
            rows.append(unit)
    return rows


def _units(latex: str, room: float, depth: int = 0) -> list[str]:
    """``latex`` cut into pieces no wider than ``room`` where the cuts allow: terms, then factors, then groups."""
    if width(latex) <= room or depth > 4:
        return [latex]
    for cut in (terms, factors, opened):
        pieces = cut(latex)
        if len(pieces) > 1:
            return [unit for piece in pieces for unit in _units(piece, room, depth + 1)]
    return [stacked(latex, room)]


def stacked(latex: str, room: float) -> str:
    """``latex`` with the numerator (or denominator) of its widest top-level fraction set on several rows of an
    ``aligned``, when that fraction is what makes it wider than ``room`` em: a fraction cannot break across the
    rows of the chain, but its parts can stack. ``latex`` itself when no fraction is to blame."""
    toks = tokens(latex)
    top = _top_level(toks)
    best = None
    for i in top:
        if toks[i] == "\\frac":
            num, after_num = _group(toks, i + 1)
            den, end = _group(toks, after_num)
            if best is None or max(width("".join(num)), width("".join(den))) > best[0]:
                best = (max(width("".join(num)), width("".join(den))), i, "".join(num), "".join(den), end)
    if best is None:
        return latex
    wide, i, num, den, end = best
    inner = room - (width(latex) - wide)  # what the fraction's parts may take beside the rest of the piece
    if inner <= 4.0:
        return latex
    parts = [_aligned(wrap(part, inner, inner - 1.0)) if width(part) > inner else part for part in (num, den)]
    return "".join(toks[:i]) + rf"\frac{{{parts[0]}}}{{{parts[1]}}}" + "".join(toks[end:])


def _aligned(rows: list[str]) -> str:
    if len(rows) < 2:
        return rows[0]
    body = " \\\\ ".join([f"&{rows[0]}"] + [rf"&\quad {{}}{row}" for row in rows[1:]])
    return rf"\begin{{aligned}}{body}\end{{aligned}}"


def opened(latex: str) -> list[str]:
    """``latex`` cut inside its widest top-level ``\\left...\\right`` group, at the group's own terms (else its
    factors); the delimiters become ``\\biggl``/``\\biggr`` (``\\bigl`` without fractions or big operators
    inside), which, unlike ``\\left``/``\\right``, may stand on different rows. One piece when nothing opens."""
    toks = tokens(latex)
    groups, stack, braces = [], [], 0
    for i, t in enumerate(toks):
        braces += (t == "{") - (t == "}")
        if braces:  # inside a subscript or an argument
            continue
        if t == "\\left":
            stack.append(i)
        elif t == "\\right" and stack:
            start = stack.pop()
            if not stack:
                groups.append((start, i))
    if not groups:
        return [latex]
    start, end = max(groups, key=lambda g: width("".join(toks[g[0] : g[1] + 2])))
    inner = "".join(toks[start + 2 : end])
    pieces = terms(inner)
    pieces = pieces if len(pieces) > 1 else factors(inner)
    if len(pieces) < 2:
        return [latex]
    tall = any(t in ("\\frac", "\\sum", "\\prod") for t in toks[start:end])
    size = "\\bigg" if tall else "\\big"
    before = "".join(toks[:start]) + f"{size}l{toks[start + 1]} "
    after = f" {size}r{toks[end + 1] if end + 1 < len(toks) else '.'}" + "".join(toks[end + 2 :])
    return [before + pieces[0], *pieces[1:-1], pieces[-1] + after]


# -- displays outside the chain ----------------------------------------------------------------------------------
def display(math: str, room: float) -> str:
    r"""``\[ math \]``, or, when wider than ``room`` em, its right side (after the first top-level ``=``) broken
    into the rows of an ``aligned``, as the chain breaks its lines."""
    if width(math) <= room:
        return rf"\[ {math} \]"
    lhs, equals, rhs = _split_at_equals(math)
    pieces = wrap(rhs, room - width(lhs) - width(equals), room - width(lhs) - width(equals) - 1.0)
    rows = [f"{lhs} &{equals} {pieces[0]}"] + [rf"&\quad {{}}{p}" for p in pieces[1:]]
    return "\\[ \\begin{aligned}\n" + " \\\\\n".join(rows) + "\n\\end{aligned} \\]"


def _split_at_equals(math: str) -> tuple[str, str, str]:
    """``(lhs, "=", rhs)`` at the first ``=`` outside every group, or ``("", "", math)`` when there is none."""
    depth = 0
    for n, ch in enumerate(math):
        depth += ch in "{(["
        depth -= ch in "})]"
        if ch == "=" and depth == 0:
            return math[:n].strip(), "=", math[n + 1 :].strip()
    return "", "", math


#: Verbatim sizes by the longest line they fit in an article's text width (lmtt is 0.525em a character).
VERBATIM_SIZES = ((80, r"\small"), (90, r"\footnotesize"), (100, r"\scriptsize"), (10**9, r"\tiny"))


def verbatim(source: str) -> str:
    """The source in ``verbatim``, at the largest size its longest line fits in (verbatim never breaks a line)."""
    longest = max((len(line.expandtabs()) for line in source.splitlines()), default=0)
    size = next(size for chars, size in VERBATIM_SIZES if longest <= chars)
    return "{" + size + "\n\\begin{verbatim}\n" + source + "\\end{verbatim}}"
