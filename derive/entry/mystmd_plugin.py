"""A ``derivation`` directive for mystmd (Jupyter Book 2), as a mystmd *executable plugin*.

mystmd runs an executable plugin as a program: with no arguments it prints the plugin's specification (its
directives, as JSON); with ``--directive derivation`` it reads the directive's data (``arg``, ``options``) as JSON
on stdin and prints the MyST AST nodes that replace the directive on stdout. mystmd needs the path of an
executable file and passes no arguments of its own choosing, so a project holds a two-line script that calls
:func:`main` (docs/mystmd.md)::

    #!/usr/bin/env python3
    from derive.entry.mystmd_plugin import main; main()

The directive's argument is a module path relative to the project (the folder of the ``myst.yml`` nearest above
that script; mystmd does not tell a plugin which page it runs for), its ``:name:`` option one derivation in it.
The module is checked by :func:`derive.entry.embed.check_file` (settings of the nearest ``pyproject.toml``, the
verification cache) and shown as a bold title, one display ``math`` node (the chain in ``aligned``, each line
with its mark, number and justification, typeset by KaTeX) and the legend of the marks.

A refuted step or an engine inconsistency exits 1 with the counterexample on stderr; a module that cannot be
embedded exits 2. mystmd then reports "Non-zero error code after running executable ..." with that text as an
error of the page and leaves the page out, and ``myst build --strict`` exits 1 (without ``--strict`` mystmd
exits 0 on page errors). A step short of its ``allow=`` (undecided) is a warning box on the page: mystmd logs a
plugin's stderr only at debug level, so nothing else would show it.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

from derive.entry.embed import EmbedError, Failure, check_file, failures, settings_for, shortfalls
from derive.entry.settings import Settings
from derive.render import base, chain
from derive.render.mathjax import render_mathjax
from derive.render.style import for_derivation, using
from derive.render.text import segments

#: What mystmd reads when it loads the plugin (``myst-common``'s ``DirectiveSpec`` without ``run``).
SPEC = {
    "name": "derive",
    "directives": [
        {
            "name": "derivation",
            "doc": "A derivation checked by derive: its chain as one aligned display with evidence marks.",
            "arg": {"type": "string", "required": True, "doc": "The module's path, relative to the project."},
            "options": {
                "name": {"type": "string", "doc": "The one derivation of the module to show (all when absent)."},
                "label": {"type": "string", "doc": "A label to reference the chain by (one derivation only)."},
            },
        }
    ],
}


def main(argv: list[str] | None = None, script: str | None = None) -> None:
    """Run as mystmd runs the plugin: no arguments print :data:`SPEC`; ``--directive derivation`` reads the
    directive's data on stdin and prints its nodes. Exits 1 on a failing step, 2 on anything it cannot show."""
    argv = sys.argv[1:] if argv is None else argv
    if not argv:
        json.dump(SPEC, sys.stdout)
        return
    if argv != ["--directive", "derivation"]:
        sys.exit(f"derive mystmd plugin: unexpected arguments {' '.join(argv)} (it has one directive: derivation)")
    data = json.load(sys.stdin)
    project = project_folder(Path(script or sys.argv[0]))
    try:
        nodes = directive(data, project)
    except EmbedError as error:
        print(f"derive: {error}", file=sys.stderr)
        sys.exit(2)
    except StepsFailed as error:
        print(str(error), file=sys.stderr)
        sys.exit(1)
    json.dump(nodes, sys.stdout)


class StepsFailed(Exception):
    """Steps that fail the build, the message naming each one's file and line."""


def project_folder(script: Path) -> Path:
    """The folder of the ``myst.yml`` nearest above ``script`` (the plugin's own path, which mystmd resolves from
    the ``myst.yml`` that declares it); the working folder when there is none."""
    for folder in script.resolve().parents:
        if (folder / "myst.yml").is_file():
            return folder
    return Path.cwd()


def directive(data: dict, project: Path) -> list[dict]:
    """The nodes for one ``derivation`` directive. Raises :class:`EmbedError` (bad path, unknown name) or
    :class:`StepsFailed` (a refuted step, an engine inconsistency)."""
    written = str(data.get("arg") or "").strip()
    options = data.get("options") or {}
    path = project / written
    settings = settings_for(path)
    reports = check_file(path, options.get("name") or None, settings=settings)
    failed = failures(reports)
    if failed:
        raise StepsFailed("\n".join(_located(f, project) for f in failed))
    label = options.get("label")
    if label and len(reports) > 1:
        raise EmbedError(f"{written}: :label: needs one derivation; name it with :name: (the module has several)")
    nodes: list[dict] = []
    for report in reports:
        nodes += derivation_nodes(report, label, settings)
    short = shortfalls(reports)
    if short:
        for failure in short:
            print(f"derive: warning: {_located(failure, project)}", file=sys.stderr)
        nodes.append(_warning([_located(f, project) for f in short]))
    return nodes


def derivation_nodes(report, label: str | None, settings: Settings) -> list[dict]:
    """The title (bold), the chain (one display ``math`` node, labelled when ``label``) and the legend."""
    derivation = report.derivation
    with using(for_derivation(settings.notation(), derivation)):
        display = render_mathjax(derivation, report.results, "", heading=False)
    math = {"type": "math", "value": display.strip().removeprefix("$$").removesuffix("$$").strip()}
    if label:
        math |= {"label": label, "identifier": label.lower(), "enumerated": False}
    legend = [{"type": "strong", "children": [_text("Marks:")]}, _text(" ")]
    shown = chain.build(derivation, report.results).evidences  # the marks of the lines the display shows
    for n, mark in enumerate(base.used_marks(shown)):
        legend += ([_text("; ")] if n else []) + [{"type": "inlineMath", "value": mark.latex}, _text(" ")]
        legend += _inline(mark.meaning)
    return [
        {"type": "paragraph", "children": [{"type": "strong", "children": _inline(derivation.title)}]},
        math,
        {"type": "paragraph", "children": [*legend, _text(".")]},
    ]


def _inline(text: str) -> list[dict]:
    """Plain text with formulas (``$...$``, ``:math:`...```) as MyST text and ``inlineMath`` nodes."""
    return [{"type": "inlineMath", "value": c} if is_math else _text(c) for is_math, c in segments(text)]


def _text(value: str) -> dict:
    return {"type": "text", "value": value}


def _warning(messages: list[str]) -> dict:
    """A warning box that lists the steps short of what they declared."""
    items = [{"type": "paragraph", "children": [{"type": "inlineCode", "value": m}]} for m in messages]
    title = {"type": "admonitionTitle", "children": [_text("derive: steps short of their allow=")]}
    return {"type": "admonition", "kind": "warning", "children": [title, *items]}


def _located(failure: Failure, project: Path) -> str:
    """``proofs/x.py:11: message``, the file relative to the project when it is inside it."""
    file = Path(failure.file)
    try:
        file = file.resolve().relative_to(project.resolve())
    except ValueError:
        pass
    where = f"{file}:{failure.line}" if failure.line is not None else str(file)
    return f"{where}: {failure.message}"


if __name__ == "__main__":
    main()
