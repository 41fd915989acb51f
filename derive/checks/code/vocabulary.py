"""What the translator reads code as: the ``math`` functions and constants with an exact SymPy meaning, the
built-ins, the arithmetic operators, and the names of the constructs it refuses."""

from __future__ import annotations

import ast
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
    "pow": lambda x, y: x**y,
    "fabs": sp.Abs,
    "tanh": sp.tanh,
    "sinh": sp.sinh,
    "cosh": sp.cosh,
    "sin": sp.sin,
    "cos": sp.cos,
    "erf": sp.erf,
}
MATH_CONSTANTS = {"pi": sp.pi, "e": sp.E, "tau": 2 * sp.pi}
BUILTINS = {"abs": sp.Abs, "pow": lambda x, y: x**y, "float": lambda x: x}
ARITHMETIC = {
    ast.Add: lambda a, b: a + b,
    ast.Sub: lambda a, b: a - b,
    ast.Mult: lambda a, b: a * b,
    ast.Div: lambda a, b: a / b,
    ast.Pow: lambda a, b: a**b,
}
AGGREGATES = {"sum": (sp.Sum, 0), "fsum": (sp.Sum, 0), "prod": (sp.Product, 1)}


def number(value) -> sp.Expr:
    """A constant of the code: an int exactly, a float as the exact binary fraction it is."""
    return sp.Integer(value) if isinstance(value, int) else sp.Rational(value)


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
