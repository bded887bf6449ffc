"""Names as people type them, turned into the graph's terms."""

from __future__ import annotations

import pytest

from graph.errors import QueryError
from graph.namespaces import PG, PGR
from graph.resolve import candidates, resolve


@pytest.mark.parametrize(
    ("name", "kind", "expected"),
    [
        ("Ukraine", "actor", PGR.Ukraine),
        ("kyiv", "actor", PGR.Ukraine),
        ("U.S.", "actor", PGR.UnitedStates),
        (":Germany", "actor", PGR.Germany),
        ("<https://w3id.org/policygraph/id/France>", "actor", PGR.France),
        ("Pentagon", "actor", PGR.USDepartmentOfDefense),
        ("HIMARS", "weapon", PGR.HIMARS),
        ("SCALP-EG", "weapon", PGR.StormShadow),
        ("ballistic missile", "weapon", PG.BallisticMissile),
        ("pg:Rocket", "weapon", PG.Rocket),
        ("Kharkiv region", "place", PGR.KharkivOblast),
        ("Moscow", "place", PGR.Moscow),
        ("Russia", "place", PGR.Russia),
        ("massing troops", "target-type", PG.MassingTroops),
        ("counter-fire", "purpose", PG.CounterFire),
    ],
)
def test_resolve(dataset, name, kind, expected):
    assert resolve(dataset, name, kind=kind) == expected


def test_kinds_keep_their_own_candidates(dataset):
    assert PGR.HIMARS not in candidates(dataset, "place")
    with pytest.raises(QueryError, match="no place named 'HIMARS'"):
        resolve(dataset, "HIMARS", kind="place")


def test_ambiguous_and_unknown_names(dataset):
    with pytest.raises(QueryError, match="did you mean 'Kursk Oblast'"):
        resolve(dataset, "Kursk Oblst", kind="place")
    with pytest.raises(QueryError, match="did you mean 'M142 HIMARS'"):
        resolve(dataset, "HIMARZ", kind="weapon")


def test_a_name_two_things_share_is_refused():
    from rdflib import Dataset, Literal
    from rdflib.namespace import RDF, RDFS, SKOS

    small = Dataset()
    for place, label in ((PGR.KurskOblast, "Kursk Oblast"), (PGR.BelgorodOblast, "Belgorod Oblast")):
        small.add((place, RDF.type, PG.Place))
        small.add((place, RDFS.label, Literal(label)))
        small.add((place, SKOS.altLabel, Literal("the border region")))
    with pytest.raises(QueryError, match="could be Belgorod Oblast, Kursk Oblast"):
        resolve(small, "The Border Region", kind="place")
