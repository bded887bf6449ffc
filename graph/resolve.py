"""Turn the names people type into the graph's terms.

``"US"``, ``"United States"``, ``":UnitedStates"`` and the full IRI all name the same
actor; ``"rocket"`` names the weapon class and ``"HIMARS"`` the system. Each kind of
thing is looked up among its own candidates (places among places), a label beats an
alias, and a name that fits several things, or none, is an error that says which.

Examples
--------
>>> from graph.load import load
>>> dataset = load().dataset
>>> resolve(dataset, "US", kind="actor")
rdflib.term.URIRef('https://w3id.org/policygraph/id/UnitedStates')
>>> resolve(dataset, "massing troops", kind="target-type")
rdflib.term.URIRef('https://w3id.org/policygraph/ontology#MassingTroops')
>>> resolve(dataset, "Moscow", kind="place")  # the city's label beats Russia's alias
rdflib.term.URIRef('https://w3id.org/policygraph/id/Moscow')
"""

from __future__ import annotations

import difflib

from rdflib import Dataset, URIRef
from rdflib.namespace import RDF, RDFS, SKOS

from graph.errors import QueryError
from graph.namespaces import PG, PREFIXES

__all__ = ["KINDS", "candidates", "resolve"]

#: What each kind of name may refer to: instances of a class, subclasses of a class, or members of a scheme.
KINDS: dict[str, tuple[str, URIRef]] = {
    "actor": ("instance", PG.Actor),
    "place": ("instance", PG.Place),
    "weapon": ("instance-or-class", PG.WeaponSystem),
    "target-type": ("scheme", PG.TargetTypeScheme),
    "purpose": ("scheme", PG.PurposeScheme),
}


def candidates(dataset: Dataset, kind: str) -> dict[URIRef, tuple[str, set[str]]]:
    """Every term a name of this kind may refer to, with its label and aliases."""
    how, anchor = KINDS[kind]
    found: set[URIRef] = set()
    if how == "scheme":
        found = {c for c in dataset.subjects(SKOS.inScheme, anchor) if isinstance(c, URIRef)}
    else:
        classes = set(dataset.transitive_subjects(RDFS.subClassOf, anchor))
        for cls in classes:
            found |= {s for s in dataset.subjects(RDF.type, cls) if isinstance(s, URIRef)}
        if how == "instance-or-class":
            found |= {c for c in classes if isinstance(c, URIRef)}
    out = {}
    for term in sorted(found, key=str):
        label = dataset.value(term, RDFS.label)
        aliases = {str(a).casefold() for a in dataset.objects(term, SKOS.altLabel)}
        out[term] = (str(label) if label is not None else str(term), aliases)
    return out


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
        When nothing of that kind has the name, or several do.
    """
    if kind not in KINDS:
        raise ValueError(f"unknown kind {kind!r}")
    pool = candidates(dataset, kind)
    text = name.strip()
    iri = _as_iri(text)
    if iri is not None and iri in pool:
        return iri
    wanted = text.casefold()
    for matcher in (lambda lbl, al: lbl.casefold() == wanted, lambda lbl, al: wanted in al):
        hits = sorted(t for t, (lbl, al) in pool.items() if matcher(lbl, al))
        if len(hits) == 1:
            return hits[0]
        if len(hits) > 1:
            listed = ", ".join(pool[h][0] for h in hits)
            raise QueryError(f"{kind} {name!r} could be {listed}: give the prefixed name or IRI")
    names = {lbl.casefold(): lbl for lbl, _ in pool.values()}
    names.update({alias: lbl for lbl, aliases in pool.values() for alias in aliases})
    near = dict.fromkeys(names[n] for n in difflib.get_close_matches(wanted, list(names), n=3, cutoff=0.6))
    hint = f"; did you mean {', '.join(repr(n) for n in near)}?" if near else ""
    raise QueryError(f"no {kind} named {name!r} in the graph{hint}")


def _as_iri(text: str) -> URIRef | None:
    if text.startswith("<") and text.endswith(">"):
        return URIRef(text[1:-1])
    if "://" in text:
        return URIRef(text)
    prefix, colon, local = text.partition(":")
    if colon and prefix in PREFIXES:
        return URIRef(PREFIXES[prefix] + local)
    return None
