"""The draft as candidate claims: one block of Turtle properties per candidate, with its spans.

:func:`claims` turns the assembler's findings into :class:`Block` records, named under
the document's slug; :mod:`graph.draft.turtle` writes them and :mod:`graph.draft.review`
shows them beside the text.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date

from rdflib import Dataset, Literal, URIRef
from rdflib.namespace import RDF, RDFS, SKOS

from graph.draft.article import Article
from graph.draft.assemble import Findings, RuleDraft
from graph.draft.findings import Attribution, ClaimKind, Role, Span, new_term
from graph.draft.reader import Reading
from graph.namespaces import PG, PREFIXES

__all__ = ["PLACEHOLDER", "Block", "claims", "curie", "slug"]

#: how a value the analyst must still write starts; validation refuses it
PLACEHOLDER = "(to write:"


@dataclass
class Block:
    """One subject of the draft: its kind, name, types, properties and where it came from."""

    kind: ClaimKind | None
    name: str
    types: list[str]
    properties: list[tuple[str, str]]
    spans: list[Span] = field(default_factory=list)
    summary: str = ""
    unreviewed: bool = True


def slug(text: str) -> str:
    """A name part: lower case words joined by hyphens.

    >>> slug("Politico Europe, 2024")
    'politico-europe-2024'
    """
    words = re.sub(r"[^a-z0-9]+", "-", text.casefold()).strip("-")
    if len(words) > 60:
        words = words[:60].rsplit("-", 1)[0]
    return words or "draft"


def curie(term: URIRef) -> str:
    """A term as the draft writes it (``:UnitedStates``, ``pg:CounterFire``)."""
    text = str(term)
    for prefix, namespace in sorted(PREFIXES.items(), key=lambda kv: -len(str(kv[1]))):
        if text.startswith(str(namespace)):
            local = text[len(str(namespace)) :]
            if re.fullmatch(r"[A-Za-z0-9_][A-Za-z0-9_\-.]*[A-Za-z0-9_\-]|[A-Za-z0-9_]", local):
                return f"{prefix}:{local}"
    return f"<{text}>"


def _string(text: str) -> str:
    return Literal(text).n3()


def _day(value: date) -> str:
    return f'"{value.isoformat()}"^^xsd:date'


@dataclass
class _Builder:
    reading: Reading
    findings: Findings
    article: Article
    dataset: Dataset
    slug: str
    publisher: str
    blocks: list[Block] = field(default_factory=list)
    groups: dict[str, str] = field(default_factory=dict)
    new_names: dict[str, str] = field(default_factory=dict)

    def label(self, term: URIRef) -> str:
        value = self.dataset.value(term, RDFS.label)
        return str(value) if value is not None else curie(term)

    def name(self, what: str) -> str:
        return f":{self.slug}-{what}"

    def confidence(self, attributions: list[Attribution]) -> str:
        """The README's table: named on record high, several unnamed medium, one or the reporter low."""
        if any(a.named for a in attributions):
            return "pg:HighConfidence"
        members = sum(a.count or 2 for a in attributions)
        return "pg:MediumConfidence" if members >= 2 else "pg:LowConfidence"

    def group(self, attribution: Attribution) -> str:
        if attribution.person is not None:
            return curie(attribution.person)
        if attribution.key in self.groups:
            return self.groups[attribution.key]
        name = self.name(slug(attribution.group or "sources"))
        self.groups[attribution.key] = name
        props = [("rdfs:label", _string(f"{attribution.group} ({self.article.publisher}, {self.issued})"))]
        if attribution.count is not None:
            props.append(("pg:memberCount", str(attribution.count)))
        if attribution.affiliation is not None:
            props.append(("pg:affiliation", curie(attribution.affiliation)))
        if attribution.part_of is not None:
            props.append(("pg:partOfGroup", self.group(attribution.part_of)))
        count = "count unknown" if attribution.count is None else f"{attribution.count}"
        self.blocks.append(
            Block(
                ClaimKind.SOURCE_GROUP,
                name,
                ["pg:AnonymousSourceGroup"],
                props,
                [attribution.span],
                f"unnamed sources: {attribution.group} ({count})",
            )
        )
        return name

    @property
    def issued(self) -> str:
        return self.article.published.isoformat() if self.article.published else "undated"

    def attributed(self, attributions: list[Attribution]) -> list[tuple[str, str]]:
        if not attributions:
            return [("prov:wasAttributedTo", self.publisher), ("pg:confidence", "pg:LowConfidence")]
        props = [("prov:wasAttributedTo", self.group(a)) for a in attributions]
        return [*props, ("pg:confidence", self.confidence(attributions))]


def _supplier(findings: Findings) -> URIRef | None:
    return next((r.supplier for r in findings.rules if r.supplier), None)


def _collection(builder: _Builder, supplier: URIRef, recipient: URIRef) -> str:
    """An existing collection of the supplier's weapons given to the recipient, else a new one."""
    dataset = builder.dataset
    for held in dataset.subjects(PG.supplier, supplier):
        if (held, PG.recipient, recipient) in dataset and (held, RDF.type, PG.WeaponCollection) in dataset:
            return curie(held)  # type: ignore[arg-type]
    name = f":{slug(builder.label(supplier))}-weapons-for-{slug(builder.label(recipient))}"
    if not any(b.name == name for b in builder.blocks):
        builder.blocks.append(
            Block(
                ClaimKind.NEW_ENTITY,
                name,
                ["pg:WeaponCollection"],
                [
                    (
                        "rdfs:label",
                        _string(f"{builder.label(supplier)}-provided weapons in {builder.label(recipient)}"),
                    ),
                    ("pg:supplier", curie(supplier)),
                    ("pg:recipient", curie(recipient)),
                ],
                [],
                "weapons one state supplied to another",
            )
        )
    return name


def _constraint(left: str, operator: str, values: list[str]) -> str:
    return f"[ odrl:leftOperand {left} ; odrl:operator {operator} ; odrl:rightOperand {' , '.join(values)} ]"


def _rule_block(builder: _Builder, rule: RuleDraft, name: str, default_supplier: URIRef | None) -> Block:
    assert rule.assignee is not None
    supplier = rule.supplier or default_supplier or rule.assigner
    props = [("odrl:assignee", curie(rule.assignee)), ("odrl:action", "pg:strike")]
    if supplier is not None:
        props.append(("odrl:target", _collection(builder, supplier, rule.assignee)))
    if rule.examples:
        props.append(("pg:citedExample", " , ".join(sorted(curie(e) for e in rule.examples))))
    constraints = []

    def terms(values: set[URIRef]) -> list[str]:
        return sorted(curie(v) for v in values)

    def listed(values: set[URIRef]) -> str:
        return "odrl:eq" if len(values) == 1 else "odrl:isAnyOf"

    for place in terms(rule.spatial):
        constraints.append(_constraint("odrl:spatial", "odrl:isPartOf", [place]))
    for place in terms(rule.across):
        constraints.append(_constraint("pg:acrossBorderFrom", "odrl:eq", [place]))
    if rule.depth:
        constraints.append(_constraint("pg:depth", listed(rule.depth), terms(rule.depth)))
    for cls in terms(rule.weapon_classes):
        constraints.append(_constraint("pg:weaponClass", "odrl:isA", [cls]))
    if rule.systems:
        constraints.append(_constraint("pg:weaponSystem", listed(rule.systems), terms(rule.systems)))
    if rule.purposes:
        constraints.append(_constraint("odrl:purpose", listed(rule.purposes), terms(rule.purposes)))
    if rule.target_types:
        constraints.append(_constraint("pg:targetType", listed(rule.target_types), terms(rule.target_types)))
    props += [("odrl:constraint", c) for c in constraints]
    words = _rule_words(builder, rule)
    props.insert(0, ("rdfs:label", _string(words)))
    kind = "odrl:Permission" if rule.kind is ClaimKind.PERMISSION else "odrl:Prohibition"
    return Block(rule.kind, name, [kind], props, list(rule.spans), words)


def _rule_words(builder: _Builder, rule: RuleDraft) -> str:
    """A rule in a few plain words: "strikes inside Russia against massing troops"."""
    parts = ["strikes" if rule.kind is ClaimKind.PERMISSION else "no strikes"]
    if rule.weapon_classes or rule.systems:
        parts.append(
            "with "
            + " or ".join(builder.label(w).lower() for w in sorted(rule.weapon_classes | rule.systems))
        )
    if PG.DeepInside in rule.depth:
        parts.append("deep")
    if rule.spatial:
        parts.append("inside " + " or ".join(builder.label(p) for p in sorted(rule.spatial)))
    if rule.across:
        parts.append("across the border from " + " or ".join(builder.label(p) for p in sorted(rule.across)))
    if rule.target_types:
        parts.append("on " + " or ".join(builder.label(t).lower() for t in sorted(rule.target_types)))
    if rule.purposes:
        parts.append("for " + " or ".join(builder.label(p).lower() for p in sorted(rule.purposes)))
    return " ".join(parts)


def _publisher(builder: _Builder, article: Article) -> str:
    from graph.draft.gazetteer import role_of
    from graph.resolve import normalise

    if not article.publisher:
        return ":UnknownPublisher"
    wanted = normalise(article.publisher)
    for prop in (RDFS.label, SKOS.altLabel):
        for term, value in builder.dataset.subject_objects(prop):
            if (
                isinstance(term, URIRef)
                and normalise(str(value)) == wanted
                and role_of(builder.dataset, term).is_actor
            ):
                return curie(term)
    name = curie(new_term(article.publisher))
    builder.blocks.append(
        Block(
            ClaimKind.NEW_ENTITY,
            name,
            ["pg:MediaOutlet"],
            [("rdfs:label", _string(article.publisher))],
            [],
            f"a publisher the graph does not know: {article.publisher}",
        )
    )
    return name


_TYPES = {
    Role.PERSON: "pg:Person",
    Role.BODY: "pg:GovernmentBody",
    Role.PLACE: "pg:Place",
    Role.COUNTRY: "pg:State",
    Role.WEAPON_SYSTEM: "pg:WeaponSystem",
    Role.ACTOR: "pg:Actor",
}


def claims(  # noqa: PLR0912, PLR0915
    reading: Reading, findings: Findings, article: Article, *, dataset: Dataset, document: str
) -> tuple[str, list[Block]]:
    """The document's IRI and every block of the draft, in the order they are written."""
    builder = _Builder(reading, findings, article, dataset, document, "")
    source = f"src:{document}"
    publisher = _publisher(builder, article)
    builder.publisher = publisher
    doc_props = [("dcterms:title", _string(article.title or f"{PLACEHOLDER} the article's title)"))]
    if article.published:
        doc_props.append(("dcterms:issued", _day(article.published)))
    doc_props += [
        ("dcterms:publisher", publisher),
        ("prov:wasAttributedTo", publisher),
        ("pg:confidence", "pg:MediumConfidence"),
    ]
    # what the user did not give is a candidate too: read off a page, or still to write
    given = bool(article.given_title and article.given_published and article.given_publisher)
    blocks = [Block(None, source, ["pg:NewsReport"], doc_props, [], "the document", unreviewed=not given)]
    rules = findings.rules
    default_supplier = _supplier(findings)
    policy_name = builder.name("decision")
    earlier_name = builder.name("earlier-stance")
    decided_on = findings.policy_date or article.published
    if rules:
        grantor = rules[0].assigner
        assert grantor is not None
        rule_blocks: list[Block] = []
        for number, rule in enumerate(rules, start=1):
            block = _rule_block(
                builder, rule, f"{policy_name}--{slug(_rule_words(builder, rule))}", default_supplier
            )
            if rule.carried and findings.reversal is not None and rule.kind is ClaimKind.PROHIBITION:
                block.properties.append(("pg:carriedOverFrom", earlier_name))
            if any(b.name == block.name for b in rule_blocks):
                block.name += f"-{number}"
            rule_blocks.append(block)
        props = [
            (
                "rdfs:label",
                _string(f"{builder.label(grantor)} decision reported by {article.publisher or 'the report'}"),
            )
        ]
        props += [("odrl:assigner", curie(grantor))]
        deciders = sorted({curie(r.decided_by) for r in rules if r.decided_by is not None})
        props += [("pg:decidedBy", d) for d in deciders]
        if decided_on:
            props.append(("dcterms:date", _day(decided_on)))
        permissions = [
            b.name for b, r in zip(rule_blocks, rules, strict=True) if r.kind is ClaimKind.PERMISSION
        ]
        prohibitions = [
            b.name for b, r in zip(rule_blocks, rules, strict=True) if r.kind is ClaimKind.PROHIBITION
        ]
        if permissions:
            props.append(("odrl:permission", " , ".join(permissions)))
        if prohibitions:
            props.append(("odrl:prohibition", " , ".join(prohibitions)))
        if findings.reversal is not None and permissions:
            props += [("pg:reverses", earlier_name), ("pg:revokes", f"{earlier_name}--no-strikes")]
        for _cue, requester, addressee, _about in findings.requests:
            if addressee == grantor:
                props.append(("pg:inResponseTo", builder.name(f"request-{slug(builder.label(requester))}")))  # type: ignore[arg-type]
                break
        props += builder.attributed(findings.policy_attribution)
        summary = "; ".join(b.summary for b in rule_blocks)
        blocks.append(
            Block(
                ClaimKind.POLICY,
                policy_name,
                ["odrl:Set"],
                props,
                findings.policy_spans,
                f"{builder.label(grantor)}: {summary}",
            )
        )
        if findings.reversal is not None and permissions:
            first = next(r for r in rules if r.kind is ClaimKind.PERMISSION)
            earlier = RuleDraft(
                ClaimKind.PROHIBITION,
                grantor,
                first.assignee,
                [findings.reversal.span],
                spatial=set(first.spatial),
                supplier=first.supplier,
            )
            stance_rule = _rule_block(builder, earlier, f"{earlier_name}--no-strikes", default_supplier)
            stance_rule.kind = ClaimKind.EARLIER_STANCE
            stance_props = [
                ("rdfs:label", _string(f"Earlier {builder.label(grantor)} stance, reversed")),
                ("odrl:assigner", curie(grantor)),
                ("odrl:prohibition", stance_rule.name),
            ]
            for number, cue in enumerate(findings.concerns, start=1):
                concern = builder.name(f"concern-{number}")
                stance_props.append(("pg:motivatedBy", concern))
                blocks.append(
                    Block(
                        ClaimKind.CONCERN,
                        concern,
                        ["pg:Concern"],
                        [
                            ("rdfs:label", _string(f"concern behind the earlier stance ({cue.text})")),
                            *builder.attributed([]),
                        ],
                        [cue.span],
                        "why the earlier stance was held: paraphrase it in pg:summary",
                    )
                )
            stance_props += builder.attributed([])
            blocks.append(
                Block(
                    ClaimKind.EARLIER_STANCE,
                    earlier_name,
                    ["odrl:Set"],
                    stance_props,
                    [findings.reversal.span],
                    "the stance the decision reverses",
                )
            )
            rule_blocks.append(stance_rule)
        blocks += rule_blocks
    for cue, requester, addressee, about in findings.requests:
        assert requester is not None
        props = [("rdfs:label", _string(f"{builder.label(requester)}'s request"))]
        props.append(("pg:requester", curie(requester)))
        if addressee is not None:
            props.append(("pg:addressee", curie(addressee)))
        props += [("pg:about", curie(p)) for p in about[:1]]
        props += builder.attributed([])
        blocks.append(
            Block(
                ClaimKind.REQUEST,
                builder.name(f"request-{slug(builder.label(requester))}"),
                ["pg:Request"],
                props,
                [cue.span],
                f"{builder.label(requester)} asks",
            )
        )
    issues: dict[str, str] = {}
    for cue, _kind, holders, issue, beneficiary, span in findings.stances:
        words = issue if len(issue) <= 80 else issue[:77].rsplit(" ", 1)[0] + "..."
        issue_name = issues.get(issue)
        if issue_name is None:
            issue_name = builder.name(f"issue-{len(issues) + 1}")
            issues[issue] = issue_name
            props = [("rdfs:label", _string(words))]
            if beneficiary is not None:
                props.append(("pg:beneficiary", curie(beneficiary)))
            blocks.append(
                Block(ClaimKind.NEW_ENTITY, issue_name, ["pg:Issue"], props, [span], f"the issue: {words}")
            )
        position = "pg:Opposes" if cue.kind.value == "opposes" else "pg:Supports"
        for holder in holders:
            name = builder.name(
                f"{slug(builder.label(holder))}-{position.split(':')[1].lower()}"
                f"-{issue_name.rsplit('-', 1)[1]}"
            )
            blocks.append(
                Block(
                    ClaimKind.STANCE,
                    name,
                    ["pg:Stance"],
                    [
                        (
                            "rdfs:label",
                            _string(f"{builder.label(holder)} {position.split(':')[1].lower()} {words}"),
                        ),
                        ("pg:holder", curie(holder)),
                        ("pg:position", position),
                        ("pg:concerning", issue_name),
                        *builder.attributed([]),
                    ],
                    [cue.span],
                    f"{builder.label(holder)} {position.split(':')[1].lower()}",
                )
            )
    for number, (span, speaker, person, quote, kind, when) in enumerate(findings.statements, start=1):
        who = (
            builder.group(speaker)
            if speaker is not None
            else curie(person)
            if person is not None
            else builder.publisher
        )
        props = [
            (
                "rdfs:label",
                _string(
                    f"{(kind or 'on-record').lower()} statement {number} "
                    f"({article.publisher}, {builder.issued})"
                ),
            ),
            ("pg:speaker", who),
        ]
        if kind:
            props.append(("pg:statementKind", f"pg:{kind}"))
        if rules:
            props.append(("pg:about", policy_name))
        if when:
            props.append(("dcterms:date", _day(when)))
        props.append(("pg:summary", _string(f"{PLACEHOLDER} paraphrase the statement at characters {span})")))
        if quote:
            props.append(("pg:quote", _string(quote)))
        attribution = [speaker] if speaker is not None else []
        props += [
            ("prov:wasAttributedTo", who),
            (
                "pg:confidence",
                "pg:HighConfidence"
                if person is not None
                else builder.confidence(attribution)
                if attribution
                else "pg:LowConfidence",
            ),
        ]
        blocks.append(
            Block(
                ClaimKind.STATEMENT,
                builder.name(f"statement-{number}"),
                ["pg:Statement"],
                props,
                [span],
                f"{(kind or 'statement').lower()} by {who}" + (f": “{quote}”" if quote else ""),
            )
        )
    for number, (cue, asked, outcome) in enumerate(findings.comments, start=1):
        if asked is None:
            continue
        props = [
            ("rdfs:label", _string(f"{article.publisher} asks {builder.label(asked)} for comment")),
            ("pg:addressedTo", curie(asked)),
            ("pg:outcome", f"pg:{outcome}"),
        ]
        if rules:
            props.append(("pg:about", policy_name))
        if article.published:
            props.append(("dcterms:date", _day(article.published)))
        props += [("prov:wasAttributedTo", publisher), ("pg:confidence", "pg:HighConfidence")]
        blocks.append(
            Block(
                ClaimKind.COMMENT_REQUEST,
                builder.name(f"comment-request-{number}"),
                ["pg:CommentRequest"],
                props,
                [cue.span],
                f"{builder.label(asked)}: {outcome}",
            )
        )
    for number, (cue, actor, weapon, place, target, when, first_use) in enumerate(findings.events, start=1):
        assert actor is not None and weapon is not None
        day = when or article.published
        label = (
            f"{builder.label(actor)} {'first use of' if first_use else 'strike with'} {builder.label(weapon)}"
        )
        props = [
            ("rdfs:label", _string(label)),
            ("pg:performedBy", curie(actor)),
            ("pg:weaponUsed", curie(weapon)),
        ]
        if day:
            props.append(("dcterms:date", _day(day)))
        if place is not None:
            props.append(("pg:location", curie(place)))
        if target is not None:
            props.append(("pg:struck", curie(target)))
        props += builder.attributed([])
        blocks.append(
            Block(ClaimKind.EVENT, builder.name(f"event-{number}"), ["pg:Strike"], props, [cue.span], label)
        )
    for mention in reading.new_names:
        name = curie(new_term(mention.text))
        if name in builder.new_names:
            continue
        builder.new_names[name] = mention.text
        blocks.append(
            Block(
                ClaimKind.NEW_ENTITY,
                name,
                [_TYPES.get(mention.role, "pg:Actor")],
                [("rdfs:label", _string(mention.text))],
                [mention.span],
                f"a name the graph does not know ({mention.role.value}, guessed)",
            )
        )
    groups = [b for b in builder.blocks if b.kind is ClaimKind.SOURCE_GROUP]
    others = [b for b in builder.blocks if b.kind is not ClaimKind.SOURCE_GROUP]
    return source, [blocks[0], *groups, *others, *blocks[1:]]
