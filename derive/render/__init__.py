"""Write-ups of a checked derivation: LaTeX (fragment or standalone article), PDF, Markdown, lecture notes, slides,
a notebook's MathJax display and the text reports.

Every renderer takes a ``Derivation`` and its ``StepResult`` list (one per step) and returns text; the output is
deterministic, so it can be compared with golden files. The chain is built once (:mod:`derive.render.chain`) and
each format renders its lines by kind; :mod:`derive.render.base` holds the marks and the stated assumptions.

The package re-exports nothing: importing the check table (:mod:`derive.render.report`, which a warm
``derive check`` needs) must not import the LaTeX, Markdown and PDF renderers (about 0.3 s).
"""
