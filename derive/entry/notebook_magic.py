"""The ``%%derive`` cell magic: run a notebook cell, then check and display every derivation it built or changed.

A cell that starts with ``%%derive`` runs like any other cell (its names stay in the notebook's namespace), then
the derivations it concerns are checked together with :func:`derive.entry.notebook.check_all` (the verification
cache included) and displayed with their marks. A refuted step, or an engine inconsistency, then fails the cell with
a short error naming the derivation, the step and the counterexample, as a failing ``assert`` would: a notebook run
by nbclient, ``jupyter nbconvert --execute`` or ``pytest --nbval`` stops there. So does a refuted step in a
derivation one of them cites (built in an earlier cell, say), as it fails a docs page (:mod:`derive.entry.embed`):
the citing step alone would only be ``undecided``. A step short of its ``allow=`` (usually undecided) only warns,
unless ``--strict``; a cell that concerns no derivation is an error.

The derivations a cell concerns: those constructed while it ran, found by watching their construction (not by
comparing names, so one rebuilt under an old name, or never bound to a name, is checked too), except that of a
module a loader built from a file (``bundled(...)``) only one the cell bound to a name is kept (loading a module
builds all its derivations, and the cell asked for one); those of the namespace (bound to a name, or an item of a
list, tuple or dict bound to one) whose steps the cell changed; and those it bound to a name that the namespace
did not hold before (a ``copy.deepcopy`` runs no constructor). They are checked in one run, so that one may cite
another by its name.
"""

from __future__ import annotations

import ast
import contextlib
import re
import sys

from IPython.core.error import UsageError
from IPython.core.magic_arguments import argument, magic_arguments, parse_argstring
from IPython.display import display

from derive.core import location
from derive.core.errors import DeriveError
from derive.core.model import Derivation, Step
from derive.entry.embed import Failure, failures, shortfalls
from derive.entry.notebook import check_all, register_formatters
from derive.run.citations import CitationError


class CellError(DeriveError):
    """A ``%%derive`` cell that fails: a refuted step, or no derivation. Shown as its message, no traceback."""

    def _render_traceback_(self) -> list[str]:
        """What IPython shows instead of a traceback (the frames would all be derive's, not the cell's)."""
        return [f"{type(self).__name__}: {self}"]


class RefutedStep(CellError, AssertionError):
    """A step of a derivation in a ``%%derive`` cell is refuted: the cell fails as a failing ``assert`` does."""


class ShortOfAllow(CellError, AssertionError):
    """With ``--strict``: a step short of the evidence its ``allow=`` asks for (usually undecided)."""


class BadCitation(CellError):
    """A citation in a ``%%derive`` cell that cannot be resolved: a name no derivation of the cell (or loaded
    module) has, two derivations of one name, or a cycle."""


class NoDerivation(CellError):
    """A ``%%derive`` cell that constructed no derivation (or none of the name asked for)."""


class CellSyntaxError(CellError):
    """A syntax error in a ``%%derive`` cell, shown as IPython shows one in a plain cell (without the frames of
    the magic that compiled it)."""

    def __init__(self, error: SyntaxError, shown: list[str]) -> None:
        super().__init__(str(error))
        self.shown = shown

    def _render_traceback_(self) -> list[str]:
        return self.shown


@magic_arguments()
@argument("name", nargs="?", help="check only the derivation of this name (its name= or slug of its title)")
@argument("--budget", type=float, metavar="SECONDS", help="seconds per step (default that of derive check)")
@argument("--seed", type=int, default=0, metavar="N", help="the seed of the numeric checks (default 0)")
@argument("--no-cache", action="store_true", help="check every step again instead of reading the cache")
@argument("--strict", action="store_true", help="fail the cell on a step short of its allow= too")
def derive(line: str, cell: str):
    """Run the cell, then check and display every derivation it built, copied or added steps to; fail the cell
    on a refuted step (its own, or of a derivation it cites)."""
    __tracebackhide__ = True  # noqa: F841 - IPython leaves this frame out of a traceback from the cell's code
    args = parse_argstring(derive, line)
    if args.budget is not None and args.budget <= 0:
        raise UsageError(f"%%derive: --budget must be a positive number of seconds, not {args.budget:g}")
    shell = _shell()
    before = list(shell.user_ns.values())  # held, so that no new object can take the id of a freed one
    earlier = {id(d): (d, tuple(d.steps)) for d in _reachable(shell)}  # each with its steps before the cell
    with _watching() as created:
        value = run_cell_code(shell, cell)
    bound = {id(v) for v in list(shell.user_ns.values())} - {id(v) for v in before}
    del before
    candidates = _checked_by_cell(shell, created, bound, earlier)
    chosen = [d for d in candidates if d.name == args.name] if args.name else candidates
    if not chosen:
        raise NoDerivation(_none_message(created, args.name))
    options = {"budget": args.budget, "seed": args.seed, "cache": not args.no_cache}
    try:
        reports, cited = check_all(chosen, library=candidates, **options)
    except CitationError as error:
        raise BadCitation(_in_cells(shell, str(error))) from None
    for d in chosen:
        display(d)
    wrong, short = failures(reports), shortfalls(reports)
    wrong_cited = failures(cited)
    if not args.strict:
        for failure in short:
            print(f"warning: {_located(shell, failure)}", file=sys.stderr)
    if wrong or wrong_cited:
        parts = [_failed_message(shell, wrong, "refuted", "with its counterexample")] if wrong else []
        if wrong_cited:  # its citing step is only capped to undecided: fail as a docs page does (derive.entry.embed)
            parts.append("\n".join(["a derivation the cell cites fails:"] + [_located(shell, f) for f in wrong_cited]))
        raise RefutedStep("\n".join(parts))
    if args.strict and short:
        raise ShortOfAllow(_failed_message(shell, short, "short of its allow=", "with its marks"))
    # NOTE: a cell ending with a derivation, or with a .step(...), would show it twice (or a Step's repr)
    shown = isinstance(value, Step) or any(value is d for d in chosen)
    return None if shown else value


def _checked_by_cell(shell, created: list[Derivation], bound: set[int], earlier: dict) -> list[Derivation]:
    """What a cell checks, in this order: the derivations it built (of those a loader built from a module file,
    only one the cell bound to a name), those built before whose steps it changed (compared by identity), and
    those it bound to a name in the namespace that were not there before (a ``copy.deepcopy`` runs no
    constructor)."""
    made = {id(d) for d in created}
    out = [d for d in created if not d.source or id(d) in bound]
    out += [d for d, steps in earlier.values() if not _same_steps(steps, d.steps)]
    out += [d for d in _reachable(shell) if id(d) not in earlier and id(d) not in made]
    unique = {id(d): d for d in reversed(out)}
    return [d for d in out if unique.pop(id(d), None) is not None]


def _same_steps(steps: tuple, now: list) -> bool:
    return len(steps) == len(now) and all(a is b for a, b in zip(steps, now))


def _reachable(shell) -> list[Derivation]:
    """The derivations the notebook's namespace holds: bound to a name, or an item of a list, tuple or dict bound
    to one (IPython's own names, such as ``Out``, and very long containers are not searched)."""
    found: dict[int, Derivation] = {}
    hidden = shell.user_ns_hidden
    for name, value in list(shell.user_ns.items()):
        if isinstance(value, Derivation):
            found.setdefault(id(value), value)
        elif type(value) in (list, tuple, dict) and len(value) <= _LONGEST and not name.startswith("_"):
            if name not in hidden:
                for item in value.values() if type(value) is dict else value:
                    if isinstance(item, Derivation):
                        found.setdefault(id(item), item)
    return list(found.values())


_LONGEST = 10_000  # items of a container searched for derivations (a notebook may hold long lists of numbers)


def run_cell_code(shell, cell: str):
    """Run ``cell`` in the notebook's namespace as IPython runs a cell; return its last expression's value.

    The code is compiled under a name IPython knows (``Cell In[5], line 3`` in tracebacks, and in the steps'
    ``where``), its lines numbered as the notebook shows them, the ``%%derive`` line being line 1.
    """
    __tracebackhide__ = True  # noqa: F841
    # NOTE: IPython drops a cell's leading blank lines before compiling; put them back, with the magic's line
    lines = cell.splitlines()
    blank = next((n for n, text in enumerate(lines) if text and not text.isspace()), 0)
    source = "\n" * (1 + blank) + shell.transform_cell(cell)
    filename = shell.compile.cache(source, _cell_number(shell), raw_code="%%derive\n" + cell)
    try:
        tree = shell.compile.ast_parse(source, filename=filename)
    except SyntaxError as error:
        error.filename = filename
        shown = shell.SyntaxTB.structured_traceback(SyntaxError, error, None)
        raise CellSyntaxError(error, shown) from None
    last = tree.body.pop() if tree.body and isinstance(tree.body[-1], ast.Expr) else None
    code = shell.compile(tree, filename, "exec")
    exec(code, shell.user_global_ns, shell.user_ns)
    if last is None:
        return None
    expression = shell.compile(ast.Expression(last.value), filename, "eval")
    return eval(expression, shell.user_global_ns, shell.user_ns)


@contextlib.contextmanager
def _watching():
    """Collect every ``Derivation`` constructed inside the ``with`` block, in order of construction."""
    created: list[Derivation] = []
    original = Derivation.__dict__["__post_init__"]

    def __post_init__(self) -> None:
        original(self)
        created.append(self)

    # NOTE: the model reports the first frame outside derive.core as where a derivation was built; this wrapper
    # is in derive.entry, so it says it is the model's too.
    location.INTERNAL_CODES.add(__post_init__.__code__)
    Derivation.__post_init__ = __post_init__
    try:
        yield created
    finally:
        Derivation.__post_init__ = original
        location.INTERNAL_CODES.discard(__post_init__.__code__)


def _cell_number(shell) -> int:
    """The execution count of the running cell: that of the cell code calling the magic (IPython 9 counts the
    cell before running it, earlier versions after)."""
    frame = sys._getframe(1)
    while frame is not None:
        number = shell.compile._filename_map.get(frame.f_code.co_filename)
        if number is not None:
            return number
        frame = frame.f_back
    return shell.execution_count


def _shell():
    from IPython import get_ipython

    shell = get_ipython()
    if shell is None:
        raise UsageError("%%derive runs only inside IPython or Jupyter")
    return shell


def _none_message(created: list[Derivation], name: str | None) -> str:
    if name:
        names = ", ".join(d.name for d in created) or "none"
        return f"the cell constructed no derivation named {name!r} (it constructed: {names})"
    return (
        "the cell constructed no derivation: a %%derive cell checks the Derivation objects it builds, copies "
        "or adds steps to (build one in this cell, or call .check() on one built earlier)"
    )


def _failed_message(shell, failed: list[Failure], what: str, shown: str) -> str:
    head = f"a step is {what}" if len(failed) == 1 else f"{len(failed)} steps are {what}"
    body = "\n".join(_located(shell, f) for f in failed)
    return f"{head} (the display above shows the derivation {shown})\n{body}"


def _in_cells(shell, message: str) -> str:
    """``message`` with each cell's file name (a temporary path) and line as ``Cell In[5], line 3``."""
    for file, number in list(shell.compile._filename_map.items()):
        if file in message:
            message = re.sub(re.escape(file) + r":(\d+)", lambda m, n=number: f"Cell In[{n}], line {m[1]}", message)
    return message


def _located(shell, failure: Failure) -> str:
    """``Cell In[5], line 12: name: step 2 (slip) is refuted: ...`` (a cell's file name is a temporary path)."""
    number = shell.compile._filename_map.get(failure.file)
    if number is not None:
        where = f"Cell In[{number}], line {failure.line}"
    else:
        where = f"{failure.file}:{failure.line}" if failure.line else failure.file
    return f"{where}: {failure.message}"


def load_ipython_extension(shell) -> None:
    """``%load_ext derive``: the displays of a derivation (IPython's formatters) and the ``%%derive`` magic."""
    register_formatters(shell)
    shell.register_magic_function(derive, magic_kind="cell", magic_name="derive")
