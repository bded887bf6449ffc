"""The decision table of one actor, weapon and place: the rules that may apply, answers kept per span of days.

Questions about the same actor, action, weapon, supplier and place weigh the same rules:
those whose grantor has a say over the weapon and none of whose constraints on those fixed
parts fails. A :class:`Table` lists them in explanation order, one :class:`Entry` each,
and keeps each rule's answer (the rule's check, or None when the rule does not apply) by
the span of days the question's day falls in and by the parts of the question the rule
reads beyond the fixed ones (target type, purpose). A span is a stretch of days on which
nothing the rule's answer rests on can change: its policy's start, the starts of what
revokes it, the bounds of its date constraints and the days of the statements about its
policy are its edges, each edge a span of its own. A question then costs, per rule that
has begun, one search among a few days and one look-up.

Examples
--------
>>> from datetime import date
>>> entry = Entry(rule=None, begins=date(2024, 5, 30), authority=None, reads=())
>>> entry.days = (date(2024, 5, 30), date(2024, 6, 30))
>>> [entry.span(date(2024, d, 15)) for d in (5, 6, 7)], entry.span(date(2024, 5, 30))
([0, 2, 4], 1)
"""

from __future__ import annotations

import bisect
from dataclasses import dataclass, field
from datetime import date
from typing import Any

__all__ = ["MISSING", "Entry", "Table"]

#: an answer an entry has not worked out yet
MISSING: Any = object()


@dataclass(eq=False, slots=True)
class Entry:
    """One rule in a decision table, with the answers worked out so far."""

    #: the rule (a :class:`~graph.policy.facts.Rule`)
    rule: Any
    #: the first day the rule may be in force (``date.min`` when its policy is undated)
    begins: date
    #: why its grantor has a say over the weapon: (authority, in words, facts)
    authority: Any
    #: the parts of a question the rule reads beyond the fixed ones; None: the whole
    #: question (a constraint the engine does not know), so nothing is kept
    reads: tuple[tuple[str, ...], ...] | None
    #: a number shared by the entries whose rule's constraints on the fixed parts answer alike
    fixed: int = 0
    #: the days its answer may change on, sorted
    days: tuple[date, ...] = ()

    def span(self, day: date) -> int:
        """The number of the span of days ``day`` falls in: even between edges, odd on one."""
        days = self.days
        at = bisect.bisect_left(days, day)
        return 2 * at + (at < len(days) and days[at] == day)


@dataclass(eq=False, slots=True)
class Table:
    """The entries of one actor, action, weapon, supplier and place, and their answers."""

    entries: list[Entry]
    #: (an entry's place in :attr:`entries`, its span, the part numbers it reads) -> the
    #: rule's check, or None when it does not apply. One dictionary for the table, its keys
    #: numbers only: nothing in them for the cyclic collector to scan
    answers: dict[tuple[int, ...], Any] = field(default_factory=dict)
