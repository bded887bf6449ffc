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

from rdflib import Dataset, Literal
from rdflib.term import Node

from graph.backend import store_folder, stored_blank, stored_iri, stored_string, term_cache
from graph.namespaces import PREFIXES
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
_SEPARATOR = "\x00"  # between a literal's language or datatype and its text
#: a closing ORDER BY of plain variables, ascending
_ORDER_BY = re.compile(r"\bORDER\s+BY(?P<variables>(?:\s+\?\w+)+)\s*$", re.IGNORECASE)
_KIND_ORDER = {"b": 1, "i": 2, "l": 3, "d": 3}
_XSD = "http://www.w3.org/2001/XMLSchema#"
_XSD_STRING = _XSD + "string"
#: the literals SPARQL TSV writes bare, in Turtle's short forms: their datatype and form
_BARE = (
    ("boolean", re.compile("true|false")),
    ("integer", re.compile(r"[+-]?[0-9]+")),
    ("decimal", re.compile(r"[+-]?[0-9]*\.[0-9]+")),
    ("double", re.compile(r"[+-]?(?:[0-9]+\.?[0-9]*|\.[0-9]+)[eE][+-]?[0-9]+")),
)
_ESCAPE = re.compile(r"\\(?:u([0-9A-Fa-f]{4})|U([0-9A-Fa-f]{8})|(.))", re.DOTALL)
_ESCAPED = {"t": "\t", "b": "\b", "n": "\n", "r": "\r", "f": "\f", '"': '"', "'": "'", "\\": "\\"}
#: the kept query that takes longest to run by far (the rules, with their constraints)
_LONGEST = "engine-rules"


def _fingerprint(name: str) -> str:
    return hashlib.sha256(get_query(name).text.encode("utf-8")).hexdigest()


def _code(term: Any) -> str:
    """A term as one string: its kind, then what it is (see :func:`_term`)."""
    import pyoxigraph as ox

    if isinstance(term, ox.NamedNode):
        return "i" + term.value
    if isinstance(term, ox.BlankNode):
        return "b" + term.value
    if term.language:
        return f"l{term.language}{_SEPARATOR}{term.value}"
    return f"d{term.datatype.value}{_SEPARATOR}{term.value}"


def _term(code: str, known: dict[Any, Any]) -> Node:
    """The rdflib term of a code, one object per IRI and blank node across the store's answers."""
    kind, rest = code[0], code[1:]
    if kind in "ib":
        found = known.get(code)
        if found is None:
            found = known[code] = stored_iri(rest) if kind == "i" else stored_blank(rest)
        return found
    marker, _, text = rest.partition(_SEPARATOR)
    if kind == "l":
        return stored_string(text, marker)
    if marker == _XSD_STRING:
        return stored_string(text)  # a plain string, as graph.backend.from_native gives it
    datatype = known.get("i" + marker)
    if datatype is None:
        datatype = known["i" + marker] = stored_iri(marker)
    return Literal(text, datatype=datatype)


def _text(code: str) -> str:
    """A term as text: an IRI, ``_:id`` for a blank node, a literal's lexical form."""
    kind, rest = code[0], code[1:]
    if kind == "i":
        return rest
    if kind == "b":
        return "_:" + rest
    return rest.partition(_SEPARATOR)[2]


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
    return _KIND_ORDER[code[0]], _text(code)


def _ordered(rows: list[list[int]], variables: list[str], by: list[str], terms: list[str]) -> list[list[int]]:
    """Rows ordered as ``ORDER BY`` orders IRIs, blank nodes and plain literals (ties as they came)."""
    at = [variables.index(name[1:]) for name in by]

    def key(row: list[int]) -> tuple[tuple[int, str], ...]:
        return tuple(_order_key(terms[row[i]] if row[i] >= 0 else None) for i in at)

    return sorted(rows, key=key)


def _tsv_code(token: str) -> str:
    """The code (see :func:`_code`) of a term as Oxigraph writes it in SPARQL TSV results.

    Raises ValueError for a form it does not write (then the query's rows are read term by term).
    """
    first = token[0]
    if first == "<" and token[-1] == ">" and token[1] != "<":  # not an RDF 1.2 triple term
        return "i" + token[1:-1]
    if token.startswith("_:"):
        return "b" + token[2:]
    if first == '"':
        end = token.rindex('"')
        if end == 0:
            raise ValueError(f"an unclosed literal: {token}")
        text, rest = _unescaped(token[1:end]), token[end + 1 :]
        if not rest:
            return f"d{_XSD_STRING}{_SEPARATOR}{text}"
        if rest[0] == "@":  # a direction (@en--ltr) is left out, as _code leaves it out
            return f"l{rest[1:].partition('--')[0]}{_SEPARATOR}{text}"
        if rest.startswith("^^<") and rest[-1] == ">":
            return f"d{rest[3:-1]}{_SEPARATOR}{text}"
        raise ValueError(f"a literal with {rest} after it: {token}")
    for datatype, form in _BARE:
        if form.fullmatch(token):
            return f"d{_XSD}{datatype}{_SEPARATOR}{token}"
    raise ValueError(f"a term in no form SPARQL TSV writes: {token}")


def _unescaped(text: str) -> str:
    r"""A literal's text with its Turtle escapes read (\t, \", \u00e9, ...)."""
    if "\\" not in text:
        return text
    return _ESCAPE.sub(_one_escape, text)


def _one_escape(found: re.Match[str]) -> str:
    short, long, char = found.groups()
    if char is None:
        return chr(int(short or long, 16))
    if char not in _ESCAPED:
        raise ValueError(f"an unknown escape \\{char}")
    return _ESCAPED[char]


def _tsv(store: Any, text: str) -> bytes:
    """A query's rows as SPARQL TSV. Oxigraph evaluates and writes them without holding the GIL."""
    import pyoxigraph as ox

    solutions = store.query(text, use_default_graph_as_union=True, prefixes=dict(PREFIXES))
    return bytes(solutions.serialize(format=ox.QueryResultsFormat.TSV))


def _tsv_rows(data: bytes, numbers: dict[str, int]) -> tuple[list[str], list[list[int]]]:
    """The variables and rows of SPARQL TSV results, each term numbered in ``numbers``.

    Raises ValueError for results not in the form Oxigraph writes (a header, then each row
    ended by a newline), or a term in none of its forms: nothing is numbered then.
    """
    lines = data.decode("utf-8").split("\n")  # not splitlines: a literal may hold U+2028
    if len(lines) < 2 or lines[-1]:
        raise ValueError("results not ended by a newline")
    variables = [name[1:] for name in lines[0].split("\t")]
    added: dict[str, int] = {}  # numbered here, kept in ``numbers`` once every row is read
    known: dict[str, int] = {"": -1}  # each distinct token read once

    def number_of(token: str) -> int:
        code = _tsv_code(token)
        number = numbers.get(code)
        if number is None:
            number = added.get(code)
            if number is None:
                number = added[code] = len(numbers) + len(added)
        known[token] = number
        return number

    rows = []
    width = len(variables)
    for line in lines[1:-1]:
        row = [known[token] if token in known else number_of(token) for token in line.split("\t")]
        if len(row) != width:
            raise ValueError(f"a row of {len(row)} values for {width} variables")
        rows.append(row)
    numbers.update(added)
    return variables, rows


def _iterated_rows(store: Any, text: str, numbers: dict[str, int]) -> tuple[list[str], list[list[int]]]:
    """The variables and rows of a query, each term read from Oxigraph and numbered in ``numbers``."""
    solutions = store.query(text, use_default_graph_as_union=True, prefixes=dict(PREFIXES))
    variables = [v.value for v in solutions.variables]
    rows = []
    for solution in solutions:
        row = []
        for index in range(len(variables)):
            term = solution[index]
            if term is None:
                row.append(-1)
                continue
            code = _code(term)
            number = numbers.get(code)
            if number is None:
                number = numbers[code] = len(numbers)
            row.append(number)
        rows.append(row)
    return variables, rows


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
        written = {name: pool.submit(_tsv, store, texts[name][0]) for name in started}
        for name in KEPT:
            text, order = texts[name]
            numbers: dict[str, int] = {}
            try:
                variables, rows = _tsv_rows(written.pop(name).result(), numbers)
            except ValueError:
                variables, rows = _iterated_rows(store, text, numbers)
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
    return _decoded(dataset, name, _text)


def kept_terms(dataset: Dataset, name: str) -> list[dict[str, Node | None]] | None:
    """The rows kept for the query ``name`` beside the dataset's store, as rdflib terms; or None.

    The same rows as running the query on the store gives, with one object per IRI and
    blank node across the store's kept answers.
    """
    known = term_cache(dataset)
    return _decoded(dataset, name, lambda code: _term(code, known))
