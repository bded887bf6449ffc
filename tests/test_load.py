"""Loading sources: one named graph per source, located errors, all or nothing."""

from __future__ import annotations

from pathlib import Path

import pytest
from rdflib import URIRef
from rdflib.namespace import RDF

from graph.errors import SourceError
from graph.load import find_sources, load, parse_source, read_source
from graph.namespaces import ONTOLOGY_IRI, PG, SRC
from graph.resources import corpus_files

HEADER = (
    "@prefix pg: <https://w3id.org/policygraph/ontology#> .\n"
    "@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .\n"
)


def test_one_named_graph_per_source_plus_the_ontology(corpus):
    names = {g.identifier for g in corpus.dataset.graphs() if len(g)}
    assert names == {s.iri for s in corpus.sources} | {ONTOLOGY_IRI}
    assert len(corpus.sources) == len(corpus_files()) >= 2


def test_each_graph_holds_exactly_its_file(corpus):
    for source in corpus.sources:
        again = read_source(source.file)
        assert len(corpus.dataset.graph(source.iri)) == len(again.graph) > 10
        assert corpus.file_of(source.iri) == source.file


def test_default_graph_is_the_union(dataset):
    # the seed's permission (a source graph) and the places (the reference graph) meet in one query
    ask = dataset.query("ASK { ?p odrl:assigner ?a . ?a a pg:State }")
    assert ask.askAnswer


def test_the_seed_source_is_named_by_its_document(seed_path):
    source = read_source(seed_path)
    assert source.iri == SRC["politico-2024-05-30"]
    assert (source.iri, RDF.type, PG.NewsReport) in source.graph
    assert (
        source.graph.value(source.iri, URIRef("http://purl.org/dc/terms/issued")).toPython().isoformat()
        == "2024-05-30"
    )


def test_syntax_error_names_file_line_and_column():
    text = (
        HEADER + '<https://example.org/r> a pg:NewsReport .\n<https://example.org/a> pg:summary "unclosed .\n'
    )
    with pytest.raises(SourceError) as caught:
        parse_source(text, name="report.ttl")
    error = caught.value
    assert (error.file, error.line) == ("report.ttl", 4)
    assert error.column is not None
    assert str(error).startswith("report.ttl:4:")
    assert "\n" not in str(error)


def test_a_date_that_does_not_exist_is_refused():
    text = HEADER + (
        '<https://example.org/r> a pg:NewsReport ;\n    pg:summary "x" ;\n'
        '    <http://purl.org/dc/terms/issued> "2024-02-30"^^xsd:date .\n'
    )
    with pytest.raises(SourceError, match=r"report.ttl:5: \"2024-02-30\" is not a valid"):
        parse_source(text, name="report.ttl")


def test_a_file_without_a_source_document_is_refused():
    with pytest.raises(SourceError, match="no source document"):
        parse_source(HEADER + '<https://example.org/a> pg:summary "x" .', name="x.ttl")


def test_a_file_with_two_source_documents_is_refused():
    text = (
        HEADER
        + "<https://example.org/a> a pg:NewsReport .\n<https://example.org/b> a pg:OfficialStatement .\n"
    )
    with pytest.raises(SourceError, match="more than one source document"):
        parse_source(text, name="x.ttl")


def test_two_files_describing_one_source_are_refused(corpus_copy, seed_path):
    (corpus_copy / "copy.ttl").write_text(seed_path.read_text())
    with pytest.raises(SourceError, match="already described by"):
        load([corpus_copy])


def test_one_bad_file_fails_the_whole_load(corpus_copy):
    (corpus_copy / "zz-broken.ttl").write_text(HEADER + "this is not turtle")
    with pytest.raises(SourceError) as caught:
        load([corpus_copy])
    assert caught.value.file.endswith("zz-broken.ttl")


def test_non_utf8_file_is_refused(tmp_path):
    path = tmp_path / "latin1.ttl"
    path.write_bytes(
        (HEADER + '<https://example.org/r> a pg:NewsReport ; pg:summary "Kyiv \xe9" .').encode("latin-1")
    )
    with pytest.raises(SourceError, match="not UTF-8"):
        read_source(path)


def test_missing_path_and_empty_folder(tmp_path):
    with pytest.raises(SourceError, match="no such file or folder"):
        find_sources([tmp_path / "nope"])
    with pytest.raises(SourceError, match=r"no \.ttl source files"):
        find_sources([tmp_path])


def test_folders_are_searched_recursively_and_sorted(corpus_copy, seed_path):
    nested = corpus_copy / "2024" / "june"
    nested.mkdir(parents=True)
    seed = corpus_copy / seed_path.name
    seed.rename(nested / seed.name)
    found = find_sources([corpus_copy])
    assert nested / seed.name in found
    assert found == sorted(found)
    assert len(load([corpus_copy]).sources) == len(corpus_files())


def test_bundled_files_are_package_resources():
    files = corpus_files()
    assert files and all(isinstance(f, Path) and f.suffix == ".ttl" for f in files)


#: broken sources, each refused at load, whichever store in memory reads it
BROKEN = {
    "syntax": HEADER
    + '<https://example.org/r> a pg:NewsReport .\n<https://example.org/a> pg:summary "open .\n',
    "no such date": HEADER
    + '<https://example.org/r> a pg:NewsReport ;\n    pg:summary "x" ;\n'
    + '    <http://purl.org/dc/terms/issued> "2024-02-30"^^xsd:date .\n',
    "no document": HEADER + '<https://example.org/a> pg:summary "x" .\n',
    "two documents": HEADER
    + "<https://example.org/a> a pg:NewsReport .\n<https://example.org/b> a pg:OfficialStatement .\n",
    "a blank document": HEADER + '[] a pg:NewsReport ; pg:summary "x" .\n',
    "named like the ontology": HEADER + "pg:report a pg:NewsReport .\n",
    "a control character": HEADER + '<https://example.org/r> a pg:NewsReport ; pg:summary "a\x01b" .\n',
    "empty": "\n\n",
    "nested too deep": HEADER
    + "<https://example.org/r> a pg:NewsReport ; pg:summary "
    + "(" * 70
    + ")" * 70
    + " .\n",
}


@pytest.mark.parametrize("case", sorted(BROKEN))
def test_a_broken_source_is_refused_alike_in_rdflib_and_in_oxigraph(tmp_path, case):
    from graph.stores import StoreSpec, ingest

    path = tmp_path / "report.ttl"
    path.write_text(BROKEN[case], encoding="utf-8")
    refused = []
    for kind in ("memory", "oxigraph"):
        with pytest.raises(SourceError) as caught:
            ingest([path], StoreSpec(kind))
        refused.append(caught.value)
    rdflib_error, oxigraph_error = refused
    assert rdflib_error.file == oxigraph_error.file == str(path)
    assert (rdflib_error.line, rdflib_error.message) == (oxigraph_error.line, oxigraph_error.message), case
