"""The names the drafter looks for, taken from the graph itself.

Every entity and ontology term with a label gives its names: ``rdfs:label`` and
``skos:altLabel`` (matched as written), ``pg:metonym`` for actors ("Washington") and
``pg:demonym`` ("American"). The lexicon's ``[terms]`` table adds more ways to say an
ontology term ("troops massing"). What each name stands for (an actor, a place, a
weapon class, a target type...) comes from the term's type in the graph.

Examples
--------
>>> from graph.load import load
>>> from graph.draft.lexicon import load_lexicon
>>> names = gazetteer(load().dataset, load_lexicon())
>>> sorted({(n.how, n.role.value) for n in names if n.text == "American"})
[('demonym', 'country')]
>>> any(n.text == "troops massing" and n.role is Role.TARGET_TYPE for n in names)
True
"""

from __future__ import annotations

from dataclasses import dataclass

from rdflib import Dataset, URIRef
from rdflib.namespace import RDF, RDFS, SKOS

from graph.draft.findings import Role
from graph.draft.lexicon import Lexicon
from graph.namespaces import PG, PREFIXES

__all__ = ["Name", "gazetteer", "role_of", "roles"]


@dataclass(frozen=True)
class Name:
    """One way to name one term."""

    text: str
    term: URIRef
    role: Role
    #: label, alias, metonym, demonym or lexicon
    how: str

    @property
    def exact_case(self) -> bool:
        """Short all-capital names ("US", "UK", "NSC") match only in capitals: "us" is a pronoun."""
        letters = [c for c in self.text if c.isalpha()]
        return bool(letters) and len(letters) <= 4 and all(c.isupper() for c in letters)


#: classes whose instances play each role, most specific first
_INSTANCE_ROLES = (
    (PG.State, Role.COUNTRY),
    (PG.Person, Role.PERSON),
    (PG.GovernmentBody, Role.BODY),
    (PG.MilitaryForce, Role.BODY),
    (PG.MediaOutlet, Role.MEDIA),
    (PG.Actor, Role.ACTOR),
    (PG.Place, Role.PLACE),
    (PG.WeaponSystem, Role.WEAPON_SYSTEM),
)
_SCHEME_ROLES = (
    (PG.TargetTypeScheme, Role.TARGET_TYPE),
    (PG.PurposeScheme, Role.PURPOSE),
    (PG.DepthScheme, Role.DEPTH),
)


def _roles(dataset: Dataset) -> dict[URIRef, Role]:
    roles: dict[URIRef, Role] = {}
    for anchor, role in reversed(_INSTANCE_ROLES):
        for cls in dataset.transitive_subjects(RDFS.subClassOf, anchor):
            for term in dataset.subjects(RDF.type, cls):
                if isinstance(term, URIRef):
                    roles[term] = role  # later (more specific) anchors win
    for cls in dataset.transitive_subjects(RDFS.subClassOf, PG.WeaponSystem):
        if isinstance(cls, URIRef) and cls != PG.WeaponSystem:
            roles[cls] = Role.WEAPON_CLASS
    for scheme, role in _SCHEME_ROLES:
        for term in dataset.subjects(SKOS.inScheme, scheme):
            if isinstance(term, URIRef):
                roles[term] = role
    return roles


def roles(dataset: Dataset) -> dict[URIRef, Role]:
    """What each term of the graph stands for, by its type: compute once, look up many times."""
    return _roles(dataset)


def role_of(dataset: Dataset, term: URIRef) -> Role:
    """What one term stands for, by its type in the graph (``Role.OTHER`` when none fits)."""
    return _roles(dataset).get(term, Role.OTHER)


def _strip(name: str) -> str:
    return name[4:] if name.casefold().startswith("the ") else name


def _expand(curie: str) -> URIRef | None:
    prefix, _, local = curie.partition(":")
    namespace = PREFIXES.get(prefix)
    return URIRef(str(namespace) + local) if namespace is not None and local else None


def gazetteer(dataset: Dataset, lexicon: Lexicon) -> list[Name]:
    """Every name of every term the graph gives a role, and the lexicon's extra phrasings."""
    roles = _roles(dataset)
    names: list[Name] = []
    sources = (
        (RDFS.label, "label"),
        (SKOS.altLabel, "alias"),
        (PG.metonym, "metonym"),
        (PG.demonym, "demonym"),
    )
    for term, role in roles.items():
        for prop, how in sources:
            if how == "metonym" and not role.is_actor:
                continue
            for value in dataset.objects(term, prop):
                text = _strip(str(value).strip())
                if len(text) >= 2:
                    names.append(Name(text, term, role, how))
    for curie, phrases in lexicon.terms().items():
        found = _expand(curie)
        if found is None or found not in roles:
            continue
        names.extend(Name(p, found, roles[found], "lexicon") for p in phrases)
    return sorted(set(names), key=lambda n: (n.text, str(n.term), n.how))
