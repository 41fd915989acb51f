"""The pytest nodes of the ``derive`` plugin (:mod:`derive.entry.pytest_plugin`): a derivation module, one
derivation of several, and a step, checked when it runs and reported by :func:`derive.render.report.failure_text`.

NOTE: like the plugin, this module imports only the standard library, pytest and the settings at import time;
the engine (and SymPy) is imported when a module is collected or a step runs.
"""

from __future__ import annotations

import dataclasses
import os
from collections import Counter
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest

from derive.entry.settings import Settings

if TYPE_CHECKING:
    from derive.core.evidence import StepResult
    from derive.core.model import Derivation, Step


@dataclasses.dataclass
class State:
    """What the plugin decided at configure time, kept on the config."""

    enabled: bool = True
    settings: Settings = dataclasses.field(default_factory=Settings)  # [tool.derive], then the --derive-* options
    roots: list[Path] = dataclasses.field(default_factory=list)  # the derive paths, resolved
    files: set[Path] = dataclasses.field(default_factory=set)  # the derivation modules they expand to
    source: str = ""  # where the paths came from, for the report header


STATE = pytest.StashKey[State]()
EVIDENCE = "derive_evidence"  # the user_properties key carrying a step's evidence (also under xdist)


def _step_nodes(parent: pytest.Collector, derivations: list[Derivation]) -> list[pytest.Node]:
    """Steps as items of ``parent`` for one derivation; one collector per derivation for several."""
    if len(derivations) == 1:
        (d,) = derivations
        return [StepItem.from_parent(parent, name=s.name, derivation=d, step=s) for s in d.steps]
    seen: Counter = Counter()
    nodes: list[pytest.Node] = []
    for d in derivations:
        seen[d.name] += 1
        name = d.name if seen[d.name] == 1 else f"{d.name}-{seen[d.name]}"  # two derivations with one title
        nodes.append(DerivationNode.from_parent(parent, name=name, derivation=d))
    return nodes


def _unique(derivations) -> list[Derivation]:
    """In definition order, each object once (a module may bind one derivation to two names)."""
    out, ids = [], set()
    for d in derivations:
        if id(d) not in ids:
            ids.add(id(d))
            out.append(d)
    return out


class DerivationFile(pytest.File):
    """A derivation module that is not a test module, imported by derive's loader (as ``derive check`` does)."""

    def collect(self):
        from derive.run.loader import load_module

        loaded = load_module(self.path)
        if loaded.error is not None:
            raise self.CollectError(str(loaded.error))
        return _step_nodes(self, _unique(loaded.derivations))


class DerivationModule(pytest.Module):
    """A test module that also defines derivations at module level: its step items, then its tests."""

    def collect(self):
        from derive.core.model import Derivation

        tests = list(super().collect())  # imports the module (pytest's import mode) and collects its tests
        here = self.path.resolve()
        found = [
            v
            for v in vars(self.obj).values()
            if isinstance(v, Derivation) and v.steps and _same_file(v.steps[0].file, here)
        ]
        for d in found:
            d.source = str(self.path)
        return _step_nodes(self, _unique(found)) + tests


def _same_file(name: str, path: Path) -> bool:
    try:
        return Path(name).resolve() == path
    except OSError:
        return False


class DerivationNode(pytest.Collector):
    """One of several derivations in a module: its steps are its items."""

    def __init__(self, *, derivation: Derivation, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.derivation = derivation

    def collect(self):
        return _step_nodes(self, [self.derivation])


# -- running -------------------------------------------------------------------------------------------------
class StepFailed(Exception):
    """A step that did not reach the evidence required of it (reported by StepItem.repr_failure)."""


class StepItem(pytest.Item):
    """One step of a derivation: checked when run, reported with its claim, evidence and counterexample."""

    def __init__(self, *, derivation: Derivation, step: Step, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.derivation = derivation
        self.step = step
        self.number = derivation.steps.index(step) + 1
        self.result: StepResult | None = None

    def runtest(self) -> None:
        from derive.core.evidence import Evidence
        from derive.run.check import check_derivations

        settings = self.config.stash[STATE].settings
        # NOTE: a view of the derivation holding this step only: -k/--lf check what they select, nothing more.
        # Each step runs in its own forked worker under the budget anyway, so checking a module's steps at once
        # would save nothing (measured in docs/pytest.md).
        view = dataclasses.replace(self.derivation, steps=[self.step])
        (report,) = check_derivations([(view, self._replay_path())], settings.options(), jobs=1, cache=settings.cache())
        (result,) = report.results
        self.result = result
        self.user_properties.append((EVIDENCE, result.evidence.value))
        if settings.strict:
            if result.evidence is Evidence.ASSUMED:
                from derive.render.text import plain_text

                because = plain_text(self.step.because)
                pytest.skip(f"{_step_whereshown(self.step)}: an assumption, not proved (--derive-strict): {because}")
            if result.evidence is not Evidence.PROVED:
                raise StepFailed(Evidence.PROVED)
        elif not result.evidence.satisfies(self.step.allow):
            raise StepFailed(self.step.allow)

    def _replay_path(self) -> str:
        return shown(self.path)

    def repr_failure(self, excinfo: pytest.ExceptionInfo[BaseException], style=None) -> str:
        if isinstance(excinfo.value, StepFailed) and self.result is not None:
            from derive.render.report import failure_text

            step, strict = self.step, self.config.stash[STATE].settings.strict
            return failure_text(
                step,
                self.number,
                self.derivation.name,
                self.result,
                required=excinfo.value.args[0],
                strict=strict,
                where=_step_whereshown(step),
                path=self._replay_path(),
            )
        return super().repr_failure(excinfo, style=style)

    def reportinfo(self) -> tuple[Path, int, str]:
        path = Path(self.step.file) if self.step.file and Path(self.step.file).is_file() else self.path
        return path, max(self.step.line - 1, 0), f"{self.derivation.name}: step {self.number} ({self.step.name})"


def _step_whereshown(step: Step) -> str:
    return f"{shown(Path(step.file))}:{step.line}" if step.file else "<unknown>"


def shown(path: Path, base: Path | None = None) -> str:
    """``path`` relative to ``base`` (default: the working directory) when it lies below it."""
    try:
        rel = os.path.relpath(path, base) if base else os.path.relpath(path)
    except ValueError:
        return str(path)
    return str(path) if rel.startswith("..") else rel
