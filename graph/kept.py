"""Answers kept beside an Oxigraph store at build time, so that reading them is a read.

A store on disk is written whole by ``policygraph build SOURCES --store oxigraph:DIR`` and
only read after, so the answers of the queries in :data:`KEPT` cannot go stale: the build
runs them once, in Oxigraph, and writes their rows as text into the store's folder
(``policygraph-kept.json``). A reader asks :func:`kept_rows`; it gets None (and runs the
query) for any other store, or when the query's text is not the one that was kept (a
newer policygraph).

The kept rows are text: an IRI, ``_:id`` for a blank node (a store's blank nodes keep their
ids), a literal's lexical form, None for an unbound variable.

Examples
--------
>>> import tempfile
>>> from graph.stores import StoreSpec, ingest, open_corpus
>>> folder = tempfile.mkdtemp() + "/store"
>>> _ = ingest(None, StoreSpec("oxigraph", path=folder))
>>> rows = kept_rows(open_corpus(None, StoreSpec("oxigraph", path=folder)).dataset, "actor-relations")
>>> sorted({row["relation"] for row in rows})[:3]
['attacks', 'authorises', 'part of']
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import Any

from rdflib import Dataset

from graph.backend import store_folder
from graph.namespaces import PREFIXES
from graph.output import atomic_write
from graph.queries import get_query

__all__ = ["FILE", "KEPT", "keep", "kept_rows"]

#: the library queries whose answers a store keeps: what a view reads whole
KEPT = ("actor-relations",)
FILE = "policygraph-kept.json"

Row = dict[str, str | None]


def _fingerprint(name: str) -> str:
    return hashlib.sha256(get_query(name).text.encode("utf-8")).hexdigest()


def _text(term: Any) -> str | None:
    import pyoxigraph as ox

    if term is None:
        return None
    if isinstance(term, ox.BlankNode):
        return f"_:{term.value}"
    return str(term.value)


def keep(store: Any, folder: Path) -> Path:
    """Run each query of :data:`KEPT` on a pyoxigraph ``store`` and write its rows into ``folder``."""
    kept: dict[str, Any] = {}
    for name in KEPT:
        solutions = store.query(
            get_query(name).text, use_default_graph_as_union=True, prefixes=dict(PREFIXES)
        )
        variables = [v.value for v in solutions.variables]
        rows = [[_text(solution[i]) for i in range(len(variables))] for solution in solutions]
        kept[name] = {"fingerprint": _fingerprint(name), "variables": variables, "rows": rows}
    path = Path(folder) / FILE
    atomic_write(path, json.dumps(kept, separators=(",", ":")).encode("utf-8"))
    return path


_READ: dict[tuple[Path, int, int], dict[str, Any]] = {}


def kept_rows(dataset: Dataset, name: str) -> list[Row] | None:
    """The rows kept for the query ``name`` beside the dataset's store, or None."""
    folder = store_folder(dataset)
    if folder is None:
        return None
    path = folder / FILE
    try:
        status = path.stat()
    except OSError:
        return None
    stamp = (path, status.st_mtime_ns, status.st_size)
    kept = _READ.get(stamp)
    if kept is None:
        try:
            kept = json.loads(path.read_bytes())
        except (OSError, ValueError):
            return None  # unreadable: the query runs instead
        _READ[stamp] = kept
    answer = kept.get(name) if isinstance(kept, dict) else None
    if not answer or answer.get("fingerprint") != _fingerprint(name):
        return None
    variables = answer["variables"]
    return [dict(zip(variables, row, strict=True)) for row in answer["rows"]]
