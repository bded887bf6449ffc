"""The query library: every .rq has a header and runs; each competency question gives its expected rows."""

from __future__ import annotations

import pytest
from rdflib import URIRef

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
    rows = {r["ruleLabel"]: r for r in _rows(dataset, "cq1-permissions")}
    assert set(rows) == {
        "counter-fire across the border from Kharkiv Oblast",
        "counter-fire wherever forces attack across the border",
        "air defence against aircraft about to attack",
    }
    seed = rows["counter-fire across the border from Kharkiv Oblast"]
    assert seed["policy"] == ":us-kharkiv-counterfire-2024"
    assert (seed["grantor"], seed["action"], seed["weapons"]) == (
        ":UnitedStates",
        "pg:strike",
        ":us-weapons-for-ukraine",
    )
    assert seed["area"] == ":KharkivOblast"
    assert _set(seed["purposes"]) == {"counter-fire", "air defence"}
    assert _set(seed["targets"]) == {
        "attacking forces",
        "massing troops",
        "incoming missile",
        "attack aircraft",
    }
    assert _set(seed["examples"]) == {"rocket", "rocket launcher"}
    assert (seed["since"], seed["source"]) == ("2024-05-30", "src:politico-2024-05-30")
    border = rows["counter-fire wherever forces attack across the border"]
    assert (border["depth"], border["area"], border["since"]) == ("pg:BorderArea", "", "2024-06-17")
    assert border["examples"] == "" and border["source"] == "src:pbs-2024-06-17-sullivan"


def test_cq1_parameters_narrow_the_answer(dataset):
    assert _rows(dataset, "cq1-permissions", grantee=":Russia") == []
    french = _rows(dataset, "cq1-permissions", supplier=":France")
    assert [(r["ruleLabel"], r["targets"]) for r in french] == [
        ("neutralise launch sites in Russia", "launch site")
    ]
    assert {r["grantor"] for r in _rows(dataset, "cq1-permissions", supplier=":Germany")} == {":Germany"}
    assert _rows(dataset, "cq1-permissions", country=":Ukraine", supplier=":UnitedStates")


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
    earlier = {
        (r["prohibition"], r["conditions"], r["source"])
        for r in rows
        if r["policy"] == ":us-policy-no-strikes-in-russia"
    }
    assert earlier == {
        ("no strikes inside Russia", "place isPartOf Russia", "src:politico-2024-05-30"),
        ("no strikes inside Russia", "place isPartOf Russia", "src:nyt-2022-05-31-biden-op-ed"),
    }
    later = {(r["policy"], r["prohibition"]) for r in rows} - {
        (r["policy"], r["prohibition"]) for r in current.values()
    }
    assert (":us-no-moscow-2024", "no strikes on Moscow") in later
    assert (":us-atacms-2023", "no ATACMS on Russian territory") in later


def test_cq3_who_granted_asked_and_reported(dataset):
    rows = [
        r for r in _rows(dataset, "cq3-decision-sourcing") if r["policy"] == ":us-kharkiv-counterfire-2024"
    ]
    politico = [r for r in rows if r["source"] == "src:politico-2024-05-30"]
    assert {(r["decidedBy"], r["requester"], r["publisher"]) for r in politico} == {
        (":JoeBiden", ":Ukraine", ":Politico")
    }
    # the two reports disagree on how many unnamed sources there were: both accounts are kept
    counts = {(r["source"], r["attributedTo"], r["onRecord"], r["sourceCount"]) for r in rows}
    assert counts == {
        ("src:politico-2024-05-30", ":politico-2024-05-30-us-officials", "false", "3"),
        ("src:politico-2024-05-30", ":politico-2024-05-30-familiar", "false", "2"),
        ("src:reuters-2024-05-30-kharkiv", ":reuters-2024-05-30-us-official", "false", "1"),
        ("src:reuters-2024-05-30-kharkiv", ":reuters-2024-05-30-others", "false", "2"),
        ("src:nyt-2024-05-31-blinken-prague", ":AntonyBlinken", "true", "1"),
    }


def test_cq4_supporters(dataset):
    rows = _rows(dataset, "cq4-supporters")
    assert {(r["actor"], r["source"], r["confidence"]) for r in rows} == {
        (":UnitedKingdom", "src:politico-2024-05-30", "medium"),
        (":UnitedKingdom", "src:reuters-2024-05-02-cameron", "high"),
        (":France", "src:politico-2024-05-30", "medium"),
        (":France", "src:afp-2024-05-28-macron", "high"),
    }
    assert _rows(dataset, "cq4-supporters", beneficiary=":Russia") == []


def test_cq5_places_and_how_they_relate(dataset):
    rows = _rows(dataset, "cq5-places")
    relations = {(r["place"], r["relation"], r["other"]) for r in rows if r["relation"]}
    assert {
        (":Kharkiv", "within", ":KharkivOblast"),
        (":KharkivOblast", "within", ":Ukraine"),
        (":KharkivOblast", "borders", ":BelgorodOblast"),
        (":BelgorodOblast", "within", ":Russia"),
        (":BelgorodOblast", "borders", ":KharkivOblast"),
        (":Moscow", "within", ":Russia"),
    } <= relations
    kinds = {r["place"]: r["kind"] for r in rows}
    assert kinds[":Kharkiv"] == "pg:City" and kinds[":KharkivOblast"] == "pg:Region"
    assert kinds[":Ukraine"] == kinds[":Russia"] == "pg:State"
    assert ":SumyOblast" not in kinds  # no rule, event or statement names it
    assert {r["distanceToBorderKm"] for r in rows if r["place"] == ":Kharkiv"} == {"30.0"}


def test_cq6_statements(dataset):
    rows = _rows(dataset, "cq6-statements")
    dates = [r["date"] for r in rows]
    assert dates == sorted(dates) and dates[0] == "2022-05-31" and dates[-1] == "2024-06-20"
    said = {(r["speaker"], r["kind"], r["date"]) for r in rows}
    assert {
        (":AntonyBlinken", "pg:Hint", "2024-05-29"),
        (":AntonyBlinken", "pg:Confirmation", "2024-05-31"),
        (":politico-2024-05-30-quoted-official", "pg:Background", "2024-05-30"),
        (":Ukraine", "pg:Assurance", "2022-05-31"),
        (":PatRyder", "pg:Confirmation", "2024-06-20"),
    } <= said
    quoted = {r["statement"]: r["quote"] for r in rows if r["quote"]}
    assert quoted == {
        ":politico-2024-05-30-official-statement": "has not changed",
        ":ryder-2024-06-20": "no change in policy",
    }
    hint = [r for r in rows if r["statement"] == ":blinken-2024-05-29-hint"]
    assert {r["source"] for r in hint} == {"src:politico-2024-05-30", "src:bloomberg-2024-05-29-blinken"}
    assert all(r["summary"] for r in rows)


def test_cq7_claim_provenance(dataset):
    rows = _rows(dataset, "cq7-claim-provenance")
    by_claim: dict[str, set] = {}
    for r in rows:
        by_claim.setdefault(r["claim"], set()).add((r["source"], r["attribution"], r["confidence"]))
    assert by_claim[":us-kharkiv-counterfire-2024"] == {
        ("src:politico-2024-05-30", "anonymous (3)", "medium"),
        ("src:politico-2024-05-30", "anonymous (2)", "medium"),
        ("src:reuters-2024-05-30-kharkiv", "anonymous (1)", "medium"),
        ("src:reuters-2024-05-30-kharkiv", "anonymous (2)", "medium"),
        ("src:nyt-2024-05-31-blinken-prague", "on record", "high"),
    }
    assert by_claim[":blinken-2024-05-29-hint"] == {
        ("src:politico-2024-05-30", "on record", "high"),
        ("src:bloomberg-2024-05-29-blinken", "on record", "high"),
    }
    assert by_claim[":RussianKharkivOffensive2024"] == {("src:politico-2024-05-30", "the publisher", "low")}
    one = _rows(dataset, "cq7-claim-provenance", claim=":blinken-2024-05-29-hint")
    assert {r["claim"] for r in one} == {":blinken-2024-05-29-hint"}


def test_every_claim_of_every_source_is_reachable_from_cq7(dataset):
    claims = {
        short(s)
        for s, _, _, g in dataset.quads(
            (None, URIRef("https://w3id.org/policygraph/ontology#confidence"), None, None)
        )
        if s != g
    }
    assert claims and claims == {r["claim"] for r in _rows(dataset, "cq7-claim-provenance")}


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
