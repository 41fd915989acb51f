"""Where in a derivation module a model call was made: the file and line that every message starts with."""

from __future__ import annotations

import sys
from pathlib import Path

#: The model's own files (and the generated ``Derivation.__init__``, whose code lives in no file): frames there
#: are not the author's.
_CORE = Path(__file__).resolve().parent
INTERNAL_CODES: set = set()


def caller() -> tuple[str, int]:
    """The file and line of the first frame outside derive's model (the derivation module's call)."""
    # NOTE: sys._getframe, not inspect.stack(): the latter reads every frame's source and costs milliseconds a step.
    frame = sys._getframe(1)
    while frame is not None:
        code = frame.f_code
        if code not in INTERNAL_CODES and Path(code.co_filename).parent != _CORE:
            return code.co_filename, frame.f_lineno
        frame = frame.f_back
    return "<unknown>", 0
