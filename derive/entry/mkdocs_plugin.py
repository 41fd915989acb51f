"""An MkDocs plugin: a line ``!derivation proofs/x.py [name]`` in a page becomes the checked write-up.

Enabled by ``plugins: [derive]`` in ``mkdocs.yml`` (the ``mkdocs.plugins`` entry point of pyproject.toml); see
docs/mkdocs.md. The write-up is :func:`derive.render.markdown.render_markdown`'s, with ``$...$`` and ``$$...$$``
math, which ``pymdownx.arithmatex`` (``generic: true``) hands to MathJax or KaTeX.

Why this marker: a line of its own starting with ``!derivation`` is plain text to Python-Markdown, so a site built
without the plugin shows it rather than dropping it silently; it is not mkdocstrings' ``::: identifier``, nor
mkdocs-macros' ``{{ ... }}`` Jinja, nor an admonition (``!!!``), an image (``![``), a wiki link (``[[...]]``) or
a snippet (``--8<--``). Inside a fenced code block it is left alone, so a page can show it. Indented (in an
admonition, a list item or a content tab) it is expanded with the write-up indented as deep. A marker that reaches
the rendered page unexpanded (in a snippet included after this plugin ran, or after a fence Python-Markdown does
not close) fails the build: a derivation is never dropped silently.

What fails the build: a refuted step or an engine inconsistency, always (a :class:`PluginError` with the
counterexample, the module file and line); a module that does not load or has no derivation of that name; a
malformed marker. A step short of its ``allow=`` (usually undecided) is a warning, which ``--strict`` makes fatal.
"""

from __future__ import annotations

import logging
import os
import re
from pathlib import Path

from mkdocs.config import config_options
from mkdocs.config.base import Config
from mkdocs.exceptions import PluginError
from mkdocs.plugins import BasePlugin

from derive.entry.embed import EmbedError, check_file, failures, settings_for, shortfalls
from derive.run.loader import display_path

log = logging.getLogger("mkdocs.plugins.derive")

#: The marker: a line of its own, indented as deep as the block it sits in (an admonition, a list item).
MARKER = "!derivation"
_MARKER = re.compile(r"^(?P<indent>[ \t]*)!derivation(?=\s|$)(?P<args>.*)$")
#: A fence's opening line: a backtick fence's info string holds no backtick (CommonMark), so ```x``` is inline code.
_FENCE = re.compile(r"^[ \t]*(?P<fence>`{3,}(?=[^`]*$)|~{3,})")
#: A marker left in the rendered page, outside code: the plugin never saw it.
_LEFT = re.compile(r"(?:^|>)[ \t]*!derivation(?=\s|<|$)", re.M)
_CODE = re.compile(r"<(pre|code)\b.*?</\1>", re.S)
_HEADING = re.compile(r"^(?P<hashes>#{1,6})(?=[ \t])")


class DeriveConfig(Config):
    """The options under ``plugins: - derive:`` in ``mkdocs.yml``."""

    #: Seconds per step (None: ``[tool.derive] budget`` of the module's pyproject.toml, else derive's default).
    budget = config_options.Optional(config_options.Type((int, float)))
    #: The level of the write-up's title (2: ``## Title``, below the page's own ``# ...``); the rest follow it.
    heading_level = config_options.Type(int, default=2)


class DerivePlugin(BasePlugin[DeriveConfig]):
    """Expands ``!derivation <module> [<derivation name>]`` lines into checked write-ups."""

    def __init__(self) -> None:
        super().__init__()
        self.modules: set[Path] = set()  # the module files embedded, for `mkdocs serve` to watch
        self.server = None  # `mkdocs serve`'s live-reload server, once on_serve has run
        self.checked: dict[tuple[Path, str | None], tuple] = {}  # this build's reports, by (module, name)

    def on_startup(self, *, command: str, dirty: bool) -> None:
        """Defined so that MkDocs keeps this one plugin object across the rebuilds of ``mkdocs serve``."""
        self.dirty = dirty

    def on_files(self, files, *, config):
        """With ``--dirty`` MkDocs reads only the pages edited since the last build; a page with a marker is read
        every time, since its module (not a page) may have changed."""
        if getattr(self, "dirty", False):
            for file in files.documentation_pages():
                if file.abs_src_path and MARKER in Path(file.abs_src_path).read_text(encoding="utf-8"):
                    file.is_modified = lambda: True
        return files

    def on_config(self, config):
        if not 1 <= self.config.heading_level <= 6:
            raise PluginError(f"derive: heading_level must be 1 to 6, not {self.config.heading_level}")
        return config

    def on_pre_build(self, *, config) -> None:
        # Each build checks each module again (loading it anew; derive's verification cache answers the steps
        # that did not change), so an edit is always seen; within a build, two markers of one module share a check.
        self.checked = {}

    def on_serve(self, server, *, config, builder):
        self.server = server
        for module in sorted(self.modules):
            server.watch(str(module), recursive=False)
        return server

    def on_page_markdown(self, markdown: str, *, page, config, files) -> str:
        root = Path(config.config_file_path).resolve().parent if config.config_file_path else Path.cwd()
        out, fence = [], None
        for line in markdown.splitlines(keepends=True):
            fence = _fence_after(line, fence)
            marker = None if fence is not None else _MARKER.match(line.rstrip("\r\n"))
            if marker is None:
                out.append(line)
                continue
            where = f"{_page_file(page)}: {line.strip()}"
            written = self._expand(marker.group("args").split(), root, where)
            indent = marker.group("indent")
            out.append("".join(indent + x if x.strip() else x for x in written.splitlines(keepends=True)))
        return "".join(out)

    def on_page_content(self, html: str, *, page, config, files) -> str:
        if _LEFT.search(_CODE.sub("", html)):
            raise PluginError(
                f"{_page_file(page)}: a '{MARKER}' line reached the page unexpanded: put it on a line of its own in"
                " the page itself (not in an included snippet, and not after an unclosed code fence)"
            )
        return html

    def _expand(self, args: list[str], root: Path, where: str) -> str:
        """The write-up for one marker's arguments (``<module> [<name>]``), or a PluginError saying why not."""
        if not 1 <= len(args) <= 2:
            raise PluginError(f"{where}: expected '{MARKER} <module.py> [<derivation name>]'")
        module = Path(os.path.normpath(root / args[0]))  # not resolved: a symlinked proofs/ is this project's
        name = args[1] if len(args) == 2 else None
        self._watch(module)
        reports, notation = self._check(module, name, where)
        failed = failures(reports)
        if failed:
            raise PluginError("\n".join([f"{where}: a step fails:"] + [_located(f) for f in failed]))
        for short in shortfalls(reports):
            log.warning(f"{where}: {_located(short)}")
        return "\n" + "\n".join(self._writeup(r, notation) for r in reports) + "\n"

    def _check(self, module: Path, name: str | None, where: str) -> tuple[list, object]:
        """The reports of ``name`` (all when None) in ``module`` and the notation of its pyproject.toml."""
        key = (module, name)
        if key not in self.checked:
            try:
                settings = settings_for(module)
                if self.config.budget is not None:
                    settings = settings.override(budget=float(self.config.budget))
                self.checked[key] = (check_file(display_path(module), name, settings=settings), settings.notation())
            except EmbedError as error:
                raise PluginError(f"{where}: {error}") from error
        return self.checked[key]

    def _writeup(self, report, notation) -> str:
        from derive.render.links import library
        from derive.render.markdown import render_markdown

        known = library([report.derivation])
        text = render_markdown(report.derivation, report.results, notation, math="dollars", known=known)
        return shift_headings(text, self.config.heading_level - 1)

    def _watch(self, module: Path) -> None:
        if module in self.modules or not module.is_file():
            return
        self.modules.add(module)
        if self.server is not None:  # a marker added while serving: watch its module from now on
            self.server.watch(str(module), recursive=False)


def shift_headings(markdown: str, by: int) -> str:
    """``markdown`` with every ATX heading outside fenced code ``by`` levels lower (at most ``######``)."""
    if by <= 0:
        return markdown
    out, fence = [], None
    for line in markdown.splitlines(keepends=True):
        fence = _fence_after(line, fence)
        heading = None if fence is not None else _HEADING.match(line)
        if heading:
            line = "#" * min(6, len(heading.group("hashes")) + by) + line[heading.end() :]
        out.append(line)
    return "".join(out)


def _fence_after(line: str, fence: str | None) -> str | None:
    """The fence open after ``line`` (None: none), given the one open before it: a fence closes on a line of the
    same character, at least as long, and nothing else (CommonMark's rule, which superfences follows too)."""
    match = _FENCE.match(line)
    if match is None:
        return fence
    mark = match.group("fence")
    if fence is None:
        return mark
    rest = line.strip()
    return None if rest[0] == fence[0] and len(rest) >= len(fence) and set(rest) == {fence[0]} else fence


def _page_file(page) -> object:
    return display_path(page.file.abs_src_path) if page.file.abs_src_path else page.file.src_uri


def _located(failure) -> str:
    """``file:line: message``, the file as the author would type it from the working folder."""
    file = display_path(failure.file) if failure.file else "?"
    return f"{file}:{failure.line}: {failure.message}" if failure.line else f"{file}: {failure.message}"
