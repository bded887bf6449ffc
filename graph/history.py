"""Travel in time: what was in force on a day, what changed between two days, the timeline.

Thin functions over the library queries ``state-on-date``, ``diff-between-dates`` and
``timeline``, which work on any store that answers SPARQL.

Examples
--------
>>> from datetime import date
>>> from graph.load import load
>>> dataset = load().dataset
>>> rows = state(dataset, date(2024, 6, 5))
>>> "no strikes inside Russia" in {str(r["ruleLabel"]) for r in rows}  # revoked on 2024-05-30
False
>>> changes = diff(dataset, date(2024, 6, 1), date(2024, 6, 30))
>>> sorted({str(r["change"]) for r in changes})
['extended', 'narrowed', 'unchanged restriction']
"""

from __future__ import annotations

from collections import defaultdict
from datetime import date

from rdflib import Dataset, Literal
from rdflib.namespace import XSD
from rdflib.term import Node

from graph.queries import Rows, get_query, run_query

__all__ = ["by_grantor", "diff", "state", "timeline"]


def _day(day: date) -> Literal:
    return Literal(day.isoformat(), datatype=XSD.date)


def state(dataset: Dataset, day: date) -> Rows:
    """Every rule in force on ``day``, per grantor, with the sources that report it."""
    return run_query(dataset, get_query("state-on-date"), bindings={"date": _day(day)})


def diff(dataset: Dataset, start: date, end: date) -> Rows:
    """What changed after ``start`` up to ``end``: granted, extended, narrowed, revoked, unchanged."""
    if end < start:
        raise ValueError(f"the end ({end}) is before the start ({start})")
    return run_query(
        dataset, get_query("diff-between-dates"), bindings={"from": _day(start), "to": _day(end)}
    )


def timeline(dataset: Dataset) -> Rows:
    """Every decision and statement in order, per grantor, with its kind of change and confidence."""
    return run_query(dataset, get_query("timeline"))


def by_grantor(rows: Rows) -> dict[Node, list[dict[str, Node | None]]]:
    """Rows grouped by their ``grantor``, in the order they came."""
    grouped: dict[Node, list[dict[str, Node | None]]] = defaultdict(list)
    for row in rows:
        grouped[row["grantor"]].append(row)  # type: ignore[index]
    return dict(grouped)
