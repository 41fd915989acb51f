"""What a derivation module's results depend on, read from its source without running it: the project files it
imports, transitively, resolved along ``sys.path`` as Python's path finder would; :class:`Dynamic` when it could
reach anything else (see :mod:`derive.run.module_cache`).
"""

from __future__ import annotations

import ast
import importlib.machinery
import re
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from derive.core.fingerprints import is_engine_module, is_library_module

if TYPE_CHECKING:
    from derive.run.module_cache import ImportMemo

#: The installed code a derivation module may import and still be served from a record: SymPy (its version is in
#: the engine fingerprint) and standard modules that compute without reading the world.
PURE_LIBRARIES = frozenset(
    "sympy __future__ abc cmath collections copy dataclasses decimal enum fractions functools itertools math "
    "numbers operator re statistics string textwrap typing".split()
)

#: Names through which a module's result could depend on more than its source and its imports' sources.
DYNAMIC_NAMES = frozenset(
    "open exec eval compile __import__ input breakpoint globals locals vars getattr setattr delattr "
    "__file__ __builtins__ __loader__ __spec__ __path__".split()
)

#: Attribute names through which a module can reach the world even from a module it may import (``derive.run.cache``
#: imports ``os``; SymPy re-exports ``sys`` and ``import_module``): an expression naming one is dynamic too.
DYNAMIC_ATTRIBUTES = frozenset(
    "os sys io builtins importlib subprocess pathlib environ getenv import_module modules system popen read_text "
    "read_bytes load_module exec_module spec_from_file_location __dict__ __globals__ __code__".split()
)

#: A dynamic name written as a word (an identifier in an ASCII source is delimited by what cannot be in one)
_WRITTEN = re.compile(rb"\b(?:" + b"|".join(n.encode() for n in sorted(DYNAMIC_NAMES | DYNAMIC_ATTRIBUTES)) + rb")\b")


class Dynamic(Exception):
    """The module's results may depend on more than the sources read: no record for it."""


# -- what a module's results depend on ---------------------------------------------------------------------------
def read_sources(path: Path, memo: ImportMemo | None = None) -> dict[Path, bytes] | None:
    """``path`` and every project-local module it imports, transitively, each with its content (read once); None
    when anything is dynamic or unresolvable (see the module docstring)."""
    todo: list[tuple[Path, str]] = [(path.absolute(), "")]  # a file and its dotted name ("": not a package's)
    seen: dict[Path, bytes] = {}
    try:
        while todo:
            file, name = todo.pop()
            if file in seen:
                continue
            seen[file] = file.read_bytes()
            for imported in (memo.imports if memo else imports_of)(file, name, seen[file]):
                todo.extend(resolve(imported))
    except (Dynamic, OSError, SyntaxError, ValueError):
        return None
    return seen


def imports_of(file: Path, name: str, source: bytes) -> list[str]:
    """The absolute names of the modules ``file`` (module ``name``) imports anywhere in its source; raises
    :class:`Dynamic` on a name that reaches outside it or a relative import that cannot be resolved."""
    tree = ast.parse(source, filename=str(file))
    # NOTE: a name can only be used if it is written in the source (identifiers are NFKC-normalised, so only an
    # ASCII source is sure of it): most modules skip the walk over every expression, the slow part of a warm run
    if not source.isascii() or _WRITTEN.search(source):
        for node in ast.walk(tree):
            if isinstance(node, ast.Name) and node.id in DYNAMIC_NAMES | DYNAMIC_ATTRIBUTES:
                raise Dynamic(f"{file}: {node.id}")
            if isinstance(node, ast.Attribute) and node.attr in DYNAMIC_ATTRIBUTES:
                raise Dynamic(f"{file}: .{node.attr}")
    package = name if file.name == "__init__.py" else name.rpartition(".")[0]
    out: list[str] = []
    for node in _statements(tree.body):
        if isinstance(node, ast.Import):
            out += [a.name for a in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                parts = package.split(".") if package else []
                if not name or node.level > len(parts):
                    raise Dynamic(f"{file}: a relative import outside a package")
                base = ".".join(parts[: len(parts) - node.level + 1] + ([base] if base else []))
            if any(a.name in DYNAMIC_NAMES | DYNAMIC_ATTRIBUTES for a in node.names):
                raise Dynamic(f"{file}: from {base} import a way out ({', '.join(a.name for a in node.names)})")
            if any(a.name == "*" for a in node.names):
                raise Dynamic(f"{file}: from {base} import * (its __all__ may import submodules)")
            out.append(base)
            out += [f"{base}.{a.name}" for a in node.names]  # a submodule, if one is so named
    return out


def _statements(body: list[ast.stmt]):
    """Every statement in ``body`` and in the bodies nested in it (functions, classes, branches, loops, ``with``,
    ``try``, ``match``): an import is a statement, so none is missed, and no expression is visited."""
    todo = list(body)
    while todo:
        node = todo.pop()
        yield node
        for field in ("body", "orelse", "finalbody", "handlers", "cases"):
            for child in getattr(node, field, None) or ():
                if isinstance(child, ast.stmt):
                    todo.append(child)
                else:  # an except handler or a match case: its statements
                    todo.extend(getattr(child, "body", ()))


def resolve(name: str) -> list[tuple[Path, str]]:
    """The project files importing ``name`` executes (each package's ``__init__.py``, then the module), as Python's
    path finder would find them; [] for derive, SymPy or a pure standard module. Raises :class:`Dynamic` for
    any other installed module or a name no file provides (``pkg.x`` that is an attribute is no file: [])."""
    top, *rest = name.split(".")
    if is_engine_module(top):
        return []  # derive's own modules: the deciding ones are in the engine fingerprint, as for a step key
    if top in sys.builtin_module_names or importlib.machinery.FrozenImporter.find_spec(top) is not None:
        if top in PURE_LIBRARIES:
            return []
        raise Dynamic(f"the built-in module {top}")
    found = _find_top(top)
    if is_library_module(top, str(found)):
        if top in PURE_LIBRARIES:
            return []
        raise Dynamic(f"the installed module {top}")
    if found.suffix != ".py":
        raise Dynamic(f"{found}: compiled code in the project")
    files = [(found, top)]
    folder = found.parent if found.name == "__init__.py" else None
    for n, part in enumerate(rest, start=1):
        if folder is None:
            return files  # an attribute of a module, not a submodule
        dotted = ".".join([top, *rest[:n]])
        if (folder / part / "__init__.py").is_file():
            files.append((folder / part / "__init__.py", dotted))
            folder = folder / part
        elif (folder / f"{part}.py").is_file():
            files.append((folder / f"{part}.py", dotted))
            folder = None
        else:
            return files  # `from pkg import name`: a name defined in pkg/__init__.py (read above)
    return files


def _find_top(top: str) -> Path:
    """The file of the top-level module ``top`` along ``sys.path``: a package's ``__init__.py``, a ``.py`` or a
    compiled module, as Python's path finder would pick it (remembered for as long as ``sys.path`` is the same)."""
    key = (top, tuple(sys.path))
    if key not in _FOUND:
        try:
            _FOUND[key] = _search(top)
        except Dynamic as exc:
            _FOUND[key] = exc
    found = _FOUND[key]
    if isinstance(found, Dynamic):
        raise found
    return found


_FOUND: dict[tuple, Path | Dynamic] = {}


def _search(top: str) -> Path:
    for entry in sys.path:
        folder = Path(entry or ".")
        if (folder / top / "__init__.py").is_file():
            return (folder / top / "__init__.py").resolve()
        compiled = [folder / f"{top}{suffix}" for suffix in importlib.machinery.EXTENSION_SUFFIXES]
        for file in [*compiled, folder / f"{top}.py"]:
            if file.is_file():
                return file.resolve()
        if (folder / top).is_dir():
            raise Dynamic(f"{top}: a namespace package")
    raise Dynamic(f"{top}: not found on sys.path (a finder's module)")
