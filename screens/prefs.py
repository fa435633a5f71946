"""UI preferences of a profile (language, theme), kept in the profile's settings table."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from veldclient import language as languages

if TYPE_CHECKING:  # the app imports this module before the database is open
    from veldclient.services.session import Session

THEMES = ("textual-dark", "textual-light", "veld-high-contrast")


@dataclass(frozen=True)
class Prefs:
    language: str = languages.DEFAULT  # what is saved; which one shows is languages.choose's rule
    theme: str = "textual-dark"


def load(session: Session) -> Prefs:
    values = dict(
        session.db.execute("SELECT key, value FROM settings WHERE key IN ('ui.language', 'ui.theme')")
    )
    return Prefs(
        language=values.get("ui.language", languages.DEFAULT), theme=values.get("ui.theme", "textual-dark")
    )


def save(session: Session, *, language: str | None = None, theme: str | None = None) -> Prefs:
    """Called through the backend (a thread worker) like every other write."""
    with session.transaction():
        for key, value in (("ui.language", language), ("ui.theme", theme)):
            if value is not None:
                session.db.execute(
                    "INSERT INTO settings (key, value) VALUES (?, ?)"
                    " ON CONFLICT(key) DO UPDATE SET value = excluded.value",
                    [key, value],
                )
    return load(session)
