"""The ``policygraph`` command: a thin layer that parses arguments, calls the API and prints.

Exit codes: 0 success; 2 a usage error; 3 a source that cannot be read; 4 data that
breaks the shapes; 5 a bad query or parameter; 6 an output that cannot be written;
70 an internal error. Errors are one line on standard error, never a traceback
(set ``POLICYGRAPH_DEBUG=1`` to see one).
"""

from __future__ import annotations

import itertools
import os
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import click

from graph.errors import PolicygraphError, QueryError

SOURCES_HELP = "Source files (.ttl) or folders of them. None: the bundled example corpus."


def _sources(paths: Sequence[str]) -> list[str] | None:
    return list(paths) or None


def _echo_table(text: str) -> None:
    click.echo(text, nl=False)


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
def build(sources: tuple[str, ...], out: str, formats: tuple[str, ...], quiet: bool) -> None:
    """Build, validate and summarise the graph; answer the competency questions; write outputs.

    \b
    Writes OUT/graph.trig (every named graph), OUT/actor-network.{png,svg} and
    OUT/policy-NAME.{png,svg}. A broken source aborts the build and writes nothing.
    """
    from graph.build import build as run_build
    from graph.results import to_table

    result = run_build(_sources(sources), out=out, formats=formats)
    s = result.summary
    click.echo(
        f"built {s.sources} sources: {s.entities} entities, {s.claims} claims, {s.policies} policies, "
        f"{s.statements} statements, {s.triples} triples; validation: conforms"
    )
    if not quiet:
        for query, rows in result.answers:
            click.echo()
            _echo_table(to_table(rows, title=f"{query.name}: {query.question}"))
        click.echo()
    click.echo(f"wrote {len(result.files)} files to {out}/: " + ", ".join(p.name for p in result.files))


@cli.command()
@click.argument("sources", nargs=-1, type=click.Path())
@click.option("--ontology", is_flag=True, help="Check the ontology's own hygiene instead of the sources.")
def validate(sources: tuple[str, ...], ontology: bool) -> None:
    """Check sources against the shapes and the ontology's vocabulary.

    Each finding is one line: file:line: entity property: what to write.
    Exits 4 when anything is wrong.
    """
    from graph.load import load
    from graph.validate import validate as run_validate
    from graph.validate import validate_ontology

    if ontology:
        report = validate_ontology()
    else:
        corpus = load(_sources(sources))
        report = run_validate(corpus)
    click.echo(report.text)
    if not report.conforms:
        raise SystemExit(4)
    if not ontology:
        click.echo(f"{len(corpus.sources)} sources checked")


@cli.command()
@click.argument("query", required=False)
@click.option("--source", "-s", "sources", multiple=True, type=click.Path(), help=SOURCES_HELP)
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
def query(
    query: str | None,
    sources: tuple[str, ...],
    sparql: str | None,
    params: tuple[str, ...],
    fmt: str,
    list_: bool,
) -> None:
    """Run a named query (see --list), a .rq file, or --sparql TEXT.

    \b
    Examples:
      policygraph query cq1-permissions
      policygraph query cq1-permissions -p grantee=:Ukraine -p supplier=:UnitedStates -f json
      policygraph query my-question.rq -s my-reports/
      policygraph query --sparql 'SELECT ?s WHERE { ?s a pg:State }'
    """
    from graph.load import load
    from graph.queries import get_query, list_queries, parse_query, read_query, run_query
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
    rows = run_query(load(_sources(sources)).dataset, named, bindings=bindings)
    click.echo(format_rows(rows, fmt, title=named.question or None), nl=False)


@cli.command()
@click.argument("sources", nargs=-1, type=click.Path())
@click.option(
    "--kind",
    type=click.Choice(["actors", "policy"]),
    default="actors",
    show_default=True,
    help="actors: the actor network; policy: who may do what, where.",
)
@click.option("--policy", help="With --kind policy: the policy (:name or IRI). Default: every policy.")
@click.option("--relation", "relations", multiple=True, help="With --kind actors: only these relations.")
@click.option(
    "--out", "-o", type=click.Path(dir_okay=False), help="File to write (.png, .svg or .pdf).", default=None
)
def plot(
    sources: tuple[str, ...], kind: str, policy: str | None, relations: tuple[str, ...], out: str | None
) -> None:
    """Draw a diagram of the graph to a PNG, SVG or PDF file."""
    import matplotlib

    matplotlib.use("Agg")
    from rdflib import URIRef

    from graph.build import policies
    from graph.draw import draw_actor_network, draw_policy
    from graph.load import load
    from graph.output import atomic_write
    from graph.project import actor_view
    from graph.queries import parse_term

    dataset = load(_sources(sources)).dataset
    out = out or ("actor-network.png" if kind == "actors" else "policy.png")
    suffix = Path(out).suffix.lstrip(".").lower()
    if suffix not in ("png", "svg", "pdf"):
        raise click.UsageError(f"--out {out}: the file name must end in .png, .svg or .pdf")
    if kind == "actors":
        drawing = draw_actor_network(actor_view(dataset), relations=list(relations) or None)
    else:
        known = policies(dataset)
        chosen = parse_term(policy) if policy else (known[0] if known else None)
        if chosen not in known:
            names = ", ".join(":" + str(p).rsplit("/", 1)[-1] for p in known)
            raise QueryError(f"no policy {policy!r}: choose one of {names}")
        assert isinstance(chosen, URIRef)
        drawing = draw_policy(dataset, chosen)
    import io

    buffer = io.BytesIO()
    drawing.ax.figure.savefig(buffer, format=suffix, dpi=150, bbox_inches="tight")
    atomic_write(out, buffer.getvalue())
    click.echo(f"wrote {out}")


@cli.command()
@click.argument("sources", nargs=-1, type=click.Path())
@click.option(
    "--measure",
    type=click.Choice(["degree", "in-degree", "out-degree", "betweenness", "closeness"]),
    default="degree",
    show_default=True,
    help="Centrality measure over the actor network.",
)
@click.option("--top", type=click.IntRange(min=1), default=10, show_default=True)
def stats(sources: tuple[str, ...], measure: str, top: int) -> None:
    """Counts, the size of the networkx views, and the most central actors."""
    from graph.analyze import centrality
    from graph.build import summarize
    from graph.load import load
    from graph.project import actor_view, to_networkx

    dataset = load(_sources(sources)).dataset
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
def neighbours(
    node: str, sources: tuple[str, ...], relation: str | None, direction: str, entities: bool
) -> None:
    """The neighbours of NODE (a label, alias, :name or IRI) and how they are related."""
    from graph.analyze import find_node
    from graph.load import load
    from graph.project import actor_view, to_networkx

    dataset = load(_sources(sources)).dataset
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
    "--cutoff", type=click.IntRange(min=1), default=4, show_default=True, help="Longest path, in edges."
)
def path(source_node: str, target_node: str, sources: tuple[str, ...], cutoff: int) -> None:
    """The paths between two actors in the actor network, shortest first."""
    from graph.analyze import all_paths
    from graph.load import load
    from graph.project import actor_view

    graph = actor_view(load(_sources(sources)).dataset)
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
    _guarded(cli.main)(args=list(argv) if argv is not None else sys.argv[1:], prog_name="policygraph")


if __name__ == "__main__":
    main()
