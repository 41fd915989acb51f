r"""Citations between derivations as the write-ups show them: the label of a conclusion, and what a citation links to.

A step that cites another derivation (``Step.citations``, the cited derivations' names) links to that derivation's
*conclusion*, its last line. The scheme, the same in every format:

- LaTeX: the conclusion of derivation ``gibbs-inequality`` is labelled ``\label{gibbs-inequality}`` as well as
  ``\label{gibbs-inequality:<step>}`` (:data:`RESULT_MACRO`), and a citation is ``\derivecite{gibbs-inequality}
  {<title>}`` (:data:`CITE_MACRO`): ``\eqref{gibbs-inequality}`` where the cited derivation is in the document (the
  lecture notes), its title where it is not (a standalone write-up), never ``??``.
- Markdown: the conclusion's display is preceded by the anchor ``<a id="gibbs-inequality"></a>``, and a citation is
  a link to ``gibbs-inequality.md#gibbs-inequality`` (the write-ups of one build share a folder).
- Slides: the cited title, with its equation number in the notes when the slides hold it too.

A citation is resolved against a *library* (:func:`library`): the derivations the caller knows, by name, for their
titles and (in the notes and slides) their numbers. A name the library lacks is shown as the name itself.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from derive.core.errors import DeriveError
from derive.core.model import Derivation, Kind

# NOTE: amsmath allows one \label per line of an align, and the step label is already there. The conclusion's label
# is an alias of it, written to the .aux file after the chain: when LaTeX reads the .aux back at \begin{document},
# r@<derivation> becomes a copy of r@<derivation>:<last step> (number, page and hyperref anchor alike). Only TeX
# primitives and \csname are used, so a fragment \input into any document works, with or without hyperref.
RESULT_MACRO = (
    r"\providecommand{\deriveresult}[2]{\ifcsname @auxout\endcsname\write\csname @auxout\endcsname{\detokenize{"
    r"\expandafter\global\expandafter\let\csname r@#1\expandafter\endcsname\csname r@#2\endcsname}}\fi}"
)
#: ``\derivecite{label}{title}``: ``\eqref{label}`` when the label is defined, else the title in italics.
CITE_MACRO = r"\providecommand{\derivecite}[2]{\csname @ifundefined\endcsname{r@#1}{\emph{#2}}{\eqref{#1}}}"


@dataclass(frozen=True)
class Cited:
    """A derivation that a step cites, as the write-ups show it."""

    name: str  # the derivation's name (its files are ``<name>.md``, ``<name>.tex``, ...)
    title: str  # plain text, as the author wrote it
    label: str  # the LaTeX label and Markdown anchor of its conclusion
    number: str = ""  # its conclusion's equation number in the notes and slides ("3.7"); "" where unknown

    @property
    def href(self) -> str:
        """The Markdown link target: the cited derivation's write-up, at its conclusion."""
        return f"{self.name}.md#{self.label}"


def label_safe(name: str) -> str:
    """``name`` with only the characters a LaTeX label and an HTML id both take (letters, digits, ``._-``)."""
    return re.sub(r"[^A-Za-z0-9._-]+", "-", name) or "x"


class LabelClash(DeriveError, ValueError):
    """Two names that differ become the same label once made label-safe (``loss a`` and ``loss-a``): one page,
    anchor or ``\\label`` would silently take the other's place, so derive refuses them and asks for a rename."""


def check_labels(derivations: Iterable[Derivation]) -> None:
    """Refuse derivations whose labels clash once made label-safe: two derivations' names (their conclusions,
    sections and HTML pages), or two steps' names in one derivation (their lines' anchors), or a step label that
    is another derivation's section label (``sec:<step>`` in a derivation named ``sec``).

    The labels stay what they were (links into committed write-ups keep working); a clash is an error naming both.

    Raises:
        LabelClash: naming both owners and the label they share.
    """
    owners: dict[str, str] = {}

    def claim(label: str, owner: str) -> None:
        other = owners.setdefault(label, owner)
        if other != owner:
            raise LabelClash(
                f"{other} and {owner} both get the label {label!r} (a label keeps only letters, digits and ._-, "
                "so their pages, anchors or LaTeX labels would be one and the same); rename one of them"
            )

    for d in derivations:
        this = f"derivation {d.name!r}"
        claim(conclusion_label(d), this)
        claim(section_label(d), this)
        for step in d.steps:
            claim(f"{label_safe(d.name)}:{label_safe(step.name)}", f"step {step.name!r} of {this}")


def section_label(d: Derivation) -> str:
    """``sec:iid-cross-entropy``, the label of ``d``'s section in the notes; derivation labels have a colon after the
    name, so these never clash with them."""
    return "sec:" + label_safe(d.name)


def conclusion_label(derivation: Derivation) -> str:
    """The label of ``derivation``'s conclusion: its name (made label-safe), e.g. ``gibbs-inequality``."""
    return label_safe(derivation.name)


def chain_length(derivation: Derivation) -> int:
    """How many numbered lines the chain has (reference code is not a line): the conclusion's line number."""
    return sum(step.kind is not Kind.REFERENCE for step in derivation.steps)


def library(derivations: Iterable[Derivation], numbered: bool = False) -> dict[str, Cited]:
    """The derivations a citation may name, by name.

    ``numbered``: the derivations are the sections of the notes (and slides), in order, so each conclusion also
    gets its equation number there (section ``s``, last line ``n``: ``s.n``).
    """
    out = {}
    for section, d in enumerate(derivations, start=1):
        number = f"{section}.{chain_length(d)}" if numbered and chain_length(d) else ""
        out.setdefault(d.name, Cited(d.name, d.title, conclusion_label(d), number))
    return out


def resolve(names: Iterable[str], known: Mapping[str, Cited] | None = None) -> tuple[Cited, ...]:
    """The citations ``names`` (a step's ``citations``) as :class:`Cited`; an unknown name is shown as itself."""
    known = known or {}
    return tuple(known.get(n) or Cited(n, n, label_safe(n)) for n in dict.fromkeys(names))


def edges(derivations: Iterable[Derivation]) -> list[tuple[str, str]]:
    """``(cited, citing)`` name pairs among ``derivations``, once each, in reading order; a citation of a
    derivation outside them, and of itself, is left out."""
    derivations = list(derivations)
    names = {d.name for d in derivations}
    out: dict[tuple[str, str], None] = {}
    for d in derivations:
        for step in d.steps:
            for cited in step.citations:
                if cited in names and cited != d.name:
                    out.setdefault((cited, d.name))
    return list(out)


def joined(items: list[str]) -> str:
    """``a``, ``a and b``, ``a, b and c``."""
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " and " + items[-1]
