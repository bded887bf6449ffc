"""What the documentation site adds when it is built: figures, and the ontology's reference.

MkDocs runs these hooks (``hooks:`` in ``mkdocs.yml``). Everything is made on this
machine from the project's own files, so the site is never stale and nothing is fetched:

- the diagrams and screenshots under ``examples/``, shown by the pages;
- ``ontology/classes.svg``: the class diagram, the ``ontology`` view of
  ``policygraph export -f dot`` laid out by Graphviz;
- ``ontology/reference.html``: every class and property, by pyLODE;
- ``ontology/concepts.md``: the SKOS concept schemes, which pyLODE does not document.

The pages are written to be read on a code host too, so their links to figures go up to
``../examples/`` and the README's go down to ``docs/``; the site keeps both at its root.
"""

from __future__ import annotations

import logging
import shutil
import subprocess
from pathlib import Path
from typing import Any

from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import PluginError
from mkdocs.structure.files import File, Files
from mkdocs.structure.pages import Page
from rdflib import Graph, URIRef
from rdflib.namespace import OWL, RDF, RDFS, SKOS
from rdflib.term import Node

from graph.export import View, export
from graph.load import load, load_ontology
from graph.namespaces import ONTOLOGY_IRI
from graph.results import short_iri

ROOT = Path(__file__).resolve().parent.parent
FIGURES = ("examples/diagrams", "examples/screenshots")


def on_files(files: Files, config: MkDocsConfig) -> Files:
    """Add the figures and the ontology's generated pages to the site's files."""
    for folder in FIGURES:
        found = sorted((ROOT / folder).glob("*.png"))
        if not found:
            raise PluginError(f"{folder}: no figures found (run the examples that draw them)")
        for path in found:
            files.append(File.generated(config, f"{folder}/{path.name}", abs_src_path=str(path)))
    ontology = load_ontology()
    files.append(File.generated(config, "ontology/classes.svg", content=_class_diagram()))
    files.append(File.generated(config, "ontology/reference.html", content=_reference(ontology)))
    files.append(File.generated(config, "ontology/concepts.md", content=_concepts(ontology)))
    return files


def on_page_markdown(markdown: str, page: Page, config: MkDocsConfig, files: Files, **_: Any) -> str:
    """Point a page's links to figures and to other pages where the site keeps them."""
    return markdown.replace("](../examples/", "](examples/").replace("](docs/", "](")


def _class_diagram() -> bytes:
    dot = shutil.which("dot")
    if dot is None:
        raise PluginError("Graphviz's dot is needed for the class diagram: apt-get install graphviz")
    [text] = export(load([]).dataset, "dot", view=View.ONTOLOGY).values()
    done = subprocess.run([dot, "-Tsvg"], input=text, capture_output=True, check=False, timeout=300)
    if done.returncode != 0:
        raise PluginError(f"dot could not lay out the class diagram: {done.stderr.decode().strip()}")
    return done.stdout


def _reference(ontology: Graph) -> str:
    """PyLODE's page for the ontology, given as one document.

    pyLODE documents a single ontology and takes every ``owl:Ontology`` and
    ``skos:ConceptScheme`` for it, so the copy it reads keeps the top ontology only:
    the modules' own declarations and the schemes' typing are left out (the schemes
    have their own page).
    """
    root = logging.getLogger()
    handlers, level = list(root.handlers), root.level
    from pylode import OntPub  # the docs extra: imported only when the site is built

    root.handlers[:], root.level = handlers, level  # pylode configures logging when imported

    document = Graph()
    document += ontology
    for module in set(document.subjects(RDF.type, OWL.Ontology)) - {ONTOLOGY_IRI}:
        document.remove((module, None, None))
    document.remove((None, RDF.type, SKOS.ConceptScheme))
    html = OntPub(ontology=document, sort_subjects=True).make_html()
    if not isinstance(html, str) or "pyLODE" not in html:
        raise PluginError("pyLODE made no page for the ontology")
    return html


def _text(graph: Graph, term: Node, prop: URIRef) -> str:
    value = graph.value(term, prop)
    return " ".join(str(value).split()).replace("|", "\\|") if value is not None else ""


def _concepts(ontology: Graph) -> str:
    lines = [
        "# Concept schemes",
        "",
        "The controlled values a source uses for purposes, target types, depths, positions,",
        "confidence and the like. A rule about a broader concept covers the narrower ones:",
        "a rule for attacking forces covers massing troops.",
    ]
    schemes = sorted(
        ontology.subjects(RDF.type, SKOS.ConceptScheme), key=lambda s: _text(ontology, s, RDFS.label)
    )
    if not schemes:
        raise PluginError("the ontology has no concept scheme")
    for scheme in schemes:
        assert isinstance(scheme, URIRef)
        lines += ["", f"## {_text(ontology, scheme, RDFS.label)} (`{short_iri(str(scheme))}`)", ""]
        definition = _text(ontology, scheme, SKOS.definition)
        if definition:
            lines += [definition, ""]
        lines += ["| concept | name | broader | definition |", "|---|---|---|---|"]
        members = sorted(
            (c for c in ontology.subjects(SKOS.inScheme, scheme) if isinstance(c, URIRef)),
            key=lambda c: _text(ontology, c, RDFS.label) or _text(ontology, c, SKOS.prefLabel),
        )
        for concept in members:
            label = _text(ontology, concept, RDFS.label) or _text(ontology, concept, SKOS.prefLabel)
            broader = ", ".join(
                sorted(_text(ontology, b, RDFS.label) for b in ontology.objects(concept, SKOS.broader))
            )
            definition = _text(ontology, concept, SKOS.definition)
            lines.append(f"| {label} | `{short_iri(str(concept))}` | {broader} | {definition} |")
    return "\n".join(lines) + "\n"
