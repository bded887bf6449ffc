"""A SPARQL 1.1 Protocol endpoint over the graph, with a query page that works offline.

=================  ====================================================================
path               what it answers
=================  ====================================================================
``/``              the query page: YASGUI (vendored, served from here) with the
                   library queries as tabs, results with labels, and the policy check
                   as a form and a card; nothing loads from outside
``/sparql``        the SPARQL 1.1 Protocol: GET, POST ``application/sparql-query`` or
                   form-encoded; ``default-graph-uri`` and ``named-graph-uri``; the
                   answer negotiated from ``Accept`` (or ``format=json|xml|csv|tsv|
                   turtle|trig|nt|jsonld|nquads|rdfxml``); with no query, the service
                   description; updates only with ``allow_update``
``/queries``       the named queries as JSON, their parameters bound to defaults
``/check``         a policy decision as JSON (``actor``, ``weapon``, ``supplier``,
                   ``target-type``, ``place``, ``purpose``, ``date``, ``known-by``,
                   ``conflict``)
``/graph``         the interactive graph page (:mod:`graph.graphpage`)
=================  ====================================================================

Every request runs in a worker process (:mod:`graph.workers`) within the time budget;
the row budget, the refusal of SERVICE and of graphs from outside, and the nesting cap
are those of :func:`graph.queries.run_query`.

=======  ===============================================================================
status   when
=======  ===============================================================================
400      a query that does not parse or is refused, an unknown graph, the row budget
403      an update to a server started read-only
404      an unknown path
405      a method other than GET, POST (and OPTIONS with CORS)
406      no acceptable media type for the answer
411      a POST without ``Content-Length``
413      a request body over the size limit
415      a POST body of another type
503      every worker busy and the queue full, or the time budget spent
=======  ===============================================================================

Examples
--------
>>> import json, urllib.request
>>> from graph.load import load
>>> with Endpoint(load().dataset, port=0, quiet=True) as endpoint:
...     endpoint.start()
...     url = endpoint.url + "sparql?query=ASK%7B%3Fs%20a%20pg%3AState%7D"
...     with urllib.request.urlopen(url) as response:
...         json.load(response)["boolean"]
True
"""

from __future__ import annotations

import json
import queue
import sys
import threading
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

from rdflib import Dataset

from graph.backend import store_folder
from graph.errors import PolicygraphError
from graph.namespaces import PREFIXES
from graph.protocol import ProtocolError, Request, answer, negotiate, read_request, service_description
from graph.workers import Pool, Reply

__all__ = ["Endpoint"]

#: Largest request body read, in bytes.
MAX_BODY = 1 << 20


@dataclass
class _State:
    """What a worker holds: the graph, and what it derives from it on demand."""

    dataset: Dataset
    max_rows: int | None
    allow_update: bool
    version: int = 0
    cache: dict[str, Any] = field(default_factory=dict)
    #: an Oxigraph store on disk that updates write to: the worker opens it read-write itself
    writable: Path | None = None
    held: bool = False


def _hold(state: _State) -> None:
    """Open the store on disk read-write in this worker, once (the parent's copy is read-only)."""
    if state.writable is not None and not state.held:
        from graph.stores import StoreSpec, open_store

        state.dataset = open_store(StoreSpec("oxigraph", path=str(state.writable)), writable=True)
        state.held = True


def _derived(state: _State, key: str, make: Any) -> Any:
    if key not in state.cache:
        state.cache[key] = make()
    return state.cache[key]


def _handle(state: _State, job: tuple[Any, ...]) -> Reply:
    """Answer one job in a worker."""
    _hold(state)
    kind = job[0]
    if kind == "sparql":
        # the request is read here, beside the other workers, not in the serving process
        request, accept, endpoint_url = read_request(*job[1]), job[2], job[3]
        if request.update is not None:
            return _update(state, request, base=endpoint_url)
        if request.query is None:
            media = negotiate(accept, "CONSTRUCT", fmt=request.format)
            description = service_description(state.dataset, endpoint_url, update=state.allow_update)
            from graph.protocol import serialize
            from graph.queries import Rows

            return Reply(200, media, serialize(Rows("CONSTRUCT", graph=description), media))
        status, media, body = answer(state.dataset, request, accept=accept, max_rows=state.max_rows)
        return Reply(status, media, body)
    if kind == "check":
        return _check(state, job[1])
    if kind == "graph":
        from graph.graphpage import graph_page

        page = _derived(state, "graph", lambda: graph_page(state.dataset))
        return Reply(200, "text/html; charset=utf-8", page.encode("utf-8"))
    raise ProtocolError(404, f"nothing answers {kind!r}")


def _update(state: _State, request: Request, *, base: str | None = None) -> Reply:
    from graph.updates import apply_update

    if not state.allow_update:
        raise ProtocolError(403, "this endpoint is read-only: start it with --allow-update to accept updates")
    assert request.update is not None
    apply_update(
        state.dataset,
        request.update,
        base=base,
        using=request.default_graphs,
        using_named=request.named_graphs,
    )
    state.cache.clear()
    return Reply.text(200, "the update was applied")


def _check(state: _State, params: Mapping[str, str]) -> Reply:
    from graph.dates import parse_day
    from graph.policy import Action, PolicyEngine
    from graph.resolve import resolve

    known = {"actor", "weapon", "supplier", "target-type", "place", "purpose", "date", "known-by", "conflict"}
    unknown = sorted(set(params) - known)
    if unknown:
        raise ProtocolError(400, f"the check has no field {unknown[0]!r}: use {', '.join(sorted(known))}")
    if not params.get("weapon"):
        raise ProtocolError(400, "the check needs a weapon (HIMARS, ATACMS, rocket, ...)")
    conflict = params.get("conflict") or "prohibit"
    if conflict not in ("prohibit", "perm", "invalid"):
        raise ProtocolError(400, f"conflict must be prohibit, perm or invalid, not {conflict!r}")
    dataset = state.dataset

    def term(field_name: str, kind: str) -> Any:
        value = params.get(field_name)
        return resolve(dataset, value, kind=kind) if value else None

    try:
        day = parse_day(params["date"]) if params.get("date") else date.today()
        known_by = parse_day(params["known-by"]) if params.get("known-by") else None
    except ValueError as exc:
        raise ProtocolError(400, str(exc)) from None
    action = Action(
        actor=resolve(dataset, params.get("actor") or "Ukraine", kind="actor"),
        weapon=resolve(dataset, params["weapon"], kind="weapon"),
        supplier=term("supplier", "actor"),
        target_type=term("target-type", "target-type"),
        place=term("place", "place"),
        purpose=term("purpose", "purpose"),
        day=day,
    )
    engine = _derived(state, f"engine-{conflict}", lambda: PolicyEngine(dataset, conflict=conflict))
    decision = engine.as_known_by(known_by).decide(action)
    body = dict(decision.as_dict(), text=decision.text())
    return Reply(200, "application/json", json.dumps(body, indent=2, default=str).encode("utf-8"))


def _page_data(dataset: Dataset, *, allow_update: bool) -> dict[str, Any]:
    """What the query page shows before any request: the named queries and the names the check knows."""
    from graph.queries import list_queries
    from graph.resolve import candidates

    queries = [
        {
            "name": q.name,
            "question": q.question,
            "parameters": [{"name": p.name, "default": p.default, "doc": p.doc} for p in q.parameters],
            "sparql": q.sparql(),
        }
        for q in list_queries()
    ]
    names = {
        kind: sorted({c.label for c in candidates(dataset, kind).values()})
        for kind in ("actor", "weapon", "place", "target-type", "purpose")
    }
    prefixes = "".join(f"PREFIX {p}: <{ns}>\n" for p, ns in sorted(PREFIXES.items()) if p in _EDITOR_PREFIXES)
    return {"queries": queries, "names": names, "prefixes": prefixes, "update": allow_update}


_EDITOR_PREFIXES = {"", "pg", "src", "odrl", "prov", "rdfs", "skos", "dcterms", "geo", "xsd", "rdf"}


def query_page(dataset: Dataset, *, allow_update: bool = False) -> str:
    """The query page as one HTML document, its scripts, styles and data inline."""
    from graph.resources import web_asset

    data = json.dumps(_page_data(dataset, allow_update=allow_update)).replace("<", "\\u003c")
    return web_asset("query.html").replace("/*DATA*/{}", data)


#: see :attr:`_Handler.timeout`
IDLE_TIMEOUT = 20.0


#: threads kept waiting for the next connection once theirs is answered
SPARE_THREADS = 16


class _Server(ThreadingHTTPServer):
    """A threading HTTP server whose threads, once a connection is done, wait for the next.

    Starting a thread per connection costs more than a cheap query: the accepting thread
    waits for each new thread to run. Here a finished thread waits for the next connection
    (up to :data:`SPARE_THREADS` of them wait); a new thread starts only when none is free,
    so connections held open never wait for each other.
    """

    daemon_threads = True
    allow_reuse_address = True
    endpoint: Endpoint

    def __init__(self, address: tuple[str, int], handler: type[BaseHTTPRequestHandler]):
        self._spare = 0
        self._closing = False
        self._spare_lock = threading.Lock()
        self._next: queue.SimpleQueue[tuple[Any, Any] | None] = queue.SimpleQueue()
        super().__init__(address, handler)  # closes the server when it cannot bind

    def process_request(self, request: Any, client_address: Any) -> None:
        with self._spare_lock:
            if self._spare:
                self._spare -= 1
                self._next.put((request, client_address))
                return
        threading.Thread(target=self._answer, args=(request, client_address), daemon=True).start()

    def _answer(self, request: Any, client_address: Any) -> None:
        while True:
            self.process_request_thread(request, client_address)
            with self._spare_lock:
                if self._closing or self._spare >= SPARE_THREADS:
                    return
                self._spare += 1
            taken = self._next.get()
            if taken is None:  # the server is closing
                return
            request, client_address = taken

    def server_close(self) -> None:
        """Close the socket and let the waiting threads end."""
        super().server_close()
        with self._spare_lock:
            self._closing = True
            for _ in range(self._spare):
                self._next.put(None)
            self._spare = 0


class _Handler(BaseHTTPRequestHandler):
    server: _Server
    protocol_version = "HTTP/1.1"
    #: the status line, the headers and the body go out in one write
    wbufsize = 1 << 16
    server_version = "policygraph"
    sys_version = ""
    #: seconds a connection may stay silent (idle between requests, or slow to send its
    #: headers or body) before it is closed, so held-open connections cannot pile up
    timeout = IDLE_TIMEOUT

    def do_GET(self) -> None:
        self._dispatch("GET")

    def do_POST(self) -> None:
        self._dispatch("POST")

    def do_HEAD(self) -> None:
        self._send(Reply.text(405, "HEAD is not allowed: use GET or POST"))

    def do_PUT(self) -> None:
        self._send(Reply.text(405, "PUT is not allowed: use GET or POST"))

    def do_DELETE(self) -> None:
        self._send(Reply.text(405, "DELETE is not allowed: use GET or POST"))

    def do_PATCH(self) -> None:
        self._send(Reply.text(405, "PATCH is not allowed: use GET or POST"))

    def do_OPTIONS(self) -> None:
        endpoint = self.server.endpoint
        if not endpoint.cors:
            self._send(Reply.text(405, "OPTIONS is allowed only with CORS on (--cors ORIGIN)"))
            return
        self._send(
            Reply(
                204,
                "text/plain",
                b"",
                (
                    ("Access-Control-Allow-Methods", "GET, POST, OPTIONS"),
                    ("Access-Control-Allow-Headers", "Content-Type, Accept"),
                    ("Access-Control-Max-Age", "600"),
                ),
            )
        )

    def _dispatch(self, method: str) -> None:
        started = time.perf_counter()
        endpoint = self.server.endpoint
        url = urlsplit(self.path)
        try:
            reply = self._route(method, url.path, url.query, endpoint)
        except ProtocolError as exc:
            reply = Reply.text(exc.status, str(exc))
        except PolicygraphError as exc:
            reply = Reply.text(400, str(exc))
        self._send(reply)
        took = 1000 * (time.perf_counter() - started)
        endpoint.log(f"{self.client_address[0]} {method} {url.path} {reply.status} {took:.0f} ms")

    def _route(self, method: str, path: str, query: str, endpoint: Endpoint) -> Reply:
        if path == "/sparql":
            body = self._body() if method == "POST" else b""
            raw = (method, query, self.headers.get("Content-Type", ""), body)
            job = ("sparql", raw, self.headers.get("Accept"), endpoint.url + "sparql")
            # an update to a graph in memory is logged, for every worker to replay; one to a
            # store on disk is written once, there; a read-only server needs not read it here
            logged = (
                endpoint.allow_update and endpoint.in_place is None and read_request(*raw).update is not None
            )
            return endpoint.pool.run(job, write=logged)
        if method != "GET":
            raise ProtocolError(405, f"{path} answers GET only")
        if path in ("/", "/index.html"):
            return Reply(200, "text/html; charset=utf-8", endpoint.page)
        if path == "/queries":
            return Reply(200, "application/json", endpoint.queries)
        if path in _ASSETS:
            return Reply(200, _ASSETS[path], endpoint.asset(path), (("Cache-Control", "max-age=86400"),))
        if path == "/check":
            try:
                fields = parse_qs(query, keep_blank_values=False, errors="strict")
            except (UnicodeDecodeError, ValueError):
                raise ProtocolError(400, "the URL's parameters are not UTF-8 percent-encoding") from None
            return endpoint.pool.run(("check", {k: v[-1] for k, v in fields.items()}))
        if path == "/graph":
            return endpoint.pool.run(("graph",))
        raise ProtocolError(
            404, f"nothing at {path}: try / (the query page), /sparql, /queries, /check or /graph"
        )

    def _body(self) -> bytes:
        length = self.headers.get("Content-Length")
        # ASCII digits only: "²".isdigit() is True in Python, and int() would refuse it
        if length is None or not (length.isascii() and length.isdigit() and len(length) <= 15):
            self.close_connection = True
            raise ProtocolError(411, "a POST needs a Content-Length header")
        if int(length) > self.server.endpoint.max_body:
            self.close_connection = True
            raise ProtocolError(
                413,
                f"the request body is {int(length):,} bytes, "
                f"over the limit of {self.server.endpoint.max_body:,}",
            )
        return self.rfile.read(int(length))

    def _send(self, reply: Reply) -> None:
        try:
            self.send_response(reply.status, HTTPStatus(reply.status).phrase)
            self.send_header("Content-Type", reply.media)
            self.send_header("Content-Length", str(len(reply.body)))
            self.send_header("Vary", "Accept")
            self.send_header("X-Content-Type-Options", "nosniff")
            if reply.media.startswith("text/html"):
                self.send_header("Content-Security-Policy", _PAGE_POLICY)
            cors = self.server.endpoint.cors
            origin = self.headers.get("Origin")
            if cors and origin and ("*" in cors or origin in cors):
                self.send_header("Access-Control-Allow-Origin", "*" if "*" in cors else origin)
            for name, value in reply.headers:
                self.send_header(name, value)
            if self.close_connection:
                self.send_header("Connection", "close")
            self.end_headers()
            if self.command != "HEAD":
                self.wfile.write(reply.body)
            self.wfile.flush()
        except (BrokenPipeError, ConnectionResetError):
            self.close_connection = True

    def log_message(self, format: str, *args: Any) -> None:
        """Log nothing here: the endpoint logs each request once, in ``_dispatch``."""


# the pages load nothing from outside: scripts and styles are inline or served here (YASGUI),
# requests go to this server only
_PAGE_POLICY = (
    "default-src 'none'; script-src 'self' 'unsafe-inline'; style-src 'self' 'unsafe-inline'; "
    "img-src data:; font-src data:; connect-src 'self'; form-action 'self'; base-uri 'none'"
)

#: the vendored YASGUI files the query page loads from this server, and their media types
_ASSETS = {
    "/yasgui.min.js": "text/javascript; charset=utf-8",
    "/yasgui.min.css": "text/css; charset=utf-8",
}


class Endpoint:
    """The HTTP server, its workers and its settings.

    Parameters
    ----------
    dataset : Dataset
        The graph to serve.
    host : str
        The address to bind; loopback unless told otherwise.
    port : int
        The port; 0 picks a free one (see :attr:`url`).
    workers : int
        Requests answered at once, each in its own process.
    timeout : float
        Seconds one request may run.
    max_rows : int or None
        Rows one answer may have.
    queue : int
        Requests that may wait for a worker before the answer is 503.
    cors : sequence of str
        Origins allowed to call from a browser (``*`` for any); none by default.
    allow_update : bool
        Accept SPARQL Update; the graph in memory changes, the source files do not. Over an
        Oxigraph store on disk, each update is written to the store as one transaction; one
        worker then holds the store read-write and answers every request, so each request
        sees every update made before it.
    max_body : int
        Largest POST body, in bytes.
    idle_timeout : float
        Seconds a connection may stay silent (between requests, or while sending one)
        before it is closed.
    quiet : bool
        Log no requests.
    """

    def __init__(
        self,
        dataset: Dataset,
        *,
        host: str = "127.0.0.1",
        port: int = 7878,
        workers: int = 2,
        timeout: float = 30.0,
        max_rows: int | None = 100_000,
        queue: int = 16,
        cors: Sequence[str] = (),
        allow_update: bool = False,
        max_body: int = MAX_BODY,
        idle_timeout: float = IDLE_TIMEOUT,
        quiet: bool = False,
    ):
        self.cors = tuple(cors)
        self.allow_update = allow_update
        self.max_body = max_body
        self.quiet = quiet
        self.page = query_page(dataset, allow_update=allow_update).encode("utf-8")
        self.queries = json.dumps(
            _page_data(dataset, allow_update=allow_update)["queries"], indent=2
        ).encode()
        try:
            handler = type("_TimedHandler", (_Handler,), {"timeout": idle_timeout})
            self.server = _Server((host, port), handler)
        except OSError as exc:
            raise PolicygraphError(
                f"cannot listen on {host}:{port}: {exc.strerror}: pick another --port"
            ) from None
        self.server.endpoint = self
        #: the store on disk that updates are written to, or None
        self.in_place = store_folder(dataset) if allow_update else None
        if self.in_place is not None:
            workers = 1  # Oxigraph lets one process write, and readers must not run beside it
        # fork the workers before any thread starts
        state = _State(dataset, max_rows=max_rows, allow_update=allow_update, writable=self.in_place)
        self.pool = Pool(state, _handle, workers=workers, timeout=timeout, queue=queue)
        bound_host, bound_port = str(self.server.server_address[0]), int(self.server.server_address[1])
        shown = f"[{bound_host}]" if ":" in str(bound_host) else str(bound_host)
        self.url = f"http://{shown}:{bound_port}/"
        self._thread: threading.Thread | None = None
        self._assets: dict[str, bytes] = {}

    def asset(self, path: str) -> bytes:
        """A vendored file the query page loads (YASGUI), read once."""
        from graph.resources import web_asset

        if path not in self._assets:
            self._assets[path] = web_asset(path.lstrip("/")).encode("utf-8")
        return self._assets[path]

    def log(self, line: str) -> None:
        """Write one line about a request to stderr, unless quiet."""
        if not self.quiet:
            print(line, file=sys.stderr, flush=True)

    def serve_forever(self) -> None:
        """Answer requests until interrupted."""
        self.server.serve_forever(poll_interval=0.2)

    def start(self) -> None:
        """Answer requests from a background thread (for tests and notebooks)."""
        self._thread = threading.Thread(target=self.serve_forever, daemon=True, name="policygraph-serve")
        self._thread.start()

    def close(self) -> None:
        """Stop answering, stop the workers and free the port."""
        if self._thread is not None:
            self.server.shutdown()
            self._thread.join()
            self._thread = None
        self.server.server_close()
        self.pool.close()

    def __enter__(self) -> Endpoint:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
