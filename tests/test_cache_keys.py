"""The cache key covers everything a verdict reads: a change to any of it gives the answer ``--no-cache`` gives,
never the old one. Each test checks, changes one thing, and checks again with the same cache folder."""

from __future__ import annotations

import sys
import textwrap
import types

import pytest
import sympy as sp

from derive import Context, Derivation, Evidence
from derive.checks.steps import Options
from derive.run.cache import Cache, step_key
from derive.run.check import check_derivations
from derive.run.loader import load_module


def run(derivation, cache):
    (report,) = check_derivations([(derivation, "")], Options(), cache=cache)
    return report.results


def evidence(results):
    return [r.evidence for r in results]


def test_a_context_declared_again_after_a_check_is_checked_again(tmp_path):
    ctx = Context()
    K = ctx.size("K")
    q = ctx.positive("q", index=(1, K), sums_to_one=True)
    k = sp.Symbol("k", integer=True)
    d = Derivation("normalised", ctx, start=sp.Sum(q[k], (k, 1, K)))
    d.step(sp.Integer(1), "q is a distribution")
    cache = Cache(tmp_path)
    assert evidence(run(d, cache)) == [Evidence.PROVED]
    assert run(d, cache)[0].cached

    ctx.positive("q", index=(1, K))  # a notebook cell run again: q is now any positive family
    again = run(d, cache)
    assert not again[0].cached
    assert evidence(again) == evidence(run(d, None)) == [Evidence.REFUTED]


HELPER = """
import math

def nlog(v):
    return -math.log(v){change}
"""

PROOF = """
{imports}
from sympy import log

from derive import Context, Derivation

ctx = Context()
y = ctx.probability("y")
surprise = Derivation("surprise", ctx, start=-log(y))


def nll(y):
{body}


surprise.reference(nll, args=(y,))
"""

STYLES = {  # how the reference reaches the helper, and what its first check shows
    "through_the_module": ("import cache_key_helper", "    return cache_key_helper.nlog(y)", Evidence.PROVED),
    "imported_by_name": ("from cache_key_helper import nlog", "    return nlog(y)", Evidence.PROVED),
    # imported when it runs: not yet when the key is made; the import is not plain arithmetic, so only numeric
    "imported_in_the_body": ("", "    from cache_key_helper import nlog\n\n    return nlog(y)", Evidence.NUMERIC),
}


@pytest.mark.parametrize("style", list(STYLES))
def test_a_change_to_a_helper_module_the_reference_imports_is_checked_again(style, tmp_path, monkeypatch):
    imports, body, first = STYLES[style]
    helper, proof = tmp_path / "cache_key_helper.py", tmp_path / "surprise.py"
    proof.write_text(PROOF.format(imports=imports, body=body))
    monkeypatch.syspath_prepend(str(tmp_path))
    monkeypatch.setattr(sys, "dont_write_bytecode", True)
    cache = Cache(tmp_path / "cache")

    def check(change: str):
        helper.write_text(textwrap.dedent(HELPER.format(change=change)))
        sys.modules.pop("cache_key_helper", None)  # what a new `derive check` process would (not yet) import
        loaded = load_module(proof)
        assert loaded.error is None, loaded.error
        (derivation,) = loaded.derivations
        return run(derivation, cache), run(derivation, None)

    try:
        cached, fresh = check("")
        assert evidence(cached) == evidence(fresh) == [first]
        cached, fresh = check(" + 1")  # the helper is now wrong by 1
        assert not cached[0].cached
        assert evidence(cached) == evidence(fresh) == [Evidence.REFUTED]
    finally:
        sys.modules.pop("cache_key_helper", None)


def make_rate(positive: bool) -> type:
    """A class ``Rate`` whose positivity (what log_mul needs) comes from a method, as in derive.notation."""
    if positive:

        class Rate(sp.Function):
            nargs = 1

            def _eval_is_positive(self):
                return True

    else:

        class Rate(sp.Function):
            nargs = 1

            def _eval_is_positive(self):
                return None

    return Rate


def _log_of_product(rate: type) -> Derivation:
    a, b = sp.Symbol("a", positive=True), sp.Symbol("b", positive=True)
    d = Derivation("rates", Context(), start=sp.log(rate(a) * rate(b)))
    d.step(sp.log(rate(a)) + sp.log(rate(b)), "the log of a product of positive rates", by="log_mul")
    return d


def test_a_function_class_whose_method_changed_is_checked_again(tmp_path):
    cache = Cache(tmp_path)
    assert evidence(run(_log_of_product(make_rate(positive=True)), cache)) == [Evidence.PROVED]
    # the class made again (a notebook cell, an edited module) with the same name, printed form and assumptions
    d = _log_of_product(make_rate(positive=False))
    again = run(d, cache)
    assert not again[0].cached
    assert evidence(again) == evidence(run(d, None))
    assert again[0].evidence is not Evidence.PROVED


def test_the_key_follows_a_method_replaced_on_the_class_and_a_class_made_with_type(monkeypatch):
    rate = make_rate(positive=True)
    d = _log_of_product(rate)
    before = step_key(d.context, d.steps[0], 0)
    monkeypatch.setattr(rate, "_eval_is_positive", lambda self: None)
    assert step_key(d.context, d.steps[0], 0) != before

    def made(tex: str) -> Derivation:
        quantity = type("ell", (sp.Function,), {"nargs": 0, "tex": tex, "_eval_is_positive": lambda self: True})
        return _log_of_product(lambda arg: quantity() * arg)

    first, second = made(r"\ell"), made(r"\bar{\ell}")
    assert step_key(first.context, first.steps[0], 0) != step_key(second.context, second.steps[0], 0)


def test_a_constant_the_reference_reads_is_in_the_key_even_where_no_file_records_it(monkeypatch):
    from derive.checks.code import Reference

    notebook = types.ModuleType("cache_key_notebook")  # like a notebook's __main__: no file behind it
    monkeypatch.setitem(sys.modules, notebook.__name__, notebook)
    exec("import math\n_EPS = 1e-12\nW = [1.0]\n\ndef nll(y):\n    return -W[0] * math.log(y + _EPS)\n", vars(notebook))
    y = sp.Symbol("y", positive=True)
    before = Reference(notebook.nll, (y,)).fingerprint()
    notebook._EPS = 1e-3  # the cell that sets it run again with another value
    assert Reference(notebook.nll, (y,)).fingerprint() != before
    before = Reference(notebook.nll, (y,)).fingerprint()
    notebook.W[0] = 2.0  # a list changed in place
    assert Reference(notebook.nll, (y,)).fingerprint() != before


# -- module records (derive.run.module_cache): the key of a whole module, read without importing it -------------------
def _module_key(path, seed=0, budget=5.0):
    from derive.run.module_cache import module_key

    return module_key(path, types.SimpleNamespace(budget=budget, seed=seed), str(path))


def test_a_module_key_follows_its_source_its_helpers_transitively_and_the_options(tmp_path, monkeypatch):
    monkeypatch.syspath_prepend(str(tmp_path))
    (tmp_path / "pkg").mkdir()
    (tmp_path / "pkg" / "__init__.py").write_text("from .consts import HALF\n")
    (tmp_path / "pkg" / "consts.py").write_text("HALF = 1\n")
    (tmp_path / "helper.py").write_text("import math\nfrom pkg import HALF\n")
    module = tmp_path / "proof.py"
    module.write_text("from sympy import Symbol\nfrom derive import Derivation\nimport helper\n")
    before = _module_key(module)
    assert before is not None and _module_key(module) == before
    for changed, text in [
        (module, "# a comment\n"),
        (tmp_path / "helper.py", "\n"),
        (tmp_path / "pkg" / "consts.py", "\n"),
    ]:
        changed.write_text(changed.read_text() + text)
        after = _module_key(module)
        assert after != before, changed
        before = after
    assert _module_key(module, seed=1) != before and _module_key(module, budget=10.0) != before


@pytest.mark.parametrize(
    "source",
    [
        "import numpy\n",  # an installed library whose version no key names
        "import os\n",  # the world outside the source
        "import not_a_module_anywhere\n",
        "from . import sibling\n",  # a derivation module is imported alone, not as a package's
        "x = open('data.csv').read()\n",
        "x = eval('1')\n",
        "import sympy\nf = getattr(sympy, 'log')\n",
        "HERE = __file__\n",
        "import importlib\n",
        "try:\n    pass\nexcept ImportError:\n    import os\n",  # an import nested in statements is read too
        "if True:\n    pass\nelse:\n    from os import path\n",
        "class A:\n    def f(self):\n        with A():\n            import os\n",
        "match 1:\n    case 1:\n        import os\n",
        "x = ｏｐｅｎ('data.csv')\n",  # the same name as `open` (NFKC)
    ],
)
def test_a_module_whose_results_could_depend_on_more_than_its_sources_has_no_record_key(tmp_path, source):
    module = tmp_path / "proof.py"
    module.write_text("from derive import Derivation\n" + source)
    assert _module_key(module) is None


def test_a_module_key_reads_imports_inside_functions_and_a_helper_that_is_dynamic_disables_it(tmp_path, monkeypatch):
    monkeypatch.syspath_prepend(str(tmp_path))
    (tmp_path / "helper.py").write_text("X = 1\n")
    module = tmp_path / "proof.py"
    module.write_text("def f():\n    import helper\n    return helper.X\n")
    before = _module_key(module)
    (tmp_path / "helper.py").write_text("X = 2\n")
    assert _module_key(module) not in (None, before)
    (tmp_path / "helper.py").write_text("import os\nX = int(os.environ['X'])\n")
    assert _module_key(module) is None


def test_remembered_imports_give_the_same_key_and_a_changed_source_is_read_again(tmp_path, monkeypatch):
    from derive.run.module_cache import ModuleRecords

    monkeypatch.syspath_prepend(str(tmp_path))
    (tmp_path / "helper.py").write_text("X = 1\n")
    module = tmp_path / "proof.py"
    module.write_text("import helper\n")
    options = types.SimpleNamespace(budget=None, seed=0)
    first = ModuleRecords(tmp_path / "cache")
    key = first.key(module, options, "proof.py")
    first.save()
    again = ModuleRecords(tmp_path / "cache")
    assert again.memo.entries and again.key(module, options, "proof.py") == key
    (tmp_path / "helper.py").write_text("import os\nX = int(os.environ['X'])\n")  # now dynamic: no key at all
    assert again.key(module, options, "proof.py") is None


def test_a_module_reaching_the_world_through_an_attribute_or_a_star_import_gets_no_key(tmp_path, monkeypatch):
    """Found by a review: derive.run.cache imports os, SymPy re-exports import_module, and ``from pkg import *``
    imports what ``pkg.__all__`` names; none of these is a name the module writes itself."""
    monkeypatch.syspath_prepend(str(tmp_path))
    (tmp_path / "pkg").mkdir()
    (tmp_path / "pkg" / "__init__.py").write_text("__all__ = ['sub']\n")
    (tmp_path / "pkg" / "sub.py").write_text("C = 2\n")
    for n, text in enumerate(
        [
            "from derive.run.cache import os\nC = int(os.environ.get('C', '2'))\n",
            "import typing\nC = typing.sys.modules\n",
            "from sympy.external import import_module\nh = import_module('helper')\n",
            "from pkg import *\n",
        ]
    ):
        module = tmp_path / f"dynamic_{n}.py"
        module.write_text("from derive import Derivation\n" + text)
        assert _module_key(module) is None, text


def test_modules_checked_in_one_run_share_their_keys(tmp_path, monkeypatch):
    """One module may use a submodule only another imported (a review's case): a change to any module's closure
    misses every record of the run."""
    from derive.entry.commands import _run_keys
    from derive.run.module_cache import ModuleRecords

    monkeypatch.syspath_prepend(str(tmp_path))
    (tmp_path / "helper_b.py").write_text("C = 2\n")
    a, b = tmp_path / "a.py", tmp_path / "b.py"
    a.write_text("from derive import Derivation\n")
    b.write_text("from derive import Derivation\nimport helper_b\n")
    records, options = ModuleRecords(tmp_path / "cache"), types.SimpleNamespace(budget=None, seed=0)
    files = [(a, None), (b, None)]
    before = _run_keys(records, files, options)
    (tmp_path / "helper_b.py").write_text("C = 3\n")
    after = _run_keys(records, files, options)
    assert before[a] != after[a] and before[b] != after[b]
    (tmp_path / "c.py").write_text("from derive import Derivation\nopen('x')\n")
    assert _run_keys(records, [*files, (tmp_path / "c.py", None)], options) == {}


def test_the_bytecode_of_a_module_and_its_helpers_is_dropped_before_a_recorded_import(tmp_path, monkeypatch):
    """Python trusts a .pyc whose source has the same size and second: an edit within it would run the old code."""
    import importlib.util
    from pathlib import Path

    from derive.entry.commands import _drop_bytecode
    from derive.run.module_cache import ModuleRecords

    monkeypatch.syspath_prepend(str(tmp_path))
    (tmp_path / "helper_c.py").write_text("C = 2\n")
    module = tmp_path / "m.py"
    module.write_text("from derive import Derivation\nimport helper_c\n")
    caches = [Path(importlib.util.cache_from_source(str(f))) for f in (module, tmp_path / "helper_c.py")]
    for cached in caches:
        cached.parent.mkdir(exist_ok=True)
        cached.write_bytes(b"stale")
    records = ModuleRecords(tmp_path / "cache")
    assert records.key(module, types.SimpleNamespace(budget=None, seed=0), str(module)) is not None
    _drop_bytecode(records.sources[module])  # the files the key read: the module and its helper
    assert not any(c.exists() for c in caches)


def test_a_step_key_follows_the_module_globals_a_method_reads(tmp_path, monkeypatch):
    """A review's case: ``_eval_is_positive`` decided by a module-level setting that the derivation changes."""
    monkeypatch.syspath_prepend(str(tmp_path))
    (tmp_path / "helper_s.py").write_text(
        "from sympy import Function\nSETTINGS = {'positive': True}\n\n"
        "class F(Function):\n    def _eval_is_positive(self):\n        return SETTINGS['positive'] or None\n"
    )
    import helper_s

    from derive.core.fingerprints import class_fingerprint

    before = class_fingerprint(helper_s.F)
    helper_s.SETTINGS["positive"] = False
    assert class_fingerprint(helper_s.F) != before


def test_a_bound_or_nonnegativity_declared_again_is_checked_again(tmp_path):
    # the context's fingerprint must follow a family's bounds: z_i < m + 1 is proved under z_i ≤ m only
    from derive.run.cache import context_fingerprint

    m = sp.Symbol("m", real=True)
    ctx = Context()
    K = ctx.size("K")
    z = ctx.real("z", (1, K), upper=m)
    w = ctx.nonnegative("w", (1, K))
    prints = [context_fingerprint(ctx)]
    ctx.real("z", (1, K), upper=m + 1)
    prints.append(context_fingerprint(ctx))
    ctx.real("z", (1, K), lower=m, upper=m + 1)
    prints.append(context_fingerprint(ctx))
    ctx.nonnegative("w", (1, K), upper=K)
    prints.append(context_fingerprint(ctx))
    assert len(set(prints)) == len(prints)

    ctx.real("z", (1, K), upper=m)
    k = sp.Symbol("k", integer=True)
    d = Derivation("bounded", ctx, start=m - z[1] + sp.Sum(w[k], (k, 1, K)))
    d.step(m - z[1] + sp.Sum(w[k], (k, 1, K)) + 1, "a strict bound", relation=">")
    cache = Cache(tmp_path)
    first = run(d, cache)
    assert not first[0].cached and run(d, cache)[0].cached
    ctx.real("z", (1, K))  # the bound dropped, as a notebook cell run again would
    again = run(d, cache)
    assert not again[0].cached
