"""Write a draft as a Turtle source: the project's own format, every candidate marked unreviewed."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from graph.draft.claims import Block, curie
from graph.draft.reader import Reading
from graph.namespaces import PREFIXES

__all__ = ["to_turtle"]

_USED = ("", "pg", "src", "rdfs", "xsd", "skos", "prov", "dcterms", "odrl")


def _excerpt(text: str, block: Block) -> str:
    if not block.spans:
        return ""
    span = block.spans[0]
    words = " ".join(text[span.start : span.end].split())
    if len(words) > 90:
        words = words[:87] + "..."
    return f"  [{span}] {words}"


def to_turtle(blocks: Sequence[Block], reading: Reading, *, file: str, made: date) -> str:
    """The draft's Turtle text, with a header that says how to review it."""
    lines = [
        f"# Draft of {file}, made by `policygraph draft` on {made.isoformat()}.",
        "# Each candidate below carries `pg:unreviewed true`: check it against the text (the",
        "# comment above it gives the characters it came from), correct it, then delete that line.",
        "# `policygraph validate` lists what is still unreviewed; `build` refuses this file until",
        "# nothing is. Delete a candidate that is wrong. Replace every `(to write: ...)` value.",
        "#",
        "# Names linked to the graph (text, term, how, score, characters):",
    ]
    for mention in reading.mentions:
        if mention.term is not None:
            lines.append(
                f"#   {mention.text!r} -> {curie(mention.term)} "
                f"({mention.how}, {mention.score:.0f}) at {mention.span}"
            )
    for when in reading.dates:
        lines.append(f"#   date {when.text!r} -> {when.shown} at {when.span}")
    lines.append("")
    lines += [f"@prefix {prefix}: <{PREFIXES[prefix]}> ." for prefix in _USED]
    for block in blocks:
        lines.append("")
        kind = block.kind.value if block.kind else "document"
        lines.append(f"# {kind}: {block.summary}")
        excerpt = _excerpt(reading.text, block)
        if excerpt:
            lines.append(f"#{excerpt}")
        properties = [("a", " , ".join(block.types))]
        if block.unreviewed:
            # never the last line, so that deleting it leaves valid Turtle
            properties.append(("pg:unreviewed", "true"))
        properties += block.properties
        if block.spans:
            properties.append(("pg:textSpan", " , ".join(f'"{s}"' for s in block.spans)))
        body = " ;\n    ".join(f"{p} {o}" for p, o in properties)
        lines.append(f"{block.name}\n    {body} .")
    return "\n".join(lines) + "\n"
