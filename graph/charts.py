"""Charts for briefings: the policy matrix as of a day, and the timeline of decisions.

Both take ``ax=None`` and return a :class:`~graph.draw.Drawing` listing what was drawn.

- :func:`draw_policy_matrix`: for each grantor, the weapons it supplied (rows, with their
  classes) against places
  or target types (columns); each cell is the engine's outcome on that day, coloured
  permitted / permitted if / prohibited / not permitted / contested / unknown; "if" when it
  is permitted only under a condition the question leaves open (the purpose, say), starred
  when a prohibition would apply under such a condition.
- :func:`draw_timeline`: one lane per grantor on a true time axis, a numbered marker per
  decision or statement (its shape and colour for the kind of change, its fill for the
  confidence), items close in time stacked, and a key of the numbers under the chart.

Examples
--------
>>> import matplotlib
>>> matplotlib.use("Agg")
>>> from datetime import date
>>> from graph.load import load
>>> dataset = load().dataset
>>> drawing = draw_timeline(dataset)
>>> "granted" in drawing.legend
True
"""

from __future__ import annotations

import textwrap
from collections.abc import Sequence
from datetime import date
from typing import TYPE_CHECKING, Any

from rdflib import Dataset, URIRef
from rdflib.namespace import RDF, SKOS

from graph.dates import period
from graph.draw import PERMITTED, PROHIBITED, Drawing, new_axes
from graph.history import timeline
from graph.namespaces import GEO, ODRL2, PG
from graph.policy import Action, Outcome, PolicyEngine
from graph.project import label_of

if TYPE_CHECKING:
    from matplotlib.axes import Axes

__all__ = [
    "CHANGE_MARKERS",
    "OUTCOME_COLOURS",
    "default_places",
    "draw_policy_matrix",
    "draw_timeline",
    "matrix_rows",
]

#: Cell colour by outcome.
OUTCOME_COLOURS = {
    Outcome.PERMITTED: PERMITTED,
    Outcome.CONDITIONAL: "#d9ef8b",
    Outcome.PROHIBITED: PROHIBITED,
    Outcome.NOT_PERMITTED: "#bdbdbd",
    Outcome.CONTESTED: "#fdae61",
    Outcome.UNKNOWN: "#ffffff",
}
_OUTCOME_MARKS = {
    Outcome.PERMITTED: "yes",
    Outcome.CONDITIONAL: "if",
    Outcome.PROHIBITED: "no",
    Outcome.NOT_PERMITTED: "-",
    Outcome.CONTESTED: "?!",
    Outcome.UNKNOWN: "?",
}

#: Marker and colour by kind of change, for the timeline.
CHANGE_MARKERS: dict[str, tuple[str, str]] = {
    "granted": ("^", PERMITTED),
    "extended": (">", PERMITTED),
    "narrowed": ("v", PROHIBITED),
    "restricted": ("s", PROHIBITED),
    "reversed": ("D", "#762a83"),
    "statement": ("o", "#4d4d4d"),
}


def matrix_rows(dataset: Dataset, grantor: URIRef) -> list[URIRef]:
    """The weapons a grantor's rows show: the systems the sources say it supplied.

    A grantor with no recorded system gets one row for any weapon (``pg:WeaponSystem``).
    Systems rather than classes: a rule about one system (Storm Shadow) leaves a whole
    class undecided.
    """
    systems = {
        system
        for collection in dataset.subjects(PG.supplier, grantor)
        for system in dataset.objects(collection, PG.includesSystem)
        if isinstance(system, URIRef)
    }
    return sorted(systems, key=lambda s: label_of(dataset, s)) or [URIRef(PG.WeaponSystem)]


def _row_label(dataset: Dataset, weapon: URIRef) -> str:
    if weapon == PG.WeaponSystem:
        return "any weapon"
    kinds = sorted(
        label_of(dataset, c)
        for c in dataset.objects(weapon, RDF.type)
        if isinstance(c, URIRef) and c != PG.LongRangeMissile
    )
    return f"{label_of(dataset, weapon)} ({', '.join(kinds)})" if kinds else label_of(dataset, weapon)


def default_places(dataset: Dataset) -> list[URIRef]:
    """Regions and cities inside the states that rules name as places, grouped by state."""
    states = {
        right
        for constraint in dataset.subjects(ODRL2.leftOperand, ODRL2.spatial)
        for right in dataset.objects(constraint, ODRL2.rightOperand)
        if (right, RDF.type, PG.State) in dataset
    }
    places = set()
    for kind in (PG.Region, PG.City):
        for place in dataset.subjects(RDF.type, kind):
            if isinstance(place, URIRef) and any(
                state in set(dataset.transitive_objects(place, GEO.sfWithin)) for state in states
            ):
                places.add(place)

    def key(place: URIRef) -> tuple[str, str]:
        within = [s for s in dataset.transitive_objects(place, GEO.sfWithin) if s in states]
        return (label_of(dataset, within[0]) if within else "", label_of(dataset, place))

    return sorted(places, key=key)


def _grantors(dataset: Dataset, actor: URIRef) -> list[URIRef]:
    found = set()
    for rule_prop in (
        ODRL2.permission,
        ODRL2.prohibition,
    ):
        for policy, rule in dataset.subject_objects(rule_prop):
            if (rule, ODRL2.assignee, actor) in dataset:
                found |= {g for g in dataset.objects(policy, ODRL2.assigner) if isinstance(g, URIRef)}
    return sorted(found, key=lambda g: label_of(dataset, g))


def draw_policy_matrix(
    dataset: Dataset,
    *,
    day: date,
    actor: URIRef,
    place: URIRef | None = None,
    target_type: URIRef | None = None,
    places: Sequence[URIRef] | None = None,
    grantors: Sequence[URIRef] | None = None,
    engine: PolicyEngine | None = None,
    ax: Axes | None = None,
) -> Drawing:
    """Draw who lets ``actor`` do what on ``day``: supplied weapons against places or target types.

    Parameters
    ----------
    day : date
        The day the rules are read for.
    actor : URIRef
        Who acts.
    place : URIRef, optional
        Fix the place; the columns are then the target types.
    target_type : URIRef, optional
        Fix the target type (default ``pg:AttackingForces``) when the columns are places.
    places : sequence of URIRef, optional
        The columns when they are places; default :func:`default_places`.
    grantors : sequence of URIRef, optional
        The grantors to show; default every one with a rule for ``actor``.
    engine : PolicyEngine, optional
        Reuse an engine already built over ``dataset``.

    Returns
    -------
    Drawing
        ``labels`` maps "grantor / weapon class / column" to the outcome drawn in that cell.
    """
    from matplotlib.patches import Patch, Rectangle

    engine = engine or PolicyEngine(dataset)
    grantors = list(grantors) if grantors is not None else _grantors(dataset, actor)
    if place is not None:
        columns = sorted(
            (c for c in dataset.subjects(SKOS.inScheme, PG.TargetTypeScheme) if isinstance(c, URIRef)),
            key=lambda c: label_of(dataset, c),
        )
        fixed = f"in {label_of(dataset, place)}"
    else:
        columns = list(places) if places is not None else default_places(dataset)
        target_type = target_type or URIRef(PG.AttackingForces)
        fixed = f"against {label_of(dataset, target_type)}"
    rows = [(g, w) for g in grantors for w in matrix_rows(dataset, g)]
    if not rows or not columns:
        raise ValueError("nothing to draw: no grantor has rules for this actor, or there are no columns")
    ax = new_axes(ax, (2.2 + 1.25 * len(columns), 1.6 + 0.55 * len(rows)))
    drawing = Drawing(
        ax=ax, title=f"Who lets {label_of(dataset, actor)} strike {fixed}, as of {day.isoformat()}"
    )
    for i, (grantor, weapon) in enumerate(rows):
        y = len(rows) - 1 - i
        for j, column in enumerate(columns):
            action = Action(
                actor=actor,
                weapon=weapon,
                supplier=grantor,
                day=day,
                place=place if place is not None else column,
                target_type=column if place is not None else target_type,
            )
            decision = engine.decide(action)
            colour = OUTCOME_COLOURS[decision.outcome]
            ax.add_patch(Rectangle((j, y), 1, 1, facecolor=colour, edgecolor="white", linewidth=2))
            mark = _OUTCOME_MARKS[decision.outcome] + ("*" if decision.caveats else "")
            ax.text(
                j + 0.5,
                y + 0.5,
                mark,
                ha="center",
                va="center",
                fontsize=9,
                color="white" if decision.outcome in (Outcome.PERMITTED, Outcome.PROHIBITED) else "black",
            )
            key = (
                f"{label_of(dataset, grantor)} / {_row_label(dataset, weapon)} / {label_of(dataset, column)}"
            )
            drawing.labels[key] = decision.outcome
            drawing.node_colours[key] = colour
    ax.set_xlim(0, len(columns))
    ax.set_ylim(0, len(rows))
    ax.set_xticks([j + 0.5 for j in range(len(columns))])
    ax.set_xticklabels(["\n".join(textwrap.wrap(label_of(dataset, c), 14)) for c in columns], fontsize=9)
    ax.xaxis.tick_top()
    ax.set_yticks([len(rows) - 1 - i + 0.5 for i in range(len(rows))])
    ax.set_yticklabels([f"{label_of(dataset, g)}: {_row_label(dataset, w)}" for g, w in rows], fontsize=9)
    for i in range(1, len(rows)):
        if rows[i][0] != rows[i - 1][0]:
            ax.axhline(len(rows) - i, color="#333333", linewidth=1.5)
    ax.tick_params(length=0)
    for spine in ax.spines.values():
        spine.set_visible(False)
    handles = [
        Patch(facecolor=c, edgecolor="#555555", label=f"{o.words} ({_OUTCOME_MARKS[o]})")
        for o, c in OUTCOME_COLOURS.items()
    ]
    ax.legend(
        handles=handles, loc="upper center", bbox_to_anchor=(0.5, -0.02), ncol=5, frameon=False, fontsize=8
    )
    drawing.legend = [str(h.get_label()) for h in handles]
    drawing.note = (
        "if: permitted only under a condition the question leaves open (such as the purpose);\n"
        "*: a prohibition would apply under such a condition. "
        "A supplier's rules govern its weapons, and so do a controlling party's."
    )
    ax.set_title(drawing.title, fontsize=12, loc="left", pad=36)
    ax.text(0.0, -0.12, drawing.note, transform=ax.transAxes, fontsize=8, color="#555555", va="top")
    return drawing


#: the width of an A4 page's text, in inches: a figure this wide is printed at its own size
A4_WIDTH = 7.3
#: the fill of a marker by the best confidence its sources give: solid, half, hollow
CONFIDENCE_FILLS = (("high", ""), ("medium", "88"), ("low", None))


def _first_day(value: str) -> date:
    """A date, a month (``2023-10``) or a year as the first day it names."""
    return period(value[:10]).first


def _stack(xs: Sequence[float], lanes: Sequence[Any], *, gap: float) -> list[int]:
    """The level of each item in its lane: an item closer than ``gap`` to the one below stacks up."""
    levels: list[int] = []
    last: dict[Any, list[float]] = {}
    for x, lane in zip(xs, lanes, strict=True):
        taken = last.setdefault(lane, [])
        level = next((k for k, at in enumerate(taken) if x - at > gap), len(taken))
        if level == len(taken):
            taken.append(x)
        taken[level] = x
        levels.append(level)
    return levels


def _lane_heights(
    lanes: Sequence[Any], grantors: Sequence[Any], levels: Sequence[int]
) -> tuple[dict[Any, float], float]:
    """Where each lane sits (the first on top), as tall as its stack; and the total height."""
    top = {lane: 0 for lane in lanes}
    for grantor, level in zip(grantors, levels, strict=True):
        top[grantor] = max(top[grantor], level)
    lane_y: dict[Any, float] = {}
    base = 0.0
    for lane in reversed(lanes):
        lane_y[lane] = base
        base += _STEP * top[lane] + 1.0
    return lane_y, base


#: the height between two stacked items, in lanes
_STEP = 0.5


def _timeline_legend(ax: Axes) -> list[str]:
    """The legend of the kinds (shape and colour) and the confidences (fill); its entries."""
    from matplotlib.lines import Line2D

    handles: list[Any] = [
        Line2D([0], [0], marker=m, color="none", markerfacecolor=c, markeredgecolor=c, markersize=8, label=k)
        for k, (m, c) in CHANGE_MARKERS.items()
    ]
    grey = "#4d4d4d"  # confidence by fill, on a shape no kind uses
    handles += [
        Line2D(
            [0],
            [0],
            marker="h",
            color="none",
            markerfacecolor="white" if suffix is None else grey + suffix,
            markeredgecolor=grey,
            markersize=8,
            label=f"{name} confidence",
        )
        for name, suffix in CONFIDENCE_FILLS
    ]
    ax.legend(
        handles=handles, loc="lower left", bbox_to_anchor=(0.0, 1.0), ncol=5, frameon=False, fontsize=7.5
    )
    return [str(h.get_label()) for h in handles]


def _time_axis(ax: Axes, xs: Sequence[float], span: float) -> None:
    """Dates on the x axis, each tick once, the year shown where it changes."""
    import matplotlib.dates as mdates

    locator = mdates.AutoDateLocator(minticks=4, maxticks=9)  # type: ignore[no-untyped-call]
    ax.xaxis.set_major_locator(locator)
    ax.xaxis.set_major_formatter(mdates.ConciseDateFormatter(locator))  # type: ignore[no-untyped-call]
    ax.tick_params(axis="x", labelsize=8)
    ax.set_xlim(min(xs) - span * 0.03, max(xs) + span * 0.06)


def draw_timeline(dataset: Dataset, *, ax: Axes | None = None, width: int = 100) -> Drawing:
    """Draw the decisions and statements per grantor on a true time axis.

    Each item is a numbered marker in its grantor's lane at its date (a month or a year at
    its first day): the shape and colour say the kind of change, the fill the best
    confidence its sources give (solid high, half medium, hollow low). Items close in time
    stack within their lane. The key under the chart gives each number's date, grantor,
    label and kind (lines wrap at ``width`` characters), so the chart stays legible at the
    width of an A4 page.

    Returns
    -------
    Drawing
        ``labels`` maps each item's label to its change kind; ``positions`` each item to
        its (date number, height); ``label_artists`` each item to its number; ``edges`` is
        empty.
    """
    import matplotlib.dates as mdates

    rows = list(timeline(dataset))
    if not rows:
        raise ValueError("nothing to draw: no dated decision in the graph")
    order = sorted(rows, key=lambda r: (_first_day(str(r["date"])), str(r["grantor"]), str(r["item"])))
    lanes = sorted({r["grantor"] for r in rows}, key=lambda g: label_of(dataset, g))
    xs = [float(mdates.date2num(_first_day(str(r["date"])))) for r in order]  # type: ignore[no-untyped-call]
    span = max(max(xs) - min(xs), 30.0)
    grantors = [r["grantor"] for r in order]
    levels = _stack(xs, grantors, gap=span * 0.035)
    lane_y, height = _lane_heights(lanes, grantors, levels)
    ax = new_axes(ax, (A4_WIDTH, 1.4 + 0.32 * height + 0.22 * len(order)))
    drawing = Drawing(ax=ax, title="Decisions and statements, per grantor")
    key: list[str] = []
    for number, (x, level, row) in enumerate(zip(xs, levels, order, strict=True), start=1):
        change, confidence = str(row["change"]), str(row["confidence"])
        marker, colour = CHANGE_MARKERS.get(change.split(":", 1)[0], ("o", "#4d4d4d"))
        suffix = dict(CONFIDENCE_FILLS).get(confidence)
        y = lane_y[row["grantor"]] + _STEP * level
        ax.plot(
            [x],
            [y],
            marker=marker,
            markersize=9,
            markerfacecolor="white" if suffix is None else colour + suffix,
            markeredgecolor=colour,
            markeredgewidth=1.4,
            linestyle="none",
            zorder=3,
        )
        drawing.label_artists[str(row["item"])] = ax.annotate(
            str(number), (x, y), xytext=(6, 0), textcoords="offset points", fontsize=7, va="center"
        )
        entry = f"{number:>2}  {row['date']!s:<10}  {label_of(dataset, row['grantor'])}: {row['label']}"
        key.extend(
            textwrap.wrap(f"{entry} ({change}, {confidence} confidence)", width, subsequent_indent=" " * 16)
        )
        drawing.labels[str(row["label"])] = change
        drawing.node_colours[str(row["label"])] = colour
        drawing.positions[str(row["item"])] = (x, y)
    for lane in lanes:
        ax.axhline(lane_y[lane], color="#dddddd", linewidth=1, zorder=1)
    ax.set_yticks([lane_y[g] for g in lanes])
    ax.set_yticklabels([label_of(dataset, g) for g in lanes], fontsize=9)
    _time_axis(ax, xs, span)
    ax.set_ylim(-0.5, height - 0.5)
    for spine in ("top", "right", "left"):
        ax.spines[spine].set_visible(False)
    drawing.legend = _timeline_legend(ax)
    ax.annotate(
        "\n".join(key),
        (0, 0),
        xycoords="axes fraction",
        xytext=(0, -24),
        textcoords="offset points",
        va="top",
        ha="left",
        fontsize=7,
        family="monospace",
    )
    drawing.note = "On a time axis; items close in time stack in their lane; the key gives each number."
    ax.set_title(drawing.title, fontsize=12, loc="left", pad=40)
    return drawing
