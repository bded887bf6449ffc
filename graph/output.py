r"""Write outputs so that a reader never sees half a file and a failure loses nothing.

Every file is written to a temporary file in the same folder, flushed to disk and
renamed over the old one (:func:`atomic_write`). A set of outputs is written to a
staging folder first and moved into place only when all of it succeeded
(:func:`staged`), so a failed build leaves the previous outputs as they were.

A set of outputs is switched in as one unit. Once the staging folder is complete, a
marker beside it commits the switch; the folder's ``manifest.json`` is removed, the
files are renamed in, and a new manifest (every file with its size and SHA-256) comes
last. A run killed in the middle (even by ``kill -9``) leaves no manifest, so a reader
can tell, and the next run that writes the folder finishes the committed switch before
anything else: the folder never keeps files from two builds. A staging folder without
its marker is an unfinished build and is removed.

Examples
--------
>>> import tempfile, pathlib
>>> folder = pathlib.Path(tempfile.mkdtemp())
>>> atomic_write(folder / "a.txt", "hello\n")
>>> (folder / "a.txt").read_text()
'hello\n'
"""

from __future__ import annotations

import contextlib
import fcntl
import hashlib
import json
import os
import shutil
import tempfile
from collections.abc import Iterator
from enum import StrEnum
from pathlib import Path
from typing import Any

from graph.errors import OutputError

__all__ = ["MANIFEST", "atomic_write", "replaced", "staged"]

#: The file listing one switch's outputs; written last, absent while a switch is under way.
MANIFEST = "manifest.json"

#: Added to a staging folder's name for the marker that commits its switch.
_COMMITTED = ".committed"


def atomic_write(path: str | Path, data: str | bytes) -> None:
    """Write ``data`` to ``path`` through a temporary file and a rename.

    Raises
    ------
    OutputError
        When the folder cannot be written; the old file, if any, is untouched.
    """
    path = Path(path)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        handle, temporary = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    except OSError as exc:
        raise OutputError(f"{path}: cannot write: {exc.strerror}") from None
    try:
        os.chmod(temporary, _mode_for(path))
        with os.fdopen(handle, "wb") as stream:
            stream.write(data.encode("utf-8") if isinstance(data, str) else data)
            stream.flush()
            os.fsync(stream.fileno())
        os.replace(temporary, path)
    except BaseException as exc:
        with contextlib.suppress(OSError):
            os.unlink(temporary)
        if isinstance(exc, OSError):
            raise OutputError(f"{path}: cannot write: {exc.strerror}") from None
        raise


def _mode_for(path: Path) -> int:
    """Keep an existing file's permissions; a new file gets the usual ones (0666 less the umask)."""
    try:
        return path.stat().st_mode & 0o7777
    except OSError:
        umask = os.umask(0)
        os.umask(umask)
        return 0o666 & ~umask


@contextlib.contextmanager
def _locked(folder: Path) -> Iterator[None]:
    """Hold the folder's lock: a second writer fails at once with a clear message.

    The lock is an advisory ``flock`` on a hidden file beside the folder; the system drops
    it when the process ends, however it ends, so a killed run never leaves it held.
    """
    lock_path = folder.parent / f".{folder.name}.lock"
    try:
        handle = os.open(lock_path, os.O_RDWR | os.O_CREAT, 0o644)
    except OSError as exc:
        raise OutputError(f"{folder}: cannot write: {exc.strerror}") from None
    try:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise OutputError(
                f"{folder}: another policygraph run is writing here; wait for it to finish and try again"
            ) from None
        yield
    finally:
        os.close(handle)


def on_its_own_device(folder: Path) -> bool:
    """True for a folder on another file system than its parent: a mount point, a container volume.

    A file cannot be renamed across file systems, so its outputs are staged inside it.
    """
    try:
        return folder.is_dir() and folder.stat().st_dev != folder.parent.stat().st_dev
    except OSError:
        return False


@contextlib.contextmanager
def _staging_beside(folder: Path, *, inside: bool = False) -> Iterator[Path]:
    """Hold the folder's lock, clear what killed runs left, and make a new staging folder.

    The staging folder is beside ``folder``, or inside it when ``inside`` (a mount point),
    so that its files move in by a rename on the same file system.
    """
    base = folder if inside else folder.parent
    try:
        base.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise OutputError(f"{folder}: cannot write: {exc.strerror}") from None
    with _locked(folder):
        _finish_committed(base, folder)
        for stale in base.glob(f".{folder.name}.*.staging"):
            shutil.rmtree(stale, ignore_errors=True)
        try:
            staging = Path(tempfile.mkdtemp(prefix=f".{folder.name}.", suffix=".staging", dir=base))
        except OSError as exc:
            raise OutputError(f"{folder}: cannot write: {exc.strerror}") from None
        yield staging


@contextlib.contextmanager
def staged(folder: str | Path) -> Iterator[Path]:
    """Stage outputs for ``folder``; move them in only if the block succeeds.

    Yields a temporary folder beside ``folder`` (inside it when ``folder`` is a mount
    point, as a container's volume often is). When the block ends without an
    error, each file in it replaces its namesake in ``folder`` (each by a rename);
    files of ``folder`` that the block did not write are left alone. On an error,
    the staging folder is removed and ``folder`` is untouched. One writer at a time:
    a second one fails with :class:`OutputError`. Staging folders that a killed run
    left behind are removed by the next run, or moved in when their switch was
    committed. The folder's ``manifest.json`` lists every file it holds, with its
    size and SHA-256; it is absent while a switch is under way.

    Examples
    --------
    >>> import json, tempfile
    >>> with tempfile.TemporaryDirectory() as parent:
    ...     with staged(Path(parent) / "out") as staging:
    ...         _ = (staging / "a.txt").write_text("hello")
    ...     sorted(json.loads((Path(parent) / "out" / MANIFEST).read_text())["files"])
    ['a.txt']
    """
    folder = Path(folder)
    with _staging_beside(folder, inside=on_its_own_device(folder)) as staging:
        yield from _move_in(staging, folder)


class _Switch(StrEnum):
    """How a committed staging folder goes in: file by file, or as the whole folder."""

    FILES = "files"
    FOLDER = "folder"


def _commit(staging: Path, how: _Switch) -> Path:
    """Write the marker that makes the staging folder's switch one that must finish."""
    marker = staging.with_name(staging.name + _COMMITTED)
    atomic_write(marker, how)
    return marker


def _finish_committed(base: Path, folder: Path) -> None:
    """Finish each switch a killed run committed but did not complete."""
    for marker in sorted(base.glob(f".{folder.name}.*.staging{_COMMITTED}")):
        staging = marker.with_name(marker.name.removesuffix(_COMMITTED))
        if staging.is_dir():
            try:
                how = marker.read_text().strip()
            except OSError as exc:
                raise OutputError(f"{marker}: cannot read: {exc.strerror}") from None
            if how == _Switch.FOLDER:
                _swap(staging, folder)
            else:
                _move_files(staging, folder)
        marker.unlink(missing_ok=True)


def _digest(path: Path) -> str:
    with path.open("rb") as stream:
        return hashlib.file_digest(stream, "sha256").hexdigest()


def _listed(folder: Path) -> dict[str, Any]:
    """The files a folder's manifest lists, or none when it has no readable manifest."""
    try:
        listed = json.loads((folder / MANIFEST).read_text(encoding="utf-8")).get("files", {})
    except (OSError, ValueError, AttributeError):
        return {}
    return listed if isinstance(listed, dict) else {}


def _write_manifest(staging: Path, folder: Path) -> None:
    """List in ``staging`` every file the folder will hold once the staged files are in.

    Files of the folder that this switch does not replace keep their entry (or are
    measured when the old manifest lacks them).
    """
    old = _listed(folder)
    files: dict[str, Any] = {}
    for item in _files(folder):
        name = item.relative_to(folder).as_posix()
        if name != MANIFEST and not (staging / name).exists():
            files[name] = old.get(name) or {"bytes": item.stat().st_size, "sha256": _digest(item)}
    for item in _files(staging):
        name = item.relative_to(staging).as_posix()
        files[name] = {"bytes": item.stat().st_size, "sha256": _digest(item)}
    manifest = {"files": dict(sorted(files.items()))}
    atomic_write(staging / MANIFEST, json.dumps(manifest, indent=2) + "\n")


def _files(folder: Path) -> list[Path]:
    """The regular files under ``folder``, less the hidden ones (staging, markers, temporaries)."""
    if not folder.is_dir():
        return []
    return sorted(
        p
        for p in folder.rglob("*")
        if p.is_file() and not any(part.startswith(".") for part in p.relative_to(folder).parts)
    )


def _move_files(staging: Path, folder: Path) -> None:
    """Rename each staged file over its namesake; the manifest goes last."""
    folder.mkdir(parents=True, exist_ok=True)
    (folder / MANIFEST).unlink(missing_ok=True)
    items = [p for p in _files(staging) if p.name != MANIFEST or p.parent != staging]
    if (staging / MANIFEST).is_file():
        items.append(staging / MANIFEST)
    for item in items:
        target = folder / item.relative_to(staging)
        target.parent.mkdir(parents=True, exist_ok=True)
        os.replace(item, target)


def _swap(staging: Path, folder: Path) -> None:
    """Put ``staging`` in place of ``folder`` (two renames; the old folder is then removed).

    When the second rename fails, the old folder is put back before the error is raised.
    """
    old = folder.parent / f".{folder.name}.{os.getpid()}.old.staging"
    try:
        if folder.exists():
            os.replace(folder, old)
        os.replace(staging, folder)
    except OSError:
        if old.exists() and not folder.exists():
            os.replace(old, folder)
        raise
    shutil.rmtree(old, ignore_errors=True)


def _move_in(staging: Path, folder: Path) -> Iterator[Path]:
    marker = staging.with_name(staging.name + _COMMITTED)
    try:
        yield staging
        try:
            _write_manifest(staging, folder)
            _commit(staging, _Switch.FILES)
            _move_files(staging, folder)
            marker.unlink()
        except OSError as exc:
            finish = "; the next run into it finishes the switch" if marker.exists() else ""
            raise OutputError(f"{folder}: cannot write: {exc.strerror}{finish}") from None
    finally:
        # a committed switch that stopped half-way is kept for the next run to finish
        if not marker.exists():
            shutil.rmtree(staging, ignore_errors=True)


@contextlib.contextmanager
def replaced(folder: str | Path) -> Iterator[Path]:
    """Build a new ``folder`` in a staging folder; put it in place of the old one if the block succeeds.

    Unlike :func:`staged`, which replaces files one by one and keeps the others, the
    folder is swapped as a whole (two renames), for outputs that only make sense
    complete: a generated corpus, an on-disk store. On an error the old folder stays.

    Examples
    --------
    >>> import tempfile
    >>> with tempfile.TemporaryDirectory() as parent:
    ...     target = Path(parent) / "store"
    ...     with replaced(target) as staging:
    ...         _ = (staging / "data").write_text("new")
    ...     sorted(p.name for p in target.iterdir())
    ['data']
    """
    folder = Path(folder)
    with _staging_beside(folder) as staging:
        try:
            yield staging
            marker = _commit(staging, _Switch.FOLDER)
            try:
                _swap(staging, folder)
            except OSError as exc:
                marker.unlink(missing_ok=True)
                raise OutputError(f"{folder}: cannot write: {exc.strerror}") from None
            marker.unlink()
        finally:
            shutil.rmtree(staging, ignore_errors=True)
