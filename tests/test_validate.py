"""Validation findings say which file, which line, which entity and property, and what to write."""

from __future__ import annotations

import pytest

from graph.build import build
from graph.errors import ValidationError
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
