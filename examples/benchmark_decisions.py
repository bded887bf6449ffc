"""Benchmark the policy engine: how many decisions a second, on the bundled corpus.

    python examples/benchmark_decisions.py [ROUNDS]

Builds the engine once (it reads the rules and facts with the library's SPARQL queries),
then decides every combination of weapon, place, target type and day, ROUNDS times
(default 5), and prints the figures: the time to build the engine, decisions per second,
and how the outcomes fall.
"""

import itertools
import sys
import time
from collections import Counter
from datetime import date

from graph import load
from graph.namespaces import PG, PGR
from graph.policy import Action, PolicyEngine

WEAPONS = [PGR.HIMARS, PGR.GMLRS, PGR.ATACMS, PGR.StormShadow, PGR.PzH2000, PG.Rocket, PG.BallisticMissile]
PLACES = [PGR.BelgorodOblast, PGR.KurskOblast, PGR.Moscow, PGR.Kharkiv, PGR.Crimea, PGR.SumyOblast]
TARGETS = [PG.MassingTroops, PG.AttackAircraft, PG.LaunchSite, PG.CivilianInfrastructure, PG.MilitaryTarget]
DAYS = [date(2022, 6, 1), date(2023, 11, 1), date(2024, 5, 1), date(2024, 6, 5), date(2024, 6, 20)]


def main(rounds: int) -> None:
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


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 5)
