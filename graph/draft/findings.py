"""What the drafter finds in a text, each with the character span it came from.

Findings are plain records: the reader (:mod:`graph.draft.reader`) makes them from the
text, the assembler (:mod:`graph.draft.assemble`) turns them into candidate claims, and
the writers (:mod:`graph.draft.turtle`, :mod:`graph.draft.review`) show them.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date
from enum import StrEnum
from typing import Any

from rdflib import URIRef

__all__ = [
    "Attribution",
    "ClaimKind",
    "Cue",
    "CueKind",
    "DateMention",
    "FindingKind",
    "Mention",
    "Quote",
    "Role",
    "Span",
    "new_term",
]


class FindingKind(StrEnum):
    """The kinds of finding the review page marks, each in its own colour."""

    ENTITY = "entity"
    ATTRIBUTION = "attribution"
    DATE = "date"
    CUE = "cue"
    SCOPE = "scope"
    QUOTE = "quote"


class Role(StrEnum):
    """What a name in the text stands for, from the graph's types."""

    ACTOR = "actor"
    PERSON = "person"
    BODY = "body"
    MEDIA = "media"
    PLACE = "place"
    COUNTRY = "country"
    WEAPON_SYSTEM = "weapon system"
    WEAPON_CLASS = "weapon class"
    TARGET_TYPE = "target type"
    PURPOSE = "purpose"
    DEPTH = "depth"
    OTHER = "other"

    @property
    def is_actor(self) -> bool:
        """True for who can decide, ask, speak or act."""
        return self in (Role.ACTOR, Role.PERSON, Role.BODY, Role.COUNTRY, Role.MEDIA)

    @property
    def is_place(self) -> bool:
        """True for where things happen (a country is both)."""
        return self in (Role.PLACE, Role.COUNTRY)

    @property
    def is_weapon(self) -> bool:
        """True for systems and classes of weapons."""
        return self in (Role.WEAPON_SYSTEM, Role.WEAPON_CLASS)


class CueKind(StrEnum):
    """The cue words of the lexicon, by what they signal."""

    PERMISSION = "permission"
    PROHIBITION = "prohibition"
    #: a permission told from the side of the one who holds it ("Ukraine has the right to use")
    HELD = "held"
    UNCHANGED = "unchanged"
    STILL = "still"
    REVERSAL = "reversal"
    CONCERN = "concern"
    INFLUENCE = "influence"
    REQUEST = "request"
    IN_RESPONSE = "in-response"
    SUPPORTS = "supports"
    OPPOSES = "opposes"
    HINT = "hint"
    ANNOUNCEMENT = "announcement"
    DENIAL = "denial"
    SAYING = "saying"
    NO_RESPONSE = "no-response"
    DECLINED = "declined"
    ACCORDING = "according"
    SAY = "say"
    LIMITED = "limited"
    ACROSS_BORDER = "across-border"
    DEEP = "deep"
    BORDER = "border"
    INSIDE = "inside"
    IN_COUNTRY = "in-country"
    FROM = "from"
    EXAMPLES = "examples"
    EXCEPT = "except"
    ANAPHORA = "anaphora"
    STRIKE = "strike"
    STRIKE_AT = "strike-at"
    FIRST_USE = "first-use"
    DATE = "date"

    @property
    def finding(self) -> FindingKind:
        """How the review page marks it."""
        if self in _SCOPE:
            return FindingKind.SCOPE
        if self in (CueKind.ACCORDING, CueKind.SAY):
            return FindingKind.ATTRIBUTION
        if self is CueKind.DATE:
            return FindingKind.DATE
        return FindingKind.CUE


_SCOPE = frozenset(
    {
        CueKind.LIMITED,
        CueKind.ACROSS_BORDER,
        CueKind.DEEP,
        CueKind.BORDER,
        CueKind.INSIDE,
        CueKind.IN_COUNTRY,
        CueKind.FROM,
        CueKind.EXAMPLES,
        CueKind.EXCEPT,
        CueKind.STRIKE_AT,
    }
)


class ClaimKind(StrEnum):
    """The candidate claims a draft holds."""

    POLICY = "policy"
    PERMISSION = "permission"
    PROHIBITION = "prohibition"
    EARLIER_STANCE = "earlier stance"
    REQUEST = "request"
    STANCE = "stance"
    STATEMENT = "statement"
    COMMENT_REQUEST = "comment request"
    EVENT = "event"
    SOURCE_GROUP = "source group"
    NEW_ENTITY = "new entity"
    CONCERN = "concern"


def new_term(name: str) -> URIRef:
    """The IRI a draft gives a name the graph does not know: ``:OlafScholz``.

    >>> new_term("Olaf Scholz")
    rdflib.term.URIRef('https://w3id.org/policygraph/id/OlafScholz')
    """
    from graph.namespaces import PGR

    words = re.findall(r"[A-Za-z0-9]+", name)
    return PGR["".join(w[:1].upper() + w[1:] for w in words)[:60] or "Entity"]


@dataclass(frozen=True, order=True)
class Span:
    """Characters ``start`` to ``end`` (exclusive) of the article's text."""

    start: int
    end: int

    def __str__(self) -> str:
        return f"{self.start}-{self.end}"

    @classmethod
    def of_tokens(cls, doc: Any, start: int, end: int) -> Span:
        """The characters of tokens ``start`` to ``end`` (exclusive) of a spaCy ``Doc``."""
        return cls(doc[start].idx, doc[end - 1].idx + len(doc[end - 1].text))

    def cover(self, other: Span) -> Span:
        """The smallest span holding both."""
        return Span(min(self.start, other.start), max(self.end, other.end))


@dataclass(frozen=True)
class Mention:
    """A name in the text linked to a graph term (or a new-entity candidate when ``term`` is None).

    ``score`` is 100 for a label or alias written as is, lower for a fuzzy match; ``how``
    says which name matched (label, alias, metonym, demonym, fuzzy, new).
    """

    span: Span
    text: str
    term: URIRef | None
    role: Role
    score: float
    how: str
    sentence: int
    token: int
    end_token: int
    #: the words around a mention that make it a modifier ("U.S. officials"), not a party
    modifier: bool = False


@dataclass(frozen=True)
class Cue:
    """A lexicon phrase found in the text."""

    span: Span
    text: str
    kind: CueKind
    sentence: int
    token: int
    end_token: int


@dataclass(frozen=True)
class DateMention:
    """A date phrase and what it resolves to, against the publication day."""

    span: Span
    text: str
    value: date | None
    #: day, week, month or year, as dateparser reads the phrase
    precision: str
    sentence: int
    token: int

    @property
    def shown(self) -> str:
        """The resolution as the review shows it: a day, ``YYYY-MM``, ``YYYY`` or 'unresolved'."""
        if self.value is None:
            return "unresolved"
        if self.precision == "month":
            return f"{self.value:%Y-%m}"
        if self.precision == "year":
            return f"{self.value:%Y}"
        return self.value.isoformat()


@dataclass
class Attribution:
    """Who says so: a named person or a group of unnamed sources, with its count and affiliation."""

    span: Span
    text: str
    sentence: int
    person: URIRef | None = None
    #: the group's words, for its label ("three U.S. officials")
    group: str | None = None
    count: int | None = None
    affiliation: URIRef | None = None
    #: an earlier group this one is part of ("one of the U.S. officials")
    part_of: Attribution | None = None
    key: str = ""

    @property
    def named(self) -> bool:
        """True for a named person on record."""
        return self.person is not None


@dataclass(frozen=True)
class Quote:
    """Quoted words and who said them, when the sentence says."""

    span: Span
    text: str
    sentence: int
    speaker: Attribution | None = field(default=None, compare=False)
