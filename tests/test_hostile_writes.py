"""Writes that fail or race lose nothing.

A second writer fails clearly; a killed run leaves the old outputs.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap

import pytest
from rdflib import Dataset

from graph.build import build
from graph.errors import OutputError
from graph.output import _locked, staged


def test_a_second_writer_fails_clearly(tmp_path):
    out = tmp_path / "out"
    holder = subprocess.Popen(
        [
            sys.executable,
            "-c",
            textwrap.dedent(f"""
            import sys, time
            from pathlib import Path
            from graph.output import _locked
            with _locked(Path({str(out)!r})):
                print("locked", flush=True)
                time.sleep(30)
        """),
        ],
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert holder.stdout is not None and holder.stdout.readline().strip() == "locked"
        with pytest.raises(OutputError, match="another policygraph run is writing here"), staged(out):
            pass
    finally:
        holder.kill()
        holder.wait()
        assert holder.stdout is not None
        holder.stdout.close()
    with staged(out) as staging:  # the lock died with the process that held it
        (staging / "a.txt").write_text("x")
    assert (out / "a.txt").read_text() == "x"


def test_a_killed_build_leaves_the_old_outputs_and_the_next_build_cleans_up(tmp_path):
    out = tmp_path / "out"
    build(out=out, formats=("svg",))
    before = {p.name: p.read_bytes() for p in out.iterdir()}
    child = subprocess.Popen(
        [
            sys.executable,
            "-c",
            textwrap.dedent(f"""
            import time
            from graph.output import staged
            with staged({str(out)!r}) as staging:
                (staging / "graph.trig").write_text("half")
                print("staged", flush=True)
                time.sleep(30)
        """),
        ],
        stdout=subprocess.PIPE,
        text=True,
        env={**os.environ, "MPLBACKEND": "Agg"},
    )
    assert child.stdout is not None and child.stdout.readline().strip() == "staged"
    child.send_signal(signal.SIGKILL)
    child.wait()
    child.stdout.close()
    assert {p.name: p.read_bytes() for p in out.iterdir()} == before
    assert list(tmp_path.glob(".out.*.staging"))  # what the killed run left
    build(out=out, formats=("svg",))
    assert not list(tmp_path.glob(".out.*.staging"))
    again = Dataset()
    again.parse(out / "graph.trig", format="trig")
    assert sum(1 for _ in again.quads((None, None, None, None))) > 1000  # whole again, not the killed half


def test_the_lock_refuses_a_second_process_and_frees_when_it_ends(tmp_path):
    """Held by another process, the lock refuses at once; released, it can be taken again."""
    folder = tmp_path / "x"
    holder = subprocess.Popen(
        [
            sys.executable,
            "-c",
            "import sys, pathlib\n"
            "from graph.output import _locked\n"
            f"with _locked(pathlib.Path({str(folder)!r})):\n"
            "    print('held', flush=True)\n"
            "    sys.stdin.readline()\n",
        ],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    assert holder.stdout is not None and holder.stdin is not None
    try:
        assert holder.stdout.readline().strip() == "held"  # ready: the other process holds it
        with pytest.raises(OutputError, match="another policygraph run is writing here"), _locked(folder):
            pass
    finally:
        holder.communicate("\n", timeout=60)
    assert holder.returncode == 0
    for _ in range(2):  # free again, and not left held by this process either
        with _locked(folder):
            pass
