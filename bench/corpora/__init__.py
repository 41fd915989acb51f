"""External corpora for scoring derive: statements translated from Lean Mathlib and a lecturer's course.

``mathlib`` holds identities and inequalities about finite sums and products, geometric sums, ``Real.log`` and
``Real.exp``, each translated from a named Mathlib lemma, with false variants beside them; ``course/`` holds
derivation modules written the way an ML or statistics lecturer types them. ``bench/score.py`` runs both.
"""
