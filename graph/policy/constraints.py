"""The kinds of constraint the engine decides, in one registry: operand, reads, words, order, check.

Each :class:`ConstraintKind` names the ODRL left operand it decides, the fields of an
:class:`~graph.policy.records.Action` its check reads (a check depends on nothing else,
so the engine remembers it per constraint and per those fields), its place in
explanations and diagrams, and its check: a function of the day's
:class:`~graph.policy.facts.Knowledge`, the operator, the right operands and the action,
that answers a :class:`~graph.policy.records.Status`, a reason in words and the facts it
used. ``draw`` and ``charts`` read the same registry for their words and order.

ODRL's negative operators (``odrl:neq``, ``odrl:isNoneOf``) turn a held check into a
failed one and back: "anywhere except Moscow" is ``odrl:spatial odrl:isNoneOf :Moscow``.

Examples
--------
>>> from graph.namespaces import ODRL2, PG
>>> KINDS[ODRL2.spatial].reads, KINDS[PG.depth].reads
(('place',), ('place', 'actor'))
>>> [kind.label for kind in ordered()][:3]
['place', 'across the border from', 'depth']
>>> operator_words("isNoneOf")
'is none of'
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date

from rdflib import Literal, URIRef
from rdflib.term import Node

from graph.dates import Period, period
from graph.namespaces import ODRL2, PG
from graph.policy.facts import Knowledge
from graph.policy.records import Action, Fact, Status

__all__ = [
    "KINDS",
    "NEGATIVE",
    "ConstraintKind",
    "Result",
    "day_points",
    "operator_words",
    "order_of",
    "ordered",
]

#: what a check answers: its status, the reason in words, the facts it used
Result = tuple[Status, str, tuple[Fact, ...]]
Check = Callable[[Knowledge, str, frozenset[Node], Action], Result]

_BORDER_AREA, _DEEP_INSIDE = URIRef(PG.BorderArea), URIRef(PG.DeepInside)
#: operators that negate the check of their operand
NEGATIVE = frozenset({"neq", "isNoneOf"})

_OPERATOR_WORDS = {
    "isPartOf": "within",
    "eq": "is",
    "isAnyOf": "is one of",
    "isA": "is a",
    "gteq": "from",
    "gt": "after",
    "lteq": "until",
    "lt": "before",
    "neq": "is not",
    "isNoneOf": "is none of",
    "isAllOf": "is all of",
}


def operator_words(operator: str) -> str:
    """An ODRL operator's local name in words, for diagrams and explanations."""
    return _OPERATOR_WORDS.get(operator, operator)


@dataclass(frozen=True)
class ConstraintKind:
    """One kind of constraint: its left operand, what it reads, its words, order and check."""

    left: URIRef
    label: str
    reads: tuple[str, ...]
    order: int
    check: Check


def _names(k: Knowledge, values: Iterable[Node], joiner: str = " or ") -> str:
    return joiner.join(sorted(k.label(v) for v in values))


def _check_place(k: Knowledge, op: str, values: frozenset[Node], action: Action) -> Result:
    place = action.place
    wanted = _names(k, values)
    if place is None:
        return Status.OPEN, f"no place given; the rule needs it within {wanted}", ()
    if place in values:
        return Status.HELD, f"{k.label(place)} is {wanted}", ()
    for value in sorted(values, key=str):
        if value in k.within.get(place, {}):
            return Status.HELD, f"{k.label(place)} is within {k.label(value)}", k.within_path(place, value)
    for value in sorted(values, key=str):
        if place in k.within.get(value, {}):
            return (
                Status.OPEN,
                f"{k.label(place)} is larger than {wanted}: holds only for a part of it",
                k.within_path(value, place),
            )
    return Status.FAILED, f"{k.label(place)} is not within {wanted}", ()


def _check_border(k: Knowledge, op: str, values: frozenset[Node], action: Action) -> Result:
    place = action.place
    wanted = _names(k, values)
    if place is None:
        return Status.OPEN, f"no place given; the rule needs it across the border from {wanted}", ()
    for region in sorted(k.regions_of(place), key=str):
        for value in sorted(values, key=str):
            if value in k.borders.get(region, set()):
                facts = k.border_fact(region, value)
                if region == place:
                    where = k.label(place)
                else:
                    where = f"{k.label(place)} is in {k.label(region)}, which"
                    facts = k.within_path(place, region) + facts
                return Status.HELD, f"{where} borders {k.label(value)}: inside the scope", facts
    for value in sorted(values, key=str):
        for region in sorted(k.borders.get(value, set()), key=str):
            if place in k.within.get(region, {}):
                return (
                    Status.OPEN,
                    f"{k.label(place)} is larger than the scope: only its part {k.label(region)} "
                    f"borders {k.label(value)}",
                    k.within_path(region, place) + k.border_fact(region, value),
                )
    return Status.FAILED, f"{k.label(place)} is not in a region that borders {wanted}", ()


def depth_of(k: Knowledge, place: Node, actor: Node) -> tuple[Node | None, str, tuple[Fact, ...]]:
    """Whether a place is in the border area of the actor's state or deep inside another."""
    home = k.state_of(actor)
    for region in sorted(k.regions_of(place), key=str):
        for neighbour in sorted(k.borders.get(region, set()), key=str):
            homes = sorted(set(k.within.get(neighbour, {})) & home, key=str)
            if homes:
                facts = (
                    (k.within_path(place, region) if region != place else ())
                    + k.border_fact(region, neighbour)
                    + k.within_path(neighbour, homes[0])
                )
                return _BORDER_AREA, f"{k.label(region)} borders {k.label(neighbour)}", facts
    if not k.within.get(place):
        return None, f"{k.label(place)} is a whole state: cannot tell border area from deep inside", ()
    return (
        _DEEP_INSIDE,
        f"{k.label(place)} is in no region bordering {_names(k, home, ', ')}",
        (),
    )


def _check_depth(k: Knowledge, op: str, values: frozenset[Node], action: Action) -> Result:
    if action.place is None:
        return Status.OPEN, f"no place given; the rule needs {_names(k, values)}", ()
    depth, why, facts = depth_of(k, action.place, action.actor)
    if depth is None:
        return Status.OPEN, why, facts
    if depth in values:
        return Status.HELD, f"{why}: {k.label(depth)}", facts
    return Status.FAILED, f"{why}: {k.label(depth)}, not {_names(k, values)}", facts


def _check_weapon_class(k: Knowledge, op: str, values: frozenset[Node], action: Action) -> Result:
    weapon = action.weapon
    mine = k.classes.get(weapon, {})
    for value in sorted(values, key=str):
        if value in mine:
            return Status.HELD, f"{k.label(weapon)} is a {k.label(value)}", k.facts_of(mine[value])
    if k.weapon_is_class.get(weapon):
        members = sorted(
            {k.label(m) for v in values for m in k.members.get(v, set()) if weapon in k.classes.get(m, {})}
        )
        if members:
            return (
                Status.OPEN,
                f"some {k.label(weapon)}s are {_names(k, values)}s ({', '.join(members)}): depends which",
                (),
            )
    return Status.FAILED, f"{k.label(weapon)} is not a {_names(k, values)}", ()


def _check_weapon_system(k: Knowledge, op: str, values: frozenset[Node], action: Action) -> Result:
    weapon = action.weapon
    if weapon in values:
        return Status.HELD, f"{k.label(weapon)} is the system the rule names", ()
    if k.weapon_is_class.get(weapon):
        covered = sorted((v for v in values if weapon in k.classes.get(v, {})), key=str)
        if covered:
            names = ", ".join(k.label(v) for v in covered)
            return (
                Status.OPEN,
                f"{k.label(weapon)} includes {names}: applies only if it is that system",
                k.facts_of(k.classes[covered[0]][weapon]),
            )
    return Status.FAILED, f"{k.label(weapon)} is not {_names(k, values)}", ()


def _check_concept(k: Knowledge, op: str, values: frozenset[Node], action: Action, *, noun: str) -> Result:
    given = action.purpose if noun == "purpose" else action.target_type
    wanted = _names(k, values, ", ")
    some = "one of " if len(values) > 1 else ""
    if given is None:
        return Status.OPEN, f"no {noun} given; the rule needs {some}{wanted}", ()
    if given in values:
        return Status.HELD, f"{k.label(given)} is {k.label(given)}", ()
    up = k.broader.get(given, {given: ()})
    for value in sorted(values, key=str):
        if value in up:
            return Status.HELD, f"{k.label(given)} falls under {k.label(value)}", k.facts_of(up[value])
    narrower = sorted((v for v in values if given in k.broader.get(v, {})), key=str)
    if narrower:
        return (
            Status.OPEN,
            f"{k.label(given)} is broader than {wanted}: holds only if it is {wanted}",
            k.facts_of(k.broader[narrower[0]][given]),
        )
    return Status.FAILED, f"{k.label(given)} is not {some}{wanted}", ()


def _check_target(k: Knowledge, op: str, values: frozenset[Node], action: Action) -> Result:
    return _check_concept(k, op, values, action, noun="target type")


def _check_purpose(k: Knowledge, op: str, values: frozenset[Node], action: Action) -> Result:
    return _check_concept(k, op, values, action, noun="purpose")


def _tri(yes: bool, no: bool) -> bool | None:
    return True if yes else False if no else None


#: whether a day passes a date constraint; for a bound known only to the month: None inside it
_DATE_TESTS: dict[str, Callable[[Period, date], bool | None]] = {
    "gteq": lambda b, d: _tri(d >= b.last, d < b.first),
    "gt": lambda b, d: _tri(d > b.last, d <= b.first),
    "lteq": lambda b, d: _tri(d <= b.first, d > b.last),
    "lt": lambda b, d: _tri(d < b.first, d >= b.last),
    "eq": lambda b, d: _tri(b.first == d == b.last, d < b.first or d > b.last),
}
_DATE_WORDS = {"gteq": "on or after", "gt": "after", "lteq": "on or before", "lt": "before", "eq": "on"}


def _bounds(k: Knowledge, values: frozenset[Node]) -> list[Period] | Node:
    """A date constraint's bounds as the day's knowledge reads them, or the value that is no date."""
    bounds = []
    for value in values:
        try:
            bounds.append(k.reading.read(period(value if isinstance(value, Literal) else str(value))))
        except ValueError:
            return value
    return bounds


def day_points(k: Knowledge, values: frozenset[Node]) -> list[date]:
    """The days on which a date constraint's answer may change: its bounds' first and last days.

    Every comparison of :data:`_DATE_TESTS` is with one of them, so days between two of
    them (or on one) get the same answer.
    """
    bounds = _bounds(k, values)
    return sorted({d for b in bounds for d in (b.first, b.last)}) if isinstance(bounds, list) else []


def _check_date(k: Knowledge, op: str, values: frozenset[Node], action: Action) -> Result:
    day = action.day
    test = _DATE_TESTS.get(op)
    if test is None:
        return Status.UNKNOWN, f"the engine does not compare dates with {op}", ()
    bounds = _bounds(k, values)
    if not isinstance(bounds, list):
        return Status.UNKNOWN, f"{bounds} is not a date", ()
    results = [test(bound, day) for bound in bounds]
    words, shown = _DATE_WORDS.get(op, op), ", ".join(str(b) for b in sorted(bounds))
    if all(ok is True for ok in results):
        return Status.HELD, f"the day is {words} {shown}", ()
    if any(ok is False for ok in results):
        return Status.FAILED, f"the day is not {words} {shown}", ()
    return Status.UNKNOWN, f"the day falls inside {shown}: cannot tell", ()


#: Every kind of constraint the engine decides, by its left operand, in explanation order.
KINDS: dict[URIRef, ConstraintKind] = {
    kind.left: kind
    for kind in (
        ConstraintKind(ODRL2.spatial, "place", ("place",), 0, _check_place),
        ConstraintKind(PG.acrossBorderFrom, "across the border from", ("place",), 1, _check_border),
        ConstraintKind(PG.depth, "depth", ("place", "actor"), 2, _check_depth),
        ConstraintKind(PG.weaponSystem, "weapon system", ("weapon",), 3, _check_weapon_system),
        ConstraintKind(PG.weaponClass, "weapon class", ("weapon",), 4, _check_weapon_class),
        ConstraintKind(PG.targetType, "target type", ("target_type",), 5, _check_target),
        ConstraintKind(ODRL2.purpose, "purpose", ("purpose",), 6, _check_purpose),
        ConstraintKind(ODRL2.dateTime, "date", ("day",), 7, _check_date),
    )
}


def ordered() -> list[ConstraintKind]:
    """The kinds in the order explanations and diagrams list them."""
    return sorted(KINDS.values(), key=lambda kind: kind.order)


def order_of(left: Node) -> int:
    """A left operand's place in explanations (unknown operands last)."""
    kind = KINDS.get(left) if isinstance(left, URIRef) else None
    return kind.order if kind is not None else len(KINDS)
