"""The main job: outputs written, readable again, and never half-written."""

from __future__ import annotations

import pytest
from rdflib import Dataset
from rdflib.compare import isomorphic

from graph.build import build, policies
from graph.errors import OutputError, SourceError


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    out = tmp_path_factory.mktemp("out")
    return build(out=out), out


def test_build_writes_the_dataset_and_diagrams(built, dataset):
    result, out = built
    names = {p.name for p in result.files}
    expected = {"graph.trig", "manifest.json", "actor-network.png", "actor-network.svg"}
    expected |= {"timeline.png", "timeline.svg"}
    expected |= {"policy-matrix-Ukraine.png", "policy-matrix-Ukraine.svg"}
    for policy in policies(dataset):
        local = str(policy).rsplit("/", 1)[-1]
        expected |= {f"policy-{local}.png", f"policy-{local}.svg"}
    assert names == expected
    assert {p.name for p in out.iterdir()} == expected  # no temporary files left behind


def test_trig_holds_every_named_graph(built, dataset):
    _, out = built
    again = Dataset()
    again.parse(out / "graph.trig", format="trig")
    original = {g.identifier: g for g in dataset.graphs() if len(g)}
    parsed = {g.identifier: g for g in again.graphs() if len(g)}
    assert set(parsed) == set(original)
    for name, graph in original.items():
        assert isomorphic(graph, parsed[name]), name


def test_a_build_in_rdflib_gives_what_the_default_build_gives(built, tmp_path):
    from test_stores import _rows

    from graph.stores import DEFAULT_STORE, StoreSpec

    result, out = built
    assert StoreSpec.parse(DEFAULT_STORE).kind == "oxigraph"
    in_rdflib = build(out=tmp_path / "out", store=StoreSpec("memory"))
    assert in_rdflib.summary == result.summary
    assert [p.name for p in in_rdflib.files] == [p.name for p in result.files]
    assert [query.name for query, _ in in_rdflib.answers] == [query.name for query, _ in result.answers]
    for (query, expected), (_, got) in zip(in_rdflib.answers, result.answers, strict=True):
        assert _rows(got) == _rows(expected), query.name
    again = Dataset()
    again.parse(tmp_path / "out" / "graph.trig", format="trig")
    default = Dataset()
    default.parse(out / "graph.trig", format="trig")
    assert {g.identifier for g in again.graphs() if len(g)} == {
        g.identifier for g in default.graphs() if len(g)
    }
    for graph in default.graphs():
        assert isomorphic(graph, again.graph(graph.identifier)), graph.identifier


def test_a_build_into_a_store_on_disk_is_not_this_function(tmp_path):
    from graph.stores import StoreSpec

    with pytest.raises(ValueError, match="a build writes files from a store in memory"):
        build(out=tmp_path / "out", store=StoreSpec("oxigraph", path=str(tmp_path / "store")))
    assert not (tmp_path / "out").exists() and not (tmp_path / "store").exists()


def test_summary_counts(built):
    result, _ = built
    s = result.summary
    assert s.sources == len(result.corpus.sources) == 14
    assert (s.policies, s.statements) == (9, 12)
    assert s.entities >= 40 and s.claims >= 30
    assert s.triples == sum(1 for _ in result.corpus.dataset.quads((None, None, None, None)))


def test_competency_answers_are_all_there(built):
    result, _ = built
    assert len(result.answers) == 7
    assert all(q.name.startswith(f"cq{i}-") for i, (q, _) in enumerate(result.answers, start=1))
    assert all(len(rows) >= 1 for _, rows in result.answers)


def test_a_broken_source_leaves_the_old_outputs_untouched(corpus_copy, tmp_path):
    out = tmp_path / "out"
    build([corpus_copy], out=out, formats=("svg",))
    before = {p.name: p.read_bytes() for p in out.iterdir()}
    (corpus_copy / "zz-broken.ttl").write_text("@prefix : <x> .\n:a :b")
    with pytest.raises(SourceError):
        build([corpus_copy], out=out, formats=("svg",))
    assert {p.name: p.read_bytes() for p in out.iterdir()} == before


def test_a_failure_while_writing_leaves_the_old_outputs_untouched(corpus_copy, tmp_path, monkeypatch):
    out = tmp_path / "out"
    build([corpus_copy], out=out, formats=("svg",))
    before = {p.name: p.read_bytes() for p in out.iterdir()}

    def fail(*args, **kwargs):
        raise OSError(28, "No space left on device")

    import graph.draw

    monkeypatch.setattr(graph.draw, "draw_policy", fail)  # fails after graph.trig is staged
    with pytest.raises(OutputError, match="No space left on device"):
        build([corpus_copy], out=out, formats=("svg",))
    assert {p.name: p.read_bytes() for p in out.iterdir()} == before
    assert not list(tmp_path.glob(".out.*.staging"))  # the staging folder is gone


def test_a_broad_question_past_its_budget_says_which_parameters_to_give(tmp_path):
    from graph.build import competency_answers
    from graph.generate import generate
    from graph.load import load

    generate(tmp_path / "world", triples=5_000, seed=1)
    dataset = load([tmp_path / "world"]).dataset
    # a budget no query can keep: every question with a default left open is cut short
    cut = {query.name: rows for query, rows in competency_answers(dataset, open_budget=1e-6)}
    noted = {name: rows for name, rows in cut.items() if rows.note}
    assert "cq1-permissions" in noted, "the bundled corpus's actors are not in a generated world"
    for name, rows in noted.items():
        assert len(rows) == 0 and f"policygraph query {name} -p" in rows.note
    assert all(not rows.note for name, rows in cut.items() if name not in noted)
    # with time enough the same questions answer, for every value of what was left open
    whole = {query.name: rows for query, rows in competency_answers(dataset, open_budget=600)}
    assert not any(rows.note for rows in whole.values())
    assert len(whole["cq1-permissions"]) > 0
