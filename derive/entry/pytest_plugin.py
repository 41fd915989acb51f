"""Proof checks as pytest tests: one test item per derivation step.

Registered as the ``derive`` plugin through the ``pytest11`` entry point, so after ``pip install derivekit`` a
plain ``pytest`` collects derivation modules. See ``docs/pytest.md`` for the user's view; in short:

- **Which modules.** The paths in ``[tool.derive] paths`` of the rootdir's ``pyproject.toml`` plus every
  ``--derive PATH``; when neither is set, a ``proofs/`` folder at the rootdir that holds derivation modules
  (:func:`derive.entry.settings.discover`, which ``derive check`` uses too). A folder means
  the ``*.py`` files directly in it, as for ``derive check`` (not ``_*.py``, ``conftest.py`` or ``test_*.py``).
  They are added to the paths pytest collects when it is run without file arguments (next to ``testpaths``);
  ``--derive PATH`` is added always. A file named on the command line is collected when it looks like a
  derivation module (below).
- **Test modules.** A module pytest collects anyway (it matches ``python_files``) and that looks like a
  derivation module is taken over in ``pytest_pycollect_makemodule``: one collector yields its step items and
  its ordinary tests, so nothing is collected twice. *Looks like a derivation module* is decided from the
  source text alone, without importing: it imports ``derive`` (``import derive``/``from derive... import``)
  and calls ``Derivation(``. A false positive costs nothing (a module without a module-level derivation is
  collected exactly as pytest would).
- **Ids.** ``FILE::STEP`` when the module defines one derivation, ``FILE::DERIVATION::STEP`` when it defines
  several (the derivation is then a collector node of its own, so ``pytest FILE::DERIVATION`` runs one
  derivation). Names are the step's ``name=`` and the derivation's ``name``, in definition order.
- **Settings.** One :class:`derive.entry.settings.Settings`, read once at configure time: ``[tool.derive]`` of
  the rootdir's pyproject.toml (an unknown key is a usage error), then ``--derive-budget``, ``--derive-strict``
  and ``--derive-no-cache`` on top.
- **Checking.** Each item checks its own step when it runs (``-k`` and ``--lf`` check only what they select),
  through :func:`derive.run.check.check_derivations` with the verification cache, as ``derive check`` does.
- **Nodes.** The collectors and the step item live in :mod:`derive.entry.pytest_items`; a failing step is
  worded by :func:`derive.render.report.failure_text`, as ``derive check``'s notes are by the same module.
- **Strictness.** By default a step must reach the evidence it declares (``allow=``); with ``--derive-strict``
  every claim must be ``proved``, and a stated assumption is *skipped* with its reason: it is neither a proof
  nor a mistake.

NOTE: this module imports only the standard library and pytest at import time; ``derive``'s engine (and
SymPy) is imported inside the hooks, once there is something to collect.
"""

from __future__ import annotations

import fnmatch
import os
import re
from collections import Counter
from pathlib import Path

import pytest

from derive.entry.pytest_items import EVIDENCE, STATE, DerivationFile, DerivationModule, State, shown
from derive.entry.settings import ConfigError, Settings, discover


# -- options and configuration -------------------------------------------------------------------------------
def pytest_addoption(parser: pytest.Parser) -> None:
    group = parser.getgroup("derive", "derivations checked step by step (derivekit)")
    group.addoption(
        "--derive",
        action="append",
        default=[],
        metavar="PATH",
        dest="derive_paths",
        help="a derivation module or a folder of them to collect, one test per step (repeatable; "
        "added to [tool.derive] paths of pyproject.toml)",
    )
    group.addoption(
        "--derive-budget",
        type=float,
        default=None,
        metavar="SECONDS",
        help="time budget per step; a step that needs longer is undecided (default: derive's, 5 s)",
    )
    group.addoption(
        "--derive-strict",
        action="store_true",
        help="every step must be proved (not proved-for-sizes or numeric, whatever it allows); "
        "stated assumptions are skipped",
    )
    group.addoption("--derive-no-cache", action="store_true", help="verify every step again, ignoring the cache")
    group.addoption("--no-derive", action="store_true", help="collect no derivations (or use -p no:derive)")


def pytest_configure(config: pytest.Config) -> None:
    state = State(enabled=not config.getoption("no_derive"))
    config.stash[STATE] = state
    if not state.enabled:
        return
    config.pluginmanager.register(_Summary(), "derive-summary")
    root = config.rootpath
    pyproject = root / "pyproject.toml"
    try:
        state.settings = Settings.read(pyproject if pyproject.is_file() else None).override(
            budget=config.getoption("derive_budget"),
            strict=config.getoption("derive_strict"),
            use_cache=not config.getoption("derive_no_cache"),
        )
        found = discover(state.settings, root, bundled=False)
    except ConfigError as exc:
        raise pytest.UsageError(f"derive: {exc}") from None
    given = [config.invocation_params.dir / p for p in config.getoption("derive_paths")]
    for path in given:
        if not path.exists():
            raise pytest.UsageError(f"derive: {shown(path)}: no such file or folder (--derive)")
    # NOTE: --derive PATH adds to the configured paths, and replaces the default proofs/ folder.
    kept = found.kind == "configured" or not given
    roots = (found.paths if kept else []) + given
    state.source = (
        {"configured": "[tool.derive] paths", "proofs": "the proofs/ folder"}.get(found.kind, "") if kept else ""
    )
    if given:
        state.source += (" and " if state.source else "") + "--derive"
    if not roots:
        return
    state.roots = [p.resolve() for p in roots]
    state.files = {p.resolve() for p in state.roots if p.is_file()}
    state.files |= {f.resolve() for p in state.roots if p.is_dir() for f in p.glob("*.py") if _module_name_ok(f)}
    # NOTE: pytest walks config.args; without file arguments (testpaths, or the invocation dir) the derive paths
    # join them, and --derive PATH always does. A path already below one of the args is walked anyway.
    extra = state.roots if config.args_source is not pytest.Config.ArgsSource.ARGS else [p.resolve() for p in given]
    for path in extra:
        if not any(_below(path, Path(arg)) for arg in _arg_paths(config)):
            config.args.append(str(path))


def _arg_paths(config: pytest.Config) -> list[Path]:
    """The filesystem parts of pytest's args (``tests/test_x.py::name`` → ``tests/test_x.py``), resolved."""
    return [(config.invocation_params.dir / arg.split("::")[0]).resolve() for arg in config.args]


def _below(path: Path, folder: Path) -> bool:
    return path == folder or folder in path.parents


def _module_name_ok(path: Path) -> bool:
    """The loader's rule for the modules of a folder (importing the loader does not import SymPy)."""
    from derive.run.loader import is_derivation_file

    return is_derivation_file(path)


def pytest_report_header(config: pytest.Config) -> str | None:
    state = config.stash.get(STATE, None)
    if state is None or not state.roots:
        return None
    listed = ", ".join(shown(p, config.rootpath) for p in state.roots)
    count = len(state.files)
    return f"derive: {count} derivation module{'s' if count != 1 else ''} in {listed} ({state.source})"


# -- collection ----------------------------------------------------------------------------------------------
def pytest_collect_file(file_path: Path, parent: pytest.Collector) -> pytest.Collector | None:
    """A derivation module under the derive paths that pytest's own Python collector will not pick up."""
    state = parent.config.stash.get(STATE, None)
    if state is None or not state.files or file_path.suffix != ".py":
        return None
    if parent.session.isinitpath(file_path) or _is_test_module(file_path, parent.config):
        return None  # pytest's Python plugin collects it, through pytest_pycollect_makemodule below
    if file_path.resolve() not in state.files:
        return None
    return DerivationFile.from_parent(parent, path=file_path)


@pytest.hookimpl(tryfirst=True)
def pytest_pycollect_makemodule(module_path: Path, parent: pytest.Collector) -> pytest.Collector | None:
    """Take over a module pytest collects (a test module, or a file named on the command line) that is a
    derivation module, so that it is collected once: its steps and, for a test module, its tests."""
    state = parent.config.stash.get(STATE, None)
    if state is None or not state.enabled or module_path.name == "__init__.py":
        return None
    if not (module_path.resolve() in state.files or looks_like_derivation_module(module_path)):
        return None
    if _is_test_module(module_path, parent.config):
        return DerivationModule.from_parent(parent, path=module_path)
    return DerivationFile.from_parent(parent, path=module_path)


_IMPORTS_DERIVE = re.compile(rb"^[ \t]*(?:from[ \t]+derive(?:\.\w+)*[ \t]+import|import[ \t]+derive)\b", re.M)


def looks_like_derivation_module(path: Path) -> bool:
    """Decided from the source, without importing: the module imports derive and calls ``Derivation(``."""
    try:
        source = path.read_bytes()
    except OSError:
        return False
    return b"Derivation(" in source and _IMPORTS_DERIVE.search(source) is not None


def _is_test_module(path: Path, config: pytest.Config) -> bool:
    """Whether ``path`` matches ``python_files``, with pytest's matching rule (``_pytest.pathlib.fnmatch_ex``)."""
    for pattern in config.getini("python_files"):
        if os.sep not in pattern and "/" not in pattern:
            name = path.name
        else:
            name = str(path)
            if not os.path.isabs(pattern) and not pattern.startswith("*"):
                pattern = f"*{os.sep}{pattern}"
        if fnmatch.fnmatch(name, pattern):
            return True
    return False


# -- reporting -----------------------------------------------------------------------------------------------
class _Summary:
    """Tallies the evidence of the steps run and prints one line at the end (in the controller under xdist)."""

    def __init__(self) -> None:
        self.evidence: dict[str, str] = {}

    def pytest_runtest_logreport(self, report: pytest.TestReport) -> None:
        if report.when == "call":
            for key, value in report.user_properties:
                if key == EVIDENCE:
                    self.evidence[report.nodeid] = value

    def pytest_terminal_summary(self, terminalreporter) -> None:
        if self.evidence:
            counts = Counter(self.evidence.values()).most_common()
            tally = ", ".join(f"{n} {level}" for level, n in counts)
            n = len(self.evidence)
            terminalreporter.write_sep("-", f"derive: {n} step{'s' if n != 1 else ''} checked: {tally}")
