"""The three kinds of store give the answers the in-memory graph gives: Oxigraph in memory,
Oxigraph on disk, and a SPARQL endpoint (a real Oxigraph server, started and stopped here)."""

from __future__ import annotations

import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from collections import Counter
from decimal import Decimal
from pathlib import Path

import pytest
from rdflib import BNode, Literal
from rdflib.namespace import XSD
from test_policy import _read_table

from graph.errors import SourceError
from graph.policy import PolicyEngine
from graph.queries import list_queries, run_query
from graph.stores import StoreError, StoreSpec, count_quads, ingest, open_corpus

QUERIES = list_queries()


def _value(node) -> str:
    if isinstance(node, BNode):
        return "_:b"  # blank node names differ between stores
    if isinstance(node, Literal) and node.datatype in (XSD.decimal, XSD.double, XSD.float):
        return str(Decimal(str(node)).normalize())  # Oxigraph writes 30.0 as 30
    text = str(node)
    for separator in (" | ", "; ", ", "):  # GROUP_CONCAT's order is not defined by SPARQL
        if separator in text:
            return separator.join(sorted(text.split(separator)))
    return text


def _rows(rows):
    """Rows as comparable values."""
    return Counter(tuple(sorted((k, _value(v)) for k, v in row.items() if v is not None)) for row in rows)


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@pytest.fixture(scope="module")
def on_disk(tmp_path_factory):
    folder = tmp_path_factory.mktemp("store") / "corpus.oxigraph"
    ingest(None, StoreSpec("oxigraph", path=str(folder)))
    return StoreSpec("oxigraph", path=str(folder))


@pytest.fixture(scope="module")
def oxigraph_server(tmp_path_factory):
    """A real Oxigraph server (the oxigraph package's binary) on a free loopback port."""
    binary = shutil.which("oxigraph") or str(Path(sys.executable).parent / "oxigraph")
    assert Path(binary).is_file(), "the oxigraph server binary is missing: pip install oxigraph"
    port = _free_port()
    location = tmp_path_factory.mktemp("server")
    process = subprocess.Popen(
        [
            binary,
            "serve",
            "--location",
            str(location),
            "--bind",
            f"127.0.0.1:{port}",
            "--union-default-graph",
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(100):
            try:
                with urllib.request.urlopen(base + "/query?query=ASK%7B%7D", timeout=2):
                    break
            except OSError:
                time.sleep(0.1)
        else:
            pytest.fail("the Oxigraph server did not start")
        spec = StoreSpec("sparql", query_url=base + "/query", update_url=base + "/update")
        ingest(None, spec)
        yield spec
    finally:
        process.terminate()
        process.wait(timeout=30)


@pytest.fixture(scope="module", params=["oxigraph-memory", "oxigraph-disk", "sparql-endpoint"])
def stored(request, on_disk):
    if request.param == "oxigraph-memory":
        return open_corpus(None, StoreSpec("oxigraph"))
    if request.param == "oxigraph-disk":
        return open_corpus(None, on_disk)
    return open_corpus(None, request.getfixturevalue("oxigraph_server"))


def test_every_library_query_answers_as_in_memory(stored, dataset):
    assert QUERIES
    for query in QUERIES:
        expected, got = run_query(dataset, query), run_query(stored.dataset, query)
        assert _rows(got) == _rows(expected), query.name


def test_the_stores_hold_every_quad_and_source(stored, corpus):
    assert count_quads(stored.dataset) == sum(1 for _ in corpus.dataset.quads((None, None, None, None)))
    assert {s.iri for s in stored.sources} == {s.iri for s in corpus.sources}


def test_the_decision_table_holds_on_every_store(stored):
    engine = PolicyEngine(stored.dataset)
    cases = [c for c in _read_table() if c[2] == "default"]
    assert len(cases) > 40
    for case, act, _, outcome, _, _ in cases:
        assert engine.decide(act).outcome == outcome, case


def test_commands_read_a_store_built_on_disk(tmp_path):
    store = f"oxigraph:{tmp_path / 'graph.oxigraph'}"
    built = subprocess.run(
        [sys.executable, "-m", "graph.cli", "build", "--store", store, "--quiet"],
        capture_output=True,
        text=True,
    )
    assert built.returncode == 0, built.stderr
    assert "loaded 14 sources into oxigraph:" in built.stdout and "1447 triples" in built.stdout
    for command in (
        ["query", "cq4-supporters", "-f", "csv"],
        ["check", "--weapon", "rocket", "--supplier", "US", "--place", "Moscow", "--date", "2024-06-20"],
        ["state", "--date", "2024-06-05"],
    ):
        in_memory = subprocess.run(
            [sys.executable, "-m", "graph.cli", *command], capture_output=True, text=True
        )
        from_store = subprocess.run(
            [sys.executable, "-m", "graph.cli", *command, "--store", store], capture_output=True, text=True
        )
        assert from_store.returncode == in_memory.returncode, from_store.stderr
        assert sorted(from_store.stdout.splitlines()) == sorted(in_memory.stdout.splitlines()), command


def test_a_broken_source_leaves_the_store_as_it_was(tmp_path, corpus_copy):
    spec = StoreSpec("oxigraph", path=str(tmp_path / "kept"))
    ingest([corpus_copy], spec)
    before = count_quads(open_corpus(None, spec).dataset)
    (corpus_copy / "zz-broken.ttl").write_text("@prefix : <https://w3id.org/policygraph/id/> .\n:a :b .\n")
    with pytest.raises(SourceError, match=r"zz-broken.ttl"):
        ingest([corpus_copy], spec)
    assert count_quads(open_corpus(None, spec).dataset) == before
    assert not list(tmp_path.glob(".kept.*.staging"))


@pytest.mark.parametrize(
    ("text", "words"),
    [("postgres", "write memory, oxigraph"), ("sparql:ftp://x", "an http:// or https:// endpoint")],
)
def test_store_names_are_checked(text, words):
    with pytest.raises(StoreError, match=words):
        StoreSpec.parse(text)


def test_a_missing_store_and_sources_given_to_a_store_are_clear_errors(tmp_path):
    missing = subprocess.run(
        [sys.executable, "-m", "graph.cli", "query", "summary", "--store", f"oxigraph:{tmp_path / 'none'}"],
        capture_output=True,
        text=True,
    )
    assert missing.returncode == 3 and "no Oxigraph store there" in missing.stderr
    assert "Traceback" not in missing.stderr
    with pytest.raises(StoreError, match="give no sources here"):
        open_corpus(["some-folder"], StoreSpec("oxigraph", path=str(tmp_path)))


def test_an_unreachable_endpoint_is_a_clear_error():
    spec = StoreSpec("sparql", query_url=f"http://127.0.0.1:{_free_port()}/query")
    with pytest.raises(StoreError, match="cannot reach the endpoint"):
        ingest(None, spec)


def test_the_endpoint_serves_a_store_on_disk(on_disk, dataset):
    import json
    import urllib.parse

    from graph.queries import get_query
    from graph.server import Endpoint

    query = get_query("cq4-supporters")
    expected = {str(r["actor"]) for r in run_query(dataset, query)}
    with Endpoint(open_corpus(None, on_disk).dataset, port=0, quiet=True) as served:
        served.start()
        url = served.url + "sparql?" + urllib.parse.urlencode({"query": query.sparql()})
        with urllib.request.urlopen(url, timeout=60) as response:
            answer = json.load(response)
    assert {b["actor"]["value"] for b in answer["results"]["bindings"]} == expected
