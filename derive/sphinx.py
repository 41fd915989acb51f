"""The Sphinx extension: ``extensions = ["derive.sphinx"]`` in ``conf.py`` (or ``sphinx: extra_extensions:
[derive.sphinx]`` in a Jupyter Book 1 ``_config.yml``) adds the ``derivation`` directive; see docs/sphinx.md.

Only the public name lives here; the directive is :mod:`derive.entry.sphinx_directive`.
"""

from __future__ import annotations

from derive.entry.sphinx_directive import setup

__all__ = ["setup"]
