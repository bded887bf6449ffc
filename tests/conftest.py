"""Shared fixtures: the bundled corpus, loaded once, and a non-interactive plotting backend."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import matplotlib
import pytest

matplotlib.use("Agg")

from graph.load import Corpus, load
from graph.resources import corpus_files

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="session")
def corpus() -> Corpus:
    loaded = load()
    assert loaded.sources, "the bundled corpus has no sources"
    return loaded


@pytest.fixture(scope="session")
def dataset(corpus):
    return corpus.dataset


@pytest.fixture()
def corpus_copy(tmp_path: Path) -> Path:
    """A writable copy of the bundled corpus, for tests that break a source."""
    files = corpus_files()
    assert files, "no bundled sources found"
    folder = tmp_path / "corpus"
    folder.mkdir()
    for file in files:
        shutil.copy(file, folder / file.name)
    return folder


@pytest.fixture(autouse=True)
def _no_display(monkeypatch):
    monkeypatch.setenv("MPLBACKEND", "Agg")
    yield
    import matplotlib.pyplot as plt

    plt.close("all")


@pytest.fixture(scope="session")
def seed_path() -> Path:
    """The bundled source made from the seed report."""
    found = [f for f in corpus_files() if f.name.startswith("politico-2024-05-30")]
    assert len(found) == 1, found
    return found[0]


#: Debian's Chromium, which .ci/run installs; another build can be named here
CHROMIUM = os.environ.get("POLICYGRAPH_CHROMIUM", "/usr/bin/chromium")
#: flags for a closed machine: no sandbox as root, no background calls to Google's services
CHROMIUM_FLAGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-default-apps",
]


@pytest.fixture(scope="session")
def browser():
    """Headless Chromium driven by Playwright."""
    if not Path(CHROMIUM).is_file():
        pytest.fail(
            f"the browser tests need Chromium at {CHROMIUM}: "
            "run tests/system-deps.sh, or set POLICYGRAPH_CHROMIUM"
        )
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_FLAGS)
        yield launched
        launched.close()


def assert_not_blank(png: Path) -> None:
    """A screenshot shows something: many colours, not one flat fill."""
    import numpy as np
    from matplotlib.image import imread

    pixels = imread(png)[..., :3]
    colours = np.unique((pixels * 255).astype(np.uint8).reshape(-1, 3), axis=0)
    assert png.stat().st_size > 10_000 and len(colours) > 50 and float(pixels.std()) > 0.05, png


@pytest.fixture(scope="module")
def endpoint(dataset):
    """The SPARQL endpoint over the bundled corpus, on a free loopback port."""
    from graph.server import Endpoint

    with Endpoint(dataset, port=0, quiet=True) as served:
        served.start()
        yield served


def offline_context(browser, *, allowed: tuple[str, ...] = ("file:",), **options):
    """A browser context with the network off; returns it and the list of outside URLs it tried."""
    context = browser.new_context(offline=True, **options)
    outside: list[str] = []
    context.route(
        "**/*",
        lambda route: (
            route.continue_()
            if route.request.url.startswith(allowed)
            else (outside.append(route.request.url), route.abort())
        ),
    )
    return context, outside


def decide_by_names(dataset, *, day, actor="Ukraine", **names):
    """The engine's decision for an action given as names people type (weapon, supplier, place, ...)."""
    from graph.policy import Action, PolicyEngine
    from graph.resolve import resolve

    kinds = {"weapon": "weapon", "supplier": "actor", "target_type": "target-type", "place": "place"}
    terms = {key: resolve(dataset, value, kind=kinds[key]) for key, value in names.items()}
    return PolicyEngine(dataset).decide(Action(actor=resolve(dataset, actor, kind="actor"), day=day, **terms))


#: a source's prefixes and its document, for tests that write a source of their own (11 lines)
SOURCE_HEAD = """\
@prefix :        <https://w3id.org/policygraph/id/> .
@prefix pg:      <https://w3id.org/policygraph/ontology#> .
@prefix src:     <https://w3id.org/policygraph/source/> .
@prefix rdfs:    <http://www.w3.org/2000/01/rdf-schema#> .
@prefix xsd:     <http://www.w3.org/2001/XMLSchema#> .
@prefix prov:    <http://www.w3.org/ns/prov#> .
@prefix dcterms: <http://purl.org/dc/terms/> .
@prefix geo:     <http://www.opengis.net/ont/geosparql#> .

src:test-hostile a pg:NewsReport ; dcterms:title "Test fixture" ; dcterms:issued "2024-06-01"^^xsd:date ;
    dcterms:publisher :Reuters ; prov:wasAttributedTo :Reuters ; pg:confidence pg:MediumConfidence .
"""


def run_cli(*args: str, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    """``policygraph ARGS`` in a subprocess with this environment (figures drawn off screen)."""
    return subprocess.run(
        [sys.executable, "-m", "graph.cli", *args],
        capture_output=True,
        text=True,
        cwd=cwd,
        timeout=900,  # a bound for a hung command, not a speed test
        env={**os.environ, "MPLBACKEND": "Agg"},
    )
