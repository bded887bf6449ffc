"""A synthetic corpus at any scale, for benchmarks and load tests.

``generate(out, triples=N, seed=S)`` writes a reference source (a made-up world of
states at war along shared borders, their regions, cities, bodies and officials, media
outlets, weapon systems and who supplies whom) and as many news reports as it takes to
reach about ``N`` triples. Each report carries a policy of a supplier towards a recipient:
permissions and prohibitions with the constraints of the real corpus (the enemy state,
across the border from a region, purposes, target types, weapon classes, depth, from a
date), attributed to an anonymous group with a confidence; some extend, narrow or revoke
an earlier policy of the same grantor; each has an on-record statement. Dates grow with
the report number, so revocations and extensions point back in time.

The output is deterministic for a seed, valid under the project's shapes, and made of
ordinary Turtle sources in folders of 1,000, so every command reads it as it reads the
bundled corpus. The vocabularies (weapon classes, purposes, target types, statement
kinds) come from the ontology; no name is made up for them.

Examples
--------
>>> import tempfile
>>> from graph.load import load
>>> with tempfile.TemporaryDirectory() as folder:
...     written = generate(folder, triples=3000, seed=1)
...     corpus = load([folder])
>>> written.reports == len(corpus.sources) - 1 and 2700 < written.triples < 3600
True
"""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path

from rdflib.namespace import RDFS, SKOS

from graph.errors import OutputError
from graph.namespaces import PG, PREFIXES
from graph.output import replaced

__all__ = ["Generated", "generate"]

_USED = ("", "pg", "src", "rdfs", "xsd", "prov", "dcterms", "odrl", "org", "geo")
_PREFIXES = "".join(f"@prefix {p}: <{PREFIXES[p]}> .\n" for p in _USED)
_SYLLABLES = [
    "al",
    "bor",
    "cas",
    "dra",
    "el",
    "fen",
    "gor",
    "hal",
    "is",
    "jor",
    "kel",
    "lun",
    "mar",
    "nor",
    "or",
    "pel",
    "quin",
    "ros",
    "sal",
    "tor",
    "ul",
    "val",
    "wen",
    "yar",
    "zor",
]
_START = date(2020, 1, 1)
#: triples one report writes, on average (measured on generated output)
_PER_REPORT = 75


@dataclass(frozen=True)
class Generated:
    """What :func:`generate` wrote."""

    folder: Path
    reports: int
    triples: int
    states: int
    places: int


@dataclass(frozen=True)
class _Vocabulary:
    weapon_classes: tuple[str, ...]
    launchers: tuple[str, ...]
    purposes: tuple[str, ...]
    target_types: tuple[str, ...]
    kinds: tuple[str, ...]
    depths: tuple[str, ...]


def _vocabulary() -> _Vocabulary:
    from graph.load import load_ontology

    ontology = load_ontology()

    def local(term: object) -> str:
        return "pg:" + str(term).rsplit("#", 1)[-1]

    def scheme(name: str) -> tuple[str, ...]:
        return tuple(sorted(local(c) for c in ontology.subjects(SKOS.inScheme, PG[name])))

    classes = {
        c for c in ontology.transitive_subjects(RDFS.subClassOf, PG.WeaponSystem) if c != PG.WeaponSystem
    }
    launchers = set(ontology.transitive_subjects(RDFS.subClassOf, PG.RocketLauncher))
    # the leaves: a system is typed by its most specific class
    leaves = {c for c in classes if not any(ontology.subjects(RDFS.subClassOf, c))}
    kinds = tuple(
        k for k in scheme("StatementKindScheme") if k != "pg:Denial"
    )  # a denial makes a rule contested
    return _Vocabulary(
        weapon_classes=tuple(sorted(local(c) for c in classes)),
        launchers=tuple(sorted(local(c) for c in leaves & launchers)),
        purposes=scheme("PurposeScheme"),
        target_types=scheme("TargetTypeScheme"),
        kinds=kinds,
        depths=scheme("DepthScheme"),
    )


class _Writer:
    """Turtle for one file."""

    def __init__(self) -> None:
        self.lines: list[str] = [_PREFIXES]

    def node(self, subject: str, *pairs: tuple[str, str]) -> None:
        body = " ;\n    ".join(f"{p} {o}" for p, o in pairs)
        self.lines.append(f"{subject} {body} .\n")

    def text(self) -> str:
        return "\n".join(self.lines)


def _count(text: str) -> int:
    """The triples a Turtle text holds, counted by Oxigraph's parser (which also checks the syntax)."""
    import pyoxigraph

    return sum(1 for _ in pyoxigraph.parse(text.encode("utf-8"), format=pyoxigraph.RdfFormat.TURTLE))


def _lit(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def _day(day: date) -> str:
    return f'"{day.isoformat()}"^^xsd:date'


def _name(rng: random.Random) -> str:
    return "".join(rng.choice(_SYLLABLES) for _ in range(rng.randint(2, 3))).capitalize()


@dataclass
class _World:
    states: list[str]
    names: dict[str, str]
    regions: dict[str, list[str]]
    borders: dict[tuple[str, str], list[tuple[str, str]]]  # (state, enemy) -> (own region, enemy region)
    wars: list[tuple[str, str]]
    suppliers: dict[str, list[str]]  # recipient -> suppliers
    people: dict[str, list[str]]
    outlets: list[str]
    places: int


def _world(writer: _Writer, rng: random.Random, vocabulary: _Vocabulary, reports: int) -> _World:
    count = max(6, round((reports / 4) ** 0.5))
    count += count % 2
    states = [f":gen-state-{i}" for i in range(count)]
    names: dict[str, str] = {}
    used: set[str] = set()
    writer.node(
        "src:gen-reference",
        ("a", "pg:ReferenceDataset"),
        ("dcterms:title", _lit("A generated world: states, places, actors and weapons")),
        ("dcterms:issued", _day(_START)),
        ("dcterms:publisher", ":gen-editors"),
        ("prov:wasAttributedTo", ":gen-editors"),
        ("pg:confidence", "pg:HighConfidence"),
    )
    writer.node(":gen-editors", ("a", "prov:Organization"), ("rdfs:label", _lit("generated world editors")))

    def unique(prefix: str = "") -> str:
        while True:
            name = prefix + _name(rng)
            if name not in used:
                used.add(name)
                return name

    regions: dict[str, list[str]] = {}
    people: dict[str, list[str]] = {}
    places = 0
    for index, state in enumerate(states):
        names[state] = unique()
        writer.node(state, ("a", "pg:State"), ("rdfs:label", _lit(names[state])))
        regions[state] = []
        for r in range(rng.randint(6, 12)):
            region = f":gen-region-{index}-{r}"
            regions[state].append(region)
            names[region] = unique() + " Oblast"
            writer.node(
                region, ("a", "pg:Region"), ("rdfs:label", _lit(names[region])), ("geo:sfWithin", state)
            )
            for c in range(rng.randint(1, 3)):
                city = f":gen-city-{index}-{r}-{c}"
                names[city] = unique()
                writer.node(
                    city,
                    ("a", "pg:City"),
                    ("rdfs:label", _lit(names[city])),
                    ("geo:sfWithin", region),
                    ("pg:distanceToBorderKm", f"{rng.randint(5, 400)}.0"),
                )
                places += 1
            places += 1
        body = f":gen-ministry-{index}"
        writer.node(
            body,
            ("a", "pg:GovernmentBody"),
            ("rdfs:label", _lit(f"{names[state]} Ministry of Defence")),
            ("org:subOrganizationOf", state),
        )
        people[state] = []
        for p in range(3):
            person = f":gen-person-{index}-{p}"
            people[state].append(person)
            writer.node(
                person,
                ("a", "pg:Person"),
                ("rdfs:label", _lit(f"{_name(rng)} {unique()}")),
                ("org:memberOf", state if p == 0 else body),
            )
    places += len(states)
    wars, borders, suppliers, outlets = _conflicts(
        writer, rng, vocabulary=vocabulary, states=states, names=names, regions=regions, unique=unique
    )
    return _World(states, names, regions, borders, wars, suppliers, people, outlets, places)


def _conflicts(
    writer: _Writer,
    rng: random.Random,
    *,
    vocabulary: _Vocabulary,
    states: list[str],
    names: dict[str, str],
    regions: dict[str, list[str]],
    unique: Callable[..., str],
) -> tuple[
    list[tuple[str, str]], dict[tuple[str, str], list[tuple[str, str]]], dict[str, list[str]], list[str]
]:
    """Wars along borders, weapon systems, who supplies whom, and the outlets that report it."""
    count = len(states)
    # wars between neighbours, each along a border of a few regions
    wars = [(states[i], states[i + 1]) for i in range(0, len(states), 2)]
    borders: dict[tuple[str, str], list[tuple[str, str]]] = {}
    for number, (a, b) in enumerate(wars):
        pairs = list(zip(rng.sample(regions[a], 3), rng.sample(regions[b], 3), strict=True))
        for own, other in pairs:
            writer.node(own, ("geo:sfTouches", other))
            writer.node(other, ("geo:sfTouches", own))
        borders[(a, b)] = pairs
        borders[(b, a)] = [(o, w) for w, o in pairs]
        writer.node(
            f":gen-war-{number}",
            ("a", "pg:ArmedConflict"),
            ("rdfs:label", _lit(f"{names[a]}-{names[b]} war")),
            ("pg:party", f"{a} , {b}"),
        )
    # weapon systems, and who supplies whom
    systems = []
    for number in range(max(8, count * 2)):
        system = f":gen-system-{number}"
        systems.append(system)
        kind = rng.choice(vocabulary.launchers or vocabulary.weapon_classes)
        writer.node(
            system,
            ("a", kind),
            ("rdfs:label", _lit(f"{unique('S-')} {number}")),
            ("pg:maxRangeKm", f"{rng.choice([40, 70, 150, 300, 500])}.0"),
        )
    suppliers: dict[str, list[str]] = {}
    for a, b in wars:
        for side in (a, b):
            others = [s for s in states if s not in (a, b)]
            suppliers[side] = rng.sample(others, min(3, len(others)))
            for supplier in suppliers[side]:
                writer.node(
                    f":gen-weapons-{_short(supplier)}-{_short(side)}",
                    ("a", "pg:WeaponCollection"),
                    ("rdfs:label", _lit(f"{names[supplier]} weapons for {names[side]}")),
                    ("pg:supplier", supplier),
                    ("pg:recipient", side),
                    ("pg:includesSystem", " , ".join(rng.sample(systems, 3))),
                )
    outlets = []
    for number in range(max(5, count)):
        outlet = f":gen-outlet-{number}"
        outlets.append(outlet)
        writer.node(outlet, ("a", "pg:MediaOutlet"), ("rdfs:label", _lit(f"The {unique()} Herald")))
    return wars, borders, suppliers, outlets


def _short(term: str) -> str:
    return term.rsplit("-", 1)[-1]


def _constraint(left: str, operator: str, right: str) -> str:
    return f"[ odrl:leftOperand {left} ; odrl:operator {operator} ; odrl:rightOperand {right} ]"


def _report(
    number: int,
    rng: random.Random,
    world: _World,
    vocabulary: _Vocabulary,
    history: dict[str, list[tuple[int, date]]],
) -> _Writer:
    writer = _Writer()
    issued = _START + timedelta(days=number // 3)
    a, b = rng.choice(world.wars)
    recipient, enemy = (a, b) if rng.random() < 0.5 else (b, a)
    supplier = rng.choice(world.suppliers[recipient])
    outlet = rng.choice(world.outlets)
    report = f"src:gen-r{number}"
    confidence = rng.choice(
        ["pg:HighConfidence", "pg:MediumConfidence", "pg:MediumConfidence", "pg:LowConfidence"]
    )
    writer.node(
        report,
        ("a", "pg:NewsReport"),
        (
            "dcterms:title",
            _lit(f"{world.names[supplier]} sets terms for {world.names[recipient]} (report {number})"),
        ),
        ("dcterms:issued", _day(issued)),
        ("dcterms:publisher", outlet),
        ("prov:wasAttributedTo", outlet),
        ("pg:confidence", confidence),
    )
    group = f":gen-r{number}-officials"
    writer.node(
        group,
        ("a", "pg:AnonymousSourceGroup"),
        ("rdfs:label", _lit(f"{world.names[supplier]} officials (report {number})")),
        ("pg:memberCount", str(rng.randint(1, 4))),
        ("pg:affiliation", supplier),
    )
    policy = f":gen-r{number}-policy"
    decided = issued - timedelta(days=rng.randint(0, 3))
    pairs: list[tuple[str, str]] = [
        ("a", "odrl:Set"),
        ("rdfs:label", _lit(f"{world.names[supplier]} terms for {world.names[recipient]}, report {number}")),
        ("odrl:assigner", supplier),
        ("pg:decidedBy", world.people[supplier][0]),
        ("dcterms:date", _day(decided)),
    ]
    earlier = history.setdefault(supplier, [])
    if earlier and rng.random() < 0.4:
        before, _ = rng.choice(earlier[-20:])
        pairs.append((rng.choice(["pg:extends", "pg:narrows"]), f":gen-r{before}-policy"))
        if rng.random() < 0.3:
            pairs.append(("pg:revokes", f":gen-r{before}-rule-0"))
    rules = []
    border = world.borders[(recipient, enemy)]
    for index in range(rng.randint(1, 3)):
        kind = "odrl:Permission" if index == 0 or rng.random() < 0.5 else "odrl:Prohibition"
        rule = f":gen-r{number}-rule-{index}"
        rules.append((kind, rule))
        constraints = [_constraint("odrl:spatial", "odrl:isPartOf", enemy)]
        if rng.random() < 0.6:
            constraints.append(_constraint("pg:acrossBorderFrom", "odrl:eq", rng.choice(border)[0]))
        if rng.random() < 0.5:
            picked = rng.sample(vocabulary.purposes, rng.randint(1, len(vocabulary.purposes)))
            constraints.append(_constraint("odrl:purpose", "odrl:isAnyOf", " , ".join(picked)))
        if rng.random() < 0.7:
            picked = rng.sample(vocabulary.target_types, rng.randint(1, 3))
            constraints.append(_constraint("pg:targetType", "odrl:isAnyOf", " , ".join(picked)))
        if rng.random() < 0.3:
            constraints.append(
                _constraint("pg:weaponClass", "odrl:isA", rng.choice(vocabulary.weapon_classes))
            )
        if rng.random() < 0.3:
            constraints.append(_constraint("pg:depth", "odrl:eq", rng.choice(vocabulary.depths)))
        constraints.append(_constraint("odrl:dateTime", "odrl:gteq", _day(decided)))
        verb = "may" if kind == "odrl:Permission" else "may not"
        writer.node(
            rule,
            ("a", kind),
            (
                "rdfs:label",
                _lit(f"{world.names[recipient]} {verb} strike in {world.names[enemy]} ({number}.{index})"),
            ),
            ("odrl:assignee", recipient),
            ("odrl:action", "pg:strike"),
            ("odrl:target", f":gen-weapons-{_short(supplier)}-{_short(recipient)}"),
            ("odrl:constraint", " ,\n        ".join(constraints)),
        )
    for kind in ("odrl:Permission", "odrl:Prohibition"):
        named = [r for k, r in rules if k == kind]
        if named:
            pairs.append(
                ("odrl:permission" if kind == "odrl:Permission" else "odrl:prohibition", " , ".join(named))
            )
    pairs += [("prov:wasAttributedTo", group), ("pg:confidence", confidence)]
    writer.node(policy, *pairs)
    speaker = rng.choice(world.people[supplier])
    writer.node(
        f":gen-r{number}-statement",
        ("a", "pg:Statement"),
        ("rdfs:label", _lit(f"{world.names[supplier]} on its terms (report {number})")),
        ("pg:speaker", speaker),
        ("pg:statementKind", rng.choice(vocabulary.kinds)),
        ("pg:about", policy),
        ("pg:summary", _lit(f"An official explains the terms set for {world.names[recipient]}.")),
        ("dcterms:date", _day(decided)),
        ("prov:wasAttributedTo", speaker),
        ("pg:confidence", "pg:HighConfidence"),
    )
    earlier.append((number, decided))
    return writer


def generate(out: str | Path, *, triples: int, seed: int = 0) -> Generated:
    """Write a synthetic corpus of about ``triples`` triples to the folder ``out``.

    The folder is replaced as a whole, and only when every file is written.

    Raises
    ------
    ValueError
        When ``triples`` is below 1,000 (too few for a world and one report).
    """
    if triples < 1000:
        raise ValueError(f"{triples} triples is too few: ask for at least 1,000")
    rng = random.Random(seed)
    vocabulary = _vocabulary()
    out = Path(out)
    reference = _Writer()
    world = _world(reference, rng, vocabulary, max(1, triples // _PER_REPORT))
    text = reference.text()
    total = _count(text)
    history: dict[str, list[tuple[int, date]]] = {}
    number = 0
    try:
        with replaced(out) as staging:
            (staging / "reference.ttl").write_text(text, encoding="utf-8")
            while total < triples:
                text = _report(number, rng, world, vocabulary, history).text()
                folder = staging / f"reports-{number // 1000:04d}"
                if number % 1000 == 0:
                    folder.mkdir()
                (folder / f"r-{number:07d}.ttl").write_text(text, encoding="utf-8")
                total += _count(text)
                number += 1
    except OSError as exc:
        raise OutputError(f"{out}: cannot write: {exc.strerror}") from None
    return Generated(out, number, total, len(world.states), world.places)
