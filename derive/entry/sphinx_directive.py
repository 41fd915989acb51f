r"""The ``derivation`` directive for Sphinx (reStructuredText, and MyST Markdown through myst-parser).

``.. derivation:: proofs/iid_cross_entropy.py`` (``:name:`` picks one derivation of the module) checks the module
through :func:`derive.entry.embed.check_file` (the verification cache included) and shows each derivation as a
title, its chain as ONE aligned display (:mod:`derive.render.sphinx_math`) with every line's mark, number and
justification, and the legend of the marks used. Every line's stable label (``iid-cross-entropy:take-logs``, as
in the other write-ups) is a std-domain label, so ``:ref:`iid-cross-entropy:take-logs``` links to that line; the
derivation's name links to its conclusion, its last line.

What fails the build: a refuted step or an engine inconsistency (:func:`~derive.entry.embed.failures`), a module
that fails to load, a ``:name:`` it lacks. A step is logged as an error at the module's file and line; an error of
the whole module at its line when one is known, else at the directive (a location without a line would be taken
for a document's name). The page still shows what it can, and the build exits 1 (``app.statuscode``, as
``sphinx.ext.doctest`` does for a failed doctest: Sphinx 9 answers an exception with a traceback and a request to
report a Sphinx bug). A page with such an error is read again by the next build, so an unchanged wrong step keeps
failing. A step short of its ``allow=`` (:func:`~derive.entry.embed.shortfalls`) is a warning at the directive,
which ``-W`` makes fatal.

The page depends on the module, on every project-local module it imports (a helper giving a step's expression, a
module whose derivation it cites: :func:`derive.run.imports.read_sources`, the scan the module records use) and on
the ``pyproject.toml`` whose settings checked it; a module whose imports cannot be read without running it
(``sys.path`` edits, ``open``, ...) makes its page read again on every build. ``:no-index:`` shows a derivation
without registering its labels (a second copy of one shown elsewhere); a second copy without it is a warning
naming both directives.
"""

from __future__ import annotations

import re
from pathlib import Path

from docutils import nodes
from docutils.parsers.rst import directives
from sphinx.transforms.post_transforms import SphinxPostTransform
from sphinx.util import logging
from sphinx.util.docutils import SphinxDirective
from sphinx.util.texescape import tex_replace_map

from derive.entry.embed import EmbedError, check_file, failures, settings_for, shortfalls
from derive.entry.settings import find_pyproject
from derive.render import chain, sphinx_math
from derive.render.links import conclusion_label
from derive.render.style import rename_math
from derive.render.text import plain_text, segments
from derive.run.imports import read_sources
from derive.run.loader import display_path

logger = logging.getLogger(__name__)
#: What the environment keeps by document (:func:`_kept`): errors and warnings make the page be read again.
KEPT = ("derive_failures", "derive_warnings")
#: The labels each document registers, ``{label: the directive's location}`` (to name the other copy).
LABELS = "derive_labels"

#: After MathJax has typeset the page, scroll to the line a link points to (its id exists only from then on).
SCROLL_JS = (
    "document.addEventListener('DOMContentLoaded',function(){var h=decodeURIComponent(location.hash.slice(1)),"
    "m=window.MathJax;if(h&&m&&m.startup&&m.startup.promise){m.startup.promise.then(function(){"
    "var e=document.getElementById(h);if(e){e.scrollIntoView();}});}});"
)


class DerivationDirective(SphinxDirective):
    """``.. derivation:: <module path>`` with an optional ``:name: <derivation name>`` and ``:no-index:``."""

    required_arguments = 1
    final_argument_whitespace = True
    # NOTE: :no-index: is Sphinx's spelling for an object shown without an index entry (:noindex: its older one)
    option_spec = {"name": directives.unchanged_required, "no-index": directives.flag, "noindex": directives.flag}

    def run(self) -> list[nodes.Node]:
        path = self.module_path(self.arguments[0])
        self.note_sources(path)
        shown = display_path(path)
        try:
            settings = settings_for(shown)
            reports = check_file(shown, self.options.get("name") or None, settings=settings)
        except EmbedError as error:
            return [self.fail(str(error), self.located(str(error)))]
        out = [self.derivation(report, settings.notation()) for report in reports]
        for failure in failures(reports):
            out.append(self.fail(failure.message, _at(failure)))
        for shortfall in shortfalls(reports):
            logger.warning(f"{_at(shortfall)}: {shortfall.message}", location=self.get_location())
            _kept(self.env, "derive_warnings").setdefault(self.env.docname, []).append(shortfall.message)
        return out

    def module_path(self, argument: str) -> Path:
        """The module file: relative to the source folder (``env.srcdir``), else to the document's folder; a
        leading ``/`` means the source folder only."""
        srcdir = Path(self.env.srcdir)
        if argument.startswith("/"):
            return srcdir / argument.lstrip("/")
        candidate = srcdir / argument
        if candidate.is_file():
            return candidate
        beside = Path(self.env.doc2path(self.env.docname)).parent / argument
        return beside if beside.is_file() else candidate

    @property
    def indexed(self) -> bool:
        """Whether the derivation's lines get their labels and ids (not with ``:no-index:``)."""
        return not ({"no-index", "noindex"} & set(self.options))

    def note_sources(self, path: Path) -> None:
        """The files the page's derivations depend on: the module, the project-local modules it imports (as the
        module records read them) and the ``pyproject.toml`` whose settings check it. A module whose imports
        cannot be read without running it makes the page be read on every build (the cache keeps that cheap)."""
        self.env.note_dependency(str(path))
        if not path.is_file():
            return  # the error fails the page, which is read again next time
        sources = read_sources(path)
        if sources is None:
            self.env.note_reread()
        for source in sources or ():
            self.env.note_dependency(str(source))
        pyproject = find_pyproject(path.absolute().parent)
        if pyproject is not None:
            self.env.note_dependency(str(pyproject))

    def here(self) -> str:
        """The directive's own ``file:line``."""
        return self.get_location() or f"{self.env.doc2path(self.env.docname)}:{self.lineno}"

    def located(self, message: str) -> str:
        """Where an error of the whole module is logged: ``module:line`` when its message names the line (a load
        error, a bad citation), else the directive; never a bare file, which Sphinx would take for a document."""
        first = message.partition("\n")[0]
        found = re.match(r"(\S+\.py): failed to import: line (\d+):", first) or re.match(
            r"\S+\.py: (\S+\.py):(\d+): ", first
        )
        return f"{display_path(found[1])}:{found[2]}" if found else self.here()

    def fail(self, message: str, where: str) -> nodes.Node:
        """Log an error that fails the build at ``where`` (the module's file and line, or the directive) and return
        what the page shows in place of the derivation."""
        page = self.here()
        said = message if where == page else f"{message}\n  (in the derivation directive at {page})"
        logger.error(said, location=where)
        _failed(self.env).setdefault(self.env.docname, []).append(f"{where}: {message}")
        return nodes.literal_block(f"{where}: {message}", f"{where}: {message}", classes=["derivation-error"])

    def derivation(self, report, notation) -> nodes.Node:
        """A container with the title, the chain's display (in the project's ``[tool.derive.notation]``) and the
        legend; its lines registered as labels."""
        d, results = report.derivation, report.results
        docname = self.env.docname
        box = nodes.container(classes=["derivation"])
        title = nodes.rubric(d.title, "", classes=["derivation-title"])
        title.extend(_with_math_of(d.title))
        box += title
        mathjax = sphinx_math.mathjax_display(d, results, ids=self.indexed, notation=notation)
        block = nodes.math_block(mathjax, mathjax, nowrap=True, number=None, label=None, docname=docname)
        block["no-wrap"] = True
        block["classes"].append("derivation-chain")
        block["derive_plain"] = sphinx_math.mathjax_display(d, results, ids=False, notation=notation)
        labels = (lambda label: _latex_label(docname, label)) if self.indexed else None
        block["derive_latex"] = sphinx_math.latex_align(d, results, labels, notation=notation)
        self.set_source_info(block)
        box += block
        entries = sphinx_math.legend(sphinx_math.evidences(d, results))
        if entries:
            legend = nodes.paragraph(classes=["derivation-legend"])
            legend += nodes.strong("Marks:", "Marks:")
            for n, (symbol, meaning) in enumerate(entries):
                legend += nodes.Text((" " if n == 0 else "; ") + f"{symbol} ")
                legend.extend(_with_math(meaning))
            legend += nodes.Text(".")
            box += legend
        if self.indexed:
            self.register(d, results)
        return box

    def register(self, d, results) -> None:
        """Each line's label, and the derivation's name for its conclusion, as std-domain labels of this page.

        NOTE: ``note_hyperlink_target`` adds a label without a docutils target node, so its id stays the line's
        label as written (``iid-cross-entropy:take-logs``; docutils would make it ``iid-cross-entropy-take-logs``):
        the id that ``\\cssId`` gives the line in HTML and that :func:`_latex_label` gives it in LaTeX.
        """
        std, docname, title = self.env.get_domain("std"), self.env.docname, plain_text(d.title)
        lines = [line for line in chain.build(d, results).lines if line.number]
        targets = {line.label.lower(): (line.label, f"{title} ({line.number})") for line in lines}
        if lines:
            targets[conclusion_label(d).lower()] = (lines[-1].label, title)
        others = _shown_elsewhere(_kept(self.env, LABELS), list(targets))
        if others:  # the first copy keeps the labels: Sphinx's own warning would name neither page
            message = f"derivation {d.name!r} is shown with its labels twice: here and at {', '.join(others)}; add "
            message += ":no-index: to one of the directives to show that copy without its labels"
            logger.warning(message, location=self.here())
            _kept(self.env, "derive_warnings").setdefault(docname, []).append(message)
        for name, (node_id, text) in targets.items():
            if not others:
                std.note_hyperlink_target(name, docname, node_id, text)
            _kept(self.env, LABELS).setdefault(docname, {}).setdefault(name, self.here())


def _shown_elsewhere(labels: dict[str, dict[str, str]], names: list[str]) -> list[str]:
    """The directives (``file:line``) that registered one of ``names`` in ``labels`` (by document, as kept in
    :data:`LABELS`)."""
    return sorted({where for by_name in labels.values() for name, where in by_name.items() if name in names})


def _at(failure) -> str:
    """``file:line`` of a failing step (the file alone when the line is unknown)."""
    file = display_path(failure.file)
    return f"{file}:{failure.line}" if failure.line else file


def _latex_label(docname: str, label: str) -> str:
    """The LaTeX label Sphinx's LaTeX writer links ``docname``'s id ``label`` to (its ``idescape``)."""
    escaped = f"{docname}:{label}".translate(tex_replace_map).encode("ascii", "backslashreplace").decode("ascii")
    return r"\detokenize{" + escaped.replace("\\", "_") + "}"


def _with_math_of(text: str) -> list[nodes.Node]:
    """Text with ``$...$`` or ``:math:`...``` (a title) as text and math nodes, as the Markdown write-up reads it."""
    return [
        nodes.math(rename_math(part.strip()), rename_math(part.strip())) if is_math else nodes.Text(part)
        for is_math, part in segments(text)
    ]


def _with_math(text: str) -> list[nodes.Node]:
    """Plain text with ``:math:`...``` roles (a legend entry) as text and math nodes."""
    out: list[nodes.Node] = []
    for n, piece in enumerate(text.split(":math:`")):
        math, _, rest = piece.partition("`") if n else ("", "", piece)
        if math:
            out.append(nodes.math(math, math))
        if rest:
            out.append(nodes.Text(rest))
    return out


def _failed(env) -> dict[str, list[str]]:
    """The errors that fail the build, by document (kept in the environment across parallel readers)."""
    return _kept(env, "derive_failures")


def _kept(env, name: str) -> dict[str, list[str]]:
    """``env.<name>``, a dict by document: ``derive_failures`` (errors) or ``derive_warnings`` (steps short of
    their ``allow=``); both are read again by the next build, so ``-W`` stops on a warning of an unchanged page."""
    if not hasattr(env, name):
        setattr(env, name, {})
    return getattr(env, name)


class ChainForLatex(SphinxPostTransform):
    """The chain's display as the output needs it: the node's text is MathJax with ``\\cssId`` per line; LaTeX
    gets the ``align`` with ``\\label`` per line, the other formats the display without ids."""

    default_priority = 5
    formats = ("latex",)
    key = "derive_latex"

    def run(self, **kwargs) -> None:
        for node in self.document.findall(nodes.math_block):
            if self.key in node:
                node.children = []
                node += nodes.Text(node[self.key])


class ChainWithoutIds(ChainForLatex):
    """Text, manual pages, Texinfo: the display without ``\\cssId``, which only MathJax reads."""

    formats = ("text", "man", "texinfo")
    key = "derive_plain"


class ChainForHtml(ChainWithoutIds):
    """HTML: the ids stay for MathJax (Sphinx's default), and go for another math renderer (imgmath, KaTeX)."""

    formats = ("html",)

    def run(self, **kwargs) -> None:
        if self.config.html_math_renderer not in (None, "mathjax"):
            super().run(**kwargs)


# -- events -------------------------------------------------------------------------------------------------------
def purge(app, env, docname: str) -> None:
    for name in (*KEPT, LABELS):
        _kept(env, name).pop(docname, None)


def merge(app, env, docnames, other) -> None:
    """A parallel reader's errors, warnings and labels; a label another chunk's page registered too is warned of
    here (the std domain's merge keeps one of them silently)."""
    for docname in sorted(docnames):
        labels = _kept(other, LABELS).get(docname, {})
        earlier = {doc: by_name for doc, by_name in _kept(env, LABELS).items() if doc not in docnames}
        others = _shown_elsewhere(earlier, list(labels))  # within one chunk, the directive warned already
        if others:
            here = sorted(set(labels.values()))
            message = f"a derivation is shown with its labels twice: at {', '.join(here)} and at {', '.join(others)}"
            message += "; add :no-index: to one of the directives to show that copy without its labels"
            logger.warning(message, location=here[0])
            _kept(other, "derive_warnings").setdefault(docname, []).append(message)
        for name in (*KEPT, LABELS):
            if docname in _kept(other, name):
                _kept(env, name)[docname] = _kept(other, name)[docname]


def outdated(app, env, added, changed, removed) -> list[str]:
    """Pages that failed or warned last time are read again, so an unchanged wrong step fails every build."""
    return [d for name in KEPT for d in _kept(env, name) if d not in removed]


def finished(app, exception) -> None:
    if exception is None and app.env is not None and _failed(app.env):
        app.statuscode = 1


#: The stylesheet every HTML page links: a chain wider than the text column scrolls in its own block.
STYLESHEET = "derive-sphinx.css"
STATIC = Path(__file__).with_name("sphinx_static")


def _static_files(app, config) -> None:
    """Sphinx copies ``STATIC`` (the stylesheet) into the output's ``_static`` folder."""
    config.html_static_path.append(str(STATIC))


def page_script(app, pagename, templatename, context, doctree) -> None:
    if doctree is not None and any("derive_latex" in node for node in doctree.findall(nodes.math_block)):
        app.add_js_file(None, body=SCROLL_JS)


def setup(app) -> dict:
    """Register the directive, its post-transform and the events that fail the build and keep parallel reads."""
    from derive.core.version import VERSION

    app.add_directive("derivation", DerivationDirective)
    for transform in (ChainForLatex, ChainWithoutIds, ChainForHtml):
        app.add_post_transform(transform)
    app.connect("env-purge-doc", purge)
    app.connect("env-merge-info", merge)
    app.connect("env-get-outdated", outdated)
    app.connect("build-finished", finished)
    app.connect("html-page-context", page_script)
    app.connect("config-inited", _static_files)
    app.add_css_file(STYLESHEET)
    return {"version": VERSION, "parallel_read_safe": True, "parallel_write_safe": True, "env_version": 2}
