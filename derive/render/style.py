r"""Notation for the output, chosen by the reader, not the proof: symbol names, ``\log`` or ``\ln``, a log base.

A lecturer who writes ŷ where the proof says q renames it for the write-ups only; the derivation module and its
checks are untouched::

    render_document(derivation, results, notation=Notation(symbols={"q": r"\hat{y}"}, log="ln"))

or ``[tool.derive.notation]`` in pyproject.toml, or ``derive build --rename 'q=\hat{y}' --log ln --log-base 2``.

The renderers put the notation in force for the duration of a call (:func:`using`); the printer and the text
helpers read it with :func:`current`. A log base is applied only to a derivation whose identities hold in every
base (:func:`base_free`): one that evaluates a logarithm to a number, differentiates, uses ``exp`` or ships
reference code (which calls ``math.log``, the natural log) keeps its natural logarithm.
"""

from __future__ import annotations

import contextlib
import re
import sys
from collections.abc import Iterator, Mapping
from contextvars import ContextVar
from dataclasses import dataclass, field, replace

import sympy as sp
from sympy.core.function import UndefinedFunction
from sympy.printing.latex import LatexPrinter

from derive.core.errors import DeriveError

LOGS = ("log", "ln")
#: A symbol name a notation can rename (SymPy may name a symbol anything; ``p \otimes r`` cannot be renamed).
NAME = re.compile(r"[A-Za-z][A-Za-z0-9_]*")


class NotationError(DeriveError):
    """A notation setting that cannot be used (an unknown key, a base that is not a number above 1)."""


@dataclass(frozen=True)
class Notation:
    r"""How the write-ups print symbols and logarithms.

    Args:
        symbols: symbol name → LaTeX, e.g. ``{"q": r"\hat{y}"}``; applies to formulas, definitions and the math in
            the prose (matched as a whole name, or as SymPy prints it: ``yhat`` also as ``\hat{y}``).
        log: ``"log"`` (``\log``) or ``"ln"`` (``\ln``).
        base: an integer base > 1 for a base-free derivation (``\log_{2}``), or None for the natural log.
    """

    symbols: Mapping[str, str] = field(default_factory=dict)
    log: str = "log"
    base: int | None = None

    def __post_init__(self) -> None:
        if self.log not in LOGS:
            raise NotationError(f"notation: log must be one of {', '.join(LOGS)}, not {self.log!r}")
        if self.base is not None and (not isinstance(self.base, int) or isinstance(self.base, bool) or self.base < 2):
            raise NotationError(f"notation: base must be an integer of 2 or more, not {self.base!r}")
        for name, tex in self.symbols.items():
            if not NAME.fullmatch(str(name)) or not isinstance(tex, str) or not tex.strip():
                raise NotationError(f"notation: cannot rename {name!r} to {tex!r}; use a symbol name and LaTeX")
            problem = latex_problem(tex) or not_one_symbol(tex)
            if problem:
                raise NotationError(f"notation: cannot rename {name!r} to '{tex}': {problem}")
        object.__setattr__(self, "symbols", dict(self.symbols))

    @classmethod
    def from_config(cls, data: Mapping) -> Notation:
        """From ``[tool.derive.notation]``: ``symbols = {q = '\\hat{y}'}``, ``log = "ln"``, ``base = 2``."""
        unknown = sorted(set(data) - {"symbols", "log", "base"})
        if unknown:
            raise NotationError(f"[tool.derive.notation]: unknown key {unknown[0]!r}; known: symbols, log, base")
        symbols = data.get("symbols", {})
        if not isinstance(symbols, Mapping):
            raise NotationError("[tool.derive.notation] symbols must be a table such as { q = '\\hat{y}' }")
        for name, tex in symbols.items():
            problem = (latex_problem(tex) or not_one_symbol(tex)) if isinstance(tex, str) else None
            if problem:
                raise NotationError(f"[tool.derive.notation] symbols: {name} = '{tex}': {problem}")
        return cls(dict(symbols), data.get("log", "log"), data.get("base"))

    def merge(self, *, symbols: Mapping[str, str] | None = None, log: str | None = None, base: int | None = None):
        """This notation with the given settings added (symbols) or replaced (log, base)."""
        return replace(
            self,
            symbols={**self.symbols, **(symbols or {})},
            log=log if log is not None else self.log,
            base=base if base is not None else self.base,
        )

    @property
    def log_command(self) -> str:
        if self.base is not None:
            return rf"\log_{{{self.base}}}"
        return r"\ln" if self.log == "ln" else r"\log"


def latex_problem(tex: str) -> str | None:
    r"""Why ``tex`` cannot stand for a symbol inside a formula (None when it can): its braces must balance, and
    it must not contain an unescaped ``$``, ``%``, ``#`` or ``&``, which would end the formula, comment out the
    rest of the line or break the alignment. ``\{`` and ``\}`` are literal braces."""
    depth = 0
    for token in re.findall(r"\\(?:[A-Za-z]+|.|$)|[{}$%#&]", tex, flags=re.S):
        if token == "\\":
            return "it ends in a lone backslash"
        if token == "{":
            depth += 1
        elif token == "}":
            depth -= 1
            if depth < 0:
                return "its braces do not balance (a '}' closes nothing)"
        elif len(token) == 1:
            return f"an unescaped {token!r} would break the formula (write \\{token} for the character itself)"
    return "its braces do not balance (a '{' is never closed)" if depth else None


def not_one_symbol(tex: str) -> str | None:
    r"""Why ``tex`` cannot stand for one symbol (None when it can): outside braces it holds an operator or a
    relation (``b + c`` would print ``2 b + c`` for ``2 a``), or it is a number (``2 \cdot 2``)."""
    depth, outside = 0, []
    for ch in re.sub(r"\\[A-Za-z]+|\\.", " ", tex):
        depth += ch == "{"
        depth -= ch == "}"
        if depth == 0 and ch not in "{}":
            outside.append(ch)
    top = "".join(outside)
    found = re.search(r"[-+=<>,;*/|!]", top)
    if found:
        return f"the {found[0]!r} makes it more than one symbol, and a rename stands for one symbol"
    if re.fullmatch(r"\s*[0-9.]+\s*", tex):
        return "a number is not a symbol"
    return None


DEFAULT = Notation()
_CURRENT: ContextVar[Notation | None] = ContextVar("derive_notation", default=None)


def current() -> Notation:
    """The notation in force (the default outside :func:`using`)."""
    return _CURRENT.get() or DEFAULT


@contextlib.contextmanager
def using(notation: Notation | None) -> Iterator[Notation]:
    """Put ``notation`` in force for the block (None keeps the one in force)."""
    token = _CURRENT.set(notation) if notation is not None else None
    try:
        yield current()
    finally:
        if token is not None:
            _CURRENT.reset(token)


def for_derivation(notation: Notation | None, derivation) -> Notation | None:
    """``notation`` without its base when ``derivation`` is not base-free (see :func:`base_free`)."""
    if notation is None or notation.base is None or base_free(derivation):
        return notation
    return replace(notation, base=None)


def _chain_expressions(derivation) -> list[sp.Basic]:
    """The expressions whose logarithms the notation rewrites: the opening line, each step's claim (both sides)
    and example values, and the definitions' right sides."""
    exprs = [derivation.start] + [d.rhs for d in derivation.context.definitions]
    for step in derivation.steps:
        exprs += [step.expr, step.claim_lhs] + [v for _, v in step.values]
    return [e for e in exprs if isinstance(e, sp.Basic)]


def has_logs(derivation) -> bool:
    """Whether ``derivation`` writes a logarithm anywhere (a chain of exponentials, like softmax's, does not)."""
    return any(e.has(sp.log) for e in _chain_expressions(derivation))


def base_free(derivation) -> bool:
    """True when every identity of the derivation holds whatever the base of its logarithms.

    The log rules (log of a product, of a power) hold in every base; a logarithm evaluated to a number
    (``log 2``), a derivative of one, ``exp`` (log(e^z) = z) and reference code calling ``math.log`` do not.
    """
    from derive.core.model import Kind

    if any(step.kind is Kind.REFERENCE for step in derivation.steps):
        return False
    return not any(
        e.has(sp.exp, sp.Derivative) or any(node.args[0].is_number for node in e.atoms(sp.log))
        for e in _chain_expressions(derivation)
    )


def symbol_names(derivation) -> set[str]:
    """The names a notation can rename in ``derivation``: its symbols, its indexed families (``q`` of ``q_i``)
    and its indices, wherever the write-ups print them (the chain, definitions, examples, assumptions)."""
    ctx = derivation.context
    exprs = [*_printed_expressions(derivation), *ctx.sizes, *ctx.datasets, *ctx.families, *ctx.unit_scalars]
    exprs += [*ctx.integer_values]
    names: set[str] = set()
    for e in exprs:
        if isinstance(e, sp.Basic):
            names |= {s.name for s in e.atoms(sp.Symbol) if not isinstance(s, sp.Dummy) and NAME.fullmatch(s.name)}
    return names


def renameable_names(derivation) -> set[str]:
    """Every name a notation can rename in ``derivation``: :func:`symbol_names`, and the heads of the function
    applications its expressions print: undefined functions (``Function("Normal")``) and the operators of
    derive.notation by the name they carry (``KL`` for the KL divergence, ``H``, ``MSE``)."""
    names = symbol_names(derivation)
    for e in _printed_expressions(derivation):
        names |= {n for f in e.atoms(sp.Function) if (n := head_name(type(f))) and NAME.fullmatch(n)}
    return names


def head_name(cls: type) -> str | None:
    """The name a notation renames the head of an application of ``cls`` by: an undefined function's name, or the
    ``symbol_name`` an operator class of a module defines for itself (``KLDivergence.symbol_name == "KL"``); None
    for any other class, and for one a factory made (``conditional("p", ...)``: the module chose that name, and
    ``p`` is often also a symbol of the derivation)."""
    if isinstance(cls, UndefinedFunction):
        return cls.__name__
    own = vars(cls).get("symbol_name")
    made = getattr(sys.modules.get(cls.__module__), cls.__name__, None) is not cls
    return own if isinstance(own, str) and not made and not cls.__module__.startswith("sympy") else None


def _printed_expressions(derivation) -> list[sp.Basic]:
    ctx = derivation.context
    exprs = [derivation.start, derivation.subject] + [e for d in ctx.definitions for e in (d.lhs, d.rhs)]
    for step in derivation.steps:
        exprs += [step.expr, step.lhs, step.claim_lhs] + [e for pair in step.values for e in pair]
    return [e for e in exprs if isinstance(e, sp.Basic)]


def clashes(notation: Notation, derivation) -> list[tuple[str, str, str]]:
    r"""``(renamed, other, latex)`` for each name ``notation`` renames to how another name of ``derivation`` prints
    (``q`` → ``\hat{y}`` beside ``yhat``; ``f`` → ``g`` beside a function ``g``; every :func:`renameable_names`,
    symbols, functions and operators alike): allowed, but the reader can no longer tell the two apart."""
    names = renameable_names(derivation)

    def printed(name: str) -> str:
        tex = notation.symbols.get(name) or plain_symbol_latex(name)
        return re.sub(r"[\s{}]", "", tex)  # \hat{y}, \hat y and {\hat{y}} look the same

    found = []
    for name in sorted(names & set(notation.symbols)):
        for other in sorted(names - {name}):
            if printed(other) == printed(name) and (other, name, notation.symbols[name]) not in found:
                found.append((name, other, notation.symbols[name]))
    return found


def plain_symbol_latex(name: str) -> str:
    """How SymPy prints a symbol called ``name`` (``yhat`` → ``\\hat{y}``), whatever the notation in force; here,
    not in :mod:`derive.render.printer`, which reads the notation in force from this module."""
    return LatexPrinter().doprint(sp.Symbol(name))


# NOTE: what hand-written math leaves alone: the argument of a command that typesets text, a font or a label
# (``\text{for a fixed } a``, ``\mathbb{E}``, ``D_{\mathrm{KL}}``), Euler's ``e^{...}``, the ``d`` of ``\frac{d}{dx}``
# and of an integral's ``\, dx``.
_KEPT_ARGUMENT = re.compile(
    r"\\(?:text[a-z]*|mbox|math(?:rm|tt|bb|cal|frak|sf|bf|scr)|operatorname\*?|label|ref|eqref|begin|end)\s*"
)
_NOT_BEFORE = {"d": r"(?<!\\frac\{)(?<!\}\{)(?<!\\,)(?<!\\, )"}
_NOT_AFTER = {"e": r"(?!\s*\^)"}


def _kept_spans(latex: str) -> list[tuple[int, int]]:
    """Where ``latex`` has a command's argument :func:`rename_math` must not touch (a brace group, or one
    character after the command)."""
    spans = []
    for match in _KEPT_ARGUMENT.finditer(latex):
        start = end = match.end()
        if latex[start : start + 1] == "{":
            depth = 0
            for end in range(start, len(latex)):
                depth += {"{": 1, "}": -1}.get(latex[end], 0)
                if depth == 0:
                    break
            end += 1
        elif start < len(latex):
            end = start + 1
        spans.append((match.start(), end))
    return spans


def rename_math(latex: str) -> str:
    r"""Hand-written LaTeX (a definition's text, math in prose) in the notation in force: renamed symbols and
    ``\log`` → ``\ln``/``\log_{b}``. Only names standing as math identifiers are renamed: not inside the argument of
    ``\text``, ``\mathtt`` (code), ``\mathrm``, ``\operatorname`` (an operator already typeset, ``D_{\mathrm{KL}}``),
    ``\mathbb``, ``\mathcal`` and the like, nor inside a command's name, nor Euler's ``e`` of ``e^{x}`` nor the ``d``
    of ``\frac{d}{dx}`` and ``\, dx``."""
    notation = current()
    spans = _kept_spans(latex)
    pieces, at = [], 0
    for start, end in spans:
        pieces += [(latex[at:start], True), (latex[start:end], False)]
        at = end
    pieces.append((latex[at:], True))
    out = []
    for text, free in pieces:
        for name, tex in notation.symbols.items() if free else ():
            for form in {name, plain_symbol_latex(name)}:
                pattern = r"(?<![A-Za-z\\])" + _NOT_BEFORE.get(form, "") + re.escape(form)
                pattern += r"(?![A-Za-z])" + _NOT_AFTER.get(form, "")
                text = re.sub(pattern, lambda _m, t=tex: "{" + t + "}", text)
        if free and notation.log_command != r"\log":
            text = re.sub(r"\\log(?![A-Za-z_])", lambda _m: notation.log_command, text)
        out.append(text)
    return "".join(out)
