"""Analyse the graph with networkx: centrality, neighbours, paths, and back to RDF.

python examples/analyse_network.py
"""

from rdflib import Graph, Literal, URIRef
from rdflib.compare import isomorphic
from rdflib.namespace import RDF

from graph import actor_view, all_paths, centrality, load, neighbours, to_dataset, to_networkx


def main() -> None:
    dataset = load().dataset
    actors = actor_view(dataset)
    label = {n: d["label"] for n, d in actors.nodes(data=True)}

    print("Most central actors (betweenness):")
    for node, score in centrality(actors, measure="betweenness", top=3):
        print(f"  {score:.3f}  {label[node]}")

    supporters = neighbours(actors, "Ukraine", relation="supports", direction="in")
    print("Support Ukraine's right to strike inside Russia:", ", ".join(label[n] for n in supporters))

    print("How the United Kingdom connects to Russia:")
    for path in all_paths(actors, "UK", "Russia", cutoff=3):
        print("  " + " - ".join(label[n] for n in path))

    # the entity graph keeps every relation with its source; its edges turn back into the same quads
    entities = to_networkx(dataset)
    print(f"entity graph: {entities.number_of_nodes()} nodes, {entities.number_of_edges()} edges")
    seed = URIRef("https://w3id.org/policygraph/source/politico-2024-05-30")
    relations = Graph()
    for s, p, o in dataset.graph(seed):
        if p != RDF.type and not isinstance(o, Literal):
            relations.add((s, p, o))
    back = to_dataset(entities).graph(seed)
    print(
        f"the seed report's {len(relations)} relations survive the round trip: {isomorphic(back, relations)}"
    )


if __name__ == "__main__":
    main()
