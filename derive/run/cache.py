"""The verification cache: a step's result on disk, keyed by everything that decides it.

The key hashes the step's expressions, relation and kind, the example's values, the hints, the context (all its
declarations, read afresh at every check), the behaviour of every class in those expressions that is not SymPy's
own (its attributes and the code of its methods, through the MRO: p(· | θ) is positive because of a method), the
source of the project-local modules a reference implementation reaches, the numeric seed, the engine's version
*and source*, and SymPy's version. Any change re-verifies that step only. A cache file carries its key and a
checksum of its content; a file that is corrupt, truncated, foreign or from another schema
is ignored and rewritten, never trusted. Only deterministic outcomes are stored (an assumption too: whether it is
contradicted is computed): a step that ran out of time (``undecided``) is checked again next time.

The budget is not part of the key: a verdict is stored with the budget it was reached under (the step's own
``budget=``, else the run's; None when the check ran without a limit), and :func:`reusable` decides whether it
answers a check under another budget. A conclusive verdict (``proved``, ``refuted``; ``assumed``, which no budget
improves) answers under any budget: it is true whatever time another check would have had. A weaker one
(``proved-for-sizes``, ``numeric``) answers only a check whose budget is at most the one it was reached under
(a larger budget may reach further: the step is checked again and its record replaced) and that it was reached
within (one that took 30 s does not answer a 5 s check, which would have run out of time without the cache): the
same command gives the same verdict whatever the cache holds.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
from functools import cache as memoize
from pathlib import Path

import sympy as sp

from derive.core.atomic import write_atomic
from derive.core.context import Context
from derive.core.evidence import Evidence, StepResult
from derive.core.fingerprints import describe, expression_text
from derive.core.model import Step

SCHEMA = 2  # 2: a result carries the budget it was reached under
STORED = {Evidence.PROVED, Evidence.PROVED_FOR_SIZES, Evidence.NUMERIC, Evidence.REFUTED, Evidence.ASSUMED}
#: Verdicts that no larger budget can change, reused under any budget.
CONCLUSIVE = {Evidence.PROVED, Evidence.REFUTED, Evidence.ASSUMED}


def default_dir() -> Path:
    """``$DERIVE_CACHE_DIR``, else the platform's cache folder (platformdirs: ``$XDG_CACHE_HOME/derive`` or
    ~/.cache/derive on Linux, ~/Library/Caches/derive on macOS, %LOCALAPPDATA%\\derive\\Cache on Windows)."""
    if os.environ.get("DERIVE_CACHE_DIR"):
        return Path(os.environ["DERIVE_CACHE_DIR"])
    import platformdirs  # here: only a run without $DERIVE_CACHE_DIR needs it

    return Path(platformdirs.user_cache_dir("derive", appauthor=False))


PACKAGE_ROOT = Path(__file__).resolve().parents[1]

#: What decides a step's evidence: the model, the engine and the evidence ladder (the layers below ``run``), and
#: the vocabulary and losses that derivation modules import (``losses.py`` is the code the bundled references run,
#: and a reference's key leaves derive's own modules to this fingerprint). The runner, the write-ups, the entry
#: points and the bundled proofs (a proof's own content is in its key) are left out: editing them keeps every
#: cached verdict.
DECIDING = ("core", "engine", "checks", "notation.py", "losses.py")


def deciding_modules() -> list[Path]:
    """The source files whose content decides a verdict: the engine, the checks, the evaluation, the model."""
    return [path for path in sorted(PACKAGE_ROOT.rglob("*.py")) if path.relative_to(PACKAGE_ROOT).parts[0] in DECIDING]


@memoize
def engine_fingerprint() -> str:
    """The package version, a hash of the source files that decide verdicts, and SymPy's version."""
    from derive.core.version import VERSION as __version__

    root = PACKAGE_ROOT
    digest = hashlib.sha256()
    for path in deciding_modules():
        digest.update(path.relative_to(root).as_posix().encode())
        digest.update(path.read_bytes())
    return f"derive {__version__} {digest.hexdigest()[:16]} sympy {sp.__version__}"


def context_fingerprint(ctx: Context) -> str:
    """Every declaration of the context as text, read afresh at each call: a context declared again or changed
    in a notebook after a first check gets a new key. (Only the text of an expression is memoised, by content.)"""
    return "\n".join(f"{name} {describe(value)}" for name, value in sorted(vars(ctx).items()))


def step_key(ctx: Context, step: Step, seed: int, cited: tuple[str, ...] = ()) -> str:
    """The hex key of ``step`` checked in ``ctx`` with ``seed``; ``cited`` are the fingerprints of the derivations
    it cites (derive.run.citations.fingerprints): a change to one of them is a change to the step."""
    fields = [
        f"schema {SCHEMA}",
        engine_fingerprint(),
        context_fingerprint(ctx),
        f"kind {step.kind.value} relation {step.relation.value}",
        "lhs " + expression_text(step.claim_lhs),
        "rhs " + expression_text(step.expr),
        "values " + ";".join(f"{expression_text(k)}={expression_text(v)}" for k, v in step.values),
        "hints " + ",".join(step.hints),
        "code " + (step.reference.fingerprint() if step.reference is not None else ""),
        f"seed {seed}",
    ]
    if cited:  # only then: the keys of steps that cite nothing are what they were
        fields.append("cites " + ",".join(cited))
    return hashlib.sha256("\n".join(fields).encode()).hexdigest()


class Cache:
    """Results stored as one JSON file per key under ``root``."""

    def __init__(self, root: Path | None = None):
        self.root = Path(root) if root is not None else default_dir()

    def _path(self, key: str) -> Path:
        return self.root / key[:2] / f"{key}.json"

    def get(self, key: str, budget: float | None = None) -> StepResult | None:
        """The result stored under ``key`` if it answers a check under ``budget`` seconds (None: no limit; see
        :func:`reusable`), else None. A stored result that does not answer stays, for a check it does answer."""
        path = self._path(key)
        try:
            raw = path.read_bytes()
        except OSError:
            return None
        try:
            data = json.loads(raw)
            body = json.dumps(data["result"], sort_keys=True)
            if data["schema"] != SCHEMA or data["key"] != key or data["checksum"] != checksum(body):
                raise ValueError("foreign or altered cache file")
            result = StepResult.from_json(data["result"])
            reached = _seconds(data["result"]["budget"])
        except (ValueError, KeyError, TypeError, AttributeError):
            path.unlink(missing_ok=True)  # corrupt: ignored now, rewritten after the step is re-verified
            return None
        if not reusable(result, reached, budget):
            return None
        result.cached = True
        return result

    def put(self, key: str, result: StepResult, budget: float | None = None) -> None:
        """Store ``result``, reached under ``budget`` seconds (None: without a limit), replacing what ``key`` held."""
        if result.evidence not in STORED:
            return
        body = result.to_json()
        body.pop("cached", None)
        body["budget"] = _seconds(budget)  # in the checksummed body: an altered budget is an altered file
        text = json.dumps(body, sort_keys=True)
        record = {
            "schema": SCHEMA,
            "key": key,
            "engine": engine_fingerprint(),
            "checksum": checksum(text),
            "result": body,
        }
        try:
            # NOTE: not sort_keys: a counterexample's values keep their order (N, K, x, q); the checksum is over
            # the sorted form, so the order in the file does not matter to it.
            write_atomic(self._path(key), json.dumps(record))
        except OSError:
            pass  # a read-only or full disk must not fail a check; the step is simply verified again next time

    def prune(self) -> int:
        """Remove the results of other engine versions (and unreadable files), module records too; returns how many
        step results were removed."""
        current, removed = engine_fingerprint(), 0
        for path in self.root.rglob("*.json") if self.root.is_dir() else ():
            try:
                keep = json.loads(path.read_bytes()).get("engine") == current
            except (OSError, ValueError, AttributeError):
                keep = False
            if not keep:
                path.unlink(missing_ok=True)
                removed += self._is_step(path)
        return removed

    def clear(self) -> int:
        """Remove every cached result and module record; returns how many step results there were."""
        count = sum(map(self._is_step, self.root.rglob("*.json"))) if self.root.is_dir() else 0
        shutil.rmtree(self.root, ignore_errors=True)
        return count

    def _is_step(self, path: Path) -> bool:
        """Whether ``path`` holds a step's result, not a module record (derive.run.module_cache, under modules/)."""
        return path.relative_to(self.root).parts[0] != "modules"


def reusable(result: StepResult, reached: float | None, budget: float | None) -> bool:
    """Whether ``result``, reached under ``reached`` seconds, answers a check under ``budget`` (None: no limit):
    a conclusive verdict always; a weaker one when ``budget`` is at most ``reached`` and the check took at most
    ``budget`` (the module docstring says why)."""
    if result.evidence in CONCLUSIVE:
        return True
    if budget is None:
        return reached is None
    return (reached is None or budget <= reached) and result.seconds <= budget


def _seconds(budget: float | None) -> float | None:
    """A budget as stored: seconds, or None for a check without a limit; anything else is a malformed record."""
    if budget is None:
        return None
    if isinstance(budget, bool) or not isinstance(budget, (int, float)) or not budget > 0:
        raise ValueError(f"not a budget: {budget!r}")
    return float(budget)


def checksum(text: str) -> str:
    """The checksum a cache file or a module record keeps of its content (text), to tell an altered one."""
    return hashlib.sha256(text.encode()).hexdigest()
