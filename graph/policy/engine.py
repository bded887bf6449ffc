"""The policy engine: decide whether an action is permitted, explain why, and cite the sources.

May this actor do this, with this weapon, against this target, here, on this day, as
reported by that day?

The semantics (also in the README):

- **Whose rules count.** A rule counts when its grantor has a say over the weapon: it
  supplied it (the weapon is in a collection it supplied), or a source records that the
  weapon's use needs its consent (``pg:controlledBy`` on the system, a class of it or a
  collection that includes it). The rule must be for the actor (or the state it acts for)
  and its target must cover the weapon: a collection of that supplier's weapons, a
  collection with no supplier that includes the system, or the system or a class of it. A rule of a
  party with no say is listed as "not applicable", never silently dropped.
- **Two time axes.** ``day`` is the day of the action; ``known_by`` the day of reporting:
  only sources published by then count (undated reference files and the ontology
  always). A rule is in force from its policy's earliest known date until a known policy
  ``pg:revokes`` it (or its whole policy); ``odrl:dateTime`` constraints narrow it further.
  A date known only to the month leaves the days inside it undecided.
- **Provenance per rule.** A rule's sources are the sources whose graphs assert it
  (``odrl:permission`` / ``odrl:prohibition`` linking it to its policy), each with its
  own attribution and confidence (the rule's own, else its policy's in that source, else
  the source's). Every fact a check used is cited with its sources.
- **Place, weapons, concepts.** ``isPartOf`` is "within" at any depth;
  ``pg:acrossBorderFrom R`` holds in a region that borders ``R``; ``pg:depth`` is
  ``pg:BorderArea`` in a region bordering the actor's state and ``pg:DeepInside``
  elsewhere in that state. A rule about a class covers its members and subclasses; a
  rule about a target type or purpose covers narrower ones. ``odrl:neq`` and
  ``odrl:isNoneOf`` negate ("anywhere except"); ``odrl:or``, ``odrl:xone`` and
  ``odrl:and`` combine constraints ("either counter-fire or air defence").
- **What the question leaves open.** A constraint on something the action does not say
  (no target type, a class where the rule names one system, a state where the rule
  names a city) is *open*. When the answer depends on open constraints (a permission
  that holds only if they do, or a prohibition that would then apply) the outcome is
  ``conditional`` ("permitted if"): each permission is an alternative with its own
  conditions, each prohibition a caveat. When every way of filling them gives the same
  answer, that answer stands.
- **Outcome.** A prohibition that applies and no permission: prohibited. A permission
  and no prohibition: permitted. Neither: not permitted (what is not permitted is not
  allowed). Both: the conflict strategy decides (``odrl:conflict`` on the policies, else
  the engine's default, ``prohibit``); policies that disagree on the strategy, or
  ``invalid``, make it contested, and so does an on-record denial of the deciding policy.
  What the graph cannot tell (an undated policy, a place with no location, an unknown
  weapon or supplier) makes it unknown, saying what is missing.

No entity is named here: every fact comes from the library queries (see
:mod:`graph.policy.facts`), so the same engine runs over any store that answers SPARQL.

Examples
--------
>>> from datetime import date
>>> from graph.load import load
>>> from graph.namespaces import PG, PGR
>>> engine = PolicyEngine(load().dataset)
>>> action = Action(actor=PGR.Ukraine, weapon=PG.Rocket, supplier=PGR.UnitedStates,
...                 target_type=PG.MassingTroops, purpose=PG.CounterFire,
...                 place=PGR.BelgorodOblast, day=date(2024, 6, 5))
>>> engine.decide(action).outcome
<Outcome.PERMITTED: 'permitted'>
>>> engine.decide(action.replace(day=date(2024, 5, 1))).outcome
<Outcome.PROHIBITED: 'prohibited'>
>>> engine.decide(action.replace(purpose=None)).outcome  # depends on what it is for
<Outcome.CONDITIONAL: 'conditional'>
"""

from __future__ import annotations

import bisect
import contextlib
import gc
import itertools
import operator
import weakref
from collections import defaultdict
from collections.abc import Iterable
from datetime import date, timedelta
from typing import Any

from rdflib import Dataset, URIRef
from rdflib.namespace import RDF
from rdflib.term import Node

from graph import collector
from graph.dates import Period, period, started_by
from graph.namespaces import ODRL2, PG
from graph.policy.constraints import KINDS, NEGATIVE, day_points, order_of
from graph.policy.explain import Decision
from graph.policy.facts import Constraint, Facts, Knowledge, Rule, StatementLines
from graph.policy.records import (
    Action,
    Alternative,
    Authority,
    ConstraintCheck,
    DateReading,
    Fact,
    Outcome,
    RuleCheck,
    RuleKind,
    Status,
    Strategy,
)
from graph.policy.table import MISSING, Entry, Table
from graph.results import short

__all__ = ["PolicyEngine", "decide"]

_JUNCTION_WORDS = {"or": "either", "xone": "exactly one of", "and": "all of"}
_TimeStatus = tuple[bool | None, str, tuple[Fact, ...]]
#: a rule's constraints on the fixed parts of a question (each with its number and what it
#: reads; its own first, then its logical constraints' members), how many are its own, and
#: the other parts of a question it reads (None: it may read anything)
_Fixed = tuple[tuple[Constraint, int, tuple[str, ...]], ...]
_Shape = tuple[_Fixed, int, tuple[tuple[str, ...], ...] | None]
#: the parts of an action fixed by a candidate list's key and the place
_FIXED = frozenset({"place", "actor", "weapon", "action"})
#: how many new answers and table entries an engine keeps before it sets them out of the
#: collector's sight (each time)
_SETTLE_EVERY = 1_000
_FIXED_READS = frozenset(kind.reads for kind in KINDS.values() if _FIXED.issuperset(kind.reads))
#: what a date constraint reads, and where the numbers of its spans of days begin in a check's key
_DAY = KINDS[ODRL2.dateTime].reads
_DAY_CLASSES = 1 << 23
#: a rule's place in explanation order
_RANK = operator.attrgetter("rank")
#: how many constraint checks an engine keeps (beyond the date checks prepared with its
#: rules) before it starts again
_CHECKED_MAX = 200_000


def _denial_rows(k: Knowledge) -> dict[str, list[dict[str, Any]]]:
    """The denials said of each policy that has any, by the policy's IRI as text."""
    denial = PG.Denial  # a namespace's attribute is looked up anew each time it is read
    return {
        str(policy): found
        for policy, rows in k.statements.items()
        if (found := [row for row in rows if row["kind"] == denial])
    }


def _state_nodes(k: Knowledge) -> set[Node]:
    """Everything known to be a state."""
    is_a, state = RDF.type, PG.State
    return {s for (s, p, o) in k.edges if o == state and p == is_a}


def _span_days(points: tuple[date, ...]) -> list[date]:
    """A day in each span of days a date constraint answers alike: before, on, between and after its points.

    >>> _span_days((date(2024, 5, 30), date(2024, 6, 1)))  # doctest: +NORMALIZE_WHITESPACE
    [datetime.date(2024, 5, 29), datetime.date(2024, 5, 30), datetime.date(2024, 5, 31),
     datetime.date(2024, 6, 1), datetime.date(2024, 6, 2)]
    >>> _span_days(())  # no points (a value that is no date): one span
    [datetime.date(1, 1, 1)]
    """
    days: list[date] = []
    for point in points:
        before = point - timedelta(days=1) if point > date.min else None
        if before is not None and (not days or before > days[-1]):
            days.append(before)
        days.append(point)
    if not points:
        days.append(date.min)
    elif points[-1] < date.max:
        days.append(points[-1] + timedelta(days=1))
    return days


class PolicyEngine:
    """Decisions over one dataset, as reported by a day. Reads the facts once.

    Parameters
    ----------
    dataset : Dataset
        The loaded dataset.
    conflict : {"prohibit", "perm", "invalid"}
        The strategy when a permission and a prohibition both apply and their policies
        declare none (see the module docstring).
    known_by : date, optional
        The day of reporting: only sources published by then count. None: every source.
    dates : {"strict", "earliest", "latest"}
        How to read a policy date or a date bound known only to the month or year:
        ``strict`` leaves the days inside it unknown; ``earliest`` and ``latest`` read it
        as its first or last day (the answer says so).
    facts : Facts, optional
        Facts already read from the same dataset (engines for other days share them).

    Notes
    -----
    An engine that reads its own facts moves every object then alive to the garbage
    collector's permanent generation (:func:`gc.freeze`): at scale they number millions,
    and a collection during a decision would otherwise scan them all again. So does an
    engine each time it has kept another 1,000 table entries and answers, after collecting
    the youngest generation. An object alive at such a moment that later becomes part of a
    reference cycle, or one in a reference cycle that only an older generation's collection
    would have freed, is then freed only after :func:`gc.unfreeze`. Deciding and explaining
    make no reference cycles, and an engine holds none: dropped, it is freed with its facts
    and the engines of other days it made, by reference counting alone. Other code in the
    process may make cycles.
    """

    def __init__(
        self,
        dataset: Dataset,
        *,
        conflict: str | Strategy = Strategy.PROHIBIT,
        known_by: date | None = None,
        dates: str | DateReading = DateReading.STRICT,
        facts: Facts | None = None,
    ):
        try:
            self.conflict = Strategy(conflict)
        except ValueError:
            choices = ", ".join(s.value for s in Strategy)
            raise ValueError(f"unknown conflict strategy {conflict!r}: choose {choices}") from None
        try:
            self.dates = DateReading(dates)
        except ValueError:
            choices = ", ".join(r.value for r in DateReading)
            raise ValueError(f"unknown date reading {dates!r}: choose {choices}") from None
        self.dataset = dataset
        if facts is None:
            from graph.policy import snapshot

            # not with the collector held off: a query rdflib runs may leave reference cycles
            facts = snapshot.read(dataset) or Facts(dataset)
            fresh = True
        else:
            fresh = False
        self.facts = facts
        self.known_by = known_by
        # a day's knowledge, and preparing its rules (below), make millions of objects and no garbage
        with collector.paused():
            self.knowledge: Knowledge = self.facts.view(known_by, reading=self.dates)
        k = self.knowledge
        #: constraints live as long as their knowledge: by id, a number shared by equal constraints
        #: (kept with the knowledge, so that engines sharing it number them alike) and what they read
        self._numbers = k.constraint_numbers
        self._shared = k.shared_constraints
        self._texts: dict[int, tuple[str, str, tuple[str, ...]]] = {}
        self._checked: dict[int, ConstraintCheck] = {}
        self._answers: dict[tuple[int, Status, str, tuple[Fact, ...]], ConstraintCheck] = {}
        self._part_numbers: dict[tuple[Any, ...], int] = {}
        #: a date constraint's number -> the days its answer may change on (worked out when
        #: the rules are prepared, and kept with the knowledge)
        self._day_points: dict[int, tuple[date, ...]] = k.day_points
        self._names: dict[int, tuple[str, ...]] = {}
        self._notes: dict[tuple[Any, ...], list[str]] = {}
        #: the engines of other days of reporting this one made (:meth:`as_known_by`); an
        #: engine made so reaches the one that made it by a weak reference, so that no cycle
        #: keeps them once their last user drops them (frozen, a cycle would never be freed)
        self._days: dict[date | None, PolicyEngine] = {}
        self._made_by: weakref.ref[PolicyEngine] | None = None
        self._authority_of: dict[
            tuple[URIRef, URIRef], dict[Node, tuple[Authority, str, tuple[Fact, ...]]]
        ] = {}
        #: by the policy's IRI as text, as a RuleCheck names it
        self._conflict_of = {str(policy): how for policy, how in k.policy_conflict.items()}
        self._denial_rows = _denial_rows(k)
        self._rule_checks: dict[tuple[Any, ...], RuleCheck] = {}
        self._possibles: dict[tuple[Any, ...], set[Outcome]] = {}
        self._suppliers: dict[
            tuple[URIRef, URIRef | None], tuple[URIRef | None, str | None, tuple[Fact, ...]]
        ] = {}
        self._state_nodes = _state_nodes(k)
        if not k.prepared:
            self._prepare(k)
        # every date constraint's answers, worked out when the rules were prepared (see
        # _find_date_checks): one object per answer, as _check_anew keeps them
        for key, check in k.date_checks.items():
            answer = (key >> 24, check.status, check.reason, check.facts)
            self._checked[key] = self._answers.setdefault(answer, check)
        #: how many constraint checks the engine keeps before it starts again
        self._checked_max = _CHECKED_MAX + len(k.date_checks)
        self._tables(k)
        #: how many answers and table entries the engine has kept, and at how many it next
        #: sets them out of the collector's sight (see :meth:`_settle`)
        self._kept = 0
        self._settle_at = _SETTLE_EVERY
        if fresh:
            # the facts just read live as long as the engine: out of the cyclic collector's
            # sight from now on, so that a collection during a decision does not rescan them
            gc.freeze()

    @collector.paused()
    def _tables(self, k: Knowledge) -> None:
        """The rules by assignee, and the decision tables, empty."""
        #: assignee -> target -> action -> its rules in explanation order
        self._by_assignee: dict[Node, dict[Node, dict[Node, list[Rule]]]] = defaultdict(
            lambda: defaultdict(lambda: defaultdict(list))
        )
        for rule in sorted(k.rules, key=_RANK):
            self._by_assignee[rule.assignee][rule.target][rule.action].append(rule)
        #: (weapon, supplier) -> the rule targets that cover the weapon; collections by supplier and system
        self._covering_of: dict[tuple[Node, Node], set[Node]] = {}
        self._collections: tuple[dict[Node, set[Node]], dict[Node, set[Node]]] | None = None
        self._candidates: dict[tuple[Any, ...], list[Rule]] = {}
        self._placed: dict[tuple[Any, ...], Table] = {}
        #: the ids of a table's answers on the fixed parts -> a number; (rule, that number,
        #: span and parts) -> the rule's check, the authority it was made with, its time facts
        self._fixed_numbers: dict[tuple[int, ...], int] = {}
        self._evaluations: dict[tuple[Any, ...], tuple[RuleCheck, Any, tuple[Fact, ...]] | None] = {}

    @collector.paused()
    def _prepare(self, k: Knowledge) -> None:
        """Number each rule, and set what deciding reads of it.

        That is when it begins, its constraints in order with their numbers, its names and
        its place in explanations.
        """
        times: dict[tuple[Node, Node | None], int] = {}
        # rules with equal constraints share their tuples (as they share the constraints)
        same: dict[tuple[Any, ...], tuple[Any, ...]] = {}
        order: dict[int, tuple[Any, ...]] = {}  # each rule's place in explanations (its rank), by number
        for number, rule in enumerate(k.rules):
            rule.number = number
            start = self.policy_start(rule.policy)
            rule.begins = start.first if start is not None else None
            # rules of one policy with no revocation of their own share whether they are in force
            revoked = rule.iri in k.revoked_by
            rule.time_id = times.setdefault((rule.policy, rule.iri if revoked else None), len(times))
            texts = [(order_of(c.left), self._text_of(c), c) for c in rule.constraints]
            ordered = tuple(c for _, _, c in sorted(texts, key=lambda t: t[:2]))
            rule.ordered = same.setdefault(ordered, ordered)
            prepared = tuple((c, *self._constraint_number(c)) for c in rule.ordered)
            rule.prepared = same.setdefault(prepared, prepared)
            rule.label = rule.label or f"{rule.kind} of {k.label(rule.policy)}"
            rule.names = (
                short(rule.iri) if isinstance(rule.iri, URIRef) else "",
                str(rule.policy),
                k.label(rule.policy),
                k.label(rule.grantor),
            )
            order[rule.number] = (
                rule.kind is not RuleKind.PERMISSION,
                str(start or ""),
                str(rule.policy),
                rule.label,
                str(rule.iri) if isinstance(rule.iri, URIRef) else "",
                sorted(text for _, text, _ in texts),
            )
        for rank, rule in enumerate(sorted(k.rules, key=lambda r: order[r.number])):
            rule.rank = rank
        said: dict[URIRef, tuple[tuple[date, ...], tuple[tuple[str, ...], ...]]] = {}
        for rule in k.rules:  # the rules of a policy share what was said about it
            found_said = said.get(rule.policy)
            if found_said is None:
                days, lines = self._find_statement_lines(rule.policy)
                by_count = tuple(
                    tuple(dict.fromkeys(line for _, line in lines[:count])) for count in range(len(lines) + 1)
                )
                found_said = said[rule.policy] = (days, by_count)
            rule.said = found_said
        reads: dict[tuple[tuple[str, ...], ...], tuple[tuple[str, ...], ...]] = {}
        fixed: dict[tuple[Any, ...], _Fixed] = {}
        bounds: dict[int, tuple[date, ...]] = {}  # rules in force on the same days share them
        for rule in k.rules:
            found = bounds.get(rule.time_id)
            if found is None:
                found = bounds[rule.time_id] = self._find_time_bounds(rule)
            rule.bounds = found
            every = self._with_members(rule)
            rule.shape = self._find_shape(rule, every, reads, fixed)
            rule.days = self._find_days(rule, every)
        self._find_time_answers(k)
        self._find_date_checks(k)
        k.prepared = True

    def _find_time_answers(self, k: Knowledge) -> None:
        """Whether each rule is in force, for each span of days between its bounds (``Rule.times``).

        Rules that share a ``time_id`` share their answers; equal answers share a number.
        """
        numbers: dict[_TimeStatus, int] = {}
        by_time: dict[int, tuple[tuple[int, _TimeStatus], ...]] = {}
        for rule in k.rules:
            found = by_time.get(rule.time_id)
            if found is None:
                bounds = rule.bounds
                # a day in each span: bisect_right(bounds, day) is 0 before the first bound, i
                # from the i-th bound (inclusive) to the next one
                days = [bounds[0] - timedelta(days=1)] if bounds and bounds[0] > date.min else []
                days += bounds if bounds else [date.min]
                spans: dict[int, tuple[int, _TimeStatus]] = {}
                for day in days:
                    status = self._find_time_status(rule, day)
                    number = numbers.setdefault(status, len(numbers))
                    spans[bisect.bisect_right(bounds, day)] = (number, status)
                # no day lies before a first bound of date.min: its span takes the next one's answer
                found = by_time[rule.time_id] = tuple(
                    spans[at] if at in spans else spans[at + 1] for at in range(len(bounds) + 1)
                )
            rule.times = found

    def _find_date_checks(self, k: Knowledge) -> None:
        """Each date constraint checked on a day of each span its answer is alike in (``date_checks``).

        As whether a rule is in force, the answer changes only on the days its bounds begin
        and end (see :meth:`_day_class`): it is worked out for a day before, on, between and
        after those, once, and kept with the knowledge.
        """
        done = set()
        for rule in k.rules:
            for constraint, number, reads in self._with_members(rule):
                if reads != _DAY or number in done:
                    continue
                done.add(number)
                for day in _span_days(self._points(number, constraint)):
                    key = number << 24 | self._day_class(number, constraint, day)
                    # a date's check reads the question's day alone (its kind's reads)
                    found = self._check_now(constraint, Action(actor=RDF.nil, weapon=RDF.nil, day=day))
                    answer = (number, found.status, found.reason, found.facts)
                    k.date_checks[key] = self._answers.setdefault(answer, found)

    def _text_of(self, constraint: Constraint) -> tuple[str, str, tuple[str, ...]]:
        """A constraint as text, to order constraints and rules by (remembered: rules share them)."""
        number = self._constraint_number(constraint)[0]
        found = self._texts.get(number)
        if found is None:
            found = self._texts[number] = (
                str(constraint.left),
                str(constraint.operator),
                tuple(sorted(map(str, constraint.values))),
            )
        return found

    # --- reading ------------------------------------------------------------------------

    def label(self, node: Node | None) -> str:
        """A term's label, for explanations."""
        return self.knowledge.label(node)

    @property
    def rules(self) -> list[Rule]:
        """Every rule known by the day of reporting."""
        return self.knowledge.rules

    def as_known_by(self, known_by: date | None) -> PolicyEngine:
        """The same engine for another day of reporting (the facts are read once)."""
        first = self._made_by() if self._made_by is not None else None
        if first is None:
            first = self  # made by no engine, or by one dropped since
        if known_by == first.known_by:
            return first
        found = first._days.get(known_by)
        if found is None:
            found = first._days[known_by] = PolicyEngine(
                self.dataset, conflict=self.conflict, known_by=known_by, dates=self.dates, facts=self.facts
            )
            found._made_by = weakref.ref(first)
        return found

    def policy_start(self, policy: URIRef) -> Period | None:
        """The earliest date a known source gives for a policy, or None."""
        dates = self.knowledge.policy_dates.get(policy)
        return dates[0][0] if dates else None

    # --- time ----------------------------------------------------------------------------

    def _time_status(self, rule: Rule, day: date) -> tuple[int, _TimeStatus]:
        """Whether the rule is in force on the day, why, and a number shared by equal answers.

        The answer changes only on the days its policy and its revokers start: it is
        worked out when the rules are prepared, per rule and span between those days.
        """
        return rule.times[bisect.bisect_right(rule.bounds, day)]

    def _find_time_bounds(self, rule: Rule) -> tuple[date, ...]:
        """The days on which whether a rule is in force may change."""
        k = self.knowledge
        periods = [self.policy_start(rule.policy)]
        revokers = {**k.revoked_by.get(rule.policy, {}), **k.revoked_by.get(rule.iri, {})}
        periods += [self.policy_start(revoker) for revoker in revokers]
        # started_by: before the first day no, from the last day yes, in between cannot tell
        return tuple(sorted({d for p in periods if p is not None for d in (p.first, p.last)}))

    def _find_time_status(self, rule: Rule, day: date) -> _TimeStatus:
        k = self.knowledge
        dates = k.policy_dates.get(rule.policy)
        if not dates:
            return None, f"no source dates {k.label(rule.policy)}: cannot tell whether it was in force", ()
        start, cited = dates[0]
        facts: tuple[Fact, ...] = (
            Fact(f"{k.label(rule.policy)} dated {self._dated(rule.policy, start)}", cited),
        )
        begun = started_by(start, day)
        if begun is False:
            return False, f"not yet: in force from {start}", facts
        if begun is None:
            return None, f"took effect some day in {start}: cannot tell for a day inside it", facts
        revokers = {**k.revoked_by.get(rule.policy, {}), **k.revoked_by.get(rule.iri, {})}
        for revoker in sorted(revokers, key=str):
            end = self.policy_start(revoker)
            if end is None:
                continue
            what = k.label(rule.iri) if rule.iri in k.revoked_by else k.label(rule.policy)
            said = (
                *facts,
                Fact(f"{k.label(revoker)} revokes {what}", revokers[revoker]),
                Fact(f"{k.label(revoker)} dated {self._dated(revoker, end)}", k.policy_dates[revoker][0][1]),
            )
            ended = started_by(end, day)
            if ended:
                return False, f"revoked from {end} by {k.label(revoker)}", said
            if ended is None:
                return (
                    None,
                    f"revoked some day in {end} by {k.label(revoker)}: cannot tell for a day inside it",
                    said,
                )
        return True, f"from {start}" + (", not revoked" if revokers else ""), facts

    def _dated(self, policy: URIRef, when: Period) -> str:
        """A policy's date in words, saying how a partial date was read."""
        given = self.knowledge.date_as_given.get((policy, when))
        return f"{when} (given as {given}, read as its {self.dates.value} day)" if given else str(when)

    # --- constraints ---------------------------------------------------------------------

    def _check(
        self, constraint: Constraint, action: Action, parts: dict[tuple[str, ...] | None, int]
    ) -> ConstraintCheck:
        """One constraint checked, remembered per constraint and the part of the action it reads.

        ``parts`` numbers the parts of this action each kind of constraint reads (see :meth:`_parts`).
        """
        number, reads = self._constraint_number(constraint)
        key = number << 24 | self._part(number, reads, constraint, action, parts)
        found = self._checked.get(key)
        return found if found is not None else self._check_anew(constraint, action, key)

    def _part_of(
        self, action: Action, reads: tuple[str, ...] | None, parts: dict[tuple[str, ...] | None, int]
    ) -> int:
        """The number of the part of the action ``reads`` names (kept in ``parts`` for the action)."""
        part = parts.get(reads)
        if part is None:
            part = parts[reads] = self._part_number(action, reads)
        return part

    def _part(
        self,
        number: int,
        reads: tuple[str, ...] | None,
        constraint: Constraint,
        action: Action,
        parts: dict[tuple[str, ...] | None, int],
    ) -> int:
        """The number of the part of the action a constraint reads (a span of days for a date)."""
        if reads == _DAY:  # equal, not the same object: the rules may come from a snapshot
            return self._day_class(number, constraint, action.day)
        return self._part_of(action, reads, parts)

    def _check_anew(self, constraint: Constraint, action: Action, key: int) -> ConstraintCheck:
        """A constraint checked and remembered under ``key`` (its number and the part it reads)."""
        if len(self._checked) > self._checked_max:
            self._checked.clear()
        found = self._check_now(constraint, action)
        # one object for one answer (the same words on the same facts): rule checks built on it
        # are then shared across actions
        number = key >> 24
        found = self._checked[key] = self._answers.setdefault(
            (number, found.status, found.reason, found.facts), found
        )
        return found

    def _constraint_number(self, constraint: Constraint) -> tuple[int, tuple[str, ...] | None]:
        """A number shared by equal constraints, and what part of an action the constraint reads."""
        known = self._numbers.get(id(constraint))
        if known is None:
            kind = KINDS.get(constraint.left)
            shared = self._shared.setdefault(constraint, len(self._shared))
            known = self._numbers[id(constraint)] = (shared, kind.reads if kind is not None else None)
        return known

    def _day_class(self, number: int, constraint: Constraint, day: date) -> int:
        """A number for the span of days a date constraint answers alike, shared across actions.

        The answer changes only on the first and last days its bounds can be: days between
        two of those (or on one) share it, so a new day seldom needs a new check.
        """
        points = self._points(number, constraint)
        at = bisect.bisect_left(points, day)
        return _DAY_CLASSES | (2 * at + (at < len(points) and points[at] == day))

    def _points(self, number: int, constraint: Constraint) -> tuple[date, ...]:
        """The days a date constraint's answer may change on (remembered by its number)."""
        points = self._day_points.get(number)
        if points is None:
            points = self._day_points[number] = tuple(day_points(self.knowledge, constraint.values))
        return points

    def _part_number(self, action: Action, reads: tuple[str, ...] | None) -> int:
        """A number for the part of an action a kind of constraint reads, shared across actions."""
        part = tuple([getattr(action, name) for name in reads]) if reads is not None else (action,)
        found = self._part_numbers.get(part)
        if found is None:
            if len(self._part_numbers) >= _DAY_CLASSES:  # the numbers must fit their place in a key
                self._part_numbers.clear()
                self._checked.clear()
                self._placed.clear()  # their answers are kept by part numbers
                self._evaluations.clear()
            found = self._part_numbers[part] = len(self._part_numbers)
        return found

    def _check_now(self, constraint: Constraint, action: Action) -> ConstraintCheck:
        k = self.knowledge
        op = str(constraint.operator).rsplit("/", 1)[-1]
        kind = KINDS.get(constraint.left)
        number = self._constraint_number(constraint)[0]
        names = self._names.get(number)
        if names is None:
            names = self._names[number] = tuple(sorted(k.label(v) for v in constraint.values))
        left = kind.label if kind is not None else k.label(constraint.left)
        facts: tuple[Fact, ...]
        if kind is None:
            status, reason, facts = (
                Status.UNKNOWN,
                f"the engine does not know the constraint {short(constraint.left)}",
                (),
            )
        else:
            status, reason, facts = kind.check(k, op, constraint.values, action)
        if op in NEGATIVE and status in (Status.HELD, Status.FAILED):
            status = Status.FAILED if status is Status.HELD else Status.HELD
            reason = f"not ({reason})"
        return ConstraintCheck(left, op, names, status, f"{left}: {reason}", facts)

    def _logical(self, junction: URIRef, members: tuple[Constraint, ...], action: Action) -> ConstraintCheck:
        """A logical constraint: its members checked and combined by ``odrl:or``, ``xone`` or ``and``."""
        name = str(junction).rsplit("/", 1)[-1]
        parts: dict[tuple[str, ...] | None, int] = {}
        checks = [
            self._check(c, action, parts) for c in sorted(members, key=lambda c: (order_of(c.left), str(c)))
        ]
        held = sum(c.status is Status.HELD for c in checks)
        failed = sum(c.status is Status.FAILED for c in checks)
        unknown = any(c.status is Status.UNKNOWN for c in checks)
        undecided = Status.UNKNOWN if unknown else Status.OPEN
        if name == "and":
            status = Status.FAILED if failed else Status.HELD if held == len(checks) else undecided
        elif name == "xone":
            if held > 1 or failed == len(checks):
                status = Status.FAILED
            elif held == 1 and failed == len(checks) - 1:
                status = Status.HELD
            else:
                status = undecided
        else:
            status = Status.HELD if held else Status.FAILED if failed == len(checks) else undecided
        words = _JUNCTION_WORDS.get(name, name)
        reason = f"{words}: " + " | ".join(c.reason for c in checks)
        facts = tuple(dict.fromkeys(f for c in checks for f in c.facts))
        values = tuple(v for c in checks for v in c.values)
        return ConstraintCheck(words, name, values, status, reason, facts)

    # --- whose rules, which rules ----------------------------------------------------------

    def _supplier(self, action: Action) -> tuple[URIRef | None, str | None, tuple[Fact, ...]]:
        """Who supplied the weapon, or why that cannot be told, with the facts (remembered)."""
        key = (action.weapon, action.supplier)
        found = self._suppliers.get(key)
        if found is None:
            found = self._suppliers[key] = self._find_supplier(action)
        return found

    def _find_supplier(self, action: Action) -> tuple[URIRef | None, str | None, tuple[Fact, ...]]:
        k = self.knowledge
        if action.supplier is not None:
            chain = k.supplied.get(action.weapon, {}).get(action.supplier, ())
            return action.supplier, None, k.facts_of(chain)
        systems = (
            k.members.get(action.weapon, set()) if k.weapon_is_class.get(action.weapon) else {action.weapon}
        )
        suppliers = sorted({s for system in systems for s in k.supplied.get(system, {})}, key=str)
        if len(suppliers) == 1 and isinstance(suppliers[0], URIRef):
            chains = [
                k.supplied[s][suppliers[0]]
                for s in sorted(systems, key=str)
                if suppliers[0] in k.supplied.get(s, {})
            ]
            return suppliers[0], None, k.facts_of(chains[0])
        if not suppliers:
            return None, f"no source says who supplied {k.label(action.weapon)}: give the supplier", ()
        names = ", ".join(k.label(s) for s in suppliers)
        return (
            None,
            f"{k.label(action.weapon)} was supplied by {names}: say which supplier's weapon it is",
            (),
        )

    def _weapon_nodes(self, action: Action, supplier: URIRef) -> set[Node]:
        """The weapon, its classes and the collections that hold it (what control may be on)."""
        k = self.knowledge
        nodes: set[Node] = {action.weapon} | set(k.classes.get(action.weapon, {}))
        for collection, systems in k.collection_systems.items():
            if action.weapon in systems:
                nodes.add(collection)
        for collection, suppliers in k.collection_supplier.items():
            if supplier in suppliers:
                nodes.add(collection)
        return nodes

    def _authorities(
        self, action: Action, supplier: URIRef
    ) -> dict[Node, tuple[Authority, str, tuple[Fact, ...]]]:
        """Who has a say over the weapon: its supplier, and every party that controls it (remembered)."""
        key = (action.weapon, supplier)
        known = self._authority_of.get(key)
        if known is None:
            known = self._authority_of[key] = self._find_authorities(action, supplier)
        return known

    def _find_authorities(
        self, action: Action, supplier: URIRef
    ) -> dict[Node, tuple[Authority, str, tuple[Fact, ...]]]:
        k = self.knowledge
        found: dict[Node, tuple[Authority, str, tuple[Fact, ...]]] = {
            supplier: (Authority.SUPPLIER, f"{k.label(supplier)} supplied {k.label(action.weapon)}", ())
        }
        for node in sorted(self._weapon_nodes(action, supplier), key=str):
            for party in sorted(k.controllers.get(node, set()), key=str):
                if party not in found:
                    found[party] = (
                        Authority.CONTROLLER,
                        f"the use of {k.label(node)} needs the consent of {k.label(party)}",
                        (k.fact((node, PG.controlledBy, party)),),
                    )
        return found

    def _covering(self, weapon: Node, supplier: URIRef) -> set[Node]:
        """The rule targets that cover the weapon (remembered).

        A collection with a supplier covers that supplier's weapons; a collection with none,
        the systems it holds; any other target, the weapon itself and its classes.
        """
        key = (weapon, supplier)
        found = self._covering_of.get(key)
        if found is None:
            k = self.knowledge
            if self._collections is None:
                by_supplier: dict[Node, set[Node]] = defaultdict(set)
                by_system: dict[Node, set[Node]] = defaultdict(set)
                for collection, suppliers in k.collection_supplier.items():
                    for party in suppliers:
                        by_supplier[party].add(collection)
                for collection, systems in k.collection_systems.items():
                    if collection not in k.collection_supplier:
                        for system in systems:
                            by_system[system].add(collection)
                self._collections = (by_supplier, by_system)
            by_supplier, by_system = self._collections
            found = by_supplier.get(supplier, set()) | by_system.get(weapon, set())
            found |= {
                node
                for node in (weapon, *k.classes.get(weapon, {}))
                if node not in k.collection_supplier and node not in k.collection_systems
            }
            self._covering_of[key] = found
        return found

    def _candidate_rules(self, action: Action, supplier: URIRef) -> list[Rule]:
        """The rules for the actor (or its state) and the action whose target covers the weapon."""
        key = (action.actor, action.action, action.weapon, supplier)
        found = self._candidates.get(key)
        if found is None:
            k = self.knowledge
            covering = self._covering(action.weapon, supplier)
            actions = {action.action, *k.broader.get(action.action, {})}
            assignees = {action.actor, *k.states.get(action.actor, {})}
            lists = []
            for assignee in assignees:
                by_target = self._by_assignee.get(assignee)
                if by_target is None:
                    continue
                for target in covering:
                    by_action = by_target.get(target)
                    if by_action is not None:
                        lists += [by_action[each] for each in actions if each in by_action]
            # each list is in explanation order already: only several need sorting together
            found = list(lists[0]) if len(lists) == 1 else sorted(itertools.chain(*lists), key=_RANK)
            self._candidates[key] = found
        return found

    def _placed_rules(self, action: Action, supplier: URIRef, candidates: list[Rule]) -> Table:
        """The decision table: the candidates that may apply to this actor, weapon and place (remembered).

        A rule whose grantor has no say over the weapon, or one of whose constraints on
        the place, actor or weapon fails, is left out: those give the same answer for
        every question about this actor, weapon and place, whatever its day, target or
        purpose (it is still explained among the rules considered).
        """
        key = (action.actor, action.action, action.weapon, supplier, action.place)
        table = self._placed.get(key)
        if table is None:
            authorities = self._authorities(action, supplier)
            parts: dict[tuple[str, ...] | None, int] = {}
            entries = []
            # the fixed parts of the action, numbered once for the table
            numbered = {part: self._part_of(action, part, parts) for part in _FIXED_READS}
            # rules whose constraints on the fixed parts are equal share them (see _find_shape):
            # their answer is worked out once for the table
            answered: dict[int, int | None] = {}
            for rule in candidates:
                authority = authorities.get(rule.grantor)
                if authority is None:
                    continue
                fixed, alone, reads = rule.shape
                same = answered.get(id(fixed), MISSING)
                if same is MISSING:
                    same = answered[id(fixed)] = self._fixed_answer(fixed, alone, action, numbered)
                if same is not None:
                    entries.append(Entry(rule, rule.begins or date.min, authority, reads, same, rule.days))
            if len(self._placed) > 100_000:
                self._placed.clear()
            table = self._placed[key] = Table(entries)
            self._kept += len(entries)
        return table

    def _fixed_answer(
        self, fixed: _Fixed, alone: int, action: Action, numbered: dict[tuple[str, ...], int]
    ) -> int | None:
        """A number shared by equal answers of a rule's constraints on the fixed parts of an action.

        None when one of them fails on its own (not as a member of a logical constraint).
        """
        checked, failed = self._checked, Status.FAILED
        held = []
        for at, (constraint, number, part) in enumerate(fixed):
            which = number << 24 | numbered[part]
            check = checked.get(which)
            if check is None:
                check = self._check_anew(constraint, action, which)
            if check.status is failed and at < alone:
                return None
            held.append(id(check))  # one object per answer: see _check_anew
        return self._fixed_numbers.setdefault(tuple(held), len(self._fixed_numbers))

    def _find_shape(
        self,
        rule: Rule,
        every: list[tuple[Constraint, int, tuple[str, ...] | None]],
        reads_of: dict[tuple[tuple[str, ...], ...], tuple[tuple[str, ...], ...]],
        fixed_of: dict[tuple[Any, ...], _Fixed],
    ) -> _Shape:
        """A rule's constraints on the fixed parts of a question, and what else its answer reads.

        What else: the parts of a question beyond the fixed ones and the day, or None when a
        constraint the engine does not know may read anything. ``every`` is the rule's
        constraints with their members (:meth:`_with_members`); ``reads_of`` shares equal
        tuples: rules number in the tens of thousands, what they read in the dozens.
        ``fixed_of`` shares the constraints on the fixed parts between rules whose constraints
        there are equal (the same numbers, parts and count of their own), so that a decision
        table answers them once (:meth:`_fixed_answer`).
        """
        fixed: list[tuple[Constraint, int, tuple[str, ...]]] = []
        others: set[tuple[str, ...]] = set()
        known = True
        for item in every:
            reads = item[2]
            if reads is None:
                known = False
            elif reads in _FIXED_READS:
                fixed.append(item)  # type: ignore[arg-type]  # its reads are fixed parts, not None
            elif reads != _DAY:
                others.add(reads)
        # the members of a logical constraint come last: checked with it, they rule nothing out alone
        members = every[len(rule.prepared) :]
        alone = len(fixed) - sum(1 for c in members if c[2] in _FIXED_READS)
        read = tuple(sorted(others))
        shared = fixed_of.setdefault((alone, *((number, part) for _, number, part in fixed)), tuple(fixed))
        return shared, alone, reads_of.setdefault(read, read) if known else None

    def _with_members(self, rule: Rule) -> list[tuple[Constraint, int, tuple[str, ...] | None]]:
        """A rule's constraints as prepared, then its logical constraints' members.

        Each with its number and what it reads.
        """
        members = [(c, *self._constraint_number(c)) for _, group in rule.logical for c in group]
        return [*rule.prepared, *members]

    def _find_days(
        self, rule: Rule, every: list[tuple[Constraint, int, tuple[str, ...] | None]]
    ) -> tuple[date, ...]:
        """The days a rule's answer may change on: its time bounds, its date constraints', its statements'."""
        days = set(rule.bounds)
        for constraint, number, reads in every:
            if reads == _DAY:
                days.update(self._points(number, constraint))
        days.update(rule.said[0])
        return tuple(sorted(days))

    def _answer(
        self,
        entry: Entry,
        action: Action,
        parts: dict[tuple[str, ...] | None, int],
        asked: dict[int, ConstraintCheck],
        key: tuple[int, ...] | None = None,
    ) -> RuleCheck | None:
        """An entry's rule checked for an action, or None when it does not apply.

        ``parts`` and ``asked`` are the action's, as for :meth:`_evaluated`. With ``key``
        (the entry's span of days and the parts it reads), the rule's check is shared with
        the other tables that hold the rule with the same answers on the fixed parts: only
        its authority, which depends on the weapon, is its own.
        """
        shared = None if key is None else (entry.rule.number, entry.fixed, *key)
        found: tuple[RuleCheck, Any, tuple[Fact, ...]] | None = (
            self._evaluations.get(shared, MISSING) if shared is not None else MISSING
        )
        if found is MISSING:
            found = None
            evaluated = self._evaluated(entry.rule, action, parts, asked, failing=False)
            if evaluated is not None:
                check = self._finished(entry.rule, action.day, entry.authority, evaluated)
                if check.applies is not False:
                    found = (check, entry.authority, evaluated[1][2])
            if shared is not None:
                if len(self._evaluations) > 500_000:
                    self._evaluations.clear()
                self._evaluations[shared] = found
                self._kept += 1
        if found is None:
            return None
        check, authority, time_facts = found
        if authority is entry.authority:
            return check
        return check.for_authority(entry.authority[0], entry.authority[1], time_facts + entry.authority[2])

    # --- deciding --------------------------------------------------------------------------

    def _missing(self, action: Action) -> list[str]:
        k = self.knowledge
        missing = []
        if action.weapon not in k.classes:
            missing.append(f"{short(action.weapon)} is not a weapon system or weapon class in the graph")
        place = action.place
        if place is not None and not k.within.get(place) and place not in self._state_nodes:
            missing.append(
                f"{k.label(place)} has no location in the graph (nothing says what it lies within)"
            )
        return missing

    def _rule_check(
        self,
        rule: Rule,
        action: Action,
        authority: tuple[Authority, str, tuple[Fact, ...]] | None,
        parts: dict[tuple[str, ...] | None, int] | None = None,
        asked: dict[int, ConstraintCheck] | None = None,
    ) -> RuleCheck:
        """One rule for one action. Remembered: rules recur from one question to the next.

        ``parts`` and ``asked`` are the action's, when it has them (see :meth:`_evaluated`).
        """
        parts = {} if parts is None else parts
        k = self.knowledge
        number = rule.number
        if authority is None:
            key: tuple[Any, ...] = (number, action.weapon)
            found = self._rule_checks.get(key)
            if found is None:
                reason = (
                    f"not applicable: {k.label(rule.grantor)} neither supplied nor controls "
                    f"{k.label(action.weapon)} (no source records its consent is needed)"
                )
                found = self._rule_checks[key] = self._described(
                    rule,
                    statements=(),
                    in_force=None,
                    time_reason="",
                    checks=(),
                    applies=False,
                    authority=Authority.NONE,
                    authority_reason=reason,
                    facts=(),
                    has_open=False,
                )
            return found
        evaluated = self._evaluated(rule, action, parts, {} if asked is None else asked, failing=True)
        assert evaluated is not None  # failing rules are kept
        return self._finished(rule, action.day, authority, evaluated)

    def _evaluated(
        self,
        rule: Rule,
        action: Action,
        parts: dict[tuple[str, ...] | None, int],
        asked: dict[int, ConstraintCheck],
        *,
        failing: bool,
    ) -> tuple[int, _TimeStatus, tuple[ConstraintCheck, ...]] | None:
        """Whether a rule is in force on the day, and its constraints checked.

        With the number of the time answer. Unless ``failing``, None as soon as either
        rules the rule out. ``parts`` numbers the parts of the action (see :meth:`_part_of`);
        ``asked`` keeps its answer to each constraint by the constraint's number: the rules
        of one question share most of their constraints.
        """
        time_number, status = self._time_status(rule, action.day)
        if status[0] is False:
            return (time_number, status, ()) if failing else None
        checked = self._checked
        found_checks = []
        for constraint, shared, reads in rule.prepared:
            check = asked.get(shared)
            if check is None:
                key = shared << 24 | self._part(shared, reads, constraint, action, parts)
                check = checked.get(key)
                if check is None:
                    check = self._check_anew(constraint, action, key)
                asked[shared] = check
            if not failing and check.status is Status.FAILED:
                return None
            found_checks.append(check)
        checks = tuple(found_checks)
        if rule.logical:
            checks += tuple(self._logical(junction, members, action) for junction, members in rule.logical)
        return time_number, status, checks

    def _finished(
        self,
        rule: Rule,
        day: date,
        authority: tuple[Authority, str, tuple[Fact, ...]],
        evaluated: tuple[int, _TimeStatus, tuple[ConstraintCheck, ...]],
    ) -> RuleCheck:
        """A rule's check from its evaluation (remembered: equal evaluations share it)."""
        time_number, (in_force, time_reason, time_facts), checks = evaluated
        days, said_lines = rule.said
        said = bisect.bisect_right(days, day)  # how many statements about its policy were made by the day
        # the checks are held by the rule checks remembered with them: their ids stay theirs
        key = (rule.number, time_number, said, id(authority), *map(id, checks))
        found = self._rule_checks.get(key)
        if found is None:
            statuses = {c.status for c in checks}
            applies: bool | None = False
            if in_force is not False and Status.FAILED not in statuses:
                undecided = in_force is None or Status.UNKNOWN in statuses
                applies = None if undecided else True
            if len(self._rule_checks) > 200_000:
                self._rule_checks.clear()
            found = self._rule_checks[key] = self._described(
                rule,
                statements=said_lines[said],
                in_force=in_force,
                time_reason=time_reason,
                checks=checks,
                applies=applies,
                authority=authority[0],
                authority_reason=authority[1],
                facts=time_facts + authority[2],
                has_open=Status.OPEN in statuses,
            )
        return found

    def _described(
        self,
        rule: Rule,
        *,
        statements: tuple[str, ...],
        in_force: bool | None,
        time_reason: str,
        checks: tuple[ConstraintCheck, ...],
        applies: bool | None,
        authority: Authority,
        authority_reason: str,
        facts: tuple[Fact, ...],
        has_open: bool,
    ) -> RuleCheck:
        name, policy, policy_label, grantor = rule.names
        return RuleCheck.of(
            {
                "rule": name,
                "kind": rule.kind,
                "label": rule.label,
                "policy": policy,
                "policy_label": policy_label,
                "grantor": grantor,
                "in_force": in_force,
                "time_reason": time_reason,
                "constraints": checks,
                "applies": applies,
                "sources": rule.sources,
                "statements": statements,
                "authority": authority,
                "authority_reason": authority_reason,
                "facts": facts,
                "has_open": has_open,
            }
        )

    def _find_statement_lines(self, policy: URIRef) -> StatementLines:
        """A policy's statements in words, by the first day each may have been said."""
        lines = []
        for row in self.knowledge.statements.get(policy, ()):
            when = row["date"]
            first = date.min
            if when is not None:
                with contextlib.suppress(ValueError):
                    first = period(when).first
            lines.append(
                (
                    first,
                    f"{when or 'undated'} {row['speakerLabel'] or short(row['speaker'])} "
                    f"({self.label(row['kind'])}, in {short(row['source'])}): {row['summary']}",
                )
            )
        lines.sort()  # by day, then in words: the same order whatever order the store gives the rows
        return tuple(first for first, _ in lines), tuple(lines)

    def describe(self, action: Action, supplier: URIRef | None) -> dict[str, str]:
        """The action in words and as IRIs."""
        parts = [f"{self.label(action.actor)} {self.label(action.action)}s with {self.label(action.weapon)}"]
        if supplier is not None:
            parts.append(f"supplied by {self.label(supplier)}")
        if action.target_type is not None:
            parts.append(f"against {self.label(action.target_type)}")
        if action.place is not None:
            parts.append(f"in {self.label(action.place)}")
        if action.purpose is not None:
            parts.append(f"for {self.label(action.purpose)}")
        parts.append(f"on {action.day.isoformat()}")
        described = {
            name: (short(value) if isinstance(value, URIRef) else str(value))
            for name in ("actor", "weapon", "supplier", "target_type", "place", "purpose", "action")
            if (value := getattr(action, name)) is not None
        }
        described["day"] = action.day.isoformat()
        if self.known_by is not None:
            described["known_by"] = self.known_by.isoformat()
            parts.append(f"as reported by {self.known_by.isoformat()}")
        described["summary"] = " ".join(parts)
        return described

    def decide(self, action: Action) -> Decision:
        """Decide one action. See the module docstring for the semantics."""
        supplier, problem, supply_facts = self._supplier(action)
        summary = self.describe(action, supplier)
        missing = self._missing(action) + ([problem] if problem else [])
        if missing or supplier is None:
            return Decision(Outcome.UNKNOWN, summary, tuple(missing), strategy=self.conflict)
        authorities = self._authorities(action, supplier)
        candidates = self._candidate_rules(action, supplier)
        day = action.day
        parts: dict[tuple[str, ...] | None, int] = {}
        asked: dict[int, ConstraintCheck] = {}  # its answer to each constraint, by number
        #: what an entry reads -> the numbers of those parts of this action
        numbered: dict[tuple[tuple[str, ...], ...], tuple[int, ...]] = {}
        found = []
        table = self._placed_rules(action, supplier, candidates)
        answers = table.answers
        for at, entry in enumerate(table.entries):
            # a rule whose policy starts after the day (most rules of a long history) is told
            # apart with one comparison; it is explained only when the explanation is read
            if day < entry.begins:
                continue
            reads = entry.reads
            if reads is None:
                check = self._answer(entry, action, parts, asked)
            else:
                numbers = numbered.get(reads)
                if numbers is None:
                    numbers = numbered[reads] = tuple([self._part_of(action, part, parts) for part in reads])
                key = (at, entry.span(day), *numbers)
                check = answers.get(key, MISSING)
                if check is MISSING:
                    check = answers[key] = self._answer(entry, action, parts, asked, key[1:])
            if check is not None:
                found.append(check)
        applying = tuple(found)

        def considered() -> tuple[RuleCheck, ...]:
            return tuple(
                self._rule_check(rule, action, authorities.get(rule.grantor), parts, asked)
                for rule in candidates
            )

        outcome, reasons, strategy, alternatives, caveats = self._outcome(applying, day)
        if self._kept >= self._settle_at:
            self._settle()
        return Decision(
            outcome,
            summary,
            tuple(reasons + self._supply_notes(action, supplier)),
            alternatives=alternatives,
            caveats=caveats,
            considered=considered,
            applying=applying,
            strategy=strategy,
            supplier=short(supplier),
            facts=supply_facts,
        )

    def _settle(self) -> None:
        """Set what the engine has kept so far out of the cyclic collector's sight, as its facts are.

        Called each time it has kept another ``_SETTLE_EVERY`` entries and answers. Its
        tables and answers live as long as the engine; left to the collector, each would be
        scanned by the collection of every generation it passes through, and every full
        collection would scan them all again while they grow. Settled often, what the engine
        keeps is scanned once, by the collection of the youngest generation that comes
        first here, so that no garbage made since is frozen with it: at 5*10^6 triples, the
        collector took a seventh of the time of a run of new questions when what the engine
        kept was settled after a collection of the two young generations every 5,000
        entries, and a twentieth now. Deciding and explaining make no reference cycles (a
        test holds this): what the engine made and no longer holds is freed as it is let go.
        """
        self._settle_at = self._kept + _SETTLE_EVERY
        if gc.isenabled():
            gc.collect(0)
            gc.freeze()

    def _supply_notes(self, action: Action, supplier: URIRef) -> list[str]:
        """A note when the sources list what the supplier supplied, and not this weapon (remembered)."""
        key = (action.actor, action.action, action.weapon, supplier)
        found = self._notes.get(key)
        if found is None:
            k = self.knowledge
            targets = {r.target for r in self._candidate_rules(action, supplier)}
            recorded = any(k.collection_systems.get(t) for t in targets)
            listed = any(action.weapon in k.collection_systems.get(t, set()) for t in targets)
            found = self._notes[key] = []
            if recorded and not listed and not k.weapon_is_class.get(action.weapon):
                found.append(f"no source records that {k.label(supplier)} supplied {k.label(action.weapon)}")
        return found

    def _strategy(self, rules: Iterable[RuleCheck]) -> Strategy:
        conflict = self._conflict_of
        declared = {conflict[r.policy] for r in rules if r.policy in conflict}
        if len(declared) > 1:
            return Strategy.INVALID
        return Strategy(declared.pop()) if declared else self.conflict

    def _resolve(self, rules: list[RuleCheck]) -> tuple[Outcome, list[str], Strategy]:
        permits = [r for r in rules if r.kind is RuleKind.PERMISSION]
        forbids = [r for r in rules if r.kind is RuleKind.PROHIBITION]
        strategy = self._strategy(rules)

        def names(found: list[RuleCheck]) -> str:
            return "; ".join(f"'{r.label}' ({r.policy_label})" for r in found)

        if permits and forbids:
            both = f"permitted by {names(permits)} and prohibited by {names(forbids)}"
            if strategy is Strategy.PERM:
                return Outcome.PERMITTED, [f"{both}: strategy perm lets the permission win"], strategy
            if strategy is Strategy.PROHIBIT:
                gives_way = f"the permission {names(permits)} gives way (strategy prohibit)"
                return Outcome.PROHIBITED, [f"prohibited by {names(forbids)}; {gives_way}"], strategy
            return Outcome.CONTESTED, [f"{both}, with no precedence between them"], strategy
        if forbids:
            return Outcome.PROHIBITED, [f"prohibited by {names(forbids)}"], strategy
        if permits:
            return Outcome.PERMITTED, [f"permitted by {names(permits)}"], strategy
        return (
            Outcome.NOT_PERMITTED,
            ["no rule in force permits it; what is not permitted is not allowed (the default)"],
            strategy,
        )

    def _outcome(
        self, rules: tuple[RuleCheck, ...], day: date
    ) -> tuple[Outcome, list[str], Strategy, tuple[Alternative, ...], tuple[Alternative, ...]]:
        definite = [r for r in rules if r.applies and not r.has_open]
        conditional = [r for r in rules if r.applies and r.has_open]
        undecided = [r for r in rules if r.applies is None and r.authority is not Authority.NONE]
        outcome, reasons, strategy = self._resolve(definite)
        if undecided:
            changed = [r for r in undecided if self._resolve([*definite, r])[0] is not outcome] or (
                [] if self._resolve(definite + undecided)[0] is outcome else undecided
            )
            if changed:
                names = "; ".join(
                    f"{r.kind} '{r.label}' ({r.time_reason or 'a constraint cannot be told'})"
                    for r in changed
                )
                return Outcome.UNKNOWN, [f"cannot tell whether these rules apply: {names}"], strategy, (), ()

        def ways(kind: RuleKind) -> tuple[Alternative, ...]:
            """The open rules of a kind, as the ways the action is allowed (or forbidden)."""
            return tuple(r.alternative for r in conditional if r.kind is kind)

        possible = {outcome}
        if conditional:
            possible |= self._possible(definite, conditional)
        if len(possible) > 1 and (Outcome.PERMITTED in possible or Outcome.CONTESTED in possible):
            if outcome is Outcome.PERMITTED:
                reasons = [
                    *reasons,
                    "unless a prohibition's condition below holds: the question leaves it open",
                ]
            else:
                otherwise = f"otherwise {outcome.value}"
                reasons = [
                    f"permitted only if a condition below holds: the question leaves it open; {otherwise}",
                    *([] if outcome is Outcome.NOT_PERMITTED else reasons),
                ]
            permits, forbids = ways(RuleKind.PERMISSION), ways(RuleKind.PROHIBITION)
            return Outcome.CONDITIONAL, reasons, strategy, permits, forbids
        # the answer does not depend on what is open: alternatives would only distract, and a
        # prohibition that would also apply is worth a word unless the answer is already "no, prohibited"
        shown = () if outcome is Outcome.PROHIBITED else ways(RuleKind.PROHIBITION)
        if outcome in (Outcome.PERMITTED, Outcome.PROHIBITED):
            denials = self._denials(definite, day)
            if denials:
                return Outcome.CONTESTED, [*reasons, *denials], strategy, (), shown
        return outcome, reasons, strategy, (), shown

    def _possible(self, definite: list[RuleCheck], conditional: list[RuleCheck]) -> set[Outcome]:
        """The outcomes the open rules could lead to, however what is open is filled.

        An outcome depends only on whether some permission and some prohibition apply and on
        the strategies their policies declare: one open rule of each kind and declared strategy
        stands for all of its kind, alone, paired with one of the other kind, and all together.
        """
        conflict = self._conflict_of

        def declared(rules: Iterable[RuleCheck]) -> set[str]:
            return {conflict[r.policy] for r in rules if r.policy in conflict}

        base = declared(definite)
        has_permit = any(r.kind is RuleKind.PERMISSION for r in definite)
        has_forbid = any(r.kind is RuleKind.PROHIBITION for r in definite)
        speaking = {(r.kind, conflict.get(r.policy)): r for r in conditional}
        # few questions differ in these: the outcomes are remembered by them
        key = (frozenset(base), has_permit, has_forbid, frozenset(speaking))
        found = self._possibles.get(key)
        if found is None:
            found = self._possibles[key] = self._find_possible(base, has_permit, has_forbid, list(speaking))
        return found

    def _find_possible(
        self,
        base: set[str],
        has_permit: bool,
        has_forbid: bool,
        speaking: list[tuple[RuleKind, str | None]],
    ) -> set[Outcome]:
        permits = [(kind, how) for kind, how in speaking if kind is RuleKind.PERMISSION]
        forbids = [(kind, how) for kind, how in speaking if kind is RuleKind.PROHIBITION]
        ways: list[list[tuple[RuleKind, str | None]]] = [[way] for way in speaking]
        ways += [[p, f] for p in permits for f in forbids]
        ways.append(speaking)
        found = set()
        for way in ways:
            strategies = base | {how for _, how in way if how is not None}
            permit = has_permit or any(kind is RuleKind.PERMISSION for kind, _ in way)
            forbid = has_forbid or any(kind is RuleKind.PROHIBITION for kind, _ in way)
            found.add(self._outcome_of(permit, forbid, strategies))
        return found

    def _outcome_of(self, permit: bool, forbid: bool, declared: set[str]) -> Outcome:
        """The outcome when some permission (and some prohibition) applies, under the declared strategies."""
        if permit and forbid:
            strategy = (
                Strategy.INVALID if len(declared) > 1 else Strategy(next(iter(declared), self.conflict))
            )
            return {Strategy.PERM: Outcome.PERMITTED, Strategy.PROHIBIT: Outcome.PROHIBITED}.get(
                strategy, Outcome.CONTESTED
            )
        return Outcome.PROHIBITED if forbid else Outcome.PERMITTED if permit else Outcome.NOT_PERMITTED

    def _denials(self, rules: Iterable[RuleCheck], day: date) -> list[str]:
        found = []
        for rule in rules:
            for row in self._denial_rows.get(rule.policy, ()):
                when = period(row["date"]) if row["date"] is not None else None
                if when is None or started_by(when, day):
                    who = row["speakerLabel"] or short(row["speaker"])
                    found.append(
                        f"{who} denied {rule.policy_label} ({row['date'] or 'undated'}): {row['summary']}"
                    )
        return list(dict.fromkeys(found))


def decide(
    dataset: Dataset, action: Action, *, conflict: str = "prohibit", known_by: date | None = None
) -> Decision:
    """Decide one action over a dataset (builds a :class:`PolicyEngine`; reuse one for many)."""
    return PolicyEngine(dataset, conflict=conflict, known_by=known_by).decide(action)
