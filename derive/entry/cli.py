"""``derive``: list, check and build derivations.

With no PATH, a command acts on the ``[tool.derive] paths`` of the nearest pyproject.toml, else on a ``proofs/``
folder in the working directory, else on the bundled derivations (:func:`derive.entry.settings.discover`), as the
pytest plugin does; a line on stderr says which.

Exit codes (``ExitCode``): 0 every step verified; 1 a step refuted or short of what it declared, or LaTeX failed on
a write-up; 2 bad input (usage, a missing path, a module that fails to import or defines no derivation, a bad
setting in pyproject.toml); 3 internal error, or an engine inconsistency (a proof the independent guard
contradicts).
"""

from __future__ import annotations

import os
import sys

from derive.core.errors import DeriveError
from derive.entry.arguments import build_parser
from derive.entry.commands import ExitCode, cmd_cache, cmd_check, cmd_list, settings_of

__all__ = ["COMMANDS", "ExitCode", "build_parser", "entry", "main"]


def cmd_build(args, settings):
    """``derive build`` (imported when run: a warm ``derive check`` must not pay for the renderers' imports)."""
    from derive.entry.build_command import cmd_build as build

    return build(args, settings)


def cmd_mutate(args, settings):
    """``derive mutate`` (imported when run, as ``build`` is)."""
    from derive.entry.mutate_command import cmd_mutate as mutate

    return mutate(args, settings)


COMMANDS = {"list": cmd_list, "check": cmd_check, "build": cmd_build, "mutate": cmd_mutate, "cache": cmd_cache}


def main(argv: list[str] | None = None) -> int:
    """Run one command: parse the arguments, read the settings once, and return the exit code."""
    args = build_parser().parse_args(argv)
    try:
        return int(COMMANDS[args.command](args, settings_of(args)))
    except DeriveError as exc:
        print(f"derive: error: {exc}", file=sys.stderr)
        return ExitCode.BAD_INPUT
    except KeyboardInterrupt:
        print("derive: interrupted", file=sys.stderr)
        return ExitCode.FAILED


def entry() -> None:  # console script
    try:
        code = main()
        sys.stdout.flush()  # here, so that a reader who stopped reading (derive check | head) is caught below
    except BrokenPipeError:
        # NOTE: as the Python docs advise (signal module, "Note on SIGPIPE"): send what is still buffered to devnull,
        # so that the flush at exit does not raise again, and exit 1 as Python does on EPIPE.
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        code = ExitCode.FAILED
    except Exception:  # noqa: BLE001 - an internal error: show it and say so with the exit code
        import traceback

        traceback.print_exc()
        code = ExitCode.INTERNAL
    sys.exit(code)


if __name__ == "__main__":
    entry()
