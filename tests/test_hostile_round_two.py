"""Hostile input, second round: pipes, devices, impossible dates, clashing and long names, huge numbers."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

import pytest
from conftest import run_cli

_run = run_cli


def _one_line(done: subprocess.CompletedProcess[str], code: int, *words: str) -> None:
    assert done.returncode == code, (done.returncode, done.stderr)
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1 and "Traceback" not in done.stderr, done.stderr
    assert all(w in lines[0] for w in words), lines[0]


def test_a_named_pipe_among_the_sources_is_refused_not_waited_on(corpus_copy):
    os.mkfifo(corpus_copy / "x.ttl")
    _one_line(_run("validate", str(corpus_copy)), 3, "x.ttl", "not a regular source file")


def test_a_source_linked_to_a_device_is_refused_before_reading(corpus_copy):
    (corpus_copy / "zero.ttl").symlink_to("/dev/zero")
    _one_line(_run("validate", str(corpus_copy)), 3, "zero.ttl", "not a regular source file")


def test_a_query_file_that_is_a_pipe_is_refused(tmp_path):
    os.mkfifo(tmp_path / "q.rq")
    _one_line(_run("query", str(tmp_path / "q.rq")), 5, "q.rq", "not a regular query file")


def test_an_ill_typed_literal_is_one_line_without_rdflib_s_traceback(corpus_copy):
    source = corpus_copy / "politico-2024-05-30.ttl"
    source.write_text(source.read_text().replace('"2024-05-30"^^xsd:date ;', '"2024-02-30"^^xsd:date ;', 1))
    _one_line(_run("validate", str(corpus_copy)), 3, "politico-2024-05-30.ttl:", '"2024-02-30"')


def test_a_month_that_does_not_exist_is_refused_with_its_line(corpus_copy):
    source = corpus_copy / "politico-2024-05-30.ttl"
    text = source.read_text()
    assert 'dcterms:date "2024-05-30"^^xsd:date ;' in text
    source.write_text(
        text.replace('dcterms:date "2024-05-30"^^xsd:date ;', 'dcterms:date "2024-13"^^xsd:gYearMonth ;')
    )
    done = _run("validate", str(corpus_copy))
    assert done.returncode == 4
    found = [line for line in done.stdout.splitlines() if '"2024-13" is not a valid xsd:gYearMonth' in line]
    assert found and all(line.startswith(f"{source}:") for line in found), done.stdout


def test_policies_whose_names_end_alike_or_run_long_get_their_own_diagrams(corpus_copy, tmp_path):
    # a policy whose IRI ends like the bundled ":us-no-moscow-2024", and one named with 300 letters
    (corpus_copy / "zz-hostile.ttl").write_text(
        (corpus_copy / "uk-gov-2023-05-11.ttl")
        .read_text()
        .replace("src:uk-gov-2023-05-11", "src:zz-hostile")
        .replace(":uk-storm-shadow-2023 a", "<https://example.org/evil/us-no-moscow-2024> a", 1)
    )
    long_name = "p" * 300
    (corpus_copy / "zz-long.ttl").write_text(
        (corpus_copy / "abc-2024-06-06-biden.ttl")
        .read_text()
        .replace("src:abc-2024-06-06-biden", "src:zz-long")
        .replace("us-no-moscow-2024", long_name)
    )
    out = tmp_path / "out"
    done = _run("build", str(corpus_copy), "--out", str(out), "--format", "svg", "--quiet")
    assert done.returncode == 0, done.stderr
    said = done.stdout.rsplit("wrote ", 1)[1]
    count = int(said.split(" files", 1)[0])
    written = [p.name for p in out.iterdir()]
    assert count == len(written)  # every file it says it wrote exists: none overwrote another
    moscow = [n for n in written if n.startswith("policy-us-no-moscow-2024")]
    assert len(moscow) == 2, written
    assert all(len(n) < 120 for n in written)
    assert any(n.startswith("policy-ppppp") for n in written)


@pytest.mark.parametrize(
    "args",
    [
        ["generate", "--triples", "1000000000000", "--out", "g"],
        ["query", "cq1-permissions", "--timeout", "1e308"],
        ["serve", "--workers", "100000"],
    ],
    ids=["triples", "timeout", "workers"],
)
def test_numeric_options_have_upper_bounds(args, tmp_path):
    done = _run(*args, cwd=tmp_path)
    assert done.returncode == 2 and "is not in the range" in done.stderr, done.stderr
    assert not list(tmp_path.iterdir())


def test_an_output_folder_that_is_a_mount_point_is_staged_inside_itself(tmp_path, monkeypatch):
    """A folder on its own file system (a volume) cannot take renames from beside it: stage inside."""
    import tempfile

    import graph.output
    from graph.output import staged

    out = tmp_path / "volume"
    out.mkdir()
    (out / "old.txt").write_text("kept")
    assert graph.output.on_its_own_device(Path("/proc")) and not graph.output.on_its_own_device(out)
    monkeypatch.setattr(graph.output, "on_its_own_device", lambda folder: folder == out)
    made: list[Path] = []
    real = tempfile.mkdtemp

    def spy(*args, **kwargs):
        made.append(Path(real(*args, **kwargs)))
        return str(made[-1])

    monkeypatch.setattr(tempfile, "mkdtemp", spy)
    with staged(out) as staging:
        (staging / "graph.trig").write_text("new")
    assert made and made[0].parent == out  # the staging folder was inside the volume
    assert sorted(p.name for p in out.iterdir()) == ["graph.trig", "manifest.json", "old.txt"]
    assert not list(tmp_path.glob(".volume.*.staging"))
