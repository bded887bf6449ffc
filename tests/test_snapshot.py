"""The engine's facts kept beside a store on disk: the same answers as reading the kept
answers, loaded only when this user signed them for this code and these kept answers."""

from __future__ import annotations

import itertools
import json
import random
from datetime import timedelta

import pytest
from test_policy import _read_table

from graph.generate import generate
from graph.kept import ENGINE_FILE, FILE, forget
from graph.namespaces import ODRL2, PG, PGR
from graph.policy import Action, PolicyEngine, snapshot
from graph.policy.facts import Facts
from graph.stores import StoreSpec, ingest, open_corpus


@pytest.fixture(autouse=True)
def own_key(tmp_path_factory, monkeypatch):
    """Each test signs with a key of its own, out of the user's cache folder."""
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path_factory.mktemp("cache")))


def _built(folder, sources=None):
    ingest(sources, StoreSpec("oxigraph", path=str(folder)))
    assert (folder / ENGINE_FILE).is_file()
    return open_corpus(None, StoreSpec("oxigraph", path=str(folder))).dataset


def _explained(engine: PolicyEngine, actions) -> list[dict]:
    return [engine.decide(a).as_dict() for a in actions]


def _bundled_questions() -> list[tuple[object, Action]]:
    cases = [(c.known_by, c.action) for c in _read_table() if c.engine == "default"]
    assert len(cases) > 40
    weapons = [PGR.HIMARS, PGR.ATACMS, PGR.StormShadow, PG.Rocket]
    places = [PGR.BelgorodOblast, PGR.Moscow, PGR.Kharkiv, PGR.Crimea]
    days = [cases[0][1].day, cases[0][1].day + timedelta(days=30), cases[-1][1].day]
    grid = [
        (None, Action(actor=PGR.Ukraine, weapon=w, place=p, day=d, target_type=PG.MassingTroops))
        for w, p, d in itertools.product(weapons, places, days)
    ]
    return cases + grid


def _decided(engine: PolicyEngine, questions) -> list[dict]:
    return [engine.as_known_by(known_by).decide(action).as_dict() for known_by, action in questions]


def test_an_engine_from_the_snapshot_answers_as_one_from_the_kept_answers(tmp_path, monkeypatch):
    stored = _built(tmp_path / "bundled")
    questions = _bundled_questions()
    from_kept = _decided(PolicyEngine(stored, facts=Facts(stored)), questions)

    def not_read(dataset, name):
        raise AssertionError(f"{name} was read although the snapshot holds the facts")

    monkeypatch.setattr("graph.policy.facts.kept_terms", not_read)
    engine = PolicyEngine(stored)
    assert engine.knowledge.prepared
    # each constraint keeps its number: the very objects the rules hold, numbered as when written
    numbered = {
        c: engine.knowledge.constraint_numbers.get(id(c)) for r in engine.rules for c in r.constraints
    }
    assert numbered and None not in numbered.values()
    assert all(numbered[c] == (number, reads) for r in engine.rules for c, number, reads in r.prepared)
    assert _decided(engine, questions) == from_kept
    # and both as the sources read in memory answer, explanations and sources included
    monkeypatch.undo()
    in_memory = open_corpus(None, StoreSpec.parse("memory")).dataset
    assert _decided(PolicyEngine(in_memory), questions) == from_kept


def test_the_rows_of_other_days_are_unpickled_only_when_such_a_day_is_asked(tmp_path, monkeypatch):
    stored = _built(tmp_path / "bundled")
    questions = _bundled_questions()
    later = [(known_by, action) for known_by, action in questions if known_by is not None]
    today = [(known_by, action) for known_by, action in questions if known_by is None]
    assert later and today
    expected = _decided(PolicyEngine(stored, facts=Facts(stored)), later)
    unpickled = []
    loads = snapshot.pickle.loads

    def counted(data):
        unpickled.append(len(data))
        return loads(data)

    monkeypatch.setattr(snapshot.pickle, "loads", counted)
    engine = PolicyEngine(stored)
    _decided(engine, today)
    assert len(unpickled) == 1  # the facts, not the rows they were built from
    assert _decided(engine, later) == expected
    assert len(unpickled) == 2 and unpickled[1] < unpickled[0]


def test_a_generated_world_decides_alike_from_its_snapshot(tmp_path):
    generate(tmp_path / "world", triples=20_000, seed=5)
    stored = _built(tmp_path / "store", [tmp_path / "world"])
    fresh = PolicyEngine(stored)
    read = PolicyEngine(stored, facts=Facts(stored))
    assert fresh.facts is not read.facts and fresh.knowledge.prepared
    known = read.knowledge
    rng = random.Random(5)
    actions = []
    for rule in rng.sample(read.rules, 150):
        places = [v for c in rule.constraints if c.left == ODRL2.spatial for v in c.values]
        systems = sorted(known.collection_systems.get(rule.target, ()))
        start = read.policy_start(rule.policy)
        if places and systems and start is not None:
            day = start.first + timedelta(days=rng.randint(-30, 400))
            actions.append(Action(actor=rule.assignee, weapon=systems[0], place=places[0], day=day))
    assert len(actions) > 50
    assert _explained(fresh, actions) == _explained(read, actions)
    # equal constraints, source references and prepared constraints are one object each,
    # in facts read from the kept answers and in facts read back from the snapshot
    for engine in (fresh, read):
        for held in (
            [c for r in engine.rules for c in r.constraints],
            [s for r in engine.rules for s in r.sources],
            [r.prepared for r in engine.rules],
        ):
            assert len(held) > len(set(held)) == len({id(x) for x in held})


def _no_unpickling(monkeypatch):
    def refused(data):
        raise AssertionError("a snapshot was unpickled")

    monkeypatch.setattr(snapshot.pickle, "loads", refused)


def test_a_changed_byte_or_another_users_key_leaves_the_snapshot_unloaded(tmp_path, monkeypatch):
    stored = _built(tmp_path / "bundled")
    path = tmp_path / "bundled" / ENGINE_FILE
    assert snapshot.read(stored) is not None
    data = path.read_bytes()
    _no_unpickling(monkeypatch)
    # a payload changed after signing: not unpickled, whatever it holds
    path.write_bytes(data[:-10] + bytes([data[-10] ^ 1]) + data[-9:])
    assert snapshot.read(stored) is None
    # cut short, or empty (it is mapped, not read): not loaded
    path.write_bytes(data[: len(data) // 2])
    assert snapshot.read(stored) is None
    path.write_bytes(b"")
    assert snapshot.read(stored) is None
    # signed by someone else's key
    path.write_bytes(data)
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "someone-else"))
    assert snapshot.read(stored) is None
    # no key can be made: nothing is loaded, and the engine reads the kept answers
    (tmp_path / "not-a-folder").write_text("")
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "not-a-folder"))
    assert snapshot.read(stored) is None
    assert snapshot.write(stored, tmp_path / "bundled") is None
    assert len(PolicyEngine(stored).rules) > 10


def test_a_snapshot_for_other_kept_answers_or_other_code_is_left_alone(tmp_path, monkeypatch):
    stored = _built(tmp_path / "bundled")
    kept = tmp_path / "bundled" / FILE
    listed = kept.read_bytes()
    document = json.loads(listed)
    document["answers"]["engine-rules"]["sha256"] = "0" * 64  # another build's answers
    kept.write_text(json.dumps(document))
    assert snapshot.read(stored) is None
    kept.write_bytes(listed)
    assert snapshot.read(stored) is not None
    monkeypatch.setattr(snapshot, "_code", lambda: "another version")
    assert snapshot.read(stored) is None


def test_an_update_drops_the_snapshot_with_the_kept_answers(tmp_path):
    stored = _built(tmp_path / "bundled")
    forget(tmp_path / "bundled")
    assert not (tmp_path / "bundled" / ENGINE_FILE).exists()
    assert snapshot.read(stored) is None
    assert len(PolicyEngine(stored).rules) > 10  # by the queries now


def test_a_store_in_memory_has_no_snapshot():
    assert snapshot.read(open_corpus(None, StoreSpec.parse("oxigraph")).dataset) is None


def test_terms_read_back_from_a_snapshot_are_the_terms_written():
    """IRIs and literals come back equal, with the same value, datatype and language, and
    a literal whose text does not fit its datatype stays ill-typed."""
    import pickle

    from rdflib import XSD, BNode, Literal, URIRef

    written = [
        URIRef("https://w3id.org/policygraph/id/Kharkiv"),
        BNode("c1"),
        Literal("2024-05-30", datatype=XSD.date),
        Literal("2024-05", datatype=XSD.gYearMonth),
        Literal("Charkiw", lang="de"),
        Literal("plain"),
        Literal("3", datatype=XSD.integer),
        Literal("three", datatype=XSD.integer),
    ]
    read = pickle.loads(snapshot.dumps(written))
    for before, after in zip(written, read, strict=True):
        assert type(after) is type(before) and after == before and hash(after) == hash(before)
        assert after.n3() == before.n3()
        if isinstance(before, Literal):
            assert (after.value, after.datatype, after.language) == (
                before.value,
                before.datatype,
                before.language,
            )
            assert after.ill_typed == before.ill_typed
    assert read[-1].ill_typed and read[-2].value == 3
