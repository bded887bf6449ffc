"""The policy engine: decide whether an action is permitted, explain why, and cite the sources.

May this actor do this, with this weapon, against this target, here, on this day?

An :class:`Action` names who acts, with which weapon (a system such as HIMARS or a class
such as "ballistic missile"), supplied by whom, against what kind of target, where, for
what purpose and on which day. :meth:`PolicyEngine.decide` answers with a
:class:`Decision`: one of ``permitted``, ``prohibited``, ``not permitted``, ``contested``
or ``unknown``, every rule it considered, each constraint held or failed and why, and
the sources behind each rule.

The semantics (also in the README):

- **Who governs.** Only the supplier's rules apply: a rule counts when its assigner is
  the supplier of the weapon, its assignee is the actor (or the state the actor belongs
  to), and its target is weapons that supplier provided.
- **Time.** A rule is in force from its policy's date (the earliest any source gives)
  until a later policy in force ``pg:revokes`` it; ``odrl:dateTime`` constraints narrow it
  further. A later rule never overrides an earlier one by itself. A date known only to
  the month (or year) leaves the days inside it undecided.
- **Place.** ``isPartOf`` is "within" at any depth; ``pg:acrossBorderFrom R`` holds when
  the place lies in a region that borders ``R``; ``pg:depth`` is ``pg:BorderArea`` in a
  region bordering the actor's own state and ``pg:DeepInside`` elsewhere in that state.
- **Weapons.** A rule about a class covers its members and subclasses. Asking about a
  class that only partly overlaps the rule's class leaves the constraint open.
- **Concepts.** A rule about a target type or purpose covers narrower ones (massing
  troops are attacking forces, which are military targets).
- **Missing input.** A constraint on something the action does not say (no purpose
  given, a class of weapons where the rule names one system, a whole state where the
  rule names a city) is *open*. A permission whose other constraints hold still
  counts, and the answer lists its open constraints as conditions ("provided that");
  a prohibition with an open constraint does not count, and is listed as a caveat
  ("unless").
- **Outcome.** A prohibition in force that applies and no permission: prohibited. A
  permission and no prohibition: permitted. Neither: not permitted (the default: what
  is not permitted is not allowed). Both: the conflict strategy decides (ODRL's
  ``odrl:conflict`` on the policies, else the engine's default, ``prohibit``):
  ``perm`` permits, ``prohibit`` prohibits, ``invalid`` or policies that disagree on the
  strategy make it contested. A deciding rule whose policy an on-record statement denies
  is contested too. Anything the graph cannot place (a place with no location, an
  unknown weapon, a supplier that cannot be told) makes it unknown, saying what is missing.

No entity is named here: every fact comes from the library queries (``rules``,
``revocations``, ``place-relations``, ``weapon-classes``, ``concept-hierarchy``,
``policy-sources``, ``policy-statements``, ``supplied-weapons``, ``actor-states``), so the
same engine runs over any store that answers SPARQL.

Examples
--------
>>> from datetime import date
>>> from graph.load import load
>>> from graph.namespaces import PG, PGR
>>> engine = PolicyEngine(load().dataset)
>>> action = Action(actor=PGR.Ukraine, weapon=PG.Rocket, supplier=PGR.UnitedStates,
...                 target_type=PG.MassingTroops, place=PGR.BelgorodOblast, day=date(2024, 6, 5))
>>> decision = engine.decide(action)
>>> decision.outcome
'permitted'
>>> engine.decide(action.replace(day=date(2024, 5, 1))).outcome
'prohibited'
"""

from __future__ import annotations

import dataclasses
import functools
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date
from typing import Any, cast

from rdflib import BNode, Dataset, Literal, URIRef
from rdflib.namespace import RDFS
from rdflib.term import Node

from graph.dates import Period, period, started_by
from graph.namespaces import ODRL2, PG
from graph.queries import get_query, run_query
from graph.results import short

__all__ = [
    "CONFLICT_STRATEGIES",
    "OUTCOMES",
    "Action",
    "ConstraintCheck",
    "Decision",
    "PolicyEngine",
    "RuleCheck",
    "SourceRef",
    "decide",
]

PERMITTED, PROHIBITED, NOT_PERMITTED, CONTESTED, UNKNOWN = (
    "permitted",
    "prohibited",
    "not permitted",
    "contested",
    "unknown",
)
#: Every outcome, in the order of their exit codes (0, 10, 11, 12, 13).
OUTCOMES = (PERMITTED, PROHIBITED, NOT_PERMITTED, CONTESTED, UNKNOWN)
#: ODRL's conflict strategies, by their local names.
CONFLICT_STRATEGIES = ("perm", "prohibit", "invalid")

HELD, FAILED, OPEN, UNDECIDED = "held", "failed", "open", "unknown"

#: the fields of an :class:`Action` each kind of constraint reads (its check depends on no other)
_READS: dict[URIRef, tuple[str, ...]] = {
    ODRL2.spatial: ("place",),
    PG.acrossBorderFrom: ("place",),
    PG.depth: ("place", "actor"),
    PG.weaponClass: ("weapon",),
    PG.weaponSystem: ("weapon",),
    PG.targetType: ("target_type",),
    ODRL2.purpose: ("purpose",),
    ODRL2.dateTime: ("day",),
}
_KINDS = {left: number for number, left in enumerate(_READS)}
#: the status of a rule whose policy starts after the day asked about (its reason is told
#: when the rule is explained)
_NOT_YET: tuple[bool | None, str, tuple[Any, ...], bool | None] = (False, "", (), False)
#: ODRL's operators by their local names, as the checks name them
_OPERATORS = {
    ODRL2[name]: name
    for name in ("eq", "neq", "gt", "gteq", "lt", "lteq", "isA", "isPartOf", "isAnyOf", "isAllOf", "isNoneOf")
}


@dataclass(frozen=True)
class Action:
    """What is asked about. Terms are IRIs; ``weapon`` is a system or a weapon class."""

    actor: URIRef
    weapon: URIRef
    day: date
    supplier: URIRef | None = None
    target_type: URIRef | None = None
    place: URIRef | None = None
    purpose: URIRef | None = None
    action: URIRef = PG.strike

    def replace(self, **changes: Any) -> Action:
        """A copy with some fields changed."""
        return dataclasses.replace(self, **changes)


@dataclass(frozen=True)
class ConstraintCheck:
    """One constraint of a rule and what became of it."""

    left: str
    operator: str
    values: tuple[str, ...]
    status: str
    reason: str


@dataclass(frozen=True)
class SourceRef:
    """A source that reports a rule's policy, and whom it attributes it to."""

    source: str
    title: str
    issued: str
    attributed_to: tuple[str, ...]
    attribution: str
    confidence: str


@dataclass(frozen=True)
class RuleCheck:
    """One rule considered: whether it is in force, each constraint, and its sources."""

    rule: str
    kind: str
    label: str
    policy: str
    policy_label: str
    grantor: str
    in_force: bool | None
    time_reason: str
    constraints: tuple[ConstraintCheck, ...]
    applies: bool | None
    sources: tuple[SourceRef, ...] = ()
    statements: tuple[str, ...] = ()


@dataclass(frozen=True)
class Decision:
    """The answer: an outcome from :data:`OUTCOMES`, why, and every rule considered."""

    outcome: str
    action: dict[str, str]
    reasons: tuple[str, ...]
    conditions: tuple[str, ...]
    #: the rules considered, or what lists them when first read (:attr:`rules`)
    considered: tuple[RuleCheck, ...] | Callable[[], tuple[RuleCheck, ...]] = field(repr=False, compare=False)
    strategy: str = ""
    supplier: str = ""
    #: prohibitions that would apply under a condition the action leaves open
    caveats: tuple[str, ...] = ()

    @functools.cached_property
    def rules(self) -> tuple[RuleCheck, ...]:
        """Every rule considered, in order.

        The outcome needs only the rules that apply; the others are explained here, when
        first read.
        """
        return self.considered() if callable(self.considered) else self.considered

    def as_dict(self) -> dict[str, Any]:
        """The decision as plain data, for JSON."""
        return {
            "outcome": self.outcome,
            "action": dict(self.action),
            "reasons": list(self.reasons),
            "conditions": list(self.conditions),
            "rules": [dataclasses.asdict(rule) for rule in self.rules],
            "strategy": self.strategy,
            "supplier": self.supplier,
            "caveats": list(self.caveats),
        }

    def _repr_html_(self) -> str:
        """The decision for Jupyter: the outcome in its colour, then the explanation."""
        from html import escape

        colours = {PERMITTED: "#1a9850", PROHIBITED: "#d73027", CONTESTED: "#f46d43"}
        colour = colours.get(self.outcome, "#636363")
        head, _, rest = self.text().partition("\n")
        return (
            f'<p><b style="color:{colour}">{escape(self.outcome.upper())}</b>: '
            f"{escape(head.split(': ', 1)[-1])}</p><pre>{escape(rest)}</pre>"
        )

    @property
    def deciding(self) -> tuple[RuleCheck, ...]:
        """The rules that apply (in force, every constraint held or open)."""
        return tuple(r for r in self.rules if r.applies)

    def text(self) -> str:
        """The decision explained for a person."""
        lines = [f"{self.outcome.upper()}: {self.action['summary']}"]
        lines += [f"  {reason}" for reason in self.reasons]
        if self.conditions:
            lines.append("  provided that:")
            lines += [f"    - {condition}" for condition in self.conditions]
        if self.caveats:
            lines.append("  unless this prohibition applies:")
            lines += [f"    - {caveat}" for caveat in self.caveats]
        lines.append(f"  conflict strategy: {self.strategy}")
        if self.rules:
            lines.append("rules considered:")
        # the rules that apply first, then those that cannot be told, then the others
        for rule in sorted(self.rules, key=lambda r: {True: 0, None: 1, False: 2}[r.applies]):
            state = (
                "applies" if rule.applies else "does not apply" if rule.applies is False else "cannot tell"
            )
            lines.append(f"  [{state}] {rule.kind} '{rule.label}' of {rule.policy_label} ({rule.grantor})")
            lines.append(f"      {'in force' if rule.in_force else 'time'}: {rule.time_reason}")
            marks = {HELD: "+", FAILED: "x", OPEN: "?", UNDECIDED: "!"}
            lines += [f"      {marks[c.status]} {c.reason}" for c in rule.constraints]
            lines += [
                f"      source: {s.title} ({s.issued}): {s.attribution}, {s.confidence} confidence"
                for s in rule.sources
            ]
            lines += [f"      statement: {s}" for s in rule.statements]
        return "\n".join(lines)


@dataclass
class _Rule:
    iri: Node
    kind: str
    policy: URIRef
    grantor: URIRef
    assignee: URIRef
    action: URIRef
    target: URIRef
    supplier: URIRef | None
    constraints: dict[tuple[URIRef, URIRef], set[Node]] = field(default_factory=lambda: defaultdict(set))
    label: str = ""
    order: tuple[Any, ...] = ()
    #: (left operand, operator) -> the right operands' labels, sorted; filled on first use
    names: dict[tuple[URIRef, URIRef], tuple[str, ...]] = field(default_factory=dict)
    #: the constraints in the order they are explained, values frozen, each with a number
    #: shared by every rule with the same constraint; set by the engine
    items: tuple[tuple[URIRef, URIRef, frozenset[Node], int, int], ...] = ()
    #: what every explanation of the rule repeats (name, policy, its label, the grantor's label,
    #: sources, statements); found on first use
    static: tuple[Any, ...] | None = None
    #: when the rule starts, and who revokes it from when; found on first use
    time: tuple[Period | None, tuple[tuple[URIRef, Period | None], ...]] | None = None
    #: a number shared by the rules with the same policy and revocations
    time_id: int = 0
    #: the first day the rule may be in force (None: its policy is undated)
    begins: date | None = None


def _iri(node: Node | None) -> URIRef | None:
    return node if isinstance(node, URIRef) else None


def _true(node: Node | None) -> bool:
    return isinstance(node, Literal) and node.toPython() is True


class PolicyEngine:
    """Decisions over one dataset. Reads the facts once; each decision is then quick.

    Parameters
    ----------
    dataset : Dataset
        The loaded dataset.
    conflict : {"prohibit", "perm", "invalid"}
        The strategy when a permission and a prohibition both apply and their policies
        declare none (see the module docstring).
    """

    def __init__(self, dataset: Dataset, *, conflict: str = "prohibit"):
        if conflict not in CONFLICT_STRATEGIES:
            raise ValueError(
                f"unknown conflict strategy {conflict!r}: choose {', '.join(CONFLICT_STRATEGIES)}"
            )
        self.dataset = dataset
        self.conflict = conflict
        self._labels: dict[Node, str] = {}
        self._read_labels()
        self._read_rules()
        self._read_facts()
        for rule in self.rules.values():
            found = self._rule_labels.get(rule.iri)
            rule.label = found if found is not None else f"{rule.kind} of {self.label(rule.policy)}"
            rule.order = self._rule_order(rule)
        numbers: dict[tuple[URIRef, URIRef, frozenset[Node]], int] = {}
        for rule in self.rules.values():
            rule.items = tuple(
                (
                    left,
                    operator,
                    frozenset(values),
                    numbers.setdefault((left, operator, frozenset(values)), len(numbers)),
                    _KINDS.get(left, -1),
                )
                for (left, operator), values in sorted(
                    rule.constraints.items(), key=lambda item: (_ORDER.get(item[0][0], 9), str(item[0]))
                )
            )
        #: a constraint's check depends on its operands and on one part of the action only, so
        #: rules sharing a constraint share its check: (constraint number, part number) -> check
        self._checked: dict[int, ConstraintCheck] = {}
        self._parts: dict[tuple[Any, ...], int] = {}
        # rules of one policy with no revocation of their own share whether they are in force
        times: dict[tuple[Node, frozenset[URIRef]], int] = {}
        for rule in self.rules.values():
            revokers = frozenset(self.revoked_by.get(rule.iri, set()))
            rule.time_id = times.setdefault((rule.policy, revokers), len(times))
            start = self.policy_start(rule.policy)
            rule.begins = start.first if start is not None else None
        self._in_force_on: dict[tuple[int, date], tuple[bool | None, str]] = {}
        self._date_bounds: dict[tuple[str, frozenset[Node]], Any] = {}
        self._how: dict[tuple[URIRef, URIRef], tuple[str, Any]] = {}
        # by the policy's IRI as text, as a RuleCheck names it
        self._conflict_of = {str(policy): how for policy, how in self.policy_conflict.items()}
        self._denial_rows: dict[str, list[dict[str, Any]]] = defaultdict(list)
        for policy, rows in self.statements.items():
            self._denial_rows[str(policy)] += [row for row in rows if row["kind"] == PG.Denial]
        self._candidate_lists: dict[tuple[URIRef, URIRef, URIRef], list[_Rule]] = {}
        # each decision looks at one grantor's rules for one assignee only, in order
        self._by_pair: dict[tuple[URIRef, URIRef], list[_Rule]] = defaultdict(list)
        for rule in sorted(self.rules.values(), key=lambda r: r.order):
            self._by_pair[(rule.grantor, rule.assignee)].append(rule)
        self._checkers = {
            ODRL2.spatial: self._check_place,
            PG.acrossBorderFrom: self._check_border,
            PG.depth: self._check_depth,
            PG.weaponClass: self._check_weapon_class,
            PG.weaponSystem: self._check_weapon_system,
            PG.targetType: self._check_concept,
            ODRL2.purpose: self._check_concept,
            ODRL2.dateTime: self._check_date,
        }

    # --- reading the graph (every fact comes from a library query) -------------------

    def _rows(self, name: str) -> list[dict[str, Any]]:
        return [dict(row) for row in run_query(self.dataset, get_query(name))]

    def _read_rules(self) -> None:
        self.rules: dict[Node, _Rule] = {}
        self.policy_dates: dict[URIRef, list[Period]] = defaultdict(list)
        self.policy_conflict: dict[URIRef, str] = {}
        self._rule_labels: dict[Node, str] = {}
        for row in self._rows("rules"):
            rule, policy = row["rule"], _iri(row["policy"])
            if row["ruleLabel"] is not None:
                self._rule_labels[rule] = str(row["ruleLabel"])
            grantor, assignee = _iri(row["grantor"]), _iri(row["assignee"])
            action, target = _iri(row["action"]), _iri(row["target"])
            if rule is None or None in (policy, grantor, assignee, action, target):
                continue
            assert policy and grantor and assignee and action and target
            entry = self.rules.setdefault(
                rule,
                _Rule(
                    rule, str(row["kind"]), policy, grantor, assignee, action, target, _iri(row["supplier"])
                ),
            )
            if row["left"] is not None and row["operator"] is not None and row["right"] is not None:
                entry.constraints[(URIRef(row["left"]), URIRef(row["operator"]))].add(row["right"])
            if row["date"] is not None:
                try:
                    when = period(row["date"])
                except ValueError:
                    continue
                if when not in self.policy_dates[policy]:
                    self.policy_dates[policy].append(when)
            if row["conflict"] is not None:
                self.policy_conflict[policy] = str(row["conflict"]).rsplit("/", 1)[-1]
        self.revoked_by: dict[Node, set[URIRef]] = defaultdict(set)
        for row in self._rows("revocations"):
            revoker = _iri(row["policy"])
            if revoker is not None and row["revokedRule"] is not None:
                self.revoked_by[row["revokedRule"]].add(revoker)
            if revoker is not None and row["date"] is not None:
                when = period(row["date"])
                if when not in self.policy_dates[revoker]:
                    self.policy_dates[revoker].append(when)

    def _read_facts(self) -> None:
        self._read_places()
        self._read_weapons()
        self._read_claims()

    def _read_places(self) -> None:
        self.within: dict[Node, set[Node]] = defaultdict(set)
        self.borders: dict[Node, set[Node]] = defaultdict(set)
        for row in self._rows("place-relations"):
            target = self.within if str(row["relation"]) == "within" else self.borders
            target[row["place"]].add(row["other"])
        self.states: dict[Node, set[Node]] = defaultdict(set)
        for row in self._rows("actor-states"):
            self.states[row["actor"]].add(row["state"])

    def _read_weapons(self) -> None:
        self.classes: dict[Node, set[Node]] = defaultdict(set)
        self.weapon_is_class: dict[Node, bool] = {}
        for row in self._rows("weapon-classes"):
            self.classes[row["weapon"]].add(row["class"])
            self.weapon_is_class[row["weapon"]] = _true(row["isClass"])
        self.members: dict[Node, set[Node]] = defaultdict(set)
        for weapon, classes in self.classes.items():
            if not self.weapon_is_class.get(weapon):
                for cls in classes:
                    self.members[cls].add(weapon)
        self.broader: dict[Node, set[Node]] = defaultdict(set)
        for row in self._rows("concept-hierarchy"):
            self.broader[row["concept"]].add(row["broader"])
        self.supplied: dict[Node, set[Node]] = defaultdict(set)  # system -> suppliers
        self.collection_systems: dict[Node, set[Node]] = defaultdict(set)
        for row in self._rows("supplied-weapons"):
            if row["system"] is not None:
                self.supplied[row["system"]].add(row["supplier"])
                self.collection_systems[row["collection"]].add(row["system"])

    def _read_claims(self) -> None:
        self.sources: dict[Node, list[SourceRef]] = defaultdict(list)
        grouped: dict[tuple[Node, Node], list[dict[str, Any]]] = defaultdict(list)
        for row in self._rows("policy-sources"):
            grouped[(row["policy"], row["source"])].append(row)
        for (policy, source), rows in grouped.items():
            self.sources[policy].append(self._source_ref(source, rows))
        self.statements: dict[Node, list[dict[str, Any]]] = defaultdict(list)
        self.statement_lines: dict[Node, list[tuple[Period | None, str]]] = defaultdict(list)
        for row in self._rows("policy-statements"):
            self.statements[row["policy"]].append(row)
            line = (
                f"{row['date'] or 'undated'} {row['speakerLabel'] or short(row['speaker'])} "
                f"({self.label(row['kind'])}, in {short(row['source'])}): {row['summary']}"
            )
            said = period(row["date"]) if row["date"] is not None else None
            if (said, line) not in self.statement_lines[row["policy"]]:
                self.statement_lines[row["policy"]].append((said, line))

    def _source_ref(self, source: Node, rows: list[dict[str, Any]]) -> SourceRef:
        first = rows[0]
        parts = []
        for row in rows:
            label = str(row["agentLabel"] or short(row["attributedTo"]))
            on_record = _true(row["onRecord"])
            parts.append(label if on_record else f"{label} (anonymous)")
        return SourceRef(
            source=str(source),
            title=str(first["title"] or short(source)),
            issued=str(first["issued"] or ""),
            attributed_to=tuple(short(r["attributedTo"]) for r in rows),
            attribution="; ".join(parts),
            confidence=str(first["confidence"] or "unstated"),
        )

    def _read_labels(self) -> None:
        """Every resource with one label, read in one query.

        Not one lookup per resource: thousands of round trips to a remote store. The few
        with several labels keep the store's own choice, asked when needed.
        """
        seen: dict[Node, str | None] = {}
        for row in run_query(self.dataset, "SELECT ?s ?label WHERE { ?s rdfs:label ?label }"):
            node = row["s"]
            if isinstance(node, URIRef):
                seen[node] = str(row["label"]) if node not in seen else None
        self._labels.update((node, label) for node, label in seen.items() if label is not None)
        self._several_labels = {node for node, label in seen.items() if label is None}

    def label(self, node: Node | None) -> str:
        """A term's label, for explanations."""
        if node is None:
            return "(not given)"
        if node not in self._labels:
            if isinstance(node, BNode):  # a remote store cannot be asked about a blank node
                self._labels[node] = self._rule_labels.get(node) or short(node)
                return self._labels[node]
            found = self.dataset.value(node, RDFS.label) if node in self._several_labels else None
            self._labels[node] = str(found) if found is not None else short(node)
        return self._labels[node]

    # --- the parts of a decision -------------------------------------------------------

    def policy_start(self, policy: URIRef) -> Period | None:
        """The earliest date any source gives for a policy, or None."""
        dates = self.policy_dates.get(policy)
        return min(dates) if dates else None

    def _in_force(self, rule: _Rule, day: date) -> tuple[bool | None, str]:
        """Whether the rule is in force on the day, and why.

        Remembered per start, revocations and day: the rules of one policy share them.
        """
        key = (rule.time_id, day)
        found = self._in_force_on.get(key)
        if found is None:
            if len(self._in_force_on) > 500_000:
                self._in_force_on.clear()
            found = self._in_force_on[key] = self._time_status(rule, day)
        return found

    def _time_status(self, rule: _Rule, day: date) -> tuple[bool | None, str]:
        if rule.time is None:  # the rule's start and its revokers' starts, found once
            rule.time = (
                self.policy_start(rule.policy),
                tuple(
                    (revoker, self.policy_start(revoker))
                    for revoker in sorted(
                        self.revoked_by.get(rule.iri, set()) | self.revoked_by.get(rule.policy, set()),
                        key=str,
                    )
                ),
            )
        start, revokers = rule.time
        if start is None:
            return None, f"no source dates {self.label(rule.policy)}: cannot tell whether it was in force"
        begun = started_by(start, day)
        if begun is False:
            return False, f"not yet: in force from {start}, after {day}"
        if begun is None:
            return None, f"took effect some day in {start}: cannot tell for {day}"
        for revoker, end in revokers:
            if end is None:
                continue
            ended = started_by(end, day)
            if ended:
                return False, f"revoked from {end} by {self.label(revoker)}"
            if ended is None:
                return None, f"revoked some day in {end} by {self.label(revoker)}: cannot tell for {day}"
        return True, f"from {start}" + (", not revoked" if self.revoked_by.get(rule.iri) else "")

    def _state_of(self, actor: URIRef) -> set[Node]:
        return self.states.get(actor, set()) or {actor}

    def _check_once(
        self,
        rule: _Rule,
        left: URIRef,
        operator: URIRef,
        values: frozenset[Node],
        action: Action,
        *,
        number: int,
        part: int,
    ) -> ConstraintCheck:
        """:meth:`_check`, remembered for the part of the action the constraint reads."""
        if part < 0:  # a constraint the engine does not know: not remembered
            return self._check(rule, left, operator, set(values), action)
        key = number << 20 | part  # part numbers stay below 2**20 (see _action_parts)
        found = self._checked.get(key)
        if found is None:
            found = self._checked[key] = self._check(rule, left, operator, set(values), action)
        return found

    def _check(
        self, rule: _Rule, left: URIRef, operator: URIRef, values: set[Node], action: Action
    ) -> ConstraintCheck:
        how = self._how.get((left, operator))
        if how is None:  # the operator's name and the check, found once per kind of constraint
            how = self._how[(left, operator)] = (
                _OPERATORS.get(operator) or str(operator).rsplit("/", 1)[-1],
                self._checkers.get(left),
            )
        op, check = how
        names = rule.names.get((left, operator))
        if names is None:
            names = rule.names[(left, operator)] = tuple(sorted(self.label(v) for v in values))
        if check is None:
            status, reason = UNDECIDED, f"the engine does not know the constraint {short(left)}"
        else:
            status, reason = check(left, op, values, action)
        if op in ("neq", "isNoneOf") and status in (HELD, FAILED):
            status = FAILED if status == HELD else HELD
            reason = f"not ({reason})"
        left_label = self.label(left)
        return ConstraintCheck(left_label, op, names, status, f"{left_label}: {reason}")

    def _check_place(self, left: URIRef, op: str, values: set[Node], action: Action) -> tuple[str, str]:
        place = action.place
        wanted = " or ".join(sorted(self.label(v) for v in values))
        if place is None:
            return OPEN, f"no place given; the rule needs it within {wanted}"
        if place in values:
            return HELD, f"{self.label(place)} is {wanted}"
        inside = [v for v in values if v in self.within.get(place, set())]
        if inside:
            return HELD, f"{self.label(place)} is within {self.label(inside[0])}"
        contained = [v for v in values if place in self.within.get(v, set())]
        if contained:
            return OPEN, f"{self.label(place)} is larger than {wanted}: holds only for a part of it"
        return FAILED, f"{self.label(place)} is not within {wanted}"

    def _regions_of(self, place: Node) -> set[Node]:
        return {place} | self.within.get(place, set())

    def _check_border(self, left: URIRef, op: str, values: set[Node], action: Action) -> tuple[str, str]:
        place = action.place
        wanted = " or ".join(sorted(self.label(v) for v in values))
        if place is None:
            return OPEN, f"no place given; the rule needs it across the border from {wanted}"
        for region in sorted(self._regions_of(place), key=str):
            for value in values:
                if value in self.borders.get(region, set()):
                    where = (
                        self.label(place)
                        if region == place
                        else f"{self.label(place)} is in {self.label(region)}, which"
                    )
                    return HELD, f"{where} borders {self.label(value)}: inside the scope"
        return FAILED, f"{self.label(place)} is not in a region that borders {wanted}"

    def _depth(self, place: Node, actor: URIRef) -> tuple[Node | None, str]:
        home = self._state_of(actor)
        for region in sorted(self._regions_of(place), key=str):
            for neighbour in sorted(self.borders.get(region, set()), key=str):
                if self.within.get(neighbour, set()) & home:
                    return PG.BorderArea, f"{self.label(region)} borders {self.label(neighbour)}"
        if not self.within.get(place):
            return None, f"{self.label(place)} is a whole state: cannot tell border area from deep inside"
        return (
            PG.DeepInside,
            f"{self.label(place)} is in no region bordering {', '.join(sorted(self.label(h) for h in home))}",
        )

    def _check_depth(self, left: URIRef, op: str, values: set[Node], action: Action) -> tuple[str, str]:
        if action.place is None:
            return (
                OPEN,
                f"no place given; the rule needs {' or '.join(sorted(self.label(v) for v in values))}",
            )
        depth, why = self._depth(action.place, action.actor)
        if depth is None:
            return OPEN, why
        if depth in values:
            return HELD, f"{why}: {self.label(depth)}"
        return FAILED, f"{why}: {self.label(depth)}, not {' or '.join(sorted(self.label(v) for v in values))}"

    def _check_weapon_class(
        self, left: URIRef, op: str, values: set[Node], action: Action
    ) -> tuple[str, str]:
        weapon = action.weapon
        mine = self.classes.get(weapon, set())
        held = [v for v in values if v in mine]
        if held:
            return HELD, f"{self.label(weapon)} is a {self.label(held[0])}"
        if self.weapon_is_class.get(weapon):
            members = sorted(
                {
                    self.label(m)
                    for v in values
                    for m in self.members.get(v, set())
                    if weapon in self.classes.get(m, set())
                }
            )
            if members:
                return (
                    OPEN,
                    f"some {self.label(weapon)}s are {self.label(next(iter(values)))}s "
                    f"({', '.join(members)}): depends which",
                )
        return FAILED, f"{self.label(weapon)} is not a {' or '.join(sorted(self.label(v) for v in values))}"

    def _check_weapon_system(
        self, left: URIRef, op: str, values: set[Node], action: Action
    ) -> tuple[str, str]:
        weapon = action.weapon
        if weapon in values:
            return HELD, f"{self.label(weapon)} is the system the rule names"
        if self.weapon_is_class.get(weapon):
            covered = sorted(self.label(v) for v in values if weapon in self.classes.get(v, set()))
            if covered:
                return (
                    OPEN,
                    f"{self.label(weapon)} includes {', '.join(covered)}: applies only if it is that system",
                )
        return FAILED, f"{self.label(weapon)} is not {' or '.join(sorted(self.label(v) for v in values))}"

    def _check_concept(self, left: URIRef, op: str, values: set[Node], action: Action) -> tuple[str, str]:
        given = action.purpose if left == ODRL2.purpose else action.target_type
        wanted = ", ".join(sorted(self.label(v) for v in values))
        noun = "purpose" if left == ODRL2.purpose else "target type"
        if given is None:
            return OPEN, f"no {noun} given; the rule needs {('one of ' if len(values) > 1 else '') + wanted}"
        covering = [v for v in values if v == given or v in self.broader.get(given, set())]
        if covering:
            how = "is" if given in values else "falls under"
            return HELD, f"{self.label(given)} {how} {self.label(covering[0])}"
        narrower = [v for v in values if given in self.broader.get(v, set())]
        if narrower:
            return OPEN, f"{self.label(given)} is broader than {wanted}: holds only if it is {wanted}"
        return FAILED, f"{self.label(given)} is not {('one of ' if len(values) > 1 else '') + wanted}"

    def _check_date(self, left: URIRef, op: str, values: set[Node], action: Action) -> tuple[str, str]:
        day = action.day
        key = (op, frozenset(values))
        found = self._date_bounds.get(key)
        if found is None:  # the bounds read once per constraint, not once per day asked about
            found = self._date_bounds[key] = self._read_bounds(op, values)
        if isinstance(found, str):
            return UNDECIDED, found
        test, periods, bounds = found
        results = [test(bound, day) for bound in periods]
        words = _DATE_WORDS.get(op, op)
        if all(ok is True for ok in results):
            return HELD, f"{day} is {words} {bounds}"
        if any(ok is False for ok in results):
            return FAILED, f"{day} is not {words} {bounds}"
        return UNDECIDED, f"{day} falls inside {bounds}: cannot tell"

    def _read_bounds(self, op: str, values: set[Node]) -> tuple[Any, list[Period], str] | str:
        """A date constraint's test and bounds, or why it cannot be tested."""
        periods = []
        for value in values:
            try:
                periods.append(period(value if isinstance(value, Literal) else str(value)))
            except ValueError:
                return f"{value} is not a date"
            if op not in _DATE_TESTS:
                return f"the engine does not compare dates with {op}"
        return _DATE_TESTS[op], periods, ", ".join(str(b) for b in periods)

    # --- deciding ----------------------------------------------------------------------

    def _missing(self, action: Action) -> list[str]:
        missing = []
        if action.weapon not in self.classes:
            missing.append(f"{short(action.weapon)} is not a weapon system or weapon class in the graph")
        place = action.place
        if place is not None and not self.within.get(place) and place not in self.states.get(place, set()):
            missing.append(
                f"{self.label(place)} has no location in the graph (nothing says what it lies within)"
            )
        return missing

    def _supplier(self, action: Action) -> tuple[URIRef | None, str | None]:
        if action.supplier is not None:
            return action.supplier, None
        systems = (
            self.members.get(action.weapon, set())
            if self.weapon_is_class.get(action.weapon)
            else {action.weapon}
        )
        suppliers = sorted({s for system in systems for s in self.supplied.get(system, set())}, key=str)
        if len(suppliers) == 1 and isinstance(suppliers[0], URIRef):
            return suppliers[0], None
        if not suppliers:
            return None, f"no source says who supplied {self.label(action.weapon)}: give the supplier"
        names = ", ".join(self.label(s) for s in suppliers)
        return None, f"{self.label(action.weapon)} was supplied by {names}: say which supplier's weapon it is"

    def _candidates(self, action: Action, supplier: URIRef) -> list[_Rule]:
        """The supplier's rules for the actor (or its state) and the action, in order."""
        key = (supplier, action.actor, action.action)
        found = self._candidate_lists.get(key)
        if found is None:
            found = self._candidate_lists[key] = self._find_candidates(action, supplier)
        return found

    def _find_candidates(self, action: Action, supplier: URIRef) -> list[_Rule]:
        assignees = {action.actor} | self.states.get(action.actor, set())
        found = [
            rule
            for assignee in assignees
            for rule in self._by_pair.get((supplier, cast(URIRef, assignee)), ())
            if (rule.action == action.action or action.action in self.broader.get(rule.action, set()))
            and (rule.supplier is None or rule.supplier == supplier)
        ]
        return sorted(found, key=lambda rule: rule.order) if len(assignees) > 1 else found

    def _rule_order(self, rule: _Rule) -> tuple[Any, ...]:
        """Permissions first, then by date, policy and content: never by blank-node names."""
        content = sorted(
            (str(left), str(op), tuple(sorted(str(v) for v in values)))
            for (left, op), values in rule.constraints.items()
        )
        name = str(rule.iri) if isinstance(rule.iri, URIRef) else ""
        start = str(self.policy_start(rule.policy) or "")
        return (rule.kind != "permission", start, str(rule.policy), rule.label, name, content)

    def _action_parts(self, action: Action) -> list[int]:
        """Each kind of constraint's part of the action, as a number (see :data:`_READS`)."""
        parts = []
        for reads in _READS.values():
            part = tuple(getattr(action, name) for name in reads)
            parts.append(self._parts.setdefault(part, len(self._parts)))
        if len(self._parts) > 100_000:  # bounded, with the checks that use the numbers
            self._parts.clear()
            self._checked.clear()
        return parts

    def _rule_status(
        self, rule: _Rule, action: Action, parts: list[int]
    ) -> tuple[bool | None, str, tuple[ConstraintCheck, ...], bool | None]:
        """Whether the rule is in force, why, its constraints checked, and whether it applies."""
        if rule.begins is not None and action.day < rule.begins:
            return _NOT_YET  # most rules of a long history: told apart with one comparison
        in_force, time_reason = self._in_force(rule, action.day)
        if in_force is False:  # listed with the reason; its constraints do not matter
            return in_force, time_reason, (), False
        checked, found = self._checked, []
        failed = undecided = False
        for left, operator, values, number, kind in rule.items:
            part = parts[kind] if kind >= 0 else -1
            check = checked.get(number << 20 | part) if part >= 0 else None
            if check is None:
                check = self._check_once(rule, left, operator, values, action, number=number, part=part)
            found.append(check)
            failed = failed or check.status == FAILED
            undecided = undecided or check.status == UNDECIDED
        if failed:
            applies: bool | None = False
        elif in_force is None or undecided:
            applies = None
        else:
            applies = True
        return in_force, time_reason, tuple(found), applies

    def _rule_check(
        self,
        rule: _Rule,
        action: Action,
        parts: list[int] | None = None,
        status: tuple[bool | None, str, tuple[ConstraintCheck, ...], bool | None] | None = None,
    ) -> RuleCheck:
        day = action.day
        parts = self._action_parts(action) if parts is None else parts
        in_force, time_reason, checks, applies = status or self._rule_status(rule, action, parts)
        if status is _NOT_YET:
            in_force, time_reason = self._in_force(rule, day)
        if rule.static is None:  # what every explanation of the rule repeats, found once
            lines = tuple(self.statement_lines.get(rule.policy, ()))
            rule.static = (
                short(rule.iri) if isinstance(rule.iri, URIRef) else "",
                str(rule.policy),
                self.label(rule.policy),
                self.label(rule.grantor),
                tuple(self.sources.get(rule.policy, ())),
                lines,
            )
        name, policy, policy_label, grantor, sources, lines = rule.static
        statements = (
            tuple(line for said, line in lines if said is None or started_by(said, day)) if lines else ()
        )
        return RuleCheck(
            name,
            rule.kind,
            rule.label,
            policy,
            policy_label,
            grantor,
            in_force,
            time_reason,
            checks,
            applies,
            sources,
            statements,
        )

    def _strategy(self, policies: Iterable[str]) -> str:
        declared = {self._conflict_of[p] for p in policies if p in self._conflict_of}
        if len(declared) > 1:
            return "invalid"
        return declared.pop() if declared else self.conflict

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
        return found

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
            f.name: (short(v) if isinstance(v, URIRef) else str(v))
            for f in dataclasses.fields(action)
            if (v := getattr(action, f.name)) is not None
        }
        described["day"] = action.day.isoformat()
        described["summary"] = " ".join(parts)
        return described

    def decide(self, action: Action) -> Decision:
        """Decide one action. See the module docstring for the semantics."""
        supplier, supplier_problem = self._supplier(action)
        summary = self.describe(action, supplier)
        missing = self._missing(action) + ([supplier_problem] if supplier_problem else [])
        if missing or supplier is None:
            return Decision(UNKNOWN, summary, tuple(missing), (), (), self.conflict, "")
        candidates = self._candidates(action, supplier)
        parts = self._action_parts(action)
        day = action.day
        statuses = [
            _NOT_YET
            if rule.begins is not None and day < rule.begins
            else self._rule_status(rule, action, parts)
            for rule in candidates
        ]
        # the outcome needs the rules that apply or may apply; the others are explained when read
        checks = tuple(
            self._rule_check(rule, action, parts, status)
            for rule, status in zip(candidates, statuses, strict=True)
            if status[3] is not False
        )

        def considered() -> tuple[RuleCheck, ...]:
            made = iter(checks)
            return tuple(
                next(made) if status[3] is not False else self._rule_check(rule, action, parts, status)
                for rule, status in zip(candidates, statuses, strict=True)
            )

        notes = []
        systems = self.collection_systems
        targets = {r.target for r in candidates}
        recorded = any(systems.get(t) for t in targets)
        listed = any(action.weapon in systems.get(t, set()) for t in targets)
        if recorded and not listed and not self.weapon_is_class.get(action.weapon):
            notes.append(
                f"no source records that {self.label(supplier)} supplied {self.label(action.weapon)}"
            )
        outcome, reasons, strategy = self._outcome(checks, action.day)
        conditions = (
            ()
            if outcome != PERMITTED
            else tuple(
                dict.fromkeys(
                    c.reason
                    for r in checks
                    if r.applies and r.kind == "permission"
                    for c in r.constraints
                    if c.status == OPEN
                )
            )
        )
        caveats = (
            ()
            if outcome != PERMITTED
            else tuple(
                dict.fromkeys(
                    f"'{r.label}' ({r.policy_label}) if "
                    + "; ".join(c.reason for c in r.constraints if c.status == OPEN)
                    for r in checks
                    if r.applies and r.kind == "prohibition" and _conditional(r)
                )
            )
        )
        return Decision(
            outcome,
            summary,
            tuple(reasons + notes),
            conditions,
            considered,
            strategy,
            short(supplier),
            caveats,
        )

    def _outcome(self, checks: tuple[RuleCheck, ...], day: date) -> tuple[str, list[str], str]:
        # a permission with open constraints counts (its conditions are listed); a prohibition with
        # open constraints does not (it is listed as a caveat: "unless ...")
        permits = [r for r in checks if r.applies and r.kind == "permission"]
        forbids = [r for r in checks if r.applies and r.kind == "prohibition" and not _conditional(r)]
        undecided = [r for r in checks if r.applies is None]
        strategy = self._strategy(r.policy for r in permits + forbids)
        outcome, reasons = self._resolve(permits, forbids, strategy)
        if undecided:
            # would the undecided rules, if they applied, change the answer?
            alternative, _ = self._resolve(
                permits + [r for r in undecided if r.kind == "permission"],
                forbids + [r for r in undecided if r.kind == "prohibition"],
                self._strategy(r.policy for r in permits + forbids + undecided),
            )
            if alternative != outcome:
                names = "; ".join(f"{r.kind} '{r.label}' ({r.time_reason})" for r in undecided)
                return UNKNOWN, [f"cannot tell whether these rules apply: {names}"], strategy
        denials = self._denials(permits + forbids, day) if outcome in (PERMITTED, PROHIBITED) else []
        if denials:
            return CONTESTED, [*reasons, *denials], strategy
        return outcome, reasons, strategy

    @staticmethod
    def _resolve(permits: list[RuleCheck], forbids: list[RuleCheck], strategy: str) -> tuple[str, list[str]]:
        def names(rules: list[RuleCheck]) -> str:
            return "; ".join(f"'{r.label}' ({r.policy_label})" for r in rules)

        if permits and forbids:
            if strategy == "perm":
                return PERMITTED, [
                    f"permitted by {names(permits)} and prohibited by {names(forbids)}: "
                    "strategy perm lets the permission win"
                ]
            if strategy == "prohibit":
                return PROHIBITED, [
                    f"prohibited by {names(forbids)}; the permission {names(permits)} "
                    "gives way (strategy prohibit)"
                ]
            return CONTESTED, [
                f"permitted by {names(permits)} and prohibited by {names(forbids)}, "
                "with no precedence between them"
            ]
        if forbids:
            return PROHIBITED, [f"prohibited by {names(forbids)}"]
        if permits:
            return PERMITTED, [f"permitted by {names(permits)}"]
        return NOT_PERMITTED, [
            "no rule in force permits it; what is not permitted is not allowed (the default)"
        ]


def _conditional(rule: RuleCheck) -> bool:
    return any(c.status == OPEN for c in rule.constraints)


def _tri(yes: bool, no: bool) -> bool | None:
    return True if yes else False if no else None


#: Whether a day passes a date constraint, for a bound known only to the month: None inside it.
_DATE_TESTS = {
    "gteq": lambda b, d: _tri(d >= b.last, d < b.first),
    "gt": lambda b, d: _tri(d > b.last, d <= b.first),
    "lteq": lambda b, d: _tri(d <= b.first, d > b.last),
    "lt": lambda b, d: _tri(d < b.first, d >= b.last),
    "eq": lambda b, d: _tri(b.first == d == b.last, d < b.first or d > b.last),
}
_DATE_WORDS = {"gteq": "on or after", "gt": "after", "lteq": "on or before", "lt": "before", "eq": "on"}

_ORDER = {
    ODRL2.spatial: 0,
    PG.acrossBorderFrom: 1,
    PG.depth: 2,
    PG.weaponSystem: 3,
    PG.weaponClass: 4,
    PG.targetType: 5,
    ODRL2.purpose: 6,
    ODRL2.dateTime: 7,
}


def decide(dataset: Dataset, action: Action, *, conflict: str = "prohibit") -> Decision:
    """Decide one action over a dataset (builds a :class:`PolicyEngine`; reuse one for many)."""
    return PolicyEngine(dataset, conflict=conflict).decide(action)
