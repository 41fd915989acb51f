"""The trusted kernel: facts read from the declarations, the rules, the rewriter and the exact comparison.

It imports only ``derive.core``; everything that decides a ``proved`` by rewriting lives here.
"""
