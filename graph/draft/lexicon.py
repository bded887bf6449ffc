"""The drafting lexicon: cue words and their meaning, read from TOML files.

The package ships ``lexicon.toml``; a user's own file adds to its lists (a table in
both is merged, a list in both is the two lists joined). Phrases are compiled into
spaCy ``Matcher`` patterns (see the file's header for the phrase syntax).

Examples
--------
>>> lexicon = load_lexicon()
>>> "allowed" in lexicon.words("policy", "permission")
True
>>> lexicon.number("three"), lexicon.number("several")
(3, None)
"""

from __future__ import annotations

import tomllib
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache
from importlib.resources import files
from pathlib import Path
from typing import Any

from graph.errors import SourceError

__all__ = ["Lexicon", "load_lexicon", "phrase_patterns"]

#: how many words a `*` in a phrase stands for at most
GAP = 3


@dataclass(frozen=True)
class Lexicon:
    """The merged lexicon tables, with typed accessors for what the reader needs."""

    table: dict[str, Any]
    files: tuple[str, ...]

    def phrases(self, section: str, key: str) -> list[str]:
        """The phrases under ``[section] key`` (empty when absent)."""
        value = self.table.get(section, {}).get(key, [])
        return [str(v) for v in value] if isinstance(value, list) else []

    def words(self, section: str, key: str) -> frozenset[str]:
        """Every single word the phrases under ``[section] key`` may match, lower case."""
        out: set[str] = set()
        for phrase in self.phrases(section, key):
            for chunk in phrase.split():
                out.update(w.casefold() for w in chunk.split("|") if w != "*")
        return frozenset(out)

    def number(self, word: str) -> int | None:
        """The count a word gives ("three" is 3, "12" is 12), None when it gives none."""
        if word.isdigit():
            return int(word)
        value = self.table.get("attribution", {}).get("numbers", {}).get(word.casefold())
        return int(value) if isinstance(value, int) else None

    def terms(self) -> dict[str, list[str]]:
        """``[terms]``: ontology terms (``pg:Name``) and the phrases that name them."""
        raw = self.table.get("terms", {})
        return {str(k): [str(p) for p in v] for k, v in raw.items() if isinstance(v, list)}


def _merge(base: dict[str, Any], extra: dict[str, Any]) -> dict[str, Any]:
    out = dict(base)
    for key, value in extra.items():
        if isinstance(value, dict) and isinstance(out.get(key), dict):
            out[key] = _merge(out[key], value)
        elif isinstance(value, list) and isinstance(out.get(key), list):
            out[key] = [*out[key], *(v for v in value if v not in out[key])]
        else:
            out[key] = value
    return out


def _read(text: str, name: str) -> dict[str, Any]:
    try:
        table = tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        message = str(error)
        line = None
        if "(at line " in message:
            where = message.rsplit("(at line ", 1)[1]
            line = int(where.split(",")[0])
            message = message.split(" (at line ", maxsplit=1)[0]
        raise SourceError(name, f"not a valid lexicon file: {message}", line=line) from None
    for section, value in table.items():
        if section == "version":
            continue
        if not isinstance(value, dict):
            raise SourceError(name, f"'{section}' must be a table ([{section}]) of lists of phrases")
        for key, phrases in value.items():
            if isinstance(phrases, list) and not all(isinstance(p, str) for p in phrases):
                raise SourceError(name, f"[{section}] {key}: every phrase must be a string in quotes")
    return table


@cache
def _bundled() -> dict[str, Any]:
    return _read(files("graph.draft").joinpath("lexicon.toml").read_text("utf-8"), "lexicon.toml")


def load_lexicon(extra: Sequence[str | Path] = ()) -> Lexicon:
    """The bundled lexicon, extended with the user's files in order.

    Raises
    ------
    SourceError
        A file cannot be read or is not valid TOML of the expected shape.
    """
    from graph.strict import read_capped

    table = _bundled()
    names = ["lexicon.toml"]
    for path in extra:
        data = read_capped(Path(path), limit=1_000_000, what="lexicon file")
        try:
            text = data.decode("utf-8")
        except UnicodeDecodeError:
            raise SourceError(str(path), "not UTF-8 text: save the lexicon as UTF-8") from None
        table = _merge(table, _read(text, str(path)))
        names.append(str(path))
    return Lexicon(table, tuple(names))


def phrase_patterns(phrase: str, tokenize: Any) -> list[list[dict[str, Any]]]:
    """The spaCy ``Matcher`` patterns for one lexicon phrase.

    ``tokenize`` splits text into words the way the reader does (``nlp.make_doc``). An
    alternative the tokenizer splits ("go-ahead" is "go" "-" "ahead") makes a pattern of
    its own.

    >>> import spacy
    >>> phrase_patterns("granted * permission", spacy.blank("en").make_doc)
    [[{'LOWER': 'granted'}, {'OP': '{,3}'}, {'LOWER': 'permission'}]]
    >>> phrase_patterns("has|have not", spacy.blank("en").make_doc)
    [[{'LOWER': {'IN': ['has', 'have']}}, {'LOWER': 'not'}]]
    >>> len(phrase_patterns("give|gave the nod|go-ahead", spacy.blank("en").make_doc))
    2
    """
    patterns: list[list[dict[str, Any]]] = [[]]
    for chunk in phrase.split():
        options: list[list[dict[str, Any]]]
        if chunk == "*":
            options = [[{"OP": f"{{,{GAP}}}"}]]
        else:
            words = [w for w in chunk.split("|") if w]
            split: list[list[dict[str, Any]]] = [
                [{"LOWER": token.lower_} for token in tokenize(w)] for w in words
            ]
            single = [w.casefold() for w, tokens in zip(words, split, strict=True) if len(tokens) == 1]
            options = [tokens for tokens in split if len(tokens) != 1]
            if len(single) == 1:
                options.append([{"LOWER": single[0]}])
            elif single:
                options.append([{"LOWER": {"IN": single}}])
        patterns = [pattern + option for pattern in patterns for option in options]
    return [p for p in patterns if p]
