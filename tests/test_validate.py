"""Validation findings say which file, which line, which entity and property, and what to write."""

from __future__ import annotations

import re

import pytest

from graph.build import build
from graph.errors import SourceError, ValidationError
from graph.load import load
from graph.validate import validate


@pytest.fixture()
def seed_copy(corpus_copy, seed_path):
    return corpus_copy / seed_path.name


def _edit(path, old: str, new: str) -> None:
    text = path.read_text()
    assert old in text, f"the seed source no longer contains {old!r}"
    path.write_text(text.replace(old, new, 1))


def _line_of(path, needle: str) -> int:
    lines = path.read_text().splitlines()
    return next(i for i, line in enumerate(lines, start=1) if needle in line)


def test_misspelt_ontology_term_is_reported_where_it_is(corpus_copy, seed_copy):
    _edit(seed_copy, "pg:decidedBy :JoeBiden", "pg:decidedby :JoeBiden")
    report = validate(load([corpus_copy]))
    assert not report.conforms
    [finding] = [v for v in report.violations if v.focus == "pg:decidedby"]
    assert finding.file.endswith(seed_copy.name)
    assert finding.line == _line_of(seed_copy, "pg:decidedby")
    assert "not a term of the policygraph ontology" in finding.message


def test_misspelt_entity_is_reported_as_undescribed(corpus_copy, seed_copy):
    _edit(seed_copy, "pg:addressedTo :USNationalSecurityCouncil", "pg:addressedTo :USNationalSecurityCouncel")
    report = validate(load([corpus_copy]))
    found = [v for v in report.violations if v.focus == ":USNationalSecurityCouncel"]
    assert found and "never described" in found[0].message
    assert found[0].line == _line_of(seed_copy, "USNationalSecurityCouncel")


def test_shape_violation_names_entity_property_and_fix(corpus_copy, seed_copy):
    _edit(seed_copy, "pg:memberCount 3 ;", 'pg:memberCount "three" ;')
    report = validate(load([corpus_copy]))
    [finding] = [v for v in report.violations if v.path == "pg:memberCount"]
    assert finding.focus == ":politico-2024-05-30-us-officials"
    assert finding.line == _line_of(seed_copy, 'pg:memberCount "three"')
    assert "whole number" in finding.message
    assert str(finding).startswith(
        f"{finding.file}:{finding.line}: :politico-2024-05-30-us-officials pg:memberCount:"
    )


def test_violation_inside_a_rule_points_into_the_rule(corpus_copy, seed_copy):
    _edit(seed_copy, "odrl:rightOperand :KharkivOblast", "odrl:rightOperand pg:CounterFire")
    report = validate(load([corpus_copy]))
    [finding] = [v for v in report.violations if "takes a place" in v.message]
    rule = ":us-kharkiv-counterfire-2024--counter-fire-across-the-border-from-kharkiv-oblast"
    assert finding.focus == f"{rule} (in a rule or constraint)"
    assert finding.path == "odrl:rightOperand"
    assert finding.line == _line_of(
        seed_copy, "pg:acrossBorderFrom ; odrl:operator odrl:eq ; odrl:rightOperand pg:CounterFire"
    )


def test_build_refuses_invalid_data_and_writes_nothing(corpus_copy, seed_copy, tmp_path):
    _edit(seed_copy, "pg:position pg:Supports", "pg:position pg:Maybe")
    out = tmp_path / "out"
    with pytest.raises(ValidationError) as caught:
        build([corpus_copy], out=out)
    assert not out.exists()
    assert "\n" not in str(caught.value)
    assert caught.value.report.violations


#: one fault of each kind the checks look for, each in a file of its own
_FAULTS = {
    "zz-cycle.ttl": ":KharkivOblast geo:sfWithin :Kharkiv .\n",
    "zz-clash.ttl": ":Kharkiv a pg:Region .\n",
    "zz-labels.ttl": ':Kharkiv rdfs:label "Charkow" .\n',
    "zz-alias.ttl": ':Kharkiv skos:altLabel "Ukraine" .\n',
    "zz-vocabulary.ttl": ':Kharkiv pg:liesIn :KharkivOblast .\npg:Place rdfs:label "a place" .\n',
    "zz-dangling.ttl": ":Kharkiv <http://purl.org/dc/terms/source> src:nowhere-2024 ;\n"
    "    geo:sfTouches :Nowhere .\n",
    "zz-draft.ttl": ':test-statement a pg:Statement ; rdfs:label "x" ; pg:speaker :JoeBiden ;\n'
    '    pg:summary "(to write: what was said)" ; pg:unreviewed true ; pg:textSpan "3-9" ;\n'
    '    dcterms:date "2024-07-01"^^xsd:date ; prov:wasAttributedTo :JoeBiden ;\n'
    "    pg:confidence pg:HighConfidence , pg:LowConfidence .\n",
}


@pytest.fixture()
def faulty(corpus_copy, seed_copy):
    from conftest import SOURCE_HEAD

    for index, (name, body) in enumerate(_FAULTS.items()):
        head = "@prefix skos: <http://www.w3.org/2004/02/skos/core#> .\n" + SOURCE_HEAD.replace(
            "src:test-hostile", f"src:test-fault-{index}"
        )
        assert head != SOURCE_HEAD, "the test source header no longer names src:test-hostile"
        (corpus_copy / name).write_text(head + body)
    _edit(seed_copy, "odrl:rightOperand :KharkivOblast", "odrl:rightOperand pg:CounterFire")
    _edit(seed_copy, "pg:memberCount 3 ;", 'pg:memberCount "three" ;')
    return corpus_copy


def test_a_store_is_validated_as_the_same_sources_in_memory(faulty, tmp_path):
    """Every kind of finding, with its file and line, is the same in rdflib and in Oxigraph."""
    from graph.stores import StoreSpec, ingest, open_corpus

    corpus = load([faulty])
    expected = validate(corpus).violations
    kinds = {"lies within itself", "is a pg:Region here", "exactly one rdfs:label", "which also names",
             "not a term of the policygraph ontology", "is an ontology term", "never described",
             "no loaded source", "unreviewed draft candidate", "draft's placeholder",
             "more than one pg:confidence", "takes a place", "whole number",
             "after the source that reports it"}  # fmt: skip
    missing = {kind for kind in kinds if not any(kind in v.message for v in expected)}
    assert not missing, "\n".join(str(v) for v in expected)
    assert all(v.line for v in expected if v.file.endswith(".ttl")), "\n".join(str(v) for v in expected)
    in_oxigraph = validate(open_corpus([faulty], StoreSpec.parse("oxigraph"))).violations
    assert in_oxigraph == expected
    on_disk = StoreSpec.parse(f"oxigraph:{tmp_path / 'store'}")
    ingest([faulty], on_disk)
    stored = validate(open_corpus(None, on_disk)).violations
    # a store keeps no files: each finding is then named by its source's IRI, without a line
    assert {v.file for v in stored} <= {str(s.iri) for s in open_corpus(None, on_disk).sources} | {"ontology"}
    named = {source.file: str(source.iri) for source in corpus.sources}

    def by_iri(message: str) -> str:
        return re.sub(r"\S+\.ttl", lambda m: named.get(m[0], m[0]), message)

    assert sorted((v.focus, v.path, v.message) for v in stored) == sorted(
        (v.focus, v.path, by_iri(v.message)) for v in expected
    )


def test_a_store_build_refuses_invalid_data_and_keeps_the_store_it_had(faulty, tmp_path):
    from graph.stores import StoreSpec, count_quads, ingest, open_corpus

    spec = StoreSpec.parse(f"oxigraph:{tmp_path / 'store'}")
    ingest(None, spec, validated=True)  # the bundled corpus conforms
    before = count_quads(open_corpus(None, spec).dataset)
    with pytest.raises(ValidationError) as caught:
        ingest([faulty], spec, validated=True)
    assert any("takes a place" in v.message for v in caught.value.report.violations)
    assert count_quads(open_corpus(None, spec).dataset) == before


def test_a_date_no_calendar_has_is_found_in_a_store_at_its_line(corpus_copy, seed_copy):
    """Oxigraph keeps an ill-formed date that the loaders refuse (one written by an update, say):
    validation finds it there, at the line of the source that holds it."""
    from graph.backend import native_store
    from graph.stores import StoreSpec, open_corpus

    corpus = open_corpus([corpus_copy], StoreSpec.parse("oxigraph"))
    _edit(seed_copy, '"2024-05-30"^^xsd:date', '"2024-02-30"^^xsd:date')
    with pytest.raises(SourceError, match=r'"2024-02-30" is not a valid xsd:date'):
        open_corpus([corpus_copy], StoreSpec.parse("oxigraph"))
    native_store(corpus.dataset).update(
        "PREFIX xsd: <http://www.w3.org/2001/XMLSchema#> PREFIX dcterms: <http://purl.org/dc/terms/> "
        'DELETE { GRAPH ?g { ?g dcterms:issued "2024-05-30"^^xsd:date } } '
        'INSERT { GRAPH ?g { ?g dcterms:issued "2024-02-30"^^xsd:date } } '
        'WHERE { GRAPH ?g { ?g dcterms:issued "2024-05-30"^^xsd:date } '
        'FILTER(STRENDS(STR(?g), "politico-2024-05-30")) }'
    )
    report = validate(corpus)
    [finding] = [v for v in report.violations if "is not a valid xsd:date" in v.message]
    assert finding.file == str(seed_copy)
    assert finding.line == _line_of(seed_copy, '"2024-02-30"^^xsd:date')
    assert '"2024-05-30"^^xsd:date' in finding.message  # what to write instead
