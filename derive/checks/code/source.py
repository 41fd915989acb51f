"""The source of a function that the translator reads, checked to be the code that runs: the syntax tree read
from the file is compiled again and must give the function's own bytecode, constants and names.

Otherwise the translation could read other code than Python runs: a function made by ``functools.wraps`` (whose
``__wrapped__`` sends ``inspect`` to the wrapped function's source), a file edited since it was imported, a lambda
that starts on a ``def``'s line, a closure (whose free names the translator would look up in the module instead of
the function's cells). Each of those is refused with the reason.
"""

from __future__ import annotations
import __future__

import ast
import inspect
import textwrap
import types

from derive.checks.code.vocabulary import Untranslatable

#: The compiler flags of ``from __future__ import …``, which the function's module may have set.
_FUTURE_FLAGS = 0
for _feature in __future__.all_feature_names:
    _FUTURE_FLAGS |= getattr(__future__, _feature).compiler_flag

#: What two code objects must share to be the same code (line numbers and columns aside).
_FIELDS = (
    "co_name",
    "co_code",
    "co_names",
    "co_varnames",
    "co_freevars",
    "co_cellvars",
    "co_argcount",
    "co_posonlyargcount",
    "co_kwonlyargcount",
)


def function_source(function: types.FunctionType) -> tuple[ast.FunctionDef, int]:
    """The ``def`` of ``function`` as a syntax tree and the line it starts on, when it is the code that runs;
    raises :class:`Untranslatable` with the reason otherwise."""
    name = function.__name__
    code = function.__code__
    if "__wrapped__" in vars(function):
        raise Untranslatable(f"{name} has __wrapped__ (made by functools.wraps): its source may not be what runs")
    if code.co_name == "<lambda>":
        raise Untranslatable(f"{name} is a lambda (only a function defined with def is translated)")
    if code.co_freevars:
        raise Untranslatable(
            f"{name} reads {', '.join(code.co_freevars)} from the function that made it (a closure), which is not "
            "translated"
        )
    try:
        lines, first = inspect.getsourcelines(function)
        tree = ast.parse(textwrap.dedent("".join(lines)))
    except (OSError, TypeError, SyntaxError):
        raise Untranslatable(f"the source of {name} cannot be read") from None
    node = tree.body[0] if tree.body else None
    if not isinstance(node, ast.FunctionDef) or node.decorator_list:
        raise Untranslatable(f"{name} is not a plain function defined with def")
    # The compiler reads ``math.log(x)`` differently when ``math`` was bound by an import (Python 3.11+): the
    # module names the function sees are imported again, as its module did (presumably; if not, it is refused).
    names = _all_names(code)
    modules = sorted(n for n in names if isinstance(function.__globals__.get(n), types.ModuleType))
    tree.body[:0] = [ast.Import(names=[ast.alias(name=n)]) for n in modules]
    ast.fix_missing_locations(tree)
    try:
        compiled = compile(tree, code.co_filename, "exec", flags=code.co_flags & _FUTURE_FLAGS, dont_inherit=True)
    except (SyntaxError, ValueError):
        raise Untranslatable(f"the source of {name} does not compile on its own") from None
    made = next((c for c in compiled.co_consts if isinstance(c, types.CodeType)), None)
    if made is None or not same_code(made, code):
        raise Untranslatable(
            f"the source read for {name} (line {first} of {code.co_filename}) is not the code that runs (the file "
            "changed since it was imported, or the function was made another way)"
        )
    return node, first


def _all_names(code: types.CodeType) -> set[str]:
    """The global and attribute names ``code`` and the code nested in it (a generator's) use."""
    out = set(code.co_names)
    for c in code.co_consts:
        if isinstance(c, types.CodeType):
            out |= _all_names(c)
    return out


def same_code(a: types.CodeType, b: types.CodeType) -> bool:
    """The same bytecode, names and constants (nested code objects, such as a generator's, compared alike)."""
    if any(getattr(a, f) != getattr(b, f) for f in _FIELDS) or len(a.co_consts) != len(b.co_consts):
        return False
    return all(_same_constant(x, y) for x, y in zip(a.co_consts, b.co_consts, strict=True))


def _same_constant(x, y) -> bool:
    if isinstance(x, types.CodeType) or isinstance(y, types.CodeType):
        return isinstance(x, types.CodeType) and isinstance(y, types.CodeType) and same_code(x, y)
    return type(x) is type(y) and repr(x) == repr(y)  # repr tells 0.0 from -0.0, and nan equals itself


def resolve(function: types.FunctionType, name: str, missing: object) -> object:
    """What ``name`` (not a local) is when ``function`` runs: its globals, then its own builtins (which a module
    may replace with ``__builtins__ = {...}``), not the ``builtins`` module; ``missing`` when it is neither."""
    if name in function.__globals__:
        return function.__globals__[name]
    table = function.__builtins__
    table = table if isinstance(table, dict) else vars(table)
    return table.get(name, missing)
