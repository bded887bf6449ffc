"""Queries that would run away are stopped: time and row budgets, nesting."""

from __future__ import annotations

import time

import pytest

from graph.errors import QueryError
from graph.queries import run_query


def test_a_query_past_its_time_budget_is_stopped(dataset):
    started = time.perf_counter()
    with pytest.raises(QueryError, match="ran past its time budget of 1 s") as caught:
        run_query(dataset, "SELECT * WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }", timeout=1)
    assert time.perf_counter() - started < 5
    assert "--timeout" in str(caught.value)


def test_a_query_past_its_row_budget_is_stopped(dataset):
    with pytest.raises(QueryError, match="more than 10 rows, the row budget") as caught:
        run_query(dataset, "SELECT * WHERE { ?s ?p ?o }", max_rows=10, timeout=30)
    assert "--max-rows" in str(caught.value)
    assert len(run_query(dataset, "SELECT * WHERE { ?s a pg:State }", max_rows=10, timeout=30)) == 6


def test_a_bounded_query_reports_syntax_and_runtime_errors(dataset):
    with pytest.raises(QueryError, match="SPARQL syntax error"):
        run_query(dataset, "SELECT * WHERE {", timeout=5)


def test_a_deeply_nested_query_is_refused_before_parsing(dataset):
    deep = "SELECT * WHERE " + "{ " * 40 + "?s ?p ?o " + "} " * 40
    with pytest.raises(QueryError, match="nests 40 levels"):
        run_query(dataset, deep)
    brackets = "SELECT * WHERE { ?s ?p " + "[ <http://p> " * 40 + "1" + " ]" * 40 + " }"
    with pytest.raises(QueryError, match="nests 41 levels"):
        run_query(dataset, brackets)


def test_brackets_in_strings_and_iris_do_not_count(dataset):
    text = 'SELECT * WHERE { ?s ?p ?o FILTER(?o != "' + "{" * 50 + '" && ?o != <http://x/((((((((((>) }'
    assert run_query(dataset, text + " LIMIT 1").kind == "SELECT"
