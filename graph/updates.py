"""SPARQL Update over the loaded graph, refusing what would reach outside it.

``LOAD`` (it fetches a document), ``USING NAMED`` and ``SERVICE`` anywhere are refused
before anything changes; the rest of SPARQL 1.1 Update runs on the dataset in memory.
``USING <g>`` (or the protocol's ``using-graph-uri``) makes the loaded graph ``<g>`` the
WHERE clause's default graph; a graph that is not loaded is empty, never fetched. Source
files are never written.

On an Oxigraph store on disk opened read-write, Oxigraph runs the update as one
transaction (all of it is written, or nothing) and the answers the store kept when it was
built are dropped, since they may no longer hold; the protocol's ``using-graph-uri`` is
refused there (``USING`` in the update's text does the same).

Examples
--------
>>> from rdflib import Dataset, URIRef
>>> dataset = Dataset(default_union=True)
>>> apply_update(dataset, "INSERT DATA { GRAPH <urn:g> { <urn:a> <urn:b> <urn:c> } }")
>>> len(dataset.graph(URIRef("urn:g")))
1
>>> apply_update(dataset, "LOAD <http://example.org/data.ttl>")
Traceback (most recent call last):
...
graph.protocol.ProtocolError: LOAD is refused: updates change the loaded graph only and never fetch anything
"""

from __future__ import annotations

from collections import defaultdict
from pathlib import Path
from typing import Any

import rdflib.plugins.sparql
from rdflib import Dataset, URIRef
from rdflib.graph import DATASET_DEFAULT_GRAPH_ID
from rdflib.plugins.sparql.parserutils import CompValue
from rdflib.plugins.sparql.processor import prepareUpdate

from graph.backend import native_store, store_folder
from graph.kept import forget
from graph.protocol import ProtocolError, default_prefixes, parse_guarded
from graph.queries import one_line

__all__ = ["apply_update"]


def _refuse_outside(operations: Any) -> None:
    stack: list[Any] = [operations]
    while stack:
        node = stack.pop()
        if isinstance(node, CompValue):
            if node.name == "Load":
                raise ProtocolError(
                    400, "LOAD is refused: updates change the loaded graph only and never fetch anything"
                )
            if node.name == "ServiceGraphPattern":
                raise ProtocolError(400, "SERVICE is refused: updates never reach the network")
            if node.name == "UsingClause" and dict.get(node, "named") is not None:
                raise ProtocolError(400, "USING NAMED is refused: name the graphs with GRAPH <graph>")
            stack.extend(node.values())
        elif isinstance(node, list | tuple):
            stack.extend(node)


def _into_default_graph(operations: Any) -> None:
    """``INSERT DATA { <a> <b> <c> }``: triples outside any GRAPH go to the default graph.

    The dataset's default graph is the union of its graphs for reading; rdflib would try to
    add plain triples to that union and fail, so they are written as quads of the default graph.
    """
    for operation in operations or []:
        if isinstance(operation, CompValue) and operation.name in ("InsertData", "DeleteData"):
            triples = operation.get("triples") or []
            if triples:
                quads = operation.get("quads")
                if quads is None:
                    quads = defaultdict(list)
                    operation["quads"] = quads
                quads[DATASET_DEFAULT_GRAPH_ID] = [*quads.get(DATASET_DEFAULT_GRAPH_ID, []), *triples]
                operation["triples"] = []


def _using(operations: Any, graphs: tuple[str, ...], named: tuple[str, ...]) -> None:
    """The protocol's ``using-graph-uri``: each WHERE clause reads those graphs as its default graph.

    An update that names its own dataset (``USING`` or ``WITH``) as well is a 400, as the
    protocol says; ``using-named-graph-uri`` is refused like ``USING NAMED``.
    """
    if named:
        raise ProtocolError(400, "using-named-graph-uri is refused: name the graphs with GRAPH <graph>")
    if not graphs:
        return
    for operation in operations or []:
        if isinstance(operation, CompValue) and operation.name == "Modify":
            # CompValue.get answers a missing key with the key itself: read it as a dict
            if dict.get(operation, "using") or dict.get(operation, "withClause") is not None:
                raise ProtocolError(
                    400, "give the graphs either as using-graph-uri or in the update (USING, WITH), not both"
                )
            operation["using"] = [CompValue("UsingClause", default=URIRef(g)) for g in graphs]


def apply_update(
    dataset: Dataset,
    text: str,
    *,
    base: str | None = None,
    using: tuple[str, ...] = (),
    using_named: tuple[str, ...] = (),
) -> None:
    """Run a SPARQL 1.1 Update on the dataset; ``base`` resolves relative IRIs.

    ``using`` and ``using_named`` are the protocol's ``using-graph-uri`` and
    ``using-named-graph-uri``.

    Raises
    ------
    ProtocolError
        400 for an update that does not parse or is refused.
    """
    prepared = parse_guarded(text, prepareUpdate, what="update", base=base)
    _refuse_outside(prepared.algebra)
    folder = store_folder(dataset)
    if folder is not None:
        _in_place(native_store(dataset), folder, text, base=base, using=using + using_named)
        return
    _using(prepared.algebra, using, using_named)
    _into_default_graph(prepared.algebra)
    # USING reads graphs that are loaded; rdflib would otherwise fetch them from the web
    rdflib.plugins.sparql.SPARQL_LOAD_GRAPHS = False
    try:
        dataset.update(prepared)
    except Exception as exc:
        raise ProtocolError(400, f"the update failed: {one_line(exc)}") from None


def _in_place(store: Any, folder: Path, text: str, *, base: str | None, using: tuple[str, ...]) -> None:
    """The update run by Oxigraph on its store on disk, as one transaction."""
    if using:
        raise ProtocolError(
            400,
            "using-graph-uri and using-named-graph-uri are refused on a store on disk: "
            "write USING <graph> in the update",
        )
    try:
        store.update(text, base_iri=base, prefixes=default_prefixes(text))
    except Exception as exc:  # Oxigraph's own message: nothing was written
        raise ProtocolError(400, f"the update failed, and nothing was written: {one_line(exc)}") from None
    forget(folder)
