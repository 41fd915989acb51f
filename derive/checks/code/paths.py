"""Can the path through the code depend on the values? The symbolic run follows one path, so it proves the code
only when no ``if``, comparison, ``and``/``or``, loop ``while`` or ``try`` (in the function or anything it calls)
could send other values down another."""

from __future__ import annotations

import ast
import builtins
import dis
import fractions
import functools
import inspect
import itertools
import operator
import textwrap
import types
from collections.abc import Callable

import sympy as sp

from derive.checks.code.rebuild import SYMBOLIC_MATH

#: Constructs whose path depends on a value: with symbols, Python (or SymPy's structural ``==``) picks one path,
#: which the values of the real run need not take.
_BRANCHES = {
    ast.If: "an if statement",
    ast.IfExp: "a conditional expression (… if … else …)",
    ast.While: "a while loop",
    ast.Compare: "a comparison",
    ast.BoolOp: "and/or",
    ast.Match: "a match statement",
    ast.Assert: "an assert",
    ast.Try: "try/except",
    getattr(ast, "TryStar", ast.Try): "try/except",
    ast.With: "a with statement (its exit may handle an error)",
    ast.Raise: "a raise",
    ast.Global: "a global statement (state kept between calls)",
    ast.Nonlocal: "a nonlocal statement (state kept between calls)",
}
#: Constructs that compute a value from values, the same way whatever they are.
_VALUE_NODES = {
    getattr(ast, name)
    for name in """Module Expr FunctionDef Lambda arguments arg keyword Return Assign AugAssign AnnAssign For Pass
    Break Continue Delete Name Load Store Del Constant BinOp UnaryOp Call Attribute Subscript Slice Tuple List Starred
    GeneratorExp ListComp comprehension NamedExpr Add Sub Mult Div FloorDiv Mod Pow USub UAdd""".split()
}
#: Built-in and library callables that compute a value from their arguments without choosing between them.
_VALUE_CALLABLES = (
    *(getattr(builtins, n) for n in "abs len sum range enumerate zip reversed list tuple map iter next pow".split()),
    *(getattr(builtins, n) for n in "int float round print max min".split()),
    *(getattr(itertools, n) for n in "chain repeat starmap accumulate product".split()),
    *(getattr(operator, n) for n in "add sub mul truediv floordiv mod pow neg pos itemgetter".split()),
    functools.reduce,
)
#: Methods of a list that do not look at the values in it.
_LIST_METHODS = {"append", "extend", "insert", "pop", "copy", "reverse"}


def path_dependence(function: Callable) -> str:
    """Why the path the code takes could depend on the values it is given, or '' when it cannot.

    The function and everything it calls (its module's functions, the project's, a library's Python code) is
    read as source: any construct in ``_BRANCHES``, or anything not known to compute a value the same way for
    every value (a ``set`` that merges equal values, ``sorted``, a library callable whose code cannot be read),
    is a reason. A ``for`` over ``range(len(x))`` depends on the size only; ``max``/``min`` run as SymPy's
    ``Max``/``Min``, which are values, not branches.
    """
    seen: set[int] = set()
    todo: list = [function]
    while todo:
        code = todo.pop()
        if id(code) in seen:
            continue
        seen.add(id(code))
        why = _inspect_code(code, todo)
        if why:
            return why
    return ""


def _inspect_code(obj, todo: list) -> str:
    """The reason ``obj`` (a function or a class) could take a value-dependent path; what it calls goes on ``todo``."""
    name = getattr(obj, "__qualname__", repr(obj))
    try:
        lines, first = inspect.getsourcelines(obj)
        tree = ast.parse(textwrap.dedent("".join(lines)))
    except (OSError, TypeError, SyntaxError):
        return f"the source of {name} cannot be read, so its path cannot be inspected"
    for node in tree.body:  # what runs when it is called: not its decorators, nor annotations
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            node.decorator_list = []
    for node in ast.walk(tree):
        _drop_annotations(node)
    where = f"{name} (line {{}})"
    for node in ast.walk(tree):
        line = first + getattr(node, "lineno", 1) - 1
        if type(node) in _BRANCHES:
            return f"{where.format(line)} has {_BRANCHES[type(node)]}"
        if isinstance(node, ast.comprehension) and (node.ifs or node.is_async):
            return f"{where.format(line)} filters a comprehension with if"
        if isinstance(node, ast.ClassDef) and node is tree.body[0]:
            continue
        if type(node) not in _VALUE_NODES:
            return f"{where.format(line)} uses {type(node).__name__}, which is not plain arithmetic"
    if isinstance(obj, type):  # its bases' methods run too
        todo.extend(base for base in obj.__mro__[1:] if base.__module__ != "builtins")
    functions = [obj] if not isinstance(obj, type) else _class_functions(obj)
    for f in functions:
        why = _inspect_names(f, tree, name, todo)
        if why:
            return why
    return ""


def _drop_annotations(node: ast.AST) -> None:
    if isinstance(node, ast.arg):
        node.annotation = None
    elif isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
        node.returns = None
    elif isinstance(node, ast.AnnAssign):
        node.annotation = ast.Constant(None)


def _class_functions(cls: type) -> list:
    out = []
    for value in vars(cls).values():
        value = getattr(value, "__func__", value)
        if isinstance(value, property):
            out.extend(f for f in (value.fget, value.fset, value.fdel) if f is not None)
        elif isinstance(value, types.FunctionType):
            out.append(value)
    return out


def _global_names(code: types.CodeType) -> set[str]:
    names: set[str] = set()
    for instruction in dis.get_instructions(code):
        if instruction.opname in ("LOAD_GLOBAL", "LOAD_NAME"):
            names.add(instruction.argval)
    for const in code.co_consts:
        if isinstance(const, types.CodeType):
            names |= _global_names(const)
    return names


_MISSING = object()


def _inspect_names(f, tree: ast.AST, name: str, todo: list) -> str:
    """Classify what ``f`` reaches: the globals it reads, the attributes it takes of them, its defaults and the
    functions its closure holds."""
    if not isinstance(f, types.FunctionType):
        return f"{name} is not a plain function"
    names = _global_names(f.__code__)

    def resolve(n: str):
        value = f.__globals__.get(n, _MISSING)
        return getattr(builtins, n, _MISSING) if value is _MISSING else value

    for node in ast.walk(tree):
        if not isinstance(node, ast.Attribute):
            continue
        chain, root = [node.attr], node.value
        while isinstance(root, ast.Attribute):
            chain.append(root.attr)
            root = root.value
        owner = resolve(root.id) if isinstance(root, ast.Name) and root.id in names else _MISSING
        if owner is not _MISSING and not isinstance(owner, (types.ModuleType, type)):
            return f"{name} uses .{node.attr} of the global {root.id}, whose state can change between calls"
        if owner is _MISSING:
            if node.attr not in _LIST_METHODS or not isinstance(node.value, (ast.Name, ast.Subscript)):
                return f"{name} uses .{node.attr} of a value, which the checker cannot follow"
            continue
        for attr in reversed(chain):
            if not isinstance(owner, (types.ModuleType, type)):
                break
            owner = getattr(owner, attr, _MISSING)
            if owner is _MISSING:
                break
            why = _classify(owner, f"{name} uses {root.id}.{'.'.join(reversed(chain))}", todo)
            if why:
                return why
    cells = [c.cell_contents for c in f.__closure__ or () if _filled(c)]
    values = [(n, resolve(n)) for n in sorted(names)] + [("a default", v) for v in f.__defaults__ or ()]
    values += [("a closure", v) for v in cells]
    for label, value in values:
        if value is not _MISSING:
            why = _classify(value, f"{name} uses {label}", todo)
            if why:
                return why
    return ""


def _filled(cell) -> bool:
    try:
        _ = cell.cell_contents
    except ValueError:
        return False
    return True


def _classify(value, where: str, todo: list) -> str:
    """'' when ``value`` cannot choose a path by the values (plain data, a value callable, code to inspect next)."""
    if isinstance(value, types.ModuleType) or value is SYMBOLIC_MATH:
        return ""  # its attributes are classified where they are used
    if any(value is c for c in _VALUE_CALLABLES) or getattr(value, "__module__", None) == "math":
        return ""
    if isinstance(value, (types.FunctionType, types.MethodType)):
        todo.append(getattr(value, "__func__", value))
        return ""
    if isinstance(value, type) and value.__module__ != "builtins":
        todo.append(value)
        return ""
    if getattr(value, "__module__", None) == "builtins":  # sorted, set, any, isinstance, bool, …
        return f"{where}, which can compare, merge or test the values it is given"
    if callable(value):
        return f"{where}, whose code the checker cannot read"
    if not _plain_data(value):
        # W[y] with a project object W, or a dict looked up by a value: __getitem__, __mul__, a hash lookup
        # compare the values they are given, and no AST of the caller shows it
        return f"{where}, a {type(value).__name__} whose operations can depend on the values"
    return ""


#: Data whose every operation is arithmetic or indexing by position: it cannot choose a path by a value.
_PLAIN = (int, float, complex, str, bytes, bool, type(None), fractions.Fraction, sp.Basic)


def _plain_data(value, depth: int = 0) -> bool:
    """Numbers, strings, SymPy objects, and lists or tuples of them (a list of weights)."""
    if isinstance(value, _PLAIN):
        return True
    if type(value) in (list, tuple) and depth < 3:
        return all(_plain_data(v, depth + 1) for v in value)
    return False
