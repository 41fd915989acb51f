"""Benchmark derive: whole-process check times, derive against plain SymPy, and concrete sizes against one proof.

Run from the repository root (after ``pip install '.[bench]'``):

    python bench/run.py            # 5 repeats; writes docs/performance.md and docs/images/performance.png
    python bench/run.py --warm     # only the interleaved warm ratios: bundled library and 100 generated ones

A warm ratio alternates ``python -c "import sympy"`` and a warm ``derive check`` (every module recorded), 5 each,
and divides the medians, so that a load that comes and goes weighs on both alike.

Every time is a median of whole-process runs or of repeated calls, measured in this one run; the machines are
shared and noisy, so compare ratios within a run, not figures across runs.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import sympy as sp  # noqa: E402

from derive.checks.sampling import Instances, Point  # noqa: E402
from derive.checks.steps import Options, prove_at_point, verify_claim  # noqa: E402
from derive.core.evidence import Evidence, StepResult  # noqa: E402
from derive.core.model import Kind, Relation  # noqa: E402
from derive.entry.mutate.guard import _example_instance  # noqa: E402
from derive.run.check import check_step  # noqa: E402
from derive.run.loader import bundled_proofs, load  # noqa: E402
from derive.run.worker import run_isolated  # noqa: E402

SIZES = (2, 4, 8, 16, 32, 64)


def with_cpu(cmd: list[str], repeat: int, env: dict | None = None) -> tuple[float, float]:
    """Medians of ``repeat`` runs of ``cmd``: wall seconds, and CPU seconds of the process and its workers."""
    walls, cpus = [], []
    for _ in range(repeat):
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        walls.append(whole_process(cmd, 1, env))
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        cpus.append(after.ru_utime + after.ru_stime - before.ru_utime - before.ru_stime)
    return statistics.median(walls), statistics.median(cpus)


def whole_process(cmd: list[str], repeat: int, env: dict | None = None) -> float:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        subprocess.run(cmd, check=False, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=env, cwd=ROOT)
        times.append(time.perf_counter() - start)
    return statistics.median(times)


GENERATED = """\"\"\"Generated derivation {n}: the log of a product, then of a power.\"\"\"

from sympy import Symbol, log
from derive import Context, Derivation

ctx = Context()
a = Symbol("a", positive=True)
b = Symbol("b", positive=True)
d = Derivation("Generated {n}", ctx, start=log(a * b**{k}), name="generated-{n}")
d.step(log(a) + log(b**{k}), "the log of a product of positives", name="split")
d.step(log(a) + {k} * log(b), "the log of a positive power", name="power")
"""


def generated_library(folder: Path, count: int = 100) -> Path:
    """``count`` small derivation modules in ``folder`` (a library of many modules, unlike the bundled ten)."""
    folder.mkdir(parents=True, exist_ok=True)
    for n in range(count):
        (folder / f"generated_{n:03}.py").write_text(GENERATED.format(n=n, k=2 + n % 7))
    return folder


def interleaved_warm(paths: list[str], repeat: int, env: dict) -> tuple[float, float]:
    """Medians of ``repeat`` runs each of ``import sympy`` and a warm ``derive check PATHS``, alternating."""
    py, check = sys.executable, [sys.executable, "-m", "derive.entry.cli", "check", *paths]
    for _ in range(3):  # until every step has a verdict: a step that ran out of time is not stored, nor its module
        done = subprocess.run([*check, "--json"], check=False, capture_output=True, text=True, env=env, cwd=ROOT)
        steps = [s for d in json.loads(done.stdout or '{"derivations": []}')["derivations"] for s in d["steps"]]
        if steps and all(s["evidence"] != "undecided" for s in steps):
            break
    sympy_times, warm_times = [], []
    for _ in range(repeat):
        sympy_times.append(whole_process([py, "-c", "import sympy"], 1, env))
        warm_times.append(whole_process(check, 1, env))
    return statistics.median(sympy_times), statistics.median(warm_times)


def warm_ratios(repeat: int) -> list[str]:
    """The warm lines of docs/performance.md: each library's interleaved medians and their ratio."""
    lines = []
    with tempfile.TemporaryDirectory() as tmp:
        env = {**os.environ, "DERIVE_CACHE_DIR": str(Path(tmp) / "cache")}
        library = generated_library(Path(tmp) / "generated")
        for label, paths in [("bundled library (proofs/)", ["proofs"]), ("100 generated derivations", [str(library)])]:
            sympy_s, warm_s = interleaved_warm(paths, repeat, env)
            lines.append(
                f"- Warm, {label}: {warm_s:.2f} s against {sympy_s:.2f} s for `import sympy` "
                f"({warm_s / sympy_s:.2f}×; medians of {repeat} interleaved runs)"
            )
    return lines


def claims():
    for item in load([bundled_proofs()]):
        for d in item.derivations:
            for s in d.steps:
                if s.kind in (Kind.ASSUME, Kind.REFERENCE):  # stated, not checked; code, not a claim for simplify
                    continue
                lhs = _example_instance(s) if s.kind is Kind.EXAMPLE else s.claim_lhs
                yield d, s, lhs


def plain_simplify(lhs, rhs, budget: float) -> StepResult:
    def attempt():
        return StepResult(Evidence.PROVED if sp.simplify(lhs - rhs) == 0 else Evidence.UNDECIDED)

    return run_isolated(attempt, budget)


def against_sympy(budget: float) -> list[tuple[str, bool, float, bool, float]]:
    rows = []
    for d, s, lhs in claims():
        ours = check_step(d, s, Options(budget))
        if s.relation is Relation.EQ:
            plain = plain_simplify(lhs, s.expr, budget)
        else:  # simplify decides no inequality and no ≠: it proves none of them
            plain = StepResult(Evidence.UNDECIDED)
        rows.append(
            (
                f"{d.name} / {s.name}",
                ours.evidence is Evidence.PROVED,
                ours.seconds,
                plain.evidence is Evidence.PROVED,
                plain.seconds,
            )
        )
    return rows


def scaling(repeat: int) -> tuple[list[tuple[int, float]], float]:
    (item,) = [i for i in load([bundled_proofs()]) if i.path.name == "iid_cross_entropy.py"]
    d = item.derivations[0]
    step = next(s for s in d.steps if s.name == "group-by-counts")
    ctx = d.context
    N, K = (next(s for s in ctx.sizes if str(s) == n) for n in ("N", "K"))
    (x,) = ctx.datasets
    rng = random.Random(0)
    rows = []
    for size in SIZES:
        data = tuple(rng.randint(1, size) for _ in range(size))
        point = Point(((K, size), (N, size)), ((x, tuple(((k,), v) for k, v in enumerate(data, start=1))),))
        times = []
        for _ in range(repeat):
            start = time.perf_counter()
            ok = prove_at_point(Instances(step.claim_lhs, step.expr, ctx), point, ctx)
            times.append(time.perf_counter() - start)
            assert ok, f"the identity failed at size {size}"
        rows.append((size, statistics.median(times)))
    general = []
    for _ in range(repeat):
        start = time.perf_counter()
        assert verify_claim(step.claim_lhs, step.expr, ctx).evidence is Evidence.PROVED
        general.append(time.perf_counter() - start)
    return rows, statistics.median(general)


def plot(rows, general: float, path: Path) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(figsize=(6, 3.6), dpi=110)
    ax.plot([r[0] for r in rows], [r[1] for r in rows], "o-", label="one data vector at size K = N (exact)")
    ax.axhline(general, color="tab:green", linestyle="--", label="one proof for all N, K (incl. refutation guard)")
    ax.set_xscale("log", base=2)
    ax.set_yscale("log")
    ax.set_xlabel("K = N")
    ax.set_ylabel("seconds (median)")
    ax.set_title("Grouping by counts: concrete sizes vs. the general proof")
    ax.legend(fontsize=8)
    fig.tight_layout()
    path.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(path)


def _yes(flag: bool) -> str:
    return "yes" if flag else "no"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--budget", type=float, default=5.0)
    parser.add_argument("--out", type=Path, default=ROOT / "docs")
    parser.add_argument("--warm", action="store_true", help="only the interleaved warm ratios, printed")
    args = parser.parse_args()

    py = sys.executable
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    if args.warm:
        print("\n".join(warm_ratios(args.repeat)))
        return
    import_sympy = whole_process([py, "-c", "import sympy"], args.repeat)
    with tempfile.TemporaryDirectory() as cache:
        env["DERIVE_CACHE_DIR"] = cache
        check = [py, "-m", "derive", "check", "--jobs", "2"]
        cold, cold_cpu = with_cpu([*check, "--no-cache"], args.repeat, env)
        whole_process(check, 1, env)  # warm the cache
        warm = whole_process(check, args.repeat, env)
    warm_lines = warm_ratios(args.repeat)
    rows = against_sympy(args.budget)
    sizes, general = scaling(args.repeat)

    library = [d for item in load([bundled_proofs()]) for d in item.derivations]
    n_steps = sum(len(d.steps) for d in library)
    n_code = sum(s.kind is Kind.REFERENCE for d in library for s in d.steps)
    ours_n, plain_n = sum(r[1] for r in rows), sum(r[3] for r in rows)
    ours_t, plain_t = sum(r[2] for r in rows), sum(r[4] for r in rows)
    lines = [
        "# Performance",
        "",
        "Measured by `python bench/run.py` (medians of "
        f"{args.repeat} whole-process runs; {os.cpu_count()} cores; Python {sys.version.split()[0]}, "
        f"SymPy {sp.__version__}). The machines are shared and noisy: compare ratios within one run.",
        "",
        "## Whole-process times",
        "",
        "| what | seconds | ratio to `import sympy` |",
        "|---|---:|---:|",
        f'| `python -c "import sympy"` | {import_sympy:.2f} | 1.00 |',
        f"| `derive check --no-cache` (cold, whole library, 2 jobs) | {cold:.2f} | {cold / import_sympy:.2f} |",
        f"| `derive check` (warm: every step from the cache) | {warm:.2f} | {warm / import_sympy:.2f} |",
        "",
        "Targets: cold under 3 s on a 2-core machine; warm within 1.3× `import sympy`.",
        "",
        f"Cold, CPU per step: {cold_cpu / n_steps:.3f} s (the median cold run's CPU seconds, the workers' included, "
        f"over its {n_steps} steps).",
        "",
        "## Warm checks, interleaved",
        "",
        "A warm `derive check` of an unchanged library reads one record per module (derive/run/module_cache.py) and "
        "imports no derivation module. A record's key covers the module's source and that of every project-local "
        "module it imports (read with `ast`, transitively), all of derive's code and the bundled derivations, "
        "SymPy's and Python's versions, the budget, the seed, the paths, and every other module checked in the same "
        "run; a module that could read anything else (an installed library other than SymPy, `open`, `eval`, "
        "`os`, `environ`, a star import, ...) is imported and checked step by step. The ratios below alternate "
        '`python -c "import sympy"` and the check (`python bench/run.py --warm`), so that a passing load weighs on '
        "both alike.",
        "",
        *warm_lines,
        "",
        "## derive against plain SymPy",
        "",
        f"Each claimed step, with the same {args.budget:g} s budget in a killable worker: derive's checker "
        "(`proved` for all sizes) against `sympy.simplify(lhs - rhs) == 0` (which cannot prove an inequality or a "
        "≠, so those count as not proved by it). Assumed steps and the steps that check shipped code against a "
        "formula are left out: neither is a claim simplify could decide.",
        "",
        "| derivation / step | derive proves | derive s | simplify proves | simplify s |",
        "|---|:---:|---:|:---:|---:|",
        *[f"| {n} | {_yes(a)} | {ta:.2f} | {_yes(b)} | {tb:.2f} |" for n, a, ta, b, tb in rows],
        f"| **total** | **{ours_n}/{len(rows)}** | {ours_t:.2f} | **{plain_n}/{len(rows)}** | {plain_t:.2f} |",
        "",
        "## Concrete sizes against one general proof",
        "",
        "The grouping-by-counts identity ∏_k q_{x_k} = ∏_i q_i^{n_i}, checked exactly at K = N for one random data "
        "vector (an exhaustive check at that size would need K^N vectors), beside the single proof for all N, K.",
        "",
        "| K = N | seconds (one data vector) | data vectors for an exhaustive check |",
        "|---:|---:|---:|",
        *[f"| {s} | {t:.3f} | {s}^{s} |" for s, t in sizes],
        f"| all (general proof) | {general:.3f} | — |",
        "",
        "![Concrete sizes against the general proof](images/performance.png)",
        "",
        "## Where the time goes",
        "",
        "- A warm check is `import sympy`, derive's own modules (argparse, the model, the settings, the reporter: "
        "about 0.1 s of CPU) and one module record read per derivation module (about 0.3 ms each). Before the "
        "records, building the derivation modules to compute their step keys cost about 0.14 s for the bundled "
        "library, and importing the LaTeX, Markdown and PDF renderers with the check table about 0.3 s (derive.render "
        "now re-exports nothing).",
        f"- The cold check covers the whole bundled library: {len(library)} derivations and {n_steps} steps, "
        f"{n_code} of them checking shipped code against its formula (the 3 s target was set when it held the 9 "
        "steps of seed 000, which check cold in about 2 s). A code step runs the function on SymPy symbols for "
        "every data vector at sizes up to 3, then at 20 random float inputs. It forks one worker per step (2 at a "
        "time on 2 cores); each proof takes 0.1–0.4 s, most of it in the refutation guard that evaluates the "
        "proved claim at small points, which stays on purpose: it turns an engine bug into a visible "
        "contradiction instead of a false `proved`.",
        "- Concrete sizes grow with the size of the expanded product (and an exhaustive check needs K^N data "
        "vectors); the general proof costs the same for every N and K.",
        "",
    ]
    (args.out / "performance.md").write_text("\n".join(lines) + _corpora_section(args.out / "performance.md"))
    plot(sizes, general, args.out / "images" / "performance.png")
    print("\n".join(lines))


def _corpora_section(path: Path) -> str:
    """The section ``python bench/score.py --write`` keeps in performance.md, kept as it is."""
    begin, end = "<!-- corpora: generated by `python bench/score.py --write` -->", "<!-- end of the corpora -->"
    text = path.read_text() if path.exists() else ""
    if begin not in text or end not in text:
        return ""
    return "\n" + text[text.index(begin) : text.index(end) + len(end)] + "\n"


if __name__ == "__main__":
    main()
