"""Add a report of your own: write one Turtle file, build it with the bundled corpus, ask again.

This is the README's worked example of a later report (made up and clearly marked, not a
real source). Published on 2024-11-20, it revokes a named rule of an earlier decision,
grants a permission scoped with "only", records that a third party controls a weapon
(so that party's rule applies), and reports an event. The script writes it beside a copy
of the bundled corpus, builds the lot, and asks the engine the same questions as
reported before and after that day, then audits the events.

    python examples/add_a_report.py [WORK_FOLDER]
"""

import shutil
import sys
from datetime import date
from pathlib import Path

from graph import Action, PolicyEngine, audit, build, corpus_files
from graph.namespaces import PG, PGR

REPORT = """\
@prefix :        <https://w3id.org/policygraph/id/> .
@prefix pg:      <https://w3id.org/policygraph/ontology#> .
@prefix src:     <https://w3id.org/policygraph/source/> .
@prefix rdfs:    <http://www.w3.org/2000/01/rdf-schema#> .
@prefix xsd:     <http://www.w3.org/2001/XMLSchema#> .
@prefix prov:    <http://www.w3.org/ns/prov#> .
@prefix dcterms: <http://purl.org/dc/terms/> .
@prefix odrl:    <http://www.w3.org/ns/odrl/2/> .

# 1. the document: its type, title, day of publication, publisher, default confidence
src:example-later-report a pg:NewsReport ;
    dcterms:title "Example later report (a worked example, not a real source)" ;
    dcterms:issued "2024-11-20"^^xsd:date ;
    dcterms:publisher :Reuters ;
    prov:wasAttributedTo :Reuters ;
    pg:confidence pg:MediumConfidence .

# 2. who it cites: officials, count not given (leave pg:memberCount out)
:example-officials a pg:AnonymousSourceGroup ;
    rdfs:label "US officials (example later report)" ;
    pg:affiliation :UnitedStates .

# 3. the decision: dated, revoking a named rule of 2023, with its own named rules
:example-atacms-kursk a odrl:Set ;
    rdfs:label "Example: ATACMS allowed in Kursk Oblast only" ;
    dcterms:date "2024-11-18"^^xsd:date ;
    odrl:assigner :UnitedStates ;
    pg:revokes :us-atacms-2023--no-atacms-on-russian-territory ;
    odrl:permission :example-atacms-kursk--only-kursk ;
    prov:wasAttributedTo :example-officials ;
    pg:confidence pg:MediumConfidence .

# "only in Kursk Oblast": a permission whose place constraint is that region
:example-atacms-kursk--only-kursk a odrl:Permission ;
    rdfs:label "example: ATACMS only in Kursk Oblast" ;
    odrl:assignee :Ukraine ;
    odrl:action pg:strike ;
    odrl:target :us-weapons-for-ukraine ;
    odrl:constraint
        [ odrl:leftOperand pg:weaponSystem ; odrl:operator odrl:eq ; odrl:rightOperand :ATACMS ] ,
        [ odrl:leftOperand odrl:spatial ; odrl:operator odrl:isPartOf ; odrl:rightOperand :KurskOblast ] .

# the report restates who supplied the weapon, so that a question "as reported by" its day knows
:us-weapons-for-ukraine pg:includesSystem :ATACMS ;
    prov:wasAttributedTo :example-officials ;
    pg:confidence pg:MediumConfidence .

# 4. control beyond supply: the use of Storm Shadow needs US consent, so US rules on it apply
:StormShadow pg:controlledBy :UnitedStates .

:example-us-storm-shadow a odrl:Set ;
    rdfs:label "Example: no Storm Shadow strikes inside Russia without US consent" ;
    dcterms:date "2024-11-18"^^xsd:date ;
    odrl:assigner :UnitedStates ;
    odrl:prohibition :example-us-storm-shadow--no-russia ;
    prov:wasAttributedTo :example-officials ;
    pg:confidence pg:LowConfidence .

:example-us-storm-shadow--no-russia a odrl:Prohibition ;
    rdfs:label "example: no Storm Shadow inside Russia" ;
    odrl:assignee :Ukraine ;
    odrl:action pg:strike ;
    odrl:target :StormShadow ;
    odrl:constraint
        [ odrl:leftOperand odrl:spatial ; odrl:operator odrl:isPartOf ; odrl:rightOperand :Russia ] .

# 5. an event: who, with what, where, against what, on which day
:example-strike-kursk a pg:Strike ;
    rdfs:label "example: ATACMS strike in Kursk Oblast" ;
    pg:performedBy :ArmedForcesOfUkraine ;
    pg:weaponUsed :ATACMS ;
    pg:location :KurskOblast ;
    pg:struck pg:MilitaryTarget ;
    dcterms:date "2024-11-19"^^xsd:date ;
    prov:wasAttributedTo :example-officials ;
    pg:confidence pg:MediumConfidence .
"""


def main(folder: str) -> None:
    work = Path(folder)
    sources = work / "sources"
    sources.mkdir(parents=True, exist_ok=True)
    for file in corpus_files():
        shutil.copy(file, sources / file.name)
    (sources / "example-later-report.ttl").write_text(REPORT, encoding="utf-8")

    result = build([sources], out=work / "out", formats=("svg",))
    print(f"built {result.summary.sources} sources ({len(corpus_files())} bundled + yours)")
    engine = PolicyEngine(result.corpus.dataset)
    questions = {
        "ATACMS in Kursk Oblast": Action(
            actor=PGR.Ukraine,
            weapon=PGR.ATACMS,
            place=PGR.KurskOblast,
            target_type=PG.MilitaryTarget,
            day=date(2024, 11, 25),
        ),
        "French Storm Shadow at a launch site in Kursk Oblast": Action(
            actor=PGR.Ukraine,
            weapon=PGR.StormShadow,
            supplier=PGR.France,
            place=PGR.KurskOblast,
            target_type=PG.LaunchSite,
            day=date(2024, 11, 25),
        ),
    }
    for known_by in (date(2024, 11, 19), date(2024, 11, 20)):
        print(f"as reported by {known_by}:")
        for name, action in questions.items():
            decision = engine.as_known_by(known_by).decide(action)
            print(f"  {name}: {decision.outcome.words} ({decision.reasons[0]})")
    print("events:")
    for row in audit(result.corpus.dataset, engine=engine):
        print(f"  {row.day} {row.label}: {row.decision.outcome.words}")


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else "my-reports")
