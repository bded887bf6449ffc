"""The main job: load, validate, summarise, answer the competency questions, write.

:func:`build` reads sources (the bundled corpus by default), refuses data that
breaks the shapes, and writes into an output folder:

- ``graph.trig``: the whole dataset, one named graph per source plus the ontology;
- ``actor-network.png`` / ``.svg``: the actor diagram;
- ``policy-<name>.png`` / ``.svg``: "who may do what, where" for each policy.

Outputs are staged and moved into place only when everything succeeded.

Examples
--------
>>> import tempfile
>>> result = build(out=tempfile.mkdtemp(), formats=("svg",))
>>> result.summary.sources, result.report.conforms
(2, True)
>>> sorted(p.name for p in result.files)[:2]
['actor-network.svg', 'graph.trig']
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from rdflib import Dataset, URIRef
from rdflib.namespace import RDF

from graph.errors import ValidationError
from graph.load import Corpus, load
from graph.namespaces import ODRL2
from graph.output import staged
from graph.queries import NamedQuery, Rows, list_queries, run_query
from graph.validate import ValidationReport, validate

__all__ = ["BuildResult", "Summary", "build", "competency_answers", "policies", "summarize"]


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
    triples = sum(1 for _ in dataset.quads((None, None, None, None)))
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


def _write_outputs(corpus: Corpus, staging: Path, formats: Sequence[str]) -> list[str]:
    from graph.draw import draw_actor_network, draw_policy, save
    from graph.project import actor_view

    written = ["graph.trig"]
    (staging / "graph.trig").write_text(corpus.dataset.serialize(format="trig"), encoding="utf-8")
    actors = actor_view(corpus.dataset)
    for fmt in formats:
        save(draw_actor_network(actors), str(staging / f"actor-network.{fmt}"))
        written.append(f"actor-network.{fmt}")
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
