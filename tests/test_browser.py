"""The query page and the graph page in headless Chromium: they render, run queries, filter and explain."""

from __future__ import annotations

import re
from datetime import date

import pytest
from conftest import assert_not_blank, decide_by_names, offline_context
from playwright.sync_api import expect

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


@pytest.fixture()
def query_page(browser, endpoint):
    """The query page open in Chromium; only the endpoint itself may be asked for anything."""
    # the network stays on for the endpoint on loopback; any other request is refused and recorded
    context = browser.new_context(viewport={"width": 1440, "height": 900})
    outside: list[str] = []
    context.route(
        "**/*",
        lambda route: (
            route.continue_()
            if route.request.url.startswith(endpoint.url)
            else (outside.append(route.request.url), route.abort())
        ),
    )
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.goto(endpoint.url)
    page.wait_for_function("window.yasgui && yasgui.getTab()")
    yield page
    assert errors == [] and outside == []
    context.close()


def _run(page, text=None):
    if text is not None:
        page.evaluate("(text) => yasgui.getTab().getYasqe().setValue(text)", text)
    page.locator(".CodeMirror:visible").click()
    page.keyboard.press("Control+Enter")


def test_yasgui_runs_a_query_shows_labels_and_sorts(query_page, dataset, tmp_path):
    page = query_page
    text = "SELECT ?state ?label WHERE { ?state a pg:State ; rdfs:label ?label } ORDER BY ?label"
    _run(page, text)
    page.wait_for_selector(".yasr:visible table tbody tr")
    expected = [str(row["label"]) for row in run_query(dataset, text)]
    rows = page.locator(".yasr:visible table tbody tr")
    assert rows.count() == len(expected) > 3
    # each IRI has its label beside it, fetched from the endpoint
    page.wait_for_selector(".yasr:visible .pg-label")
    assert page.locator(".yasr:visible .pg-label").first.inner_text() == expected[0]
    # sorting by a column: the header toggles ascending and descending
    header = page.locator(".yasr:visible table thead th", has_text="label")
    header.click()
    expect(header).to_have_class(re.compile(r"dt-ordering-asc"))
    header.click()
    expect(header).to_have_class(re.compile(r"dt-ordering-desc"))
    first = page.locator(".yasr:visible table tbody tr").first
    expect(first).to_contain_text(expected[-1])
    assert expected[0] not in first.inner_text()
    page.screenshot(path=tmp_path / "query-page.png")
    assert_not_blank(tmp_path / "query-page.png")


def test_a_library_query_opens_in_its_own_tab(query_page, dataset):
    page = query_page
    page.click("button[data-query='cq4-supporters']")
    assert page.evaluate("yasgui.getTab().getName()") == "cq4-supporters"
    assert "VALUES" in page.evaluate("yasgui.getTab().getYasqe().getValue()")
    _run(page)
    page.wait_for_selector(".yasr:visible table tbody tr")
    expected = run_query(dataset, get_query("cq4-supporters"))
    assert page.locator(".yasr:visible table tbody tr").count() == len(expected) > 0
    page.click("button[data-query='cq1-permissions']")
    page.click("button[data-query='cq4-supporters']")  # back to the same tab, not a new one
    names = page.evaluate("[...document.querySelectorAll('.tabPanel, .tab')].length")
    assert names >= 1 and page.evaluate("yasgui.getTab().getName()") == "cq4-supporters"
    assert page.locator("a[role=tab]", has_text="cq4-supporters").count() == 1


def test_a_bad_query_shows_the_parsers_message_not_old_results(query_page):
    page = query_page
    _run(page)
    page.wait_for_selector(".yasr:visible table tbody tr")
    _run(page, "SELEC ?x")
    page.wait_for_selector(".yasr:visible .errorResult")
    assert "SPARQL syntax error" in page.inner_text(".yasr:visible .errorResult")
    assert page.locator(".yasr:visible table tbody tr").count() == 0


def test_the_policy_check_answers_as_a_card(page, endpoint, dataset):
    page.goto(endpoint.url)
    page.click("#tab-check")
    page.fill("input[name=place]", "Belgorod Oblast")
    page.click("#decide")
    page.wait_for_selector("#card")
    expected = decide_by_names(
        dataset,
        weapon="rocket",
        supplier="United States",
        target_type="massing troops",
        place="Belgorod Oblast",
        day=date(2024, 6, 5),
    )
    shown = {"conditional": "permitted if"}.get(expected.outcome, expected.outcome)
    assert page.inner_text("#outcome") == shown
    card = page.inner_text("#card")
    assert expected.as_dict()["action"]["summary"] in card
    for alternative in expected.alternatives:
        assert alternative.rule in card
    # each source once per rule, however many claims cite it
    for rule in page.locator("#card .rule").all():
        items = rule.locator("li").all_text_contents()
        assert len(items) == len(set(items))
    assert page.errors == []


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
