"""The command line, run as a user runs it: exit codes, one-line errors, no tracebacks."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest


def run(*args: str, cwd=None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "graph.cli", *args],
        capture_output=True,
        text=True,
        cwd=cwd,
        timeout=300,
        env={"PATH": "/usr/bin:/bin", "MPLBACKEND": "Agg", "COLUMNS": "200", "HOME": str(cwd or "/tmp")},
    )


def assert_one_line_error(result, code: int, *fragments: str):
    assert result.returncode == code, result.stderr
    assert "Traceback" not in result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    for fragment in fragments:
        assert fragment in lines[0]


def test_help_teaches():
    result = run("--help")
    assert result.returncode == 0
    for command in ("build", "validate", "query", "plot", "stats", "neighbours", "path"):
        assert command in result.stdout
    assert "policygraph build --out out" in result.stdout
    query_help = run("query", "--help").stdout
    assert "-p grantee=:Ukraine" in query_help and "--list" in query_help


def test_build_prints_summary_answers_and_writes_files(tmp_path):
    result = run("build", "--out", str(tmp_path / "out"), cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    first = result.stdout.splitlines()[0]
    assert first.startswith("built 2 sources:") and "triples; validation: conforms" in first
    for n in range(1, 8):
        assert f"cq{n}-" in result.stdout
    assert ":KharkivOblast" in result.stdout and "has not changed" in result.stdout
    assert (tmp_path / "out" / "graph.trig").is_file()
    assert (tmp_path / "out" / "actor-network.svg").is_file()


def test_build_a_users_folder(tmp_path, corpus_copy):
    result = run("build", str(corpus_copy), "--out", str(tmp_path / "mine"), "--quiet", "--format", "svg")
    assert result.returncode == 0, result.stderr
    assert "cq1-" not in result.stdout
    assert sorted(p.suffix for p in (tmp_path / "mine").iterdir()) == [".svg", ".svg", ".svg", ".trig"]


def test_broken_source_is_one_line_and_exit_3(tmp_path, corpus_copy):
    (corpus_copy / "bad.ttl").write_text("@prefix : <http://x/> .\n:a :b :c ;\n  :d .\n")
    result = run("build", str(corpus_copy), "--out", str(tmp_path / "out"))
    assert_one_line_error(result, 3, "bad.ttl:3:", "Turtle syntax error")
    assert not (tmp_path / "out").exists()


def test_invalid_data_exit_4_and_validate_lists_everything(tmp_path, corpus_copy, seed_path):
    seed = corpus_copy / seed_path.name
    seed.write_text(
        seed.read_text()
        .replace("pg:decidedBy", "pg:decidedby")
        .replace("pg:memberCount 3", "pg:memberCount 0")
    )
    result = run("build", str(corpus_copy), "--out", str(tmp_path / "out"))
    assert_one_line_error(result, 4, seed_path.name, "and 1 more")
    listed = run("validate", str(corpus_copy))
    assert listed.returncode == 4
    assert len(listed.stdout.strip().splitlines()) == 2
    assert "pg:decidedby" in listed.stdout and "pg:memberCount" in listed.stdout


def test_validate_ok_and_ontology():
    assert run("validate").stdout.splitlines() == ["conforms: no violations", "2 sources checked"]
    assert run("validate", "--ontology").returncode == 0


@pytest.mark.parametrize("fmt", ["table", "csv", "tsv", "json"])
def test_query_formats(fmt):
    result = run("query", "cq4-supporters", "--format", fmt)
    assert result.returncode == 0, result.stderr
    assert ("UnitedKingdom" in result.stdout) and ("France" in result.stdout)
    if fmt == "json":
        assert len(json.loads(result.stdout)["results"]["bindings"]) == 2


def test_query_params_files_and_inline(tmp_path):
    bound = run("query", "cq1-permissions", "-p", "supplier=:France", "-f", "csv")
    assert bound.returncode == 0 and bound.stdout.strip().count("\n") == 0  # header only
    rq = tmp_path / "mine.rq"
    rq.write_text("# question: Which cities?\nSELECT ?c WHERE { ?c a pg:City } ORDER BY ?c\n")
    from_file = run("query", str(rq), "-f", "tsv")
    assert from_file.stdout.splitlines() == [
        "?c",
        "<https://w3id.org/policygraph/id/Kharkiv>",
        "<https://w3id.org/policygraph/id/Moscow>",
    ]
    inline = run("query", "--sparql", "ASK { :Kharkiv geo:sfWithin :KharkivOblast }")
    assert inline.stdout == "yes\n"
    listing = run("query", "--list").stdout
    assert "cq7-claim-provenance" in listing and "-p grantee=... (default :Ukraine)" in listing


def test_query_errors_are_one_line():
    assert_one_line_error(run("query", "cq99"), 5, "no query named 'cq99'")
    assert_one_line_error(run("query", "--sparql", "SELECT ?x WHERE {"), 5, "SPARQL syntax error", "line:1")
    assert_one_line_error(run("query", "cq1-permissions", "-p", "nobody"), 5, "write NAME=VALUE")
    assert_one_line_error(run("query", "cq1-permissions", "-p", "granter=:Ukraine"), 5, "has no parameter")
    usage = run("query")
    assert usage.returncode == 2 and "Traceback" not in usage.stderr


def test_plot_writes_each_kind(tmp_path):
    actors = run("plot", "--out", str(tmp_path / "a.svg"))
    assert actors.returncode == 0, actors.stderr
    assert "United Kingdom" in (tmp_path / "a.svg").read_text()
    policy = run(
        "plot",
        "--kind",
        "policy",
        "--policy",
        ":us-kharkiv-counterfire-2024",
        "--out",
        str(tmp_path / "p.png"),
    )
    assert policy.returncode == 0, policy.stderr
    assert (tmp_path / "p.png").read_bytes()[:4] == b"\x89PNG"
    assert_one_line_error(
        run("plot", "--kind", "policy", "--policy", ":nope", "--out", str(tmp_path / "x.png")),
        5,
        "no policy",
        ":us-kharkiv-counterfire-2024",
    )
    bad = run("plot", "--out", str(tmp_path / "a.gif"))
    assert bad.returncode == 2 and "must end in .png, .svg or .pdf" in bad.stderr


def test_stats_neighbours_path():
    stats = run("stats", "--measure", "betweenness", "--top", "2")
    assert stats.returncode == 0
    assert "     sources: 2" in stats.stdout and "actor graph:" in stats.stdout
    assert {"Ukraine", "United States"} == {
        line.split(maxsplit=1)[1] for line in stats.stdout.splitlines()[-2:]
    }
    near = run("neighbours", "UK")
    assert "-> supports       Ukraine  [politico-2024-05-30]" in near.stdout
    path = run("path", "France", "Russia")
    assert (
        path.stdout.splitlines()[0]
        == "France -supports-> Ukraine <-attacks- Russian Armed Forces -part of-> Russia"
    )
    assert_one_line_error(run("neighbours", "Atlantis"), 5, "no node named 'Atlantis'")


def test_output_folder_that_cannot_be_written(tmp_path):
    blocker = tmp_path / "file"
    blocker.write_text("not a folder")
    result = run("build", "--out", str(blocker / "out"), "--quiet")
    assert_one_line_error(result, 6, "cannot write")
