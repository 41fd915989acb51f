"""Every page of the site, by file name: the index, one page per derivation, the questions, the graph.

The derivations' pages are named for the derivations (``iid-cross-entropy.html``); the index, the questions and
the graph have fixed names (:data:`~derive.render.html.page.INDEX`, ...), and a derivation whose name would take
one of them gets ``derivation-<name>.html`` instead. The questions are those :func:`derive.render.notes.questions`
finds for the lecture notes, each linked to the line (or the page) that answers it; the graph page is written only
when a derivation cites another.
"""

from __future__ import annotations

import html
import re
from collections.abc import Sequence

from derive.core.evidence import Evidence, StepResult
from derive.core.model import Derivation
from derive.render import base, links
from derive.render.chain import build
from derive.render.graph import DEPENDENCIES
from derive.render.html.derivation import derivation_body, legend
from derive.render.html.page import GRAPH, INDEX, QUESTIONS, frame, link, math, text
from derive.render.html.svg import svg
from derive.render.links import label_safe
from derive.render.notes import check_names, in_notation, questions
from derive.render.text import plain_text

Checked = tuple[Derivation, list[StepResult]]
_RESERVED = {INDEX, QUESTIONS, GRAPH}


def page_name(name: str) -> str:
    """The file of the derivation ``name``'s page: ``<name>.html``, or ``derivation-<name>.html`` where that would
    be the index's, the questions' or the graph's."""
    page = f"{label_safe(name)}.html"
    return f"derivation-{page}" if page in _RESERVED else page


def render_site(checked: Sequence[Checked], title: str, notation=None) -> dict[str, str]:
    """The site of ``checked`` (``(derivation, results)`` pairs, in the order given): HTML by file name.

    Raises:
        ValueError: if there are no derivations, or two share a name, or two names would share a page or an anchor
            once made label-safe (:class:`~derive.render.links.LabelClash`, naming both).
    """
    check_names(checked)  # repeated names, and names or steps whose labels clash (links.check_labels)
    derivations = [d for d, _ in checked]
    known = links.library(derivations)
    pages = _pages(derivations)
    edges = links.edges(derivations)
    chains = {}
    for d, results in checked:  # NOTE: built once (it is the costly part) and shown on every page that needs it
        with in_notation(notation, d):
            chains[d.name] = build(d, results, known)
    asked = _questions(checked, notation, pages, chains)
    nav = [(INDEX, "All derivations")]
    nav += [(QUESTIONS, "Questions answered")] if asked else []
    nav += [(GRAPH, "Which result cites which")] if edges else []
    site = {INDEX: frame(title, _index(checked, title, notation, pages, chains), title, nav)}
    for d, results in checked:
        with in_notation(notation, d):
            body = derivation_body(d, results, chains[d.name], pages)
        site[pages[d.name]] = frame(d.title, body, title, nav)
    if asked:
        site[QUESTIONS] = frame("Questions answered", asked, title, nav)
    if edges:
        site[GRAPH] = frame(DEPENDENCIES, _graph(derivations, edges, notation, pages), title, nav)
    return site


def _pages(derivations: Sequence[Derivation]) -> dict[str, str]:
    """Each derivation's page by its name; two that would share one are refused, even where only the case differs
    (``Loss.html`` and ``loss.html`` are one file on macOS and Windows) or a fixed page's renaming meets a name
    (``index`` gets ``derivation-index.html``, the page of ``derivation-index``)."""
    pages: dict[str, str] = {}
    taken: dict[str, str] = {}
    for d in derivations:
        page = pages[d.name] = page_name(d.name)
        other = taken.setdefault(page.casefold(), d.name)
        if other != d.name:
            raise links.LabelClash(
                f"derivation {other!r} and derivation {d.name!r} would both have the page {page!r} of the HTML "
                "site; rename one of them"
            )
    return pages


def counts(evidences: Sequence[Evidence]) -> dict[Evidence, int]:
    """How many lines have each evidence level, in the order of :data:`derive.render.base.MARKS` (zeros kept)."""
    return {e: sum(x is e for x in evidences) for e in base.MARKS}


def _index(checked: Sequence[Checked], title: str, notation, pages, chains) -> str:
    """The title, a tally, and a table: each derivation, its lines' evidence counted and its marks in order."""
    rows, every = [], []
    shown_lines = []
    for d, _ in checked:
        lines = chains[d.name].lines
        with in_notation(notation, d):
            heading = text(d.title)
        shown_lines.append((d, lines, heading))
        every += [line.evidence for line in lines]
    columns = [e for e, n in counts(every).items() if n]
    for d, lines, heading in shown_lines:
        tally = counts([line.evidence for line in lines])
        marks = " ".join(
            link(f"{pages[d.name]}#{line.label}", math(line.mark), _said(line), f"mark {line.evidence}")
            for line in lines
        )
        cells = [f"<td>{link(pages[d.name], heading)}</td>", f'<td class="count">{len(lines)}</td>']
        cells += [f'<td class="count">{tally[e] or ""}</td>' for e in columns]
        cells.append(f'<td class="marks">{marks}</td>')
        rows.append(f'<tr id="{html.escape(label_safe(d.name))}">' + "".join(cells) + "</tr>")
    header = ["Derivation", "Lines"] + [base.MARKS[e].word for e in columns] + ["Marks, line by line"]
    total = counts(every)
    said = ", ".join(f"{total[e]} {base.MARKS[e].word}" for e in columns)
    n = len(checked)
    return "\n".join(
        [
            f"<h1>{text(title)}</h1>",
            f'<p class="tally">{n} derivation{"s" if n != 1 else ""}, {len(every)} lines: {said}.</p>',
            '<table class="index">',
            "<tr>" + "".join(f"<th>{html.escape(h)}</th>" for h in header) + "</tr>",
            *rows,
            "</table>",
            legend(every),
        ]
    )


def _said(line) -> str:
    """A mark's tooltip: ``(3) proved``."""
    return f"({line.number}) {base.MARKS[line.evidence].word}"


_EQREF = re.compile(r"\\eqref\{([^{}]*)\}")


def _questions(checked: Sequence[Checked], notation, pages, chains) -> str:
    """The questions of the derivations' text, under each derivation's title, each linked to where it is answered;
    "" when none asks any."""
    parts = []
    for d, results in checked:
        items = []
        numbers = {line.label: line.number for line in chains[d.name].lines}
        with in_notation(notation, d):
            for q in questions(d, results, notation):
                where = _EQREF.fullmatch(q.ref)
                label = where.group(1) if where else ""
                target = link(f"{pages[d.name]}#{label}", f"line ({numbers[label]})") if label in numbers else ""
                target = target or link(pages[d.name], "the derivation")
                answer = f" {text(q.answer)}" if q.answer else ""
                items.append(f"<li><em>{text(q.question)}</em>{answer} (See {target}.)</li>")
            heading = link(pages[d.name], text(d.title))
        if items:
            parts.append(f"<h2>{heading}</h2>\n<ul>\n" + "\n".join(items) + "\n</ul>")
    if not parts:
        return ""
    intro = (
        "<h1>Questions answered</h1>\n<p>The questions the derivations raise along the way, each with the answer "
        "given in the text and the line (or derivation) where it is given.</p>"
    )
    return intro + "\n" + "\n".join(parts)


def _graph(derivations: list[Derivation], edges, notation, pages) -> str:
    """The graph of the citations: only the derivations in one are drawn; the others are listed below it."""
    cited = {n for edge in edges for n in edge}
    drawn = [d for d in derivations if d.name in cited]
    alone = [d for d in derivations if d.name not in cited]
    boxes = {}
    for d in drawn:
        with in_notation(notation, d):
            boxes[d.name] = text(d.title)
    picture = svg(
        [d.name for d in drawn],
        edges,
        boxes,
        {d.name: pages[d.name] for d in drawn},
        {d.name: plain_text(d.title) for d in drawn},
    )
    parts = [
        f"<h1>{html.escape(DEPENDENCIES)}</h1>",
        "<p>An arrow from one result to another means that a line of the second cites the first: it uses the "
        "first result's conclusion, instantiated, as a step. Results higher up cite fewer of the others; click a "
        "box to go to its derivation.</p>",
        f'<div class="graph">\n{picture}\n</div>',
    ]
    if alone:
        listed = []
        for d in alone:
            with in_notation(notation, d):
                listed.append(link(pages[d.name], text(d.title)))
        parts.append(
            "<p>Not drawn, because they neither cite nor are cited by another result: " + links.joined(listed) + ".</p>"
        )
    return "\n".join(parts)
