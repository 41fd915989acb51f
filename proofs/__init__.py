"""The derivations bundled with derive (installed as ``derive.proofs``); see README.md for the list.

``ORDER`` is the reading order of the lecture notes and slides (``derive.run.loader.reading_order``): the seed-000
chain first, then what it leads to.
"""

ORDER = [
    "iid_cross_entropy",
    "empirical_distribution",
    "kl_divergence",
    "kl_minimisers",
    "one_hot_targets",
    "softmax_one_hot",
    "bernoulli_likelihood",
    "batch_cross_entropy",
    "entropy_in_bits",
]
