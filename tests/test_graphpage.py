"""The interactive graph page's data and file: complete, inline, escaped, written atomically."""

from __future__ import annotations

import re
import subprocess
import sys

from rdflib import Literal
from rdflib.namespace import SKOS

from graph.export import flat_view
from graph.graphpage import graph_data, graph_page
from graph.load import load
from graph.namespaces import PGR


def test_every_edge_of_both_views_is_there_with_its_sources(dataset):
    data = graph_data(dataset)
    for name, view in data["views"].items():
        flat = flat_view(dataset, name)
        ids = {n["id"] for n in view["nodes"]}
        assert ids == set(flat.nodes)
        assert sum(len(e["claims"]) for e in view["edges"]) == flat.number_of_edges()
        assert len({(e["s"], e["t"], e["relation"]) for e in view["edges"]}) == len(view["edges"])
        for edge in view["edges"]:
            assert edge["s"] in ids and edge["t"] in ids
            assert all(c["source"] in data["sources"] for c in edge["claims"])
        assert all(0 <= n["x"] <= 1000 and 0 <= n["y"] <= 700 for n in view["nodes"])
    dated = [c["date"] for v in data["views"].values() for e in v["edges"] for c in e["claims"]]
    assert all(re.fullmatch(r"\d{4}(-\d{2}){0,2}", d) for d in dated if d)
    assert sum(1 for d in dated if d) > len(dated) / 2  # undated: reference facts that no report dates


def test_the_page_loads_nothing_and_escapes_what_it_embeds():
    dataset = load().dataset
    hostile = "</script><script>alert(1)</script>"
    dataset.graph(PGR.Ukraine).add((PGR.Ukraine, SKOS.altLabel, Literal(hostile)))  # a graph of its own
    dataset.graph(next(iter(g.identifier for g in dataset.graphs() if "politico" in str(g.identifier)))).add(
        (PGR.Ukraine, SKOS.altLabel, Literal(hostile))
    )
    page = graph_page(dataset)
    assert hostile not in page and page.count("<script") == 3  # the library, the data, the page's own
    assert not re.search(r"""(src|href)\s*=\s*["']?(https?:)?//""", page)
    # a placeholder written in the data stays text: it is not filled in with the library
    dataset.graph(PGR.Ukraine).add((PGR.Ukraine, SKOS.altLabel, Literal("/*CYTOSCAPE*/")))
    assert graph_page(dataset).count("Cytoscape Consortium") == page.count("Cytoscape Consortium") == 1


def test_plot_html_command(tmp_path):
    out = tmp_path / "graph.html"
    result = subprocess.run(
        [sys.executable, "-m", "graph.cli", "plot", "--html", "-o", str(out)],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stderr
    assert out.read_text().startswith("<!DOCTYPE html>") and "graph-data" in out.read_text()
    wrong = subprocess.run(
        [sys.executable, "-m", "graph.cli", "plot", "--html", "-o", str(tmp_path / "graph.png")],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert (
        wrong.returncode == 2
        and "must end in .html" in wrong.stderr
        and not (tmp_path / "graph.png").exists()
    )
