from derive.entry.cli import entry

entry()
