"""Exports: each format read back by a real consumer, with the provenance still on the edges."""

from __future__ import annotations

import csv
import io
import shutil
import subprocess
import xml.etree.ElementTree as ET

import networkx as nx
import pydot
import pytest
from rdflib import BNode, Dataset
from rdflib.compare import isomorphic
from rdflib.namespace import FOAF

from graph.export import FORMATS, View, export, flat_view, to_dot, write_export
from graph.namespaces import ONTOLOGY_IRI, PG, PGR

SEED = "https://w3id.org/policygraph/source/politico-2024-05-30"


@pytest.fixture(scope="module")
def entities(dataset):
    view = flat_view(dataset)
    assert view.number_of_edges() > 100
    return view


@pytest.mark.parametrize(("fmt", "reader"), [("graphml", nx.read_graphml), ("gexf", nx.read_gexf)])
def test_graphml_and_gexf_read_back_with_networkx(dataset, entities, fmt, reader):
    data = export(dataset, fmt)[FORMATS[fmt][0]]
    again = reader(io.BytesIO(data))
    assert again.number_of_nodes() == entities.number_of_nodes()
    assert again.number_of_edges() == entities.number_of_edges()
    seed_edges = [d for _, _, d in again.edges(data=True) if d.get("source") == SEED]
    assert seed_edges and all(d["confidence"] in {"medium", "low", "high"} for d in seed_edges)
    kharkiv = again.nodes[str(PGR.Kharkiv)]
    assert kharkiv["label"] == "Kharkiv" and "Kharkov" in kharkiv["skos_altLabel"]


def test_dot_parses_with_pydot_and_keeps_provenance(dataset, entities):
    text = export(dataset, "dot", view="actors")[".dot"].decode()
    [parsed] = pydot.graph_from_dot_data(text)
    actors = flat_view(dataset, "actors")
    assert len([n for n in parsed.get_nodes() if n.get_name() not in ("node", "edge", "graph")]) == len(
        actors
    )
    edges = parsed.get_edges()
    assert len(edges) == actors.number_of_edges()
    assert all(e.get("source") and e.get("confidence") is not None for e in edges)


@pytest.mark.parametrize(
    ("view", "word"), [("actors", "Ukraine"), ("entities", "Ukraine"), ("ontology", "actor")]
)
def test_dot_renders_with_graphviz(dataset, view, word, tmp_path):
    dot = shutil.which("dot")
    assert dot, "Graphviz's dot is needed: apt-get install graphviz"
    source = tmp_path / "graph.dot"
    source.write_bytes(export(dataset, "dot", view=view)[".dot"])
    result = subprocess.run([dot, "-Tsvg", str(source)], capture_output=True, timeout=300)
    assert result.returncode == 0 and not result.stderr, result.stderr
    svg = ET.fromstring(result.stdout)
    groups = [g.get("class") for g in svg.iter("{http://www.w3.org/2000/svg}g")]
    expected = flat_view(dataset, view)
    assert groups.count("node") == expected.number_of_nodes()
    assert groups.count("edge") == expected.number_of_edges()
    words = {t.text for t in svg.iter("{http://www.w3.org/2000/svg}text")}
    assert word in words
    width, height = (float(svg.get(side).removesuffix("pt")) for side in ("width", "height"))
    assert width <= 16.5 * 72 + 1 and height <= 11.7 * 72 + 1  # at most an A3 page, not a poster


def test_ontology_view_is_the_class_diagram(dataset):
    from rdflib import OWL, RDF, RDFS

    ontology = dataset.graph(ONTOLOGY_IRI)
    classes = flat_view(dataset, View.ONTOLOGY)
    links = {(u, v, d["relation"]) for u, v, d in classes.edges(data=True)}
    own = [c for c in ontology.subjects(RDF.type, OWL.Class) if str(c).startswith(str(PG))]
    assert len(own) >= 30
    for cls in own:
        for parent in ontology.objects(cls, RDFS.subClassOf):
            assert (str(cls), str(parent), "subclass of") in links
        assert classes.nodes[str(cls)]["kind"] == "class"
        assert classes.nodes[str(cls)]["label"] == str(ontology.value(cls, RDFS.label))
    properties = list(ontology.subjects(RDF.type, OWL.ObjectProperty))
    drawn = {d["property"] for _, _, d in classes.edges(data=True)}
    for prop in properties:
        domain, range_ = ontology.value(prop, RDFS.domain), ontology.value(prop, RDFS.range)
        if str(domain).startswith(str(PG)) and range_ is not None and not isinstance(range_, BNode):
            assert (str(domain), str(range_), str(ontology.value(prop, RDFS.label))) in links
            assert str(prop) in drawn
    assert classes.nodes[str(FOAF.Person)] == {"label": "foaf:Person", "kind": "reused"}
    assert not any(d.get("start") for _, d in classes.nodes(data=True))  # no decision dates here


def test_an_unknown_view_is_refused(dataset):
    with pytest.raises(ValueError, match="choose entities, actors, ontology"):
        flat_view(dataset, "classes")


def test_the_command_offers_every_view():
    from graph.cli import export as command

    [option] = [p for p in command.params if p.name == "view"]
    assert list(option.type.choices) == [v.value for v in View]


def test_dot_escapes_what_would_break_it():
    graph = nx.MultiDiGraph(name='a "name"')
    graph.add_node('x"y', label='quote " and \\ backslash\nnewline')
    graph.add_edge('x"y', "z", relation="r", source="s")
    [parsed] = pydot.graph_from_dot_data(to_dot(graph))
    assert len(parsed.get_edges()) == 1


def test_mermaid_has_a_node_per_entity_and_provenance_per_edge(dataset):
    text = export(dataset, "mermaid", view="actors")[".mmd"].decode()
    actors = flat_view(dataset, "actors")
    lines = text.splitlines()
    assert lines[0] == "flowchart LR"
    assert sum('["' in line for line in lines) == len(actors)
    arrows = [line for line in lines if "-->|" in line]
    comments = [line for line in lines if line.strip().startswith("%%")]
    assert len(arrows) == len(comments) == actors.number_of_edges()
    assert all("source=" in c and "confidence=" in c for c in comments)


def test_csv_node_and_edge_lists(dataset, entities, tmp_path):
    written = write_export(dataset, "csv", tmp_path / "policy.csv")
    assert sorted(p.name for p in written) == ["policy.edges.csv", "policy.nodes.csv"]
    edges = list(csv.DictReader(io.StringIO((tmp_path / "policy.edges.csv").read_text())))
    nodes = list(csv.DictReader(io.StringIO((tmp_path / "policy.nodes.csv").read_text())))
    assert len(edges) == entities.number_of_edges() and len(nodes) == entities.number_of_nodes()
    assert {"Source", "Target", "Type", "Label", "relation", "source", "confidence", "attributed_to"} <= set(
        edges[0]
    )
    assert {"Id", "Label", "type"} <= set(nodes[0]) and all(e["Type"] == "Directed" for e in edges)


@pytest.mark.parametrize(
    ("fmt", "rdf_format"), [("jsonld", "json-ld"), ("nquads", "nquads"), ("trig", "trig")]
)
def test_rdf_formats_round_trip(dataset, fmt, rdf_format):
    data = export(dataset, fmt)[FORMATS[fmt][0]]
    again = Dataset()
    again.parse(data=data.decode(), format=rdf_format)
    names = {g.identifier for g in dataset.graphs() if len(g) and g.identifier != ONTOLOGY_IRI}
    assert {g.identifier for g in again.graphs() if len(g)} == names
    for name in names:
        assert isomorphic(dataset.graph(name), again.graph(name)), name
    if fmt == "jsonld":
        assert '"@context"' in data.decode() and "w3id.org/policygraph/id/" in data.decode()


def test_unknown_format_and_view(dataset):
    with pytest.raises(ValueError, match="unknown format"):
        export(dataset, "xlsx")
    with pytest.raises(ValueError, match="unknown view"):
        flat_view(dataset, "places")


def test_export_command(tmp_path):
    import subprocess
    import sys

    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "graph.cli",
            "export",
            "-f",
            "graphml",
            "--view",
            "actors",
            "-o",
            str(tmp_path / "actors.graphml"),
        ],
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stderr
    assert nx.read_graphml(tmp_path / "actors.graphml").number_of_nodes() > 10


@pytest.fixture(scope="module")
def generated(tmp_path_factory):
    """A generated corpus: it has decisions revoked as a whole, which the bundled one has not."""
    from graph.generate import generate
    from graph.load import load

    folder = tmp_path_factory.mktemp("generated")
    generate(folder, triples=6000, seed=1)
    return load([folder]).dataset


@pytest.mark.parametrize("view", ["actors", "entities"])
def test_gexf_is_dynamic_with_each_decision_s_interval(generated, view, tmp_path):
    from graph.project import node_id
    from graph.queries import get_query, run_query

    expected = {}
    for row in run_query(generated, get_query("policy-intervals")):
        during = (str(row["start"]), None if row["end"] is None else str(row["end"]))
        expected[str(row["policy"])] = expected[node_id(row["policy"])] = during
    assert any(end is not None for _, end in expected.values()), "the generated corpus revokes nothing"
    [path] = write_export(generated, "gexf", tmp_path / "g.gexf", view=view)
    assert ET.parse(path).getroot().find("{*}graph").get("mode") == "dynamic"
    read = nx.read_gexf(path)
    timed = [(d, d.get("via") or d.get("claim")) for _, _, d in read.edges(data=True) if "start" in d]
    assert timed, "no edge carries a time interval"
    ended = 0
    for data, decision in timed:
        start, end = expected[decision]
        assert data["start"] == start
        assert data.get("end") == end
        ended += end is not None
    assert ended, "no edge ends, although some decisions were revoked"


def test_an_export_goes_to_the_file_named(dataset, tmp_path):
    assert write_export(dataset, "mermaid", tmp_path / "x.mermaid") == [tmp_path / "x.mermaid"]
    assert write_export(dataset, "mermaid", tmp_path / "plain") == [tmp_path / "plain.mmd"]
    assert (tmp_path / "x.mermaid").read_text().startswith("flowchart")
    written = write_export(dataset, "csv", tmp_path / "both.nodes.csv")
    assert sorted(p.name for p in written) == ["both.edges.csv", "both.nodes.csv"]
