"""The derivations bundled with derive (installed as ``derive.proofs``); see README.md for the list."""
