"""What the layers above the model provide to it, so that the model imports none of them.

A derivation module only builds a ``Derivation``, yet four of its calls need a layer above:

- ``step(by=...)`` checks the rule names against the engine's registry (``rule_names``);
- ``step`` checks each summation index's own assumptions against its range, with the engine's facts
  (``index_problem``);
- ``reference(...)`` builds and validates the code check of the checks layer (``reference``);
- ``check()`` runs the checker and shows the report in a notebook (``check``).

``derive/__init__.py`` provides each (importing its provider only on the first call), and every import of a
``derive`` submodule runs it first, so the services are there whenever a model exists. The model stays the bottom
layer: an import-linter contract in the tests forbids it any import from above, inside functions too.
"""

from __future__ import annotations

from collections.abc import Callable

_PROVIDERS: dict[str, Callable] = {}
SERVICES = ("rule_names", "index_problem", "reference", "check")


def provide(service: str, provider: Callable) -> None:
    """Register ``provider`` for ``service`` (one of :data:`SERVICES`), replacing any earlier one."""
    if service not in SERVICES:
        raise ValueError(f"unknown service {service!r}; the model uses {', '.join(SERVICES)}")
    _PROVIDERS[service] = provider


def call(service: str, *args, **kwargs):
    """Call the provider of ``service``."""
    try:
        provider = _PROVIDERS[service]
    except KeyError:  # only when derive/__init__.py did not run, which an import of derive.core.* cannot skip
        raise RuntimeError(f"derive: nothing provides {service!r}; import derive before using the model") from None
    return provider(*args, **kwargs)
