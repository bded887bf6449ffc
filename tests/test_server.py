"""The SPARQL endpoint over real HTTP, with real clients (SPARQLWrapper, rdflib's SPARQLStore, urllib)."""

from __future__ import annotations

import json
import os
import select
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from datetime import date
from pathlib import Path

import pytest
from conftest import decide_by_names
from rdflib import Dataset, Graph, URIRef
from rdflib.namespace import RDFS
from rdflib.plugins.stores.sparqlstore import SPARQLStore
from SPARQLWrapper import JSON, POST, SPARQLWrapper

from graph.queries import list_queries, run_query
from graph.resources import corpus_files
from graph.server import Endpoint

#: a cross product of every triple with itself, three times: runs for minutes
SLOW = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }"
COMPETENCY = [q for q in list_queries() if q.name.startswith("cq")]


def fetch(url, *, data=None, headers=None, method=None):
    """(status, headers, body) of a request; HTTP errors are answers too."""
    request = urllib.request.Request(url, data=data, headers=headers or {}, method=method)
    try:
        with urllib.request.urlopen(request, timeout=60) as response:
            return response.status, response.headers, response.read()
    except urllib.error.HTTPError as error:
        return error.code, error.headers, error.read()


def sparql_url(endpoint, query, **params):
    return endpoint.url + "sparql?" + urllib.parse.urlencode({"query": query, **params}, doseq=True)


def _values(rows):
    return sorted(tuple(sorted((k, str(v)) for k, v in row.items() if v is not None)) for row in rows)


def test_competency_questions_found():
    assert len(COMPETENCY) >= 7


@pytest.mark.parametrize("query", COMPETENCY, ids=lambda q: q.name)
def test_sparqlwrapper_gets_the_in_process_answers(endpoint, dataset, query):
    expected = run_query(dataset, query)
    client = SPARQLWrapper(endpoint.url + "sparql")
    client.setQuery(query.sparql())
    client.setReturnFormat(JSON)
    client.setMethod(POST)
    answer = client.query().convert()
    assert answer["head"]["vars"] == list(expected.variables)
    got = [{k: v["value"] for k, v in binding.items()} for binding in answer["results"]["bindings"]]
    assert len(got) == len(expected) > 0
    assert _values(got) == _values(expected.rows)


def test_rdflib_sparqlstore_reads_the_endpoint(endpoint, dataset):
    query = next(q for q in COMPETENCY if q.name == "cq4-supporters")
    expected = {str(r["actor"]) for r in run_query(dataset, query)}
    as_graph = Graph(SPARQLStore(endpoint.url + "sparql"))
    assert {str(r["actor"]) for r in as_graph.query(query.sparql())} == expected  # type: ignore[index]
    # a Dataset over SPARQLStore sends default-graph-uri=urn:x-rdflib:default: that is the union here
    as_dataset = Dataset(SPARQLStore(endpoint.url + "sparql"))
    assert {str(r["actor"]) for r in as_dataset.query(query.sparql())} == expected  # type: ignore[index]


def test_default_graph_uri_over_http(endpoint, dataset, corpus):
    source = corpus.sources[0]
    status, _, body = fetch(
        sparql_url(
            endpoint, "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }", **{"default-graph-uri": str(source.iri)}
        ),
        headers={"Accept": "text/csv"},
    )
    assert status == 200
    assert int(body.decode().split()[1]) == len(dataset.graph(source.iri))


@pytest.mark.parametrize(
    ("accept", "media"),
    [
        ("application/sparql-results+json", "application/sparql-results+json"),
        ("application/sparql-results+xml", "application/sparql-results+xml"),
        ("text/csv", "text/csv"),
        ("text/tab-separated-values", "text/tab-separated-values"),
    ],
)
def test_results_are_negotiated(endpoint, accept, media):
    status, headers, body = fetch(
        sparql_url(endpoint, "SELECT ?s WHERE { ?s a pg:State }"), headers={"Accept": accept}
    )
    assert status == 200 and headers["Content-Type"].startswith(media) and body


@pytest.mark.parametrize(
    "accept", ["text/turtle", "application/trig", "application/n-triples", "application/ld+json"]
)
def test_graphs_are_negotiated(endpoint, accept):
    query = "CONSTRUCT { ?s a pg:State } WHERE { ?s a pg:State }"
    status, headers, body = fetch(sparql_url(endpoint, query), headers={"Accept": accept})
    assert status == 200 and headers["Content-Type"].startswith(accept)
    fmt = {
        "text/turtle": "turtle",
        "application/trig": "trig",
        "application/n-triples": "nt",
        "application/ld+json": "json-ld",
    }
    parsed = Dataset()
    parsed.parse(data=body, format=fmt[accept])
    assert len(parsed) == 6 or sum(len(g) for g in parsed.graphs()) == 6


def test_status_codes_say_what_is_wrong(endpoint):
    status, _, body = fetch(sparql_url(endpoint, "SELEC ?s"))
    assert status == 400 and b"SPARQL syntax error" in body and b"line:1" in body
    status, _, body = fetch(sparql_url(endpoint, "ASK {}"), headers={"Accept": "image/png"})
    assert status == 406 and b"text/csv" in body
    status, _, _ = fetch(endpoint.url + "nowhere")
    assert status == 404
    status, _, _ = fetch(endpoint.url + "sparql", data=b"ASK {}", method="PUT")
    assert status == 405
    status, _, body = fetch(endpoint.url + "sparql", data=b"ASK {}", headers={"Content-Type": "text/plain"})
    assert status == 415 and b"application/sparql-query" in body
    status, _, body = fetch(
        endpoint.url + "sparql", data=b"CLEAR ALL", headers={"Content-Type": "application/sparql-update"}
    )
    assert status == 403 and b"--allow-update" in body
    status, _, body = fetch(endpoint.url + "sparql?query=" + urllib.parse.quote(SLOW) + "&query=ASK%7B%7D")
    assert status == 400


def test_an_oversized_body_is_413_unread(dataset):
    with Endpoint(dataset, port=0, quiet=True, max_body=1000, workers=1) as small:
        small.start()
        body = ("ASK { " + "?s ?p ?o . " * 200 + "}").encode()
        status, _, message = fetch(
            small.url + "sparql", data=body, headers={"Content-Type": "application/sparql-query"}
        )
        assert status == 413 and b"over the limit of 1,000" in message


def test_busy_and_over_time_are_503_and_the_worker_is_replaced(dataset):
    with Endpoint(dataset, port=0, quiet=True, workers=1, queue=0, timeout=2) as tight:
        tight.start()
        slow: dict[str, object] = {}

        def run_slow():
            slow["answer"] = fetch(sparql_url(tight, SLOW))

        thread = threading.Thread(target=run_slow)
        thread.start()
        time.sleep(0.5)
        status, headers, body = fetch(sparql_url(tight, "ASK { ?s ?p ?o }"))
        assert status == 503 and headers["Retry-After"] == "1" and b"busy" in body
        thread.join()
        status, _, body = slow["answer"]  # type: ignore[misc]
        assert status == 503 and b"time budget of 2 s" in body
        status, _, body = fetch(sparql_url(tight, "ASK { ?s ?p ?o }"))
        assert status == 200 and json.loads(body)["boolean"] is True


def test_updates_need_the_option_and_reach_every_worker(dataset, tmp_path):
    before = {p.name: p.read_bytes() for p in corpus_files()}
    with Endpoint(dataset, port=0, quiet=True, workers=2, allow_update=True) as writable:
        writable.start()
        update = "INSERT DATA { GRAPH <urn:notes> { <urn:note> rdfs:label 'an analyst note' } }"
        status, _, _ = fetch(
            writable.url + "sparql",
            data=update.encode(),
            headers={"Content-Type": "application/sparql-update"},
        )
        assert status == 200
        ask = sparql_url(writable, "ASK { GRAPH <urn:notes> { <urn:note> rdfs:label 'an analyst note' } }")
        answers = [json.loads(fetch(ask)[2])["boolean"] for _ in range(8)]
        assert answers == [True] * 8  # both workers see it
        for refused in (
            "LOAD <http://127.0.0.1:9/x.ttl>",
            "INSERT { ?s ?p ?o } USING NAMED <urn:x> WHERE { GRAPH ?g { ?s ?p ?o } }",
        ):
            status, _, body = fetch(
                writable.url + "sparql",
                data=urllib.parse.urlencode({"update": refused}).encode(),
                headers={"Content-Type": "application/x-www-form-urlencoded"},
            )
            assert status == 400 and b"refused" in body
        # USING reads a loaded graph; one that is not loaded is empty and never fetched
        listener = socket.socket()
        listener.bind(("127.0.0.1", 0))
        listener.listen(1)
        listener.settimeout(0.5)
        try:
            outside = f"http://127.0.0.1:{listener.getsockname()[1]}/x.ttl"
            for copy, using, copied in (("urn:copy1", "urn:notes", True), ("urn:copy2", outside, False)):
                update = f"INSERT {{ GRAPH <{copy}> {{ ?s ?p ?o }} }} USING <{using}> WHERE {{ ?s ?p ?o }}"
                status, _, body = fetch(
                    writable.url + "sparql",
                    data=update.encode(),
                    headers={"Content-Type": "application/sparql-update"},
                )
                assert status == 200, body
                ask = sparql_url(writable, f"ASK {{ GRAPH <{copy}> {{ <urn:note> ?p ?o }} }}")
                assert json.loads(fetch(ask)[2])["boolean"] is copied
            with pytest.raises(TimeoutError):
                listener.accept()
        finally:
            listener.close()
    assert {p.name: p.read_bytes() for p in corpus_files()} == before


def test_service_is_refused_and_nothing_connects(endpoint):
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(1)
    listener.settimeout(0.5)
    port = listener.getsockname()[1]
    try:
        query = f"SELECT * WHERE {{ SERVICE <http://127.0.0.1:{port}/sparql> {{ ?s ?p ?o }} }}"
        status, _, body = fetch(sparql_url(endpoint, query))
        assert status == 400 and b"SERVICE" in body
        with pytest.raises(TimeoutError):
            listener.accept()
    finally:
        listener.close()


def test_cors_is_off_unless_asked(endpoint, dataset):
    _, headers, _ = fetch(sparql_url(endpoint, "ASK {}"), headers={"Origin": "https://example.org"})
    assert "Access-Control-Allow-Origin" not in headers
    with Endpoint(dataset, port=0, quiet=True, workers=1, cors=["https://example.org"]) as open_to_one:
        open_to_one.start()
        _, headers, _ = fetch(sparql_url(open_to_one, "ASK {}"), headers={"Origin": "https://example.org"})
        assert headers["Access-Control-Allow-Origin"] == "https://example.org"
        _, headers, _ = fetch(sparql_url(open_to_one, "ASK {}"), headers={"Origin": "https://elsewhere.org"})
        assert "Access-Control-Allow-Origin" not in headers
        status, headers, _ = fetch(
            open_to_one.url + "sparql", method="OPTIONS", headers={"Origin": "https://example.org"}
        )
        assert status == 204 and "POST" in headers["Access-Control-Allow-Methods"]


def test_loopback_by_default(endpoint):
    assert endpoint.server.server_address[0] == "127.0.0.1"


def test_service_description_names_the_sources(endpoint, corpus):
    status, headers, body = fetch(endpoint.url + "sparql", headers={"Accept": "text/turtle"})
    assert status == 200 and headers["Content-Type"].startswith("text/turtle")
    text = body.decode()
    assert "sd:Service" in text and all(str(s.iri) in text for s in corpus.sources)


def test_the_query_page_loads_nothing_from_outside(endpoint):
    status, headers, body = fetch(endpoint.url)
    page = body.decode()
    assert status == 200 and headers["Content-Type"].startswith("text/html")
    assert "default-src 'none'" in headers["Content-Security-Policy"]
    assert "cq1-permissions" in page
    for needle in ('src="http', "src='http", 'href="http', "@import", "cdn"):
        assert needle not in page.lower()
    # YASGUI comes from this server, with its licence in the package
    for asset, media in (("yasgui.min.js", "text/javascript"), ("yasgui.min.css", "text/css")):
        status, headers, body = fetch(endpoint.url + asset)
        assert status == 200 and headers["Content-Type"].startswith(media) and len(body) > 50_000
        assert f'"{asset}"' in page


def test_named_queries_are_listed_with_their_bound_text(endpoint):
    status, _, body = fetch(endpoint.url + "queries")
    listed = json.loads(body)
    assert status == 200 and {q["name"] for q in listed} == {q.name for q in list_queries()}
    cq1 = next(q for q in listed if q["name"] == "cq1-permissions")
    assert "VALUES" in cq1["sparql"] and cq1["parameters"][0]["name"] == "grantee"


def test_the_check_answers_as_the_engine_does(endpoint, dataset):
    params = {
        "weapon": "rocket",
        "supplier": "US",
        "target-type": "massing troops",
        "place": "Belgorod Oblast",
        "date": "2024-06-05",
    }
    status, _, body = fetch(endpoint.url + "check?" + urllib.parse.urlencode(params))
    decision = json.loads(body)
    expected = decide_by_names(
        dataset,
        weapon="rocket",
        supplier="US",
        target_type="massing troops",
        place="Belgorod Oblast",
        day=date(2024, 6, 5),
    )
    assert status == 200 and decision["outcome"] == expected.outcome
    status, _, body = fetch(endpoint.url + "check?weapon=trebuchet")
    assert status == 400 and b"no weapon named 'trebuchet'" in body


@pytest.mark.slow
def test_serve_command_starts_answers_and_stops(tmp_path):
    env = {**os.environ, "PYTHONUNBUFFERED": "1"}
    # started as a script starts a job in the background: SIGINT inherited as ignored (which
    # Python leaves ignored), then the same process becomes the server; Ctrl-C must stop it
    background = (
        "import os, signal, sys; signal.signal(signal.SIGINT, signal.SIG_IGN); "
        "os.execv(sys.executable, [sys.executable, '-m', 'graph.cli', 'serve', '--port', '0', '--quiet'])"
    )
    process = subprocess.Popen(
        [sys.executable, "-c", background], stderr=subprocess.PIPE, text=True, env=env, cwd=tmp_path
    )
    try:
        assert process.stderr is not None
        line = process.stderr.readline()
        assert "serving 14 sources at http://127.0.0.1:" in line and "read-only" in line
        url = line.split(" at ", 1)[1].split(" ", 1)[0]
        status, _, body = fetch(url + "sparql?query=" + urllib.parse.quote("ASK { ?s a pg:State }"))
        assert status == 200 and json.loads(body)["boolean"] is True
    finally:
        rest = _stop(process, signal.SIGINT)
    assert process.returncode == 0 and "stopped" in rest, (process.returncode, rest)
    assert not list(Path(tmp_path).iterdir())  # wrote nothing


def _stop(process: subprocess.Popen[str], how: signal.Signals) -> str:
    """Signal the server, wait for it (not for the end of its stderr, which a child could
    hold), and return what it printed; it is killed and its pipe closed whatever happens,
    so no test leaves a process or an open file behind."""
    assert process.stderr is not None
    try:
        process.send_signal(how)
        try:
            process.wait(timeout=300)
        finally:
            if process.poll() is None:
                process.kill()
                process.wait()
        printed, deadline = [], time.monotonic() + 60
        while time.monotonic() < deadline:
            ready, _, _ = select.select([process.stderr], [], [], 1.0)
            if not ready:
                continue
            chunk = os.read(process.stderr.fileno(), 65536)
            if not chunk:
                break
            printed.append(chunk)
        return b"".join(printed).decode("utf-8", "replace")
    finally:
        process.stderr.close()


def _children(pid: int) -> set[int]:
    found = set()
    for status in Path("/proc").glob("[0-9]*/status"):
        try:
            fields = dict(line.split(":\t", 1) for line in status.read_text().splitlines() if ":\t" in line)
        except OSError:
            continue  # a process that ended while we looked
        if fields.get("PPid", "").strip() == str(pid):
            found.add(int(status.parent.name))
    return found


def _gone(pids: set[int], *, within: float = 60.0) -> bool:
    """Whether every process has ended (zombies count as ended), polling until a generous deadline."""
    deadline = time.monotonic() + within
    while time.monotonic() < deadline:
        alive = set()
        for pid in pids:
            try:
                state = Path(f"/proc/{pid}/status").read_text().split("State:", 1)[1].split()[0]
            except (OSError, IndexError):
                continue
            if state != "Z":
                alive.add(pid)
        if not alive:
            return True
        time.sleep(0.1)
    return False


@pytest.mark.slow
@pytest.mark.parametrize("how", [signal.SIGTERM, signal.SIGKILL], ids=["SIGTERM", "SIGKILL"])
def test_stopping_the_server_stops_its_workers(tmp_path, how):
    process = subprocess.Popen(
        [sys.executable, "-m", "graph.cli", "serve", "--port", "0", "--quiet", "--workers", "2"],
        stderr=subprocess.PIPE,
        text=True,
        env={**os.environ, "PYTHONUNBUFFERED": "1"},
        cwd=tmp_path,
    )
    assert process.stderr is not None
    line = process.stderr.readline()  # ready once it says where it serves
    assert "serving" in line, line
    url = line.split(" at ", 1)[1].split(" ", 1)[0]
    status, _, _ = fetch(url + "sparql?query=" + urllib.parse.quote("ASK { ?s ?p ?o }"))
    assert status == 200
    workers = _children(process.pid)
    assert len(workers) >= 2, workers
    rest = _stop(process, how)
    if how == signal.SIGTERM:
        assert process.returncode == 0 and "stopped" in rest
    assert _gone(workers), f"workers left running: {workers}"


def test_a_taken_port_is_a_clear_error(endpoint):
    port = endpoint.server.server_address[1]
    result = subprocess.run(
        [sys.executable, "-m", "graph.cli", "serve", "--port", str(port)],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode != 0 and "Traceback" not in result.stderr
    assert f"cannot listen on 127.0.0.1:{port}" in result.stderr and "--port" in result.stderr


def _raw(endpoint, data: bytes) -> bytes:
    """Send raw bytes to the endpoint and read until it closes the connection."""
    host, port = endpoint.server.server_address[:2]
    with socket.create_connection((host, port), timeout=60) as sock:
        sock.sendall(data)
        chunks = []
        while chunk := sock.recv(65536):
            chunks.append(chunk)
    return b"".join(chunks)


def test_a_content_length_that_is_not_ascii_digits_is_a_411(endpoint):
    # "²" (latin-1 0xB2) is a digit to str.isdigit() and not to int()
    reply = _raw(endpoint, b"POST /sparql HTTP/1.1\r\nHost: x\r\nContent-Length: \xb2\r\n\r\n")
    assert reply.startswith(b"HTTP/1.1 411"), reply[:80]


def test_a_silent_connection_is_closed(dataset):
    from graph.server import Endpoint

    with Endpoint(dataset, port=0, quiet=True, workers=1, idle_timeout=0.5) as served:
        served.start()
        host, port = served.server.server_address[:2]
        with socket.create_connection((host, port), timeout=60) as sock:
            # nothing sent: the server closes the connection (recv then returns no bytes)
            assert sock.recv(1) == b""


def test_connections_one_after_another_reuse_threads_that_end_with_the_server(dataset):
    from graph.server import SPARE_THREADS

    def serving() -> list[threading.Thread]:
        return [t for t in threading.enumerate() if t.name.startswith("Thread-") and t.daemon]

    before = set(serving())
    with Endpoint(dataset, port=0, quiet=True, workers=1) as served:
        served.start()
        url = sparql_url(served, "ASK { ?s a pg:State }")
        for _ in range(3 * SPARE_THREADS):  # each a new connection, answered in turn
            status, _, body = fetch(url, headers={"Accept": "application/sparql-results+json"})
            assert (status, json.loads(body)["boolean"]) == (200, True)
        # one thread answered them all: each waited for the next connection once done
        started = set(serving()) - before
        assert 1 <= len(started) < 3 * SPARE_THREADS
        # two connections held open at once are answered at once, by two threads
        host, port = served.server.server_address[:2]
        with (
            socket.create_connection((host, port), timeout=60) as first,
            socket.create_connection((host, port), timeout=60) as second,
        ):
            for sock in (second, first):
                sock.sendall(b"GET /queries HTTP/1.1\r\nHost: x\r\n\r\n")
                assert sock.recv(12) == b"HTTP/1.1 200"
    for thread in started:  # closing the server ends the threads that waited
        thread.join(timeout=60)
        assert not thread.is_alive()


def test_updates_to_a_store_on_disk_are_transactions_written_there(tmp_path):
    """With --allow-update over an Oxigraph store on disk, each update is one transaction on the
    store: all of it is written, or none; every later request sees it; it outlives the server;
    and the answers the store kept at build time, which it may falsify, are dropped."""
    from graph.kept import FILE
    from graph.stores import StoreSpec, ingest, open_store

    spec = StoreSpec("oxigraph", path=str(tmp_path / "store"))
    ingest(None, spec)
    assert (tmp_path / "store" / FILE).is_file()
    form = {"Content-Type": "application/x-www-form-urlencoded"}

    def post(endpoint, **params):
        return fetch(endpoint.url + "sparql", data=urllib.parse.urlencode(params).encode(), headers=form)

    def notes(endpoint):
        query = "SELECT ?o WHERE { GRAPH <urn:notes> { <urn:note> rdfs:label ?o } }"
        status, _, body = fetch(sparql_url(endpoint, query), headers={"Accept": "text/csv"})
        assert status == 200, body
        return sorted(body.decode().split()[1:])

    with Endpoint(open_store(spec), port=0, quiet=True, workers=2, allow_update=True) as writable:
        writable.start()
        assert writable.in_place == tmp_path / "store"
        question = urllib.parse.urlencode(
            {"weapon": "rocket", "supplier": "US", "place": "Belgorod Oblast", "date": "2024-06-05"}
        )
        status, _, body = fetch(writable.url + "check?" + question)
        before = json.loads(body)["outcome"]
        assert status == 200 and before == "conditional"
        status, _, body = post(
            writable, update="INSERT DATA { GRAPH <urn:notes> { <urn:note> rdfs:label 'one' } }"
        )
        assert status == 200, body
        assert [notes(writable) for _ in range(4)] == [["one"]] * 4
        assert not (tmp_path / "store" / FILE).exists()
        # the second operation fails, so the first is not written either
        failing = (
            "INSERT DATA { GRAPH <urn:notes> { <urn:note> rdfs:label 'two' } } ; DROP GRAPH <urn:absent>"
        )
        status, _, body = post(writable, update=failing)
        assert status == 400 and b"nothing was written" in body and b"urn:absent" in body
        status, _, body = post(
            writable, update="INSERT DATA { <urn:a> <urn:b> 'c' }", **{"using-graph-uri": "urn:x"}
        )
        assert status == 400 and b"USING" in body
        assert notes(writable) == ["one"]
        # the engine, on the changed store, reads it by its queries and answers as before
        status, _, body = fetch(writable.url + "check?" + question)
        assert status == 200 and json.loads(body)["outcome"] == before
    reopened = open_store(spec)
    labels = {str(o) for o in reopened.objects(URIRef("urn:note"), RDFS.label)}
    assert labels == {"one"}


def test_an_update_into_the_default_graph_with_relative_iris(dataset):
    with Endpoint(dataset, port=0, quiet=True, workers=1, allow_update=True) as writable:
        writable.start()
        status, _, body = fetch(
            writable.url + "sparql",
            data=b"INSERT DATA { <note> <says> 'checked' }",
            headers={"Content-Type": "application/sparql-update"},
        )
        assert status == 200, body
        # the relative IRIs were resolved against the endpoint, and the triple is in the default graph
        base = writable.url + "note"
        status, _, body = fetch(sparql_url(writable, f"SELECT ?p WHERE {{ <{base}> ?p 'checked' }}"))
        rows = json.loads(body)["results"]["bindings"]
        assert status == 200 and [r["p"]["value"] for r in rows] == [writable.url + "says"]


@pytest.mark.parametrize(
    ("kind", "fmt", "media"),
    [
        ("SELECT", "tsv", "text/tab-separated-values"),
        ("SELECT", "csv", "text/csv"),
        ("SELECT", "xml", "application/sparql-results+xml"),
        ("CONSTRUCT", "xml", "application/rdf+xml"),
        ("CONSTRUCT", "json-ld", "application/ld+json"),
        ("CONSTRUCT", "n3", "text/turtle"),
        ("CONSTRUCT", "turtle", "text/turtle"),
    ],
)
def test_sparqlwrapper_gets_every_format_it_asks_for(endpoint, kind, fmt, media):
    query = (
        "SELECT ?s WHERE { ?s a pg:State } LIMIT 3"
        if kind == "SELECT"
        else "CONSTRUCT { ?s a pg:State } WHERE { ?s a pg:State }"
    )
    client = SPARQLWrapper(endpoint.url + "sparql")
    client.setQuery(query)
    client.setReturnFormat(fmt)
    response = client.query()
    assert response.response.status == 200
    assert response.response.headers["Content-Type"].split(";")[0] == media
    assert response.response.read()
