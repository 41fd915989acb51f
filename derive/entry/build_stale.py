"""The write-ups of a derivation that no module makes any more (it was renamed, or deleted, or its module was):
which files of ``out`` they are, so ``derive build`` removes them and ``derive build --check`` lists them.

The manifest records, for each derivation whose write-ups it lists, the module that made it (:data:`MODULES`). A
build removes a derivation's write-ups only when it covers that module and the derivation is not among those it
loaded. It covers a module that it loaded without error, and a module recorded in a folder it was given (as a PATH)
that is no longer there (or no longer a derivation module). So a build of only some PATHs never touches the
write-ups that modules of other PATHs made; a module that fails to load keeps its write-ups (the error fails the
build); a build with ``--step`` removes nothing this way; a manifest written before derive recorded the modules
gives no derivation a module, so none is removed until a build has recorded them. What is removed goes through
:func:`derive.entry.build.remove_stale`: only files the manifest lists, unchanged, inside ``out``.
"""

from __future__ import annotations

import os
from pathlib import Path

from derive.core.errors import ModelError
from derive.entry.build import MODULES, _read_manifest, _read_sources, _write_manifest, check_name, output_names
from derive.run.loader import Loaded, module_files


def module_key(out: Path, module: Path) -> str:
    """How the manifest in ``out`` names ``module``: relative to ``out`` (both resolved), so it is the same from
    any working directory; absolute when there is no relative path (another drive)."""
    try:
        return Path(os.path.relpath(module.resolve(), out.resolve())).as_posix()
    except ValueError:
        return str(module.resolve())


def record_modules(out: Path, made: dict[str, Path]) -> None:
    """Record in the manifest of ``out`` the module that made each derivation of ``made`` (name → module)."""
    if made and out.is_dir():
        modules = _read_sources(out, MODULES)
        modules.update({name: module_key(out, module) for name, module in made.items()})
        _write_manifest(out, _read_manifest(out), modules=modules)


def orphaned(out: Path, loaded: list[Loaded], paths: list, step: str | None = None) -> dict[str, list[str]]:
    """The write-ups in ``out`` (by the manifest) of each derivation no module of this build makes any more, by
    derivation name: the files a build of ``paths`` that loaded ``loaded`` removes (see the module's docstring).
    ``step``: the build's ``--step`` (then none)."""
    recorded = _read_sources(out, MODULES)
    if step is not None or not recorded:
        return {}
    ok = {_resolved(item.path) for item in loaded if item.error is None}
    tried = {_resolved(path) for path, _ in module_files(paths)}
    folders = {_resolved(Path(p)) for p in paths if Path(p).is_dir()}
    names = {d.name for item in loaded for d in item.derivations}
    base, gone = out.resolve(), {}
    for name, key in sorted(recorded.items()):
        module = Path(os.path.normpath(base / key))
        covered = module in ok or (module.parent in folders and module not in tried)
        if name not in names and covered and _plain(name):
            gone[name] = list(output_names(name).values())
    return gone


def _resolved(path: Path) -> Path:
    return Path(os.path.normpath(Path(path).resolve()))


def _plain(name: str) -> bool:
    """A name derive could have written files for (a hand-edited manifest may record any)."""
    try:
        check_name(name)
    except ModelError:
        return False
    return True
