"""``derive.proofs`` in a source checkout: the bundled derivations live in the repository's top-level ``proofs/``
(installed as ``derive.proofs`` by pyproject's package-dir, which takes that folder, not this one). Run from a
checkout (``python -m pytest`` puts the checkout first on sys.path), ``from derive.proofs.log_inequality import
log_le`` in a citing module finds them here."""

from pathlib import Path

__path__ = [str(Path(__file__).resolve().parents[2] / "proofs")]
