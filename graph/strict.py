r"""Checks a source must pass before rdflib parses it: untrusted text stays bounded and exact.

rdflib is lenient (it accepts dozens of invalid Turtle documents, ill-typed literals with
a warning) and recursive (deep nesting exhausts the stack). So each source is first:

1. bounded: at most :attr:`Limits.max_source_bytes` bytes, brackets nested at most
   :attr:`Limits.max_nesting` deep (counted before any parser runs, outside strings,
   IRIs and comments), literals at most :attr:`Limits.max_literal_chars` characters;
2. clean: UTF-8 (a leading byte-order mark is dropped), no NUL or other control
   characters outside ``\t \n \r``, not empty;
3. strict: parsed by Oxigraph's conforming Turtle parser, which rejects what the W3C
   Turtle grammar rejects (spaces in IRIs, bad escapes, missing dots, ...) with a line
   and a column.

Every refusal is a :class:`~graph.errors.SourceError` naming the file, the line and the
column where known, and what to fix.

Examples
--------
>>> check_text("@prefix : <http://example.org/> .\n:a :b [ :c [ :d :e ] ] .\n", name="ok.ttl")
>>> check_text("<http://example.org/a b> <http://example.org/p> 1 .", name="bad.ttl")
Traceback (most recent call last):
...
graph.errors.SourceError: bad.ttl:1:1: Turtle syntax error: Invalid IRI code point ' '
"""

from __future__ import annotations

import re
import stat
from dataclasses import dataclass
from pathlib import Path

from graph.errors import SourceError

__all__ = [
    "DEFAULT_LIMITS",
    "Limits",
    "check_bounded",
    "check_bytes",
    "check_size",
    "check_text",
    "read_capped",
]

_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_LOCATION = re.compile(r"line (\d+) (?:between columns (\d+) and \d+|column (\d+))")


@dataclass(frozen=True)
class Limits:
    """How large and how deep a source may be. Raise them for a trusted, large corpus."""

    #: bytes in one source file
    max_source_bytes: int = 16 * 2**20
    #: brackets ``[`` and ``(`` nested inside each other
    max_nesting: int = 64
    #: characters in one literal
    max_literal_chars: int = 100_000
    #: triples in one source (a long report has hundreds; a generated world's reference
    #: source at 5 million triples has about 25,000)
    max_source_triples: int = 100_000


DEFAULT_LIMITS = Limits()


def check_size(size: int, *, name: str, limits: Limits = DEFAULT_LIMITS) -> None:
    """Refuse a source larger than :attr:`Limits.max_source_bytes`; call it before reading when you can."""
    if size > limits.max_source_bytes:
        raise SourceError(
            name,
            f"{size:,} bytes is larger than the {limits.max_source_bytes:,} allowed for one source: "
            "split it, or raise Limits.max_source_bytes",
        )


def read_capped(path: Path, *, limit: int, what: str = "file") -> bytes:
    """The bytes of a regular file, refusing more than ``limit`` while reading (not from ``stat()`` alone).

    A named pipe, a device or a folder is refused before it is opened for reading, so a
    FIFO cannot block and ``/dev/zero`` cannot fill memory.

    Raises
    ------
    SourceError
        Not a regular file, unreadable, or larger than ``limit`` bytes.
    """
    name = str(path)
    try:
        if not stat.S_ISREG(path.stat().st_mode):
            raise SourceError(name, f"not a regular {what}: give a file, not a pipe, device or folder")
        with path.open("rb") as handle:
            data = handle.read(limit + 1)
    except OSError as exc:
        raise SourceError(name, f"cannot read: {exc.strerror or exc}") from None
    if len(data) > limit:
        raise SourceError(name, f"larger than the {limit:,} bytes a {what} may have: split it")
    return data


def check_bytes(data: bytes, *, name: str, limits: Limits = DEFAULT_LIMITS) -> str:
    r"""Decode a source's bytes, or say why not. A UTF-8 byte-order mark is dropped.

    Examples
    --------
    >>> check_bytes(b"\xef\xbb\xbf# hi", name="bom.ttl")
    '# hi'
    """
    check_size(len(data), name=name, limits=limits)
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise SourceError(name, f"not UTF-8 (byte {exc.start}): save the file as UTF-8", line=line) from None
    return text.removeprefix("\ufeff")


def check_text(text: str, *, name: str, limits: Limits = DEFAULT_LIMITS) -> None:
    """Refuse text that is empty, has control characters, nests too deep or is not strict Turtle."""
    check_bounded(text, name=name, limits=limits)
    _check_strict(text, name=name, limits=limits)


def check_bounded(text: str, *, name: str, limits: Limits = DEFAULT_LIMITS) -> None:
    """Refuse what no parser should be given: empty text, control characters, deep nesting, long literals.

    Control characters are those outside tab, newline and return; nesting and literal
    lengths are bounded by ``limits``.
    """
    if not text.strip():
        raise SourceError(name, "the file is empty: a source describes one document (see examples/corpus)")
    bad = _CONTROL.search(text)
    if bad:
        line, column = _position(text, bad.start())
        raise SourceError(
            name,
            f"control character U+{ord(bad.group()):04X}: remove it (inside a string, write it as an escape)",
            line=line,
            column=column,
        )
    _check_nesting(text, name=name, limits=limits)


def _position(text: str, offset: int) -> tuple[int, int]:
    line = text.count("\n", 0, offset) + 1
    return line, offset - (text.rfind("\n", 0, offset) + 1) + 1


#: what the bracket count skips, and the brackets: a comment, an IRI, a string (long or
#: short, escapes skipped, to the end of the text when unclosed), an opening or a closing
_TOKENS = re.compile(
    r"#[^\n]*"
    r"|<[^>]*>?"
    r'|"""(?:[^"\\]|\\.|"(?!""))*(?:"""|\\?\Z)'
    r"|'''(?:[^'\\]|\\.|'(?!''))*(?:'''|\\?\Z)"
    r'|"(?:[^"\\]|\\.)*(?:"|\\?\Z)'
    r"|'(?:[^'\\]|\\.)*(?:'|\\?\Z)"
    r"|[\[(]|[\])]",
    re.DOTALL,
)


def _check_nesting(text: str, *, name: str, limits: Limits) -> None:
    """Count bracket depth outside comments, IRIs and strings, and literal lengths, in one pass."""
    depth = 0
    for token in _TOKENS.finditer(text):
        first = token.group()[0]
        if first in "[(":
            depth += 1
            if depth > limits.max_nesting:
                line, column = _position(text, token.start())
                raise SourceError(
                    name,
                    f"brackets nested more than {limits.max_nesting} deep: flatten the data, "
                    "or raise Limits.max_nesting",
                    line=line,
                    column=column,
                )
        elif first in "])":
            depth = max(depth - 1, 0)
        elif first in "\"'" and token.end() - token.start() - 1 > limits.max_literal_chars:
            word = token.group()
            quote = word[:3] if word.startswith(('"""', "'''")) else word[0]
            closed = len(word) >= 2 * len(quote) and word.endswith(quote)
            chars = len(word) - len(quote) * (2 if closed else 1)
            if chars > limits.max_literal_chars:
                line, column = _position(text, token.start())
                raise SourceError(
                    name,
                    f"a literal of {chars:,} characters, more than the "
                    f"{limits.max_literal_chars:,} allowed: shorten it, or raise Limits.max_literal_chars",
                    line=line,
                    column=column,
                )


def _check_strict(text: str, *, name: str, limits: Limits) -> None:
    import pyoxigraph

    try:
        triples = pyoxigraph.parse(
            text.encode("utf-8"), format=pyoxigraph.RdfFormat.TURTLE, base_iri="file:///source.ttl"
        )
        for count, _ in enumerate(triples, start=1):
            if count > limits.max_source_triples:
                raise SourceError(
                    name,
                    f"more than the {limits.max_source_triples:,} triples allowed in one source: "
                    "split it, or raise Limits.max_source_triples",
                )
    except SyntaxError as exc:
        message = str(exc.msg if hasattr(exc, "msg") else exc)
        found = _LOCATION.search(message)
        why = message.split(": ", 1)[1] if ": " in message else message
        line = int(found.group(1)) if found else exc.lineno
        column = int(found.group(2) or found.group(3)) if found else exc.offset
        raise SourceError(name, f"Turtle syntax error: {why}", line=line, column=column) from None
