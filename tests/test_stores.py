"""The three kinds of store give the answers the in-memory graph gives: Oxigraph in memory,
Oxigraph on disk, and a SPARQL endpoint (a real Oxigraph server, started and stopped here)."""

from __future__ import annotations

import re
import subprocess
import sys
from collections import Counter
from decimal import Decimal
from pathlib import Path

import pytest
from rdflib import BNode, Literal
from rdflib.namespace import XSD
from servers import free_port, oxigraph_server, virtuoso_server
from test_cli import run
from test_policy import _read_table

from graph.errors import SourceError
from graph.policy import PolicyEngine
from graph.queries import get_query, list_queries, run_query
from graph.stores import StoreError, StoreSpec, count_quads, ingest, open_corpus

QUERIES = list_queries()


def _value(node) -> str:
    if isinstance(node, BNode):
        return "_:b"  # blank node names differ between stores
    if isinstance(node, Literal) and node.datatype in (XSD.decimal, XSD.double, XSD.float):
        return str(Decimal(str(node)).normalize())  # Oxigraph writes 30.0 as 30
    text = str(node)
    for separator in (" | ", "; ", ", "):  # GROUP_CONCAT's order is not defined by SPARQL
        if separator in text:
            return separator.join(sorted(text.split(separator)))
    return text


def _terms(rows):
    """Rows as their rdflib terms (blank nodes masked), which tell a plain string from an xsd:string."""
    return Counter(
        tuple(sorted((k, "_:b" if isinstance(v, BNode) else v) for k, v in row.items() if v is not None))
        for row in rows
    )


def _rows(rows):
    """Rows as comparable values."""
    return Counter(tuple(sorted((k, _value(v)) for k, v in row.items() if v is not None)) for row in rows)


@pytest.fixture(scope="module")
def on_disk(tmp_path_factory):
    folder = tmp_path_factory.mktemp("store") / "corpus.oxigraph"
    ingest(None, StoreSpec("oxigraph", path=str(folder)))
    return StoreSpec("oxigraph", path=str(folder))


@pytest.fixture(scope="module")
def oxigraph_endpoint(tmp_path_factory):
    """A real Oxigraph server holding the bundled corpus."""
    with oxigraph_server(tmp_path_factory.mktemp("oxigraph")) as spec:
        ingest(None, spec)
        yield spec


@pytest.fixture(scope="module")
def virtuoso_endpoint(tmp_path_factory):
    """A real Virtuoso holding the bundled corpus."""
    with virtuoso_server(tmp_path_factory.mktemp("virtuoso")) as spec:
        ingest(None, spec)
        yield spec


STORES = [
    "oxigraph-memory",
    "oxigraph-disk",
    pytest.param("oxigraph-server", marks=pytest.mark.slow),
    pytest.param("virtuoso-server", marks=pytest.mark.slow),
]


@pytest.fixture(scope="module", params=STORES)
def stored(request, on_disk):
    if request.param == "oxigraph-memory":
        return open_corpus(None, StoreSpec("oxigraph"))
    if request.param == "oxigraph-disk":
        return open_corpus(None, on_disk)
    if request.param == "oxigraph-server":
        return open_corpus(None, request.getfixturevalue("oxigraph_endpoint"))
    return open_corpus(None, request.getfixturevalue("virtuoso_endpoint"))


def test_every_library_query_answers_as_in_memory(stored, dataset):
    assert QUERIES
    for query in QUERIES:
        expected, got = run_query(dataset, query), run_query(stored.dataset, query)
        assert _rows(got) == _rows(expected), query.name


def test_the_stores_hold_every_quad_and_source(stored, corpus):
    assert count_quads(stored.dataset) == sum(1 for _ in corpus.dataset.quads((None, None, None, None)))
    assert {s.iri for s in stored.sources} == {s.iri for s in corpus.sources}


def _view(graph):
    """A networkx view as comparable text: blank node names masked, decimals as Oxigraph writes them."""

    def text(value) -> str:
        return re.sub(r"'(\d+)\.0'", r"'\1'", re.sub(r"_:[\w.:/-]+", "_:b", str(value)))

    def attrs(data) -> list:
        return sorted((k, sorted(v) if isinstance(v, list) else v) for k, v in data.items())

    nodes = Counter(text((n, attrs(d))) for n, d in graph.nodes(data=True))
    edges = Counter(text((u, v, k, attrs(d))) for u, v, k, d in graph.edges(keys=True, data=True))
    return nodes, edges


def test_the_networkx_views_are_the_same_on_every_store(stored, dataset):
    from graph.project import actor_view, to_networkx

    entities = to_networkx(stored.dataset)
    assert entities.number_of_edges() > 500
    assert _view(entities) == _view(to_networkx(dataset))
    assert entities.graph["sources"] == to_networkx(dataset).graph["sources"]
    assert _view(actor_view(stored.dataset)) == _view(actor_view(dataset))


def test_the_decision_table_holds_on_every_store(stored):
    engine = PolicyEngine(stored.dataset)
    cases = [c for c in _read_table() if c.engine == "default"]
    assert len(cases) > 40
    for case in cases:
        assert engine.as_known_by(case.known_by).decide(case.action).outcome == case.outcome, case.case


#: every reading command, with arguments whose output does not depend on the store
COMMANDS = [
    ["query", "cq4-supporters", "-f", "csv"],
    ["query", "cq3-decision-sourcing", "-f", "csv"],
    ["query", "cq6-statements", "-f", "csv"],
    ["check", "--weapon", "rocket", "--supplier", "US", "--place", "Moscow", "--date", "2024-06-20"],
    ["check", "--weapon", "HIMARS", "--supplier", "US", "--place", "Belgorod Oblast", "--date", "2024-06-05"],
    ["state", "--date", "2024-06-05"],
    ["diff", "--from", "2024-06-01", "--to", "2024-06-30", "-f", "csv"],
    ["timeline"],
    ["stats", "--measure", "degree", "--top", "3"],
    ["neighbours", "UK"],
    ["path", "France", "Russia"],
    ["validate"],
]


def _lines(text: str) -> list[str]:
    """Output lines in order, blank node names masked (each store names them its own way) and
    GROUP_CONCAT lists sorted (SPARQL leaves their order to the store)."""
    lines = []
    for line in text.splitlines():
        masked = re.sub(r"(?<![\w/#:.-])(n?[0-9a-f]{30,}|nodeID://b\d+)(?![\w])", "_:b", line)
        lines.append(re.sub(r'"([^"]* \| [^"]*)"', lambda m: " | ".join(sorted(m[1].split(" | "))), masked))
    return sorted(lines)


@pytest.fixture(scope="module")
def in_memory_output():
    return {tuple(command): run(*command) for command in COMMANDS}


@pytest.fixture(params=STORES[1:])
def built_by_the_cli(request, tmp_path, corpus):
    """A store written by ``policygraph build --store``: on disk, or into a real server."""
    if request.param == "oxigraph-disk":
        store = f"oxigraph:{tmp_path / 'graph.oxigraph'}"
    else:
        spec = request.getfixturevalue(request.param.replace("-server", "_endpoint"))
        store = str(spec)
    built = run("build", "--store", store, "--quiet")
    assert built.returncode == 0, built.stderr
    triples = sum(1 for _ in corpus.dataset.quads((None, None, None, None)))
    assert (
        f"loaded {len(corpus.sources)} sources into " in built.stdout and f"{triples} triples" in built.stdout
    )
    return store


def test_every_command_reads_a_store_as_it_reads_memory(built_by_the_cli, in_memory_output, tmp_path):
    for command in COMMANDS:
        expected = in_memory_output[tuple(command)]
        got = run(*command, "--store", built_by_the_cli)
        assert got.returncode == expected.returncode, (command, got.stderr)
        assert expected.stdout.strip(), command
        if command[0] == "validate":  # a store keeps no files: its sources are named by IRI
            assert got.stdout.splitlines()[-1] == expected.stdout.splitlines()[-1] == "14 sources checked"
            continue
        assert _lines(got.stdout) == _lines(expected.stdout), command
    for kind in ("actors", "policy"):
        extra = ["--policy", ":us-kharkiv-counterfire-2024"] if kind == "policy" else []
        out = tmp_path / f"{kind}.svg"
        drawn = run("plot", "--kind", kind, *extra, "--out", str(out), "--store", built_by_the_cli)
        assert drawn.returncode == 0, drawn.stderr
        assert out.read_text().count("<g id=") > 10
    exported = run(
        "export", "--format", "graphml", "--out", str(tmp_path / "g.graphml"), "--store", built_by_the_cli
    )
    assert exported.returncode == 0, exported.stderr
    assert (tmp_path / "g.graphml").read_text().count("<node ") > 50


def test_a_broken_source_leaves_the_store_as_it_was(tmp_path, corpus_copy):
    spec = StoreSpec("oxigraph", path=str(tmp_path / "kept"))
    ingest([corpus_copy], spec)
    before = count_quads(open_corpus(None, spec).dataset)
    (corpus_copy / "zz-broken.ttl").write_text("@prefix : <https://w3id.org/policygraph/id/> .\n:a :b .\n")
    with pytest.raises(SourceError, match=r"zz-broken.ttl"):
        ingest([corpus_copy], spec)
    assert count_quads(open_corpus(None, spec).dataset) == before
    (corpus_copy / "zz-broken.ttl").unlink()
    # refused while the sources before it stream into the loader
    seed = sorted(corpus_copy.glob("*.ttl"))[0]
    (corpus_copy / "zz-copy.ttl").write_text(seed.read_text())
    with pytest.raises(SourceError, match=r"zz-copy.ttl.*already described by"):
        ingest([corpus_copy], spec)
    assert count_quads(open_corpus(None, spec).dataset) == before
    assert not list(tmp_path.glob(".kept.*.staging"))


@pytest.mark.parametrize(
    ("text", "words"),
    [("postgres", "write memory, oxigraph"), ("sparql:ftp://x", "an http:// or https:// endpoint")],
)
def test_store_names_are_checked(text, words):
    with pytest.raises(StoreError, match=words):
        StoreSpec.parse(text)


def test_a_missing_store_and_sources_given_to_a_store_are_clear_errors(tmp_path):
    missing = subprocess.run(
        [sys.executable, "-m", "graph.cli", "query", "summary", "--store", f"oxigraph:{tmp_path / 'none'}"],
        capture_output=True,
        text=True,
    )
    assert missing.returncode == 3 and "no Oxigraph store there" in missing.stderr
    assert "Traceback" not in missing.stderr
    with pytest.raises(StoreError, match="give no sources here"):
        open_corpus(["some-folder"], StoreSpec("oxigraph", path=str(tmp_path)))


def test_an_unreachable_endpoint_is_a_clear_error():
    spec = StoreSpec("sparql", query_url=f"http://127.0.0.1:{free_port()}/query")
    with pytest.raises(StoreError, match="cannot reach the endpoint"):
        ingest(None, spec)


def test_the_endpoint_serves_a_store_on_disk(on_disk, dataset):
    import json
    import urllib.parse

    from graph.queries import get_query
    from graph.server import Endpoint

    query = get_query("cq4-supporters")
    expected = {str(r["actor"]) for r in run_query(dataset, query)}
    with Endpoint(open_corpus(None, on_disk).dataset, port=0, quiet=True) as served:
        served.start()
        url = served.url + "sparql?" + urllib.parse.urlencode({"query": query.sparql()})
        with urllib.request.urlopen(url, timeout=60) as response:
            answer = json.load(response)
    assert {b["actor"]["value"] for b in answer["results"]["bindings"]} == expected


def test_a_store_on_disk_keeps_the_actor_relations_it_was_built_with(on_disk, dataset, monkeypatch):
    import json

    from graph import project
    from graph.kept import FILE, kept_rows
    from graph.project import actor_view

    stored = open_corpus(None, on_disk).dataset
    kept = kept_rows(stored, "actor-relations")
    expected = run_query(dataset, get_query("actor-relations"))
    assert kept is not None and len(kept) == len(expected) > 10
    assert {(r["from"], r["relation"], r["to"]) for r in kept} == {
        (str(r["from"]), str(r["relation"]), str(r["to"])) for r in expected
    }

    def not_run(*args, **kwargs):
        raise AssertionError("the kept answer was not read")

    edges = actor_view(dataset).number_of_edges()
    monkeypatch.setattr(project, "run_query", not_run)
    assert actor_view(stored).number_of_edges() == edges
    monkeypatch.undo()
    # a kept answer of another query text (another version) is not read: the query runs
    path = Path(on_disk.path) / FILE
    saved = path.read_bytes()
    try:
        changed = json.loads(saved)
        changed["answers"]["actor-relations"]["fingerprint"] = "0" * 64
        path.write_text(json.dumps(changed))
        assert kept_rows(open_corpus(None, on_disk).dataset, "actor-relations") is None
        assert (
            actor_view(open_corpus(None, on_disk).dataset).number_of_edges()
            == actor_view(dataset).number_of_edges()
        )
    finally:
        path.write_bytes(saved)
    # a store in memory keeps nothing
    assert kept_rows(open_corpus(None, StoreSpec.parse("oxigraph")).dataset, "actor-relations") is None


def test_each_kept_answer_is_read_from_its_own_file_and_only_if_it_is_the_one_listed(on_disk, tmp_path):
    """The actor view reads the actor relations' file alone; a file that is not the one the
    list of kept answers names (another build's, or changed since), or one whose rows name a
    term it does not hold, is not read: its query runs."""
    import hashlib
    import json
    import shutil

    from graph.kept import FILE, FOLDER, KEPT, forget, kept_rows
    from graph.project import actor_view

    folder = tmp_path / "copy"
    shutil.copytree(on_disk.path, folder)
    files = sorted((folder / FOLDER).glob("*.json"))
    assert [f.stem for f in files] == sorted(KEPT)
    for file in files:
        if file.stem != "actor-relations":
            file.unlink()
    copy = StoreSpec("oxigraph", path=str(folder))
    stored = open_corpus(None, copy).dataset
    kept = kept_rows(stored, "actor-relations")
    assert kept is not None and len(kept) > 10
    assert kept_rows(stored, "engine-rules") is None
    edges = actor_view(open_corpus(None, on_disk).dataset).number_of_edges()
    assert actor_view(stored).number_of_edges() == edges

    folder = tmp_path / "changed"
    shutil.copytree(on_disk.path, folder)
    relations = folder / FOLDER / "actor-relations.json"
    relations.write_text(relations.read_text().replace("authorises", "authorized"))  # another answer
    stored = open_corpus(None, StoreSpec("oxigraph", path=str(folder))).dataset
    assert kept_rows(stored, "actor-relations") is None
    assert actor_view(stored).number_of_edges() == edges  # by the query
    # a listed file whose rows name a term it does not hold is not read either
    folder = tmp_path / "broken"
    shutil.copytree(on_disk.path, folder)
    relations = folder / FOLDER / "actor-relations.json"
    document = json.loads(relations.read_text())
    document["rows"][0][0] = len(document["terms"])
    relations.write_text(json.dumps(document))
    listed = json.loads((folder / FILE).read_text())
    listed["answers"]["actor-relations"]["sha256"] = hashlib.sha256(relations.read_bytes()).hexdigest()
    (folder / FILE).write_text(json.dumps(listed))
    stored = open_corpus(None, StoreSpec("oxigraph", path=str(folder))).dataset
    assert kept_rows(stored, "actor-relations") is None
    assert actor_view(stored).number_of_edges() == edges
    forget(folder)
    assert not (folder / FILE).exists() and not list((folder / FOLDER).iterdir())


def test_the_engine_on_a_store_on_disk_starts_from_its_kept_answers(on_disk, monkeypatch):
    from graph.kept import KEPT, kept_terms
    from graph.policy import facts

    stored = open_corpus(None, on_disk).dataset
    for name in KEPT:
        kept = kept_terms(stored, name)
        ran = run_query(stored, get_query(name))
        assert kept is not None and _rows(kept) == _rows(ran), name
        assert _terms(kept) == _terms(ran), name  # the same terms: a plain string stays plain

    def not_run(dataset, query, *args, **kwargs):
        raise AssertionError(f"{getattr(query, 'name', query)} ran although the store kept its answer")

    # a query that orders its rows keeps them in its order (the store sorts them by the same keys)
    for name, keys in (("actor-relations", 4), ("policy-statements", 3)):
        order = get_query(name).text.rsplit("ORDER BY", 1)[1].split()
        assert len(order) == keys, name
        kept_order = [tuple(str(row[v[1:]]) for v in order) for row in kept_terms(stored, name) or []]
        ran_order = [tuple(str(row[v[1:]]) for v in order) for row in run_query(stored, get_query(name))]
        assert len(kept_order) > 5 and kept_order == ran_order, name

    monkeypatch.setattr(facts, "run_query", not_run)
    engine = PolicyEngine(stored, facts=facts.Facts(stored))  # not the snapshot of graph.policy.snapshot
    cases = [c for c in _read_table() if c.engine == "default"]
    assert len(cases) > 40
    for case in cases:
        decision = engine.as_known_by(case.known_by).decide(case.action)
        assert decision.outcome == case.outcome, case.case


#: labels in every form a store writes a term in its answers: escapes, languages, the
#: literals SPARQL TSV writes bare, other typed ones
_LABEL_FORMS = (
    '"tab\\there, line\\nbreak, \\"quoted\\", back\\\\slash, carriage\\rreturn, form\\ffeed"',
    '"\\u00e9t\\u00e9 \\U0001F600, line separator \\u2028, next line \\u0085, bell \\u0007, del \\u007F"',
    '"a < b > c, #1 & ^^ @en"',
    '"Kharkiv"@uk',
    '"Kharkiv"@en-GB',
    "true",
    '"0"^^xsd:boolean',
    "42",
    "-7",
    '"+7"^^xsd:integer',
    '"007"^^xsd:int',
    "1.50",
    "-.5",
    "1e3",
    '"INF"^^xsd:double',
    '"2024-05"^^xsd:gYearMonth',
    '"x"^^<https://example.org/custom>',
    '""',
)


def test_kept_answers_hold_every_form_of_term_as_the_query_gives_it(corpus_copy, tmp_path):
    """The kept rows are read from the store's TSV: each term in each of its forms reads back the same."""
    from conftest import SOURCE_HEAD

    from graph.kept import kept_terms

    body = "".join(f":test-form-{n} rdfs:label {form} .\n" for n, form in enumerate(_LABEL_FORMS))
    (corpus_copy / "zz-forms.ttl").write_text(SOURCE_HEAD + body, encoding="utf-8")
    spec = StoreSpec.parse(f"oxigraph:{tmp_path / 'store'}")
    ingest([corpus_copy], spec)
    stored = open_corpus(None, spec).dataset
    kept = kept_terms(stored, "engine-labels")
    ran = run_query(stored, get_query("engine-labels"))
    assert kept is not None
    forms = [row for row in kept if str(row["s"]).rsplit("/", 1)[-1].startswith("test-form-")]
    assert len(forms) == len(_LABEL_FORMS)
    # both read the store's TSV: each is checked against pyoxigraph's own terms, read one by one
    by_term = _read_by_term(stored, get_query("engine-labels").text)
    assert _terms(kept) == _terms(ran) == _terms(by_term)
    escaped = 'tab\there, line\nbreak, "quoted", back\\slash, carriage\rreturn, form\ffeed'
    assert {str(row["label"]) for row in forms} >= {"", "Kharkiv", escaped}


def _read_by_term(dataset, text):
    """A SELECT's rows on the dataset's Oxigraph store, each term made from pyoxigraph's own object."""
    from graph.backend import from_native, native_store
    from graph.namespaces import PREFIXES

    answer = native_store(dataset).query(text, use_default_graph_as_union=True, prefixes=dict(PREFIXES))
    names = [v.value for v in answer.variables]
    return [{name: None if row[name] is None else from_native(row[name]) for name in names} for row in answer]


def test_query_rows_read_from_the_stores_tsv_are_pyoxigraphs_own_terms(corpus_copy):
    """Every library query on Oxigraph gives the rows pyoxigraph's terms give, each in its form."""
    from conftest import SOURCE_HEAD

    body = "".join(f":test-form-{n} rdfs:label {form} .\n" for n, form in enumerate(_LABEL_FORMS))
    (corpus_copy / "zz-forms.ttl").write_text(SOURCE_HEAD + body, encoding="utf-8")
    dataset = open_corpus([corpus_copy], StoreSpec("oxigraph")).dataset
    compared = 0
    for query in list_queries():
        answer = run_query(dataset, query)
        if answer.kind != "SELECT":
            continue
        assert _terms(answer.rows) == _terms(_read_by_term(dataset, query.sparql({}))), query.name
        compared += bool(answer.rows)
    assert compared > 15
    labels = run_query(
        dataset, "SELECT ?label WHERE { ?s rdfs:label ?label FILTER(STRSTARTS(STR(?s), STR(:test-form-))) }"
    )
    assert len(labels.rows) == len(_LABEL_FORMS)
    assert run_query(dataset, "SELECT * WHERE {}").rows == ({},)  # no variables, one row


def test_query_rows_in_a_form_the_tsv_reader_does_not_know_are_read_term_by_term(tmp_path, monkeypatch):
    """An RDF 1.2 triple term in a SELECT's rows: the rows are read term by term, and refused clearly."""
    from conftest import SOURCE_HEAD

    from graph import tsv
    from graph.errors import QueryError

    (tmp_path / "triple-term.ttl").write_text(SOURCE_HEAD + ":x :says <<( :a :b :c )>> .\n", encoding="utf-8")
    with pytest.raises(QueryError, match="not a term policygraph reads"):
        run_query(open_corpus([tmp_path], StoreSpec("oxigraph")).dataset, "SELECT ?o WHERE { ?s :says ?o }")
    dataset = open_corpus(None, StoreSpec("oxigraph")).dataset
    text = "SELECT ?s WHERE { ?s a pg:Statement } ORDER BY ?s"
    expected = run_query(dataset, text).rows
    assert expected
    monkeypatch.setattr(tsv, "serialized", lambda answer: b"?s\n<<( _:a _:b _:c )>>\n")
    assert run_query(dataset, text).rows == expected  # read again, term by term


def test_a_kept_answer_in_a_form_the_reader_does_not_know_is_read_term_by_term(tmp_path, monkeypatch):
    """When the store's TSV cannot be read, each query's rows are read from its terms: the same rows."""
    import pyoxigraph as ox

    from graph import kept, tsv

    spec = StoreSpec.parse(f"oxigraph:{tmp_path / 'store'}")
    ingest(None, spec)
    dataset = open_corpus(None, spec).dataset
    expected = {name: _terms(kept.kept_terms(dataset, name) or []) for name in kept.KEPT}
    assert all(expected.values())
    monkeypatch.setattr(tsv, "solutions", lambda store, text: b"?s\n<<( _:a _:b _:c )>>\n")
    store = ox.Store(spec.path)
    kept.keep(store, Path(spec.path))
    del store
    dataset = open_corpus(None, spec).dataset
    assert {name: _terms(kept.kept_terms(dataset, name) or []) for name in kept.KEPT} == expected


@pytest.mark.parametrize("kind", ["memory", "oxigraph", "oxigraph:DIR"])
def test_a_blank_node_label_names_one_node_in_one_source_only(kind, corpus_copy, tmp_path):
    """Two sources that both write ``_:c`` mean two nodes, as two documents do, in every store."""
    from conftest import SOURCE_HEAD

    for number in (1, 2):
        head = SOURCE_HEAD.replace("src:test-hostile", f"src:test-label-{number}")
        assert head != SOURCE_HEAD, "the test source header no longer names src:test-hostile"
        body = f':Kharkiv rdfs:seeAlso _:c .\n_:c rdfs:label "note {number}" .\n'
        (corpus_copy / f"zz-label-{number}.ttl").write_text(head + body)
    spec = StoreSpec.parse(kind.replace("DIR", str(tmp_path / "store")))
    if spec.path:
        ingest([corpus_copy], spec)
    dataset = open_corpus(None if spec.path else [corpus_copy], spec).dataset
    rows = run_query(
        dataset,
        "SELECT ?node (COUNT(DISTINCT ?label) AS ?labels) WHERE { ?node rdfs:label ?label "
        'FILTER(isBlank(?node) && STRSTARTS(?label, "note ")) } GROUP BY ?node',
    ).rows
    assert sorted(int(row["labels"]) for row in rows) == [1, 1]
