"""The ``policygraph`` command: a thin layer that parses arguments, calls the API and prints.

Exit codes: 0 success; 2 a usage error; 3 a source that cannot be read; 4 data that
breaks the shapes; 5 a bad query or parameter; 6 an output that cannot be written;
70 an internal error. Errors are one line on standard error, never a traceback
(set ``POLICYGRAPH_DEBUG=1`` to see one).
"""

from __future__ import annotations

import itertools
import json
import os
import signal
import sys
from collections.abc import Callable, Sequence
from datetime import date
from pathlib import Path
from typing import Any

import click

from graph.errors import PolicygraphError, QueryError

SOURCES_HELP = "Source files (.ttl) or folders of them. None: the bundled example corpus."


def _sources(paths: Sequence[str]) -> list[str] | None:
    return list(paths) or None


#: rows a table in the terminal shows before it says how many more there are
TABLE_ROWS = 200
#: rows each competency question shows in build's summary
TABLE_ROWS_IN_SUMMARY = 25


def _echo_table(text: str) -> None:
    click.echo(text, nl=False)


#: --source, for commands whose first argument is something else
_source_option = click.option(
    "--source", "-s", "sources", multiple=True, type=click.Path(), help=SOURCES_HELP
)
#: --store: where the graph lives (see graph.stores)
_store_option = click.option(
    "--store",
    default="oxigraph",  # graph.stores.DEFAULT_STORE, not imported for --help's sake
    show_default=True,
    metavar="KIND",
    help="oxigraph (Oxigraph in memory, filled from the sources), memory (rdflib's store, the same "
    "answers, slower), oxigraph:DIR (on disk, written by build --store) or sparql:URL[,UPDATE_URL] "
    "(a SPARQL 1.1 endpoint).",
)


def _corpus(sources: Sequence[str], store: str) -> Any:
    from graph.stores import StoreSpec, open_corpus

    return open_corpus(_sources(sources), StoreSpec.parse(store))


#: the budgets of one query, for query and serve
_timeout_option = click.option(
    "--timeout",
    type=click.FloatRange(min=0.1, max=86_400),
    default=30.0,
    show_default=True,
    help="Seconds a query may run before it is stopped.",
)
_max_rows_option = click.option(
    "--max-rows",
    type=click.IntRange(min=1, max=100_000_000),
    default=100_000,
    show_default=True,
    help="Rows an answer may have before the query is stopped.",
)
#: --format for the time-travel commands: text for people, the SPARQL result formats for programs
_known_by_option = click.option(
    "--known-by",
    "known_by",
    help="The day of reporting, YYYY-MM-DD: only sources published by then count. Default: every source.",
)


_conflict_option = click.option(
    "--conflict",
    type=click.Choice(["prohibit", "perm", "invalid"]),
    default="prohibit",
    show_default=True,
    help="When a permission and a prohibition both apply and their policies declare no strategy.",
)
_dates_option = click.option(
    "--dates",
    type=click.Choice(["strict", "earliest", "latest"]),
    default="strict",
    show_default=True,
    help="A decision dated only to the month or year: strict leaves the days inside it unknown; "
    "earliest or latest reads it as its first or last day.",
)
_history_format = click.option(
    "--format",
    "-f",
    "fmt",
    type=click.Choice(["text", "csv", "tsv", "json"]),
    default="text",
    show_default=True,
)


@click.group(context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100})
@click.version_option(package_name="policygraph", prog_name="policygraph")
def cli() -> None:
    """policygraph: a sourced knowledge graph of actors and policies.

    \b
    Sources are Turtle files, one per document (a news report, a statement),
    each holding the claims that document supports. policygraph loads them with
    the ontology into one RDF dataset (a named graph per source), checks them
    against SHACL shapes, answers SPARQL questions, projects them into networkx
    and draws diagrams.

    \b
    Start with:
      policygraph build --out out        build the bundled corpus, write graph + diagrams
      policygraph query --list           the named questions you can ask
      policygraph query cq1-permissions  ask one
      policygraph build my-reports/      build your own folder of sources
      policygraph draft article.txt -o my-reports/x.ttl
                                         draft a source from a news article, to review
    """


@cli.command()
@click.argument("sources", nargs=-1, type=click.Path())
@click.option(
    "--out",
    "-o",
    type=click.Path(file_okay=False),
    default="policygraph-out",
    show_default=True,
    help="Folder for graph.trig and the diagrams.",
)
@click.option(
    "--format",
    "formats",
    multiple=True,
    type=click.Choice(["png", "svg", "pdf"]),
    default=("png", "svg"),
    show_default=True,
    help="Diagram formats (repeat for several).",
)
@click.option("--quiet", "-q", is_flag=True, help="Print only the summary line.")
@click.option(
    "--no-validate",
    "no_validate",
    is_flag=True,
    help="With --store oxigraph:DIR or sparql:URL: load without checking the sources against the "
    "shapes first (for data validated already; a build that writes files always validates).",
)
@_store_option
def build(
    sources: tuple[str, ...], out: str, formats: tuple[str, ...], quiet: bool, no_validate: bool, store: str
) -> None:
    """Build, validate and summarise the graph; answer the competency questions; write outputs.

    \b
    Writes OUT/graph.trig (every named graph), OUT/actor-network.{png,svg} and
    OUT/policy-NAME.{png,svg}. A broken source aborts the build and writes nothing.
    With --store oxigraph:DIR or sparql:URL, validates the sources as a build does, then
    loads them into that store instead (all or nothing, through Oxigraph's parser) for
    the other commands to read with the same --store; nothing is written to OUT.
    """
    from graph.build import build as run_build
    from graph.stores import StoreSpec

    spec = StoreSpec.parse(store)
    if not spec.transient:
        context = click.get_current_context()
        for option, name in (("out", "--out"), ("formats", "--format")):
            if context.get_parameter_source(option) is not click.core.ParameterSource.DEFAULT:
                raise click.UsageError(
                    f"{name} is for the files a build writes; with --store the graph goes into the "
                    "store and no file is written: give one or the other"
                )
        _build_store(sources, spec, quiet=quiet, validated=not no_validate)
        return
    if no_validate:
        raise click.UsageError(
            "--no-validate is for builds into a store (oxigraph:DIR, sparql:URL): "
            "a build that writes files always validates"
        )
    result = run_build(_sources(sources), out=out, formats=formats, store=spec)
    s = result.summary
    click.echo(
        f"built {s.sources} sources: {s.entities} entities, {s.claims} claims, {s.policies} policies, "
        f"{s.statements} statements, {s.triples} triples; validation: conforms"
    )
    if not quiet:
        for query, rows in result.answers:
            click.echo()
            _echo_answer(query, rows, result.corpus.dataset)
        click.echo()
    click.echo(f"wrote {len(result.files)} files to {out}/: " + ", ".join(p.name for p in result.files))


def _echo_answer(query: Any, rows: Any, dataset: Any) -> None:
    """A competency question's answer in a build's summary: its table, or why it has none."""
    from graph.results import to_table

    if rows.note:
        click.echo(f"{query.name}: {query.question}\n  {rows.note}")
        return
    _echo_table(to_table(rows, title=_titled(query, dataset), limit=TABLE_ROWS_IN_SUMMARY))


def _titled(query: Any, dataset: Any) -> str:
    """A competency question's title, saying which parameters were left open and why."""
    from graph.queries import absent_defaults

    title = f"{query.name}: {query.question}"
    absent = absent_defaults(dataset, query)
    if absent:
        defaults = {p.name: p.default for p in query.parameters}
        named = ", ".join(f"{name} (default {defaults[name]})" for name in absent)
        title += f" (left open, not in these sources: {named}; give them with policygraph query -p)"
    return title


def _build_store(sources: Sequence[str], spec: Any, *, quiet: bool, validated: bool = True) -> None:
    """Load the sources into a store, validate them there (unless told not to), then summarise it.

    Sources that break the shapes leave the store as it was (exit 4).
    """
    import time

    from rich.console import Console
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

    from graph.build import competency_answers, summarize
    from graph.load import find_sources
    from graph.resources import corpus_files
    from graph.stores import ingest

    files = corpus_files() if not sources else find_sources(sources)
    started = time.perf_counter()
    console = Console(stderr=True)
    with Progress(
        TextColumn("loading sources"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        console=console,
        disable=quiet or not console.is_terminal,
        transient=True,
    ) as progress:
        task = progress.add_task("load", total=len(files))
        corpus = ingest(
            _sources(sources), spec, progress=lambda n: progress.advance(task, n), validated=validated
        )
    took = time.perf_counter() - started
    s = summarize(corpus.dataset)
    checked = "validation: conforms" if validated else "not validated (--no-validate)"
    click.echo(
        f"loaded {s.sources} sources into {spec} in {took:.1f} s: {s.entities} entities, {s.claims} claims, "
        f"{s.policies} policies, {s.statements} statements, {s.triples} triples; {checked}"
    )
    if not quiet:
        for query, rows in competency_answers(corpus.dataset):
            click.echo()
            _echo_answer(query, rows, corpus.dataset)


@cli.command()
@click.argument("sources", nargs=-1, type=click.Path())
@click.option("--ontology", is_flag=True, help="Check the ontology's own hygiene instead of the sources.")
@_store_option
def validate(sources: tuple[str, ...], ontology: bool, store: str) -> None:
    """Check sources against the shapes and the ontology's vocabulary.

    Each finding is one line: file:line: entity property: what to write.
    On a store (oxigraph:DIR, sparql:URL) the sources it holds are checked, each named
    by its IRI. Exits 4 when anything is wrong.
    """
    from graph.validate import validate as run_validate
    from graph.validate import validate_ontology

    if ontology:
        report = validate_ontology()
    else:
        from graph.backend import Backend, backend
        from graph.stores import in_memory

        corpus = _corpus(sources, store)
        if backend(corpus.dataset) is Backend.SPARQL:  # read over HTTP once, not per check
            corpus = in_memory(corpus)
        report = run_validate(corpus)
    click.echo(report.text)
    if not report.conforms:
        raise SystemExit(4)
    if not ontology:
        click.echo(f"{len(corpus.sources)} sources checked")


@cli.command()
@click.argument("query", required=False)
@_source_option
@click.option("--sparql", help="An inline SPARQL query instead of a named one or a file.")
@click.option(
    "--param",
    "-p",
    "params",
    multiple=True,
    metavar="NAME=VALUE",
    help="Bind a parameter: :Ukraine, pg:Place, <iri>, 2024-06-05, 3 or text.",
)
@click.option(
    "--format",
    "-f",
    "fmt",
    type=click.Choice(["table", "csv", "tsv", "json"]),
    default="table",
    show_default=True,
)
@click.option("--list", "list_", is_flag=True, help="List the named queries and their parameters.")
@_known_by_option
@_timeout_option
@_max_rows_option
@_store_option
def query(
    query: str | None,
    sources: tuple[str, ...],
    sparql: str | None,
    params: tuple[str, ...],
    fmt: str,
    list_: bool,
    known_by: str | None,
    timeout: float,
    max_rows: int,
    store: str,
) -> None:
    """Run a named query (see --list), a .rq file, or --sparql TEXT.

    \b
    Examples:
      policygraph query cq1-permissions
      policygraph query cq1-permissions -p grantee=:Ukraine -p supplier=:UnitedStates -f json
      policygraph query my-question.rq -s my-reports/
      policygraph query --sparql 'SELECT ?s WHERE { ?s a pg:State }'
    """
    from graph.queries import absent_defaults, get_query, list_queries, parse_query, read_query, run_query
    from graph.results import format_rows

    if list_:
        for named in list_queries():
            click.echo(f"{named.name}\n  {named.question}")
            for param in named.parameters:
                default = f" (default {param.default})" if param.default else " (optional)"
                click.echo(f"  -p {param.name}=...{default}: {param.doc}")
        return
    if sum(x is not None for x in (query, sparql)) != 1:
        raise click.UsageError("give a query name or .rq file, or --sparql TEXT (one of them)")
    if sparql is not None:
        named = parse_query(sparql, name="inline")
    elif query is not None and (query.endswith(".rq") or os.sep in query):
        named = read_query(query)
    else:
        assert query is not None
        named = get_query(query)
    bindings: dict[str, str] = {}
    for item in params:
        key, eq, value = item.partition("=")
        if not eq or not key:
            raise QueryError(f"--param {item!r}: write NAME=VALUE")
        bindings[key.strip()] = value
    dataset = _reported(_corpus(sources, store).dataset, known_by)
    bindings = _named_terms(dataset, named, bindings)
    left_open = [name for name in absent_defaults(dataset, named) if name not in bindings]
    if left_open:
        click.echo(
            f"{', '.join(left_open)}: the default is not in these sources, so it is left open "
            "(every value); give one with -p NAME=VALUE",
            err=True,
        )
    run_with: dict[str, str | None] = {**bindings, **dict.fromkeys(left_open)}
    rows = run_query(dataset, named, bindings=run_with, timeout=timeout, max_rows=max_rows)
    click.echo(format_rows(rows, fmt, title=named.question or None, limit=TABLE_ROWS), nl=False)


def _named_terms(dataset: Any, named: Any, bindings: dict[str, str]) -> dict[str, str]:
    """Parameters that name things, as people type them: ``supplier=France`` is ``:France``.

    A parameter whose default is a term, or that has no default, takes a name the way
    ``check`` does (label, alias, "did you mean"); a term the graph does not hold
    (``:Frnace``) is an error that names the closest, not an empty answer.
    """
    import re

    from rdflib import URIRef

    from graph.queries import parse_term
    from graph.resolve import KINDS, resolve

    terms = {p.name for p in named.parameters if not p.default or re.match(r"^(<|[A-Za-z]*:)", p.default)}
    out = dict(bindings)
    for key, value in bindings.items():
        text = value.strip()
        if key not in terms or not text or re.fullmatch(r"-?\d+|\d{4}-\d{2}-\d{2}", text):
            continue
        try:
            given = parse_term(text) if text.startswith("<") or ":" in text else None
        except QueryError as exc:
            raise QueryError(f"-p {key}: {exc}") from None
        if isinstance(given, URIRef):
            if (given, None, None) in dataset or (None, None, given) in dataset:
                continue
            text = re.split(r"[/#:]", str(given))[-1]
        found: dict[URIRef, str] = {}
        errors: list[str] = []
        for kind in KINDS:
            try:
                found.setdefault(resolve(dataset, text, kind=kind), kind)
            except QueryError as exc:
                errors.append(str(exc))
        if len(found) == 1:
            out[key] = f"<{next(iter(found))}>"
        elif found:
            choices = ", ".join(f"{kind} <{term}>" for term, kind in found.items())
            raise QueryError(f"-p {key}={value}: could be {choices}: give the term (':Name')")
        else:
            why = next(
                (e for e in errors if "did you mean" in e or "closest" in e), errors[0] if errors else ""
            )
            raise QueryError(f"-p {key}={value}: not in the graph ({why})")
    return out


@cli.command()
@click.argument("sources", nargs=-1, type=click.Path())
@click.option(
    "--kind",
    type=click.Choice(["actors", "policy", "matrix", "timeline"]),
    default="actors",
    show_default=True,
    help="actors: the actor network; policy: who may do what, where; matrix: outcomes as of a day; "
    "timeline: decisions per grantor.",
)
@click.option("--date", "day", help="With --kind matrix: the day, YYYY-MM-DD. Default: the latest decision.")
@click.option("--actor", default="Ukraine", show_default=True, help="With --kind matrix: who acts.")
@click.option("--place", help="With --kind matrix: fix the place; the columns become target types.")
@click.option("--target-type", help="With --kind matrix: the target type when the columns are places.")
@click.option(
    "--policy",
    help="With --kind policy: the policy (:name or IRI). Default: every policy, each to OUT-NAME.EXT.",
)
@click.option("--relation", "relations", multiple=True, help="With --kind actors: only these relations.")
@click.option(
    "--html",
    is_flag=True,
    help="Write the interactive graph page instead: one offline HTML file to pan, zoom, filter and click.",
)
@click.option(
    "--out",
    "-o",
    type=click.Path(dir_okay=False),
    help="File to write (.png, .svg or .pdf; .html with --html).",
    default=None,
)
@click.option(
    "--max-actors",
    type=click.IntRange(min=2, max=100_000),
    default=60,
    show_default=True,
    help="For --kind actors: draw at most this many actors, the most connected.",
)
@_known_by_option
@_store_option
def plot(
    sources: tuple[str, ...],
    kind: str,
    day: str | None,
    actor: str,
    place: str | None,
    target_type: str | None,
    policy: str | None,
    relations: tuple[str, ...],
    html: bool,
    out: str | None,
    max_actors: int,
    known_by: str | None,
    store: str,
) -> None:
    """Draw a diagram of the graph to a PNG, SVG or PDF file, or write the interactive graph page.

    \b
    policygraph plot --kind matrix --date 2024-06-05 -o matrix.svg
    policygraph plot --html -o graph.html     # open it in any browser, offline
    """
    if html:
        from graph.graphpage import write_graph_page

        target = out or "graph.html"
        if not target.lower().endswith((".html", ".htm")):
            raise click.UsageError(f"--out {target}: with --html the file name must end in .html")
        write_graph_page(_corpus(sources, store).dataset, target)
        click.echo(f"wrote {target}")
        return
    import matplotlib

    matplotlib.use("Agg")
    from graph.draw import draw_actor_network
    from graph.project import actor_view

    dataset = _reported(_corpus(sources, store).dataset, known_by)
    out = out or {"actors": "actor-network.png"}.get(kind, f"{kind}.png")
    suffix = Path(out).suffix.lstrip(".").lower()
    if suffix not in ("png", "svg", "pdf"):
        raise click.UsageError(f"--out {out}: the file name must end in .png, .svg or .pdf")
    if kind == "actors":
        drawing = draw_actor_network(
            actor_view(dataset), relations=list(relations) or None, max_actors=max_actors
        )
    elif kind == "timeline":
        from graph.charts import draw_timeline

        drawing = draw_timeline(dataset)
    elif kind == "matrix":
        from graph.build import latest_decision
        from graph.charts import draw_policy_matrix
        from graph.resolve import resolve

        when = _day(day) if day else latest_decision(dataset)
        if when is None:
            raise QueryError("no policy in the graph has a date: give --date")
        drawing = draw_policy_matrix(
            dataset,
            day=when,
            actor=resolve(dataset, actor, kind="actor"),
            place=resolve(dataset, place, kind="place") if place else None,
            target_type=resolve(dataset, target_type, kind="target-type") if target_type else None,
        )
    else:
        _plot_policies(dataset, policy, Path(out), suffix)
        return
    _save_figure(drawing.ax.figure, Path(out), suffix)
    click.echo(f"wrote {out}")


def _plot_policies(dataset: Any, policy: str | None, out: Path, suffix: str) -> None:
    """Draw one policy to ``out``, or every policy to ``OUT-NAME.SUFFIX`` beside it."""
    import matplotlib.pyplot as plt
    from rdflib import URIRef

    from graph.build import file_stems, policies
    from graph.draw import draw_policy
    from graph.queries import parse_term

    known = policies(dataset)
    if not known:
        raise QueryError("the graph has no policy to draw")
    if policy is not None:
        chosen = parse_term(policy)
        if chosen not in known:
            names = ", ".join(":" + str(p).rsplit("/", 1)[-1] for p in known)
            raise QueryError(f"no policy {policy!r}: choose one of {names}")
        assert isinstance(chosen, URIRef)
        targets = [(chosen, out)]
    else:
        targets = [
            (term, out.with_name(f"{out.stem}-{stem}{out.suffix}"))
            for term, stem in zip(known, file_stems(known), strict=True)
        ]
    for term, path in targets:
        figure = draw_policy(dataset, term).ax.figure
        _save_figure(figure, path, suffix)
        plt.close(figure)
        click.echo(f"wrote {path}")


def _save_figure(figure: Any, path: Path, suffix: str) -> None:
    """Render a figure in memory and write it whole (a temporary file, then a rename)."""
    import io

    import matplotlib

    from graph.draw import SAVE_STYLE
    from graph.output import atomic_write

    buffer = io.BytesIO()
    with matplotlib.rc_context(SAVE_STYLE):
        figure.savefig(buffer, format=suffix, dpi=150, bbox_inches="tight")
    atomic_write(path, buffer.getvalue())


@cli.command()
@click.argument("sources", nargs=-1, type=click.Path())
@click.option(
    "--measure",
    type=click.Choice(["degree", "in-degree", "out-degree", "betweenness", "closeness"]),
    default="degree",
    show_default=True,
    help="Centrality measure over the actor network.",
)
@click.option("--top", type=click.IntRange(min=1, max=100_000), default=10, show_default=True)
@_store_option
def stats(sources: tuple[str, ...], measure: str, top: int, store: str) -> None:
    """Counts, the size of the networkx views, and the most central actors."""
    from graph.analyze import centrality
    from graph.build import summarize
    from graph.project import actor_view, to_networkx

    dataset = _corpus(sources, store).dataset
    summary = summarize(dataset)
    for name, value in summary.as_dict().items():
        click.echo(f"{name:>12}: {value}")
    entities, actors = to_networkx(dataset), actor_view(dataset)
    click.echo(
        f"{'entity graph':>12}: {entities.number_of_nodes()} nodes, {entities.number_of_edges()} edges"
    )
    click.echo(f"{'actor graph':>12}: {actors.number_of_nodes()} nodes, {actors.number_of_edges()} edges")
    click.echo(f"\nmost central actors ({measure}):")
    for node, score in centrality(actors, measure=measure, top=top):
        click.echo(f"  {score:6.3f}  {actors.nodes[node]['label']}")


@cli.command()
@click.argument("node")
@click.argument("sources", nargs=-1, type=click.Path())
@click.option("--relation", help="Only this relation (supports, authorises, geo:sfWithin, ...).")
@click.option("--direction", type=click.Choice(["out", "in", "both"]), default="both", show_default=True)
@click.option("--entities", is_flag=True, help="Use the entity graph instead of the actor network.")
@_store_option
def neighbours(
    node: str,
    sources: tuple[str, ...],
    relation: str | None,
    direction: str,
    entities: bool,
    store: str,
) -> None:
    """The neighbours of NODE (a label, alias, :name or IRI) and how they are related."""
    from graph.analyze import find_node
    from graph.project import actor_view, to_networkx

    dataset = _corpus(sources, store).dataset
    graph = to_networkx(dataset) if entities else actor_view(dataset)
    key = find_node(graph, node)
    lines = set()
    if direction in ("out", "both"):
        for _, v, d in graph.out_edges(key, data=True):
            if relation in (None, d["relation"]):
                lines.add(
                    f"-> {d['relation']:<14} {graph.nodes[v]['label']}  [{d['source'].rsplit('/', 1)[-1]}]"
                )
    if direction in ("in", "both"):
        for u, _, d in graph.in_edges(key, data=True):
            if relation in (None, d["relation"]):
                lines.add(
                    f"<- {d['relation']:<14} {graph.nodes[u]['label']}  [{d['source'].rsplit('/', 1)[-1]}]"
                )
    click.echo(f"{graph.nodes[key]['label']}:")
    for line in sorted(lines):
        click.echo(f"  {line}")
    if not lines:
        click.echo("  (no neighbours)")


@cli.command()
@click.argument("source_node")
@click.argument("target_node")
@click.argument("sources", nargs=-1, type=click.Path())
@click.option(
    "--cutoff",
    type=click.IntRange(min=1, max=12),
    default=4,
    show_default=True,
    help="Longest path, in edges.",
)
@_store_option
def path(source_node: str, target_node: str, sources: tuple[str, ...], cutoff: int, store: str) -> None:
    """The paths between two actors in the actor network, shortest first."""
    from graph.analyze import all_paths
    from graph.project import actor_view

    graph = actor_view(_corpus(sources, store).dataset)
    found = all_paths(graph, source_node, target_node, cutoff=cutoff)
    if not found:
        raise QueryError(f"no path of at most {cutoff} edges from {source_node!r} to {target_node!r}")
    for nodes in found:
        steps = [graph.nodes[nodes[0]]["label"]]
        for u, v in itertools.pairwise(nodes):
            relations = sorted({d["relation"] for d in graph.get_edge_data(u, v, default={}).values()})
            backwards = sorted({d["relation"] for d in graph.get_edge_data(v, u, default={}).values()})
            arrow = f"-{'/'.join(relations)}->" if relations else f"<-{'/'.join(backwards)}-"
            steps.append(f"{arrow} {graph.nodes[v]['label']}")
        click.echo(" ".join(steps))


@cli.command()
@click.argument("sources", nargs=-1, type=click.Path())
@click.option(
    "--format",
    "-f",
    "fmt",
    required=True,
    type=click.Choice(["graphml", "gexf", "dot", "csv", "mermaid", "jsonld", "nquads", "trig"]),
    help="graphml/gexf (Gephi, yEd, Cytoscape), dot (Graphviz), csv (node and edge lists), mermaid "
    "(Markdown), jsonld/nquads/trig (RDF).",
)
@click.option(
    "--out",
    "-o",
    required=True,
    type=click.Path(dir_okay=False),
    help="The file to write; csv writes NAME.nodes.csv and NAME.edges.csv.",
)
@click.option(
    "--view",
    type=click.Choice(["entities", "actors", "ontology"]),
    default="entities",
    show_default=True,
    help="For the graph formats: every entity, the actor network, or the ontology's class diagram.",
)
@_store_option
def export(sources: tuple[str, ...], fmt: str, out: str, view: str, store: str) -> None:
    """Export the graph for Gephi, yEd, Graphviz, Markdown, spreadsheets or an RDF store.

    Every graph format keeps each edge's source, confidence and attribution.
    """
    from graph.export import write_export

    written = write_export(_corpus(sources, store).dataset, fmt, out, view=view)
    click.echo("wrote " + ", ".join(str(p) for p in written))


@cli.command()
@click.argument("sources", nargs=-1, type=click.Path())
@click.option("--host", default="127.0.0.1", show_default=True, help="The address to listen on.")
@click.option(
    "--port", "-p", type=click.IntRange(0, 65535), default=7878, show_default=True, help="0: any free port."
)
@click.option(
    "--workers",
    type=click.IntRange(min=1, max=256),
    default=2,
    show_default=True,
    help="Requests answered at once.",
)
@_timeout_option
@_max_rows_option
@click.option(
    "--queue",
    type=click.IntRange(min=0, max=100_000),
    default=16,
    show_default=True,
    help="Requests that may wait (then 503).",
)
@click.option(
    "--cors", multiple=True, help="An origin browsers may call from (repeat it; * for any). Default: none."
)
@click.option(
    "--allow-update",
    is_flag=True,
    help="Accept SPARQL Update: it changes the graph in memory, or, on an Oxigraph store on disk, "
    "writes each update to the store as one transaction (one worker then answers every request).",
)
@click.option("--quiet", "-q", is_flag=True, help="Log no requests.")
@_store_option
def serve(
    sources: tuple[str, ...],
    host: str,
    port: int,
    workers: int,
    timeout: float,
    max_rows: int,
    queue: int,
    cors: tuple[str, ...],
    allow_update: bool,
    quiet: bool,
    store: str,
) -> None:
    """Serve the graph: a SPARQL 1.1 endpoint at /sparql and a query page at /.

    \b
    Point a client at the endpoint, for example:
      policygraph serve &
      curl -H 'Accept: text/csv' --data-urlencode 'query=SELECT * WHERE { ?s a pg:State }' \\
          http://127.0.0.1:7878/sparql
    Read-only unless --allow-update; queries never reach the network.
    """
    from graph.server import Endpoint

    corpus = _corpus(sources, store)
    endpoint = Endpoint(
        corpus.dataset,
        host=host,
        port=port,
        workers=workers,
        timeout=timeout,
        max_rows=max_rows,
        queue=queue,
        cors=cors,
        allow_update=allow_update,
        quiet=quiet,
    )

    def stop(signum: int, frame: object) -> None:
        raise KeyboardInterrupt  # SIGTERM stops like Ctrl-C: the workers are stopped too

    # SIGINT too: a process started in the background by a script inherits SIGINT ignored,
    # and Python then leaves it ignored; Ctrl-C (or kill -INT) must stop the server anyway.
    # Both are caught before the server says it is ready, so no signal after that is lost.
    signal.signal(signal.SIGINT, stop)
    signal.signal(signal.SIGTERM, stop)
    try:
        if host not in ("127.0.0.1", "localhost", "::1"):
            click.echo(
                f"policygraph: warning: listening on {host}: other machines can reach the endpoint", err=True
            )
        mode = ", read-only"
        if endpoint.in_place is not None:
            mode = f", read-write: updates are written to {endpoint.in_place}, one worker"
        elif allow_update:
            mode = ", read-write"
        click.echo(
            f"serving {len(corpus.sources)} sources at {endpoint.url} (query page) and {endpoint.url}sparql "
            f"(SPARQL endpoint{mode}); Ctrl-C stops",
            err=True,
        )
        endpoint.serve_forever()
    except KeyboardInterrupt:
        click.echo("stopped", err=True)
    finally:
        endpoint.close()


@cli.command()
@click.argument("sources", nargs=-1, type=click.Path())
@click.option("--date", "day", help="The day of the briefing, YYYY-MM-DD. Default: the latest decision.")
@click.option("--since", help="Count changes from this day, YYYY-MM-DD. Default: 30 days before --date.")
@click.option(
    "--known-by",
    "known_by",
    help="The day of reporting, YYYY-MM-DD: only sources published by then count. "
    "Default: the briefing's day.",
)
@click.option(
    "--out",
    "-o",
    default="out",
    show_default=True,
    type=click.Path(file_okay=False),
    help="The folder to write to.",
)
@_store_option
def report(
    sources: tuple[str, ...], day: str | None, since: str | None, known_by: str | None, out: str, store: str
) -> None:
    """Write a briefing for a day: one HTML file to send, and Markdown with its diagrams.

    \b
    The rules in force per grantor, what changed recently, the policy matrix, the
    timeline, the actor network, the competency answers and every source with its
    confidence. For example:
      policygraph report --date 2024-06-05 --out briefings
    """
    from graph.build import latest_decision
    from graph.report import make_report, write_report

    dataset = _corpus(sources, store).dataset
    when = _day(day) if day else latest_decision(dataset)
    if when is None:
        raise QueryError("no policy in the graph has a date: give --date")
    start = _day(since) if since else None
    if start is not None and start > when:
        raise QueryError(f"--since {start} is after --date {when}: give an earlier --since")
    reported = _day(known_by) if known_by else when
    written = write_report(make_report(dataset, day=when, since=start, known_by=reported), out)
    click.echo("wrote " + ", ".join(str(p) for p in written))


@cli.command()
@click.option(
    "--triples",
    "-n",
    type=click.IntRange(min=1000, max=50_000_000),
    required=True,
    help="About how many triples.",
)
@click.option("--seed", type=int, default=0, show_default=True, help="The same seed writes the same corpus.")
@click.option(
    "--out",
    "-o",
    required=True,
    type=click.Path(file_okay=False),
    help="The folder to write (replaced whole).",
)
def generate(triples: int, seed: int, out: str) -> None:
    """Write a synthetic corpus of about N triples, for benchmarks and load tests.

    \b
    A made-up world (states at war, regions and borders, officials, outlets, weapon
    systems, suppliers) and news reports of policies with constraints, extensions,
    revocations and statements, valid under the shapes. For example:
      policygraph generate --triples 1000000 --seed 1 --out big
      policygraph build big --store oxigraph:big.store
    """
    from graph.generate import generate as run_generate

    written = run_generate(out, triples=triples, seed=seed)
    click.echo(
        f"wrote {written.reports + 1} sources ({written.reports} reports and the world), "
        f"{written.triples} triples, {written.states} states, {written.places} places to {out}"
    )


def _reported(dataset: Any, known_by: str | None) -> Any:
    """The dataset as reported by the ``--known-by`` day (itself without one)."""
    if not known_by:
        return dataset
    from graph.reported import reported_by

    return reported_by(dataset, _day(known_by))


def _day(text: str | None) -> date:
    from graph.dates import parse_day

    if text is None:
        return date.today()
    try:
        return parse_day(text)
    except ValueError as exc:
        raise QueryError(str(exc)) from None


@cli.command()
@click.option(
    "--actor", default="Ukraine", show_default=True, help="Who acts (a label, alias, :name or IRI)."
)
@click.option(
    "--weapon", required=True, help="A weapon system (HIMARS, ATACMS) or class (rocket, ballistic missile)."
)
@click.option(
    "--supplier", help="Who supplied the weapon. Default: the one supplier the sources record for it."
)
@click.option(
    "--target-type", help="What is struck: massing troops, launch site, civilian infrastructure, ..."
)
@click.option("--place", help="Where: a city, region or state (Belgorod Oblast, Moscow, Crimea).")
@click.option("--purpose", help="What for: counter-fire, air defence, self-defence.")
@click.option("--date", "day", help="The day of the action, YYYY-MM-DD. Default: today.")
@_known_by_option
@_dates_option
@_conflict_option
@click.option("--format", "-f", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True)
@_source_option
@_store_option
def check(
    actor: str,
    weapon: str,
    supplier: str | None,
    target_type: str | None,
    place: str | None,
    purpose: str | None,
    day: str | None,
    known_by: str | None,
    dates: str,
    conflict: str,
    fmt: str,
    sources: tuple[str, ...],
    store: str,
) -> None:
    """Decide whether an actor may use a weapon against a target, here, on a day, and who says so.

    \b
    Answers permitted (exit 0), prohibited (10), not permitted (11), contested (12),
    unknown (13) or permitted if (14: only under a condition the question left open),
    with every rule considered, each constraint held, failed or open and why, the facts
    used and the sources that assert each rule. For example:
      policygraph check --weapon rocket --supplier US --target-type "massing troops" \\
          --place "Belgorod Oblast" --date 2024-06-05
    """
    from graph.policy import Action, PolicyEngine
    from graph.resolve import resolve

    dataset = _corpus(sources, store).dataset
    action = Action(
        actor=resolve(dataset, actor, kind="actor"),
        weapon=resolve(dataset, weapon, kind="weapon"),
        supplier=resolve(dataset, supplier, kind="actor") if supplier else None,
        target_type=resolve(dataset, target_type, kind="target-type") if target_type else None,
        place=resolve(dataset, place, kind="place") if place else None,
        purpose=resolve(dataset, purpose, kind="purpose") if purpose else None,
        day=_day(day),
    )
    known = _day(known_by) if known_by else None
    decision = PolicyEngine(dataset, conflict=conflict, known_by=known, dates=dates).decide(action)
    if fmt == "json":
        click.echo(json.dumps(decision.as_dict(), indent=2))
    else:
        click.echo(decision.text())
    raise SystemExit(decision.exit_code)


@cli.command()
@click.option(
    "--format", "-f", "fmt", type=click.Choice(["text", "csv", "json"]), default="text", show_default=True
)
@_conflict_option
@_dates_option
@_source_option
@_store_option
def audit(fmt: str, conflict: str, dates: str, sources: tuple[str, ...], store: str) -> None:
    """Check every reported event (a strike, a first use) against the rules in force on its day.

    \b
    Each event is decided for the day it happened, with only the sources published by
    the day its own source was: the outcome, the deciding rules and their sources. For example:
      policygraph audit -f csv > audit.csv
    """
    from graph.policy import PolicyEngine
    from graph.policy.audit import audit as run_audit
    from graph.policy.audit import format_audit

    dataset = _corpus(sources, store).dataset
    rows = run_audit(dataset, engine=PolicyEngine(dataset, conflict=conflict, dates=dates))
    click.echo(format_audit(rows, fmt), nl=False)


@cli.command()
@click.argument("article", type=click.Path())
@click.option(
    "--published", help="The day the article was published, YYYY-MM-DD (a page's own date otherwise)."
)
@click.option("--publisher", help="Who published it: Politico, Reuters (a page's site name otherwise).")
@click.option("--title", help="The article's title (its first line, or the page's title, otherwise).")
@click.option("--out", "-o", type=click.Path(), help="Write the draft source here (.ttl). Default: print it.")
@click.option("--review", "review_file", type=click.Path(), help="Write the review page here (.html).")
@click.option(
    "--lexicon",
    "lexicons",
    multiple=True,
    type=click.Path(),
    help="Your own lexicon file (TOML), added to the bundled one.",
)
@_source_option
def draft(
    article: str,
    published: str | None,
    publisher: str | None,
    title: str | None,
    out: str | None,
    review_file: str | None,
    lexicons: tuple[str, ...],
    sources: tuple[str, ...],
) -> None:
    """Draft a source from a news article (.txt) or a saved web page (.html), for review.

    \b
    Finds the names the graph knows, who says so (with counts), dates (resolved against
    the publication day), quotes, and the cues of decisions, requests, stances, requests
    for comment and events; writes them as a source in the project's format with every
    candidate marked 'pg:unreviewed true'. validate lists what is unreviewed; build
    refuses the file until nothing is. For example:
      policygraph draft article.txt --published 2024-05-30 --publisher Politico -o drafts/politico.ttl
      policygraph draft article.txt --review review.html
    """
    from graph.draft import draft as run_draft
    from graph.draft import review
    from graph.output import atomic_write

    dataset = _corpus(sources, "memory").dataset
    result = run_draft(
        article, dataset=dataset, published=published, publisher=publisher, title=title, lexicons=lexicons
    )
    if review_file:
        atomic_write(review_file, review(result))
    if out:
        atomic_write(out, result.turtle)
    elif not review_file:
        click.echo(result.turtle, nl=False)
    kinds: dict[str, int] = {}
    for block in result.blocks:
        if block.unreviewed and block.kind is not None:
            kinds[block.kind.value] = kinds.get(block.kind.value, 0) + 1
    found = ", ".join(f"{n} {k}" for k, n in sorted(kinds.items())) or "nothing to draft"
    where = " ".join(f"wrote {f}." for f in (out, review_file) if f)
    click.echo(f"{result.candidates} candidates to review ({found}). {where}".rstrip(), err=True)


def _print_grouped(rows: Any, fmt: str, title: str, line: Callable[[dict[str, Any]], str]) -> None:
    from graph.history import by_grantor
    from graph.results import format_rows, short

    if fmt != "text":
        click.echo(format_rows(rows, fmt, limit=TABLE_ROWS), nl=False)
        return
    click.echo(title)
    if not rows.rows:
        click.echo("  (nothing)")
    for grantor, items in by_grantor(rows).items():
        click.echo(f"{short(grantor)}")
        for item in items:
            click.echo(f"  {line(item)}")


def _sources_text(value: Any) -> str:
    # sorted: SPARQL leaves the order of GROUP_CONCAT to each store
    return f"  [{' | '.join(sorted(str(value).split(' | ')))}]" if value else ""


@cli.command()
@click.option("--date", "day", help="The day, YYYY-MM-DD. Default: today.")
@_known_by_option
@_history_format
@_source_option
@_store_option
def state(day: str | None, known_by: str | None, fmt: str, sources: tuple[str, ...], store: str) -> None:
    """Every rule in force on a day, per grantor, with the sources that assert it."""
    from graph.history import state as run_state

    when = _day(day)
    rows = run_state(_reported(_corpus(sources, store).dataset, known_by), when)
    _print_grouped(
        rows,
        fmt,
        f"rules in force on {when}:",
        lambda r: (
            f"{r['kind']:<11} {r['ruleLabel'] or '(unnamed rule)'} - {r['policyLabel']}, since {r['since']}"
            + _sources_text(r["sources"])
        ),
    )


@cli.command()
@click.option("--from", "start", required=True, help="The earlier day, YYYY-MM-DD (changes after it count).")
@click.option("--to", "end", help="The later day, YYYY-MM-DD. Default: today.")
@_known_by_option
@_history_format
@_source_option
@_store_option
def diff(
    start: str, end: str | None, known_by: str | None, fmt: str, sources: tuple[str, ...], store: str
) -> None:
    """What changed between two days: granted, extended, narrowed, revoked, unchanged restrictions."""
    from graph.history import diff as run_diff

    first, last = _day(start), _day(end)
    if last < first:
        raise QueryError(f"--to {last} is before --from {first}: swap them")
    rows = run_diff(_reported(_corpus(sources, store).dataset, known_by), first, last)
    _print_grouped(
        rows,
        fmt,
        f"changes after {first} up to {last}:",
        lambda r: (
            f"{r['date']}  {r['change']:<21} {r['policyLabel']}"
            + (f" -> {r['aboutLabel']}" if r["aboutLabel"] else "")
            + _sources_text(r["sources"])
        ),
    )


@cli.command()
@_known_by_option
@_history_format
@_source_option
@_store_option
def timeline(known_by: str | None, fmt: str, sources: tuple[str, ...], store: str) -> None:
    """The decisions and statements in order, per grantor, with the kind of change and confidence."""
    from graph.history import timeline as run_timeline

    rows = run_timeline(_reported(_corpus(sources, store).dataset, known_by))
    _print_grouped(
        rows,
        fmt,
        "decisions and statements:",
        lambda r: (
            f"{r['date']:<10}  {r['change']:<24} {r['label']}  ({r['confidence']}, {r['sources']} source"
            + ("s)" if str(r["sources"]) != "1" else ")")
        ),
    )


def _guarded(function: Callable[..., Any]) -> Callable[..., Any]:
    def run(*args: Any, **kwargs: Any) -> Any:
        try:
            return function(*args, **kwargs)
        except PolicygraphError as exc:
            click.echo(f"policygraph: error: {exc}", err=True)
            raise SystemExit(exc.exit_code) from None
        except KeyboardInterrupt:
            click.echo("policygraph: interrupted", err=True)
            raise SystemExit(130) from None
        except (click.exceptions.Exit, click.ClickException, SystemExit):
            raise
        except Exception as exc:
            if os.environ.get("POLICYGRAPH_DEBUG"):
                raise
            message = " ".join(str(exc).split()) or type(exc).__name__
            click.echo(
                f"policygraph: internal error: {type(exc).__name__}: {message} "
                "(set POLICYGRAPH_DEBUG=1 for details)",
                err=True,
            )
            raise SystemExit(70) from None

    return run


def main(argv: Sequence[str] | None = None) -> None:
    """Run the command line."""
    if not os.environ.get("POLICYGRAPH_DEBUG"):
        import logging

        # rdflib logs a traceback for an ill-typed literal; the source checks already refuse
        # it with its file and line, so its log is not for the person at the terminal
        quiet = logging.getLogger("rdflib")
        quiet.addHandler(logging.NullHandler())
        quiet.propagate = False
    _guarded(cli.main)(args=list(argv) if argv is not None else sys.argv[1:], prog_name="policygraph")


if __name__ == "__main__":
    main()
