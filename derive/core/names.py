"""Load-time checks that every name in a derivation means one thing: the checks ``Derivation`` runs on each step.

SymPy tells symbols apart by name *and* assumptions, and the write-ups tell them apart only by how they print.
So a step that writes ``Symbol("c")`` where the context declared ``c`` an integer in ``1..M`` silently speaks of
another ``c`` (and counterexamples are drawn outside the declared range), and two different objects that print
alike (``Symbol("q_1")`` and ``q[1]``; a Cyrillic ``а`` and a Latin ``a``) make a write-up read ``q₁ ≠ q₁``.
A summation index whose own flags say more than its range (a positive ``k`` over ``-3..3``) lets SymPy and the
rules use a false fact. Each of these raises a ``ModelError`` when the step is built, naming the location, the
objects involved and what to do.

A :class:`Names` per derivation remembers every named thing seen so far (declared in the context, in the start
or subject, in an earlier step) under the skeletons of its printed forms, so each step costs only its new nodes.
Symbols that print alike only after an author's notation renames them are the renderer's business
(``derive.render.style.clashes``), not this module's.
"""

from __future__ import annotations

import re
import unicodedata
import weakref
from collections.abc import Iterable, Iterator
from functools import lru_cache
from typing import TYPE_CHECKING

import sympy as sp
from sympy.core.function import AppliedUndef
from sympy.printing.pretty.pretty_symbology import greek_unicode

from derive.core import hooks
from derive.core.errors import ModelError

if TYPE_CHECKING:
    from derive.core.context import Context

# NOTE: no confusables library is a dependency, so this is a small hand-made table of the Cyrillic and Greek
# letters whose glyphs are the same as a Latin letter's (after the subset of Unicode's confusables.txt that maps a
# letter to an identical-looking one). Letters that are merely similar in some fonts (ρ and p, ν and v, α and a)
# are left out on purpose: authors use them side by side as different quantities.
_CONFUSABLE = str.maketrans(
    {
        # Cyrillic
        "а": "a", "е": "e", "о": "o", "р": "p", "с": "c", "у": "y", "х": "x", "і": "i", "ј": "j",
        "ѕ": "s", "ԁ": "d", "ԛ": "q", "ԝ": "w", "һ": "h", "ӏ": "l",
        "А": "A", "В": "B", "Е": "E", "К": "K", "М": "M", "Н": "H", "О": "O", "Р": "P", "С": "C", "Т": "T",
        "Х": "X", "Ѕ": "S", "І": "I", "Ј": "J", "Ү": "Y", "Ԛ": "Q", "Ԝ": "W",
        # Greek
        "ο": "o", "Α": "A", "Β": "B", "Ε": "E", "Ζ": "Z", "Η": "H", "Ι": "I", "Κ": "K", "Μ": "M", "Ν": "N",
        "Ο": "O", "Ρ": "P", "Τ": "T", "Υ": "Y", "Χ": "X", "ϲ": "c", "ϳ": "j",
    }
)  # fmt: skip
# ``\alpha`` and ``α`` typeset alike: LaTeX Greek commands are read as their letters before comparing.
_GREEK_COMMAND = re.compile(r"\\(" + "|".join(sorted(greek_unicode, key=len, reverse=True)) + r")(?![A-Za-z])")
# Grouping and font commands that change nothing a reader can see in a symbol's name: ``{q}_{1}`` is ``q_1``.
_INVISIBLE = re.compile(r"[{}\s]|\\mathrm|\\mathit|\\operatorname|\\left|\\right")


def skeleton(printed: str) -> str:
    """``printed`` as a reader sees it: NFKC-folded, Greek commands as letters, grouping dropped, and the
    Cyrillic and Greek look-alikes of Latin letters replaced by those letters."""
    text = unicodedata.normalize("NFKC", printed)
    text = _GREEK_COMMAND.sub(lambda m: greek_unicode[m.group(1)], text)
    return _INVISIBLE.sub("", text).translate(_CONFUSABLE)


@lru_cache(maxsize=4096)
def printed_keys(obj: sp.Basic) -> tuple[tuple[str, str], ...]:
    """The skeletons of ``obj``'s LaTeX and text forms: two objects sharing one print alike somewhere."""
    keys = []
    for kind, printer in (("tex", sp.latex), ("text", sp.sstr)):
        try:
            keys.append((kind, skeleton(printer(obj))))
        except Exception:  # noqa: BLE001 - an author's _latex hook that fails is the renderer's to report
            continue
    return tuple(keys)


# -- what an expression names ------------------------------------------------------------------------------------
@lru_cache(maxsize=2048)
def named_things(expr: sp.Basic) -> tuple[tuple[sp.Basic, ...], tuple[tuple[sp.Symbol, sp.Expr, sp.Expr], ...]]:
    """The named things in ``expr`` (symbols, free or bound, and indexed bases first; then indexed entries and
    applications of undefined or user-made functions) and the limits of its sums and products."""
    leaves: dict[sp.Basic, None] = {}
    compounds: dict[sp.Basic, None] = {}
    limits: dict[tuple, None] = {}
    stack = [expr]
    while stack:
        node = stack.pop()
        if isinstance(node, sp.IndexedBase):  # its label is a Symbol carrying the base's flags; not a name of its own
            leaves[node] = None
            continue
        if isinstance(node, sp.Symbol):
            leaves[node] = None
            continue
        if isinstance(node, sp.Indexed) or _user_function(node):
            compounds[node] = None
        if isinstance(node, (sp.Sum, sp.Product)):
            limits.update((tuple(limit), None) for limit in node.limits if len(limit) == 3)
        stack.extend(reversed(node.args))
    return (*leaves, *compounds), tuple(limits)


def _user_function(node: sp.Basic) -> bool:
    """An application of ``Function("f")`` or of a Function subclass made outside SymPy (derive.notation's
    ``H(p, q)``, an author's own): its printed form is a name the reader must be able to trust."""
    if isinstance(node, AppliedUndef):
        return True
    return isinstance(node, sp.Function) and not type(node).__module__.startswith("sympy.")


def _nodes(exprs: Iterable[sp.Basic]) -> Iterator[sp.Basic]:
    for e in exprs:
        yield from named_things(e)[0]


def _name(obj: sp.Basic) -> str | None:
    if isinstance(obj, sp.IndexedBase):
        return str(obj.label)
    return obj.name if isinstance(obj, sp.Symbol) else None


# -- how to show an object in a message -------------------------------------------------------------------------
def describe(obj: sp.Basic) -> str:
    """``Symbol('c', integer=True)``, ``IndexedBase('q', positive=True)``, ``q[1] (an entry of IndexedBase('q'))``."""
    if isinstance(obj, sp.IndexedBase):
        return f"IndexedBase({str(obj.label)!r}{_flags(obj.label)})"
    if isinstance(obj, sp.Symbol):
        return f"{type(obj).__name__}({obj.name!r}{_flags(obj)}){_unusual_letters(obj.name)}"
    if isinstance(obj, sp.Indexed):
        return f"{sp.sstr(obj)} (an entry of {describe(obj.base)})"
    flags = _flags(obj.func) if isinstance(obj, AppliedUndef) else ""
    return f"{sp.sstr(obj)} (an application of {type(obj).__name__}{' with ' + flags[2:] if flags else ''})"


def _unusual_letters(name: str) -> str:
    """`` (with а U+0430 CYRILLIC SMALL LETTER A)``: what tells a look-alike name apart, which its text cannot."""
    unusual = dict.fromkeys(ch for ch in name if not ch.isascii())
    named = ", ".join(f"{ch} U+{ord(ch):04X} {unicodedata.name(ch, '?')}" for ch in unusual)
    return f" (with {named})" if named else ""


def _flags(obj) -> str:
    typed = getattr(obj, "_assumptions_orig", None)
    if typed is None:  # an undefined function class keeps only the closure of what it was made with
        closure = getattr(obj, "_kwargs", None) or {}
        typed = {f: True for f in _USUAL_FLAGS if closure.get(f) is True}
    shown = {f: v for f, v in typed.items() if f != "commutative" or v is not True}
    return "".join(f", {f}={v}" for f, v in shown.items())


_USUAL_FLAGS = ("integer", "positive", "nonnegative", "negative", "nonpositive", "real", "nonzero")


def context_version(ctx: Context) -> tuple[int, ...]:
    """Changes whenever the context gains a declaration or a definition (they are only ever added)."""
    kinds = (ctx.sizes, ctx.datasets, ctx.families, ctx.unit_scalars, ctx.integer_values, ctx.definitions)
    return tuple(map(len, kinds))


_DECLARED: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()


def declared(ctx: Context) -> dict[str, tuple[sp.Basic, str]]:
    """Name → (object, what the context says of it) for its declarations and its definitions' named things."""
    version = context_version(ctx)
    cached = _DECLARED.get(ctx)
    if cached is not None and cached[0] == version:
        return cached[1]
    out: dict[str, tuple[sp.Basic, str]] = {}
    for s, minimum in ctx.sizes.items():
        out[s.name] = (s, f"as a size, an integer ≥ {minimum} (ctx.size)")
    for s, (lo, hi) in ctx.integer_values.items():
        out[s.name] = (s, f"as an integer in {lo}..{hi} (ctx.value)")
    for s in ctx.unit_scalars:
        out[s.name] = (s, "as a probability strictly between 0 and 1 (ctx.probability)")
    for base, spec in ctx.datasets.items():
        lo, hi = spec.values
        out[str(base.label)] = (base, f"as integer data with values in {lo}..{hi} (ctx.data)")
    for base, spec in ctx.families.items():
        out[str(base.label)] = (base, f"as {_family_kind(spec)}")
        for end in (spec.lower, spec.upper):
            for s in sorted(end.free_symbols if end is not None else (), key=str):
                out.setdefault(s.name, (s, f"in a bound of {base} ({_family_kind(spec)})"))
    for d in ctx.definitions:
        for obj in definition_names(d.lhs, d.rhs):
            name = _name(obj)
            if name is not None and name not in out:
                out[name] = (obj, f"in the definition {d.name}")
    _DECLARED[ctx] = (version, out)
    return out


def _family_kind(spec) -> str:
    """``nonnegative reals (ctx.nonnegative) with z_i ≤ m``: how a family was declared, bounds included."""
    if spec.nonnegative:
        kind = "nonnegative reals (ctx.nonnegative)"
    else:
        kind = "real numbers (ctx.real)" if spec.real_valued else "positive reals (ctx.positive)"
    sides = [f"{spec.lower} ≤ {spec.base}_i" if spec.lower is not None else ""]
    sides.append(f"{spec.base}_i ≤ {spec.upper}" if spec.upper is not None else "")
    bounds = " and ".join(b for b in sides if b)
    return f"{kind} with {bounds}" if bounds else kind


@lru_cache(maxsize=512)
def definition_names(lhs: sp.Basic, rhs: sp.Basic) -> tuple[sp.Basic, ...]:
    """The named things the definition ``lhs := rhs`` speaks of: its indexed bases and its free symbols other
    than its parameters (``i`` in ``n[i] := ...`` and a bound ``k`` are local to it)."""
    params = set(lhs.indices if isinstance(lhs, sp.Indexed) else lhs.args)
    free = lhs.free_symbols | rhs.free_symbols
    things = _nodes((lhs, rhs))
    return tuple(
        t
        for t in things
        if isinstance(t, sp.IndexedBase) or (isinstance(t, sp.Symbol) and t in free and t not in params)
    )


def mismatch(obj: sp.Basic, known: dict[str, tuple[sp.Basic, str]]) -> str:
    """Why ``obj`` shares a name, but not its assumptions, with one of the ``known`` (from :func:`declared`); or ''."""
    name = _name(obj)
    declared_as = known.get(name) if name is not None else None
    if declared_as is None or declared_as[0] == obj:
        return ""
    return (
        f"{name} here is {describe(obj)} but the context declares {name} {declared_as[1]}, which is "
        f"{describe(declared_as[0])}; SymPy treats them as different symbols, so use the declared one"
    )


# -- the per-derivation registry ------------------------------------------------------------------------------------
class Names:
    """Everything a derivation has named so far, by printed skeleton, with where it first appeared."""

    def __init__(self, ctx: Context) -> None:
        self.ctx = ctx
        self.by_key: dict[tuple[str, str], tuple[sp.Basic, str]] = {}
        self.known: set[sp.Basic] = set()
        self.seen: set[sp.Basic] = set()  # whole expressions already checked (a claim is usually the last line)
        self.limits: set[tuple] = set()
        self._context_version: tuple = ()
        self._declared: dict[str, tuple[sp.Basic, str]] = {}

    def check(self, exprs: Iterable[sp.Basic], label: str, origin: str) -> None:
        """Check the expressions a step adds, then remember their names; ``label`` starts every message.

        Nothing is remembered unless every check passes: a step that raises leaves no trace, so a notebook user
        can fix it and run the cell again.
        """
        version = context_version(self.ctx)
        synced = version == self._context_version
        known = self._declared if synced else declared(self.ctx)
        staged: dict[tuple[str, str], tuple[sp.Basic, str]] = {}
        new: set[sp.Basic] = set()
        if not synced:  # the context's own names first (again when it has grown since the last step)
            for obj, what in known.values():
                where = f"declared in the context {what}" if what.startswith("as ") else f"{what} of the context"
                self._stage(obj, where, label, staged, new)
        fresh = [e for e in dict.fromkeys(exprs) if isinstance(e, sp.Basic) and e not in self.seen]
        limits = set()
        for e in fresh:
            things, bounds = named_things(e)
            for obj in things:
                problem = "" if obj in self.known else mismatch(obj, known)
                if problem:
                    raise ModelError(f"{label}: {problem}")
            for limit in bounds:
                if limit not in self.limits:
                    self._check_limit(limit, label)
                    limits.add(limit)
        for e in fresh:
            for obj in named_things(e)[0]:
                self._stage(obj, origin, label, staged, new)
        # every check passed: remember
        self.by_key.update(staged)
        self.known |= new
        self.seen.update(fresh)
        self.limits |= limits
        self._declared, self._context_version = known, version

    def _check_limit(self, limit: tuple, label: str) -> None:
        var, lo, hi = limit
        if isinstance(var, sp.Symbol) and not claims_only_integer(var):
            problem = hooks.call("index_problem", var, lo, hi, self.ctx)  # the engine's facts decide it
            if problem:
                raise ModelError(f"{label}: {problem}")

    def _stage(self, obj: sp.Basic, origin: str, label: str, staged: dict, new: set) -> None:
        """Add ``obj`` to ``staged`` under its printed keys, unless another object already prints so."""
        if obj in self.known or obj in new:
            return
        keys = printed_keys(obj)
        for key in keys:
            other = self.by_key.get(key) or staged.get(key)
            if other is not None and other[0] != obj:
                how = "in LaTeX" if key[0] == "tex" else "as text"
                raise ModelError(
                    f"{label}: two different symbols print alike {how} ({key[1]}): {describe(obj)} here, and "
                    f"{describe(other[0])} {other[1]}; a write-up could not tell them apart, so use one symbol "
                    "or rename the other"
                )
        for key in keys:
            if key not in self.by_key:
                staged.setdefault(key, (obj, origin))
        new.add(obj)


def check_definition(lhs: sp.Basic, rhs: sp.Basic, ctx: Context, label: str) -> None:
    """A definition must use the declared symbols, not namesakes with other assumptions."""
    known = declared(ctx)
    for obj in definition_names(lhs, rhs):
        problem = mismatch(obj, known)
        if problem:
            raise ModelError(f"{label}: {problem}")


_INTEGER_ONLY = set(sp.Dummy(integer=True).assumptions0.items()) | {("commutative", True)}


def claims_only_integer(var: sp.Symbol) -> bool:
    """Whether ``var`` claims nothing an integer does not (``Symbol("k")``, ``Symbol("k", integer=True)``): such
    an index is fine over any range, and answering that costs no assumption closure (nor an import of the
    engine, which the other indices need)."""
    return set(var.assumptions0.items()) <= _INTEGER_ONLY
