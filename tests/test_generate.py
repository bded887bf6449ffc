"""The scaled corpus generator: deterministic, valid under the shapes, with real work for the engine."""

from __future__ import annotations

import subprocess
import sys
from collections import Counter

import pytest

from graph.generate import generate
from graph.load import load
from graph.policy import PolicyEngine
from graph.queries import get_query, run_query
from graph.validate import validate


@pytest.fixture(scope="module")
def generated(tmp_path_factory):
    folder = tmp_path_factory.mktemp("generated") / "corpus"
    written = generate(folder, triples=30_000, seed=7)
    return written, load([folder])


def test_the_corpus_has_the_size_asked_and_validates(generated):
    written, corpus = generated
    quads = sum(1 for _ in corpus.dataset.quads((None, None, None, None)))
    ontology = len(
        corpus.dataset.graph(
            next(g.identifier for g in corpus.dataset.graphs() if "ontology" in str(g.identifier))
        )
    )
    assert 30_000 <= written.triples < 30_400 and quads - ontology == written.triples
    assert len(corpus.sources) == written.reports + 1
    report = validate(corpus)
    assert report.conforms, report.text


def test_the_same_seed_writes_the_same_files_and_another_seed_does_not(tmp_path):
    first, second, other = tmp_path / "a", tmp_path / "b", tmp_path / "c"
    generate(first, triples=5000, seed=3)
    generate(second, triples=5000, seed=3)
    generate(other, triples=5000, seed=4)
    files = sorted(p.relative_to(first) for p in first.rglob("*.ttl"))
    assert files and files == sorted(p.relative_to(second) for p in second.rglob("*.ttl"))
    assert all((first / f).read_bytes() == (second / f).read_bytes() for f in files)
    assert (first / "reference.ttl").read_bytes() != (other / "reference.ttl").read_bytes()


def test_the_shape_is_realistic(generated):
    _, corpus = generated
    dataset = corpus.dataset
    summary = run_query(dataset, get_query("summary")).rows[0]
    assert int(summary["policies"]) > 300 and int(summary["statements"]) > 300
    changes = Counter(str(r["change"]) for r in run_query(dataset, get_query("timeline")))
    assert {"granted", "extended", "narrowed"} <= set(changes), changes
    revoked = run_query(dataset, get_query("revocations"))
    assert len(revoked) > 10
    places = run_query(dataset, get_query("place-relations"))
    assert {str(r["relation"]) for r in places} == {"within", "borders"}


def test_the_engine_decides_every_outcome_on_it(generated):
    from datetime import timedelta

    from graph.namespaces import ODRL2, PG
    from graph.policy import Action

    _, corpus = generated
    engine = PolicyEngine(corpus.dataset)
    outcomes: Counter[str] = Counter()
    knowledge = engine.knowledge
    for rule in engine.rules[:400]:
        start = engine.policy_start(rule.policy)
        systems = knowledge.collection_systems.get(rule.target, set())
        suppliers = knowledge.collection_supplier.get(rule.target, set())
        places = {
            v
            for c in rule.constraints
            if (c.left, c.operator) == (ODRL2.spatial, ODRL2.isPartOf)
            for v in c.values
        }
        # the question names what the rule constrains, so that the answer can be a plain yes or no
        named = {
            c.left: sorted(c.values)[0] for c in rule.constraints if c.left in (PG.targetType, ODRL2.purpose)
        }
        if start is None or not systems or not places or len(suppliers) != 1:
            continue
        action = Action(
            actor=rule.assignee,
            weapon=sorted(systems)[0],
            supplier=next(iter(suppliers)),
            place=sorted(places)[0],
            target_type=named.get(PG.targetType),
            purpose=named.get(ODRL2.purpose),
            day=start.last + timedelta(days=5),
        )
        outcomes[engine.decide(action).outcome] += 1
    assert {"permitted", "prohibited"} <= set(outcomes), outcomes


def test_one_engine_answers_a_run_of_questions_as_a_new_engine_would(generated):
    """Questions about the same actors, weapons and places on many days, with and without a
    target type or purpose: what an engine keeps from one (a decision table, a rule's check
    shared between weapons, an answer kept for a span of days) never changes the next, the
    explanation included."""
    import random
    from datetime import timedelta

    from graph.namespaces import ODRL2, PG
    from graph.policy import Action

    _, corpus = generated
    remembering = PolicyEngine(corpus.dataset)
    knowledge = remembering.knowledge
    rng = random.Random(11)
    concepts = sorted(
        {(c.left, v) for r in remembering.rules for c in r.constraints for v in c.values
         if c.left in (PG.targetType, ODRL2.purpose)}
    )  # fmt: skip
    asked = []
    for rule in rng.sample(remembering.rules, 40):
        start = remembering.policy_start(rule.policy)
        systems = sorted(knowledge.collection_systems.get(rule.target, set()))
        suppliers = knowledge.collection_supplier.get(rule.target, set())
        places = sorted(v for c in rule.constraints if c.left == ODRL2.spatial for v in c.values)
        if start is None or not systems or not places or len(suppliers) != 1:
            continue
        # the place named and two within it: tables that share the rule, with other answers on the place
        within = sorted(p for p, up in knowledge.within.items() if places[0] in up)[:2]
        for weapon, place in zip(systems[:3], [places[0], *within], strict=False):
            for shift in (-40, 0, 1, 30, 400):
                left, value = rng.choice(concepts)
                named = {"target_type": value} if left == PG.targetType else {"purpose": value}
                action = Action(
                    actor=rule.assignee,
                    weapon=weapon,
                    supplier=next(iter(suppliers)),
                    place=place,
                    day=start.first + timedelta(days=shift),
                )
                asked += [action, action.replace(**named)]
    assert len(asked) > 200
    outcomes = Counter()
    for action in asked:
        fresh = PolicyEngine(corpus.dataset, facts=remembering.facts).decide(action)
        answer = remembering.decide(action)
        assert answer.as_dict() == fresh.as_dict()
        assert answer.text() == fresh.text()
        outcomes[answer.outcome] += 1
    assert len(outcomes) >= 3, outcomes


def _asked(engine):
    """Questions drawn from the engine's own rules, a few days after each policy began."""
    from datetime import timedelta

    from graph.namespaces import ODRL2
    from graph.policy import Action

    knowledge = engine.knowledge
    asked = [
        Action(
            actor=rule.assignee,
            weapon=min(knowledge.collection_systems[rule.target]),
            supplier=min(knowledge.collection_supplier[rule.target]),
            place=min(v for c in rule.constraints if c.left == ODRL2.spatial for v in c.values),
            day=start.last + timedelta(days=3),
        )
        for rule in engine.rules[:300]
        if (start := engine.policy_start(rule.policy)) is not None
        and knowledge.collection_systems.get(rule.target)
        and len(knowledge.collection_supplier.get(rule.target, ())) == 1
        and any(c.left == ODRL2.spatial for c in rule.constraints)
    ]
    assert len(asked) > 100
    return asked


def test_date_checks_prepared_with_the_rules_answer_as_checks_made_on_the_day(generated):
    """Each date constraint is checked once when the rules are prepared, on a day of each span
    of days its answer is alike in; a question on any day (before, on or after a rule's date)
    gets the answer an engine checking it on that day gives."""
    from datetime import timedelta

    from graph.policy.facts import Facts

    _, corpus = generated
    prepared = PolicyEngine(corpus.dataset, facts=Facts(corpus.dataset))
    assert len(prepared.knowledge.date_checks) > 300
    # the same rules prepared, then their date checks dropped: this engine checks each on the day
    facts = Facts(corpus.dataset)
    PolicyEngine(corpus.dataset, facts=facts)
    facts.view(None).date_checks.clear()
    on_the_day = PolicyEngine(corpus.dataset, facts=facts)
    asked = [
        action.replace(day=action.day + timedelta(days=shift))
        for action in _asked(prepared)
        for shift in (-4, -3, -2, 0, 30)  # _asked is 3 days after: the day before, on, after
    ]
    assert [prepared.decide(a).as_dict() for a in asked] == [on_the_day.decide(a).as_dict() for a in asked]


def test_an_engine_sets_what_it_keeps_out_of_the_collectors_sight(generated, monkeypatch):
    """As its tables and answers grow, an engine freezes them (after collecting the youngest
    generation), so that later collections do not scan them again; the answers stay those
    of a new engine."""
    import gc

    from graph.policy import engine as engine_module

    _, corpus = generated
    monkeypatch.setattr(engine_module, "_SETTLE_EVERY", 50)
    engine = PolicyEngine(corpus.dataset)
    asked = _asked(engine)
    frozen = gc.get_freeze_count()
    try:
        answers = [engine.decide(action).as_dict() for action in asked]
        assert gc.get_freeze_count() > frozen
    finally:
        gc.unfreeze()
    fresh = PolicyEngine(corpus.dataset, facts=engine.facts)
    assert answers == [fresh.decide(action).as_dict() for action in asked]


def _unreachable_after(work) -> int:
    """How many objects ``work`` leaves in reference cycles (the collector off meanwhile)."""
    import gc

    gc.collect()
    gc.disable()  # nothing is collected (or frozen) before the count below
    try:
        work()
        return gc.collect()
    finally:
        gc.enable()


def test_deciding_and_explaining_make_no_reference_cycles(generated):
    """What an engine freezes is collected only in its young generations first: that leaks
    nothing as long as deciding, and reading a decision whole, leave no reference cycle."""

    _, corpus = generated
    engine = PolicyEngine(corpus.dataset)
    asked = _asked(engine)

    def decide_and_read() -> None:
        decisions = [engine.decide(action) for action in asked]
        read = [(d.text(), d.as_dict(), d.rules) for d in decisions]
        assert sum(len(rules) for _, _, rules in read) > len(asked)

    assert _unreachable_after(decide_and_read) == 0


def test_a_dropped_engine_is_freed_with_its_facts_and_the_engines_of_other_days(generated):
    """An engine freezes what it keeps: whatever of it sat in a reference cycle would never be
    freed. Dropped, the engine, the engines of other days it made, its facts and its
    knowledge are freed by their reference counts alone."""
    import gc
    import weakref

    _, corpus = generated
    engine = PolicyEngine(corpus.dataset)  # a fresh engine: it freezes the facts it read
    asked = _asked(engine)
    day = min(action.day for action in asked)
    earlier = engine.as_known_by(day)
    assert earlier is not engine and earlier.as_known_by(day) is earlier
    assert earlier.as_known_by(None) is engine and engine.as_known_by(day) is earlier
    for action in asked:
        engine.decide(action).as_dict()
        earlier.decide(action).as_dict()
    held = [weakref.ref(o) for o in (engine, earlier, engine.facts, engine.knowledge, earlier.knowledge)]
    try:
        del engine, earlier
        assert [alive() is None for alive in held] == [True] * len(held)
    finally:
        gc.unfreeze()


def test_an_engine_of_another_day_outlives_the_engine_that_made_it(generated):
    """Held alone, an engine made by :meth:`~PolicyEngine.as_known_by` still decides, and
    makes the engines of other days itself."""
    _, corpus = generated
    engine = PolicyEngine(corpus.dataset)
    asked = _asked(engine)[:20]
    day = min(action.day for action in asked)
    expected = [engine.decide(action).as_dict() for action in asked]
    earlier = engine.as_known_by(day)
    del engine
    assert earlier.as_known_by(day) is earlier
    again = earlier.as_known_by(None)
    assert again.known_by is None and again.as_known_by(day) is earlier
    assert [again.decide(action).as_dict() for action in asked] == expected


def test_a_days_knowledge_and_its_rules_are_made_with_the_collector_off_and_leave_no_garbage(generated):
    """The engine holds CPython's collector off while it builds a day's knowledge and
    prepares its rules; that is sound as long as they leave no reference cycle to free, and
    the collector is back as it was once the engine is built."""
    import gc

    from graph.policy.facts import Facts

    _, corpus = generated
    seen = []
    facts_view = Facts.view

    def view(self, *args, **kwargs):
        seen.append(gc.isenabled())
        return facts_view(self, *args, **kwargs)

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(Facts, "view", view)
        engine = PolicyEngine(corpus.dataset)
    assert seen == [False] and gc.isenabled()
    starts = sorted(start.last for rule in engine.rules if (start := engine.policy_start(rule.policy)))
    day = starts[len(starts) // 2]  # half the reports published by then

    def build_another_day() -> None:
        earlier = engine.as_known_by(day)  # another day's knowledge, its rules prepared
        assert not gc.isenabled()  # left as it was
        assert 0 < len(earlier.rules) < len(engine.rules)

    assert _unreachable_after(build_another_day) == 0


def test_too_few_triples_and_the_command(tmp_path):
    with pytest.raises(ValueError, match="at least 1,000"):
        generate(tmp_path / "x", triples=10)
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "graph.cli",
            "generate",
            "--triples",
            "3000",
            "--seed",
            "1",
            "--out",
            str(tmp_path / "g"),
        ],
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stderr
    assert (
        "wrote" in result.stdout
        and "triples" in result.stdout
        and (tmp_path / "g" / "reference.ttl").is_file()
    )
