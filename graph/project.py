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
- :func:`ontology_view`, the ontology's class diagram: classes, what each is a subclass
  of, and the object properties from their domain to their range.

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

from collections.abc import Callable
from typing import Any

import networkx as nx
from rdflib import BNode, Dataset, Literal, URIRef
from rdflib.namespace import RDF, RDFS, SKOS
from rdflib.term import Node

from graph import collector
from graph.backend import Backend, backend
from graph.kept import kept_rows
from graph.namespaces import ODRL2, ONTOLOGY_IRI, PG, PREFIXES, PROV
from graph.quads import BNODE, IRI, LITERAL, Triple, read_graphs
from graph.queries import get_query, run_query
from graph.results import short_iri

__all__ = ["actor_view", "label_of", "node_id", "node_term", "ontology_view", "to_dataset", "to_networkx"]

#: The most specific actor kinds, in the order they are tried.
ACTOR_KINDS = ("Person", "State", "GovernmentBody", "MilitaryForce", "MediaOutlet")


def node_id(term: Node) -> str:
    """The networkx node key of an RDF term: the IRI, or ``_:id`` for a blank node."""
    return f"_:{term}" if isinstance(term, BNode) else str(term)


def node_term(key: str) -> URIRef | BNode:
    """The RDF term of a networkx node key; the inverse of :func:`node_id`."""
    return BNode(key[2:]) if key.startswith("_:") else URIRef(key)


def _local(term: Node | str) -> str:
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
    remote = backend(dataset) is Backend.SPARQL  # it cannot be asked about a blank node by name
    label = None if remote and isinstance(term, BNode) else dataset.value(term, RDFS.label)
    if label is not None:
        return str(label)
    if isinstance(term, BNode):
        left = None if remote else dataset.value(term, ODRL2.leftOperand)
        if left is not None:
            operator = dataset.value(term, ODRL2.operator)
            rights = sorted(label_of(dataset, r) for r in dataset.objects(term, ODRL2.rightOperand))
            return f"{label_of(dataset, left)} {_local(operator) if operator else '?'} {', '.join(rights)}"
        kind = None if remote else dataset.value(term, RDF.type)
        return f"({_local(kind)})" if kind is not None else "(blank node)"
    if isinstance(term, Literal):
        return str(term)
    return _local(term)


_LABEL, _CONFIDENCE, _ATTRIBUTED = str(RDFS.label), str(PG.confidence), str(PROV.wasAttributedTo)
_LEFT, _OPERATOR, _RIGHT, _TYPE = (
    str(ODRL2.leftOperand),
    str(ODRL2.operator),
    str(ODRL2.rightOperand),
    str(RDF.type),
)


_RULE_LINKS = frozenset({str(ODRL2.permission), str(ODRL2.prohibition)})
_QUALIFYING = frozenset({_CONFIDENCE, _ATTRIBUTED})


def _text_short(key: str, kind: str = IRI) -> str:
    """:func:`graph.results.short` of a term read as text."""
    return short_iri(key) if kind == IRI else key


class _Entities:
    """The entity graph, built from the quads read as text.

    Every graph is indexed first (a label may come from any graph), then each is projected
    with its own claims' qualifiers.
    """

    def __init__(self, graph: nx.MultiDiGraph):
        self.graph = graph
        self.labels: dict[str, str] = {}
        self.values: dict[tuple[str, str], list[tuple[str, str]]] = {}  # blank node's (predicate) -> objects
        self._label_cache: dict[str, str] = {}
        self._shorts: dict[str, str] = {}

    def index(self, source: str, triples: list[Triple]) -> _Qualifiers:
        """Read one graph's labels and blank nodes; what qualifies its claims."""
        labels, values = self.labels, self.values
        parents: dict[str, str] = {}  # blank node -> its first subject
        qualifying: dict[tuple[str, str], list[str]] = {}  # (claim, predicate) -> values
        rule_policy: dict[str, str] = {}  # named rule -> the policy that states it here
        for s, p, o, kind in triples:
            if p == _LABEL and (s not in labels or o < labels[s]):
                labels[s] = o
            if s.startswith("_:"):
                values.setdefault((s, p), []).append((o, kind))
            if kind == BNODE:
                parents.setdefault(o, s)
            if p in _QUALIFYING:
                qualifying.setdefault((s, p), []).append(o)
            if kind == IRI and p in _RULE_LINKS:
                rule_policy.setdefault(o, s)
        return _Qualifiers(source, parents, qualifying, rule_policy, self.label)

    def project(self, source: str, triples: list[Triple], qualifiers: _Qualifiers) -> None:
        """Add one graph's nodes and edges."""
        # networkx's own tables, filled as MultiDiGraph.add_edge fills them, without a call per edge
        nodes, succ, pred, label = self.graph._node, self.graph._succ, self.graph._pred, self.label
        shorts = self._shorts
        by_subject: dict[str, dict[str, Any]] = {}
        relations: dict[str, tuple[str, str]] = {}  # predicate -> (relation, edge key)
        for s, p, o, kind in triples:
            attrs = nodes.get(s)
            if attrs is None:
                subject_kind = BNODE if s.startswith("_:") else IRI
                attrs = nodes[s] = _node_attrs(label(s, subject_kind), subject_kind)
                succ[s], pred[s] = {}, {}
            if p == _TYPE:
                types = attrs["types"]
                name = _text_short(o, kind)
                if name not in types:
                    types.append(name)
                    types.sort()
                    attrs["type"] = _main_type(types)
                continue
            named = relations.get(p)
            if named is None:
                relation = shorts.get(p)
                if relation is None:
                    relation = shorts[p] = short_iri(p)
                named = relations[p] = (relation, f"{relation} {source}")
            if kind == LITERAL:
                _add_literal(attrs, named[0], o)
                continue
            if o not in nodes:
                nodes[o] = _node_attrs(label(o, kind), kind)
                succ[o], pred[o] = {}, {}
            qualified = by_subject.get(s)
            if qualified is None:
                qualified = by_subject[s] = qualifiers.of(s)
            out = succ[s]
            keys = out.get(o)
            if keys is None:
                keys = out[o] = pred[o][s] = {}
            keys[named[1]] = {"predicate": p, "relation": named[0], "source": source, **qualified}

    def first(self, key: str, predicate: str) -> str | None:
        found = self.values.get((key, predicate))
        return min(found)[0] if found else None

    def label(self, key: str, kind: str = IRI) -> str:
        """What :func:`label_of` says, from what has been read."""
        cached = self._label_cache.get(key)
        if cached is not None:
            return cached
        label = self.labels.get(key)
        if label is None and kind == BNODE:
            left = self.first(key, _LEFT)
            if left is not None:
                operator = self.first(key, _OPERATOR)
                rights = sorted(self.label(r, k) for r, k in self.values.get((key, _RIGHT), []))
                label = f"{self.label(left)} {_local(operator) if operator else '?'} {', '.join(rights)}"
            else:
                cls = self.first(key, _TYPE)
                label = f"({_local(cls)})" if cls is not None else "(blank node)"
        elif label is None:
            label = key if kind == LITERAL else _local(key)
        self._label_cache[key] = label
        return label


def _node_attrs(label: str, kind: str) -> dict[str, Any]:
    return {"label": label, "type": "", "types": [], "kind": "bnode" if kind == BNODE else "iri"}


class _Qualifiers:
    """Who a claim is attributed to, and at what confidence, within one graph."""

    def __init__(
        self,
        source: str,
        parents: dict[str, str],
        qualifying: dict[tuple[str, str], list[str]],
        rule_policy: dict[str, str],
        label: Callable[[str], str],
    ):
        self.source, self.parents = source, parents
        self.qualifying, self.rule_policy, self.label = qualifying, rule_policy, label
        self._by_claim: dict[str, dict[str, Any]] = {}

    def claim(self, subject: str) -> str:
        """The named resource a (possibly blank) subject belongs to.

        A rule with no attribution of its own in this graph belongs to its policy's claim.
        """
        seen: set[str] = set()
        while subject.startswith("_:") and subject not in seen:
            seen.add(subject)
            parent = self.parents.get(subject)
            if parent is None:
                break
            subject = parent
        policy = self.rule_policy.get(subject)
        if policy is not None and (subject, _ATTRIBUTED) not in self.qualifying:
            return policy
        return subject

    def of(self, subject: str) -> dict[str, Any]:
        """A subject's claim and its qualifiers."""
        claim = self.claim(subject)
        found = self._by_claim.get(claim)
        if found is None:
            get, source = self.qualifying.get, self.source
            levels = get((claim, _CONFIDENCE)) or get((source, _CONFIDENCE))
            agents = get((claim, _ATTRIBUTED)) or get((source, _ATTRIBUTED), [])
            found = self._by_claim[claim] = {
                "claim": claim,
                "confidence": self.label(min(levels)) if levels else "",
                "attributed_to": ";".join(
                    a if a.startswith("_:") else short_iri(a) for a in sorted(set(agents))
                ),
            }
        return found


def to_networkx(dataset: Dataset, *, include_ontology: bool = False) -> nx.MultiDiGraph:
    """The entity graph of a dataset.

    The dataset is read once, in one pass over its quads, whichever store holds it.

    Parameters
    ----------
    dataset : Dataset
        A dataset as :func:`graph.load.load` or :func:`graph.stores.open_corpus` gives it.
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
    entities = _Entities(graph)
    ontology = str(ONTOLOGY_IRI)
    with collector.paused():
        read = [(g, triples, entities.index(g, triples)) for g, triples in read_graphs(dataset)]
        sources = []
        for source, triples, qualifiers in read:
            if include_ontology or source != ontology:
                sources.append(source)
                entities.project(source, triples, qualifiers)
    graph.graph["sources"] = sorted(sources)
    return graph


def _main_type(types: list[str]) -> str:
    own = [t for t in types if t.startswith("pg:")]
    return (own or types or [""])[0]


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
        Nodes keyed by IRI with ``label``, ``skos:altLabel`` (aliases), ``pg:metonym`` (names
        that stand for the actor: "Washington") and ``kind`` (``State``, ``Person``,
        ``GovernmentBody``, ``MilitaryForce``, ``MediaOutlet`` or ``Actor``). One edge per
        relation, claim and source, with ``relation``, ``via`` (the policy, stance or
        other claim it comes from), ``source`` and ``confidence``.
    """
    graph = nx.MultiDiGraph(name="policygraph actors")
    sources: set[str] = set()
    with collector.paused():  # the rows read and the edges hold no reference cycle
        rows = kept_rows(dataset, "actor-relations")  # kept by a store on disk when it was built
    if rows is None:
        rows = [
            {name: None if value is None else node_id(value) for name, value in row.items()}
            for row in run_query(dataset, get_query("actor-relations"))
        ]
    with collector.paused():
        add_edge = graph.add_edge
        for row in rows:
            source, via, start, end = row["source"], row["via"], row["from"], row["to"]
            assert start is not None and end is not None and source is not None
            for key in (start, end):
                if key not in graph:
                    term = node_term(key)
                    graph.add_node(
                        key,
                        label=label_of(dataset, term),
                        kind=_actor_kind(dataset, term),
                        **{
                            "skos:altLabel": sorted(str(a) for a in dataset.objects(term, SKOS.altLabel)),
                            "pg:metonym": sorted(str(m) for m in dataset.objects(term, PG.metonym)),
                        },
                    )
            relation = str(row["relation"])
            add_edge(
                start,
                end,
                key=f"{relation} {via} {source}",
                relation=relation,
                via=via or "",
                source=source,
                confidence=row["confidence"] or "",
            )
            sources.add(source)
    graph.graph["sources"] = sorted(sources)
    return graph


#: How the class diagram tells the two kinds of link apart (attributes Graphviz reads).
_SUBCLASS_STYLE = {"arrowhead": "empty", "style": "solid"}
_PROPERTY_STYLE = {"arrowhead": "vee", "style": "dashed"}


def ontology_view(dataset: Dataset) -> nx.MultiDiGraph:
    """The ontology as a class diagram, from the ``ontology-diagram`` query.

    Returns
    -------
    networkx.MultiDiGraph
        Nodes keyed by class IRI with ``label`` and ``kind`` (``class`` for the project's
        own classes, ``reused`` for a class of another vocabulary, labelled by its prefixed
        name). An edge per link: ``relation`` is ``subclass of`` or the object property's
        label, ``property`` its IRI (empty for a subclass link).

    Examples
    --------
    >>> from graph.load import load
    >>> from graph.namespaces import PG
    >>> classes = ontology_view(load().dataset)
    >>> classes.nodes[str(PG.State)]["label"]
    'state'
    >>> sorted(d["relation"] for _, to, d in classes.out_edges(str(PG.Strike), data=True))
    ['subclass of']
    """
    graph = nx.MultiDiGraph(name="policygraph ontology")
    rows = run_query(dataset, get_query("ontology-diagram"))
    labels = {node_id(r["from"]): str(r["fromLabel"]) for r in rows if r["from"] and r["fromLabel"]}
    for row in rows:
        for term in (row["from"], row["to"]):
            if term is not None and node_id(term) not in graph:
                key = node_id(term)
                own = key.startswith(str(PG)) and key in labels
                graph.add_node(
                    key, label=labels[key] if own else short_iri(key), kind="class" if own else "reused"
                )
        if row["to"] is None:
            continue  # the class alone
        assert row["from"] is not None
        prop = row["property"]
        graph.add_edge(
            node_id(row["from"]),
            node_id(row["to"]),
            key=f"{row['relation']} {prop or ''}",
            relation=str(row["relation"]),
            property=str(prop or ""),
            **(_PROPERTY_STYLE if prop is not None else _SUBCLASS_STYLE),
        )
    graph.graph["sources"] = [str(ONTOLOGY_IRI)]
    return graph
