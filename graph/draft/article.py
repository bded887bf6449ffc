r"""Read an article to draft from: plain text, or a saved web page through trafilatura.

A plain-text file's first line is its title when it reads like one (short, no full stop
at its end). From a saved page, trafilatura extracts the article's text, title, date and
site name offline; options given by the user win over what the page says.

Examples
--------
>>> article = parse_article("US lets Kyiv fire back\n\nWashington allowed Ukraine to strike.",
...                         name="a.txt", published="2024-05-30")
>>> article.title, article.published.isoformat(), article.text
('US lets Kyiv fire back', '2024-05-30', 'Washington allowed Ukraine to strike.')
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from graph.errors import SourceError

__all__ = ["MAX_ARTICLE_BYTES", "Article", "parse_article", "read_article"]

#: the largest file ``draft`` reads: a long article is well under 1 MB of text
MAX_ARTICLE_BYTES = 5 * 2**20

#: common English words: a text with too few of them is not drafted
_ENGLISH = frozenset(
    "the a an of to in and or is are was were be been has have had that this it its for on with "  # noqa: SIM905
    "as by at from not but which who said says will would can could may their they he she his her".split()
)


@dataclass(frozen=True)
class Article:
    """The text to draft and what is known of its document."""

    file: str
    text: str
    title: str | None
    published: date | None
    publisher: str | None
    url: str | None = None
    #: which of title, day and publisher the user gave (the others were read off a page, or are missing)
    given_title: bool = False
    given_published: bool = False
    given_publisher: bool = False


def _day(value: str | None, *, name: str, what: str) -> date | None:
    if not value:
        return None
    try:
        return date.fromisoformat(value[:10])
    except ValueError:
        raise SourceError(name, f"{what} '{value}' is not a day: write YYYY-MM-DD") from None


def _looks_like_html(name: str, text: str) -> bool:
    if Path(name).suffix.lower() in (".html", ".htm", ".xhtml"):
        return True
    head = text.lstrip()[:200].lower()
    return head.startswith(("<!doctype html", "<html", "<?xml"))


def _from_html(html: str, name: str) -> tuple[str, str | None, str | None, str | None, str | None]:
    import trafilatura

    try:
        extracted = trafilatura.bare_extraction(
            html, with_metadata=True, include_comments=False, include_tables=False, favor_precision=True
        )
    except Exception as exc:  # lxml and trafilatura raise many kinds on broken markup
        raise SourceError(name, f"cannot read the page: {exc}") from None
    if extracted is None:
        raise SourceError(
            name, "no article found in the page: save the article's own page, or its text as .txt"
        )
    data = extracted.as_dict() if hasattr(extracted, "as_dict") else dict(extracted)
    text = str(data.get("text") or "").strip()
    if len(text.split()) < 15:  # a menu or a cookie notice, not an article
        raise SourceError(
            name, "no article found in the page: save the article's own page, or its text as .txt"
        )
    title = data.get("title")
    site = data.get("sitename") or data.get("hostname")
    return text, title, data.get("date"), site, data.get("url")


def _english(text: str, name: str) -> None:
    words = re.findall(r"[a-z]+", text.casefold())
    if not words:
        raise SourceError(name, "holds no words to draft from")
    share = sum(w in _ENGLISH for w in words) / len(words)
    if len(words) >= 8 and share < 0.08:
        raise SourceError(
            name,
            f"does not read as English ({share:.0%} common English words): "
            "draft reads English text only; translate it first",
        )


def parse_article(
    content: str,
    *,
    name: str,
    published: str | None = None,
    publisher: str | None = None,
    title: str | None = None,
) -> Article:
    """An :class:`Article` from text or HTML; the options win over the page's metadata.

    Raises
    ------
    SourceError
        No text, no article in a page, or text that is not English.
    """
    url = None
    page_date = None
    site = None
    found_title = None
    page = _looks_like_html(name, content)
    if page:
        text, found_title, page_date, site, url = _from_html(content, name)
    else:
        text = content.replace("\r\n", "\n").strip()
        if not text:
            raise SourceError(name, "is empty: nothing to draft")
        first, _, rest = text.partition("\n")
        line = first.strip()
        if rest.strip() and len(line) <= 160 and not line.endswith((".", "”", '"')):
            found_title, text = line, rest.strip()
    _english(text, name)
    return Article(
        file=name,
        text=text,
        title=title or found_title,
        published=_day(published, name=name, what="--published")
        or _day(page_date, name=name, what="the page's date"),
        publisher=publisher or site,
        url=url,
        given_title=bool(title) or (found_title is not None and not page),
        given_published=bool(published),
        given_publisher=bool(publisher),
    )


def read_article(
    path: str | Path,
    *,
    published: str | None = None,
    publisher: str | None = None,
    title: str | None = None,
) -> Article:
    """Read a ``.txt`` or saved ``.html`` article; see :func:`parse_article`.

    Raises
    ------
    SourceError
        Not a regular file, larger than :data:`MAX_ARTICLE_BYTES`, binary, not UTF-8,
        empty, a page with no article, or not English.
    """
    from graph.strict import read_capped

    path = Path(path)
    data = read_capped(path, limit=MAX_ARTICLE_BYTES, what="article")
    if b"\x00" in data[:65536]:
        raise SourceError(
            str(path), "is a binary file, not text: give the article as .txt or a saved .html page"
        )
    try:
        content = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise SourceError(str(path), f"is not UTF-8 text (byte {exc.start}): save it as UTF-8") from None
    return parse_article(content, name=str(path), published=published, publisher=publisher, title=title)
