"""A browser tab's session (``veld web``, docs/web.md): unlocked with the passphrase typed in the page,
read-mostly, and audited from start to end with the browser's address.

The web server never holds a passphrase or a key: each tab's app process asks for the passphrase
itself and opens the profile here. The keyring is never used for a tab (``keys.begin_unlock`` with
``keyring=False``): whoever reaches the page must know the passphrase. The session it returns is
marked ``channel="web"``, and the services refuse steps that change the device or write outside
the database for it (``Session.require_device``).
"""

from __future__ import annotations

from veldclient import keys
from veldclient import profile as profmod
from veldclient.services.session import Session, open_session

START = "web.session_start"
END = "web.session_end"


def open_web_session(profile_name: str, passphrase: str, peer: str | None) -> Session:
    """Unlock ``profile_name`` with ``passphrase`` for a browser tab and audit its start.

    A wrong passphrase raises ``UnlockError`` (nothing is opened or written: the audit log is inside
    the encrypted database, so a refused passphrase is reported by the server's log instead)."""
    prof = profmod.load(profile_name)
    key = keys.begin_unlock(prof.dir, passphrase=passphrase, keyring=False).finish()
    session = open_session(prof.name, master_key=key)
    session.channel = "web"
    session.peer = peer
    try:
        with session.transaction():
            session.audit(START, "R", "session", detail={"peer": peer or ""})
    except BaseException:
        session.close()
        raise
    return session


def end_web_session(session: Session) -> None:
    """Audit the end of a browser tab's session and close it (the tab closed or the server stops)."""
    try:
        with session.transaction():
            session.audit(END, "R", "session", detail={"peer": session.peer or ""})
    finally:
        session.close()
