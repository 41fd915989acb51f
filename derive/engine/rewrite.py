"""Normalise an expression by named rules, one rewrite at a time, recording a replayable trace.

Each pass finds the first subterm (innermost first, left to right) that some rule rewrites, replaces it at that
position only, and records the rule, the assumptions it consumed, the subterm before and after, its path and the
enclosing sums' ranges. Nothing else changes an expression, so the trace is the whole proof of that side.
"""

from __future__ import annotations

from dataclasses import dataclass

import sympy as sp

from derive.core.evidence import TraceEntry
from derive.engine.facts import Env
from derive.engine.rules.base import Rewrite, Rule

MAX_REWRITES = 400


class EngineError(RuntimeError):
    """A rule broke an invariant (e.g. introduced a free symbol): a bug in the engine, never a proof."""


@dataclass
class Found:
    path: tuple[int, ...]
    env: Env
    rule: Rule
    target: sp.Basic
    rewrite: Rewrite


def _find(e: sp.Basic, env: Env, rules: list[Rule], path: tuple[int, ...], stuck: set | None = None) -> Found | None:
    """The first rewrite in ``e`` (innermost first, left to right). ``stuck`` holds the (subterm, enclosing ranges)
    pairs an earlier pass of the same rewriter found nothing in: rules are functions of the subterm and its Env,
    so only the ancestors of the last rewrite are searched again (a gradient over nested sums takes hundreds of
    passes over a large tree)."""
    key = (e, env.bounds)
    if stuck is not None and key in stuck:
        return None
    # A logarithm is rewritten before its argument: log(ŷ(1 − ŷ)) must split before mul_add distributes the
    # product inside it into ŷ − ŷ², which no log rule can split.
    if isinstance(e, sp.log):
        found = _at_node(e, env, rules, path)
        if found:
            return found
    if isinstance(e, (sp.Sum, sp.Product)):
        found = _find(e.function, env.inside(e.limits), rules, path + (0,), stuck)
        if found:
            return found
    else:
        for i, arg in enumerate(e.args):
            found = _find(arg, env, rules, path + (i,), stuck)
            if found:
                return found
    found = _at_node(e, env, rules, path)
    if found is None and stuck is not None:
        stuck.add(key)
    return found


def _at_node(e: sp.Basic, env: Env, rules: list[Rule], path: tuple[int, ...]) -> Found | None:
    for rule in rules:
        rw = rule.apply(e, env)
        if rw is not None and rw.result != e:
            return Found(path, env, rule, e, rw)
    return None


def replace_at(e: sp.Basic, path: tuple[int, ...], new: sp.Basic) -> sp.Basic:
    """``e`` with the subterm at ``path`` (indices into ``.args``) replaced by ``new``."""
    if not path:
        return new
    args = list(e.args)
    args[path[0]] = replace_at(args[path[0]], path[1:], new)
    return e.func(*args)


def subterm(e: sp.Basic, path: tuple[int, ...]) -> sp.Basic:
    for i in path:
        e = e.args[i]
    return e


class Rewriter:
    """Applies ``rules`` to one side of a claim until none applies, appending to ``trace``."""

    def __init__(self, env: Env, rules: list[Rule], side: str, trace: list[TraceEntry]):
        self.env, self.rules, self.side, self.trace = env, rules, side, trace

    def normalize(self, expr: sp.Expr) -> sp.Expr:
        stuck: set = set()
        shown = None  # srepr(expr), kept from the last rewrite's "after": printing a large tree is costly
        for _ in range(MAX_REWRITES):
            found = _find(expr, self.env, self.rules, (), stuck)
            if found is None:
                return expr
            new = replace_at(expr, found.path, found.rewrite.result)
            self._guard(found)
            before, shown = shown or sp.srepr(expr), sp.srepr(new)
            self.trace.append(
                TraceEntry(
                    rule=found.rule.name,
                    side=self.side,
                    assumptions=tuple(found.rewrite.assumptions),
                    reverse=found.rewrite.reverse,
                    target=sp.srepr(found.target),
                    result=sp.srepr(found.rewrite.result),
                    before=before,
                    after=shown,
                    path=found.path,
                    bounds=sp.srepr(sp.Tuple(*(sp.Tuple(*b) for b in found.env.bounds))),
                )
            )
            expr = new
        raise EngineError(f"no normal form after {MAX_REWRITES} rewrites (rules loop?)")

    @staticmethod
    def _guard(found: Found) -> None:
        """SYMPY_PITFALLS rule 4: a rewrite's free symbols stay within its input's (definitions excepted)."""
        if found.rule.introduces_symbols:
            return
        extra = _free(found.rewrite.result) - _free(found.target)
        if extra:
            raise EngineError(f"rule {found.rule.name} introduced free symbols {sorted(map(str, extra))}")


def _free(e: sp.Basic) -> set:
    """The symbols and families ``e`` mentions. SymPy leaves a derivative's variables out of its free symbols, so
    ∂/∂z_j would seem not to mention j and its result δ_{jk} to bring j in: they are added back."""
    found = set(e.free_symbols)
    for d in e.atoms(sp.Derivative):
        for v in d.variables:
            found |= v.free_symbols
    return {s for s in found if isinstance(s, (sp.Symbol, sp.IndexedBase))}
