"""Oxigraph as an rdflib store plugin: a pyoxigraph ``Store`` behind rdflib's ``Dataset`` API.

rdflib looks stores up by name (``Dataset(store="PolicygraphOxigraph")``, registered as an
``rdf.plugins.store`` entry point) or takes one ready-made (``Dataset(store=OxigraphStore(
store=native))``, as :mod:`graph.stores` does). Reads, writes, graphs and prefixes go to
Oxigraph; a query or update given as text is answered by Oxigraph's engine, and a query
rdflib has already parsed falls back to rdflib's engine over :meth:`OxigraphStore.triples`.

It does what oxrdflib's store does, with two differences that matter to every command:
importing it does not import rdflib's SPARQL package (which builds its grammar at import,
about a quarter of a second on each start), and a plain string comes back as a plain
rdflib literal, as rdflib reads ``"..."`` in Turtle (:func:`graph.backend.from_native`),
so the same graph reads the same through either store.

Examples
--------
>>> from rdflib import Dataset, Literal, URIRef
>>> dataset = Dataset(store=OxigraphStore(), default_union=True)
>>> g = dataset.graph(URIRef("https://example.org/source"))
>>> _ = g.add((URIRef("https://example.org/a"), URIRef("https://example.org/name"), Literal("Kharkiv")))
>>> [o for _, _, o in dataset.triples((None, None, None))]
[rdflib.term.Literal('Kharkiv')]
>>> dataset.query("ASK { ?s ?p 'Kharkiv' }").askAnswer
True
>>> len(g)
1
"""

from __future__ import annotations

import shutil
from collections.abc import Iterable, Iterator, Mapping
from pathlib import Path
from typing import Any, cast

import pyoxigraph as ox
from rdflib import BNode, Graph, Literal, URIRef, Variable
from rdflib.graph import DATASET_DEFAULT_GRAPH_ID
from rdflib.query import Result
from rdflib.store import VALID_STORE, Store
from rdflib.term import IdentifiedNode, Identifier, Node

from graph.backend import from_native

__all__ = ["OxigraphStore", "to_native"]

_UNION = "__UNION__"  # the graph name rdflib gives a query over a union dataset


def to_native(term: Node | Graph | None) -> Any:
    """The Oxigraph term (or graph name) of an rdflib term, graph or pattern slot (None stays None).

    Examples
    --------
    >>> to_native(URIRef("https://example.org/a"))
    <NamedNode value=https://example.org/a>
    >>> to_native(Literal("3", lang="uk")).language
    'uk'
    """
    if term is None:
        return None
    if isinstance(term, Graph):
        term = term.identifier
    if term == DATASET_DEFAULT_GRAPH_ID:
        return ox.DefaultGraph()
    if isinstance(term, URIRef):
        return ox.NamedNode(term)
    if isinstance(term, BNode):
        return ox.BlankNode(term)
    if isinstance(term, Literal):
        datatype = None if term.datatype is None else ox.NamedNode(term.datatype)
        return ox.Literal(str(term), language=term.language, datatype=datatype)
    raise ValueError(f"not an RDF term Oxigraph stores: {term!r}")


class OxigraphStore(Store):
    """An rdflib store over a pyoxigraph ``Store`` (in memory unless opened on a folder).

    Parameters
    ----------
    configuration
        A folder to open an Oxigraph store on disk in (rdflib's ``open``), or None.
    identifier
        The store's identifier, as rdflib's stores take it.
    store
        A pyoxigraph ``Store`` already open, to put behind rdflib's API.
    """

    context_aware = True
    formula_aware = False
    transaction_aware = False
    graph_aware = True

    def __init__(
        self, configuration: str | None = None, identifier: Node | None = None, *, store: Any = None
    ) -> None:
        self._native = store
        self._namespaces: dict[str, URIRef] = {}
        self._prefixes: dict[URIRef, str] = {}
        super().__init__(configuration, identifier)  # type: ignore[arg-type]

    @property
    def native(self) -> Any:
        """The pyoxigraph ``Store`` (a new one in memory when none was given or opened)."""
        if self._native is None:
            self._native = ox.Store()
        return self._native

    # --- opening ------------------------------------------------------------------------

    def open(self, configuration: str | tuple[str, str], create: bool = False) -> int | None:
        """Open (or, with ``create``, make) an Oxigraph store in the folder ``configuration``."""
        if self._native is not None:
            raise ValueError("an Oxigraph store is opened before anything is read or written")
        path = Path(str(configuration))
        if create and path.exists():
            raise ValueError(f"{path} exists already")
        self._native = ox.Store(str(path))
        return VALID_STORE

    def close(self, commit_pending_transaction: bool = False) -> None:
        """Let go of the Oxigraph store (its folder closes when nothing else holds it)."""
        self._native = None

    def destroy(self, configuration: str) -> None:
        """Remove the store's folder."""
        shutil.rmtree(configuration)

    # --- triples ------------------------------------------------------------------------

    def add(self, triple: tuple[Node, Node, Node], context: Graph | None, quoted: bool = False) -> None:
        """Add a triple to the graph ``context``."""
        if quoted:
            raise ValueError("an Oxigraph store holds no formulae")
        s, p, o = triple
        self.native.add(ox.Quad(to_native(s), to_native(p), to_native(o), to_native(context)))
        super().add(triple, context, quoted)  # type: ignore[arg-type]

    def addN(self, quads: Iterable[tuple[Node, Node, Node, Any]]) -> None:  # noqa: N802 (rdflib's name)
        """Add quads (subject, predicate, object, graph) in one step."""
        self.native.extend([ox.Quad(*map(to_native, quad)) for quad in quads])

    def remove(self, triple: tuple[Any, Any, Any], context: Graph | None = None) -> None:
        """Remove the triples matching a pattern, in ``context`` or in every graph."""
        native = self.native
        for quad in list(native.quads_for_pattern(*map(to_native, triple), to_native(context))):
            native.remove(quad)
        super().remove(triple, context)

    def triples(
        self, triple_pattern: tuple[Any, Any, Any], context: Graph | None = None
    ) -> Iterator[tuple[tuple[Node, Node, Node], Iterator[Graph]]]:
        """The triples matching a pattern, each with its graph (in every graph when ``context`` is None)."""
        try:
            pattern = [to_native(term) for term in triple_pattern]
            found = self.native.quads_for_pattern(*pattern, to_native(context))
        except (TypeError, ValueError):  # a variable, or a literal as subject: nothing matches
            return iter(())
        return (
            (
                (from_native(q.subject), from_native(q.predicate), from_native(q.object)),
                iter((self._graph(q.graph_name),)),
            )
            for q in found
        )

    def __len__(self, context: Graph | None = None) -> int:
        where = (
            {"use_default_graph_as_union": True} if context is None else {"default_graph": to_native(context)}
        )
        solutions = self.native.query(
            "SELECT (COUNT(*) AS ?c) WHERE { SELECT DISTINCT ?s ?p ?o { ?s ?p ?o } }", **where
        )
        return int(next(iter(solutions))[0].value)

    # --- graphs -------------------------------------------------------------------------

    def _graph(self, name: Any) -> Graph:
        if isinstance(name, ox.DefaultGraph):
            return Graph(store=self, identifier=DATASET_DEFAULT_GRAPH_ID)
        return Graph(store=self, identifier=cast(IdentifiedNode, from_native(name)))

    def contexts(self, triple: tuple[Any, Any, Any] | None = None) -> Iterator[Graph]:  # type: ignore[override]
        """The named graphs, or those that hold ``triple``."""
        if triple is None:
            return (self._graph(name) for name in self.native.named_graphs())
        return (self._graph(q.graph_name) for q in self.native.quads_for_pattern(*map(to_native, triple)))

    def add_graph(self, graph: Graph) -> None:
        """Add an empty named graph."""
        self.native.add_graph(to_native(graph))

    def remove_graph(self, graph: Graph) -> None:
        """Remove a named graph and its triples."""
        self.native.remove_graph(to_native(graph))

    # --- SPARQL -------------------------------------------------------------------------

    def query(
        self,
        query: Any,
        initNs: Mapping[str, Any],  # noqa: N803 (rdflib's names)
        initBindings: Mapping[str, Node],  # noqa: N803
        queryGraph: Any,  # noqa: N803
        **kwargs: Any,
    ) -> Result:
        """Answer a query given as text with Oxigraph's engine (rdflib's engine answers any other)."""
        if not isinstance(query, str) or kwargs:
            raise NotImplementedError("Oxigraph answers a query given as text")  # rdflib's engine does
        answer = self.native.query(
            query,
            use_default_graph_as_union=queryGraph == _UNION,
            default_graph=to_native(queryGraph) if isinstance(queryGraph, Node) else None,
            prefixes={**self._namespaces, **initNs},
            substitutions={ox.Variable(name): to_native(value) for name, value in initBindings.items()},
        )
        if isinstance(answer, ox.QueryBoolean):
            result = Result("ASK")
            result.askAnswer = bool(answer)
        elif isinstance(answer, ox.QuerySolutions):
            result = Result("SELECT")
            names = [Variable(v.value) for v in answer.variables]
            result.vars = names
            result.bindings = (
                {
                    name: cast(Identifier, from_native(value))
                    for name, value in zip(names, row, strict=True)
                    if value is not None
                }
                for row in answer
            )
        else:
            result = Result("CONSTRUCT")
            result.graph = Graph()
            for t in answer:
                result.graph.add((from_native(t.subject), from_native(t.predicate), from_native(t.object)))
        return result

    def update(
        self,
        update: Any,
        initNs: Mapping[str, Any],  # noqa: N803 (rdflib's names)
        initBindings: Mapping[str, Node],  # noqa: N803
        queryGraph: Any,  # noqa: N803
        **kwargs: Any,
    ) -> None:
        """Run an update given as text with Oxigraph's engine."""
        if not isinstance(update, str) or initBindings or kwargs or queryGraph != DATASET_DEFAULT_GRAPH_ID:
            raise NotImplementedError("Oxigraph runs an update given as text, over the whole dataset")
        self.native.update(update, prefixes={**self._namespaces, **initNs})

    # --- prefixes -----------------------------------------------------------------------

    def bind(self, prefix: str, namespace: URIRef, override: bool = True) -> None:
        """Bind a prefix to a namespace (queries and updates may use it)."""
        if not override and (prefix in self._namespaces or namespace in self._prefixes):
            return
        old = self._namespaces.pop(prefix, None)
        if old is not None:
            self._prefixes.pop(old, None)
        was = self._prefixes.pop(namespace, None)
        if was is not None:
            self._namespaces.pop(was, None)
        self._namespaces[prefix] = namespace
        self._prefixes[namespace] = prefix

    def prefix(self, namespace: URIRef) -> str | None:
        """The prefix bound to a namespace."""
        return self._prefixes.get(namespace)

    def namespace(self, prefix: str) -> URIRef | None:
        """The namespace bound to a prefix."""
        return self._namespaces.get(prefix)

    def namespaces(self) -> Iterator[tuple[str, URIRef]]:
        """Every bound prefix and its namespace."""
        yield from self._namespaces.items()

    def commit(self) -> None:
        """Nothing to do: Oxigraph writes each change at once."""

    def rollback(self) -> None:
        """Nothing to undo: Oxigraph writes each change at once."""
