"""The server's one worker thread: calls run one after another, and stopping never waits for long.

``ThreadPoolExecutor`` would do the rest, but the interpreter joins its threads at exit, so a call
that does not end (stuck inside a library) would keep a stopped ``veld serve`` alive, and its
``shutdown`` runs every queued call first. Here queued calls are cancelled when the worker closes,
the thread is a daemon, and whoever stops the server waits a bounded time for the current call
(server.PeerHTTPServer.stop), which itself ends at its next look at the clock (limits.Budget).
"""

from __future__ import annotations

import queue
import threading
from collections.abc import Callable
from concurrent.futures import Executor, Future
from typing import Any, TypeVar

T = TypeVar("T")
_Job = tuple[Future[Any], Callable[..., Any], tuple[Any, ...], dict[str, Any]]


class SerialWorker(Executor):
    def __init__(self, name: str) -> None:
        self._jobs: queue.SimpleQueue[_Job | None] = queue.SimpleQueue()
        self._closed = False
        self._lock = threading.Lock()
        self.finished = threading.Event()
        self._thread = threading.Thread(target=self._run, name=name, daemon=True)
        self._thread.start()

    def submit(self, fn: Callable[..., T], /, *args: Any, **kwargs: Any) -> Future[T]:
        future: Future[T] = Future()
        with self._lock:
            if self._closed:
                raise RuntimeError("the worker has stopped")
            self._jobs.put((future, fn, args, kwargs))
        return future

    def close(self) -> None:
        """Take no more calls, cancel the queued ones; the current one runs to its end."""
        with self._lock:
            if self._closed:
                return
            self._closed = True
            while True:
                try:
                    job = self._jobs.get_nowait()
                except queue.Empty:
                    break
                if job is not None:
                    job[0].cancel()
            self._jobs.put(None)

    def shutdown(self, wait: bool = True, *, cancel_futures: bool = False) -> None:
        self.close()
        if wait:
            self._thread.join()

    def _run(self) -> None:
        try:
            while (job := self._jobs.get()) is not None:
                future, fn, args, kwargs = job
                if not future.set_running_or_notify_cancel():
                    continue
                try:
                    result = fn(*args, **kwargs)
                except BaseException as exc:  # noqa: BLE001 - handed to whoever waits, as an executor does
                    future.set_exception(exc)
                else:
                    future.set_result(result)
        finally:
            self.finished.set()
