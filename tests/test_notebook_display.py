"""Query answers, decisions and drawings display themselves in Jupyter."""

from __future__ import annotations

from datetime import date

from graph.draw import draw_actor_network
from graph.namespaces import PG, PGR
from graph.policy import Action, PolicyEngine
from graph.project import actor_view
from graph.queries import get_query, run_query


def test_rows_show_as_an_html_table(dataset):
    html = run_query(dataset, get_query("cq4-supporters"))._repr_html_()
    assert html.startswith("<table><thead><tr><th>actor</th>")
    assert html.count("<tr>") == 5 and ":UnitedKingdom" in html and html.endswith("<p>4 rows</p>")
    assert run_query(dataset, "ASK { :Kharkiv a pg:City }")._repr_html_() == "<p>yes</p>"


def test_values_are_escaped(dataset):
    html = run_query(dataset, 'SELECT ?x WHERE { BIND("<script>alert(1)</script>" AS ?x) }')._repr_html_()
    assert "<script>" not in html and "&lt;script&gt;" in html


def test_a_decision_shows_its_outcome_in_colour(dataset):
    decision = PolicyEngine(dataset).decide(
        Action(
            actor=PGR.Ukraine,
            weapon=PGR.HIMARS,
            place=PGR.Moscow,
            target_type=PG.AttackingForces,
            day=date(2024, 6, 20),
        )
    )
    html = decision._repr_html_()
    assert html.startswith('<p><b style="color:#d73027">PROHIBITED</b>: Ukraine strikes with M142 HIMARS')
    assert "no strikes on Moscow" in html


def test_a_drawing_shows_as_svg_and_png(dataset):
    drawing = draw_actor_network(actor_view(dataset))
    svg = drawing._repr_svg_()
    assert svg.lstrip().startswith("<?xml") and "United Kingdom" in svg
    assert drawing._repr_png_()[:4] == b"\x89PNG"
