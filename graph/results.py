r"""Write query answers as a table for people, or as SPARQL 1.1 result formats.

``csv``, ``json`` and :func:`to_xml` follow the SPARQL 1.1 Query Results CSV, JSON and XML formats.
rdflib has no TSV serializer, so :func:`to_tsv` writes the SPARQL 1.1 TSV format:
a header of ``?variables``, then terms in Turtle syntax, tab-separated.
``table`` is for reading in a terminal: prefixed names instead of IRIs.

Examples
--------
>>> from rdflib import Literal, URIRef
>>> from graph.queries import Rows
>>> rows = Rows("SELECT", variables=("actor", "said"),
...             rows=({"actor": URIRef("https://w3id.org/policygraph/id/Ukraine"),
...                    "said": Literal('say "no" now')},))
>>> print(to_tsv(rows).replace("\t", " | "), end="")
?actor | ?said
<https://w3id.org/policygraph/id/Ukraine> | "say \"no\" now"
>>> print(to_csv(rows), end="")
actor,said
https://w3id.org/policygraph/id/Ukraine,"say ""no"" now"
"""

from __future__ import annotations

import csv
import functools
import io
import json
import re
import shutil

from rdflib import BNode, Literal, URIRef
from rdflib.namespace import XMLNS, XSD, NamespaceManager
from rdflib.term import Node

from graph.namespaces import PREFIXES
from graph.queries import Rows

__all__ = [
    "FORMATS",
    "format_rows",
    "short",
    "short_iri",
    "to_csv",
    "to_json",
    "to_table",
    "to_tsv",
    "to_xml",
]

FORMATS = ("table", "csv", "tsv", "json")


def _manager() -> NamespaceManager:
    from rdflib import Graph

    graph = Graph(bind_namespaces="none")
    for prefix, ns in PREFIXES.items():
        graph.bind(prefix, ns, override=True)
    return graph.namespace_manager


_NM = _manager()


#: a bound namespace ending in / or #, then a plain ASCII name: rdflib splits such an IRI there
_PLAIN = re.compile(r"(.*[/#])([A-Za-z_][A-Za-z0-9_\-]*)")
_NOT_IN_IRI = frozenset('<>" {}|\\^`')


@functools.cache
def _plain_prefixes() -> dict[str, tuple[str, tuple[str, ...]]]:
    """Each bound namespace: its prefix, and the longer bound namespaces that start with it."""
    bound = {str(ns): prefix for prefix, ns in _NM.namespaces()}
    return {
        ns: (prefix, tuple(n for n in bound if n != ns and n.startswith(ns))) for ns, prefix in bound.items()
    }


@functools.lru_cache(maxsize=131_072)
def short_iri(iri: str) -> str:
    """An IRI's prefixed name, remembered (rdflib's lookup is slow, and the same IRIs recur).

    A bound namespace followed by a plain ASCII name is written at once, as rdflib writes
    it; any other IRI is left to rdflib's namespace manager.

    Examples
    --------
    >>> short_iri("https://w3id.org/policygraph/id/Kharkiv"), short_iri("https://example.org/x")
    (':Kharkiv', '<https://example.org/x>')
    """
    plain = _PLAIN.fullmatch(iri)
    if plain is not None and _NOT_IN_IRI.isdisjoint(iri) and not iri.startswith(XMLNS):
        found = _plain_prefixes().get(plain[1])
        if found is not None and not any(iri.startswith(longer) for longer in found[1]):
            return f"{found[0]}:{plain[2]}"
    try:
        return _NM.normalizeUri(URIRef(iri))
    except Exception:  # an IRI with no prefix that fits
        return f"<{iri}>"


def short(node: Node | None) -> str:
    """A term as a person reads it: ``:Ukraine``, ``pg:strike``, a literal's text, '' for unbound.

    Examples
    --------
    >>> short(URIRef("https://w3id.org/policygraph/ontology#strike"))
    'pg:strike'
    """
    if node is None:
        return ""
    if isinstance(node, URIRef):
        return short_iri(str(node))
    if isinstance(node, BNode):
        return f"_:{node}"
    return str(node)


def _tsv_term(node: Node | None) -> str:
    if node is None:
        return ""
    if isinstance(node, Literal):
        text = str(node)
        escaped = (
            text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n").replace("\r", "\\r")
        ).replace("\t", "\\t")
        if node.language:
            return f'"{escaped}"@{node.language}'
        if node.datatype and node.datatype != XSD.string:
            return f'"{escaped}"^^<{node.datatype}>'
        return f'"{escaped}"'
    return node.n3()


def to_tsv(rows: Rows) -> str:
    """SPARQL 1.1 Query Results TSV."""
    _require_select(rows)
    out = ["\t".join(f"?{v}" for v in rows.variables)]
    out += ["\t".join(_tsv_term(row.get(v)) for v in rows.variables) for row in rows.rows]
    return "\n".join(out) + "\n"


def to_csv(rows: Rows) -> str:
    """SPARQL 1.1 Query Results CSV: plain values, empty for unbound."""
    _require_select(rows)
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(rows.variables)
    for row in rows.rows:
        writer.writerow(["" if row.get(v) is None else str(row.get(v)) for v in rows.variables])
    return buffer.getvalue().replace("\r\n", "\n")


def _json_term(node: Node) -> dict[str, str]:
    if isinstance(node, URIRef):
        return {"type": "uri", "value": str(node)}
    if isinstance(node, BNode):
        return {"type": "bnode", "value": str(node)}
    assert isinstance(node, Literal)
    term = {"type": "literal", "value": str(node)}
    if node.language:
        term["xml:lang"] = node.language
    elif node.datatype:
        term["datatype"] = str(node.datatype)
    return term


def to_json(rows: Rows) -> str:
    """SPARQL 1.1 Query Results JSON (SELECT and ASK)."""
    if rows.kind == "ASK":
        return json.dumps({"head": {}, "boolean": bool(rows.boolean)}, indent=2) + "\n"
    _require_select(rows)
    bindings = [
        {v: _json_term(node) for v in rows.variables if (node := row.get(v)) is not None} for row in rows.rows
    ]
    return (
        json.dumps({"head": {"vars": list(rows.variables)}, "results": {"bindings": bindings}}, indent=2)
        + "\n"
    )


def to_xml(rows: Rows) -> str:
    """SPARQL Query Results XML (SELECT and ASK).

    Examples
    --------
    >>> from rdflib import Literal
    >>> from graph.queries import Rows
    >>> print(to_xml(Rows("SELECT", variables=("n",), rows=({"n": Literal("a<b", lang="en")},))), end="")
    <?xml version="1.0" encoding="utf-8"?>
    <sparql xmlns="http://www.w3.org/2005/sparql-results#">
    <head><variable name="n"/></head>
    <results>
    <result><binding name="n"><literal xml:lang="en">a&lt;b</literal></binding></result>
    </results>
    </sparql>
    """
    from xml.sax.saxutils import escape, quoteattr

    out = [
        '<?xml version="1.0" encoding="utf-8"?>',
        '<sparql xmlns="http://www.w3.org/2005/sparql-results#">',
    ]
    if rows.kind == "ASK":
        out += ["<head/>", f"<boolean>{'true' if rows.boolean else 'false'}</boolean>", "</sparql>"]
        return "\n".join(out) + "\n"
    _require_select(rows)
    out.append("<head>" + "".join(f"<variable name={quoteattr(v)}/>" for v in rows.variables) + "</head>")
    out.append("<results>")
    for row in rows.rows:
        cells = []
        for variable in rows.variables:
            node = row.get(variable)
            if node is None:
                continue
            if isinstance(node, URIRef):
                term = f"<uri>{escape(str(node))}</uri>"
            elif isinstance(node, BNode):
                term = f"<bnode>{escape(str(node))}</bnode>"
            else:
                assert isinstance(node, Literal)
                if node.language:
                    attribute = f" xml:lang={quoteattr(node.language)}"
                elif node.datatype:
                    attribute = f" datatype={quoteattr(str(node.datatype))}"
                else:
                    attribute = ""
                term = f"<literal{attribute}>{escape(str(node))}</literal>"
            cells.append(f"<binding name={quoteattr(variable)}>{term}</binding>")
        out.append("<result>" + "".join(cells) + "</result>")
    out += ["</results>", "</sparql>"]
    return "\n".join(out) + "\n"


def to_table(
    rows: Rows, *, title: str | None = None, width: int | None = None, limit: int | None = None
) -> str:
    """A table for a terminal, with prefixed names, rendered by rich.

    With ``limit``, a longer answer shows its first ``limit`` rows and says how many more
    there are; the csv, tsv and json formats always give every row.

    Examples
    --------
    >>> from graph.load import load
    >>> from graph.queries import run_query
    >>> rows = run_query(load().dataset, "SELECT ?s WHERE { ?s a pg:State }")
    >>> last = to_table(rows, limit=2, width=60).splitlines()[-1]
    >>> last == f"... {len(rows.rows) - 2} more rows (use -f csv or -f json for all {len(rows.rows)} rows)"
    True
    """
    from rich.console import Console
    from rich.table import Table

    if rows.kind == "ASK":
        return ("yes" if rows.boolean else "no") + "\n"
    if rows.kind != "SELECT":
        assert rows.graph is not None
        return str(rows.graph.serialize(format="turtle"))
    from rich.markup import escape

    # a title is text, never markup: "[left open ...]" would vanish as a style tag
    table = Table(title=escape(title) if title else None, show_lines=False, title_justify="left")
    for variable in rows.variables:
        table.add_column(variable, overflow="fold")
    shown = rows.rows if limit is None else rows.rows[:limit]
    for row in shown:
        table.add_row(*(escape(short(row.get(v))) for v in rows.variables))
    columns = width or shutil.get_terminal_size((160, 24)).columns
    console = Console(file=io.StringIO(), width=columns, force_terminal=False, color_system=None)
    console.print(table)
    total = len(rows.rows)
    if len(shown) < total:
        console.print(f"... {total - len(shown):,} more rows (use -f csv or -f json for all {total:,} rows)")
    else:
        console.print(f"{total} row{'s' if total != 1 else ''}")
    output = console.file.getvalue()  # type: ignore[attr-defined]
    return str(output)


def format_rows(rows: Rows, fmt: str, *, title: str | None = None, limit: int | None = None) -> str:
    """Rows in one of :data:`FORMATS`; a CONSTRUCT or DESCRIBE answer is Turtle whatever the format.

    ``limit`` caps the rows a table shows (see :func:`to_table`); the other formats give all.
    """
    if rows.kind in ("CONSTRUCT", "DESCRIBE"):
        assert rows.graph is not None
        return str(rows.graph.serialize(format="turtle"))
    writers = {
        "table": lambda r: to_table(r, title=title, limit=limit),
        "csv": to_csv,
        "tsv": to_tsv,
        "json": to_json,
    }
    if fmt not in writers:
        raise ValueError(f"unknown format {fmt!r}: choose one of {', '.join(FORMATS)}")
    if rows.kind == "ASK" and fmt in ("csv", "tsv"):
        return ("true" if rows.boolean else "false") + "\n"
    return str(writers[fmt](rows))


def _require_select(rows: Rows) -> None:
    if rows.kind != "SELECT":
        raise ValueError(f"a {rows.kind} answer has no rows")
