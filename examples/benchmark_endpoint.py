"""Load the SPARQL endpoint from several clients at once and print the latency.

Starts ``policygraph serve`` in this process on a free loopback port, then runs
``--queries`` requests from ``--clients`` threads: the library's competency
questions and a few small queries, in rotation, each over HTTP with SPARQL JSON
results. Prints the error count, p50/p90/p99 latency and throughput, and exits
non-zero if any request failed. Nothing leaves the machine.

    python examples/benchmark_endpoint.py --clients 8 --queries 2000
"""

from __future__ import annotations

import argparse
import statistics
import threading
import time
import urllib.error
import urllib.parse
import urllib.request

from graph.load import load
from graph.queries import list_queries
from graph.server import Endpoint

SMALL = [
    "ASK { ?s a pg:State }",
    "SELECT ?actor ?label WHERE { ?actor a pg:State ; rdfs:label ?label } ORDER BY ?label",
    "SELECT (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } }",
]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clients", type=int, default=8)
    parser.add_argument("--queries", type=int, default=2000)
    parser.add_argument("--workers", type=int, default=2)
    args = parser.parse_args()

    texts = [q.sparql() for q in list_queries() if q.name.startswith("cq")] + SMALL
    latencies: list[float] = []
    errors: list[str] = []
    lock = threading.Lock()
    counter = iter(range(args.queries))

    with Endpoint(load().dataset, port=0, workers=args.workers, queue=64, quiet=True) as endpoint:
        endpoint.start()
        url = endpoint.url + "sparql"

        def client() -> None:
            while True:
                with lock:
                    number = next(counter, None)
                if number is None:
                    return
                body = urllib.parse.urlencode({"query": texts[number % len(texts)]}).encode()
                request = urllib.request.Request(
                    url, data=body, headers={"Accept": "application/sparql-results+json"}
                )
                started = time.perf_counter()
                try:
                    with urllib.request.urlopen(request, timeout=60) as response:
                        response.read()
                except (urllib.error.URLError, OSError) as exc:
                    with lock:
                        errors.append(str(exc))
                    continue
                with lock:
                    latencies.append(time.perf_counter() - started)

        began = time.perf_counter()
        threads = [threading.Thread(target=client) for _ in range(args.clients)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        elapsed = time.perf_counter() - began

    cuts = statistics.quantiles(latencies, n=100) if len(latencies) > 1 else [0.0] * 99
    print(f"{args.clients} clients, {args.queries} queries ({len(texts)} kinds), {args.workers} workers")
    print(f"errors: {len(errors)}")
    print(f"latency p50 {cuts[49] * 1000:.1f} ms, p90 {cuts[89] * 1000:.1f} ms, p99 {cuts[98] * 1000:.1f} ms")
    print(f"throughput {len(latencies) / elapsed:.0f} queries/s over {elapsed:.1f} s")
    for error in errors[:5]:
        print("error:", error)
    return 1 if errors else 0


if __name__ == "__main__":
    raise SystemExit(main())
