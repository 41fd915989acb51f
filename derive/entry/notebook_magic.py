"""The ``%%derive`` cell magic: run a notebook cell, then check and display every derivation it created.

A cell that starts with ``%%derive`` runs like any other cell (its names stay in the notebook's namespace), then
each ``Derivation`` constructed while it ran is checked with :func:`derive.entry.notebook.check` (the verification
cache included) and displayed with its marks. A refuted step, or an engine inconsistency, then fails the cell with a
short error naming the derivation, the step and the counterexample, as a failing ``assert`` would: a notebook run
by nbclient, ``jupyter nbconvert --execute`` or ``pytest --nbval`` stops there. A step short of its ``allow=``
(usually undecided) only warns, unless ``--strict``; a cell that creates no derivation is an error.

New derivations are found by watching their construction while the cell runs (not by comparing names), so one
rebuilt under an old name, or never bound to a name, is checked too. A derivation that a loader built from a
module file (``bundled(...)``) is kept only if the cell bound it to a name: loading a module builds all its
derivations, and the cell asked for one.
"""

from __future__ import annotations

import ast
import contextlib
import sys

from IPython.core.error import UsageError
from IPython.core.magic_arguments import argument, magic_arguments, parse_argstring
from IPython.display import display

from derive.core import location
from derive.core.errors import DeriveError
from derive.core.model import Derivation
from derive.entry.embed import Failure, failures, shortfalls
from derive.entry.notebook import check, register_formatters


class CellError(DeriveError):
    """A ``%%derive`` cell that fails: a refuted step, or no derivation. Shown as its message, no traceback."""

    def _render_traceback_(self) -> list[str]:
        """What IPython shows instead of a traceback (the frames would all be derive's, not the cell's)."""
        return [f"{type(self).__name__}: {self}"]


class RefutedStep(CellError, AssertionError):
    """A step of a derivation in a ``%%derive`` cell is refuted: the cell fails as a failing ``assert`` does."""


class ShortOfAllow(CellError, AssertionError):
    """With ``--strict``: a step short of the evidence its ``allow=`` asks for (usually undecided)."""


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
    """Run the cell, then check and display every derivation it constructed; fail the cell on a refuted step."""
    __tracebackhide__ = True  # noqa: F841 - IPython leaves this frame out of a traceback from the cell's code
    args = parse_argstring(derive, line)
    if args.budget is not None and args.budget <= 0:
        raise UsageError(f"%%derive: --budget must be a positive number of seconds, not {args.budget:g}")
    shell = _shell()
    before = list(shell.user_ns.values())  # held, so that no new object can take the id of a freed one
    with _watching() as created:
        value = run_cell_code(shell, cell)
    bound = {id(v) for v in list(shell.user_ns.values())} - {id(v) for v in before}
    del before
    chosen = [d for d in created if not d.source or id(d) in bound]
    if args.name:
        chosen = [d for d in chosen if d.name == args.name]
    if not chosen:
        raise NoDerivation(_none_message(created, args.name))
    reports = [check(d, budget=args.budget, seed=args.seed, cache=not args.no_cache) for d in chosen]
    for d in chosen:
        display(d)
    wrong, short = failures(reports), shortfalls(reports)
    if not args.strict:
        for failure in short:
            print(f"warning: {_located(shell, failure)}", file=sys.stderr)
    if wrong:
        raise RefutedStep(_failed_message(shell, wrong, "refuted", "with its counterexample"))
    if args.strict and short:
        raise ShortOfAllow(_failed_message(shell, short, "short of its allow=", "with its marks"))
    # NOTE: a cell ending with a derivation, or with its last .step(...), would show it twice (or a Step's repr)
    shown = any(value is d or getattr(value, "owner", None) is d for d in chosen)
    return None if shown else value


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
        "the cell constructed no derivation: a %%derive cell checks the Derivation objects built while it runs "
        "(build one in this cell, or call .check() on one built earlier)"
    )


def _failed_message(shell, failed: list[Failure], what: str, shown: str) -> str:
    head = f"a step is {what}" if len(failed) == 1 else f"{len(failed)} steps are {what}"
    body = "\n".join(_located(shell, f) for f in failed)
    return f"{head} (the display above shows the derivation {shown})\n{body}"


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
