"""The engine's facts kept beside an Oxigraph store, so that an engine on it starts in seconds.

Reading the facts from a store's kept answers (:mod:`graph.kept`) makes a Python object
of every term and rule: at a million triples that takes most of a quarter of a minute.
``policygraph build SOURCES --store oxigraph:DIR`` therefore reads them once and writes
them, with the rules as known today prepared for deciding, into the store's folder
(``policygraph-engine.pickle``); an engine on that store then loads them whole
(:func:`read`).

A pickle can run code when it is loaded, so a snapshot is loaded only when it is this
user's own: it carries an HMAC-SHA256 under a key kept in the user's cache folder
(``$XDG_CACHE_HOME/policygraph/snapshot.key``, else ``~/.cache/...``, readable by the
user alone), checked before anything is unpickled. A snapshot that was written by
another user or machine, by another version of policygraph, or for other kept answers
(the store changed since) is left alone: the engine reads the kept answers instead, with
the same answers, only slower. An update served with ``--allow-update`` drops it, as it
drops the kept answers (:func:`graph.kept.forget`).

Examples
--------
>>> import tempfile
>>> from graph.stores import StoreSpec, ingest, open_corpus
>>> folder = tempfile.mkdtemp() + "/store"
>>> _ = ingest(None, StoreSpec("oxigraph", path=folder))  # writes the snapshot
>>> facts = read(open_corpus(None, StoreSpec("oxigraph", path=folder)).dataset)
>>> facts is not None and len(facts.view(None).rules) > 10
True
"""

from __future__ import annotations

import copyreg
import functools
import gc
import hashlib
import hmac
import io
import json
import mmap
import os
import pickle
import platform
import secrets
from pathlib import Path
from typing import Any

import rdflib
from rdflib import BNode, Dataset, Literal, URIRef

from graph import collector
from graph.backend import store_folder, stored_blank, stored_iri
from graph.kept import ENGINE_FILE, FILE
from graph.output import atomic_write
from graph.policy.facts import Facts, SourceRows

__all__ = ["dumps", "key_file", "read", "write"]

_MAGIC = b"policygraph engine snapshot 1\n"
_DIGEST = hashlib.sha256().digest_size
_KEY_BYTES = 32
_PACKAGE = Path(__file__).resolve().parents[1]


def key_file() -> Path:
    """Where this user's snapshot key lives (created, readable by the user alone, on first use)."""
    cache = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(cache) / "policygraph" / "snapshot.key"


def _key() -> bytes | None:
    """The user's key, made on first use; None when the cache folder cannot be written."""
    path = key_file()
    try:
        try:
            key = path.read_bytes()
        except FileNotFoundError:
            path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
            handle = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
            with os.fdopen(handle, "wb") as stream:
                stream.write(secrets.token_bytes(_KEY_BYTES))
            key = path.read_bytes()
    except OSError:  # no cache folder to write, or a key made meanwhile and not yet written
        return None
    return key if len(key) == _KEY_BYTES else None


@functools.cache
def _code() -> str:
    """What the snapshot's objects depend on: this policygraph's code, rdflib and Python (read once)."""
    digest = hashlib.sha256(f"{rdflib.__version__} {platform.python_version()}".encode())
    for path in sorted(_PACKAGE.rglob("*.py")):
        digest.update(path.relative_to(_PACKAGE).as_posix().encode() + b"\0" + path.read_bytes())
    return digest.hexdigest()


def _kept(folder: Path) -> str | None:
    """A fingerprint of the kept answers the facts were read from (None: there are none)."""
    try:
        return hashlib.sha256((folder / FILE).read_bytes()).hexdigest()
    except OSError:
        return None


def _header(folder: Path) -> bytes | None:
    kept = _kept(folder)
    if kept is None:
        return None
    return json.dumps({"code": _code(), "kept": kept}, sort_keys=True).encode() + b"\n"


def _literal(
    text: str, language: str | None, datatype: URIRef | None, value: Any, ill_typed: bool | None
) -> Literal:
    """A literal read back with the value it had: not converted from its text again."""
    made = str.__new__(Literal, text)
    made._language, made._datatype, made._value, made._ill_typed = language, datatype, value, ill_typed
    return made


def _rows_later(packed: bytes) -> SourceRows:
    """The rows a day's knowledge is built from, unpickled on first use (see :func:`dumps`)."""
    return SourceRows.later(functools.partial(_loads, packed))


def _loads(data: bytes | memoryview) -> Any:
    """Unpickle, the objects read frozen out of the cyclic collector's sight.

    They live as long as the engine that reads them: left in its sight, the first
    collection after this one would scan them all.
    """
    with collector.paused():  # millions of objects, none of them garbage
        found = pickle.loads(data)
        gc.freeze()
    return found


def dumps(facts: Any) -> bytes:
    """Pickle the facts (or any object), their IRIs and literals kept as they are.

    rdflib pickles an IRI by its text and a literal by its text, language and datatype, so
    reading a snapshot would check every IRI again and convert every literal's text to its
    value again (a quarter of the start-up at 10^6 triples), and run rdflib's constructor
    for every blank node.

    The rows the knowledge of a day is built from (:class:`~graph.policy.facts.SourceRows`)
    are pickled apart and unpickled only when an engine builds the knowledge of another day
    than the snapshot's: they are two fifths of a snapshot.

    Examples
    --------
    >>> from rdflib import XSD, Literal
    >>> day = pickle.loads(dumps(Literal("2024-05-30", datatype=XSD.date)))
    >>> day.value, day.datatype == XSD.date
    (datetime.date(2024, 5, 30), True)
    """
    stream = io.BytesIO()
    pickler = pickle.Pickler(stream, protocol=pickle.HIGHEST_PROTOCOL)
    pickler.dispatch_table = {
        **copyreg.dispatch_table,
        URIRef: lambda iri: (stored_iri, (str(iri),)),  # checked when it was made
        BNode: lambda node: (stored_blank, (str(node),)),
        Literal: lambda literal: (
            _literal,
            (str(literal), literal.language, literal.datatype, literal.value, literal.ill_typed),
        ),
        SourceRows: lambda rows: (_rows_later, (dumps(rows.as_tuple()),)),
    }
    pickler.dump(facts)
    return stream.getvalue()


def write(dataset: Dataset, folder: Path) -> Path | None:
    """Read the engine's facts from the store behind ``dataset`` and keep them in ``folder``.

    Its kept answers (:func:`graph.kept.keep`) must be there already. Returns the file, or
    None when there is no key to sign it with (the engine then reads the kept answers).
    """
    from graph.policy.engine import PolicyEngine

    key, header = _key(), _header(Path(folder))
    if key is None or header is None:
        return None
    # reads the facts and prepares the day's rules for deciding (given the facts, the engine
    # does not freeze them: what it read is garbage once written)
    with collector.paused():  # millions of objects, none of them garbage
        facts = Facts(dataset)
        PolicyEngine(dataset, facts=facts)
        payload = header + dumps(facts)
    path = Path(folder) / ENGINE_FILE
    atomic_write(path, _MAGIC + hmac.new(key, payload, hashlib.sha256).digest() + payload)
    return path


def read(dataset: Dataset) -> Facts | None:
    """The facts kept beside the store behind ``dataset``, or None.

    None for a store in memory or behind an endpoint, and for a snapshot that is missing,
    not signed by this user's key, or made for other code or other kept answers. The facts
    read are frozen out of the cyclic collector's sight (:func:`gc.freeze`), as a fresh
    engine's are.
    """
    folder = store_folder(dataset)
    if folder is None:
        return None
    try:
        with open(folder / ENGINE_FILE, "rb") as stream:
            # mapped, not read: a snapshot at 5*10^6 triples is 340 MB, and a copy of it took
            # a tenth of the start-up
            data = mmap.mmap(stream.fileno(), 0, access=mmap.ACCESS_READ)
    except (OSError, ValueError):  # no file, or an empty one
        return None
    with data:
        facts = _checked(data, folder)
    if facts is not None:
        facts.dataset = dataset
    return facts


def _checked(data: mmap.mmap, folder: Path) -> Facts | None:
    """The facts in a snapshot's bytes, if this user's key signed them for this code and these answers."""
    key = _key()
    start = len(_MAGIC) + _DIGEST
    with memoryview(data) as whole:
        if (
            key is None
            or data[: len(_MAGIC)] != _MAGIC
            or not hmac.compare_digest(
                whole[len(_MAGIC) : start], hmac.new(key, whole[start:], hashlib.sha256).digest()
            )
        ):
            return None
        end = data.find(b"\n", start) + 1
        if end == 0 or data[start:end] != _header(folder):
            return None  # other code, or the store was built again since
        with whole[end:] as payload:
            found: Facts = _loads(payload)
        return found
