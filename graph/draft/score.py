"""Score a draft against a hand-modelled source of the same article: precision and recall by kind.

Kinds compared: entities (the graph's actors, places and weapons the text names),
attributions (anonymous groups by count and affiliation, named persons), dates (the days
the source states), quotes, rules (matched by kind, grantor and grantee) and, over the
matched rules, their scope, target types, purposes and weapons.

Examples
--------
>>> s = Score("dates", 2, 0, 1)
>>> s.precision, round(s.recall, 2)
(1.0, 0.67)
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass

from rdflib import Graph, Literal, URIRef
from rdflib.namespace import RDF, XSD

from graph.draft.findings import Role
from graph.draft.gazetteer import roles
from graph.namespaces import DCTERMS, PG, PROV
from graph.namespaces import ODRL2 as ODRL

__all__ = ["Score", "score", "total"]

_FIELDS = {
    "scope": (ODRL.spatial, PG.acrossBorderFrom, PG.depth),
    "target types": (PG.targetType,),
    "purposes": (ODRL.purpose,),
    "weapons": (PG.weaponClass, PG.weaponSystem),
}


@dataclass(frozen=True)
class Score:
    """Matches, extras and misses of one kind of finding."""

    kind: str
    found: int
    extra: int
    missed: int

    @property
    def precision(self) -> float:
        """Of what the draft holds, the share the hand-modelled source holds too (1.0 for nothing)."""
        total = self.found + self.extra
        return self.found / total if total else 1.0

    @property
    def recall(self) -> float:
        """Of what the hand-modelled source holds, the share the draft found (1.0 when there was nothing)."""
        total = self.found + self.missed
        return self.found / total if total else 1.0


def _compare(kind: str, draft: Iterable[object], gold: Iterable[object]) -> Score:
    mine, theirs = Counter(draft), Counter(gold)
    found = sum((mine & theirs).values())
    return Score(kind, found, sum(mine.values()) - found, sum(theirs.values()) - found)


def _attributions(graph: Graph, kinds: dict[URIRef, Role]) -> list[tuple[str, object, object]]:
    out: list[tuple[str, object, object]] = []
    for group in set(graph.subjects(RDF.type, PG.AnonymousSourceGroup)):
        count = graph.value(group, PG.memberCount)
        out.append(
            ("group", int(count) if isinstance(count, Literal) else None, graph.value(group, PG.affiliation))
        )
    people = {o for p in (PROV.wasAttributedTo, PG.speaker) for o in graph.objects(None, p)}
    for person in people:
        if isinstance(person, URIRef) and kinds.get(person) is Role.PERSON:
            out.append(("person", person, None))
    return out


def _dates(graph: Graph) -> set[str]:
    return {
        str(value)
        for prop in (DCTERMS.date, DCTERMS.issued)
        for value in graph.objects(None, prop)
        if isinstance(value, Literal) and value.datatype == XSD.date
    }


def _quotes(graph: Graph) -> list[str]:
    return [
        " ".join(str(q).casefold().strip(' .,\u201c\u201d"').split()) for q in graph.objects(None, PG.quote)
    ]


def _rules(graph: Graph) -> list[tuple[tuple[object, object, object], dict[str, set[object]]]]:
    rules: list[tuple[tuple[object, object, object], dict[str, set[object]]]] = []
    for kind, prop in ((ODRL.Permission, ODRL.permission), (ODRL.Prohibition, ODRL.prohibition)):
        for rule in set(graph.subjects(RDF.type, kind)):
            policy = graph.value(None, prop, rule)
            grantor = graph.value(policy, ODRL.assigner) if policy is not None else None
            key = (kind, grantor, graph.value(rule, ODRL.assignee))
            values: dict[str, set[object]] = {name: set() for name in _FIELDS}
            for constraint in graph.objects(rule, ODRL.constraint):
                left = graph.value(constraint, ODRL.leftOperand)
                for name, operands in _FIELDS.items():
                    if left in operands:
                        values[name] |= {(left, o) for o in graph.objects(constraint, ODRL.rightOperand)}
            values["weapons"] |= {(PG.citedExample, o) for o in graph.objects(rule, PG.citedExample)}
            rules.append((key, values))
    return rules


def _overlap(a: dict[str, set[object]], b: dict[str, set[object]]) -> int:
    return sum(len(a[k] & b[k]) for k in a)


def _entities(graph: Graph, kinds: dict[URIRef, Role]) -> set[URIRef]:
    """The graph's actors, places and weapons a source's claims name."""
    wanted = (Role.ACTOR, Role.PERSON, Role.BODY, Role.MEDIA, Role.COUNTRY, Role.PLACE, Role.WEAPON_SYSTEM)
    return {
        term for triple in graph for term in triple if isinstance(term, URIRef) and kinds.get(term) in wanted
    }


def score(draft: Graph, gold: Graph, *, dataset: Graph) -> list[Score]:
    """Precision and recall of a draft against a hand-modelled source, by kind.

    Both are compared as graphs: the entities each one's claims name, its attributions,
    dates, quotes and rules.
    """
    kinds = roles(dataset)  # type: ignore[arg-type]
    scores = [
        _compare("entities", _entities(draft, kinds), _entities(gold, kinds)),
        _compare("attributions", _attributions(draft, kinds), _attributions(gold, kinds)),
        _compare("dates", _dates(draft), _dates(gold)),
        _compare("quotes", _quotes(draft), _quotes(gold)),
    ]
    mine, theirs = _rules(draft), _rules(gold)
    # best overlaps first, so that a small rule does not take a large one's match
    candidates = sorted(
        (
            (_overlap(mv, tv), i, j)
            for i, (mk, mv) in enumerate(mine)
            for j, (tk, tv) in enumerate(theirs)
            if mk == tk
        ),
        key=lambda c: (-c[0], c[1], c[2]),
    )
    taken_mine: dict[int, int] = {}
    taken_theirs: set[int] = set()
    for _, i, j in candidates:
        if i not in taken_mine and j not in taken_theirs:
            taken_mine[i] = j
            taken_theirs.add(j)
    empty: dict[str, set[object]] = {k: set() for k in _FIELDS}
    pairs = [
        (values, theirs[taken_mine[i]][1] if i in taken_mine else empty) for i, (_, values) in enumerate(mine)
    ]
    unmatched = [values for j, (_, values) in enumerate(theirs) if j not in taken_theirs]
    matched = len(taken_theirs)
    left = unmatched
    scores.append(Score("rules", matched, len(mine) - matched, len(left)))
    for name in _FIELDS:
        found = sum(len(d[name] & g[name]) for d, g in pairs)
        extra = sum(len(d[name]) for d, _ in pairs) - found
        missed = sum(len(g[name]) for _, g in pairs) - found + sum(len(u[name]) for u in unmatched)
        scores.append(Score(f"rule {name}", found, extra, missed))
    return scores


def total(scores: Iterable[Score]) -> Score:
    """Scores of one kind over several drafts, added up (a micro-average).

    >>> total([Score("dates", 1, 0, 1), Score("dates", 2, 1, 0)])
    Score(kind='dates', found=3, extra=1, missed=1)
    """
    items = list(scores)
    return Score(
        items[0].kind,
        sum(s.found for s in items),
        sum(s.extra for s in items),
        sum(s.missed for s in items),
    )
