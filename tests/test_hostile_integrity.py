"""Data a person would want flagged, not silently kept."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest
from conftest import SOURCE_HEAD

from graph.load import load
from graph.validate import validate


def _add(folder: Path, name: str, body: str) -> None:
    (folder / name).write_text(SOURCE_HEAD + textwrap.dedent(body))


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


def test_a_citation_of_a_source_that_is_not_loaded(corpus_copy):
    _add(corpus_copy, "zz-test.ttl", ":Kharkiv <http://purl.org/dc/terms/source> src:nowhere-2024 .\n")
    report = validate(load([corpus_copy]))
    assert any(v.focus == "src:nowhere-2024" and "no loaded source" in v.message for v in report.violations)
