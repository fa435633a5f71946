"""All database work runs in thread workers owned by the App, one at a time, never on the UI thread.

A screen asks ``app.call(self, service_fn, *args, done=callback)``; the worker runs the service with
the session under one lock (SQLite connection and Automerge documents are shared) and reports back
with a :class:`ServiceReply` message to the asking widget, whose handler runs ``done`` on the UI thread.
While the profile is still being unlocked (screens/unlock.py) a worker first waits for the session,
so a screen can ask for its data as soon as it is drawn.
Expected failures (``VeldError``) carry their Dutch and English text to the UI; anything else is a bug
and is reported as one.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from textual.message import Message

from veldclient.errors import VeldError
from veldclient.screens.unlock import Unlocking

if TYPE_CHECKING:
    from veldclient.services.session import Session

Done = Callable[[Any], None]
Failed = Callable[[VeldError], None]


class Backend:
    def __init__(self, session: Session | Unlocking) -> None:
        self._source = session
        self._lock = threading.RLock()  # shared with the background sync agent

    def session(self) -> Session:
        """The open session; waits for a background unlock, so call it only in a worker."""
        source = self._source
        return source.wait() if isinstance(source, Unlocking) else source

    @property
    def source(self) -> Session | Unlocking:
        """What the app was given: the session, or the unlock that will give it."""
        return self._source

    @property
    def lock(self) -> threading.RLock:
        return self._lock

    def run(self, fn: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
        session = self.session()
        with self._lock:
            return fn(session, *args, **kwargs)


class ServiceReply(Message):
    """A worker's answer: a result for ``done``, or an error for ``failed`` (or a notification)."""

    def __init__(
        self, done: Done | None, failed: Failed | None, result: Any = None, error: BaseException | None = None
    ):
        super().__init__()
        self.done = done
        self.failed = failed
        self.result = result
        self.error = error
