"""Why a step was not proved: the rules tried, the side condition that blocked the closest one, and the
declaration that would supply it.

:func:`explain` runs the prover's attempts again (the hinted rules, all rules, all rules with the definitions
unfolded; one pass each, without the logarithm route) with an :class:`~derive.engine.facts.Env` that collects the
base facts its queries could not show. Each rule is wrapped so that a rule which declined at a subterm *because a
fact was missing* becomes a :class:`Block`: the rule, the subterm, the facts. A rule whose pattern did not match
records nothing. The closest block is the hinted rule's in the hinted attempt, else one whose subterm is still in
a normal form (rewriting it would have changed what was compared), a rule whose own identity states the condition
before a strategy guard, the outermost subterm first.

This module decides nothing: it runs only after the prover declined, its answer is words for the report, and its
cost is capped (a number of rule applications and an optional deadline), so that a pathological step still ends.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, replace

import sympy as sp

from derive.core.context import Context
from derive.core.evidence import TraceEntry
from derive.engine.facts import Env, Missing, positive
from derive.engine.missing import declaration, fact, granted, show
from derive.engine.prove import attempts
from derive.engine.rewrite import EngineError, Rewriter
from derive.engine.rules import Rule, rule_name

#: Rule applications (most of them a pattern that does not match) over all attempts: a safety net only, since each
#: normalisation is bounded by the rewriter (MAX_REWRITES) and the step's deadline bounds the whole.
MAX_CALLS = 1_000_000
MAX_ATTEMPTS = 3
MAX_CHECKED = 12  # blocks, closest first, whose suggestion is checked (one rule application each)
WIDTH = 160  # characters of a normal form shown


class _Stop(EngineError):
    """The explanation's cap was reached (not an engine fault; caught here)."""


@dataclass(frozen=True)
class Block:
    """``rule`` declined at ``target`` (on ``side``) because the declarations did not give ``missing``."""

    rule: Rule
    target: sp.Basic
    side: str
    missing: tuple[Missing, ...]
    attempt: int  # position among the attempts run (0 is the hinted one when the step has by=)
    env: Env | None = None  # where the rule was applied (the enclosing sums' ranges)
    survives: bool = False  # ``target`` is still in that side's normal form
    enough: bool = False  # with ``missing`` declared as suggested, the rule fires at ``target``


@dataclass(frozen=True)
class Explanation:
    """What the prover's rules did with a claim they did not prove."""

    blocks: tuple[Block, ...]  # closest first
    fired: tuple[str, ...]  # rules that rewrote something, in the order they first did
    left: sp.Expr | None  # the normal forms of the attempt the closest block is from (None when cut short)
    right: sp.Expr | None
    cut: str = ""  # why the explanation stopped early, if it did
    stopped: str = ""  # an engine guard that stopped the rewriting (a rule introduced a free symbol, a loop)

    def lines(self, limit: int = 3) -> tuple[str, ...]:
        """The report: a headline naming the closest block and its declaration, then the rule's identity, the
        other blocks (at most ``limit``), the rules that fired and what the comparison was left with."""
        out: list[str] = []
        if self.blocks:
            first = self.blocks[0]
            out.append(f"not proved for all sizes: {_needs(first)}")
            out.append(f"  {first.rule.name} was tried at {show(first.target, WIDTH)} ({_SIDE[first.side]})")
            statement = _statement(first.rule)
            if statement:
                out.append(f"  {first.rule.name}: {statement}")
            others = _distinct(self.blocks[1:], first)
            if others:
                shown = "; ".join(_needs(b) for b in others[:limit])
                more = f" (and {len(others) - limit} more)" if len(others) > limit else ""
                out.append(f"  also blocked: {shown}{more}")
        elif self.cut:
            out.append(f"not proved for all sizes (the explanation was cut short by {self.cut})")
        elif self.stopped:
            out.append(f"not proved for all sizes: an engine guard stopped the rewriting: {self.stopped}")
        else:
            out.append(
                "not proved for all sizes: no rule was blocked by a missing declaration (no rule of the engine takes "
                "this step as written: split it, or name rules with by=)"
            )
        if self.stopped and (self.blocks or self.cut):
            out.append(f"  an engine guard stopped the rewriting: {self.stopped}")
        out.append("  rules that fired: " + (", ".join(self.fired) if self.fired else "none"))
        if self.left is not None and self.right is not None:
            out.append(f"  the exact comparison did not close: {show(self.left, WIDTH)} vs {show(self.right, WIDTH)}")
        if self.cut and self.blocks:
            out.append(f"  (the explanation was cut short by {self.cut})")
        return tuple(out)


_SIDE = {"lhs": "left side", "rhs": "right side"}


def explain(
    lhs: sp.Expr,
    rhs: sp.Expr,
    ctx: Context,
    hints: tuple[str | Rule, ...] = (),
    *,
    max_calls: int = MAX_CALLS,
    deadline: float | None = None,
) -> Explanation:
    """Why the rules do not prove ``lhs = rhs`` (``lhs``, ``rhs`` as the prover saw them: freshened).

    ``deadline`` is a :func:`time.monotonic` value after which the explanation stops where it is.
    """
    names = tuple(rule_name(h) for h in hints)
    sets = attempts(ctx, hints)
    chosen = sets[: MAX_ATTEMPTS - 1] + sets[-1:] if len(sets) >= MAX_ATTEMPTS else sets
    counter = _Counter(max_calls, deadline)
    blocks: list[Block] = []
    fired: list[str] = []
    forms: dict[int, tuple[sp.Expr, sp.Expr]] = {}
    cut = stopped = ""
    for n, rules in enumerate(chosen):
        misses: list[Missing] = []
        env = Env(ctx, misses=misses)
        found: list[Block] = []
        trace: list[TraceEntry] = []
        normal = []
        try:
            for side, expr in (("lhs", lhs), ("rhs", rhs)):
                wrapped = [_watch(r, side, n, misses, found, counter) for r in rules]
                normal.append(Rewriter(env, wrapped, side, trace).normalize(expr))
        except _Stop as stop:
            cut = str(stop)
        except EngineError as error:
            stopped = stopped or str(error)
        fired += [name for name in dict.fromkeys(t.rule for t in trace) if name not in fired]
        if len(normal) == 2:
            forms[n] = (normal[0], normal[1])
            found = [replace(b, survives=normal[b.side == "rhs"].has(b.target)) for b in found]
        blocks += found
        if cut:
            break
    ranked = _rank(_merge(blocks), names)
    late = deadline is not None and time.monotonic() > deadline
    checked = [_checked(b) if k < MAX_CHECKED and not late else b for k, b in enumerate(ranked)]
    ranked = _rank(checked, names)
    at = ranked[0].attempt if ranked else (max(forms) if forms else -1)
    left, right = forms.get(at, (None, None))
    return Explanation(tuple(ranked), tuple(fired), left, right, cut, stopped)


def explain_positive(forms: list[sp.Expr], ctx: Context, what: str = "the difference") -> tuple[str, ...]:
    """Why none of ``forms`` (a difference as written, unfolded, normalised) was shown positive: the base facts
    the positivity query lacked in the form that lacked fewest, with their declarations (for a relation step; a
    form that lacks none has a sign no declaration of its atoms decides)."""
    best: tuple[sp.Expr, tuple[Missing, ...]] | None = None
    for form in forms:
        misses: list[Missing] = []
        if positive(form, Env(ctx, misses=misses)) is not None:
            return ()
        found = _unique(tuple(misses))
        if found and not _enough_for_sign(form, found, ctx):
            found = ()  # declaring what was missing would not show the sign: no suggestion
        if best is None or (found and (not best[1] or len(found) < len(best[1]))):
            best = (form, found)
    if best is None:
        return ()
    form, missing = best
    if not missing:
        head = f"not proved for all sizes: the sign of {what} does not follow from the declarations of its atoms"
    else:
        head = f"not proved for all sizes: {what} > 0 needs {_needs_text(missing)}"
    return (head, f"  {what}, rewritten: {show(form, WIDTH)}")


def explain_lemmas(declined: list[tuple[str, sp.Expr, str]], limit: int = 3) -> tuple[str, ...]:
    """Which named inequalities matched a subterm of an unproved relation but declined, and the side condition
    that was not shown (``declined``: ``(lemma, subterm, condition)`` from derive.engine.inequalities)."""
    lines: list[str] = []
    for lemma, term, condition in dict.fromkeys(declined):
        if len(lines) >= limit:
            break
        lines.append(f"  {lemma} was tried at {show(term, WIDTH)}: needs {condition}")
    return tuple(lines)


def _enough_for_sign(form: sp.Expr, missing: tuple[Missing, ...], ctx: Context) -> bool:
    found = granted(missing, ctx)
    if found is None:
        return False
    new, mapping = found
    return positive(form.xreplace(mapping), Env(new)) is not None


class _Counter:
    def __init__(self, limit: int, deadline: float | None):
        self.calls, self.limit, self.deadline = 0, limit, deadline

    def tick(self) -> None:
        self.calls += 1
        if self.calls > self.limit:
            raise _Stop(f"{self.limit} rule applications")
        if self.deadline is not None and time.monotonic() > self.deadline:  # every call: one may be slow
            raise _Stop("the step's time budget")


def _watch(rule: Rule, side: str, attempt: int, misses: list, found: list, counter: _Counter) -> Rule:
    """``rule`` with an ``apply`` that records a :class:`Block` when it declines after a fact was missing."""

    def apply(e: sp.Basic, env: Env):
        counter.tick()
        start = len(misses)
        rewrite = rule.apply(e, env)
        if rewrite is None and len(misses) > start:
            found.append(Block(rule, e, side, tuple(misses[start:]), attempt, env))
        del misses[start:]
        return rewrite

    return replace(rule, apply=apply)


def _merge(blocks: list[Block]) -> list[Block]:
    """One block per rule, subterm and side (a pass revisits a subterm every time another rewrite happens)."""
    out: dict[tuple, Block] = {}
    for b in blocks:
        key = (b.rule.name, b.target, b.side)
        if key in out:
            old = out[key]
            out[key] = replace(old, survives=old.survives or b.survives)
        else:
            out[key] = replace(b, missing=_unique(b.missing))
    return list(out.values())


def _checked(block: Block) -> Block:
    """``block`` with ``enough`` set: does the rule fire at its subterm once the missing facts are declared as
    suggested (derive.engine.missing.granted)? A suggestion that would not be enough is said to be so."""
    found = granted(block.missing, block.env.ctx) if block.env is not None else None
    if found is None:
        return block
    ctx, mapping = found
    env = block.env
    bounds = tuple(tuple(x.xreplace(mapping) for x in bound) for bound in env.bounds)
    try:
        fired = block.rule.apply(block.target.xreplace(mapping), Env(ctx, bounds, env.sizes)) is not None
    except (TypeError, ValueError, RecursionError):
        fired = False
    return replace(block, enough=fired)


def _unique(missing: tuple[Missing, ...]) -> tuple[Missing, ...]:
    seen: dict[tuple, Missing] = {}
    for m in missing:
        seen.setdefault((m.kind, m.atom, m.lo, m.hi), m)
    return tuple(seen.values())


def _rank(blocks: list[Block], hints: tuple[str, ...]) -> list[Block]:
    """Closest first (see the module docstring); ties keep the order in which the rules were tried."""

    def key(item: tuple[int, Block]) -> tuple:
        order, b = item
        hinted = bool(hints) and b.attempt == 0 and b.rule.name in hints
        stated = b.rule.identity is not None and bool(b.rule.identity.conditions)
        return (not hinted, not b.enough, not b.survives, not stated, -sp.count_ops(b.target, visual=False), order)

    return [b for _, b in sorted(enumerate(blocks), key=key)]


def _distinct(blocks: list[Block], first: Block) -> list[Block]:
    """The other blocks that need other facts (a rule blocked at many subterms, or a strategy guard asking for
    what the closest rule asks for, adds nothing)."""
    seen = {_facts(first)}
    out = []
    for b in blocks:
        if _facts(b) not in seen:
            seen.add(_facts(b))
            out.append(b)
    return out


def _facts(block: Block) -> str:
    return ", ".join(dict.fromkeys(fact(m) for m in block.missing))


def _needs(block: Block) -> str:
    """``log_mul needs q_i > 0 (declare q with ctx.positive("q", (1, K)) instead of ctx.real)``."""
    alone = "" if block.enough else ": not enough alone"
    return f"{block.rule.name} needs {_needs_text(block.missing)}{alone}"


def _needs_text(missing: tuple[Missing, ...]) -> str:
    """``q_i > 0 (declare q with ...)``: the facts, then the declarations that supply them."""
    ranged = {m.atom for m in missing if m.kind == "range"}  # ctx.value(...) gives the integer too
    needed = [m for m in missing if not (m.kind == "integer" and m.atom in ranged)]
    declares = "; ".join(dict.fromkeys(declaration(m) for m in needed))
    return f"{', '.join(dict.fromkeys(fact(m) for m in missing))} ({declares})"


def _statement(rule: Rule) -> str:
    """The rule's identity and its side conditions, as text: ``log(x*y) = log(x) + log(y) if x > 0, y > 0``."""
    identity = rule.identity
    if identity is None:
        return rule.side_conditions
    text = f"{sp.sstr(identity.lhs)} = {sp.sstr(identity.rhs)}"
    conditions = [sp.sstr(c) for c in identity.conditions]
    if rule.side_conditions:
        conditions.append(rule.side_conditions)
    return text + (" if " + ", ".join(conditions) if conditions else "")
