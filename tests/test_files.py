"""Atomic writes."""

from __future__ import annotations

import os
import stat

import pytest

from threadpress.errors import ThreadpressError
from threadpress.files import atomic_write


def test_writes_whole_file_with_umask_mode(tmp_path):
    old = os.umask(0o022)
    try:
        target = tmp_path / "post.md"
        atomic_write(target, "héllo\n")
        assert target.read_text(encoding="utf-8") == "héllo\n"
        assert stat.S_IMODE(target.stat().st_mode) == 0o644
        target.chmod(0o600)
        atomic_write(target, b"again")
        assert target.read_bytes() == b"again" and stat.S_IMODE(target.stat().st_mode) == 0o600
    finally:
        os.umask(old)
    assert [p.name for p in tmp_path.iterdir()] == ["post.md"]  # no temporary file left behind


def test_unwritable_folder_is_a_one_line_error(tmp_path):
    with pytest.raises(ThreadpressError) as err:
        atomic_write(tmp_path / "missing" / "post.md", "x")
    assert "cannot write" in str(err.value)
