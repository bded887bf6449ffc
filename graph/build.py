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

import os
import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

from rdflib import Dataset, URIRef
from rdflib.namespace import DCTERMS, RDF

from graph.errors import OutputError, QueryError, ValidationError
from graph.load import Corpus
from graph.namespaces import ODRL2
from graph.output import MANIFEST, staged
from graph.queries import NamedQuery, Rows, absent_defaults, list_queries, run_query
from graph.stores import DEFAULT_STORE, StoreSpec, ingest, rdflib_copy
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


#: seconds a competency question may run with parameters left open: on a large corpus the
#: question for every grantee, supplier and country at once can take many minutes
OPEN_BUDGET = 10.0


def competency_answers(
    dataset: Dataset, *, open_budget: float = OPEN_BUDGET
) -> tuple[tuple[NamedQuery, Rows], ...]:
    """Run every competency question (the ``cq*`` queries) with their default parameters.

    A default that names a term the data does not hold (the bundled corpus's ``:Ukraine``
    in another corpus) is left open, so the question answers for every value instead of
    answering nothing (:func:`graph.queries.absent_defaults` says which). Such a question
    runs within ``open_budget`` seconds; past it, its answer has no rows and a note that
    says which parameters to give.
    """
    answers = []
    for query in list_queries():
        if not query.name.startswith("cq"):
            continue
        open_names = absent_defaults(dataset, query)
        if not open_names:
            answers.append((query, run_query(dataset, query)))
            continue
        try:
            rows = run_query(dataset, query, bindings=dict.fromkeys(open_names), timeout=open_budget)
        except QueryError:
            given = " ".join(f"-p {name}=..." for name in open_names)
            rows = Rows(
                "SELECT",
                note=f"not answered: with {', '.join(open_names)} left open it ran past {open_budget:g} s; "
                f"ask it with policygraph query {query.name} {given}",
            )
        answers.append((query, rows))
    return tuple(answers)


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


#: the longest part of a file name taken from an IRI
MAX_STEM = 80


def file_stems(terms: Sequence[URIRef]) -> list[str]:
    """A file name part for each IRI: its last segment, unique and bounded.

    Two IRIs that end alike (``.../id/x`` and ``.../evil/x``), or a name too long for a file
    system, get a short digest of the whole IRI, so no figure overwrites another.

    >>> file_stems([URIRef("https://a.example/id/x"), URIRef("https://b.example/evil/x")])
    ['x-1f13b94d', 'x-32a90b32']
    >>> len(file_stems([URIRef("https://a.example/" + "n" * 300)])[0])
    89
    """
    import hashlib
    from collections import Counter

    def local(term: URIRef) -> str:
        tail = re.split(r"[/#]", str(term).rstrip("/#"))[-1]
        return re.sub(r"[^A-Za-z0-9._-]+", "-", tail).strip(".-") or "item"

    counts = Counter(local(t) for t in terms)
    stems = []
    for term in terms:
        stem = local(term)
        if counts[stem] > 1 or len(stem) > MAX_STEM:
            digest = hashlib.sha256(str(term).encode("utf-8")).hexdigest()[:8]
            stem = f"{stem[:MAX_STEM]}-{digest}"
        stems.append(stem)
    return stems


#: the corpus the drawing processes draw from: set before they are forked, inherited by them
_DRAWING: dict[str, Any] = {}


def _draw(job: tuple[str, str, tuple[str, ...]]) -> str | None:
    """Draw one figure and write it in every format; the error's message, or None."""
    from graph.charts import draw_policy_matrix, draw_timeline
    from graph.draw import draw_actor_network, draw_policy, save

    kind, term, paths = job
    dataset = _DRAWING["dataset"]
    try:
        if kind == "actors":
            from graph.project import actor_view

            drawing = draw_actor_network(actor_view(dataset))
        elif kind == "matrix":
            from graph.policy import PolicyEngine

            engine = PolicyEngine(dataset)
            drawing = draw_policy_matrix(dataset, day=_DRAWING["latest"], actor=URIRef(term), engine=engine)
        elif kind == "timeline":
            drawing = draw_timeline(dataset)
        else:
            drawing = draw_policy(dataset, URIRef(term))
        save(drawing, list(paths))
    except OSError as exc:
        return f"{paths[0]}: cannot write: {exc.strerror or exc}"
    return None


def _write_trig(corpus: Corpus, staging: Path) -> None:
    """Write every named graph to ``graph.trig``."""
    try:
        trig = rdflib_copy(corpus.dataset).serialize(format="trig")
        (staging / "graph.trig").write_text(trig, encoding="utf-8")
    except OSError as exc:  # a full disk, a quota: the old outputs stay, the exit code says so
        raise OutputError(f"{staging / 'graph.trig'}: cannot write: {exc.strerror or exc}") from None


def _write_outputs(corpus: Corpus, staging: Path, formats: Sequence[str]) -> list[str]:
    """Write the graph and every figure; figures are drawn in parallel, one process per core."""
    import multiprocessing

    written = ["graph.trig"]
    latest = latest_decision(corpus.dataset)
    jobs: list[tuple[str, str, tuple[str, ...]]] = []

    def each(kind: str, term: str, stem: str) -> None:
        # one drawing, written in every format
        names = [f"{stem}.{fmt}" for fmt in formats]
        written.extend(names)
        jobs.append((kind, term, tuple(str(staging / n) for n in names)))

    each("actors", "", "actor-network")
    if latest is not None:
        actors = matrix_actors(corpus.dataset)
        for actor, stem in zip(actors, file_stems(actors), strict=True):
            each("matrix", str(actor), f"policy-matrix-{stem}")
        each("timeline", "", "timeline")
    found = policies(corpus.dataset)
    for policy, stem in zip(found, file_stems(found), strict=True):
        each("policy", str(policy), f"policy-{stem}")
    _DRAWING.update(dataset=corpus.dataset, latest=latest)
    try:
        processes = min(len(jobs), os.cpu_count() or 1)
        if processes > 1 and "fork" in multiprocessing.get_all_start_methods():
            # what every drawing needs is imported once, here, and inherited by each process
            import matplotlib.pyplot  # noqa: F401

            import graph.charts
            import graph.draw
            import graph.policy  # noqa: F401

            with multiprocessing.get_context("fork").Pool(processes) as pool:
                drawn = pool.map_async(_draw, jobs, chunksize=1)
                _write_trig(corpus, staging)  # while the figures are drawn
                errors = drawn.get()
        else:
            _write_trig(corpus, staging)
            errors = [_draw(job) for job in jobs]
    finally:
        _DRAWING.clear()
    failed = [e for e in errors if e]
    if failed:
        raise OutputError(failed[0])
    return written


def build(
    sources: Sequence[str | Path] | None = None,
    *,
    out: str | Path | None = None,
    formats: Sequence[str] = ("png", "svg"),
    store: StoreSpec | None = None,
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
    store : StoreSpec, optional
        The store in memory to build in: Oxigraph (the default,
        :data:`graph.stores.DEFAULT_STORE`) or rdflib's (``StoreSpec("memory")``); both
        give the same graph, answers and files.

    Returns
    -------
    BuildResult

    Raises
    ------
    SourceError
        A source cannot be read; nothing is written.
    ValidationError
        The data breaks the shapes; nothing is written.
    ValueError
        The store is not one in memory: a build into a store on disk or an endpoint is
        :func:`graph.stores.ingest`'s.
    """
    import matplotlib

    spec = StoreSpec.parse(DEFAULT_STORE) if store is None else store
    if not spec.transient:
        raise ValueError(f"a build writes files from a store in memory, not {spec}: see graph.stores.ingest")
    matplotlib.use("Agg")
    corpus = ingest(sources, spec)
    report = validate(corpus)
    if not report.conforms:
        raise ValidationError(report)
    summary = summarize(corpus.dataset)
    answers = competency_answers(corpus.dataset)
    files: list[Path] = []
    if out is not None:
        with staged(out) as staging:
            names = _write_outputs(corpus, staging, formats)
        files = [Path(out) / n for n in (*names, MANIFEST)]
    return BuildResult(corpus, report, summary, answers, tuple(files))
