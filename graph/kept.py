"""Answers kept beside an Oxigraph store at build time, so that reading them is a read.

A store on disk is written whole by ``policygraph build SOURCES --store oxigraph:DIR``: the
build runs the queries in :data:`KEPT` once, in Oxigraph, and writes their rows into the
store's folder, one file per query in ``policygraph-kept/``, listed in ``policygraph-kept.json``
with the SHA-256 of each. The only other writer, an update served with ``--allow-update``,
drops them (:func:`forget`), so a kept answer never goes stale.
Those are the queries read whole: the actor relations (the actor view) and what the
policy engine reads when it starts. A reader asks
:func:`kept_rows` (each value as text) or :func:`kept_terms` (as rdflib terms); it gets
None, and runs the query, for any other store, or when the query's text is not the one
that was kept (a newer policygraph), or its file is not the one listed.

A reader reads the file of the query it asks for alone: the actor view does not parse the
engine's rules. In a file each distinct term is written once; a row is a list of term
numbers (-1 for unbound).

Examples
--------
>>> import tempfile
>>> from graph.stores import StoreSpec, ingest, open_corpus
>>> folder = tempfile.mkdtemp() + "/store"
>>> _ = ingest(None, StoreSpec("oxigraph", path=folder))
>>> dataset = open_corpus(None, StoreSpec("oxigraph", path=folder)).dataset
>>> sorted({row["relation"] for row in kept_rows(dataset, "actor-relations")})[:3]
['attacks', 'authorises', 'part of']
>>> rules = kept_terms(dataset, "engine-rules")
>>> len(rules) > 10
True
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar

from rdflib import Dataset
from rdflib.term import Node

from graph import tsv
from graph.backend import store_folder, term_cache
from graph.output import atomic_write
from graph.queries import get_query

__all__ = ["ENGINE_FILE", "FILE", "FOLDER", "KEPT", "forget", "keep", "kept_rows", "kept_terms"]

#: the library queries whose answers a store keeps: those read whole, by a view or the engine
KEPT = (
    "actor-relations",
    "engine-facts",
    "engine-labels",
    "engine-policies",
    "engine-rules",
    "engine-sources",
    "policy-statements",
)
#: the list of the kept answers: for each query, its text's fingerprint and its file's SHA-256
FILE = "policygraph-kept.json"
#: the folder of the kept answers, one file per query (``NAME.json``)
FOLDER = "policygraph-kept"
#: the policy engine's facts read from the kept answers (see :mod:`graph.policy.snapshot`)
ENGINE_FILE = "policygraph-engine.pickle"
_T = TypeVar("_T")
#: a closing ORDER BY of plain variables, ascending
_ORDER_BY = re.compile(r"\bORDER\s+BY(?P<variables>(?:\s+\?\w+)+)\s*$", re.IGNORECASE)
_KIND_ORDER = {"b": 1, "i": 2, "l": 3, "d": 3}
#: the kept query that takes longest to run by far (the rules, with their constraints)
_LONGEST = "engine-rules"


def _fingerprint(name: str) -> str:
    return hashlib.sha256(get_query(name).text.encode("utf-8")).hexdigest()


def _unordered(text: str) -> tuple[str, list[str]]:
    """A query's text without its closing ``ORDER BY`` of plain variables, and those variables.

    Oxigraph orders rows by looking up each term's text at every comparison: at a
    million triples, ordering the actor relations takes twice as long as finding them.
    The kept rows are ordered in Python instead (see :func:`_ordered`).
    """
    found = _ORDER_BY.search(text)
    if found is None:
        return text, []
    return text[: found.start()], found["variables"].split()


def _order_key(code: str | None) -> tuple[int, str]:
    """Where a term sorts in SPARQL's ORDER BY: unbound, blank nodes, IRIs, literals; then by text."""
    if code is None:
        return 0, ""
    return _KIND_ORDER[code[0]], tsv.text(code)


def _ordered(rows: list[list[int]], variables: list[str], by: list[str], terms: list[str]) -> list[list[int]]:
    """Rows ordered as ``ORDER BY`` orders IRIs, blank nodes and plain literals (ties as they came)."""
    at = [variables.index(name[1:]) for name in by]

    def key(row: list[int]) -> tuple[tuple[int, str], ...]:
        return tuple(_order_key(terms[row[i]] if row[i] >= 0 else None) for i in at)

    return sorted(rows, key=key)


def keep(store: Any, folder: Path) -> Path:
    """Run each query of :data:`KEPT` on a pyoxigraph ``store`` and write its rows into ``folder``.

    Each query's rows are those running it gives; a closing ``ORDER BY`` of variables is
    applied in Python, by each term's kind and text: the same order for IRIs and plain
    strings, and for dates written alike (the readers need no more).

    Oxigraph runs the queries two at a time and writes their rows as SPARQL TSV, without
    holding the GIL, while this thread numbers the terms of those already written (the
    same store keeps the same numbers). A query whose TSV holds a form this reader does
    not know is read term by term instead.

    Each query's rows go to their own file in :data:`FOLDER`, then the list of them,
    :data:`FILE`, is written: the answers a reader finds are those of one build.
    """
    texts = {name: _unordered(get_query(name).text) for name in KEPT}
    listed: dict[str, Any] = {}
    kept: dict[str, _Kept] = {}
    (Path(folder) / FOLDER).mkdir(exist_ok=True)
    with ThreadPoolExecutor(max_workers=2) as pool:
        # the longest first, so that the others run beside it
        started = sorted(KEPT, key=lambda name: name != _LONGEST)
        written = {name: pool.submit(tsv.solutions, store, texts[name][0]) for name in started}
        for name in KEPT:
            text, order = texts[name]
            numbers: dict[str, int] = {}
            try:
                variables, rows = tsv.read_rows(written.pop(name).result(), numbers)
            except ValueError:
                variables, rows = tsv.iterated_rows(store, text, numbers)
            terms = list(numbers)
            if order:
                rows = _ordered(rows, variables, order, terms)
            data = json.dumps({"variables": variables, "terms": terms, "rows": rows}, separators=(",", ":"))
            encoded = data.encode("utf-8")
            atomic_write(_file(folder, name), encoded)
            listed[name] = {"fingerprint": _fingerprint(name), "sha256": _digest(encoded)}
            kept[name] = _Kept(variables, rows, terms)
    path = Path(folder) / FILE
    atomic_write(path, json.dumps({"answers": listed}, indent=1, sort_keys=True).encode("utf-8"))
    _remember(_stamp(path), _Store(listed, kept))  # read next by the engine's snapshot: not parsed again
    return path


def _file(folder: Path, name: str) -> Path:
    return Path(folder) / FOLDER / f"{name}.json"


def _digest(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


@dataclass
class _Kept:
    """One kept answer: its variables, its rows of term numbers, and the code of each number."""

    variables: list[str]
    rows: list[list[int]]
    codes: list[str]


@dataclass
class _Store:
    """A store's kept answers: the list of them, and each answer once it is read."""

    listed: dict[str, Any]
    answers: dict[str, _Kept]


#: the kept answers of one store (the key tells one writing of its list from another), each
#: query's read when first asked
_READ: dict[tuple[Path, int, int], _Store] = {}


def _stamp(path: Path) -> tuple[Path, int, int]:
    """What tells one writing of a file from another: its path, time and size (OSError if it is gone)."""
    status = path.stat()
    return path, status.st_mtime_ns, status.st_size


def _remember(stamp: tuple[Path, int, int], held: _Store) -> _Store:
    _READ.clear()  # one store's answers at a time: they can be large
    _READ[stamp] = held
    return held


def forget(folder: Path) -> None:
    """Drop the answers kept in a store's folder, and the engine's facts read from them.

    The store changed, so they may not hold. The queries run instead, until
    ``policygraph build`` keeps them again.
    """
    for name in (FILE, ENGINE_FILE):  # the list first: a reader finds no answer listed
        (Path(folder) / name).unlink(missing_ok=True)
    for name in KEPT:
        _file(folder, name).unlink(missing_ok=True)
    _READ.clear()


def _read(folder: Path, listed: Any, name: str) -> _Kept | None:
    """The answer of ``name`` from its file, if it is the file listed and its text's query is ours."""
    if not isinstance(listed, dict) or listed.get("fingerprint") != _fingerprint(name):
        return None
    try:
        data = _file(folder, name).read_bytes()
        if _digest(data) != listed["sha256"]:
            return None  # not the file the list was written with
        document = json.loads(data)
        kept = _Kept(document["variables"], document["rows"], document["terms"])
        rows = kept.rows
        if rows and (
            {len(row) for row in rows} != {len(kept.variables)}
            or min(map(min, rows)) < -1
            or max(map(max, rows)) >= len(kept.codes)
        ):
            return None  # rows of another width, or a term the file does not hold
        return kept
    except (OSError, ValueError, KeyError, TypeError):
        return None  # unreadable: the query runs instead


def _answer(dataset: Dataset, name: str) -> _Kept | None:
    folder = store_folder(dataset)
    if folder is None:
        return None
    path = folder / FILE
    try:
        stamp = _stamp(path)
    except OSError:
        return None
    held = _READ.get(stamp)
    if held is None:
        try:
            listed = json.loads(path.read_bytes())["answers"]
        except (OSError, ValueError, KeyError, TypeError):
            return None  # unreadable: the queries run instead
        if not isinstance(listed, dict):
            return None
        held = _remember(stamp, _Store(listed, {}))
    answer = held.answers.get(name)
    if answer is None:
        answer = _read(folder, held.listed.get(name), name)
        if answer is not None:
            held.answers[name] = answer
    return answer


def _decoded(dataset: Dataset, name: str, decode: Callable[[str], _T]) -> list[dict[str, _T | None]] | None:
    """The kept rows of ``name``, each term decoded once.

    A query's file numbers the terms its rows hold and no others, so each is decoded
    first; -1 (unbound) reads the None placed after them. Each row's width and numbers
    were checked when the file was read.
    """
    kept = _answer(dataset, name)
    if kept is None:
        return None
    values: list[_T | None] = [decode(code) for code in kept.codes]
    values.append(None)
    get, variables = values.__getitem__, kept.variables
    return [dict(zip(variables, map(get, row), strict=False)) for row in kept.rows]  # checked when read


def kept_rows(dataset: Dataset, name: str) -> list[dict[str, str | None]] | None:
    """The rows kept for the query ``name`` beside the dataset's store, as text; or None."""
    return _decoded(dataset, name, tsv.text)


def kept_terms(dataset: Dataset, name: str) -> list[dict[str, Node | None]] | None:
    """The rows kept for the query ``name`` beside the dataset's store, as rdflib terms; or None.

    The same rows as running the query on the store gives, with one object per IRI and
    blank node across the store's kept answers.
    """
    known = term_cache(dataset)
    return _decoded(dataset, name, lambda code: tsv.term(code, known))
