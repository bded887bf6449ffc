"""Turn the names people type into the graph's terms.

``"US"``, ``"United States"``, ``":UnitedStates"`` and the full IRI all name the same
actor; ``"rockets"`` names the weapon class and ``"HIMARS"`` the system. Each kind of
thing is looked up among its own candidates (places among places) by its label, its
aliases (``skos:altLabel``) and, for actors only, the names that stand for it in
reporting (``pg:metonym``: "Washington", "the Kremlin"), in this order of tries:

1. the name as written, ignoring case, dots, hyphens and a leading "the";
2. the same with plurals made singular and spaces dropped ("rockets", "counterfire");
3. the same words in another order ("troops massing");
4. a name that holds every word typed ("Belgorod" is Belgorod Oblast, "M270" the M270 MLRS).

A try that finds one term answers; one that finds several is an error that lists them
(never a silent pick). Reporting names a region by its city ("counter-fire in Kharkiv"):
a place name that another place's name holds ("Kharkiv", "Kharkiv Oblast") is ambiguous.
A name nothing fits is an error that lists the closest names, by rapidfuzz's weighted
ratio, with the kind of each.

Examples
--------
>>> from graph.load import load
>>> dataset = load().dataset
>>> resolve(dataset, "US", kind="actor")
rdflib.term.URIRef('https://w3id.org/policygraph/id/UnitedStates')
>>> resolve(dataset, "troops massing", kind="target-type")
rdflib.term.URIRef('https://w3id.org/policygraph/ontology#MassingTroops')
>>> resolve(dataset, "Belgorod", kind="place")
rdflib.term.URIRef('https://w3id.org/policygraph/id/BelgorodOblast')
>>> resolve(dataset, "Kremlin", kind="place")  # the place, not Russia's government
rdflib.term.URIRef('https://w3id.org/policygraph/id/Moscow')
>>> resolve(dataset, "Kharkov", kind="place")
rdflib.term.URIRef('https://w3id.org/policygraph/id/Kharkiv')
>>> resolve(dataset, "Kharkiv", kind="place")  # doctest: +ELLIPSIS
Traceback (most recent call last):
...
graph.errors.QueryError: place 'Kharkiv' could be Kharkiv (city, :Kharkiv); Kharkiv Oblast ...
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

from rdflib import Dataset, URIRef
from rdflib.namespace import RDF, RDFS, SKOS

from graph.errors import QueryError
from graph.namespaces import PG, PREFIXES

__all__ = ["KINDS", "Candidate", "candidates", "normalise", "resolve"]

#: What each kind of name may refer to: instances of a class, subclasses of a class, or members of a scheme.
KINDS: dict[str, tuple[str, URIRef]] = {
    "actor": ("instance", PG.Actor),
    "place": ("instance", PG.Place),
    "weapon": ("instance-or-class", PG.WeaponSystem),
    "target-type": ("scheme", PG.TargetTypeScheme),
    "purpose": ("scheme", PG.PurposeScheme),
}


@dataclass(frozen=True)
class Candidate:
    """A term a name may refer to: its label, its other names and what kind of thing it is."""

    label: str
    aliases: frozenset[str]
    kind: str

    @property
    def names(self) -> tuple[str, ...]:
        """The label first, then the other names."""
        return (self.label, *sorted(self.aliases))


def normalise(name: str) -> str:
    """A name compared without case, dots, apostrophes, hyphens or a leading "the".

    >>> normalise("The U.S.-provided")
    'us provided'
    """
    text = re.sub(r"[.'\u2019]", "", name.casefold())
    text = re.sub(r"[\s\-_/,;:()]+", " ", text).strip()
    return re.sub(r"^the ", "", text)


def _singular(word: str) -> str:
    if len(word) > 3 and word.endswith("ies"):
        return word[:-3] + "y"
    if len(word) > 3 and word.endswith("s") and not word.endswith("ss"):
        return word[:-1]
    return word


def _words(name: str) -> tuple[str, ...]:
    return tuple(_singular(w) for w in normalise(name).split())


def candidates(dataset: Dataset, kind: str) -> dict[URIRef, Candidate]:
    """Every term a name of this kind may refer to, with its label, other names and kind."""
    how, anchor = KINDS[kind]
    found: set[URIRef] = set()
    if how == "scheme":
        found = {c for c in dataset.subjects(SKOS.inScheme, anchor) if isinstance(c, URIRef)}
        of_kind: dict[URIRef, str] = dict.fromkeys(found, kind.replace("-", " "))
    else:
        classes = set(dataset.transitive_subjects(RDFS.subClassOf, anchor))
        of_kind = {}
        for cls in sorted(classes, key=str):
            for s in dataset.subjects(RDF.type, cls):
                if isinstance(s, URIRef) and isinstance(cls, URIRef):
                    found.add(s)
                    of_kind.setdefault(s, _label(dataset, cls))
        if how == "instance-or-class":
            for cls in classes:
                if isinstance(cls, URIRef):
                    found.add(cls)
                    of_kind[cls] = "weapon class"
    out = {}
    for term in sorted(found, key=str):
        aliases = {str(a) for a in dataset.objects(term, SKOS.altLabel)}
        if kind == "actor":
            aliases |= {str(m) for m in dataset.objects(term, PG.metonym)}
        out[term] = Candidate(_label(dataset, term), frozenset(aliases), of_kind.get(term, kind))
    return out


def _label(dataset: Dataset, term: URIRef) -> str:
    label = dataset.value(term, RDFS.label)
    return str(label) if label is not None else str(term).rsplit("/", 1)[-1].rsplit("#", 1)[-1]


#: the tries, in order: how a name typed and a name of a term are compared
_TRIES: tuple[Callable[[str], object], ...] = (
    normalise,
    lambda name: "".join(_words(name)),
    lambda name: tuple(sorted(_words(name))),
)


def resolve(dataset: Dataset, name: str, *, kind: str) -> URIRef:
    """The term a name refers to.

    Parameters
    ----------
    dataset : Dataset
        Where to look.
    name : str
        An IRI (``<...>`` or bare), a prefixed name (``:Ukraine``, ``pg:Rocket``), a label or an alias.
    kind : str
        One of :data:`KINDS`.

    Raises
    ------
    QueryError
        When nothing of that kind has the name (listing the closest names), or several
        things do (listing them).
    """
    if kind not in KINDS:
        raise ValueError(f"unknown kind {kind!r}")
    pool = candidates(dataset, kind)
    text = name.strip()
    iri = _as_iri(text)
    if iri is not None:
        if iri in pool:
            return iri
        raise QueryError(f"{text} is not a {kind} in the graph{_closest(pool, text)}")
    typed = set(_words(text))
    wider = sorted(t for t, c in pool.items() if typed and any(typed <= set(_words(n)) for n in c.names))
    for key in _TRIES:
        wanted = key(text)
        hits = sorted(t for t, c in pool.items() if any(key(n) == wanted for n in c.names))
        if hits:
            # reporting names a region by its city ("in Kharkiv"): a place name that a wider
            # place's name holds is ambiguous
            return _one(pool, sorted({*hits, *wider}) if kind == "place" else hits, name, kind)
    if wider:
        return _one(pool, wider, name, kind)
    raise QueryError(f"no {kind} named {name!r} in the graph{_closest(pool, text)}")


def _one(pool: dict[URIRef, Candidate], hits: list[URIRef], name: str, kind: str) -> URIRef:
    if len(hits) == 1:
        return hits[0]
    listed = "; ".join(f"{pool[h].label} ({pool[h].kind}, {_prefixed(h)})" for h in hits)
    raise QueryError(f"{kind} {name!r} could be {listed}: give the full name or the prefixed name")


def _closest(pool: dict[URIRef, Candidate], text: str) -> str:
    from rapidfuzz import fuzz, process

    names = {n: term for term, c in pool.items() for n in c.names}
    found = process.extract(text, list(names), scorer=fuzz.WRatio, processor=normalise, limit=12)
    shown: dict[URIRef, str] = {}
    for match, _score, _index in found:
        term = names[match]
        if term not in shown and len(shown) < 5:
            shown[term] = match
    if not shown:
        return ""
    listed = ", ".join(
        f"{pool[term].label!r} ({pool[term].kind}{'' if match == pool[term].label else f', as {match!r}'})"
        for term, match in shown.items()
    )
    return f"; did you mean {listed}?"


def _prefixed(term: URIRef) -> str:
    for prefix, namespace in sorted(PREFIXES.items(), key=lambda item: -len(item[1])):
        if str(term).startswith(namespace):
            return f"{prefix}:{str(term)[len(namespace) :]}"
    return f"<{term}>"


def _as_iri(text: str) -> URIRef | None:
    if text.startswith("<") and text.endswith(">"):
        return URIRef(text[1:-1])
    if "://" in text:
        return URIRef(text)
    prefix, colon, local = text.partition(":")
    if colon and prefix in PREFIXES and " " not in text:
        return URIRef(PREFIXES[prefix] + local)
    return None
