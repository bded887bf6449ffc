"""The query library: every .rq has a header and runs; each competency question gives its expected rows."""

from __future__ import annotations

import pytest
from rdflib import Literal, URIRef

from graph.errors import QueryError
from graph.queries import get_query, list_queries, parse_query, parse_term, run_query
from graph.resources import query_files
from graph.results import short

QUERIES = [q.name for q in list_queries()]


def _rows(dataset, name, **bindings):
    return [
        {k: short(v) for k, v in row.items()}
        for row in run_query(dataset, get_query(name), bindings=bindings)
    ]


def _set(text: str, sep: str = ", ") -> set[str]:
    return set(text.split(sep)) if text else set()


def test_library_found():
    assert len(query_files()) >= 9
    assert sum(name.startswith("cq") for name in QUERIES) == 7


@pytest.mark.parametrize("name", QUERIES)
def test_every_query_has_a_question_and_answers_on_the_corpus(dataset, name):
    query = get_query(name)
    assert query.question.endswith("?"), f"{name}: the header needs '# question: ...?'"
    assert query.answer, f"{name}: the header needs '# answer: ...'"
    assert len(run_query(dataset, query)) >= 1


def test_cq1_what_ukraine_may_do_inside_russia(dataset):
    [row] = _rows(dataset, "cq1-permissions")
    assert row["policy"] == ":us-kharkiv-counterfire-2024"
    assert (row["grantor"], row["action"], row["weapons"]) == (
        ":UnitedStates",
        "pg:strike",
        ":us-weapons-for-ukraine",
    )
    assert row["area"] == ":KharkivOblast"
    assert _set(row["purposes"]) == {"counter-fire", "air defence"}
    assert _set(row["targets"]) == {
        "attacking forces",
        "massing troops",
        "incoming missile",
        "attack aircraft",
    }
    assert _set(row["examples"]) == {"rocket", "rocket launcher"}
    assert row["since"] == "2024-05-30"
    assert row["source"] == "src:politico-2024-05-30"


def test_cq1_parameters_narrow_the_answer(dataset):
    assert _rows(dataset, "cq1-permissions", supplier=":France") == []
    assert _rows(dataset, "cq1-permissions", grantee=":Russia") == []
    assert len(_rows(dataset, "cq1-permissions", country=":Russia")) == 1


def test_cq2_what_stays_prohibited_and_what_was_reversed(dataset):
    rows = _rows(dataset, "cq2-prohibitions")
    current = {r["prohibition"]: r for r in rows if r["policy"] == ":us-kharkiv-counterfire-2024"}
    assert set(current) == {
        "no strikes on civilian infrastructure",
        "no long-range strikes deep inside Russia",
    }
    deep = current["no long-range strikes deep inside Russia"]
    assert _set(deep["conditions"], "; ") == {
        "place isPartOf Russia",
        "depth eq deep inside",
        "weapon class isA long-range missile",
        "target type eq military target",
    }
    for row in current.values():
        assert row["reverses"] == ":us-policy-no-strikes-in-russia"
        assert row["carriedOverFrom"] == ":us-policy-no-strikes-in-russia"
        assert row["concern"] == ":escalation-concern"
    earlier = [r for r in rows if r["policy"] == ":us-policy-no-strikes-in-russia"]
    assert [(r["prohibition"], r["conditions"]) for r in earlier] == [
        ("no strikes inside Russia", "place isPartOf Russia")
    ]


def test_cq3_who_granted_asked_and_reported(dataset):
    rows = _rows(dataset, "cq3-decision-sourcing")
    assert {(r["policy"], r["decidedBy"], r["requester"], r["publisher"]) for r in rows} == {
        (":us-kharkiv-counterfire-2024", ":JoeBiden", ":Ukraine", ":Politico")
    }
    assert {(r["attributedTo"], r["onRecord"], r["sourceCount"]) for r in rows} == {
        (":politico-2024-05-30-us-officials", "false", "3"),
        (":politico-2024-05-30-familiar", "false", "2"),
    }


def test_cq4_supporters(dataset):
    rows = _rows(dataset, "cq4-supporters")
    assert {(r["actor"], r["confidence"]) for r in rows} == {
        (":UnitedKingdom", "medium"),
        (":France", "medium"),
    }
    assert _rows(dataset, "cq4-supporters", beneficiary=":Russia") == []


def test_cq5_places_and_how_they_relate(dataset):
    rows = _rows(dataset, "cq5-places")
    relations = {(r["place"], r["relation"], r["other"]) for r in rows if r["relation"]}
    assert relations == {
        (":Kharkiv", "within", ":KharkivOblast"),
        (":KharkivOblast", "within", ":Ukraine"),
        (":KharkivOblast", "borders", ":BelgorodOblast"),
        (":BelgorodOblast", "within", ":Russia"),
        (":BelgorodOblast", "borders", ":KharkivOblast"),
    }
    kinds = {r["place"]: r["kind"] for r in rows}
    assert kinds == {
        ":Kharkiv": "pg:City",
        ":KharkivOblast": "pg:Region",
        ":BelgorodOblast": "pg:Region",
        ":Ukraine": "pg:State",
        ":Russia": "pg:State",
    }
    assert {r["distanceToBorderKm"] for r in rows if r["place"] == ":Kharkiv"} == {"30.0"}


def test_cq6_statements(dataset):
    rows = _rows(dataset, "cq6-statements")
    assert [(r["speaker"], r["kind"], r["date"]) for r in rows] == [
        (":AntonyBlinken", "pg:Hint", "2024-05-29"),
        (":politico-2024-05-30-quoted-official", "pg:Announcement", "2024-05-30"),
    ]
    assert rows[1]["quote"] == "has not changed"
    assert all(r["summary"] and r["about"] == ":us-kharkiv-counterfire-2024" for r in rows)


def test_cq7_claim_provenance(dataset):
    rows = _rows(dataset, "cq7-claim-provenance")
    by_claim = {}
    for r in rows:
        by_claim.setdefault(r["claim"], set()).add((r["source"], r["attribution"], r["confidence"]))
    assert by_claim[":us-kharkiv-counterfire-2024"] == {
        ("src:politico-2024-05-30", "anonymous (3)", "medium"),
        ("src:politico-2024-05-30", "anonymous (2)", "medium"),
    }
    assert by_claim[":blinken-2024-05-29-hint"] == {("src:politico-2024-05-30", "on record", "high")}
    assert by_claim[":RussianKharkivOffensive2024"] == {("src:politico-2024-05-30", "the publisher", "low")}
    one = _rows(dataset, "cq7-claim-provenance", claim=":blinken-2024-05-29-hint")
    assert [r["claim"] for r in one] == [":blinken-2024-05-29-hint"]


def test_every_claim_of_every_source_is_reachable_from_cq7(dataset):
    claims = {
        short(s)
        for s, _, _, g in dataset.quads(
            (None, URIRef("https://w3id.org/policygraph/ontology#confidence"), None, None)
        )
        if s != g
    }
    assert claims and claims == {r["claim"] for r in _rows(dataset, "cq7-claim-provenance")}


def test_parameters_are_bound_not_pasted(dataset):
    # values that would break out of the query text if pasted into it
    for hostile in [
        '"} UNION { ?s ?p ?o }',
        "x> } UNION { ?s ?p ?o",
        "a\nb } #",
        ":Ukraine } UNION { ?x ?y ?z",
    ]:
        term = parse_term(hostile)
        assert isinstance(term, Literal)
        assert _rows(dataset, "cq1-permissions", grantee=hostile) == []


def test_bad_parameters_are_clear_errors(dataset):
    with pytest.raises(QueryError, match="has no parameter 'granter'"):
        run_query(dataset, get_query("cq1-permissions"), bindings={"granter": ":Ukraine"})
    with pytest.raises(QueryError, match="unknown prefix 'foo'"):
        parse_term("foo:bar")
    with pytest.raises(QueryError, match="not a real date"):
        parse_term("2024-02-30")
    with pytest.raises(QueryError, match="not a valid IRI"):
        parse_term("<http://a b>")
    with pytest.raises(QueryError, match="no query named"):
        get_query("cq9")


def test_syntax_errors_are_reported_with_the_file(tmp_path):
    with pytest.raises(QueryError, match="SPARQL syntax error"):
        parse_query("SELECT ?x WHERE { ?x ", name="broken")
    with pytest.raises(QueryError, match="write a parameter as"):
        parse_query("# param: = nothing\nSELECT * WHERE {}", name="p")


def test_inline_query_may_use_the_project_prefixes(dataset):
    rows = run_query(dataset, "SELECT ?s WHERE { ?s a pg:State }")
    assert {short(r["s"]) for r in rows} >= {":Ukraine", ":Russia", ":UnitedStates"}


def test_ask_and_construct(dataset):
    assert run_query(dataset, "ASK { :Kharkiv geo:sfWithin :KharkivOblast }").boolean is True
    built = run_query(dataset, "CONSTRUCT { ?a geo:sfTouches ?b } WHERE { ?a geo:sfTouches ?b }")
    assert built.kind == "CONSTRUCT" and built.graph is not None and len(built.graph) == 4
