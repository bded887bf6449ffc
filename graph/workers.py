"""Worker processes that answer requests over a graph, each within a time budget.

rdflib cannot interrupt a query from a thread, so a server hands every request to a
worker process forked with the loaded graph, and kills a worker whose request runs past
its budget (then forks a fresh one). The parent process never parses or runs a query
itself, so forking stays safe while its threads serve connections.

Writes (``write=True``) are kept in a log, in order; before a worker answers, it applies
the writes it has not seen yet, so every worker, a fresh one included, answers over
the same graph.

Examples
--------
>>> def handle(state, job):
...     if job[0] == "add":
...         state.append(job[1])
...     return Reply(200, "text/plain", repr(state).encode())
>>> with Pool([], handle, workers=1, timeout=5) as pool:
...     _ = pool.run(("add", 1), write=True)
...     pool.run(("show",)).body
b'[1]'
"""

from __future__ import annotations

import multiprocessing
import os
import queue as queues
import select
import signal
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from multiprocessing.connection import Connection
from multiprocessing.process import BaseProcess
from typing import Any

from graph.errors import PolicygraphError

__all__ = ["Pool", "Reply"]


@dataclass(frozen=True)
class Reply:
    """What a worker answers: an HTTP status, a media type, a body and extra headers."""

    status: int
    media: str
    body: bytes
    headers: tuple[tuple[str, str], ...] = field(default_factory=tuple)

    @classmethod
    def text(cls, status: int, message: str, *headers: tuple[str, str]) -> Reply:
        """A one-line plain-text answer."""
        return cls(status, "text/plain; charset=utf-8", (message + "\n").encode("utf-8"), tuple(headers))


Handler = Callable[[Any, Any], Reply]


def _error(exc: BaseException) -> Reply:
    status = getattr(exc, "status", None)
    if isinstance(status, int):
        return Reply.text(status, str(exc))
    if isinstance(exc, PolicygraphError):
        return Reply.text(400, str(exc))
    if isinstance(exc, MemoryError):
        return Reply.text(503, "the request ran out of memory and was stopped: narrow it")
    message = " ".join(str(exc).split()) or type(exc).__name__
    return Reply.text(500, f"internal error: {type(exc).__name__}: {message}")


def _loop(conn: Connection, state: Any, handle: Handler, inherited: list[Connection]) -> None:
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # the parent decides when to stop
    # the parent's ends of every pipe stay with the parent alone: when it dies, however it
    # dies, this worker reads end-of-file and exits instead of living on as an orphan
    for other in inherited:
        other.close()
    while True:
        try:
            pending, job = conn.recv()
        except (EOFError, OSError):
            os._exit(0)
        try:
            for write in pending:
                handle(state, write)
            reply = handle(state, job)
        except BaseException as exc:  # answer anything; never leave the parent waiting
            reply = _error(exc)
        try:
            conn.send(reply)
        except (OSError, ValueError):
            os._exit(0)


@dataclass
class _Worker:
    process: BaseProcess
    conn: Connection
    version: int = 0
    #: waits for the worker's answer (made once: ``Connection.poll`` builds a selector per call)
    answered: select.poll = field(default_factory=select.poll)

    def __post_init__(self) -> None:
        self.answered.register(self.conn.fileno(), select.POLLIN)

    def wait(self, timeout: float) -> bool:
        """Whether the worker answered (or hung up) within ``timeout`` seconds."""
        return bool(self.answered.poll(max(0, int(timeout * 1000))))


class Pool:
    """Forked workers that answer jobs over a shared starting state.

    Parameters
    ----------
    state : object
        What the workers work on (a loaded graph); each worker has its own copy.
    handle : callable
        ``handle(state, job) -> Reply``, run in a worker.
    workers : int
        How many jobs run at once.
    timeout : float
        Seconds a job may run before its worker is killed (answer 503).
    queue : int
        How many jobs may wait for a free worker; beyond that the answer is 503 at once.
    """

    def __init__(
        self, state: Any, handle: Handler, *, workers: int = 2, timeout: float = 30.0, queue: int = 16
    ):
        if workers < 1:
            raise ValueError("a pool needs at least one worker")
        self.state, self.handle = state, handle
        self.timeout, self.queue_size = timeout, queue
        self._context = multiprocessing.get_context("fork")
        self._idle: queues.Queue[_Worker] = queues.Queue()
        self._writes: list[Any] = []
        self._write_lock = threading.Lock()
        self._count_lock = threading.Lock()
        self._waiting = 0
        self._closed = False
        self._all: list[_Worker] = []
        for _ in range(workers):
            self._idle.put(self._spawn())

    def _spawn(self) -> _Worker:
        parent, child = self._context.Pipe()
        inherited = [parent, *(w.conn for w in self._all)]
        process = self._context.Process(
            target=_loop, args=(child, self.state, self.handle, inherited), daemon=True
        )
        process.start()
        child.close()
        worker = _Worker(process, parent)
        self._all.append(worker)
        return worker

    def _retire(self, worker: _Worker) -> None:
        if worker.process.is_alive():
            worker.process.kill()
        worker.process.join()
        worker.conn.close()
        if worker in self._all:
            self._all.remove(worker)

    def run(self, job: Any, *, write: bool = False) -> Reply:
        """Answer a job in a free worker; a write is logged for every worker once it succeeds."""
        if self._closed:
            return Reply.text(503, "the server is stopping", ("Retry-After", "1"))
        taken: _Worker | Reply
        try:
            taken = self._idle.get_nowait()
        except queues.Empty:
            taken = self._wait()
        if isinstance(taken, Reply):
            return taken
        if write:
            with self._write_lock:
                reply, after = self._ask(taken, job)
                if reply.status < 300 and after is not None:
                    self._writes.append(job)
                    after.version = len(self._writes)
        else:
            reply, after = self._ask(taken, job)
        if after is not None:
            self._idle.put(after)
        return reply

    def _wait(self) -> _Worker | Reply:
        """A worker once one is free, or the busy answer."""
        with self._count_lock:
            if self._waiting >= self.queue_size:
                return Reply.text(
                    503,
                    f"busy: {self._waiting} requests are waiting already; retry shortly",
                    ("Retry-After", "1"),
                )
            self._waiting += 1
        try:
            worker: _Worker = self._idle.get(timeout=self.timeout)
            return worker
        except queues.Empty:
            return Reply.text(
                503, f"busy: no worker was free within {self.timeout:g} s; retry", ("Retry-After", "1")
            )
        finally:
            with self._count_lock:
                self._waiting -= 1

    def _ask(self, worker: _Worker, job: Any) -> tuple[Reply, _Worker | None]:
        pending = self._writes[worker.version :]
        try:
            worker.conn.send((pending, job))
            if worker.wait(self.timeout):
                reply: Reply = worker.conn.recv()
                worker.version += len(pending)
                return reply, worker
            reply = Reply.text(
                503,
                f"the request ran past its time budget of {self.timeout:g} s and was stopped: narrow it, "
                "or restart the server with a larger --timeout",
            )
        except (EOFError, OSError):
            reply = Reply.text(500, "the worker answering the request stopped; it has been replaced")
        self._retire(worker)
        if self._closed:
            return reply, None
        return reply, self._spawn()

    def close(self) -> None:
        """Stop every worker."""
        with self._count_lock:
            self._closed = True
        for worker in list(self._all):
            self._retire(worker)

    def __enter__(self) -> Pool:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
