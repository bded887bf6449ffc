"""Turn what the reader found into candidate claims, each with the spans it came from.

Policies and their rules, requests, stances, statements, requests for comment, events,
source groups and new entities.

Rules live here, knowledge in the lexicon and the graph:

- a permission or prohibition cue starts a rule; the party named before it decides and
  the one after it acts (in the passive, "Ukraine is allowed", the one before acts);
  a rule said to stay in force ("the policy against ... has not changed") takes what is
  written before its cue;
- places after "inside"/"into" are where the act happens; a rule "limited to" a place
  outside that is measured across the border from it (its region, for a city);
- weapons after "such as" are examples, not limits; "US-provided weapons" are the
  supplier's weapons given to the party that acts (an existing ``pg:WeaponCollection``
  when the graph has one);
- "prohibited from A or B" is two prohibitions; a permission for "A or B" is one, with
  both in its lists;
- rules of one kind, party and grantor that do not contradict each other are one rule
  told twice, and are merged;
- a reversal makes an earlier stance: a prohibition of what the new permission allows,
  which the new policy revokes; prohibitions "still" in force are carried over from it.

Every candidate keeps the spans of the text it came from.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from rdflib import Dataset, URIRef
from rdflib.namespace import RDF, RDFS

from graph.draft.findings import Attribution, ClaimKind, Cue, CueKind, Mention, Role, Span
from graph.draft.lexicon import Lexicon
from graph.draft.reader import Reading
from graph.namespaces import GEO, ORG, PG

__all__ = ["Findings", "RuleDraft", "assemble"]

_POLICY_CUES = (CueKind.PERMISSION, CueKind.PROHIBITION, CueKind.UNCHANGED, CueKind.HELD)
_NEGATION = frozenset({"not", "never", "n't", "no", "nor", "without"})
_POSSESSIVE = ("'s", "\u2019s")
_ANAPHORIC_PLACE = frozenset({"city", "region", "area", "oblast", "province", "town"})


@dataclass
class RuleDraft:
    """A candidate permission or prohibition, as the text gives it."""

    kind: ClaimKind
    assigner: URIRef | None
    assignee: URIRef | None
    spans: list[Span]
    spatial: set[URIRef] = field(default_factory=set)
    across: set[URIRef] = field(default_factory=set)
    depth: set[URIRef] = field(default_factory=set)
    target_types: set[URIRef] = field(default_factory=set)
    purposes: set[URIRef] = field(default_factory=set)
    weapon_classes: set[URIRef] = field(default_factory=set)
    systems: set[URIRef] = field(default_factory=set)
    examples: set[URIRef] = field(default_factory=set)
    supplier: URIRef | None = None
    carried: bool = False
    sentences: set[int] = field(default_factory=set)
    #: the person who decided, when the text names one ("President Joe Biden has authorized")
    decided_by: URIRef | None = None

    def values(self) -> dict[str, set[URIRef]]:
        """The constraint values by operand, for merging and scoring."""
        return {
            "spatial": self.spatial,
            "across": self.across,
            "depth": self.depth,
            "target types": self.target_types,
            "purposes": self.purposes,
            "weapon classes": self.weapon_classes,
            "systems": self.systems,
        }

    def empty(self) -> bool:
        """True when the text gave nothing to limit the rule with."""
        return not any(self.values().values()) and not self.examples

    def fits(self, other: RuleDraft) -> int | None:
        """How much another rule agrees with this one (None: it contradicts or is another party's)."""
        if other.kind is not self.kind or other.assignee != self.assignee or other.assigner != self.assigner:
            return None
        if self.supplier and other.supplier and self.supplier != other.supplier:
            return None
        shared = 0
        mine, theirs = self.values(), other.values()
        for key, values in mine.items():
            if values and theirs[key]:
                if (
                    self.kind is ClaimKind.PROHIBITION
                    and values != theirs[key]
                    and not (values <= theirs[key] or theirs[key] <= values)
                ):
                    return None
                if key in ("spatial", "across", "depth") and values.isdisjoint(theirs[key]):
                    return None
                shared += len(values & theirs[key])
        return shared

    def merge(self, other: RuleDraft) -> None:
        """Take in what another telling of the same rule adds."""
        for key, values in self.values().items():
            values.update(other.values()[key])
        self.examples |= other.examples
        self.spans += other.spans
        self.supplier = self.supplier or other.supplier
        self.carried = self.carried or other.carried
        self.sentences |= other.sentences
        self.decided_by = self.decided_by or other.decided_by


@dataclass
class _Context:
    reading: Reading
    dataset: Dataset
    lexicon: Lexicon
    published: date | None
    slug: str
    publisher: str
    labels: dict[URIRef, str] = field(default_factory=dict)
    #: the weapons last named ("these weapons")
    supplier: URIRef | None = None

    def label(self, term: URIRef) -> str:
        if term not in self.labels:
            value = self.dataset.value(term, RDFS.label)
            self.labels[term] = (
                str(value) if value is not None else str(term).rsplit("/", 1)[-1].rsplit("#", 1)[-1]
            )
        return self.labels[term]

    def mentions(self, start: int, end: int) -> list[Mention]:
        return [m for m in self.reading.mentions if start <= m.token and m.end_token <= end]

    def cues(self, start: int, end: int, *kinds: CueKind) -> list[Cue]:
        return [c for c in self.reading.cues if start <= c.token < end and (not kinds or c.kind in kinds)]

    def within(self, place: URIRef, region: URIRef) -> bool:
        return place == region or region in set(self.dataset.transitive_objects(place, GEO.sfWithin))

    def country_of(self, place: URIRef) -> URIRef | None:
        """The state a place lies in (itself for a state)."""
        for held in (place, *self.dataset.transitive_objects(place, GEO.sfWithin)):
            if isinstance(held, URIRef) and (held, RDF.type, PG.State) in self.dataset:
                return held
        return None

    def abroad(self, mention: Mention, rule: RuleDraft) -> bool:
        """True for a place in another state than the one of the party that acts ("in Belgorod Oblast")."""
        if mention.term is None or rule.assignee is None:
            return False
        country = self.country_of(mention.term)
        return country is not None and country != rule.assignee

    def state_of(self, actor: URIRef) -> URIRef:
        """The state a body or person acts for (org:subOrganizationOf, org:memberOf), else the actor."""
        if (actor, RDF.type, PG.State) in self.dataset:
            return actor
        for prop in (ORG.subOrganizationOf, ORG.memberOf):
            for parent in self.dataset.transitive_objects(actor, prop):
                if isinstance(parent, URIRef) and (parent, RDF.type, PG.State) in self.dataset:
                    return parent
        return actor

    def recipient_of(self, supplier: URIRef | None) -> URIRef | None:
        """Who a state's weapons go to, when the graph names exactly one."""
        if supplier is None:
            return None
        found = {
            r
            for c in self.dataset.subjects(PG.supplier, supplier)
            for r in self.dataset.objects(c, PG.recipient)
            if isinstance(r, URIRef)
        }
        return found.pop() if len(found) == 1 else None

    def region_of(self, place: URIRef) -> URIRef:
        """A city's region: what an across-border rule is measured from."""
        if (place, RDF.type, PG.City) in self.dataset:
            for parent in self.dataset.objects(place, GEO.sfWithin):
                if isinstance(parent, URIRef) and (parent, RDF.type, PG.Region) in self.dataset:
                    return parent
        return place


def _sentences(reading: Reading) -> list[tuple[int, int]]:
    return [(s.start, s.end) for s in reading.doc.sents]


def _actor(mention: Mention) -> bool:
    return mention.role.is_actor and not mention.modifier and mention.role not in (Role.PERSON, Role.MEDIA)


def _segments(ctx: _Context, start: int, end: int) -> list[tuple[Cue, int, int]]:
    """The policy cues of one sentence, each with the tokens it governs."""
    doc = ctx.reading.doc
    cues = ctx.cues(start, end, *_POLICY_CUES)

    # "not allowed" is a prohibition and "lifted its ban" a permission: a cue inside a longer
    # cue of the other kind is part of it
    def inside(c: Cue) -> bool:
        return any(
            o.kind is not c.kind
            and o.kind is not CueKind.UNCHANGED
            and o.token <= c.token
            and c.end_token <= o.end_token
            and (o.end_token - o.token) > (c.end_token - c.token)
            for o in cues
        )

    cues = [c for c in cues if not inside(c)]
    prohibiting = ctx.lexicon.words("policy", "prohibiting")
    spans: list[tuple[Cue, int, int]] = []
    for cue in cues:
        if cue.kind is CueKind.UNCHANGED:
            begin = next(
                (
                    i
                    for i in range(cue.token - 1, max(start, cue.token - 14) - 1, -1)
                    if doc[i].lower_ in prohibiting
                ),
                None,
            )
            if begin is None:
                continue
            spans.append((cue, begin, cue.token))
        else:
            spans.append((cue, cue.token, end))
    spans.sort(key=lambda s: s[1])
    out = []
    for number, (cue, begin, stop) in enumerate(spans):
        # the next cue's clause starts at the last comma or "but" before it; ", Biden told
        # reporters" is who says so, not part of the rule
        following = [_clause_start(ctx, s[0], begin) for s in spans[number + 1 :] if s[1] > begin]
        following += [
            _clause_start(ctx, said, begin)
            for said in ctx.cues(begin + 1, stop, CueKind.SAY, CueKind.ACCORDING)
            if said.token > cue.end_token
        ]
        out.append((cue, begin, min([stop, *following])))
    return out


#: words before "Russian territory" that make it where the act happens (not "toward Ukrainian territory")
_ONTO = frozenset({"against", "on", "onto", "into", "inside", "in", "within", "at", "over"})
_BOUNDARIES = frozenset({",", ";", ":", "but", "while", "whereas", "although", "though", "yet"})


def _clause_start(ctx: _Context, cue: Cue, floor: int) -> int:
    """Where the clause of a cue starts: after the last comma or "but" before it (not before ``floor``)."""
    doc = ctx.reading.doc
    for i in range(cue.token - 1, floor, -1):
        if doc[i].lower_ in _BOUNDARIES:
            return i + 1
    return max(floor + 1, min(cue.token, doc[cue.token].sent.start)) if floor < cue.token else cue.token


def _kind(ctx: _Context, cue: Cue, sentence_start: int) -> ClaimKind:
    doc = ctx.reading.doc
    if cue.kind is CueKind.PROHIBITION:
        return ClaimKind.PROHIBITION
    if cue.kind is CueKind.UNCHANGED:
        return ClaimKind.PROHIBITION
    before = {doc[i].lower_ for i in range(max(sentence_start, cue.token - 3), cue.token)}
    inside = {doc[i].lower_ for i in range(cue.token, cue.end_token)}
    return ClaimKind.PROHIBITION if (before | inside) & _NEGATION else ClaimKind.PERMISSION


def _in_scope(ctx: _Context, mention: Mention) -> bool:
    """A name just after "inside", "in", "near"...: where, not who ("strikes deep inside Russia")."""
    where = (
        CueKind.INSIDE,
        CueKind.IN_COUNTRY,
        CueKind.DEEP,
        CueKind.LIMITED,
        CueKind.FROM,
        CueKind.ACROSS_BORDER,
    )
    return any(
        c.kind in where and c.end_token <= mention.token <= c.end_token + 1
        for c in ctx.cues(max(0, mention.token - 6), mention.token)
    )


def _acting_subject(ctx: _Context, cue: Cue, sentence: tuple[int, int]) -> bool:
    """True when the words before a cue are what acts ("Ukraine is allowed", "strikes remain barred")."""
    if cue.kind is CueKind.HELD:
        return True  # "Ukraine has the right to use"
    doc = ctx.reading.doc
    acting = ctx.lexicon.words("policy", "acting-subject")
    words_before = {doc[i].lower_ for i in range(max(sentence[0], cue.token - 2), cue.token)}
    return doc[cue.token].lower_ in acting or bool(words_before & acting)


def _parties(
    ctx: _Context, cue: Cue, start: int, stop: int, sentence: tuple[int, int]
) -> tuple[URIRef | None, URIRef | None]:
    """(who decides, who acts) around a cue.

    Active: "Washington allowed Kyiv" (before decides, after acts). With an acting-subject
    word ("Ukraine is allowed", "Kyiv may use"): the one before acts, the one before that
    (or after "by") decides.
    """
    doc = ctx.reading.doc

    def party(m: Mention) -> bool:
        return _actor(m) and not _in_scope(ctx, m)

    def decider(m: Mention) -> bool:
        # a person decides for the state they serve ("President Joe Biden has authorized")
        return party(m) or (m.role is Role.PERSON and m.term is not None)

    deciders = [m for m in ctx.mentions(sentence[0], cue.token) if decider(m)]
    before = [m for m in deciders if party(m)]
    after = [m for m in ctx.mentions(cue.token, stop) if party(m)]
    if cue.kind is CueKind.UNCHANGED:
        return None, None
    if _acting_subject(ctx, cue, sentence):
        by = next((m for m in after if m.token > 0 and doc[m.token - 1].lower_ == "by"), None)
        actor = before[-1].term if before else None
        grantor = (
            by.term
            if by
            else next(
                (
                    m.term
                    for m in reversed(deciders)
                    if m.term != actor and (not before or m.token < before[-1].token)
                ),
                None,
            )
        )
        return grantor, actor
    return (deciders[-1].term if deciders else None), (after[0].term if after else None)


def _examples(ctx: _Context, start: int, stop: int) -> set[int]:
    """Tokens in "such as ..." lists: the weapons named there are examples."""
    doc = ctx.reading.doc
    tokens: set[int] = set()
    for cue in ctx.cues(start, stop, CueKind.EXAMPLES):
        i = cue.end_token
        while i < stop and doc[i].text not in (",", ";", ".", "—", "(", ")") and doc[i].lower_ != "to":
            tokens.add(i)
            i += 1
    return tokens


def _fill(ctx: _Context, rule: RuleDraft, start: int, stop: int) -> None:  # noqa: PLR0912, PLR0915
    """Read the scope, targets, purposes and weapons of tokens ``start`` to ``stop`` into a rule."""
    doc = ctx.reading.doc
    examples = _examples(ctx, start, stop)
    mentions = ctx.mentions(start, stop)
    supplied = ctx.lexicon.words("weapons", "supplied")
    land = ctx.lexicon.words("scope", "territory")
    nouns = ctx.lexicon.words("weapons", "nouns")
    for mention in mentions:
        term = mention.term
        if term is None:
            continue
        if mention.role.is_weapon:
            if mention.token in examples:
                rule.examples.add(term)
            elif mention.role is Role.WEAPON_CLASS:
                rule.weapon_classes.add(term)
            else:
                rule.systems.add(term)
        elif mention.role is Role.TARGET_TYPE:
            rule.target_types.add(term)
        elif mention.role is Role.PURPOSE:
            rule.purposes.add(term)
        elif mention.role is Role.DEPTH:
            rule.depth.add(term)
        elif mention.role.is_actor and mention.modifier:
            # "U.S.-provided weapons", "American weapons"; "Russian territory"
            after = [t.lower_ for t in doc[mention.end_token : mention.end_token + 3]]
            before = doc[mention.token - 1].lower_ if mention.token else ""
            if mention.role is Role.COUNTRY and after[:1] and after[0] in land and before in _ONTO:
                rule.spatial.add(term)
            if any(m.token == mention.end_token and m.role.is_weapon for m in mentions):
                rule.supplier = term  # "U.S. rockets"
            if (
                (after[:1] and after[0] in nouns)
                or (len(after) > 2 and after[0] == "-" and after[1] in supplied)
                or (after[:1] and after[0] in supplied)
            ):
                rule.supplier = term
    for cue in ctx.cues(start, stop):
        nxt = [m for m in mentions if cue.end_token <= m.token <= cue.end_token + 2 and m.role.is_place]
        if cue.kind is CueKind.DEEP:
            rule.depth.add(PG.DeepInside)
        elif cue.kind is CueKind.BORDER:
            rule.depth.add(PG.BorderArea)
        where = cue.kind in (CueKind.INSIDE, CueKind.DEEP) or (
            cue.kind is CueKind.IN_COUNTRY
            and bool(nxt)
            and (nxt[0].role is Role.COUNTRY or ctx.abroad(nxt[0], rule))
        )
        if where and nxt:
            rule.spatial.add(nxt[0].term)  # type: ignore[arg-type]
        elif cue.kind is CueKind.ACROSS_BORDER:
            # "across the Russian border", "the Russian border region": the country across it
            inside = [
                m for m in mentions if cue.token - 1 <= m.token < cue.end_token and m.role is Role.COUNTRY
            ]
            if inside:
                rule.spatial.add(inside[0].term)  # type: ignore[arg-type]
            for source in ctx.cues(cue.end_token, min(stop, cue.end_token + 6), CueKind.FROM):
                place = _place_after(ctx, source.end_token, stop)
                if place is not None:
                    rule.across.add(ctx.region_of(place))
        elif cue.kind is CueKind.LIMITED and nxt:
            place = nxt[0].term
            assert place is not None
            if rule.spatial and not any(ctx.within(place, s) for s in rule.spatial):
                rule.across.add(ctx.region_of(place))
            else:
                rule.spatial.add(place)  # within the place already given: narrows it
        elif cue.kind is CueKind.STRIKE_AT:
            # "to strike Moscow or Belgorod": the places right after the verb (a country
            # named for its government, "the Kremlin", is not a place here)
            i = cue.end_token
            while i < stop:
                named = next((m for m in mentions if m.token == i and m.role is Role.PLACE), None)
                if named is not None and named.term is not None:
                    rule.spatial.add(named.term)
                    i = named.end_token
                elif doc[i].lower_ in ("the", "or", "and", ",", "targets", "in"):
                    i += 1
                else:
                    break
        elif cue.kind is CueKind.FROM and rule.spatial and nxt and nxt[0].role is Role.PLACE:
            # "on Russian soil near the Kharkiv region": a place outside the country named
            place = nxt[0].term
            if place is not None and not any(ctx.within(place, s) for s in rule.spatial):
                rule.across.add(ctx.region_of(place))
        elif cue.kind is CueKind.ANAPHORA and rule.supplier is None:
            rule.supplier = ctx.supplier
    if rule.supplier is not None:
        ctx.supplier = rule.supplier


def _place_after(ctx: _Context, start: int, stop: int) -> URIRef | None:
    """The place named just after a word ("near Kharkiv"), or the last one named ("near the city")."""
    doc = ctx.reading.doc
    for mention in ctx.mentions(start, min(stop, start + 3)):
        if mention.role.is_place and mention.term is not None:
            return mention.term
    words = {t.lower_ for t in doc[start : min(len(doc), start + 3)]}
    if words & _ANAPHORIC_PLACE:
        earlier = [m for m in ctx.reading.mentions if m.token < start and m.role is Role.PLACE and m.term]
        if earlier:
            return earlier[-1].term
    return None


def _except(ctx: _Context, kind: ClaimKind, stop: int) -> tuple[int, tuple[int, int] | None]:
    """Where a permission's words end, and the excepted part after "but not" or "except" (a ban)."""
    if kind is not ClaimKind.PERMISSION:
        return stop, None
    found = [c for c in ctx.reading.cues if c.kind is CueKind.EXCEPT and c.end_token < stop]
    for cue in found:
        if any(
            m.role in (Role.TARGET_TYPE, Role.PURPOSE) or m.role.is_weapon or m.role.is_place
            for m in ctx.mentions(cue.end_token, stop)
        ):
            return cue.token, (cue.end_token, stop)
    return stop, None


def _split(ctx: _Context, rule_kind: ClaimKind, start: int, stop: int) -> list[tuple[int, int]]:
    """A prohibition of "A or B" is two prohibitions: split where each side names something."""
    if rule_kind is not ClaimKind.PROHIBITION:
        return [(start, stop)]
    doc = ctx.reading.doc
    words = ctx.lexicon.words("scope", "alternatives")
    cuts = [start]
    for i in range(start + 1, stop - 1):
        if doc[i].lower_ not in words:
            continue
        left = ctx.mentions(cuts[-1], i)
        right = ctx.mentions(i, stop)
        named = (Role.TARGET_TYPE, Role.WEAPON_CLASS, Role.WEAPON_SYSTEM)
        if any(m.role in named for m in left) and any(m.role in named for m in right):
            cuts.append(i + 1)
    cuts.append(stop)
    return list(itertools.pairwise(cuts))


def rules_of(ctx: _Context) -> list[RuleDraft]:  # noqa: PLR0912
    """Every candidate rule of the text, merged where two sentences tell one rule."""
    doc = ctx.reading.doc
    drafts: list[RuleDraft] = []
    still = ctx.lexicon.words("policy", "still")
    last: RuleDraft | None = None
    for sentence in _sentences(ctx.reading):
        segments = _segments(ctx, *sentence)
        if not segments:
            # "The authorization is limited to the Kharkiv region": scope for the last rule
            scope = ctx.cues(sentence[0], sentence[1], CueKind.LIMITED)
            if last is not None and scope:
                _fill(ctx, last, scope[0].token, sentence[1])
                last.spans.append(Span.of_tokens(doc, scope[0].token, sentence[1]))
            continue
        previous = sentence[0]
        for cue, start, stop in segments:
            begins = _clause_start(ctx, cue, previous - 1) if previous > sentence[0] else sentence[0]
            subject = (max(previous, begins), cue.token) if _acting_subject(ctx, cue, sentence) else None
            previous = cue.end_token
            kind = _kind(ctx, cue, sentence[0])
            assigner, assignee = _parties(ctx, cue, start, stop, sentence)
            carried = (
                cue.kind is CueKind.UNCHANGED
                or any(doc[i].lower_ in still for i in range(max(sentence[0], cue.token - 3), cue.token))
                # "the policy barring ... remains in place"
                or bool(ctx.cues(cue.end_token, sentence[1], CueKind.UNCHANGED))
            )
            # "allow Kyiv to strike military sites, but not civilian targets": the rest is a ban
            ends, excepted = _except(ctx, kind, stop)
            if excepted is not None:
                ban = RuleDraft(
                    ClaimKind.PROHIBITION,
                    assigner,
                    assignee,
                    [Span.of_tokens(ctx.reading.doc, *excepted)],
                    sentences={sentence[0]},
                )
                _fill(ctx, ban, *excepted)
                drafts.append(ban)
            for begin, end in _split(ctx, kind, start, ends):
                rule = RuleDraft(
                    kind,
                    assigner,
                    assignee,
                    [Span.of_tokens(doc, begin, end)],
                    carried=carried,
                    sentences={sentence[0]},
                )
                rule.spans.insert(0, cue.span)
                _fill(ctx, rule, begin, end)
                if subject is not None and subject[1] > subject[0]:
                    # "Long-range strikes deep inside Russia remain prohibited": what is written before
                    _fill(ctx, rule, *subject)
                drafts.append(rule)
                last = rule
    # who decides, when no sentence says: the first named, else whose weapons they are
    grantor = next((r.assigner for r in drafts if r.assigner), None) or next(
        (r.supplier for r in drafts if r.supplier), None
    )
    grantee = next((r.assignee for r in drafts if r.assignee), None)
    if grantor is not None:
        grantor = ctx.state_of(grantor)
    merged: list[RuleDraft] = []
    for rule in drafts:
        if rule.assigner is not None and (rule.assigner, RDF.type, PG.Person) in ctx.dataset:
            rule.decided_by = rule.assigner
        rule.assigner = ctx.state_of(rule.assigner) if rule.assigner else grantor or rule.supplier
        # who acts, when no sentence says: the one named elsewhere, else whom the graph says
        # the decider's weapons go to
        rule.assignee = rule.assignee or grantee or ctx.recipient_of(rule.supplier or rule.assigner)
        if rule.assigner == rule.assignee:
            rule.assignee = grantee if grantee != rule.assigner else None
        best = max(
            (
                (shared, number)
                for number, held in enumerate(merged)
                if (shared := held.fits(rule)) is not None
                and (shared > 0 or rule.kind is ClaimKind.PERMISSION or held.empty() or rule.empty())
            ),
            default=None,
        )
        if best is not None:
            merged[best[1]].merge(rule)
        else:
            merged.append(rule)
    # a rule with nothing to limit it is kept only when the text names whose weapons it is about
    return [
        r
        for r in merged
        if r.assignee is not None and r.assigner is not None and (not r.empty() or r.supplier is not None)
    ]


@dataclass
class Findings:
    """The candidate claims of a draft, by kind, and the document's facts."""

    rules: list[RuleDraft]
    groups: list[Attribution]
    policy_attribution: list[Attribution]
    policy_date: date | None
    policy_spans: list[Span]
    reversal: Cue | None
    concerns: list[Cue]
    requests: list[tuple[Cue, URIRef | None, URIRef | None, list[URIRef]]]
    stances: list[tuple[Cue, ClaimKind, list[URIRef], str, URIRef | None, Span]]
    statements: list[tuple[Span, Attribution | None, URIRef | None, str | None, str, date | None]]
    comments: list[tuple[Cue, URIRef | None, str]]
    events: list[tuple[Cue, URIRef | None, URIRef | None, URIRef | None, URIRef | None, date | None, bool]]


def assemble(  # noqa: PLR0912, PLR0915
    reading: Reading, *, dataset: Dataset, lexicon: Lexicon, published: date | None
) -> Findings:
    """Every candidate the reading supports."""
    ctx = _Context(reading, dataset, lexicon, published, "", "")
    doc = reading.doc
    rules = rules_of(ctx)
    policy_sentences = {s for r in rules for s in r.sentences}
    # who the decision is attributed to: the sources named with the first decision sentence
    # that names any ("according to three officials and two others", "two officials said")
    attribution: list[Attribution] = []
    for cue in reading.cues:
        if cue.kind in (CueKind.ACCORDING, CueKind.SAY) and cue.sentence in policy_sentences:
            for held in reading.said_by.get(cue.token, []):
                if all(held is not a for a in attribution):
                    attribution.append(held)
            if attribution:
                break
    policy_date = next(
        (
            d.value
            for d in reading.dates
            if d.sentence in policy_sentences and d.precision == "day" and d.value
        ),
        None,
    )
    reversal = next((c for c in reading.cues if c.kind is CueKind.REVERSAL), None)
    concerns = [c for c in reading.cues if c.kind is CueKind.CONCERN]
    grantor = rules[0].assigner if rules else None
    requests = []
    for cue in reading.cues:
        if cue.kind is not CueKind.REQUEST:
            continue
        sent = doc[cue.token].sent
        before = [m for m in ctx.mentions(sent.start, cue.token) if m.role.is_actor and m.term]
        after = [m for m in ctx.mentions(cue.end_token, sent.end) if m.term]
        possessive = next(
            (
                m
                for m in before
                if m.end_token < len(doc)
                and doc[m.end_token].text in _POSSESSIVE
                and m.end_token + 1 == cue.token
            ),
            None,
        )
        requester = possessive or (before[-1] if before else None)
        if requester is None or cue.token in {
            t for c in reading.cues if c.kind is CueKind.NO_RESPONSE for t in range(c.token, c.end_token + 4)
        }:
            continue
        addressee = next((m.term for m in after if _actor(m) and m.term != requester.term), None) or grantor
        about = [m.term for m in after if m.role is Role.PLACE and m.term]
        requests.append((cue, requester.term, addressee, about))
    stances = []
    for cue in reading.cues:
        if cue.kind not in (CueKind.SUPPORTS, CueKind.OPPOSES):
            continue
        sent = doc[cue.token].sent
        if sent.start in policy_sentences:
            continue
        holders = [m.term for m in ctx.mentions(sent.start, cue.token) if _actor(m) and m.term]
        if not holders:
            continue
        begin = cue.end_token
        if begin < sent.end and doc[begin].lower_ in ctx.lexicon.words("stance", "concerning"):
            begin += 1
        end = begin
        while end < sent.end and not (doc[end].is_punct and doc[end].text not in (*_POSSESSIVE, "-")):
            end += 1
        if end <= begin:
            continue
        about_mentions = [m for m in ctx.mentions(begin, end) if _actor(m) or (m.role.is_actor and m.term)]
        issue = doc[begin:end].text
        beneficiary = about_mentions[0].term if about_mentions else None
        kind = ClaimKind.STANCE
        stances.append(
            (
                cue,
                kind,
                list(dict.fromkeys(holders)),
                issue,
                beneficiary,
                Span.of_tokens(ctx.reading.doc, begin, end),
            )
        )
    statements: list[tuple[Span, Attribution | None, URIRef | None, str | None, str, date | None]] = []
    quotes_by: dict[tuple[int, str], list[Any]] = {}
    for quote in reading.quotes:
        quotes_by.setdefault((quote.sentence, quote.speaker.key if quote.speaker else ""), []).append(quote)
    for (_, _), quotes in quotes_by.items():
        short = [q for q in quotes if len(q.text) <= 60]
        span = quotes[0].span.cover(quotes[-1].span)
        statements.append(
            (span, quotes[0].speaker, None, short[0].text if short else None, "Background", None)
        )
    # a named person on record: "government spokesman Steffen Hebestreit said on Friday"
    quoted = {(s[0].start, s[1].key) for s in statements if s[1] is not None}
    for cue in reading.cues:
        if cue.kind is not CueKind.SAY:
            continue
        for person in reading.said_by.get(cue.token, []):
            sent = doc[cue.token].sent
            if not person.named or any(
                start >= sent.start_char and key == person.key for start, key in quoted
            ):
                continue
            quoted.add((sent.start_char, person.key))
            when = next(
                (
                    d.value
                    for d in reading.dates
                    if d.sentence == sent.start and d.value and d.precision == "day"
                ),
                None,
            )
            said = "Announcement" if sent.start in policy_sentences else ""
            statements.append(
                (Span.of_tokens(ctx.reading.doc, sent.start, sent.end), None, person.person, None, said, when)
            )
    for cue in reading.cues:
        if cue.kind not in (CueKind.HINT, CueKind.ANNOUNCEMENT, CueKind.DENIAL):
            continue
        sent = doc[cue.token].sent
        speaker = [
            m for m in ctx.mentions(sent.start, cue.token) if m.role.is_actor and m.term and not m.modifier
        ]
        if not speaker:
            continue
        when = next(
            (d.value for d in reading.dates if d.sentence == sent.start and d.value and d.precision == "day"),
            None,
        )
        said = {CueKind.HINT: "Hint", CueKind.ANNOUNCEMENT: "Announcement", CueKind.DENIAL: "Denial"}[
            cue.kind
        ]
        span = Span.of_tokens(ctx.reading.doc, speaker[-1].token, sent.end)
        statements.append((span, None, speaker[-1].term, None, said, when))
    comments: list[tuple[Cue, URIRef | None, str]] = []
    for cue in reading.cues:
        if cue.kind not in (CueKind.NO_RESPONSE, CueKind.DECLINED):
            continue
        sent = doc[cue.token].sent
        asked = [
            m for m in ctx.mentions(sent.start, cue.token) if m.role.is_actor and m.term and not m.modifier
        ]
        if asked:
            outcome = "NoResponse" if cue.kind is CueKind.NO_RESPONSE else "Declined"
            comments.append((cue, asked[-1].term, outcome))
    events = []
    not_past = ctx.lexicon.words("event", "not-past")
    for cue in reading.cues:
        if cue.kind is not CueKind.STRIKE:
            continue
        sent = doc[cue.token].sent
        if any(doc[i].lower_ in not_past for i in range(max(sent.start, cue.token - 2), cue.token)):
            continue
        subject = [m for m in ctx.mentions(max(sent.start, cue.token - 6), cue.token) if _actor(m) and m.term]
        weapons = [m for m in ctx.mentions(sent.start, sent.end) if m.role.is_weapon and m.term]
        if not subject or not weapons or sent.start in policy_sentences:
            continue
        places = [
            m.term
            for m in ctx.mentions(cue.end_token, sent.end)
            if m.role.is_place and m.term and not m.modifier
        ]
        targets = [m.term for m in ctx.mentions(cue.end_token, sent.end) if m.role is Role.TARGET_TYPE]
        when = next(
            (d.value for d in reading.dates if d.sentence == sent.start and d.value and d.precision == "day"),
            None,
        )
        first = any(c.kind is CueKind.FIRST_USE and c.sentence == sent.start for c in reading.cues)
        events.append(
            (
                cue,
                subject[-1].term,
                weapons[0].term,
                places[0] if places else None,
                targets[0] if targets else None,
                when,
                first,
            )
        )
    return Findings(
        rules=rules,
        groups=list(reading.attributions),
        policy_attribution=attribution,
        policy_date=policy_date,
        policy_spans=[s for r in rules for s in r.spans[:1]],
        reversal=reversal,
        concerns=concerns,
        requests=requests,
        stances=stances,
        statements=statements,
        comments=comments,
        events=events,
    )
