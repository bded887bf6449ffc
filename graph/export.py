"""Export the graph for the tools analysts already use, keeping the provenance everywhere.

==========  ==========================================  =====================================
format      for                                         provenance kept as
==========  ==========================================  =====================================
graphml     Gephi, yEd, Cytoscape, networkx             edge attributes: source, confidence,
gexf        Gephi (a dynamic graph: its timeline plays  attributed_to, claim (and via for the
            the decisions)                              actor view)
dot         Graphviz
csv         Gephi's spreadsheet import, spreadsheets:   columns of the edge list
            ``NAME.nodes.csv`` (``Id``, ``Label``, ...)
            and ``NAME.edges.csv`` (``Source``,
            ``Target``, ``Type``, ``Label``, ...)
mermaid     Markdown documents                          a ``%%`` comment line per edge
jsonld      JSON-LD tools, with a compact context       the named graphs themselves
nquads      any RDF store                               the named graphs (fourth element)
trig        any RDF store, people                       the named graphs
==========  ==========================================  =====================================

The graph formats export a networkx view (:class:`View`): every entity
(:func:`graph.project.to_networkx`, the default), the actor network
(:func:`graph.project.actor_view`) or the ontology's class diagram
(:func:`graph.project.ontology_view`); the RDF formats export the dataset.

Each decision node, and each edge that comes from a decision (its ``via`` or ``claim``),
carries ``start`` and, once it was revoked, ``end``: the decision's first date and the
date it was revoked as a whole or rule by rule (the ``policy-intervals`` query; a month or
a year stands for its first day). GEXF writes them as spells, so Gephi's timeline shows
what was in force when.

Examples
--------
>>> from graph.load import load
>>> files = export(load().dataset, "mermaid", view="actors")
>>> text = files[".mmd"].decode()
>>> text.splitlines()[0]
'flowchart LR'
>>> "United Kingdom" in text and "-->|supports|" in text
True
"""

from __future__ import annotations

import csv
import io
import json
import re
from enum import StrEnum
from pathlib import Path
from typing import Any

import networkx as nx
from rdflib import Dataset

from graph.dates import period
from graph.namespaces import ONTOLOGY_IRI, PREFIXES
from graph.output import atomic_write
from graph.project import actor_view, node_id, ontology_view, to_networkx
from graph.queries import get_query, run_query
from graph.stores import rdflib_copy

__all__ = ["FORMATS", "View", "export", "flat_view", "to_dot", "to_mermaid", "write_export"]

#: Every export format, and the file ending(s) it writes.
FORMATS: dict[str, tuple[str, ...]] = {
    "graphml": (".graphml",),
    "gexf": (".gexf",),
    "dot": (".dot",),
    "csv": (".nodes.csv", ".edges.csv"),
    "mermaid": (".mmd",),
    "jsonld": (".jsonld",),
    "nquads": (".nq",),
    "trig": (".trig",),
}


class View(StrEnum):
    """What a graph format exports."""

    ENTITIES = "entities"  #: every resource the sources describe
    ACTORS = "actors"  #: who authorises, supports, supplies ... whom
    ONTOLOGY = "ontology"  #: the ontology's classes, subclass links and object properties


_RDF_FORMATS = {"jsonld": "json-ld", "nquads": "nquads", "trig": "trig"}


def flat_view(dataset: Dataset, view: View | str = View.ENTITIES) -> nx.MultiDiGraph:
    """A networkx view whose attributes are all plain strings, as graph file formats need.

    Lists (aliases, several types) are joined with ``"; "``.
    """
    try:
        view = View(view)
    except ValueError:
        raise ValueError(f"unknown view {view!r}: choose {', '.join(View)}") from None
    project = {View.ENTITIES: to_networkx, View.ACTORS: actor_view, View.ONTOLOGY: ontology_view}[view]
    source = project(dataset)
    intervals = _intervals(dataset) if view != View.ONTOLOGY else {}
    flat = nx.MultiDiGraph(name=f"policygraph {view}")
    for node, data in source.nodes(data=True):
        flat.add_node(node, **{_key(k): _text(v) for k, v in data.items()}, **intervals.get(node, {}))
    for u, v, key, data in source.edges(keys=True, data=True):
        during = next((intervals[d] for d in (data.get("via"), data.get("claim")) if d in intervals), {})
        flat.add_edge(u, v, key=str(key), **{_key(k): _text(v) for k, v in data.items()}, **during)
    flat.graph["sources"] = "; ".join(source.graph.get("sources", []))
    return flat


def _first_day(value: str) -> str:
    """A date, month or year as the first day it names: ``2023-10`` is ``2023-10-01``."""
    return period(value[:10]).first.isoformat()


def _intervals(dataset: Dataset) -> dict[str, dict[str, str]]:
    """``start`` (and ``end``) of each decision, keyed as the views key their nodes and claims."""
    found: dict[str, dict[str, str]] = {}
    for row in run_query(dataset, get_query("policy-intervals")):
        policy, start, end = row["policy"], row["start"], row["end"]
        if policy is None or start is None:
            continue
        during = {"start": _first_day(str(start))}
        if end is not None:
            during["end"] = _first_day(str(end))
        found[node_id(policy)] = found[str(policy)] = during
    return found


def _key(name: str) -> str:
    """An attribute name every format accepts: ``skos:altLabel`` becomes ``skos_altLabel``."""
    return re.sub(r"[^A-Za-z0-9_]", "_", name)


def _text(value: Any) -> str:
    if isinstance(value, list | tuple | set):
        return "; ".join(str(v) for v in value)
    return str(value)


def _dot_quote(value: str) -> str:
    return '"' + value.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n") + '"'


def to_dot(graph: nx.MultiDiGraph) -> str:
    """Graphviz DOT for a flat view: every attribute kept, every string quoted and escaped.

    The drawing is scaled down to at most an A3 page (16.5 x 11.7 in) when it would be
    larger, so the entity view does not render to a poster of ten thousand pixels.
    """
    lines = [
        f"digraph {_dot_quote(str(graph.graph.get('name', 'policygraph')))} {{",
        "  rankdir=LR;",
        '  size="16.5,11.7"; ratio=compress; overlap=false;',
        "  node [shape=box, style=rounded, fontsize=10]; edge [fontsize=8];",
    ]
    for node, data in sorted(graph.nodes(data=True)):
        node_attrs = ", ".join(f"{k}={_dot_quote(str(v))}" for k, v in sorted(data.items()))
        lines.append(f"  {_dot_quote(str(node))} [{node_attrs}];")
    for u, v, data in sorted(graph.edges(data=True), key=lambda e: (e[0], e[1], sorted(e[2].items()))):
        edge_attrs = dict(data)
        edge_attrs.setdefault("label", edge_attrs.get("relation", ""))
        text = ", ".join(f"{k}={_dot_quote(str(val))}" for k, val in sorted(edge_attrs.items()))
        lines.append(f"  {_dot_quote(str(u))} -> {_dot_quote(str(v))} [{text}];")
    lines.append("}")
    return "\n".join(lines) + "\n"


def _mermaid_label(value: str) -> str:
    return value.replace('"', "#quot;").replace("\n", " ")


def to_mermaid(graph: nx.MultiDiGraph) -> str:
    """A Mermaid flowchart: one node per entity, one labelled arrow per edge, provenance in comments."""
    ids = {node: f"n{i}" for i, node in enumerate(sorted(graph.nodes))}
    lines = ["flowchart LR"]
    for node in sorted(graph.nodes):
        lines.append(f'  {ids[node]}["{_mermaid_label(str(graph.nodes[node].get("label", node)))}"]')
    for u, v, data in sorted(
        graph.edges(data=True), key=lambda e: (ids[e[0]], ids[e[1]], e[2].get("relation", ""))
    ):
        relation = _mermaid_label(str(data.get("relation", ""))).replace("|", "/")
        lines.append(f"  {ids[u]} -->|{relation}| {ids[v]}")
        provenance = ", ".join(
            f"{k}={data[k]}" for k in ("source", "confidence", "attributed_to", "claim", "via") if data.get(k)
        )
        lines.append(f"  %% {ids[u]} -> {ids[v]}: {provenance}")
    return "\n".join(lines) + "\n"


def _csv(graph: nx.MultiDiGraph) -> tuple[bytes, bytes]:
    """Node and edge lists with the column names Gephi's spreadsheet import knows."""
    node_keys = sorted({k for _, d in graph.nodes(data=True) for k in d} - {"label"})
    nodes = io.StringIO()
    writer = csv.writer(nodes, lineterminator="\n")
    writer.writerow(["Id", "Label", *node_keys])
    for node, data in sorted(graph.nodes(data=True)):
        writer.writerow([node, data.get("label", ""), *(data.get(k, "") for k in node_keys)])
    edge_keys = sorted({k for _, _, d in graph.edges(data=True) for k in d})
    edges = io.StringIO()
    writer = csv.writer(edges, lineterminator="\n")
    writer.writerow(["Source", "Target", "Type", "Label", *edge_keys])
    for u, v, data in sorted(graph.edges(data=True), key=lambda e: (e[0], e[1], sorted(e[2].items()))):
        label = data.get("relation", "")
        writer.writerow([u, v, "Directed", label, *(data.get(k, "") for k in edge_keys)])
    return nodes.getvalue().encode(), edges.getvalue().encode()


def _rdf(dataset: Dataset, fmt: str) -> bytes:
    # the ontology is not data: export the sources' graphs only
    out = Dataset()
    for prefix, ns in PREFIXES.items():
        out.bind(prefix, ns)
    for graph in rdflib_copy(dataset).graphs():
        if graph.identifier != ONTOLOGY_IRI and len(graph):
            target = out.graph(graph.identifier)
            for triple in graph:
                target.add(triple)
    if fmt == "jsonld":
        context = {prefix or "@vocab": ns for prefix, ns in PREFIXES.items()}
        text = out.serialize(format="json-ld", context=context, auto_compact=True)
        json.loads(text)  # a JSON document, not a fragment
        return text.encode()
    return out.serialize(format=_RDF_FORMATS[fmt], encoding="utf-8")


def export(dataset: Dataset, fmt: str, *, view: View | str = View.ENTITIES) -> dict[str, bytes]:
    """The export as file contents, keyed by file ending (see :data:`FORMATS`).

    Raises
    ------
    ValueError
        For an unknown format or view.
    """
    if fmt not in FORMATS:
        raise ValueError(f"unknown format {fmt!r}: choose one of {', '.join(FORMATS)}")
    if fmt in _RDF_FORMATS:
        return {FORMATS[fmt][0]: _rdf(dataset, fmt)}
    graph = flat_view(dataset, view)
    if fmt == "graphml":
        buffer = io.BytesIO()
        nx.write_graphml(graph, buffer)
        return {".graphml": buffer.getvalue()}
    if fmt == "gexf":
        buffer = io.BytesIO()
        nx.write_gexf(graph, buffer)
        return {".gexf": buffer.getvalue()}
    if fmt == "dot":
        return {".dot": to_dot(graph).encode()}
    if fmt == "mermaid":
        return {".mmd": to_mermaid(graph).encode()}
    nodes, edges = _csv(graph)
    return {".nodes.csv": nodes, ".edges.csv": edges}


def write_export(
    dataset: Dataset, fmt: str, out: str | Path, *, view: View | str = View.ENTITIES
) -> list[Path]:
    """Write an export to ``out``, atomically.

    A one-file format is written to ``out`` as named (``x.mermaid`` stays ``x.mermaid``);
    a name without an ending gets the format's. The node and edge lists of ``csv`` are
    ``NAME.nodes.csv`` and ``NAME.edges.csv``, NAME being ``out`` less its ending.
    """
    out = Path(out)
    files = export(dataset, fmt, view=view)
    if len(files) == 1:
        [(ending, data)] = files.items()
        path = out if out.suffix else out.with_name(out.name + ending)
        atomic_write(path, data)
        return [path]
    stem = out.name
    endings = sorted({e for known in FORMATS.values() for e in known}, key=len, reverse=True)
    known = next((e for e in endings if stem.endswith(e)), out.suffix)
    stem = stem[: -len(known)] if known else stem
    written = []
    for ending, data in files.items():
        path = out.with_name(stem + ending)
        atomic_write(path, data)
        written.append(path)
    return written
