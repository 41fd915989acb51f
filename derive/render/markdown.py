"""A derivation as Markdown that renders in Jupyter, GitHub and MkDocs alike.

The chain is display math in ``$$\\begin{aligned} ... \\end{aligned}$$`` blocks with the line numbers written
out (``&& \\checkmark \\quad (3)``: ``\\tag`` and ``\\label`` are not allowed inside ``aligned``, and ``\\text``
would need escaping that each renderer treats differently). Prose between lines (a worked example, a step's
``prose``) ends one block and starts the next, as ``\\intertext`` does in LaTeX. The justifications follow as a
numbered list whose numbers match the lines, with the evidence in words. The display holding the last line, the
derivation's conclusion, is preceded by the anchor ``<a id="<derivation>"></a>``; a step that cites another
derivation links to it there (``[Gibbs' inequality](gibbs-inequality.md#gibbs-inequality)``).
"""

from __future__ import annotations

import re
from collections.abc import Mapping

from derive.core.evidence import Evidence, StepResult
from derive.core.model import Derivation
from derive.render import base, chain
from derive.render.code import Code, references
from derive.render.links import Cited, joined
from derive.render.style import Notation, for_derivation, using
from derive.render.text import markdown_text, paragraphs

#: How math is delimited: ``dollars`` (``$...$``, ``$$...$$``: Jupyter, MkDocs, pandoc, Quarto) or ``github``.
MATH_SYNTAXES = ("dollars", "github")


def render_markdown(
    derivation: Derivation,
    results: list[StepResult],
    notation: Notation | None = None,
    *,
    math: str = "dollars",
    known: Mapping[str, Cited] | None = None,
) -> str:
    """The derivation as Markdown with ``$...$`` and ``$$...$$`` math.

    Args:
        derivation: the derivation to write up.
        results: one ``StepResult`` per step of ``derivation``, in order.
        notation: symbol names and logarithms for the output (:class:`~derive.render.style.Notation`).
        math: ``"dollars"``, or ``"github"`` for GitHub's own math syntax (:func:`github_math`).
        known: the derivations its steps may cite, by name (:func:`derive.render.links.library`), for the titles
            of the links; a name not in it is its own link text.

    Returns:
        Markdown ending in a newline; the same input always gives the same bytes.

    Raises:
        ValueError: if ``results`` does not have one entry per step.
    """
    if math not in MATH_SYNTAXES:
        raise ValueError(f"math must be one of {', '.join(MATH_SYNTAXES)}, not {math!r}")
    with using(for_derivation(notation, derivation)):
        text = _markdown(derivation, results, known)
    return github_math(text) if math == "github" else text


_FENCE = re.compile(r"^```.*?^```[ \t]*$", re.M | re.S)
_DISPLAY = re.compile(r"^\$\$\n(.*?)\n\$\$$", re.M | re.S)
_CODE_SPAN = re.compile(r"`[^`\n]+`")
_INLINE = re.compile(r"(?<![\\$])\$(?!\$)([^$\n]+?)(?<!\\)\$")


def github_math(markdown: str) -> str:
    """``$$...$$`` blocks as ```` ```math ```` fences and ``$...$`` as ``$`...`$``.

    GitHub applies Markdown's backslash escapes inside ``$...$`` before MathJax sees it, so ``\\{``, ``\\,``,
    ``\\|`` and ``\\_`` lose their backslash (github/markup#1746); inside its own syntax the math is left alone.
    Code (fenced blocks, code spans) is not touched; text never holds a bare ``$`` (``markdown_text`` escapes it).
    """
    out, pos = [], 0
    for fence in _FENCE.finditer(markdown):
        out.append(_github_prose(markdown[pos : fence.start()]))
        out.append(fence.group(0))
        pos = fence.end()
    out.append(_github_prose(markdown[pos:]))
    return "".join(out)


def _github_prose(text: str) -> str:
    text = _DISPLAY.sub(lambda m: f"```math\n{m.group(1)}\n```", text)
    out, pos = [], 0
    for span in _CODE_SPAN.finditer(text):
        out.append(_INLINE.sub(r"$`\1`$", text[pos : span.start()]))
        out.append(span.group(0))
        pos = span.end()
    out.append(_INLINE.sub(r"$`\1`$", text[pos:]))
    return "".join(out)


def _markdown(derivation: Derivation, results: list[StepResult], known=None) -> str:
    shown = chain.build(derivation, results, known)
    parts = [f"# {markdown_text(derivation.title)}"]
    parts.extend(markdown_text(p) for p in paragraphs(derivation.intro))
    stated = base.assumptions(derivation) + [markdown_text(n) for n in derivation.context.notes]
    if stated:
        parts.append("**Assumptions**\n\n" + "\n".join(f"- {s}" for s in stated))
    defined = base.definitions(derivation)
    if defined:
        parts.append("**Definitions**\n\n" + "\n".join(f"- ${d}$" for d in defined))
    parts.extend(_anchored(MarkdownChain(shown).blocks(), shown.conclusion))
    parts.append("**Justifications**\n\n" + "\n".join(_justification(line) for line in shown.lines))
    codes = references(derivation, results)
    parts.extend(_code(c) for c in codes)
    parts.append(_legend(shown.evidences + [c.evidence for c in codes]))
    parts.extend(markdown_text(p) for p in paragraphs(derivation.closing))
    return "\n\n".join(parts) + "\n"


class MarkdownChain(chain.ChainRenderer):
    """The chain as display-math blocks with the prose between them; the justifications follow as a list."""

    def __init__(self, shown: chain.Chain):
        super().__init__(shown)
        self.out: list[str] = []  # the blocks and paragraphs written so far
        self.rows: list[str] = []  # the rows of the block being written

    def text(self, plain: str) -> str:
        return markdown_text(plain)

    def blocks(self) -> list[str]:
        """Display-math blocks and paragraphs, in order: prose ends a block, and the chain resumes in the next."""
        self.out, self.rows = [], []
        for line in self.chain:
            self.render(line)
        self.flush()
        return self.out

    def flush(self) -> None:
        if self.rows:
            self.out.append("$$\n\\begin{aligned}\n" + " \\\\\n".join(self.rows) + "\n\\end{aligned}\n$$")
            self.rows = []

    def _render_Opening(self, line: chain.Line) -> None:
        self.rows.append(f"{line.lhs} &= {line.rhs}")

    def _render_Claim(self, line: chain.Line) -> None:
        said = self.said(line)
        if said:
            self.flush()
            self.out.append(" ".join(said))
        lhs = line.lhs or ("" if self.rows else line.resume)  # a block that resumes the chain repeats its left side
        self.rows.append(rf"{lhs} &{line.relation} {line.rhs} && {line.mark} \quad ({line.number})")

    def _render_Example(self, line: chain.Line) -> None:
        self._render_Claim(line)
        self.flush()  # the chain resumes after the example in a block of its own


def _anchored(blocks: list[str], conclusion: str) -> list[str]:
    """``blocks`` with the conclusion's anchor before the last display (the one holding the chain's last line)."""
    displays = [n for n, block in enumerate(blocks) if block.startswith("$$")]
    if not displays:
        return blocks
    return blocks[: displays[-1]] + [f'<a id="{conclusion}"></a>'] + blocks[displays[-1] :]


def _justification(line: chain.Line) -> str:
    word = base.MARKS[line.evidence].word
    text = f"{line.number}. **{word}** {line.symbol} — {markdown_text(line.because)}"
    if line.citations:
        text += " — cites " + joined([f"[{markdown_text(c.title)}]({c.href})" for c in line.citations])
    detail = line.result.detail.strip()
    if detail:
        text += f" ({markdown_text(detail)})"
    if line.rules:
        text += " — by " + ", ".join(_used(u) for u in line.rules)
    text += "."
    if line.evidence is Evidence.REFUTED and line.result.counterexample is not None:
        described = line.result.counterexample.describe().splitlines()
        text += "\n\n   ```text\n" + "\n".join(f"   {d}" for d in described) + "\n   ```\n"
    return text


def _used(used: base.Used) -> str:
    name = f"`{used.rule}`" + (" (reverse)" if used.reverse else "")
    if used.assumptions:
        name += " [" + ", ".join(markdown_text(a) for a in used.assumptions) + "]"
    return name


def _code(code: Code) -> str:
    """The function's source, as latexify-py typesets it, the formula it computes, and how that was checked."""
    word, symbol = base.MARKS[code.evidence].word, base.mark_symbol(code.evidence, code.result)
    check = f"**{word}** {symbol}"
    if code.result.detail.strip():
        check += f" ({markdown_text(code.result.detail.strip())})"
    check += "."
    if code.evidence is Evidence.REFUTED and code.result.counterexample is not None:
        check += "\n\n```text\n" + code.result.counterexample.describe() + "\n```"
    return "\n\n".join(
        [
            f"**The code, and the formula it computes.** The function `{code.name}`:",
            f"```python\n{code.source}```",
            "typeset by latexify-py,",
            f"$$\n{code.code}\n$$",
            "computes the formula the derivation arrives at,",
            f"$$\n{code.formula}\n$$",
            f"{markdown_text(code.convention)} {check}".strip(),
        ]
    )


def _legend(evidences: list[Evidence]) -> str:
    entries = [f"{mark.symbol} {markdown_text(mark.meaning)}" for mark in base.used_marks(evidences)]
    return "**Marks:** " + "; ".join(entries) + "."
