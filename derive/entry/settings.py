r"""One :class:`Settings` object for the CLI and the pytest plugin, read once from ``[tool.derive]``.

```toml
[tool.derive]
paths = ["proofs"]              # what `pytest` collects (derive.entry.pytest_plugin) and `derive check` checks
title = "Information theory"    # the title of the lecture notes and slides `derive build` writes
markdown_math = "github"        # $`...`$ and ```math in the .md write-ups (default "dollars": $...$, $$...$$)
budget = 10                     # seconds per step (default 5); a step's own budget= wins for that step

[tool.derive.notation]          # how `derive build` writes symbols and logarithms (derive.render.style)
symbols = { q = '\hat{y}' }
log = "ln"                      # or "log"
base = 2                        # only where every step holds in any base
```

Precedence, lowest first: derive's defaults (the fields' defaults below), then ``[tool.derive]`` of one
pyproject.toml (read once, by :meth:`Settings.read`), then the command line (``derive --budget``, ``--title``,
``--markdown-math``, ``--rename``...) or pytest's options (``--derive-budget``, ``--derive-strict``...), applied
by :meth:`Settings.override`. The budget is the run's default: a step written with ``budget=`` keeps its own
(derive.run.check.step_budget). The CLI reads the nearest pyproject.toml at or above the working directory; the
pytest plugin reads the one at pytest's rootdir. A key of ``[tool.derive]`` that is not one of :data:`KNOWN_KEYS`
is an error naming the file, the key and the known keys (as SymPy's printers reject an unknown setting), so a
misspelt setting is never silently ignored.

Without a PATH, both the CLI and the plugin act on what :func:`discover` finds: the configured ``paths``, else a
``proofs/`` folder that holds derivation modules (the CLI then falls back on the bundled derivations; the plugin
collects nothing of its own).
"""

from __future__ import annotations

import dataclasses
import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from types import MappingProxyType
from typing import Any

from derive.core.errors import DeriveError

KNOWN_KEYS = ("budget", "markdown_math", "notation", "paths", "title")
# NOTE: the same syntaxes as derive.render.markdown.MATH_SYNTAXES (a test keeps them equal): the pytest plugin
# reads these settings at configure time, and importing the renderer would import SymPy there.
MARKDOWN_MATH = ("dollars", "github")


class ConfigError(DeriveError):
    """pyproject.toml cannot be read, or its [tool.derive] table is malformed."""


def find_pyproject(start: Path | None = None) -> Path | None:
    """The nearest pyproject.toml in ``start`` (the working directory) or above it, going up the path as written:
    a folder that is a symlink into another project takes the settings of the project it is linked into."""
    here = Path(os.path.abspath(start or Path.cwd()))
    for folder in (here, *here.parents):
        candidate = folder / "pyproject.toml"
        if candidate.is_file():
            return candidate
    return None


def read_toml(path: Path) -> dict:
    """The parsed file: the one place pyproject.toml is read (tests count the calls)."""
    import tomllib  # here: a check given its PATHs reads no pyproject.toml, and its warm run should not pay for it

    try:
        return tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
        raise ConfigError(f"{path}: {exc}") from None


@dataclass(frozen=True)
class Settings:
    """Everything the entry points decide before checking: what to act on, how to check, how to write.

    Build one with :meth:`read` (the file) and :meth:`override` (the command line); it never changes after.
    """

    pyproject: Path | None = None  # the file read, for messages and relative paths (None: no file)
    paths: tuple[str, ...] = ()  # [tool.derive] paths as written, relative to the pyproject's folder
    title: str | None = None  # of the lecture notes and slides (None: the bundled or a generic title)
    markdown_math: str = MARKDOWN_MATH[0]
    notation_table: Mapping[str, Any] = field(default_factory=lambda: MappingProxyType({}))
    budget: float | None = None  # seconds per step (None: derive.checks.steps.DEFAULT_BUDGET)
    seed: int = 0
    jobs: int = 1
    use_cache: bool = True
    cache_dir: Path | None = None  # None: derive.run.cache.default_dir()
    strict: bool = False  # pytest --derive-strict: every claim must be proved

    @classmethod
    def read(cls, pyproject: Path | None) -> Settings:
        """The settings of ``[tool.derive]`` in ``pyproject`` (the defaults when it is None or has none).

        Raises:
            ConfigError: the file cannot be parsed, ``[tool.derive]`` has an unknown key, or a value is malformed.
        """
        if pyproject is None:
            return cls()
        table = read_toml(pyproject).get("tool", {}).get("derive", {})
        if not isinstance(table, dict):
            raise ConfigError(f"{pyproject}: [tool.derive] must be a table")
        unknown = sorted(set(table) - set(KNOWN_KEYS))
        if unknown:
            raise ConfigError(
                f"{pyproject}: [tool.derive]: unknown key {unknown[0]!r}; the known keys: {', '.join(KNOWN_KEYS)}"
            )
        return cls(
            pyproject=pyproject,
            paths=_paths(pyproject, table.get("paths", [])),
            title=_title(pyproject, table.get("title")),
            markdown_math=_markdown_math(pyproject, table.get("markdown_math", MARKDOWN_MATH[0])),
            notation_table=_notation_table(pyproject, table.get("notation", {})),
            budget=_budget(pyproject, table.get("budget")),
        )

    def override(self, **given: Any) -> Settings:
        """These settings with the given ones on top; a None value keeps what is set (an option not given).

        Raises:
            TypeError: a name that is not a setting (API misuse, as in :func:`dataclasses.replace`).
        """
        return dataclasses.replace(self, **{k: v for k, v in given.items() if v is not None})

    def configured_paths(self) -> list[Path]:
        """``paths`` relative to the pyproject's folder ([] when there are none).

        Raises:
            ConfigError: a path names a file or folder that does not exist.
        """
        if self.pyproject is None:
            return []
        resolved = [self.pyproject.parent / p for p in self.paths]
        for raw, path in zip(self.paths, resolved):
            if not path.exists():
                raise ConfigError(
                    f"{self.pyproject}: [tool.derive] paths: {raw!r} does not exist (looked for {path}); "
                    "fix the path or remove it from the list"
                )
        return resolved

    def options(self):
        """The :class:`derive.checks.steps.Options` of a check (budget and seed)."""
        from derive.checks.steps import DEFAULT_BUDGET, Options

        return Options(budget=DEFAULT_BUDGET if self.budget is None else self.budget, seed=self.seed)

    def cache(self):
        """The verification cache to use, or None with ``use_cache=False``."""
        from derive.run.cache import Cache

        return Cache(self.cache_dir) if self.use_cache else None

    def notation(self, symbols: Mapping[str, str] | None = None, log: str | None = None, base: int | None = None):
        """``[tool.derive.notation]`` as a :class:`derive.render.style.Notation`, with the given settings on top.

        Raises:
            ConfigError: the table has an unknown key or a value the printer cannot use (naming the file).
        """
        from derive.render.style import Notation, NotationError

        try:
            configured = Notation.from_config(dict(self.notation_table))
        except NotationError as exc:
            raise ConfigError(f"{self.pyproject}: {exc}") from None
        return configured.merge(symbols=dict(symbols or {}), log=log, base=base)


def _paths(pyproject: Path, paths: Any) -> tuple[str, ...]:
    if not isinstance(paths, list) or not all(isinstance(p, str) for p in paths):
        raise ConfigError(f'{pyproject}: [tool.derive] paths must be a list such as ["proofs"], not {paths!r}')
    return tuple(paths)


def _title(pyproject: Path, title: Any) -> str | None:
    if title is not None and (not isinstance(title, str) or not title.strip()):
        raise ConfigError(f'{pyproject}: [tool.derive] title must be a non-empty string such as "My notes"')
    return title.strip() if title else None


def _budget(pyproject: Path, budget: Any) -> float | None:
    if budget is None:
        return None
    if isinstance(budget, (int, float)) and not isinstance(budget, bool) and 0 < budget < float("inf"):
        return float(budget)
    raise ConfigError(
        f"{pyproject}: [tool.derive] budget must be a positive number of seconds such as 10, not {budget!r}"
    )


def _markdown_math(pyproject: Path, syntax: Any) -> str:
    if syntax not in MARKDOWN_MATH:
        known = " or ".join(f'"{s}"' for s in MARKDOWN_MATH)
        raise ConfigError(f"{pyproject}: [tool.derive] markdown_math must be {known}, not {syntax!r}")
    return syntax


def _notation_table(pyproject: Path, table: Any) -> Mapping[str, Any]:
    if not isinstance(table, dict):
        raise ConfigError(f"{pyproject}: [tool.derive.notation] must be a table")
    return MappingProxyType(table)


# -- what to act on without a PATH ----------------------------------------------------------------------------
@dataclass(frozen=True)
class Source:
    """The derivations a command acts on when it is given no PATH, and where that choice came from."""

    paths: list[Path]
    kind: str  # "configured" ([tool.derive] paths), "proofs" (a proofs/ folder), "bundled", or "none"
    pyproject: Path | None = None

    @property
    def bundled(self) -> bool:
        return self.kind == "bundled"

    @property
    def origin(self) -> str:
        """Where the paths came from, as the CLI says it ("" for the bundled derivations)."""
        from derive.run.loader import display_path

        if self.kind == "configured":
            return f"[tool.derive] paths in {display_path(self.pyproject)}"
        return "the proofs/ folder here" if self.kind == "proofs" else ""


def discover(settings: Settings, here: Path, *, bundled: bool = True) -> Source:
    """What to act on without a PATH: the configured ``paths``, else a ``proofs/`` folder in ``here`` that holds
    derivation modules, else (with ``bundled``, as for the CLI) the derivations bundled with derive.

    The CLI and the pytest plugin both call this (``here`` is the working directory or pytest's rootdir), so
    ``derive check`` and a plain ``pytest`` act on the same modules.

    Raises:
        ConfigError: a configured path does not exist.
    """
    from derive.run.loader import bundled_proofs, is_derivation_file

    configured = settings.configured_paths()
    if configured:
        return Source(configured, "configured", settings.pyproject)
    proofs = here / "proofs"
    if proofs.is_dir() and any(is_derivation_file(p) for p in proofs.glob("*.py")):
        return Source([proofs], "proofs")
    return Source([bundled_proofs()], "bundled") if bundled else Source([], "none")


def default_source(start: Path | None = None) -> Source:
    """:func:`discover` for the CLI: the settings of the nearest pyproject.toml above ``start`` (the working
    directory), falling back on the bundled derivations."""
    here = start or Path.cwd()
    return discover(Settings.read(find_pyproject(here)), here)
