"""The named SPARQL query library.

Each ``*.rq`` file in this folder is one named query (its file name without
``.rq``) with a header of comment lines::

    # question: What may a grantee do ...?
    # param: grantee = :Ukraine -- the actor allowed to act
    # answer: what the bundled corpus answers, in words

Parameters are SPARQL variables bound with ``initBindings`` when the query runs,
never pasted into its text. Queries run on the loaded graph only: ``SERVICE`` (in any
form, at any depth) and ``FROM``/``FROM NAMED`` are refused before anything runs, so no
query reaches the network or reads a file. A parameter with a default is bound to it unless the
caller gives another value; one without a default stays unbound (matches anything)
unless given.

Examples
--------
>>> from graph.queries import get_query, run_query
>>> from graph.load import load
>>> query = get_query("cq4-supporters")
>>> query.question.startswith("Which actors support the right of a beneficiary to strike")
True
>>> rows = run_query(load().dataset, query)
>>> sorted({str(r["actor"]).rsplit("/", 1)[-1] for r in rows})
['France', 'UnitedKingdom']
"""

from __future__ import annotations

import functools
import multiprocessing
import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from rdflib import Dataset, Graph, Literal, URIRef
from rdflib.query import Result
from rdflib.term import Identifier, Node, Variable

from graph import tsv
from graph.backend import Backend, backend, native_store, term_cache
from graph.errors import QueryError
from graph.namespaces import PREFIXES
from graph.resources import query_files

if TYPE_CHECKING:  # rdflib's SPARQL engine is imported when a query needs it, not before
    from rdflib.plugins.sparql.parserutils import CompValue
    from rdflib.plugins.sparql.sparql import Query

__all__ = [
    "NamedQuery",
    "Rows",
    "absent_defaults",
    "budget_exceeded",
    "check_nesting",
    "get_query",
    "keywords",
    "list_queries",
    "one_line",
    "parse_query",
    "parse_term",
    "read_query",
    "refuse_remote",
    "run_named",
    "run_query",
]

_HEADER = re.compile(r"^#\s*(question|param|answer)\s*:\s*(.*)$")
_PARAM = re.compile(r"^(?P<name>[A-Za-z_]\w*)\s*(?:=\s*(?P<default>\S+))?\s*(?:--\s*(?P<doc>.*))?$")


@dataclass(frozen=True)
class Parameter:
    """A query parameter: a SPARQL variable, its default and what it means."""

    name: str
    default: str | None
    doc: str


@dataclass(frozen=True)
class NamedQuery:
    """A SPARQL query with the question it answers and its parameters."""

    name: str
    text: str
    question: str = ""
    answer: str = ""
    parameters: tuple[Parameter, ...] = field(default_factory=tuple)
    file: str = ""

    def sparql(self, bindings: Mapping[str, str | Identifier] | None = None, *, closing: bool = False) -> str:
        """The query as text any SPARQL endpoint runs, its parameters bound by a ``VALUES`` block.

        The block opens the query's top-level group, so the values hold everywhere in it,
        as ``initBindings`` do in :func:`run_query`; with ``closing`` it ends that group
        instead, which is the same join for a parameter used outside ``OPTIONAL`` and the
        one place Virtuoso 7 compiles it. Parameters are bound to ``bindings``, else to
        their defaults; one with neither stays free.

        Examples
        --------
        >>> text = get_query("cq4-supporters").sparql({"beneficiary": ":Ukraine"})
        >>> "VALUES (?beneficiary) { (<https://w3id.org/policygraph/id/Ukraine>) }" in text
        True
        """
        bound = _bindings(self, bindings or {})
        if not bound:
            return self.text
        names = sorted(bound)
        block = (
            f"\n  VALUES ({' '.join('?' + n for n in names)}) "
            f"{{ ({' '.join(bound[n].n3() for n in names)}) }}\n"
        )
        opening = _where_group(self.text)
        at = _group_end(self.text, opening) if closing else opening + 1
        return self.text[:at] + block + self.text[at:]


@dataclass(frozen=True)
class Rows:
    """The answer to a query: variables and rows (SELECT), a boolean (ASK) or a graph."""

    kind: str
    variables: tuple[str, ...] = ()
    rows: tuple[dict[str, Node | None], ...] = ()
    boolean: bool | None = None
    graph: Graph | None = None
    #: why the answer is not whole, when it is not (a question not answered, say)
    note: str = ""

    def __iter__(self) -> Iterator[dict[str, Node | None]]:
        """Iterate over the rows of a SELECT answer."""
        return iter(self.rows)

    def __len__(self) -> int:
        return len(self.rows)

    def _repr_html_(self) -> str:
        """An HTML table, so that an answer shows itself in Jupyter."""
        from html import escape

        from graph.results import short

        if self.kind == "ASK":
            return f"<p>{'yes' if self.boolean else 'no'}</p>"
        if self.kind != "SELECT":
            turtle = str(self.graph.serialize(format="turtle")) if self.graph is not None else ""
            return f"<pre>{escape(turtle)}</pre>"
        head = "".join(f"<th>{escape(v)}</th>" for v in self.variables)
        body = "".join(
            "<tr>" + "".join(f"<td>{escape(short(row.get(v)))}</td>" for v in self.variables) + "</tr>"
            for row in self.rows
        )
        count = f"{len(self.rows)} row{'s' if len(self.rows) != 1 else ''}"
        return f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table><p>{count}</p>"


def parse_query(text: str, *, name: str, file: str = "", check: bool = True) -> NamedQuery:
    """Read a query and its header from text.

    ``check=False`` reads only the header: for the bundled library, whose queries are
    checked by its tests; the SPARQL is then parsed when (and where) the query runs, and
    never by rdflib on an Oxigraph store.

    Raises
    ------
    QueryError
        When a ``# param:`` line is malformed or the SPARQL does not parse.
    """
    question = answer = ""
    params: list[Parameter] = []
    for number, line in enumerate(text.splitlines(), start=1):
        match = _HEADER.match(line.strip())
        if not match:
            continue
        key, value = match.groups()
        if key == "question":
            question = value.strip()
        elif key == "answer":
            answer = value.strip()
        else:
            param = _PARAM.match(value.strip())
            if not param:
                raise QueryError(f"{file or name}:{number}: write a parameter as 'name = default -- meaning'")
            params.append(Parameter(param["name"], param["default"], (param["doc"] or "").strip()))
    if not check:
        return NamedQuery(name, text, question, answer, tuple(params), file)
    check_nesting(text, file or name)
    try:
        prepared = _prepare(text)
    except Exception as exc:
        raise QueryError(f"{file or name}: SPARQL syntax error: {one_line(exc)}") from None
    refuse_remote(prepared.algebra, file or name)
    return NamedQuery(name, text, question, answer, tuple(params), file)


#: How deep ``{ ( [`` may nest in a query: rdflib's parser recurses, and deep nesting exhausts the stack.
MAX_QUERY_NESTING = 24

# strings, IRIs and comments: their brackets do not nest
_NOT_NESTING = re.compile(
    r'"""(?:[^"\\]|\\.|"(?!""))*"""'
    r"|'''(?:[^'\\]|\\.|'(?!''))*'''"
    r'|"(?:[^"\\\n]|\\.)*"'
    r"|'(?:[^'\\\n]|\\.)*'"
    r'|<[^\s<>"{}|^`\\]*>'
    r"|#[^\n]*"
)


def _where_group(text: str) -> int:
    """Where the query's top-level group pattern opens: the index of its ``{``."""
    masked = _NOT_NESTING.sub(lambda m: " " * len(m.group()), text)
    form = re.search(r"\b(SELECT|CONSTRUCT|ASK|DESCRIBE)\b", masked, re.IGNORECASE)
    if form is None:
        raise QueryError("the query has no SELECT, CONSTRUCT, ASK or DESCRIBE")
    position = form.end()
    if form.group(1).upper() == "CONSTRUCT":
        template = re.compile(r"\{|\bWHERE\b", re.IGNORECASE).search(masked, position)
        if template and template.group() == "{":  # skip the template
            depth = 0
            for position in range(template.start(), len(masked)):
                depth += {"{": 1, "}": -1}.get(masked[position], 0)
                if depth == 0:
                    break
    depth = 0
    for index in range(position, len(masked)):
        char = masked[index]
        if char == "{" and depth == 0:
            return index
        if char in "([":
            depth += 1
        elif char in ")]":
            depth -= 1
    raise QueryError("the query has no group pattern { ... }")


def _group_end(text: str, opening: int) -> int:
    """The index of the ``}`` that closes the group opened at ``opening``."""
    masked = _NOT_NESTING.sub(lambda m: " " * len(m.group()), text)
    depth = 0
    for index in range(opening, len(masked)):
        depth += {"{": 1, "}": -1}.get(masked[index], 0)
        if depth == 0:
            return index
    raise QueryError("the query's group pattern is not closed")


def keywords(text: str) -> set[str]:
    """The words of a SPARQL text outside its strings, IRIs and comments, in capitals.

    A cheap look before any parser: ``"SERVICE" in keywords(text)`` is false only when the
    text cannot hold a SERVICE clause (a prefixed name such as ``ex:service`` counts too).

    Examples
    --------
    >>> sorted(keywords('ASK { ?s ?p "SERVICE" } # SERVICE'))
    ['ASK']
    """
    words = re.findall(r"[?$]?[A-Za-z_]\w*", _NOT_NESTING.sub(" ", text))
    return {word.upper() for word in words if word[0] not in "?$"}  # not a variable


def check_nesting(text: str, where: str) -> None:
    """Refuse a query nested deeper than :data:`MAX_QUERY_NESTING`, before any parser sees it."""
    depth = deepest = 0
    for char in _NOT_NESTING.sub(" ", text):
        if char in "{([":
            depth += 1
            deepest = max(deepest, depth)
        elif char in "})]":
            depth -= 1
    if deepest > MAX_QUERY_NESTING:
        raise QueryError(
            f"{where}: the query nests {deepest} levels of {{ ( [ deep, more than the {MAX_QUERY_NESTING} "
            "allowed: flatten it"
        )


def refuse_remote(algebra: CompValue, where: str) -> None:
    """Refuse what would reach outside the local graph: SERVICE (any form, at any depth) and FROM."""
    if algebra.get("datasetClause"):
        raise QueryError(
            f"{where}: FROM and FROM NAMED are refused: they would load data from outside; "
            "queries run on the loaded graph (use GRAPH <name> to pick a source)"
        )
    from rdflib.plugins.sparql.parserutils import CompValue

    stack: list[Any] = [algebra]
    while stack:
        node = stack.pop()
        if isinstance(node, CompValue):
            if node.name == "ServiceGraphPattern":
                endpoint = node.get("term")
                raise QueryError(
                    f"{where}: SERVICE {endpoint.n3() if hasattr(endpoint, 'n3') else endpoint} is refused: "
                    "queries run on the loaded graph only and never reach the network"
                )
            stack.extend(node.values())
        elif isinstance(node, list | tuple):
            stack.extend(node)


def one_line(exc: BaseException) -> str:
    """An exception's message on one line, for an error a person reads."""
    return " ".join(str(exc).split())


@functools.lru_cache(maxsize=512)
def _prepare(text: str) -> Query:
    """A query parsed and translated once per process: rdflib's parser is slow, the texts recur."""
    from rdflib.plugins.sparql import prepareQuery

    return prepareQuery(text, initNs=dict(PREFIXES))


def read_query(path: str | Path) -> NamedQuery:
    """Read a ``.rq`` file."""
    from graph.errors import SourceError
    from graph.strict import read_capped

    path = Path(path)
    try:
        # a regular file only, of at most 1 MB (a query, not a symlink to /dev/zero)
        text = read_capped(path, limit=2**20, what="query file").decode("utf-8")
    except SourceError as exc:
        raise QueryError(f"{path}: cannot read the query: {exc.message}") from None
    except UnicodeDecodeError as exc:
        raise QueryError(f"{path}: cannot read the query: not UTF-8 (byte {exc.start})") from None
    return parse_query(text, name=path.stem, file=str(path))


def _bundled(path: Path) -> NamedQuery:
    """A query of the bundled library: its header read, its SPARQL parsed only when it runs."""
    return parse_query(path.read_text(encoding="utf-8"), name=path.stem, file=str(path), check=False)


def list_queries() -> list[NamedQuery]:
    """Every query of the bundled library, sorted by name."""
    return [_bundled(p) for p in query_files()]


def get_query(name: str) -> NamedQuery:
    """A bundled query by name (the file name without ``.rq``)."""
    for path in query_files():
        if path.stem == name:
            return _bundled(path)
    known = ", ".join(p.stem for p in query_files())
    raise QueryError(f"no query named {name!r}: choose one of {known}")


def parse_term(value: str) -> Identifier:
    """Turn a parameter value into an RDF term.

    ``:Ukraine`` and ``pg:Place`` expand with the project's prefixes, ``<iri>`` is an IRI,
    ``2024-05-30`` a date, a whole number an integer, anything else a plain string.

    Examples
    --------
    >>> parse_term(":Ukraine")
    rdflib.term.URIRef('https://w3id.org/policygraph/id/Ukraine')
    >>> parse_term("2024-06-05")
    rdflib.term.Literal('2024-06-05', datatype=rdflib.term.URIRef('http://www.w3.org/2001/XMLSchema#date'))
    """
    value = value.strip()
    if value.startswith("<") and value.endswith(">"):
        iri = value[1:-1]
        if not iri or any(c in iri for c in '<>"{}|^`\\ \n\t'):
            raise QueryError(f"{value!r} is not a valid IRI")
        return URIRef(iri)
    if re.fullmatch(r"\d{4}-\d{2}-\d{2}", value):
        literal = Literal(value, datatype=URIRef("http://www.w3.org/2001/XMLSchema#date"))
        if literal.ill_typed:
            raise QueryError(f"{value!r} is not a real date: write YYYY-MM-DD")
        return literal
    if re.fullmatch(r"-?\d+", value):
        return Literal(int(value))
    prefix, colon, local = value.partition(":")
    if colon and prefix in PREFIXES and re.fullmatch(r"[\w.\-]*", local):
        return URIRef(PREFIXES[prefix] + local)
    if colon and re.fullmatch(r"[A-Za-z][\w\-]*", prefix) and "//" not in value:
        raise QueryError(f"unknown prefix {prefix!r} in {value!r}: use one of {', '.join(sorted(PREFIXES))}")
    return Literal(value)


def absent_defaults(dataset: Dataset | Graph, query: NamedQuery) -> list[str]:
    """The parameters whose default names a term the data does not hold.

    The library's defaults name the bundled corpus's actors (``grantee = :Ukraine``); on
    other data they would make a question answer nothing. Bind these to ``None`` to leave
    them open (every value), and say so.

    Examples
    --------
    >>> from rdflib import Dataset
    >>> absent_defaults(Dataset(), get_query("cq1-permissions"))
    ['grantee', 'supplier', 'country']
    """
    absent = []
    for param in query.parameters:
        if param.default is None:
            continue
        term = parse_term(param.default)
        if (
            isinstance(term, URIRef)
            and (term, None, None) not in dataset
            and (None, None, term) not in dataset
        ):
            absent.append(param.name)
    return absent


def _bindings(query: NamedQuery, given: Mapping[str, str | Identifier | None]) -> dict[str, Identifier]:
    known = {p.name for p in query.parameters}
    unknown = sorted(set(given) - known)
    if unknown and query.parameters:
        raise QueryError(
            f"query {query.name!r} has no parameter {unknown[0]!r}: its parameters are "
            + ", ".join(sorted(known))
        )
    if unknown:
        raise QueryError(f"query {query.name!r} takes no parameters (got {unknown[0]!r})")
    bound: dict[str, Identifier] = {}
    for param in query.parameters:
        raw = given.get(param.name, param.default)
        if raw is None:
            continue
        bound[param.name] = raw if isinstance(raw, Identifier) else parse_term(raw)
    return bound


def run_query(
    dataset: Dataset | Graph,
    query: NamedQuery | str,
    *,
    bindings: Mapping[str, str | Identifier | None] | None = None,
    timeout: float | None = None,
    max_rows: int | None = None,
) -> Rows:
    """Run a named query, a query object or SPARQL text over a dataset.

    Parameters
    ----------
    dataset : Dataset or Graph
        What to query; a Dataset's default graph is the union of its graphs.
    query : NamedQuery or str
        A query from the library (:func:`get_query`) or SPARQL text.
    bindings : mapping, optional
        Parameter values: RDF terms, or strings as :func:`parse_term` reads them;
        ``None`` leaves a parameter open (no value bound, not even its default).
    timeout : float, optional
        Seconds the query may run. With a time or row budget the query runs in a
        worker process that is stopped when the budget runs out (rdflib cannot be
        interrupted from a thread).
    max_rows : int, optional
        Rows the answer may have; a query that would give more is stopped.

    Returns
    -------
    Rows

    Raises
    ------
    QueryError
        On a bad parameter or a query that fails to parse or run.
    """
    named = query if isinstance(query, NamedQuery) else parse_query(query, name="inline")
    init = _bindings(named, bindings or {}) if named.parameters or bindings else {}
    if timeout is not None or max_rows is not None:
        return _run_bounded(dataset, named, init, timeout=timeout, max_rows=max_rows)
    return run_named(dataset, named, init, max_rows=None)


def budget_exceeded(where: str, max_rows: int) -> QueryError:
    """The error of an answer with more rows than the row budget."""
    return QueryError(
        f"{where}: the answer has more than {max_rows:,} rows, the row "
        "budget: narrow the query (LIMIT, a parameter) or raise the budget (--max-rows)"
    )


def run_named(
    dataset: Dataset | Graph,
    named: NamedQuery,
    init: dict[str, Identifier],
    *,
    max_rows: int | None,
    prepared: Query | None = None,
) -> Rows:
    """Run a named query with its bindings, on the engine of the dataset's store.

    ``prepared`` is rdflib's parse of the text, when the caller has it already (and the
    query needs rdflib's engine: a dataset of its own, made from FROM clauses).
    """
    text = named.text
    values = bool(init) and not _binds_natively(dataset)
    if values:
        # other stores either refuse bindings of variables they do not project (Oxigraph) or
        # cannot take them at all (a remote endpoint): bind them in the text, with VALUES
        text = named.sparql(init)
    if prepared is None and not values and text == named.text and _binds_natively(dataset):
        prepared = _prepare(text)  # parsed once already, when the query was read
    if prepared is None:
        fast = _run_on_oxigraph(dataset, named, text, max_rows=max_rows)
        if fast is not None:
            return fast
    if values and backend(dataset) is Backend.SPARQL:
        result = _ask_endpoint(dataset, named, init)
    else:
        try:
            result = dataset.query(
                prepared if prepared is not None else text,
                initBindings={} if values else init,
                initNs=dict(PREFIXES),
            )
        except Exception as exc:
            raise QueryError(f"{named.file or named.name}: {one_line(exc)}") from None
    return _rows_of(result, named, max_rows)


def _rows_of(result: Result, named: NamedQuery, max_rows: int | None) -> Rows:
    """An rdflib result as :class:`Rows`, within the row budget."""
    if result.type == "SELECT" and max_rows is not None:
        variables = tuple(str(v) for v in (result.vars or []))
        kept: list[dict[str, Node | None]] = []
        for row in result:
            if len(kept) == max_rows:
                raise budget_exceeded(named.file or named.name, max_rows)
            kept.append({name: row[Variable(name)] for name in variables})  # type: ignore[call-overload,index]
        return Rows("SELECT", variables=variables, rows=tuple(kept))
    if result.type == "SELECT":
        variables = tuple(str(v) for v in (result.vars or []))
        rows = tuple(
            {name: row[Variable(name)] for name in variables}  # type: ignore[call-overload,index]
            for row in result
        )
        return Rows("SELECT", variables=variables, rows=rows)
    if result.type == "ASK":
        return Rows("ASK", boolean=bool(result.askAnswer))
    graph = Graph()
    for prefix, ns in PREFIXES.items():
        graph.bind(prefix, ns)
    for triple in result:
        graph.add(triple)  # type: ignore[arg-type]
    return Rows(result.type, graph=graph)


def _run_on_oxigraph(
    dataset: Dataset | Graph, named: NamedQuery, text: str, *, max_rows: int | None
) -> Rows | None:
    """A query straight on an Oxigraph store, each distinct term converted once; None if not that case.

    Through rdflib's ``Dataset.query`` every value of every row becomes a new rdflib term;
    at 10^5 rows that conversion costs more than the query. A SELECT's rows are written by
    Oxigraph as SPARQL TSV, without holding the GIL, and each distinct token of them is
    read once (:mod:`graph.tsv`); a form that reader does not know, the rows term by term.
    """
    inner = native_store(dataset)
    if inner is None or not isinstance(dataset, Dataset) or not dataset.default_union:
        return None
    import pyoxigraph as ox

    numbers: dict[str, int] = {}
    try:
        result = inner.query(text, use_default_graph_as_union=True, prefixes=dict(PREFIXES))
        if not isinstance(result, ox.QuerySolutions):
            return None if not isinstance(result, ox.QueryBoolean) else Rows("ASK", boolean=bool(result))
        data = tsv.serialized(result)
        # a row a line (TSV escapes a newline in a literal), the header aside
        if max_rows is not None and data.count(b"\n") - 1 > max_rows:
            raise budget_exceeded(named.file or named.name, max_rows)
        try:
            variables, rows = tsv.read_rows(data, numbers)
        except ValueError:
            variables, rows = tsv.iterated_rows(inner, text, numbers)
    except (SyntaxError, OSError, ValueError) as exc:
        raise QueryError(f"{named.file or named.name}: {one_line(exc)}") from None
    known = term_cache(dataset)  # one object per IRI and blank node across the store's answers
    values: list[Node | None] = [tsv.term(code, known) for code in numbers]
    values.append(None)  # -1, unbound
    get = values.__getitem__
    kept = tuple(dict(zip(variables, map(get, row), strict=True)) for row in rows)
    return Rows("SELECT", variables=tuple(variables), rows=kept)


def _binds_natively(dataset: Dataset | Graph) -> bool:
    """Whether rdflib's own engine answers queries over this dataset (it takes ``initBindings``)."""
    return backend(dataset) is Backend.MEMORY


def _ask_endpoint(dataset: Dataset | Graph, named: NamedQuery, init: dict[str, Identifier]) -> Result:
    """A query with bound parameters, sent to a SPARQL endpoint.

    Virtuoso 7 miscompiles some queries with the ``VALUES`` block first and others with it
    last: an endpoint that refuses one placement is asked with the other.
    """
    try:
        return dataset.query(named.sparql(init), initNs=dict(PREFIXES))
    except Exception as exc:
        try:
            return dataset.query(named.sparql(init, closing=True), initNs=dict(PREFIXES))
        except Exception:
            raise QueryError(f"{named.file or named.name}: {one_line(exc)}") from None


def _run_bounded(
    dataset: Dataset | Graph,
    named: NamedQuery,
    init: dict[str, Identifier],
    *,
    timeout: float | None,
    max_rows: int | None,
) -> Rows:
    """Run a query in a forked worker that is killed when the time budget runs out."""
    context = multiprocessing.get_context("fork")
    receiver, sender = context.Pipe(duplex=False)

    def work() -> None:
        try:
            sender.send(("ok", run_named(dataset, named, init, max_rows=max_rows)))
        except QueryError as exc:
            sender.send(("error", str(exc)))
        except BaseException as exc:  # report anything, never hang the parent
            sender.send(("error", f"{named.file or named.name}: {one_line(exc)}"))

    worker = context.Process(target=work, daemon=True)
    worker.start()
    sender.close()
    try:
        if not receiver.poll(timeout):
            raise QueryError(
                f"{named.file or named.name}: the query ran past its time budget of {timeout:g} s and was "
                "stopped: narrow it, or raise the budget (--timeout)"
            )
        try:
            status, payload = receiver.recv()
        except EOFError:
            raise QueryError(f"{named.file or named.name}: the query stopped without an answer") from None
    finally:
        if worker.is_alive():
            worker.kill()
        worker.join()
        receiver.close()
    if status == "error":
        raise QueryError(str(payload))
    assert isinstance(payload, Rows)
    return payload
