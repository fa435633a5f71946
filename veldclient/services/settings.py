"""Per-profile settings kept inside the encrypted database (so they travel with the profile)."""

from __future__ import annotations

from veldclient.domain import STALE_AFTER_MS
from veldclient.errors import ValidationError
from veldclient.session import Session

HOUR_MS = 3_600_000


def get(session: Session, key: str) -> str | None:
    row = session.db.execute("SELECT value FROM settings WHERE key = ?", [key]).fetchone()
    return row[0] if row else None


def put(session: Session, key: str, value: str) -> None:
    """Store one setting (inside the caller's transaction, which audits it where that is due)."""
    session.db.execute(
        "INSERT INTO settings (key, value) VALUES (?, ?)"
        " ON CONFLICT(key) DO UPDATE SET value = excluded.value",
        [key, value],
    )


def stale_after_ms(session: Session) -> int:
    """How old a capacity report may be before it is shown as stale (default 12 h)."""
    value = get(session, "stale_after_ms")
    return int(value) if value else STALE_AFTER_MS


def set_stale_after_hours(session: Session, hours: float) -> None:
    session.require_device("settings.set_stale_after_hours", "settings")
    if not 0.25 <= hours <= 168:
        raise ValidationError.single(
            "stale_after_hours",
            "range",
            "Kies een verversingsgrens tussen 15 minuten en 7 dagen.",
            "Choose a staleness limit between 15 minutes and 7 days.",
        )
    with session.transaction():
        put(session, "stale_after_ms", str(int(hours * HOUR_MS)))
        session.audit("settings.update", "U", "settings", detail={"stale_after_hours": hours})
