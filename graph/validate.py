"""Check a loaded corpus against the SHACL shapes and the ontology's vocabulary.

Four kinds of check, all reported together:

1. the data shapes (``ontology/shapes.ttl``) over the union of the ontology and
   every source, with a compiled SHACL engine (:mod:`graph.shacl`);
2. every ``pg:`` term a source uses is one the ontology defines (a misspelt
   property or class is an error, not a silent new term);
3. every resource (``:Name``) a source points at is described somewhere, at least
   with a label (a misspelt entity name is an error, not a new node);
4. no draft candidate is left unreviewed (``pg:unreviewed true``, written by
   ``policygraph draft``) and no summary still holds the draft's placeholder.

Each finding names the file, the line where the entity is written, the entity,
the property and what to write instead.

How it scales: what crosses sources (which entities are described, every label and
alias, the places' ``geo:sfWithin`` links) is read once from the whole corpus; then each
source is checked on its own, one at a time, against that. The shapes run beside it, on
another core, over the union of the graphs: on an Oxigraph store (``--store oxigraph``),
straight over the store, with no rdflib copy of the data.

Examples
--------
>>> from graph.load import load
>>> report = validate(load())
>>> report.conforms, len(report.violations)
(True, 0)
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from itertools import combinations
from typing import Any

from rdflib import Graph, Literal, URIRef
from rdflib.namespace import OWL, RDF, RDFS, SKOS, XSD
from rdflib.term import Node

from graph.backend import converter, native_store
from graph.load import Corpus, Source, load_ontology
from graph.locate import Locator, curie, first_line
from graph.namespaces import DCTERMS, GEO, ONTOLOGY_IRI, PG, PGR, PREFIXES, SRC
from graph.shacl import Shapes, check_shapes

__all__ = ["ValidationReport", "Violation", "validate", "validate_ontology"]


@dataclass(frozen=True)
class Violation:
    """One finding: where, about what, and what to do."""

    file: str
    line: int | None
    focus: str
    path: str
    message: str
    severity: str = "Violation"

    def __str__(self) -> str:
        where = self.file if self.line is None else f"{self.file}:{self.line}"
        about = self.focus if not self.path else f"{self.focus} {self.path}"
        return f"{where}: {about}: {self.message}"


@dataclass(frozen=True)
class ValidationReport:
    """The result of :func:`validate`: whether the data conforms, and why not."""

    conforms: bool
    violations: tuple[Violation, ...]

    @property
    def text(self) -> str:
        """The findings, one per line, or a line saying all is well."""
        if self.conforms:
            return "conforms: no violations"
        return "\n".join(str(v) for v in self.violations)


def _named(corpus: Corpus, iri: URIRef) -> Graph:
    """One named graph of the corpus, read in place (``Dataset.graph`` would write to a read-only store)."""
    return Graph(store=corpus.dataset.store, identifier=iri)


@dataclass
class _Across:
    """What the per-source checks need to know of the whole corpus, read once."""

    defined: set[Node]  #: every term the ontology describes
    described: set[Node]  #: every resource with an rdfs:label
    loaded: set[Node]  #: every source document
    named: dict[str, set[Node]]  #: normalised label -> what it labels
    aliased: dict[str, set[Node]]  #: normalised alias -> what it names
    within: dict[Node, set[Node]]  #: place -> the places it lies within (geo:sfWithin)
    #: for each IRI typed with pg: classes, each class and the first source (its file) that gives it
    typed: dict[URIRef, dict[URIRef, str]] = field(default_factory=dict)

    @classmethod
    def read(cls, corpus: Corpus) -> _Across:
        from graph.resolve import normalise

        dataset = corpus.dataset
        ontology = _named(corpus, ONTOLOGY_IRI)

        def keyed(prop: URIRef) -> dict[str, set[Node]]:
            found: dict[str, set[Node]] = {}
            for s, label in dataset.subject_objects(prop):
                if isinstance(s, URIRef):
                    found.setdefault(normalise(str(label)), set()).add(s)
            return found

        within: dict[Node, set[Node]] = {}
        for place, parent in dataset.subject_objects(GEO.sfWithin):
            within.setdefault(place, set()).add(parent)
        return cls(
            defined={s for s in ontology.subjects() if isinstance(s, URIRef)},
            described=set(dataset.subjects(RDFS.label, None)),
            loaded={s.iri for s in corpus.sources},
            named=keyed(RDFS.label),
            aliased=keyed(SKOS.altLabel),
            within=within,
        )

    def note_types(self, source: Source) -> None:
        """Remember the pg: classes ``source`` gives each IRI (for :func:`_clashing_types`)."""
        for node, cls in source.graph.subject_objects(RDF.type):
            if isinstance(node, URIRef) and isinstance(cls, URIRef) and str(cls).startswith(str(PG)):
                self.typed.setdefault(node, {}).setdefault(cls, source.file)

    def above(self, place: Node) -> set[Node]:
        """``place`` and every place it lies within, at any depth."""
        seen = {place}
        todo = [place]
        while todo:
            for parent in self.within.get(todo.pop(), ()):
                if parent not in seen:
                    seen.add(parent)
                    todo.append(parent)
        return seen


def _at_term(locator: Locator, source: Source, term: URIRef, message: str) -> Violation:
    """A finding about a term, placed at the first line of the source that writes it."""
    local = re.split(r"[/#]", str(term))[-1]
    return Violation(source.file, first_line(locator.lines(source.file), local), curie(term), "", message)


_NOT_A_TERM = (
    "not a term of the policygraph ontology: check the spelling (the terms are listed in ontology/README.md)"
)


def _vocabulary(source: Source, across: _Across, locator: Locator) -> list[Violation]:
    return [
        _at_term(locator, source, term, _NOT_A_TERM)
        for triple in source.graph
        for term in triple
        if isinstance(term, URIRef) and str(term).startswith(str(PG)) and term not in across.defined
    ]


#: namespaces whose terms only the ontology (or the standard that owns them) describes
_VOCABULARIES = tuple(ns for prefix, ns in PREFIXES.items() if prefix not in ("", "src", "wd"))
#: links that make one term stand for another: refused on a vocabulary term, as subject or object
_SAMENESS = (OWL.sameAs, OWL.equivalentClass, OWL.equivalentProperty)


def _trust_boundary(source: Source, across: _Across, locator: Locator) -> list[Violation]:
    """Sources describe entities, claims, policies and events, never the vocabulary.

    A statement about an ontology term (its classes, broader concepts, schemes, domain,
    sameness) would change the rules for every source: it is refused, at the source's
    own line. Extending a hierarchy stays the sources' business: a new weapon system
    typed with a class, a new place within a region, a new concept under an ontology
    concept (the new thing is the subject).
    """

    def vocabulary(node: Node) -> bool:
        return isinstance(node, URIRef) and (node in across.defined or str(node).startswith(_VOCABULARIES))

    found = []
    for s, p, o in source.graph:
        if vocabulary(s):
            message = (
                f"is an ontology term: a source may not describe it ({curie(p)} {curie(o)}); "
                "the vocabulary changes only in ontology/"
            )
            found.append(_at_term(locator, source, s, message))  # type: ignore[arg-type]
        elif p in _SAMENESS and vocabulary(o):
            message = (
                f"is made the same as the ontology term {curie(o)} ({curie(p)}): "
                "a source may not redefine the vocabulary"
            )
            found.append(_at_term(locator, source, s, message))  # type: ignore[arg-type]
    return found


def _shared_aliases(source: Source, across: _Across, locator: Locator) -> list[Violation]:
    """An alias names one thing: one on two entities, or on one and the label of another, is refused."""
    from graph.resolve import normalise

    found = []
    for s, alias in source.graph.subject_objects(SKOS.altLabel):
        key = normalise(str(alias))
        others = sorted((across.named.get(key, set()) | across.aliased.get(key, set())) - {s}, key=str)
        if others and isinstance(s, URIRef):
            message = (
                f"has the alias {str(alias)!r}, which also names {', '.join(curie(o) for o in others)}: "
                "keep it on one entity (a name standing for a government goes in pg:metonym)"
            )
            found.append(_at_term(locator, source, s, message))
    return found


def _dangling(source: Source, across: _Across, locator: Locator) -> list[Violation]:
    """Resources used but never described, and sources cited but not loaded (typos, mostly)."""
    found = []
    for s, p, o in source.graph:
        if not isinstance(o, URIRef):
            continue
        if p != RDF.type and str(o).startswith(str(PGR)) and o not in across.described:
            message = (
                f"is used (by {curie(locator.owner(s))} {curie(p)}) but never described: check the "
                "spelling, or describe it with at least a type and an rdfs:label"
            )
            found.append(_at_term(locator, source, o, message))
        elif str(o).startswith(str(SRC)) and o not in across.loaded:
            message = (
                f"is cited (by {curie(locator.owner(s))} {curie(p)}) but no loaded source is that "
                "document: add its file, or fix the name"
            )
            found.append(_at_term(locator, source, o, message))
    return found


def _one_per_source(source: Source, across: _Across, locator: Locator) -> list[Violation]:
    """Within one source, a claim has one confidence (sources may differ from each other)."""
    return [
        _at_term(locator, source, claim, "has more than one pg:confidence in this source: keep one")
        for claim in set(source.graph.subjects(PG.confidence, None))
        if len(set(source.graph.objects(claim, PG.confidence))) > 1 and isinstance(claim, URIRef)
    ]


def _integrity(source: Source, across: _Across, locator: Locator) -> list[Violation]:
    """What a person would want flagged: cycles of places, claims dated after their source."""
    from graph.dates import period

    found = []
    # a place within itself, at any depth
    for place in {p for p in source.graph.subjects(GEO.sfWithin, None) if isinstance(p, URIRef)}:
        if any(place in across.above(parent) for parent in across.within.get(place, ())):
            found.append(
                _at_term(locator, source, place, "lies within itself (a cycle of geo:sfWithin): fix one link")
            )
    # a claim dated after the source that reports it
    issued = source.graph.value(source.iri, DCTERMS.issued)
    if issued is None:
        return found
    try:
        reported = period(str(issued))
    except ValueError:
        return found
    for prop in (DCTERMS.date, PG.startDate):
        for claim, value in source.graph.subject_objects(prop):
            try:
                when = period(str(value))
            except ValueError:
                continue
            if when.first > reported.last and isinstance(claim, URIRef):
                message = f"is dated {when}, after the source that reports it ({reported}): check both dates"
                found.append(_at_term(locator, source, claim, message))
    return found


def _clashing_types(corpus: Corpus, across: _Across, locator: Locator) -> list[Violation]:
    """One IRI given kinds by two sources that do not fit together (a city here, a region there)."""
    ontology = _named(corpus, ONTOLOGY_IRI)
    sources = {source.file: source for source in corpus.sources}
    found = []
    for node, classes in across.typed.items():
        for first, second in combinations(sorted(classes, key=str), 2):
            if classes[first] == classes[second]:
                continue  # one source may classify a thing twice on purpose
            up_first = set(ontology.transitive_objects(first, RDFS.subClassOf))
            up_second = set(ontology.transitive_objects(second, RDFS.subClassOf))
            if second in up_first or first in up_second or PG.WeaponSystem in up_first & up_second:
                continue
            message = f"is a {curie(second)} here but a {curie(first)} in {classes[first]}: keep one"
            found.append(_at_term(locator, sources[classes[second]], node, message))
    return found


_CALENDAR = {XSD.date: "2024-05-30", XSD.gYearMonth: "2024-05", XSD.gYear: "2024"}


def _calendar(source: Source, across: _Across, locator: Locator) -> list[Violation]:
    """Dates, months and years that name no real day ("2024-13"^^xsd:gYearMonth): refused, not ignored."""
    from graph.dates import period

    found = []
    for node, prop, value in source.graph:
        if not isinstance(value, Literal) or value.datatype not in _CALENDAR:
            continue
        try:
            period(value)
        except ValueError:
            kind = curie(value.datatype)
            owner = locator.owner(node)
            found.append(
                Violation(
                    source.file,
                    locator.line(source.file, owner, prop, node, prop),
                    curie(owner),
                    curie(prop),
                    f'"{value}" is not a valid {kind}: write a real one, such as '
                    f'"{_CALENDAR[value.datatype]}"^^{kind}',
                )
            )
    return found


def _false(value: Node) -> bool:
    return isinstance(value, Literal) and value.toPython() is False


def _unreviewed(source: Source, across: _Across, locator: Locator) -> list[Violation]:
    """Draft candidates no one has checked yet, and summaries still holding the draft's placeholder."""
    found = []
    for node in source.graph.subjects(PG.unreviewed, None):
        flags = source.graph.objects(node, PG.unreviewed)
        if not isinstance(node, URIRef) or all(_false(v) for v in flags):
            continue
        spans = ", ".join(sorted(str(s) for s in source.graph.objects(node, PG.textSpan)))
        where = f" (found at characters {spans})" if spans else ""
        message = (
            f"is an unreviewed draft candidate{where}: check it against the text, "
            "correct it, then delete its 'pg:unreviewed true' line (or delete the candidate)"
        )
        found.append(_at_term(locator, source, node, message))
    for node, prop, value in source.graph:
        if isinstance(node, URIRef) and isinstance(value, Literal) and str(value).startswith("(to write:"):
            message = (
                f"{curie(prop)} is still the draft's placeholder {str(value)!r}: write the value "
                "(a paraphrase of the text for a summary)"
            )
            found.append(_at_term(locator, source, node, message))
    return found


_Check = Callable[[Source, _Across, Locator], list[Violation]]
#: the checks each source gets, in order; those flagged report each entity once per file
_PER_SOURCE: tuple[tuple[_Check, bool], ...] = (
    (_vocabulary, True),
    (_trust_boundary, True),
    (_shared_aliases, True),
    (_dangling, True),
    (_one_per_source, False),
    (_integrity, True),
    (_unreviewed, False),
    (_calendar, False),
)


def _each_source(corpus: Corpus) -> Iterator[Source]:
    """Every source with its triples in rdflib, one at a time (read from the store when it holds them)."""
    store = native_store(corpus.dataset)
    term = converter(corpus.dataset)  # one rdflib term per Oxigraph term: most recur from source to source
    for source in corpus.sources:
        if source.graph is not None:
            yield source
            continue
        graph = Graph(store="SimpleMemory")  # no contexts to index: twice as quick to fill
        if store is not None:
            import pyoxigraph as ox

            add = graph.add
            for s, p, o, _ in store.quads_for_pattern(None, None, None, ox.NamedNode(str(source.iri))):
                add((term(s), term(p), term(o)))
        else:  # a remote store: read through rdflib
            graph += _named(corpus, source.iri)
        yield Source(iri=source.iri, file=source.file, graph=graph)


def _shape_data(corpus: Corpus) -> Any:
    """What the shapes run over: the Oxigraph store itself, or an rdflib graph of the union."""
    store = native_store(corpus.dataset)
    if store is not None:
        return store
    data = Graph()
    for quad in corpus.dataset.quads((None, None, None, None)):
        data.add(quad[:3])
    return data


def _shacl(corpus: Corpus, locator: Locator, findings: list[Any]) -> list[Violation]:
    found = []
    for finding in findings:
        file, line = locator.locate(finding.focus, finding.path, finding.value)
        owner = locator.owner(finding.focus)
        label = curie(owner) if owner != finding.focus else curie(finding.focus)
        if owner != finding.focus:
            label += " (in a rule or constraint)"
        message = re.sub(r"https?://[^\s,;:]+[#/][\w.\-]+", lambda m: curie(URIRef(m[0])), finding.message)
        found.append(Violation(file, line, label, curie(finding.path), message, finding.severity))
    return found


def _unique(found: list[Violation]) -> list[Violation]:
    seen: set[tuple[str, str]] = set()
    kept = []
    for violation in found:
        key = (violation.file, violation.focus)
        if key not in seen:
            seen.add(key)
            kept.append(violation)
    return kept


def validate(corpus: Corpus) -> ValidationReport:
    """Validate a corpus: shapes, vocabulary and references.

    Parameters
    ----------
    corpus : Corpus
        What :func:`graph.load.load` or :func:`graph.stores.open_corpus` returned.

    Returns
    -------
    ValidationReport
        ``conforms`` is False when anything was found; ``violations`` lists it
        sorted by file and line.
    """
    locator = Locator(corpus)
    with ThreadPoolExecutor(max_workers=1) as beside:  # the engine leaves Python's lock free
        shapes = beside.submit(check_shapes, _shape_data(corpus))
        across = _Across.read(corpus)
        by_check: dict[_Check, list[Violation]] = {check: [] for check, _ in _PER_SOURCE}
        for source in _each_source(corpus):
            for check, _ in _PER_SOURCE:
                by_check[check] += check(source, across, locator)
            across.note_types(source)
        by_check[_integrity] += _clashing_types(corpus, across, locator)
        found = [v for check, once in _PER_SOURCE for v in (_unique if once else list)(by_check[check])]
        found += _shacl(corpus, locator, shapes.result())
    found = sorted(set(found), key=lambda v: (v.file, v.line or 0, v.focus, v.path, v.message))
    errors = [v for v in found if v.severity == "Violation"]
    return ValidationReport(conforms=not errors, violations=tuple(found))


def validate_ontology() -> ValidationReport:
    """Check the ontology's own hygiene: every term labelled and defined."""
    findings = check_shapes(load_ontology(), shapes=Shapes.ONTOLOGY)
    found = sorted(
        (Violation("ontology", None, curie(f.focus), curie(f.path), f.message) for f in findings),
        key=lambda v: (v.focus, v.path),
    )
    return ValidationReport(conforms=not found, violations=tuple(found))
