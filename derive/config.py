r"""``[tool.derive]`` in a project's pyproject.toml: the settings the CLI and the pytest plugin share.

```toml
[tool.derive]
paths = ["proofs"]              # what `pytest` collects (derive.pytest_plugin)

[tool.derive.notation]          # how `derive build` writes symbols and logarithms (derive.render.notation)
symbols = { q = '\hat{y}' }
log = "ln"                      # or "log"
base = 2                        # only where every step holds in any base
```
"""

from __future__ import annotations

import tomllib
from pathlib import Path

from derive.errors import DeriveError


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
    from derive.render.notation import Notation, NotationError

    table = tool_table(pyproject).get("notation", {})
    if not isinstance(table, dict):
        raise ConfigError(f"{pyproject}: [tool.derive.notation] must be a table")
    try:
        return Notation.from_config(table)
    except NotationError as exc:
        raise ConfigError(f"{pyproject}: {exc}") from None
