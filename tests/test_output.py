"""Outputs are written whole or not at all."""

from __future__ import annotations

import hashlib
import json
import os
import stat
import subprocess
import sys

import pytest

from graph.errors import OutputError
from graph.output import MANIFEST, atomic_write, replaced, staged


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


def test_the_manifest_lists_every_file_with_its_digest(tmp_path):
    out = tmp_path / "out"
    with staged(out) as staging:
        (staging / "a.txt").write_text("first")
        (staging / "sub").mkdir()
        (staging / "sub" / "b.txt").write_text("bee")
    with staged(out) as staging:
        (staging / "c.txt").write_text("sea")
    listed = json.loads((out / MANIFEST).read_text())["files"]
    assert sorted(listed) == ["a.txt", "c.txt", "sub/b.txt"]  # the untouched file is still listed
    for name, entry in listed.items():
        data = (out / name).read_bytes()
        assert entry == {"bytes": len(data), "sha256": hashlib.sha256(data).hexdigest()}


#: a writer killed (as by kill -9: no cleanup runs) at its second rename into the folder
_KILLED_AT_SECOND_RENAME = """
import os, sys
from pathlib import Path
from graph import output
renames = []
real = os.replace
def dying(source, target):
    folder = Path(sys.argv[1])
    if folder in (Path(source), Path(target), Path(target).parent):
        renames.append(target)
        if len(renames) == 2:
            os._exit(9)
    real(source, target)
output.os.replace = dying
how = sys.argv[2]
with (output.staged if how == "files" else output.replaced)(sys.argv[1]) as staging:
    for name in ("a.txt", "b.txt", "c.txt"):
        (staging / name).write_text("new " + name)
"""


def _killed(folder, how):
    run = subprocess.run(
        [sys.executable, "-c", _KILLED_AT_SECOND_RENAME, str(folder), how], capture_output=True, text=True
    )
    assert run.returncode == 9, run.stderr


def test_a_switch_killed_half_way_is_finished_by_the_next_run(tmp_path):
    out = tmp_path / "out"
    with staged(out) as staging:
        for name in ("a.txt", "b.txt", "c.txt"):
            (staging / name).write_text("old " + name)
    _killed(out, "files")
    # two builds' files side by side, and no manifest to vouch for them
    contents = sorted((out / n).read_text() for n in ("a.txt", "b.txt", "c.txt"))
    assert {c.split()[0] for c in contents} == {"old", "new"}
    assert not (out / MANIFEST).exists()
    # the next writer finishes the killed switch first, even if it then fails itself
    with pytest.raises(RuntimeError), staged(out):
        raise RuntimeError("drawing failed")
    assert [(out / n).read_text() for n in ("a.txt", "b.txt", "c.txt")] == [
        "new a.txt",
        "new b.txt",
        "new c.txt",
    ]
    assert sorted(json.loads((out / MANIFEST).read_text())["files"]) == ["a.txt", "b.txt", "c.txt"]
    assert not list(tmp_path.glob(".out.*"))[1:]  # only the lock file is left beside it


def test_a_folder_swap_killed_between_its_renames_is_finished_by_the_next_run(tmp_path):
    out = tmp_path / "corpus"
    with replaced(out) as staging:
        (staging / "a.txt").write_text("old a.txt")
    _killed(out, "folder")
    assert not out.exists()  # the old folder moved aside, the new one not yet in place
    with pytest.raises(RuntimeError), replaced(out):
        raise RuntimeError("generation failed")
    assert sorted(p.read_text() for p in out.iterdir()) == ["new a.txt", "new b.txt", "new c.txt"]
    assert [p.name for p in tmp_path.iterdir() if p.name != ".corpus.lock"] == ["corpus"]
