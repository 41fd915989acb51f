"""Reference implementations: a plain-Python function checked against the formula its derivation arrives at.

A derivation module names the function that computes its result, and what each parameter receives::

    nll.reference(average_nll, args=(q, x))   # checked against the chain's last expression, H(p, q)

The checker runs the function twice. On SymPy symbols, at each small size (every data vector), where its value
must equal the formula's exactly: that is ``proved-for-sizes``, or ``proved`` when the formula involves no size
and no data, since then one symbolic run covers every input. And on floats at random inputs, where the two must
agree to a relative error of 1e-9. Where they differ, the point, the code's value and the formula's value are the
counterexample, and the step is refuted like a wrong line.

Index convention (documented in derive/losses.py too): the code counts from 0. A family q_1, …, q_K reaches
the function as the list ``[q_1, …, q_K]``, so the code's ``q[i]`` is the formula's q_{i+1}; an integer datum or
value with declared range lo..hi reaches it as ``value − lo`` (outcomes 1..K become 0..K−1, 0/1 labels stay).
"""

from __future__ import annotations

import hashlib
import inspect
import itertools
import math
import random
import textwrap
import types
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import sympy as sp

from derive.checker import prove_at_point
from derive.compare import exactly_equal
from derive.errors import ModelError
from derive.evidence import Counterexample, Evidence, StepResult
from derive.model import Context
from derive.sampling import Instances, Point, Space, approx, positions

SIZES_SPAN = 2  # sizes from their minimum to minimum + 2, as for proved-for-sizes steps
DATA_LIMIT = 64  # data vectors per size checked symbolically
FLOAT_POINTS = 20
FLOAT_SPAN = 3  # random sizes up to minimum + 3: one beyond the exact check
REL_TOL = 1e-9
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
        """A hash of the module that defines the function: a change to it, or to a helper it calls, re-checks."""
        try:
            text = Path(inspect.getsourcefile(self.function) or "").read_bytes()
        except (OSError, TypeError):
            text = self.source().encode()
        args = ";".join(sp.srepr(a) for a in self.args)
        return hashlib.sha256(text + f"{self.function.__qualname__}({args})".encode()).hexdigest()


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
#: What ``math`` means while the code runs on SymPy symbols.
SYMBOLIC_MATH = types.SimpleNamespace(
    log=sp.log, exp=sp.exp, sqrt=sp.sqrt, pi=sp.pi, e=sp.E, fsum=lambda terms: sp.Add(*terms)
)


def _extremum(of: type) -> Callable:
    """``max``/``min`` of Python (of an iterable, or of several arguments) as SymPy's ``Max``/``Min``."""

    def extremum(*args, **kwargs):
        if kwargs:
            raise TypeError(f"{of.__name__.lower()}() with key= or default= has no symbolic meaning")
        return of(*(args[0] if len(args) == 1 else args))

    return extremum


#: What Python's built-ins mean while the code runs on SymPy symbols (``max(z)`` of symbols cannot compare them).
SYMBOLIC_BUILTINS = {"max": _extremum(sp.Max), "min": _extremum(sp.Min)}


def symbolic(function: Callable) -> Callable:
    """``function`` with ``math`` (and names imported from it) meaning SymPy's functions, ``max``/``min`` meaning
    ``Max``/``Min``, and the plain functions it calls from its module rebuilt the same way."""
    done: dict[int, Callable] = {}

    def rebuild(f):
        if id(f) in done:
            return done[id(f)]
        names = dict(f.__globals__)
        clone = types.FunctionType(f.__code__, names, f.__name__, f.__defaults__, f.__closure__)
        done[id(f)] = clone
        for key, value in list(names.items()):
            if value is math:
                names[key] = SYMBOLIC_MATH
            elif getattr(value, "__module__", None) == "math" and hasattr(SYMBOLIC_MATH, key):
                names[key] = getattr(SYMBOLIC_MATH, key)
            elif isinstance(value, types.FunctionType) and value.__module__ == f.__module__ and value is not f:
                names[key] = rebuild(value)
        for key, value in SYMBOLIC_BUILTINS.items():
            names.setdefault(key, value)  # a module that defines its own max keeps it
        names[f.__name__] = clone
        return clone

    return rebuild(function)


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
    code = symbolic(ref.function)
    space = Space.of([formula], ctx)
    counted = [s for s in space.scalars if s in ctx.integer_values]
    formula_only = Instances(formula, formula, ctx)
    covered: dict = {}
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
                expected, _ = formula_only.instantiate(point, values=False)
                try:
                    got = sp.sympify(code(*arguments(ref, ctx, point, values=False)))
                except Exception as exc:  # noqa: BLE001 - user code; an error is the code's "value"
                    got = exc
                if isinstance(got, sp.Basic) and _equal(got, expected, point, ctx):
                    continue
                cex = _search_point(ref, code, got, expected, space, point, ctx, replay)
                if cex is not None:
                    return StepResult(Evidence.REFUTED, "the code and the formula differ", counterexample=cex)
                unshown.append(_where(point))
        for s, v in sizes:
            covered.setdefault(s, []).append(v)
    floats = _float_check(ref, formula_only, space, ctx, seed, replay)
    if floats.evidence is not Evidence.NUMERIC:
        return floats
    if unshown:
        return StepResult(
            Evidence.NUMERIC, f"exact equality not shown at {unshown[0]} (no counterexample found); {floats.detail}"
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


def _equal(got: sp.Expr, expected: sp.Expr, point: Point, ctx: Context) -> bool:
    """Exactly equal as they stand (expanded over opaque atoms), or after the log rules (log(p/q) splits)."""
    if exactly_equal(got, expected, ctx):
        return True
    return prove_at_point(Instances(got, expected, ctx), point, ctx)


def _integer_choices(space: Space, counted: list, sizes: dict):
    return itertools.product(*[[(s, v) for v in space._scalar_values(s, sizes)] for s in counted])


def _where(point: Point) -> str:
    return ", ".join(f"{k} = {v}" for k, v in point.describe().items())


def _search_point(ref, code, got, expected, space, point, ctx, replay) -> Counterexample | None:
    """Readable family (and scalar) values at ``point``'s sizes and data where code and formula differ."""
    sm = point.size_map()
    others = [s for s in space.scalars if s not in ctx.integer_values]
    scalar_sets = itertools.product(*[[(s, v) for v in space._scalar_values(s, sm)] for s in others])
    for fams, scalars in itertools.product(space.family_choices(sm), list(scalar_sets)):
        at = Point(point.sizes, point.data, tuple(fams), tuple(point.scalars) + tuple(scalars))
        try:
            value = sp.sympify(code(*arguments(ref, ctx, at, values=True)))
        except Exception as exc:  # noqa: BLE001
            value = exc
        formula_value = Instances(expected, expected, ctx).instantiate(at)[0]
        if isinstance(value, Exception):
            return _counterexample(at, value, formula_value, replay)
        cmp = Instances(value, formula_value, ctx).compare(at)
        if cmp.status == "differ":
            return _counterexample(at, cmp.lhs, cmp.rhs, replay)
    return None


def _float_check(ref, formula: Instances, space: Space, ctx: Context, seed: int, replay: str) -> StepResult:
    rng = random.Random(seed)
    agreed = 0
    for _ in range(FLOAT_POINTS):
        point = space.random_point(rng, span=FLOAT_SPAN)
        if point is None:
            break
        exact = formula.instantiate(point)[0]
        try:
            want = float(sp.N(exact, 30))
        except (TypeError, ValueError):
            continue  # the formula has no finite value here (log 0): nothing to compare
        try:
            got = ref.function(*_floats(arguments(ref, ctx, point, values=True)))
        except Exception as exc:  # noqa: BLE001
            return StepResult(
                Evidence.REFUTED,
                "the code fails where the formula has a value",
                counterexample=(_counterexample(point, exc, exact, replay)),
            )
        if not math.isclose(got, want, rel_tol=REL_TOL, abs_tol=1e-12):
            return StepResult(
                Evidence.REFUTED,
                "the code and the formula differ in floating point",
                counterexample=_counterexample(point, sp.Float(got, 17), exact, replay),
            )
        agreed += 1
    if not agreed:
        return StepResult(Evidence.UNDECIDED, "no random input where the formula has a value")
    return StepResult(
        Evidence.NUMERIC, f"in floating point it agrees to {REL_TOL:g} at {agreed} random inputs (seed {seed})"
    )


def _counterexample(point: Point, code_value, formula_value, replay: str) -> Counterexample:
    if isinstance(code_value, Exception):
        code_text, code_approx = f"raises {type(code_value).__name__}: {code_value}", ""
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
