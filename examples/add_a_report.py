"""Add a report of your own: write one Turtle file, build it with the bundled corpus.

This writes a small source about a (made-up, clearly marked) test statement into a
folder beside a copy of the bundled corpus, builds the lot, and asks who said what.

    python examples/add_a_report.py [WORK_FOLDER]
"""

import shutil
import sys
from pathlib import Path

from graph import build, corpus_files, get_query, run_query
from graph.results import short

REPORT = """\
@prefix :        <https://w3id.org/policygraph/id/> .
@prefix pg:      <https://w3id.org/policygraph/ontology#> .
@prefix src:     <https://w3id.org/policygraph/source/> .
@prefix rdfs:    <http://www.w3.org/2000/01/rdf-schema#> .
@prefix xsd:     <http://www.w3.org/2001/XMLSchema#> .
@prefix prov:    <http://www.w3.org/ns/prov#> .
@prefix dcterms: <http://purl.org/dc/terms/> .

# 1. the document: its type, title, date, publisher, and how far to trust it
src:example-briefing a pg:OfficialStatement ;
    dcterms:title "Example briefing (a worked example, not a real source)" ;
    dcterms:issued "2024-06-03"^^xsd:date ;
    dcterms:publisher :UnitedStates ;
    prov:wasAttributedTo :UnitedStates ;
    pg:confidence pg:HighConfidence .

# 2. each claim: what it says, who it is attributed to, how confident that makes it
:example-briefing-statement a pg:Statement ;
    rdfs:label "Example: a spokesperson restates the Kharkiv decision" ;
    pg:speaker :USNationalSecurityCouncil ;
    pg:statementKind pg:Confirmation ;
    pg:about :us-kharkiv-counterfire-2024 ;
    dcterms:date "2024-06-03"^^xsd:date ;
    pg:summary "Worked example: the counter-fire permission near Kharkiv stands as reported." ;
    prov:wasAttributedTo :USNationalSecurityCouncil ;
    pg:confidence pg:HighConfidence .
"""


def main(folder: str) -> None:
    work = Path(folder)
    sources = work / "sources"
    sources.mkdir(parents=True, exist_ok=True)
    for file in corpus_files():
        shutil.copy(file, sources / file.name)
    (sources / "example-briefing.ttl").write_text(REPORT, encoding="utf-8")

    result = build([sources], out=work / "out", formats=("svg",))
    print(
        f"built {result.summary.sources} sources ({len(corpus_files())} bundled + yours), "
        f"{result.summary.statements} statements"
    )
    for row in run_query(result.corpus.dataset, get_query("cq6-statements")):
        print(f"  {row['date']}  {short(row['speaker'])}: {row['summary']}")


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else "my-reports")
