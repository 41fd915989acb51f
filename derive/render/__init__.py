"""Write-ups of a checked derivation: LaTeX (fragment or standalone article), PDF, Markdown, lecture notes, slides,
a notebook's MathJax display and the text reports.

Every renderer takes a ``Derivation`` and its ``StepResult`` list (one per step) and returns text; the output is
deterministic, so it can be compared with golden files. The chain is built once (:mod:`derive.render.chain`) and
each format renders its lines by kind; :mod:`derive.render.base` holds the marks and the stated assumptions.
"""

from __future__ import annotations

from derive.render.latex import render_document, render_fragment
from derive.render.markdown import render_markdown
from derive.render.pdf import NO_TEX_NOTICE, RenderError, compile_pdf, tex_available
from derive.render.printer import DerivePrinter, to_latex

__all__ = [
    "NO_TEX_NOTICE",
    "DerivePrinter",
    "RenderError",
    "compile_pdf",
    "render_document",
    "render_fragment",
    "render_markdown",
    "tex_available",
    "to_latex",
]
