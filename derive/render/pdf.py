"""Compile a standalone ``.tex`` write-up to PDF with latexmk (or pdflatex run twice).

TeX runs in a temporary directory, so a failed run leaves nothing behind, and the finished PDF is moved into place
atomically: a reader of ``out_dir`` sees the old PDF or the new one, never half of one. Without TeX installed,
:func:`compile_pdf` returns None and the caller prints :data:`NO_TEX_NOTICE`.
"""

from __future__ import annotations

import hashlib
import os
import re
import shutil
import subprocess
import tempfile
from pathlib import Path

from derive.core.atomic import write_atomic
from derive.core.errors import DeriveError

#: The Debian packages that typeset every write-up (the slides need texlive-pictures' pgf for beamer). README.md
#: names the same list (a test compares them); .ci/run installs them.
TEX_PACKAGES = ("texlive-latex-recommended", "texlive-fonts-recommended", "texlive-pictures", "lmodern", "latexmk")

NO_TEX_NOTICE = (
    "derive: no LaTeX found (neither latexmk nor pdflatex is on PATH), so no PDF was made; the .tex is written. "
    f"Install TeX Live (Debian: apt-get install {' '.join(TEX_PACKAGES)}) to get PDFs."
)

#: Seconds one TeX run may take before it is stopped (a runaway macro must not hang the CLI).
TIMEOUT = 120


class RenderError(DeriveError):
    """LaTeX could not typeset a write-up; the message names the ``.tex`` file and quotes LaTeX's error."""


def tex_available() -> bool:
    """True when pdflatex is on PATH (latexmk, if present, drives it; it cannot work without it)."""
    return shutil.which("pdflatex") is not None


def compile_pdf(tex_path: Path, out_dir: Path) -> Path | None:
    """Typeset ``tex_path`` and place ``<stem>.pdf`` in ``out_dir``.

    Args:
        tex_path: a standalone LaTeX document; files it ``\\input``s are found relative to its directory.
        out_dir: where the PDF goes (created if missing).

    Returns:
        The PDF's path, or None when no TeX is installed (nothing is written then).

    Raises:
        RenderError: LaTeX stopped on an error (the message quotes the first ``! ...`` line of the log),
            timed out, or produced no PDF.
    """
    tex_path = Path(tex_path).resolve()
    out_dir = Path(out_dir)
    if not tex_available():
        return None
    if not tex_path.is_file():
        raise RenderError(f"{tex_path}: no such file")
    latexmk = shutil.which("latexmk")
    env = dict(os.environ, max_print_line="1000")  # one log line per message, so errors are quoted whole
    # The same source gives the same PDF (dates and /ID from a fixed epoch), so committed PDFs only change with
    # their content; a SOURCE_DATE_EPOCH set by the caller (a reproducible-builds setup) is respected.
    env.setdefault("SOURCE_DATE_EPOCH", "0")
    env.setdefault("FORCE_SOURCE_DATE", "1")
    with tempfile.TemporaryDirectory(prefix="derive-tex-") as tmp:
        if latexmk:
            runs = [[latexmk, "-norc", "-pdf", "-interaction=nonstopmode", "-halt-on-error", f"-outdir={tmp}"]]
        else:
            pdflatex = shutil.which("pdflatex") or "pdflatex"
            once = [pdflatex, "-interaction=nonstopmode", "-halt-on-error", f"-output-directory={tmp}"]
            runs = [once, once]  # the second run resolves \eqref and \label
        for command in runs:
            _run([*command, tex_path.name], tex_path, Path(tmp), env)
        built = Path(tmp) / f"{tex_path.stem}.pdf"
        if not built.is_file():
            raise RenderError(f"{tex_path}: LaTeX finished without producing a PDF")
        return write_atomic(out_dir / built.name, stable_id(built.read_bytes()))


_PDF_ID = re.compile(rb"/ID \[<([0-9A-Fa-f]{32})> <([0-9A-Fa-f]{32})>\]")


def stable_id(pdf: bytes) -> bytes:
    """The PDF with its /ID made from its content: pdfTeX derives it from the output's path, a temporary folder
    here. Same length, so the cross-reference offsets stay valid."""
    found = list(_PDF_ID.finditer(pdf))
    if len(found) != 1:
        return pdf
    digest = hashlib.md5(_PDF_ID.sub(b"", pdf), usedforsecurity=False).hexdigest().upper().encode()
    return pdf[: found[0].start()] + b"/ID [<" + digest + b"> <" + digest + b">]" + pdf[found[0].end() :]


def _run(command: list[str], tex_path: Path, tmp: Path, env: dict[str, str]) -> None:
    try:
        proc = subprocess.run(
            command,
            cwd=tex_path.parent,
            env=env,
            stdin=subprocess.DEVNULL,
            capture_output=True,
            text=True,
            errors="replace",
            timeout=TIMEOUT,
            check=False,
        )
    except subprocess.TimeoutExpired:
        raise RenderError(f"{tex_path}: LaTeX did not finish within {TIMEOUT} s") from None
    if proc.returncode != 0:
        log = tmp / f"{tex_path.stem}.log"
        text = log.read_text(errors="replace") if log.is_file() else proc.stdout
        raise RenderError(f"{tex_path}: LaTeX failed: {first_error(text)}")


def first_error(log: str) -> str:
    """The first ``! ...`` line of a TeX log, with the source line number from the ``l.<n>`` line after it."""
    lines = log.splitlines()
    for n, line in enumerate(lines):
        if line.startswith("! "):
            where = next((m.group(1) for m in map(re.compile(r"^l\.(\d+)").match, lines[n + 1 : n + 30]) if m), None)
            return line + (f" (line {where})" if where else "")
    tail = [line for line in lines if line.strip()][-3:]
    return "no '!' error line in the log; it ends with: " + " | ".join(tail) if tail else "no log was written"
