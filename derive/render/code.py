r"""Reference implementations in the write-ups: the function, typeset by latexify-py, beside the formula it computes.

latexify-py turns a function of one ``return`` into ``\mathrm{name}(args) = expression``, with a generator sum
over ``range(a, b)`` as Σ with bounds. What it cannot do is done here, on its output (tests/render/test_reference.py):

- ``len(q)`` becomes the size of the list, read off the declared range of the argument (``K``), so that the bound
  reads ``K - 1`` instead of ``len(q) - 1``;
- ``max``/``min`` print as ``\mathrm{max}``; they become the operators ``\max``/``\min``;
- assignments come as lines of an ``array`` (text style); they become lines of ``aligned`` (display style);
- ``identifiers`` may only rename to Python names, so ``y_hat`` → :math:`\hat y` replaces ``\mathrm{y\_hat}`` in
  the LaTeX;
- the 0-based indices of the code meet the 1-based formula in a sentence under the two (:func:`convention`):
  the code's q_i is the formula's q_{i+1}. The checker proves that they agree (derive.checks.code).
"""

from __future__ import annotations

import ast
import re
import textwrap
from dataclasses import dataclass

import sympy as sp

from derive.core.context import Context
from derive.core.evidence import Evidence, StepResult
from derive.core.model import Derivation, Kind, Step
from derive.render.printer import to_latex


@dataclass(frozen=True)
class Code:
    """One reference implementation as the write-ups show it."""

    step: Step
    result: StepResult
    name: str  # the function's name
    code: str  # LaTeX from latexify-py, post-processed
    formula: str  # LaTeX: the formula, and its definition when it has one
    convention: str  # text with :math:`...` roles: how the code's indices meet the formula's
    source: str  # the function's source without its docstring

    @property
    def evidence(self) -> Evidence:
        return self.result.evidence


def references(derivation: Derivation, results: list[StepResult]) -> list[Code]:
    """The derivation's reference implementations, in step order."""
    out = []
    for step, result in zip(derivation.steps, results, strict=True):
        if step.kind is Kind.REFERENCE:
            ref, ctx = step.reference, derivation.context
            out.append(
                Code(
                    step,
                    result,
                    ref.name,
                    code_latex(ref, ctx),
                    formula_latex(step.expr, ctx),
                    convention(ref, ctx),
                    source_without_docstring(ref.function),
                )
            )
    return out


def code_latex(ref, ctx: Context) -> str:
    """The function typeset by latexify-py, with ``len(arg)`` shown as its size and ``x_hat`` as a hat."""
    import latexify  # NOTE: imported here: it costs about 60 ms and only write-ups need it

    latex = latexify.get_latex(ref.function, use_math_symbols=True)
    for param, arg in zip(_params(ref.function), ref.args):
        size = _length(arg, ctx)
        if size is not None:
            call = rf"\mathrm{{len}} \mathopen{{}}\left( {_latex_name(param)} \mathclose{{}}\right)"
            latex = latex.replace(call, to_latex(size))
    for name in ("max", "min"):  # latexify-py sets Python's built-ins upright, as \mathrm{max}(z)
        latex = latex.replace(rf"\mathrm{{{name}}} ", rf"\{name} ")
    return _hats(_aligned(latex))


def _aligned(latex: str) -> str:
    r"""latexify-py sets assignments as lines of an ``array``, in text style (small fractions); ``aligned`` keeps
    the display style and the left edge."""
    head, tail = r"\begin{array}{l} ", r" \end{array}"
    if not (latex.startswith(head) and latex.endswith(tail)):
        return latex
    lines = latex[len(head) : -len(tail)].split(r" \\ ")
    return r"\begin{aligned} " + r" \\ ".join(f"&{line}" for line in lines) + r" \end{aligned}"


def formula_latex(formula: sp.Expr, ctx: Context) -> str:
    """``H(p, q) = -\\sum_{i=1}^{K} p_i \\log q_i``: the formula, followed by its definition if it has one."""
    text = to_latex(formula)
    definition = ctx.definition_for(formula)
    unfolded = definition.unfold(formula) if definition is not None else None
    return f"{text} = {to_latex(unfolded)}" if unfolded is not None else text


def convention(ref, ctx: Context) -> str:
    """How the code's 0-based indices meet the formula's: ``q[i] is q_{i+1}; x[n] is x_{n+1} − 1; j is the
    formula's j − 1``."""
    parts = []
    for param, arg in zip(_params(ref.function), ref.args):
        code = r"\mathtt{" + param.replace("_", r"\_")  # the code's names stay as written, whatever the notation
        if arg in ctx.families:
            lo = ctx.families[arg].ranges[0][0]
            parts.append(f":math:`{code}[i]}}` is :math:`{to_latex(arg[sp.Symbol('i') + lo])}`")
        elif arg in ctx.datasets:
            spec = ctx.datasets[arg]
            item = to_latex(arg[sp.Symbol("n") + spec.ranges[0][0]] - spec.values[0])
            parts.append(f":math:`{code}[n]}}` is :math:`{item}`")
        elif arg in ctx.integer_values:
            # "the formula's": a 0-based j beside the formula's 1-based j would otherwise read "j is j - 1"
            parts.append(f":math:`{code}}}` is the formula's :math:`{to_latex(arg - ctx.integer_values[arg][0])}`")
    if not parts:
        return ""
    return "Python counts from 0: in the code, " + "; ".join(parts) + "."


def source_without_docstring(function) -> str:
    """The function's source as written, minus its docstring (shown as code, which must stay ASCII for LaTeX)."""
    import inspect

    source = textwrap.dedent(inspect.getsource(function))
    tree = ast.parse(source)
    lines = source.splitlines()
    body = tree.body[0].body if tree.body and isinstance(tree.body[0], ast.FunctionDef) else []
    if body and isinstance(body[0], ast.Expr) and isinstance(getattr(body[0], "value", None), ast.Constant):
        doc = body[0]
        del lines[doc.lineno - 1 : doc.end_lineno]
    return _wrap("\n".join(lines).strip() + "\n")


#: Characters of code that fit the text width in the write-ups' small typewriter type.
CODE_WIDTH = 88


def _wrap(source: str) -> str:
    """Break lines longer than :data:`CODE_WIDTH` at a space inside brackets, so that the code still parses
    (Python continues a line inside brackets); a line that cannot be broken so stays as it is."""
    out = []
    for line in source.splitlines():
        while len(line) > CODE_WIDTH:
            indent = len(line) - len(line.lstrip()) + 8
            cut = _break_at(line, indent)
            if cut is None:
                break
            out.append(line[:cut].rstrip())
            line = " " * indent + line[cut:].lstrip()
        out.append(line)
    wrapped = "\n".join(out) + "\n"
    try:
        ast.parse(wrapped)
    except SyntaxError:
        return source
    return wrapped


#: Where a line of code reads best when broken: before a generator's ``for``, then at an operator or a comma.
BREAKS = (" for ", " + ", " - ", ", ", " ")


def _break_at(line: str, indent: int) -> int | None:
    for token in BREAKS:
        for cut in range(CODE_WIDTH - len(token.rstrip()), indent, -1):
            if line.startswith(token, cut) and _open_brackets(line[:cut]) > 0:
                return cut + 1 if token == ", " else cut  # a comma stays at the end of its line
    return None


def _open_brackets(text: str) -> int:
    return sum(text.count(c) for c in "([{") - sum(text.count(c) for c in ")]}")


def _params(function) -> list[str]:
    import inspect

    return list(inspect.signature(function).parameters)


def _latex_name(param: str) -> str:
    """A parameter as latexify-py prints it: ``q``, or ``\\mathrm{y\\_hat}`` for a longer name."""
    return param if len(param) == 1 else r"\mathrm{" + param.replace("_", r"\_") + "}"


def _hats(latex: str) -> str:
    r"""``\mathrm{y\_hat}`` → ``\hat{y}``: latexify-py can only rename identifiers to other Python names."""
    return re.sub(r"\\mathrm\{([A-Za-z]+)\\_hat\}", r"\\hat{\1}", latex)


def _length(arg, ctx: Context) -> sp.Expr | None:
    spec = ctx.families.get(arg) or ctx.datasets.get(arg)
    if spec is None:
        return None
    lo, hi = spec.ranges[0]
    return sp.simplify(hi - lo + 1)
