"""Names as people type them, turned into the graph's terms."""

from __future__ import annotations

import pytest

from graph.errors import QueryError
from graph.namespaces import PG, PGR
from graph.resolve import candidates, normalise, resolve


@pytest.mark.parametrize(
    ("name", "kind", "expected"),
    [
        ("Ukraine", "actor", PGR.Ukraine),
        ("kyiv", "actor", PGR.Ukraine),
        ("U.S.", "actor", PGR.UnitedStates),
        ("the Biden administration", "actor", PGR.UnitedStates),
        ("Kremlin", "actor", PGR.Russia),
        (":Germany", "actor", PGR.Germany),
        ("<https://w3id.org/policygraph/id/France>", "actor", PGR.France),
        ("Pentagon", "actor", PGR.USDepartmentOfDefense),
        ("HIMARS", "weapon", PGR.HIMARS),
        ("SCALP-EG", "weapon", PGR.StormShadow),
        ("M270", "weapon", PGR.M270),
        ("ballistic missile", "weapon", PG.BallisticMissile),
        ("rockets", "weapon", PG.Rocket),
        ("Rocket Launchers", "weapon", PG.RocketLauncher),
        ("pg:Rocket", "weapon", PG.Rocket),
        ("Kharkiv region", "place", PGR.KharkivOblast),
        ("Kharkov", "place", PGR.Kharkiv),
        ("Belgorod", "place", PGR.BelgorodOblast),
        ("Kursk", "place", PGR.KurskOblast),
        ("Moscow", "place", PGR.Moscow),
        ("the Kremlin", "place", PGR.Moscow),
        ("Russia", "place", PGR.Russia),
        ("massing troops", "target-type", PG.MassingTroops),
        ("troops massing", "target-type", PG.MassingTroops),
        ("bombers", "target-type", PG.AttackAircraft),
        ("counter-fire", "purpose", PG.CounterFire),
        ("counterfire", "purpose", PG.CounterFire),
        ("Counter Fire", "purpose", PG.CounterFire),
    ],
)
def test_resolve(dataset, name, kind, expected):
    assert resolve(dataset, name, kind=kind) == expected


def test_a_capital_standing_for_a_government_is_never_a_place(dataset):
    # "Kyiv" and "Washington" name governments in reporting (pg:metonym), not places
    assert "Kyiv" in candidates(dataset, "actor")[PGR.Ukraine].aliases
    assert "Kyiv" not in {n for c in candidates(dataset, "place").values() for n in c.names}
    with pytest.raises(QueryError, match="no place named 'Washington'"):
        resolve(dataset, "Washington", kind="place")


def test_kinds_keep_their_own_candidates(dataset):
    assert PGR.HIMARS not in candidates(dataset, "place")
    with pytest.raises(QueryError, match="no place named 'HIMARS'"):
        resolve(dataset, "HIMARS", kind="place")


def test_unknown_names_list_the_closest_with_their_kind(dataset):
    with pytest.raises(QueryError, match=r"did you mean 'Kursk Oblast' \(region"):
        resolve(dataset, "Kursk Oblst", kind="place")
    with pytest.raises(
        QueryError, match=r"did you mean 'M142 HIMARS' \(multiple rocket launcher, as 'HIMARS'\)"
    ):
        resolve(dataset, "HIMARZ", kind="weapon")
    with pytest.raises(QueryError, match=r"did you mean 'France' \(state\)"):
        resolve(dataset, "Frnace", kind="actor")
    with pytest.raises(QueryError, match=r":Frnace is not a actor in the graph; did you mean 'France'"):
        resolve(dataset, ":Frnace", kind="actor")


def test_a_city_that_names_its_region_too_is_ambiguous(dataset):
    with pytest.raises(
        QueryError, match=r"place 'Kharkiv' could be Kharkiv \(city, :Kharkiv\); Kharkiv Oblast"
    ):
        resolve(dataset, "Kharkiv", kind="place")
    assert resolve(dataset, ":Kharkiv", kind="place") == PGR.Kharkiv
    assert resolve(dataset, "Kharkiv Oblast", kind="place") == PGR.KharkivOblast


def test_a_name_two_things_share_is_refused():
    from rdflib import Dataset, Literal
    from rdflib.namespace import RDF, RDFS, SKOS

    small = Dataset()
    for place, label in ((PGR.KurskOblast, "Kursk Oblast"), (PGR.BelgorodOblast, "Belgorod Oblast")):
        small.add((place, RDF.type, PG.Place))
        small.add((place, RDFS.label, Literal(label)))
        small.add((place, SKOS.altLabel, Literal("the border region")))
    with pytest.raises(QueryError, match=r"could be Belgorod Oblast .*; Kursk Oblast"):
        resolve(small, "The Border Region", kind="place")


def test_normalise_ignores_case_dots_hyphens_and_a_leading_the():
    assert normalise("The U.S.") == normalise("us") == "us"
    assert normalise("counter-fire") == normalise("Counter Fire")
