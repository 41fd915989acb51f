"""The static HTML site of a build: an index with every derivation's evidence at a glance, one page per derivation,
the questions the derivations answer, and the graph of which result cites which.

- :mod:`.site`: :func:`~derive.render.html.site.render_site`, every page of the site by file name;
- :mod:`.derivation`: one derivation's page (the chain as a table aligned at the relations, a row per line with
  its stable anchor ``#<derivation>:<step>``, what each line used shown on demand in ``<details>``);
- :mod:`.svg`: the dependency graph as inline SVG, from :mod:`derive.render.graph`'s layout;
- :mod:`.page`: the frame every page shares, and the small HTML helpers;
- :mod:`.assets`: the files the pages load (KaTeX, shipped in ``katex/``, its stylesheet, fonts and auto-render,
  so that math renders with no network; the site's own stylesheet and script in ``static/``).

Pages link to each other and to their assets by relative paths only, so the folder works from ``file://`` and
from any path of any web server.
"""

from __future__ import annotations

from derive.render.html.assets import asset_files
from derive.render.html.site import page_name, render_site

__all__ = ["asset_files", "page_name", "render_site"]
