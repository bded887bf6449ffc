"""Every quad of a dataset in one pass, as plain text, whichever store holds it.

rdflib's terms hash and compare in Python, so a million of them in dictionaries cost
more than reading them. The projections read quads here instead: each term as a ``str``
(an IRI, ``_:id`` for a blank node, a literal's lexical form) with its kind, so every
lookup after is a string's.

- Oxigraph: its quads, read directly, one named graph at a time (no rdflib term is made);
- a SPARQL endpoint: one ``SELECT`` (blank node names hold within one answer), the
  sources' graphs and the ontology's only, not the endpoint's other graphs;
- rdflib's memory store: iterated.

Examples
--------
>>> from graph.load import load
>>> quads = list(read_quads(load().dataset))
>>> s, p, o, kind, g = next(q for q in quads if q[1].endswith("#sfWithin"))
>>> kind, g.startswith("https://w3id.org/policygraph/source/")
('iri', True)
"""

from __future__ import annotations

from collections.abc import Iterator

from rdflib import BNode, Dataset, Graph, Literal, URIRef
from rdflib.term import Node

from graph.backend import Backend, backend, native_store
from graph.namespaces import ONTOLOGY_IRI
from graph.queries import run_query

__all__ = ["BNODE", "IRI", "LITERAL", "Quad", "Triple", "read_graphs", "read_quads"]

IRI, BNODE, LITERAL = "iri", "bnode", "literal"
#: subject, predicate, object, the object's kind (:data:`IRI`, :data:`BNODE`, :data:`LITERAL`), graph
Quad = tuple[str, str, str, str, str]
#: subject, predicate, object, the object's kind, within one named graph
Triple = tuple[str, str, str, str]


def _key(term: Node) -> tuple[str, str]:
    if isinstance(term, BNode):
        return f"_:{term}", BNODE
    if isinstance(term, Literal):
        return str(term), LITERAL
    return str(term), IRI


def read_quads(dataset: Dataset) -> Iterator[Quad]:
    """Every quad in a named graph (the default graph and blank-node graphs are skipped)."""
    engine = backend(dataset)
    if engine is Backend.OXIGRAPH:
        for graph, triples in _oxigraph_graphs(native_store(dataset)):
            for triple in triples:
                yield (*triple, graph)
        return
    if engine is Backend.SPARQL:
        from graph.stores import source_graphs

        ours = {ONTOLOGY_IRI, *source_graphs(dataset)}  # not the endpoint's other graphs
        for row in run_query(dataset, "SELECT ?s ?p ?o ?g WHERE { GRAPH ?g { ?s ?p ?o } }"):
            if row["g"] in ours and row["s"] is not None and row["o"] is not None:
                subject, _ = _key(row["s"])
                obj, kind = _key(row["o"])
                yield subject, str(row["p"]), obj, kind, str(row["g"])
        return
    for s, p, o, g in dataset.quads((None, None, None, None)):
        name = g.identifier if isinstance(g, Graph) else g
        if isinstance(name, URIRef):
            subject, _ = _key(s)
            obj, kind = _key(o)
            yield subject, str(p), obj, kind, str(name)


def read_graphs(dataset: Dataset) -> Iterator[tuple[str, list[Triple]]]:
    """Each named graph with its triples, one graph after another, as :func:`read_quads` reads them.

    Examples
    --------
    >>> from graph.load import load
    >>> graphs = dict(read_graphs(load().dataset))
    >>> sum(map(len, graphs.values())) == sum(1 for _ in read_quads(load().dataset))
    True
    """
    if backend(dataset) is Backend.OXIGRAPH:
        yield from _oxigraph_graphs(native_store(dataset))
        return
    grouped: dict[str, list[Triple]] = {}
    for s, p, o, kind, g in read_quads(dataset):
        triples = grouped.get(g)
        if triples is None:
            triples = grouped[g] = []
        triples.append((s, p, o, kind))
    yield from grouped.items()


def _oxigraph_graphs(store: object) -> Iterator[tuple[str, list[Triple]]]:
    import pyoxigraph as ox

    named, blank, literal = ox.NamedNode, ox.BlankNode, ox.Literal
    for graph in store.named_graphs():  # type: ignore[attr-defined]
        if type(graph) is not named:
            continue
        triples: list[Triple] = []
        add = triples.append
        for quad in store.quads_for_pattern(None, None, None, graph):  # type: ignore[attr-defined]
            s, o = quad.subject, quad.object
            subject = s.value if type(s) is named else f"_:{s.value}"
            kind = type(o)
            if kind is literal:
                add((subject, quad.predicate.value, o.value, LITERAL))
            elif kind is blank:
                add((subject, quad.predicate.value, f"_:{o.value}", BNODE))
            else:
                add((subject, quad.predicate.value, o.value, IRI))
        if triples:
            yield graph.value, triples
