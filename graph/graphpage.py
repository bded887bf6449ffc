"""The interactive graph page: one offline HTML file to explore the graph and its sources.

Two views, the actor network (:func:`graph.project.actor_view`) and every entity
(:func:`graph.project.to_networkx`), laid out here and drawn in the browser by
Cytoscape.js (vendored from the npm registry, ``graph/web/cytoscape.min.js``, MIT
licence beside it). Edges are coloured by relation, with a legend; a search selects
and centres what it finds; a click shows a node's or an edge's facts and sources; a
node's neighbourhood can be focused, expanded and collapsed; a day slider shows what
was known, and what was in force, on a day; Cytoscape's layouts rearrange the view, and
the entity view can group its nodes by type. Everything (library, script, style, data)
is inline: the page loads nothing from anywhere.

An edge stands for one relation between two nodes; each source that claims it is
listed with its date (the claim's date, else the source's), confidence and
attribution, and the edge shows while any of its claims passes the filters.

Examples
--------
>>> from graph.load import load
>>> data = graph_data(load().dataset)
>>> sorted(data["views"])
['actors', 'entities']
>>> edge = next(e for e in data["views"]["actors"]["edges"] if e["relation"] == "supports")
>>> sorted(edge["claims"][0])
['attributed_to', 'claim', 'confidence', 'date', 'end', 'source', 'start']
"""

from __future__ import annotations

import json
import re
from collections import defaultdict
from pathlib import Path
from typing import Any

import networkx as nx
from rdflib import Dataset, URIRef
from rdflib.namespace import DCTERMS

from graph.export import flat_view
from graph.output import atomic_write
from graph.project import label_of
from graph.results import short

__all__ = ["graph_data", "graph_page", "write_graph_page"]

_WIDTH, _HEIGHT = 1000.0, 700.0


def _dates(dataset: Dataset) -> dict[str, str]:
    """The earliest date of each dated thing (claims, policies) and the issue date of each source."""
    found: dict[str, str] = {}
    for predicate in (DCTERMS.date, DCTERMS.issued):
        for subject, value in dataset.subject_objects(predicate):
            text = str(value)[:10]
            key = str(subject)
            if key not in found or text < found[key]:
                found[key] = text
    return found


def _positions(graph: nx.MultiDiGraph, view: str) -> dict[str, tuple[float, float]]:
    if view == "actors":
        from graph.draw import ring_layout

        raw = ring_layout(graph)
    else:
        simple = nx.Graph(graph.to_undirected())
        spread = 2.5 / max(simple.number_of_nodes(), 1) ** 0.5
        layout = nx.spring_layout(simple, k=spread, seed=7, iterations=300)
        raw = {k: (float(x), float(y)) for k, (x, y) in layout.items()}
    if not raw:
        return {}
    xs = [x for x, _ in raw.values()]
    ys = [y for _, y in raw.values()]
    span_x, span_y = (max(xs) - min(xs)) or 1.0, (max(ys) - min(ys)) or 1.0
    return {
        node: (
            round(40 + (x - min(xs)) / span_x * (_WIDTH - 80), 1),
            round(40 + (max(ys) - y) / span_y * (_HEIGHT - 80), 1),
        )
        for node, (x, y) in raw.items()
    }


def _view(dataset: Dataset, view: str, dates: dict[str, str]) -> dict[str, Any]:
    graph = flat_view(dataset, view)
    positions = _positions(graph, view)
    nodes = []
    for node, data in sorted(graph.nodes(data=True)):
        x, y = positions.get(node, (_WIDTH / 2, _HEIGHT / 2))
        if view == "actors":
            kind = data.get("kind", "")
        else:
            kind = data.get("type") or ("(constraint or rule part)" if data.get("kind") == "bnode" else "")
        facts = [
            [key, value] for key, value in sorted(data.items()) if value and key not in ("label", "types")
        ]
        nodes.append(
            {
                "id": node,
                "label": data.get("label") or node,
                "type": (kind.split(";")[0].strip() or "(untyped)"),
                "iri": node if not node.startswith("_:") else "",
                "x": x,
                "y": y,
                "facts": facts,
            }
        )
    merged: dict[tuple[str, str, str], list[dict[str, str]]] = defaultdict(list)
    for u, v, data in graph.edges(data=True):
        claim = data.get("claim") or data.get("via") or ""
        source = data.get("source", "")
        merged[(u, v, data.get("relation", ""))].append(
            {
                "source": source,
                "date": dates.get(claim) or dates.get(source, ""),
                "confidence": data.get("confidence", ""),
                "attributed_to": data.get("attributed_to", ""),
                "claim": short(URIRef(claim)) if claim and not claim.startswith("_:") else claim,
                # in force from, until (the decision it comes from; see graph.export)
                "start": data.get("start", ""),
                "end": data.get("end", ""),
            }
        )
    edges: list[dict[str, Any]] = []
    for (u, v, relation), claims in sorted(merged.items()):
        claims.sort(key=lambda c: (c["date"], c["source"]))
        edges.append({"s": u, "t": v, "relation": relation, "claims": claims})
    return {"nodes": nodes, "edges": edges}


def graph_data(dataset: Dataset) -> dict[str, Any]:
    """What the page shows: both views laid out, and the sources they cite."""
    dates = _dates(dataset)
    views = {name: _view(dataset, name, dates) for name in ("actors", "entities")}
    cited = {c["source"] for v in views.values() for e in v["edges"] for c in e["claims"]}
    sources = {
        iri: {
            "title": str(dataset.value(URIRef(iri), DCTERMS.title) or short(URIRef(iri))),
            "publisher": label_of(dataset, publisher)
            if (publisher := dataset.value(URIRef(iri), DCTERMS.publisher))
            else "",
            "issued": dates.get(iri, ""),
            "short": short(URIRef(iri)),
        }
        for iri in sorted(cited)
        if iri
    }
    return {"views": views, "sources": sources}


def graph_page(dataset: Dataset, *, title: str = "policygraph: the graph") -> str:
    """The page as one HTML document.

    Examples
    --------
    >>> from graph.load import load
    >>> page = graph_page(load().dataset)
    >>> head = page.split("<script")[0].replace("http-equiv", "")
    >>> page.startswith("<!DOCTYPE html>") and "http" not in head
    True
    """
    from html import escape

    from graph.resources import web_asset

    values = {
        "{{TITLE}}": escape(title),
        "/*CYTOSCAPE*/": web_asset("cytoscape.min.js").replace("</script", "<\\/script"),
        "/*DATA*/{}": json.dumps(graph_data(dataset), separators=(",", ":")).replace("<", "\\u003c"),
    }
    # one pass: a placeholder inside the data or the library is never filled in
    return re.sub("|".join(re.escape(k) for k in values), lambda m: values[m[0]], web_asset("graph.html"))


def write_graph_page(dataset: Dataset, path: str | Path, *, title: str = "policygraph: the graph") -> Path:
    """Write the page to ``path`` (atomically) and return the path."""
    atomic_write(path, graph_page(dataset, title=title))
    return Path(path)
