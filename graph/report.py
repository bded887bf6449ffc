"""A briefing for a day, as one HTML file and as Markdown.

The briefing holds, for the day asked about: the rules in force per grantor, what
changed in the weeks before, the policy matrix of each actor the rules are about, the
timeline and the actor network, the answers to the competency questions, and every
source with its publisher, date and confidence. Terms read as their labels.

The HTML file is self-contained (diagrams inline as SVG data, no outside asset);
the Markdown file refers to the diagrams as SVG files in a folder beside it.

Examples
--------
>>> from datetime import date
>>> from graph.load import load
>>> briefing = make_report(load().dataset, day=date(2024, 6, 5))
>>> [section.title for section in briefing.sections][:2]
['Rules in force on 2024-06-05', 'What changed from 2024-05-06 to 2024-06-05']
>>> "<h2" in briefing.html() and briefing.markdown().startswith("# Briefing")
True
"""

from __future__ import annotations

import base64
import re
from dataclasses import dataclass, field
from datetime import date, timedelta
from html import escape
from pathlib import Path

from rdflib import BNode, Dataset, Literal, URIRef
from rdflib.namespace import DCTERMS
from rdflib.term import Node

from graph.namespaces import PG
from graph.output import staged
from graph.project import label_of
from graph.queries import Rows

__all__ = ["Report", "Section", "make_report", "write_report"]


@dataclass
class Section:
    """A part of the briefing: a title, a line of text, tables and diagrams."""

    title: str
    text: str = ""
    #: (caption, header, rows)
    tables: list[tuple[str, list[str], list[list[str]]]] = field(default_factory=list)
    #: (file name, caption, SVG bytes)
    figures: list[tuple[str, str, bytes]] = field(default_factory=list)


@dataclass
class Report:
    """The briefing for a day."""

    day: date
    since: date
    title: str
    summary: str
    sections: list[Section]

    @property
    def stem(self) -> str:
        """The name its files share: ``briefing-YYYY-MM-DD``."""
        return f"briefing-{self.day.isoformat()}"

    def html(self) -> str:
        """The briefing as one self-contained HTML document."""
        parts = [
            "<!DOCTYPE html>",
            '<html lang="en"><head><meta charset="utf-8">',
            '<meta name="viewport" content="width=device-width, initial-scale=1">',
            '<meta http-equiv="Content-Security-Policy" content="default-src \'none\'; '
            "style-src 'unsafe-inline'; img-src data:\">",
            f"<title>{escape(self.title)}</title><style>{_STYLE}</style></head><body>",
            f"<header><h1>{escape(self.title)}</h1><p>{escape(self.summary)}</p></header>",
            "<nav><ol>"
            + "".join(
                f'<li><a href="#s{i}">{escape(s.title)}</a></li>' for i, s in enumerate(self.sections, 1)
            )
            + "</ol></nav>",
        ]
        for number, section in enumerate(self.sections, 1):
            parts.append(f'<section id="s{number}"><h2>{escape(section.title)}</h2>')
            if section.text:
                parts.append(f"<p>{escape(section.text)}</p>")
            for name, caption, svg in section.figures:
                data = base64.b64encode(svg).decode("ascii")
                parts.append(
                    f'<figure><img src="data:image/svg+xml;base64,{data}" alt="{escape(caption)}" '
                    f'data-name="{escape(name)}"><figcaption>{escape(caption)}</figcaption></figure>'
                )
            for caption, header, rows in section.tables:
                if caption:
                    parts.append(f"<h3>{escape(caption)}</h3>")
                if not rows:
                    parts.append('<p class="none">none</p>')
                    continue
                parts.append(
                    "<table><thead><tr>" + "".join(f"<th>{escape(h)}</th>" for h in header) + "</tr></thead>"
                )
                parts.append(
                    "<tbody>"
                    + "".join("<tr>" + "".join(_cell(c) for c in row) + "</tr>" for row in rows)
                    + "</tbody></table>"
                )
            parts.append("</section>")
        parts.append("</body></html>")
        return "\n".join(parts) + "\n"

    def markdown(self, *, figures: str | None = None) -> str:
        """The briefing as Markdown; diagrams are linked from the folder ``figures``."""
        folder = figures or f"{self.stem}-files"
        lines = [f"# {self.title}", "", self.summary, ""]
        for section in self.sections:
            lines += [f"## {section.title}", ""]
            if section.text:
                lines += [section.text, ""]
            for name, caption, _ in section.figures:
                lines += [f"![{_md(caption)}]({folder}/{name})", ""]
            for caption, header, rows in section.tables:
                if caption:
                    lines += [f"### {caption}", ""]
                if not rows:
                    lines += ["none", ""]
                    continue
                lines.append("| " + " | ".join(_md(h) for h in header) + " |")
                lines.append("|" + "---|" * len(header))
                lines += ["| " + " | ".join(_md(c) for c in row) + " |" for row in rows]
                lines.append("")
        return "\n".join(lines)


_STYLE = """
body { font: 15px/1.5 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; color: #1d2433;
  max-width: 1100px; margin: 0 auto; padding: 1.5em 2em 4em; }
header { border-bottom: 2px solid #1f5fbf; margin-bottom: 1em; }
h1 { font-size: 1.6em; margin: .2em 0; } h2 { margin-top: 2em; border-bottom: 1px solid #d8dde6; }
h3 { font-size: 1em; margin: 1.2em 0 .4em; }
nav ol { columns: 2; color: #5b6475; }
table { border-collapse: collapse; width: 100%; font-size: 13px; margin: .4em 0 1em; }
th, td { border: 1px solid #d8dde6; padding: .3em .5em; text-align: left; vertical-align: top; }
th { background: #eef1f5; }
td.date { white-space: nowrap; }
figure { margin: 1em 0; } figure img { max-width: 100%; height: auto; border: 1px solid #eef1f5; }
figcaption, .none { color: #5b6475; font-size: .9em; }
@media print { nav { display: none; } section { break-inside: avoid-page; } }
"""


def _md(text: str) -> str:
    return " ".join(text.split()).replace("|", "\\|")


def _text(dataset: Dataset, node: Node | None) -> str:
    if node is None:
        return ""
    if isinstance(node, Literal):
        return str(node)
    if isinstance(node, URIRef | BNode):
        return label_of(dataset, node) or str(node)
    return str(node)


_DATE = re.compile(r"\d{4}(-\d{2}){0,2}")


def _cell(text: str) -> str:
    """A table cell; a date stays on one line."""
    return f'<td class="date">{escape(text)}</td>' if _DATE.fullmatch(text) else f"<td>{escape(text)}</td>"


def _heading(variable: str) -> str:
    """A column heading for a query variable, in words: ``carriedOverFrom`` is "Carried over from".

    >>> _heading("attributedTo"), _heading("ruleLabel"), _heading("since")
    ('Attributed to', 'Rule', 'Since')
    """
    words = re.sub(r"(?<=[a-z0-9])(?=[A-Z])", " ", variable).lower().split()
    if len(words) > 1 and words[-1] == "label":  # the label stands for the thing itself
        words = words[:-1]
    return " ".join(words).capitalize()


def _table(
    dataset: Dataset, rows: Rows, columns: list[str] | None = None
) -> tuple[list[str], list[list[str]]]:
    names = columns or list(rows.variables)
    return [_heading(n) for n in names], [[_text(dataset, row.get(name)) for name in names] for row in rows]


def _svg(drawing: object) -> bytes:
    import matplotlib.pyplot as plt

    svg = bytes(drawing._repr_svg_().encode("utf-8"))  # type: ignore[attr-defined]
    plt.close(drawing.ax.figure)  # type: ignore[attr-defined]
    return svg


def make_report(
    dataset: Dataset, *, day: date, since: date | None = None, known_by: date | None = None
) -> Report:
    """Gather the briefing for ``day``; changes are counted from ``since`` (30 days before by default).

    Only what sources published by ``known_by`` (default: ``day`` itself) is used: a briefing
    as of a day never shows what was reported later.

    Raises
    ------
    ValueError
        When ``since`` is after ``day``.
    """
    import matplotlib

    matplotlib.use("Agg")
    from graph.build import competency_answers, matrix_actors, summarize
    from graph.charts import draw_policy_matrix, draw_timeline
    from graph.draw import draw_actor_network
    from graph.history import by_grantor, diff, state
    from graph.project import actor_view
    from graph.reported import reported_by

    since = since or day - timedelta(days=30)
    if since > day:
        raise ValueError(f"the start of the changes ({since}) is after the day of the briefing ({day})")
    dataset = reported_by(dataset, known_by or day)
    sections: list[Section] = []

    in_force = state(dataset, day)
    force = Section(
        f"Rules in force on {day}",
        "Per grantor: each rule, whether it permits or prohibits, since when, and who reports it.",
    )
    for grantor, grouped in sorted(by_grantor(in_force).items(), key=lambda item: _text(dataset, item[0])):
        header, body = _table(
            dataset,
            Rows("SELECT", in_force.variables, tuple(grouped)),
            ["policyLabel", "kind", "ruleLabel", "since", "sources"],
        )
        force.tables.append((_text(dataset, grantor), header, body))
    if not in_force.rows:
        force.text = f"No rule in the graph was in force on {day}."
    sections.append(force)

    changes = diff(dataset, since, day)
    header, body = _table(
        dataset, changes, ["date", "grantor", "change", "policyLabel", "aboutLabel", "sources"]
    )
    sections.append(
        Section(
            f"What changed from {since} to {day}",
            "Decisions dated after the first day up to the second: granted, extended, narrowed or revoked.",
            tables=[("", header, body)],
        )
    )

    matrices = Section(
        "Policy matrix", f"What each grantor's rules let an actor do on {day}, weapon by place."
    )
    for actor in matrix_actors(dataset):
        name = _text(dataset, actor)
        matrices.figures.append(
            (
                f"matrix-{str(actor).rsplit('/', 1)[-1]}.svg",
                f"The rules for {name} on {day}",
                _svg(draw_policy_matrix(dataset, day=day, actor=actor)),
            )
        )
    sections.append(matrices)
    sections.append(
        Section(
            "Timeline",
            "Decisions and statements per grantor.",
            figures=[("timeline.svg", "Timeline", _svg(draw_timeline(dataset)))],
        )
    )
    sections.append(
        Section(
            "Actor network",
            "Who authorises, restricts, supports, supplies, requests or attacks whom.",
            figures=[
                ("actor-network.svg", "The actor network", _svg(draw_actor_network(actor_view(dataset))))
            ],
        )
    )

    answers = Section(
        "Competency questions", "The questions the graph is built to answer, answered from the sources."
    )
    for query, answer in competency_answers(dataset):
        header, body = _table(dataset, answer)
        answers.tables.append(
            (f"{query.question} ({answer.note})" if answer.note else query.question, header, body)
        )
    sections.append(answers)

    sources = []
    for graph in dataset.graphs():
        iri = graph.identifier
        title = dataset.value(iri, DCTERMS.title)
        if title is None:
            continue
        sources.append(
            [
                str(title),
                _text(dataset, dataset.value(iri, DCTERMS.publisher)),
                str(dataset.value(iri, DCTERMS.issued) or ""),
                _text(dataset, dataset.value(iri, PG.confidence)),
                str(iri),
            ]
        )
    sources.sort(key=lambda row: (row[2], row[0]))
    sections.append(
        Section(
            "Sources",
            "Every source the graph is built from, with its confidence as a whole; "
            "the tables above say which source backs each answer.",
            tables=[("", ["Title", "Publisher", "Issued", "Confidence", "IRI"], sources)],
        )
    )

    counts = summarize(dataset)
    summary = (
        f"Built from {counts.sources} sources ({counts.triples:,} triples): {counts.policies} policies, "
        f"{counts.statements} statements. Changes are counted from {since}."
    )
    return Report(
        day=day,
        since=since,
        title=f"Briefing: policies as of {day}"
        + (f", as reported by {known_by}" if known_by and known_by != day else ""),
        summary=summary,
        sections=sections,
    )


def write_report(report: Report, folder: str | Path) -> list[Path]:
    """Write ``STEM.html``, ``STEM.md`` and the Markdown's diagrams in ``STEM-files/``, all or nothing."""
    folder = Path(folder)
    figures = f"{report.stem}-files"
    with staged(folder) as staging:
        (staging / f"{report.stem}.html").write_text(report.html(), encoding="utf-8")
        (staging / f"{report.stem}.md").write_text(report.markdown(figures=figures), encoding="utf-8")
        (staging / figures).mkdir()
        for section in report.sections:
            for name, _, svg in section.figures:
                (staging / figures / name).write_bytes(svg)
    return [folder / f"{report.stem}.html", folder / f"{report.stem}.md", folder / figures]
