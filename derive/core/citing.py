"""What a step's ``by=`` names: rules and lemmas of the engine, and derivations whose conclusions it cites.

``by=`` takes rule and lemma names, rule objects (known here only by their ``name``), ``Derivation`` objects (one
imported from another derivation module: ``from derive.proofs.log_inequality import log_le``) and derivation
names. A string that is no rule or lemma is a derivation's name when it reads like one (lower-case words joined by
hyphens, as :func:`derive.core.model._slug` makes them: ``"gibbs-inequality"``): it is resolved when the step is
checked, against the derivations loaded in the same run (``derive.run.citations``). Any other string is an unknown
rule, refused at once as before: a derivation named with an underscore is cited by its object.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from derive.core import hooks
from derive.core.errors import ModelError

DERIVATION_NAME = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*")


def split_by(by, label: str, derivation_type: type, current) -> tuple[tuple[str, ...], tuple[str, ...], tuple]:
    """``by=`` as ``(rule names, cited derivation names, cited Derivation objects)``; ``current`` is the citing
    derivation (citing itself, or a derivation with no steps, is refused here)."""
    items = (by,) if isinstance(by, (str, derivation_type)) or not isinstance(by, Iterable) else tuple(by)
    rules: list[str] = []
    names: list[str] = []
    objects: list = []
    known = None
    for item in items:
        if isinstance(item, derivation_type):
            if item is current or item.name == current.name:
                raise ModelError(f"{label}: a derivation cannot cite itself ({item.name!r})")
            if not item.steps:
                raise ModelError(f"{label}: the derivation {item.name!r} has no steps: it concludes nothing to cite")
            names.append(item.name)
            objects.append(item)
            continue
        name = item if isinstance(item, str) else getattr(item, "name", item)
        if not isinstance(name, str):
            raise TypeError(f"{label}: by= takes rule names, rules or derivations, not {type(name).__name__} {name!r}")
        known = hooks.call("rule_names") if known is None else known  # the engine's registry
        if name in known or name.endswith("_def"):
            rules.append(name)
        elif isinstance(item, str) and DERIVATION_NAME.fullmatch(name):
            if name == current.name:
                raise ModelError(f"{label}: a derivation cannot cite itself ({name!r})")
            names.append(name)
        else:
            listed = ", ".join(sorted(known))
            raise ModelError(f"{label}: unknown rule {name!r} in by=...; known rules: {listed}")
    return tuple(rules), tuple(dict.fromkeys(names)), tuple(objects)
