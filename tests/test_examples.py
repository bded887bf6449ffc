"""Every example script runs as a user runs it, and every example query answers."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from graph.queries import read_query, run_query

EXAMPLES = Path(__file__).resolve().parent.parent / "examples"
SCRIPTS = sorted(EXAMPLES.glob("*.py"))
QUERIES = sorted((EXAMPLES / "queries").glob("*.rq"))

# what each script must print: a check that it did its job, not only that it exited
EXPECTED = {
    "add_a_report.py": "ATACMS in Kursk Oblast: permitted",
    "benchmark_decisions.py": "decisions per second",
    "benchmark_draft.py": "rule weapons",
    "benchmark_latency.py": "latency done",
    "benchmark_endpoint.py": "errors: 0",
    "benchmark_scale.py": "(bulk_load grew",  # two sizes: each step's growth, beside its baseline's
    "take_screenshots.py": "wrote 4 screenshots",
    "analyse_network.py": "relations survive the round trip: True",
    "ask_questions.py": "Across the border from Kharkiv Oblast: :BelgorodOblast",
    "draw_diagrams.py": "rules drawn",
    "load_and_validate.py": "conforms: no violations",
}


# scripts whose defaults are for a long run get a short one here
ARGS = {
    "benchmark_endpoint.py": ["--clients", "2", "--queries", "50", "--rounds", "1"],
    "benchmark_latency.py": ["--runs", "1"],
    "benchmark_scale.py": ["--sizes", "10000", "20000", "--rdflib-max", "20000", "--diagram-actors", "300"],
}


def test_examples_found():
    assert len(SCRIPTS) >= 5 and QUERIES
    assert {s.name for s in SCRIPTS} == set(EXPECTED)


#: scripts that start a browser or a server, or measure: slow
SLOW = {"benchmark_endpoint.py", "benchmark_scale.py", "benchmark_latency.py", "take_screenshots.py"}


@pytest.mark.parametrize(
    "script",
    [pytest.param(s, marks=pytest.mark.slow) if s.name in SLOW else s for s in SCRIPTS],
    ids=lambda p: p.name,
)
def test_example_script_runs(script, tmp_path):
    env = {**os.environ, "MPLBACKEND": "Agg"}
    result = subprocess.run(
        [sys.executable, str(script), *ARGS.get(script.name, [])],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        env=env,
        timeout=1200,  # a bound for a hung script, not a speed test: a busy machine is slow
    )
    assert result.returncode == 0, result.stderr
    assert EXPECTED[script.name] in result.stdout


@pytest.mark.parametrize("path", QUERIES, ids=lambda p: p.name)
def test_example_query_answers(dataset, path):
    query = read_query(path)
    assert query.question
    assert len(run_query(dataset, query)) >= 1


def test_the_decision_benchmark_runs_on_a_store(tmp_path):
    """The decision benchmark on a store built from a generated world, the collector off."""
    from graph.generate import generate
    from graph.stores import StoreSpec, ingest

    generate(tmp_path / "world", triples=20_000, seed=3)
    store = tmp_path / "store"
    ingest([tmp_path / "world"], StoreSpec("oxigraph", path=str(store)))
    script = str(EXAMPLES / "benchmark_decisions.py")
    result = subprocess.run(
        [sys.executable, script, "--store", f"oxigraph:{store}", "--count", "100", "--collector-off"],
        capture_output=True,
        text=True,
        timeout=1200,  # a bound for a hung script, not a speed test
    )
    assert result.returncode == 0, result.stderr
    met = [line for line in result.stdout.splitlines() if line.startswith("a question meets")]
    assert met and "the collector was off while deciding" in met[0]
    numbers = [int(word.replace(",", "")) for word in met[0].split() if word.replace(",", "").isdigit()]
    assert len(numbers) == 2 and numbers[0] >= numbers[1] > 0
