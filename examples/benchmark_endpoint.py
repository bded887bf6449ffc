"""Load the SPARQL endpoint from several clients at once, beside ``oxigraph serve`` on the same data.

Serves the bundled corpus three ways on free loopback ports: ``policygraph serve`` over
the memory store, over an Oxigraph store (``--store oxigraph``), and Oxigraph's own
server (``oxigraph serve-read-only`` from the ``oxigraph`` package, the union of the
graphs as its default graph). Each takes ``--queries`` requests of each kind from
``--clients`` threads: a competency question (cq1) and a cheap ASK, each over HTTP
with SPARQL JSON results and a new connection per request, for every server alike.
Prints requests per second, the median latency and each server's ratio to Oxigraph's
own against its target, then the error count; exits non-zero if any request failed.
Nothing leaves the machine.

    python examples/benchmark_endpoint.py --clients 4 --queries 500
"""

from __future__ import annotations

import argparse
import os
import platform
import shutil
import socket
import statistics
import subprocess
import tempfile
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from graph.load import load
from graph.namespaces import PREFIXES
from graph.queries import get_query
from graph.server import Endpoint
from graph.stores import StoreSpec, open_corpus

#: the same text to every server: Oxigraph's knows none of the project's prefixes
ASK = "".join(f"PREFIX {p}: <{iri}>\n" for p, iri in PREFIXES.items()) + "ASK { ?s a pg:State }"
#: the server's ratio to ``oxigraph serve`` each store is to reach, for every kind of request
TARGETS = {"memory": 0.2, "oxigraph": 0.5}


def load_test(url: str, text: str, *, clients: int, queries: int) -> tuple[float, float, list[str]]:
    """Requests per second, median latency (s) and the errors, of ``queries`` requests."""
    latencies: list[float] = []
    errors: list[str] = []
    lock = threading.Lock()
    counter = iter(range(queries))
    body = urllib.parse.urlencode({"query": text}).encode()

    def client() -> None:
        while True:
            with lock:
                if next(counter, None) is None:
                    return
            request = urllib.request.Request(
                url,
                data=body,
                headers={
                    "Accept": "application/sparql-results+json",
                    "Content-Type": "application/x-www-form-urlencoded",
                },
            )
            started = time.perf_counter()
            try:
                with urllib.request.urlopen(request, timeout=60) as response:
                    response.read()
            except (urllib.error.URLError, OSError) as exc:
                with lock:
                    errors.append(f"{url}: {exc}")
                continue
            with lock:
                latencies.append(time.perf_counter() - started)

    began = time.perf_counter()
    threads = [threading.Thread(target=client) for _ in range(clients)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    elapsed = time.perf_counter() - began
    median = statistics.median(latencies) if latencies else float("nan")
    return len(latencies) / elapsed, median, errors


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@contextmanager
def oxigraph_serve(scratch: Path) -> Iterator[str | None]:
    """The URL of ``oxigraph serve-read-only`` over the bundled corpus, or None without the binary."""
    binary = shutil.which("oxigraph")
    if binary is None:
        yield None
        return
    data = scratch / "corpus.nq"
    stored = open_corpus(None, StoreSpec.parse("oxigraph")).dataset
    data.write_bytes(stored.serialize(format="nquads", encoding="utf-8"))
    location = scratch / "oxigraph"
    subprocess.run(
        [binary, "load", "--location", str(location), "--file", str(data)], check=True, capture_output=True
    )
    port = _free_port()
    server = subprocess.Popen(
        [
            binary,
            "serve-read-only",
            "--location",
            str(location),
            "--bind",
            f"127.0.0.1:{port}",
            "--union-default-graph",
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    url = f"http://127.0.0.1:{port}/query"
    try:
        while True:  # ready when it answers; a server that died is an error
            if server.poll() is not None:
                raise SystemExit("oxigraph serve stopped before it answered")
            try:
                with urllib.request.urlopen(url + "?" + urllib.parse.urlencode({"query": ASK}), timeout=5):
                    break
            except (urllib.error.URLError, OSError):
                time.sleep(0.05)
        yield url
    finally:
        server.terminate()
        server.wait()


def _line(server: str, kind: str, rate: float, median: float) -> str:
    return f"  {server:<28} {kind:<4} {rate:8.0f} req/s   median {median * 1e3:6.1f} ms"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clients", type=int, default=4)
    parser.add_argument("--queries", type=int, default=500, help="requests of each kind, per server")
    parser.add_argument("--workers", type=int, default=2, help="policygraph's worker processes")
    args = parser.parse_args()
    kinds = {"cq1": get_query("cq1-permissions").sparql(), "ASK": ASK}
    print(
        f"policygraph endpoint against oxigraph serve, bundled corpus, {args.clients} clients, "
        f"{args.queries} requests of each kind, {args.workers} workers; "
        f"Python {platform.python_version()}, {os.cpu_count()} cores"
    )
    results: dict[tuple[str, str], float] = {}
    errors: list[str] = []
    with tempfile.TemporaryDirectory() as scratch:
        with oxigraph_serve(Path(scratch)) as url:
            if url is None:
                print("oxigraph serve: not found (pip install oxigraph): no ratios")
            else:
                for kind, text in kinds.items():
                    rate, median, failed = load_test(url, text, clients=args.clients, queries=args.queries)
                    results["oxigraph serve", kind] = rate
                    errors += failed
                    print(_line("oxigraph serve", kind, rate, median))
        for store, target in TARGETS.items():
            dataset = (
                load().dataset if store == "memory" else open_corpus(None, StoreSpec.parse(store)).dataset
            )
            name = f"policygraph --store {store}"
            with Endpoint(dataset, port=0, workers=args.workers, queue=64, quiet=True) as endpoint:
                endpoint.start()
                for kind, text in kinds.items():
                    rate, median, failed = load_test(
                        endpoint.url + "sparql", text, clients=args.clients, queries=args.queries
                    )
                    errors += failed
                    line = _line(name, kind, rate, median)
                    theirs = results.get(("oxigraph serve", kind))
                    if theirs:
                        ratio = rate / theirs
                        verdict = "met" if ratio >= target else "missed"
                        line += f"   {ratio:5.2f}x oxigraph serve (target >= {target}x: {verdict})"
                    print(line)
    print(f"errors: {len(errors)}")
    for error in errors[:5]:
        print("error:", error)
    return 1 if errors else 0


if __name__ == "__main__":
    raise SystemExit(main())
