"""policygraph: a sourced knowledge graph of actors and policies.

Sources (Turtle files, one per document) are loaded with the ontology into an
rdflib :class:`~rdflib.Dataset` with one named graph per source, validated with
SHACL, queried with a library of named SPARQL queries, projected into networkx,
analysed and drawn; served over HTTP (:class:`Endpoint`), explored in a browser
(:func:`write_graph_page`) and summed up in a briefing (:func:`make_report`)::

    sources -> load -> Dataset -> validate -> query | project -> analyze -> draw
                                           -> serve | graph page | report

Examples
--------
>>> import graph
>>> corpus = graph.load()
>>> graph.validate(corpus).conforms
True
>>> rows = graph.run_query(corpus.dataset, graph.get_query("cq4-supporters"))
>>> sorted({str(row["actor"]).rsplit("/", 1)[-1] for row in rows})
['France', 'UnitedKingdom']
>>> from datetime import date
>>> from graph.namespaces import PG, PGR
>>> engine = graph.PolicyEngine(corpus.dataset)
>>> engine.decide(graph.Action(actor=PGR.Ukraine, weapon=PG.Rocket, place=PGR.BelgorodOblast,
...                            supplier=PGR.UnitedStates, day=date(2024, 6, 5))).outcome.words
'permitted if'
"""

import sys
import types
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from graph.analyze import all_paths, centrality, find_node, neighbours, shortest_path
    from graph.build import BuildResult, Summary, build, competency_answers, policies, summarize
    from graph.draw import Drawing, draw_actor_network, draw_policy, save
    from graph.errors import OutputError, PolicygraphError, QueryError, SourceError, ValidationError
    from graph.graphpage import write_graph_page
    from graph.load import Corpus, Source, load, load_ontology, parse_source, read_source
    from graph.policy import Action, Decision, Outcome, PolicyEngine
    from graph.policy.audit import audit
    from graph.project import actor_view, to_dataset, to_networkx
    from graph.queries import NamedQuery, Rows, get_query, list_queries, parse_query, read_query, run_query
    from graph.report import make_report, write_report
    from graph.resources import corpus_files
    from graph.results import format_rows
    from graph.server import Endpoint
    from graph.validate import ValidationReport, Violation, validate, validate_ontology

#: where each public name lives: imported on first use, so that a command loads only what it needs
_HOME = {
    "Action": "graph.policy",
    "BuildResult": "graph.build",
    "Corpus": "graph.load",
    "Decision": "graph.policy",
    "Drawing": "graph.draw",
    "Endpoint": "graph.server",
    "NamedQuery": "graph.queries",
    "Outcome": "graph.policy",
    "OutputError": "graph.errors",
    "PolicyEngine": "graph.policy",
    "PolicygraphError": "graph.errors",
    "QueryError": "graph.errors",
    "Rows": "graph.queries",
    "Source": "graph.load",
    "SourceError": "graph.errors",
    "Summary": "graph.build",
    "ValidationError": "graph.errors",
    "ValidationReport": "graph.validate",
    "Violation": "graph.validate",
    "actor_view": "graph.project",
    "all_paths": "graph.analyze",
    "audit": "graph.policy.audit",
    "build": "graph.build",
    "centrality": "graph.analyze",
    "competency_answers": "graph.build",
    "corpus_files": "graph.resources",
    "draw_actor_network": "graph.draw",
    "draw_policy": "graph.draw",
    "find_node": "graph.analyze",
    "format_rows": "graph.results",
    "get_query": "graph.queries",
    "list_queries": "graph.queries",
    "load": "graph.load",
    "load_ontology": "graph.load",
    "make_report": "graph.report",
    "neighbours": "graph.analyze",
    "parse_query": "graph.queries",
    "parse_source": "graph.load",
    "policies": "graph.build",
    "read_query": "graph.queries",
    "read_source": "graph.load",
    "run_query": "graph.queries",
    "save": "graph.draw",
    "shortest_path": "graph.analyze",
    "summarize": "graph.build",
    "to_dataset": "graph.project",
    "to_networkx": "graph.project",
    "validate": "graph.validate",
    "validate_ontology": "graph.validate",
    "write_graph_page": "graph.graphpage",
    "write_report": "graph.report",
}

__all__ = [
    "Action",
    "BuildResult",
    "Corpus",
    "Decision",
    "Drawing",
    "Endpoint",
    "NamedQuery",
    "Outcome",
    "OutputError",
    "PolicyEngine",
    "PolicygraphError",
    "QueryError",
    "Rows",
    "Source",
    "SourceError",
    "Summary",
    "ValidationError",
    "ValidationReport",
    "Violation",
    "actor_view",
    "all_paths",
    "audit",
    "build",
    "centrality",
    "competency_answers",
    "corpus_files",
    "draw_actor_network",
    "draw_policy",
    "find_node",
    "format_rows",
    "get_query",
    "list_queries",
    "load",
    "load_ontology",
    "make_report",
    "neighbours",
    "parse_query",
    "parse_source",
    "policies",
    "read_query",
    "read_source",
    "run_query",
    "save",
    "shortest_path",
    "summarize",
    "to_dataset",
    "to_networkx",
    "validate",
    "validate_ontology",
    "write_graph_page",
    "write_report",
]

__version__ = "0.1.0"


def __getattr__(name: str) -> Any:
    """Import a public name from its module on first use (PEP 562)."""
    home = _HOME.get(name)
    if home is None:
        raise AttributeError(f"module 'graph' has no attribute {name!r}")
    import importlib

    value = getattr(importlib.import_module(home), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted([*globals(), *_HOME])


class _Package(types.ModuleType):
    """The package module: ``graph.load`` stays the function when the module ``graph.load`` is imported.

    Importing a submodule binds it on its package; three public functions share their
    module's name (``load``, ``validate``, ``build``), and without this the module would hide
    the function.
    """

    def __setattr__(self, name: str, value: Any) -> None:
        if name in _HOME and isinstance(value, types.ModuleType):
            return
        super().__setattr__(name, value)


sys.modules[__name__].__class__ = _Package
