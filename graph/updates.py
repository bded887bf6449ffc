"""SPARQL Update over the loaded graph, refusing what would reach outside it.

``LOAD`` (it fetches a document), ``USING``/``USING NAMED`` (rdflib fetches those graphs)
and ``SERVICE`` anywhere are refused before anything changes; the rest of SPARQL 1.1
Update runs on the dataset in memory. Source files are never written.

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
from typing import Any

from rdflib import Dataset
from rdflib.graph import DATASET_DEFAULT_GRAPH_ID
from rdflib.plugins.sparql.parserutils import CompValue
from rdflib.plugins.sparql.processor import prepareUpdate

from graph.protocol import ProtocolError, parse_guarded
from graph.queries import _one_line

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
            if node.name == "Modify" and node.get("using"):
                raise ProtocolError(
                    400, "USING and USING NAMED are refused: use WITH <graph> or GRAPH <graph>"
                )
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


def apply_update(dataset: Dataset, text: str, *, base: str | None = None) -> None:
    """Run a SPARQL 1.1 Update on the dataset; ``base`` resolves relative IRIs.

    Raises
    ------
    ProtocolError
        400 for an update that does not parse or is refused.
    """
    prepared = parse_guarded(text, prepareUpdate, what="update", base=base)
    _refuse_outside(prepared.algebra)
    _into_default_graph(prepared.algebra)
    try:
        dataset.update(prepared)
    except Exception as exc:
        raise ProtocolError(400, f"the update failed: {_one_line(exc)}") from None
