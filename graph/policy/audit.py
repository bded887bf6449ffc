"""Audit reported events against the rules in force on their day, as known when they were reported.

Every event in the graph (a strike, a first use of a weapon: ``pg:Event`` and its
subclasses, read with the library query ``events``) becomes an
:class:`~graph.policy.records.Action` and is decided by the engine for the day it
happened, with only the sources published by the day the event's own source was
(``known_by``; undated sources and an undated event source: every source). Each row
says the outcome, the deciding rules and the sources that assert them.

Examples
--------
>>> from graph.load import load
>>> rows = audit(load().dataset)
>>> [(row.label, row.day, row.decision.outcome.value) for row in rows][:1]
[('first use of the 300 km ATACMS, in Crimea', '2024-04-17', 'permitted')]
"""

from __future__ import annotations

import csv
import io
import json
from dataclasses import dataclass
from datetime import date
from typing import Any

from rdflib import Dataset, URIRef

from graph.dates import period
from graph.policy.engine import PolicyEngine
from graph.policy.explain import Decision
from graph.policy.records import Action
from graph.queries import get_query, run_query
from graph.results import short

__all__ = ["AuditRow", "audit", "format_audit"]

COLUMNS = ("event", "label", "day", "reported", "outcome", "deciding", "rule_sources", "event_source")


@dataclass(frozen=True)
class AuditRow:
    """One event, decided for its day as known when it was reported."""

    event: str
    label: str
    day: str
    #: when the event's source was published, as it gives it ("" when undated: every source counts)
    reported: str
    event_source: str
    decision: Decision

    def as_dict(self) -> dict[str, Any]:
        """The row as plain data: the columns of :data:`COLUMNS`, and the whole decision."""
        deciding = self.decision.deciding
        return {
            "event": self.event,
            "label": self.label,
            "day": self.day,
            "reported": self.reported,
            "outcome": self.decision.outcome.value,
            "deciding": [f"{r.kind.value} '{r.label}' ({r.policy_label})" for r in deciding],
            "rule_sources": sorted({s.title for r in deciding for s in r.sources}),
            "event_source": self.event_source,
            "decision": self.decision.as_dict(),
        }


def audit(dataset: Dataset, *, engine: PolicyEngine | None = None) -> list[AuditRow]:
    """Every event in the graph, decided for its day as known when it was reported.

    Parameters
    ----------
    dataset : Dataset
        The loaded dataset.
    engine : PolicyEngine, optional
        An engine over the same dataset (its conflict strategy is used).
    """
    engine = engine or PolicyEngine(dataset)
    rows = []
    seen: set[tuple[str, str]] = set()
    for row in run_query(dataset, get_query("events")):
        event, source = row["event"], row["source"]
        if not isinstance(event, URIRef) or (str(event), str(source)) in seen:
            continue
        seen.add((str(event), str(source)))
        day = date.fromisoformat(str(row["date"]))
        reported = _reported(row["issued"])
        action = Action(
            actor=row["actor"],  # type: ignore[arg-type]
            weapon=row["weapon"],  # type: ignore[arg-type]
            supplier=row["supplier"],  # type: ignore[arg-type]
            place=row["place"],  # type: ignore[arg-type]
            target_type=row["target"],  # type: ignore[arg-type]
            purpose=row["purpose"],  # type: ignore[arg-type]
            day=day,
        )
        decision = engine.as_known_by(reported).decide(action)
        rows.append(
            AuditRow(
                event=short(event),
                label=str(row["label"] or short(event)),
                day=day.isoformat(),
                reported=str(row["issued"] or "") if reported else "",
                event_source=short(source),
                decision=decision,
            )
        )
    return rows


def _reported(issued: Any) -> date | None:
    """The day a source's reporting counts from: the last day of a month- or year-only date."""
    if issued is None:
        return None
    try:
        return period(issued).last
    except ValueError:
        return None


def format_audit(rows: list[AuditRow], fmt: str) -> str:
    """The audit as ``text`` (a table), ``csv`` or ``json``."""
    data = [row.as_dict() for row in rows]
    if fmt == "json":
        return json.dumps(data, indent=2) + "\n"
    if fmt == "csv":
        buffer = io.StringIO()
        writer = csv.writer(buffer, lineterminator="\n")
        writer.writerow(COLUMNS)
        for item in data:
            writer.writerow(["; ".join(v) if isinstance(v, list) else v for v in (item[c] for c in COLUMNS)])
        return buffer.getvalue()
    if not rows:
        return "no events in the graph (type a report's events pg:Strike or pg:Event)\n"
    lines = []
    for row, item in zip(rows, data, strict=True):
        lines.append(f"{row.day}  {row.decision.outcome.words.upper():<14} {row.label}  [{row.event_source}]")
        known = f"as reported by {row.reported}" if row.reported else "every source"
        lines.append(f"    decided for {row.day}, {known}")
        lines += [f"    {reason}" for reason in row.decision.reasons]
        lines += [f"    permitted if {alternative.line()}" for alternative in row.decision.alternatives]
        lines += [f"    prohibited if {caveat.line()}" for caveat in row.decision.caveats]
        lines += [f"    source of the rule: {title}" for title in item["rule_sources"]]
    return "\n".join(lines) + "\n"
