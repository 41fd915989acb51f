"""What the translator reads code as: the ``math`` functions and constants with an exact SymPy meaning, the
built-ins, the arithmetic operators, and the names of the constructs it refuses."""

from __future__ import annotations

import ast
import math
import types
from collections.abc import Callable

import sympy as sp

#: ``math`` functions and constants with an exact SymPy meaning (the same meanings as the run on symbols).
MATH_FUNCTIONS: dict[str, Callable] = {
    "log": lambda x, base=None: sp.log(x) if base is None else sp.log(x) / sp.log(base),
    "log1p": lambda x: sp.log(1 + x),
    "log2": lambda x: sp.log(x) / sp.log(2),
    "log10": lambda x: sp.log(x) / sp.log(10),
    "exp": sp.exp,
    "expm1": lambda x: sp.exp(x) - 1,
    "sqrt": sp.sqrt,
    "pow": lambda x, y: power(x, y),
    "fabs": sp.Abs,
    "tanh": sp.tanh,
    "sinh": sp.sinh,
    "cosh": sp.cosh,
    "sin": sp.sin,
    "cos": sp.cos,
    "erf": sp.erf,
}
MATH_CONSTANTS = {"pi": sp.pi, "e": sp.E, "tau": 2 * sp.pi}
BUILTINS = {"abs": sp.Abs, "pow": lambda x, y: power(x, y), "float": lambda x: x}
ARITHMETIC = {
    ast.Add: lambda a, b: a + b,
    ast.Sub: lambda a, b: a - b,
    ast.Mult: lambda a, b: a * b,
    ast.Div: lambda a, b: a / b,
    ast.Pow: lambda a, b: power(a, b),
}
#: The built-ins the translator reads, recognised by identity (``builtins.sum`` itself, not whatever is named sum).
BUILTIN_NAMES = ("sum", "len", "range", "zip", "enumerate", "max", "min", "abs", "pow", "float")
AGGREGATES = {"sum": (sp.Sum, 0), "fsum": (sp.Sum, 0), "prod": (sp.Product, 1)}
#: The largest constant and the largest numeric exponent translated: beyond them SymPy's exact arithmetic can take
#: unbounded time (``1.5 ** 1e9``, where Python raises OverflowError at once), and no loss needs them.
LARGEST = 10**100
LARGEST_EXPONENT = 1000


class Untranslatable(Exception):
    """The code is outside the translated subset; the message names the construct and its line."""


def number(value) -> sp.Expr:
    """A constant of the code: an int exactly, a float as the exact binary fraction it is (0.1 is
    3602879701896397/2**55, what the code computes with, not 1/10). An infinite or nan float has no such value
    (``sp.Rational(inf)`` is 0), and a huge number would make exact arithmetic unbounded: both are refused."""
    if isinstance(value, float) and not math.isfinite(value):
        raise Untranslatable(f"the float constant {value!r} (not a finite number)")
    if abs(value) > LARGEST:
        raise Untranslatable(f"the constant {value!r} (larger than 10**100)")
    return sp.Integer(value) if isinstance(value, int) else sp.Rational(value)


def power(base: sp.Expr, exponent: sp.Expr) -> sp.Expr:
    """``base ** exponent``, refused when the exponent is a number beyond :data:`LARGEST_EXPONENT`."""
    if exponent.is_Number and abs(exponent) > LARGEST_EXPONENT:
        raise Untranslatable(f"the power with exponent {exponent} (larger than {LARGEST_EXPONENT})")
    return base**exponent


def math_constant(value: float) -> sp.Expr | None:
    """π, e or τ for the float that is its double (``math.pi`` as it is now, not as it was named)."""
    return next((c for c in MATH_CONSTANTS.values() if value == float(c)), None)


def math_name(value) -> str | None:
    """The name of the ``math`` function ``value`` is, by identity: a built-in function of the math module itself
    (so a ``functools.wraps(math.log)`` wrapper or another function put in place of ``math.log`` is not one), or
    None."""
    if not isinstance(value, types.BuiltinFunctionType) or getattr(value, "__self__", None) is not math:
        return None
    name = getattr(value, "__name__", "")
    return name if _MATH_ORIGINALS.get(name) is value else None


_MATH_ORIGINALS = {name: f for name, f in vars(math).items() if isinstance(f, types.BuiltinFunctionType)}


def pick(items: list, i: sp.Expr) -> sp.Expr:
    if i.is_Integer:
        return items[int(i)]
    return sp.Piecewise(*[(v, sp.Eq(i, k)) for k, v in enumerate(items)])


def kind(node: ast.AST) -> str:
    names = {
        ast.If: "if",
        ast.For: "for",
        ast.While: "while",
        ast.Try: "try",
        ast.With: "with",
        ast.Compare: "comparison",
        ast.BoolOp: "and/or",
        ast.IfExp: "… if … else …",
        ast.FloorDiv: "//",
        ast.Mod: "%",
        ast.MatMult: "@",
    }
    return names.get(type(node), type(node).__name__)
