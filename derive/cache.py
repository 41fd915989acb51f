"""The verification cache: a step's result on disk, keyed by everything that decides it.

The key hashes the step's expressions, relation and kind, the example's values, the hints, the context (sizes,
data ranges, families, definitions, and the printed form of custom functions such as p(· | θ)), the numeric seed,
the engine's version *and source*, and SymPy's version. Any change re-verifies that step only. A cache file
carries its key and a checksum of its content; a file that is corrupt, truncated, foreign or from another schema
is ignored and rewritten, never trusted. Only deterministic outcomes are stored: a step that ran out of time
(``undecided``) is checked again next time.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import sys
from functools import cache as memoize
from pathlib import Path

import sympy as sp

from derive.atomic import write_atomic
from derive.evidence import Evidence, StepResult
from derive.hygiene import canonical
from derive.model import Context, Step

SCHEMA = 1
STORED = {Evidence.PROVED, Evidence.PROVED_FOR_SIZES, Evidence.NUMERIC, Evidence.REFUTED}


def default_dir() -> Path:
    """``$DERIVE_CACHE_DIR``, else the platform's cache folder: XDG on Linux, ~/Library/Caches, %LOCALAPPDATA%."""
    if os.environ.get("DERIVE_CACHE_DIR"):
        return Path(os.environ["DERIVE_CACHE_DIR"])
    if sys.platform == "win32":
        return Path(os.environ.get("LOCALAPPDATA", Path.home() / "AppData" / "Local")) / "derive" / "Cache"
    if sys.platform == "darwin":
        return Path.home() / "Library" / "Caches" / "derive"
    return Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "derive"


@memoize
def engine_fingerprint() -> str:
    """The package version, a hash of the engine's source files, and SymPy's version."""
    from derive import __version__

    root = Path(__file__).resolve().parent
    digest = hashlib.sha256()
    for path in sorted(root.rglob("*.py")):
        if "render" in path.relative_to(root).parts or "proofs" in path.relative_to(root).parts:
            continue  # the write-ups and the bundled proofs do not decide a step's evidence
        digest.update(path.relative_to(root).as_posix().encode())
        digest.update(path.read_bytes())
    return f"derive {__version__} {digest.hexdigest()[:16]} sympy {sp.__version__}"


def _expr(e: sp.Basic) -> str:
    # Bound indices are user symbols and print the same in every run; only a Dummy (whose srepr carries a
    # per-process counter) needs canonical renaming, which costs a rebuild of the expression.
    text = sp.srepr(canonical(e) if e.atoms(sp.Dummy) else e)
    # srepr drops what a function class carries: its assumptions (Function("f", positive=True) prints as
    # Function("f")), and the printed name and condition of p(· | θ).
    functions = sorted(
        {
            f"{type(f).__name__}:{getattr(f, 'symbol_name', '')}:{sp.srepr(getattr(f, 'given', ''))}:"
            f"{sorted(type(f).default_assumptions.items())}"
            for f in e.atoms(sp.Function)
        }
    )
    return text + "|" + ",".join(functions)


@memoize
def context_fingerprint(ctx: Context) -> str:
    """The context's declarations as text (computed once per context: a context is complete once steps exist)."""
    parts = [f"size {sp.srepr(s)} >= {m}" for s, m in ctx.sizes.items()]
    parts += [f"data {sp.srepr(d.base)} {d.ranges} {d.values}" for d in ctx.datasets.values()]
    parts += [
        f"family {sp.srepr(f.base)} {f.ranges} {f.sums_to_one} {f.below_one} {f.real_valued}"
        for f in ctx.families.values()
    ]
    parts += [f"def {d.name} {_expr(d.lhs)} := {_expr(d.rhs)}" for d in ctx.definitions]
    parts += [f"probability {sp.srepr(s)}" for s in sorted(ctx.unit_scalars, key=str)]
    parts += [f"value {sp.srepr(s)} {r}" for s, r in sorted(ctx.integer_values.items(), key=str)]
    return "\n".join(parts)


def step_key(ctx: Context, step: Step, seed: int) -> str:
    """The hex key of ``step`` checked in ``ctx`` with ``seed``."""
    fields = [
        f"schema {SCHEMA}",
        engine_fingerprint(),
        context_fingerprint(ctx),
        f"kind {step.kind.value} relation {step.relation.value}",
        "lhs " + _expr(step.claim_lhs),
        "rhs " + _expr(step.expr),
        "values " + ";".join(f"{sp.srepr(k)}={sp.srepr(v)}" for k, v in step.values),
        "hints " + ",".join(step.hints),
        "code " + (step.reference.fingerprint() if step.reference is not None else ""),
        f"seed {seed}",
    ]
    return hashlib.sha256("\n".join(fields).encode()).hexdigest()


class Cache:
    """Results stored as one JSON file per key under ``root``."""

    def __init__(self, root: Path | None = None):
        self.root = Path(root) if root is not None else default_dir()

    def _path(self, key: str) -> Path:
        return self.root / key[:2] / f"{key}.json"

    def get(self, key: str) -> StepResult | None:
        path = self._path(key)
        try:
            raw = path.read_bytes()
        except OSError:
            return None
        try:
            data = json.loads(raw)
            body = json.dumps(data["result"], sort_keys=True)
            if data["schema"] != SCHEMA or data["key"] != key or data["checksum"] != _checksum(body):
                raise ValueError("foreign or altered cache file")
            result = StepResult.from_json(data["result"])
        except (ValueError, KeyError, TypeError, AttributeError):
            path.unlink(missing_ok=True)  # corrupt: ignored now, rewritten after the step is re-verified
            return None
        result.cached = True
        return result

    def put(self, key: str, result: StepResult) -> None:
        if result.evidence not in STORED:
            return
        body = result.to_json()
        body.pop("cached", None)
        text = json.dumps(body, sort_keys=True)
        record = {"schema": SCHEMA, "key": key, "checksum": _checksum(text), "result": body}
        try:
            # NOTE: not sort_keys: a counterexample's values keep their order (N, K, x, q); the checksum is over
            # the sorted form, so the order in the file does not matter to it.
            write_atomic(self._path(key), json.dumps(record))
        except OSError:
            pass  # a read-only or full disk must not fail a check; the step is simply verified again next time

    def clear(self) -> int:
        """Remove every cached result; returns how many there were."""
        count = sum(1 for _ in self.root.rglob("*.json")) if self.root.is_dir() else 0
        shutil.rmtree(self.root, ignore_errors=True)
        return count


def _checksum(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()
