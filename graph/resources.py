"""Files that ship inside the package.

The ontology, the shapes, the query library and the example corpus are found with
:mod:`importlib.resources`, so they work from a wheel as well as from a checkout.

Examples
--------
>>> from graph.resources import ontology_modules, corpus_files
>>> sorted(p.name for p in ontology_modules())[:2]
['actors.ttl', 'places.ttl']
>>> any(p.name.startswith("politico") for p in corpus_files())
True
"""

from __future__ import annotations

from importlib.resources import as_file, files
from importlib.resources.abc import Traversable
from pathlib import Path

__all__ = ["corpus_dir", "corpus_files", "ontology_modules", "query_files", "shapes_file", "web_asset"]

_SHAPES = ("shapes.ttl", "ontology-shapes.ttl")


def _package_dir(package: str) -> Path:
    root: Traversable = files(package)
    with as_file(root) as path:  # a real folder for every installed layout we support
        return Path(path)


def ontology_modules() -> list[Path]:
    """The ontology's Turtle modules (shapes excluded), sorted by name."""
    folder = _package_dir("graph.ontology")
    found = sorted(p for p in folder.glob("*.ttl") if p.name not in _SHAPES)
    if not found:
        raise FileNotFoundError(f"no ontology modules in {folder}: the installation is incomplete")
    return found


def shapes_file(kind: str = "data") -> Path:
    """The SHACL shapes: ``"data"`` for sources, ``"ontology"`` for the ontology's hygiene."""
    name = {"data": "shapes.ttl", "ontology": "ontology-shapes.ttl"}[kind]
    path = _package_dir("graph.ontology") / name
    if not path.is_file():
        raise FileNotFoundError(f"missing {path}: the installation is incomplete")
    return path


def corpus_dir() -> Path:
    """The bundled example corpus folder."""
    return _package_dir("graph.corpus")


def corpus_files() -> list[Path]:
    """The bundled corpus's source files, sorted."""
    found = sorted(corpus_dir().rglob("*.ttl"))
    if not found:
        raise FileNotFoundError(f"no sources in {corpus_dir()}: the installation is incomplete")
    return found


def query_files() -> list[Path]:
    """The named SPARQL queries (``*.rq``) of the query library, sorted."""
    found = sorted(_package_dir("graph.queries").glob("*.rq"))
    if not found:
        raise FileNotFoundError("no .rq files in the query library: the installation is incomplete")
    return found


def web_asset(name: str) -> str:
    """A page template of ``graph.web`` (the query page, the graph page, the report), as text."""
    path = _package_dir("graph.web") / name
    if not path.is_file():
        raise FileNotFoundError(f"missing {path}: the installation is incomplete")
    return path.read_text(encoding="utf-8")
