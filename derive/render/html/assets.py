"""The files every page of the site loads, copied into its ``assets/`` folder.

KaTeX 0.19.1 (MIT; ``katex/LICENSE``) is shipped inside the package, taken from the npm tarball: the minified
script and stylesheet, the ``.woff2`` fonts (the format every current browser reads first, so the stylesheet's
``.woff``/``.ttf`` fallbacks are never requested) and the auto-render extension. The pages' math is therefore
typeset with no network access. ``static/`` holds the site's own stylesheet and the script that starts KaTeX.
"""

from __future__ import annotations

from pathlib import Path

HERE = Path(__file__).resolve().parent
#: Where the pages find their assets (relative to the site's root, where every page lies).
ASSETS = "assets"
STYLESHEETS = (f"{ASSETS}/katex/katex.min.css", f"{ASSETS}/derive.css")
#: Loaded with ``defer``, in this order: KaTeX, its auto-render, then the script that runs it.
SCRIPTS = (f"{ASSETS}/katex/katex.min.js", f"{ASSETS}/katex/contrib/auto-render.min.js", f"{ASSETS}/derive.js")


def asset_files() -> dict[str, Path]:
    """Every asset of the site, by its path in the site (``assets/katex/fonts/KaTeX_Main-Regular.woff2``), mapped
    to the shipped file it is copied from.

    Raises:
        FileNotFoundError: if the package was installed without its data files (KaTeX's script is missing).
    """
    katex = HERE / "katex"
    if not (katex / "katex.min.js").is_file():
        raise FileNotFoundError(f"{katex}: KaTeX's files are missing; reinstall derivekit with its package data")
    files = {f"{ASSETS}/katex/{p.relative_to(katex).as_posix()}": p for p in sorted(katex.rglob("*")) if p.is_file()}
    files.update({f"{ASSETS}/{p.name}": p for p in sorted((HERE / "static").iterdir()) if p.is_file()})
    return files
