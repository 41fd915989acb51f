"""Content fingerprints: an expression, a class or a value as text that changes whenever its meaning can.

SymPy's ``srepr`` prints a class only by its name, yet a method such as ``_eval_is_positive`` decides what the
rules may do; so a class that is not a library's is described by its attributes and the code of its methods,
through its MRO. The cache keys a step by these (``derive.run.cache``).
"""

from __future__ import annotations

import dataclasses
import os
import re
import sys
import sysconfig
import types
from functools import cache as memoize
from pathlib import Path

import sympy as sp

from derive.core.hygiene import canonical


def expression_text(e: sp.Basic) -> str:
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
    if not isinstance(name, str) or is_engine_module(name):
        return False  # derive's classes are described too: conditional() makes subclasses that differ in attributes
    module = sys.modules.get(name)
    return is_library_module(name, getattr(module, "__file__", None))


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
            body = ";".join(f"{k}={describe(v)}{_globals_text(v)}" for k, v in items)
            parts.append(f"{klass.__module__}.{klass.__qualname__}{{{body}}}")
        return " < ".join(parts)
    finally:
        _DESCRIBING.discard(cls)


_DESCRIBING: set[type] = set()


def _globals_text(value) -> str:
    """The module globals a method reads, described: a method such as ``_eval_is_positive`` may decide by a
    module-level setting, which a derivation module can change (a review found a stale cached verdict)."""
    f = getattr(value, "__func__", value)
    if not isinstance(f, types.FunctionType):
        return ""
    return "[" + ";".join(f"{n}={describe(v, 1)}" for n, v in globals_read(f)) + "]"


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
        return expression_text(value)
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
    extras += [describe(cell_contents(c), depth + 1) for c in f.__closure__ or ()]
    return f"{f.__module__}.{f.__qualname__}:{_bytecode(code)}:{','.join(extras)}"


@memoize
def _bytecode(code: types.CodeType) -> str:
    """A code object's instructions, constants and names (memoised by the code object, which is immutable)."""
    consts = ",".join(constant_text(c) for c in code.co_consts)
    return f"{code.co_code.hex()}[{consts}][{','.join(code.co_names)}][{','.join(code.co_varnames)}]"


def constant_text(c) -> str:
    if isinstance(c, types.CodeType):
        return _bytecode(c)
    if isinstance(c, frozenset):  # `x in {"a", "b"}`: the order of a frozenset of strings differs between processes
        return "frozenset(" + ",".join(sorted(map(repr, c))) + ")"
    if isinstance(c, tuple):
        return "(" + ",".join(map(constant_text, c)) + ")"
    return repr(c)


def cell_contents(cell) -> object:
    try:
        return cell.cell_contents
    except ValueError:  # an empty cell (a name assigned after the closure was made)
        return None


# -- project-local source ----------------------------------------------------------------------------------------
_LIBRARY_ROOTS = tuple(
    str(Path(p).resolve()) for p in {sysconfig.get_paths()[k] for k in ("stdlib", "platstdlib")} if p
)


@memoize
def is_library_module(name: str, file: str | None) -> bool:
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


def is_engine_module(name: str) -> bool:
    return name == "derive" or name.startswith("derive.")


def globals_read(f: types.FunctionType) -> list[tuple[str, object]]:
    """The module globals a function (and the functions nested in it) may read, by name."""
    names: set[str] = set()
    codes = [f.__code__]
    while codes:
        code = codes.pop()
        names.update(code.co_names)
        codes.extend(c for c in code.co_consts if isinstance(c, types.CodeType))
    return [(n, f.__globals__[n]) for n in sorted(names) if n in f.__globals__]
