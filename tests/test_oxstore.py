"""The rdflib store plugin over Oxigraph: rdflib's API reads and writes what rdflib's own store would."""

from __future__ import annotations

import subprocess
import sys
from decimal import Decimal

import pytest
from rdflib import Dataset, Graph, Literal, Namespace, URIRef
from rdflib.compare import isomorphic
from rdflib.graph import DATASET_DEFAULT_GRAPH_ID
from rdflib.plugins.sparql import prepareQuery
from rdflib.term import Node

from graph.oxstore import OxigraphStore
from graph.stores import StoreSpec, open_corpus

EX = Namespace("https://example.org/")


@pytest.fixture(scope="module")
def stored() -> Dataset:
    return open_corpus(None, StoreSpec.parse("oxigraph")).dataset


def _by_value(term: Node) -> Node:
    """A number in one lexical form: Oxigraph keeps numbers by value ("300.0" reads back "300")."""
    if (
        isinstance(term, Literal)
        and isinstance(term.value, int | float | Decimal)
        and not isinstance(term.value, bool)
    ):
        return Literal(str(Decimal(str(term.value)).normalize()), datatype=term.datatype)
    return term


def _named(dataset: Dataset) -> dict[URIRef, Graph]:
    found = {
        g.identifier: g for g in dataset.contexts() if g.identifier != DATASET_DEFAULT_GRAPH_ID and len(g)
    }
    assert found, "no named graphs read"
    return found


def test_every_graph_reads_through_rdflib_as_rdflib_reads_it(stored, dataset):
    ours, theirs = _named(stored), _named(dataset)
    assert set(ours) == set(theirs)
    for name, graph in theirs.items():
        copies = Graph(), Graph()
        for copy, read in zip(copies, (ours[name], graph), strict=True):
            for s, p, o in read:
                copy.add((s, p, _by_value(o)))
        assert len(copies[0]) == len(graph) == len(ours[name]), name
        assert isomorphic(*copies), name
    # plain strings are plain literals in both stores: the same term, not ^^xsd:string
    literals = {_by_value(o) for _, _, o in stored.triples((None, None, None)) if isinstance(o, Literal)}
    assert literals == {
        _by_value(o) for _, _, o in dataset.triples((None, None, None)) if isinstance(o, Literal)
    }


def test_a_parsed_query_falls_back_to_rdflib_and_answers_alike(stored):
    text = "SELECT DISTINCT ?g WHERE { GRAPH ?g { ?s a ?type } } ORDER BY ?g"
    by_oxigraph = [row.g for row in stored.query(text)]
    by_rdflib = [row.g for row in stored.query(prepareQuery(text))]
    assert by_oxigraph, "no graphs answered"
    assert by_oxigraph == by_rdflib


def test_writes_updates_patterns_and_prefixes():
    dataset = Dataset(store=OxigraphStore(), default_union=True)
    dataset.bind("ex", EX)
    one, two = dataset.graph(EX.one), dataset.graph(EX.two)
    one.add((EX.Kharkiv, EX.label, Literal("Kharkiv", lang="en")))
    two.addN([(EX.Kharkiv, EX.within, EX.Ukraine, two), (EX.Ukraine, EX["count"], Literal(3), two)])
    assert len(dataset) == 3 and len(one) == 1 and len(two) == 2
    assert set(dataset.objects(EX.Kharkiv, EX.within)) == {EX.Ukraine}
    assert dataset.value(EX.Ukraine, EX["count"]) == Literal(3)
    assert next(one.objects(EX.Kharkiv, EX.label)).language == "en"
    holding = {g.identifier for g in dataset.contexts((EX.Kharkiv, None, None))}
    assert holding - {DATASET_DEFAULT_GRAPH_ID} == {EX.one, EX.two}  # rdflib's Dataset adds its default
    assert list(dataset.triples((Literal("Kharkiv"), None, None))) == []  # a literal is never a subject
    # prefixes bound to the dataset reach Oxigraph's engine
    assert dataset.query("ASK { ex:Kharkiv ex:within ex:Ukraine }").askAnswer
    assert dataset.namespace_manager.store.namespace("ex") == URIRef(EX)
    bound = dataset.query("SELECT ?s ?o WHERE { ?s ex:within ?o }", initBindings={"s": EX.Kharkiv})
    assert [row.o for row in bound] == [EX.Ukraine]
    # an update over the whole store goes to Oxigraph (over a union, rdflib's engine runs it)
    default = Graph(store=dataset.store, identifier=DATASET_DEFAULT_GRAPH_ID)
    default.update("DELETE WHERE { GRAPH ?g { ?s ex:count ?o } }")
    assert len(two) == 1
    two.remove((None, None, None))
    assert len(dataset) == 1
    constructed = dataset.query("CONSTRUCT { ?s ?p ?o } WHERE { ?s ?p ?o }").graph
    assert set(constructed) == {(EX.Kharkiv, EX.label, Literal("Kharkiv", lang="en"))}


def test_rdflib_finds_the_store_by_its_plugin_name_and_opens_it_on_disk(tmp_path):
    dataset = Dataset(store="PolicygraphOxigraph", default_union=True)
    dataset.open(str(tmp_path / "store"), create=True)
    dataset.graph(EX.one).add((EX.a, EX.b, EX.c))
    dataset.close()
    again = Dataset(store="PolicygraphOxigraph", default_union=True)
    again.open(str(tmp_path / "store"))
    assert list(again.triples((None, None, None))) == [(EX.a, EX.b, EX.c)]


def test_a_command_on_oxigraph_leaves_rdflibs_sparql_package_unloaded():
    """The engine and the library queries run on Oxigraph without rdflib's SPARQL grammar."""
    script = (
        "import sys\n"
        "from graph.stores import StoreSpec, open_corpus\n"
        "from graph.policy import PolicyEngine, Action\n"
        "from graph.queries import get_query, run_query\n"
        "ds = open_corpus(None, StoreSpec.parse('oxigraph')).dataset\n"
        "rows = run_query(ds, get_query('cq1-permissions'))\n"
        "engine = PolicyEngine(ds)\n"
        "assert rows and engine.rules, 'nothing answered'\n"
        "print(sorted(m for m in sys.modules if m.startswith('rdflib.plugins.sparql')))\n"
    )
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=False)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "[]"
