"""Source fingerprints: the code a function reaches (its module and every project-local module, function and
class it uses, transitively), hashed, so that a change to any of them re-checks what depends on it.

A reference implementation's key (``derive.checks.code``) and the cache (``derive.run.cache``) use it.
"""

from __future__ import annotations

import ast
import dis
import hashlib
import importlib.machinery
import sys
import types
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from derive.core.fingerprints import (
    cell_contents,
    class_fingerprint,
    describe,
    function_text,
    globals_read,
    is_engine_module,
    is_library_module,
)


def project_module(module: types.ModuleType | None) -> bool:
    """A module of the project: neither the standard library, nor installed under site-packages/dist-packages,
    nor SymPy, nor derive itself (whose source the engine fingerprint covers)."""
    if module is None:
        return False
    name = getattr(module, "__name__", "") or ""
    return not is_engine_module(name) and not is_library_module(name, getattr(module, "__file__", None))


def _module_of(obj) -> types.ModuleType | None:
    name = getattr(obj, "__module__", None)
    return sys.modules.get(name) if isinstance(name, str) else None


def reachable_code(root) -> Iterator[object]:
    """``root`` and every project-local module, function and class it reaches, transitively: through the globals
    and closures of functions, the attributes of classes (and their bases), the globals of modules, and the
    modules a function imports in its body (as a :class:`SourceFile` while it has not been imported yet)."""
    seen: set = set()
    todo = [root]
    while todo:
        obj = todo.pop()
        key = ("file", obj.path) if isinstance(obj, SourceFile) else id(obj)
        if key in seen:
            continue
        seen.add(key)
        yield obj
        if isinstance(obj, SourceFile):
            todo.extend(_modules_named(obj.imports()))
        elif isinstance(obj, types.ModuleType):
            todo.extend(v for v in vars(obj).values() if _project(v))
        elif isinstance(obj, (types.FunctionType, types.MethodType)):
            f = getattr(obj, "__func__", obj)
            module = _module_of(f)
            if module is not None and project_module(module):
                todo.append(module)
            else:  # a module without a file (a notebook): follow the names the function uses
                todo.extend(v for v in _globals_used(f) if _project(v))
            todo.extend(_modules_named(_imported_in(f.__code__)))  # `import helpers` in the function's body
            cells = [cell_contents(c) for c in f.__closure__ or ()]
            todo.extend(v for v in [*cells, *(f.__defaults__ or ()), *(f.__kwdefaults__ or {}).values()] if _project(v))
        elif isinstance(obj, type):
            module = _module_of(obj)
            if module is not None and project_module(module):
                todo.append(module)
            todo.extend(k for k in obj.__mro__[1:] if _project(k))
            for v in vars(obj).values():
                v = getattr(v, "__func__", v)  # staticmethod, classmethod
                if isinstance(v, property):
                    todo.extend(f for f in (v.fget, v.fset, v.fdel) if _project(f))
                elif _project(v):
                    todo.append(v)


@dataclass(frozen=True)
class SourceFile:
    """A project-local module that is not imported yet (a function imports it in its body): its file."""

    name: str
    path: str

    def content(self) -> bytes:
        try:
            return Path(self.path).read_bytes()
        except OSError:
            return b"(unreadable)"

    def imports(self) -> list[str]:
        """The absolute module names its source imports (read, not executed)."""
        try:
            tree = ast.parse(self.content())
        except (SyntaxError, ValueError):
            return []
        names = []
        for node in ast.walk(tree):
            if isinstance(node, ast.Import):
                names += [a.name for a in node.names]
            elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
                names += [node.module] + [f"{node.module}.{a.name}" for a in node.names]
        return names


def _modules_named(names) -> list:
    """The project-local modules called ``names``: imported ones as modules, the others as their files."""
    out: list = []
    for name in names:
        module = sys.modules.get(name)
        if module is not None:
            if project_module(module):
                out.append(module)
            continue
        if is_engine_module(name) or name.split(".")[0] in sys.stdlib_module_names:
            continue
        origin = _source_of(name)
        if origin and not is_library_module(name, origin):
            out.append(SourceFile(name, origin))
    return out


def _source_of(name: str) -> str | None:
    """The .py file that ``import name`` would load, found along sys.path without running any of it."""
    search = None
    origin = None
    for part in name.split("."):
        if origin is not None and search is None:
            return None  # a module, not a package: ``name`` goes on with an attribute
        try:
            spec = importlib.machinery.PathFinder.find_spec(part, search)
        except (ImportError, ValueError):
            return None
        if spec is None:
            return None
        origin, search = spec.origin, spec.submodule_search_locations
    return origin if origin and origin.endswith(".py") else None


def _project(value) -> bool:
    """A module, function or class (the kinds of object that carry code) of the project."""
    if isinstance(value, types.ModuleType):
        return project_module(value)
    if isinstance(value, (types.FunctionType, types.MethodType, type)):
        name = getattr(getattr(value, "__func__", value), "__module__", None)
        if not isinstance(name, str):
            return True  # made at run time outside any module
        module = sys.modules.get(name)
        return (
            project_module(module)
            if module is not None
            else not (is_engine_module(name) or is_library_module(name, None))
        )
    return False


def _imported_in(code: types.CodeType) -> list[str]:
    """The names of the modules a function imports in its body."""
    names: set[str] = set()
    codes = [code]
    while codes:
        code = codes.pop()
        names.update(i.argval for i in dis.get_instructions(code) if i.opname == "IMPORT_NAME")
        codes.extend(c for c in code.co_consts if isinstance(c, types.CodeType))
    return sorted(names)


def _globals_used(f: types.FunctionType) -> list:
    return [value for _, value in globals_read(f)]


def source_fingerprint(root) -> str:
    """A hash of the source of ``root`` and of every project-local module, function and class it reaches: a
    change to a helper module a reference implementation imports re-checks it."""
    parts = sorted((_order(obj), _code_content(obj)) for obj in reachable_code(root))
    digest = hashlib.sha256()
    for name, content in parts:
        digest.update(name.encode() + b"\0" + content + b"\0")
    return digest.hexdigest()


def _code_content(obj) -> bytes:
    if isinstance(obj, SourceFile):
        return obj.content()
    if isinstance(obj, types.ModuleType):
        return _module_source(obj)
    if isinstance(obj, type):
        return class_fingerprint(obj).encode()
    # the data it reads (EPS = 1e-12, WEIGHTS = [...]), as they are now: in a notebook no file records them
    f = getattr(obj, "__func__", obj)
    read = globals_read(f) if hasattr(f, "__globals__") else []
    data = [f"{n}={describe(v)}" for n, v in read if not isinstance(v, (types.ModuleType, type)) and not callable(v)]
    return (function_text(obj) + ";".join(data)).encode()


def _order(obj) -> str:
    if isinstance(obj, SourceFile):
        return f"module {obj.name}"
    kind = "module" if isinstance(obj, types.ModuleType) else "class" if isinstance(obj, type) else "function"
    name = obj.__name__ if kind == "module" else f"{getattr(obj, '__module__', '')}.{obj.__qualname__}"
    return f"{kind} {name}"


def _module_source(module: types.ModuleType) -> bytes:
    """The module's file, and its plain constants as loaded (the file may have changed since the import)."""
    try:
        text = Path(module.__file__).read_bytes()
    except (OSError, TypeError, AttributeError):
        text = b"(no source file: its functions and classes are hashed one by one)"
    # NOTE: not the names starting with _: a notebook keeps its input history there (_i, _i1, ...)
    plain = sorted(f"{k}={v!r}" for k, v in vars(module).items() if _plain(v) and not k.startswith("_"))
    return text + "\n".join(plain).encode()


def _plain(value) -> bool:
    if value is None or isinstance(value, (bool, int, float, complex, str, bytes)):
        return True
    return isinstance(value, tuple) and all(_plain(v) for v in value)
