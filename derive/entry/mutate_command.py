"""``derive mutate``: plant mistakes in every step of the derivations and report how many are refuted."""

from __future__ import annotations

import json
import sys
import time

from derive.entry.commands import ExitCode, load_paths
from derive.entry.settings import Settings


def cmd_mutate(args, settings: Settings) -> ExitCode:
    from derive.entry.mutate import mutate

    loaded, bad = load_paths(args, settings)
    derivations = [d for item in loaded for d in item.derivations]
    if not derivations:
        return ExitCode.BAD_INPUT
    start = time.perf_counter()

    def progress(result):
        if not args.json and result.outcome != "refuted":
            m = result.mutant
            print(f"{m.step.name}: {m.description}: {result.outcome} ({result.reason})", flush=True)

    reports = mutate(
        derivations, settings.options(), jobs=settings.jobs, progress=progress, sample=args.sample, seed=settings.seed
    )
    keys = ("generated", "equivalent", "refuted", "undecided", "proved")
    total = {k: sum(r.counts()[k] for r in reports) for k in keys}
    if args.json:
        json.dump(
            {"total": total, "derivations": [r.to_json() for r in reports]}, sys.stdout, indent=2, ensure_ascii=False
        )
        print()
    else:
        width = max([28, *(len(d.name) for d in derivations)])
        print(f"\n{'derivation':{width}} " + " ".join(f"{k:>10}" for k in keys) + "  kill rate")
        for r in reports:
            counts = r.counts()
            print(f"{r.derivation.name:{width}} " + " ".join(f"{counts[k]:>10}" for k in keys) + f"  {_rate(counts)}")
        print(f"{'total':{width}} " + " ".join(f"{total[k]:>10}" for k in keys) + f"  {_rate(total)}")
        print(f"({time.perf_counter() - start:.1f} s)")
    if total["proved"]:
        print("derive: a false mutant was proved: this is a soundness bug in derive; please report it", file=sys.stderr)
        return ExitCode.INTERNAL
    return ExitCode.BAD_INPUT if bad else ExitCode.OK


def _rate(counts: dict[str, int]) -> str:
    live = counts["generated"] - counts["equivalent"]
    return f"{100 * counts['refuted'] / live:.1f}% refuted" if live else "n/a"
