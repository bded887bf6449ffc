"""One source cannot change the rules for everyone: the ontology owns the vocabulary.

Each way a source could reach into the vocabulary is refused by validation (with the
file and line) or at load, and the engine does not read such a statement either.
Extending a hierarchy with new things (a place, a system, a concept) stays allowed.
"""

from __future__ import annotations

from datetime import date

import pytest

from graph.errors import SourceError
from graph.load import load
from graph.namespaces import PG, PGR
from graph.policy import Action, Outcome, PolicyEngine
from graph.validate import validate

HEADER = """\
@prefix :        <https://w3id.org/policygraph/id/> .
@prefix pg:      <https://w3id.org/policygraph/ontology#> .
@prefix src:     <https://w3id.org/policygraph/source/> .
@prefix rdfs:    <http://www.w3.org/2000/01/rdf-schema#> .
@prefix skos:    <http://www.w3.org/2004/02/skos/core#> .
@prefix owl:     <http://www.w3.org/2002/07/owl#> .
@prefix xsd:     <http://www.w3.org/2001/XMLSchema#> .
@prefix prov:    <http://www.w3.org/ns/prov#> .
@prefix dcterms: <http://purl.org/dc/terms/> .
@prefix odrl:    <http://www.w3.org/ns/odrl/2/> .

src:test-hostile a pg:NewsReport ;
    dcterms:title "Test: a source that reaches into the vocabulary" ;
    dcterms:issued "2024-06-01"^^xsd:date ;
    dcterms:publisher :Reuters ;
    prov:wasAttributedTo :Reuters ;
    pg:confidence pg:LowConfidence .
"""

#: a launch site asked about on the French-supplied weapons: not permitted, unless
#: launch sites were attacking forces (which the US counter-fire rule covers)
LAUNCH_SITE = Action(
    actor=PGR.Ukraine,
    weapon=PGR.GMLRS,
    place=PGR.BelgorodOblast,
    target_type=PG.LaunchSite,
    purpose=PG.CounterFire,
    day=date(2024, 6, 5),
)


def _with(corpus_copy, body: str):
    path = corpus_copy / "test-hostile.ttl"
    path.write_text(HEADER + body, encoding="utf-8")
    return path, load([corpus_copy])


def _findings(corpus, path):
    report = validate(corpus)
    assert not report.conforms
    found = [v for v in report.violations if v.file.endswith(path.name)]
    assert found, report.text()
    return found


@pytest.mark.parametrize(
    ("statement", "words"),
    [
        ("pg:LaunchSite skos:broader pg:AttackingForces .", "is an ontology term"),
        ("pg:LaunchSite skos:inScheme pg:PurposeScheme .", "is an ontology term"),
        ("pg:Rocket rdfs:subClassOf pg:LongRangeMissile .", "is an ontology term"),
        ("pg:acrossBorderFrom rdfs:domain pg:Place .", "is an ontology term"),
        ("odrl:isPartOf owl:inverseOf odrl:hasPart .", "is an ontology term"),
        (":Anything owl:sameAs pg:AttackingForces .", "is made the same as the ontology term"),
    ],
)
def test_a_statement_about_the_vocabulary_is_refused_where_it_is(corpus_copy, statement, words):
    path, corpus = _with(corpus_copy, f"\n{statement}\n")
    [finding] = [f for f in _findings(corpus, path) if words in f.message]
    assert finding.line == HEADER.count("\n") + 2
    assert "ontology" in finding.message


def test_the_engine_does_not_read_a_source_that_rewrites_a_concept(corpus_copy, dataset):
    before = PolicyEngine(dataset).decide(LAUNCH_SITE)
    assert before.outcome is Outcome.NOT_PERMITTED
    _, corpus = _with(corpus_copy, "\npg:LaunchSite skos:broader pg:AttackingForces .\n")
    after = PolicyEngine(corpus.dataset).decide(LAUNCH_SITE)
    assert after.outcome is Outcome.NOT_PERMITTED
    assert "launch site falls under attacking forces" not in after.text()
    assert after.text() == before.text()


def test_a_source_may_extend_a_hierarchy_and_is_cited_for_it(corpus_copy):
    body = """
:test-drone-depot a skos:Concept ;
    rdfs:label "test drone depot" ;
    skos:inScheme pg:TargetTypeScheme ;
    skos:broader pg:AttackingForces .
:test-new-rocket a pg:GuidedRocket ;
    rdfs:label "test new rocket" .
:us-weapons-for-ukraine pg:includesSystem :test-new-rocket ;
    prov:wasAttributedTo :Reuters ;
    pg:confidence pg:LowConfidence .
"""
    _, corpus = _with(corpus_copy, body)
    report = validate(corpus)
    assert report.conforms, report.text()
    decision = PolicyEngine(corpus.dataset).decide(
        LAUNCH_SITE.replace(weapon=PGR["test-new-rocket"], target_type=PGR["test-drone-depot"])
    )
    assert decision.outcome is Outcome.PERMITTED, decision.text()
    lines = decision.text()
    assert "test drone depot falls under attacking forces [src:test-hostile]" in lines
    assert "US-provided weapons in Ukraine include test new rocket [src:test-hostile]" in lines


def test_a_source_named_like_the_ontology_is_refused_at_load(corpus_copy):
    path = corpus_copy / "test-ontology-name.ttl"
    path.write_text(
        HEADER.replace("src:test-hostile a", "<https://w3id.org/policygraph/ontology> a"), encoding="utf-8"
    )
    with pytest.raises(SourceError, match=r"test-ontology-name.ttl:\d+: .*named like the ontology"):
        load([corpus_copy])
    path.write_text(HEADER.replace("src:test-hostile a", "<urn:x-rdflib:default> a"), encoding="utf-8")
    with pytest.raises(SourceError, match="default graph"):
        load([corpus_copy])


def test_a_rule_without_a_name_is_refused(corpus_copy):
    body = """
:test-policy a odrl:Set ;
    rdfs:label "test: a policy with an unnamed rule" ;
    dcterms:date "2024-06-01"^^xsd:date ;
    odrl:assigner :UnitedStates ;
    odrl:prohibition [ a odrl:Prohibition ; odrl:assignee :Ukraine ; odrl:action pg:strike ;
                       odrl:target :us-weapons-for-ukraine ] ;
    prov:wasAttributedTo :Reuters ;
    pg:confidence pg:LowConfidence .
"""
    path, corpus = _with(corpus_copy, body)
    [finding] = [f for f in _findings(corpus, path) if "a rule needs an IRI" in f.message]
    assert "revoke, narrow or extend" in finding.message


def test_one_alias_on_two_entities_is_refused(corpus_copy):
    path, corpus = _with(corpus_copy, '\n:KurskOblast skos:altLabel "Belgorod region" .\n')
    [finding] = [f for f in _findings(corpus, path) if "alias" in f.message]
    assert finding.focus == ":KurskOblast" and ":BelgorodOblast" in finding.message
    path, corpus = _with(corpus_copy, '\n:Russia skos:altLabel "Moscow" .\n')
    [finding] = [f for f in _findings(corpus, path) if "alias" in f.message]
    assert "pg:metonym" in finding.message
