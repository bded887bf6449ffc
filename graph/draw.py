"""Diagrams with matplotlib: the actor network and a policy's "who may do what, where".

Both functions take ``ax=None`` (a new figure is made when None) and return a
:class:`Drawing` that lists what was drawn, so callers and tests can check the
labels, colours and edges. Layouts are deterministic: the actor network puts
states on an inner ring and every other actor on an outer ring next to the state
it belongs to, with labels outside the ring; the policy diagram is a set of
columns (grantor, assignee, weapons, rules, conditions) with boxed labels.
matplotlib is imported inside the functions, so importing :mod:`graph` stays fast.

Examples
--------
>>> import matplotlib
>>> matplotlib.use("Agg")
>>> from graph.load import load
>>> from graph.project import actor_view
>>> drawing = draw_actor_network(actor_view(load().dataset))
>>> "Ukraine" in drawing.labels
True
>>> drawing.edge_colours["authorises"] == RELATION_STYLES["authorises"][0]
True
"""

from __future__ import annotations

import math
import textwrap
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import networkx as nx
from rdflib import Dataset, URIRef

from graph.policy.constraints import operator_words, order_of
from graph.project import label_of
from graph.queries import get_query, parse_query, run_query
from graph.results import short

if TYPE_CHECKING:
    from matplotlib.axes import Axes
    from matplotlib.typing import RcKeyType

__all__ = [
    "KIND_COLOURS",
    "MAX_ACTORS",
    "MAX_ARROWS_PER_ACTOR",
    "PERMITTED",
    "PROHIBITED",
    "RELATION_STYLES",
    "Drawing",
    "draw_actor_network",
    "draw_policy",
    "new_axes",
    "ring_layout",
    "save",
]

PERMITTED = "#1a9850"
PROHIBITED = "#d73027"

#: Node colour by actor kind.
KIND_COLOURS: dict[str, str] = {
    "State": "#4575b4",
    "Person": "#fdae61",
    "GovernmentBody": "#abd9e9",
    "MilitaryForce": "#878787",
    "MediaOutlet": "#c2a5cf",
    "Actor": "#e0e0e0",
}

#: Edge colour, line style and width by relation.
RELATION_STYLES: dict[str, tuple[str, Any, float]] = {
    "authorises": (PERMITTED, "solid", 2.4),
    "restricts": (PROHIBITED, "solid", 2.4),
    "supports": ("#2166ac", "dashed", 1.8),
    "opposes": ("#762a83", "dashed", 1.8),
    "supplies": ("#8c510a", "dotted", 2.0),
    "requests": ("#f46d43", "dashdot", 1.6),
    "attacks": ("#000000", "solid", 1.6),
    "part of": ("#bdbdbd", "solid", 0.9),
}
_OTHER_STYLE: tuple[str, Any, float] = ("#636363", "solid", 1.0)


@dataclass
class Drawing:
    """What a diagram function drew, for callers and tests to inspect."""

    ax: Any
    #: node key -> label text as drawn
    labels: dict[str, str] = field(default_factory=dict)
    #: node key -> the matplotlib Text artist of its label
    label_artists: dict[str, Any] = field(default_factory=dict)
    #: node key -> face colour (hex)
    node_colours: dict[str, str] = field(default_factory=dict)
    #: (from, to, relation) for every edge drawn
    edges: list[tuple[str, str, str]] = field(default_factory=list)
    #: relation -> edge colour used
    edge_colours: dict[str, str] = field(default_factory=dict)
    #: legend entries, in order
    legend: list[str] = field(default_factory=list)
    title: str = ""
    note: str = ""
    positions: dict[str, tuple[float, float]] = field(default_factory=dict)
    #: actors of the network left out of the diagram (see ``max_actors``)
    hidden: int = 0
    #: relations between the actors drawn that were left out (a dense network)
    hidden_relations: int = 0

    def _repr_svg_(self) -> str:
        """The figure as SVG, so that a drawing shows itself in Jupyter."""
        return self._render("svg").decode("utf-8")

    def _repr_png_(self) -> bytes:
        """The figure as PNG."""
        return self._render("png")

    def _render(self, fmt: str) -> bytes:
        import io

        import matplotlib

        buffer = io.BytesIO()
        with matplotlib.rc_context(SAVE_STYLE):
            self.ax.figure.savefig(buffer, format=fmt, dpi=100, bbox_inches="tight")
        return buffer.getvalue()


#: how a drawing is written: SVG keeps its words as text (searchable, selectable and editable
#: in a briefing) with stable ids; glyphs are not hinted, which spaces words as the font means
#: them and shapes text several times faster than matplotlib's default automatic hinting
SAVE_STYLE: dict[RcKeyType, Any] = {
    "svg.fonttype": "none",
    "svg.hashsalt": "policygraph",
    "text.hinting": "no_hinting",
}


def new_axes(ax: Axes | None, size: tuple[float, float]) -> Axes:
    """``ax``, or the axes of a new figure of ``size`` inches when it is None."""
    if ax is not None:
        return ax
    import matplotlib.pyplot as plt

    _, new = plt.subplots(figsize=size)
    return new


#: sources a diagram's note names one by one; more are counted
NOTE_SOURCES = 12


def _short_sources(sources: list[str]) -> str:
    names = [s.rsplit("/", 1)[-1] for s in sources]
    if len(names) > NOTE_SOURCES:
        return f"{', '.join(names[:NOTE_SOURCES])} and {len(names) - NOTE_SOURCES:,} more"
    return ", ".join(names)


# --- actor network ---------------------------------------------------------------


def ring_layout(graph: nx.MultiDiGraph) -> dict[str, tuple[float, float]]:
    """Positions for an actor network: the states on an inner ring, the other actors outside.

    Each actor of the outer ring sits as close as the slots allow to the states it is linked to.
    """
    states = sorted(
        (n for n, d in graph.nodes(data=True) if d.get("kind") == "State"),
        key=lambda n: graph.nodes[n]["label"],
    )
    others = [n for n in graph if n not in states]
    if not states:  # no states: one ring of everything
        states, others = sorted(graph, key=lambda n: graph.nodes[n]["label"]), []
    angle = {n: math.pi / 2 - 2 * math.pi * i / len(states) for i, n in enumerate(states)}
    positions = {n: (math.cos(a), math.sin(a)) for n, a in angle.items()}

    def wanted(node: str) -> float:
        near = [angle[m] for m in nx.all_neighbors(graph, node) if m in angle]
        if not near:
            return math.pi
        x = sum(math.cos(a) for a in near)
        y = sum(math.sin(a) for a in near)
        return math.atan2(y, x) if (x, y) != (0, 0) else near[0]

    if others:
        ordered = sorted(others, key=lambda n: (-(wanted(n) % (2 * math.pi)), graph.nodes[n]["label"]))
        step = 2 * math.pi / len(ordered)
        targets = [wanted(n) for n in ordered]
        # rotate the evenly spaced slots so they sit as close as possible to where each node wants to be
        best = min(
            (sum(1 - math.cos(targets[i] - (offset - i * step)) for i in range(len(ordered))), offset)
            for offset in (targets[0] + k * step / 8 for k in range(-8, 9))
        )[1]
        for i, node in enumerate(ordered):
            a = best - i * step
            positions[node] = (2.0 * math.cos(a), 2.0 * math.sin(a))
    return positions


#: the most actors :func:`draw_actor_network` draws by default
MAX_ACTORS = 60
#: arrows drawn per actor drawn, at most: a denser network shows its most claimed relations
MAX_ARROWS_PER_ACTOR = 4


def _most_connected(graph: nx.MultiDiGraph, most: int) -> tuple[nx.MultiDiGraph, int, int]:
    """The ``most`` actors with the most claimed relations, and how many actors and edges are left out."""
    if graph.number_of_nodes() <= most:
        return graph, 0, 0
    ranked = sorted(
        graph.degree(), key=lambda item: (-item[1], str(graph.nodes[item[0]].get("label", item[0])))
    )
    kept = graph.subgraph(node for node, _ in ranked[:most]).copy()
    kept.graph.update(graph.graph)
    return kept, graph.number_of_nodes() - most, graph.number_of_edges() - kept.number_of_edges()


def _arrows(graph: nx.MultiDiGraph, most: int) -> tuple[list[tuple[tuple[str, str, str], int]], int]:
    """Each (from, to, relation) with its number of claims, and how many were left out.

    At most ``most`` of them, those most claims make, in order.
    """
    counts: dict[tuple[str, str, str], int] = defaultdict(int)
    for u, v, data in graph.edges(data=True):
        counts[(u, v, data["relation"])] += 1
    arrows = sorted(counts.items())
    if len(arrows) <= most:
        return arrows, 0
    kept = sorted(sorted(arrows, key=lambda item: (-item[1], item[0]))[:most])
    return kept, len(arrows) - len(kept)


def _left_out(drawn: int, hidden: int, hidden_edges: int, arrows: int, hidden_arrows: int) -> str:
    """What the note says was not drawn, or nothing."""
    text = (
        f"The {drawn:,} most connected of {drawn + hidden:,} actors; "
        f"{hidden:,} others and {hidden_edges:,} claimed relations are not drawn. "
        if hidden
        else ""
    )
    if hidden_arrows:
        text += (
            f"Between those drawn, the {arrows:,} relations most claims make; "
            f"{hidden_arrows:,} others are not drawn. "
        )
    return text


def draw_actor_network(
    graph: nx.MultiDiGraph,
    *,
    ax: Axes | None = None,
    title: str = "Actors and how they relate",
    note: str | None = None,
    relations: list[str] | None = None,
    max_actors: int = MAX_ACTORS,
) -> Drawing:
    """Draw the actor graph from :func:`graph.project.actor_view`.

    A network of more than ``max_actors`` actors is drawn as its most connected actors and
    the relations between them (the note says how many were left out): a ring of a few
    dozen names stays readable where thousands would not, and it is laid out at once.

    Parameters
    ----------
    graph : networkx.MultiDiGraph
        The actor view.
    ax : matplotlib Axes, optional
        Where to draw; a new figure when None.
    title : str
        The title above the diagram.
    note : str, optional
        A line under the diagram; by default the sources the edges come from.
    relations : list of str, optional
        Draw only these relations (and the actors they join).
    max_actors : int
        The most actors to draw: those with the most relations (claims), then by name.

    Returns
    -------
    Drawing
    """
    from matplotlib.lines import Line2D
    from matplotlib.patches import FancyArrowPatch, Patch

    if relations is not None:
        keep = [(u, v, k) for u, v, k, d in graph.edges(keys=True, data=True) if d["relation"] in relations]
        graph = graph.edge_subgraph(keep).copy()
    graph, hidden, hidden_edges = _most_connected(graph, max_actors)
    ax = new_axes(ax, (13, 11))
    drawing = Drawing(ax=ax, title=title, hidden=hidden)
    positions = ring_layout(graph)
    drawing.positions = positions

    # one arrow per relation between two actors, thicker when several claims or sources make it;
    # in a dense network, the relations most claims make (a few per actor drawn)
    arrows, drawing.hidden_relations = _arrows(graph, MAX_ARROWS_PER_ACTOR * max_actors)
    pair_count: dict[tuple[str, str], int] = defaultdict(int)
    for (u, v, relation), count in arrows:
        colour, style, width = RELATION_STYLES.get(relation, _OTHER_STYLE)
        pair = (min(u, v), max(u, v))
        bend = 0.12 * pair_count[pair] * (1 if u < v else -1)
        pair_count[pair] += 1
        arrow = FancyArrowPatch(
            positions[u],
            positions[v],
            arrowstyle="-|>",
            mutation_scale=14,
            color=colour,
            linestyle=style,
            linewidth=width * min(1 + 0.25 * (count - 1), 2.0),
            connectionstyle=f"arc3,rad={bend + 0.04}",
            shrinkA=14,
            shrinkB=14,
            zorder=1,
        )
        ax.add_patch(arrow)
        drawing.edges.append((u, v, relation))
        drawing.edge_colours[relation] = colour

    for node, (x, y) in positions.items():
        data = graph.nodes[node]
        colour = KIND_COLOURS.get(data.get("kind", "Actor"), KIND_COLOURS["Actor"])
        size = 520 if data.get("kind") == "State" else 300
        ax.scatter([x], [y], s=size, c=colour, edgecolors="#333333", linewidths=0.8, zorder=3)
        radius = math.hypot(x, y) or 1.0
        ux, uy = x / radius, y / radius
        offset = 0.16 if data.get("kind") == "State" else 0.13
        label = "\n".join(textwrap.wrap(str(data.get("label", node)), 22, break_on_hyphens=False))
        drawing.label_artists[node] = ax.text(
            x + ux * offset,
            y + uy * offset,
            label,
            ha="left" if ux > 0.3 else "right" if ux < -0.3 else "center",
            va="bottom" if uy > 0.3 else "top" if uy < -0.3 else "center",
            fontsize=10 if data.get("kind") == "State" else 9,
            fontweight="bold" if data.get("kind") == "State" else "normal",
            zorder=4,
            bbox={"boxstyle": "round,pad=0.15", "fc": "white", "ec": "none", "alpha": 0.8},
        )
        drawing.labels[str(data.get("label", node))] = node
        drawing.node_colours[node] = colour

    kinds = sorted({graph.nodes[n].get("kind", "Actor") for n in graph})
    handles: list[Any] = [
        Patch(facecolor=KIND_COLOURS.get(k, KIND_COLOURS["Actor"]), edgecolor="#333333", label=_words(k))
        for k in kinds
    ]
    for relation in [r for r in RELATION_STYLES if r in drawing.edge_colours] + sorted(
        r for r in drawing.edge_colours if r not in RELATION_STYLES
    ):
        colour, style, width = RELATION_STYLES.get(relation, _OTHER_STYLE)
        handles.append(Line2D([0], [0], color=colour, linestyle=style, linewidth=width, label=relation))
    ax.legend(handles=handles, loc="upper left", bbox_to_anchor=(1.0, 1.0), frameon=False, fontsize=9)
    drawing.legend = [str(h.get_label()) for h in handles]

    sources = graph.graph.get("sources") or sorted(
        {d.get("source", "") for _, _, d in graph.edges(data=True)}
    )
    left_out = _left_out(graph.number_of_nodes(), hidden, hidden_edges, len(arrows), drawing.hidden_relations)
    drawing.note = (
        note
        if note is not None
        else "\n".join(
            textwrap.wrap(
                f"{left_out}Sources: {_short_sources(list(sources))}. "
                "A thicker line: several claims or sources.",
                160,
            )
        )
    )
    ax.set_title(title, fontsize=14, loc="left")
    ax.text(0.0, -0.02, drawing.note, transform=ax.transAxes, fontsize=8, color="#555555", va="top")
    ax.set_aspect("equal")
    ax.set_xlim(-2.9, 2.9)
    ax.set_ylim(-2.7, 2.7)
    ax.axis("off")
    return drawing


def _words(kind: str) -> str:
    out = "".join(f" {c.lower()}" if c.isupper() else c for c in kind).strip()
    return out


# --- policy: who may do what, where --------------------------------------------


def _policy_rows(dataset: Dataset, policy: URIRef) -> list[dict[str, Any]]:
    rows = run_query(dataset, get_query("policy-rules"), bindings={"policy": policy})
    if not rows.rows:
        raise ValueError(f"{short(policy)} has no permission or prohibition to draw")
    return [dict(r) for r in rows]


_Boxes = dict[int, list[tuple[str, str, str]]]  # column -> (key, text, colour)

_CITED = """# param: policy -- the policy whose rules cite examples
SELECT DISTINCT ?rule ?example ?exampleLabel WHERE {
  ?policy odrl:permission|odrl:prohibition ?rule .
  ?rule pg:citedExample ?example .
  OPTIONAL { ?example rdfs:label ?exampleLabel }
}
"""


def _cited_examples(dataset: Dataset, policy: URIRef) -> dict[Any, list[str]]:
    """The weapons each rule of a policy cites as examples, by label.

    One query: a remote store cannot be asked about a blank rule by name.
    """
    found: dict[Any, set[str]] = defaultdict(set)
    query = parse_query(_CITED, name="cited examples")
    for row in run_query(dataset, query, bindings={"policy": policy}):
        label = row["exampleLabel"]
        found[row["rule"]].add(str(label) if label is not None else label_of(dataset, row["example"]))
    return {rule: sorted(labels) for rule, labels in found.items()}


def _policy_boxes(dataset: Dataset, policy: URIRef) -> tuple[_Boxes, list[tuple[str, str, str]], list[str]]:
    """The boxes per column, the edges between them, and the sources, for one policy."""
    rows = _policy_rows(dataset, policy)
    grantor = rows[0]["grantor"]
    rules: dict[Any, dict[str, Any]] = {}
    for row in rows:
        rule = rules.setdefault(
            row["rule"],
            {
                "kind": str(row["kind"]),
                "label": row["ruleLabel"],
                "assignee": row["assignee"],
                "weapons": row["weapons"],
                "conditions": [],
            },
        )
        if row["leftOperand"] is not None:
            rule["conditions"].append((row["leftOperand"], row["operator"], row["rightOperand"]))

    ordered_rules = sorted(
        rules.items(), key=lambda item: (item[1]["kind"] != "permission", str(item[1]["label"]))
    )
    columns: _Boxes = defaultdict(list)

    def add(column: int, key: str, text: str, colour: str = "#f0f0f0") -> None:
        if all(existing[0] != key for existing in columns[column]):
            columns[column].append((key, text, colour))

    edges: list[tuple[str, str, str]] = []
    examples = _cited_examples(dataset, policy)
    add(0, str(grantor), label_of(dataset, grantor), "#deebf7")
    for rule_key, rule in ordered_rules:
        assignee, weapons = str(rule["assignee"]), str(rule["weapons"])
        add(1, assignee, label_of(dataset, rule["assignee"]), "#deebf7")
        cited = examples.get(rule_key, [])
        weapon_text = label_of(dataset, rule["weapons"]) + (f" (e.g. {', '.join(cited)})" if cited else "")
        weapon_key = f"{weapons} {'/'.join(cited)}"
        add(2, weapon_key, weapon_text, "#fff7bc")
        colour = PERMITTED if rule["kind"] == "permission" else PROHIBITED
        verb = "MAY" if rule["kind"] == "permission" else "MAY NOT"
        rule_text = f"{verb}: {rule['label'] or label_of(dataset, rule_key)}"
        add(3, str(rule_key), rule_text, colour)
        edges += [
            (str(grantor), assignee, "grants"),
            (assignee, weapon_key, "uses"),
            (weapon_key, str(rule_key), rule["kind"]),
        ]
        grouped: dict[tuple[str, str], list[Any]] = defaultdict(list)
        for left, operator, right in rule["conditions"]:
            grouped[(left, operator)].append(right)
        for (left, operator), rights in sorted(
            grouped.items(), key=lambda g: (order_of(URIRef(g[0][0])), str(g[0]))
        ):
            key = f"{left} {operator} {' '.join(sorted(str(r) for r in rights))}"
            add(4, key, _condition_text(dataset, left, operator, rights), "#f7f7f7")
            edges.append((str(rule_key), key, rule["kind"]))

    return columns, edges, sorted({short(r["source"]) for r in rows})


def _draw_boxes(ax: Axes, columns: _Boxes, drawing: Drawing, width: int) -> int:
    """Place each column's boxes, spread to the height of the tallest; returns that height."""
    tallest = max(len(c) for c in columns.values())
    for column, entries in columns.items():
        n = len(entries)
        for i, (key, text, colour) in enumerate(entries):
            y = (n - 1) / 2 - i if n > 1 else 0.0
            y *= (tallest - 1) / max(n - 1, 1) if n > 1 and column in (0, 1, 2, 3) else 1.0
            y = max(min(y, (tallest - 1) / 2), -(tallest - 1) / 2)
            drawing.positions[key] = (_COLUMN_X[column], y)
            wrapped = "\n".join(textwrap.wrap(text, width, break_on_hyphens=False))
            is_rule = column == 3
            drawing.label_artists[key] = ax.text(
                _COLUMN_X[column],
                y,
                wrapped,
                ha="center",
                va="center",
                fontsize=9,
                color="white" if is_rule else "black",
                fontweight="bold" if is_rule else "normal",
                zorder=3,
                bbox={"boxstyle": "round,pad=0.35", "fc": colour, "ec": "#555555", "lw": 0.6},
            )
            drawing.labels[wrapped.replace("\n", " ")] = key
            drawing.node_colours[key] = colour
    return tallest


_COLUMN_X = {0: 0.0, 1: 1.35, 2: 2.8, 3: 4.5, 4: 6.4}


def draw_policy(
    dataset: Dataset, policy: URIRef | str, *, ax: Axes | None = None, width: int = 26
) -> Drawing:
    """Draw one policy as "who may do what, where": permitted in green, prohibited in red.

    Columns, left to right: the grantor, the assignee, the weapons (with the
    examples the source cites), each rule, and each rule's conditions (place,
    purpose, target type, weapon class, depth, date). An edge from a rule to a
    condition takes the rule's colour.

    Parameters
    ----------
    dataset : Dataset
        The loaded dataset.
    policy : URIRef or str
        The policy's IRI.
    ax : matplotlib Axes, optional
        Where to draw; a new figure when None.
    width : int
        Characters per line in the boxes.

    Returns
    -------
    Drawing
        ``labels`` maps each box's text to its node key; ``edges`` lists
        (from, to, "permission" | "prohibition" | "grants" | "uses").
    """
    from matplotlib.lines import Line2D
    from matplotlib.patches import FancyArrowPatch, Patch

    policy = URIRef(str(policy))
    columns, edges, sources = _policy_boxes(dataset, policy)
    ax = new_axes(ax, (16, max(6.0, 0.75 * max(len(c) for c in columns.values()) + 2)))
    drawing = Drawing(ax=ax, title=f"Who may do what, where: {label_of(dataset, policy)}")
    tallest = _draw_boxes(ax, columns, drawing, width)
    positions = drawing.positions
    for u, v, kind in edges:
        if (u, v, kind) in drawing.edges:
            continue
        colour = PERMITTED if kind == "permission" else PROHIBITED if kind == "prohibition" else "#777777"
        ax.add_patch(
            FancyArrowPatch(
                (positions[u][0] + 0.45, positions[u][1]),
                (positions[v][0] - 0.55, positions[v][1]),
                arrowstyle="-|>",
                mutation_scale=10,
                color=colour,
                linewidth=1.4,
                zorder=1,
                connectionstyle="arc3,rad=0.0",
            )
        )
        drawing.edges.append((u, v, kind))
        drawing.edge_colours.setdefault(kind, colour)
    handles = [
        Patch(facecolor=PERMITTED, edgecolor="#555555", label="permitted"),
        Patch(facecolor=PROHIBITED, edgecolor="#555555", label="prohibited"),
        Line2D([0], [0], color="#777777", label="grants / uses"),
    ]
    ax.legend(
        handles=handles, loc="upper right", bbox_to_anchor=(1.0, 1.08), ncol=3, frameon=False, fontsize=9
    )
    drawing.legend = [str(h.get_label()) for h in handles]
    drawing.note = (
        f"Source: {', '.join(sources)}. Conditions are ODRL constraints; all must hold for a rule to apply."
    )
    ax.set_title(drawing.title, fontsize=13, loc="left")
    ax.text(0.0, -0.03, drawing.note, transform=ax.transAxes, fontsize=8, color="#555555", va="top")
    for column, header in enumerate(("grantor", "to", "using", "rule", "conditions")):
        ax.text(
            _COLUMN_X[column],
            (tallest - 1) / 2 + 0.9,
            header,
            ha="center",
            fontsize=10,
            color="#555555",
            style="italic",
        )
    ax.set_xlim(-0.8, 7.3)
    ax.set_ylim(-(tallest - 1) / 2 - 0.8, (tallest - 1) / 2 + 1.3)
    ax.axis("off")
    return drawing


#: words a left operand's label may end with that already link it to its value
_LINKING = {"from", "to", "of", "in", "into", "within", "near", "by", "with", "at", "on"}


def _condition_text(dataset: Dataset, left: Any, operator: Any, rights: list[Any]) -> str:
    """A condition as an English phrase.

    "across the border from Kharkiv Oblast", "purpose is air defence or counter-fire",
    "place within Russia": each name once, no "is" after a linking word.
    """
    left_text = label_of(dataset, left)
    words = operator_words(str(operator).rsplit("/", 1)[-1])
    labels = sorted({label_of(dataset, r) for r in rights})  # one name once, however many terms
    if words == "is one of" and len(labels) == 1:
        words = "is"
    if words in ("is", "is one of") and left_text.split()[-1].lower() in _LINKING:
        words = ""  # "across the border from" already links to its value
    joiner = " and " if words == "is all of" else " or "
    values = labels[0] if len(labels) == 1 else ", ".join(labels[:-1]) + joiner + labels[-1]
    if words in ("is one of", "is all of", "is none of"):
        words = {"is one of": "is", "is none of": "is neither", "is all of": "is"}[words]
        if words == "is neither" and len(labels) == 1:
            words = "is not"
        elif words == "is neither":
            values = ", ".join(labels[:-1]) + " nor " + labels[-1]
    return " ".join(part for part in (left_text, words, values) if part)


def save(drawing: Drawing, path: str | Sequence[str], *, dpi: int = 150) -> None:
    """Write a drawing's figure (PNG, SVG, PDF by each file's suffix) and close it.

    Give several paths to write one drawing in several formats without drawing it again.
    """
    import matplotlib
    import matplotlib.pyplot as plt

    figure = drawing.ax.figure
    figure.set_dpi(dpi)
    with matplotlib.rc_context(SAVE_STYLE):
        # the tight bounding box, laid out once for every format (savefig would lay out each anew)
        tight = figure.get_tightbbox(figure.canvas.get_renderer())
        bounds = tight.padded(matplotlib.rcParams["savefig.pad_inches"])
        for one in [path] if isinstance(path, str) else path:
            figure.savefig(one, dpi=dpi, bbox_inches=bounds, metadata=_metadata(one))
    plt.close(figure)


def _metadata(path: str) -> dict[str, Any] | None:
    # fixed metadata so that the same graph gives the same file
    if path.endswith(".svg"):
        return {"Date": None}
    if path.endswith(".png"):
        return {"Software": None}
    return None
