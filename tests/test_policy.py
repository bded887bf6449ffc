"""The policy engine, decided case by case: a decision table over the bundled corpus (and,
for the outcomes the real reporting never produces, over a few clearly fictional fixture
sources in tests/data/engine/), each case with its expected outcome, deciding rule and source."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from graph.load import load
from graph.policy import OUTCOMES, Action, PolicyEngine
from graph.queries import parse_term
from graph.resources import corpus_dir

FIXTURES = Path(__file__).parent / "data" / "engine"


@pytest.fixture(scope="module")
def engine(dataset):
    return PolicyEngine(dataset)


@pytest.fixture(scope="module")
def fixture_engine():
    files = sorted(FIXTURES.glob("*.ttl"))
    assert len(files) == 2, files
    return PolicyEngine(load([corpus_dir(), *files]).dataset)


def action(
    weapon: str,
    day: str,
    *,
    place: str | None = None,
    target: str | None = None,
    purpose: str | None = None,
    supplier: str | None = None,
    actor: str = ":Ukraine",
) -> Action:
    def term(value: str | None) -> Any:
        return parse_term(value) if value else None

    return Action(
        actor=term(actor),
        weapon=term(weapon),
        supplier=term(supplier),
        target_type=term(target),
        place=term(place),
        purpose=term(purpose),
        day=date.fromisoformat(day),
    )


TABLE = Path(__file__).parent / "data" / "decision-table.md"


def _read_table() -> list[tuple[str, Action, str, str, str | None, str | None]]:
    rows = [
        line
        for line in TABLE.read_text().splitlines()
        if line.startswith("| ") and not line.startswith("| case")
    ]
    cases = []
    for line in rows:
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        assert len(cells) == 12, line
        case, actor, weapon, supplier, place, target, purpose, day, engine, outcome, rule, source = (
            None if c == "-" else c for c in cells
        )
        assert case and actor and weapon and day and outcome, line
        act = action(weapon, day, place=place, target=target, purpose=purpose, supplier=supplier, actor=actor)
        cases.append((case, act, engine or "default", outcome, rule, source))
    return cases


CASES = _read_table()


@pytest.mark.parametrize(
    ("case", "act", "engine_kind", "outcome", "rule", "source"), CASES, ids=[c[0] for c in CASES]
)
def test_decision_table(engine, fixture_engine, dataset, case, act, engine_kind, outcome, rule, source):
    chosen = {"default": engine, "fixtures": fixture_engine}.get(engine_kind) or PolicyEngine(
        dataset, conflict=engine_kind
    )
    decision = chosen.decide(act)
    assert decision.outcome == outcome, decision.text()
    if outcome in ("permitted", "prohibited", "contested"):
        assert rule and source, f"{case}: name the deciding rule and a word of its source"
    if rule is not None:
        deciding = [r for r in decision.rules if r.applies and r.label == rule]
        assert deciding, f"{rule!r} did not decide it:\n{decision.text()}"
        titles = [s.title for r in deciding for s in r.sources]
        assert any(source in t for t in titles), titles


def test_table_covers_every_outcome_constraint_and_boundary():
    assert len(CASES) >= 40
    assert {c[3] for c in CASES} == set(OUTCOMES)
    ids = {c[0] for c in CASES}
    # the boundaries the table must hold: a day before / on / after a decision, inside / across / deep
    assert {"seed-day-before", "seed-first-day", "kursk-day-before-extension", "kursk-extension-day"} <= ids
    assert {"ukraine-territory-2022", "seed-rocket-belgorod", "deep-not-border"} <= ids
    assert {"class-covers-member", "storm-shadow-as-french", "german-rules-on-a-us-system"} <= ids


def test_permitted_lists_open_conditions_and_caveats(engine):
    decision = engine.decide(
        action(
            "pg:Rocket",
            "2024-06-05",
            place=":BelgorodOblast",
            target="pg:MassingTroops",
            supplier=":UnitedStates",
        )
    )
    assert decision.conditions == (
        "purpose: no purpose given; the rule needs one of air defence, counter-fire",
    )
    with_purpose = engine.decide(
        action(
            "pg:Rocket",
            "2024-06-05",
            place=":BelgorodOblast",
            target="pg:MassingTroops",
            supplier=":UnitedStates",
            purpose="pg:CounterFire",
        )
    )
    assert with_purpose.conditions == ()
    uk = engine.decide(
        action(
            "pg:WeaponSystem",
            "2024-06-05",
            place=":KurskOblast",
            target="pg:LaunchSite",
            purpose="pg:SelfDefence",
            supplier=":UnitedKingdom",
        )
    )
    assert len(uk.caveats) == 1 and "no Storm Shadow strikes on Russia" in uk.caveats[0]


def test_explanations_say_why_each_constraint_held_or_failed(engine):
    decision = engine.decide(
        action(":HIMARS", "2024-06-05", place=":BelgorodOblast", target="pg:MassingTroops")
    )
    seed = next(r for r in decision.rules if r.label == "counter-fire across the border from Kharkiv Oblast")
    reasons = {c.left: (c.status, c.reason) for c in seed.constraints}
    assert reasons["across the border from"] == (
        "held",
        "across the border from: Belgorod Oblast borders Kharkiv Oblast: inside the scope",
    )
    assert reasons["place"] == ("held", "place: Belgorod Oblast is within Russia")
    deep = next(
        r for r in decision.rules if r.label == "no long-range strikes deep inside Russia" and r.in_force
    )
    depth = next(c for c in deep.constraints if c.left == "depth")
    assert depth.status == "failed" and "border area, not deep inside" in depth.reason
    revoked = next(r for r in decision.rules if r.label == "no strikes inside Russia")
    assert revoked.in_force is False and revoked.time_reason.startswith("revoked from 2024-05-30")
    sources = {s.title: s for s in seed.sources}
    assert len(sources) == 3
    politico = next(s for t, s in sources.items() if "greenlights" in t)
    assert politico.confidence == "medium" and "(anonymous)" in politico.attribution


def test_text_and_json_forms(engine):
    decision = engine.decide(action(":GMLRS", "2024-06-20", place=":Moscow", target="pg:AttackingForces"))
    text = decision.text()
    assert text.startswith(
        "PROHIBITED: Ukraine strikes with GMLRS supplied by United States against attacking forces in Moscow"
    )
    assert "rules considered:" in text and "x place: Moscow is not within Ukraine" in text
    data = json.loads(json.dumps(decision.as_dict()))
    assert data["outcome"] == "prohibited" and data["action"]["place"] == ":Moscow"
    assert {r["label"] for r in data["rules"] if r["applies"] and r["kind"] == "prohibition"} == {
        "no strikes on Moscow"
    }


def test_unknown_says_what_is_missing(engine):
    decision = engine.decide(action(":HIMARS", "2024-06-05", place=":Chisinau", target="pg:MassingTroops"))
    assert decision.reasons == ("Chisinau has no location in the graph (nothing says what it lies within)",)
    ambiguous = engine.decide(action("pg:MultipleRocketLauncher", "2024-06-05", place=":BelgorodOblast"))
    assert "supplied by Germany, United States: say which" in ambiguous.reasons[0]


def test_conflict_strategy_is_explicit(dataset):
    both = action(":ATACMS", "2024-06-05", place=":BelgorodOblast", target="pg:MassingTroops")
    assert PolicyEngine(dataset, conflict="prohibit").decide(both).outcome == "prohibited"
    assert PolicyEngine(dataset, conflict="perm").decide(both).outcome == "permitted"
    contested = PolicyEngine(dataset, conflict="invalid").decide(both)
    assert contested.outcome == "contested" and "no precedence" in contested.reasons[0]
    with pytest.raises(ValueError, match="unknown conflict strategy"):
        PolicyEngine(dataset, conflict="latest")


def test_a_later_rule_does_not_override_an_earlier_one_by_itself(engine):
    # Cameron's 2024 permission is later and broader; the 2023 Storm Shadow ban still applies
    decision = engine.decide(
        action(
            ":StormShadow",
            "2024-06-05",
            place=":KurskOblast",
            target="pg:LaunchSite",
            purpose="pg:SelfDefence",
        )
    )
    assert decision.outcome == "prohibited"
    assert {r.label for r in decision.deciding} == {
        "no Storm Shadow strikes on Russia",
        "self-defence strikes inside Russia",
    }


def test_an_on_record_denial_makes_it_contested(fixture_engine):
    after = fixture_engine.decide(
        action(":HIMARS", "2024-06-05", place=":BelgorodOblast", target="pg:MassingTroops")
    )
    assert after.outcome == "contested"
    assert any("denied" in r for r in after.reasons)
    before = fixture_engine.decide(
        action(":HIMARS", "2024-05-31", place=":BelgorodOblast", target="pg:MassingTroops")
    )
    assert before.outcome == "permitted"  # the denial is dated 2024-06-01


def test_a_strategy_declared_by_a_policy(fixture_engine):
    decision = fixture_engine.decide(
        action(
            "pg:WeaponSystem",
            "2024-06-20",
            place=":BelgorodOblast",
            target="pg:CivilianInfrastructure",
            supplier=":France",
        )
    )
    assert decision.outcome == "permitted" and decision.strategy == "perm"


def test_an_undated_policy_cannot_be_placed_in_time(fixture_engine):
    decision = fixture_engine.decide(
        action(":PzH2000", "2024-06-20", place=":KurskOblast", target="pg:AttackingForces")
    )
    assert decision.outcome == "unknown"
    assert "no source dates" in decision.reasons[0]
