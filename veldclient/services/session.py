"""Opening a profile: unlock its key, open the encrypted database, bring every layer's tables up to
date, check the device certificate against the profile file, and hand back the core
:class:`~veldclient.session.Session`.

Opening lives in services because it knows every layer's migration set (the store's and sync's);
the Session it returns is core, so sync and the store can name it. The screens reach core only
through services: they take :class:`Session`, :class:`Actor` and the clock from here (``__all__``).
"""

from __future__ import annotations

import sqlite_utils

from veldclient import db as dbmod
from veldclient import identity, trust
from veldclient import profile as profmod
from veldclient.audit import AuditLog
from veldclient.errors import ProfileError
from veldclient.session import Actor, Clock, Session, clock_from_env
from veldclient.store import schema as store_schema
from veldclient.store.repo import Repo
from veldclient.sync import schema as sync_schema


def migrate(db: sqlite_utils.Database) -> None:
    """Every migration set, lowest layer first: the store's tables, then sync's (sync_schema also
    takes over the records of its steps that older profiles keep under the store's set)."""
    store_schema.migrate(db)
    sync_schema.migrate(db)


def _check_profile_against_certificate(prof: profmod.Profile, device: identity.DeviceIdentity) -> None:
    """Node, role and device id come from the signed certificate; ``profile.json`` only repeats them
    for the screens drawn before unlocking. A profile file that says otherwise was edited: refused,
    so a coordinator cannot become an admin by editing a file."""
    signed = {"node": device.node_id, "role": device.role.lower(), "device_id": device.device_id}
    stated = {"node": prof.node_id, "role": prof.role, "device_id": prof.device_id}
    differ = [k for k in signed if signed[k] != stated[k]]
    if differ:
        what = ", ".join(f"{k} {stated[k]!r} ≠ {signed[k]!r}" for k in differ)
        raise ProfileError(
            f"Profielbestand {prof.dir / profmod.PROFILE_FILE} klopt niet met het ondertekende"
            f" apparaatcertificaat ({what}); het profiel wordt niet geopend.",
            f"Profile file {prof.dir / profmod.PROFILE_FILE} disagrees with the signed device"
            f" certificate ({what}); the profile is not opened.",
        )


def open_session(
    name: str,
    *,
    passphrase: str | None = None,
    clock: Clock | None = None,
    master_key: bytes | None = None,
    create: bool = False,
) -> Session:
    clk = clock or clock_from_env()
    prof = profmod.load(name)
    key = master_key if master_key is not None else profmod.unlock(prof, passphrase)
    database = dbmod.open_database(prof.db_path, key, create=create)
    try:
        migrate(database)
        device = identity.load_device_identity(prof.dir, key_password=key)
        _check_profile_against_certificate(prof, device)
        if (
            database.execute("SELECT 1 FROM trusted_devices WHERE device_id = ?", [prof.device_id]).fetchone()
            is None
        ):
            with database.atomic():
                trust.register(
                    database,
                    prof.device_id,
                    prof.node_id,
                    "self",
                    device.certificate_pem.decode()
                    if isinstance(device.certificate_pem, bytes)
                    else device.certificate_pem,
                    prof.created_at,
                )
    except BaseException:
        database.conn.close()  # a damaged database or identity: nothing left open
        raise
    actor_id = trust.session_actor(prof.device_id)
    return Session(
        profile=prof,
        db=database,
        repo=Repo(database, actor_id, clk, prof.node_id),
        audit_log=AuditLog(database, clock=clk),
        actor=Actor(prof.user, device.role.lower(), device.node_id, device.device_id),
        clock=clk,
        device=device,
        key_password=key,
    )


__all__ = ["Actor", "Clock", "Session", "clock_from_env", "migrate", "open_session"]
