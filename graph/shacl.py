"""The SHACL shapes, checked by a compiled engine.

pyshacl-turbo runs the shapes in Rust, over an rdflib graph or straight over a
pyoxigraph store (the union of its graphs), without an rdflib copy of the data. Its
findings are pySHACL's on the project's shapes: ``tests/test_shapes.py`` checks both
engines against every valid and invalid snippet.

Each shape set is compiled once per process.

Examples
--------
>>> from rdflib import BNode, Graph
>>> data = Graph().parse(data='''
...     @prefix pg: <https://w3id.org/policygraph/ontology#> .
...     <https://w3id.org/policygraph/id/Nowhere> a pg:Place .''', format="turtle")
>>> [(str(f.focus).rsplit("/", 1)[-1], f.message) for f in check_shapes(data)]
[('Nowhere', 'an entity needs exactly one rdfs:label, a plain string; put other names in skos:altLabel')]
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from rdflib import BNode, Graph
from rdflib.namespace import RDF, SH
from rdflib.term import Node

from graph.resources import shapes_file

__all__ = ["ShapeFinding", "Shapes", "check_shapes"]


class Shapes(StrEnum):
    """Which shapes: the sources' data, or the ontology's own hygiene."""

    DATA = "data"
    ONTOLOGY = "ontology"


@dataclass(frozen=True)
class ShapeFinding:
    """One result of the shapes: the node, the property, the offending value, why."""

    focus: Node
    path: Node | None
    value: Node | None
    message: str
    severity: str  #: "Violation", "Warning" or "Info"


@functools.cache
def _compiled(kind: Shapes) -> Any:
    from pyshacl_turbo import compile_shapes  # imported here: only validation needs it

    return compile_shapes(  # type: ignore[no-untyped-call]
        Graph().parse(shapes_file(kind.value), format="turtle"), advanced=True
    )


#: a blank node label N-Triples can carry (an endpoint's own, such as Virtuoso's ``nodeID://b1``, cannot)
_LABEL = re.compile(r"[A-Za-z0-9_]([A-Za-z0-9_.\-]*[A-Za-z0-9_\-])?")


def _plain_labels(data: Graph) -> tuple[Graph, dict[Node, Node]]:
    """``data`` with each blank node the engine could not read under a fresh label, and the way back."""
    renamed: dict[Node, Node] = {}

    def plain(node: Node) -> Node:
        if isinstance(node, BNode) and not _LABEL.fullmatch(node):
            if node not in renamed:
                renamed[node] = BNode()
            return renamed[node]
        return node

    if not any(isinstance(n, BNode) and not _LABEL.fullmatch(n) for n in data.all_nodes()):
        return data, {}
    copy = Graph()
    for s, p, o in data:
        copy.add((plain(s), p, plain(o)))
    return copy, {new: old for old, new in renamed.items()}


def check_shapes(data: Any, *, shapes: Shapes = Shapes.DATA) -> list[ShapeFinding]:
    """What breaks the shapes in ``data``: an rdflib graph, or a pyoxigraph store read as one graph.

    A result that only details another (the inner result of an ``sh:node`` or ``sh:or``)
    is left out: its parent says it in the shape's own words.

    Parameters
    ----------
    data : rdflib.Graph or pyoxigraph.Store
        The data; a store's named graphs are checked together, as their union.
    shapes : Shapes
        The shape set.

    Returns
    -------
    list of ShapeFinding
        Empty when the data conforms.
    """
    back: dict[Node, Node] = {}
    if isinstance(data, Graph):
        data, back = _plain_labels(data)
    conforms, results, _ = _compiled(shapes).validate(data, inference="none", allow_warnings=True)
    if conforms and not len(results):
        return []
    assert isinstance(results, Graph)
    details = set(results.objects(None, SH.detail))
    found = []
    for result in results.subjects(RDF.type, SH.ValidationResult):
        focus = results.value(result, SH.focusNode)
        if result in details or focus is None:
            continue
        value = results.value(result, SH.value)
        found.append(
            ShapeFinding(
                focus=back.get(focus, focus),
                path=results.value(result, SH.resultPath),
                value=back.get(value, value) if value is not None else None,
                message=str(results.value(result, SH.resultMessage) or "does not conform"),
                severity=str(results.value(result, SH.resultSeverity) or SH.Violation).rsplit("#", 1)[-1],
            )
        )
    return found
