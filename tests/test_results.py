"""Result formats: TSV, CSV and JSON as SPARQL 1.1 defines them, checked by rdflib's own parsers."""

from __future__ import annotations

import io
import json

import pytest
from rdflib.query import Result

from graph.queries import get_query, run_query
from graph.results import FORMATS, format_rows, to_csv, to_json, to_table, to_tsv


@pytest.fixture(scope="module")
def statements(dataset):
    rows = run_query(dataset, get_query("cq6-statements"))
    assert len(rows) >= 2
    return rows


def _bindings(rows):
    return [{k: v for k, v in row.items() if v is not None} for row in rows]


def test_tsv_reads_back_with_rdflib(statements):
    parsed = Result.parse(io.StringIO(to_tsv(statements)), format="tsv")
    assert [str(v) for v in parsed.vars] == list(statements.variables)
    assert [{str(k): v for k, v in b.items()} for b in parsed.bindings] == _bindings(statements)


def test_json_reads_back_with_rdflib(statements):
    parsed = Result.parse(io.StringIO(to_json(statements)), format="json")
    assert [{str(k): v for k, v in b.items()} for b in parsed.bindings] == _bindings(statements)


def test_csv_has_plain_values(statements):
    text = to_csv(statements)
    header, first = text.splitlines()[:2]
    assert header.split(",") == list(statements.variables)
    assert first.startswith("https://w3id.org/policygraph/id/")


def test_tsv_escapes_tabs_and_newlines(dataset):
    rows = run_query(dataset, 'SELECT ?x WHERE { BIND("a\\tb\\nc" AS ?x) }')
    assert to_tsv(rows).splitlines()[1] == '"a\\tb\\nc"'


def test_table_uses_prefixed_names(statements):
    text = to_table(statements, width=200)
    assert ":AntonyBlinken" in text and "https://" not in text
    assert text.rstrip().endswith(f"{len(statements)} rows")


def test_ask_in_every_format(dataset):
    rows = run_query(dataset, "ASK { :Ukraine a pg:State }")
    assert json.loads(format_rows(rows, "json"))["boolean"] is True
    assert format_rows(rows, "table") == "yes\n"
    assert format_rows(rows, "tsv") == "true\n"


def test_unknown_format(statements):
    assert "xml" not in FORMATS
    with pytest.raises(ValueError, match="unknown format"):
        format_rows(statements, "xml")


def test_prefixed_names_are_rdflibs_own_for_every_iri_of_a_generated_world(tmp_path):
    """The quick path to a prefixed name gives what rdflib's namespace manager gives."""
    from rdflib import Graph, URIRef
    from rdflib.namespace import XMLNS

    from graph.generate import generate
    from graph.namespaces import PREFIXES
    from graph.results import short_iri

    generate(tmp_path, triples=20_000, seed=3)
    graph = Graph()
    for path in sorted(tmp_path.rglob("*.ttl")):
        graph.parse(path)
    iris = {str(t) for triple in graph for t in triple if isinstance(t, URIRef)}
    tricky = {
        f"{ns}{local}"
        for ns in PREFIXES.values()
        for local in ("3x", "a.b", "_x", "a-b", "é", "", "a b", "a/b")
    }
    iris |= tricky | {f"{XMLNS}#lang", "https://example.org/x", "urn:x:y"}
    assert len(iris) > 1000, "the generated world holds too few IRIs"
    reference = Graph(bind_namespaces="none").namespace_manager
    for prefix, ns in PREFIXES.items():
        reference.bind(prefix, ns, override=True)

    def rdflibs(iri: str) -> str:
        try:
            return reference.normalizeUri(URIRef(iri))
        except Exception:
            return f"<{iri}>"

    assert {iri: short_iri(iri) for iri in iris} == {iri: rdflibs(iri) for iri in iris}
