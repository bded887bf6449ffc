"""Dates as sources give them: a day, or only a month or a year.

A decision reported as "October 2023" took effect on some day of that month. It is
a :class:`Period` from the first to the last day it could be; comparing a day with
it gives True (after it for sure), False (before it for sure) or None (inside it:
cannot tell).

Examples
--------
>>> from rdflib import Literal, URIRef, XSD
>>> october = period(Literal("2023-10", datatype=XSD.gYearMonth))
>>> october.first, october.last
(datetime.date(2023, 10, 1), datetime.date(2023, 10, 31))
>>> started_by(october, date(2023, 11, 2)), started_by(october, date(2023, 9, 30))
(True, False)
>>> started_by(october, date(2023, 10, 15)) is None
True
"""

from __future__ import annotations

import calendar
import functools
import re
from dataclasses import dataclass
from datetime import date

from rdflib import Literal, URIRef
from rdflib.namespace import XSD

__all__ = ["Period", "parse_day", "period", "started_by"]


@dataclass(frozen=True, order=True)
class Period:
    """The first and last day a partly known date can be."""

    first: date
    last: date

    def __str__(self) -> str:
        if self.first == self.last:
            return self.first.isoformat()
        if self.first.month == self.last.month:
            return self.first.strftime("%Y-%m")
        return str(self.first.year)

    @property
    def exact(self) -> bool:
        """True when the day is known."""
        return self.first == self.last


_DATE_TIME = URIRef(XSD.dateTime)  # looked up once: a namespace attribute is slow to read


def period(value: Literal | str) -> Period:
    """The period of an ``xsd:date``, ``xsd:gYearMonth`` or ``xsd:gYear`` value (or ISO text).

    Raises
    ------
    ValueError
        When the value is none of those.
    """
    text = str(value)[:10] if isinstance(value, Literal) and value.datatype == _DATE_TIME else str(value)
    return _period(text)


@functools.lru_cache(maxsize=65_536)
def _period(text: str) -> Period:
    """:func:`period` of the text, remembered: the same dates recur in every decision."""
    if re.fullmatch(r"\d{4}-\d{2}-\d{2}", text):
        day = date.fromisoformat(text)
        return Period(day, day)
    if re.fullmatch(r"\d{4}-\d{2}", text):
        year, month = int(text[:4]), int(text[5:])
        return Period(date(year, month, 1), date(year, month, calendar.monthrange(year, month)[1]))
    if re.fullmatch(r"\d{4}", text):
        return Period(date(int(text), 1, 1), date(int(text), 12, 31))
    raise ValueError(f"{text!r} is not a date: write YYYY-MM-DD, YYYY-MM or YYYY")


def parse_day(text: str) -> date:
    """A whole day from ``YYYY-MM-DD`` text, with a message a person can act on."""
    try:
        return date.fromisoformat(text.strip())
    except ValueError:
        raise ValueError(f"{text!r} is not a date: write YYYY-MM-DD, e.g. 2024-06-05") from None


def started_by(start: Period, day: date) -> bool | None:
    """Whether something that started in ``start`` had started on ``day`` (None: cannot tell)."""
    if day >= start.last:
        return True
    if day < start.first:
        return False
    return None
