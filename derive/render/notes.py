"""Several checked derivations as one set of lecture notes: a LaTeX article with a title page and contents.

Each derivation becomes a ``\\section`` holding its intro, the fragment of :func:`~derive.render.latex.render_fragment`
(whose labels are prefixed by the derivation's name, so ``\\eqref`` never clashes across sections) and its closing
remark. Equations are numbered per section, so line 4 of section 3 is (3.4) here and on the slides. Before the
derivations, "How to read the marks" explains every evidence mark once, from :data:`derive.render.base.MARKS`, and
when a derivation cites another, "How the results depend on each other" draws the graph of the citations
(:mod:`derive.render.graph`; a citation in a line links to the cited conclusion, :mod:`derive.render.links`); after
them, "Questions answered" lists the questions the derivations' own text asks, each with the equation or
section that answers it.

NOTE: the questions are read from the derivations (a sentence ending in "?" in a step's ``prose``, in the intro or
in the closing remark) rather than converted from ``docs/questions.md``: the notes then cite the very step that
answers, with its equation number, and stay right when steps are renamed, reordered or added; they work for any
PATH, not only the bundled proofs; and ``docs/`` is not shipped with the installed package. The Markdown page
remains the seed-by-seed index for readers on GitHub.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass

from derive.core.evidence import Evidence, StepResult
from derive.core.model import Derivation, Kind
from derive.core.version import VERSION as __version__
from derive.render import base, links
from derive.render.chain import Line, build
from derive.render.graph import dependency_page
from derive.render.latex import PREAMBLE, render_fragment
from derive.render.links import check_labels, section_label
from derive.render.style import Notation, for_derivation, using
from derive.render.text import MATH_UNICODE, escape_latex, latex_text, paragraphs, plain_text

#: The title of the notes made from the bundled derivations.
TITLE = "Negative log-likelihood and cross-entropy: machine-checked derivations"
#: The title when the derivations are the user's own.
GENERIC_TITLE = "Machine-checked derivations"

Checked = tuple[Derivation, list[StepResult]]

#: The table of contents without the paragraph skip of the preamble, which would push it onto a second page.
_CONTENTS = r"{\setlength{\parskip}{0pt}\tableofcontents}"


# -- the one place where ``notation`` reaches the shared renderers -----------------------------------------------
def in_notation(notation: Notation | None, derivation: Derivation):
    """Put ``notation`` in force while ``derivation`` is rendered (the chain model and the printer read it there)."""
    return using(for_derivation(notation, derivation))


def fragment(derivation: Derivation, results: list[StepResult], notation: Notation | None = None, known=None) -> str:
    """The section's chain and checks, without a "Marks." paragraph: the notes explain the marks once, up front.
    ``known``: the derivations a step may cite (:func:`derive.render.links.library`)."""
    return render_fragment(derivation, results, notation, legend=False, known=known)


def lines(derivation: Derivation, results: list[StepResult], notation: Notation | None = None) -> tuple[Line, ...]:
    """The lines of ``derivation``'s chain (without the opening line), in ``notation``."""
    with in_notation(notation, derivation):
        return build(derivation, results).lines


# -- the document -------------------------------------------------------------------------------------------------
def render_notes(checked: Sequence[Checked], title: str = TITLE, notation: Notation | None = None) -> str:
    """All ``checked`` derivations as one standalone LaTeX article, in the order given.

    Args:
        checked: ``(derivation, results)`` pairs, one ``StepResult`` per step of each derivation.
        title: the title on the title page and in the PDF's metadata.
        notation: symbol names and logarithms for the output (:class:`~derive.render.style.Notation`).

    Returns:
        LaTeX source ending in a newline; the same input always gives the same bytes (no date, no timing).

    Raises:
        ValueError: if there are no derivations, two share a name (their labels would clash), or a derivation's
            results do not match its steps.
    """
    check_names(checked)
    derivations = [d for d, _ in checked]
    known = links.library(derivations, numbered=True)
    dependencies = dependency_page(derivations)
    preamble = _preamble(title) + ("\n\\usepackage{tikz}" if dependencies else "")
    body = [preamble, r"\begin{document}", _title_page(title, checked), _CONTENTS, r"\clearpage"]
    body.append(_legend())
    if dependencies:
        body.append(dependencies)
    for d, results in checked:
        body.append(_section(d, results, notation, known))
    questions = _questions(checked, notation)
    if questions:
        body.append(questions)
    body.append(r"\end{document}")
    return "\n\n".join(body) + "\n"


def check_names(checked: Sequence[Checked]) -> None:
    """Raise ``ValueError`` when there is nothing to show or two derivations share a name or a label
    (:class:`derive.render.links.LabelClash` is a ``ValueError``)."""
    if not checked:
        raise ValueError("no derivations to write up")
    names = [d.name for d, _ in checked]
    twice = sorted({n for n in names if names.count(n) > 1})
    if twice:
        raise ValueError(f"derivation names must be unique in one document; repeated: {', '.join(twice)}")
    check_labels([d for d, _ in checked])  # names that differ but give one label ("loss a", "loss-a")


_ASCII = {"‖": "||", "≤": "<=", "≥": ">=", "≠": "!=", "−": "-", "·": "*", "×": "x", "…": "..."}


def pdf_text(text: str) -> str:
    """``text`` for a PDF string (bookmarks, metadata): plain ASCII, no math (``ŷ`` → ``y``, ``θ`` → ``theta``,
    ``$\\sigma > 0$`` → ``sigma > 0``)."""
    out = []
    for ch in plain_text(text):
        plain = "".join(c for c in unicodedata.normalize("NFKD", ch) if not unicodedata.combining(c))
        command = MATH_UNICODE.get(ch, "")
        if ch in _ASCII:
            out.append(_ASCII[ch])
        elif plain.isascii():
            out.append(plain)
        elif re.fullmatch(r"\\[A-Za-z]+", command):
            out.append(command[1:])
        else:
            out.append("?")
    return re.sub(r"([#$%&_{}])", r"\\\1", re.sub(r"[\\~^]", "", "".join(out)))


def _preamble(title: str) -> str:
    return (
        PREAMBLE
        + r"""% NOTE: 1 cm wider than a single write-up: the fragment's columns are sized for the equation number (12);
% here it is (12.10), and without the extra width align would push every number onto a line of its own.
\setlength{\textwidth}{16.5cm}
\setlength{\oddsidemargin}{\dimexpr(\paperwidth-\textwidth)/2-1in\relax}
\setlength{\evensidemargin}{\oddsidemargin}
% Section titles are derivation titles, often long: set them ragged right rather than stretched or overfull.
\makeatletter
\renewcommand\section{\@startsection{section}{1}{\z@}{-3.5ex \@plus -1ex \@minus -.2ex}{2.3ex \@plus .2ex}%
  {\normalfont\Large\bfseries\raggedright}}
\makeatother
\usepackage[hidelinks,bookmarksnumbered]{hyperref}
% Equations are numbered per section: (3.4) is line 4 of the third derivation, here and on the slides.
\numberwithin{equation}{section}
% Deterministic PDF: no creation date, no random trailer ID (pdfTeX only).
\ifdefined\pdfinfoomitdate \pdfinfoomitdate=1 \pdftrailerid{}\fi
"""
        + rf"\hypersetup{{pdftitle={{{pdf_text(title)}}}, pdfcreator={{derive {__version__}}}}}"
    )


def _title_page(title: str, checked: Sequence[Checked]) -> str:
    shown = [line for d, r in checked for line in lines(d, r)]
    assumed = sum(line.evidence is Evidence.ASSUMED for line in shown)
    codes = sum(step.kind is Kind.REFERENCE for d, _ in checked for step in d.steps)
    tally = f"{_count(len(checked), 'derivation')}: {_count(len(shown), 'line')}, "
    tally += f"{len(shown) - assumed} of them checked by machine"
    if assumed:
        tally += f" and {assumed} stated as {'an assumption' if assumed == 1 else 'assumptions'}"
    if codes == 1:
        tally += r"\par 1 function checked against the formula it computes"
    elif codes:
        tally += rf"\par {codes} functions checked against the formulas they compute"
    return "\n".join(
        [
            r"\begin{titlepage}",
            r"\centering",
            r"\vspace*{5cm}",
            rf"{{\LARGE\bfseries {latex_text(title)}\par}}",
            r"\vspace{1.5em}",
            r"{\large generated by derive\par}",
            r"\vspace{0.5em}",
            rf"version {escape_latex(__version__)}\par",
            r"\vspace{3em}",
            rf"{tally}\par",
            r"\end{titlepage}",
        ]
    )


def _count(n: int, noun: str) -> str:
    return f"{n} {noun}" if n == 1 else f"{n} {noun}s"


def _legend() -> str:
    items = [
        rf"  \item[${mark.latex}$] \emph{{{mark.word}}}: {latex_text(mark.meaning)}." for mark in base.MARKS.values()
    ]
    return "\n".join(
        [
            r"\section*{How to read the marks}",
            r"\addcontentsline{toc}{section}{How to read the marks}",
            "Every line of a derivation states a relation to the line before it. Beside it stand the reason the "
            "author gives and a mark that says how the machine checked it; below each chain, a list keyed by "
            "equation number names the rewrite rules used and the assumptions they needed. The marks are:",
            r"\begin{description}\setlength{\itemsep}{0pt}",
            *items,
            r"\end{description}",
            "Only a checkmark is a proof. A line marked $\\approx$ agrees at random points, which is evidence; a "
            "line marked $\\dagger$ is where the model is chosen, and no algebra can confirm it.",
        ]
    )


def _section(d: Derivation, results: list[StepResult], notation, known=None) -> str:
    with in_notation(notation, d):
        heading = rf"\section{{\texorpdfstring{{{latex_text(d.title)}}}{{{pdf_text(d.title)}}}}}"
        parts = [heading + rf"\label{{{section_label(d)}}}"]
        parts.extend(latex_text(p) for p in paragraphs(d.intro))
        parts.append(fragment(d, results, notation, known).rstrip("\n"))
        parts.extend(latex_text(p) for p in paragraphs(d.closing))
    return "\n\n".join(parts)


# -- questions ----------------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Question:
    """A question the text of a derivation asks, the text that follows it, and where it stands."""

    question: str  # plain text, ending in "?"
    answer: str  # plain text; may be empty
    ref: str  # LaTeX: \eqref{...} or Section~\ref{...}


#: A sentence ending in "?": it starts the text or follows a sentence end, starts with a capital letter, and
#: contains no sentence end (". ") of its own, so it never swallows the statement before it.
_QUESTION = re.compile(r"(?:^|(?<=[.!?:]\s))([A-Z](?:[^?.!]|[.!](?!\s))*\?)(?=\s|$)")
_ROLE = re.compile(r":math:`[^`]*`")


def questions(d: Derivation, results: list[StepResult], notation=None) -> list[Question]:
    """The questions in ``d``'s intro, step prose and closing remark, in reading order."""
    out = []
    section = rf"Section~\ref{{{section_label(d)}}}"
    for p in paragraphs(d.intro):
        out.extend(_asked(p, section))
    for line in lines(d, results, notation):
        out.extend(_asked(" ".join(line.prose.split()), rf"\eqref{{{line.label}}}"))
    for p in paragraphs(d.closing):
        out.extend(_asked(p, section))
    return out


def _asked(text: str, ref: str) -> list[Question]:
    # NOTE: a "?" inside a :math:`...` role is not a question mark; blank the roles out before matching.
    masked = _ROLE.sub(lambda m: "x" * len(m.group()), text)
    found = list(_QUESTION.finditer(masked))
    out = []
    for n, m in enumerate(found):
        end = found[n + 1].start() if n + 1 < len(found) else len(text)
        answer, begin = text[m.end() : end].strip(), m.start()
        if not answer:  # "… is a function of ŷ. Where is it largest?": the sentence before says what "it" is
            before = text.rfind(". ", 0, begin - 2)
            begin = max(before + 2 if before >= 0 else 0, found[n - 1].end() + 1 if n else 0)
        out.append(Question(text[begin : m.end()].strip(), answer, ref))
    return out


def _questions(checked: Sequence[Checked], notation) -> str:
    items = []
    for d, results in checked:
        for q in questions(d, results, notation):
            with in_notation(notation, d):
                answer = f" {latex_text(q.answer)}" if q.answer else ""
                question = latex_text(q.question)
            items.append(rf"  \item \emph{{{question}}}{answer} (See {q.ref}.)")
    if not items:
        return ""
    return "\n".join(
        [
            r"\section*{Questions answered}",
            r"\addcontentsline{toc}{section}{Questions answered}",
            "The questions the derivations raise along the way, each with the answer given in the text and the "
            "equation (or section) where it is given.",
            r"\begin{itemize}",
            *items,
            r"\end{itemize}",
        ]
    )
