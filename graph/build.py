"""The main job: load, validate, summarise, answer the competency questions, write.

:func:`build` reads sources (the bundled corpus by default), refuses data that
breaks the shapes, and writes into an output folder:

- ``graph.trig``: the whole dataset, one named graph per source plus the ontology;
- ``actor-network.png`` / ``.svg``: the actor diagram;
- ``policy-<name>.png`` / ``.svg``: "who may do what, where" for each policy;
- ``policy-matrix-<actor>.png`` / ``.svg``: who lets the actor strike where, as of the latest decision;
- ``timeline.png`` / ``.svg``: the decisions and statements per grantor.

Outputs are staged and moved into place only when everything succeeded.

Examples
--------
>>> import tempfile
>>> result = build(out=tempfile.mkdtemp(), formats=("svg",))
>>> result.summary.sources == len(result.corpus.sources), result.report.conforms
(True, True)
>>> sorted(p.name for p in result.files)[:2]
['actor-network.svg', 'graph.trig']
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from rdflib import Dataset, URIRef
from rdflib.namespace import DCTERMS, RDF

from graph.errors import ValidationError
from graph.load import Corpus, load
from graph.namespaces import ODRL2
from graph.output import staged
from graph.queries import NamedQuery, Rows, list_queries, run_query
from graph.validate import ValidationReport, validate

__all__ = [
    "BuildResult",
    "Summary",
    "build",
    "competency_answers",
    "latest_decision",
    "matrix_actors",
    "policies",
    "summarize",
]


@dataclass(frozen=True)
class Summary:
    """Counts over a dataset."""

    sources: int
    entities: int
    claims: int
    policies: int
    statements: int
    triples: int

    def as_dict(self) -> dict[str, int]:
        """The counts by name."""
        return dict(self.__dict__)


@dataclass(frozen=True)
class BuildResult:
    """What :func:`build` did."""

    corpus: Corpus
    report: ValidationReport
    summary: Summary
    answers: tuple[tuple[NamedQuery, Rows], ...]
    files: tuple[Path, ...]


def summarize(dataset: Dataset) -> Summary:
    """Count sources, entities, claims, policies, statements and triples (quads)."""
    from graph.queries import get_query

    row = run_query(dataset, get_query("summary")).rows[0]
    counts = {k: int(v) if v is not None else 0 for k, v in row.items()}  # type: ignore[call-overload]
    from graph.stores import count_quads

    triples = count_quads(dataset)
    return Summary(triples=triples, **counts)


def competency_answers(dataset: Dataset) -> tuple[tuple[NamedQuery, Rows], ...]:
    """Run every competency question (the ``cq*`` queries) with their default parameters."""
    return tuple((q, run_query(dataset, q)) for q in list_queries() if q.name.startswith("cq"))


def policies(dataset: Dataset) -> list[URIRef]:
    """Every policy with at least one rule, sorted."""
    found = {
        p
        for p in dataset.subjects(RDF.type, ODRL2.Set)
        if isinstance(p, URIRef)
        and (
            dataset.value(p, ODRL2.permission) is not None or dataset.value(p, ODRL2.prohibition) is not None
        )
    }
    return sorted(found, key=str)


def latest_decision(dataset: Dataset) -> date | None:
    """The latest day any policy took effect (the last day of a month-only date), or None."""
    from graph.dates import period

    days = []
    for policy in policies(dataset):
        for value in dataset.objects(policy, DCTERMS.date):
            try:
                days.append(period(value).last)  # type: ignore[arg-type]
            except ValueError:
                continue
    return max(days) if days else None


def matrix_actors(dataset: Dataset) -> list[URIRef]:
    """The actors some rule is about (the assignees), sorted."""
    found = {
        a
        for prop in (ODRL2.permission, ODRL2.prohibition)
        for rule in dataset.objects(None, prop)
        for a in dataset.objects(rule, ODRL2.assignee)
        if isinstance(a, URIRef)
    }
    return sorted(found, key=str)


def _write_outputs(corpus: Corpus, staging: Path, formats: Sequence[str]) -> list[str]:
    from graph.charts import draw_policy_matrix, draw_timeline
    from graph.draw import draw_actor_network, draw_policy, save
    from graph.policy import PolicyEngine
    from graph.project import actor_view

    written = ["graph.trig"]
    (staging / "graph.trig").write_text(corpus.dataset.serialize(format="trig"), encoding="utf-8")
    actors = actor_view(corpus.dataset)
    engine = PolicyEngine(corpus.dataset)
    latest = latest_decision(corpus.dataset)
    for fmt in formats:
        save(draw_actor_network(actors), str(staging / f"actor-network.{fmt}"))
        written.append(f"actor-network.{fmt}")
        if latest is not None:
            for actor in matrix_actors(corpus.dataset):
                name = f"policy-matrix-{str(actor).rsplit('/', 1)[-1]}.{fmt}"
                save(
                    draw_policy_matrix(corpus.dataset, day=latest, actor=actor, engine=engine),
                    str(staging / name),
                )
                written.append(name)
            save(draw_timeline(corpus.dataset), str(staging / f"timeline.{fmt}"))
            written.append(f"timeline.{fmt}")
        for policy in policies(corpus.dataset):
            name = f"policy-{str(policy).rsplit('/', 1)[-1]}.{fmt}"
            save(draw_policy(corpus.dataset, policy), str(staging / name))
            written.append(name)
    return written


def build(
    sources: Sequence[str | Path] | None = None,
    *,
    out: str | Path | None = None,
    formats: Sequence[str] = ("png", "svg"),
) -> BuildResult:
    """Build the graph from sources and write it with its diagrams.

    Parameters
    ----------
    sources : sequence of str or Path, optional
        Source files or folders; None builds the bundled example corpus.
    out : str or Path, optional
        The output folder; None writes nothing.
    formats : sequence of str
        Diagram formats (``png``, ``svg``, ``pdf``).

    Returns
    -------
    BuildResult

    Raises
    ------
    SourceError
        A source cannot be read; nothing is written.
    ValidationError
        The data breaks the shapes; nothing is written.
    """
    import matplotlib

    matplotlib.use("Agg")
    corpus = load(sources)
    report = validate(corpus)
    if not report.conforms:
        raise ValidationError(report)
    summary = summarize(corpus.dataset)
    answers = competency_answers(corpus.dataset)
    files: list[Path] = []
    if out is not None:
        with staged(out) as staging:
            names = _write_outputs(corpus, staging, formats)
        files = [Path(out) / n for n in names]
    return BuildResult(corpus, report, summary, answers, tuple(files))
