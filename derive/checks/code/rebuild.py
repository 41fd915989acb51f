"""The function rebuilt to run on other numbers: ``math`` (and names imported from it) meaning SymPy's exact
functions for the symbolic and exact runs, or mpmath's at a working precision for the high-precision run; the
plain functions it reaches through its globals are rebuilt the same way."""

from __future__ import annotations

import builtins
import functools
import math
import sys
import types
from collections.abc import Callable

import mpmath
import sympy as sp

from derive.checks.code.vocabulary import math_name
from derive.core.sources import project_module


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
#: ``math`` as derive found it: a name of it replaced since (``math.log = clipped``) runs as what replaced it.
_MATH_AT_IMPORT = dict(vars(math))
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
            return patched_math()
        if isinstance(value, float):
            return next((getattr(namespace, k) for k, c in _MATH_CONSTANTS.items() if value is c), value)
        if math_name(value):  # a math function itself, by identity (not a functools.wraps copy of its name)
            return getattr(namespace, math_name(value), value)
        if _rebuilt(value):
            return rebuild(value)
        if isinstance(value, types.ModuleType) and project_module(value):
            return module(value)
        return value

    def patched_math():
        """``namespace``, but where ``math.<name>`` was replaced since derive was imported, what replaced it."""
        changed = {k: v for k, v in vars(math).items() if not k.startswith("_") and _MATH_AT_IMPORT.get(k) is not v}
        return types.SimpleNamespace(**{**vars(namespace), **{k: translate(v) for k, v in changed.items()}})

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
        table = f.__builtins__ if isinstance(f.__builtins__, dict) else vars(f.__builtins__)
        for key, value in builtin_names.items():
            if table.get(key) is getattr(builtins, key, None):  # a module's own max (or __builtins__) is kept
                names.setdefault(key, value)
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
