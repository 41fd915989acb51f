"""A goal rewritten the other way round from the normal form, so that a lemma can see it whole: sums over the same
range merged into one (linearity: ``sum_add`` reversed) and, in a summand, logarithms with the same cofactor
combined (``log_mul`` and ``log_pow`` reversed: c·log a + d·log b = log(a^c b^d) for a, b > 0 and rational c, d).

Σ p_i log p_i − Σ p_i log q_i becomes Σ p_i log(p_i/q_i), where log x ≥ 1 − 1/x applies. Each combination needs
its arguments shown positive; otherwise the terms are left as they are.
"""

from __future__ import annotations

import sympy as sp

from derive.engine.facts import Env, positive


def merged(goal: sp.Expr, env: Env) -> tuple[sp.Expr, tuple[str, ...]] | None:
    """``goal`` with its sums over equal ranges merged and their summands' logarithms combined, and the facts the
    combination used; None when nothing merged."""
    if not isinstance(goal, sp.Add):
        return None
    groups: dict[tuple, list[sp.Expr]] = {}
    rest: list[sp.Expr] = []
    for term in goal.args:
        coeff, body = term.as_coeff_Mul()
        if isinstance(body, sp.Sum):
            groups.setdefault(body.limits, []).append(coeff * body.function)
        else:
            rest.append(term)
    if not any(len(bodies) > 1 for bodies in groups.values()):
        return None
    reasons: list[str] = []
    for limits, bodies in groups.items():
        summand = sp.Add(*bodies)
        combined = _logs(summand, env.inside(limits), reasons)
        rest.append(sp.Sum(combined if combined is not None else summand, *limits))
    return sp.Add(*rest), tuple(dict.fromkeys(reasons))


def _logs(summand: sp.Expr, env: Env, reasons: list[str]) -> sp.Expr | None:
    """Terms ``c·m·log(a)`` of ``summand`` with the same cofactor ``m`` combined into ``m·log(Π a^c)``."""
    if not isinstance(summand, sp.Add):
        return None
    by_cofactor: dict[sp.Expr, list[tuple[sp.Expr, sp.Expr]]] = {}
    out: list[sp.Expr] = []
    for term in summand.args:
        coeff, body = term.as_coeff_Mul()
        logs = [f for f in sp.Mul.make_args(body) if isinstance(f, sp.log)]
        if len(logs) != 1 or not coeff.is_Rational:
            out.append(term)
            continue
        why = positive(logs[0].args[0], env)
        if why is None:
            out.append(term)
            continue
        reasons.extend(why)
        by_cofactor.setdefault(body / logs[0], []).append((coeff, logs[0].args[0]))
    if not any(len(items) > 1 for items in by_cofactor.values()):
        return None
    for cofactor, items in by_cofactor.items():
        out.append(cofactor * sp.log(sp.Mul(*(a**c for c, a in items))))
    return sp.Add(*out)
