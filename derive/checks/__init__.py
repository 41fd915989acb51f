"""The evidence ladder: points inside the declarations, evaluation, counterexamples, the independent guard,
relations and code checks. It imports ``derive.core`` and ``derive.engine`` only."""
