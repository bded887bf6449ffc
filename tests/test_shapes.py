"""Every data shape has a valid and an invalid snippet; the valid one conforms, the invalid one
breaks that very shape. Snippets live in tests/shapes/NAME.valid.ttl and NAME.invalid.ttl and are
checked together with the ontology and the bundled reference entities they point at."""

from __future__ import annotations

from pathlib import Path

import pytest
from pyshacl import validate
from rdflib import Graph, Namespace
from rdflib.namespace import RDF, SH

from graph.load import load_ontology, read_source
from graph.resources import corpus_files, shapes_file

HERE = Path(__file__).parent / "shapes"
PGSH = Namespace("https://w3id.org/policygraph/shapes#")
SHAPES = Graph().parse(shapes_file("data"))
TARGETS = (SH.targetClass, SH.targetNode, SH.targetSubjectsOf, SH.targetObjectsOf, SH.target)
# shapes with a target; the others are only used from inside them (sh:node)
NODE_SHAPES = sorted(
    str(s).rsplit("#", 1)[-1]
    for s in SHAPES.subjects(RDF.type, SH.NodeShape)
    if any((s, t, None) in SHAPES for t in TARGETS)
)
PREFIXES = (HERE / "_prefixes.ttl").read_text()


def _background() -> Graph:
    graph = load_ontology()
    reference = [f for f in corpus_files() if f.name.startswith("reference")]
    assert reference, "no reference entities in the bundled corpus"
    graph += read_source(reference[0]).graph
    return graph


BACKGROUND = _background()


def _check(snippet: Path) -> tuple[bool, Graph]:
    data = Graph()
    data += BACKGROUND
    data.parse(data=PREFIXES + snippet.read_text(), format="turtle")
    conforms, results, _ = validate(data, shacl_graph=SHAPES, inference="none", advanced=True)
    assert isinstance(results, Graph)
    return bool(conforms), results


def _shapes_of(shape: str) -> set:
    node = PGSH[shape]
    return {node, *SHAPES.objects(node, SH.property), *SHAPES.objects(node, SH.sparql)}


def test_shapes_found():
    assert len(NODE_SHAPES) >= 20


@pytest.mark.parametrize("shape", NODE_SHAPES)
def test_valid_snippet_conforms(shape):
    snippet = HERE / f"{shape}.valid.ttl"
    assert snippet.is_file(), f"write {snippet.name}: every shape needs a valid example"
    conforms, results = _check(snippet)
    assert conforms, results.serialize(format="turtle")


@pytest.mark.parametrize("shape", NODE_SHAPES)
def test_invalid_snippet_breaks_its_shape(shape):
    snippet = HERE / f"{shape}.invalid.ttl"
    assert snippet.is_file(), f"write {snippet.name}: every shape needs an invalid example"
    conforms, results = _check(snippet)
    assert not conforms
    sources = set(results.objects(None, SH.sourceShape))
    assert sources & _shapes_of(shape), f"{snippet.name} broke {sources}, not {shape}"


def test_bundled_corpus_conforms(corpus):
    from graph.validate import validate as validate_corpus

    report = validate_corpus(corpus)
    assert report.conforms, report.text


SNIPPETS = sorted(p for p in HERE.glob("*.ttl") if not p.name.startswith("_"))


@pytest.mark.parametrize("snippet", SNIPPETS, ids=lambda p: p.stem)
def test_the_compiled_engine_finds_what_pyshacl_finds(snippet):
    """graph.shacl's engine gives pySHACL's findings, each with its node, property, value and words.

    A path written as an expression is a blank node of each engine's own copy of the shapes:
    compared as a reader sees it.
    """
    from graph.locate import curie
    from graph.shacl import check_shapes

    assert len(SNIPPETS) >= 2 * len(NODE_SHAPES)
    data = Graph()
    data += BACKGROUND
    data.parse(data=PREFIXES + snippet.read_text(), format="turtle")
    conforms, results, _ = validate(data, shacl_graph=SHAPES, inference="none", advanced=True)
    assert isinstance(results, Graph)
    details = set(results.objects(None, SH.detail))
    expected = sorted(
        (
            str(results.value(r, SH.focusNode)),
            curie(results.value(r, SH.resultPath)),
            str(results.value(r, SH.value)),
            str(results.value(r, SH.resultMessage)),
        )
        for r in results.subjects(RDF.type, SH.ValidationResult)
        if r not in details
    )
    found = sorted((str(f.focus), curie(f.path), str(f.value), f.message) for f in check_shapes(data))
    assert found == expected
    assert bool(found) != conforms


def test_blank_nodes_named_by_an_endpoint_are_checked_and_reported_by_their_own_names():
    """Virtuoso names blank nodes ``nodeID://b1``, which N-Triples cannot carry to the engine."""
    from rdflib import BNode

    from graph.shacl import check_shapes

    snippet = HERE / "ConstraintShape.invalid.ttl"
    data = Graph().parse(data=PREFIXES + snippet.read_text(), format="turtle")
    renamed = {node: BNode(f"nodeID://b{n}") for n, node in enumerate(sorted(set(data.all_nodes())))}
    renamed = {old: new for old, new in renamed.items() if isinstance(old, BNode)}
    assert renamed, f"{snippet.name} holds no blank node"
    endpoint = Graph()
    for triple in data:
        endpoint.add(tuple(renamed.get(term, term) for term in triple))  # type: ignore[arg-type]
    expected = [(renamed.get(f.focus, f.focus), f.message) for f in check_shapes(data)]
    assert expected
    assert sorted(expected) == sorted((f.focus, f.message) for f in check_shapes(endpoint))
