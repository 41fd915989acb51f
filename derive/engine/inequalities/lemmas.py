"""The named inequalities of one variable and of absolute values, sums and products: log x ≤ x − 1, 1 + x ≤ eˣ,
the triangle inequality, Cauchy–Schwarz for finite sums, a single term of a sum of nonnegative terms, weighted
AM–GM, and the bounds a family was declared with. Jensen's inequality is in :mod:`.jensen`.

Each ``_offer`` function returns the bounds its lemma gives at a subterm, only after showing the lemma's side
conditions from the declarations (:mod:`derive.engine.facts`); a condition not shown is noted, never assumed.
"""

from __future__ import annotations

import sympy as sp

from derive.engine.facts import Env, in_range, nonneg, nonnegative, positive, real, sign
from derive.engine.inequalities.base import LOWER, UPPER, Attempts, Bound, Lemma


def forward(limits, env: Env) -> bool:
    """Every range of ``limits`` runs forwards or is empty (``hi ≥ lo − 1``), so that the sum is a sum of its
    terms (a backwards range is a negated sum, Karr's convention)."""
    return all(nonnegative(hi - lo + 1, env) for _, lo, hi in limits)


def _log(t: sp.Expr, env: Env, goal: sp.Expr, notes: Attempts) -> list[Bound]:
    if not isinstance(t, sp.log):
        return []
    x = t.args[0]
    why = positive(x, env)
    if why is None:
        notes.note("log_le_sub_one_of_pos", t, f"{x} > 0")
        return []
    name = "log_le_sub_one_of_pos"
    return [Bound(name, UPPER, t, x - 1, why), Bound(name, LOWER, t, 1 - 1 / x, why)]


def _exp(t: sp.Expr, env: Env, goal: sp.Expr, notes: Attempts) -> list[Bound]:
    if isinstance(t, sp.log):
        return _exp_at_log(t, env, notes)
    if not isinstance(t, sp.exp):
        return []
    why = real(t.args[0], env)
    if why is None:
        notes.note("add_one_le_exp", t, f"{t.args[0]} real")
        return []
    out = [Bound("add_one_le_exp", LOWER, t, 1 + t.args[0], why)]
    nonzero = sign(t.args[0], env)  # 1 + x < eˣ for x ≠ 0 (Real.add_one_lt_exp)
    if nonzero is None and t.args[0].is_nonzero and t.args[0].is_extended_real:
        nonzero = (1, (f"{t.args[0]} ≠ 0",))
    if nonzero is not None:
        out.append(Bound("add_one_lt_exp", LOWER, t, 1 + t.args[0], why + nonzero[1], strict=True))
    return out


def _exp_at_log(t: sp.Expr, env: Env, notes: Attempts) -> list[Bound]:
    """1 + x ≤ eˣ at x = log y: log y ≤ e^{log y} − 1 = y − 1 for y > 0 (where log y is real and e^{log y} = y).

    NOTE: the bound log_le_sub_one_of_pos gives too, offered under this lemma's name so that a derivation that
    writes the textbook line "1 + t ≤ e^t with t = log x" (``by="add_one_le_exp"``) gets it in its trace; the
    search skips a bound it has already tried at the same subterm, so the duplicate costs nothing."""
    y = t.args[0]
    why = positive(y, env)
    if why is None:
        notes.note("add_one_le_exp", t, f"{y} > 0 (so that log {y} is real)")
        return []
    return [Bound("add_one_le_exp", UPPER, t, y - 1, (*why, f"applied at log({y})"))]


def _abs_add(t: sp.Expr, env: Env, goal: sp.Expr, notes: Attempts) -> list[Bound]:
    """|a + b| ≤ |a| + |b| (for complex numbers too); and |a| ≤ |a − b| + |b| for each other |b| of the goal."""
    if not isinstance(t, sp.Abs):
        return []
    x = t.args[0]
    out = []
    if isinstance(x, sp.Add):
        out.append(Bound("abs_add", UPPER, t, sp.Add(*(sp.Abs(a) for a in x.args)), ()))
    for other in sorted(goal.atoms(sp.Abs), key=sp.default_sort_key)[:6]:
        b = other.args[0]
        if other != t and not (b.free_symbols & _bound_vars(goal)):
            out.append(Bound("abs_add", UPPER, t, sp.Abs(x - b) + other, ()))
    return out


def _abs_sum(t: sp.Expr, env: Env, goal: sp.Expr, notes: Attempts) -> list[Bound]:
    if not (isinstance(t, sp.Abs) and isinstance(t.args[0], sp.Sum)):
        return []
    s = t.args[0]
    if not forward(s.limits, env):
        notes.note("abs_sum_le_sum_abs", t, "a range that does not run backwards")
        return []
    return [Bound("abs_sum_le_sum_abs", UPPER, t, sp.Sum(sp.Abs(s.function), *s.limits), ())]


def _splits(body: sp.Expr) -> list[tuple[sp.Expr, sp.Expr]]:
    """Ways to write ``body`` as ``f·g`` for Cauchy–Schwarz: 1·body, and each factor against the rest."""
    out = [(sp.Integer(1), body)]
    if isinstance(body, sp.Mul):
        for a in body.args[:4]:
            out.append((a, body / a))
    return out


def _cauchy_schwarz(t: sp.Expr, env: Env, goal: sp.Expr, notes: Attempts) -> list[Bound]:
    """(Σ f g)² ≤ (Σ f²)(Σ g²) for real f, g over a range that runs forwards."""
    if not (isinstance(t, sp.Pow) and t.exp == 2 and isinstance(t.base, sp.Sum)):
        return []
    s = t.base
    inner = env.inside(s.limits)
    if not forward(s.limits, env):
        notes.note("sum_mul_sq_le_sq_mul_sq", t, "a range that does not run backwards")
        return []
    out = []
    for f, g in _splits(s.function):
        why_f, why_g = real(f, inner), real(g, inner)
        if why_f is None or why_g is None:
            notes.note("sum_mul_sq_le_sq_mul_sq", t, f"{f} and {g} real")
            continue
        value = sp.Sum(f**2, *s.limits) * sp.Sum(g**2, *s.limits)
        out.append(Bound("sum_mul_sq_le_sq_mul_sq", UPPER, t, value, why_f + why_g))
    return out


def _bound_vars(expr: sp.Basic) -> set:
    return {v for s in expr.atoms(sp.Sum, sp.Product) for v in s.variables}


def _indices(goal: sp.Expr, env: Env) -> list[sp.Expr]:
    """Candidate indices for a single term of a sum: the free indices of the goal's family members and its free
    integer symbols (a declared index such as ``j``)."""
    bound = _bound_vars(goal) | {v for v, _, _ in env.bounds}
    found: list[sp.Expr] = []
    for member in sorted(goal.atoms(sp.Indexed), key=sp.default_sort_key):
        for index in member.indices:
            if not (index.free_symbols & bound) and index not in found:
                found.append(index)
    for s in sorted(goal.free_symbols, key=sp.default_sort_key):
        if s.is_integer and s not in found and s not in env.ctx.sizes:
            found.append(s)
    return found[:4]


def _single(t: sp.Expr, env: Env, goal: sp.Expr, notes: Attempts) -> list[Bound]:
    """f(j) ≤ Σ_{k=a}^{b} f(k) when every term is at least 0 and a ≤ j ≤ b (Finset.single_le_sum)."""
    if not (isinstance(t, sp.Sum) and len(t.limits) == 1):
        return []
    ((k, lo, hi),) = t.limits
    terms = nonneg(t.function, env.inside(t.limits))
    if terms is None:
        notes.note("single_le_sum", t, f"every term {t.function} ≥ 0")
        return []
    out = []
    for j in _indices(goal, env):
        where = in_range(j, lo, hi, env)
        if where is None:
            notes.note("single_le_sum", t, f"{lo} ≤ {j} ≤ {hi}")
            continue
        out.append(Bound("single_le_sum", LOWER, t, t.function.xreplace({k: j}), terms + where))
    return out


def _weights(w: sp.Expr, limits, env: Env) -> tuple[str, ...] | None:
    """``w`` is the member at the sum's index of a family declared to sum to one over exactly that range."""
    if not (isinstance(w, sp.Indexed) and len(limits) == 1 and len(w.indices) == 1 and w.indices[0] == limits[0][0]):
        return None
    spec = env.ctx.families.get(w.base)
    if spec is None or not spec.sums_to_one or len(spec.ranges) != 1:
        return None
    (lo, hi), (_, a, b) = spec.ranges[0], limits[0]
    if sp.expand(lo - a) != 0 or sp.expand(hi - b) != 0:
        return None
    return (f"{w.base}_i ≥ 0", f"Σ {w.base}_i = 1")


def _am_gm(t: sp.Expr, env: Env, goal: sp.Expr, notes: Attempts) -> list[Bound]:
    """Π x_i^{w_i} ≤ Σ w_i x_i with w ≥ 0 summing to one and x ≥ 0; and a^u b^v ≤ u a + v b with u, v ≥ 0,
    u + v = 1, a, b ≥ 0 (Real.geom_mean_le_arith_mean_weighted, geom_mean_le_arith_mean2_weighted)."""
    name = "geom_mean_le_arith_mean_weighted"
    if isinstance(t, sp.Product) and isinstance(t.function, sp.Pow):
        x, w = t.function.args
        inner = env.inside(t.limits)
        weights, base = _weights(w, t.limits, env), nonneg(x, inner)
        if weights is None or base is None:
            notes.note(name, t, "weights declared summing to one over the range, and x_i ≥ 0")
            return []
        return [Bound(name, UPPER, t, sp.Sum(w * x, *t.limits), weights + base)]
    if isinstance(t, sp.Mul):
        powers = [a for a in t.args if isinstance(a, sp.Pow)]
        if len(powers) != 2 or len(t.args) != 2:
            return []
        (a, u), (b, v) = (p.args for p in powers)
        if sp.expand(u + v - 1) != 0:
            return []
        facts = [nonneg(u, env), nonneg(v, env), nonneg(a, env), nonneg(b, env)]
        if any(f is None for f in facts):
            notes.note(name, t, f"{u}, {v}, {a}, {b} ≥ 0")
            return []
        return [Bound(name, UPPER, t, u * a + v * b, tuple(r for f in facts for r in f))]
    return []


def _declared(t: sp.Expr, env: Env, goal: sp.Expr, notes: Attempts) -> list[Bound]:
    """lower ≤ z_i ≤ upper from ``ctx.real(..., lower=, upper=)`` (and 0 ≤ z_i for a nonnegative or positive family,
    z_i ≤ 1 below one), for a member whose index lies in the declared range."""
    if not isinstance(t, sp.Indexed):
        return []
    spec = env.ctx.families.get(t.base)
    if spec is None or len(t.indices) != len(spec.ranges):
        return []
    for index, (lo, hi) in zip(t.indices, spec.ranges):
        if in_range(index, lo, hi, env) is None:
            notes.note("declared_bound", t, f"{lo} ≤ {index} ≤ {hi}")
            return []
    lower, upper = getattr(spec, "lower", None), getattr(spec, "upper", None)
    if lower is None and (getattr(spec, "nonnegative", False) or not spec.real_valued):
        lower = sp.Integer(0)
    if upper is None and spec.below_one:
        upper = sp.Integer(1)
    out = []
    if lower is not None:
        out.append(Bound("declared_bound", LOWER, t, lower, (f"{lower} ≤ {t.base}_i",)))
    if upper is not None:
        out.append(Bound("declared_bound", UPPER, t, upper, (f"{t.base}_i ≤ {upper}",)))
    return out


BASIC = (
    Lemma("log_le_sub_one_of_pos", r"$\log x \le x - 1$ (and so $1 - 1/x \le \log x$)", "$x > 0$", _log),
    Lemma("add_one_le_exp", r"$1 + x \le e^{x}$ (and $1 + x < e^{x}$ for $x \ne 0$)", r"$x \in \mathbb{R}$", _exp),
    Lemma("abs_add", r"$\lvert a + b\rvert \le \lvert a\rvert + \lvert b\rvert$", "–", _abs_add),
    Lemma(
        "abs_sum_le_sum_abs",
        r"$\left\lvert \sum_{i=a}^{b} f_i\right\rvert \le \sum_{i=a}^{b} \lvert f_i\rvert$",
        "a range that does not run backwards",
        _abs_sum,
    ),
    Lemma(
        "sum_mul_sq_le_sq_mul_sq",
        r"$\left(\sum_i f_i g_i\right)^2 \le \left(\sum_i f_i^2\right)\left(\sum_i g_i^2\right)$",
        "$f_i, g_i$ real; a range that does not run backwards",
        _cauchy_schwarz,
    ),
    Lemma(
        "single_le_sum",
        r"$f_j \le \sum_{i=a}^{b} f_i$",
        r"$f_i \ge 0$ for every $i$ in range, $a \le j \le b$",
        _single,
    ),
    Lemma(
        "geom_mean_le_arith_mean_weighted",
        r"$\prod_i x_i^{w_i} \le \sum_i w_i x_i$, and $a^{u} b^{v} \le u a + v b$",
        r"$w_i \ge 0$, $\sum_i w_i = 1$ (declared), $x_i \ge 0$; $u, v, a, b \ge 0$, $u + v = 1$",
        _am_gm,
    ),
    Lemma(
        "declared_bound",
        r"$l \le z_i \le u$",
        "the bounds declared for the family (`lower=`, `upper=`, positive, nonnegative, below one), $i$ in range",
        _declared,
    ),
)
