"""Outputs are written whole or not at all."""

from __future__ import annotations

import os
import stat

import pytest

from graph.errors import OutputError
from graph.output import atomic_write, staged


def test_atomic_write_replaces_and_keeps_permissions(tmp_path):
    target = tmp_path / "graph.trig"
    target.write_text("old")
    target.chmod(0o640)
    atomic_write(target, "new")
    assert target.read_text() == "new"
    assert stat.S_IMODE(target.stat().st_mode) == 0o640
    assert [p.name for p in tmp_path.iterdir()] == ["graph.trig"]


def test_a_new_file_gets_ordinary_permissions(tmp_path):
    atomic_write(tmp_path / "new.txt", b"bytes")
    umask = os.umask(0)
    os.umask(umask)
    assert stat.S_IMODE((tmp_path / "new.txt").stat().st_mode) == 0o666 & ~umask


def test_a_failed_rename_leaves_the_old_file_and_no_temporary(tmp_path, monkeypatch):
    target = tmp_path / "graph.trig"
    target.write_text("old")

    def broken_replace(source, destination):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "replace", broken_replace)
    with pytest.raises(OutputError, match="No space left on device"):
        atomic_write(target, "new")
    assert target.read_text() == "old"
    assert [p.name for p in tmp_path.iterdir()] == ["graph.trig"]


def test_staged_moves_files_in_only_on_success(tmp_path):
    out = tmp_path / "out"
    with staged(out) as staging:
        (staging / "a.txt").write_text("first")
    assert (out / "a.txt").read_text() == "first"
    with pytest.raises(RuntimeError), staged(out) as staging:
        (staging / "a.txt").write_text("second")
        (staging / "b.txt").write_text("second")
        raise RuntimeError("drawing failed")
    assert (out / "a.txt").read_text() == "first"
    assert not (out / "b.txt").exists()
    assert not list(tmp_path.glob(".out.*.staging"))  # the staging folder is gone


def test_unwritable_folder_is_an_output_error(tmp_path):
    blocker = tmp_path / "file"
    blocker.write_text("x")
    with pytest.raises(OutputError, match="cannot write"):
        atomic_write(blocker / "sub" / "a.txt", "x")
