"""One derivation's page: intro, assumptions, the chain, the reference code, the marks, the closing remark.

The chain is a table aligned at the relations, as LaTeX's ``align`` sets it: the left side right-aligned in one
column, the relation and right side in the next, then the evidence mark, the line number and the justification.
Each line's row carries its stable anchor, the label every format uses (``id="iid-cross-entropy:take-logs"``;
:attr:`derive.render.chain.Line.label`), and the chain's last line also carries the derivation's conclusion label,
which citations link to (``gibbs-inequality.html#gibbs-inequality``; :mod:`derive.render.links`). What each line
used (the evidence, the rules of the proof and the assumptions each rule needed) is shown on demand in a
``<details>`` element; a refuted line's counterexample is always shown.
"""

from __future__ import annotations

import html
from collections.abc import Mapping

from derive.core.evidence import Evidence, StepResult
from derive.core.model import Derivation
from derive.render import base, chain
from derive.render.code import Code, references
from derive.render.html.page import attr, latex_sentence, link, math, text
from derive.render.links import Cited, joined
from derive.render.text import paragraphs


def derivation_body(
    derivation: Derivation, results: list[StepResult], shown: chain.Chain, pages: Mapping[str, str]
) -> str:
    """The body of ``derivation``'s page (the notation must already be in force).

    ``shown``: its chain (:func:`derive.render.chain.build`, with the derivations its steps may cite); ``pages``:
    the page of each derivation of the site, by name; a citation of a derivation without a page is shown as its
    title.
    """
    parts = [f"<h1>{text(derivation.title)}</h1>"]
    parts += [f'<p class="intro">{text(p)}</p>' for p in paragraphs(derivation.intro)]
    stated = [latex_sentence(s) for s in base.assumptions(derivation)]
    stated += [text(n) for n in derivation.context.notes]
    if stated:
        parts.append("<h2>Assumptions</h2>\n<ul>" + "".join(f"<li>{s}</li>" for s in stated) + "</ul>")
    defined = base.definitions(derivation)
    if defined:
        parts.append("<h2>Definitions</h2>\n<ul>" + "".join(f"<li>{math(d)}</li>" for d in defined) + "</ul>")
    parts.append("<h2>The derivation</h2>")
    parts.append(HtmlChain(shown, pages).table())
    codes = references(derivation, results)
    parts += [_code(c) for c in codes]
    parts.append(legend(shown.evidences + [c.evidence for c in codes]))
    parts += [f'<p class="closing">{text(p)}</p>' for p in paragraphs(derivation.closing)]
    return "\n".join(parts)


class HtmlChain(chain.ChainRenderer):
    """The chain as table rows; prose between lines is a row of its own, spanning the table."""

    def __init__(self, shown: chain.Chain, pages: Mapping[str, str]):
        super().__init__(shown)
        self.pages = pages
        self.rows: list[str] = []

    def text(self, plain: str) -> str:
        return text(plain)

    def emphasis(self, inner: str) -> str:
        return f"<em>{inner}</em>"

    def cites(self, cited: tuple[Cited, ...], first: bool = False) -> str:
        """``; cites <a href="gibbs-inequality.html#gibbs-inequality">Gibbs' inequality</a>``."""
        shown = [self.cited(c) for c in cited]
        return ("Cites " if first else "; cites ") + joined(shown)

    def cited(self, c: Cited) -> str:
        """A link to the cited conclusion, or the cited title where the site has no page for it."""
        title = text(c.title)
        return link(f"{self.pages[c.name]}#{c.label}", title) if c.name in self.pages else title

    def table(self) -> str:
        self.rows = []
        for line in self.chain:
            self.render(line)
        return '<table class="chain">\n' + "\n".join(self.rows) + "\n</table>"

    def _row(self, line: chain.Line, lhs: str, anchor: str) -> str:
        cells = [
            f'<td class="lhs"><div class="math-cell">{math(lhs, display=True)}</div></td>',
            f'<td class="rhs"><div class="math-cell">{math("{} " + line.relation + " " + line.rhs, True)}</div></td>',
        ]
        if line.evidence is None:  # the opening line, or a chain not checked yet
            cells += ['<td class="mark"></td>', '<td class="number"></td>', '<td class="why"></td>']
        else:
            word = base.MARKS[line.evidence].word
            cells.append(f'<td class="mark {attr(line.evidence.value)}" title="{attr(word)}">{math(line.mark)}</td>')
            cells.append(f'<td class="number">{anchor}{link("#" + line.label, f"({line.number})")}</td>')
            cells.append(f'<td class="why">{self.justification(line)}{checked(line)}</td>')
        row_id = f' id="{attr(line.label)}"' if line.number else ""
        kind = "opening" if isinstance(line, chain.Opening) else "line"
        return f'<tr class="{kind}"{row_id}>' + "".join(cells) + "</tr>"

    def _render_Opening(self, line: chain.Line) -> None:
        self.rows.append(self._row(line, line.lhs, ""))

    def _render_Claim(self, line: chain.Line) -> None:
        said = self.said(line)
        if said:
            self.rows.append(f'<tr class="prose"><td colspan="5">{" ".join(said)}</td></tr>')
        lhs = line.lhs or (line.resume if said else "")  # after prose, the chain resumes with its left side
        last = line is self.chain.lines[-1]
        anchor = f'<span id="{attr(self.chain.conclusion)}"></span>' if last and self.chain.conclusion else ""
        self.rows.append(self._row(line, lhs, anchor))

    def _render_Example(self, line: chain.Line) -> None:
        self._render_Claim(line)


def checked(line: chain.Line) -> str:
    """How the line was checked, shown on demand: the evidence and its detail, the rules and their assumptions;
    then, outside the ``<details>``, a refuted line's counterexample."""
    if line.result is None:
        return ""
    word = base.MARKS[line.evidence].word
    said = f"<strong>{html.escape(word)}</strong>"
    detail = line.result.detail.strip()
    if detail:
        said += f" ({text(detail)})"
    items = [f"<li>{_used(u)}</li>" for u in line.rules]
    rules = f"<ul>{''.join(items)}</ul>" if items else ""
    out = f"<details><summary>how it was checked</summary><p>{said}.</p>{rules}</details>"
    if line.evidence is Evidence.REFUTED and line.result.counterexample is not None:
        out += f"<pre>{html.escape(line.result.counterexample.describe())}</pre>"
    return out


def _used(used: base.Used) -> str:
    name = f"<code>{html.escape(used.rule)}</code>" + (" (reverse)" if used.reverse else "")
    if used.assumptions:
        name += ", using " + "; ".join(text(a) for a in used.assumptions)
    return name


def _code(code: Code) -> str:
    """The function's source, as latexify-py typesets it, the formula it computes, and how that was checked."""
    word, symbol = base.MARKS[code.evidence].word, base.mark_symbol(code.evidence, code.result)
    check = f"<strong>{html.escape(word)}</strong> {html.escape(symbol)}"
    if code.result.detail.strip():
        check += f" ({text(code.result.detail.strip())})"
    parts = [
        f"<h2>The code, and the formula it computes</h2>\n<p>The function <code>{html.escape(code.name)}</code>:</p>",
        f"<pre><code>{html.escape(code.source)}</code></pre>",
        f"<p>typeset by latexify-py,</p>\n<p>{math(code.code, display=True)}</p>",
        f"<p>computes the formula the derivation arrives at,</p>\n<p>{math(code.formula, display=True)}</p>",
        f"<p>{text(code.convention)} {check}.</p>",
    ]
    if code.evidence is Evidence.REFUTED and code.result.counterexample is not None:
        parts.append(f"<pre>{html.escape(code.result.counterexample.describe())}</pre>")
    return "\n".join(parts)


def legend(evidences: list[Evidence]) -> str:
    """The marks that ``evidences`` use, each with its meaning."""
    entries = [f"{math(mark.latex)} {text(mark.meaning)}" for mark in base.used_marks(evidences)]
    return f'<p class="legend"><strong>Marks:</strong> {"; ".join(entries)}.</p>' if entries else ""
