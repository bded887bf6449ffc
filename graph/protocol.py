r"""The SPARQL 1.1 Protocol without the HTTP: reading requests, picking a media type, answering.

:func:`read_request` turns a GET or POST into a :class:`Request`; :func:`negotiate`
picks the answer's media type from ``Accept`` (or a ``format`` parameter);
:func:`answer` runs the request over a dataset and serializes the answer;
:func:`service_description` describes the endpoint. Every refusal is a
:class:`ProtocolError` carrying its HTTP status.

==================================  =====================================================
answer                              media types (the first is the default)
==================================  =====================================================
SELECT, ASK                         ``application/sparql-results+json``,
                                    ``application/sparql-results+xml``, ``text/csv``,
                                    ``text/tab-separated-values``
CONSTRUCT, DESCRIBE                 ``text/turtle``, ``application/trig``,
                                    ``application/n-triples``, ``application/ld+json``,
                                    ``application/n-quads``, ``application/rdf+xml``
==================================  =====================================================

Examples
--------
>>> from graph.load import load
>>> dataset = load().dataset
>>> request = read_request("GET", "query=ASK%20%7B%20%3Fs%20a%20pg%3AState%20%7D", "", b"")
>>> status, media_type, body = answer(dataset, request, accept="text/csv")
>>> status, media_type, body
(200, 'text/csv', b'true\n')
"""

from __future__ import annotations

import functools
import itertools
import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, TypeVar
from urllib.parse import parse_qs

from rdflib import Dataset, Graph, Literal, URIRef
from rdflib.graph import DATASET_DEFAULT_GRAPH_ID
from rdflib.namespace import RDF, VOID, Namespace
from rdflib.plugins.sparql import prepareQuery
from rdflib.plugins.sparql.sparql import Query

from graph.backend import Backend, backend, native_store
from graph.errors import PolicygraphError, QueryError
from graph.namespaces import PREFIXES
from graph.queries import (
    NamedQuery,
    Rows,
    budget_exceeded,
    check_nesting,
    keywords,
    one_line,
    refuse_remote,
    run_named,
    run_query,
)
from graph.results import to_csv, to_json, to_tsv, to_xml

__all__ = [
    "GRAPH_TYPES",
    "RESULT_TYPES",
    "ProtocolError",
    "Request",
    "answer",
    "default_prefixes",
    "negotiate",
    "parse_guarded",
    "read_request",
    "restrict",
    "service_description",
]

T = TypeVar("T")
SD = Namespace("http://www.w3.org/ns/sparql-service-description#")
FORMATS = Namespace("http://www.w3.org/ns/formats/")

#: SELECT and ASK answers: media type -> (writer, W3C format IRI)
RESULT_TYPES = {
    "application/sparql-results+json": (to_json, FORMATS.SPARQL_Results_JSON),
    "application/sparql-results+xml": (to_xml, FORMATS.SPARQL_Results_XML),
    "text/csv": (to_csv, FORMATS.SPARQL_Results_CSV),
    "text/tab-separated-values": (to_tsv, FORMATS.SPARQL_Results_TSV),
}
#: CONSTRUCT and DESCRIBE answers: media type -> (rdflib serializer, W3C format IRI)
GRAPH_TYPES = {
    "text/turtle": ("turtle", FORMATS.Turtle),
    "application/trig": ("trig", FORMATS.TriG),
    "application/n-triples": ("nt", FORMATS["N-Triples"]),
    "application/ld+json": ("json-ld", FORMATS["JSON-LD"]),
    "application/n-quads": ("nquads", FORMATS["N-Quads"]),
    "application/rdf+xml": ("xml", FORMATS.RDF_XML),
}
_ALIASES = {
    "application/json": "application/sparql-results+json",
    "application/xml": "application/sparql-results+xml",
}
#: short names for the ``format`` parameter
_FORMAT_NAMES = {
    "json": "application/sparql-results+json",
    "xml": "application/sparql-results+xml",
    "csv": "text/csv",
    "tsv": "text/tab-separated-values",
    "turtle": "text/turtle",
    "ttl": "text/turtle",
    "trig": "application/trig",
    "nt": "application/n-triples",
    "ntriples": "application/n-triples",
    "jsonld": "application/ld+json",
    "json-ld": "application/ld+json",
    "nquads": "application/n-quads",
    "rdfxml": "application/rdf+xml",
}
#: short names that mean a graph format when the answer is a graph (CONSTRUCT, DESCRIBE)
_GRAPH_FORMAT_NAMES = {
    "xml": "application/rdf+xml",
    "rdf": "application/rdf+xml",
    "rdf+xml": "application/rdf+xml",
    "json": "application/ld+json",
    "n3": "text/turtle",
    "text/n3": "text/turtle",
}
_FORM = "application/x-www-form-urlencoded"


class ProtocolError(PolicygraphError):
    """A request the endpoint refuses, with the HTTP status to answer."""

    def __init__(self, status: int, message: str):
        super().__init__(message)
        self.status = status


@dataclass(frozen=True)
class Request:
    """One SPARQL operation as the protocol carries it."""

    query: str | None = None
    update: str | None = None
    default_graphs: tuple[str, ...] = ()
    named_graphs: tuple[str, ...] = ()
    format: str | None = None
    extra: Mapping[str, tuple[str, ...]] = field(default_factory=dict)


def _one(params: Mapping[str, list[str]], name: str) -> str | None:
    values = params.get(name, [])
    if len(values) > 1:
        raise ProtocolError(400, f"give '{name}' once, not {len(values)} times")
    return values[0] if values else None


def _formats(values: Sequence[str]) -> str | None:
    """The ``format`` parameter as clients send it: once, or repeated.

    SPARQLWrapper sends ``format=tsv&format=text/tab-separated-values``. Blank values are
    ignored; several are kept in order, separated by spaces, for :func:`negotiate` to pick from.
    """
    given = [v.strip() for v in values if v.strip()]
    return " ".join(given) if given else None


def read_request(method: str, query_string: str, content_type: str, body: bytes) -> Request:
    """Read a protocol request from its method, URL query string, ``Content-Type`` and body.

    Raises
    ------
    ProtocolError
        405 for another method, 415 for another body type, 400 for a malformed request.
    """
    try:
        params = parse_qs(query_string, keep_blank_values=True, strict_parsing=False, errors="strict")
    except (UnicodeDecodeError, ValueError):
        raise ProtocolError(400, "the URL's parameters are not UTF-8 percent-encoding") from None
    query = update = None
    if method == "POST":
        query, update = _read_body(content_type.split(";", 1)[0].strip().lower(), body, params)
    elif method == "GET":
        query = _one(params, "query")
        if "update" in params:
            raise ProtocolError(400, "an update must be sent with POST")
    else:
        raise ProtocolError(405, f"{method} is not allowed: use GET or POST")
    if query is not None and update is not None:
        raise ProtocolError(400, "give either 'query' or 'update', not both")
    known = {
        "query",
        "update",
        "default-graph-uri",
        "named-graph-uri",
        "using-graph-uri",
        "using-named-graph-uri",
    }
    return Request(
        query=query,
        update=update,
        default_graphs=tuple(params.get("default-graph-uri", []) + params.get("using-graph-uri", [])),
        named_graphs=tuple(params.get("named-graph-uri", []) + params.get("using-named-graph-uri", [])),
        format=_formats(params.get("format", [])),
        extra={k: tuple(v) for k, v in params.items() if k not in known | {"format"}},
    )


def _read_body(media: str, body: bytes, params: dict[str, list[str]]) -> tuple[str | None, str | None]:
    """The query or update a POST carries; a form's other fields join ``params``."""
    try:
        text = body.decode("utf-8")
    except UnicodeDecodeError:
        raise ProtocolError(400, "the request body is not UTF-8") from None
    if media == "application/sparql-query":
        return text, None
    if media == "application/sparql-update":
        return None, text
    if media != _FORM:
        raise ProtocolError(
            415,
            f"a POST body of type {media or 'none'!r} is not understood: send "
            f"application/sparql-query, application/sparql-update or {_FORM}",
        )
    try:
        form = parse_qs(text, keep_blank_values=True, errors="strict")
    except (UnicodeDecodeError, ValueError):
        raise ProtocolError(400, "the form is not UTF-8 percent-encoding") from None
    for key, values in form.items():
        params.setdefault(key, []).extend(values)
    return _one(form, "query"), _one(form, "update")


def _accepted(accept: str) -> list[tuple[str, float]]:
    ranges: list[tuple[str, float]] = []
    for part in accept.split(","):
        pieces = [p.strip() for p in part.split(";")]
        if not pieces[0]:
            continue
        quality = 1.0
        for piece in pieces[1:]:
            name, _, value = piece.partition("=")
            if name.strip().lower() == "q":
                try:
                    quality = float(value)
                except ValueError:
                    quality = 0.0
        ranges.append((pieces[0].lower(), quality))
    return ranges


def negotiate(accept: str | None, kind: str, *, fmt: str | None = None) -> str:
    """The media type to answer a ``kind`` (SELECT, ASK, CONSTRUCT, DESCRIBE) query with.

    Examples
    --------
    >>> negotiate("text/csv;q=0.5, application/sparql-results+xml", "SELECT")
    'application/sparql-results+xml'
    >>> negotiate("text/html, */*;q=0.8", "CONSTRUCT")
    'text/turtle'
    >>> negotiate(None, "ASK", fmt="tsv")
    'text/tab-separated-values'
    >>> negotiate(None, "CONSTRUCT", fmt="n3 text/turtle")  # as SPARQLWrapper asks
    'text/turtle'

    Raises
    ------
    ProtocolError
        406 when nothing acceptable can be given.
    """
    offered = list(RESULT_TYPES if kind in ("SELECT", "ASK") else GRAPH_TYPES)
    if fmt is not None:
        names = _FORMAT_NAMES if kind in ("SELECT", "ASK") else {**_FORMAT_NAMES, **_GRAPH_FORMAT_NAMES}
        for one in fmt.split():
            media = names.get(one.lower(), one.lower())
            media = _ALIASES.get(media, media)
            if media in offered:
                return media
        raise ProtocolError(406, f"a {kind} answer cannot be given as {fmt!r}: choose {', '.join(offered)}")
    if not accept or not accept.strip():
        return offered[0]
    best: tuple[float, int, str] | None = None
    for given, quality in _accepted(accept):
        media_range = _ALIASES.get(given, given)
        for rank, media in enumerate(offered):
            major = media.split("/")[0]
            if quality > 0 and media_range in (media, "*/*", f"{major}/*"):
                specific = 0 if media_range == media else 1
                candidate = (-quality, specific * 100 + rank, media)
                if best is None or candidate < best:
                    best = candidate
    if best is None:
        raise ProtocolError(
            406,
            f"none of the accepted types ({accept}) fits the answer to a {kind} query: "
            f"accept {', '.join(offered)}",
        )
    return best[2]


def restrict(dataset: Dataset, default_graphs: Sequence[str], named_graphs: Sequence[str]) -> Dataset:
    """The dataset a request names: the merge of ``default_graphs`` as default graph, and ``named_graphs``.

    Naming only named graphs leaves the default graph empty, as SPARQL 1.1 says. rdflib's
    name for the default graph (``urn:x-rdflib:default``, which its ``SPARQLStore`` sends)
    stands for the default graph as served: the union of every graph.

    A graph the dataset does not hold is empty, as the SPARQL protocol's tests expect:
    nothing is ever fetched from outside (the service description lists the loaded graphs).
    """
    if list(default_graphs) == [str(DATASET_DEFAULT_GRAPH_ID)] and not named_graphs:
        return dataset
    view = Dataset(default_union=False)
    for prefix, ns in PREFIXES.items():
        view.bind(prefix, ns)
    default = view.default_graph
    for iri in default_graphs:
        # rdflib's SPARQLStore names the default graph by its own IRI: here that is the union of all
        named_graph = (
            dataset
            if iri == str(DATASET_DEFAULT_GRAPH_ID)
            else Graph(store=dataset.store, identifier=URIRef(iri))
        )
        for triple in named_graph.triples((None, None, None)):
            default.add(triple)
    for iri in named_graphs:
        target = view.graph(URIRef(iri))
        for triple in Graph(store=dataset.store, identifier=URIRef(iri)):
            target.add(triple)
    return view


_DECLARED = re.compile(r"PREFIX\s+[^\s:]*:\s*<([^>]*)>", re.IGNORECASE)


def default_prefixes(text: str) -> dict[str, str]:
    """The project's prefixes, less those whose namespace the text declares under a name of its own.

    rdflib binds the given prefixes again before each operation of an update, and binding a
    namespace again takes it from the text's own prefix (``dc:`` lost to ``dcterms:``).
    """
    declared = set(_DECLARED.findall(text))
    return {name: str(iri) for name, iri in PREFIXES.items() if str(iri) not in declared}


def parse_guarded(text: str, parse: Callable[..., T], *, what: str = "query", base: str | None = None) -> T:
    """Parse SPARQL (a query or an update) after the nesting cap; any failure is a 400 saying why.

    ``base`` resolves relative IRIs (``<item>``), as the protocol's service IRI does.
    """
    try:
        check_nesting(text, f"the {what}")
        if base is not None:
            return parse(text, initNs=default_prefixes(text), base=base)
        return parse(text, initNs=default_prefixes(text))
    except QueryError as exc:
        raise ProtocolError(400, str(exc)) from None
    except Exception as exc:
        kind = "SPARQL Update" if what == "update" else "SPARQL"
        raise ProtocolError(400, f"{kind} syntax error: {one_line(exc)}") from None


@functools.lru_cache(maxsize=256)
def _prepare(text: str) -> tuple[str, Query, tuple[str, ...], tuple[str, ...]]:
    """Parse a query; FROM and FROM NAMED of loaded graphs become the request's dataset.

    Parsed once per worker for each distinct text: rdflib's parser takes tens of
    milliseconds, and clients send the same queries again and again. A query that fails
    raises each time (failures are not kept).
    """
    prepared = parse_guarded(text, prepareQuery)
    algebra = prepared.algebra
    default: list[str] = []
    named: list[str] = []
    for clause in algebra.get("datasetClause") or []:
        if "default" in clause:
            default.append(str(clause["default"]))
        else:
            named.append(str(clause["named"]))
    algebra["datasetClause"] = None
    try:
        refuse_remote(algebra, "the query")
    except QueryError as exc:
        raise ProtocolError(400, str(exc)) from None
    return str(algebra.name), prepared, tuple(default), tuple(named)


def answer(
    dataset: Dataset,
    request: Request,
    *,
    accept: str | None = None,
    max_rows: int | None = None,
) -> tuple[int, str, bytes]:
    """Run a query request and serialize its answer: ``(status, media type, body)``.

    The protocol's ``default-graph-uri`` and ``named-graph-uri`` take precedence over a
    query's FROM and FROM NAMED; a graph not loaded is empty, never fetched.

    Raises
    ------
    ProtocolError
        400 for a query that does not parse, is refused, or breaks the row budget; 406.
    """
    if request.query is None:
        raise ProtocolError(400, "give a SPARQL query in the 'query' parameter")
    store = native_store(dataset)
    if store is not None and not request.default_graphs and not request.named_graphs:
        native = _answer_natively(store, request.query, accept=accept, fmt=request.format, max_rows=max_rows)
        if native is not None:
            return native
    form, prepared, from_default, from_named = _prepare(request.query)
    has_from = bool(from_default or from_named)
    kind = {"SelectQuery": "SELECT", "AskQuery": "ASK", "ConstructQuery": "CONSTRUCT"}.get(form, "DESCRIBE")
    media = negotiate(accept, kind, fmt=request.format)
    default, named = request.default_graphs, request.named_graphs
    if not default and not named:
        default, named = from_default, from_named
    target = restrict(dataset, default, named) if default or named else dataset
    try:
        # as text where it can: a store with its own engine (Oxigraph) runs text, not rdflib's query objects
        rows = run_named(
            target,
            NamedQuery("query", request.query),
            {},
            max_rows=max_rows,
            prepared=prepared if has_from else None,
        )
    except QueryError as exc:
        raise ProtocolError(400, str(exc).removeprefix("query: ")) from None
    return 200, media, serialize(rows, media)


#: what Oxigraph's engine answers itself: a query with none of these words (others go the full way)
_NOT_NATIVE = frozenset({"SERVICE", "FROM", "CONSTRUCT", "DESCRIBE"})


@functools.lru_cache(maxsize=256)
def _native_prefixes(text: str) -> dict[str, str] | None:
    """The prefixes to give Oxigraph with a query text, or None when the full way must answer.

    Read once per worker for each distinct text (clients send the same queries again and
    again); a text nested too deep raises each time.
    """
    if keywords(text) & _NOT_NATIVE:
        return None
    try:
        check_nesting(text, "the query")
    except QueryError as exc:
        raise ProtocolError(400, str(exc)) from None
    return default_prefixes(text)


def _answer_natively(
    store: Any, text: str, *, accept: str | None, fmt: str | None, max_rows: int | None
) -> tuple[int, str, bytes] | None:
    """A SELECT or ASK answered by Oxigraph's engine, a SELECT written by its serializers.

    No rdflib parse, no rdflib term: the text goes to Oxigraph as it came, with the
    project's prefixes. None where the full way must answer: a text that may hold SERVICE
    (refused there, with its reason) or FROM (the request's own dataset), a CONSTRUCT or
    DESCRIBE (written with the project's prefixes), or one Oxigraph cannot parse (the
    error is worded there, as for every store).
    """
    import pyoxigraph as ox

    prefixes = _native_prefixes(text)
    if prefixes is None:
        return None

    def run() -> Any:
        return store.query(text, use_default_graph_as_union=True, prefixes=prefixes)

    try:
        result = run()
    except SyntaxError:
        return None
    except (OSError, ValueError) as exc:
        raise ProtocolError(400, f"the query failed: {one_line(exc)}") from None
    if isinstance(result, ox.QueryBoolean):
        media = negotiate(accept, "ASK", fmt=fmt)
        return 200, media, serialize(Rows("ASK", boolean=bool(result)), media)
    if not isinstance(result, ox.QuerySolutions):
        return None
    media = negotiate(accept, "SELECT", fmt=fmt)
    body = result.serialize(format=getattr(ox.QueryResultsFormat, _NATIVE_FORMATS[media]))
    assert body is not None
    # every row takes a byte at least: only a longer answer can break the budget, and is counted
    if (
        max_rows is not None
        and len(body) > max_rows
        and sum(1 for _ in itertools.islice(run(), max_rows + 1)) > max_rows
    ):
        raise ProtocolError(400, str(budget_exceeded("the query", max_rows)).removeprefix("the query: "))
    return 200, media, body


#: each result media type of :data:`RESULT_TYPES`, as Oxigraph names it
_NATIVE_FORMATS = {
    "application/sparql-results+json": "JSON",
    "application/sparql-results+xml": "XML",
    "text/csv": "CSV",
    "text/tab-separated-values": "TSV",
}


def serialize(rows: Rows, media: str) -> bytes:
    """An answer in a media type of :data:`RESULT_TYPES` or :data:`GRAPH_TYPES`."""
    if rows.kind in ("SELECT", "ASK"):
        if rows.kind == "ASK" and media in ("text/csv", "text/tab-separated-values"):
            return b"true\n" if rows.boolean else b"false\n"
        return RESULT_TYPES[media][0](rows).encode("utf-8")
    assert rows.graph is not None
    fmt = GRAPH_TYPES[media][0]
    if fmt in ("trig", "nquads"):
        quads = Dataset()
        for prefix, ns in PREFIXES.items():
            quads.bind(prefix, ns)
        quads.default_graph.__iadd__(rows.graph)
        return quads.serialize(format=fmt, encoding="utf-8")
    return rows.graph.serialize(format=fmt, encoding="utf-8")


def _graph_sizes(dataset: Dataset) -> dict[URIRef, int]:
    """The triples in each non-empty named graph.

    rdflib's memory store knows each size; any other store is asked once (``len()`` of an
    Oxigraph graph would scan the graph, once per graph).
    """
    sizes: dict[Any, int]
    if backend(dataset) is Backend.MEMORY:
        sizes = {graph.identifier: len(graph) for graph in dataset.graphs()}
    else:
        rows = run_query(dataset, "SELECT ?g (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g")
        sizes = {row["g"]: int(str(row["n"])) for row in rows if row["g"] is not None}
    return {name: size for name, size in sizes.items() if isinstance(name, URIRef) and size}


def service_description(dataset: Dataset, endpoint: str, *, update: bool = False) -> Graph:
    """A SPARQL 1.1 Service Description of the endpoint and the graphs it holds."""
    description = Graph()
    description.bind("sd", SD)
    description.bind("void", VOID)
    description.bind("formats", FORMATS)
    service = URIRef(endpoint + "#service")
    description.add((service, RDF.type, SD.Service))
    description.add((service, SD.endpoint, URIRef(endpoint)))
    description.add((service, SD.supportedLanguage, SD.SPARQL11Query))
    if update:
        description.add((service, SD.supportedLanguage, SD.SPARQL11Update))
    description.add((service, SD.feature, SD.UnionDefaultGraph))
    for _, iri in (*RESULT_TYPES.values(), *GRAPH_TYPES.values()):
        description.add((service, SD.resultFormat, iri))
    data = URIRef(endpoint + "#dataset")
    description.add((service, SD.defaultDataset, data))
    description.add((data, RDF.type, SD.Dataset))
    default = URIRef(endpoint + "#default-graph")
    description.add((data, SD.defaultGraph, default))
    description.add((default, RDF.type, SD.Graph))
    total = 0
    for name, size in sorted(_graph_sizes(dataset).items()):
        total += size
        named = URIRef(f"{endpoint}#graph-{total}")
        description.add((data, SD.namedGraph, named))
        description.add((named, RDF.type, SD.NamedGraph))
        description.add((named, SD.name, name))
        inner = URIRef(f"{endpoint}#graph-{total}-content")
        description.add((named, SD.graph, inner))
        description.add((inner, RDF.type, SD.Graph))
        description.add((inner, VOID.triples, Literal(size)))
    description.add((default, VOID.triples, Literal(total)))
    return description
