"""What the policy engine is asked and what it answers: enums and small value records.

An :class:`Action` is the question. A :class:`Decision` is the answer: an
:class:`Outcome`, the reasons, the alternative ways the action may be permitted when the
question leaves something open (:class:`Alternative`), and every rule considered
(:class:`RuleCheck`), each with its constraints (:class:`ConstraintCheck`), the facts
the engine used (:class:`Fact`) and the sources that assert the rule (:class:`SourceRef`).

Examples
--------
>>> Outcome.CONDITIONAL.exit_code
14
>>> Outcome("not permitted") is Outcome.NOT_PERMITTED
True
>>> Fact("Kharkiv lies within Kharkiv Oblast", ("src:reference-entities",)).line()
'Kharkiv lies within Kharkiv Oblast [src:reference-entities]'
"""

from __future__ import annotations

import dataclasses
import functools
from dataclasses import dataclass, field
from datetime import date
from enum import StrEnum
from typing import Any

from rdflib import URIRef

from graph.dates import Period
from graph.namespaces import PG

__all__ = [
    "CONFIDENCE_ORDER",
    "Action",
    "Alternative",
    "Authority",
    "ConstraintCheck",
    "DateReading",
    "Fact",
    "Outcome",
    "RuleCheck",
    "RuleKind",
    "SourceRef",
    "Status",
    "Strategy",
]


class Outcome(StrEnum):
    """The answer to "may they?", each with its exit code on the command line."""

    #: a rule in force permits it, whatever the question left open
    PERMITTED = "permitted"
    #: permitted only under a condition the question left open (a target type, a purpose,
    #: which system of a class): the alternatives say which
    CONDITIONAL = "conditional"
    #: a prohibition in force applies
    PROHIBITED = "prohibited"
    #: no rule in force permits it: what is not permitted is not allowed
    NOT_PERMITTED = "not permitted"
    #: rules disagree with no precedence, or an on-record statement denies the deciding policy
    CONTESTED = "contested"
    #: the graph cannot tell (an undated decision, a place with no location, an unknown weapon)
    UNKNOWN = "unknown"

    @property
    def exit_code(self) -> int:
        """The exit code of ``policygraph check`` for this outcome."""
        return _EXIT_CODES[self]

    @property
    def words(self) -> str:
        """The outcome as the head of an explanation."""
        return "permitted if" if self is Outcome.CONDITIONAL else self.value


_EXIT_CODES = {
    Outcome.PERMITTED: 0,
    Outcome.PROHIBITED: 10,
    Outcome.NOT_PERMITTED: 11,
    Outcome.CONTESTED: 12,
    Outcome.UNKNOWN: 13,
    Outcome.CONDITIONAL: 14,
}


class Status(StrEnum):
    """What became of one constraint of a rule."""

    HELD = "held"
    FAILED = "failed"
    #: the question does not say what the constraint reads (no target type given)
    OPEN = "open"
    #: the graph cannot tell (a date known only to the month, an unknown constraint)
    UNKNOWN = "unknown"

    @property
    def mark(self) -> str:
        """One character for explanations."""
        return {"held": "+", "failed": "x", "open": "?", "unknown": "!"}[self.value]


class RuleKind(StrEnum):
    """ODRL's two kinds of rule the engine decides with."""

    PERMISSION = "permission"
    PROHIBITION = "prohibition"


class Strategy(StrEnum):
    """ODRL's conflict strategies (``odrl:conflict``), by their local names."""

    PERM = "perm"
    PROHIBIT = "prohibit"
    INVALID = "invalid"


class DateReading(StrEnum):
    """How to read a date a source gives only to the month or the year."""

    #: the days inside it stay undecided (unknown)
    STRICT = "strict"
    #: as its first day: the earliest it could have been
    EARLIEST = "earliest"
    #: as its last day: the latest it could have been
    LATEST = "latest"

    def read(self, when: Period) -> Period:
        """The period as this reading takes it."""
        if self is DateReading.EARLIEST:
            return Period(when.first, when.first)
        if self is DateReading.LATEST:
            return Period(when.last, when.last)
        return when


class Authority(StrEnum):
    """Why a rule's grantor has a say over the weapon asked about."""

    SUPPLIER = "supplier"
    CONTROLLER = "controller"
    #: the grantor neither supplied nor controls the weapon: the rule is listed, not applied
    NONE = "none"


#: Confidence levels from the lowest, as the ontology names them.
CONFIDENCE_ORDER = (PG.LowConfidence, PG.MediumConfidence, PG.HighConfidence)


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
class Fact:
    """A fact the engine used, in words, with the sources (graphs) that state it."""

    text: str
    sources: tuple[str, ...]

    def line(self) -> str:
        """The fact and its sources on one line."""
        return f"{self.text} [{', '.join(self.sources) or 'no source'}]"


@dataclass(frozen=True)
class ConstraintCheck:
    """One constraint of a rule and what became of it, with the facts that told."""

    left: str
    operator: str
    values: tuple[str, ...]
    status: Status
    reason: str
    facts: tuple[Fact, ...] = ()


@dataclass(frozen=True)
class SourceRef:
    """A source that asserts a rule, whom it attributes the rule to, and how confident it is."""

    source: str
    title: str
    issued: str
    attributed_to: tuple[str, ...]
    attribution: str
    confidence: str
    on_record: bool = False
    #: the confidence's place in :data:`CONFIDENCE_ORDER`, from 1 (0: unstated)
    rank: int = 0


@dataclass(frozen=True)
class RuleCheck:
    """One rule considered: whose it is, whether it is in force, each constraint, its sources."""

    rule: str
    kind: RuleKind
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
    authority: Authority = Authority.SUPPLIER
    #: why the grantor has a say (or why the rule is not applicable)
    authority_reason: str = ""
    #: facts behind the rule's time and authority (its date, its revocations, a control)
    facts: tuple[Fact, ...] = ()
    #: whether a constraint is open (see :attr:`open`), found once
    has_open: bool = field(default=False, compare=False)

    @classmethod
    def of(cls, fields: dict[str, Any]) -> RuleCheck:
        """The check with these fields, every one of them given.

        The same check as ``RuleCheck(**fields)``, made without a frozen dataclass's call
        per field: an engine makes one for each rule a question is the first to meet.

        Examples
        --------
        >>> fields = dict(rule="r", kind=RuleKind.PERMISSION, label="may strike", policy="p",
        ...     policy_label="P", grantor="US", in_force=True, time_reason="from 2024-05-30",
        ...     constraints=(), applies=True, sources=(), statements=(),
        ...     authority=Authority.SUPPLIER, authority_reason="supplied it", facts=(), has_open=False)
        >>> RuleCheck.of(fields) == RuleCheck(**fields)
        True
        >>> RuleCheck.of({"rule": "r"})
        Traceback (most recent call last):
        TypeError: a rule check needs every field: kind, label, ... missing
        """
        if fields.keys() != _RULE_CHECK_FIELDS:
            missing = [name for name in _RULE_CHECK_FIELD_ORDER if name not in fields]
            shown = ", ".join(missing[:2]) + (", ..." if len(missing) > 2 else "")
            unknown = sorted(fields.keys() - _RULE_CHECK_FIELDS)
            raise TypeError(
                f"a rule check needs every field: {shown} missing"
                if missing
                else f"no such fields: {unknown}"
            )
        made = object.__new__(cls)
        made.__dict__.update(fields)
        return made

    @property
    def open(self) -> tuple[ConstraintCheck, ...]:
        """The constraints the question leaves open."""
        return tuple(c for c in self.constraints if c.status is Status.OPEN)

    @functools.cached_property
    def alternative(self) -> Alternative:
        """The rule as a way the action is allowed or forbidden: if its open constraints hold."""
        return Alternative(self.kind, self.label, self.policy_label, tuple(c.reason for c in self.open))

    def for_authority(self, authority: Authority, reason: str, facts: tuple[Fact, ...]) -> RuleCheck:
        """The same check for a grantor whose say over the weapon is another's (another weapon)."""
        copy = object.__new__(RuleCheck)
        # every field (and the alternative, once worked out: it does not depend on the authority)
        copy.__dict__.update(self.__dict__, authority=authority, authority_reason=reason, facts=facts)
        return copy

    @property
    def confidence(self) -> str:
        """The highest confidence among the rule's own sources."""
        best = max(self.sources, key=lambda s: s.rank, default=None)
        return best.confidence if best is not None else "unstated"


#: the fields of a rule check, in order, and as a set
_RULE_CHECK_FIELD_ORDER = tuple(item.name for item in dataclasses.fields(RuleCheck))
_RULE_CHECK_FIELDS = frozenset(_RULE_CHECK_FIELD_ORDER)


@dataclass(frozen=True)
class Alternative:
    """One way the action is permitted (or prohibited) if a condition left open holds."""

    kind: RuleKind
    rule: str
    policy: str
    conditions: tuple[str, ...]

    def line(self) -> str:
        """The alternative in words."""
        return f"'{self.rule}' ({self.policy}) if " + "; and ".join(self.conditions)
