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


# id, action, expected outcome, a deciding rule's label (or None), a word of its source's title (or None)
CASES = [
    # --- the seed: counter-fire across the border from Kharkiv Oblast ---
    (
        "seed-rocket-belgorod",
        action(
            "pg:Rocket",
            "2024-06-05",
            place=":BelgorodOblast",
            target="pg:MassingTroops",
            supplier=":UnitedStates",
        ),
        "permitted",
        "counter-fire across the border from Kharkiv Oblast",
        "greenlights",
    ),
    (
        "seed-day-before",
        action(
            "pg:Rocket",
            "2024-05-29",
            place=":BelgorodOblast",
            target="pg:MassingTroops",
            supplier=":UnitedStates",
        ),
        "prohibited",
        "no strikes inside Russia",
        "op-ed",
    ),
    (
        "seed-first-day",
        action(
            "pg:Rocket",
            "2024-05-30",
            place=":BelgorodOblast",
            target="pg:MassingTroops",
            supplier=":UnitedStates",
        ),
        "permitted",
        "counter-fire across the border from Kharkiv Oblast",
        "greenlights",
    ),
    (
        "seed-system-himars",
        action(":HIMARS", "2024-06-05", place=":BelgorodOblast", target="pg:MassingTroops"),
        "permitted",
        "counter-fire across the border from Kharkiv Oblast",
        "Blinken",
    ),
    (
        "seed-supplier-inferred-gmlrs",
        action(":GMLRS", "2024-06-05", place=":BelgorodOblast", target="pg:AttackingForces"),
        "permitted",
        "counter-fire across the border from Kharkiv Oblast",
        None,
    ),
    (
        "seed-purpose-given",
        action(
            ":HIMARS",
            "2024-06-05",
            place=":BelgorodOblast",
            target="pg:MassingTroops",
            purpose="pg:CounterFire",
        ),
        "permitted",
        "counter-fire across the border from Kharkiv Oblast",
        None,
    ),
    (
        "seed-air-defence-missile",
        action(
            ":HIMARS",
            "2024-06-05",
            place=":BelgorodOblast",
            target="pg:IncomingMissile",
            purpose="pg:AirDefence",
        ),
        "permitted",
        "counter-fire across the border from Kharkiv Oblast",
        None,
    ),
    (
        "seed-broader-purpose-is-a-condition",
        action(
            ":HIMARS",
            "2024-06-05",
            place=":BelgorodOblast",
            target="pg:MassingTroops",
            purpose="pg:SelfDefence",
        ),
        "permitted",
        "counter-fire across the border from Kharkiv Oblast",
        None,
    ),
    (
        "seed-civilian",
        action(":HIMARS", "2024-06-05", place=":BelgorodOblast", target="pg:CivilianInfrastructure"),
        "prohibited",
        "no strikes on civilian infrastructure",
        "greenlights",
    ),
    (
        "seed-kursk-not-across",
        action(":GMLRS", "2024-06-05", place=":KurskOblast", target="pg:MassingTroops"),
        "not permitted",
        None,
        None,
    ),
    (
        "seed-launch-site-not-listed",
        action(":GMLRS", "2024-06-05", place=":BelgorodOblast", target="pg:LaunchSite"),
        "not permitted",
        None,
        None,
    ),
    (
        "armed-forces-act-for-ukraine",
        action(
            ":HIMARS",
            "2024-06-05",
            place=":BelgorodOblast",
            target="pg:MassingTroops",
            actor=":ArmedForcesOfUkraine",
        ),
        "permitted",
        "counter-fire across the border from Kharkiv Oblast",
        None,
    ),
    (
        "russia-has-no-permissions",
        action(":HIMARS", "2024-06-05", place=":Kharkiv", target="pg:MassingTroops", actor=":Russia"),
        "not permitted",
        None,
        None,
    ),
    # --- inside Ukraine: the 2022 terms and the ATACMS terms ---
    (
        "ukraine-territory-2022",
        action(":HIMARS", "2024-06-05", place=":Kharkiv", target="pg:MassingTroops"),
        "permitted",
        "use on Ukrainian territory",
        "op-ed",
    ),
    (
        "before-any-decision",
        action(":HIMARS", "2022-05-30", place=":Kharkiv", target="pg:MassingTroops"),
        "not permitted",
        None,
        None,
    ),
    (
        "first-day-2022",
        action(":HIMARS", "2022-05-31", place=":Kharkiv", target="pg:MassingTroops"),
        "permitted",
        "use on Ukrainian territory",
        None,
    ),
    (
        "inside-2022-russia",
        action(":HIMARS", "2023-01-01", place=":BelgorodOblast", target="pg:MassingTroops"),
        "prohibited",
        "no strikes inside Russia",
        "op-ed",
    ),
    (
        "atacms-crimea",
        action(":ATACMS", "2024-04-20", place=":Crimea", target="pg:MilitaryTarget"),
        "permitted",
        "ATACMS inside Ukraine's recognised borders",
        "ATACMS",
    ),
    (
        "atacms-month-known-other-rule-decides",
        action(":ATACMS", "2023-10-15", place=":Crimea", target="pg:MilitaryTarget"),
        "permitted",
        "use on Ukrainian territory",
        None,
    ),
    (
        "atacms-belgorod-both-apply",
        action(":ATACMS", "2024-06-05", place=":BelgorodOblast", target="pg:MassingTroops"),
        "prohibited",
        "no ATACMS on Russian territory",
        "ATACMS",
    ),
    (
        "atacms-deep",
        action(":ATACMS", "2024-06-20", place=":Moscow", target="pg:MilitaryTarget"),
        "prohibited",
        "no long-range strikes deep inside Russia",
        "Sullivan",
    ),
    (
        "class-covers-member",
        action(
            "pg:BallisticMissile",
            "2024-06-05",
            place=":BelgorodOblast",
            target="pg:MassingTroops",
            supplier=":UnitedStates",
        ),
        "permitted",
        "counter-fire across the border from Kharkiv Oblast",
        None,
    ),
    # --- time: the Moscow ban, the whole-border extension ---
    (
        "moscow-before-ban",
        action(":GMLRS", "2024-06-05", place=":Moscow", target="pg:AttackingForces"),
        "not permitted",
        None,
        None,
    ),
    (
        "moscow-after-ban",
        action(":GMLRS", "2024-06-06", place=":Moscow", target="pg:AttackingForces"),
        "prohibited",
        "no strikes on Moscow",
        "Moscow",
    ),
    (
        "kursk-day-before-extension",
        action(":GMLRS", "2024-06-16", place=":KurskOblast", target="pg:AttackingForces"),
        "not permitted",
        None,
        None,
    ),
    (
        "kursk-extension-day",
        action(":GMLRS", "2024-06-17", place=":KurskOblast", target="pg:AttackingForces"),
        "permitted",
        "counter-fire wherever forces attack across the border",
        "Sullivan",
    ),
    (
        "kursk-aircraft-air-defence",
        action(
            ":GMLRS", "2024-06-20", place=":KurskOblast", target="pg:AttackAircraft", purpose="pg:AirDefence"
        ),
        "permitted",
        "air defence against aircraft about to attack",
        "Sullivan",
    ),
    (
        "kursk-aircraft-before",
        action(
            ":GMLRS", "2024-06-10", place=":KurskOblast", target="pg:AttackAircraft", purpose="pg:AirDefence"
        ),
        "not permitted",
        None,
        None,
    ),
    (
        "deep-not-border",
        action(":GMLRS", "2024-06-20", place=":Moscow", target="pg:MassingTroops", purpose="pg:CounterFire"),
        "prohibited",
        "no strikes on Moscow",
        None,
    ),
    # --- the UK: Storm Shadow terms, Cameron's permission ---
    (
        "storm-shadow-russia-2023-terms",
        action(":StormShadow", "2024-04-01", place=":KurskOblast", target="pg:LaunchSite"),
        "prohibited",
        "no Storm Shadow strikes on Russia",
        "Storm Shadow",
    ),
    (
        "storm-shadow-after-cameron",
        action(
            ":StormShadow",
            "2024-06-05",
            place=":KurskOblast",
            target="pg:LaunchSite",
            purpose="pg:SelfDefence",
        ),
        "prohibited",
        "no Storm Shadow strikes on Russia",
        None,
    ),
    (
        "storm-shadow-ukraine",
        action(":StormShadow", "2024-06-05", place=":Crimea", target="pg:MilitaryTarget"),
        "permitted",
        "Storm Shadow on Ukrainian territory",
        "Storm Shadow",
    ),
    (
        "uk-other-weapons-russia",
        action(
            "pg:WeaponSystem",
            "2024-06-05",
            place=":KurskOblast",
            target="pg:LaunchSite",
            purpose="pg:SelfDefence",
            supplier=":UnitedKingdom",
        ),
        "permitted",
        "self-defence strikes inside Russia",
        "Cameron",
    ),
    (
        "uk-before-cameron",
        action(
            "pg:WeaponSystem",
            "2024-05-01",
            place=":KurskOblast",
            target="pg:LaunchSite",
            purpose="pg:SelfDefence",
            supplier=":UnitedKingdom",
        ),
        "not permitted",
        None,
        None,
    ),
    # --- France and Germany; one supplier's rules never cover another's weapons ---
    (
        "storm-shadow-as-french",
        action(
            ":StormShadow", "2024-06-05", place=":KurskOblast", target="pg:LaunchSite", supplier=":France"
        ),
        "permitted",
        "neutralise launch sites in Russia",
        "Macron",
    ),
    (
        "france-attacking-forces",
        action(
            "pg:WeaponSystem",
            "2024-06-05",
            place=":BelgorodOblast",
            target="pg:AttackingForces",
            supplier=":France",
        ),
        "not permitted",
        None,
        None,
    ),
    (
        "france-civilian",
        action(
            "pg:WeaponSystem",
            "2024-06-05",
            place=":BelgorodOblast",
            target="pg:CivilianInfrastructure",
            supplier=":France",
        ),
        "prohibited",
        "no civilian targets in Russia",
        "Macron",
    ),
    (
        "france-day-before",
        action(
            "pg:WeaponSystem",
            "2024-05-27",
            place=":BelgorodOblast",
            target="pg:LaunchSite",
            supplier=":France",
        ),
        "not permitted",
        None,
        None,
    ),
    (
        "germany-belgorod",
        action(":PzH2000", "2024-06-05", place=":BelgorodOblast", target="pg:AttackingForces"),
        "permitted",
        "strikes on attacking positions across the border from Kharkiv Oblast",
        "Germany",
    ),
    (
        "germany-narrower-target",
        action(":PzH2000", "2024-06-05", place=":BelgorodOblast", target="pg:MassingTroops"),
        "permitted",
        "strikes on attacking positions across the border from Kharkiv Oblast",
        None,
    ),
    (
        "germany-kursk",
        action(":PzH2000", "2024-06-05", place=":KurskOblast", target="pg:AttackingForces"),
        "not permitted",
        None,
        None,
    ),
    (
        "us-rules-on-a-german-system",
        action(
            ":PzH2000",
            "2024-06-05",
            place=":BelgorodOblast",
            target="pg:MassingTroops",
            supplier=":UnitedStates",
        ),
        "permitted",
        "counter-fire across the border from Kharkiv Oblast",
        None,
    ),
    (
        "german-rules-on-a-us-system",
        action(
            ":HIMARS", "2024-06-20", place=":KurskOblast", target="pg:AttackingForces", supplier=":Germany"
        ),
        "not permitted",
        None,
        None,
    ),
    # --- unknown: what the graph cannot place ---
    (
        "unknown-place-without-location",
        action(":HIMARS", "2024-06-05", place=":Chisinau", target="pg:MassingTroops"),
        "unknown",
        None,
        None,
    ),
    (
        "unknown-weapon",
        action(
            ":Kharkiv",
            "2024-06-05",
            place=":BelgorodOblast",
            target="pg:MassingTroops",
            supplier=":UnitedStates",
        ),
        "unknown",
        None,
        None,
    ),
    (
        "unknown-supplier-ambiguous",
        action("pg:MultipleRocketLauncher", "2024-06-05", place=":BelgorodOblast", target="pg:MassingTroops"),
        "unknown",
        None,
        None,
    ),
    (
        "supplier-inferred-from-class-members",
        action(
            "pg:SelfPropelledHowitzer",
            "2024-06-05",
            place=":BelgorodOblast",
            target="pg:MassingTroops",
            supplier=None,
        ),
        "permitted",
        "strikes on attacking positions across the border from Kharkiv Oblast",
        None,
    ),
]


@pytest.mark.parametrize(("case", "act", "outcome", "rule", "source"), CASES, ids=[c[0] for c in CASES])
def test_decision_table(engine, case, act, outcome, rule, source):
    decision = engine.decide(act)
    assert decision.outcome == outcome, decision.text()
    if rule is not None:
        deciding = [r for r in decision.rules if r.applies and r.label == rule]
        assert deciding, f"{rule!r} did not decide it:\n{decision.text()}"
        if source is not None:
            titles = [s.title for r in deciding for s in r.sources]
            assert any(source in t for t in titles), titles


def test_table_covers_every_outcome_and_constraint():
    assert len(CASES) >= 40
    assert {c[2] for c in CASES} | {"contested"} == set(OUTCOMES)


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


def test_a_decision_known_only_to_the_month(fixture_engine):
    def on(day: str) -> str:
        return fixture_engine.decide(
            action(":PzH2000", day, place=":BelgorodOblast", target="pg:AttackingForces")
        ).outcome

    assert on("2024-06-30") == "permitted"
    assert on("2024-07-15") == "unknown"
    assert on("2024-08-01") == "prohibited"


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
