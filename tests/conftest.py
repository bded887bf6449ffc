"""Shared fixtures: the bundled corpus, loaded once, and a non-interactive plotting backend."""

from __future__ import annotations

import shutil
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
