"""Load the SPARQL endpoint from several clients at once, beside ``oxigraph serve`` on the same data.

Serves the bundled corpus three ways on free loopback ports, each server in a process of
its own as a user starts it: ``policygraph serve`` over the memory store, over an
Oxigraph store (``--store oxigraph``), and Oxigraph's own server (``oxigraph
serve-read-only`` from the ``oxigraph`` package, the union of the graphs as its default
graph). Each takes ``--queries`` requests of each kind from
``--clients`` threads: a competency question (cq1) and a cheap ASK, each over HTTP
with SPARQL JSON results and a new connection per request, for every server alike.
The servers take turns for ``--rounds`` rounds; each one's best round counts. Prints
requests per second, the median latency and each server's ratio to Oxigraph's own
against its target, what a request cost each server's process and its workers in CPU time
(read from /proc, on Linux), then the error count; exits non-zero if any request failed.
Nothing leaves the machine.

    python examples/benchmark_endpoint.py --clients 4 --queries 500
"""

from __future__ import annotations

import argparse
import contextlib
import os
import platform
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from graph.namespaces import PREFIXES
from graph.queries import get_query
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
def oxigraph_serve(scratch: Path) -> Iterator[tuple[str, int] | None]:
    """The URL and process id of ``oxigraph serve-read-only`` over the bundled corpus, or None
    without the binary."""
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
    with _answering(server, f"http://127.0.0.1:{port}/query", "oxigraph serve") as url:
        yield url, server.pid


@contextmanager
def policygraph_serve(store: str, *, workers: int) -> Iterator[tuple[str, int]]:
    """The URL and process id of ``policygraph serve --store STORE`` over the bundled corpus."""
    port = _free_port()
    command = [sys.executable, "-m", "graph.cli", "serve", "--store", store, "--port", str(port)]
    server = subprocess.Popen(
        [*command, "--workers", str(workers), "--queue", "64", "--quiet"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    with _answering(server, f"http://127.0.0.1:{port}/sparql", f"policygraph serve --store {store}") as url:
        yield url, server.pid


@contextmanager
def _answering(server: subprocess.Popen[bytes], url: str, name: str) -> Iterator[str]:
    """``url`` once the server answers there; the server is stopped after."""
    try:
        while True:  # ready when it answers; a server that died is an error
            if server.poll() is not None:
                raise SystemExit(f"{name} stopped before it answered")
            try:
                with urllib.request.urlopen(url + "?" + urllib.parse.urlencode({"query": ASK}), timeout=5):
                    break
            except (urllib.error.URLError, OSError):
                time.sleep(0.05)
        yield url
    finally:
        server.terminate()
        server.wait()


def cpu_seconds(pid: int) -> tuple[float, float] | None:
    """CPU time (user and system) of a process, and of its children alive now, from /proc.

    None where /proc cannot tell (not Linux, or the process is gone).
    """
    tick = os.sysconf("SC_CLK_TCK")

    def read(stat: Path) -> tuple[int, float]:
        fields = stat.read_text().rpartition(")")[2].split()
        return int(fields[1]), (int(fields[11]) + int(fields[12])) / tick  # parent, utime + stime

    try:
        own = read(Path(f"/proc/{pid}/stat"))[1]
    except (OSError, ValueError, IndexError):
        return None
    children = 0.0
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            parent, spent = read(stat)
        except (OSError, ValueError, IndexError):
            continue  # a process that ended meanwhile
        if parent == pid:
            children += spent
    return own, children


def _line(server: str, kind: str, rate: float, median: float) -> str:
    return f"  {server:<28} {kind:<4} {rate:8.0f} req/s   median {median * 1e3:6.1f} ms"


def report(
    best: dict[tuple[str, str], tuple[float, float]],
    spent: dict[tuple[str, str], tuple[float, float]],
    *,
    requests: int,
) -> None:
    """Print each server's best rate against Oxigraph's and its target, then the CPU it spent."""
    for (name, kind), (rate, median) in sorted(best.items(), key=lambda item: item[0][::-1]):
        line = _line(name, kind, rate, median)
        theirs = best.get(("oxigraph serve", kind))
        store = name.rpartition(" ")[2]
        if theirs and store in TARGETS:
            ratio, target = rate / theirs[0], TARGETS[store]
            verdict = "met" if ratio >= target else "missed"
            line += f"   {ratio:5.2f}x oxigraph serve (target >= {target}x: {verdict})"
        print(line)
    if spent:
        print("CPU per request, every round (the server's process, then its workers):")
        for (name, kind), (own, workers) in sorted(spent.items(), key=lambda item: item[0][::-1]):
            each = 1e6 / requests
            print(f"  {name:<28} {kind:<4} {own * each:6.0f} µs  {workers * each:6.0f} µs")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clients", type=int, default=4)
    parser.add_argument(
        "--queries", type=int, default=500, help="requests of each kind, per server and round"
    )
    parser.add_argument("--workers", type=int, default=2, help="policygraph's worker processes")
    parser.add_argument("--rounds", type=int, default=3, help="rounds, each server in turn; the best counts")
    args = parser.parse_args()
    kinds = {"cq1": get_query("cq1-permissions").sparql(), "ASK": ASK}
    print(
        f"policygraph endpoint against oxigraph serve, bundled corpus, {args.clients} clients, "
        f"{args.queries} requests of each kind, {args.workers} workers, best of {args.rounds} rounds; "
        f"Python {platform.python_version()}, {os.cpu_count()} cores"
    )
    best: dict[tuple[str, str], tuple[float, float]] = {}
    #: CPU seconds over every round: the serving process's own, and its workers'
    spent: dict[tuple[str, str], tuple[float, float]] = {}
    errors: list[str] = []
    with tempfile.TemporaryDirectory() as scratch, contextlib.ExitStack() as servers:
        started = {"oxigraph serve": servers.enter_context(oxigraph_serve(Path(scratch)))}
        for store in TARGETS:
            started[f"policygraph --store {store}"] = servers.enter_context(
                policygraph_serve(store, workers=args.workers)
            )
        if started["oxigraph serve"] is None:
            print("oxigraph serve: not found (pip install oxigraph): no ratios")
        urls = {name: server for name, server in started.items() if server is not None}
        # the servers take turns, round after round: a slow spell of the machine hits them alike
        for _ in range(args.rounds):
            for kind, text in kinds.items():
                for name, (url, pid) in urls.items():
                    before = cpu_seconds(pid)
                    rate, median, failed = load_test(url, text, clients=args.clients, queries=args.queries)
                    after = cpu_seconds(pid)
                    errors += failed
                    if before and after:
                        own, workers = spent.get((name, kind), (0.0, 0.0))
                        spent[name, kind] = (own + after[0] - before[0], workers + after[1] - before[1])
                    if rate > best.get((name, kind), (0.0, 0.0))[0]:
                        best[name, kind] = (rate, median)
    report(best, spent, requests=args.queries * args.rounds)
    print(f"errors: {len(errors)}")
    for error in errors[:5]:
        print("error:", error)
    return 1 if errors else 0


if __name__ == "__main__":
    raise SystemExit(main())
