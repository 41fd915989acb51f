"""Running checks: loading derivation modules, step tasks, the budgeted worker pool and the result cache."""
