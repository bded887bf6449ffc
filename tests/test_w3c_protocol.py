"""The W3C SPARQL 1.1 Protocol tests, run as their manifest describes them.

``tests/data/w3c-protocol/`` is ``sparql/sparql11/protocol`` of w3c/rdf-tests (commit
ad541a5, under the W3C test suite licence in its ``LICENSE.md``). Each test is one or
more HTTP requests (method, path, headers, body) sent in order to a fresh endpoint
loaded with the test's ``ut:graphData`` as named graphs; each answer is checked for the
status class, the result format and the boolean the manifest expects.

The endpoint refuses some things the protocol allows, on purpose; :data:`REFUSED` lists
those tests with the reason, and the test asserts that they are refused cleanly (4xx)
rather than skipping them. The README's endpoint section gives the same list.
"""

from __future__ import annotations

import http.client
import json
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from rdflib import RDF, RDFS, Dataset, Graph, Namespace, URIRef
from rdflib.collection import Collection

from graph.server import Endpoint

HERE = Path(__file__).parent / "data" / "w3c-protocol"
MF = Namespace("http://www.w3.org/2001/sw/DataAccess/tests/test-manifest#")
HT = Namespace("http://www.w3.org/2011/http#")
CNT = Namespace("http://www.w3.org/2011/content#")
UT = Namespace("http://www.w3.org/2009/sparql/tests/test-update#")
HTS = Namespace("http://www.w3.org/2011/http-statusCodes#")

#: tests the endpoint answers 4xx on purpose, with the reason
REFUSED = {
    "update_dataset_named_graphs": "using-named-graph-uri is refused like USING NAMED",
    "update_dataset_full": "using-named-graph-uri is refused like USING NAMED",
}

#: media types of each result format the manifest names
FORMATS = {
    "boolean": {"application/sparql-results+json", "application/sparql-results+xml"},
    "tabular": {
        "application/sparql-results+json",
        "application/sparql-results+xml",
        "text/csv",
        "text/tab-separated-values",
    },
    "RDF": {"text/turtle", "application/n-triples", "application/rdf+xml", "application/ld+json"},
}


def _manifest() -> Graph:
    graph = Graph()
    graph.parse(HERE / "manifest.ttl", format="turtle", publicID=(HERE / "manifest.ttl").as_uri())
    return graph


MANIFEST = _manifest()
TESTS = [
    entry
    for entry in Collection(MANIFEST, MANIFEST.value(URIRef((HERE / "manifest.ttl").as_uri()), MF.entries))
]


def _name(entry) -> str:
    return str(entry).rsplit("#", 1)[1]


def _requests(entry):
    connection = MANIFEST.value(entry, MF.action)
    for request in Collection(MANIFEST, MANIFEST.value(connection, HT.requests)):
        body = MANIFEST.value(request, HT.body)
        headers = {}
        listed = MANIFEST.value(request, HT.headers)
        if listed is not None:
            for header in Collection(MANIFEST, listed):
                name, value = MANIFEST.value(header, HT.fieldName), MANIFEST.value(header, HT.fieldValue)
                headers[str(name)] = str(value)
        response = MANIFEST.value(request, HT.resp)
        statuses = MANIFEST.objects(response, MF.expectedStatus)
        yield {
            "method": str(MANIFEST.value(request, HT.methodName)),
            "path": str(MANIFEST.value(request, HT.absolutePath)),
            "headers": headers,
            "body": None if body is None else str(MANIFEST.value(body, CNT.chars)),
            "encoding": None if body is None else str(MANIFEST.value(body, CNT.characterEncoding) or "UTF-8"),
            "status": {str(s).rsplit("#StatusCode", 1)[1][0] for s in statuses},
            "format": MANIFEST.value(response, MF.expectedFormat),
            "boolean": MANIFEST.value(response, MF.expectedBoolean),
        }


def _dataset(entry) -> Dataset:
    dataset = Dataset()
    for data in MANIFEST.objects(entry, UT.graphData):
        named = dataset.graph(URIRef(str(MANIFEST.value(data, RDFS.label))))
        named.parse(str(MANIFEST.value(data, UT.graph)).removeprefix("file://"), format="nt")
    return dataset


def _send(endpoint: Endpoint, request) -> tuple[int, str, bytes]:
    url = urlsplit(endpoint.url)
    path = "/sparql" + request["path"].removeprefix("/sparql/")
    body = None
    if request["body"] is not None:
        # the manifest gives each body's encoding (UTF-16 in the tests of non-UTF-8 bodies)
        body = request["body"].encode(request["encoding"])
    connection = http.client.HTTPConnection(url.hostname, url.port, timeout=120)
    try:
        connection.request(request["method"], path, body=body, headers=request["headers"])
        response = connection.getresponse()
        return response.status, response.getheader("Content-Type", ""), response.read()
    finally:
        connection.close()


def test_the_manifest_was_found_and_read():
    assert len(TESTS) == 34
    assert all(MANIFEST.value(entry, RDF.type) == MF.ProtocolTest for entry in TESTS)
    assert sum(1 for entry in TESTS for _ in _requests(entry)) >= 38


@pytest.mark.slow
@pytest.mark.parametrize("entry", TESTS, ids=_name)
def test_w3c_protocol(entry):
    refused = REFUSED.get(_name(entry))
    updates = any("update" in (r["body"] or "") + r["path"] + str(r["headers"]) for r in _requests(entry))
    with Endpoint(_dataset(entry), port=0, workers=1, quiet=True, allow_update=updates) as endpoint:
        endpoint.start()
        for step, request in enumerate(_requests(entry)):
            status, media, body = _send(endpoint, request)
            if refused and step == 0:
                assert 400 <= status < 500, (refused, status, body)
                assert b"USING" in body or b"using" in body, body
                return
            assert str(status)[0] in request["status"], (request["path"], status, body[:300])
            if request["format"] is not None:
                assert media.split(";")[0].strip() in FORMATS[str(request["format"])], media
            if request["boolean"] is not None:
                assert json.loads(body)["boolean"] is request["boolean"].toPython(), body
