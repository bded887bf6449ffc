"""Which engine answers for a dataset: chosen once, when its store is opened.

Three kinds of store hold a corpus (``--store``): rdflib's memory store, answered by
rdflib's SPARQL engine; Oxigraph, answered by its own engine and read as its own terms;
and a SPARQL endpoint, reached over HTTP. :mod:`graph.stores` records the kind of each
store it opens (:func:`register`); every reader asks :func:`backend` or
:func:`native_store` instead of looking at the store object. A dataset built any other
way (:func:`graph.load.load`, a view of a request's graphs) is rdflib's to answer.

Examples
--------
>>> from graph.load import load
>>> backend(load().dataset)
<Backend.MEMORY: 'memory'>
>>> from graph.stores import StoreSpec, open_corpus
>>> stored = open_corpus(None, StoreSpec.parse("oxigraph")).dataset
>>> backend(stored), native_store(stored) is not None
(<Backend.OXIGRAPH: 'oxigraph'>, True)
"""

from __future__ import annotations

import weakref
from collections.abc import Callable
from dataclasses import dataclass, field
from enum import StrEnum
from pathlib import Path
from typing import Any

from rdflib import BNode, Dataset, Graph, Literal, URIRef
from rdflib.store import Store
from rdflib.term import Node

__all__ = [
    "Backend",
    "backend",
    "converter",
    "from_native",
    "native_store",
    "register",
    "store_folder",
    "stored_blank",
    "stored_iri",
    "stored_string",
    "term_cache",
]


class Backend(StrEnum):
    """The engine that answers for a store."""

    MEMORY = "memory"  #: rdflib's SPARQL engine over its own (or any unregistered) store
    OXIGRAPH = "oxigraph"  #: Oxigraph's engine, on its own terms
    SPARQL = "sparql"  #: a SPARQL endpoint over HTTP


@dataclass(frozen=True)
class _Opened:
    kind: Backend
    native: Any = None  # the pyoxigraph Store
    folder: Path | None = None  # where an Oxigraph store on disk lives
    #: the rdflib term of each Oxigraph term met in this store's answers (see term_cache)
    terms: dict[Any, Any] = field(default_factory=dict)


_XSD_STRING = "http://www.w3.org/2001/XMLSchema#string"
_OPENED: weakref.WeakKeyDictionary[Store, _Opened] = weakref.WeakKeyDictionary()
_MEMORY = _Opened(Backend.MEMORY)


def register(dataset: Dataset, kind: Backend, *, native: Any = None, folder: Path | None = None) -> Dataset:
    """Record which engine answers for ``dataset``'s store.

    For Oxigraph, ``native`` is the pyoxigraph ``Store`` and ``folder`` where it lives on
    disk (None in memory).
    """
    if kind is Backend.OXIGRAPH and native is None:
        raise ValueError("an Oxigraph store needs its pyoxigraph Store")
    _OPENED[dataset.store] = _Opened(kind, native, folder)
    return dataset


def _opened(dataset: Dataset | Graph) -> _Opened:
    return _OPENED.get(dataset.store, _MEMORY)


def backend(dataset: Dataset | Graph) -> Backend:
    """The engine that answers for the dataset (or a graph over the same store)."""
    return _opened(dataset).kind


def native_store(dataset: Dataset | Graph) -> Any:
    """The pyoxigraph ``Store`` behind the dataset, or None when Oxigraph does not answer for it."""
    return _opened(dataset).native


def store_folder(dataset: Dataset | Graph) -> Path | None:
    """The folder of the Oxigraph store on disk behind the dataset, or None."""
    return _opened(dataset).folder


def term_cache(dataset: Dataset | Graph) -> dict[Any, Any]:
    """The rdflib term of each Oxigraph IRI and blank node met so far in this store's answers.

    One object per term across queries: converting is slow, and dictionaries keyed by terms
    from different answers then compare by identity, not by rdflib's own ``__eq__``.
    Bounded: a long-running server meets many terms.
    """
    terms = _opened(dataset).terms
    if len(terms) > 2_000_000:
        terms.clear()
    return terms


def stored_iri(value: str) -> URIRef:
    """The rdflib IRI of text a store gives as an IRI, so valid already.

    rdflib's constructor would check it again (a regular expression per IRI: most of the
    time of reading a store's IRIs at a million triples).

    Examples
    --------
    >>> stored_iri("https://w3id.org/policygraph/id/Kharkiv") == URIRef("https://w3id.org/policygraph/id/Kharkiv")
    True
    """
    return str.__new__(URIRef, value)


def stored_blank(value: str) -> BNode:
    """The rdflib blank node of a label a store gives (rdflib's constructor is Python code, run for each)."""
    return str.__new__(BNode, value)


def stored_string(text: str, language: str | None = None) -> Literal:
    """The rdflib literal of a plain or language-tagged string a store gives.

    The same literal as ``Literal(text, lang=language)``, made without rdflib's
    constructor: the store checked its language tag already, and a string has no value to
    convert (about a second of reading the kept answers at a million triples).

    Examples
    --------
    >>> made = stored_string("Kharkiv", "en")
    >>> made == Literal("Kharkiv", lang="en") and made.value == "Kharkiv"
    True
    >>> stored_string("Kharkiv") == Literal("Kharkiv")
    True
    """
    made: Literal = str.__new__(Literal, text)
    made._language, made._datatype, made._value, made._ill_typed = language or None, None, text, None
    return made


def from_native(term: Any) -> Node:
    """The rdflib term of an Oxigraph IRI, blank node or literal.

    Examples
    --------
    >>> import pyoxigraph as ox
    >>> from_native(ox.Literal("3", datatype=ox.NamedNode("http://www.w3.org/2001/XMLSchema#integer")))
    rdflib.term.Literal('3', datatype=rdflib.term.URIRef('http://www.w3.org/2001/XMLSchema#integer'))
    >>> from_native(ox.Literal("Kharkiv", language="en")).language
    'en'
    >>> from_native(ox.Literal("Kharkiv"))
    rdflib.term.Literal('Kharkiv')
    """
    import pyoxigraph as ox

    if isinstance(term, ox.NamedNode):
        return stored_iri(term.value)
    if isinstance(term, ox.BlankNode):
        return stored_blank(term.value)
    if isinstance(term, ox.Literal):
        if term.language:
            return stored_string(term.value, term.language)
        if term.datatype.value == _XSD_STRING:
            return stored_string(term.value)  # a plain string, as rdflib reads "..." in Turtle
        return Literal(term.value, datatype=stored_iri(term.datatype.value))
    raise ValueError(f"not an Oxigraph term policygraph reads: {term!r}")


def converter(dataset: Dataset | Graph) -> Callable[[Any], Node]:
    """A function giving the rdflib term of each Oxigraph term read from ``dataset``'s store.

    IRIs and blank nodes go through the store's :func:`term_cache`; literals through a
    dictionary of this converter's own, dropped with it (kept for good, they would weigh
    on every garbage collection).

    Examples
    --------
    >>> import pyoxigraph as ox
    >>> from graph.load import load
    >>> convert = converter(load().dataset)
    >>> iri = ox.NamedNode("https://w3id.org/policygraph/id/Kharkiv")
    >>> convert(iri) is convert(iri)
    True
    """
    import pyoxigraph as ox

    shared = term_cache(dataset)
    literals: dict[Any, Node] = {}

    def convert(term: Any) -> Node:
        known = literals if isinstance(term, ox.Literal) else shared
        value = known.get(term)
        if value is None:
            value = known[term] = from_native(term)
        return value

    return convert
