"""Graph algorithms over the networkx views: neighbours, paths, centrality.

Nodes can be named the way a person would: a full IRI, a prefixed name
(``:Ukraine``), a label (``United Kingdom``) or an alias (``UK``), in any case.

Examples
--------
>>> from graph.load import load
>>> from graph.project import actor_view
>>> G = actor_view(load().dataset)
>>> [G.nodes[n]["label"] for n in neighbours(G, "Ukraine", relation="supports", direction="in")]
['France', 'United Kingdom']
>>> [G.nodes[n]["label"] for n in shortest_path(G, "UK", "Russia")]
['United Kingdom', 'Ukraine', 'Russian Armed Forces', 'Russia']
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import networkx as nx

from graph.errors import QueryError
from graph.namespaces import PREFIXES

__all__ = ["CENTRALITY", "all_paths", "centrality", "find_node", "neighbours", "shortest_path"]

CENTRALITY: dict[str, Callable[[nx.Graph], dict[Any, float]]] = {
    "degree": nx.degree_centrality,
    "in-degree": nx.in_degree_centrality,
    "out-degree": nx.out_degree_centrality,
    "betweenness": nx.betweenness_centrality,
    "closeness": nx.closeness_centrality,
}


def find_node(graph: nx.Graph, name: str) -> str:
    """The node a name refers to: an IRI, a prefixed name, a label or an alias.

    Raises
    ------
    QueryError
        When nothing matches, or a label matches more than one node.
    """
    if name in graph:
        return name
    prefix, colon, local = name.partition(":")
    if colon and prefix in PREFIXES and PREFIXES[prefix] + local in graph:
        return PREFIXES[prefix] + local
    wanted = name.strip().casefold()
    exact = [n for n, d in graph.nodes(data=True) if str(d.get("label", "")).casefold() == wanted]
    if len(exact) == 1:
        return str(exact[0])
    aliases = [n for n, d in graph.nodes(data=True) if wanted in _aliases(d)]
    matches = exact or aliases
    if len(matches) == 1:
        return str(matches[0])
    if not matches:
        raise QueryError(f"no node named {name!r}: give an IRI, a prefixed name such as :Ukraine, or a label")
    listed = ", ".join(sorted(str(m) for m in matches)[:5])
    raise QueryError(f"{name!r} could mean several nodes ({listed}): give the IRI or prefixed name")


def _aliases(data: dict[str, Any]) -> set[str]:
    """Other names of a node: its aliases, and for an actor the names that stand for it."""
    found = set()
    for key in ("skos:altLabel", "pg:metonym"):
        value = data.get(key, [])
        found |= {str(v).casefold() for v in (value if isinstance(value, list) else [value])}
    return found


def neighbours(
    graph: nx.MultiDiGraph, node: str, *, relation: str | None = None, direction: str = "out"
) -> list[str]:
    """Nodes one edge away, optionally through one relation only.

    Parameters
    ----------
    graph : networkx.MultiDiGraph
        A view from :mod:`graph.project`.
    node : str
        See :func:`find_node`.
    relation : str, optional
        Keep edges whose ``relation`` is this (``supports``, ``geo:sfWithin``...).
    direction : {"out", "in", "both"}
        Follow edges leaving the node, entering it, or both.

    Returns
    -------
    list of str
        Node keys, sorted by label.
    """
    key = find_node(graph, node)
    if direction not in ("out", "in", "both"):
        raise ValueError("direction is 'out', 'in' or 'both'")
    found = set()
    if direction in ("out", "both"):
        found |= {v for _, v, d in graph.out_edges(key, data=True) if relation in (None, d.get("relation"))}
    if direction in ("in", "both"):
        found |= {u for u, _, d in graph.in_edges(key, data=True) if relation in (None, d.get("relation"))}
    return sorted(found, key=lambda n: (str(graph.nodes[n].get("label", n)), n))


def shortest_path(graph: nx.MultiDiGraph, source: str, target: str, *, directed: bool = False) -> list[str]:
    """One shortest path between two nodes (ignoring edge direction unless ``directed``).

    Raises
    ------
    QueryError
        When no path joins them.
    """
    start, end = find_node(graph, source), find_node(graph, target)
    view = graph if directed else graph.to_undirected(as_view=True)
    try:
        return list(nx.shortest_path(view, start, end))
    except nx.NetworkXNoPath:
        raise QueryError(f"no path from {source!r} to {target!r}") from None


def all_paths(
    graph: nx.MultiDiGraph, source: str, target: str, *, cutoff: int = 4, directed: bool = False
) -> list[list[str]]:
    """Every simple path of at most ``cutoff`` edges between two nodes, shortest first."""
    start, end = find_node(graph, source), find_node(graph, target)
    view = nx.DiGraph(graph) if directed else nx.Graph(graph)
    paths = [list(p) for p in nx.all_simple_paths(view, start, end, cutoff=cutoff)]
    return sorted(paths, key=lambda p: (len(p), p))


def centrality(
    graph: nx.MultiDiGraph, *, measure: str = "degree", top: int | None = None
) -> list[tuple[str, float]]:
    """Nodes ranked by a centrality measure, highest first.

    Parameters
    ----------
    measure : str
        One of :data:`CENTRALITY`: degree, in-degree, out-degree, betweenness, closeness.
    top : int, optional
        Keep only the first ``top`` nodes.
    """
    if measure not in CENTRALITY:
        raise QueryError(f"unknown measure {measure!r}: choose one of {', '.join(CENTRALITY)}")
    simple = nx.DiGraph(graph)
    scores = CENTRALITY[measure](simple)
    ranked = sorted(
        scores.items(), key=lambda item: (-item[1], str(graph.nodes[item[0]].get("label", item[0])))
    )
    return ranked[:top] if top else ranked
