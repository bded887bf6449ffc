"""The project's namespaces, and the standard ones it reuses.

``PG`` is the policygraph ontology. It is a :class:`rdflib.namespace.DefinedNamespace`,
so a misspelt term is an error at import time, not a silent new IRI; a test keeps it
equal to the terms the ontology defines. ``PGR`` names resources (actors, places,
policies) and ``SRC`` names sources, whose IRIs are also the names of their graphs.

Examples
--------
>>> from graph.namespaces import PG, PGR
>>> PG.Place
rdflib.term.URIRef('https://w3id.org/policygraph/ontology#Place')
>>> PGR.Kharkiv
rdflib.term.URIRef('https://w3id.org/policygraph/id/Kharkiv')
"""

from __future__ import annotations

from rdflib import Namespace, URIRef
from rdflib.namespace import (
    DCTERMS,
    FOAF,
    GEO,
    ODRL2,
    ORG,
    OWL,
    PROV,
    RDF,
    RDFS,
    SDO,
    SKOS,
    XSD,
    DefinedNamespace,
)

__all__ = [
    "DCTERMS",
    "GEO",
    "ODRL2",
    "ONTOLOGY_IRI",
    "ORG",
    "OWL",
    "PG",
    "PGR",
    "PREFIXES",
    "PROV",
    "RDF",
    "RDFS",
    "SDO",
    "SKOS",
    "SRC",
    "WD",
    "XSD",
]


class PG(DefinedNamespace):
    """The policygraph ontology (``pg:``)."""

    _NS = Namespace("https://w3id.org/policygraph/ontology#")
    _fail = True

    # classes and concepts
    Actor: URIRef
    AirDefence: URIRef
    AirLaunchedCruiseMissile: URIRef
    Announcement: URIRef
    AnonymousSourceGroup: URIRef
    ArmedConflict: URIRef
    Artillery: URIRef
    Assurance: URIRef
    AttackAircraft: URIRef
    AttackingForces: URIRef
    Background: URIRef
    BallisticMissile: URIRef
    BorderArea: URIRef
    City: URIRef
    CivilianInfrastructure: URIRef
    CommentRequest: URIRef
    Concern: URIRef
    ConfidenceScheme: URIRef
    Confirmation: URIRef
    CounterFire: URIRef
    CruiseMissile: URIRef
    Declined: URIRef
    DeepInside: URIRef
    Denial: URIRef
    DepthScheme: URIRef
    Event: URIRef
    GovernmentBody: URIRef
    GuidedRocket: URIRef
    HighConfidence: URIRef
    Hint: URIRef
    IncomingMissile: URIRef
    Issue: URIRef
    LaunchSite: URIRef
    LongRangeMissile: URIRef
    LowConfidence: URIRef
    MassingTroops: URIRef
    MediaOutlet: URIRef
    MediumConfidence: URIRef
    MilitaryForce: URIRef
    MilitaryOperation: URIRef
    MilitaryTarget: URIRef
    Missile: URIRef
    MultipleRocketLauncher: URIRef
    NewsReport: URIRef
    NoResponse: URIRef
    OfficialStatement: URIRef
    Opposes: URIRef
    Person: URIRef
    Place: URIRef
    PositionScheme: URIRef
    PurposeScheme: URIRef
    ReferenceDataset: URIRef
    Region: URIRef
    Request: URIRef
    Responded: URIRef
    ResponseScheme: URIRef
    Rocket: URIRef
    RocketLauncher: URIRef
    SelfDefence: URIRef
    SelfPropelledHowitzer: URIRef
    Source: URIRef
    Stance: URIRef
    State: URIRef
    Statement: URIRef
    StatementKindScheme: URIRef
    Strike: URIRef
    Supports: URIRef
    TacticalBallisticMissile: URIRef
    TargetTypeScheme: URIRef
    WeaponCollection: URIRef
    WeaponSystem: URIRef
    # properties, actions and left operands
    about: URIRef
    acrossBorderFrom: URIRef
    addressedTo: URIRef
    addressee: URIRef
    affiliation: URIRef
    aim: URIRef
    announced: URIRef
    beneficiary: URIRef
    carriedOverFrom: URIRef
    citedExample: URIRef
    closeAllyOf: URIRef
    concerning: URIRef
    conductedBy: URIRef
    confidence: URIRef
    controlledBy: URIRef
    decidedBy: URIRef
    demonym: URIRef
    depth: URIRef
    directedAgainst: URIRef
    distanceToBorderKm: URIRef
    eventPurpose: URIRef
    extends: URIRef
    firedFrom: URIRef
    holder: URIRef
    inResponseTo: URIRef
    includesSystem: URIRef
    influencedBy: URIRef
    location: URIRef
    maxRangeKm: URIRef
    memberCount: URIRef
    metonym: URIRef
    motivatedBy: URIRef
    narrows: URIRef
    outcome: URIRef
    partOfConflict: URIRef
    partOfGroup: URIRef
    party: URIRef
    performedBy: URIRef
    populationRank: URIRef
    position: URIRef
    quote: URIRef
    textSpan: URIRef
    unreviewed: URIRef
    recipient: URIRef
    requester: URIRef
    reverses: URIRef
    revokes: URIRef
    speaker: URIRef
    startDate: URIRef
    statementKind: URIRef
    strike: URIRef
    struck: URIRef
    summary: URIRef
    suppliedBy: URIRef
    supplier: URIRef
    targetType: URIRef
    weaponClass: URIRef
    weaponSystem: URIRef
    weaponUsed: URIRef


PGR = Namespace("https://w3id.org/policygraph/id/")
SRC = Namespace("https://w3id.org/policygraph/source/")
WD = Namespace("http://www.wikidata.org/entity/")
ONTOLOGY_IRI = URIRef("https://w3id.org/policygraph/ontology")

#: Prefixes bound on every dataset, used when serialising and in query results.
PREFIXES: dict[str, str] = {
    "": str(PGR),
    "pg": "https://w3id.org/policygraph/ontology#",
    "src": str(SRC),
    "odrl": str(ODRL2),
    "prov": str(PROV),
    "org": str(ORG),
    "skos": str(SKOS),
    "dcterms": str(DCTERMS),
    "geo": str(GEO),
    "foaf": str(FOAF),
    "schema": str(SDO),
    "owl": str(OWL),
    "rdfs": str(RDFS),
    "xsd": str(XSD),
    "wd": str(WD),
}
