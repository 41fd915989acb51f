"""Named, sound rewrite rules, each stating one identity with its side conditions.

A rule is data (:mod:`derive.engine.rules.base`): a name for the identity it states (Mathlib style: ``log_prod``,
``sum_comm``), the identity as SymPy expressions over pattern variables with its side conditions as SymPy
relations, and a function that rewrites one subterm or declines. Declining is always safe; a rule only rewrites when
its side conditions follow from the declared assumptions, and it reports which ones it used. The families live one
per module (``log``, ``sums``, ``calculus``, ``products``, ``absolute``, ``expectation``); rules that depend on a
derivation's context (definitions, constraints) are made per context by :func:`context_rules`. Every rule is also a
name of this package, so ``by=log_mul`` works as well as ``by="log_mul"``.
"""

from __future__ import annotations

from derive.engine.rules import absolute, calculus, expectation, log, products, sums
from derive.engine.rules.absolute import abs_div, abs_mul, abs_of_neg, abs_of_pos, abs_pow, abs_prod
from derive.engine.rules.base import Identity, Inference, Rewrite, Rule, rule_name
from derive.engine.rules.calculus import diff, log_rational, prod_expand, sum_expand
from derive.engine.rules.defs import constraint_rules, unfold_rules
from derive.engine.rules.expectation import (
    expectation_add,
    expectation_const,
    expectation_finite,
    expectation_smul,
    gaussian_integral,
    gaussian_mean,
    gaussian_moment,
    gaussian_second_moment,
    gaussian_variance,
    integral_add,
    integral_gaussian,
)
from derive.engine.rules.log import exp_add, log_exp_neg, log_mul, log_pow, log_prod, log_together, tanh_eq
from derive.engine.rules.products import exp_sum, prod_comm, prod_const, prod_mul_distrib, prod_pow
from derive.engine.rules.sums import (
    add_pow,
    mul_add,
    mul_sum,
    sum_add,
    sum_comm,
    sum_comm_triangle,
    sum_const,
    sum_kronecker_delta,
)

#: Every rule that holds in any context, by name, in the order of the families.
RULES: dict[str, Rule] = {
    rule.name: rule for family in (log, sums, calculus, products, absolute, expectation) for rule in family.RULES
}


def context_rules(ctx) -> list[Rule]:
    """The definition-unfolding and constraint rules of one context."""
    return unfold_rules(ctx) + constraint_rules(ctx)


__all__ = [
    "Identity",
    "Inference",
    "RULES",
    "Rewrite",
    "Rule",
    "abs_div",
    "abs_mul",
    "abs_of_neg",
    "abs_of_pos",
    "abs_pow",
    "abs_prod",
    "add_pow",
    "context_rules",
    "diff",
    "exp_add",
    "exp_sum",
    "expectation_add",
    "expectation_const",
    "expectation_finite",
    "expectation_smul",
    "gaussian_integral",
    "gaussian_mean",
    "gaussian_moment",
    "gaussian_second_moment",
    "gaussian_variance",
    "integral_add",
    "integral_gaussian",
    "log_exp_neg",
    "log_mul",
    "log_pow",
    "log_prod",
    "log_rational",
    "log_together",
    "mul_add",
    "mul_sum",
    "prod_comm",
    "prod_const",
    "prod_expand",
    "prod_mul_distrib",
    "prod_pow",
    "rule_name",
    "sum_add",
    "sum_comm",
    "sum_comm_triangle",
    "sum_const",
    "sum_expand",
    "sum_kronecker_delta",
    "tanh_eq",
]
