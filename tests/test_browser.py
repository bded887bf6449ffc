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


def test_the_graph_page_renders_offline_and_filters(browser, graph_file, dataset, tmp_path):
    context, outside = offline_context(browser, viewport={"width": 1400, "height": 900})
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.goto(graph_file.as_uri())
    data = graph_data(dataset)["views"]["actors"]
    linked = {e["s"] for e in data["edges"]} | {e["t"] for e in data["edges"]}
    assert _shown(page) == (len(linked), len(data["edges"]))
    assert page.locator("#nodes g.node:not(.hidden)").count() == len(linked)

    supports = sum(1 for e in data["edges"] if e["relation"] == "supports")
    assert supports > 0
    page.uncheck("#f-relation input[data-value='supports']")
    assert _shown(page)[1] == len(data["edges"]) - supports
    page.check("#f-relation input[data-value='supports']")

    earliest = min(c["date"] for e in data["edges"] for c in e["claims"] if c["date"])
    page.locator("#date").fill("0")
    dated_by_then = sum(
        1 for e in data["edges"] if any(not c["date"] or c["date"] <= earliest for c in e["claims"])
    )
    assert page.inner_text("#date-label") == earliest
    assert _shown(page)[1] == dated_by_then < len(data["edges"])
    page.locator("#date").fill(str(page.locator("#date").get_attribute("max")))

    page.click("g.node[data-id='https://w3id.org/policygraph/id/UnitedKingdom'] circle")
    details = page.inner_text("#details")
    assert "United Kingdom" in details and "src:uk-gov-2023-05-11-storm-shadow" in details

    page.click("button[data-view='entities']")
    entities = graph_data(dataset)["views"]["entities"]
    assert _shown(page)[1] == len(entities["edges"])
    page.screenshot(path=tmp_path / "graph-page.png")
    assert_not_blank(tmp_path / "graph-page.png")
    assert errors == [] and outside == []
    context.close()
