"""Where a finding is written: the source file and line of a node, for validation's messages.

A named resource is placed at the start of its block in the first source that describes
it; a node inside a rule is placed at the rule's label, then at the offending value.
Works on any corpus: sources read into rdflib, or held by a store (then a source's file
may be its IRI, and the line is unknown).

Examples
--------
>>> from graph.load import load
>>> from graph.namespaces import PGR
>>> locator = Locator(load())
>>> file, line = locator.locate(PGR.Ukraine, None)
>>> file.endswith("reference-entities.ttl"), line is not None
(True, True)
>>> curie(PGR.Ukraine)
':Ukraine'
"""

from __future__ import annotations

import bisect
import re
from pathlib import Path

from rdflib import BNode, URIRef
from rdflib.namespace import RDFS
from rdflib.term import Node

from graph.load import Corpus
from graph.namespaces import PREFIXES

__all__ = ["Locator", "curie", "first_line"]


def curie(node: Node | None) -> str:
    """A term as a reader writes it: ``pg:Place``, ``<iri>``, "a blank node", a literal's text."""
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


def first_line(lines: list[str], local: str) -> int | None:
    """The first line that writes the local name ``local`` (after ``:``, ``/`` or ``#``)."""
    for number, line in enumerate(lines, start=1):
        if re.search(rf"[:/#]{re.escape(local)}(?![\w\-])", line):
            return number
    return None


class Locator:
    """Finds the file and line where a node is written."""

    def __init__(self, corpus: Corpus):
        self.corpus = corpus
        self._order: dict[Node, int] = {source.iri: n for n, source in enumerate(corpus.sources)}
        self._lines: dict[str, list[str]] = {}
        self._blocks: dict[str, tuple[dict[str, int], list[int]]] = {}

    def lines(self, file: str) -> list[str]:
        """The lines of a source file (none for a source a store holds without its file)."""
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

    def _first_source_of(self, node: Node) -> int | None:
        """The first source (in the corpus's order) that has ``node`` as a subject."""
        found = [
            self._order[graph]
            for *_, graph in self.corpus.dataset.quads((node, None, None, None))
            if graph in self._order
        ]
        return min(found, default=None)

    def locate(self, node: Node, path: Node | None, value: Node | None = None) -> tuple[str, int | None]:
        """The file and line of a finding about ``node``'s ``path`` (and its ``value``)."""
        owner = self.owner(node)
        # a blank node lives in one file; a named resource is placed where it is first described
        for wanted in (node, owner):
            number = self._first_source_of(wanted)
            if number is not None:
                file = self.corpus.sources[number].file
                # inside a rule, the offending value is the most telling word to look for
                near = value if isinstance(node, BNode) and isinstance(value, URIRef) else path
                return file, self.line(file, owner, near, node, path)
        return "ontology" if owner is not None else "?", None

    def line(
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
