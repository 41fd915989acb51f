"""Write a checked derivation's write-ups: LaTeX fragment, standalone LaTeX, Markdown, JSON report and PDF.

Every file is written atomically, so a failure midway leaves the previous version (or nothing), never half a file.
"""

from __future__ import annotations

import json
from pathlib import Path

from derive.atomic import write_atomic
from derive.checker import DerivationReport


def output_names(name: str) -> dict[str, str]:
    """The files written for the derivation ``name``."""
    return {
        "fragment": f"{name}-fragment.tex",
        "document": f"{name}.tex",
        "markdown": f"{name}.md",
        "report": f"{name}.json",
        "pdf": f"{name}.pdf",
    }


def write_outputs(report: DerivationReport, out: Path, pdf: bool = True) -> list[Path]:
    """Render ``report`` into ``out``; returns the paths written. The PDF needs latexmk or pdflatex."""
    from derive.render.latex import render_document, render_fragment
    from derive.render.markdown import render_markdown
    from derive.render.pdf import compile_pdf

    d, results = report.derivation, report.results
    names = output_names(d.name)
    written = [
        write_atomic(out / names["fragment"], render_fragment(d, results)),
        write_atomic(out / names["document"], render_document(d, results)),
        write_atomic(out / names["markdown"], render_markdown(d, results)),
        write_atomic(out / names["report"], json.dumps(_stable(report.to_json()), indent=2, ensure_ascii=False) + "\n"),
    ]
    if pdf:
        made = compile_pdf(out / names["document"], out)
        if made is not None:
            written.append(made)
    return written


def _stable(data: dict) -> dict:
    """The JSON report without timings, so the same derivation gives a byte-identical file."""
    data = dict(data)
    data["steps"] = [{k: v for k, v in s.items() if k not in ("seconds", "location", "cached")} for s in data["steps"]]
    data.pop("path", None)
    return data
