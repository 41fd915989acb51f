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

import ast
import hashlib
import importlib.machinery
import json
import re
import sys
from dataclasses import dataclass
from functools import cache as memoize
from pathlib import Path

from derive.core.atomic import write_atomic
from derive.core.evidence import Evidence, StepResult
from derive.core.fingerprints import is_engine_module, is_library_module
from derive.core.model import Kind, Relation
from derive.run.cache import STORED, engine_fingerprint

SCHEMA = 2

#: The installed code a derivation module may import and still be served from a record: SymPy (its version is in
#: the engine fingerprint) and standard modules that compute without reading the world.
PURE_LIBRARIES = frozenset(
    "sympy __future__ abc cmath collections copy dataclasses decimal enum fractions functools itertools math "
    "numbers operator re statistics string textwrap typing".split()
)

#: Names through which a module's result could depend on more than its source and its imports' sources.
DYNAMIC_NAMES = frozenset(
    "open exec eval compile __import__ input breakpoint globals locals vars getattr setattr delattr "
    "__file__ __builtins__ __loader__ __spec__ __path__".split()
)

#: A dynamic name written as a word (an identifier in an ASCII source is delimited by what cannot be in one)
_WRITTEN = re.compile(rb"\b(?:" + b"|".join(n.encode() for n in sorted(DYNAMIC_NAMES)) + rb")\b")

_BUILDERS = (Path(__file__).with_name("loader.py"), Path(__file__))


@memoize
def _builders() -> str:
    """A hash of the code that builds records: the loader (what a module's derivations are) and this module."""
    return hashlib.sha256(b"".join(f.read_bytes() for f in _BUILDERS)).hexdigest()


class Dynamic(Exception):
    """The module's results may depend on more than the sources read: no record for it."""


# -- what a module's results depend on ---------------------------------------------------------------------------
def module_sources(path: Path) -> list[Path] | None:
    """``path`` and every project-local module it imports, transitively, in a stable order; None when anything is
    dynamic or unresolvable (see the module docstring)."""
    found = _read_sources(Path(path))
    return None if found is None else sorted(found)


def _read_sources(path: Path, memo: ImportMemo | None = None) -> dict[Path, bytes] | None:
    """:func:`module_sources` with each file's content, read once."""
    todo: list[tuple[Path, str]] = [(path.absolute(), "")]  # a file and its dotted name ("": not a package's)
    seen: dict[Path, bytes] = {}
    try:
        while todo:
            file, name = todo.pop()
            if file in seen:
                continue
            seen[file] = file.read_bytes()
            for imported in (memo.imports if memo else _imports)(file, name, seen[file]):
                todo.extend(_resolve(imported))
    except (Dynamic, OSError, SyntaxError, ValueError):
        return None
    return seen


def _imports(file: Path, name: str, source: bytes) -> list[str]:
    """The absolute names of the modules ``file`` (module ``name``) imports anywhere in its source; raises
    :class:`Dynamic` on a name that reaches outside it or a relative import that cannot be resolved."""
    tree = ast.parse(source, filename=str(file))
    # NOTE: a name can only be used if it is written in the source (identifiers are NFKC-normalised, so only an
    # ASCII source is sure of it): most modules skip the walk over every expression, the slow part of a warm run
    if not source.isascii() or _WRITTEN.search(source):
        for node in ast.walk(tree):
            if isinstance(node, ast.Name) and node.id in DYNAMIC_NAMES:
                raise Dynamic(f"{file}: {node.id}")
    package = name if file.name == "__init__.py" else name.rpartition(".")[0]
    out: list[str] = []
    for node in _statements(tree.body):
        if isinstance(node, ast.Import):
            out += [a.name for a in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                parts = package.split(".") if package else []
                if not name or node.level > len(parts):
                    raise Dynamic(f"{file}: a relative import outside a package")
                base = ".".join(parts[: len(parts) - node.level + 1] + ([base] if base else []))
            out.append(base)
            out += [f"{base}.{a.name}" for a in node.names if a.name != "*"]  # a submodule, if one is so named
    return out


def _statements(body: list[ast.stmt]):
    """Every statement in ``body`` and in the bodies nested in it (functions, classes, branches, loops, ``with``,
    ``try``, ``match``): an import is a statement, so none is missed, and no expression is visited."""
    todo = list(body)
    while todo:
        node = todo.pop()
        yield node
        for field in ("body", "orelse", "finalbody", "handlers", "cases"):
            for child in getattr(node, field, None) or ():
                if isinstance(child, ast.stmt):
                    todo.append(child)
                else:  # an except handler or a match case: its statements
                    todo.extend(getattr(child, "body", ()))


def _resolve(name: str) -> list[tuple[Path, str]]:
    """The project files importing ``name`` executes (each package's ``__init__.py``, then the module), as Python's
    path finder would find them; [] for derive, SymPy or a pure standard module. Raises :class:`Dynamic` for
    any other installed module or a name no file provides (``pkg.x`` that is an attribute is no file: [])."""
    top, *rest = name.split(".")
    if is_engine_module(top):
        return []  # derive's own modules: the deciding ones are in the engine fingerprint, as for a step key
    if top in sys.builtin_module_names or importlib.machinery.FrozenImporter.find_spec(top) is not None:
        if top in PURE_LIBRARIES:
            return []
        raise Dynamic(f"the built-in module {top}")
    found = _find_top(top)
    if is_library_module(top, str(found)):
        if top in PURE_LIBRARIES:
            return []
        raise Dynamic(f"the installed module {top}")
    if found.suffix != ".py":
        raise Dynamic(f"{found}: compiled code in the project")
    files = [(found, top)]
    folder = found.parent if found.name == "__init__.py" else None
    for n, part in enumerate(rest, start=1):
        if folder is None:
            return files  # an attribute of a module, not a submodule
        dotted = ".".join([top, *rest[:n]])
        if (folder / part / "__init__.py").is_file():
            files.append((folder / part / "__init__.py", dotted))
            folder = folder / part
        elif (folder / f"{part}.py").is_file():
            files.append((folder / f"{part}.py", dotted))
            folder = None
        else:
            return files  # `from pkg import name`: a name defined in pkg/__init__.py (read above)
    return files


def _find_top(top: str) -> Path:
    """The file of the top-level module ``top`` along ``sys.path``: a package's ``__init__.py``, a ``.py`` or a
    compiled module, as Python's path finder would pick it (remembered for as long as ``sys.path`` is the same)."""
    key = (top, tuple(sys.path))
    if key not in _FOUND:
        try:
            _FOUND[key] = _search(top)
        except Dynamic as exc:
            _FOUND[key] = exc
    found = _FOUND[key]
    if isinstance(found, Dynamic):
        raise found
    return found


_FOUND: dict[tuple, Path | Dynamic] = {}


def _search(top: str) -> Path:
    for entry in sys.path:
        folder = Path(entry or ".")
        if (folder / top / "__init__.py").is_file():
            return (folder / top / "__init__.py").resolve()
        compiled = [folder / f"{top}{suffix}" for suffix in importlib.machinery.EXTENSION_SUFFIXES]
        for file in [*compiled, folder / f"{top}.py"]:
            if file.is_file():
                return file.resolve()
        if (folder / top).is_dir():
            raise Dynamic(f"{top}: a namespace package")
    raise Dynamic(f"{top}: not found on sys.path (a finder's module)")


def module_key(path: Path | str, options, shown: str, memo: ImportMemo | None = None) -> str | None:
    """The key of ``path``'s record checked with ``options`` (its ``budget``, None for derive's default, and its
    ``seed``) and shown as ``shown``; None when the module cannot be served from a record."""
    sources = _read_sources(Path(path), memo)
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
            if data["builders"] == _builders() and data["checksum"] == _checksum(data["entries"]):
                self.entries = json.loads(data["entries"])
        except (OSError, ValueError, KeyError, TypeError):
            pass

    def imports(self, file: Path, name: str, source: bytes) -> list[str]:
        """:func:`_imports`, remembered (its :class:`Dynamic` as None)."""
        key = f"{hashlib.sha256(source).hexdigest()} {name}"
        if key not in self.entries:
            try:
                self.entries[key] = _imports(file, name, source)
            except Dynamic:
                self.entries[key] = None
            self.changed = True
        if self.entries[key] is None:
            raise Dynamic(f"{file}: dynamic")
        return list(self.entries[key])

    def save(self) -> None:
        if self.changed:
            body = json.dumps(self.entries)
            record = {"builders": _builders(), "checksum": _checksum(body), "entries": body}
            try:
                write_atomic(self.path, json.dumps(record))
            except OSError:
                pass


class ModuleRecords:
    """One JSON file per module key under ``root`` (the step cache's folder: ``<root>/modules``)."""

    def __init__(self, root: Path):
        self.root = Path(root) / "modules"
        self.memo = ImportMemo(root)

    def key(self, path: Path | str, options, shown: str) -> str | None:
        """:func:`module_key`, with the imports of unchanged sources remembered (call :meth:`save` after)."""
        return module_key(path, options, shown, self.memo)

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
            if data["schema"] != SCHEMA or data["key"] != key or data["checksum"] != _checksum(data["reports"]):
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
            "checksum": _checksum(body),
            "reports": body,
        }
        try:
            write_atomic(self._path(key), json.dumps(record, ensure_ascii=False))
        except OSError:
            return False  # a read-only or full disk must not fail a check
        return True


def cached_reports(path: Path | str, options, shown: str, root: Path) -> list[StoredReport] | None:
    """The reports of the module at ``path`` from its record under ``root``, without importing it; None when
    there is no valid record or the module cannot be served from one."""
    records = ModuleRecords(root)
    found = records.get(records.key(path, options, shown))
    records.save()
    return found


def store(path: Path | str, reports, options, shown: str, root: Path, key: str | None = None) -> bool:
    """Record the reports of the module at ``path``. Pass the ``key`` computed *before* the module was imported
    (:func:`module_key`), so that a file edited during the check is not recorded under its new source."""
    return ModuleRecords(root).put(key if key is not None else module_key(path, options, shown), reports)


def _checksum(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()
