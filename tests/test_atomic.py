"""Atomic writes: whole files or nothing, with ordinary permissions."""

from __future__ import annotations

import os
import stat

import pytest

from derive.core.atomic import write_atomic


def test_writes_whole_file_with_ordinary_permissions(tmp_path):
    path = write_atomic(tmp_path / "sub" / "a.tex", "hello\n")
    assert path.read_text() == "hello\n"
    mode = stat.S_IMODE(os.stat(path).st_mode)
    assert mode & stat.S_IRGRP and mode & stat.S_IROTH
    assert [p.name for p in path.parent.iterdir()] == ["a.tex"]


def test_a_failed_write_keeps_the_old_file_and_leaves_no_temp(tmp_path, monkeypatch):
    path = write_atomic(tmp_path / "a.tex", "old\n")

    def boom(*args):
        raise OSError("disk full")

    monkeypatch.setattr(os, "replace", boom)
    with pytest.raises(OSError, match="disk full"):
        write_atomic(path, "new\n")
    assert path.read_text() == "old\n"
    assert [p.name for p in tmp_path.iterdir()] == ["a.tex"]
