"""Named standard inequalities a derivation cites in ``by=`` (log x ≤ x − 1, 1 + x ≤ eˣ, Jensen, AM–GM,
Cauchy–Schwarz, the triangle inequality), each with its side conditions.

``LEMMAS`` maps each name to its lemma; ``by=`` accepts these names as well as the rewrite rules'.
"""

from __future__ import annotations

#: Every named inequality, by name.
LEMMAS: dict[str, object] = {}
