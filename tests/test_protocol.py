"""The SPARQL 1.1 Protocol apart from HTTP: requests, negotiation, datasets, answers read back by rdflib."""

from __future__ import annotations

import io
import re
from urllib.parse import urlencode

import pytest
from rdflib import Graph, URIRef
from rdflib.query import Result

from graph.namespaces import SRC
from graph.protocol import (
    GRAPH_TYPES,
    RESULT_TYPES,
    ProtocolError,
    Request,
    answer,
    negotiate,
    read_request,
    restrict,
    service_description,
)
from graph.queries import get_query, run_query

SEED = str(SRC["politico-2024-05-30"])
COUNT = "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"


def _count(dataset, **params):
    status, media, body = answer(
        dataset, Request(query=params.pop("query", COUNT), **params), accept="text/csv"
    )
    assert status == 200 and media == "text/csv"
    return int(body.decode().splitlines()[1])


def test_get_post_and_form_requests_read_the_same():
    query = "ASK { ?s ?p ?o }"
    graphs = {"default-graph-uri": ["urn:a", "urn:b"], "named-graph-uri": ["urn:c"]}
    by_get = read_request("GET", urlencode({"query": query, **graphs}, doseq=True), "", b"")
    by_post = read_request(
        "POST", urlencode(graphs, doseq=True), "application/sparql-query; charset=utf-8", query.encode()
    )
    by_form = read_request(
        "POST",
        "",
        "application/x-www-form-urlencoded",
        urlencode({"query": query, **graphs}, doseq=True).encode(),
    )
    for request in (by_get, by_post, by_form):
        assert request.query == query
        assert request.default_graphs == ("urn:a", "urn:b") and request.named_graphs == ("urn:c",)


@pytest.mark.parametrize(
    ("method", "query_string", "content_type", "body", "status", "words"),
    [
        ("PUT", "", "", b"", 405, "use GET or POST"),
        ("POST", "", "text/plain", b"ASK {}", 415, "application/sparql-query"),
        ("POST", "", "application/sparql-query", b"\xff\xfe", 400, "not UTF-8"),
        ("GET", "query=a&query=b", "", b"", 400, "give 'query' once"),
        ("GET", "update=CLEAR%20ALL", "", b"", 400, "must be sent with POST"),
        ("POST", "", "application/x-www-form-urlencoded", b"query=ASK{}&update=CLEAR+ALL", 400, "not both"),
    ],
)
def test_malformed_requests_are_refused_with_their_status(
    method, query_string, content_type, body, status, words
):
    with pytest.raises(ProtocolError) as caught:
        read_request(method, query_string, content_type, body)
    assert caught.value.status == status and words in str(caught.value)


@pytest.mark.parametrize(
    ("accept", "kind", "expected"),
    [
        (None, "SELECT", "application/sparql-results+json"),
        ("*/*", "ASK", "application/sparql-results+json"),
        ("application/json", "SELECT", "application/sparql-results+json"),
        ("text/csv;q=0.4, text/tab-separated-values;q=0.9", "SELECT", "text/tab-separated-values"),
        ("application/sparql-results+xml, */*;q=0.1", "SELECT", "application/sparql-results+xml"),
        ("text/*", "SELECT", "text/csv"),
        (None, "CONSTRUCT", "text/turtle"),
        ("application/ld+json", "DESCRIBE", "application/ld+json"),
        ("application/n-triples;q=0.2, application/trig", "CONSTRUCT", "application/trig"),
    ],
)
def test_negotiation_follows_accept_and_quality(accept, kind, expected):
    assert negotiate(accept, kind) == expected


def test_nothing_acceptable_is_406_and_format_overrides_accept():
    with pytest.raises(ProtocolError) as caught:
        negotiate("image/png", "SELECT")
    assert caught.value.status == 406 and "text/csv" in str(caught.value)
    with pytest.raises(ProtocolError) as caught:
        negotiate("text/csv;q=0", "SELECT")  # q=0 means not acceptable
    with pytest.raises(ProtocolError):
        negotiate(None, "CONSTRUCT", fmt="csv")
    assert negotiate("text/csv", "SELECT", fmt="xml") == "application/sparql-results+xml"


def test_default_graph_uri_and_from_pick_one_source(dataset):
    whole = _count(dataset)
    seed_only = _count(dataset, default_graphs=(SEED,))
    assert 0 < seed_only < whole
    assert seed_only == len(dataset.graph(URIRef(SEED)))
    # FROM of a loaded graph is the same dataset; the protocol's parameters take precedence over it
    from_query = f"SELECT (COUNT(*) AS ?n) FROM <{SEED}> WHERE {{ ?s ?p ?o }}"
    assert _count(dataset, query=from_query) == seed_only
    other = str(SRC["reuters-2024-05-30-kharkiv"])
    assert _count(dataset, query=from_query, default_graphs=(other,)) == len(dataset.graph(URIRef(other)))


def test_named_graph_uri_alone_leaves_the_default_graph_empty(dataset):
    assert _count(dataset, named_graphs=(SEED,)) == 0
    per_graph = "SELECT ?g (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g"
    _, _, body = answer(dataset, Request(query=per_graph, named_graphs=(SEED,)), accept="text/csv")
    lines = body.decode().splitlines()
    assert lines[1:] == [f"{SEED},{len(dataset.graph(URIRef(SEED)))}"]


def test_unknown_graphs_are_never_fetched_and_are_empty(dataset):
    """A graph the endpoint has not loaded is empty: never fetched (port 9 discards; a file is not read)."""
    for request in (
        Request(query="SELECT * WHERE { ?s ?p ?o }", default_graphs=("http://127.0.0.1:9/x.ttl",)),
        Request(query="SELECT * FROM <http://127.0.0.1:9/x.ttl> WHERE { ?s ?p ?o }"),
        Request(query="SELECT * FROM NAMED <file:///etc/passwd> WHERE { GRAPH ?g { ?s ?p ?o } }"),
    ):
        status, media, body = answer(dataset, request, accept="text/csv")
        assert status == 200 and media == "text/csv"
        assert len(body.decode().strip().splitlines()) == 1  # the header line only: no rows


def test_restrict_copies_only_what_was_named(dataset):
    view = restrict(dataset, [SEED], [SEED])
    assert len(view.default_graph) == len(dataset.graph(URIRef(SEED)))
    assert {str(g.identifier) for g in view.graphs() if len(g)} >= {SEED}


@pytest.mark.parametrize(
    ("query", "words"),
    [
        ("SELEC * WHERE {}", "SPARQL syntax error"),
        ("SELECT * WHERE { SERVICE <http://127.0.0.1:9/> { ?s ?p ?o } }", "SERVICE"),
        ("SELECT * WHERE " + "{" * 40 + "}" * 40, "nests"),
    ],
)
def test_bad_and_refused_queries_are_400_with_the_reason(dataset, query, words):
    with pytest.raises(ProtocolError) as caught:
        answer(dataset, Request(query=query))
    assert caught.value.status == 400 and words in str(caught.value)


def test_the_row_budget_is_400(dataset):
    with pytest.raises(ProtocolError) as caught:
        answer(dataset, Request(query="SELECT * WHERE { ?s ?p ?o }"), max_rows=10)
    assert caught.value.status == 400 and "row budget" in str(caught.value)


@pytest.mark.parametrize("media", sorted(set(RESULT_TYPES) - {"text/tab-separated-values"}))
def test_select_answers_read_back_with_rdflib(dataset, media):
    query = get_query("cq4-supporters")
    expected = run_query(dataset, query)
    status, got, body = answer(dataset, Request(query=query.sparql()), accept=media)
    assert (status, got) == (200, media)
    fmt = {
        "application/sparql-results+json": "json",
        "application/sparql-results+xml": "xml",
        "text/csv": "csv",
    }
    result = Result.parse(io.BytesIO(body), format=fmt[media])
    assert len(result) == len(expected) > 0
    actors = {str(row["actor"]) for row in result}  # type: ignore[index]
    assert actors == {str(row["actor"]) for row in expected}


def test_tsv_answers_read_back_with_rdflib(dataset):
    _, _, body = answer(
        dataset, Request(query=get_query("cq4-supporters").sparql()), accept="text/tab-separated-values"
    )
    result = Result.parse(io.StringIO(body.decode()), format="tsv")
    assert len(result) == len(run_query(dataset, get_query("cq4-supporters")))


@pytest.mark.parametrize("media", sorted(GRAPH_TYPES))
def test_construct_answers_parse_back_to_the_same_graph(dataset, media):
    query = "CONSTRUCT { ?s a pg:State ; rdfs:label ?l } WHERE { ?s a pg:State ; rdfs:label ?l }"
    _, got, body = answer(dataset, Request(query=query), accept=media)
    assert got == media
    parsed = Graph()
    fmt = {"application/n-quads": "nquads", "application/trig": "trig"}.get(media, GRAPH_TYPES[media][0])
    if fmt in ("nquads", "trig"):
        from rdflib import Dataset

        quads = Dataset()
        quads.parse(data=body, format=fmt)
        parsed = Graph()
        for s, p, o, _ in quads.quads():
            parsed.add((s, p, o))
    else:
        parsed.parse(data=body, format=fmt)
    expected = run_query(dataset, query).graph
    assert expected is not None and len(parsed) == len(expected) > 0


def test_service_description_lists_every_loaded_source(dataset, corpus):
    description = service_description(dataset, "http://127.0.0.1:7878/sparql")
    rows = list(
        description.query(
            "PREFIX sd: <http://www.w3.org/ns/sparql-service-description#> "
            "SELECT ?name WHERE { ?s sd:defaultDataset/sd:namedGraph/sd:name ?name }"
        )
    )
    names = {str(r[0]) for r in rows}  # type: ignore[index]
    assert {str(s.iri) for s in corpus.sources} <= names


@pytest.fixture(scope="module")
def oxigraph_dataset():
    from graph.stores import StoreSpec, open_corpus

    return open_corpus(None, StoreSpec.parse("oxigraph")).dataset


def _cell(value) -> str:
    """A value as both engines agree on it: GROUP_CONCAT's order is left open by SPARQL, and a
    number's lexical form is each engine's own (``30.0`` or ``30``)."""
    from rdflib import BNode

    if isinstance(value, BNode):
        return "_"
    text = str(value or "")
    if re.fullmatch(r"-?\d+(\.\d+)?", text):
        return str(float(text))
    for separator in (" | ", "; ", ", "):
        if separator in text:
            return separator.join(sorted(text.split(separator)))
    return text


def _answer_rows(body: bytes, media: str):
    """An answer's variables and rows, read back by rdflib (which reads no ASK in CSV or TSV)."""
    if body.strip() in (b"true", b"false"):
        return "ASK", body.strip() == b"true"
    result = Result.parse(io.BytesIO(body), content_type=media)
    if result.type == "ASK":
        return "ASK", bool(result.askAnswer)
    variables = [str(v) for v in result.vars or []]
    rows = sorted(tuple(_cell(row[i]) for i in range(len(variables))) for row in result)
    return variables, rows


NATIVE_QUERIES = [
    *(q.sparql() for q in __import__("graph.queries", fromlist=["x"]).list_queries()),
    "ASK { ?s a pg:State }",
    "ASK { ?s a pg:NoSuchClass }",
    'SELECT ?s WHERE { ?s rdfs:label "SERVICE" }',  # the word inside a string is not a clause
]


@pytest.mark.parametrize("media", ["application/sparql-results+json", "text/tab-separated-values"])
def test_oxigraph_answers_as_rdflib_does_without_rdflib_parsing(
    dataset, oxigraph_dataset, media, monkeypatch
):
    from graph import protocol

    assert len(NATIVE_QUERIES) > 20
    expected = {
        text: _answer_rows(answer(dataset, Request(query=text), accept=media)[2], media)
        for text in NATIVE_QUERIES
    }

    def no_parse(text):
        raise AssertionError(f"rdflib parsed a query Oxigraph answers: {text[:80]}")

    natives = 0
    monkeypatch.setattr(protocol, "_prepare", no_parse)
    for text in NATIVE_QUERIES:
        if {"SERVICE", "FROM", "CONSTRUCT", "DESCRIBE"} & protocol.keywords(text):
            continue
        status, got_media, body = answer(oxigraph_dataset, Request(query=text), accept=media)
        assert status == 200 and got_media == media
        assert _answer_rows(body, media) == expected[text], text
        natives += 1
    assert natives >= 20


def test_every_result_format_is_written_by_oxigraph():
    from graph.protocol import _NATIVE_FORMATS

    assert set(_NATIVE_FORMATS) == set(RESULT_TYPES)


def test_oxigraph_keeps_the_row_budget_and_the_refusals(dataset, oxigraph_dataset):
    rows = "SELECT ?s ?p ?o WHERE { ?s ?p ?o }"
    for store in (dataset, oxigraph_dataset):
        # each engine's own count: Oxigraph's union of the graphs keeps a triple two sources share twice
        total = len(answer(store, Request(query=rows), accept="text/csv")[2].decode().splitlines()) - 1
        assert total > 1_000
        with pytest.raises(ProtocolError, match="more than 1,000 rows, the row budget") as refused:
            answer(store, Request(query=rows), accept="text/csv", max_rows=1_000)
        assert refused.value.status == 400
        status, _, body = answer(store, Request(query=rows), accept="text/csv", max_rows=total)
        assert status == 200 and len(body.decode().splitlines()) == total + 1
        with pytest.raises(ProtocolError, match=r"SERVICE <http://127\.0\.0\.1:9/> is refused"):
            answer(store, Request(query="SELECT * WHERE { SERVICE <http://127.0.0.1:9/> { ?s ?p ?o } }"))
    errors = []
    for store in (dataset, oxigraph_dataset):
        with pytest.raises(ProtocolError) as broken:
            answer(store, Request(query="SELECT ?x WHERE {"))
        errors.append((broken.value.status, str(broken.value)))
    assert errors[0] == errors[1] and errors[0][0] == 400 and "syntax error" in errors[0][1]
