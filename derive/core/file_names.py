"""What a derivation's name may be: it names the write-ups' files (``<name>.tex``, ``html/<name>.html``).

Refused where the Derivation is made (derive.core.model) and again by the build before it writes
(derive.entry.build), since a name may be changed after.
"""

from __future__ import annotations

import re

#: What a derivation's name may not hold: it names the write-ups' files (``<name>.tex``) and a slug of the title
#: never has these; a path separator or a leading dot would write outside the output folder (derive.entry.build).
UNSAFE_NAME = re.compile(r'[/\\<>:"|?*\x00-\x1f\x7f]|^\.|^$')


def name_problem(name: object) -> str | None:
    """Why ``name`` cannot name a derivation's files (None when it can): :data:`UNSAFE_NAME`."""
    if isinstance(name, str) and not UNSAFE_NAME.search(name):
        return None
    return (
        f"derivation name {name!r} cannot name its files: it may not be empty, start with '.', or hold '/', "
        """'\\', ':', '<', '>', '"', '|', '?', '*' or a control character"""
    )
