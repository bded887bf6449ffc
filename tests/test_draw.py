"""Diagrams: check what was drawn (labels, colours, edges, legend), not only that a file exists."""

from __future__ import annotations

import re

import matplotlib.pyplot as plt
from matplotlib.colors import to_hex

from graph.build import policies
from graph.draw import (
    KIND_COLOURS,
    MAX_ARROWS_PER_ACTOR,
    PERMITTED,
    PROHIBITED,
    RELATION_STYLES,
    draw_actor_network,
    draw_policy,
    save,
)
from graph.namespaces import PGR
from graph.project import actor_view


def _texts(ax):
    return [t.get_text() for t in ax.texts]


def test_actor_network_draws_every_actor_and_relation(dataset):
    A = actor_view(dataset)
    drawing = draw_actor_network(A)
    assert set(drawing.labels) == {d["label"] for _, d in A.nodes(data=True)}
    drawn_text = " ".join(_texts(drawing.ax)).replace("\n", " ")
    assert all(label in drawn_text for label in drawing.labels)
    assert sorted(drawing.edges) == sorted({(u, v, d["relation"]) for u, v, d in A.edges(data=True)})
    assert len(drawing.ax.patches) == len(drawing.edges) < A.number_of_edges()


def test_a_large_network_is_drawn_as_its_most_connected_actors(dataset):
    A = actor_view(dataset)
    assert A.number_of_nodes() > 10
    drawing = draw_actor_network(A, max_actors=10)
    degree = dict(A.degree())
    kept = set(drawing.positions)
    assert len(kept) == 10 and drawing.hidden == A.number_of_nodes() - 10
    # nobody left out has more claimed relations than anybody drawn
    assert min(degree[n] for n in kept) >= max(degree[n] for n in A if n not in kept)
    assert all(u in kept and v in kept for u, v, _ in drawing.edges)
    assert sorted(drawing.edges) == sorted(
        {(u, v, d["relation"]) for u, v, d in A.subgraph(kept).edges(data=True)}
    )
    assert drawing.note.startswith(f"The 10 most connected of {A.number_of_nodes()} actors; ")
    assert draw_actor_network(A).hidden == 0


def test_a_dense_network_shows_the_relations_most_claims_make():
    import networkx as nx

    network = nx.MultiDiGraph()
    actors = [f"a{i}" for i in range(6)]
    for node in actors:
        network.add_node(node, label=node.upper(), kind="State")
    for u in actors:
        for v in actors:
            if u != v:
                for relation in ("supports", "authorises", "restricts"):
                    claims = 3 if relation == "supports" else 1  # support is claimed three times
                    for claim in range(claims):
                        network.add_edge(u, v, relation=relation, source=f"s{claim}")
    drawing = draw_actor_network(network, max_actors=6)
    assert len(drawing.edges) == MAX_ARROWS_PER_ACTOR * 6 < 90
    assert drawing.hidden_relations == 90 - len(drawing.edges)
    # the support arrows (each claimed three times) are drawn before any other relation
    assert {relation for *_, relation in drawing.edges} == {"supports"}
    assert "others are not drawn" in drawing.note


def test_actor_network_colours_and_legend(dataset):
    drawing = draw_actor_network(actor_view(dataset))
    assert drawing.node_colours[str(PGR.Ukraine)] == KIND_COLOURS["State"]
    assert drawing.node_colours[str(PGR.JoeBiden)] == KIND_COLOURS["Person"]
    assert drawing.edge_colours["authorises"] == PERMITTED
    assert drawing.edge_colours["restricts"] == PROHIBITED
    arrow_colours = {to_hex(p.get_edgecolor()) for p in drawing.ax.patches}
    assert {PERMITTED, PROHIBITED, RELATION_STYLES["supports"][0]} <= arrow_colours
    legend = [t.get_text() for t in drawing.ax.get_legend().get_texts()]
    assert legend == drawing.legend and {"state", "person", "authorises", "restricts", "supports"} <= set(
        legend
    )
    assert drawing.ax.get_title(loc="left") == "Actors and how they relate"
    assert drawing.note.startswith("Sources: ") and "politico-2024-05-30" in drawing.note


def test_actor_labels_do_not_overlap(dataset):
    drawing = draw_actor_network(actor_view(dataset))
    figure = drawing.ax.figure
    figure.canvas.draw()
    renderer = figure.canvas.get_renderer()
    boxes = [t.get_window_extent(renderer) for t in drawing.label_artists.values()]
    assert len(boxes) == len(drawing.labels) == len(actor_view(dataset))
    overlaps = [
        (i, j) for i in range(len(boxes)) for j in range(i + 1, len(boxes)) if boxes[i].overlaps(boxes[j])
    ]
    assert overlaps == []


def test_actor_network_filters_relations(dataset):
    drawing = draw_actor_network(actor_view(dataset), relations=["supports"])
    assert {r for _, _, r in drawing.edges} == {"supports"}
    assert set(drawing.labels) == {"France", "United Kingdom", "Ukraine"}


def test_policy_boxes_do_not_overlap(dataset):
    for policy in policies(dataset):
        drawing = draw_policy(dataset, policy)
        drawing.ax.figure.canvas.draw()
        renderer = drawing.ax.figure.canvas.get_renderer()
        boxes = [t.get_bbox_patch().get_window_extent(renderer) for t in drawing.label_artists.values()]
        assert len(boxes) == len(drawing.labels) >= 3
        overlaps = [
            (i, j) for i in range(len(boxes)) for j in range(i + 1, len(boxes)) if boxes[i].overlaps(boxes[j])
        ]
        assert overlaps == [], policy


def test_policy_diagram_shows_who_may_do_what_where(dataset):
    policy = PGR["us-kharkiv-counterfire-2024"]
    drawing = draw_policy(dataset, policy)
    labels = set(drawing.labels)
    assert {"United States", "Ukraine"} <= labels
    assert "MAY: counter-fire across the border from Kharkiv Oblast" in labels
    assert "MAY NOT: no strikes on civilian infrastructure" in labels
    assert "across the border from Kharkiv Oblast" in labels  # reads as English: no "from is"
    assert "place within Russia" in labels
    assert not any(label.endswith("Russia, Russia") for label in labels)
    rule_colours = {
        text: drawing.node_colours[key] for text, key in drawing.labels.items() if text.startswith("MAY")
    }
    assert {c for t, c in rule_colours.items() if t.startswith("MAY:")} == {PERMITTED}
    assert {c for t, c in rule_colours.items() if t.startswith("MAY NOT")} == {PROHIBITED}
    # "within Russia" is a condition of the permission and of a prohibition: one box, a green and a red edge
    within = drawing.labels["place within Russia"]
    assert {kind for _, v, kind in drawing.edges if v == within} == {"permission", "prohibition"}
    assert drawing.title.endswith("US permission for counter-fire into Russia near Kharkiv")


def test_functions_draw_on_a_given_axes_and_save_png_and_svg(dataset, tmp_path):
    _figure, (left, right) = plt.subplots(1, 2)
    assert draw_actor_network(actor_view(dataset), ax=left).ax is left
    drawing = draw_policy(dataset, policies(dataset)[0], ax=right)
    assert drawing.ax is right
    save(drawing, str(tmp_path / "both.svg"))
    svg = (tmp_path / "both.svg").read_text()
    assert "<svg" in svg and "Ukraine" in svg
    drawing = draw_actor_network(actor_view(dataset))
    save(drawing, str(tmp_path / "actors.png"))
    assert (tmp_path / "actors.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_every_condition_reads_as_english(dataset):
    labels = set()
    for policy in policies(dataset):
        labels |= set(draw_policy(dataset, policy).labels)
        plt.close("all")
    assert "purpose is air defence or counter-fire" in labels
    assert "target type is attack aircraft, attacking forces, incoming missile or massing troops" in labels
    for label in labels:
        assert " is one of " not in label and not re.search(r"\b(from|within|to) is\b", label), label
        values = label.split(" is ", 1)[-1].replace(" or ", ", ").split(", ")
        assert len(values) == len(set(values)), label  # each name once
