"""Every hostile input of ``tests/data/hostile/catalogue.toml``, run as its line says.

A new case is one line in the catalogue; the rules each case is held to (one line on
stderr, no traceback, the exit code, nothing written on failure) are here.
"""

from __future__ import annotations

import ast
import http.client
import json
import os
import re
import shlex
import shutil
import tomllib
import urllib.parse
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from conftest import SOURCE_HEAD, run_cli

from graph.load import load
from graph.resources import corpus_files
from graph.server import Endpoint

HERE = Path(__file__).parent
CATALOGUE = tomllib.loads((HERE / "data" / "hostile" / "catalogue.toml").read_text(encoding="utf-8"))

#: what ``{head}`` stands for
HEAD = SOURCE_HEAD


def test_the_catalogue_was_found_and_read():
    assert HEAD.count("\n") == 11
    assert len(CATALOGUE["cli"]) >= 30 and len(CATALOGUE["http"]) >= 10 and CATALOGUE["elsewhere"]
    ids = [case["id"] for kind in CATALOGUE.values() for case in kind]
    assert len(ids) == len(set(ids)), "every case needs its own id"


def _put(folder: Path, path: str, value: str) -> None:
    if path.startswith("corpus/") and not (folder / "corpus").exists():
        (folder / "corpus").mkdir()
        files = corpus_files()
        assert files, "no bundled sources found"
        for file in files:
            shutil.copy(file, folder / "corpus" / file.name)
    target = folder / path
    target.parent.mkdir(parents=True, exist_ok=True)
    special = re.fullmatch(r"<(fifo|link|sparse|latin1|repeat)(?::(.*))?>", value, re.DOTALL)
    if special is None:
        target.write_text(value.replace("{head}", HEAD), encoding="utf-8")
    elif special[1] == "fifo":
        os.mkfifo(target)
    elif special[1] == "link":
        target.symlink_to(special[2])
    elif special[1] == "repeat":
        count, line = special[2].split(":", 1)
        body = "".join(line.replace("{i}", str(i)) for i in range(int(count)))
        target.write_text(HEAD + body, encoding="utf-8")
    elif special[1] == "sparse":
        with target.open("wb") as stream:
            stream.truncate(int(special[2]))
    else:
        target.write_bytes(special[2].replace("{head}", HEAD).encode("latin-1"))


@pytest.mark.parametrize("case", CATALOGUE["cli"], ids=lambda case: case["id"])
def test_command_line(case, tmp_path):
    for path, value in case.get("put", {}).items():
        _put(tmp_path, path, value)
    args = shlex.split(case["run"].replace("{corpus}", "corpus"))
    done = run_cli(*args, cwd=tmp_path)
    said = done.stderr + done.stdout
    assert done.returncode == case["exit"], (done.returncode, said[-2000:])
    assert re.search(case["says"], said), said[-2000:]
    assert "Traceback" not in said
    if case["exit"] in (3, 5, 6):
        assert len(done.stderr.strip().splitlines()) == 1, done.stderr
    if "--out" in args:
        assert not (tmp_path / args[args.index("--out") + 1]).exists()  # nothing written


@pytest.fixture(scope="module")
def writable():
    with Endpoint(load().dataset, port=0, quiet=True, workers=1, allow_update=True) as endpoint:
        endpoint.start()
        yield endpoint


def _exchange(endpoint: Endpoint, raw: bytes) -> tuple[int, str, bytes]:
    """Send raw request bytes; read the status, the media type and the body."""
    url = urlsplit(endpoint.url)
    connection = http.client.HTTPConnection(url.hostname, url.port, timeout=120)
    try:
        connection.connect()
        assert connection.sock is not None
        connection.sock.sendall(raw)
        response = http.client.HTTPResponse(connection.sock, method=raw.split(b" ", 1)[0].decode())
        response.begin()
        return response.status, response.getheader("Content-Type", ""), response.read()
    finally:
        connection.close()


@pytest.mark.slow
@pytest.mark.parametrize("case", CATALOGUE["http"], ids=lambda case: case["id"])
def test_endpoint(case, writable):
    status, media, body = _exchange(writable, case["send"].encode("utf-8"))
    assert status == case["status"], (status, body[:500])
    if "media" in case:
        assert media.split(";")[0].strip() == case["media"], media
    if "says" in case:
        assert re.search(case["says"], body.decode("utf-8", "replace")), body[:500]
    if "then" in case:
        ask = urllib.parse.quote(case["then"])
        accept = "Accept: application/sparql-results+json"
        raw = f"GET /sparql?query={ask} HTTP/1.1\r\nHost: x\r\n{accept}\r\n\r\n"
        status, _, body = _exchange(writable, raw.encode())
        assert status == 200 and json.loads(body)["boolean"] is True, body


def _tests_in(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    return {node.name for node in tree.body if isinstance(node, ast.FunctionDef)}


@pytest.mark.parametrize("case", CATALOGUE["elsewhere"], ids=lambda case: case["id"])
def test_held_elsewhere(case):
    file, name = case["test"].split("::")
    assert name in _tests_in(HERE.parent / file), f"{case['test']} is not a test"
