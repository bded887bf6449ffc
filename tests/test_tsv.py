"""Oxigraph's SPARQL TSV read into codes: every form it writes, and refusals that leave nothing numbered."""

from __future__ import annotations

import pyoxigraph as ox
import pytest

from graph import tsv
from graph.backend import from_native

_XSD = "http://www.w3.org/2001/XMLSchema#"


def _store() -> ox.Store:
    store = ox.Store()
    subject, label = ox.NamedNode("https://example.org/s"), ox.NamedNode("https://example.org/label")
    values = [
        ox.Literal('tab\there\nand "quoted" back\\slash \u2028 \U0001f600'),
        ox.Literal("Kharkiv", language="en-GB"),
        ox.Literal("42", datatype=ox.NamedNode(_XSD + "integer")),
        ox.Literal("1.50", datatype=ox.NamedNode(_XSD + "decimal")),
        ox.Literal("1e3", datatype=ox.NamedNode(_XSD + "double")),
        ox.Literal("1.5", datatype=ox.NamedNode(_XSD + "double")),
        ox.Literal("true", datatype=ox.NamedNode(_XSD + "boolean")),
        ox.Literal("007", datatype=ox.NamedNode(_XSD + "int")),
        ox.Literal("2024-05-30", datatype=ox.NamedNode(_XSD + "date")),
        ox.Literal(""),
        ox.BlankNode("c1"),
        ox.NamedNode("https://example.org/o?a=1&b=%3C2%3E#é"),
    ]
    for value in values:
        store.add(ox.Quad(subject, label, value))
    return store


def test_every_form_reads_back_as_pyoxigraphs_own_term():
    store = _store()
    query = "SELECT ?s ?o ?none WHERE { ?s ?p ?o OPTIONAL { ?o ?q ?none } }"
    numbers: dict[str, int] = {}
    variables, rows = tsv.read_rows(tsv.solutions(store, query), numbers)
    assert variables == ["s", "o", "none"]
    assert len(rows) == 12 and {row[2] for row in rows} == {-1}
    codes = list(numbers)
    known: dict[object, object] = {}
    read = sorted((tsv.term(codes[row[0]], known), tsv.term(codes[row[1]], known)) for row in rows)
    by_term = [tuple(from_native(t) for t in (s["s"], s["o"])) for s in store.query(query)]
    assert read == sorted(by_term)
    assert [tsv.code(s["o"]) for s in store.query(query)] == [codes[row[1]] for row in rows]


def test_numbers_go_on_from_those_held():
    store = _store()
    numbers = {"ihttps://example.org/s": 0}
    _, rows = tsv.read_rows(tsv.solutions(store, "SELECT ?s WHERE { ?s ?p ?o } LIMIT 2"), numbers)
    assert rows == [[0], [0]] and len(numbers) == 1


def test_a_select_of_no_variables_has_its_rows():
    assert tsv.read_rows(tsv.solutions(ox.Store(), "SELECT * WHERE {}"), {}) == ([], [[]])


@pytest.mark.parametrize(
    "bad",
    [
        b"<<( <https://a> <https://b> <https://c> )>>\n",  # an RDF 1.2 triple term
        b'"unclosed\n',
        b'"x"~bad\n',
        b"not-a-term\n",
        b"<https://a>\t<https://b>\n",  # a row of two values for one variable
        b"<https://a>",  # not ended by a newline
        b'"\\q"\n',  # an unknown escape
    ],
)
def test_a_form_it_does_not_know_is_refused_with_nothing_numbered(bad):
    numbers = {"ihttps://example.org/held": 0}
    with pytest.raises(ValueError):
        tsv.read_rows(b"?s\n<https://example.org/new>\n" + bad, numbers)  # a row read before it
    assert numbers == {"ihttps://example.org/held": 0}
    with pytest.raises(ValueError):
        tsv.read_rows(b"\n\n<https://a>\n", {})  # a value in a row of no variables


def test_only_a_select_is_written():
    with pytest.raises(TypeError):
        tsv.solutions(ox.Store(), "ASK {}")
    with pytest.raises(TypeError):
        tsv.iterated_rows(ox.Store(), "ASK {}", {})
