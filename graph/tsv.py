"""Answers of an Oxigraph store read as SPARQL TSV, each term as one short string, its code.

Oxigraph evaluates a query and writes its rows as SPARQL TSV without holding the GIL;
reading that text is cheaper than making a Python object of each value of each row, and
each distinct token is read once. A term's code is its kind, then what it is: ``i`` and an
IRI, ``b`` and a blank node's label, ``l`` and a language, or ``d`` and a datatype, then
:data:`SEPARATOR` and the literal's text. :func:`term` makes the rdflib term of a code as
:func:`graph.backend.from_native` makes it of the Oxigraph term.

A form of TSV this reader does not know (an RDF 1.2 triple term) raises ValueError: the
caller then reads the rows term by term (:func:`iterated_rows`).

Examples
--------
>>> import pyoxigraph as ox
>>> store = ox.Store()
>>> store.add(ox.Quad(ox.NamedNode("https://example.org/a"), ox.NamedNode("https://example.org/label"),
...                   ox.Literal("Kharkiv", language="en")))
>>> numbers = {}
>>> read_rows(solutions(store, "SELECT ?s ?label WHERE { ?s ?p ?label }"), numbers)
(['s', 'label'], [[0, 1]])
>>> [text(code) for code in numbers]
['https://example.org/a', 'Kharkiv']
>>> term("len" + SEPARATOR + "Kharkiv", {}).language
'en'
"""

from __future__ import annotations

import re
from typing import Any

from rdflib import Literal
from rdflib.term import Node

from graph.backend import stored_blank, stored_iri, stored_string
from graph.namespaces import PREFIXES

__all__ = ["SEPARATOR", "code", "iterated_rows", "read_rows", "serialized", "solutions", "term", "text"]

#: between a literal's language or datatype and its text, in a code
SEPARATOR = "\x00"
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


def code(value: Any) -> str:
    """The code of an Oxigraph IRI, blank node or literal (a literal's direction is left out).

    Examples
    --------
    >>> import pyoxigraph as ox
    >>> code(ox.NamedNode("https://example.org/a"))
    'ihttps://example.org/a'
    """
    import pyoxigraph as ox

    if isinstance(value, ox.NamedNode):
        return "i" + value.value
    if isinstance(value, ox.BlankNode):
        return "b" + value.value
    if value.language:
        return f"l{value.language}{SEPARATOR}{value.value}"
    return f"d{value.datatype.value}{SEPARATOR}{value.value}"


def term(value: str, known: dict[Any, Any]) -> Node:
    """The rdflib term of a code; IRIs and blank nodes are kept in ``known``, one object each.

    Examples
    --------
    >>> known = {}
    >>> term("ihttps://example.org/a", known) is term("ihttps://example.org/a", known)
    True
    >>> term("dhttp://www.w3.org/2001/XMLSchema#integer" + SEPARATOR + "3", known).toPython()
    3
    """
    kind, rest = value[0], value[1:]
    if kind in "ib":
        found = known.get(value)
        if found is None:
            found = known[value] = stored_iri(rest) if kind == "i" else stored_blank(rest)
        return found
    marker, _, words = rest.partition(SEPARATOR)
    if kind == "l":
        return stored_string(words, marker)
    if marker == _XSD_STRING:
        return stored_string(words)  # a plain string, as graph.backend.from_native gives it
    datatype = known.get("i" + marker)
    if datatype is None:
        datatype = known["i" + marker] = stored_iri(marker)
    return Literal(words, datatype=datatype)


def text(value: str) -> str:
    """A code as text: an IRI, ``_:label`` for a blank node, a literal's lexical form.

    Examples
    --------
    >>> text("b" + "c1"), text("luk" + SEPARATOR + "Харків")
    ('_:c1', 'Харків')
    """
    kind, rest = value[0], value[1:]
    if kind == "i":
        return rest
    if kind == "b":
        return "_:" + rest
    return rest.partition(SEPARATOR)[2]


def solutions(store: Any, query: str) -> bytes:
    """The rows of a SELECT on a pyoxigraph ``store``, its default graph the union, as SPARQL TSV.

    Raises SyntaxError for a query Oxigraph cannot parse and TypeError for one that is not a
    SELECT; Oxigraph's own errors (OSError, ValueError) as it raises them.
    """
    return serialized(store.query(query, use_default_graph_as_union=True, prefixes=dict(PREFIXES)))


def serialized(answer: Any) -> bytes:
    """The rows of pyoxigraph's ``QuerySolutions`` as SPARQL TSV (TypeError for another answer)."""
    import pyoxigraph as ox

    if not isinstance(answer, ox.QuerySolutions):
        raise TypeError("not a SELECT query")
    written: bytes | None = answer.serialize(format=ox.QueryResultsFormat.TSV)
    assert written is not None  # given no output, serialize returns what it wrote
    return bytes(written)


def read_rows(data: bytes, numbers: dict[str, int]) -> tuple[list[str], list[list[int]]]:
    """The variables and rows of SPARQL TSV results, each term numbered in ``numbers`` (-1: unbound).

    ``numbers`` maps each code to its number; a term read for the first time is numbered
    after those it holds.

    Raises
    ------
    ValueError
        For results not in the form Oxigraph writes (a header, then each row ended by a
        newline) or a term in none of its forms: nothing is added to ``numbers`` then.
    """
    lines = data.decode("utf-8").split("\n")  # not splitlines: a literal may hold U+2028
    if len(lines) < 2 or lines[-1]:
        raise ValueError("results not ended by a newline")
    variables = [name[1:] for name in lines[0].split("\t")] if lines[0] else []
    added: dict[str, int] = {}  # numbered here, kept in ``numbers`` once every row is read
    known: dict[str, int] = {"": -1}  # each distinct token read once

    def number_of(token: str) -> int:
        found = _code(token)
        number = numbers.get(found)
        if number is None:
            number = added.get(found)
            if number is None:
                number = added[found] = len(numbers) + len(added)
        known[token] = number
        return number

    rows: list[list[int]] = []
    width = len(variables)
    for line in lines[1:-1]:
        if not width:
            if line:
                raise ValueError("a value in a row of no variables")
            rows.append([])
            continue
        row = [known[token] if token in known else number_of(token) for token in line.split("\t")]
        if len(row) != width:
            raise ValueError(f"a row of {len(row)} values for {width} variables")
        rows.append(row)
    numbers.update(added)
    return variables, rows


def iterated_rows(store: Any, query: str, numbers: dict[str, int]) -> tuple[list[str], list[list[int]]]:
    """The variables and rows of a SELECT as :func:`read_rows` gives them, read term by term.

    Raises TypeError for a query that is not a SELECT, and a term that is neither an IRI, a
    blank node nor a literal (an RDF 1.2 triple term) ValueError.
    """
    import pyoxigraph as ox

    answer = store.query(query, use_default_graph_as_union=True, prefixes=dict(PREFIXES))
    if not isinstance(answer, ox.QuerySolutions):
        raise TypeError("not a SELECT query")
    variables = [v.value for v in answer.variables]
    rows: list[list[int]] = []
    for solution in answer:
        row = []
        for index in range(len(variables)):
            value = solution[index]
            if value is None:
                row.append(-1)
                continue
            if not isinstance(value, ox.NamedNode | ox.BlankNode | ox.Literal):
                raise ValueError(f"not a term policygraph reads: {value}")
            found = code(value)
            number = numbers.get(found)
            if number is None:
                number = numbers[found] = len(numbers)
            row.append(number)
        rows.append(row)
    return variables, rows


def _code(token: str) -> str:
    """The code of a term as Oxigraph writes it in SPARQL TSV (ValueError for another form)."""
    first = token[0]
    if first == "<" and token[-1] == ">" and token[1] != "<":  # not an RDF 1.2 triple term
        return "i" + token[1:-1]
    if token.startswith("_:"):
        return "b" + token[2:]
    if first == '"':
        end = token.rindex('"')
        if end == 0:
            raise ValueError(f"an unclosed literal: {token}")
        words, rest = _unescaped(token[1:end]), token[end + 1 :]
        if not rest:
            return f"d{_XSD_STRING}{SEPARATOR}{words}"
        if rest[0] == "@":  # a direction (@en--ltr) is left out, as code() leaves it out
            return f"l{rest[1:].partition('--')[0]}{SEPARATOR}{words}"
        if rest.startswith("^^<") and rest[-1] == ">":
            return f"d{rest[3:-1]}{SEPARATOR}{words}"
        raise ValueError(f"a literal with {rest} after it: {token}")
    for datatype, form in _BARE:
        if form.fullmatch(token):
            return f"d{_XSD}{datatype}{SEPARATOR}{token}"
    raise ValueError(f"a term in no form SPARQL TSV writes: {token}")


def _unescaped(words: str) -> str:
    r"""A literal's text with its Turtle escapes read (\t, \", \u00e9, ...)."""
    if "\\" not in words:
        return words
    return _ESCAPE.sub(_one_escape, words)


def _one_escape(found: re.Match[str]) -> str:
    short, long, char = found.groups()
    if char is None:
        return chr(int(short or long, 16))
    if char not in _ESCAPED:
        raise ValueError(f"an unknown escape \\{char}")
    return _ESCAPED[char]
