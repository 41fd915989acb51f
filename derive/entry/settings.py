r"""``[tool.derive]`` in a project's pyproject.toml: the settings the CLI and the pytest plugin share.

```toml
[tool.derive]
paths = ["proofs"]              # what `pytest` collects (derive.entry.pytest_plugin) and `derive check` checks
title = "Information theory"    # the title of the lecture notes and slides `derive build` writes
markdown_math = "github"        # $`...`$ and ```math in the .md write-ups (default "dollars": $...$, $$...$$)

[tool.derive.notation]          # how `derive build` writes symbols and logarithms (derive.render.style)
symbols = { q = '\hat{y}' }
log = "ln"                      # or "log"
base = 2                        # only where every step holds in any base
```
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from pathlib import Path

from derive.core.errors import DeriveError


class ConfigError(DeriveError):
    """pyproject.toml cannot be read, or its [tool.derive] table is malformed."""


def find_pyproject(start: Path | None = None) -> Path | None:
    """The nearest pyproject.toml in ``start`` (the working directory) or above it."""
    here = (start or Path.cwd()).resolve()
    for folder in (here, *here.parents):
        candidate = folder / "pyproject.toml"
        if candidate.is_file():
            return candidate
    return None


def tool_table(pyproject: Path | None) -> dict:
    """``[tool.derive]`` of ``pyproject`` ({} when there is none)."""
    if pyproject is None:
        return {}
    try:
        data = tomllib.loads(pyproject.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
        raise ConfigError(f"{pyproject}: {exc}") from None
    table = data.get("tool", {}).get("derive", {})
    if not isinstance(table, dict):
        raise ConfigError(f"{pyproject}: [tool.derive] must be a table")
    return table


def notation_from(pyproject: Path | None):
    """The notation configured in ``[tool.derive.notation]`` (the default notation when there is none)."""
    from derive.render.style import Notation, NotationError

    table = tool_table(pyproject).get("notation", {})
    if not isinstance(table, dict):
        raise ConfigError(f"{pyproject}: [tool.derive.notation] must be a table")
    try:
        return Notation.from_config(table)
    except NotationError as exc:
        raise ConfigError(f"{pyproject}: {exc}") from None


def paths_setting(pyproject: Path | None) -> list[str]:
    """``[tool.derive] paths`` of ``pyproject`` as written ([] when there are none).

    Raises:
        ConfigError: pyproject.toml is malformed, or ``paths`` is not a list of strings.
    """
    paths = tool_table(pyproject).get("paths", [])
    if not isinstance(paths, list) or not all(isinstance(p, str) for p in paths):
        raise ConfigError(f'{pyproject}: [tool.derive] paths must be a list such as ["proofs"], not {paths!r}')
    return paths


def configured_paths(pyproject: Path | None) -> list[Path]:
    """``[tool.derive] paths`` of ``pyproject``, relative to its folder ([] when there are none).

    Raises:
        ConfigError: as :func:`paths_setting`, or a path names a file or folder that does not exist.
    """
    paths = paths_setting(pyproject)
    resolved = [pyproject.parent / p for p in paths] if pyproject else []
    for raw, path in zip(paths, resolved):
        if not path.exists():
            raise ConfigError(
                f"{pyproject}: [tool.derive] paths: {raw!r} does not exist (looked for {path}); "
                "fix the path or remove it from the list"
            )
    return resolved


def title_from(pyproject: Path | None) -> str | None:
    """``[tool.derive] title``: the title of the lecture notes and slides (None when unset)."""
    title = tool_table(pyproject).get("title")
    if title is not None and (not isinstance(title, str) or not title.strip()):
        raise ConfigError(f'{pyproject}: [tool.derive] title must be a non-empty string such as "My notes"')
    return title.strip() if title else None


def markdown_math_from(pyproject: Path | None) -> str:
    """``[tool.derive] markdown_math``: how the Markdown write-ups delimit math (``"dollars"`` when unset)."""
    from derive.render.markdown import MATH_SYNTAXES

    syntax = tool_table(pyproject).get("markdown_math", MATH_SYNTAXES[0])
    if syntax not in MATH_SYNTAXES:
        known = " or ".join(f'"{s}"' for s in MATH_SYNTAXES)
        raise ConfigError(f"{pyproject}: [tool.derive] markdown_math must be {known}, not {syntax!r}")
    return syntax


@dataclass(frozen=True)
class Source:
    """The derivations a command acts on when it is given no PATH, and where that choice came from."""

    paths: list[Path]
    origin: str  # "[tool.derive] paths in pyproject.toml", "the proofs/ folder", or "" for the bundled set

    @property
    def bundled(self) -> bool:
        return not self.origin


def default_source(start: Path | None = None) -> Source:
    """What to act on without a PATH, the way the pytest plugin chooses: the ``[tool.derive] paths`` of the
    nearest pyproject.toml, else a ``proofs/`` folder in ``start`` (the working directory) that holds derivation
    modules, else the derivations bundled with derive.

    Raises:
        ConfigError: pyproject.toml is malformed or lists a path that does not exist.
    """
    from derive.run.loader import bundled_proofs, display_path, is_derivation_file

    here = start or Path.cwd()
    pyproject = find_pyproject(here)
    configured = configured_paths(pyproject)
    if configured:
        return Source(configured, f"[tool.derive] paths in {display_path(pyproject)}")
    proofs = here / "proofs"
    if proofs.is_dir() and any(is_derivation_file(p) for p in proofs.glob("*.py")):
        return Source([proofs], "the proofs/ folder here")
    return Source([bundled_proofs()], "")
