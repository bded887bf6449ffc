"""Draft a source from a news article: candidate claims for a person to review.

``draft`` reads a text (or a saved web page), finds the names the graph knows, who says
so, dates, quotes and the cues of decisions, and writes a source in the project's own
format where every candidate carries ``pg:unreviewed true``. Validation lists the
candidates still unreviewed and a build refuses the source until none is left.

Examples
--------
>>> from graph.load import load
>>> result = draft_text("Washington allowed Kyiv to strike military targets inside Russia, "
...                     "two U.S. officials said.", dataset=load().dataset,
...                     published="2024-05-30", publisher="Reuters")
>>> [b.kind.value for b in result.blocks if b.kind is not None][:3]
['source group', 'policy', 'permission']
>>> "pg:unreviewed true" in result.turtle
True
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from rdflib import Dataset

from graph.draft.article import Article, parse_article, read_article
from graph.draft.assemble import Findings, assemble
from graph.draft.claims import Block, claims, slug
from graph.draft.lexicon import Lexicon, load_lexicon
from graph.draft.reader import Reading, read_text
from graph.draft.turtle import to_turtle

__all__ = ["Draft", "draft", "draft_text", "load_lexicon", "review"]


@dataclass(frozen=True)
class Draft:
    """What ``draft`` made of one article: the reading, the candidates and the Turtle text."""

    article: Article
    reading: Reading
    findings: Findings
    source: str
    blocks: tuple[Block, ...]
    turtle: str

    @property
    def candidates(self) -> int:
        """How many candidates wait for review."""
        return sum(b.unreviewed for b in self.blocks)


def _document(article: Article) -> str:
    if article.publisher and article.published:
        return f"{slug(article.publisher)}-{article.published.isoformat()}"
    return slug(Path(article.file).stem)


def _draft(article: Article, dataset: Dataset, lexicon: Lexicon) -> Draft:
    reading = read_text(article.text, dataset=dataset, lexicon=lexicon, published=article.published)
    findings = assemble(reading, dataset=dataset, lexicon=lexicon, published=article.published)
    source, blocks = claims(reading, findings, article, dataset=dataset, document=_document(article))
    turtle = to_turtle(blocks, reading, file=article.file, made=date.today())
    return Draft(article, reading, findings, source, tuple(blocks), turtle)


def review(result: Draft) -> str:
    """The offline review page of a draft (HTML): the text with every finding marked."""
    from graph.draft.review import review_page

    title = result.article.title or Path(result.article.file).name
    return review_page(result.reading, result.blocks, title=title, turtle=result.turtle)


def draft(
    path: str | Path,
    *,
    dataset: Dataset,
    published: str | None = None,
    publisher: str | None = None,
    title: str | None = None,
    lexicons: Sequence[str | Path] = (),
) -> Draft:
    """Draft a source from a ``.txt`` article or a saved ``.html`` page.

    Parameters
    ----------
    path : str or Path
        The article.
    dataset : Dataset
        The graph whose names the draft links to (``graph.load.load().dataset``).
    published, publisher, title : str, optional
        The document's day (YYYY-MM-DD), publisher and title; each wins over what a page says.
    lexicons : sequence of paths
        Your own lexicon files, added to the bundled one.

    Raises
    ------
    SourceError
        The file cannot be read, holds no article, or is not English text.
    """
    article = read_article(path, published=published, publisher=publisher, title=title)
    return _draft(article, dataset, load_lexicon(lexicons))


def draft_text(
    text: str,
    *,
    dataset: Dataset,
    published: str | None = None,
    publisher: str | None = None,
    title: str | None = None,
    name: str = "text",
    lexicons: Sequence[str | Path] = (),
) -> Draft:
    """Draft a source from text in memory; see :func:`draft`."""
    article = parse_article(text, name=name, published=published, publisher=publisher, title=title)
    return _draft(article, dataset, load_lexicon(lexicons))
