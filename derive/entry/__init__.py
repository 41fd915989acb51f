"""The entry points: the ``derive`` command, the build, settings, the pytest plugin, the notebook extension and
mutation testing. Nothing below imports them."""
