"""Score derive on the external corpora: Mathlib statements and a lecturer's course (bench/corpora).

Run from the repository root:

    python bench/score.py                 # both corpora, 5 s per statement or step, 2 jobs
    python bench/score.py --budget 10 --json
    python bench/score.py --only mathlib
    python bench/score.py --write         # and put the scores in docs/performance.md ("External corpora")

Every Mathlib statement is checked fresh (no cache) the way ``derive.verify(lhs, rhs, ctx, budget=...)`` checks it:
an equation is the same ``ClaimTask`` that ``derive.verify`` runs in a killable worker, here ``--jobs`` at a time
(``--jobs 1`` calls ``derive.verify`` itself); an inequality is the one step of a one-step ``Derivation``, checked
like a step of ``derive check``. The course is checked by ``python -m derive check bench/corpora/course --json
--no-cache`` in a subprocess, the machinery a lecturer runs.

Printed per corpus: the true statements (or steps) proved for every size over their total, the count of each
evidence level, every true one not proved with its evidence, and for the false variants how many were refuted.
A false statement proved (for every size), or a true one refuted, is a soundness failure: printed loudly, exit code
1 (proved-for-sizes claims only the sizes it lists). A course that does not load is exit code 2. Progress: stderr.

Beside derive, plain SymPy gets the same claims under the same budget in the same killable workers (``plain_sympy``):
an equation is proved when ``simplify(lhs - rhs) == 0``; an inequality when SymPy's assumptions call the simplified
gap positive (``<``, ``>``) or nonnegative (``≤``, ``≥``); a ``≠`` never. The course's claims are read from its
modules (derive's loader), the same steps ``derive check`` counts.
"""

from __future__ import annotations

import argparse
import json
import re
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

import sympy as sp  # noqa: E402
from corpora.mathlib import statements  # noqa: E402
from corpora.statement import Statement  # noqa: E402

import derive  # noqa: E402
from derive import Derivation  # noqa: E402
from derive.checks.steps import Options  # noqa: E402
from derive.core.evidence import Evidence, StepResult  # noqa: E402
from derive.core.model import Kind  # noqa: E402
from derive.run.check import step_task  # noqa: E402
from derive.run.loader import load  # noqa: E402
from derive.run.tasks import ClaimTask  # noqa: E402
from derive.run.worker import run_many  # noqa: E402

COURSE = ROOT / "bench" / "corpora" / "course"
PROVED = "proved"


def log(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


# -- Mathlib ---------------------------------------------------------------------------------------------------
def _task(s: Statement, options: Options):
    """What checking ``s`` takes: derive.verify's own task for an equation, a one-step derivation otherwise."""
    if s.relation == "=":
        return ClaimTask(s.lhs, s.rhs, s.context, s.hints, options)
    slug = re.sub(r"[^a-z0-9]+", "-", s.label.lower()).strip("-")[:60] or "claim"
    d = Derivation(s.label, s.context, start=s.lhs, name=slug)
    d.step(s.rhs, f"Mathlib: {s.lemma}", relation=s.relation, name="claim")
    return step_task(d, d.steps[0], options)


def check_mathlib(budget: float, jobs: int) -> list[tuple[Statement, StepResult]]:
    items = statements()
    log(f"mathlib: {len(items)} statements, budget {budget:g} s, {jobs} job(s)")
    options = Options(budget)
    start = time.perf_counter()

    def progress(index: int, result: StepResult) -> None:
        s = items[index]
        log(f"  [{index + 1:3}/{len(items)}] {'T' if s.truth else 'F'} {result.evidence.value:17} {s.label}")

    if jobs <= 1:
        results = []
        for index, s in enumerate(items):
            if s.relation == "=":
                result = derive.verify(s.lhs, s.rhs, s.context, by=s.hints, budget=budget)
            else:
                result = run_many([_task(s, options)], budget)[0]
            progress(index, result)
            results.append(result)
    else:
        results = run_many([_task(s, options) for s in items], budget, jobs, progress)
    log(f"mathlib: {time.perf_counter() - start:.1f} s")
    return list(zip(items, results, strict=True))


def mathlib_summary(pairs: list[tuple[Statement, StepResult]]) -> dict:
    true_pairs = [(s, r) for s, r in pairs if s.truth]
    false_pairs = [(s, r) for s, r in pairs if not s.truth]

    def row(s: Statement, r: StepResult) -> dict:
        return {
            "label": s.label,
            "source": s.source,
            "relation": s.relation,
            "evidence": r.evidence.value,
            "detail": (r.detail or "").splitlines()[0][:200] if r.detail else "",
        }

    return {
        "true_total": len(true_pairs),
        "true_proved": sum(r.evidence.value == PROVED for _, r in true_pairs),
        "true_evidence": dict(Counter(r.evidence.value for _, r in true_pairs)),
        "true_not_proved": [row(s, r) for s, r in true_pairs if r.evidence.value != PROVED],
        "false_total": len(false_pairs),
        "false_refuted": sum(r.evidence.value == "refuted" for _, r in false_pairs),
        "false_evidence": dict(Counter(r.evidence.value for _, r in false_pairs)),
        "false_not_refuted": [row(s, r) for s, r in false_pairs if r.evidence.value != "refuted"],
        "soundness_failures": [
            row(s, r) | {"truth": s.truth}
            for s, r in pairs
            if (s.truth and r.evidence.value == "refuted") or (not s.truth and r.evidence.value == PROVED)
        ],
    }


# -- the course --------------------------------------------------------------------------------------------------
def check_course(budget: float, jobs: int) -> dict:
    modules = sorted(p for p in COURSE.glob("*.py") if not p.name.startswith("_"))
    log(f"course: {len(modules)} modules, budget {budget:g} s, {jobs} job(s) (derive check --json --no-cache)")
    start = time.perf_counter()
    cmd = [
        sys.executable,
        "-m",
        "derive",
        "check",
        str(COURSE),
        "--json",
        "--no-cache",
        "--budget",
        str(budget),
        "--jobs",
        str(jobs),
    ]
    done = subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True, check=False)
    log(f"course: exit code {done.returncode}, {time.perf_counter() - start:.1f} s")
    try:
        report = json.loads(done.stdout)
    except json.JSONDecodeError:
        return {"load_error": (done.stderr or done.stdout).strip()[-2000:], "exit_code": done.returncode}
    steps = [(d, s) for d in report.get("derivations", []) for s in d["steps"] if s["evidence"] != "assumed"]

    def row(d: dict, s: dict) -> dict:
        return {
            "label": f"{Path(d['path']).name}:{d['name']}:{s['name']}",
            "relation": s["relation"],
            "evidence": s["evidence"],
            "detail": (s.get("detail") or "").splitlines()[0][:200] if s.get("detail") else "",
        }

    return {
        "modules": len(modules),
        "derivations": len(report.get("derivations", [])),
        "exit_code": done.returncode,
        "true_total": len(steps),
        "true_proved": sum(s["evidence"] == PROVED for _, s in steps),
        "true_evidence": dict(Counter(s["evidence"] for _, s in steps)),
        "true_not_proved": [row(d, s) for d, s in steps if s["evidence"] != PROVED],
        "soundness_failures": [row(d, s) | {"truth": True} for d, s in steps if s["evidence"] == "refuted"],
    }


# -- plain SymPy on the same claims -------------------------------------------------------------------------------
def plain_sympy(lhs: sp.Expr, rhs: sp.Expr, relation: str):
    """A task: what plain SymPy proves of ``lhs <relation> rhs`` (see the module docstring)."""

    def attempt() -> StepResult:
        if relation in ("=", "=="):
            proved = sp.simplify(lhs - rhs) == 0
        elif relation in ("<", "<=", "≤"):
            gap = sp.simplify(rhs - lhs)
            proved = bool(gap.is_positive if relation == "<" else gap.is_nonnegative)
        elif relation in (">", ">=", "≥"):
            gap = sp.simplify(lhs - rhs)
            proved = bool(gap.is_positive if relation == ">" else gap.is_nonnegative)
        else:
            proved = False
        return StepResult(Evidence.PROVED if proved else Evidence.UNDECIDED)

    return attempt


def course_claims() -> list[tuple[sp.Expr, sp.Expr, str]]:
    """Every checked step of the course (assumptions left out), as ``derive check`` counts them."""
    out = []
    for item in load([COURSE]):
        for d in item.derivations:
            for s in d.steps:
                if s.kind not in (Kind.ASSUME, Kind.REFERENCE):
                    out.append((s.claim_lhs, s.expr, s.relation.value))
    return out


def plain_scores(budget: float, jobs: int, only: str | None) -> dict:
    """Plain SymPy's proved counts: true and false Mathlib statements, true course steps."""
    out: dict[str, dict] = {}
    if only in (None, "mathlib"):
        items = statements()
        log(f"plain sympy on mathlib: {len(items)} statements")
        results = run_many([plain_sympy(s.lhs, s.rhs, s.relation) for s in items], budget, jobs)
        out["mathlib"] = {
            "true_proved": sum(r.evidence is Evidence.PROVED for s, r in zip(items, results, strict=True) if s.truth),
            "false_proved": sum(
                r.evidence is Evidence.PROVED for s, r in zip(items, results, strict=True) if not s.truth
            ),
        }
    if only in (None, "course"):
        claims = course_claims()
        log(f"plain sympy on the course: {len(claims)} steps")
        results = run_many([plain_sympy(*c) for c in claims], budget, jobs)
        out["course"] = {"true_proved": sum(r.evidence is Evidence.PROVED for r in results), "false_proved": 0}
    return out


# -- report ------------------------------------------------------------------------------------------------------
def print_corpus(name: str, summary: dict) -> None:
    print(f"== {name} ==")
    if "load_error" in summary:
        print(f"  could not check (exit code {summary['exit_code']}):\n{summary['load_error']}")
        return
    if "modules" in summary:
        print(
            f"  {summary['modules']} modules, {summary['derivations']} derivations (derive check exit code "
            f"{summary['exit_code']})"
        )
    print(f"  true proved for all sizes: {summary['true_proved']}/{summary['true_total']}")
    print("  evidence (true): " + ", ".join(f"{k} {v}" for k, v in sorted(summary["true_evidence"].items())))
    if summary["true_not_proved"]:
        print("  true, not proved:")
        for r in summary["true_not_proved"]:
            print(f"    {r['evidence']:17} {r['label']}" + (f"  -- {r['detail']}" if r["detail"] else ""))
    if "false_total" in summary:
        print(f"  false refuted: {summary['false_refuted']}/{summary['false_total']}")
        print("  evidence (false): " + ", ".join(f"{k} {v}" for k, v in sorted(summary["false_evidence"].items())))
        for r in summary["false_not_refuted"]:
            print(f"    not refuted: {r['evidence']:17} {r['label']}")
    for r in summary["soundness_failures"]:
        kind = "TRUE statement REFUTED" if r["truth"] else "FALSE statement PROVED"
        print(f"  !!!!! SOUNDNESS FAILURE: {kind}: {r['label']} ({r['evidence']}: {r['detail']})")


PERFORMANCE = ROOT / "docs" / "performance.md"
BEGIN = "<!-- corpora: generated by `python bench/score.py --write` -->"
END = "<!-- end of the corpora -->"


def section(scores: dict, budget: float, plain: dict | None = None) -> str:
    """The corpora section of docs/performance.md: each corpus's proved rate and what is not proved."""
    lines = [
        BEGIN,
        "## External corpora",
        "",
        "Statements derive was not built around (bench/corpora, README there): lemmas of Lean's Mathlib about finite "
        "sums and products, geometric sums, `Real.log` and `Real.exp` and classical inequalities, translated "
        "faithfully with false variants, "
        "and a course of modules written the way a lecturer types them. Each is checked fresh, "
        f"{budget:g} s per statement or step, by `python bench/score.py`.",
        "",
        "Plain SymPy, on the same claims with the same budget: `simplify(lhs - rhs) == 0` for an equation, SymPy's "
        "assumptions on the simplified gap for an inequality (`is_positive`, `is_nonnegative`).",
        "",
        "| corpus | true, proved for all sizes | false, refuted | a false one proved or a true one refuted "
        "| plain SymPy: true proved | plain SymPy: false proved |",
        "|---|---:|---:|---:|---:|---:|",
    ]
    plain = plain or {}
    for name, summary in scores.items():
        if "load_error" in summary:
            lines.append(f"| {name} | could not be checked | | | | |")
            continue
        false = f"{summary['false_refuted']}/{summary['false_total']}" if "false_total" in summary else "–"
        theirs = plain.get(name)
        plain_true = f"{theirs['true_proved']}/{summary['true_total']}" if theirs else "not measured"
        plain_false = (
            (f"{theirs['false_proved']}/{summary['false_total']}" if "false_total" in summary else "–")
            if theirs
            else ""
        )
        lines.append(
            f"| {name} | {summary['true_proved']}/{summary['true_total']} | {false} | "
            f"{len(summary['soundness_failures'])} | {plain_true} | {plain_false} |"
        )
    for name, summary in scores.items():
        if summary.get("true_not_proved"):
            lines += ["", f"Not proved in {name}:", ""]
            lines += [
                f"- `{r['label']}` ({r['relation'] if 'relation' in r else '='}): {r['evidence']}"
                for r in summary["true_not_proved"]
            ]
    lines += ["", END]
    return "\n".join(lines)


def write_section(scores: dict, budget: float, plain: dict | None) -> None:
    """Replace the corpora section of docs/performance.md (or append it), through a temporary file."""
    text = PERFORMANCE.read_text()
    new = section(scores, budget, plain)
    if BEGIN in text and END in text:
        text = text[: text.index(BEGIN)] + new + text[text.index(END) + len(END) :]
    else:
        text = text.rstrip("\n") + "\n\n" + new + "\n"
    tmp = PERFORMANCE.with_suffix(".md.tmp")
    tmp.write_text(text)
    tmp.replace(PERFORMANCE)
    log(f"wrote the corpora section of {PERFORMANCE.relative_to(ROOT)}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--budget", type=float, default=5.0, help="seconds per statement or step (default 5)")
    parser.add_argument("--jobs", type=int, default=2, help="checks in parallel (default 2)")
    parser.add_argument("--only", choices=("mathlib", "course"), help="score one corpus")
    parser.add_argument("--json", action="store_true", help="print the scores as JSON")
    parser.add_argument(
        "--write",
        action="store_true",
        help="also put the scores in docs/performance.md (both corpora only; implies --plain)",
    )
    parser.add_argument("--plain", action="store_true", help="also score plain SymPy on the same claims")
    args = parser.parse_args(argv)
    if args.write and args.only:
        parser.error("--write needs both corpora (no --only)")
    scores: dict[str, dict] = {}
    if args.only in (None, "mathlib"):
        scores["mathlib"] = mathlib_summary(check_mathlib(args.budget, args.jobs))
    if args.only in (None, "course"):
        scores["course"] = check_course(args.budget, args.jobs)
    plain = plain_scores(args.budget, args.jobs, args.only) if args.plain or args.write else None
    if args.json:
        print(json.dumps({"derive": scores, "plain_sympy": plain} if plain else scores, indent=2, ensure_ascii=False))
    else:
        for name, summary in scores.items():
            print_corpus(name, summary)
            if plain and name in plain:
                theirs = plain[name]
                print(f"  plain SymPy: {theirs['true_proved']} true proved, {theirs['false_proved']} false proved")
    if args.write:
        write_section(scores, args.budget, plain)
    if any(summary.get("soundness_failures") for summary in scores.values()):
        log("SOUNDNESS FAILURE: see above")
        return 1
    return 2 if any("load_error" in summary for summary in scores.values()) else 0


if __name__ == "__main__":
    sys.exit(main())
