"""No query reaches the network or reads a file.

SERVICE and FROM are refused before anything runs; a loopback listener must see no connection.
"""

from __future__ import annotations

import socket
import threading

import pytest

from graph.errors import QueryError
from graph.queries import run_query


class _Listener:
    """A loopback TCP listener that records whether anything connected to it."""

    def __init__(self):

        self.server = socket.socket()
        self.server.bind(("127.0.0.1", 0))
        self.server.listen()
        self.server.settimeout(0.2)
        self.port = self.server.getsockname()[1]
        self.connections = 0
        self.stop = False
        self.thread = threading.Thread(target=self._accept, daemon=True)
        self.thread.start()

    def _accept(self):

        while not self.stop:
            try:
                conn, _ = self.server.accept()
            except (TimeoutError, OSError):
                continue
            self.connections += 1
            conn.close()

    def close(self):
        self.stop = True
        self.thread.join(timeout=2)
        self.server.close()


@pytest.mark.parametrize(
    "template",
    [
        "SELECT * WHERE {{ SERVICE <http://127.0.0.1:{port}/sparql> {{ ?s ?p ?o }} }}",
        "SELECT * WHERE {{ SERVICE SILENT <http://127.0.0.1:{port}/sparql> {{ ?s ?p ?o }} }}",
        "SELECT * WHERE {{ BIND(<http://127.0.0.1:{port}/sparql> AS ?x) SERVICE ?x {{ ?s ?p ?o }} }}",
        "SELECT * WHERE {{ {{ SELECT ?s WHERE {{ SERVICE <http://127.0.0.1:{port}/> {{ ?s ?p ?o }} }} }} }}",
        "ASK {{ FILTER EXISTS {{ SERVICE <http://127.0.0.1:{port}/> {{ ?s ?p ?o }} }} }}",
        "SELECT * FROM <http://127.0.0.1:{port}/data.ttl> WHERE {{ ?s ?p ?o }}",
        "SELECT * FROM NAMED <http://127.0.0.1:{port}/data.ttl> WHERE {{ GRAPH ?g {{ ?s ?p ?o }} }}",
    ],
)
def test_queries_never_reach_the_network(dataset, template):
    listener = _Listener()
    try:
        with pytest.raises(QueryError, match=r"is refused|are refused"):
            run_query(dataset, template.format(port=listener.port))
        import time

        time.sleep(0.3)
        assert listener.connections == 0
    finally:
        listener.close()


def test_update_requests_are_not_queries(dataset):
    with pytest.raises(QueryError, match="SPARQL syntax error"):
        run_query(dataset, "LOAD <file:///etc/passwd>")
