"""An unlocked profile: the one object every service receives.

It carries who is acting (user, role, node, device) for access checks and the audit log, the clock
(injectable, so tests and demo data are deterministic), the document repository and the audit log.
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from typing import Any

import sqlite_utils

from veldclient import db as dbmod
from veldclient import profile as profmod
from veldclient.audit import AuditEvent, AuditLog
from veldclient.domain.enums import role_label
from veldclient.errors import AccessDenied, ConfigError
from veldclient.store.repo import Repo

Clock = Callable[[], int]
NOW_ENV = "VELD_NOW"
_LAST_MS = 253_402_300_799_999  # 9999-12-31T23:59:59.999Z: the last instant datetime can show


def system_clock() -> int:
    return time.time_ns() // 1_000_000


def clock_from_env() -> Clock:
    """``VELD_NOW`` (ISO 8601 or epoch ms) freezes the clock: deterministic demos, tests, snapshots."""
    fixed = os.environ.get(NOW_ENV)
    if not fixed:
        return system_clock
    try:
        value = int(fixed) if fixed.isdigit() else int(datetime.fromisoformat(fixed).timestamp() * 1000)
    except (ValueError, OverflowError, OSError):
        value = -1
    if not 0 <= value <= _LAST_MS:
        raise ConfigError(
            f"{NOW_ENV}={fixed!r} is geen tijdstip: gebruik ISO 8601 (zoals 2026-11-18T11:06:40+00:00)"
            " of milliseconden sinds 1970.",
            f"{NOW_ENV}={fixed!r} is not a point in time: use ISO 8601 (such as 2026-11-18T11:06:40+00:00)"
            " or milliseconds since 1970.",
        )
    return lambda: value


@dataclass(frozen=True)
class Actor:
    user_id: str
    role: str  # nurse | coordinator | admin
    node_id: str
    device_id: str


@dataclass
class Session:
    profile: profmod.Profile
    db: sqlite_utils.Database
    repo: Repo
    audit_log: AuditLog
    actor: Actor
    clock: Clock
    device: Any = field(default=None, repr=False)
    # Unlocks the device key file for TLS (sync/tls.py); the same key already opened the database.
    key_password: bytes | None = field(default=None, repr=False)
    # "terminal" (``veld`` on the machine itself) or "web" (a browser tab through ``veld web``,
    # docs/web.md): a web session is read-mostly, see :meth:`require_device`.
    channel: str = "terminal"
    # The browser's address for a web session (audited with its start and end), else None.
    peer: str | None = None

    def now(self) -> int:
        return self.clock()

    def today(self) -> date:
        return datetime.fromtimestamp(self.clock() / 1000, UTC).date()

    @contextmanager
    def transaction(self) -> Iterator[None]:
        with self.repo.transaction():
            yield

    def audit(self, event: str, action: str, object_type: str, **fields: Any) -> None:
        """Write one NEN 7513 entry as the current actor (inside the caller's transaction)."""
        self.audit_log.append(
            AuditEvent(
                event=event,
                action=action,
                user_id=self.actor.user_id,
                role=self.actor.role,
                device_id=self.actor.device_id,
                node_id=self.actor.node_id,
                object_type=object_type,
                at_ms=self.clock(),
                **fields,
            )
        )

    def require_role(self, allowed: tuple[str, ...], event: str, object_type: str, **fields: Any) -> None:
        """Refuse (and audit the refusal) when the actor's role is not in ``allowed``."""
        if self.actor.role in allowed:
            return
        with self.transaction():
            self.audit(event, "R", object_type, outcome="denied", **fields)
        raise AccessDenied(
            f"Uw rol ({role_label(self.actor.role, 'nl').lower()}) mag dit niet inzien of wijzigen.",
            f"Your role ({role_label(self.actor.role, 'en').lower()}) may not view or change this.",
        )

    def require_device(self, step: str, object_type: str) -> None:
        """Refuse (and audit the refusal) a step that changes the device or writes outside the
        database, when this session is a browser tab (``veld web``, docs/web.md): pairing, the relay,
        bundles, file exports, erasure and device settings are done at the machine itself."""
        if self.channel != "web":
            return
        with self.transaction():
            self.audit("web.refused", "U", object_type, outcome="denied", detail={"step": step})
        raise AccessDenied(
            "Dit kan niet in een browsersessie (veld web): doe het op het apparaat zelf, met veld in de"
            " terminal.",
            "This cannot be done in a browser session (veld web): do it on the device itself, with veld"
            " in the terminal.",
        )

    def on_wait(self, notice: Callable[[], None]) -> None:
        """Call ``notice`` when a write has to wait for another process holding this profile."""
        if isinstance(self.db, dbmod.ProfileDatabase):
            self.db.on_wait = notice

    def close(self) -> None:
        self.db.close()


__all__ = ["Actor", "Clock", "Session", "clock_from_env", "system_clock"]
