"""A reference function's Python syntax tree as one SymPy expression with symbolic sizes, for a proof that the
code equals its formula for every size (not only the small sizes the run on symbols covers).

The translated subset is what a loss written as formulas uses: arithmetic and ``**``, ``math`` functions with an
exact SymPy meaning, indexing (a datum or a value as an index too), ``len``, generator sums and products
(``sum``, ``math.fsum``, ``math.prod``) over ``range(...)``, a list, ``zip`` or ``enumerate``, list
comprehensions, straight-line assignments, calls to plain functions of the same module (inlined), and
``max``/``min``, each read as a fresh real symbol: a proof that holds for every real m holds for the maximum (the
shift of a stable softmax cancels). Anything else (``if``, a loop with state, a comparison, another call) is
``Untranslatable``, with the construct and its line.

Index convention (as the run on symbols): the code's list ``q`` of a family q_lo, …, q_hi has ``q[i] = q_{i+lo}``;
a datum or value with range lo..hi reaches the code as ``value − lo``. A sum over the code's 0-based index is
shifted to the formula's (``Σ_{i=0}^{K−1} q[i]`` is written ``Σ_{k=1}^{K} q_k``), which changes nothing but its
look. Every index must be in range for every size (checked from the ranges of the loop indices, the data and the
values): Python reads ``q[-1]`` as the last element, which no family member means.
"""

from __future__ import annotations

import ast
import builtins
import itertools
import math
import types
from collections.abc import Callable
from dataclasses import dataclass

import sympy as sp

from derive.checks.code.defined import math_conditions, power_conditions, shown
from derive.checks.code.indices import IndexRanges
from derive.checks.code.source import function_source, resolve
from derive.checks.code.vocabulary import (
    AGGREGATES,
    ARITHMETIC,
    BUILTIN_NAMES,
    BUILTINS,
    MATH_CONSTANTS,
    MATH_FUNCTIONS,
    Untranslatable,
    kind,
    math_constant,
    math_name,
    number,
    pick,
)
from derive.core.context import Context

__all__ = ["Seq", "Untranslatable", "translate"]


@dataclass(frozen=True)
class Seq:
    """A list of known symbolic length: ``element(i)`` for a code index ``0 ≤ i < length``; ``origin`` is the
    formula's index of element 0 (a sum over the list is shifted to start there)."""

    element: Callable[[sp.Expr], sp.Expr]
    length: sp.Expr
    origin: sp.Expr = sp.Integer(0)


@dataclass(frozen=True)
class _Function:
    """A plain function of the reference's module, inlined where it is called."""

    function: types.FunctionType


_MATH = object()  # the math module, as a name resolves
_UNDEFINED = object()


def translate(function: types.FunctionType, args: tuple[sp.Basic, ...], ctx: Context) -> sp.Expr:
    """``function`` applied to the declared ``args`` (families, data, values, scalars), as one SymPy expression
    with symbolic sizes; raises :class:`Untranslatable` with the construct and line it stops at."""
    translator = _Translator(ctx)
    return translator.call(function, [translator.argument(a) for a in args], {})


class _Translator:
    def __init__(self, ctx: Context):
        self.ctx = ctx
        self.ranges = IndexRanges(ctx)  # where the loop indices (0-based) and the data can point
        self.stack: list[types.FunctionType] = []
        self.where: tuple[str, int] = ("", 0)  # the function being read and the line of its first statement
        self.fresh = itertools.count(1)

    # -- arguments and calls ----------------------------------------------------------------------------------
    def argument(self, arg: sp.Basic):
        """What the code receives for a declared argument: a list (a family or data) or a number."""
        ctx = self.ctx
        if arg in ctx.families or arg in ctx.datasets:
            lo, hi = (ctx.families[arg] if arg in ctx.families else ctx.datasets[arg]).index
            if not self.ranges.nonnegative(hi - lo + 1):  # q_K..q_10 has 11 − K members, fewer than 0 at K = 12
                raise Untranslatable(
                    f"the list {arg}_{lo}, …, {arg}_{hi}, not shown to have 0 or more members at every size"
                )
        if arg in ctx.families:
            return Seq(lambda i, b=arg, lo=lo: b[i + lo], hi - lo + 1, lo)
        if arg in ctx.datasets:
            spec = ctx.datasets[arg]
            (lo, hi), low = spec.index, spec.values[0]
            return Seq(lambda i, b=arg, lo=lo, low=low: b[i + lo] - low, hi - lo + 1, lo)
        if arg in ctx.integer_values:
            return arg - ctx.integer_values[arg][0]
        return arg

    def call(self, function: types.FunctionType, values: list, keywords: dict):
        if function in self.stack:
            raise Untranslatable(f"{function.__name__} calls itself (recursion is not translated)")
        node, first = function_source(function)  # the code that runs, or Untranslatable
        env = self._bind(function, node.args, values, keywords)
        outer = self.where
        self.stack.append(function)
        self.where = (function.__name__, first - 1)
        try:
            return self._body(node.body, env, function)
        finally:
            self.stack.pop()
            self.where = outer

    def _bind(self, function, spec: ast.arguments, values: list, keywords: dict) -> dict:
        if spec.vararg or spec.kwarg or spec.kwonlyargs or spec.posonlyargs:
            raise Untranslatable(f"{function.__name__} takes *args, **kwargs or keyword-only arguments")
        names = [a.arg for a in spec.args]
        defaults = dict(zip(names[len(names) - len(function.__defaults__ or ()) :], function.__defaults__ or ()))
        given = set(names[: len(values)])
        if set(keywords) - set(names) or set(keywords) & given:  # Python raises TypeError
            raise Untranslatable(f"the call of {function.__name__} gives an argument twice or one it does not take")
        env = dict(zip(names, values))
        for name in names:
            if name in keywords:
                env[name] = keywords[name]
            elif name not in env and name in defaults and isinstance(defaults[name], (int, float)):
                env[name] = number(defaults[name])
        if len(values) > len(names) or set(env) != set(names):
            raise Untranslatable(f"the call of {function.__name__} does not give every argument")
        return env

    def _body(self, body: list[ast.stmt], env: dict, function) -> sp.Expr:
        if body and isinstance(body[0], ast.Expr) and isinstance(body[0].value, ast.Constant):
            body = body[1:]  # the docstring
        for stmt in body:
            if isinstance(stmt, ast.Return) and stmt.value is not None:
                value = self.expr(stmt.value, env)
                if isinstance(value, Seq):
                    self.refuse(stmt, "a returned list")
                return value
            if isinstance(stmt, ast.Assign) and all(isinstance(t, ast.Name) for t in stmt.targets):
                value = self.expr(stmt.value, env)
                env.update({t.id: value for t in stmt.targets})
            elif isinstance(stmt, ast.AnnAssign) and isinstance(stmt.target, ast.Name) and stmt.value is not None:
                env[stmt.target.id] = self.expr(stmt.value, env)
            elif isinstance(stmt, ast.AugAssign) and isinstance(stmt.target, ast.Name) and stmt.target.id in env:
                env[stmt.target.id] = self._arith(stmt.op, env[stmt.target.id], self.expr(stmt.value, env), stmt)
            elif not isinstance(stmt, ast.Pass):
                self.refuse(stmt)
        raise Untranslatable(f"{function.__name__} does not end with return")

    def refuse(self, node: ast.AST, what: str = "") -> None:
        name, offset = self.where
        what = what or f"`{kind(node)}`"
        raise Untranslatable(f"{what} at line {offset + getattr(node, 'lineno', 1)} of {name}")

    # -- expressions ------------------------------------------------------------------------------------------
    def expr(self, node: ast.expr, env: dict):
        if isinstance(node, ast.Constant) and isinstance(node.value, (int, float)):
            return number(node.value)
        if isinstance(node, ast.Name):
            return self.name(node, env)
        if isinstance(node, ast.Attribute):
            owner = self.expr(node.value, env) if isinstance(node.value, ast.Name) else None
            value = getattr(math, node.attr, None) if owner is _MATH else None
            if isinstance(value, float) and math_constant(value):
                return math_constant(value)
            if math_name(value) in (*MATH_FUNCTIONS, "prod", "fsum"):  # what math.<attr> is now, by identity
                return ("math", math_name(value))
            self.refuse(node, f"`{ast.unparse(node)}`")
        if isinstance(node, ast.BinOp):
            return self._arith(node.op, self.scalar(node.left, env), self.scalar(node.right, env), node)
        if isinstance(node, ast.UnaryOp) and isinstance(node.op, (ast.USub, ast.UAdd)):
            value = self.scalar(node.operand, env)
            return -value if isinstance(node.op, ast.USub) else value
        if isinstance(node, ast.Subscript):
            return self.subscript(node, env)
        if isinstance(node, ast.Call):
            return self.call_node(node, env)
        if isinstance(node, ast.ListComp):
            return self.comprehension(node, env)
        if isinstance(node, (ast.List, ast.Tuple)):
            items = [self.scalar(e, env) for e in node.elts]
            return Seq(lambda i, items=items: pick(items, i), sp.Integer(len(items)))
        self.refuse(node)

    def scalar(self, node: ast.expr, env: dict) -> sp.Expr:
        value = self.expr(node, env)
        if not isinstance(value, sp.Expr):
            self.refuse(node, f"`{ast.unparse(node)}` (not a number)")
        return value

    def _arith(self, op: ast.operator, a, b, node: ast.AST) -> sp.Expr:
        if type(op) not in ARITHMETIC or not isinstance(a, sp.Expr) or not isinstance(b, sp.Expr):
            self.refuse(node, f"`{kind(op)}`" if type(op) not in ARITHMETIC else "arithmetic on a list")
        if isinstance(op, ast.Div):
            self.require([("nonzero", b)], node)
        elif isinstance(op, ast.Pow):
            self.require(power_conditions(a, b), node)
        return self.build(ARITHMETIC[type(op)], (a, b), node)

    def build(self, make, values, node: ast.AST) -> sp.Expr:
        try:
            return make(*values)
        except Untranslatable as exc:
            self.refuse(node, str(exc))

    def require(self, conditions: list, node: ast.AST) -> None:
        """Refuse unless each ``(condition, expr)`` is shown from the declarations: the code raises where a
        divisor is 0 or a logarithm's argument is not positive, while SymPy builds ``x/x`` as 1."""
        for condition, expr in conditions:
            if not shown(condition, expr, self.ctx, self.ranges):
                self.refuse(node, f"`{ast.unparse(node)}`, where {sp.sstr(expr)} is not shown {condition},")

    def name(self, node: ast.Name, env: dict):
        """What a name is when the code runs: the function's globals, then its own builtins (which a module may
        replace), each value recognised by identity (``math.log`` only if it is math.log)."""
        if node.id in env:
            return env[node.id]
        function = self.stack[-1]
        value = resolve(function, node.id, _UNDEFINED)
        if value is _UNDEFINED:
            self.refuse(node, f"the name `{node.id}` (not defined)")
        if value is math:
            return _MATH
        if isinstance(value, (int, float)) and not isinstance(value, bool):
            constant = math_constant(value) if any(value is getattr(math, k) for k in MATH_CONSTANTS) else None
            return constant if constant is not None else self.build(number, (value,), node)
        if math_name(value) in (*MATH_FUNCTIONS, "prod", "fsum"):
            return ("math", math_name(value))
        builtin = next((n for n in (node.id, *BUILTIN_NAMES) if getattr(builtins, n, None) is value), None)
        if builtin is not None:
            return ("builtin", builtin)
        if isinstance(value, types.FunctionType) and value.__module__ == function.__module__:
            return _Function(value)
        self.refuse(node, f"the name `{node.id}`")

    def subscript(self, node: ast.Subscript, env: dict) -> sp.Expr:
        seq = self.expr(node.value, env)
        if not isinstance(seq, Seq) or isinstance(node.slice, ast.Slice):
            self.refuse(node, f"`{ast.unparse(node)}`")
        index = self.scalar(node.slice, env)
        if index.is_Integer and index < 0:
            index = seq.length + index  # q[-1]: the last element
        if not self.ranges.in_range(index, seq.length):
            self.refuse(node, f"the index of `{ast.unparse(node)}`, not shown to be in range for every size,")
        return seq.element(index)

    def call_node(self, node: ast.Call, env: dict):
        callee = self.expr(node.func, env)
        if isinstance(callee, _Function):
            values = [self.expr(a, env) for a in node.args]
            keywords = {k.arg: self.expr(k.value, env) for k in node.keywords}
            if any(isinstance(a, ast.Starred) for a in node.args) or None in keywords:
                self.refuse(node, "a call with * or **")
            return self.call(callee.function, values, keywords)
        if not isinstance(callee, tuple):
            self.refuse(node, f"the call `{ast.unparse(node.func)}`")
        kind, name = callee
        if node.keywords and not (name in ("sum", "prod") and [k.arg for k in node.keywords] == ["start"]):
            self.refuse(node, f"`{name}` with keyword arguments")
        if name in AGGREGATES:
            return self.aggregate(node, env, name)
        if kind == "builtin" and name in ("max", "min"):
            return self.extremum(node, env, name)
        if kind == "builtin" and name == "len" and len(node.args) == 1:
            seq = self.expr(node.args[0], env)
            if isinstance(seq, Seq):
                return seq.length
        table = MATH_FUNCTIONS if kind == "math" else BUILTINS
        if name in table:
            values = [self.scalar(a, env) for a in node.args]
            self.require(math_conditions(name, values) if kind == "math" else [], node)
            if kind == "builtin" and name == "pow" and len(values) == 2:
                self.require(power_conditions(*values), node)
            try:
                return self.build(table[name], values, node)
            except TypeError:
                self.refuse(node, f"`{name}` with {len(values)} arguments")
        self.refuse(node, f"the call `{ast.unparse(node.func)}`")

    def extremum(self, node: ast.Call, env: dict, name: str) -> sp.Symbol:
        """``max``/``min`` of real values: a fresh real symbol, about which a proof may assume nothing else."""
        values = [self.expr(a, env) for a in node.args]
        if len(values) == 1 and isinstance(values[0], Seq):
            seq = values[0]
            i = sp.Dummy("i", integer=True)
            values = [seq.element(i)]
        if not values or not all(isinstance(v, sp.Expr) and v.is_extended_real for v in values):
            self.refuse(node, f"`{name}` of values not declared real")
        of = node.args[0].id if len(node.args) == 1 and isinstance(node.args[0], ast.Name) else ""
        return sp.Dummy(f"{name}_{of}" if of else f"{name}_{next(self.fresh)}", real=True)

    # -- sums, products and comprehensions --------------------------------------------------------------------
    def aggregate(self, node: ast.Call, env: dict, name: str) -> sp.Expr:
        cls, empty = AGGREGATES[name]
        if len(node.args) != 1:
            self.refuse(node, f"`{name}` of {len(node.args)} arguments")
        start = self.scalar(node.keywords[0].value, env) if node.keywords else sp.Integer(empty)
        arg = node.args[0]
        if isinstance(arg, (ast.GeneratorExp, ast.ListComp)):
            term, limits = self.loops(arg, env)
        else:
            seq = self.expr(arg, env)
            if not isinstance(seq, Seq):
                self.refuse(node, f"`{name}` of something that is not a list")
            i = sp.Dummy("i", integer=True)
            term, limits = seq.element(i), [(i, sp.Integer(0), seq.length - 1, seq.origin)]
        for i, lo, hi, origin in reversed(limits):
            k = sp.Dummy(i.name, integer=True)
            term = cls(term.xreplace({i: k - origin}), (k, lo + origin, hi + origin))
        return start + term if cls is sp.Sum else start * term

    def loops(self, node: ast.GeneratorExp | ast.ListComp, env: dict):
        """The term of a comprehension and its loops (index, first, last, origin), the index 0-based."""
        env = dict(env)
        limits = []
        for gen in node.generators:
            if gen.ifs or gen.is_async:
                self.refuse(gen.ifs[0] if gen.ifs else node, "a comprehension filtered with if")
            i, lo, hi, origin, items = self.iteration(gen.iter, env, _target_name(gen.target))
            if not self.ranges.nonnegative(
                hi - lo + 1
            ):  # SymPy reads a backward range by Karr's convention, not as empty
                self.refuse(gen.iter, "a range that may run backwards (fewer than 0 terms) at some size")
            self.ranges.bounds[i] = (lo, hi)
            self.assign(gen.target, i, items, env)
            limits.append((i, lo, hi, origin))
        return self.scalar(node.elt, env), limits

    def comprehension(self, node: ast.ListComp, env: dict) -> Seq:
        term, limits = self.loops(node, env)
        if len(limits) != 1:
            self.refuse(node, "a list comprehension with several for clauses")
        i, lo, hi, origin = limits[0]
        return Seq(lambda k, term=term, i=i, lo=lo: term.xreplace({i: k + lo}), hi - lo + 1, origin + lo)

    def iteration(self, node: ast.expr, env: dict, name: str):
        """``(index, first, last, origin, items)`` of a for clause; ``items(i)`` is what the target receives."""
        i = sp.Dummy(name, integer=True)
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and not node.keywords:
            kind = self.expr(node.func, env)
            if kind == ("builtin", "range") and 1 <= len(node.args) <= 2:
                ends = [self.scalar(a, env) for a in node.args]
                lo, stop = ends if len(ends) == 2 else (sp.Integer(0), ends[0])
                if not all(e.is_integer for e in ends):
                    self.refuse(node, "a range of values not shown to be integers")
                return i, lo, stop - 1, self.origin_of(node.args[-1], env), lambda k: k
            if kind in (("builtin", "zip"), ("builtin", "enumerate")) and node.args:
                seqs = [self.expr(a, env) for a in node.args]
                if not all(isinstance(s, Seq) for s in seqs) or kind[1] == "enumerate" and len(seqs) != 1:
                    self.refuse(node, f"`{kind[1]}` of something that is not a list")
                if any(sp.simplify(s.length - seqs[0].length) != 0 for s in seqs):
                    self.refuse(node, "`zip` of lists not shown to have the same length")
                if kind[1] == "enumerate":
                    return i, sp.Integer(0), seqs[0].length - 1, seqs[0].origin, lambda k: (k, seqs[0].element(k))
                return i, sp.Integer(0), seqs[0].length - 1, seqs[0].origin, lambda k: tuple(s.element(k) for s in seqs)
        seq = self.expr(node, env)
        if not isinstance(seq, Seq):
            self.refuse(node, f"a loop over `{ast.unparse(node)}`")
        return i, sp.Integer(0), seq.length - 1, seq.origin, seq.element

    def origin_of(self, node: ast.expr, env: dict) -> sp.Expr:
        """Where a sum over ``range(len(q))`` starts in the formula: q's first index (0 for any other range)."""
        for sub in ast.walk(node):
            if isinstance(sub, ast.Call) and isinstance(sub.func, ast.Name) and sub.func.id == "len" and sub.args:
                if isinstance(sub.args[0], ast.Name) and isinstance(env.get(sub.args[0].id), Seq):
                    return env[sub.args[0].id].origin
        return sp.Integer(0)

    def assign(self, target: ast.expr, i: sp.Symbol, items: Callable, env: dict) -> None:
        value = items(i)
        if isinstance(target, ast.Name):
            if isinstance(value, tuple):
                self.refuse(target, "a tuple bound to one name")
            env[target.id] = value
        elif isinstance(target, ast.Tuple) and isinstance(value, tuple) and len(value) == len(target.elts):
            for t, v in zip(target.elts, value, strict=True):
                if not isinstance(t, ast.Name):
                    self.refuse(t)
                env[t.id] = v
        else:
            self.refuse(target, f"the loop target `{ast.unparse(target)}`")


def _target_name(node: ast.expr) -> str:
    """The name of a loop's index: the code's own (``for n in …``), else ``i``."""
    return node.id if isinstance(node, ast.Name) else "i"
