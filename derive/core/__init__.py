"""The model: declarations (``Context``), derivations and their steps, evidence values and expression hygiene.

The bottom layer: it knows nothing of rules, checking, rendering or notebooks (see CHANGELOG.md for the layers).
"""
