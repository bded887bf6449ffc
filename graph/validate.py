"""Check a loaded corpus against the SHACL shapes and the ontology's vocabulary.

Four checks, all reported together:

1. the data shapes (``ontology/shapes.ttl``) over the union of the ontology and
   every source, with pySHACL;
2. every ``pg:`` term a source uses is one the ontology defines (a misspelt
   property or class is an error, not a silent new term);
3. every resource (``:Name``) a source points at is described somewhere, at least
   with a label (a misspelt entity name is an error, not a new node);
4. no draft candidate is left unreviewed (``pg:unreviewed true``, written by
   ``policygraph draft``) and no summary still holds the draft's placeholder.

Each finding names the file, the line where the entity is written, the entity,
the property and what to write instead.

Examples
--------
>>> from graph.load import load
>>> report = validate(load())
>>> report.conforms, len(report.violations)
(True, 0)
"""

from __future__ import annotations

import bisect
import functools
import re
from dataclasses import dataclass
from itertools import combinations
from pathlib import Path
from typing import Any

from rdflib import BNode, Graph, Literal, URIRef
from rdflib.namespace import OWL, RDF, RDFS, SH, SKOS, XSD
from rdflib.term import Node

from graph.load import Corpus, Source, load_ontology
from graph.namespaces import DCTERMS, GEO, ONTOLOGY_IRI, PG, PGR, PREFIXES, SRC
from graph.resources import shapes_file

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


@functools.cache
def _shapes(kind: str) -> Graph:
    graph = Graph()
    graph.parse(shapes_file(kind), format="turtle")
    return graph


def _curie(node: Node | None) -> str:
    if node is None:
        return ""
    if isinstance(node, URIRef):
        for prefix, ns in PREFIXES.items():
            if str(node).startswith(ns) and re.fullmatch(r"[\w.\-]*", str(node)[len(ns) :]):
                return f"{prefix}:{node[len(ns) :]}"
        return f"<{node}>"
    if isinstance(node, BNode):
        return "a blank node"
    return str(node)


class _Locator:
    """Finds the file and line where a node is written."""

    def __init__(self, corpus: Corpus):
        self.corpus = corpus
        self._lines: dict[str, list[str]] = {}
        self._blocks: dict[str, tuple[dict[str, int], list[int]]] = {}

    def lines(self, file: str) -> list[str]:
        if file not in self._lines:
            try:
                self._lines[file] = Path(file).read_text(encoding="utf-8").splitlines()
            except OSError:
                self._lines[file] = []
        return self._lines[file]

    def blocks(self, file: str) -> tuple[dict[str, int], list[int]]:
        """Where each subject's block starts (by local name), and every line that starts a block.

        Read once per file, so that locating many findings in a large source stays linear.
        """
        if file not in self._blocks:
            starts: dict[str, int] = {}
            unindented: list[int] = []
            for number, line in enumerate(self.lines(file), start=1):
                if line[:1].strip():
                    unindented.append(number)
                    subject = re.match(r"^\S*[:/]([^\s:/>]+)>?(\s|$)", line)
                    if subject is not None:
                        starts.setdefault(subject[1], number)
            self._blocks[file] = (starts, unindented)
        return self._blocks[file]

    def owner(self, node: Node) -> Node:
        """The named resource a blank node hangs from (a rule's policy, a constraint's rule's policy)."""
        seen = set()
        while isinstance(node, BNode) and node not in seen:
            seen.add(node)
            parent = next(iter(self.corpus.dataset.subjects(None, node)), None)
            if parent is None:
                break
            node = parent
        return node

    def locate(self, node: Node, path: Node | None, value: Node | None = None) -> tuple[str, int | None]:
        owner = self.owner(node)
        # a blank node lives in one file; a named resource is placed where it is first described
        for wanted in (node, owner):
            for source in self.corpus.sources:
                if (wanted, None, None) in source.graph:
                    # inside a rule, the offending value is the most telling word to look for
                    near = value if isinstance(node, BNode) and isinstance(value, URIRef) else path
                    return source.file, self._line(source.file, owner, near, node, path)
        return "ontology" if owner is not None else "?", None

    def _line(
        self, file: str, owner: Node, word: Node | None, node: Node | None = None, path: Node | None = None
    ) -> int | None:
        """The line of ``owner`` in ``file``, then of its labelled rule, then of ``word`` after them."""
        if not isinstance(owner, URIRef):
            return None
        lines = self.lines(file)
        local = re.split(r"[/#]", str(owner))[-1]
        starts, unindented = self.blocks(file)
        start = starts.get(local)
        if start is None:
            return None
        after = bisect.bisect_right(unindented, start)
        end = unindented[after] if after < len(unindented) else len(lines) + 1
        label = self._rule_label(node)
        if label is not None:  # inside a labelled rule: start from its label
            quoted = f'"{label}"'
            start = next((n for n in range(start, end) if quoted in lines[n - 1]), start)
        if isinstance(word, URIRef):
            name = re.split(r"[/#]", str(word))[-1]
            hits = [
                n for n in range(start, end) if re.search(rf"[:/#]{re.escape(name)}(?![\w\-])", lines[n - 1])
            ]
            beside = re.split(r"[/#]", str(path))[-1] if isinstance(path, URIRef) else None
            # prefer the line where the value stands beside the property it is wrong for
            both = [n for n in hits if beside and re.search(rf"[:/#]{re.escape(beside)}\b", lines[n - 1])]
            if both or hits:
                return (both or hits)[0]
        return start

    def _rule_label(self, node: Node | None) -> Node | None:
        """The label of the nearest labelled blank node at or above ``node`` (a rule's label)."""
        seen: set[Node] = set()
        while isinstance(node, BNode) and node not in seen:
            seen.add(node)
            label = self.corpus.dataset.value(node, RDFS.label)
            if label is not None:
                return label
            node = next(iter(self.corpus.dataset.subjects(None, node)), None)
        return None


@functools.cache
def _validator_class() -> Any:
    """PySHACL's validator, less its text report.

    pySHACL writes the text report by adding each result's description to one string,
    which takes time quadratic in the number of results (minutes for 10^5 findings); the
    findings are read from the report graph, so the descriptions are dropped first.
    """
    from pyshacl import Validator  # imported here: slow to import

    class GraphReportValidator(Validator):
        @classmethod
        def create_validation_report(cls, sg: Any, conforms: bool, results: list[tuple[Any, ...]]) -> Any:
            quiet = [("", node, triples) for _, node, triples in results]
            return super().create_validation_report(sg, conforms, quiet)

    return GraphReportValidator


def _shacl(corpus: Corpus, locator: _Locator) -> list[Violation]:
    data = Graph()
    for quad in corpus.dataset.quads((None, None, None, None)):
        data.add(quad[:3])
    # the copy is the validator's own: validating in place spares it a second copy
    options = {"inference": "none", "advanced": True, "allow_warnings": True, "inplace": True}
    from pyshacl.graph_abstraction import DataGraph

    validator = _validator_class()(DataGraph.from_rdflib(data), shacl_graph=_shapes("data"), options=options)
    conforms, results, _ = validator.run()
    if conforms:
        return []
    assert isinstance(results, Graph)
    found = []
    details = set(results.objects(None, SH.detail))
    for result in results.subjects(RDF.type, SH.ValidationResult):
        if result in details:  # the parent result already says it, in the shape's own words
            continue
        focus = results.value(result, SH.focusNode)
        path = results.value(result, SH.resultPath)
        message = str(results.value(result, SH.resultMessage) or "does not conform")
        severity = str(results.value(result, SH.resultSeverity) or SH.Violation).rsplit("#", 1)[-1]
        if focus is None:
            continue
        file, line = locator.locate(focus, path, results.value(result, SH.value))
        owner = locator.owner(focus)
        label = _curie(owner) if owner != focus else _curie(focus)
        if owner != focus:
            label += " (in a rule or constraint)"
        message = re.sub(r"https?://[^\s,;:]+[#/][\w.\-]+", lambda m: _curie(URIRef(m[0])), message)
        found.append(Violation(file, line, label, _curie(path), message, severity))
    return found


def _at_term(locator: _Locator, source: Source, term: URIRef, message: str) -> Violation:
    """A finding about a term, placed at the first line of the source that writes it."""
    local = re.split(r"[/#]", str(term))[-1]
    return Violation(source.file, _first_line(locator.lines(source.file), local), _curie(term), "", message)


def _vocabulary(corpus: Corpus, locator: _Locator) -> list[Violation]:
    ontology = corpus.dataset.graph(ONTOLOGY_IRI)
    defined = {s for s in ontology.subjects() if isinstance(s, URIRef)}
    message = (
        "not a term of the policygraph ontology: check the spelling "
        "(the terms are listed in ontology/README.md)"
    )
    found = [
        _at_term(locator, source, term, message)
        for source in corpus.sources
        for triple in source.graph
        for term in triple
        if isinstance(term, URIRef) and str(term).startswith(str(PG)) and term not in defined
    ]
    return _unique(found)


#: namespaces whose terms only the ontology (or the standard that owns them) describes
_VOCABULARIES = tuple(ns for prefix, ns in PREFIXES.items() if prefix not in ("", "src", "wd"))
#: links that make one term stand for another: refused on a vocabulary term, as subject or object
_SAMENESS = (OWL.sameAs, OWL.equivalentClass, OWL.equivalentProperty)


def _trust_boundary(corpus: Corpus, locator: _Locator) -> list[Violation]:
    """Sources describe entities, claims, policies and events, never the vocabulary.

    A statement about an ontology term (its classes, broader concepts, schemes, domain,
    sameness) would change the rules for every source: it is refused, at the source's
    own line. Extending a hierarchy stays the sources' business: a new weapon system
    typed with a class, a new place within a region, a new concept under an ontology
    concept (the new thing is the subject).
    """
    ontology = corpus.dataset.graph(ONTOLOGY_IRI)
    defined = {s for s in ontology.subjects() if isinstance(s, URIRef)}

    def vocabulary(node: Node) -> bool:
        return isinstance(node, URIRef) and (node in defined or str(node).startswith(_VOCABULARIES))

    found = []
    for source in corpus.sources:
        for s, p, o in source.graph:
            if vocabulary(s):
                message = (
                    f"is an ontology term: a source may not describe it ({_curie(p)} {_curie(o)}); "
                    "the vocabulary changes only in ontology/"
                )
                found.append(_at_term(locator, source, s, message))  # type: ignore[arg-type]
            elif p in _SAMENESS and vocabulary(o):
                message = (
                    f"is made the same as the ontology term {_curie(o)} ({_curie(p)}): "
                    "a source may not redefine the vocabulary"
                )
                found.append(_at_term(locator, source, s, message))  # type: ignore[arg-type]
    return _unique(found)


def _shared_aliases(corpus: Corpus, locator: _Locator) -> list[Violation]:
    """An alias names one thing: one on two entities, or on one and the label of another, is refused."""
    from graph.resolve import normalise

    named: dict[str, set[Node]] = {}
    for s, label in corpus.dataset.subject_objects(RDFS.label):
        if isinstance(s, URIRef):
            named.setdefault(normalise(str(label)), set()).add(s)
    aliased: dict[str, set[Node]] = {}
    for s, alias in corpus.dataset.subject_objects(SKOS.altLabel):
        if isinstance(s, URIRef):
            aliased.setdefault(normalise(str(alias)), set()).add(s)
    found = []
    for source in corpus.sources:
        for s, alias in source.graph.subject_objects(SKOS.altLabel):
            key = normalise(str(alias))
            others = sorted((named.get(key, set()) | aliased.get(key, set())) - {s}, key=str)
            if others and isinstance(s, URIRef):
                message = (
                    f"has the alias {str(alias)!r}, which also names {', '.join(_curie(o) for o in others)}: "
                    "keep it on one entity (a name standing for a government goes in pg:metonym)"
                )
                found.append(_at_term(locator, source, s, message))
    return _unique(found)


def _dangling(corpus: Corpus, locator: _Locator) -> list[Violation]:
    """Resources used but never described, and sources cited but not loaded (typos, mostly)."""
    described = set(corpus.dataset.subjects(RDFS.label, None))
    loaded = {s.iri for s in corpus.sources}
    found = []
    for source in corpus.sources:
        for s, p, o in source.graph:
            if not isinstance(o, URIRef):
                continue
            used = f"(by {_curie(locator.owner(s))} {_curie(p)})"
            if p != RDF.type and str(o).startswith(str(PGR)) and o not in described:
                message = (
                    f"is used {used} but never described: check the spelling, "
                    "or describe it with at least a type and an rdfs:label"
                )
                found.append(_at_term(locator, source, o, message))
            elif str(o).startswith(str(SRC)) and o not in loaded:
                message = (
                    f"is cited {used} but no loaded source is that document: add its file, or fix the name"
                )
                found.append(_at_term(locator, source, o, message))
    return _unique(found)


def _one_per_source(corpus: Corpus, locator: _Locator) -> list[Violation]:
    """Within one source, a claim has one confidence (sources may differ from each other)."""
    found = []
    for source in corpus.sources:
        for claim in set(source.graph.subjects(PG.confidence, None)):
            if len(set(source.graph.objects(claim, PG.confidence))) > 1 and isinstance(claim, URIRef):
                found.append(
                    _at_term(
                        locator, source, claim, "has more than one pg:confidence in this source: keep one"
                    )
                )
    return found


def _integrity(corpus: Corpus, locator: _Locator) -> list[Violation]:
    """What a person would want flagged: cycles of places, claims dated after their source, clashing types."""
    from graph.dates import period

    dataset = corpus.dataset
    found = []
    for source in corpus.sources:
        # a place within itself, at any depth
        for place in {p for p in source.graph.subjects(GEO.sfWithin, None) if isinstance(p, URIRef)}:
            parents = dataset.objects(place, GEO.sfWithin)
            if any(place in set(dataset.transitive_objects(parent, GEO.sfWithin)) for parent in parents):
                found.append(
                    _at_term(
                        locator, source, place, "lies within itself (a cycle of geo:sfWithin): fix one link"
                    )
                )
        # a claim dated after the source that reports it
        issued = source.graph.value(source.iri, DCTERMS.issued)
        if issued is None:
            continue
        try:
            reported = period(str(issued))
        except ValueError:
            continue
        for prop in (DCTERMS.date, PG.startDate):
            for claim, value in source.graph.subject_objects(prop):
                try:
                    when = period(str(value))
                except ValueError:
                    continue
                if when.first > reported.last and isinstance(claim, URIRef):
                    found.append(
                        _at_term(
                            locator,
                            source,
                            claim,
                            f"is dated {when}, after the source that reports it ({reported}): "
                            "check both dates",
                        )
                    )
    found += _clashing_types(corpus, locator)
    return _unique(found)


def _clashing_types(corpus: Corpus, locator: _Locator) -> list[Violation]:
    """One IRI given kinds by two sources that do not fit together (a city here, a region there)."""
    ontology = corpus.dataset.graph(ONTOLOGY_IRI)
    found = []
    typed: dict[URIRef, dict[URIRef, Source]] = {}
    for source in corpus.sources:
        for node, cls in source.graph.subject_objects(RDF.type):
            if isinstance(node, URIRef) and isinstance(cls, URIRef) and str(cls).startswith(str(PG)):
                typed.setdefault(node, {}).setdefault(cls, source)
    for node, classes in typed.items():
        for first, second in combinations(sorted(classes, key=str), 2):
            if classes[first] is classes[second]:
                continue  # one source may classify a thing twice on purpose
            up_first = set(ontology.transitive_objects(first, RDFS.subClassOf))
            up_second = set(ontology.transitive_objects(second, RDFS.subClassOf))
            if second in up_first or first in up_second or PG.WeaponSystem in up_first & up_second:
                continue
            found.append(
                _at_term(
                    locator,
                    classes[second],
                    node,
                    f"is a {_curie(second)} here but a {_curie(first)} in {classes[first].file}: keep one",
                )
            )
    return found


_CALENDAR = (XSD.date, XSD.gYearMonth, XSD.gYear)


def _calendar(corpus: Corpus, locator: _Locator) -> list[Violation]:
    """Dates, months and years that name no real day ("2024-13"^^xsd:gYearMonth): refused, not ignored."""
    from graph.dates import period

    found = []
    for source in corpus.sources:
        for node, prop, value in source.graph:
            if not isinstance(value, Literal) or value.datatype not in _CALENDAR:
                continue
            try:
                period(value)
            except ValueError:
                kind = _curie(value.datatype)
                example = {"date": "2024-05-30", "gYearMonth": "2024-05", "gYear": "2024"}[kind.split(":")[1]]
                owner = locator.owner(node)
                found.append(
                    Violation(
                        source.file,
                        locator._line(source.file, owner, prop, node, prop),
                        _curie(locator.owner(node)),
                        _curie(prop),
                        f'"{value}" is not a valid {kind}: write a real one, such as "{example}"^^{kind}',
                    )
                )
    return found


def _unreviewed(corpus: Corpus, locator: _Locator) -> list[Violation]:
    """Draft candidates no one has checked yet, and summaries still holding the draft's placeholder."""
    found = []
    for source in corpus.sources:
        for node in source.graph.subjects(PG.unreviewed, None):
            if not isinstance(node, URIRef) or all(
                isinstance(v, Literal) and v.toPython() is False
                for v in source.graph.objects(node, PG.unreviewed)
            ):
                continue
            spans = ", ".join(sorted(str(s) for s in source.graph.objects(node, PG.textSpan)))
            where = f" (found at characters {spans})" if spans else ""
            message = (
                f"is an unreviewed draft candidate{where}: check it against the text, "
                "correct it, then delete its 'pg:unreviewed true' line (or delete the candidate)"
            )
            found.append(_at_term(locator, source, node, message))
        for node, prop, value in source.graph:
            if (
                isinstance(node, URIRef)
                and isinstance(value, Literal)
                and str(value).startswith("(to write:")
            ):
                message = (
                    f"{_curie(prop)} is still the draft's placeholder {str(value)!r}: write the value "
                    "(a paraphrase of the text for a summary)"
                )
                found.append(_at_term(locator, source, node, message))
    return found


def _first_line(lines: list[str], local: str) -> int | None:
    for number, line in enumerate(lines, start=1):
        if re.search(rf"[:/#]{re.escape(local)}(?![\w\-])", line):
            return number
    return None


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
        What :func:`graph.load.load` returned.

    Returns
    -------
    ValidationReport
        ``conforms`` is False when anything was found; ``violations`` lists it
        sorted by file and line.
    """
    locator = _Locator(corpus)
    found = (
        _vocabulary(corpus, locator)
        + _trust_boundary(corpus, locator)
        + _shared_aliases(corpus, locator)
        + _dangling(corpus, locator)
        + _one_per_source(corpus, locator)
        + _integrity(corpus, locator)
        + _unreviewed(corpus, locator)
        + _calendar(corpus, locator)
        + _shacl(corpus, locator)
    )
    found = sorted(set(found), key=lambda v: (v.file, v.line or 0, v.focus, v.path, v.message))
    errors = [v for v in found if v.severity == "Violation"]
    return ValidationReport(conforms=not errors, violations=tuple(found))


def validate_ontology() -> ValidationReport:
    """Check the ontology's own hygiene: every term labelled and defined."""
    from pyshacl import validate as shacl_validate

    ontology = load_ontology()
    conforms, results, _ = shacl_validate(ontology, shacl_graph=_shapes("ontology"), inference="none")
    found = []
    if not conforms:
        assert isinstance(results, Graph)
        for result in results.subjects(RDF.type, SH.ValidationResult):
            focus = results.value(result, SH.focusNode)
            path = results.value(result, SH.resultPath)
            message = str(results.value(result, SH.resultMessage))
            found.append(Violation("ontology", None, _curie(focus), _curie(path), message))
    found.sort(key=lambda v: (v.focus, v.path))
    return ValidationReport(conforms=bool(conforms), violations=tuple(found))
