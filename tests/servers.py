"""Real SPARQL servers for the store tests, each started on free loopback ports and stopped after.

- Oxigraph: the ``oxigraph`` binary from the PyPI package, with the union as its default graph.
- Virtuoso: Debian's ``virtuoso-t`` (installed by ``tests/system-deps.sh``), run on its own
  database in a temporary folder, from a copy of the packaged ini rewritten to bind to
  127.0.0.1 only, with SPARQL Update granted to its anonymous SPARQL user.
"""

from __future__ import annotations

import re
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from graph.stores import StoreSpec

VIRTUOSO_INI = Path("/etc/virtuoso-opensource-7/virtuoso.ini")
#: files of the database that the ini names; each is moved into the test's folder
_DATABASE_FILES = ("DatabaseFile", "ErrorLogFile", "LockFile", "TransactionFile", "xa_persistent_file")


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _wait_for(url: str, process: subprocess.Popen, *, seconds: float, what: str) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if process.poll() is not None:
            pytest.fail(f"{what} exited with {process.returncode} before answering")
        try:
            with urllib.request.urlopen(url, timeout=2):
                return
        except OSError:
            time.sleep(0.2)
    pytest.fail(f"{what} did not answer {url} within {seconds:.0f} s")


@contextmanager
def _running(command: list[str], url: str, *, what: str, seconds: float = 60) -> Iterator[subprocess.Popen]:
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        _wait_for(url, process, seconds=seconds, what=what)
        yield process
    finally:
        process.terminate()
        try:
            process.wait(timeout=60)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


@contextmanager
def oxigraph_server(folder: Path) -> Iterator[StoreSpec]:
    """A real Oxigraph server whose default graph is the union of its named graphs."""
    binary = shutil.which("oxigraph") or str(Path(sys.executable).parent / "oxigraph")
    assert Path(binary).is_file(), "the oxigraph server binary is missing: pip install oxigraph"
    base = f"http://127.0.0.1:{free_port()}"
    command = [binary, "serve", "--location", str(folder), "--bind", base[7:], "--union-default-graph"]
    with _running(command, base + "/query?query=ASK%7B%7D", what="the Oxigraph server"):
        yield StoreSpec("sparql", query_url=base + "/query", update_url=base + "/update")


def virtuoso_ini(packaged: str, folder: Path, *, sql_port: int, http_port: int) -> str:
    """The packaged ini, rewritten: database in ``folder``, both listeners on 127.0.0.1 only,
    no plugins, and no cap on result rows below what the tests read."""
    lines, section = [], ""
    for original in packaged.splitlines():
        stripped, line = original.strip(), original
        if match := re.fullmatch(r"\[(.+)\]", stripped):
            section = match.group(1)
        key = stripped.split("=", 1)[0].strip() if "=" in stripped and not stripped.startswith(";") else ""
        if section in ("Database", "TempDatabase") and key in _DATABASE_FILES:
            line = f"{key} = {folder / Path(stripped.split('=', 1)[1].split(';')[0].strip()).name}"
        elif key == "ServerPort" and section == "Parameters":
            line = f"ServerPort = 127.0.0.1:{sql_port}"
        elif key == "ServerPort" and section == "HTTPServer":
            line = f"ServerPort = 127.0.0.1:{http_port}"
        elif key == "DefaultHost":
            line = f"DefaultHost = 127.0.0.1:{http_port}"
        elif key == "ResultSetMaxRows":
            line = "ResultSetMaxRows = 1000000"
        elif section == "Plugins" and key.startswith("Load"):
            continue
        lines.append(line)
    return "\n".join(lines) + "\n"


@contextmanager
def virtuoso_server(folder: Path) -> Iterator[StoreSpec]:
    """A real Virtuoso 7 on its own database, its SPARQL endpoint open to updates."""
    binary, isql = shutil.which("virtuoso-t"), shutil.which("isql-vt")
    assert binary and isql and VIRTUOSO_INI.is_file(), (
        "Virtuoso is missing: run sh tests/system-deps.sh (Debian's virtuoso-opensource-7)"
    )
    sql_port, http_port = free_port(), free_port()
    ini = folder / "virtuoso.ini"
    ini.write_text(virtuoso_ini(VIRTUOSO_INI.read_text(), folder, sql_port=sql_port, http_port=http_port))
    base = f"http://127.0.0.1:{http_port}/sparql"
    command = [binary, "-c", str(ini), "+foreground"]
    with _running(command, base + "?query=ASK%7B%7D", what="Virtuoso", seconds=120):
        granted = subprocess.run(
            [
                isql,
                f"127.0.0.1:{sql_port}",
                "dba",
                "dba",
                "exec=GRANT SPARQL_UPDATE TO \"SPARQL\"; DB.DBA.RDF_DEFAULT_USER_PERMS_SET ('nobody', 7);",
            ],
            capture_output=True,
            text=True,
            timeout=60,
        )
        assert granted.returncode == 0 and "Error" not in granted.stdout, granted.stdout + granted.stderr
        yield StoreSpec("sparql", query_url=base)
