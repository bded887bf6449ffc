"""Neighbours, paths and centrality on the actor network, with nodes named as people name them."""

from __future__ import annotations

import pytest

from graph.analyze import all_paths, centrality, find_node, neighbours, shortest_path
from graph.errors import QueryError
from graph.namespaces import PGR
from graph.project import actor_view


@pytest.fixture(scope="module")
def actors(dataset):
    return actor_view(dataset)


def _labels(G, nodes):
    return [G.nodes[n]["label"] for n in nodes]


def test_find_node_by_iri_prefix_label_and_alias(actors):
    ukraine = str(PGR.Ukraine)
    assert find_node(actors, ukraine) == ukraine
    assert find_node(actors, ":Ukraine") == ukraine
    assert find_node(actors, "ukraine") == ukraine
    assert find_node(actors, "Kyiv") == ukraine
    assert find_node(actors, "White House") == str(PGR.UnitedStates)
    with pytest.raises(QueryError, match="no node named 'Atlantis'"):
        find_node(actors, "Atlantis")


def test_neighbours_by_relation_and_direction(actors):
    assert _labels(actors, neighbours(actors, "Ukraine", relation="supports", direction="in")) == [
        "France",
        "United Kingdom",
    ]
    assert _labels(actors, neighbours(actors, "United States", relation="authorises")) == ["Ukraine"]
    assert neighbours(actors, "Ukraine", relation="authorises") == []
    both = _labels(actors, neighbours(actors, "Ukraine", direction="both"))
    assert {"United States", "Russian Armed Forces", "France"} <= set(both)


def test_paths_between_two_actors(actors):
    assert _labels(actors, shortest_path(actors, "France", "Russia")) == [
        "France",
        "Ukraine",
        "Russian Armed Forces",
        "Russia",
    ]
    paths = all_paths(actors, "Joe Biden", "Ukraine", cutoff=3)
    assert paths and _labels(actors, paths[0]) == ["Joe Biden", "United States", "Ukraine"]
    assert all(len(p) <= 4 for p in paths)
    with pytest.raises(QueryError, match="no path"):
        shortest_path(actors, "Russia", "France", directed=True)


def test_centrality_ranks_the_hubs_first(actors):
    ranked = centrality(actors, measure="betweenness")
    assert {actors.nodes[n]["label"] for n, _ in ranked[:2]} == {"Ukraine", "United States"}
    assert ranked == sorted(ranked, key=lambda item: -item[1])
    assert len(centrality(actors, top=3)) == 3
    with pytest.raises(QueryError, match="unknown measure"):
        centrality(actors, measure="pagerankk")
