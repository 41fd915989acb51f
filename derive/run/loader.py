"""Find derivation modules and import them by path.

A PATH is a derivation module (``.py``) or a folder of them (files starting with ``_`` are skipped, as are
``conftest.py`` and ``test_*.py``). Each module is imported under a private name, so a user's ``proofs`` folder
can never shadow or be shadowed by another package. Every failure becomes a ``LoadError`` naming the file,
and the other modules still load.
"""

from __future__ import annotations

import ast
import contextlib
import hashlib
import importlib.util
import os
import signal
import sys
import threading
import time
import traceback
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from derive.core.errors import DeriveError, LoadError

if TYPE_CHECKING:
    from derive.core.model import Derivation


@dataclass
class Loaded:
    """One module: its derivations, or the error that stopped it."""

    path: Path
    derivations: list[Derivation] = field(default_factory=list)
    error: LoadError | None = None

    @property
    def display(self) -> str:
        return display_path(self.path)


def display_path(path: Path | str) -> str:
    """``path`` relative to the working directory when it lies below it."""
    try:
        return os.path.relpath(path) if not os.path.relpath(path).startswith("..") else str(path)
    except ValueError:
        return str(path)


def bundled_proofs() -> Path:
    """The derivations shipped with the package (``derive/proofs`` when installed, ``proofs/`` in a checkout)."""
    here = Path(__file__).resolve().parents[1]  # the derive package
    installed = here / "proofs"
    # a checkout's derive/proofs holds only a pointer to ../proofs (derive/proofs/__init__.py); installed, the modules
    modules = [m for m in installed.glob("*.py") if m.name != "__init__.py"]
    return installed if modules else here.parent / "proofs"


def is_bundled(paths: list[str | Path]) -> bool:
    """Whether ``paths`` are the bundled derivations: their folder, or a folder whose modules are the same files
    byte for byte (a checkout's ``proofs/`` beside an installed copy of the package)."""
    if len(paths) != 1 or not Path(paths[0]).is_dir():
        return False

    def contents(folder: Path) -> dict[str, bytes]:
        return {p.name: p.read_bytes() for p, error in module_files([folder]) if error is None}

    folder = Path(paths[0])
    return folder.resolve() == bundled_proofs().resolve() or contents(folder) == contents(bundled_proofs())


def module_files(paths: list[str | Path]) -> list[tuple[Path, LoadError | None]]:
    """Expand PATHs into module files, in a stable order; a missing path becomes an error entry."""
    out: list[tuple[Path, LoadError | None]] = []
    for raw in paths:
        path = Path(raw)
        if path.is_dir():
            files = reading_order(path, [p for p in path.glob("*.py") if is_derivation_file(p)])
            if not files:
                out.append((path, LoadError(f"{display_path(path)}: no derivation modules (*.py) in this folder")))
            out.extend((p, None) for p in files)
        elif path.is_file():
            out.append((path, None))
        else:
            out.append((path, LoadError(f"{raw}: no such file or folder")))
    return out


def reading_order(folder: Path, files: list[Path]) -> list[Path]:
    """``files`` in the folder's reading order: the module names listed in ``ORDER = [...]`` in its
    ``__init__.py`` first, in that order, then the others by name. ``ORDER`` is read, never imported."""
    order: list[str] = []
    init = folder / "__init__.py"
    if init.is_file():
        try:
            for node in ast.parse(init.read_text(encoding="utf-8")).body:
                if isinstance(node, ast.Assign) and [getattr(t, "id", None) for t in node.targets] == ["ORDER"]:
                    order = [str(n) for n in ast.literal_eval(node.value)]
        except (SyntaxError, ValueError, OSError):
            order = []
    rank = {name: n for n, name in enumerate(order)}
    return sorted(files, key=lambda p: (rank.get(p.stem, len(rank)), p.name))


def is_derivation_file(p: Path) -> bool:
    """Whether a folder's ``p`` is a derivation module (the pytest plugin uses this rule too; no SymPy needed)."""
    return not p.name.startswith("_") and p.name != "conftest.py" and not p.name.startswith("test_")


def load_module(path: Path) -> Loaded:
    """Import ``path`` and collect the ``Derivation`` objects it defines, in definition order."""
    shown = display_path(path)
    if path.suffix != ".py":
        return Loaded(path, error=LoadError(f"{shown}: not a Python file (.py)"))
    digest = hashlib.sha1(str(path.resolve()).encode()).hexdigest()[:10]
    name = f"_derive_user_{path.stem}_{digest}"
    spec = importlib.util.spec_from_file_location(name, path)
    if spec is None or spec.loader is None:
        return Loaded(path, error=LoadError(f"{shown}: cannot be imported"))
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    from derive.core.model import MADE, Derivation  # here, so that importing the loader does not import SymPy

    made: list = []  # every derivation made while the module runs, in its own file (not in a module it imports)
    here = os.path.realpath(path)

    def watch(d, made_in: str) -> None:
        if os.path.realpath(made_in) == here:
            made.append(d)

    MADE.append(watch)
    try:
        with _deadline(IMPORT_TIMEOUT):
            spec.loader.exec_module(module)
    except _ImportTimeout:
        sys.modules.pop(name, None)
        return Loaded(
            path, error=LoadError(f"{shown}: did not finish importing within {IMPORT_TIMEOUT:g} s (an endless loop?)")
        )
    except SystemExit as exc:  # sys.exit() at import: never a pass with nothing checked
        sys.modules.pop(name, None)
        return Loaded(path, error=LoadError(f"{shown}: called sys.exit({exc.code!r}) while being imported"))
    except Exception as exc:  # noqa: BLE001 - any failure in a user's module is reported, not raised
        sys.modules.pop(name, None)
        return Loaded(path, error=LoadError(f"{shown}: failed to import: {_where(exc, path)}"))
    finally:
        MADE.remove(watch)

    imported = _imported_names(path)  # a derivation imported to be cited is its own module's, not this one's
    found = list(
        {id(v): v for k, v in vars(module).items() if isinstance(v, Derivation) and k not in imported}.values()
    )
    # one the module made but did not bind to a module-level name (a name bound twice, a list, a name an import
    # binds too) is checked as well, after those bound: a derivation is never silently left out
    found += [d for d in made if all(d is not f for f in found)]
    empty = [d.name for d in found if not d.steps]
    if empty:
        names = ", ".join(repr(n) for n in empty)
        return Loaded(
            path,
            error=LoadError(
                f"{shown}: derivation {names} has no steps (nothing to check or show): add a step to it, or remove it"
            ),
        )
    if not found:
        return Loaded(path, error=LoadError(f"{shown}: defines no derivation (no Derivation object at module level)"))
    _forget(path)  # a module loaded again (edited, in a notebook) replaces what it defined
    for n, d in enumerate(found):
        LOADED.setdefault(d.name, []).append(d)  # for a citation by name from a run given one step (pytest)
        d.source = str(path)
        if n == 0 and not d.intro and module.__doc__:
            # the module docstring opens the module's first derivation; the others say their own (intro=...)
            d.intro = module.__doc__.strip()
    return Loaded(path, derivations=found)


def _imported_names(path: Path) -> set[str]:
    """The names the module at ``path`` binds by ``import`` statements at its top level."""
    try:
        tree = ast.parse(path.read_bytes())
    except (OSError, SyntaxError, ValueError):
        return set()
    out = set()
    for node in tree.body:
        if isinstance(node, (ast.Import, ast.ImportFrom)):
            out |= {(a.asname or a.name).split(".")[0] for a in node.names}
    return out


#: Every derivation loaded in this process, by name (derive.run.citations falls back on it; two distinct ones of
#: one name are an error there, never a choice).
LOADED: dict[str, list[Derivation]] = {}


def _forget(path: Path) -> None:
    """Drop from :data:`LOADED` what an earlier load of the module at ``path`` defined."""
    where = str(path)
    for name, found in list(LOADED.items()):
        LOADED[name] = [d for d in found if d.source != where]


#: Seconds a derivation module may take to import (``DERIVE_IMPORT_TIMEOUT``); building a derivation is quick.
IMPORT_TIMEOUT = float(os.environ.get("DERIVE_IMPORT_TIMEOUT", "30"))


class _ImportTimeout(BaseException):
    """Raised by the alarm inside a module that does not finish importing (BaseException: not caught by it)."""


@contextlib.contextmanager
def _deadline(seconds: float):
    """Interrupt the block after ``seconds`` (main thread, POSIX); elsewhere, no limit."""
    if threading.current_thread() is not threading.main_thread() or not hasattr(signal, "setitimer"):
        yield
        return

    def alarm(signum, frame):
        raise _ImportTimeout

    previous = signal.signal(signal.SIGALRM, alarm)
    outer, interval = signal.setitimer(signal.ITIMER_REAL, seconds)
    started = time.monotonic()
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)
        if outer > 0:  # an outer timer (pytest-timeout's, a caller's deadline) goes on with what it had left
            signal.setitimer(signal.ITIMER_REAL, max(outer - (time.monotonic() - started), 1e-3), interval)


def _where(exc: BaseException, path: Path) -> str:
    """``line 14: ModelError: step 2: ...``: the innermost line of the user's file, then the error."""
    here = path.resolve()  # the traceback names the file as imported (absolute); the user may have given it relative
    frames = [f for f in traceback.extract_tb(exc.__traceback__) if Path(f.filename).resolve() == here]
    if isinstance(exc, DeriveError):
        # derive's own errors by their short name; a message that opens with this very file and line (a step's
        # ModelError) need not say them twice
        text, here = str(exc), f"{frames[-1].filename}:{frames[-1].lineno}: " if frames else None
        if here and text.startswith(here):
            text = text[len(here) :]
        message = f"{type(exc).__name__}: {text}"
    else:
        message = traceback.format_exception_only(type(exc), exc)[-1].strip()
    return f"line {frames[-1].lineno}: {message}" if frames else message


def load(paths: list[str | Path] | None = None) -> list[Loaded]:
    """Load every module under ``paths`` (the bundled proofs when none are given)."""
    paths = list(paths) if paths else [bundled_proofs()]
    out = []
    for path, error in module_files(paths):
        out.append(Loaded(path, error=error) if error else load_module(path))
    return out
