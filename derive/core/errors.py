"""The package's own errors: bad input is a ``DeriveError``; misuse of the API stays ``TypeError``/``ValueError``."""

from __future__ import annotations


class DeriveError(Exception):
    """Base class: something the user can fix in their derivation or command line."""


class LoadError(DeriveError):
    """A derivation module could not be imported, or defines no derivation."""


class ModelError(DeriveError):
    """A derivation or step is malformed (not a SymPy expression, unknown hint, bad relation)."""
