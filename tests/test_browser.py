"""The query page and the graph page in headless Chromium: they render, run queries, filter and explain."""

from __future__ import annotations

from datetime import date

import pytest
from conftest import assert_not_blank, decide_by_names, offline_context

from graph.graphpage import graph_data, write_graph_page
from graph.queries import get_query, run_query

pytestmark = pytest.mark.slow  # every test here drives a real Chromium


@pytest.fixture()
def page(browser):
    context = browser.new_context(viewport={"width": 1400, "height": 900})
    opened = context.new_page()
    opened.errors = []
    opened.on("pageerror", lambda error: opened.errors.append(str(error)))
    yield opened
    context.close()


def test_a_named_query_runs_through_the_query_page(page, endpoint, dataset, tmp_path):
    requested: list[str] = []
    page.on("request", lambda request: requested.append(request.url))
    page.goto(endpoint.url)
    page.click("button[data-query='cq4-supporters']")
    assert "VALUES" in page.input_value("#editor")
    page.click("#run")
    page.wait_for_selector("#result-table tbody tr")
    expected = run_query(dataset, get_query("cq4-supporters"))
    cells = page.locator("#result-table tbody tr td:first-child")
    assert cells.count() == len(expected) > 0
    shown = {cells.nth(i).get_attribute("title") for i in range(cells.count())}
    assert shown == {str(row["actor"]) for row in expected}
    assert page.inner_text("#status").startswith(f"{len(expected)} row")
    page.screenshot(path=tmp_path / "query-page.png")
    assert_not_blank(tmp_path / "query-page.png")
    assert requested and all(url.startswith(endpoint.url) for url in requested)
    assert page.errors == []


def test_a_bad_query_shows_the_parsers_message(page, endpoint):
    page.goto(endpoint.url)
    page.fill("#editor", "SELEC ?x")
    page.click("#run")
    page.wait_for_selector("#error:not(.hidden)")
    assert "400" in page.inner_text("#error") and "SPARQL syntax error" in page.inner_text("#error")


def test_the_policy_check_form_decides_as_the_engine(page, endpoint, dataset):
    page.goto(endpoint.url)
    page.click("#tab-check")
    page.fill("input[name=place]", "Moscow")
    page.click("#decide")
    page.wait_for_selector("#outcome")
    expected = decide_by_names(
        dataset,
        weapon="rocket",
        supplier="United States",
        target_type="massing troops",
        place="Moscow",
        day=date(2024, 6, 5),
    )
    assert page.inner_text("#outcome") == expected.outcome
    assert "rules considered" in page.inner_text("#decision")


@pytest.fixture(scope="module")
def graph_file(dataset, tmp_path_factory):
    return write_graph_page(dataset, tmp_path_factory.mktemp("page") / "graph.html")


def _shown(page) -> tuple[int, int]:
    shown = page.locator("#shown")
    return int(shown.get_attribute("data-nodes")), int(shown.get_attribute("data-edges"))


def _visible(page, selector: str) -> set[str]:
    """The ids of the elements Cytoscape shows (not hidden by a filter or a focus)."""
    return set(page.evaluate(f"cy.$({selector!r}).filter((e) => !e.hasClass('hidden')).map((e) => e.id())"))


@pytest.fixture()
def graph_page(browser, graph_file):
    """The graph page open in Chromium with the network off; no error and no outside request allowed."""
    context, outside = offline_context(browser, viewport={"width": 1400, "height": 900})
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.goto(graph_file.as_uri())
    page.wait_for_function("window.cy && cy.nodes().length > 0")
    yield page
    assert errors == [] and outside == []
    context.close()


@pytest.fixture(scope="module")
def actors(dataset):
    return graph_data(dataset)["views"]["actors"]


def test_the_graph_page_colours_relations_filters_and_finds(graph_page, actors):
    page = graph_page
    linked = {e["s"] for e in actors["edges"]} | {e["t"] for e in actors["edges"]}
    assert _shown(page) == (len(linked), len(actors["edges"]))
    assert _visible(page, "node") == linked
    # edges coloured by relation, with a legend line beside each relation's box
    colours = page.evaluate(
        "Object.fromEntries(cy.edges().map((e) => [e.data('relation'), e.style('line-color')]))"
    )
    assert len(set(colours.values())) == len(colours) > 3
    assert page.locator("#f-relation .line").count() == len(colours)
    supports = sum(1 for e in actors["edges"] if e["relation"] == "supports")
    assert supports > 0
    page.uncheck("#f-relation input[data-value='supports']")
    assert _shown(page)[1] == len(actors["edges"]) - supports
    page.check("#f-relation input[data-value='supports']")
    # search selects and centres, and says what it found
    page.fill("#search", "United Kingdom")
    page.press("#search", "Enter")
    assert page.inner_text("#found") == "1 found"
    assert page.evaluate("cy.$(':selected').map((n) => n.data('label'))") == ["United Kingdom"]
    assert "src:uk-gov-2023-05-11-storm-shadow" in page.inner_text("#details")
    page.fill("#search", "Atlantis")
    page.press("#search", "Enter")
    assert page.inner_text("#found") == "nothing found"


def test_the_graph_page_focuses_a_neighbourhood_and_moves_in_time(graph_page, actors):
    page = graph_page
    edges = actors["edges"]
    linked = {e["s"] for e in edges} | {e["t"] for e in edges}
    uk = "https://w3id.org/policygraph/id/UnitedKingdom"
    page.evaluate(f"focusOn({uk!r})")
    neighbours = {uk} | {e["t"] for e in edges if e["s"] == uk} | {e["s"] for e in edges if e["t"] == uk}
    assert _visible(page, "node") == neighbours
    page.click("#expand")
    assert neighbours < _visible(page, "node")
    page.click("#collapse")
    assert _visible(page, "node") == neighbours
    page.click("#unfocus")
    assert _visible(page, "node") == linked
    # the day slider: what had been reported, and was in force, on the earliest day
    earliest = min(c["date"] for e in edges for c in e["claims"] if c["date"])
    page.locator("#date").fill("0")
    assert page.inner_text("#date-label") == earliest
    known = sum(1 for e in edges if any(not c["date"] or c["date"] <= earliest for c in e["claims"]))
    assert _shown(page)[1] <= known < len(edges)
    page.locator("#date").fill(str(page.locator("#date").get_attribute("max")))
    assert _shown(page)[1] == len(edges)


def test_the_graph_page_lays_out_and_groups_by_type(graph_page, actors, dataset, tmp_path):
    page = graph_page
    page.select_option("#layout", "concentric")
    assert _shown(page)[1] == len(actors["edges"])
    page.click("button[data-view='entities']")
    entities = graph_data(dataset)["views"]["entities"]
    assert _shown(page)[1] == len(entities["edges"])
    page.check("#group")
    assert page.evaluate("cy.nodes(':parent').length") == len({n["type"] for n in entities["nodes"]})
    page.screenshot(path=tmp_path / "graph-page.png")
    assert_not_blank(tmp_path / "graph-page.png")
