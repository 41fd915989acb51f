from derive.cli import entry

entry()
