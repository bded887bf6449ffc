"""The graph as reported by a day: only the sources published by then.

Two time axes run through the graph: the day something happened (a policy's date, a
statement's date) and the day a source reported it (``dcterms:issued``). A briefing "as
of" a day, or a question asked "as known by" a day, must not use what was published
later. :func:`reported_by` gives the dataset of the ontology, every reference dataset
(places and weapons describe the world, not news), every undated source and every
source issued by that day (a source dated only to the month
counts from the month's last day), so that every query, history and diagram can answer
for a day of reporting. The policy engine filters its facts itself (``known_by``).

Examples
--------
>>> from datetime import date
>>> from graph.load import load
>>> dataset = load().dataset
>>> early = reported_by(dataset, date(2024, 5, 30))
>>> len(list(early.graphs())) < len(list(dataset.graphs()))
True
"""

from __future__ import annotations

from datetime import date

from rdflib import Dataset, URIRef

from graph.dates import period
from graph.namespaces import PREFIXES
from graph.queries import run_query

__all__ = ["reported_by", "unreported_sources"]

_ISSUED = """
SELECT DISTINCT ?source ?issued WHERE {
  GRAPH ?source { ?source a ?class }
  ?class rdfs:subClassOf* pg:Source .
  # a reference dataset describes the world (places, weapons), not news: it counts on any day
  FILTER NOT EXISTS { GRAPH ?source { ?source a pg:ReferenceDataset } }
  OPTIONAL { GRAPH ?source { ?source dcterms:issued ?issued } }
}
"""


def unreported_sources(dataset: Dataset, day: date) -> set[URIRef]:
    """The sources published after ``day``.

    Reference datasets, undated sources and unreadable dates count as known on any day.
    """
    later = set()
    for row in run_query(dataset, _ISSUED):
        source, issued = row["source"], row["issued"]
        if not isinstance(source, URIRef) or issued is None:
            continue
        try:
            if period(str(issued)).last > day:
                later.add(source)
        except ValueError:
            continue
    return later


def reported_by(dataset: Dataset, day: date) -> Dataset:
    """The dataset as reported by ``day``: the ontology and the sources published by then.

    Returns ``dataset`` itself when no source is later than ``day``.
    """
    later = unreported_sources(dataset, day)
    if not later:
        return dataset
    kept = Dataset(default_union=True)
    for prefix, namespace in PREFIXES.items():
        kept.bind(prefix, namespace)
    for graph in dataset.graphs():
        name = graph.identifier
        if name in later or not isinstance(name, URIRef) or str(name).startswith("urn:x-rdflib:"):
            continue
        target = kept.graph(name)
        for triple in graph:
            target.add(triple)
    return kept
