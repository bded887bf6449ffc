"""The ontology: its modules, its hygiene, and the namespace class kept in step with it."""

from __future__ import annotations

from pathlib import Path

from rdflib import Graph, URIRef
from rdflib.namespace import OWL, RDFS, SKOS

from graph.load import load_ontology
from graph.namespaces import ONTOLOGY_IRI, PG
from graph.resources import corpus_files, ontology_modules, query_files, shapes_file
from graph.validate import validate_ontology

PG_NS = str(PG)


def _defined(ontology: Graph) -> set[str]:
    return {
        str(s)[len(PG_NS) :]
        for s in ontology.subjects()
        if isinstance(s, URIRef) and str(s).startswith(PG_NS)
    }


def test_top_module_imports_every_module():
    ontology = load_ontology()
    imported = set(ontology.objects(ONTOLOGY_IRI, OWL.imports))
    modules = {s for s in ontology.subjects(None, OWL.Ontology)} - {ONTOLOGY_IRI}
    assert len(ontology_modules()) == 6
    assert imported == modules
    assert {str(m).rsplit("/", 1)[-1] for m in modules} == {
        "actors",
        "places",
        "weapons",
        "policies",
        "provenance",
    }


def test_ontology_hygiene_shapes_conform():
    report = validate_ontology()
    assert report.conforms, report.text


def test_hygiene_shapes_catch_a_term_without_definition(tmp_path):
    from pyshacl import validate

    ontology = load_ontology()
    ontology.remove((PG.Region, SKOS.definition, None))
    shapes = Graph().parse(shapes_file("ontology"))
    conforms, _, text = validate(ontology, shacl_graph=shapes)
    assert not conforms
    assert "Region" in text


def test_namespace_class_lists_exactly_the_ontology_terms():
    declared = set(PG.__annotations__)
    assert declared == _defined(load_ontology())


def test_every_term_is_labelled_in_english():
    ontology = load_ontology()
    for term in _defined(ontology):
        labels = list(ontology.objects(PG[term], RDFS.label))
        assert labels and all(label.language == "en" for label in labels), term


def test_every_term_is_used_by_data_queries_shapes_or_code():
    """A term counts as used when it, a subclass of it or a concept in it (a scheme) is used."""
    package = Path(query_files()[0]).parent.parent
    texts = [*corpus_files(), *query_files(), shapes_file("data"), *package.rglob("*.py")]
    used_text = "\n".join(Path(p).read_text() for p in texts)
    ontology = load_ontology()

    def used(term: URIRef) -> bool:
        local = str(term)[len(PG_NS) :]
        if f"pg:{local}" in used_text or f"PG.{local}" in used_text:
            return True
        narrower = set(ontology.subjects(RDFS.subClassOf, term)) | set(ontology.subjects(SKOS.inScheme, term))
        return any(used(n) for n in narrower if isinstance(n, URIRef) and str(n).startswith(PG_NS))

    unused = sorted(t for t in _defined(ontology) if not used(PG[t]))
    assert not unused, f"terms nothing uses: {unused}"
