"""The verification cache: a step's result on disk, keyed by everything that decides it.

The key hashes the step's expressions, relation and kind, the example's values, the hints, the context (all its
declarations, read afresh at every check), the behaviour of every class in those expressions that is not SymPy's
own (its attributes and the code of its methods, through the MRO: p(· | θ) is positive because of a method), the
source of the project-local modules a reference implementation reaches, the numeric seed, the engine's version
*and source*, and SymPy's version. Any change re-verifies that step only. A cache file carries its key and a
checksum of its content; a file that is corrupt, truncated, foreign or from another schema
is ignored and rewritten, never trusted. Only deterministic outcomes are stored (an assumption too: whether it is
contradicted is computed): a step that ran out of time (``undecided``) is checked again next time.
"""

from __future__ import annotations

import ast
import dataclasses
import dis
import hashlib
import importlib.machinery
import json
import os
import re
import shutil
import sys
import sysconfig
import types
from collections.abc import Iterator
from dataclasses import dataclass
from functools import cache as memoize
from pathlib import Path

import sympy as sp

from derive.core.atomic import write_atomic
from derive.core.evidence import Evidence, StepResult
from derive.core.hygiene import canonical
from derive.core.model import Context, Step

SCHEMA = 1
STORED = {Evidence.PROVED, Evidence.PROVED_FOR_SIZES, Evidence.NUMERIC, Evidence.REFUTED, Evidence.ASSUMED}


def default_dir() -> Path:
    """``$DERIVE_CACHE_DIR``, else the platform's cache folder: XDG on Linux, ~/Library/Caches, %LOCALAPPDATA%."""
    if os.environ.get("DERIVE_CACHE_DIR"):
        return Path(os.environ["DERIVE_CACHE_DIR"])
    if sys.platform == "win32":
        return Path(os.environ.get("LOCALAPPDATA", Path.home() / "AppData" / "Local")) / "derive" / "Cache"
    if sys.platform == "darwin":
        return Path.home() / "Library" / "Caches" / "derive"
    return Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "derive"


PACKAGE_ROOT = Path(__file__).resolve().parents[1]

#: What decides a step's evidence: the model, the engine and the evidence ladder (the layers below ``run``), and
#: the vocabulary and losses that derivation modules import (``losses.py`` is the code the bundled references run,
#: and a reference's key leaves derive's own modules to this fingerprint). The runner, the write-ups, the entry
#: points and the bundled proofs (a proof's own content is in its key) are left out: editing them keeps every
#: cached verdict.
DECIDING = ("core", "engine", "verify", "notation.py", "losses.py")


def deciding_modules() -> list[Path]:
    """The source files whose content decides a verdict: the engine, the checks, the evaluation, the model."""
    return [path for path in sorted(PACKAGE_ROOT.rglob("*.py")) if path.relative_to(PACKAGE_ROOT).parts[0] in DECIDING]


@memoize
def engine_fingerprint() -> str:
    """The package version, a hash of the source files that decide verdicts, and SymPy's version."""
    from derive.core.version import VERSION as __version__

    root = PACKAGE_ROOT
    digest = hashlib.sha256()
    for path in deciding_modules():
        digest.update(path.relative_to(root).as_posix().encode())
        digest.update(path.read_bytes())
    return f"derive {__version__} {digest.hexdigest()[:16]} sympy {sp.__version__}"


def _expr(e: sp.Basic) -> str:
    """``e`` as text, with the behaviour of every class in it that is not SymPy's own (a method such as
    ``_eval_is_positive`` decides what the rules may do, yet srepr prints only the class's name)."""
    text, classes = _structure(e)
    return text + "|" + ",".join(sorted(class_fingerprint(c) for c in classes))


_STRUCTURES: dict[sp.Basic, tuple[str, frozenset]] = {}
_STRUCTURES_LIMIT = 20_000


def _structure(e: sp.Basic) -> tuple[str, frozenset]:
    """srepr of ``e`` and the classes of its nodes that are not a library's, memoised by content: expressions are
    immutable, and two that compare equal are built from the same classes (SymPy's ``==`` compares the classes
    themselves, not their names)."""
    hit = _STRUCTURES.get(e)
    if hit is not None:
        return hit
    # Bound indices are user symbols and print the same in every run; only a Dummy (whose srepr carries a
    # per-process counter) needs canonical renaming, which costs a rebuild of the expression.
    text = sp.srepr(canonical(e) if e.atoms(sp.Dummy) else e)
    classes = frozenset(c for c in {type(n) for n in sp.preorder_traversal(e)} if not _library_class(c))
    if len(_STRUCTURES) > _STRUCTURES_LIMIT:
        _STRUCTURES.clear()
    _STRUCTURES[e] = (text, classes)
    return text, classes


def _library_class(cls: type) -> bool:
    """SymPy's own classes and those of the standard library or installed packages (their versions are in the
    key). A class made by ``Function("f")`` has no module: it is described by its attributes (its assumptions)."""
    name = getattr(cls, "__module__", None)
    if not isinstance(name, str) or _engine(name):
        return False  # derive's classes are described too: conditional() makes subclasses that differ in attributes
    module = sys.modules.get(name)
    return _library(name, getattr(module, "__file__", None))


def class_fingerprint(cls: type) -> str:
    """What a class that is not SymPy's own brings to an expression: for it and each base up to SymPy's (or a
    library's) classes, its attributes, with the source of its methods. This covers classes made at run time with
    ``type(...)`` (their attributes) and methods replaced after the class was made; it is computed afresh each
    time (only the source of a code object, which cannot change, is memoised)."""
    if cls in _DESCRIBING:  # an attribute that refers back to the class (an instance of it, say)
        return f"{cls.__module__}.{cls.__qualname__}"
    _DESCRIBING.add(cls)
    try:
        parts = []
        for klass in cls.__mro__:
            if _library_class(klass):
                break
            items = sorted((k, v) for k, v in vars(klass).items() if k not in _DERIVED_ATTRIBUTES)
            body = ";".join(f"{k}={describe(v)}" for k, v in items)
            parts.append(f"{klass.__module__}.{klass.__qualname__}{{{body}}}")
        return " < ".join(parts)
    finally:
        _DESCRIBING.discard(cls)


_DESCRIBING: set[type] = set()


#: Class attributes that hold no behaviour: descriptors every class has, and SymPy's helper for Sage.
_DERIVED_ATTRIBUTES = {"_sage_", "__dict__", "__weakref__"}
_ADDRESS = re.compile(r" at 0x[0-9a-fA-F]+")


def describe(value, depth: int = 0) -> str:
    """``value`` as text that changes when its meaning does and is the same in every process: SymPy objects by
    srepr (and their classes), functions by their source, containers item by item."""
    if depth > 12:
        return "..."
    if value is None or isinstance(value, (bool, int, float, complex, str, bytes)):
        return repr(value)
    if isinstance(value, sp.Basic):
        return _expr(value)
    if isinstance(value, (types.FunctionType, types.MethodType)):
        return function_text(value, depth)
    if isinstance(value, (staticmethod, classmethod)):
        return f"{type(value).__name__}({describe(value.__func__, depth + 1)})"
    if isinstance(value, property):
        return "property(" + ",".join(describe(f, depth + 1) for f in (value.fget, value.fset, value.fdel)) + ")"
    if isinstance(value, type):
        return f"{value.__module__}.{value.__qualname__}" if _library_class(value) else class_fingerprint(value)
    if isinstance(value, types.ModuleType):
        return f"module {value.__name__}"
    if dataclasses.is_dataclass(value):
        fields = ",".join(f"{f.name}={describe(getattr(value, f.name), depth + 1)}" for f in dataclasses.fields(value))
        return f"{type(value).__qualname__}({fields})"
    if isinstance(value, dict):
        items = sorted(f"{describe(k, depth + 1)}:{describe(v, depth + 1)}" for k, v in value.items())
        return "{" + ",".join(items) + "}"
    if isinstance(value, (set, frozenset)):
        return "{" + ",".join(sorted(describe(v, depth + 1) for v in value)) + "}"
    if isinstance(value, (list, tuple)):
        return "(" + ",".join(describe(v, depth + 1) for v in value) + ")"
    # NOTE: an object's default repr carries its address, which differs in every process: without it, the
    # text still names the type (a cache miss in the worst case, never a stale hit for a changed type).
    return _ADDRESS.sub("", f"{type(value).__module__}.{type(value).__qualname__}:{value!r}")


def function_text(f, depth: int = 0) -> str:
    """What a function does: its bytecode (what runs, even when the file on disk has changed since it was
    imported), its defaults and what its closure holds. The globals it reads are followed by the caller."""
    f = getattr(f, "__func__", f)
    code = getattr(f, "__code__", None)
    if code is None:
        return describe(f, depth + 1)
    extras = [describe(f.__defaults__, depth + 1), describe(f.__kwdefaults__, depth + 1)]
    extras += [describe(_cell(c), depth + 1) for c in f.__closure__ or ()]
    return f"{f.__module__}.{f.__qualname__}:{_bytecode(code)}:{','.join(extras)}"


@memoize
def _bytecode(code: types.CodeType) -> str:
    """A code object's instructions, constants and names (memoised by the code object, which is immutable)."""
    consts = ",".join(_constant(c) for c in code.co_consts)
    return f"{code.co_code.hex()}[{consts}][{','.join(code.co_names)}][{','.join(code.co_varnames)}]"


def _constant(c) -> str:
    if isinstance(c, types.CodeType):
        return _bytecode(c)
    if isinstance(c, frozenset):  # `x in {"a", "b"}`: the order of a frozenset of strings differs between processes
        return "frozenset(" + ",".join(sorted(map(repr, c))) + ")"
    if isinstance(c, tuple):
        return "(" + ",".join(map(_constant, c)) + ")"
    return repr(c)


def _cell(cell) -> object:
    try:
        return cell.cell_contents
    except ValueError:  # an empty cell (a name assigned after the closure was made)
        return None


# -- project-local source ----------------------------------------------------------------------------------------
_LIBRARY_ROOTS = tuple(
    str(Path(p).resolve()) for p in {sysconfig.get_paths()[k] for k in ("stdlib", "platstdlib")} if p
)


@memoize
def _library(name: str, file: str | None) -> bool:
    """Whether the module ``name`` (at ``file``) is the standard library, an installed package, or SymPy: code
    the engine fingerprint's versions stand for, not code of the project. Where the file is known, its place
    decides (a project's own ``code.py`` is the project's, though the standard library has a module so named)."""
    top = name.split(".")[0]
    if top in ("sympy", "mpmath"):
        return True
    if not file:  # a built-in module; else a notebook's __main__ or a module made at run time: the project's
        return top in sys.stdlib_module_names or top == "builtins"
    resolved = Path(file).resolve()
    if {"site-packages", "dist-packages"} & set(resolved.parts):
        return True
    return any(str(resolved).startswith(root + os.sep) for root in _LIBRARY_ROOTS)


def _engine(name: str) -> bool:
    return name == "derive" or name.startswith("derive.")


def project_module(module: types.ModuleType | None) -> bool:
    """A module of the project: neither the standard library, nor installed under site-packages/dist-packages,
    nor SymPy, nor derive itself (whose source the engine fingerprint covers)."""
    if module is None:
        return False
    name = getattr(module, "__name__", "") or ""
    return not _engine(name) and not _library(name, getattr(module, "__file__", None))


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
            cells = [_cell(c) for c in f.__closure__ or ()]
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
        if _engine(name) or name.split(".")[0] in sys.stdlib_module_names:
            continue
        origin = _source_of(name)
        if origin and not _library(name, origin):
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
        return project_module(module) if module is not None else not (_engine(name) or _library(name, None))
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
    return [value for _, value in _globals_read(f)]


def _globals_read(f: types.FunctionType) -> list[tuple[str, object]]:
    """The module globals a function (and the functions nested in it) may read, by name."""
    names: set[str] = set()
    codes = [f.__code__]
    while codes:
        code = codes.pop()
        names.update(code.co_names)
        codes.extend(c for c in code.co_consts if isinstance(c, types.CodeType))
    return [(n, f.__globals__[n]) for n in sorted(names) if n in f.__globals__]


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
    read = _globals_read(f) if hasattr(f, "__globals__") else []
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


def context_fingerprint(ctx: Context) -> str:
    """Every declaration of the context as text, read afresh at each call: a context declared again or changed
    in a notebook after a first check gets a new key. (Only the text of an expression is memoised, by content.)"""
    return "\n".join(f"{name} {describe(value)}" for name, value in sorted(vars(ctx).items()))


def step_key(ctx: Context, step: Step, seed: int) -> str:
    """The hex key of ``step`` checked in ``ctx`` with ``seed``."""
    fields = [
        f"schema {SCHEMA}",
        engine_fingerprint(),
        context_fingerprint(ctx),
        f"kind {step.kind.value} relation {step.relation.value}",
        "lhs " + _expr(step.claim_lhs),
        "rhs " + _expr(step.expr),
        "values " + ";".join(f"{_expr(k)}={_expr(v)}" for k, v in step.values),
        "hints " + ",".join(step.hints),
        "code " + (step.reference.fingerprint() if step.reference is not None else ""),
        f"seed {seed}",
    ]
    return hashlib.sha256("\n".join(fields).encode()).hexdigest()


class Cache:
    """Results stored as one JSON file per key under ``root``."""

    def __init__(self, root: Path | None = None):
        self.root = Path(root) if root is not None else default_dir()

    def _path(self, key: str) -> Path:
        return self.root / key[:2] / f"{key}.json"

    def get(self, key: str) -> StepResult | None:
        path = self._path(key)
        try:
            raw = path.read_bytes()
        except OSError:
            return None
        try:
            data = json.loads(raw)
            body = json.dumps(data["result"], sort_keys=True)
            if data["schema"] != SCHEMA or data["key"] != key or data["checksum"] != _checksum(body):
                raise ValueError("foreign or altered cache file")
            result = StepResult.from_json(data["result"])
        except (ValueError, KeyError, TypeError, AttributeError):
            path.unlink(missing_ok=True)  # corrupt: ignored now, rewritten after the step is re-verified
            return None
        result.cached = True
        return result

    def put(self, key: str, result: StepResult) -> None:
        if result.evidence not in STORED:
            return
        body = result.to_json()
        body.pop("cached", None)
        text = json.dumps(body, sort_keys=True)
        record = {
            "schema": SCHEMA,
            "key": key,
            "engine": engine_fingerprint(),
            "checksum": _checksum(text),
            "result": body,
        }
        try:
            # NOTE: not sort_keys: a counterexample's values keep their order (N, K, x, q); the checksum is over
            # the sorted form, so the order in the file does not matter to it.
            write_atomic(self._path(key), json.dumps(record))
        except OSError:
            pass  # a read-only or full disk must not fail a check; the step is simply verified again next time

    def prune(self) -> int:
        """Remove the results of other engine versions (and unreadable files); returns how many were removed."""
        current, removed = engine_fingerprint(), 0
        for path in self.root.rglob("*.json") if self.root.is_dir() else ():
            try:
                keep = json.loads(path.read_bytes()).get("engine") == current
            except (OSError, ValueError, AttributeError):
                keep = False
            if not keep:
                path.unlink(missing_ok=True)
                removed += 1
        return removed

    def clear(self) -> int:
        """Remove every cached result; returns how many there were."""
        count = sum(1 for _ in self.root.rglob("*.json")) if self.root.is_dir() else 0
        shutil.rmtree(self.root, ignore_errors=True)
        return count


def _checksum(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()
