"""What a check established about a step: the evidence level, the proof trace, a counterexample.

The five verification levels are the package's vocabulary and appear verbatim in the terminal, the JSON report
and the write-ups. A sixth mark, ``assumed``, is not a verification level: it labels a step that the author
*states* (a modelling assumption such as the i.i.d. factorisation, or a definition) and that is never checked.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass, field
from typing import Any


class Evidence(enum.StrEnum):
    """How strongly a step was verified, strongest first."""

    PROVED = "proved"  # for every size the statement covers (symbolic N, K)
    PROVED_FOR_SIZES = "proved-for-sizes"  # exactly, but only at the listed concrete sizes
    NUMERIC = "numeric"  # agreement at random high-precision points only
    UNDECIDED = "undecided"  # no method concluded within the time budget
    REFUTED = "refuted"  # a counterexample inside the assumptions
    ASSUMED = "assumed"  # a stated assumption or definition: not a claim, never checked

    @property
    def rank(self) -> int:
        """Strength used to compare with what a step allows (higher is stronger)."""
        return _RANK[self]

    def satisfies(self, required: Evidence) -> bool:
        """True if this evidence is at least as strong as ``required``."""
        if self is Evidence.ASSUMED:
            return True
        return self.rank >= required.rank


_RANK = {
    Evidence.PROVED: 3,
    Evidence.PROVED_FOR_SIZES: 2,
    Evidence.NUMERIC: 1,
    Evidence.UNDECIDED: 0,
    Evidence.REFUTED: -1,
    Evidence.ASSUMED: 3,
}

#: The levels an author may allow for a step (``allow=...``), weakest last.
ALLOWABLE = (Evidence.PROVED, Evidence.PROVED_FOR_SIZES, Evidence.NUMERIC)


@dataclass(frozen=True)
class TraceEntry:
    """One application of a named rule: where, what it consumed, what it produced.

    ``target`` and ``result`` are the rewritten subterm before and after, ``before``/``after`` the whole side;
    all four are ``srepr`` strings so that a trace can be replayed exactly in another process.
    """

    rule: str
    side: str  # "lhs" or "rhs": which side of the step was being normalised
    assumptions: tuple[str, ...] = ()
    reverse: bool = False
    target: str = ""
    result: str = ""
    before: str = ""
    after: str = ""
    path: tuple[int, ...] = ()  # position of ``target`` in ``before`` (indices into ``.args``)
    bounds: str = ""  # srepr of the enclosing sums' (index, lower, upper) at that position

    def label(self) -> str:
        """``log_prod [q_i > 0]``: the rule with the assumptions it consumed."""
        name = self.rule + (" (reverse)" if self.reverse else "")
        return f"{name} [{', '.join(self.assumptions)}]" if self.assumptions else name

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> TraceEntry:
        fields = dict(data)
        fields["assumptions"] = tuple(fields["assumptions"])
        fields["path"] = tuple(fields["path"])
        return cls(**fields)

    def to_json(self) -> dict[str, Any]:
        return {
            "rule": self.rule,
            "side": self.side,
            "reverse": self.reverse,
            "assumptions": list(self.assumptions),
            "target": self.target,
            "result": self.result,
            "before": self.before,
            "after": self.after,
            "path": list(self.path),
            "bounds": self.bounds,
        }


@dataclass(frozen=True)
class Counterexample:
    """A point inside the assumptions where the two sides differ, with both sides' values.

    ``values`` maps printable names (``N``, ``x``, ``q``) to printable values; ``lhs_value``/``rhs_value`` are
    exact SymPy forms as text and ``lhs_approx``/``rhs_approx`` their certified decimal values.
    """

    values: dict[str, str]
    lhs_value: str
    rhs_value: str
    lhs_approx: str
    rhs_approx: str
    replay: str = ""
    sides: tuple[str, str] = ("left side", "right side")  # ("code", "formula") for a reference implementation

    @property
    def point(self) -> str:
        """``K = 2, q = (1/2, 1/2)``; empty when the two sides have no variables."""
        return ", ".join(f"{k} = {v}" for k, v in self.values.items())

    def describe(self) -> str:
        """Multi-line report in the style of a Hypothesis failure."""
        point = self.point
        width = max(len(s) for s in self.sides)
        lines = [
            f"Counterexample: {point}" if point else "Counterexample: the two sides are numbers, and they differ",
            f"  {self.sides[0]:<{width}} = {self.lhs_value}{_approx(self.lhs_value, self.lhs_approx)}",
            f"  {self.sides[1]:<{width}} = {self.rhs_value}{_approx(self.rhs_value, self.rhs_approx)}",
        ]
        if self.replay:
            lines.append(f"Replay: {self.replay}")
        return "\n".join(lines)

    def to_json(self) -> dict[str, Any]:
        return {
            "values": dict(self.values),
            "lhs_value": self.lhs_value,
            "rhs_value": self.rhs_value,
            "lhs_approx": self.lhs_approx,
            "rhs_approx": self.rhs_approx,
            "replay": self.replay,
            "sides": list(self.sides),
        }


def _approx(value: str, approx: str) -> str:
    """``  ≈ 0.693147180560`` beside an exact value, unless it would only repeat it (or there is none)."""
    return f"  ≈ {approx}" if approx and approx != value else ""


@dataclass
class StepResult:
    """The outcome of checking one step."""

    evidence: Evidence
    detail: str = ""  # e.g. "sizes N, K in {1, 2, 3}", "40 points at 30 digits", why undecided
    trace: list[TraceEntry] = field(default_factory=list)
    counterexample: Counterexample | None = None
    seconds: float = 0.0
    cached: bool = False  # True when read from the verification cache instead of re-verified
    # The engine contradicted itself (a proof against the independent guard): never a pass; derive check exits 3.
    inconsistent: bool = False
    # Why a step short of ``proved`` was not proved for all sizes (derive.engine.explain): the rule blocked
    # closest to a proof, its side condition and the declaration that would supply it, then the rules that fired.
    why_not: tuple[str, ...] = ()

    def to_json(self) -> dict[str, Any]:
        out: dict[str, Any] = {
            "evidence": self.evidence.value,
            "detail": self.detail,
            "seconds": round(self.seconds, 3),
            "cached": self.cached,
            "trace": [t.to_json() for t in self.trace],
        }
        if self.counterexample is not None:
            out["counterexample"] = self.counterexample.to_json()
        if self.inconsistent:
            out["inconsistent"] = True
        if self.why_not:
            out["why_not"] = list(self.why_not)
        return out

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> StepResult:
        """The inverse of :meth:`to_json` (used by the cache); raises on anything malformed."""
        cex = data.get("counterexample")
        why_not = data.get("why_not", [])  # absent from results stored before it existed
        if not isinstance(why_not, list) or not all(isinstance(line, str) for line in why_not):
            raise ValueError("why_not must be a list of strings")
        return cls(
            evidence=Evidence(data["evidence"]),
            detail=str(data["detail"]),
            trace=[TraceEntry.from_json(t) for t in data["trace"]],
            counterexample=Counterexample(**{**cex, "sides": tuple(cex.get("sides", Counterexample.sides))})
            if cex is not None
            else None,
            seconds=float(data["seconds"]),
            inconsistent=bool(data.get("inconsistent", False)),
            why_not=tuple(why_not),
        )


def replay_command(path: str, step: str) -> str:
    """The command that checks one step again: ``derive check proofs/x.py --step name`` (the last line of a
    counterexample report, and the check table's hint)."""
    return f"derive check {path} --step {step}"
