"""One offline HTML page to review a draft: the article with every finding marked, the candidates beside it.

Each finding is a ``<mark>`` with its kind as a class (entity, attribution, date, cue,
scope, quote) and its meaning as a tooltip; each candidate lists its spans as links that
scroll to and flash the words it came from. The page holds its own style and script and
loads nothing (its Content-Security-Policy forbids it).
"""

from __future__ import annotations

import html
from collections.abc import Sequence

from graph.draft.claims import Block, curie
from graph.draft.findings import FindingKind, Span
from graph.draft.reader import Reading

__all__ = ["review_page"]

_STYLE = """
body{font:15px/1.55 system-ui,sans-serif;margin:0;color:#1d1d1f;background:#fafafa}
header{padding:12px 20px;background:#1f3a5f;color:#fff}header h1{font-size:18px;margin:0}
header p{margin:4px 0 0;font-size:13px;opacity:.85}
main{display:grid;grid-template-columns:minmax(0,3fr) minmax(0,2fr);gap:20px;padding:16px 20px}
article{background:#fff;padding:16px 22px;border:1px solid #ddd;border-radius:6px;white-space:pre-wrap}
aside{font-size:13px}aside section{background:#fff;border:1px solid #ddd;border-radius:6px;
padding:8px 12px;margin-bottom:10px}aside h2{font-size:13px;margin:0 0 4px;text-transform:uppercase;
color:#555}aside code{font-size:12px;word-break:break-all}
mark{border-radius:3px;padding:0 1px;cursor:help}
mark.entity{background:#d6eaff}mark.attribution{background:#ffe0b3}mark.date{background:#d9f2d9}
mark.cue{background:#ffd6e7}mark.scope{background:#efe0ff}mark.quote{background:#fff4b3}
mark.flash{outline:3px solid #e4572e}
.kind{font-weight:600}a.span{margin-right:6px}
"""

_SCRIPT = """
document.querySelectorAll('a.span').forEach(function (link) {
  link.addEventListener('click', function (event) {
    event.preventDefault();
    var ids = link.dataset.marks.split(' ');
    document.querySelectorAll('mark.flash').forEach(function (m) { m.classList.remove('flash'); });
    ids.forEach(function (id, i) {
      var mark = document.getElementById(id);
      if (mark) { mark.classList.add('flash'); if (i === 0) mark.scrollIntoView({block: 'center'}); }
    });
  });
});
"""


def _findings(reading: Reading) -> list[tuple[Span, FindingKind, str]]:
    found: list[tuple[Span, FindingKind, str]] = []
    for mention in reading.mentions:
        target = curie(mention.term) if mention.term else "new"
        found.append(
            (
                mention.span,
                FindingKind.ENTITY,
                f"{mention.role.value}: {target} ({mention.how}, {mention.score:.0f})",
            )
        )
    for mention in reading.new_names:
        found.append(
            (mention.span, FindingKind.ENTITY, f"new {mention.role.value} (guessed): not in the graph")
        )
    for cue in reading.cues:
        found.append((cue.span, cue.kind.finding, cue.kind.value))
    for when in reading.dates:
        found.append((when.span, FindingKind.DATE, f"date: {when.shown} ({when.precision})"))
    for attribution in reading.attributions:
        who = (
            curie(attribution.person)
            if attribution.person
            else f"{attribution.group} (count {attribution.count or 'unknown'})"
        )
        found.append((attribution.span, FindingKind.ATTRIBUTION, f"who says so: {who}"))
    for quote in reading.quotes:
        speaker = quote.speaker.group or quote.speaker.text if quote.speaker else "speaker unknown"
        found.append((quote.span, FindingKind.QUOTE, f"quote, said by {speaker}"))
    return sorted(found, key=lambda f: (f[0].start, -f[0].end))


def _marked(text: str, findings: list[tuple[Span, FindingKind, str]]) -> tuple[str, dict[Span, list[str]]]:
    """The text as HTML with non-overlapping marks; a finding inside another shows as the outer one."""
    out: list[str] = []
    ids: dict[Span, list[str]] = {}
    position = 0
    open_until = -1
    for number, (span, kind, meaning) in enumerate(findings):
        mark_id = f"f{number}"
        ids.setdefault(span, []).append(mark_id)
        if span.start < open_until or span.start < position:
            continue
        out.append(html.escape(text[position : span.start]))
        inner = html.escape(text[span.start : span.end])
        out.append(f'<mark id="{mark_id}" class="{kind.value}" title="{html.escape(meaning)}">{inner}</mark>')
        position = span.end
        open_until = span.end
    out.append(html.escape(text[position:]))
    return "".join(out), ids


def _mark_ids(span: Span, ids: dict[Span, list[str]]) -> list[str]:
    inside = [i for s, held in ids.items() if span.start <= s.start and s.end <= span.end for i in held]
    return inside or [i for s, held in ids.items() if s.start <= span.start < s.end for i in held][:1]


def review_page(reading: Reading, blocks: Sequence[Block], *, title: str, turtle: str) -> str:
    """The review page's HTML."""
    findings = _findings(reading)
    body, ids = _marked(reading.text, findings)
    cards = []
    for block in blocks:
        if not block.unreviewed:
            continue
        links = []
        for span in block.spans:
            marks = _mark_ids(span, ids)
            if marks:
                links.append(f'<a class="span" href="#{marks[0]}" data-marks="{" ".join(marks)}">{span}</a>')
        cards.append(
            f'<section class="candidate" data-kind="{block.kind.value if block.kind else "document"}">'
            f"<h2>{html.escape(block.kind.value if block.kind else 'document')}</h2>"
            f"<div><code>{html.escape(block.name)}</code></div>"
            f"<div>{html.escape(block.summary)}</div><div>{''.join(links)}</div></section>"
        )
    counts = {kind: sum(1 for f in findings if f[1] is kind) for kind in FindingKind}
    legend = "".join(
        f'<mark class="{kind.value}">{kind.value}: {counts[kind]}</mark> ' for kind in FindingKind
    )
    csp = "default-src 'none'; style-src 'unsafe-inline'; script-src 'unsafe-inline'; img-src 'none'"
    return f"""<!doctype html>
<html lang="en"><head><meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="{csp}">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Review: {html.escape(title)}</title><style>{_STYLE}</style></head>
<body><header><h1>Review: {html.escape(title)}</h1>
<p>{len(cards)} candidates to check. Every mark is a finding; hover for its meaning, click a
candidate's characters to see where it came from.</p><p class="legend">{legend}</p></header>
<main><article id="text">{body}</article>
<aside id="candidates">{"".join(cards)}
<section><h2>draft</h2><details><summary>Turtle</summary><pre>{html.escape(turtle)}</pre></details></section>
</aside></main><script>{_SCRIPT}</script></body></html>
"""
