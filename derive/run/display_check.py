"""Whether a display form (derive.run.display) may be shown for a checked expression: it evaluates to exactly
that expression and names nothing the checker did not see; and the form to print, with the checked classes.

Split from derive.run.display, which runs the module a second time; this module only compares expressions.
"""

from __future__ import annotations

import sympy as sp
from sympy.core.function import AppliedUndef, UndefinedFunction
from sympy.core.parameters import evaluate


# -- the check: a display form evaluates to the checked expression --------------------------------------------------
def faithful(display: sp.Basic, checked: sp.Basic, vocabulary: Vocabulary | None = None) -> bool:
    """Whether ``display`` may be shown for ``checked``: see :func:`as_checked`."""
    return as_checked(display, checked, vocabulary) is not None


def as_checked(display: sp.Basic, checked: sp.Basic, vocabulary: Vocabulary | None = None) -> sp.Basic | None:
    """``display`` printed with the checked expression's classes, when, evaluated again (:func:`rebuild`), it is
    structurally equal to ``checked`` and names nothing outside ``vocabulary`` (by default ``checked``'s; see
    :class:`Vocabulary`); else None."""
    try:
        keys = _Keys(checked)
        if rebuild(display, checked, keys) != checked:
            return None
        form = _with_classes(display, keys)
        return form if (vocabulary or Vocabulary(checked)).names(form) else None
    except Exception:  # noqa: BLE001 - a form that cannot be rebuilt is not shown
        return None


class _Keys:
    """How :func:`rebuild` recognises a class the second run made anew: by :func:`_class_key`, but only when one
    class of ``checked`` has that key (two look-alike classes there, ``c_1`` and ``c_2`` of one factory, are each
    only themselves)."""

    def __init__(self, checked: sp.Basic) -> None:
        found: dict[object, set] = {}
        for node in sp.preorder_traversal(checked):
            if _composite(node):
                found.setdefault(_class_key(node.func), set()).add(node.func)
        self.classes = {key: next(iter(funcs)) for key, funcs in found.items() if len(funcs) == 1}

    def key(self, func: object) -> object:
        key = _class_key(func)
        return key if key in self.classes else func

    def skeleton(self, node: sp.Basic) -> object:
        """A hashable form of ``node`` that identifies classes by :meth:`key`, not by identity."""
        if not _composite(node):
            return node
        return (self.key(node.func), tuple(self.skeleton(a) for a in node.args))


def rebuild(display: sp.Basic, checked: sp.Basic, keys: _Keys | None = None) -> sp.Basic:
    """``display`` with evaluation on: bottom-up ``func(*rebuilt args)``.

    Two exceptions keep the test exact rather than loose: a node that, rebuilt without evaluation, is a subtree of
    ``checked`` stays so (the author built it unevaluated on purpose, ``Add(log(x), -1, 1, evaluate=False)``, and
    the checker saw it so); and a class the second run made anew (``conditional("p", given=theta)`` makes a class
    per call, a class defined in the module is defined again) is the checked expression's only class of the same
    name and definition (:class:`_Keys`).
    """
    keys = keys or _Keys(checked)
    subtrees = {keys.skeleton(node): node for node in sp.preorder_traversal(checked)}

    def walk(node: sp.Basic) -> sp.Basic:
        known = subtrees.get(keys.skeleton(node))
        if known is not None or not _composite(node):
            return known if known is not None else node
        func = keys.classes.get(keys.key(node.func), node.func)
        args = [walk(a) for a in node.args]
        built = func(*args)
        if keys.skeleton(built) not in subtrees:  # the author may have built this node unevaluated on purpose
            with evaluate(False):
                unevaluated = func(*args)
            if keys.skeleton(unevaluated) in subtrees:
                return unevaluated
        return built

    return walk(display)


def _with_classes(display: sp.Basic, keys: _Keys) -> sp.Basic:
    """``display`` with each class the second run made anew replaced by its checked class, unevaluated: what is
    printed is then the checked class's (its name, its ``_latex``), not a look-alike's."""
    if not _composite(display):
        return display
    func = keys.classes.get(keys.key(display.func), display.func)
    args = [_with_classes(a, keys) for a in display.args]
    if func is display.func and all(a is b for a, b in zip(args, display.args, strict=True)):
        return display
    with evaluate(False):
        return func(*args)


class Vocabulary:
    """The symbols, undefined functions, constants and numbers of checked expressions (a derivation's, all of them):
    a display form may name nothing else, since a name that cancelled out of every checked line (``k*x - x*k`` with
    a random ``k``, drawn anew by the second run) was never seen by the checker. Numbers count up to sign and
    reciprocal (``x/2`` is written ``x*2**-1``, checked ``x/2``), 0 and 1 (of ``a - b``, ``1/d``) aside."""

    def __init__(self, *checked: sp.Basic) -> None:
        exprs = [e for e in checked if isinstance(e, sp.Basic)]
        self.atoms = set().union(*(e.atoms() for e in exprs)) | ({sp.E} if any(e.has(sp.exp) for e in exprs) else set())
        self.numbers = {0, 1} | {n for a in self.atoms if isinstance(a, sp.Rational) for n in (abs(a.p), a.q)}
        self.numbers |= {abs(a) for a in self.atoms if isinstance(a, sp.Float)}
        self.functions = {type(f) for e in exprs for f in e.atoms(AppliedUndef)}

    def names(self, display: sp.Basic) -> bool:
        """Whether ``display`` names only what this vocabulary holds."""
        for atom in display.atoms():
            if isinstance(atom, sp.Rational):
                if abs(atom.p) not in self.numbers or atom.q not in self.numbers:
                    return False
            elif isinstance(atom, sp.Float):
                if abs(atom) not in self.numbers:
                    return False
            elif atom not in self.atoms:
                return False
        return {type(f) for f in display.atoms(AppliedUndef)} <= self.functions


def _composite(node: object) -> bool:
    """Whether ``node`` is rebuilt from its class and arguments (a function of no arguments is too)."""
    return isinstance(node, sp.Basic) and (bool(node.args) or isinstance(node, sp.Function))


def _class_key(func: object) -> object:
    """``func`` itself for SymPy's classes and undefined functions (equal by name); for any other class, its name,
    bases and the values of its own public attributes, so that a class made again is recognised."""
    if not isinstance(func, type) or isinstance(func, UndefinedFunction) or func.__module__.startswith("sympy."):
        return func
    own = []
    for name, value in sorted(vars(func).items()):
        if name.startswith("_") or name.startswith("is_") or name == "default_assumptions":
            continue
        if callable(value):
            code = getattr(value, "__code__", None)
            own.append((name, (code.co_code, repr(code.co_consts)) if code else repr(value)))
        else:
            own.append((name, sp.srepr(value) if isinstance(value, sp.Basic) else repr(value)))
    return ("class", func.__qualname__, tuple(b.__qualname__ for b in func.__mro__[1:]), tuple(own))
