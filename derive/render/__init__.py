"""Write-ups of a checked derivation: LaTeX (fragment or standalone article), PDF and Markdown."""

from __future__ import annotations

from derive.render.latex import render_document, render_fragment
from derive.render.markdown import render_markdown
from derive.render.printer import DerivePrinter, to_latex

__all__ = ["DerivePrinter", "render_document", "render_fragment", "render_markdown", "to_latex"]
