"""The code model: a reference function and what each parameter receives, the checks made when it is declared,
and the arguments it is given at a point (lists from index 0, integers shifted to start at 0)."""

from __future__ import annotations

import hashlib
import inspect
import textwrap
import types
from collections.abc import Callable
from dataclasses import dataclass

import sympy as sp

from derive.checks.sampling import Point, Space, positions, unfold_all
from derive.core.context import Context
from derive.core.errors import ModelError
from derive.core.sources import source_fingerprint


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
        elif arg not in ctx.unit_scalars and arg not in ctx.integer_values and not _real_scalar(arg):
            raise ModelError(
                f"reference {ref.name}: {arg} is not declared in the context; pass families (ctx.positive, "
                "ctx.nonnegative, ctx.real), data (ctx.data), values (ctx.value), probabilities (ctx.probability) "
                "or a real scalar declared by its symbol (Symbol('sigma', positive=True))"
            )
    space = Space.of([formula], ctx)
    # a scalar only a family's bound mentions (z_i ≤ m) is drawn for the points, but the formula does not use it
    written = unfold_all(formula, ctx).free_symbols
    inputs = set(space.data) | set(space.families) | {s for s in space.scalars if s in written}
    missing = sorted(str(s) for s in inputs - set(ref.args))
    if missing:
        raise ModelError(
            f"reference {ref.name}: the formula depends on {', '.join(missing)}, which args= does not pass to it"
        )
    drawn = set(space.data) | set(space.families) | set(space.scalars)
    extra = [str(a) for a in ref.args if a not in drawn]
    if extra:  # the check has no value to give it: the KeyError would be derive's, not the code's
        raise ModelError(
            f"reference {ref.name}: args= passes {', '.join(extra)}, which the formula does not use, so the check "
            "has no value to give it; pass only what the formula uses"
        )


def _real_scalar(arg: sp.Basic) -> bool:
    """A scalar declared by its SymPy symbol (``Symbol("sigma", positive=True)``): real, and not an integer (an
    integer is declared with its range, ctx.value)."""
    return isinstance(arg, sp.Symbol) and bool(arg.is_extended_real) and not arg.is_integer


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


def _at(point: Point) -> str:
    """`` at K = 2, q = (1/2, 1/2)``, or nothing for a point without variables."""
    where = ", ".join(f"{k} = {v}" for k, v in point.describe().items())
    return f" at {where}" if where else ""


def _error(exc: BaseException) -> str:
    return f"{type(exc).__name__}: {exc}"
