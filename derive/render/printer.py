"""SymPy's LaTeX printer with the forms a textbook uses.

SymPy prints ``N*Sum(p[i]*log(q[i]), (i, 1, K))`` as ``N \\sum_{i=1}^{K} \\log{\\left({q}_{i} \\right)} {p}_{i}``;
a page of notes writes ``N \\sum_{i=1}^{K} p_{i} \\log q_{i}``. :class:`DerivePrinter` changes only that:

- a product lists numbers, then symbols and indexed symbols, then brackets (sums of terms, Iverson brackets),
  then function applications such as ``\\log``, then sums and products (``_print_Mul``);
- ``\\log q_{i}`` drops the parentheses when the argument is a symbol, an indexed symbol, a non-negative
  number or a function application that brings its own (``_print_log``);
- ``q_{i}`` and ``q_{x_{k}}`` instead of ``{q}_{i}`` (``_print_Indexed``);
- an expectation (derive.core.expectation, which gives its own ``\\mathbb{E}_{x\\sim\\mathcal{N}(\\mu, \\sigma^{2})}``
  form through ``_latex``, so that every LaTeX printer, the rule table's included, shows it) goes with the
  function applications in a product;
- ``[x_{k} = i]`` (Iverson) instead of ``\\delta_{i x_k}`` (``_print_KroneckerDelta``);
- ``L(\\theta)`` instead of ``L{\\left(\\theta \\right)}`` for undefined functions (``_print_AppliedUndef``);
- ``\\frac{1}{N} \\log L(\\theta)`` instead of ``\\frac{\\log L(\\theta)}{N}``: functions and sums stay out of a
  fraction's numerator, except ``e^{x}``, which prints as a power (the softmax is ``\\frac{e^{z_j}}{\\sum_k e^{z_k}}``);
- an undefined function or an operator of derive.notation renamed by the notation in force (``Normal`` →
  ``\\mathcal{N}``, ``KL``), as symbols are.

With ``as_written=True`` (the write-ups' display forms, derive.run.display, built with evaluation off) sums and
products are printed in the order and grouping typed, not reordered: ``y - 2*f`` as ``y - 2 f``, a leading -1 as a
minus sign, ``x/d`` as ``\\frac{x}{d}``, ``1/N*S`` as ``\\frac{1}{N} S``, brackets exactly where the tree has them.

Everything else, including the settings (an unknown one raises ``TypeError``), is SymPy's.
"""

from __future__ import annotations

import itertools
import re

import sympy as sp
from sympy.core.function import AppliedUndef
from sympy.printing.latex import LatexPrinter
from sympy.simplify.radsimp import fraction

from derive.core.expectation import Expectation
from derive.render.style import current, head_name

# NOTE: the same test SymPy uses to put ``\cdot`` between two numbers (``2 \cdot 3^{x}``, never ``2 3^{x}``).
_ENDS_WITH_NUMBER = re.compile(r"[0-9][} ]*$")
_STARTS_WITH_NUMBER = re.compile(r"(\d|\\frac{\d+}{\d+})")

# NOTE: an operator that applies to everything after it unless bracketed: last in a product, bracketed before
# another factor (``\frac{d}{dx} f(x) x`` would read as the derivative of ``x f(x)``).
_OPERATORS = (sp.Sum, sp.Product, sp.Integral, sp.Derivative, sp.Limit, sp.Subs)

# Rank of a factor in a printed product: numbers, symbols, brackets, function applications, sums/products.
NUMBER, SYMBOL, BRACKET, FUNCTION, BIG_OPERATOR = range(5)


def factor_rank(factor: sp.Basic) -> int:
    """Where ``factor`` goes in a product; a power goes where its base goes."""
    base = factor.base if isinstance(factor, sp.Pow) else factor
    if base.is_Number or base.is_NumberSymbol or base is sp.I:
        return NUMBER
    if isinstance(base, (sp.Symbol, sp.Indexed, sp.IndexedBase, sp.exp)):  # exp prints as a power e^{x}
        return SYMBOL
    if isinstance(base, _OPERATORS):
        return BIG_OPERATOR
    if isinstance(base, Expectation):  # brings its own brackets, like a function application
        return FUNCTION
    if isinstance(base, sp.Function) and not isinstance(base, sp.KroneckerDelta):
        return FUNCTION
    return BRACKET  # sums of terms, Iverson brackets, anything else printed with its own delimiters


class DerivePrinter(LatexPrinter):
    """LaTeX in textbook form; see the module docstring for what differs from SymPy."""

    printmethod = "_latex"
    _default_settings = {**LatexPrinter._default_settings, "as_written": False}

    # -- as written: a display form (derive.run.display) in the author's order and grouping ---------------------
    def _print_Add(self, expr: sp.Add, order: str | None = None) -> str:
        if not self._settings["as_written"]:
            return super()._print_Add(expr, order)
        tex = ""
        for n, term in enumerate(_terms(expr)):
            positive = written_minus(term) if n else None
            sign, term = (" - ", positive) if positive is not None else (" + " if n else "", term)
            body = self._print(term)  # SymPy's test, as in its _print_Add: a sum, a relation, a Mod is bracketed
            tex += sign + (rf"\left({body}\right)" if self._needs_add_brackets(term) else body)
        return tex

    def _written_Mul(self, expr: sp.Mul) -> str:
        """A product in the order written: ``- x`` for a leading -1, ``\\frac{x}{d}`` for ``x/d``, ``\\frac{1}{N} S``
        for ``1/N*S``, no factor 1 that SymPy put in front (a sum's body under ``evaluate(False)`` is ``1*body``)."""
        positive = written_minus(expr)
        if positive is not None:
            body = self._print(positive)
            return rf"- \left({body}\right)" if self._needs_add_brackets(positive) else f"- {body}"
        factors = _flat(expr.args) if expr.is_Mul else [expr]  # SymPy prints x**-1 as a product too
        if len(factors) > 1 and factors[0] is sp.S.One:
            factors = factors[1:]
            if len(factors) == 1:  # its parent bracketed a product, not what is left of it
                body = self._print(factors[0])
                return rf"\left({body}\right)" if factors[0].is_Add else body
        lead = len(list(itertools.takewhile(lambda f: _reciprocal(f) is not None, factors)))
        if 0 < lead < len(factors):  # 1/N*S: the fraction first, then what it multiplies
            frac = rf"\frac{{1}}{{{self._product([_reciprocal(f) for f in factors[:lead]])}}}"
            rest = factors[lead:]
            if any(_reciprocal(f) is not None for f in rest):
                return frac + self._settings["mul_symbol_latex"] + self._written_Mul(sp.Mul(*rest, evaluate=False))
            return frac + self._settings["mul_symbol_latex"] + self._product(rest, after_fraction=True)
        numer = [f for f in factors if _reciprocal(f) is None]
        denom = [_reciprocal(f) for f in factors if _reciprocal(f) is not None]
        if not denom:
            return self._product(numer)
        small = [f for f in numer if factor_rank(f) < FUNCTION]
        big = [f for f in numer if factor_rank(f) >= FUNCTION]
        frac = rf"\frac{{{self._product(small) if small else '1'}}}{{{self._product(denom)}}}"
        return frac + self._settings["mul_symbol_latex"] + self._product(big, after_fraction=True) if big else frac

    def _print_Sum(self, expr: sp.Sum) -> str:
        return self._nested(r"\sum", expr) if self._settings["as_written"] else super()._print_Sum(expr)

    def _print_Product(self, expr: sp.Product) -> str:
        return self._nested(r"\prod", expr) if self._settings["as_written"] else super()._print_Product(expr)

    def _nested(self, operator: str, expr: sp.Basic) -> str:
        """A sum or product as typed: SymPy makes ``Sum(Sum(f, i), j)`` one sum over (i, j), typed as two; and
        without the factor 1 SymPy puts before its body under ``evaluate(False)``, so that the body decides its
        brackets."""
        body = expr.function
        while body.is_Mul and body.args[0] is sp.S.One and len(body.args) > 1:
            body = body.args[1] if len(body.args) == 2 else sp.Mul(*body.args[1:], evaluate=False)
        limits = reversed(expr.limits)
        tex = "".join(rf"{operator}_{{{self._print(v)}={self._print(a)}}}^{{{self._print(b)}}} " for v, a, b in limits)
        return tex + (rf"\left({self._print(body)}\right)" if body.is_Add else self._print(body))

    # -- products -----------------------------------------------------------------------------------------------
    def _print_Mul(self, expr: sp.Mul) -> str:
        if self._settings["as_written"]:
            return self._written_Mul(expr)
        args = expr.args
        unevaluated = args[0] is sp.S.One or any(isinstance(a, sp.Number) for a in args[1:])
        if unevaluated or not expr.is_commutative:
            return super()._print_Mul(expr)  # keep the written order: reordering is only safe when it commutes
        if expr.could_extract_minus_sign():
            positive = -expr
            body = self._print(positive)
            return rf"- \left({body}\right)" if self._needs_add_brackets(positive) else f"- {body}"
        numer, denom = fraction(expr, exact=True)
        if denom is sp.S.One:
            return self._product(self._factors(expr))
        small = [f for f in self._factors(numer) if factor_rank(f) < FUNCTION]
        big = [f for f in self._factors(numer) if factor_rank(f) >= FUNCTION]
        frac = rf"\frac{{{self._product(small) if small else '1'}}}{{{self._product(self._factors(denom))}}}"
        if not big:
            return frac
        separator = self._settings["mul_symbol_latex"]
        return frac + separator + self._product(big, after_fraction=True)

    def _factors(self, expr: sp.Expr) -> list[sp.Expr]:
        """The factors of ``expr`` in SymPy's order, then stably sorted by :func:`factor_rank`."""
        if not expr.is_Mul:
            return [expr]
        ordered = list(expr.args) if self.order in ("old", "none") else expr.as_ordered_factors()
        return sorted(ordered, key=factor_rank)

    def _product(self, factors: list[sp.Expr], after_fraction: bool = False) -> str:
        if len(factors) == 1 and not after_fraction:
            return self._print(factors[0])
        separator = self._settings["mul_symbol_latex"]
        numbersep = self._settings["mul_symbol_latex_numbers"]
        tex = last = ""
        for n, factor in enumerate(factors):
            last_one = n == len(factors) - 1
            term = self._print(factor) if last_one else self._before_more(factor)
            if self._needs_mul_brackets(factor, first=n == 0 and not after_fraction, last=last_one) or (
                not last_one and isinstance(factor, _OPERATORS)  # SymPy's test lacks Derivative, Limit, Subs
            ):
                term = rf"\left({term}\right)"
            if tex:
                between_numbers = _ENDS_WITH_NUMBER.search(last) and _STARTS_WITH_NUMBER.match(term)
                tex += numbersep if between_numbers else separator
            tex += term
            last = term
        return tex

    def _before_more(self, factor: sp.Expr) -> str:
        """A factor that other factors follow: a log keeps its parentheses (``\\log\\left(x\\right) b``, since
        ``\\log x b`` reads as the log of ``x b``)."""
        base = factor.base if isinstance(factor, sp.Pow) else factor
        if not isinstance(base, sp.log):
            return self._print(factor)
        self._log_parentheses = True
        try:
            return self._print(factor)
        finally:
            self._log_parentheses = False

    def _print_Derivative(self, expr: sp.Derivative) -> str:
        """SymPy's, with a product bracketed: ``\\frac{d}{dx}\\left(x f(x)\\right)``, never ``\\frac{d}{dx} x f(x)``,
        which reads as well as a derivative times ``x``."""
        tex = super()._print_Derivative(expr)
        body = self._print(expr.expr)
        if expr.expr.is_Mul and tex.endswith(" " + body):
            return tex[: -len(body) - 1] + rf"\left({body}\right)"
        return tex

    # -- functions ----------------------------------------------------------------------------------------------
    def _print_log(self, expr: sp.log, exp: str | None = None) -> str:
        name = r"\ln" if self._settings["ln_notation"] else current().log_command
        if len(expr.args) == 2:  # log(x, b) as written under evaluate(False); SymPy would print \log x, losing b
            name = rf"\log_{{{self._print(expr.args[1])}}}"
        if exp is not None:
            name = rf"{name}^{{{exp}}}"
        arg = expr.args[0]
        followed, self._log_parentheses = getattr(self, "_log_parentheses", False), False  # not for the argument's logs
        try:
            if _bare_argument(arg) and not followed:
                return f"{name} {self._print(arg)}"
            return rf"{name}\left({self._print(arg)}\right)"
        finally:
            self._log_parentheses = followed

    def _print(self, expr, **kwargs) -> str:
        """SymPy's dispatch; an operator that prints itself (``_latex``, derive.notation) with its head renamed
        by the notation in force (``KL`` → ``\\mathrm{KL}``)."""
        tex = super()._print(expr, **kwargs)
        if isinstance(expr, sp.Function) and hasattr(expr, "_latex") and not isinstance(expr, AppliedUndef):
            renamed = current().symbols.get(head_name(type(expr)) or "")
            if renamed is not None:
                head = _head(expr._latex(self))
                if head and tex.startswith(head):
                    tex = renamed + tex[len(head) :]
        return tex

    def _print_AppliedUndef(self, expr: AppliedUndef, exp: str | None = None) -> str:
        renamed = current().symbols.get(expr.func.__name__)
        name = renamed if renamed is not None else self._hprint_Function(expr.func.__name__)
        args = ", ".join(self._print(a) for a in expr.args)
        simple = all(a.is_Atom or isinstance(a, sp.Indexed) for a in expr.args)
        tex = f"{name}({args})" if simple else rf"{name}\left({args}\right)"
        return f"{tex}^{{{exp}}}" if exp is not None else tex

    def _print_KroneckerDelta(self, expr: sp.KroneckerDelta, exp: str | None = None) -> str:
        a, b = expr.args[:2]
        # NOTE: SymPy sorts the arguments (``δ(i, x_k)``); notes write the data first: ``[x_k = i]``.
        if isinstance(a, sp.Symbol) and not isinstance(b, sp.Symbol):
            a, b = b, a
        tex = f"[{self._print(a)} = {self._print(b)}]"
        return f"{tex}^{{{exp}}}" if exp is not None else tex

    # -- symbols: renamed for the output by the notation in force (derive.render.style) -------------------------
    def _print_Symbol(self, expr: sp.Symbol, style: str = "plain") -> str:
        renamed = current().symbols.get(expr.name)
        return renamed if renamed is not None else super()._print_Symbol(expr, style)

    # -- indexed symbols ----------------------------------------------------------------------------------------
    def _print_Indexed(self, expr: sp.Indexed) -> str:
        base = self._print(expr.base)
        if re.search(r"[_^\s]", base):  # a base that is itself scripted needs a group: {x_{a}}_{i}
            base = "{" + base + "}"
        return base + "_{" + ",".join(self._print(i) for i in expr.indices) + "}"


def _head(tex: str) -> str:
    """The head of an operator's LaTeX: what precedes its first bracket at brace depth 0 (``D_{\\mathrm{KL}}`` of
    ``D_{\\mathrm{KL}}\\left(p \\,\\|\\, q\\right)``), or all of it when it has no argument list."""
    depth = 0
    for n, char in enumerate(tex):
        depth += {"{": 1, "}": -1}.get(char, 0)
        if depth == 0 and char == "(":
            return tex[:n].removesuffix(r"\left")
    return tex


def _terms(expr: sp.Basic) -> list[sp.Basic]:
    """The terms of a sum as written, ``a + b + c`` (Python builds ``(a + b) + c``) read as one flat sum."""
    return [t for a in expr.args for t in _terms(a)] if expr.is_Add else [expr]


def _flat(factors: tuple[sp.Basic, ...]) -> list[sp.Basic]:
    """Python's ``N*log(x)/2`` is ``(N*log(x))*(1/2)``: a product inside a product is read as part of it, unless
    it is a fraction of its own (``(a/b)*(c/d)`` keeps its two fractions) or starts with a minus sign."""
    out: list[sp.Basic] = []
    for f in factors:
        inner = f.is_Mul and written_minus(f) is None and all(_reciprocal(a) is None for a in f.args)
        out += _flat(f.args[1:] if inner and f.args[0] is sp.S.One else f.args) if inner else [f]
    return out


def written_minus(expr: sp.Basic) -> sp.Basic | None:
    """What follows the minus sign of a term written with one (``-x``, ``-2*x``, ``(-y)/x``), unevaluated; None
    when the term as written does not start with a negative number."""
    if expr.is_Number:
        return -expr if expr.is_negative else None
    if not expr.is_Mul or written_minus(expr.args[0]) is None:
        return None
    rest = [f for f in (written_minus(expr.args[0]), *expr.args[1:]) if f is not sp.S.One] or [sp.S.One]
    return rest[0] if len(rest) == 1 else sp.Mul(*rest, evaluate=False)


def _reciprocal(factor: sp.Basic) -> sp.Basic | None:
    """``d`` for a factor ``1/d`` (``Pow(d, -1)``), ``d^n`` for ``Pow(d, -n)``; None for any other factor."""
    if factor.is_Pow and factor.exp.is_Number and factor.exp.is_negative:
        return factor.base if factor.exp == -1 else sp.Pow(factor.base, -factor.exp, evaluate=False)
    return None


def _bare_argument(arg: sp.Basic) -> bool:
    """True when ``\\log`` may take ``arg`` without parentheses: ``\\log q_{i}``, ``\\log 2``, ``\\log L(\\theta)``."""
    if isinstance(arg, (sp.Symbol, sp.Indexed)):
        return True
    if arg.is_Number or arg.is_NumberSymbol:
        return bool(arg.is_nonnegative)
    # A function application prints its own parentheses; ``exp`` prints as ``e^{x}`` and brackets as ``[x = i]``.
    return isinstance(arg, sp.Function) and not isinstance(arg, (sp.exp, sp.KroneckerDelta))


def to_latex(expr: sp.Basic, **settings) -> str:
    """``expr`` as LaTeX (math mode, no delimiters) in textbook form.

    Args:
        expr: a SymPy expression.
        **settings: SymPy ``latex()`` settings such as ``ln_notation=True``.

    Returns:
        The LaTeX source.

    Raises:
        TypeError: for an unknown setting.
    """
    return DerivePrinter(settings).doprint(expr)
