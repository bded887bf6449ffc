"""Read a text with spaCy's rule-based components: names, cues, dates, quotes and who says so.

The pipeline is ``spacy.blank("en")`` (the tokenizer) with the ``sentencizer``; names
are found with a ``PhraseMatcher`` over the graph's names (see
:mod:`graph.draft.gazetteer`), cues and dates with a ``Matcher`` over the lexicon's
phrases. No statistical model is loaded. Dates are resolved against the publication
day with dateparser.

Examples
--------
>>> from datetime import date
>>> from graph.load import load
>>> from graph.draft.lexicon import load_lexicon
>>> reading = read_text("Three U.S. officials said Washington allowed Kyiv to strike on Wednesday.",
...                     dataset=load().dataset, lexicon=load_lexicon(), published=date(2024, 5, 30))
>>> [(m.text, m.how) for m in reading.mentions]
[('U.S.', 'alias'), ('Washington', 'metonym'), ('Kyiv', 'metonym')]
>>> [(d.text, d.shown) for d in reading.dates]
[('on Wednesday', '2024-05-29')]
>>> [(a.count, a.group) for a in reading.attributions]
[(3, 'Three U.S. officials')]
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime
from functools import cache
from typing import Any

from rdflib import Dataset, URIRef

from graph.draft.findings import (
    Attribution,
    Cue,
    CueKind,
    DateMention,
    FindingKind,
    Mention,
    Quote,
    Role,
    Span,
    new_term,
)
from graph.draft.gazetteer import Name, gazetteer
from graph.draft.lexicon import Lexicon, phrase_patterns

__all__ = ["Reading", "read_text"]

#: lexicon lists that are cues, by the kind each signals
_CUE_LISTS: tuple[tuple[str, str, CueKind], ...] = (
    ("policy", "permission", CueKind.PERMISSION),
    ("policy", "prohibition", CueKind.PROHIBITION),
    ("policy", "held", CueKind.HELD),
    ("policy", "unchanged", CueKind.UNCHANGED),
    ("policy", "still", CueKind.STILL),
    ("policy", "reversal", CueKind.REVERSAL),
    ("policy", "concern", CueKind.CONCERN),
    ("policy", "influence", CueKind.INFLUENCE),
    ("policy", "request", CueKind.REQUEST),
    ("policy", "in-response", CueKind.IN_RESPONSE),
    ("stance", "supports", CueKind.SUPPORTS),
    ("stance", "opposes", CueKind.OPPOSES),
    ("statement", "hint", CueKind.HINT),
    ("statement", "announcement", CueKind.ANNOUNCEMENT),
    ("statement", "denial", CueKind.DENIAL),
    ("statement", "saying", CueKind.SAYING),
    ("comment", "no-response", CueKind.NO_RESPONSE),
    ("comment", "declined", CueKind.DECLINED),
    ("attribution", "according", CueKind.ACCORDING),
    ("attribution", "say", CueKind.SAY),
    ("scope", "limited", CueKind.LIMITED),
    ("scope", "across-border", CueKind.ACROSS_BORDER),
    ("scope", "deep", CueKind.DEEP),
    ("scope", "border", CueKind.BORDER),
    ("scope", "inside", CueKind.INSIDE),
    ("scope", "in-country", CueKind.IN_COUNTRY),
    ("scope", "from", CueKind.FROM),
    ("scope", "examples", CueKind.EXAMPLES),
    ("scope", "except", CueKind.EXCEPT),
    ("scope", "strike-at", CueKind.STRIKE_AT),
    ("weapons", "anaphora", CueKind.ANAPHORA),
    ("event", "strike", CueKind.STRIKE),
    ("event", "first-use", CueKind.FIRST_USE),
    ("dates", "phrases", CueKind.DATE),
)
_HOW_RANK = {"label": 0, "alias": 1, "demonym": 2, "metonym": 3, "lexicon": 4}
_MONTHS = frozenset(
    "january february march april may june july august september october november december".split()  # noqa: SIM905
)
_PLACE_WORDS = frozenset(
    {"in", "at", "near", "inside", "into", "to", "toward", "towards", "from", "around", "outside"}
)
_LINKS = frozenset({"or", "and", "of", "in", "to", "on", "at", "with", "from", "for", "by", "nor"})
_QUOTES = re.compile(r"“([^”]{1,2000})”|\"([^\"\n]{1,2000})\"")
_ABSOLUTE = re.compile(r"\b(\d{4}-\d{2}-\d{2})\b")


@dataclass
class Reading:
    """Everything found in one text, in text order."""

    text: str
    doc: Any
    mentions: list[Mention] = field(default_factory=list)
    cues: list[Cue] = field(default_factory=list)
    dates: list[DateMention] = field(default_factory=list)
    quotes: list[Quote] = field(default_factory=list)
    attributions: list[Attribution] = field(default_factory=list)
    #: capitalised names the graph does not know, with a guessed role
    new_names: list[Mention] = field(default_factory=list)
    #: who each ``say`` or ``according`` cue points at, by the cue's first token
    said_by: dict[int, list[Attribution]] = field(default_factory=dict)

    def sentence_of(self, token: int) -> int:
        """The index of the sentence a token is in."""
        return int(self.doc[token].sent.start)

    def in_sentence(self, items: Iterable[Any], sentence: int) -> list[Any]:
        """The findings of one sentence (by the sentence's first token)."""
        return [item for item in items if item.sentence == sentence]


@cache
def _nlp() -> Any:
    import spacy
    from spacy.util import compile_infix_regex

    nlp: Any = spacy.blank("en")
    # "U.S.-provided" is "U.S." "-" "provided", as "American-provided" already is
    infixes = [*list(nlp.Defaults.infixes), r"(?<=\.)-(?=[A-Za-z])"]
    nlp.tokenizer.infix_finditer = compile_infix_regex(infixes).finditer
    nlp.add_pipe("sentencizer")
    return nlp


def _acting(doc: Any, start: int, end: int) -> bool:
    """A name that does something ("the Kremlin did not respond", "Washington allowed").

    It is followed by a lower-case word that is not a link, and does not follow a word of place.
    """
    before = doc[start - 1].lower_ if start else ""
    if before == "the" and start > 1:
        before = doc[start - 2].lower_
    following = doc[end] if end < len(doc) else None
    return (
        before not in _PLACE_WORDS
        and following is not None
        and following.is_lower
        and following.is_alpha
        and following.lower_ not in _LINKS
    )


def _mentions(doc: Any, names: list[Name]) -> list[Mention]:
    from spacy.matcher import PhraseMatcher
    from spacy.util import filter_spans

    nlp = _nlp()
    lower = PhraseMatcher(nlp.vocab, attr="LOWER")
    exact = PhraseMatcher(nlp.vocab, attr="ORTH")
    by_key: dict[str, list[Name]] = {}
    for number, name in enumerate(names):
        key = str(number)
        by_key[key] = [name]
        (exact if name.exact_case else lower).add(key, [nlp.make_doc(name.text)])
    choice: dict[tuple[int, int], Name] = {}
    for matcher in (lower, exact):
        for match_id, start, end in matcher(doc):
            name = by_key[nlp.vocab.strings[match_id]][0]
            held = choice.get((start, end))
            # "the Kremlin did not respond": a name that stands for an actor acts
            acting = _acting(doc, start, end)
            if (
                held is None
                or (acting and name.how == "metonym")
                or (_HOW_RANK[name.how] < _HOW_RANK[held.how] and not (acting and held.how == "metonym"))
            ):
                choice[(start, end)] = name

    # names of things (actors, places, systems) and terms of the ontology are two layers:
    # "Russian forces attacking" is the Russian armed forces and attacking forces at once
    def concept(key: tuple[int, int]) -> bool:
        return choice[key].role in (Role.TARGET_TYPE, Role.PURPOSE, Role.DEPTH, Role.WEAPON_CLASS)

    things = filter_spans([doc[s:e] for s, e in choice if not concept((s, e))])
    # a term inside a name is part of the name ("Missile" in "Army Tactical Missile System")
    terms = [
        span
        for span in filter_spans([doc[s:e] for s, e in choice if concept((s, e))])
        if not any(t.start <= span.start and span.end <= t.end for t in things)
    ]
    spans = [*things, *terms]
    found = []
    for span in sorted(spans, key=lambda s: (s.start, s.end)):
        name = choice[(span.start, span.end)]
        found.append(
            Mention(
                span=Span.of_tokens(doc, span.start, span.end),
                text=span.text,
                term=name.term,
                role=name.role,
                score=100.0,
                how=name.how,
                sentence=span.sent.start,
                token=span.start,
                end_token=span.end,
            )
        )
    return found


def _cues(doc: Any, lexicon: Lexicon) -> list[Cue]:
    from spacy.matcher import Matcher
    from spacy.util import filter_spans

    nlp = _nlp()
    matcher = Matcher(nlp.vocab)
    for section, key, kind in _CUE_LISTS:
        phrases = lexicon.phrases(section, key)
        patterns = [p for phrase in phrases for p in phrase_patterns(phrase, nlp.make_doc)]
        if patterns:
            matcher.add(kind.value, patterns)
    by_kind: dict[CueKind, list[Any]] = {}
    for match_id, start, end in matcher(doc):
        by_kind.setdefault(CueKind(nlp.vocab.strings[match_id]), []).append(doc[start:end])
    found = []
    for kind, spans in by_kind.items():
        for span in filter_spans(spans):
            found.append(
                Cue(
                    Span.of_tokens(doc, span.start, span.end),
                    span.text,
                    kind,
                    span.sent.start,
                    span.start,
                    span.end,
                )
            )
    return sorted(found, key=lambda c: (c.token, c.end_token))


@cache
def _date_parser(base: date) -> Any:
    from dateparser.date import DateDataParser

    settings = {"RELATIVE_BASE": datetime(base.year, base.month, base.day), "PREFER_DATES_FROM": "past"}
    return DateDataParser(languages=["en"], settings=settings)


def _resolve(phrase: str, published: date | None) -> tuple[date | None, str]:
    base = published or date.today()
    words = phrase.casefold().split()
    if words[:1] in (["earlier"], ["later"]):  # "earlier this year": the period it names
        phrase = " ".join(words[1:])
    if words[:1] and words[0] in ("on", "in", "since", "by", "until"):
        phrase = " ".join(words[1:])
    data = _date_parser(base).get_date_data(phrase)
    if data is None or data.date_obj is None:
        return None, "day"
    found = data.date_obj.date()
    # a story published on a Friday says "on Friday" of that very day, not of the week before
    if phrase.strip().casefold() == f"{base:%A}".casefold():
        found = base
    return found, str(data.period or "day")


def _dates(doc: Any, cues: list[Cue], published: date | None) -> list[DateMention]:
    found = []
    for cue in cues:
        if cue.kind is not CueKind.DATE:
            continue
        start, end = cue.token, cue.end_token
        first = doc[start]
        if first.lower_ in _MONTHS:
            nxt = doc[end] if end < len(doc) else None
            before = doc[start - 1].lower_ if start else ""
            # "may" is a month only in capitals, before a day or year, or after "in"
            if not first.text[0].isupper() or (
                first.lower_ == "may" and not (nxt is not None and nxt.like_num) and before != "in"
            ):
                continue
            while end < len(doc) and (doc[end].like_num or doc[end].text == ","):
                end += 1
            if doc[end - 1].text == ",":
                end -= 1
        if start and doc[start - 1].lower_ in ("on", "in", "since", "by", "until"):
            start -= 1
        text = doc[start:end].text
        value, precision = _resolve(text, published)
        found.append(
            DateMention(Span.of_tokens(doc, start, end), text, value, precision, doc[start].sent.start, start)
        )
    for match in _ABSOLUTE.finditer(doc.text):
        span = doc.char_span(match.start(1), match.end(1), alignment_mode="expand")
        if span is not None:
            value, precision = _resolve(match.group(1), published)
            found.append(
                DateMention(
                    Span(match.start(1), match.end(1)),
                    match.group(1),
                    value,
                    precision,
                    span.sent.start,
                    span.start,
                )
            )
    unique = {d.span: d for d in found}
    return sorted(unique.values(), key=lambda d: d.span)


def _quotes(doc: Any) -> list[Quote]:
    found = []
    for match in _QUOTES.finditer(doc.text):
        group = 1 if match.group(1) is not None else 2
        words = match.group(group).strip().rstrip(".,;:")
        if not words:
            continue
        start = match.start(group)
        span = doc.char_span(start, start + len(match.group(group)), alignment_mode="expand")
        sentence = span.sent.start if span is not None else 0
        found.append(Quote(Span(start, start + len(words)), words, sentence))
    return found


def _inside_quote(quotes: list[Quote], span: Span) -> bool:
    return any(q.span.start <= span.start and span.end <= q.span.end + 1 for q in quotes)


def _singular(word: str) -> str:
    return word[:-1] if len(word) > 3 and word.endswith("s") and not word.endswith("ss") else word


@dataclass
class _Groups:
    """Builds the attributions of one text, sharing groups named twice."""

    doc: Any
    lexicon: Lexicon
    mentions: list[Mention]
    found: list[Attribution] = field(default_factory=list)

    def mention_at(self, token: int) -> Mention | None:
        return next((m for m in self.mentions if m.token <= token < m.end_token), None)

    def _count(self, i: int, limit: int) -> tuple[int | None, bool, int]:
        """The count at token ``i``: (count, whether the words give one, the token after)."""
        doc, lexicon = self.doc, self.lexicon
        vague = {p.casefold() for p in lexicon.phrases("attribution", "vague")}
        for size in (3, 2, 1):
            if i + size <= limit and " ".join(t.lower_ for t in doc[i : i + size]) in vague:
                return None, True, i + size
        if i < limit and (number := lexicon.number(doc[i].lower_)) is not None:
            return number, True, i + 1
        return None, False, i

    def group_at(self, start: int, *, limit: int) -> tuple[Attribution | None, int]:  # noqa: PLR0912
        """A group of unnamed sources at token ``start``: "[count] [words] noun [familiar with ...]"."""
        doc, lexicon = self.doc, self.lexicon
        i = start
        definite = i < limit and doc[i].lower_ == "the"
        if definite:
            i += 1
        count, counted, i = self._count(i, limit)
        if (
            count is not None
            and i + 1 < limit
            and doc[i].lower_ == "of"
            and doc[i + 1].lower_ in ("the", "those")
        ):
            whole, end = self.group_at(i + 1, limit=limit)
            if whole is not None:
                return self._add(start, end, count, whole.affiliation, whole), end
        sources = lexicon.words("attribution", "sources")
        between = lexicon.words("attribution", "between")
        affiliation: URIRef | None = None
        noun_at = None
        j = i
        while j < limit:
            mention = self.mention_at(j)
            if mention is not None and mention.role.is_actor:
                affiliation = affiliation or mention.term
                j = mention.end_token
            elif doc[j].lower_ in sources:
                noun_at = j
                break
            elif doc[j].lower_ in between or doc[j].text == "-":
                j += 1
            else:
                break
        if noun_at is None:
            return None, start
        end = noun_at + 1
        for phrase in lexicon.phrases("attribution", "familiar"):
            words = phrase.casefold().split()
            if [t.lower_ for t in doc[end : end + len(words)]] == words:
                end += len(words)
                while end < limit and not doc[end].is_punct and doc[end].lower_ not in ("and", "said", "who"):
                    end += 1
                break
        noun = _singular(doc[noun_at].lower_)
        if definite and count is None and not counted:
            # "the official": the group last named with that noun
            for held in reversed(self.found):
                if (
                    held.group
                    and _singular(held.group.casefold().split()[-1]) == noun
                    and (affiliation is None or held.affiliation == affiliation)
                ):
                    return held, end
                if held.group and noun in {_singular(w) for w in held.group.casefold().split()}:
                    return held, end
        return self._add(start, end, count, affiliation, None), end

    def _add(
        self, start: int, end: int, count: int | None, affiliation: URIRef | None, part_of: Attribution | None
    ) -> Attribution:
        doc = self.doc
        first = start + 1 if doc[start].lower_ == "the" else start
        words = doc[first:end].text
        key = f"{count}|{affiliation}|{words.casefold()}|{part_of.key if part_of else ''}"
        for held in self.found:
            if held.key == key:
                return held
        span = Span.of_tokens(doc, start, end)
        attribution = Attribution(
            span=span,
            text=words,
            sentence=doc[start].sent.start,
            group=words,
            count=count,
            affiliation=affiliation,
            part_of=part_of,
            key=key,
        )
        self.found.append(attribution)
        return attribution

    def person(self, mention: Mention) -> Attribution:
        for held in self.found:
            if held.person == mention.term:
                return held
        attribution = Attribution(
            mention.span, mention.text, mention.sentence, person=mention.term, key=f"person|{mention.term}"
        )
        self.found.append(attribution)
        return attribution


def _listed(groups: _Groups, start: int, stop: int) -> list[Attribution]:
    """The people or groups named from ``start`` to just before ``stop``, joined by "and" or commas.

    The last one must end right before ``stop`` (a word such as "also" may come between);
    anything else leaves no trace.
    """
    doc = groups.doc
    kept = len(groups.found)
    for begin in range(start, stop):
        found: list[Attribution] = []
        i = begin
        while i < stop:
            mention = groups.mention_at(i)
            if mention is not None and mention.role is Role.PERSON:
                found.append(groups.person(mention))
                i = mention.end_token
            else:
                group, end = groups.group_at(i, limit=stop)
                if group is None:
                    break
                found.append(group)
                i = end
            if i < stop and doc[i].lower_ in ("and", ","):
                i += 1
                continue
            break
        if found and i >= stop - 1:
            return found
        del groups.found[kept:]
    return []


def _attributions(  # noqa: PLR0912
    doc: Any, lexicon: Lexicon, mentions: list[Mention], cues: list[Cue]
) -> tuple[list[Attribution], dict[int, list[Attribution]]]:
    """Who says so, and the attribution each ``say`` or ``according`` cue points at (by cue token)."""
    groups = _Groups(doc, lexicon, mentions)
    at_cue: dict[int, list[Attribution]] = {}
    for cue in cues:
        sent = doc[cue.token].sent
        if cue.kind is CueKind.ACCORDING:
            i = cue.end_token
            while i < sent.end:
                mention = groups.mention_at(i)
                if mention is not None and mention.role is Role.PERSON:
                    at_cue.setdefault(cue.token, []).append(groups.person(mention))
                    i = mention.end_token
                else:
                    group, end = groups.group_at(i, limit=sent.end)
                    if group is None:
                        break
                    at_cue.setdefault(cue.token, []).append(group)
                    i = end
                if i < sent.end and doc[i].lower_ in ("and", ","):
                    i += 1
                    continue
                break
        elif cue.kind is CueKind.SAY:
            # "X said", "X and Y said": the words from the clause's start up to the cue
            start = cue.token
            while start > sent.start and doc[start - 1].text not in (",", ";", "“", "”", '"'):
                start -= 1
            said = _listed(groups, start, cue.token)
            if said:
                at_cue[cue.token] = said
                continue
            # "said X": just after
            mention = groups.mention_at(cue.end_token)
            if mention is not None and mention.role is Role.PERSON:
                at_cue[cue.token] = [groups.person(mention)]
            else:
                kept = len(groups.found)
                group, _ = groups.group_at(cue.end_token, limit=sent.end)
                if group is not None:
                    at_cue[cue.token] = [group]
                else:
                    del groups.found[kept:]
    return groups.found, at_cue


def _new_names(  # noqa: PLR0917
    doc: Any, lexicon: Lexicon, mentions: list[Mention], cues: list[Cue], dataset: Dataset, names: list[Name]
) -> list[Mention]:
    """Capitalised names the graph does not know: linked by fuzzy match, else new-entity candidates."""
    from rapidfuzz import fuzz, process

    ignore = {w.casefold() for w in lexicon.phrases("names", "ignore")}
    taken = {i for m in mentions for i in range(m.token, m.end_token)}
    taken |= {i for c in cues if c.kind is CueKind.DATE for i in range(c.token, c.end_token)}
    # labels and aliases only: a metonym or a demonym is a way of speaking, not a name to match loosely
    choices = {
        n.text: n
        for n in names
        if (n.role.is_actor or n.role.is_place or n.role is Role.WEAPON_SYSTEM)
        and n.how in ("label", "alias")
    }
    found: list[Mention] = []
    i = 0
    while i < len(doc):
        token = doc[i]
        if i in taken or not token.text[:1].isupper() or not token.is_alpha or token.lower_ in ignore:
            i += 1
            continue
        j = i
        while (
            j < len(doc)
            and j not in taken
            and (
                (doc[j].text[:1].isupper() and doc[j].is_alpha)
                or (doc[j].lower_ in ("of", "for") and j + 1 < len(doc) and doc[j + 1].text[:1].isupper())
            )
        ):
            j += 1
        while j > i and doc[j - 1].lower_ in ("of", "for"):
            j -= 1
        words = [t for t in doc[i:j]]
        titled = j < len(doc) and any(m.token == j and m.role is Role.PERSON for m in mentions)
        # a name at a sentence start is a name only when it is more than one word; a title
        # before a person's name ("National Security Adviser Jake Sullivan") is not a name
        if (token.is_sent_start and len(words) == 1) or titled or all(t.lower_ in ignore for t in words):
            i = j
            continue
        text = doc[i:j].text
        best = process.extractOne(text, list(choices), scorer=fuzz.token_set_ratio, score_cutoff=90)
        span = Span.of_tokens(doc, i, j)
        if best is not None and len(text) >= 4:
            name = choices[best[0]]
            found.append(
                Mention(span, text, name.term, name.role, float(best[1]), "fuzzy", token.sent.start, i, j)
            )
        else:
            found.append(
                Mention(
                    span, text, new_term(text), _guess(doc, i, j, lexicon), 0.0, "new", token.sent.start, i, j
                )
            )
        i = j
    return found


def _guess(doc: Any, start: int, end: int, lexicon: Lexicon) -> Role:  # noqa: PLR0911
    """The role of an unknown name, from the words in and around it."""
    last = doc[end - 1].lower_
    before = " ".join(t.lower_ for t in doc[max(0, start - 4) : start])
    after = doc[end].lower_ if end < len(doc) else ""
    if any(before.endswith(title) for title in lexicon.phrases("names", "person-titles")):
        return Role.PERSON
    if last in lexicon.words("names", "body-words"):
        return Role.BODY
    if last in lexicon.words("names", "place-words"):
        return Role.PLACE
    if after in lexicon.words("names", "weapon-after"):
        return Role.WEAPON_SYSTEM
    if start and doc[start - 1].lower_ in lexicon.words("names", "place-before"):
        return Role.PLACE
    # "Olaf Scholz said": two capitalised words before a verb of saying are a person;
    # "North Korean troops": before a lower-case noun, they describe someone
    says = after in lexicon.words("attribution", "say")
    if (
        end - start == 2
        and all(t.is_title for t in doc[start:end])
        and (says or end >= len(doc) or not doc[end].is_lower)
    ):
        return Role.PERSON
    return Role.ACTOR


def _modifiers(doc: Any, mentions: list[Mention], lexicon: Lexicon) -> list[Mention]:
    """Mark names that describe the next word ("U.S. officials", "Russian border") rather than act."""
    nouns = (
        lexicon.words("attribution", "sources")
        | lexicon.words("weapons", "nouns")
        | {
            "allies",
            "ally",
            "policy",
            "forces",
            "troops",
            "territory",
            "border",
            "missiles",
            "bombers",
            "attacks",
            "advances",
            "officials",
            "government",
            "position",
            "request",
            "decision",
            "right",
        }
    )
    # "U.S. rockets", "Russian launch sites": a name before a weapon or a target type describes it
    described = {m.token for m in mentions if m.role.is_weapon or m.role is Role.TARGET_TYPE}
    supplied = lexicon.words("weapons", "supplied")
    out = []
    for mention in mentions:
        following = doc[mention.end_token].lower_ if mention.end_token < len(doc) else ""
        after = doc[mention.end_token + 1].lower_ if mention.end_token + 1 < len(doc) else ""
        compound = following == "-" and after in supplied  # "U.S.-supplied"
        modifier = mention.how == "demonym" or (
            (following in nouns or mention.end_token in described or compound)
            and mention.role is not Role.PERSON
        )
        out.append(Mention(**{**mention.__dict__, "modifier": modifier}))
    return out


def read_text(text: str, *, dataset: Dataset, lexicon: Lexicon, published: date | None) -> Reading:
    """Find names, cues, dates, quotes and attributions in one text."""
    nlp = _nlp()
    doc = nlp(text)
    names = gazetteer(dataset, lexicon)
    mentions = _modifiers(doc, _mentions(doc, names), lexicon)
    cues = _part_of_no_name(doc, _cues(doc, lexicon), mentions)
    new = _new_names(doc, lexicon, mentions, cues, dataset, names)
    # a new name takes part like a known one (a new person says so, a new system is a limit)
    mentions = sorted([*mentions, *_modifiers(doc, new, lexicon)], key=lambda m: m.token)
    dates = _dates(doc, cues, published)
    quotes = _quotes(doc)
    attributions, at_cue = _attributions(doc, lexicon, mentions, cues)
    for number, quote in enumerate(quotes):
        speaker = _speaker(doc, quote, cues, at_cue)
        if speaker is not None:
            quotes[number] = Quote(quote.span, quote.text, quote.sentence, speaker)
    return Reading(
        text,
        doc,
        mentions,
        [c for c in cues if c.kind is not CueKind.DATE],
        dates,
        quotes,
        attributions,
        [m for m in new if m.how == "new"],
        at_cue,
    )


def _part_of_no_name(doc: Any, cues: list[Cue], mentions: list[Mention]) -> list[Cue]:
    """Drop cues that are words of a name ("Secretary of State") or of a term ("hit back")."""
    inside = {
        i
        for m in mentions
        if not m.role.is_actor and not m.role.is_place
        for i in range(m.token, m.end_token)
    }
    kept = []
    for cue in cues:
        one = cue.end_token - cue.token == 1
        if (
            cue.kind is not CueKind.DATE
            and one
            and doc[cue.token].text[:1].isupper()
            and not doc[cue.token].is_sent_start
        ):
            continue
        scope = cue.kind.finding is FindingKind.SCOPE
        if (
            cue.kind is not CueKind.DATE
            and not scope
            and all(i in inside for i in range(cue.token, cue.end_token))
        ):
            continue
        kept.append(cue)
    return kept


def _speaker(
    doc: Any, quote: Quote, cues: list[Cue], at_cue: dict[int, list[Attribution]]
) -> Attribution | None:
    """Who said the quoted words: the attribution of the nearest ``say`` cue in its sentence or the next."""
    best: tuple[int, Attribution] | None = None
    for cue in cues:
        if cue.kind not in (CueKind.SAY, CueKind.SAYING, CueKind.ACCORDING) or cue.token not in at_cue:
            continue
        distance = abs(cue.span.start - quote.span.end)
        near = cue.sentence == quote.sentence or distance < 200
        if near and (best is None or distance < best[0]):
            best = (distance, at_cue[cue.token][0])
    return best[1] if best else None
