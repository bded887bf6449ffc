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
