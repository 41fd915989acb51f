"""The warm path: a derivation module's results, found without importing the module.

Rebuilding every derivation only to compute its step keys (:func:`derive.run.cache.step_key`) made a warm check
cost about twice ``import sympy``. A *module record* keeps one module's reports (what the check prints and its
JSON) under a key that changes whenever anything that can change them changes:

- the module's source, and the source of every project-local module it imports, transitively (the imports are
  read with :mod:`ast`, never executed, and resolved along ``sys.path`` as Python would);
- the engine fingerprint (derive's version, the modules that decide verdicts, SymPy's version), the Python
  version, the code that builds records (the loader and this module), the seed and the budget;
- the path as given and as shown (a step's location and the replay command name it).

A module is never served from a record when what it builds could depend on anything else: an import that
cannot be resolved to a file (a relative import in the module itself, a namespace package, a module made by a
finder), an installed library other than SymPy and a few pure standard modules, or a name that reaches outside
the source (``open``, ``exec``, ``eval``, ``__import__``, ``getattr``, ``__file__`` and the like). Such a module is
imported and checked step by step, as before. A record is written only when every step has a stored verdict
(:data:`derive.run.cache.STORED`), and one that is corrupt, foreign or from another schema is removed, never
trusted. Records live beside the step results (``<cache>/modules``), cleared and pruned with them.
"""

from __future__ import annotations

import hashlib
import json
import sys
from dataclasses import dataclass
from functools import cache as memoize
from pathlib import Path

from derive.core.atomic import write_atomic
from derive.core.evidence import Evidence, StepResult
from derive.core.model import Kind, Relation
from derive.run.cache import STORED, checksum, engine_fingerprint
from derive.run.imports import Dynamic, imports_of, read_sources

SCHEMA = 2


@memoize
def _builders() -> str:
    """A hash of all of derive's code and of the bundled derivations: a record holds whole reports (which the
    runner, the loader and the façade's hooks shape, not only the deciding modules), and a derivation module may
    import a bundled one (``derive.proofs.kl_divergence``)."""
    from derive.run.cache import PACKAGE_ROOT
    from derive.run.loader import bundled_proofs

    digest = hashlib.sha256()
    for root in dict.fromkeys([PACKAGE_ROOT, bundled_proofs().resolve()]):
        for file in sorted(root.rglob("*.py")):
            digest.update(f"{file.relative_to(root)} ".encode() + file.read_bytes())
    return digest.hexdigest()


def module_key(path: Path | str, options, shown: str, memo: ImportMemo | None = None) -> str | None:
    """The key of ``path``'s record checked with ``options`` (its ``budget``, None for derive's default, and its
    ``seed``) and shown as ``shown``; None when the module cannot be served from a record."""
    return _key(path, read_sources(Path(path), memo), options, shown)


def _key(path: Path | str, sources: dict[Path, bytes] | None, options, shown: str) -> str | None:
    """:func:`module_key` of the ``sources`` already read (``path`` and its project-local imports)."""
    if sources is None:
        return None
    digest = hashlib.sha256()
    fields = [f"schema {SCHEMA}", engine_fingerprint(), f"python {sys.version} {sys.implementation.cache_tag}"]
    budget = "default" if options.budget is None else repr(float(options.budget))  # the default: in the fingerprint
    fields += [f"budget {budget}", f"seed {int(options.seed)}", f"path {path}", f"shown {shown}"]
    fields += [f"builders {_builders()}"]
    digest.update("\n".join(fields).encode())
    for file in sorted(sources):
        digest.update(f"\n{file} {len(sources[file])}\n".encode())
        digest.update(sources[file])
    return digest.hexdigest()


# -- records ------------------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class StoredStep:
    """What the check table says of a step (its expressions stay in the module, which a record does not import)."""

    name: str
    kind: Kind
    relation: Relation
    because: str
    allow: Evidence
    where: str
    citations: tuple[str, ...] = ()  # the derivations it cites (derive.run.citations), for the check table


@dataclass(frozen=True)
class StoredDerivation:
    """What the check table says of a derivation: its name, title and steps."""

    name: str
    title: str
    steps: list[StoredStep]


@dataclass
class StoredReport:
    """A derivation's report read from a record: what :class:`derive.run.check.DerivationReport` gives the check
    table, the summary and the exit code (``derivation``, ``results``, ``path``, ``passed``), and its JSON as that
    report wrote it, with every result marked ``cached``."""

    derivation: StoredDerivation
    results: list[StepResult]
    path: str
    passed: bool
    json: dict

    def to_json(self) -> dict:
        return {**self.json, "steps": [{**step, "cached": True} for step in self.json["steps"]]}

    @classmethod
    def from_json(cls, data: dict) -> StoredReport:
        """Raises on anything malformed (KeyError, ValueError, TypeError)."""
        steps = [
            StoredStep(
                str(s["name"]),
                Kind(s["kind"]),
                Relation(s["relation"]),
                str(s["justification"]),
                Evidence(s["allow"]),
                str(s["location"]),
                tuple(str(name) for name in s.get("citations", ())),
            )
            for s in data["steps"]
        ]
        results = [StepResult.from_json(s) for s in data["steps"]]
        for r in results:
            r.cached = True
        derivation = StoredDerivation(str(data["name"]), str(data["title"]), steps)
        return cls(derivation, results, str(data["path"]), bool(data["passed"]), data)


class ImportMemo:
    """What each source imports, by its content (and dotted name), so that a warm run parses no unchanged module.
    Kept in one file (``<root>/modules/imports.json``) under a checksum and the hash of the code that reads imports;
    a file that does not match is ignored, and one lost to a concurrent run is only parsed again."""

    def __init__(self, root: Path):
        self.path, self.entries, self.changed = Path(root) / "modules" / "imports.json", {}, False
        try:
            data = json.loads(self.path.read_bytes())
            if data["builders"] == _builders() and data["checksum"] == checksum(data["entries"]):
                self.entries = json.loads(data["entries"])
        except (OSError, ValueError, KeyError, TypeError):
            pass

    def imports(self, file: Path, name: str, source: bytes) -> list[str]:
        """:func:`imports_of`, remembered (its :class:`Dynamic` as None)."""
        key = f"{hashlib.sha256(source).hexdigest()} {name}"
        if key not in self.entries:
            try:
                self.entries[key] = imports_of(file, name, source)
            except Dynamic:
                self.entries[key] = None
            self.changed = True
        if self.entries[key] is None:
            raise Dynamic(f"{file}: dynamic")
        return list(self.entries[key])

    def save(self) -> None:
        if self.changed:
            body = json.dumps(self.entries)
            record = {"builders": _builders(), "checksum": checksum(body), "entries": body}
            try:
                write_atomic(self.path, json.dumps(record))
            except OSError:
                pass


class ModuleRecords:
    """One JSON file per module key under ``root`` (the step cache's folder: ``<root>/modules``)."""

    def __init__(self, root: Path):
        self.root = Path(root) / "modules"
        self.memo = ImportMemo(root)
        self.sources: dict[Path, list[Path]] = {}  # each keyed module's files, as its last key read them

    def key(self, path: Path | str, options, shown: str) -> str | None:
        """:func:`module_key`, with the imports of unchanged sources remembered (call :meth:`save` after)."""
        sources = read_sources(Path(path), self.memo)
        self.sources[Path(path)] = sorted(sources or ())
        return _key(path, sources, options, shown)

    def save(self) -> None:
        self.memo.save()

    def _path(self, key: str) -> Path:
        return self.root / key[:2] / f"{key}.json"

    def get(self, key: str | None) -> list[StoredReport] | None:
        """The reports stored under ``key``, or None (no key, no record, or one that is not to be trusted)."""
        if key is None:
            return None
        path = self._path(key)
        try:
            raw = path.read_bytes()
        except OSError:
            return None
        try:
            data = json.loads(raw)
            if data["schema"] != SCHEMA or data["key"] != key or data["checksum"] != checksum(data["reports"]):
                raise ValueError("foreign or altered record")
            return [StoredReport.from_json(r) for r in json.loads(data["reports"])]
        except (ValueError, KeyError, TypeError, AttributeError):
            path.unlink(missing_ok=True)  # ignored now, rewritten after the module is checked again
            return None

    def put(self, key: str | None, reports) -> bool:
        """Store one module's reports (each whole: every step of its derivation, in order, with ``to_json()``);
        nothing when a result is not a stored verdict or contradicts the engine. True when written."""
        results = [r for rep in reports for r in rep.results]
        if key is None or not reports or any(r.evidence not in STORED or r.inconsistent for r in results):
            return False
        if any(
            len(rep.results) != len(rep.derivation.steps) or hasattr(rep.derivation, "first_index") for rep in reports
        ):
            return False  # a --step view is not the module's whole report
        # NOTE: the reports as JSON text inside the record: the checksum is over that text, so that reading a record
        # does not write its reports out again to check them
        body = json.dumps([rep.to_json() for rep in reports], ensure_ascii=False)
        record = {
            "schema": SCHEMA,
            "key": key,
            "engine": engine_fingerprint(),
            "checksum": checksum(body),
            "reports": body,
        }
        try:
            write_atomic(self._path(key), json.dumps(record, ensure_ascii=False))
        except OSError:
            return False  # a read-only or full disk must not fail a check
        return True
