"""Where the graph lives: rdflib's memory, Oxigraph (in memory or on disk), or a SPARQL 1.1 endpoint.

Every command takes ``--store``; each kind is an rdflib store plugin behind the same
:class:`~rdflib.Dataset` (default graph = the union of the sources' named graphs), so
the engine, the queries and the views do not change with it:

=========================  ===============================================================
``oxigraph``               Oxigraph in memory, loaded from the sources by its own parser
                           (the default: the same refusals and findings as rdflib's store,
                           queries 10 to 50 times faster than rdflib's engine)
``memory``                 rdflib's in-memory store, loaded from the sources by rdflib
``oxigraph:DIR``           Oxigraph on disk: ``build --store oxigraph:DIR`` writes it once,
                           with the answers the engine and the actor view read kept beside
                           it; every other command opens it read-only in a moment
``sparql:URL[,UPDATE]``    a SPARQL 1.1 endpoint (Oxigraph, Fuseki, GraphDB, Virtuoso, ...);
                           ``build`` writes to its update endpoint (UPDATE, else URL)
=========================  ===============================================================

The traps of going through rdflib (measured, and avoided here): plain format names
parse triple by triple, so sources are parsed by Oxigraph and loaded in bulk; a prepared
query object makes the Oxigraph store fall back to rdflib's engine, so queries go as text;
``len()`` of an Oxigraph graph runs a full count, so :func:`count_quads` asks the store.

Examples
--------
>>> StoreSpec.parse("oxigraph:/data/store")
StoreSpec(kind='oxigraph', path='/data/store', query_url=None, update_url=None)
>>> spec = StoreSpec.parse("sparql:http://127.0.0.1:7878/query,http://127.0.0.1:7878/update")
>>> spec.query_url, spec.update_url
('http://127.0.0.1:7878/query', 'http://127.0.0.1:7878/update')
>>> corpus = open_corpus(None, StoreSpec.parse("oxigraph"))
>>> count_quads(corpus.dataset) > 1000
True
"""

from __future__ import annotations

import gc
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from rdflib import Dataset, Graph, URIRef

from graph.backend import Backend, backend, converter, from_native, native_store, register
from graph.errors import PolicygraphError, SourceError, ValidationError
from graph.kept import keep
from graph.load import (
    Corpus,
    Source,
    bind_prefixes,
    check_literal,
    find_sources,
    ontology_triples,
    source_classes,
    source_document,
)
from graph.namespaces import ONTOLOGY_IRI
from graph.output import replaced
from graph.resources import corpus_files
from graph.strict import DEFAULT_LIMITS, Limits, check_bounded, check_bytes, check_size, read_capped

__all__ = [
    "KINDS",
    "StoreError",
    "StoreSpec",
    "count_quads",
    "in_memory",
    "ingest",
    "open_corpus",
    "open_store",
    "rdflib_copy",
    "source_graphs",
]

KINDS = ("memory", "oxigraph", "sparql")
#: the store a command fills from the sources when it is given none: Oxigraph in memory,
#: whose parser and query engine answer the bundled corpus in milliseconds (rdflib's
#: ``memory`` gives the same answers, a query's parse alone taking a tenth of a second)
DEFAULT_STORE = "oxigraph"
_RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"
_XSD = "http://www.w3.org/2001/XMLSchema#"
_XSD_STRING = _XSD + "string"
#: quads sent to a remote endpoint per update request
BATCH = 20_000


class StoreError(PolicygraphError):
    """A store that cannot be opened, read or written."""

    exit_code = 3


@dataclass(frozen=True)
class StoreSpec:
    """A store, as ``--store`` names it."""

    kind: str = "memory"
    path: str | None = None
    query_url: str | None = None
    update_url: str | None = None

    @property
    def transient(self) -> bool:
        """True for a store in memory, filled from the sources for one command (``memory``, ``oxigraph``)."""
        return self.kind == "memory" or (self.kind == "oxigraph" and self.path is None)

    @classmethod
    def parse(cls, text: str) -> StoreSpec:
        """Read ``memory``, ``oxigraph``, ``oxigraph:DIR`` or ``sparql:URL[,UPDATE_URL]``."""
        kind, _, rest = text.partition(":")
        if kind == "memory" and not rest:
            return cls("memory")
        if kind == "oxigraph":
            return cls("oxigraph", path=rest or None)
        if kind == "sparql" and rest.startswith(("http://", "https://")):
            query, _, update = rest.partition(",")
            return cls("sparql", query_url=query, update_url=update or None)
        raise StoreError(
            f"--store {text}: write memory, oxigraph, oxigraph:DIR or sparql:URL[,UPDATE_URL] "
            "(an http:// or https:// endpoint)"
        )

    def __str__(self) -> str:
        if self.kind == "oxigraph" and self.path:
            return f"oxigraph:{self.path}"
        if self.kind == "sparql":
            return f"sparql:{self.query_url}" + (f",{self.update_url}" if self.update_url else "")
        return self.kind


def _oxigraph_dataset(store: Any, folder: Path | None = None) -> Dataset:
    from graph.oxstore import OxigraphStore

    dataset = Dataset(store=OxigraphStore(store=store), default_union=True)
    bind_prefixes(dataset)
    return register(dataset, Backend.OXIGRAPH, native=store, folder=folder)


def _parse_for_store(path: Path, limits: Limits, classes: frozenset[str]) -> tuple[str, list[Any]]:
    """One source parsed by Oxigraph: its document IRI and its triples."""
    import pyoxigraph as ox

    name = str(path)
    try:
        check_size(path.stat().st_size, name=name, limits=limits)
    except OSError as exc:
        raise SourceError(name, f"cannot read: {exc.strerror}") from None
    # only a regular file, and never more than the limit even if it grows while read (/dev/zero)
    data = read_capped(path, limit=limits.max_source_bytes, what="source file")
    text = check_bytes(data, name=name, limits=limits)
    check_bounded(
        text, name=name, limits=limits
    )  # Oxigraph's parser is strict: check_text's rest is rdflib's
    try:
        # a blank node's label names it within its document only: two sources' _:c are two nodes
        triples = list(
            ox.parse(
                text.encode("utf-8"),
                format=ox.RdfFormat.TURTLE,
                base_iri=path.resolve().as_uri(),
                rename_blank_nodes=True,
            )
        )
    except SyntaxError as exc:
        from graph.strict import check_text

        check_text(text, name=name, limits=limits)  # raises with the line and column
        raise SourceError(name, f"Turtle syntax error: {exc}") from None
    if len(triples) > limits.max_source_triples:
        raise SourceError(
            name,
            f"more than the {limits.max_source_triples:,} triples allowed in one source: "
            "split it, or raise Limits.max_source_triples",
        )
    typed = [
        from_native(t.subject)
        for t in triples
        if t.predicate.value == _RDF_TYPE and isinstance(t.object, ox.NamedNode) and t.object.value in classes
    ]
    document = source_document(typed, name=name, text=text)
    checked: set[Any] = set()  # a date or a number recurs: each value is checked once
    for t in triples:
        value = t.object
        if isinstance(value, ox.Literal) and not value.language and value not in checked:
            checked.add(value)
            if value.datatype.value.startswith(_XSD) and value.datatype.value != _XSD_STRING:
                check_literal(from_native(value), name=name, text=text)  # type: ignore[arg-type]
    return str(document), triples


def _fill_oxigraph(
    store: Any, files: Sequence[Path], limits: Limits, progress: Callable[[int], None] | None
) -> list[Source]:
    """Parse each source and stream its quads into ``store``'s bulk loader, in its named graph.

    One stream for all sources: Oxigraph's loader gathers quads in batches of its own size and
    writes each batch in its threads while the next sources are parsed here. A source that
    cannot be read stops the stream with its :class:`SourceError`; what was loaded by then is
    the caller's to drop (a staging folder, a store in memory).
    """
    import pyoxigraph as ox

    ontology = ox.NamedNode(str(ONTOLOGY_IRI))
    classes = frozenset(str(c) for c in source_classes())
    sources: list[Source] = []
    seen: dict[str, str] = {}

    def quads() -> Iterator[Any]:
        for t in ontology_triples():
            yield ox.Quad(t.subject, t.predicate, t.object, ontology)
        for path in files:
            document, triples = _parse_for_store(path, limits, classes)
            if document in seen:
                raise SourceError(
                    str(path), f"describes {document}, already described by {seen[document]}: rename one"
                )
            seen[document] = str(path)
            graph = ox.NamedNode(document)
            for t in triples:
                yield ox.Quad(t.subject, t.predicate, t.object, graph)
            sources.append(Source(iri=URIRef(document), file=str(path), graph=None))  # type: ignore[arg-type]
            if progress is not None:
                progress(1)

    store.bulk_extend(quads())
    return sources


def ingest(
    paths: Sequence[str | Path] | None,
    spec: StoreSpec,
    *,
    limits: Limits = DEFAULT_LIMITS,
    progress: Callable[[int], None] | None = None,
    validated: bool = False,
) -> Corpus:
    """Load sources into a store, all or nothing, and return the corpus over it.

    Oxigraph on disk is built in a staging folder and swapped in whole; a SPARQL
    endpoint gets each source as one graph (``DROP SILENT GRAPH`` then ``INSERT DATA``,
    in batches of :data:`BATCH` triples).

    With ``validated``, the sources are checked (:func:`graph.validate.validate`) once
    loaded and before the store is put in place: in Oxigraph's staging store itself, or,
    for an endpoint, in an Oxigraph store in memory before anything is sent.

    Raises
    ------
    SourceError
        When a source cannot be read; the store is unchanged (on disk) then.
    ValidationError
        When ``validated`` and the sources break the shapes; the store is unchanged then.
    StoreError
        When the store cannot be written.
    """
    files = corpus_files() if paths is None else find_sources(paths)
    if spec.kind == "memory":
        from graph.load import load

        return _checked(load(paths, limits=limits), validated)
    if spec.kind == "oxigraph" and spec.path is None:
        import pyoxigraph as ox

        store = ox.Store()
        sources = _fill_oxigraph(store, files, limits, progress)
        return _checked(Corpus(dataset=_oxigraph_dataset(store), sources=tuple(sources)), validated)
    if spec.kind == "oxigraph":
        import pyoxigraph as ox

        assert spec.path is not None
        with replaced(spec.path) as staging:
            store = ox.Store(str(staging))
            sources = _fill_oxigraph(store, files, limits, progress)
            _checked(Corpus(dataset=_oxigraph_dataset(store), sources=tuple(sources)), validated)
            store.flush()
            store.optimize()
            keep(store, staging)  # the answers views read whole, ready beside the store
            from graph.policy import snapshot

            # and the engine's facts read from them, so that an engine starts in seconds
            snapshot.write(_oxigraph_dataset(store, staging), staging)
            # the store stays locked while any object reaches it, and the engine's facts hold
            # it in reference cycles: collect them, so that a writer may open the store now
            del store
            gc.collect()
        return Corpus(dataset=open_store(spec), sources=tuple(sources))
    if validated:
        import pyoxigraph as ox

        checked = ox.Store()
        read = tuple(_fill_oxigraph(checked, files, limits, None))
        _checked(Corpus(_oxigraph_dataset(checked), read), True)
        del checked
    return _ingest_remote(files, spec, limits, progress)


def _checked(corpus: Corpus, validated: bool) -> Corpus:
    """The corpus, once validated (when asked); raises :class:`ValidationError` if it breaks the shapes."""
    if validated:
        from graph.validate import validate

        report = validate(corpus)
        if not report.conforms:
            raise ValidationError(report)
    return corpus


def _ingest_remote(
    files: Sequence[Path], spec: StoreSpec, limits: Limits, progress: Callable[[int], None] | None
) -> Corpus:

    classes = frozenset(str(c) for c in source_classes())
    parsed = []
    for path in files:  # read every source before writing anything
        parsed.append((path, *_parse_for_store(path, limits, classes)))
    ontology = list(ontology_triples())
    graphs = [(str(ONTOLOGY_IRI), ontology)] + [(doc, triples) for _, doc, triples in parsed]
    for graph, triples in graphs:
        for number, chunk in enumerate(_batches(triples, BATCH)):
            body = "\n".join(f"{t.subject} {t.predicate} {t.object} ." for t in chunk)
            drop = f"DROP SILENT GRAPH <{graph}> ;\n" if number == 0 else ""
            # a template, not INSERT DATA: Virtuoso refuses blank nodes in INSERT DATA
            _update(spec, f"{drop}INSERT {{ GRAPH <{graph}> {{\n{body}\n}} }} WHERE {{}}")
        if progress is not None and graph != str(ONTOLOGY_IRI):
            progress(1)
    sources = tuple(Source(iri=URIRef(doc), file=str(path), graph=None) for path, doc, _ in parsed)  # type: ignore[arg-type]
    return Corpus(dataset=open_store(spec), sources=sources)


def _batches(triples: Sequence[Any], size: int) -> Iterable[list[Any]]:
    """Triples in batches of about ``size``, each blank node's triples in one batch.

    A blank node in an update names a new node per request, so a node split over two
    requests would become two nodes; the triples linked by blank nodes stay together.
    """
    import pyoxigraph as ox

    parent: dict[Any, Any] = {}

    def root(node: Any) -> Any:
        while parent.setdefault(node, node) is not node:
            parent[node] = parent[parent[node]]
            node = parent[node]
        return node

    for t in triples:
        if isinstance(t.subject, ox.BlankNode) and isinstance(t.object, ox.BlankNode):
            a, b = root(t.subject), root(t.object)
            if a is not b:
                parent[a] = b
    groups: dict[Any, list[Any]] = {}
    batch: list[Any] = []
    for t in triples:
        node = t.subject if isinstance(t.subject, ox.BlankNode) else t.object
        if isinstance(node, ox.BlankNode):
            groups.setdefault(root(node), []).append(t)
            continue
        batch.append(t)
        if len(batch) >= size:
            yield batch
            batch = []
    for group in groups.values():
        if batch and len(batch) + len(group) > size:
            yield batch
            batch = []
        batch.extend(group)
    if batch or not triples:
        yield batch


def _update(spec: StoreSpec, text: str) -> None:
    url = spec.update_url or spec.query_url
    assert url is not None
    request = urllib.request.Request(
        url, data=text.encode("utf-8"), headers={"Content-Type": "application/sparql-update"}, method="POST"
    )
    try:
        with urllib.request.urlopen(request, timeout=600) as response:
            response.read()
    except urllib.error.HTTPError as exc:
        detail = " ".join(exc.read().decode("utf-8", "replace").split())[:300]
        raise StoreError(f"{url}: the endpoint refused the update ({exc.code}): {detail}") from None
    except (urllib.error.URLError, OSError) as exc:
        raise StoreError(f"{url}: cannot reach the endpoint: {getattr(exc, 'reason', exc)}") from None


def open_store(spec: StoreSpec, *, writable: bool = False) -> Dataset:
    """The dataset over an existing store: Oxigraph on disk or a SPARQL endpoint.

    An Oxigraph store is opened read-only, unless ``writable``: then this process holds
    it read-write, alone (Oxigraph allows one such process, and a reader opened while
    another process writes reads undefined data).

    Raises
    ------
    StoreError
        When there is no store at the path, the spec names a store that has to be loaded,
        or a store to write is in use by another process.
    """
    if spec.kind == "oxigraph" and spec.path:
        import pyoxigraph as ox

        if not Path(spec.path).is_dir():
            raise StoreError(
                f"--store {spec}: no Oxigraph store there; "
                f"write one with policygraph build SOURCES --store {spec}"
            )
        try:
            opened = ox.Store(spec.path) if writable else ox.Store.read_only(spec.path)
        except OSError as exc:
            if writable and "lock" in str(exc).lower():
                raise StoreError(
                    f"--store {spec}: another process is writing to the store (a build, or a server "
                    "accepting updates): stop it first"
                ) from None
            raise StoreError(f"--store {spec}: cannot open the Oxigraph store: {exc}") from None
        return _oxigraph_dataset(opened, Path(spec.path))
    if spec.kind == "sparql":
        # JSON results (Virtuoso answers XML poorly); the union is the default graph, so no
        # default-graph-uri is sent (rdflib issues 2538 and 2609)
        remote = _endpoint_store()(
            query_endpoint=spec.query_url,
            update_endpoint=spec.update_url or spec.query_url,
            returnFormat="json",
            method="POST_FORM",
            context_aware=True,
        )
        dataset = Dataset(store=remote, default_union=True)
        bind_prefixes(dataset)
        return register(dataset, Backend.SPARQL)
    raise StoreError(f"--store {spec}: this store is loaded from sources; use open_corpus")


def _endpoint_store() -> type:
    """Rdflib's SPARQLUpdateStore, its queries answered or refused with the endpoint's own words.

    rdflib returns a tuple in place of a result when a POSTed query is refused; here the
    refusal is a :class:`StoreError` carrying the status and the endpoint's message.
    """
    from io import BytesIO

    from rdflib.plugins.stores.sparqlstore import SPARQLUpdateStore
    from rdflib.query import Result

    class EndpointStore(SPARQLUpdateStore):
        def _query(
            self, query: str, default_graph: str | None = None, named_graph: str | None = None
        ) -> Result:
            self._queries += 1
            fields = {"query": query}
            if default_graph is not None and not default_graph.startswith("_:"):
                fields["default-graph-uri"] = default_graph
            assert self.query_endpoint is not None
            request = urllib.request.Request(
                self.query_endpoint,
                data=urllib.parse.urlencode(fields).encode("utf-8"),
                headers={"Accept": self.response_mime_types(), **self.kwargs.get("headers", {})},
            )
            try:
                with urllib.request.urlopen(request, timeout=self.kwargs.get("timeout", 600)) as response:
                    body = response.read()
                    kind = response.headers.get("Content-Type", "").split(";")[0]
            except urllib.error.HTTPError as exc:
                detail = " ".join(exc.read().decode("utf-8", "replace").split())[:300]
                raise StoreError(f"{self.query_endpoint} refused the query ({exc.code}): {detail}") from None
            except (urllib.error.URLError, OSError) as exc:
                raise StoreError(
                    f"{self.query_endpoint}: cannot reach the endpoint: {getattr(exc, 'reason', exc)}"
                ) from None
            return Result.parse(BytesIO(body), content_type=kind)

    return EndpointStore


def open_corpus(
    paths: Sequence[str | Path] | None, spec: StoreSpec, *, limits: Limits = DEFAULT_LIMITS
) -> Corpus:
    """The corpus a command works on.

    The sources loaded into ``memory`` or ``oxigraph``, or an existing store
    (``oxigraph:DIR``, ``sparql:URL``), which must not be given sources.
    """
    if spec.transient:
        return ingest(paths, spec, limits=limits)
    if paths:
        raise StoreError(
            f"--store {spec} reads what the store holds: give no sources here, "
            f"or load them with policygraph build SOURCES --store {spec}"
        )
    dataset = open_store(spec)
    return Corpus(dataset=dataset, sources=tuple(_stored_sources(dataset)))


def in_memory(corpus: Corpus) -> Corpus:
    """The corpus copied into rdflib's memory store, one graph per source.

    For reading a remote store once rather than query by query (validation). Each
    source's file is its IRI: a store keeps no files.

    Examples
    --------
    >>> stored = open_corpus(None, StoreSpec.parse("oxigraph"))
    >>> copied = in_memory(stored)
    >>> len(copied.sources) == len(stored.sources)
    True
    >>> count_quads(copied.dataset) == count_quads(stored.dataset)
    True
    """
    if not corpus.sources or corpus.sources[0].graph is not None:
        return corpus
    dataset = rdflib_copy(corpus.dataset, graphs=(ONTOLOGY_IRI, *(source.iri for source in corpus.sources)))
    sources = tuple(
        Source(iri=source.iri, file=source.file, graph=dataset.graph(source.iri)) for source in corpus.sources
    )
    return Corpus(dataset=dataset, sources=sources)


def rdflib_copy(dataset: Dataset, *, graphs: Iterable[URIRef] | None = None) -> Dataset:
    """The named graphs of a store in rdflib's memory store, for rdflib's serializers.

    Oxigraph's quads are read directly, each term converted once; a plain string stays a
    plain literal, as rdflib reads one in Turtle. A dataset of rdflib's own is returned
    as it is when no ``graphs`` are picked.

    Parameters
    ----------
    dataset : Dataset
        What to copy.
    graphs : iterable of URIRef, optional
        The graphs to copy. Default: every named graph of the store.

    Examples
    --------
    >>> stored = open_corpus(None, StoreSpec.parse("oxigraph")).dataset
    >>> copied = rdflib_copy(stored)
    >>> sum(1 for _ in copied.quads((None, None, None, None))) == count_quads(stored)
    True
    >>> from rdflib import Literal, URIRef
    >>> label = URIRef("http://www.w3.org/2000/01/rdf-schema#label")
    >>> Literal("Kharkiv") in set(copied.objects(None, label))
    True
    """
    store = native_store(dataset)
    if store is None and graphs is None and backend(dataset) is Backend.MEMORY:
        return dataset
    copied = Dataset(default_union=True)
    bind_prefixes(copied)
    picked = None if graphs is None else list(graphs)
    if store is not None:
        import pyoxigraph as ox

        term = converter(dataset)
        targets: dict[Any, Graph] = {}
        for picked_name in picked if picked is not None else [None]:
            where = None if picked_name is None else ox.NamedNode(str(picked_name))
            for s, p, o, g in store.quads_for_pattern(None, None, None, where):
                if isinstance(g, ox.DefaultGraph):
                    continue
                target = targets.get(g)
                if target is None:
                    target = targets[g] = copied.graph(term(g))  # type: ignore[arg-type]
                target.add((term(s), term(p), term(o)))
        return copied
    for name in picked if picked is not None else [g.identifier for g in dataset.graphs()]:
        target = copied.graph(name)
        stored = Graph(store=dataset.store, identifier=name)  # read, not added: a store may be read-only
        for triple in stored.triples((None, None, None)):
            target.add(triple)
    return copied


def source_graphs(dataset: Dataset) -> list[URIRef]:
    """The named graphs of a store that are sources (typed as one of the source classes).

    A shared endpoint holds other graphs too (Virtuoso's system graphs, other projects):
    these are the ones policygraph wrote.
    """
    from graph.queries import run_query

    kinds = " ".join(kind.n3() for kind in sorted(source_classes()))
    query = f"SELECT DISTINCT ?g WHERE {{ VALUES ?kind {{ {kinds} }} GRAPH ?g {{ ?g a ?kind }} }}"
    found = {row["g"] for row in run_query(dataset, query)}
    return sorted(iri for iri in found if isinstance(iri, URIRef) and iri != ONTOLOGY_IRI)


def _stored_sources(dataset: Dataset) -> Iterable[Source]:
    for iri in source_graphs(dataset):
        yield Source(iri=iri, file=str(iri), graph=None)  # type: ignore[arg-type]


def count_quads(dataset: Dataset) -> int:
    """How many quads the dataset holds, asked of the store itself where it can say.

    On a SPARQL endpoint only the ontology's graph and the sources' graphs count: a
    shared endpoint holds graphs of its own (Virtuoso's system graphs, other projects).
    """
    kind = backend(dataset)
    if kind is Backend.OXIGRAPH:
        return len(native_store(dataset))
    from graph.queries import run_query

    if kind is Backend.SPARQL:
        ours = {ONTOLOGY_IRI, *source_graphs(dataset)}
        rows = run_query(dataset, "SELECT ?g (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g")
        return sum(int(str(row["n"])) for row in rows if row["g"] in ours)
    return sum(1 for _ in dataset.quads((None, None, None, None)))
