"""Broken and hostile sources: refused with a located one-line message, or treated as documented."""

from __future__ import annotations

import time

import pytest

from graph.errors import SourceError
from graph.load import find_sources, parse_source, read_source
from graph.strict import Limits, check_bytes, check_text

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


# invalid in the W3C Turtle grammar: each rejected with its line (the strict parser runs first)
W3C_STYLE = [
    "<http://a> <http://b> <http://c>",
    "@prefix : <http://x/>\n<http://a> <http://b> <http://c> .",
    "@prefix x <http://x/> .",
    '<http://a> <http://b> "x"^^<http://dt .',
    '<http://a> "lit" <http://c> .',
    '"lit" <http://b> <http://c> .',
    "<http://a> <http://b> , <http://c> .",
    '<http://a> <http://b> "\\u00ZZ" .',
    "<http://a\\u00ZZ> <http://b> <http://c> .",
    "<http://a> <http://b> 1.2.3 .",
    "<http://a> a a .",
    "<http://a> <http://b> <http://c> . .",
    "{ <http://a> <http://b> <http://c> }",
    "<http://a> <http://b> ( <http://c> .",
    "@base <http://a> <http://b> <http://c> .",
    "PREFIX : <http://x/> .",
    '<http://a> <http://b> "x"@ .',
    "<http://a> <http://b> _: .",
    "<http://a> <http://b> <http://c> ; <http://d> ,, <http://f> .",
    "<http://a> <http://b> true false .",
    "<http://a> <http://b> <http://c>^^xsd:string .",
]


@pytest.mark.parametrize("bad", W3C_STYLE, ids=[f"w3c-style-{i}" for i in range(len(W3C_STYLE))])
def test_invalid_turtle_is_rejected_with_its_line(bad):
    with pytest.raises(SourceError, match="Turtle syntax error") as caught:
        check_text(HEAD + DOC + bad + "\n", name="report.ttl")
    assert caught.value.line in (4, 5)
    assert caught.value.column is not None
