"""Hostile and broken input: each is refused with a located one-line message, or treated as documented.

Groups: broken or hostile sources (parsing), data a person would want flagged (integrity),
writes that fail or race (outputs), and queries that would run away (budgets). The queries
that would reach the network are in test_queries.py.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest
from rdflib import Dataset

from graph.build import build
from graph.errors import OutputError, QueryError, SourceError
from graph.load import find_sources, load, parse_source, read_source
from graph.output import _locked, staged
from graph.queries import run_query
from graph.strict import Limits, check_bytes, check_text
from graph.validate import validate

HEAD = (
    "@prefix pg: <https://w3id.org/policygraph/ontology#> .\n"
    "@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .\n"
)
DOC = "<https://example.org/report> a pg:NewsReport .\n"

# text, the error's line (or None), and what the message says
BROKEN = [
    ("", None, "the file is empty"),
    ("  \n\t\n", None, "the file is empty"),
    (HEAD + DOC + '<https://example.org/a> pg:summary "nul\x00here" .\n', 4, "control character U+0000"),
    (HEAD + DOC + '<https://example.org/a> pg:summary "bell\x07" .\n', 4, "control character U+0007"),
    (
        HEAD + DOC + '<https://example.org/a> pg:summary """tab\x0bvertical""" .\n',
        4,
        "control character U+000B",
    ),
    (HEAD + DOC + '<https://example.org/a b> pg:summary "x" .\n', 4, "Invalid IRI code point ' '"),
    (HEAD + DOC + '<https://example.org/a> pg:summary "x"\n', 5, "Turtle syntax error"),
    (HEAD + DOC + '<https://example.org/a> pg:summary "unclosed .\n', 4, "Turtle syntax error"),
    (HEAD + DOC + '<https://example.org/a> nope:summary "x" .\n', 4, "Turtle syntax error"),
    (HEAD + DOC + '<https://example.org/a> pg:summary "bad \\q escape" .\n', 4, "Turtle syntax error"),
    (HEAD + DOC + '<https://example.org/a> pg:summary "x"@1bad .\n', 4, "Turtle syntax error"),
    (HEAD + DOC + '<https://example.org/a> pg:summary """never closed .\n', None, "Turtle syntax error"),
    (HEAD + DOC + "<https://example.org/a> pg:summary 'x' 'y' .\n", 4, "Turtle syntax error"),
    (
        HEAD + DOC + '<https://example.org/a> <https://example.org/p> "2024-02-30"^^xsd:date .\n',
        4,
        '"2024-02-30" is not a valid',
    ),
    (
        HEAD + DOC + '<https://example.org/a> <https://example.org/p> "abc"^^xsd:integer .\n',
        4,
        '"abc" is not a valid',
    ),
    (
        HEAD + DOC + '<https://example.org/a> <https://example.org/p> "1.5"^^xsd:integer .\n',
        4,
        '"1.5" is not a valid',
    ),
    (
        HEAD
        + DOC
        + "<https://example.org/a> <https://example.org/p> "
        + "[ <https://example.org/q> " * 100
        + "1"
        + " ]" * 100
        + " .\n",
        4,
        "nested more than 64 deep",
    ),
    (
        HEAD + DOC + "<https://example.org/a> <https://example.org/p> " + "( " * 100 + ")" * 100 + " .\n",
        4,
        "nested more than 64 deep",
    ),
    (
        HEAD + DOC + '<https://example.org/a> pg:summary "' + "x" * 200_000 + '" .\n',
        4,
        "a literal of 200,000 characters",
    ),
    (HEAD + '<https://example.org/a> pg:summary "no document" .\n', None, "no source document"),
    (
        HEAD + DOC + "<https://example.org/other> a pg:OfficialStatement .\n",
        None,
        "more than one source document",
    ),
    (HEAD + "[] a pg:NewsReport .\n", None, "needs an IRI"),
]


@pytest.mark.parametrize(("text", "line", "says"), BROKEN, ids=[f"broken-{i}" for i in range(len(BROKEN))])
def test_broken_sources_are_refused_with_a_located_message(text, line, says):
    with pytest.raises(SourceError) as caught:
        parse_source(text, name="report.ttl")
    error = caught.value
    assert says in error.message, error.message
    assert error.file == "report.ttl"
    if line is not None:
        assert error.line == line, str(error)
    assert "\n" not in str(error)


def test_nesting_within_the_limit_is_fine():
    check_text(
        HEAD
        + "<https://example.org/a> <https://example.org/p> "
        + "[ <https://example.org/q> " * 60
        + "1"
        + " ]" * 60
        + " .\n",
        name="deep.ttl",
    )
    with pytest.raises(SourceError, match="nested more than 10 deep"):
        check_text(
            HEAD + "<https://example.org/a> <https://example.org/p> " + "( " * 11 + ")" * 11 + " .\n",
            name="deep.ttl",
            limits=Limits(max_nesting=10),
        )


def test_brackets_inside_strings_iris_and_comments_do_not_count():
    text = HEAD + DOC + '# [[[[[[[[[[[[\n<https://example.org/a> pg:summary "((((((((((((" .\n'
    check_text(text, name="ok.ttl", limits=Limits(max_nesting=2))


def test_a_byte_order_mark_is_dropped(tmp_path):
    path = tmp_path / "bom.ttl"
    path.write_bytes(b"\xef\xbb\xbf" + (HEAD + DOC).encode())
    assert str(read_source(path).iri) == "https://example.org/report"


def test_non_utf8_is_refused_with_its_line(tmp_path):
    path = tmp_path / "latin1.ttl"
    path.write_bytes(
        (HEAD + DOC).encode() + '<https://example.org/a> pg:summary "Kyiv \xe9" .\n'.encode("latin-1")
    )
    with pytest.raises(SourceError, match="not UTF-8") as caught:
        read_source(path)
    assert caught.value.line == 4


def test_a_file_over_the_size_limit_is_not_read(tmp_path):
    path = tmp_path / "big.ttl"
    path.write_text(HEAD + DOC + "# " + "x" * 5000 + "\n")
    with pytest.raises(SourceError, match="larger than the 1,000 allowed"):
        read_source(path, limits=Limits(max_source_bytes=1000))
    with pytest.raises(SourceError, match="larger than the 10 allowed"):
        check_bytes(b"x" * 11, name="big.ttl", limits=Limits(max_source_bytes=10))


@pytest.mark.parametrize("name", ["report.jsonld", "report.rdf", "report.nt", "report.txt"])
def test_only_turtle_files_are_read(tmp_path, name):
    # an XML entity bomb, among others, is never handed to a parser
    path = tmp_path / name
    path.write_text(
        '<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;">]><x>&lol2;</x>'
    )
    started = time.perf_counter()
    with pytest.raises(SourceError, match=r"reads sources in Turtle \(\.ttl\)"):
        find_sources([path])
    assert time.perf_counter() - started < 1


def test_relative_iris_and_base_do_not_read_files(tmp_path):
    secret = tmp_path / "secret.ttl"
    secret.write_text(HEAD + '<https://example.org/secret> pg:summary "never loaded" .\n')
    text = (
        HEAD + "@base <file://" + str(tmp_path) + "/> .\n" + DOC + '<secret.ttl> pg:summary "a name only" .\n'
    )
    source = parse_source(text, name="report.ttl")
    assert not any("never loaded" in str(o) for o in source.graph.objects())


# --- integrity: what a person would want flagged, not kept ---


def _add(folder: Path, name: str, body: str) -> None:
    (folder / name).write_text(
        textwrap.dedent("""\
        @prefix :        <https://w3id.org/policygraph/id/> .
        @prefix pg:      <https://w3id.org/policygraph/ontology#> .
        @prefix src:     <https://w3id.org/policygraph/source/> .
        @prefix rdfs:    <http://www.w3.org/2000/01/rdf-schema#> .
        @prefix xsd:     <http://www.w3.org/2001/XMLSchema#> .
        @prefix prov:    <http://www.w3.org/ns/prov#> .
        @prefix dcterms: <http://purl.org/dc/terms/> .
        @prefix geo:     <http://www.opengis.net/ont/geosparql#> .

        src:test-integrity a pg:NewsReport ;
            dcterms:title "Test fixture" ; dcterms:issued "2024-06-01"^^xsd:date ;
            dcterms:publisher :Reuters ; prov:wasAttributedTo :Reuters ; pg:confidence pg:MediumConfidence .
        """)
        + textwrap.dedent(body)
    )


@pytest.mark.parametrize(
    ("body", "focus", "says"),
    [
        (":KharkivOblast geo:sfWithin :Kharkiv .\n", ":Kharkiv", "lies within itself"),
        (":Kharkiv a pg:Region .\n", ":Kharkiv", "is a pg:Region here but a pg:City"),
        (':Kharkiv rdfs:label "Charkow" .\n', ":Kharkiv", "exactly one rdfs:label"),
        (
            ':test-statement a pg:Statement ; rdfs:label "x" ; pg:speaker :JoeBiden ; pg:summary "x" ;\n'
            '    dcterms:date "2024-07-01"^^xsd:date ; prov:wasAttributedTo :JoeBiden ;\n'
            "    pg:confidence pg:HighConfidence .\n",
            ":test-statement",
            "after the source that reports it",
        ),
    ],
    ids=["cycle-of-within", "clashing-types", "conflicting-labels", "dated-after-its-source"],
)
def test_integrity_problems_are_flagged(corpus_copy, body, focus, says):
    _add(corpus_copy, "zz-test.ttl", body)
    report = validate(load([corpus_copy]))
    found = [v for v in report.violations if v.focus.startswith(focus) and says in v.message]
    assert found, report.text
    assert not report.conforms


# --- outputs: a failing or racing write loses nothing ---


def test_a_second_writer_fails_clearly(tmp_path):
    out = tmp_path / "out"
    holder = subprocess.Popen(
        [
            sys.executable,
            "-c",
            textwrap.dedent(f"""
            import sys, time
            from pathlib import Path
            from graph.output import _locked
            with _locked(Path({str(out)!r})):
                print("locked", flush=True)
                time.sleep(30)
        """),
        ],
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert holder.stdout is not None and holder.stdout.readline().strip() == "locked"
        with pytest.raises(OutputError, match="another policygraph run is writing here"), staged(out):
            pass
    finally:
        holder.kill()
        holder.wait()
        assert holder.stdout is not None
        holder.stdout.close()
    with staged(out) as staging:  # the lock died with the process that held it
        (staging / "a.txt").write_text("x")
    assert (out / "a.txt").read_text() == "x"


def test_a_killed_build_leaves_the_old_outputs_and_the_next_build_cleans_up(tmp_path):
    out = tmp_path / "out"
    build(out=out, formats=("svg",))
    before = {p.name: p.read_bytes() for p in out.iterdir()}
    child = subprocess.Popen(
        [
            sys.executable,
            "-c",
            textwrap.dedent(f"""
            import time
            from graph.output import staged
            with staged({str(out)!r}) as staging:
                (staging / "graph.trig").write_text("half")
                print("staged", flush=True)
                time.sleep(30)
        """),
        ],
        stdout=subprocess.PIPE,
        text=True,
        env={**os.environ, "MPLBACKEND": "Agg"},
    )
    assert child.stdout is not None and child.stdout.readline().strip() == "staged"
    child.send_signal(signal.SIGKILL)
    child.wait()
    child.stdout.close()
    assert {p.name: p.read_bytes() for p in out.iterdir()} == before
    assert list(tmp_path.glob(".out.*.staging"))  # what the killed run left
    build(out=out, formats=("svg",))
    assert not list(tmp_path.glob(".out.*.staging"))
    again = Dataset()
    again.parse(out / "graph.trig", format="trig")
    assert sum(1 for _ in again.quads((None, None, None, None))) > 1000  # whole again, not the killed half


def test_lock_is_reentrant_only_across_processes(tmp_path):
    with _locked(tmp_path / "x"):
        pass
    with _locked(tmp_path / "x"):
        pass


# --- queries: budgets that actually stop them ---


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
