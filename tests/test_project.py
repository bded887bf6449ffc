"""The networkx views: literals as attributes, provenance on edges, and the round trip back to RDF."""

from __future__ import annotations

from rdflib import BNode, Dataset, Literal, URIRef
from rdflib.compare import isomorphic
from rdflib.namespace import RDF

from graph.namespaces import ONTOLOGY_IRI, PGR, SRC
from graph.project import actor_view, node_id, to_dataset, to_networkx

SEED = str(SRC["politico-2024-05-30"])


def test_literals_are_attributes_not_nodes(dataset):
    G = to_networkx(dataset)
    assert all(not str(n).startswith('"') for n in G)
    blinken = G.nodes[str(PGR.AntonyBlinken)]
    assert blinken["label"] == "Antony Blinken"
    assert blinken["type"] == "pg:Person"
    assert set(blinken["skos:altLabel"]) == {"Secretary Blinken", "Tony Blinken"}
    literal_nodes = {node_id(o) for o in dataset.objects() if isinstance(o, Literal)}
    assert not literal_nodes & set(G)


def test_edges_carry_predicate_source_and_claim_qualifiers(dataset):
    G = to_networkx(dataset)
    edges = G.get_edge_data(str(PGR["us-kharkiv-counterfire-2024"]), str(PGR.JoeBiden))
    [data] = [d for d in edges.values() if d["source"] == SEED]
    assert data["relation"] == "pg:decidedBy"
    assert data["source"] == SEED
    assert data["confidence"] == "medium"
    assert data["attributed_to"] == ":politico-2024-05-30-familiar;:politico-2024-05-30-us-officials"
    # an edge inside a rule carries the qualifiers of the policy the rule belongs to
    inside = [
        d
        for u, v, d in G.edges(data=True)
        if v == str(PGR.KharkivOblast) and d["relation"] == "odrl:rightOperand" and d["source"] == SEED
    ]
    assert inside and all(d["claim"] == str(PGR["us-kharkiv-counterfire-2024"]) for d in inside)
    assert all(d["confidence"] == "medium" for d in inside)


def test_ontology_is_left_out_unless_asked(dataset):
    assert str(ONTOLOGY_IRI) not in to_networkx(dataset).graph["sources"]
    assert str(ONTOLOGY_IRI) in to_networkx(dataset, include_ontology=True).graph["sources"]


def test_round_trip_edges_back_to_the_same_quads(dataset):
    G = to_networkx(dataset)
    back = to_dataset(G)
    compared = 0
    for name in G.graph["sources"]:
        original = dataset.graph(URIRef(name))
        expected = Dataset().graph(URIRef(name))
        for s, p, o in original:
            if p != RDF.type and isinstance(o, URIRef | BNode):
                expected.add((s, p, o))
        assert len(expected) > 0
        assert isomorphic(back.graph(URIRef(name)), expected), name
        compared += 1
    assert compared == len(G.graph["sources"]) >= 2


def test_actor_view_relations(dataset):
    A = actor_view(dataset)
    label = {n: d["label"] for n, d in A.nodes(data=True)}
    relations = {(label[u], d["relation"], label[v]) for u, v, d in A.edges(data=True)}
    assert {
        ("United States", "authorises", "Ukraine"),
        ("United States", "restricts", "Ukraine"),
        ("United States", "supplies", "Ukraine"),
        ("Ukraine", "requests", "United States"),
        ("United Kingdom", "supports", "Ukraine"),
        ("France", "supports", "Ukraine"),
        ("Russian Armed Forces", "attacks", "Ukraine"),
        ("Joe Biden", "part of", "United States"),
    } <= relations
    assert A.nodes[str(PGR.UnitedStates)]["kind"] == "State"
    assert A.nodes[str(PGR.JoeBiden)]["kind"] == "Person"
    seed_policy = str(PGR["us-kharkiv-counterfire-2024"])
    authorises = {(d["source"], d["confidence"]) for _, _, d in A.edges(data=True) if d["via"] == seed_policy}
    assert (SEED, "medium") in authorises
    grantors = {A.nodes[u]["label"] for u, _, d in A.edges(data=True) if d["relation"] == "authorises"}
    assert grantors == {"United States", "United Kingdom", "France", "Germany"}
