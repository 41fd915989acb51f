"""Reference implementations: a plain-Python function checked against the formula its derivation arrives at.

A derivation module names the function that computes its result, and what each parameter receives::

    nll.reference(average_nll, args=(q, x))   # checked against the chain's last expression, H(p, q)

The checker runs the function twice. On SymPy symbols, at each small size (every data vector), where its value
must equal the formula's exactly: that is ``proved-for-sizes``, or ``proved`` when the formula involves no size
and no data, since then one symbolic run covers every input. And on floats at random inputs and at inputs near
the edges of what is declared (probabilities near 0 and 1, large and small values), where the two must agree to
a relative error of 1e-9. Where they differ, the point, the code's value and the formula's value are the
counterexample, and the step is refuted like a wrong line.

The symbolic run follows one path through the code, so it is a proof only when no path can depend on the
values: an ``if``, a comparison, ``and``/``or``, a loop ``while``, a ``try`` (anywhere in the function or the
code it calls) leaves the floating-point evidence, ``numeric``, at most (:func:`path_dependence`). An error
raised while the code runs on symbols is the symbolic method failing, never a counterexample by itself: only
the code failing or differing at a point inside the declarations, run on exact numbers or on floats, refutes.

Index convention (documented in derive/losses.py too): the code counts from 0. A family q_1, …, q_K reaches
the function as the list ``[q_1, …, q_K]``, so the code's ``q[i]`` is the formula's q_{i+1}; an integer datum or
value with declared range lo..hi reaches it as ``value − lo`` (outcomes 1..K become 0..K−1, 0/1 labels stay).
"""

from __future__ import annotations

import ast
import builtins
import dis
import fractions
import functools
import hashlib
import inspect
import itertools
import math
import operator
import random
import sys
import textwrap
import types
from collections.abc import Callable
from dataclasses import dataclass

import mpmath
import sympy as sp

from derive.core.errors import ModelError
from derive.core.evidence import Counterexample, Evidence, StepResult
from derive.core.model import Context
from derive.engine.compare import exactly_equal
from derive.run.cache import project_module, source_fingerprint
from derive.verify.domain import point_violation
from derive.verify.sampling import Instances, Point, Space, allowed, approx, positions, readable_scalars
from derive.verify.steps import prove_at_point, undefined_everywhere

SIZES_SPAN = 2  # sizes from their minimum to minimum + 2, as for proved-for-sizes steps
DATA_LIMIT = 64  # data vectors per size checked symbolically
FLOAT_POINTS = 20
FLOAT_SPAN = 3  # random sizes up to minimum + 3: one beyond the exact check
EDGE_POINTS = 60  # at most this many points near the edges of the declarations
READABLE_POINTS = 24  # the counterexample search's first points, run on floats too
REL_TOL = 1e-9
ABS_TOL = 1e-12
SIDES = ("code", "formula")


@dataclass(frozen=True)
class Reference:
    """A function and what each of its parameters receives (declared families, data, values or scalars)."""

    function: Callable
    args: tuple[sp.Basic, ...]

    @property
    def name(self) -> str:
        return self.function.__name__

    def source(self) -> str:
        """The function's source, dedented (what the Markdown write-up shows)."""
        return textwrap.dedent(inspect.getsource(self.function)).strip() + "\n"

    def fingerprint(self) -> str:
        """A hash of the code the function runs: its module and every project-local module, function and class
        it reaches (a helper module it imports, transitively), so that a change to any of them re-checks it."""
        args = ";".join(sp.srepr(a) for a in self.args)
        text = f"{source_fingerprint(self.function)} {self.function.__qualname__}({args})"
        return hashlib.sha256(text.encode()).hexdigest()


def validate(ref: Reference, formula: sp.Expr, ctx: Context) -> None:
    """Raise ``ModelError`` unless the parameters match and every input of ``formula`` is passed to the code."""
    if not isinstance(ref.function, types.FunctionType) or ref.function.__name__ == "<lambda>":
        raise ModelError(f"reference: {ref.function!r} is not a function defined with def")
    try:
        inspect.getsource(ref.function)
    except (OSError, TypeError):
        raise ModelError(
            f"reference {ref.name}: its source is not available (latexify-py typesets a function from its source); "
            "define it with def in a .py file or a notebook cell"
        ) from None
    params = [
        p
        for p in inspect.signature(ref.function).parameters.values()
        if p.kind in (p.POSITIONAL_ONLY, p.POSITIONAL_OR_KEYWORD)
    ]
    if len(params) != len(ref.args):
        raise ModelError(
            f"reference {ref.name}: it takes {len(params)} arguments ({', '.join(p.name for p in params)}) "
            f"but args= gives {len(ref.args)}"
        )
    for arg in ref.args:
        if arg in ctx.families:
            if len(ctx.families[arg].ranges) != 1:
                raise ModelError(f"reference {ref.name}: {arg} has several indices; pass one-index families only")
        elif arg in ctx.datasets:
            if len(ctx.datasets[arg].ranges) != 1:
                raise ModelError(f"reference {ref.name}: {arg} has several indices; pass one-index data only")
        elif arg not in ctx.unit_scalars and arg not in ctx.integer_values:
            raise ModelError(
                f"reference {ref.name}: {arg} is not declared in the context; pass families (ctx.positive, "
                "ctx.real), data (ctx.data), values (ctx.value) or probabilities (ctx.probability)"
            )
    space = Space.of([formula], ctx)
    inputs = set(space.data) | set(space.families) | set(space.scalars)
    missing = sorted(str(s) for s in inputs - set(ref.args))
    if missing:
        raise ModelError(
            f"reference {ref.name}: the formula depends on {', '.join(missing)}, which args= does not pass to it"
        )


# -- running the code ------------------------------------------------------------------------------------------
def _log(x, base=None):
    return sp.log(x) if base is None else sp.log(x, base)


def _perm(n, k=None):
    return sp.factorial(n) if k is None else sp.ff(n, k)


def _exact_arguments(f: Callable) -> Callable:
    """``f`` with a float argument taken as the exact binary fraction it is, so that SymPy does not evaluate
    ``log(2.0)`` to a decimal that can no longer equal ``log(2)``."""

    @functools.wraps(f)
    def exact(*args, **kwargs):
        return f(*(sp.Rational(a) if isinstance(a, float) and math.isfinite(a) else a for a in args), **kwargs)

    return exact


#: What ``math`` means while the code runs on SymPy symbols: every function and constant with an exact SymPy
#: meaning.
_SYMPY_MATH = {
    "pi": sp.pi,
    "e": sp.E,
    "tau": 2 * sp.pi,
    "inf": sp.oo,
    "nan": sp.nan,
    "log": _log,
    "log1p": lambda x: sp.log(1 + x),
    "log2": lambda x: sp.log(x, 2),
    "log10": lambda x: sp.log(x, 10),
    "exp": sp.exp,
    "expm1": lambda x: sp.exp(x) - 1,
    "exp2": lambda x: sp.Integer(2) ** x,
    "sqrt": sp.sqrt,
    "cbrt": lambda x: sp.sign(x) * sp.Abs(x) ** sp.Rational(1, 3),
    "pow": lambda x, y: sp.Pow(x, y),
    "fabs": sp.Abs,
    "floor": sp.floor,
    "ceil": sp.ceiling,
    "prod": lambda terms, *, start=1: sp.Mul(start, *terms),
    "fsum": lambda terms: sp.Add(*terms),
    "hypot": lambda *xs: sp.sqrt(sp.Add(*(x**2 for x in xs))),
    "dist": lambda p, q: sp.sqrt(sp.Add(*((a - b) ** 2 for a, b in zip(p, q, strict=True)))),
    "sin": sp.sin,
    "cos": sp.cos,
    "tan": sp.tan,
    "asin": sp.asin,
    "acos": sp.acos,
    "atan": sp.atan,
    "atan2": sp.atan2,
    "sinh": sp.sinh,
    "cosh": sp.cosh,
    "tanh": sp.tanh,
    "asinh": sp.asinh,
    "acosh": sp.acosh,
    "atanh": sp.atanh,
    "erf": sp.erf,
    "erfc": sp.erfc,
    "gamma": sp.gamma,
    "lgamma": lambda x: sp.log(sp.Abs(sp.gamma(x))),
    "factorial": sp.factorial,
    "comb": sp.binomial,
    "perm": _perm,
    "degrees": lambda x: x * 180 / sp.pi,
    "radians": lambda x: x * sp.pi / 180,
}
#: ``math`` on symbols: SymPy's meaning where there is one; the rest (``isclose``, ``copysign``, ``gcd``, …) stay
#: Python's own, which raise on a symbol (that only stops the symbolic run) and compute on numbers what the real
#: run computes.
_PYTHON_MATH = {name: getattr(math, name) for name in dir(math) if not name.startswith("_")}
SYMBOLIC_MATH = types.SimpleNamespace(
    **{**_PYTHON_MATH, **{name: _exact_arguments(f) if callable(f) else f for name, f in _SYMPY_MATH.items()}}
)
#: ``math`` for the run on exact numbers: SymPy's meanings, but a float stays a float (``log(0.5)`` a decimal),
#: so that a value the code computed in floating point is compared with a tolerance, never taken as exact.
VALUES_MATH = types.SimpleNamespace(**{**_PYTHON_MATH, **_SYMPY_MATH})
#: The float constants of ``math``, which ``from math import pi`` copies into a module.
_MATH_CONSTANTS = {name: getattr(math, name) for name in ("pi", "e", "tau", "inf", "nan")}


def _extremum(of: type) -> Callable:
    """``max``/``min`` of Python (of an iterable, or of several arguments) as SymPy's ``Max``/``Min``."""

    def extremum(*args, **kwargs):
        if kwargs:
            raise TypeError(f"{of.__name__.lower()}() with key= or default= has no symbolic meaning")
        return of(*(args[0] if len(args) == 1 else args))

    return extremum


#: What Python's built-ins mean while the code runs on SymPy symbols (``max(z)`` of symbols cannot compare them).
SYMBOLIC_BUILTINS = {"max": _extremum(sp.Max), "min": _extremum(sp.Min)}


def _rebuilt(value) -> bool:
    """Code run with SymPy's ``math``: functions of the project (and derive's own references), not a library's."""
    return isinstance(value, types.FunctionType) and not _library_code(value)


def _library_code(value) -> bool:
    name = getattr(value, "__module__", None)
    if not isinstance(name, str):
        return False
    module = sys.modules.get(name)
    engine = name == "derive" or name.startswith("derive.")
    return module is not None and not project_module(module) and not engine


def symbolic(function: Callable) -> Callable:
    """``function`` with ``math`` (and names imported from it) meaning SymPy's functions, ``max``/``min`` meaning
    ``Max``/``Min``, and the plain functions it reaches through its globals (in its module, in the project's
    modules it imports, or imported from them by name) rebuilt the same way."""
    return _rebuild(function, SYMBOLIC_MATH, SYMBOLIC_BUILTINS)


def _rebuild(function: Callable, namespace: types.SimpleNamespace, builtin_names: dict) -> Callable:
    """``function`` (and the plain functions it reaches) with ``math`` meaning ``namespace``."""
    done: dict[int, object] = {}

    def translate(value):
        if value is math:
            return namespace
        if isinstance(value, float):
            return next((getattr(namespace, k) for k, c in _MATH_CONSTANTS.items() if value is c), value)
        if getattr(value, "__module__", None) == "math" and callable(value):
            return getattr(namespace, getattr(value, "__name__", ""), value)
        if _rebuilt(value):
            return rebuild(value)
        if isinstance(value, types.ModuleType) and project_module(value):
            return module(value)
        return value

    def module(m: types.ModuleType):
        if id(m) in done:
            return done[id(m)]
        proxy = types.SimpleNamespace()
        done[id(m)] = proxy
        for key, value in vars(m).items():
            setattr(proxy, key, translate(value))
        return proxy

    def rebuild(f):
        if id(f) in done:
            return done[id(f)]
        names = dict(f.__globals__)
        clone = types.FunctionType(f.__code__, names, f.__name__, f.__defaults__, f.__closure__)
        clone.__kwdefaults__ = f.__kwdefaults__
        done[id(f)] = clone
        for key, value in list(names.items()):
            names[key] = translate(value)
        for key, value in builtin_names.items():
            names.setdefault(key, value)  # a module that defines its own max keeps it
        names[f.__name__] = clone
        return clone

    return rebuild(function)


def _precise_math(floats_used: list) -> types.SimpleNamespace:
    """What ``math`` means in the high-precision run: mpmath's functions at its current working precision (made
    afresh inside each ``workdps``, since a constant such as 2π is evaluated when it is made). The functions
    mpmath lacks stay Python's, which compute in floats: a call to one is noted in ``floats_used``, since its
    result does not change with the precision and so cannot confirm anything."""
    meaning = {
        "pi": +mpmath.pi,
        "e": +mpmath.e,
        "tau": 2 * mpmath.pi,
        "inf": mpmath.inf,
        "nan": mpmath.nan,
        "log": lambda x, base=None: mpmath.log(x) if base is None else mpmath.log(x, base),
        "log1p": mpmath.log1p,
        "log2": lambda x: mpmath.log(x, 2),
        "log10": mpmath.log10,
        "exp": mpmath.exp,
        "expm1": mpmath.expm1,
        "exp2": lambda x: mpmath.power(2, x),
        "sqrt": mpmath.sqrt,
        "cbrt": mpmath.cbrt,
        "pow": mpmath.power,
        "fabs": mpmath.fabs,
        "floor": lambda x: int(mpmath.floor(x)),
        "ceil": lambda x: int(mpmath.ceil(x)),
        "prod": lambda terms, *, start=1: mpmath.fprod([start, *terms]),
        "fsum": mpmath.fsum,
        "hypot": lambda *xs: mpmath.sqrt(mpmath.fsum(x**2 for x in xs)),
        "gamma": mpmath.gamma,
        "lgamma": lambda x: mpmath.log(abs(mpmath.gamma(x))),
        "erf": mpmath.erf,
        "erfc": mpmath.erfc,
        **{f: getattr(mpmath, f) for f in ("sin", "cos", "tan", "asin", "acos", "atan", "atan2", "sinh", "cosh")},
        **{f: getattr(mpmath, f) for f in ("tanh", "asinh", "acosh", "atanh", "degrees", "radians")},
    }

    def in_floats(name: str, f: Callable) -> Callable:
        def noted(*args, **kwargs):
            floats_used.append(name)
            return f(*args, **kwargs)

        return noted

    python = {n: getattr(math, n) for n in dir(math) if not n.startswith("_") and n not in meaning}
    return types.SimpleNamespace(
        **{n: in_floats(n, f) if callable(f) else f for n, f in python.items()},
        **meaning,
    )


# -- can the path through the code depend on the values? ------------------------------------------------------
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


def arguments(ref: Reference, ctx: Context, point: Point, *, values: bool) -> list:
    """The function's arguments at ``point``: lists from index 0, integers shifted to start at 0; families and
    scalars as symbols (``values=False``) or as the point's exact values."""
    sizes = point.size_map()
    data = {b: dict(entries) for b, entries in point.data}
    fams = {b: dict(entries) for b, entries in point.families}
    scalars = dict(point.scalars)
    out = []
    for arg in ref.args:
        if arg in ctx.datasets:
            spec = ctx.datasets[arg]
            lo = int(spec.values[0].xreplace(sizes))
            out.append([data[arg][pos] - lo for pos in positions(spec, sizes)])
        elif arg in ctx.families:
            spec = ctx.families[arg]
            out.append([fams[arg][pos] if values else arg[pos[0]] for pos in positions(spec, sizes)])
        elif arg in ctx.integer_values:
            lo = int(ctx.integer_values[arg][0].xreplace(sizes))
            out.append(int(scalars[arg]) - lo)
        else:
            out.append(scalars[arg] if values else arg)
    return out


def _floats(args: list) -> list:
    return [[float(v) if isinstance(v, sp.Basic) else v for v in a] if isinstance(a, list) else _float(a) for a in args]


def _float(v):
    return v if isinstance(v, int) else float(v)


# -- checking --------------------------------------------------------------------------------------------------
def check_reference(ref: Reference, formula: sp.Expr, ctx: Context, seed: int = 0, replay: str = "") -> StepResult:
    """The evidence that ``ref`` computes ``formula``: exact at small sizes, then in floating point."""
    runs = _Runs(ref, symbolic(ref.function), ctx, Instances(formula, formula, ctx), replay)
    space = Space.of([formula], ctx)
    if undefined_everywhere(formula, ctx):  # log(1 − 1) as written: no input gives the formula a value
        return _against_no_value(runs, space)
    counted = [s for s in space.scalars if s in ctx.integer_values]
    covered: dict = {}
    failed = ""  # why the code could not run on symbols somewhere (the symbolic method failed, not the code)
    unshown: list[str] = []  # points where exact equality was not shown, yet no counterexample was found
    skipped: list[str] = []  # sizes with too many data vectors to check every one
    for sizes in space.size_choices(SIZES_SPAN):
        sm = dict(sizes)
        if space.count_data(sm) > DATA_LIMIT:  # left out of the claim and named, never sampled
            skipped.append(", ".join(f"{s} = {v}" for s, v in sizes))
            continue
        for data in space.data_choices(sm, DATA_LIMIT):
            for picked in _integer_choices(space, counted, sm):
                point = Point(sizes, tuple(data), (), picked)
                expected, _ = runs.formula.instantiate(point, values=False)
                try:
                    got = sp.sympify(runs.code(*arguments(ref, ctx, point, values=False)))
                except Exception as exc:  # noqa: BLE001 - user code on symbols: the method failed, see below
                    got = exc
                if isinstance(got, sp.Basic) and _equal(_exact_floats(got), expected, point, ctx):
                    continue
                cex = _search_point(runs, space, point)
                if cex is not None:
                    return StepResult(Evidence.REFUTED, "the code and the formula differ", counterexample=cex)
                if isinstance(got, sp.Basic):
                    unshown.append(_at(point))
                elif not failed:
                    failed = f"the code cannot run on symbols{_at(point)} ({_error(got)})"
        for s, v in sizes:
            covered.setdefault(s, []).append(v)
    floats = _float_check(runs, space, seed)
    if floats.evidence is not Evidence.NUMERIC:
        return floats
    if failed:
        return StepResult(Evidence.NUMERIC, f"{failed}; {floats.detail}")
    if unshown:
        return StepResult(
            Evidence.NUMERIC, f"exact equality not shown{unshown[0]} (no counterexample found); {floats.detail}"
        )
    path = path_dependence(ref.function)
    if path:
        return StepResult(
            Evidence.NUMERIC,
            f"the symbolic run follows one path through the code, and {path}, so that path may not be the one "
            f"every value takes: not a proof; {floats.detail}",
        )
    if not space.sizes and not space.data:
        return StepResult(Evidence.PROVED, f"the code equals the formula symbolically; {floats.detail}")
    if not covered:
        return StepResult(
            Evidence.NUMERIC, f"every small size has more than {DATA_LIMIT} data vectors; {floats.detail}"
        )
    where = ", ".join(f"{min(v)} ≤ {s} ≤ {max(v)}" for s, v in covered.items())
    every = " (every data vector)" if space.data else ""
    left_out = f" except at {'; '.join(skipped)} (more than {DATA_LIMIT} data vectors)" if skipped else ""
    return StepResult(
        Evidence.PROVED_FOR_SIZES,
        f"the code equals the formula exactly for {where}{every}{left_out}; {floats.detail}",
    )


def _against_no_value(runs: _Runs, space: Space) -> StepResult:
    """The formula is undefined as written (zoo or nan at every point); code that returns a finite number at a
    point inside the declarations does not compute it, as a chain line with an undefined side is refuted."""
    for point in itertools.islice(space.points(span=SIZES_SPAN), READABLE_POINTS):
        got = runs.float(point)
        if isinstance(got, (int, float)) and math.isfinite(got):
            cex = runs.counterexample(point, _as_number(got), sp.zoo)
            return StepResult(
                Evidence.REFUTED, "the formula is undefined as written, and the code has a value", counterexample=cex
            )
    return StepResult(Evidence.UNDECIDED, "the formula is undefined as written, and so is the code")


def _equal(got: sp.Expr, expected: sp.Expr, point: Point, ctx: Context) -> bool:
    """Exactly equal as they stand (expanded over opaque atoms), or after the log rules (log(p/q) splits)."""
    if exactly_equal(got, expected, ctx):
        return True
    return prove_at_point(Instances(got, expected, ctx), point, ctx)


def _exact_floats(e: sp.Basic) -> sp.Basic:
    """``e`` with each float (a constant such as 0.1 in the code) as the exact binary fraction it stands for, so
    that an exact comparison cannot round it to what the formula says (SymPy's Float arithmetic would)."""
    floats = e.atoms(sp.Float)
    return e.xreplace({f: sp.Rational(f) for f in floats}) if floats else e


def _integer_choices(space: Space, counted: list, sizes: dict):
    return itertools.product(*[[(s, v) for v in space._scalar_values(s, sizes)] for s in counted])


def _at(point: Point) -> str:
    """`` at K = 2, q = (1/2, 1/2)``, or nothing for a point without variables."""
    where = ", ".join(f"{k} = {v}" for k, v in point.describe().items())
    return f" at {where}" if where else ""


def _error(exc: BaseException) -> str:
    return f"{type(exc).__name__}: {exc}"


class _Runs:
    """The real runs of the code at a point, and the formula's value there. Exact: SymPy numbers and SymPy's
    ``math``. Floating point: the function as written. Precise: the function as written with mpmath for ``math``
    and its numbers, at two working precisions, to confirm what floating point shows when the exact run fails."""

    def __init__(self, ref: Reference, code: Callable, ctx: Context, formula: Instances, replay: str):
        self.ref, self.code, self.ctx, self.formula, self.replay = ref, code, ctx, formula, replay
        self.on_values = _rebuild(ref.function, VALUES_MATH, SYMBOLIC_BUILTINS)

    def exact(self, at: Point):
        try:
            return sp.sympify(self.on_values(*arguments(self.ref, self.ctx, at, values=True)))
        except Exception as exc:  # noqa: BLE001 - user code
            return exc

    def float(self, at: Point):
        try:
            return self.ref.function(*_floats(arguments(self.ref, self.ctx, at, values=True)))
        except Exception as exc:  # noqa: BLE001 - user code
            return exc

    def precise(self, at: Point):
        """The value both precisions agree on, the error both raise, or None when they disagree."""
        results, floats_used = [], []
        for dps in PRECISIONS:
            with mpmath.workdps(dps):
                try:
                    # float() made at the working precision too, so that a conversion does not round to a double
                    code = _rebuild(self.ref.function, _precise_math(floats_used), {"float": mpmath.mpf})
                    value = code(*_precise_args(arguments(self.ref, self.ctx, at, values=True)))
                    results.append(mpmath.mpmathify(value))
                except Exception as exc:  # noqa: BLE001 - user code
                    results.append(exc)
        if floats_used:
            return None
        low, high = results
        if isinstance(low, Exception) or isinstance(high, Exception):
            return high if type(low) is type(high) else None
        with mpmath.workdps(PRECISIONS[-1]):
            return high if abs(high - low) <= mpmath.mpf(10) ** (2 - PRECISIONS[0]) * max(1, abs(high)) else None

    def compare(self, value, formula_value: sp.Expr, at: Point) -> str:
        """``equal``, ``differ`` (certainly) or ``unknown``: the exact run's value against the formula's."""
        if not isinstance(value, sp.Basic):
            return "unknown"
        if value.has(sp.Float):  # the code computed with floats (a constant 0.1, a Python division): a tolerance
            try:
                return "equal" if _close(complex(sp.N(value, 30)), formula_value) else "differ"
            except (TypeError, ValueError):
                return "unknown"
        status = Instances(value, formula_value, self.ctx).compare(at).status
        return status if status in ("equal", "differ") else "unknown"

    def counterexample(self, at: Point, code_value, formula_value: sp.Expr) -> Counterexample:
        return _counterexample(at, code_value, formula_value, self.replay)


PRECISIONS = (40, 80)  # decimal digits of the two high-precision runs


def _precise_args(args: list) -> list:
    def one(v):
        return v if isinstance(v, int) else mpmath.mpf(v.p) / v.q if v.is_Rational else mpmath.mpmathify(str(v))

    return [[one(v) for v in a] if isinstance(a, list) else one(a) for a in args]


def _finite(value: sp.Expr) -> float | None:
    """The formula's value as a float, or None where it has no finite real value (log 0)."""
    try:
        out = float(sp.N(value, 30))
    except (TypeError, ValueError):
        return None
    return out if math.isfinite(out) else None


def _close(got, formula_value: sp.Expr) -> bool:
    """``got`` (a float, complex or mpmath number) agrees with the formula's value to ``REL_TOL``."""
    try:
        with mpmath.workdps(PRECISIONS[0]):
            want = mpmath.mpmathify(str(sp.N(formula_value, PRECISIONS[0])))
            return abs(mpmath.mpmathify(got) - want) <= REL_TOL * abs(want) + ABS_TOL
    except (TypeError, ValueError, OverflowError):
        return False  # None, a list, a string: not the formula's number


def _search_point(runs: _Runs, space: Space, point: Point) -> Counterexample | None:
    """Readable family (and scalar) values at ``point``'s sizes and data where the code, run on exact numbers
    (or, where that run fails, on floats), differs from the formula or fails where the formula has a value."""
    sm = point.size_map()
    others = [s for s in space.scalars if s not in runs.ctx.integer_values]
    scalar_sets = itertools.product(*[[(s, v) for v in space._scalar_values(s, sm)] for s in others])
    for fams, scalars in itertools.product(space.family_choices(sm), list(scalar_sets)):
        at = Point(point.sizes, point.data, tuple(fams), tuple(point.scalars) + tuple(scalars))
        if point_violation(at, runs.ctx):
            continue  # only a point inside the declarations can refute
        formula_value = runs.formula.instantiate(at)[0]
        value = runs.exact(at)
        if isinstance(value, sp.Basic):
            if runs.compare(value, formula_value, at) == "differ":
                return runs.counterexample(at, value, formula_value)
            continue
        # The exact run failed, which may be the method's failure (no SymPy meaning for something the code
        # uses): the code as written decides, on floats.
        verdict = _float_verdict(runs, at, edge=False)
        if isinstance(verdict, StepResult):
            return verdict.counterexample
    return None


def _as_number(got) -> sp.Basic:
    """What the code returned, as a SymPy number for the report (or its repr, when it is not a number)."""
    try:
        value = mpmath.mpmathify(got)
    except (TypeError, ValueError):
        return sp.Symbol(repr(got))
    if isinstance(value, mpmath.mpc):
        return sp.Float(mpmath.nstr(value.real, 17), 17) + sp.I * sp.Float(mpmath.nstr(value.imag, 17), 17)
    return sp.Float(mpmath.nstr(value, 17), 17)


def _float_check(runs: _Runs, space: Space, seed: int) -> StepResult:
    """The function as written, on floats: at the readable points the counterexample search starts from (1/4 and
    3/4 among them, where code that SymPy simplified on symbols, 0·1/(4q − 1), still divides by zero), at random
    inputs, then near the edges of the declarations."""
    readable = list(itertools.islice(space.points(span=SIZES_SPAN), READABLE_POINTS))
    rng = random.Random(seed)
    randoms = []
    for _ in range(FLOAT_POINTS):
        point = space.random_point(rng, span=FLOAT_SPAN)
        if point is None:
            break
        randoms.append(point)
    agreed = 0
    unsure = ""
    tried = [(p, False, False) for p in readable] + [(p, False, True) for p in randoms]
    for point, edge, counted in tried + [(p, True, False) for p in _edge_points(space, runs.ctx)]:
        verdict = _float_verdict(runs, point, edge)
        if isinstance(verdict, StepResult):
            return verdict
        if verdict == "agree":
            agreed += counted  # the detail counts the random inputs, as it always has
        elif verdict != "undefined":
            unsure = unsure or verdict
    if unsure:
        return StepResult(Evidence.UNDECIDED, f"{unsure}; no counterexample found")
    if not agreed:
        return StepResult(Evidence.UNDECIDED, "no random input where the formula has a value")
    return StepResult(
        Evidence.NUMERIC, f"in floating point it agrees to {REL_TOL:g} at {agreed} random inputs (seed {seed})"
    )


def _float_verdict(runs: _Runs, point: Point, edge: bool):
    """``agree``, ``undefined`` (the formula has no finite value here), a refutation, or why it is unsure.

    A float result off by more than the tolerance, or an error, is confirmed before it refutes: by the exact run
    (a certain difference refutes; the exact value right means floating point lost it, which is unsure), else by
    the high-precision run (a value both precisions agree on decides the same way; the same error as the float
    run refutes). Unconfirmed, a random point refutes on floats alone, as its values are moderate; a point near
    the edges, where floating point is weakest, leaves the step unsure.
    """
    formula_value = runs.formula.instantiate(point)[0]
    if _finite(formula_value) is None:
        return "undefined"
    got = runs.float(point)
    if not isinstance(got, Exception) and _close(got, formula_value):
        return "agree"
    outcome = f"raises {_error(got)}" if isinstance(got, Exception) else f"gives {got!r}"
    shown = f"in floating point the code {outcome}{_at(point)}"
    exact = runs.exact(point)
    status = runs.compare(exact, formula_value, point)
    if status == "differ":
        cex = runs.counterexample(point, exact, formula_value)
        return StepResult(Evidence.REFUTED, "the code and the formula differ", counterexample=cex)
    if status == "equal":
        return f"{shown}, where its exact value is right"
    precise = runs.precise(point)
    if isinstance(got, Exception) and any(type(r) is type(got) for r in (exact, precise)):
        cex = runs.counterexample(point, got, formula_value)
        return StepResult(Evidence.REFUTED, "the code fails where the formula has a value", counterexample=cex)
    if precise is not None and not isinstance(precise, Exception):
        if _close(precise, formula_value):
            return f"{shown}, where at {PRECISIONS[0]} digits its value is right"
        cex = runs.counterexample(point, _as_number(precise), formula_value)
        digits = " and ".join(map(str, PRECISIONS))
        detail = f"the code and the formula differ (the code's value is the same at {digits} digits)"
        return StepResult(Evidence.REFUTED, detail, counterexample=cex)
    if edge:
        return f"{shown}, which neither an exact nor a high-precision run could confirm"
    if isinstance(got, Exception):
        cex = runs.counterexample(point, got, formula_value)
        return StepResult(Evidence.REFUTED, "the code fails where the formula has a value", counterexample=cex)
    cex = runs.counterexample(point, _as_number(got), formula_value)
    return StepResult(Evidence.REFUTED, "the code and the formula differ in floating point", counterexample=cex)


# -- points near the edges of the declarations -----------------------------------------------------------------
SMALL = sp.Rational(1, 1000)  # a probability near 0, a small positive value
LARGE = sp.Integer(100)  # a large positive value (exp(100) is still a float)
REAL_EDGE = sp.Integer(30)  # large reals of either sign


def _edge_points(space: Space, ctx: Context) -> list[Point]:
    """Points strictly inside the declarations but near their edges, where a branch such as ``if p > 0.99`` is
    taken: probabilities 1/1000 and 999/1000, a distribution with almost all its mass on one outcome, positive
    values 1/1000 and 100, reals ±30 and ±1/1000, integer values at both ends of their range, data all at the
    low or all at the high end. Each input in turn at each of its edges (the others at a plain value), then all
    at once (all low, all high, alternating), at the smallest sizes and one above."""
    out: list[Point] = []
    for span in (0, 1):
        sizes = tuple((s, ctx.sizes[s] + span) for s in space.sizes)
        inputs = _edge_inputs(space, ctx, dict(sizes))
        if inputs is None:
            continue  # some input has no value inside its declaration at these sizes
        plain = [i[1] for i in inputs]
        choices = []
        for n, (_, _, edges) in enumerate(inputs):
            for e in edges:
                choices.append(plain[:n] + [e] + plain[n + 1 :])
        for pick in (lambda n: 0, lambda n: -1, lambda n: n % 2, lambda n: (n + 1) % 2):
            choices.append([edges[pick(n) % len(edges)] if edges else p for n, (_, p, edges) in enumerate(inputs)])
        for choice in choices:
            point = _point(sizes, [i[0] for i in inputs], choice, ctx)
            if point not in out and not point_violation(point, ctx):  # inside by construction; checked anyway
                out.append(point)
    return out[:EDGE_POINTS]


def _edge_inputs(space: Space, ctx: Context, sm: dict):
    """``(key, plain value, [edge values])`` for each input, or None when one has no value at these sizes."""
    inputs = []
    for base in space.data:
        spec = ctx.datasets[base]
        lo, hi = (int(b.xreplace(sm)) for b in spec.values)
        if hi < lo:
            return None
        where = positions(spec, sm)
        low, high = tuple((p, lo) for p in where), tuple((p, hi) for p in where)
        inputs.append((base, low, [low, high]))
    for base in space.families:
        spec = ctx.families[base]
        where = positions(spec, sm)
        lo, hi = (int(b.xreplace(sm)) for b in spec.index)
        column = max(hi - lo + 1, 1)
        plain, edges = _family_edges(spec, column)
        if plain is None:
            return None

        def entries(vector, where=where, column=column):
            return tuple(zip(where, vector * (len(where) // column)))

        inputs.append((base, entries(plain), [entries(v) for v in edges]))
    for s in space.scalars:
        if s in ctx.integer_values:
            lo, hi = (int(b.xreplace(sm)) for b in ctx.integer_values[s])
            if hi < lo:
                return None
            inputs.append((s, sp.Integer(lo), [sp.Integer(lo), sp.Integer(hi)]))
        elif s in ctx.unit_scalars:
            inputs.append((s, sp.Rational(1, 2), [SMALL, 1 - SMALL]))
        else:
            plain = readable_scalars(s)
            edges = [v for v in (SMALL, LARGE, -LARGE, -SMALL, sp.Integer(0)) if allowed(s, v)]
            if not plain:
                return None
            inputs.append((s, plain[0], edges))
    return inputs


def _family_edges(spec, k: int):
    """A plain vector and the edge vectors of a family column of length ``k`` (None when none is declared)."""

    def alternate(a, b):
        return tuple(a if j % 2 == 0 else b for j in range(k))

    if spec.real_valued:
        big = REAL_EDGE
        return (sp.Integer(0),) * k, [(-big,) * k, (big,) * k, alternate(big, -big), (SMALL,) * k, (-SMALL,) * k]
    if spec.sums_to_one:
        if k == 1:
            return (None, []) if spec.below_one else ((sp.Integer(1),), [])
        heavy = 1 - (k - 1) * SMALL
        uniform = (sp.Rational(1, k),) * k
        return uniform, [(heavy,) + (SMALL,) * (k - 1), (SMALL,) * (k - 1) + (heavy,)]
    high = 1 - SMALL if spec.below_one else LARGE
    return (sp.Rational(1, 2),) * k, [(SMALL,) * k, (high,) * k, alternate(SMALL, high), alternate(high, SMALL)]


def _point(sizes: tuple, keys: list, values: list, ctx: Context) -> Point:
    data, families, scalars = [], [], []
    for key, value in zip(keys, values, strict=True):
        if key in ctx.datasets:
            data.append((key, value))
        elif key in ctx.families:
            families.append((key, value))
        else:
            scalars.append((key, value))
    return Point(sizes, tuple(data), tuple(families), tuple(scalars))


def _counterexample(point: Point, code_value, formula_value, replay: str) -> Counterexample:
    if isinstance(code_value, Exception):
        code_text, code_approx = f"raises {_error(code_value)}", ""
    else:
        code_text, code_approx = sp.sstr(code_value), approx(code_value)
    return Counterexample(
        values=point.describe(),
        lhs_value=code_text,
        rhs_value=sp.sstr(formula_value),
        lhs_approx=code_approx,
        rhs_approx=approx(formula_value),
        replay=replay,
        sides=SIDES,
    )
