"""Project the RDF dataset into networkx graphs, and back.

Two views:

- :func:`to_networkx`, the entity graph: every resource a source describes is a
  node (its label, types and literal values are attributes, never nodes); every
  triple between two resources is an edge carrying its predicate, the source
  (named graph) it comes from, and that source's qualifiers for the claim it
  belongs to (confidence, who it is attributed to).
- :func:`actor_view`, the actor graph: actors only, with edges for who
  authorises, restricts, supports, opposes, supplies, requests, attacks or
  belongs to whom, as the ``actor-relations`` query derives them.

:func:`to_dataset` turns an entity graph's edges back into quads.

Examples
--------
>>> from graph.load import load
>>> dataset = load().dataset
>>> actors = actor_view(dataset)
>>> actors.nodes["https://w3id.org/policygraph/id/Ukraine"]["label"]
'Ukraine'
>>> sorted({d["relation"] for _, _, d in actors.edges(data=True)})[:3]
['attacks', 'authorises', 'part of']
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import networkx as nx
from rdflib import BNode, Dataset, Graph, Literal, URIRef
from rdflib.namespace import RDF, RDFS, SKOS
from rdflib.term import Node

from graph.namespaces import ODRL2, ONTOLOGY_IRI, PG, PREFIXES, PROV
from graph.queries import get_query, run_query
from graph.results import short

__all__ = ["actor_view", "label_of", "node_id", "node_term", "to_dataset", "to_networkx"]

#: The most specific actor kinds, in the order they are tried.
ACTOR_KINDS = ("Person", "State", "GovernmentBody", "MilitaryForce", "MediaOutlet")


def node_id(term: Node) -> str:
    """The networkx node key of an RDF term: the IRI, or ``_:id`` for a blank node."""
    return f"_:{term}" if isinstance(term, BNode) else str(term)


def node_term(key: str) -> URIRef | BNode:
    """The RDF term of a networkx node key; the inverse of :func:`node_id`."""
    return BNode(key[2:]) if key.startswith("_:") else URIRef(key)


def _local(term: Node) -> str:
    return str(term).rsplit("#", 1)[-1].rsplit("/", 1)[-1]


def label_of(dataset: Dataset, term: Node | None) -> str:
    """A resource's rdfs:label; for a blank node, what it is (a constraint reads as its condition).

    Examples
    --------
    >>> from graph.load import load
    >>> from graph.namespaces import PGR
    >>> label_of(load().dataset, PGR.KharkivOblast)
    'Kharkiv Oblast'
    """
    if term is None:
        return ""
    label = dataset.value(term, RDFS.label)
    if label is not None:
        return str(label)
    if isinstance(term, BNode):
        left = dataset.value(term, ODRL2.leftOperand)
        if left is not None:
            operator = dataset.value(term, ODRL2.operator)
            rights = sorted(label_of(dataset, r) for r in dataset.objects(term, ODRL2.rightOperand))
            return f"{label_of(dataset, left)} {_local(operator) if operator else '?'} {', '.join(rights)}"
        kind = dataset.value(term, RDF.type)
        return f"({_local(kind)})" if kind is not None else "(blank node)"
    if isinstance(term, Literal):
        return str(term)
    return _local(term)


def _view(dataset: Dataset, name: URIRef) -> Graph:
    """One named graph of a dataset, read in place (a read-only store cannot add it)."""
    return Graph(store=dataset.store, identifier=name, namespace_manager=dataset.namespace_manager)


def _claim_of(dataset: Dataset, graph: URIRef, subject: Node) -> Node:
    """The named resource a (possibly blank) subject belongs to within one graph."""
    context = _view(dataset, graph)
    seen: set[Node] = set()
    while isinstance(subject, BNode) and subject not in seen:
        seen.add(subject)
        parent = next(iter(context.subjects(None, subject)), None)
        if parent is None:
            break
        subject = parent
    return subject


def _qualifiers(
    dataset: Dataset, graph: URIRef, claim: Node, cache: dict[Any, dict[str, Any]]
) -> dict[str, Any]:
    key = (graph, claim)
    if key not in cache:
        context = _view(dataset, graph)
        level = context.value(claim, PG.confidence) or context.value(graph, PG.confidence)
        agents = sorted(context.objects(claim, PROV.wasAttributedTo), key=str) or sorted(
            context.objects(graph, PROV.wasAttributedTo), key=str
        )
        cache[key] = {
            "claim": node_id(claim),
            "confidence": label_of(dataset, level) if level is not None else "",
            "attributed_to": ";".join(short(a) for a in agents),
        }
    return cache[key]


def to_networkx(dataset: Dataset, *, include_ontology: bool = False) -> nx.MultiDiGraph:
    """The entity graph of a dataset.

    Parameters
    ----------
    dataset : Dataset
        A dataset as :func:`graph.load.load` builds it.
    include_ontology : bool
        Also project the ontology's own graph (classes and their relations).

    Returns
    -------
    networkx.MultiDiGraph
        Nodes keyed by IRI (``_:id`` for blank nodes) with ``label``, ``type``
        (the first type, as a prefixed name), ``types`` and one attribute per literal
        property (prefixed name -> str, or list of str when several). Edges keyed by
        the predicate's prefixed name, with ``predicate`` (IRI), ``relation``
        (prefixed name), ``source`` (graph IRI), ``claim``, ``confidence`` and
        ``attributed_to``.

    Examples
    --------
    >>> from graph.load import load
    >>> G = to_networkx(load().dataset)
    >>> kharkiv = G.nodes["https://w3id.org/policygraph/id/Kharkiv"]
    >>> kharkiv["label"], kharkiv["type"]
    ('Kharkiv', 'pg:City')
    >>> sorted(d["relation"] for _, _, d in G.out_edges("https://w3id.org/policygraph/id/Kharkiv", data=True))
    ['geo:sfWithin', 'owl:sameAs']
    """
    graph = nx.MultiDiGraph(name="policygraph entities")
    cache: dict[Any, dict[str, Any]] = {}
    sources = []
    for context in dataset.graphs():
        name = context.identifier
        if not isinstance(name, URIRef) or (name == ONTOLOGY_IRI and not include_ontology):
            continue
        if next(iter(context), None) is None:  # not len(): some stores count every triple for it
            continue
        sources.append(str(name))
        for s, p, o in context:
            _add_node(graph, dataset, s)
            key = node_id(s)
            if p == RDF.type:
                types = graph.nodes[key].setdefault("types", [])
                if short(o) not in types:
                    types.append(short(o))
                    types.sort()
                    graph.nodes[key]["type"] = _main_type(types)
                continue
            if isinstance(o, Literal):
                _add_literal(graph.nodes[key], short(p), str(o))
                continue
            _add_node(graph, dataset, o)
            claim = _claim_of(dataset, name, s)
            graph.add_edge(
                key,
                node_id(o),
                key=f"{short(p)} {name}",
                predicate=str(p),
                relation=short(p),
                source=str(name),
                **_qualifiers(dataset, name, claim, cache),
            )
    graph.graph["sources"] = sorted(sources)
    return graph


def _main_type(types: list[str]) -> str:
    own = [t for t in types if t.startswith("pg:")]
    return (own or types or [""])[0]


def _add_node(graph: nx.MultiDiGraph, dataset: Dataset, term: Node) -> None:
    key = node_id(term)
    if key not in graph:
        graph.add_node(
            key,
            label=label_of(dataset, term),
            type="",
            types=[],
            kind="bnode" if isinstance(term, BNode) else "iri",
        )


def _add_literal(attrs: dict[str, Any], name: str, value: str) -> None:
    if name not in attrs:
        attrs[name] = value
    elif isinstance(attrs[name], list):
        if value not in attrs[name]:
            attrs[name].append(value)
    elif attrs[name] != value:
        attrs[name] = [attrs[name], value]


def to_dataset(graph: nx.MultiDiGraph) -> Dataset:
    """Turn an entity graph's edges back into quads, one named graph per ``source``.

    Examples
    --------
    >>> import networkx as nx
    >>> G = nx.MultiDiGraph()
    >>> G.add_edge("https://w3id.org/policygraph/id/Kharkiv", "https://w3id.org/policygraph/id/KharkivOblast",
    ...            predicate="http://www.opengis.net/ont/geosparql#sfWithin",
    ...            source="https://w3id.org/policygraph/source/reference-entities")
    0
    >>> len(to_dataset(G))
    1
    """
    dataset = Dataset(default_union=True)
    for prefix, ns in PREFIXES.items():
        dataset.bind(prefix, ns)
    for u, v, data in graph.edges(data=True):
        try:
            predicate, source = URIRef(data["predicate"]), URIRef(data["source"])
        except KeyError as exc:
            raise ValueError(
                f"edge {u} -> {v} has no {exc.args[0]!r} attribute: it cannot become a quad"
            ) from None
        dataset.graph(source).add((node_term(u), predicate, node_term(v)))
    return dataset


def _actor_kind(dataset: Dataset, term: Node) -> str:
    types = {t for t in dataset.objects(term, RDF.type) if isinstance(t, URIRef)}
    for kind in ACTOR_KINDS:
        if PG[kind] in types:
            return kind
    return "Actor"


def actor_view(dataset: Dataset) -> nx.MultiDiGraph:
    """The actor graph: who authorises, restricts, supports, supplies, ... whom.

    Returns
    -------
    networkx.MultiDiGraph
        Nodes keyed by IRI with ``label``, ``skos:altLabel`` (aliases) and ``kind`` (``State``, ``Person``,
        ``GovernmentBody``, ``MilitaryForce``, ``MediaOutlet`` or ``Actor``). One edge per
        relation, claim and source, with ``relation``, ``via`` (the policy, stance or
        other claim it comes from), ``source`` and ``confidence``.
    """
    rows = run_query(dataset, get_query("actor-relations"))
    graph = nx.MultiDiGraph(name="policygraph actors")
    for row in rows:
        ends: Iterable[Node | None] = (row["from"], row["to"])
        for term in ends:
            if term is not None and node_id(term) not in graph:
                graph.add_node(
                    node_id(term),
                    label=label_of(dataset, term),
                    kind=_actor_kind(dataset, term),
                    **{"skos:altLabel": sorted(str(a) for a in dataset.objects(term, SKOS.altLabel))},
                )
        assert row["from"] is not None and row["to"] is not None
        relation = str(row["relation"])
        graph.add_edge(
            node_id(row["from"]),
            node_id(row["to"]),
            key=f"{relation} {row['via']} {row['source']}",
            relation=relation,
            via=node_id(row["via"]) if row["via"] is not None else "",
            source=str(row["source"]),
            confidence=str(row["confidence"] or ""),
        )
    graph.graph["sources"] = sorted({d["source"] for _, _, d in graph.edges(data=True)})
    return graph
