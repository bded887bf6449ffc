"""The SHACL shapes, checked by a compiled engine.

pyshacl-turbo runs the shapes in Rust, over an rdflib graph or straight over a
pyoxigraph store (the union of its graphs), without an rdflib copy of the data. Its
findings are pySHACL's on the project's shapes: ``tests/test_shapes.py`` checks both
engines against every valid and invalid snippet.

Each shape set is compiled once per process.

Examples
--------
>>> from rdflib import Graph
>>> data = Graph().parse(data='''
...     @prefix pg: <https://w3id.org/policygraph/ontology#> .
...     <https://w3id.org/policygraph/id/Nowhere> a pg:Place .''', format="turtle")
>>> [(str(f.focus).rsplit("/", 1)[-1], f.message) for f in check_shapes(data)]
[('Nowhere', 'an entity needs exactly one rdfs:label, a plain string; put other names in skos:altLabel')]
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from rdflib import Graph
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
        found.append(
            ShapeFinding(
                focus=focus,
                path=results.value(result, SH.resultPath),
                value=results.value(result, SH.value),
                message=str(results.value(result, SH.resultMessage) or "does not conform"),
                severity=str(results.value(result, SH.resultSeverity) or SH.Violation).rsplit("#", 1)[-1],
            )
        )
    return found
