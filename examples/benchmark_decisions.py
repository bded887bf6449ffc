"""Benchmark the policy engine: its start-up, and how many decisions a second.

    python examples/benchmark_decisions.py [--rounds N]
    python examples/benchmark_decisions.py --store oxigraph:DIR [--count N] [--seed S] [--collector-off]

On the bundled corpus (the default), builds the engine once (it reads the rules and facts
with the library's SPARQL queries), then decides every combination of weapon, place,
target type and day, ``--rounds`` times, and prints the time to build the engine,
decisions per second (the best round), and how the outcomes fall.

On a store (``policygraph build SOURCES --store oxigraph:DIR``, for instance of a
``policygraph generate`` world), times the engine's start-up, then ``--count`` distinct
questions drawn from its own rules (a rule's assignee, one of the weapons its target
holds from its one supplier, its place, a day up to 400 days after its policy began),
each decided once by the fresh engine, then each again a day later with every rule
considered explained: the same measure as ``benchmark_scale.py``; then the time CPython's
collector took while deciding, by generation. Run it in a fresh process for each figure:
the start-up includes reading what the store kept.
"""

from __future__ import annotations

import argparse
import gc
import itertools
import random
import time
from collections import Counter
from datetime import date, timedelta

from graph import load
from graph.namespaces import ODRL2, PG, PGR
from graph.policy import Action, PolicyEngine
from graph.stores import StoreSpec, open_corpus

WEAPONS = [PGR.HIMARS, PGR.GMLRS, PGR.ATACMS, PGR.StormShadow, PGR.PzH2000, PG.Rocket, PG.BallisticMissile]
PLACES = [PGR.BelgorodOblast, PGR.KurskOblast, PGR.Moscow, PGR.Kharkiv, PGR.Crimea, PGR.SumyOblast]
TARGETS = [PG.MassingTroops, PG.AttackAircraft, PG.LaunchSite, PG.CivilianInfrastructure, PG.MilitaryTarget]
DAYS = [date(2022, 6, 1), date(2023, 11, 1), date(2024, 5, 1), date(2024, 6, 5), date(2024, 6, 20)]


def drawn_questions(engine: PolicyEngine, *, seed: int, count: int = 2000) -> list[Action]:
    """Distinct questions drawn from the engine's own rules, so that they find rules to weigh."""
    rng = random.Random(seed)
    known = engine.knowledge
    rules = [r for r in engine.rules if known.collection_systems.get(r.target)]
    actions = []
    for rule in rng.sample(rules, min(count, len(rules))):
        start = engine.policy_start(rule.policy)
        places = sorted(
            v
            for c in rule.constraints
            if (c.left, c.operator) == (ODRL2.spatial, ODRL2.isPartOf)
            for v in c.values
        )
        suppliers = sorted(known.collection_supplier.get(rule.target, set()))
        if start is None or not places or len(suppliers) != 1:
            continue
        day = start.last + timedelta(days=rng.randint(0, 400))
        weapon = rng.choice(sorted(known.collection_systems[rule.target]))
        actions.append(
            Action(actor=rule.assignee, weapon=weapon, supplier=suppliers[0], place=places[0], day=day)
        )
    return actions


def on_store(spec: StoreSpec, *, seed: int, count: int, collector: bool = True) -> None:
    """The engine's start-up on a store, then distinct questions drawn from its rules.

    With ``collector`` False, CPython's cyclic collector is off while the questions are
    decided (to show its share of the time; the engine never turns it off itself).
    """
    dataset = open_corpus(None, spec).dataset
    began = time.perf_counter()
    engine = PolicyEngine(dataset)
    built = time.perf_counter() - began
    actions = drawn_questions(engine, seed=seed, count=count)
    if not collector:
        gc.disable()
    collections = CollectorTime()
    gc.callbacks.append(collections)
    began = time.perf_counter()
    decisions = [engine.decide(a) for a in actions]
    decided = time.perf_counter() - began
    gc.callbacks.remove(collections)
    gc.enable()
    outcomes = Counter(d.outcome for d in decisions)
    applying = sum(len(d.applying) for d in decisions)
    began = time.perf_counter()
    considered = sum(len(engine.decide(a.replace(day=a.day + timedelta(days=1))).rules) for a in actions)
    explained = time.perf_counter() - began
    print(f"store: {spec}; {len(engine.rules):,} rules")
    print(f"engine start-up: {built:.2f} s")
    print(
        f"decisions per second: {len(actions) / decided:,.0f} ({len(actions)} distinct questions, each once)"
    )
    print(f"... with every rule considered explained: {len(actions) / explained:,.0f} ({considered:,} rules)")
    print(
        f"a question meets {considered / len(actions):,.0f} rules on average, "
        f"{applying / len(actions):,.0f} of which apply or may apply"
        + ("" if collector else "; the collector was off while deciding")
    )
    print("outcomes: " + ", ".join(f"{k} {v}" for k, v in sorted(outcomes.items())))
    print(f"the collector while deciding: {collections}")


class CollectorTime:
    """A ``gc.callbacks`` entry that counts CPython's collections, and times them, by generation."""

    def __init__(self) -> None:
        self.count = [0, 0, 0]
        self.seconds = [0.0, 0.0, 0.0]
        self._started = 0.0

    def __call__(self, phase: str, info: dict[str, int]) -> None:
        if phase == "start":
            self._started = time.perf_counter()
        else:
            self.count[info["generation"]] += 1
            self.seconds[info["generation"]] += time.perf_counter() - self._started

    def __str__(self) -> str:
        each = ", ".join(
            f"{n} of generation {g} ({s:.3f} s)"
            for g, (n, s) in enumerate(zip(self.count, self.seconds, strict=True))
        )
        return f"{sum(self.seconds):.2f} s in all; {each}"


def on_bundled_corpus(rounds: int) -> None:
    """Every combination of weapon, place, target type and day, ``rounds`` times."""
    started = time.perf_counter()
    dataset = load().dataset
    loaded = time.perf_counter()
    engine = PolicyEngine(dataset)
    built = time.perf_counter()
    actions = [
        Action(actor=PGR.Ukraine, weapon=w, place=p, target_type=t, day=d)
        for w, p, t, d in itertools.product(WEAPONS, PLACES, TARGETS, DAYS)
    ]
    outcomes: Counter[str] = Counter()
    timings = []
    for _ in range(rounds):
        begin = time.perf_counter()
        outcomes = Counter(engine.decide(a).outcome for a in actions)
        timings.append(time.perf_counter() - begin)
    best = min(timings)
    print(
        f"corpus: {len(dataset)} triples; load {loaded - started:.2f} s, engine build {built - loaded:.2f} s"
    )
    print(f"decisions: {len(actions)} per round, {rounds} rounds")
    print(
        f"best round: {best:.3f} s = {len(actions) / best:,.0f} decisions per second "
        f"({best / len(actions) * 1000:.2f} ms each)"
    )
    print(f"median round: {sorted(timings)[len(timings) // 2]:.3f} s")
    print("outcomes: " + ", ".join(f"{k} {v}" for k, v in sorted(outcomes.items())))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=5, help="rounds over the bundled corpus")
    parser.add_argument("--store", help="a store to measure instead: oxigraph:DIR")
    parser.add_argument("--count", type=int, default=2000, help="questions drawn from a store's rules")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument(
        "--collector-off", action="store_true", help="turn CPython's cyclic collector off while deciding"
    )
    args = parser.parse_args()
    if args.store:
        collector = not args.collector_off
        on_store(StoreSpec.parse(args.store), seed=args.seed, count=args.count, collector=collector)
    else:
        on_bundled_corpus(args.rounds)


if __name__ == "__main__":
    main()
