"""User values reach SPARQL only as bound terms: values that try to break out stay values."""

from __future__ import annotations

import pytest
from rdflib import Literal

from graph.errors import QueryError
from graph.queries import get_query, parse_term, run_query
from graph.results import short


def _rows(dataset, name, **bindings):
    return [
        {k: short(v) for k, v in row.items()}
        for row in run_query(dataset, get_query(name), bindings=bindings)
    ]


def test_parameters_are_bound_not_pasted(dataset):
    # values that would break out of the query text if pasted into it
    for hostile in [
        '"} UNION { ?s ?p ?o }',
        "x> } UNION { ?s ?p ?o",
        "a\nb } #",
        ":Ukraine } UNION { ?x ?y ?z",
    ]:
        term = parse_term(hostile)
        assert isinstance(term, Literal)
        assert _rows(dataset, "cq1-permissions", grantee=hostile) == []


@pytest.mark.parametrize(
    "hostile", ['"} UNION { ?s ?p ?o }', "x> } UNION { ?s ?p ?o", "a\nb } #", "'; DROP ALL ; '"]
)
def test_hostile_values_find_nothing_in_every_parameter(dataset, hostile):
    for name in ("grantee", "supplier", "country"):
        assert _rows(dataset, "cq1-permissions", **{name: hostile}) == []


@pytest.mark.parametrize("iri", ["<http://a b>", "<http://a>b>", "<http://a\n>", '<http://a"x>', "<>"])
def test_iris_that_would_break_out_are_refused(iri):
    with pytest.raises(QueryError, match="not a valid IRI"):
        parse_term(iri)


def test_a_named_query_text_never_contains_the_value(dataset):
    query = get_query("cq1-permissions")
    before = query.text
    run_query(dataset, query, bindings={"grantee": "} UNION { ?s ?p ?o }"})
    assert query.text == before and "UNION { ?s ?p ?o }" not in before
