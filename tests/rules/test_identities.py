"""Every rule's identity (derive.engine.rules.base.Identity) is true, and it is what the rule does.

1. The identity holds numerically at random points that satisfy its side conditions: integer bounds of ranges
   that do not run backwards, positive values where a condition says ``x > 0``, reals where ``Q.real``, complex
   numbers elsewhere, and a family's members drawn one by one. Sums and products are expanded at those bounds by
   the sampler's ``put`` (derive.checks.sampling), derivatives taken by mpmath's numeric differentiation, and both
   sides evaluated by evalf to 50 digits.
2. The rule, applied to its own pattern in a context that declares the side conditions, gives its result (or, for a
   rule used right to left such as ``mul_sum``, gives the pattern from the result, marked ``reverse``).

Both checks can fail: an identity with a condition left out, or a wrong right side, is refuted below.
"""

from __future__ import annotations

import random

import mpmath
import pytest
import sympy as sp

from derive.checks.sampling.evaluation import put
from derive.core.context import Context
from derive.engine.facts import Env
from derive.engine.rules import RULES, Identity, Rule, context_rules
from derive.engine.rules.patterns import a, b, c, f, k, x, y

#: Rules whose strategy guard declines even where the identity holds (declining is always sound).
GUARDED = {"add_pow": "multiplies out only inside a sum whose index the power involves"}
REVERSED = {"mul_sum", "exp_sum"}  # rules used right to left
WITH_IDENTITY = [r for r in RULES.values() if r.identity is not None]
TRIALS = 8  # random points per identity
DIGITS = 50


# -- reading an identity ------------------------------------------------------------------------------------------
def _sums(identity: Identity):
    return [
        n
        for side in (identity.lhs, identity.rhs)
        for n in sp.preorder_traversal(side)
        if isinstance(n, (sp.Sum, sp.Product))
    ]


def _limits(identity: Identity) -> list[tuple]:
    return [limit for node in _sums(identity) for limit in node.limits]


def _predicated(identity: Identity, predicate) -> set:
    return {cond.arguments[0] for cond in identity.conditions if getattr(cond, "function", None) == predicate}


def _positive(identity: Identity) -> set:
    """Symbols and families a condition makes positive (``x > 0``, ``f_k > 0``)."""
    out = set()
    for cond in identity.conditions:
        if isinstance(cond, sp.StrictGreaterThan) and cond.rhs == 0:
            out.add(cond.lhs.base if isinstance(cond.lhs, sp.Indexed) else cond.lhs)
    return out


def _negative(identity: Identity) -> set:
    """Symbols a condition makes negative (``x < 0``)."""
    return {cond.lhs for cond in identity.conditions if isinstance(cond, sp.StrictLessThan) and cond.rhs == 0}


# -- 1. the identity holds at random points ---------------------------------------------------------------------
def _number(rng: random.Random, kind: str) -> sp.Expr:
    q = sp.Rational(rng.randint(1, 40), rng.randint(1, 9))
    if kind in ("positive", "negative"):
        return q if kind == "positive" else -q
    real = q * rng.choice([-1, 1])
    return real if kind == "real" else real + sp.I * sp.Rational(rng.randint(-20, 20), rng.randint(1, 9))


def sample(identity: Identity, rng: random.Random) -> dict | None:
    """Values for the identity's symbols at which every condition holds, or None when a draw misses them."""
    indices = {limit[0] for limit in _limits(identity)}
    integers = {s for _, lo, hi in _limits(identity) for s in (lo.free_symbols | hi.free_symbols)} - indices
    integers |= _predicated(identity, sp.Q.integer)
    positive, real = _positive(identity), _predicated(identity, sp.Q.real)
    values: dict = {s: sp.Integer(rng.randint(-3, 4)) for s in integers}
    families = {base for side in (identity.lhs, identity.rhs) for base in side.atoms(sp.IndexedBase)}
    labels = families | {base.label for base in families}
    free = {s for side in (identity.lhs, identity.rhs) for s in side.free_symbols if isinstance(s, sp.Symbol)}
    free -= indices | integers | labels
    for s in sorted(free, key=str):
        kind = "positive" if s in positive else "negative" if s in _negative(identity) else "complex"
        values[s] = _number(rng, "real" if s in real else kind)
    for _, lo, hi in _limits(identity):
        if (lo.free_symbols | hi.free_symbols) & indices:
            continue  # a triangle: the inner range is whatever the outer index makes it
        if not (hi.xreplace(values) - lo.xreplace(values) + 1 >= 0):
            return None  # a range that runs backwards: the textbook reading and Karr's differ there
    for cond in identity.conditions:
        if cond.free_symbols & indices:
            continue  # a condition on every member of a family: drawn so (see _members)
        held = cond.arguments[0].xreplace(values).is_integer if hasattr(cond, "function") else cond.xreplace(values)
        if held is not True and held != sp.true:
            return None
    return values


def _members(expr: sp.Expr, identity: Identity, rng: random.Random, drawn: dict) -> sp.Expr:
    """Each family member f_j (j a number by now) replaced by a value of its own, the same on both sides."""
    positive = _positive(identity)
    for member in sorted(expr.atoms(sp.Indexed), key=str):
        if member not in drawn:
            drawn[member] = _number(rng, "positive" if member.base in positive else "complex")
    return expr.xreplace(drawn)


def _derivatives(expr: sp.Expr, values: dict) -> sp.Expr:
    """Each derivative replaced by mpmath's numeric derivative at the point: not SymPy's own rules."""
    for node in list(expr.atoms(sp.Derivative)):
        (var, order), *others = node.variable_count
        assert not others, "one variable at a time"
        fixed = {s: v for s, v in values.items() if s != var}
        function = sp.lambdify(var, node.expr.xreplace(fixed), "mpmath")
        re, im = sp.re(values[var]), sp.im(values[var])  # exact rationals, not rounded to a double
        with mpmath.workdps(DIGITS):
            point = mpmath.mpc(mpmath.mpf(re.p) / re.q, mpmath.mpf(im.p) / im.q)
            value = mpmath.diff(function, point, order)
        expr = expr.xreplace({node: sp.Float(value.real, DIGITS) + sp.I * sp.Float(value.imag, DIGITS)})
    return expr


def refuted_at(identity: Identity, seed: int) -> dict | None:
    """A point inside the conditions where the two sides differ, or None when every trial agrees."""
    rng = random.Random(seed)
    checked = 0
    for _ in range(TRIALS * 20):
        values = sample(identity, rng)
        if values is None:
            continue
        drawn: dict = {}
        sides = [
            _members(put(_derivatives(side, values), values), identity, rng, drawn)
            for side in (identity.lhs, identity.rhs)
        ]
        gap = sp.N(sides[0] - sides[1], DIGITS)
        scale = max(1, abs(sp.N(sides[0], DIGITS)))
        if not abs(gap) <= sp.Float(10) ** -30 * scale:
            return {**values, **drawn}
        checked += 1
        if checked == TRIALS:
            return None
    raise AssertionError(f"only {checked} of {TRIALS} random points satisfied the conditions of {identity}")


@pytest.mark.parametrize("rule", WITH_IDENTITY, ids=lambda r: r.name)
def test_the_identity_holds_where_its_conditions_do(rule: Rule):
    assert refuted_at(rule.identity, seed=len(rule.name)) is None


@pytest.mark.parametrize(
    "wrong",
    [
        Identity(sp.log(x * y), sp.log(x) + sp.log(y)),  # log_mul without positivity: complex x, y
        Identity(sp.log(x**y), y * sp.log(x), (x > 0,)),  # log_pow without a real exponent
        Identity(sp.Sum(c, (k, a, b)), (b - a) * c, (b >= a - 1,)),  # one term short
        Identity(sp.Sum(f[k], (k, a, b)), f[a] + f[b]),
    ],
    ids=["log_mul_unconditional", "log_pow_complex", "sum_const_short", "sum_two_terms"],
)
def test_a_wrong_identity_is_refuted(wrong: Identity):
    assert refuted_at(wrong, seed=1) is not None


def test_every_sampled_point_satisfies_the_conditions():
    rng = random.Random(0)
    identity = RULES["sum_kronecker_delta"].identity
    points = [p for p in (sample(identity, rng) for _ in range(200)) if p is not None]
    assert points, "the sampler never found a point inside the conditions"
    for p in points:
        assert all(cond.xreplace(p) for cond in identity.conditions if not hasattr(cond, "function"))
        assert p[identity.conditions[0].arguments[0]].is_integer


# -- 2. the rule does what its identity says ---------------------------------------------------------------------
def declared(identity: Identity) -> tuple[Env, sp.Expr, sp.Expr]:
    """The identity's sides in a context that declares its conditions: a range's lower bound 1 and its upper bound
    a size, ``x > 0`` a positive symbol, ``f_k > 0`` a positive family, ``Q.real(y)`` a real symbol, and
    ``Q.integer(v)`` with ``lo ≤ v ≤ hi`` an integer value declared in that range."""
    ctx = Context()
    subs: dict = {}
    indices = {limit[0] for limit in _limits(identity)}
    for _, lo, hi in _limits(identity):
        if isinstance(lo, sp.Symbol) and lo not in indices:
            subs[lo] = sp.Integer(1)
        if isinstance(hi, sp.Symbol) and hi not in indices:
            subs[hi] = ctx.size(hi.name)
    for s in _positive(identity):
        subs[s] = (
            sp.IndexedBase(s.name, positive=True) if isinstance(s, sp.IndexedBase) else sp.Symbol(s.name, positive=True)
        )
    for s in _predicated(identity, sp.Q.real):
        subs[s] = sp.Symbol(s.name, real=True)
    for s in _negative(identity):
        subs[s] = sp.Symbol(s.name, negative=True)
    for s in _predicated(identity, sp.Q.integer):
        lo = next((cond.lhs for cond in identity.conditions if isinstance(cond, sp.LessThan) and cond.rhs == s), None)
        hi = next((cond.rhs for cond in identity.conditions if isinstance(cond, sp.LessThan) and cond.lhs == s), None)
        if lo is None or hi is None:  # any integer: an integer symbol
            subs[s] = sp.Symbol(s.name, integer=True)
            continue
        subs[s] = ctx.value(s.name, (lo.xreplace(subs), hi.xreplace(subs)))
    return Env(ctx), identity.lhs.xreplace(subs), identity.rhs.xreplace(subs)


def applied(rule: Rule, env: Env, lhs: sp.Expr, rhs: sp.Expr) -> str:
    forward = rule.apply(lhs, env)
    if forward is not None:
        assert (forward.result, forward.reverse) == (rhs, False), f"{rule.name}: {lhs} → {forward.result}, not {rhs}"
        return "forward"
    backward = rule.apply(rhs, env)
    if backward is not None:
        assert (backward.result, backward.reverse) == (lhs, True), f"{rule.name}: {rhs} → {backward.result}"
        return "reverse"
    return "declined"


@pytest.mark.parametrize("rule", WITH_IDENTITY, ids=lambda r: r.name)
def test_the_rule_applied_to_its_pattern_gives_its_result(rule: Rule):
    env, lhs, rhs = declared(rule.identity)
    if rule.name in ("abs_of_pos", "abs_of_neg"):  # SymPy drops |x| itself for a symbol declared positive/negative
        (symbol,) = rhs.free_symbols
        lhs = sp.Abs(symbol, evaluate=False)
    way = applied(rule, env, lhs, rhs)
    assert way == ("declined" if rule.name in GUARDED else "reverse" if rule.name in REVERSED else "forward")


def test_the_rule_declines_its_pattern_without_the_declarations():
    env = Env(Context())
    for name in ("log_mul", "log_pow", "log_prod", "sum_kronecker_delta", "sum_const", "prod_const", "abs_of_pos"):
        identity = RULES[name].identity
        assert RULES[name].apply(identity.lhs, env) is None, name


def test_a_context_rule_states_its_definition_or_constraint():
    ctx = Context()
    n_size = ctx.size("K")
    q = ctx.positive("q", (1, n_size), sums_to_one=True)
    i = sp.Symbol("i", integer=True)
    g = sp.Function("g")
    ctx.define(g(x), x**2 + 1)
    env = Env(ctx)
    rules = {r.name: r for r in context_rules(ctx)}
    assert set(rules) == {"g_def", "sum_q_eq_one"}
    for rule in rules.values():
        assert applied(rule, env, rule.identity.lhs, rule.identity.rhs) == "forward", rule.name
    assert rules["sum_q_eq_one"].identity.lhs.function.base == q and i.name == "i"
