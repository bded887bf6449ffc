"""Read sources and the ontology into an rdflib :class:`~rdflib.Dataset`.

A source is one Turtle file that describes exactly one document (a node typed
``pg:Source`` or one of its subclasses) and the claims that document supports.
Each source goes into its own named graph, named by that document's IRI; the
ontology goes into the graph named :data:`~graph.namespaces.ONTOLOGY_IRI`.
The dataset's default graph is the union of all of them.

Parsing is split into a pure :func:`parse_source` over text and a thin
:func:`read_source` over a path; :func:`load` reads many and is all or nothing.

Examples
--------
>>> from graph.load import load
>>> corpus = load()  # the bundled example corpus
>>> len(corpus.sources) >= 2
True
>>> from graph.namespaces import SRC
>>> SRC["politico-2024-05-30"] in {s.iri for s in corpus.sources}
True
"""

from __future__ import annotations

import functools
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from rdflib import BNode, Dataset, Graph, Literal, URIRef
from rdflib.namespace import OWL, RDF, RDFS
from rdflib.plugins.parsers.notation3 import BadSyntax
from rdflib.term import Node

from graph.errors import SourceError
from graph.namespaces import ONTOLOGY_IRI, PG, PREFIXES
from graph.resources import corpus_files, ontology_modules
from graph.strict import DEFAULT_LIMITS, Limits, check_bytes, check_size, check_text, read_capped

__all__ = [
    "Corpus",
    "Source",
    "bind_prefixes",
    "check_literal",
    "find_sources",
    "load",
    "load_ontology",
    "ontology_triples",
    "parse_source",
    "read_source",
    "source_classes",
    "source_document",
]


@dataclass(frozen=True)
class Source:
    """One parsed source: the document's IRI, where it came from, and its triples."""

    iri: URIRef
    file: str
    graph: Graph


@dataclass(frozen=True)
class Corpus:
    """A loaded corpus: the dataset and the sources it was built from."""

    dataset: Dataset
    sources: tuple[Source, ...]

    def file_of(self, graph_iri: URIRef) -> str | None:
        """The file a named graph was read from, or None for the ontology."""
        for source in self.sources:
            if source.iri == graph_iri:
                return source.file
        return None


def bind_prefixes(graph: Graph) -> None:
    """Bind the project's prefixes (:data:`graph.namespaces.PREFIXES`) on a graph or dataset."""
    for prefix, ns in PREFIXES.items():
        graph.bind(prefix, ns, override=True, replace=True)


def parse_turtle(text: str, *, name: str) -> Graph:
    """Parse Turtle text, turning syntax errors into a located :class:`SourceError`."""
    graph = Graph()
    try:
        graph.parse(data=text, format="turtle", publicID=Path(name).resolve().as_uri())
    except BadSyntax as exc:
        line = exc.lines + 1
        start = text.rfind("\n", 0, exc._i) + 1
        why = exc._why
        raise SourceError(name, f"Turtle syntax error: {why}", line=line, column=exc._i - start + 1) from None
    except Exception as exc:  # rdflib raises several kinds for bad input
        raise SourceError(name, f"cannot parse as Turtle: {exc}") from None
    for literal in graph.objects():
        if isinstance(literal, Literal):
            check_literal(literal, name=name, text=text)
    return graph


def check_literal(literal: Literal, *, name: str, text: str) -> None:
    """Refuse a literal whose text is not of its datatype (``"2024-13-45"^^xsd:date``), at its line."""
    if literal.ill_typed and literal.datatype is not None:
        kind = _curie(literal.datatype)
        why = f'"{literal}" is not a valid {kind}: write a value of that type'
        raise SourceError(name, why, line=_line_of(text, str(literal)))


def _curie(iri: URIRef) -> str:
    for prefix, namespace in PREFIXES.items():
        if iri.startswith(namespace) and iri != namespace:
            return f"{prefix}:{iri[len(namespace) :]}"
    return f"<{iri}>"


def _line_of(text: str, lexical: str) -> int | None:
    """The first line with the literal in quotes (or, failing that, its text anywhere)."""
    lines = text.splitlines()
    for needle in (f'"{lexical}"', f"'{lexical}'", lexical):
        for number, line in enumerate(lines, start=1):
            if needle in line:
                return number
    return None


@functools.cache
def ontology_triples() -> tuple[Any, ...]:
    """The ontology's triples as Oxigraph parses them, for a store to load without rdflib.

    Each module's blank nodes are its own, as rdflib names them afresh per document.
    """
    import pyoxigraph as ox

    found: list[Any] = []
    for path in ontology_modules():
        base = path.resolve().as_uri()
        found.extend(ox.parse(path=path, format=ox.RdfFormat.TURTLE, base_iri=base, rename_blank_nodes=True))
    return tuple(found)


@functools.cache
def source_classes() -> frozenset[URIRef]:
    """``pg:Source`` and every class of the ontology below it: what a source document is typed as."""
    import pyoxigraph as ox

    below: dict[str, list[str]] = {}
    for triple in ontology_triples():
        if triple.predicate.value == str(RDFS.subClassOf) and isinstance(triple.subject, ox.NamedNode):
            below.setdefault(triple.object.value, []).append(triple.subject.value)
    found, todo = {str(PG.Source)}, [str(PG.Source)]
    while todo:
        for narrower in below.get(todo.pop(), ()):
            if narrower not in found:
                found.add(narrower)
                todo.append(narrower)
    return frozenset(URIRef(c) for c in found)


def parse_source(text: str, *, name: str, limits: Limits = DEFAULT_LIMITS) -> Source:
    """Parse one source from Turtle text.

    Parameters
    ----------
    text : str
        The Turtle document.
    name : str
        The file name, used in error messages and as the base IRI.
    limits : Limits
        How large and deep the text may be (see :mod:`graph.strict`).

    Returns
    -------
    Source

    Raises
    ------
    SourceError
        On a syntax error (strict W3C Turtle), a control character, too deep nesting,
        an ill-typed literal, or when the text does not describe exactly one source document.

    Examples
    --------
    >>> text = '''@prefix pg: <https://w3id.org/policygraph/ontology#> .
    ... <https://example.org/report> a pg:NewsReport .'''
    >>> parse_source(text, name="report.ttl").iri
    rdflib.term.URIRef('https://example.org/report')
    >>> parse_source("<a> <b> <c> .", name="bad.ttl")  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    graph.errors.SourceError: bad.ttl: no source document: type one IRI as pg:NewsReport, ...
    """
    check_text(text, name=name, limits=limits)
    graph = parse_turtle(text, name=name)
    classes = source_classes()
    typed = {s for c in classes for s in graph.subjects(RDF.type, c)}
    document = source_document(typed, name=name, text=text)
    bind_prefixes(graph)
    return Source(iri=document, file=name, graph=graph)


def source_document(found: Iterable[Node], *, name: str, text: str) -> URIRef:
    """The one document a source describes, of the nodes typed as a source class in it.

    Raises
    ------
    SourceError
        When there is none, more than one, a blank node, or an IRI named like the
        ontology's or like rdflib's default graph.
    """
    documents = sorted(set(found), key=str)
    if not documents:
        raise SourceError(
            name,
            "no source document: type one IRI as pg:NewsReport, pg:OfficialStatement or pg:ReferenceDataset",
        )
    if len(documents) > 1:
        listed = ", ".join(str(d) for d in documents)
        raise SourceError(name, f"more than one source document ({listed}): put each in its own file")
    document = documents[0]
    if isinstance(document, BNode) or not isinstance(document, URIRef):
        raise SourceError(name, "the source document needs an IRI, not a blank node", line=None)
    if document == ONTOLOGY_IRI or str(document).startswith((str(PG), "urn:x-rdflib:")):
        raise SourceError(
            name,
            f"the source document {document} is named like the ontology's or the default graph: "
            "give it its own IRI (src:publisher-YYYY-MM-DD)",
            line=_line_of(text, str(document).rsplit("#", 1)[-1].rsplit("/", 1)[-1]),
        )
    return document


def read_source(path: str | Path, *, limits: Limits = DEFAULT_LIMITS) -> Source:
    """Read one source file; see :func:`parse_source`."""
    path = Path(path)
    try:
        check_size(path.stat().st_size, name=str(path), limits=limits)  # before reading it into memory
    except OSError as exc:
        raise SourceError(str(path), f"cannot read: {exc.strerror}") from None
    # only a regular file, and never more than the limit even if it grows while read (/dev/zero)
    data = read_capped(path, limit=limits.max_source_bytes, what="source file")
    return parse_source(check_bytes(data, name=str(path), limits=limits), name=str(path), limits=limits)


def find_sources(paths: Iterable[str | Path]) -> list[Path]:
    """Expand files and folders into the sorted list of ``.ttl`` source files.

    Raises
    ------
    SourceError
        When a path does not exist or a folder holds no ``.ttl`` file.
    """
    found: list[Path] = []
    for item in paths:
        path = Path(item)
        if path.is_dir():
            files = sorted(path.rglob("*.ttl"))
            if not files:
                raise SourceError(str(path), "no .ttl source files in this folder")
            found.extend(files)
        elif path.is_file():
            if path.suffix != ".ttl":
                raise SourceError(
                    str(path),
                    "policygraph reads sources in Turtle (.ttl): "
                    "convert the file, or rename it if it is Turtle",
                )
            found.append(path)
        else:
            raise SourceError(str(path), "no such file or folder")
    return found


@functools.cache
def _ontology_cached() -> Graph:
    graph = Graph()
    modules: dict[URIRef, Path] = {}
    for path in ontology_modules():
        module = parse_turtle(path.read_text(encoding="utf-8"), name=str(path))
        for iri in module.subjects(RDF.type, OWL.Ontology):
            if isinstance(iri, URIRef):
                modules[iri] = path
        graph += module
    missing = [str(i) for i in graph.objects(ONTOLOGY_IRI, OWL.imports) if i not in modules]
    if missing:
        raise SourceError("ontology", f"imported modules not bundled: {', '.join(missing)}")
    bind_prefixes(graph)
    return graph


def load_ontology() -> Graph:
    """The ontology: every bundled module, with ``owl:imports`` resolved locally.

    Returns a new graph each call (the parse is cached), so callers may change it.
    """
    graph = Graph()
    graph += _ontology_cached()
    bind_prefixes(graph)
    return graph


def load(paths: Sequence[str | Path] | None = None, *, limits: Limits = DEFAULT_LIMITS) -> Corpus:
    """Load sources and the ontology into a Dataset, all or nothing.

    Parameters
    ----------
    paths : sequence of str or Path, optional
        Source files and folders. None loads the bundled example corpus.
    limits : Limits
        How large and deep each source may be (see :mod:`graph.strict`).

    Returns
    -------
    Corpus
        The dataset (default graph = union of all named graphs) and its sources.

    Raises
    ------
    SourceError
        When any source cannot be read; nothing is returned then.
    """
    files = corpus_files() if paths is None else find_sources(paths)
    sources = [read_source(f, limits=limits) for f in files]
    seen: dict[URIRef, str] = {}
    for source in sources:
        if source.iri in seen:
            raise SourceError(
                source.file, f"describes {source.iri}, already described by {seen[source.iri]}: rename one"
            )
        seen[source.iri] = source.file
    dataset = Dataset(default_union=True)
    bind_prefixes(dataset)
    dataset.graph(ONTOLOGY_IRI).__iadd__(_ontology_cached())
    for source in sources:
        dataset.graph(source.iri).__iadd__(source.graph)
    return Corpus(dataset=dataset, sources=tuple(sources))
