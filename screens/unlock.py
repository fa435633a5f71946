"""Unlock the profile in the background while the app draws its first screen.

Argon2id (~0.2 s) and opening SQLCipher with its migrations are not needed to draw the dashboard
or to take keys. So ``veld`` asks for the passphrase first (or fails at once when no key can work,
keys.begin_unlock), hands the app an :class:`Unlocking`, and the app calls :meth:`proceed` once its
first screen has been painted; the thread then derives the key and opens the database while the
person can already use the keyboard. Measured on the 2-core machine, running Argon2id (64 MiB,
memory-hard) alongside the imports slowed them by ~50 ms, so it waits for the paint instead.

The screens need a few things on the UI thread before the database is open: the profile, who is
acting and the clock. ``Unlocking`` has those from profile.json. Services never see it: a service
call waits for the real session inside its worker (screens/backend.py). A failure, such as a wrong
passphrase, is kept here and reported by the app, which then closes (``veld`` exits 2).

This module does not import Textual or the services, so the CLI can start it before either.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from datetime import UTC, date, datetime
from functools import cached_property
from typing import TYPE_CHECKING

from veldclient.keys import PendingUnlock
from veldclient.profile import Profile

if TYPE_CHECKING:
    from veldclient.services.session import Actor, Session


class Unlocking:
    """A profile whose database is being opened by a background thread (started on creation)."""

    def __init__(self, profile: Profile, unlock: PendingUnlock) -> None:
        self.profile = profile
        self._unlock = unlock
        self._session: Session | None = None
        self._failure: BaseException | None = None
        self._done = threading.Event()
        self._proceed = threading.Event()
        self._clock: Callable[[], int] | None = None
        self._thread = threading.Thread(target=self._open, name="veld-unlock")
        self._thread.start()

    def _open(self) -> None:
        try:
            self._proceed.wait()
            key = self._unlock.finish()
            from veldclient.services.session import open_session

            self._session = open_session(self.profile.name, master_key=key)
        except BaseException as exc:  # noqa: BLE001 - kept and reported by the app
            self._failure = exc
        finally:
            self._done.set()

    # -- what the UI thread may ask before the database is open -------------------------------------

    @cached_property
    def actor(self) -> Actor:
        from veldclient.services.session import Actor

        p = self.profile
        return Actor(p.user, p.role, p.node_id, p.device_id)

    def now(self) -> int:
        if self._clock is None:
            from veldclient.services.session import clock_from_env

            self._clock = clock_from_env()  # the same clock open_session builds
        return self._clock()

    def today(self) -> date:
        return datetime.fromtimestamp(self.now() / 1000, UTC).date()

    # -- the result ---------------------------------------------------------------------------------

    def proceed(self) -> None:
        """Let the thread open the database once its key is derived (the first paint is done)."""
        self._proceed.set()

    @property
    def done(self) -> bool:
        return self._done.is_set()

    @property
    def failure(self) -> BaseException | None:
        """Why the unlock failed (``UnlockError`` for a wrong passphrase); ``None`` if it did not."""
        return self._failure if self._done.is_set() else None

    def wait(self) -> Session:
        """The open session; blocks until the unlock is done, so call it only in a worker."""
        self.proceed()
        self._done.wait()
        if self._failure is not None:
            raise self._failure
        assert self._session is not None
        return self._session

    def close(self) -> None:
        """Let a running unlock finish, then close the database it opened (if any)."""
        self.proceed()
        self._thread.join()
        if self._session is not None:
            self._session.close()


class WebUnlocking(Unlocking):
    """A browser tab's profile (``veld web``, docs/web.md): locked until the passphrase typed in the
    page opens it. Nothing is unlocked in the background; :meth:`attempt` runs in a worker for each
    passphrase the person submits, and a wrong one may be tried again, up to ``MAX_ATTEMPTS``.
    Workers that ask for the session meanwhile (:meth:`wait`) wait for the right passphrase."""

    MAX_ATTEMPTS = 5

    def __init__(self, profile: Profile, peer: str | None) -> None:
        self.profile = profile
        self.peer = peer
        self.attempts = 0
        self._session = None
        self._failure = None
        self._done = threading.Event()
        self._proceed = threading.Event()
        self._clock = None

    def attempt(self, passphrase: str) -> None:
        """Unlock with ``passphrase`` (in a worker: Argon2id runs here). A wrong one raises
        ``UnlockError``; the last allowed wrong one also ends the unlock (:attr:`failure`)."""
        from veldclient.services.web_session import open_web_session

        if self._done.is_set():
            return
        self.attempts += 1
        try:
            self._session = open_web_session(self.profile.name, passphrase, self.peer)
        except BaseException as exc:
            if self.attempts >= self.MAX_ATTEMPTS:
                self._failure = exc
                self._done.set()
            raise
        self._done.set()

    @property
    def session_open(self) -> bool:
        return self._session is not None

    @property
    def attempts_left(self) -> int:
        return self.MAX_ATTEMPTS - self.attempts

    def proceed(self) -> None:
        """Nothing to start: the unlock waits for a passphrase from the page."""

    def abandon(self) -> None:
        """The tab closed while locked: let the workers that wait for the session go (they fail)."""
        if not self._done.is_set():
            self._failure = ConnectionAbortedError("the browser session ended before it was unlocked")
            self._done.set()

    def close(self) -> None:
        """End the tab's session (audited) if it was opened; let waiting workers go."""
        self.abandon()
        if self._session is not None:
            from veldclient.services.web_session import end_web_session

            session, self._session = self._session, None
            end_web_session(session)
