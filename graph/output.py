r"""Write outputs so that a reader never sees half a file and a failure loses nothing.

Every file is written to a temporary file in the same folder, flushed to disk and
renamed over the old one (:func:`atomic_write`). A set of outputs is written to a
staging folder first and moved into place only when all of it succeeded
(:func:`staged`), so a failed build leaves the previous outputs as they were.

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
import os
import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path

from graph.errors import OutputError

__all__ = ["atomic_write", "replaced", "staged"]


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
    left behind are removed by the next run.
    """
    folder = Path(folder)
    with _staging_beside(folder, inside=on_its_own_device(folder)) as staging:
        yield from _move_in(staging, folder)


def _move_in(staging: Path, folder: Path) -> Iterator[Path]:
    try:
        yield staging
        try:
            folder.mkdir(parents=True, exist_ok=True)
            for item in sorted(p for p in staging.rglob("*") if p != staging):
                if item.is_file():
                    target = folder / item.relative_to(staging)
                    target.parent.mkdir(parents=True, exist_ok=True)
                    os.replace(item, target)
        except OSError as exc:
            raise OutputError(f"{folder}: cannot write: {exc.strerror}") from None
    finally:
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
            old = folder.parent / f".{folder.name}.{os.getpid()}.old.staging"
            try:
                if folder.exists():
                    os.replace(folder, old)
                os.replace(staging, folder)
            except OSError as exc:
                if old.exists() and not folder.exists():
                    os.replace(old, folder)
                raise OutputError(f"{folder}: cannot write: {exc.strerror}") from None
            shutil.rmtree(old, ignore_errors=True)
        finally:
            shutil.rmtree(staging, ignore_errors=True)
