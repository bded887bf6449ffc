"""Take screenshots of the query page, the graph page and the briefing in headless Chromium.

Serves the bundled corpus on a free loopback port, runs a competency question in its
tab of the query page (YASGUI), opens the interactive graph page (Cytoscape.js) with
the United Kingdom found, the briefing for 2024-06-05 and the documentation site's
front page (built with MkDocs from ``mkdocs.yml``) with the network off, and writes four
PNG files. Needs Chromium (Debian's ``chromium``, or set POLICYGRAPH_CHROMIUM),
Playwright and the docs extra.

    python examples/take_screenshots.py --out examples/screenshots
"""

from __future__ import annotations

import argparse
import os
import tempfile
from datetime import date
from pathlib import Path

from mkdocs.commands.build import build as build_site
from mkdocs.config import load_config
from playwright.sync_api import sync_playwright

from graph.graphpage import write_graph_page
from graph.load import load
from graph.report import make_report, write_report
from graph.server import Endpoint

ROOT = Path(__file__).resolve().parent.parent
FLAGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update"]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", default="screenshots", help="the folder to write the PNG files to")
    args = parser.parse_args()
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    dataset = load().dataset
    chromium = os.environ.get("POLICYGRAPH_CHROMIUM", "/usr/bin/chromium")

    with tempfile.TemporaryDirectory() as scratch, sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=chromium, args=FLAGS)
        size = {"width": 1440, "height": 900}

        with Endpoint(dataset, port=0, quiet=True) as endpoint:
            endpoint.start()
            page = browser.new_page(viewport={"width": 1440, "height": 1000})
            page.goto(endpoint.url)
            page.wait_for_function("window.yasgui && yasgui.getTab()")
            page.click("button[data-query='cq4-supporters']")
            page.locator(".CodeMirror:visible").click()
            page.keyboard.press("Control+Enter")
            page.wait_for_selector(".yasr:visible .pg-label")
            page.screenshot(path=out / "query-page.png")
            page.close()

        offline = browser.new_context(offline=True, viewport=size)
        page = offline.new_page()
        graph_file = write_graph_page(dataset, Path(scratch) / "graph.html")
        page.goto(graph_file.as_uri())
        page.wait_for_function("window.cy && cy.nodes().length > 0")
        page.fill("#search", "United Kingdom")
        page.press("#search", "Enter")
        page.wait_for_function("document.getElementById('found').textContent === '1 found'")
        page.evaluate("cy.stop(); cy.fit(cy.elements(':visible'), 30)")  # the whole network, one actor found
        page.screenshot(path=out / "graph-page.png")

        html, _, _ = write_report(make_report(dataset, day=date(2024, 6, 5)), Path(scratch) / "briefing")
        page.goto(html.as_uri())
        page.screenshot(path=out / "briefing.png")

        site = Path(scratch) / "site"
        build_site(
            load_config(str(ROOT / "mkdocs.yml"), site_dir=str(site), strict=False)
        )  # it shows this shot
        page.goto((site / "index.html").as_uri())
        page.screenshot(path=out / "docs-site.png")
        browser.close()

    names = ["query-page.png", "graph-page.png", "briefing.png", "docs-site.png"]
    print(f"wrote {len(names)} screenshots to {out}: {', '.join(names)}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
