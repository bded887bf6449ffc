"""What the engine knows, each fact with the sources that state it, as known by a day.

:class:`Facts` reads the graph once through the library queries ``engine-labels``,
``engine-sources``, ``engine-facts``, ``engine-rules``, ``engine-policies`` and
``policy-statements``: every
statement comes with the named graph (the source) that makes it. :meth:`Facts.view`
then gives the :class:`Knowledge` of a day of reporting: only what sources published by
that day state (undated reference files and the ontology count always), with the
hierarchies closed (a place within a region within a state, a system in a class in a
class, a concept under a broader one) and each derived fact carrying the chain of
statements, and their sources, it rests on.

The ontology owns the vocabulary: a source's statement that puts an ontology term under
another (``rdfs:subClassOf``, ``skos:broader``, ``skos:inScheme``, a type) is not read
(``policygraph validate`` refuses it, naming the file and line).

Examples
--------
>>> from datetime import date
>>> from graph.load import load
>>> from graph.namespaces import PGR
>>> facts = Facts(load().dataset)
>>> now = facts.view(None)
>>> for fact in now.within_path(PGR.Kharkiv, PGR.Ukraine):
...     print(fact.line())
Kharkiv lies within Kharkiv Oblast [src:reference-entities]
Kharkiv Oblast lies within Ukraine [src:reference-entities]
>>> len(facts.view(date(2024, 5, 1)).rules) < len(now.rules)  # reports of later days left out
True
"""

from __future__ import annotations

from collections import defaultdict, deque
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date
from typing import Any, TypeVar

from rdflib import BNode, Dataset, Literal, URIRef
from rdflib.namespace import ORG, RDF, RDFS, SKOS
from rdflib.term import Node

from graph.dates import Period, period
from graph.kept import kept_terms
from graph.namespaces import GEO, ONTOLOGY_IRI, PG
from graph.policy.records import CONFIDENCE_ORDER, DateReading, Fact, RuleKind, SourceRef
from graph.queries import get_query, run_query
from graph.results import short

__all__ = ["Constraint", "Facts", "Knowledge", "Labels", "Rule", "SourceRows", "StatementLines"]

Edge = tuple[Node, URIRef, Node]
#: a policy's statements: the first day each may have been said, and (that day, the statement
#: in words), in that order
StatementLines = tuple[tuple[date, ...], tuple[tuple[date, str], ...]]
_T = TypeVar("_T")
#: the predicates whose statements about an ontology term only the ontology may make
_VOCABULARY = frozenset({RDFS.subClassOf, SKOS.broader, SKOS.inScheme, RDF.type})
_WORDS = {
    GEO.sfWithin: "lies within",
    GEO.sfTouches: "borders",
    RDFS.subClassOf: "is a kind of",
    RDF.type: "is a",
    SKOS.broader: "falls under",
    SKOS.inScheme: "is in",
    ORG.subOrganizationOf: "is part of",
    ORG.memberOf: "is a member of",
    PG.supplier: "were supplied by",
    PG.recipient: "went to",
    PG.includesSystem: "include",
    PG.controlledBy: "needs the consent of",
}


@dataclass(frozen=True)
class Constraint:
    """One ODRL constraint: a left operand, an operator and its right operands."""

    left: URIRef
    operator: URIRef
    values: frozenset[Node]


@dataclass
class Rule:
    """A rule as known by a day: its parts from the sources published by then."""

    iri: Node
    kind: RuleKind
    policy: URIRef
    grantor: URIRef
    assignee: URIRef
    action: URIRef
    target: URIRef
    #: every constraint must hold
    constraints: tuple[Constraint, ...]
    #: logical constraints: (odrl:or | odrl:xone | odrl:and, its member constraints)
    logical: tuple[tuple[URIRef, tuple[Constraint, ...]], ...]
    label: str
    #: the sources that assert the rule, with their attribution and confidence
    sources: tuple[SourceRef, ...]
    #: set by the engine: the rule's number, and its constraints in explanation order
    number: int = 0
    ordered: tuple[Constraint, ...] = ()
    #: set by the engine: the first day the rule may be in force (None: its policy is undated)
    begins: date | None = None
    #: set by the engine: a number shared by the rules that are in force on the same days
    time_id: int = 0
    #: set by the engine: the rule's short name, its policy (IRI and label) and its grantor's label
    names: tuple[str, str, str, str] = ("", "", "", "")
    #: set by the engine: each constraint in order, its number and what part of an action it reads
    prepared: tuple[tuple[Constraint, int, tuple[str, ...] | None], ...] = ()
    #: set by the engine: its constraints on the fixed parts of a question, how many are its
    #: own, and what else of a question it reads
    shape: Any = None
    #: set by the engine: the days on which whether it is in force may change, sorted
    bounds: tuple[date, ...] = ()
    #: set by the engine: the days its answer may change on, sorted
    days: tuple[date, ...] = ()
    #: set by the engine: its place in explanation order
    rank: int = 0
    #: set by the engine: whether it is in force, by the span of days between its ``bounds``
    #: a day falls in (``bisect_right``): a number shared by equal answers, and the answer
    times: tuple[tuple[int, Any], ...] = ()
    #: set by the engine: the first days its policy's statements may have been made, sorted,
    #: and the statements in words made by then, by how many were (shared by the policy's rules)
    said: tuple[tuple[date, ...], tuple[tuple[str, ...], ...]] = ((), ((),))


@dataclass
class _Source:
    iri: URIRef
    title: str
    issued: Period | None
    issued_text: str
    confidence: Node | None
    #: a reference dataset (places, weapons) counts on any day of reporting
    reference: bool = False


@dataclass
class Knowledge:
    """What the sources known by a day state, closed over the hierarchies.

    Built by :meth:`Facts.view`; every derived relation keeps its chain of statements.
    """

    #: each term's label, shared with the facts the knowledge was built from (not the facts
    #: themselves: they keep their knowledge, and a cycle outlives its last user once frozen)
    labels: Labels
    known_by: date | None
    #: how dates known only to the month or year are read
    reading: DateReading
    #: (subject, predicate, object) -> the known sources that state it
    edges: dict[Edge, tuple[str, ...]]
    rules: list[Rule]
    #: policy -> (its date as read, the sources that give it), earliest first
    policy_dates: dict[URIRef, list[tuple[Period, tuple[str, ...]]]]
    #: (policy, date as read) -> the date as the sources give it, where a reading changed it
    date_as_given: dict[tuple[URIRef, Period], str]
    policy_conflict: dict[URIRef, str]
    revoked_by: dict[Node, dict[URIRef, tuple[str, ...]]]
    statements: dict[URIRef, list[dict[str, Any]]]
    #: place -> region -> the chain of sfWithin statements
    within: dict[Node, dict[Node, tuple[Edge, ...]]] = field(default_factory=dict)
    borders: dict[Node, set[Node]] = field(default_factory=lambda: defaultdict(set))
    #: weapon -> class -> the chain of type and subclass statements
    classes: dict[Node, dict[Node, tuple[Edge, ...]]] = field(default_factory=dict)
    weapon_is_class: dict[Node, bool] = field(default_factory=dict)
    members: dict[Node, set[Node]] = field(default_factory=lambda: defaultdict(set))
    #: concept -> broader concept -> the chain of skos:broader statements (itself: no chain)
    broader: dict[Node, dict[Node, tuple[Edge, ...]]] = field(default_factory=dict)
    #: actor -> state -> the chain of org statements
    states: dict[Node, dict[Node, tuple[Edge, ...]]] = field(default_factory=dict)
    #: system -> supplier -> the statements that say so
    supplied: dict[Node, dict[Node, tuple[Edge, ...]]] = field(default_factory=dict)
    collection_systems: dict[Node, set[Node]] = field(default_factory=lambda: defaultdict(set))
    collection_supplier: dict[Node, set[Node]] = field(default_factory=lambda: defaultdict(set))
    #: weapon, class or collection -> controlling party
    controllers: dict[Node, set[Node]] = field(default_factory=lambda: defaultdict(set))
    #: filled by the engines that read this knowledge: a constraint's number (by id) and what it reads
    constraint_numbers: dict[int, tuple[int, tuple[str, ...] | None]] = field(default_factory=dict)
    shared_constraints: dict[Constraint, int] = field(default_factory=dict)
    #: filled by the engines that read this knowledge: a date constraint's number -> the days
    #: its answer may change on
    day_points: dict[int, tuple[date, ...]] = field(default_factory=dict)
    #: set by the first engine that reads this knowledge: each date constraint's check on a
    #: day of each span its answer is alike in, by the engine's key for it (its number and span)
    date_checks: dict[int, Any] = field(default_factory=dict)
    #: set by the first engine that reads this knowledge: its rules are ready for deciding
    prepared: bool = False

    def __getstate__(self) -> dict[str, Any]:
        # object ids hold in this process only: the numbers travel beside their constraints,
        # which unpickle as the very objects the rules hold
        state = dict(self.__dict__)
        by_id = {
            id(c): c
            for rule in self.rules
            for c in (*rule.constraints, *(m for _, members in rule.logical for m in members))
        }
        state["constraint_numbers"] = [
            (by_id[key], value) for key, value in self.constraint_numbers.items() if key in by_id
        ]
        # the rules first, in the order a question reads them (by assignee, target and
        # action): unpickled in that order, the rules of one question lie together in memory,
        # and a question meeting hundreds of them is faster by a tenth at 5*10^6 triples
        near = sorted(self.rules, key=lambda r: (str(r.assignee), str(r.target), str(r.action), r.rank))
        return {"near": near, **state}

    def __setstate__(self, state: dict[str, Any]) -> None:
        state.pop("near", None)
        numbers = state["constraint_numbers"]
        self.__dict__.update(state, constraint_numbers={id(c): value for c, value in numbers})

    def label(self, node: Node | None) -> str:
        """A term's label."""
        return self.labels.label(node)

    def fact(self, edge: Edge) -> Fact:
        """A statement in words, with its sources."""
        s, p, o = edge
        return Fact(f"{self.label(s)} {_WORDS.get(p, short(p))} {self.label(o)}", self.edges.get(edge, ()))

    def facts_of(self, chain: Iterable[Edge]) -> tuple[Fact, ...]:
        """The statements of a chain, in words."""
        return tuple(self.fact(edge) for edge in chain)

    def within_path(self, place: Node, region: Node) -> tuple[Fact, ...]:
        """The statements that put a place within a region."""
        return self.facts_of(self.within.get(place, {}).get(region, ()))

    def border_fact(self, a: Node, b: Node) -> tuple[Fact, ...]:
        """The statement that two places border each other."""
        for edge in ((a, GEO.sfTouches, b), (b, GEO.sfTouches, a)):
            if edge in self.edges:
                return (self.fact(edge),)
        return ()

    def regions_of(self, place: Node) -> set[Node]:
        """The place and every region it lies within."""
        return {place} | set(self.within.get(place, {}))

    def state_of(self, actor: Node) -> set[Node]:
        """The states an actor acts for (itself when it is a state or nothing says)."""
        return set(self.states.get(actor, {})) or {actor}


def _chains(
    start: Node, up: Mapping[Node, Iterable[Node]], predicate: URIRef
) -> dict[Node, tuple[Edge, ...]]:
    """Every node reachable from ``start`` by ``up``, with the shortest chain of statements."""
    found: dict[Node, tuple[Edge, ...]] = {}
    queue: deque[tuple[Node, tuple[Edge, ...]]] = deque([(start, ())])
    while queue:
        node, chain = queue.popleft()
        for nxt in up.get(node, ()):
            if nxt not in found and nxt != start:
                found[nxt] = (*chain, (node, predicate, nxt))
                queue.append((nxt, found[nxt]))
    return found


class SourceRows:
    """The rows a day's knowledge is built from: rules, policies and statements, as read.

    Either the rows themselves or, from an engine's snapshot (:mod:`graph.policy.snapshot`),
    a function that reads them on first use: the knowledge of every day is kept in the
    snapshot, and most engines never build another day's.

    Examples
    --------
    >>> rows = SourceRows(rules=[], policies=[{"g": None}], statements=[])
    >>> later = SourceRows.later(lambda: (rows.rules, rows.policies, rows.statements))
    >>> later.policies
    [{'g': None}]
    """

    def __init__(
        self,
        *,
        rules: list[dict[str, Any]],
        policies: list[dict[str, Any]],
        statements: list[dict[str, Any]],
    ):
        self._rows: tuple[list[dict[str, Any]], ...] | None = (rules, policies, statements)
        self._read: Callable[[], tuple[list[dict[str, Any]], ...]] | None = None

    @classmethod
    def later(cls, read: Callable[[], tuple[list[dict[str, Any]], ...]]) -> SourceRows:
        """Rows that ``read`` gives (rules, policies, statements) on first use."""
        made = cls(rules=[], policies=[], statements=[])
        made._rows, made._read = None, read
        return made

    @property
    def rules(self) -> list[dict[str, Any]]:
        """Each rule's parts (``engine-rules``)."""
        return self.as_tuple()[0]

    @property
    def policies(self) -> list[dict[str, Any]]:
        """Each policy's parts (``engine-policies``)."""
        return self.as_tuple()[1]

    @property
    def statements(self) -> list[dict[str, Any]]:
        """What was said about each policy (``policy-statements``)."""
        return self.as_tuple()[2]

    def as_tuple(self) -> tuple[list[dict[str, Any]], ...]:
        """The rows: rules, policies, statements (read now if they were not yet)."""
        if self._rows is None:
            assert self._read is not None  # one of the two is always set
            self._rows, self._read = self._read(), None
        return self._rows


class Labels:
    """Each term's label, for explanations: a term with several is asked of the dataset once.

    Parameters
    ----------
    dataset : Dataset or None
        Where a term with several labels is looked up (None in a snapshot, until it is read).
    labels : dict
        Each term with one label, and its label.
    several : set
        The terms with several labels.
    """

    def __init__(self, dataset: Dataset | None, labels: dict[Node, str], several: set[Node]):
        self.dataset = dataset
        self._labels = labels
        self._several = several

    def __getstate__(self) -> dict[str, Any]:
        # the labels outlive the process that read them (graph.policy.snapshot); the dataset does not
        return {**self.__dict__, "dataset": None}

    def label(self, node: Node | None) -> str:
        """A term's label, or its short name when it has none."""
        if node is None:
            return "(not given)"
        found = self._labels.get(node)
        if found is None:
            value = None
            if node in self._several and self.dataset is not None:  # the store's own choice
                value = self.dataset.value(node, RDFS.label)
            found = self._labels[node] = str(value) if value is not None else short(node)
        return found


def _rows(dataset: Dataset, name: str) -> list[dict[str, Any]]:
    """The rows of a library query: kept by a store on disk when it was built, else run now."""
    kept = kept_terms(dataset, name)
    if kept is not None:
        return kept
    return [dict(row) for row in run_query(dataset, get_query(name))]


def _read_labels(dataset: Dataset) -> Labels:
    """Every resource with one label, read in one query (not one round trip each)."""
    seen: dict[Node, str | None] = {}
    for row in _rows(dataset, "engine-labels"):
        node = row["s"]
        if isinstance(node, URIRef):
            seen[node] = str(row["label"]) if node not in seen else None
    one = {node: label for node, label in seen.items() if label is not None}
    return Labels(dataset, one, {node for node, label in seen.items() if label is None})


class Facts:
    """Every statement the engine reads, each with the graphs that make it; read once.

    Parameters
    ----------
    dataset : Dataset
        The loaded dataset (or a store's dataset).
    """

    def __init__(self, dataset: Dataset):
        self.labels = _read_labels(dataset)
        self._read_sources()
        self._edges: dict[Edge, set[str]] = defaultdict(set)
        self.vocabulary: set[Node] = set()
        for row in self._rows("engine-facts"):
            graph, s, p, o = row["g"], row["s"], row["p"], row["o"]
            if graph is None or s is None or p is None or o is None:
                continue
            if str(graph) == str(ONTOLOGY_IRI):
                self.vocabulary.add(s)
            self._edges[(s, _iri(p), o)].add(str(graph))
        # the trust boundary: only the ontology puts its own terms into hierarchies
        for edge, graphs in self._edges.items():
            if edge[0] in self.vocabulary and edge[1] in _VOCABULARY:
                graphs.intersection_update({str(ONTOLOGY_IRI)})
        #: each row with the graph (``g``) that states it
        self.source_rows = SourceRows(
            rules=[row for row in self._rows("engine-rules") if row["g"] is not None],
            policies=[row for row in self._rows("engine-policies") if row["g"] is not None],
            statements=self._rows("policy-statements"),
        )
        self._views: dict[tuple[date | None, DateReading], Knowledge] = {}

    @property
    def dataset(self) -> Dataset | None:
        """The dataset the facts were read from (None in a snapshot, until it is read).

        Its labels hold it, and leave it out when pickled (:mod:`graph.policy.snapshot`).
        """
        return self.labels.dataset

    @dataset.setter
    def dataset(self, dataset: Dataset | None) -> None:
        self.labels.dataset = dataset

    # --- reading ------------------------------------------------------------------------

    def _rows(self, name: str) -> list[dict[str, Any]]:
        dataset = self.dataset
        assert dataset is not None  # read while the facts are made, from their dataset
        return _rows(dataset, name)

    def label(self, node: Node | None) -> str:
        """A term's label, for explanations."""
        return self.labels.label(node)

    def _read_sources(self) -> None:
        self.sources: dict[str, _Source] = {}
        self.agents: dict[Node, tuple[str, bool]] = {}
        for row in self._rows("engine-sources"):
            if row["source"] is not None:
                issued = row["issued"]
                try:
                    when = period(issued) if issued is not None else None
                except ValueError:
                    when = None
                reference = isinstance(row["reference"], Literal) and row["reference"].toPython() is True
                known = self.sources.get(str(row["source"]))
                self.sources[str(row["source"])] = _Source(
                    URIRef(row["source"]),
                    str(row["title"] or short(row["source"])),
                    when,
                    str(issued or ""),
                    row["confidence"],
                    reference or (known is not None and known.reference),
                )
            elif row["agent"] is not None:
                anonymous = isinstance(row["anonymous"], Literal) and row["anonymous"].toPython() is True
                label, was_anonymous = self.agents.get(row["agent"], (str(row["agentLabel"]), False))
                self.agents[row["agent"]] = (label, anonymous or was_anonymous)

    def known(self, graph: str, known_by: date | None) -> bool:
        """Whether a graph's statements count by the day of reporting.

        The ontology, reference datasets and undated sources always count; a source
        counts from the day it was published (a month-only date: from the month's last day).
        """
        if known_by is None or graph == str(ONTOLOGY_IRI):
            return True
        source = self.sources.get(graph)
        if source is None or source.issued is None or source.reference:
            return True
        return source.issued.last <= known_by

    # --- a day's knowledge ---------------------------------------------------------------

    def view(self, known_by: date | None, *, reading: DateReading = DateReading.STRICT) -> Knowledge:
        """What the sources published by ``known_by`` state (None: every source).

        ``reading`` says how a policy date known only to the month or year is read.
        """
        key = (known_by, reading)
        found = self._views.get(key)
        if found is None:
            if len(self._views) > 64:
                self._views.clear()
            found = self._views[key] = self._build(known_by, reading)
        return found

    def _build(self, known_by: date | None, reading: DateReading) -> Knowledge:
        def ok(graph: Node | str) -> bool:
            return self.known(str(graph), known_by)

        edges = {
            edge: tuple(sorted(_cite(g) for g in graphs if ok(g)))
            for edge, graphs in self._edges.items()
            if any(ok(g) for g in graphs)
        }
        policy_dates: dict[URIRef, list[tuple[Period, tuple[str, ...]]]] = defaultdict(list)
        dated: dict[tuple[URIRef, Period], set[str]] = defaultdict(set)
        as_given: dict[tuple[URIRef, Period], str] = {}
        conflict: dict[URIRef, str] = {}
        grantors: dict[URIRef, set[URIRef]] = defaultdict(set)
        revoked_by: dict[Node, dict[URIRef, tuple[str, ...]]] = defaultdict(dict)
        said: dict[tuple[Node, Node], dict[str, list[Node]]] = defaultdict(lambda: defaultdict(list))
        for row in self.source_rows.policies:
            if not ok(row["g"]):
                continue
            policy, part, value = row["policy"], str(row["part"]), row["value"]
            if not isinstance(policy, URIRef | BNode) or value is None:
                continue
            if part == "grantor" and isinstance(value, URIRef) and isinstance(policy, URIRef):
                grantors[policy].add(value)
            elif part == "date" and isinstance(policy, URIRef):
                try:
                    given = period(str(value))
                    read = reading.read(given)
                    dated[(policy, read)].add(_cite(str(row["g"])))
                    if read != given:
                        as_given[(policy, read)] = str(given)
                except ValueError:
                    continue
            elif part == "conflict" and isinstance(policy, URIRef):
                conflict[policy] = str(value).rsplit("/", 1)[-1]
            elif part == "revokes" and isinstance(policy, URIRef):
                revoked = revoked_by[value].get(policy, ())
                revoked_by[value][policy] = tuple(sorted({*revoked, _cite(str(row["g"]))}))
            else:
                said[(policy, row["g"])][part].append(value)
        for (policy, when), graphs in dated.items():
            policy_dates[policy].append((when, tuple(sorted(graphs))))
        for dates in policy_dates.values():
            dates.sort()
        knowledge = Knowledge(
            labels=self.labels,
            known_by=known_by,
            reading=reading,
            edges=edges,
            rules=self._rules(ok, grantors, said),
            policy_dates=dict(policy_dates),
            date_as_given=as_given,
            policy_conflict=conflict,
            revoked_by=dict(revoked_by),
            statements=self._statements(ok),
        )
        _close(knowledge)
        return knowledge

    def _statements(self, ok: Any) -> dict[URIRef, list[dict[str, Any]]]:
        found: dict[URIRef, list[dict[str, Any]]] = defaultdict(list)
        for row in self.source_rows.statements:
            if row["source"] is not None and ok(row["source"]) and isinstance(row["policy"], URIRef):
                found[row["policy"]].append(row)
        return dict(found)

    def _rules(
        self,
        ok: Any,
        grantors: Mapping[URIRef, set[URIRef]],
        said: Mapping[tuple[Node, Node], Mapping[str, list[Node]]],
    ) -> list[Rule]:
        links: dict[Node, dict[str, Any]] = {}
        parts: dict[Node, dict[str, set[Node]]] = defaultdict(lambda: defaultdict(set))
        constraints: dict[Node, dict[Node, dict[str, Any]]] = defaultdict(dict)
        logical: dict[Node, dict[tuple[Node, URIRef], dict[Node, dict[str, Any]]]] = defaultdict(
            lambda: defaultdict(dict)
        )
        for v in self.source_rows.rules:
            if not ok(v["g"]):
                continue
            rule, part, constraint = v["rule"], str(v["part"]), v["constraint"]
            if rule is None:
                continue
            if part == "link":
                entry = links.setdefault(rule, {"kinds": set(), "policies": set(), "graphs": set()})
                entry["kinds"].add(str(v["kind"]))
                entry["policies"].add(v["policy"])
                entry["graphs"].add(v["g"])
            elif part in ("assignee", "action", "target", "label") and v["value"] is not None:
                parts[rule][part].add(v["value"])
            elif (
                part == "constraint"
                and constraint is not None
                and None not in (v["left"], v["operator"], v["right"])
            ):
                c = constraints[rule].setdefault(
                    constraint, {"left": v["left"], "op": v["operator"], "values": set()}
                )
                c["values"].add(v["right"])
            elif part == "logical" and constraint is not None and v["logical"] is not None and v["junction"]:
                members = logical[rule][(v["logical"], URIRef(str(v["junction"])))]
                c = members.setdefault(constraint, {"left": v["left"], "op": v["operator"], "values": set()})
                c["values"].add(v["right"])
        rules = []
        # equal constraints and source references are one object each: tens of thousands
        # stand for hundreds of thousands in a large world, in memory and in the snapshot
        one: dict[Any, Any] = {}

        def shared(made: _T) -> _T:
            return one.setdefault(made, made)  # type: ignore[no-any-return]

        for rule, link in links.items():
            fields = parts.get(rule, {})
            single = {name: _one(fields.get(name, set())) for name in ("assignee", "action", "target")}
            for policy in sorted(link["policies"], key=str):
                if not isinstance(policy, URIRef):
                    continue
                for grantor in sorted(grantors.get(policy, set()), key=str):
                    if None in single.values() or len(link["kinds"]) != 1:
                        continue
                    rules.append(
                        Rule(
                            iri=rule,
                            kind=RuleKind(next(iter(link["kinds"]))),
                            policy=policy,
                            grantor=grantor,
                            assignee=single["assignee"],  # type: ignore[arg-type]
                            action=single["action"],  # type: ignore[arg-type]
                            target=single["target"],  # type: ignore[arg-type]
                            constraints=tuple(
                                shared(_constraint(c)) for c in constraints.get(rule, {}).values()
                            ),
                            logical=tuple(
                                (junction, tuple(shared(_constraint(c)) for c in members.values()))
                                for (_, junction), members in sorted(
                                    logical.get(rule, {}).items(), key=lambda item: str(item[0][1])
                                )
                            ),
                            label=str(_one(fields.get("label", set())) or ""),
                            sources=tuple(
                                shared(self._source_ref(graph, rule, policy, said))
                                for graph in sorted(link["graphs"], key=self._published)
                            ),
                        )
                    )
        return rules

    def _published(self, graph: Node) -> tuple[str, str]:
        source = self.sources.get(str(graph))
        return (source.issued_text if source else "", str(graph))

    def _source_ref(
        self,
        graph: Node,
        rule: Node,
        policy: URIRef,
        said: Mapping[tuple[Node, Node], Mapping[str, list[Node]]],
    ) -> SourceRef:
        """How one source reports a rule: the rule's own attribution there, else its policy's."""
        own, of_policy = said.get((rule, graph), {}), said.get((policy, graph), {})
        agents = own.get("attributedTo") or of_policy.get("attributedTo") or []
        levels = own.get("confidence") or of_policy.get("confidence") or []
        source = self.sources.get(str(graph))
        if not levels and source is not None and source.confidence is not None:
            levels = [source.confidence]
        level = max(levels, key=_rank, default=None)
        parts, on_record = [], bool(agents)
        for agent in sorted(agents, key=str):
            label, anonymous = self.agents.get(agent, (self.label(agent), False))
            parts.append(f"{label} (anonymous)" if anonymous else label)
            on_record = on_record and not anonymous
        return SourceRef(
            source=str(graph),
            title=source.title if source else short(graph),
            issued=source.issued_text if source else "",
            attributed_to=tuple(short(a) for a in sorted(agents, key=str)),
            attribution="; ".join(parts) or "the source itself",
            confidence=self.label(level) if level is not None else "unstated",
            on_record=on_record,
            rank=_rank(level),
        )


def _cite(graph: str) -> str:
    """How a fact cites its graph: the source's short name, or the ontology."""
    return "ontology" if graph == str(ONTOLOGY_IRI) else short(URIRef(graph))


def _rank(level: Node | None) -> int:
    return CONFIDENCE_ORDER.index(level) + 1 if isinstance(level, URIRef) and level in CONFIDENCE_ORDER else 0


def _one(values: set[Node]) -> Node | None:
    """The one value of a part (None when there is none or several disagree)."""
    return next(iter(values)) if len(values) == 1 else None


def _constraint(found: dict[str, Any]) -> Constraint:
    return Constraint(_iri(found["left"]), _iri(found["op"]), frozenset(found["values"]))


def _iri(term: Node) -> URIRef:
    """The term as an IRI (a term already one is kept: making it again checks it again)."""
    return term if type(term) is URIRef else URIRef(str(term))


def _close(k: Knowledge) -> None:
    """Close the hierarchies of a day's knowledge, keeping each relation's chain."""
    up: dict[URIRef, dict[Node, set[Node]]] = defaultdict(lambda: defaultdict(set))
    for s, p, o in k.edges:
        up[p][s].add(o)
    within_up = up[GEO.sfWithin]
    k.within = {place: _chains(place, within_up, GEO.sfWithin) for place in within_up}
    for a, bs in up[GEO.sfTouches].items():
        for b in bs:
            k.borders[a].add(b)
            k.borders[b].add(a)
    _close_weapons(k, up)
    k.broader = {c: {c: (), **_chains(c, up[SKOS.broader], SKOS.broader)} for c in up[SKOS.inScheme]}
    _close_actors(k, up)
    for collection, suppliers in up[PG.supplier].items():
        k.collection_supplier[collection] |= suppliers
        for system in up[PG.includesSystem].get(collection, ()):
            k.collection_systems[collection].add(system)
            for supplier in suppliers:
                k.supplied.setdefault(system, {})[supplier] = (
                    (collection, PG.includesSystem, system),
                    (collection, PG.supplier, supplier),
                )
    for weapon, parties in up[PG.controlledBy].items():
        k.controllers[weapon] |= parties


def _close_weapons(k: Knowledge, up: Mapping[URIRef, Mapping[Node, set[Node]]]) -> None:
    """Weapon classes under pg:WeaponSystem, and the systems typed with one of them."""
    sub = up[RDFS.subClassOf]
    weapon_classes = {PG.WeaponSystem} | {
        c for c in sub if PG.WeaponSystem in _chains(c, sub, RDFS.subClassOf)
    }
    for cls in weapon_classes:
        chains = _chains(cls, sub, RDFS.subClassOf)
        k.classes[cls] = {
            cls: (),
            **{other: chain for other, chain in chains.items() if other in weapon_classes},
        }
        k.weapon_is_class[cls] = True
    for system, types in up[RDF.type].items():
        for cls in types & weapon_classes:
            found = k.classes.setdefault(system, {})
            k.weapon_is_class.setdefault(system, False)
            for other, chain in k.classes[cls].items():
                candidate = ((system, RDF.type, cls), *chain)
                if other not in found or len(candidate) < len(found[other]):
                    found[other] = candidate
    for weapon, classes in k.classes.items():
        if not k.weapon_is_class.get(weapon):
            for cls in classes:
                k.members[cls].add(weapon)


def _close_actors(k: Knowledge, up: Mapping[URIRef, Mapping[Node, set[Node]]]) -> None:
    """The state each actor acts for, through its bodies and memberships."""
    links: dict[Node, set[Node]] = defaultdict(set)
    for p in (ORG.subOrganizationOf, ORG.memberOf):
        for s, objects in up[p].items():
            links[s] |= objects
    states = {s for s, types in up[RDF.type].items() if PG.State in types}
    for actor in links:
        chains = _chains(actor, links, ORG.subOrganizationOf)
        k.states[actor] = {
            state: tuple(_org_edge(k, e) for e in chain) for state, chain in chains.items() if state in states
        }


def _org_edge(k: Knowledge, edge: Edge) -> Edge:
    """The statement behind one step towards a state (subOrganizationOf or memberOf)."""
    s, _, o = edge
    for p in (ORG.subOrganizationOf, ORG.memberOf):
        if (s, p, o) in k.edges:
            return (s, p, o)
    return edge
