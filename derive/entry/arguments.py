"""The ``derive`` command's arguments: the parser of every subcommand, its help and its value checks.

Only what the command line says lives here; what the commands do with it is :mod:`derive.entry.commands` and
:mod:`derive.entry.build_command`, and the settings it overrides are :class:`derive.entry.settings.Settings`.
"""

from __future__ import annotations

import argparse
import os
from pathlib import Path

from derive.core.version import VERSION as __version__
from derive.run.cache import default_dir


class _Help(argparse.HelpFormatter):
    """Writes derive's default budget into a help text's ``{budget}`` when help is shown, not when the parser is
    built: its home (derive.checks.steps) imports the engine, which a warm ``derive check`` never needs."""

    def _get_help_string(self, action) -> str:
        text = super()._get_help_string(action) or ""
        if "{budget}" in text:
            from derive.checks.steps import DEFAULT_BUDGET

            text = text.replace("{budget}", f"{DEFAULT_BUDGET:g}")
        return text


class _Parser(argparse.ArgumentParser):
    """Every parser and subparser formats its help with :class:`_Help`."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("formatter_class", _Help)
        super().__init__(*args, **kwargs)


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(
        prog="derive",
        description="Machine-checked derivations: verify every step symbolically, write LaTeX, Markdown and PDF.",
        epilog="With no PATH, the commands act on the paths of [tool.derive] in the nearest pyproject.toml, else on "
        "a proofs/ folder here, else on the derivations bundled with derive; a line on stderr says which. "
        "Exit codes: 0 verified, 1 a step refuted or short of what it declared (or LaTeX failed on a write-up), "
        "2 bad input, 3 internal error.",
    )
    parser.add_argument("--version", action="version", version=f"derive {__version__}")
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND", parser_class=_Parser)

    def paths(p):
        p.add_argument(
            "paths",
            nargs="*",
            metavar="PATH",
            help="a derivation module (.py) or a folder of them (default: [tool.derive] paths in pyproject.toml, "
            "else ./proofs, else the bundled derivations)",
        )

    p_list = sub.add_parser("list", help="list the derivations found")
    paths(p_list)

    def checking(p):
        paths(p)
        p.add_argument(
            "--budget",
            type=float,
            default=None,  # None: [tool.derive] budget, else derive's default (Settings.options)
            metavar="SECONDS",
            help="time budget per step (a step's own budget= wins); a step that needs longer is undecided "
            "(default: [tool.derive] budget, else {budget})",
        )
        p.add_argument("--seed", type=int, default=0, help="seed for the random points of numeric checks")
        p.add_argument(
            "--step",
            metavar="NAME",
            help="check only the step with this name or 1-based number, in each derivation that has one "
            "(DERIVATION:STEP names one derivation's)",
        )
        p.add_argument(
            "-j",
            "--jobs",
            type=int,
            default=os.cpu_count() or 1,
            metavar="N",
            help="steps verified in parallel (default: all cores); results are the same as with --jobs 1",
        )
        p.add_argument("--no-cache", action="store_true", help="verify every step again, ignoring the cache")
        p.add_argument(
            "--cache-dir",
            type=Path,
            default=None,
            metavar="DIR",
            help=f"where results are cached (default {default_dir()})",
        )

    p_check = sub.add_parser("check", help="verify every step and print a table (or JSON)")
    checking(p_check)
    p_check.add_argument(
        "--format",
        choices=["text", "json", "github"],
        default="text",
        help="text: the table (the default); json: a JSON report instead; github: GitHub Actions annotations at "
        "each failing step's file and line, and the summary line",
    )
    p_check.add_argument(
        "--json", dest="format", action="store_const", const="json", help="print a JSON report (--format json)"
    )
    p_check.add_argument("-v", "--verbose", action="store_true", help="show the rules each proof used")

    p_mutate = sub.add_parser("mutate", help="plant mistakes in every step and report how many are caught")
    paths(p_mutate)
    p_mutate.add_argument("--budget", type=float, default=None, metavar="SECONDS", help="per mutant (default {budget})")
    p_mutate.add_argument(
        "--seed", type=int, default=0, help="seed for the random points of numeric checks and for --sample"
    )
    p_mutate.add_argument(
        "--sample",
        type=_count,
        default=None,
        metavar="N",
        help="check only N mutants drawn at random with --seed (a quick, reproducible CI run); default: all",
    )
    p_mutate.add_argument(
        "-j",
        "--jobs",
        type=int,
        default=os.cpu_count() or 1,
        metavar="N",
        help="mutants checked in parallel (default: all cores)",
    )
    p_mutate.add_argument("--json", action="store_true", help="print counts and every mutant as JSON")

    p_cache = sub.add_parser("cache", help="show, prune or clear the verification cache")
    p_cache.add_argument(
        "action",
        choices=["dir", "prune", "clear"],
        help="dir: print its location; prune: remove the results of other derive versions; clear: delete it",
    )
    p_cache.add_argument("--cache-dir", type=Path, default=None, metavar="DIR")

    p_build = sub.add_parser(
        "build",
        help="verify, then write LaTeX, Markdown, PDF and HTML write-ups",
        description="Verify, then write each passing derivation's write-ups, and the lecture notes, slides and HTML "
        "site (DIR/html/index.html) of them all. "
        "Exit code 1 when a step is refuted or short of what it declared, or when LaTeX fails on a write-up "
        "(that write-up is then not written; --no-pdf writes its .tex without typesetting it).",
    )
    checking(p_build)
    p_build.add_argument("--out", default="derive-out", metavar="DIR", help="output folder (default: derive-out)")
    p_build.add_argument("--no-pdf", action="store_true", help="do not run LaTeX")
    p_build.add_argument(
        "--check",
        action="store_true",
        help="write nothing: build into a temporary folder and list the files in DIR that a build would write, "
        "rewrite or remove (a PDF is compared through DIR's manifest, never typeset); exit 1 if any",
    )
    p_build.add_argument(
        "--no-notes", action="store_true", help="do not write the combined lecture notes, slides and HTML site"
    )
    p_build.add_argument(
        "--title",
        type=_title_text,
        metavar="TEXT",
        help="title of the lecture notes and slides (default: title in [tool.derive] of pyproject.toml, else a "
        "generic one, or the bundled derivations' own)",
    )
    p_build.add_argument(
        "--markdown-math",
        choices=["dollars", "github"],
        default=None,
        help="math in the .md files: $...$ and $$...$$ (Jupyter, MkDocs, pandoc; the default) or GitHub's own "
        "$`...`$ and ```math, which GitHub renders without eating backslashes (default: markdown_math in "
        "[tool.derive] of pyproject.toml, else dollars)",
    )
    notation = p_build.add_argument_group(
        "notation", "how the write-ups print symbols and logarithms; also [tool.derive.notation] in pyproject.toml"
    )
    notation.add_argument(
        "--rename",
        action="append",
        default=[],
        metavar="NAME=LATEX",
        help=r"print the symbol NAME as LATEX, e.g. --rename 'q=\hat{y}' (repeatable; the proofs are untouched)",
    )
    notation.add_argument("--log", choices=["log", "ln"], default=None, help=r"write \log (default) or \ln")
    notation.add_argument(
        "--log-base",
        type=int,
        default=None,
        metavar="B",
        help="write logarithms to base B in derivations whose every step holds in any base",
    )
    return parser


def _title_text(text: str) -> str:
    if not text.strip():
        raise argparse.ArgumentTypeError("give the title of the lecture notes and slides, e.g. --title 'Entropy'")
    return text.strip()


def _count(text: str) -> int:
    """A whole number ≥ 0 for argparse (``--sample``)."""
    value = int(text)
    if value < 0:
        raise argparse.ArgumentTypeError(f"{text} is negative; give a number of mutants, 0 or more")
    return value
