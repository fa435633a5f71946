"""Profiles: one node, one role, one device identity, one encrypted database.

A profile folder holds ``profile.json`` (no personal data), ``key.json`` (the wrapped master key),
the device key and certificate, and ``veld.db``. The device private key is encrypted with the master
key, so nothing on disk is usable without unlocking.
"""

from __future__ import annotations

import json
import os
import re
import shutil
from dataclasses import asdict, dataclass
from pathlib import Path

from veldclient import keys, locations
from veldclient.errors import ProfileError, UnlockError
from veldclient.files import atomic_write, fsync_dir

ROLES = ("nurse", "coordinator", "admin")
PROFILE_FILE = "profile.json"


@dataclass(frozen=True)
class Profile:
    name: str
    node_id: str
    role: str
    user: str
    device_id: str
    created_at: int

    @property
    def dir(self) -> Path:
        return locations.profile_dir(self.name)

    @property
    def db_path(self) -> Path:
        return self.dir / "veld.db"


# A node id: lower-case words joined by hyphens (``enschede-centrum``), at most 40 characters. Nodes
# are data (services/nodes.py): the ten Twente nodes are the demo's, any other is founded by its admin.
NODE_ID_RE = re.compile(r"[a-z][a-z0-9]*(?:-[a-z0-9]+)*")
NODE_ID_MAX = 40


def node_id_ok(node_id: object) -> bool:
    return isinstance(node_id, str) and len(node_id) <= NODE_ID_MAX and bool(NODE_ID_RE.fullmatch(node_id))


def reference_node_ids() -> list[str]:
    """The Twente demo's nodes, which every device knows without a document."""
    from veldclient.reference import twente

    return twente.node_ids()


def check_node(node_id: str, *, any_node: bool = False) -> None:
    """A profile's node. A Twente demo node always; with ``any_node`` (a new node's admin, a laptop
    joining a node by invitation) any well-formed id, since nodes are founded as data."""
    if any_node and node_id_ok(node_id):
        return
    nodes = reference_node_ids()
    if node_id not in nodes:
        shown = str(node_id)[:NODE_ID_MAX]
        raise ProfileError(
            f"Onbekend knooppunt '{shown}'. Kies uit: {', '.join(nodes)}; een nieuw knooppunt richt de"
            " beheerder op (veld init --node CODE --role admin, daarna veld node found).",
            f"Unknown node '{shown}'. Choose from: {', '.join(nodes)}; a new node is founded by its admin"
            " (veld init --node ID --role admin, then veld node found).",
        )


def check_node_and_role(node_id: str, role: str, *, any_node: bool = False) -> None:
    check_node(node_id, any_node=any_node)
    if role not in ROLES:
        raise ProfileError(
            f"Onbekende rol '{role}'. Kies uit: {', '.join(ROLES)}.",
            f"Unknown role '{role}'. Choose from: {', '.join(ROLES)}.",
        )


def exists(name: str) -> bool:
    return (locations.profile_dir(name) / PROFILE_FILE).exists()


def load(name: str) -> Profile:
    path = locations.profile_dir(name) / PROFILE_FILE
    if not path.exists():
        raise ProfileError(
            f"Profiel '{name}' bestaat niet. Maak het met 'veld init' (of probeer 'veld demo').",
            f"Profile '{name}' does not exist. Create it with 'veld init' (or try 'veld demo').",
        )
    try:
        data = json.loads(path.read_text("utf-8"))
        prof = Profile(**data)
    except (OSError, ValueError, TypeError):  # a folder, unreadable, not JSON, other fields
        raise ProfileError(
            f"Profielbestand {path} is beschadigd.", f"Profile file {path} is damaged."
        ) from None
    wrong = _wrong_field(prof, name)
    if wrong:
        raise ProfileError(
            f"Profielbestand {path} is beschadigd: {wrong} klopt niet.",
            f"Profile file {path} is damaged: {wrong} is not valid.",
        )
    return prof


_HEX64 = re.compile(r"[0-9a-f]{64}")


def _wrong_field(prof: Profile, name: str) -> str | None:
    """The first field an edited or damaged profile.json gets wrong: every later step (unlocking,
    the device identity, the audit log) relies on these."""
    if prof.name != name:
        return "name"
    if not isinstance(prof.device_id, str) or not _HEX64.fullmatch(prof.device_id):
        return "device_id"
    if not node_id_ok(prof.node_id):
        return "node_id"
    if prof.role not in ROLES:
        return "role"
    if not isinstance(prof.user, str):
        return "user"
    if not isinstance(prof.created_at, int) or isinstance(prof.created_at, bool):
        return "created_at"
    return None


def list_profiles() -> list[str]:
    root = locations.profiles_root()
    if not root.exists():
        return []
    return sorted(p.parent.name for p in root.glob(f"*/{PROFILE_FILE}"))


def create(
    name: str,
    *,
    node_id: str,
    role: str,
    user: str,
    passphrase: str | None,
    use_keyring: bool,
    now_ms: int,
) -> tuple[Profile, bytes]:
    """Create the folder, master key and device identity. Returns the profile and its master key.

    Everything is created in a staging folder and renamed into place at the end, so a failure (no
    passphrase, disk full) leaves no half profile behind.
    """
    from veldclient import identity  # x509 costs start-up time; only creating a profile needs it

    check_node_and_role(node_id, role, any_node=True)
    target = locations.profile_dir(name)
    if target.exists():
        raise ProfileError(
            f"Profiel '{name}' bestaat al in {target}; er wordt niets overschreven.",
            f"Profile '{name}' already exists at {target}; nothing is overwritten.",
        )
    staging = target.with_name(f".{name}.creating")
    try:
        if staging.exists():
            shutil.rmtree(staging)
        staging.mkdir(parents=True, mode=0o700)
    except OSError as exc:  # the data root is a file, read-only, full
        raise _not_created(staging.parent, exc) from None
    try:
        master = keys.create_master_key(staging, passphrase=passphrase, use_keyring=use_keyring)
        device = identity.create_device_identity(
            staging, node_id=node_id, role=role, label=user, key_password=master
        )
        prof = Profile(name, node_id, role, user, device.device_id, now_ms)
        atomic_write(staging / PROFILE_FILE, json.dumps(asdict(prof), indent=2).encode(), mode=0o600)
        os.replace(staging, target)
        fsync_dir(target.parent)  # the folder's new name survives a power cut, as its files do
    except OSError as exc:
        shutil.rmtree(staging, ignore_errors=True)
        raise _not_created(staging.parent, exc) from None
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    return prof, master


def _not_created(folder: Path, exc: OSError) -> ProfileError:
    reason = exc.strerror or str(exc)
    return ProfileError(
        f"De profielmap kan niet worden gemaakt in {folder}: {reason}; er is niets aangemaakt.",
        f"The profile folder cannot be created in {folder}: {reason}; nothing was created.",
    )


def unlock(prof: Profile, passphrase: str | None) -> bytes:
    return keys.load_master_key(prof.dir, passphrase=passphrase)


def remove(name: str) -> None:
    """Delete a profile folder entirely (the demo profile and its stand-ins only). The folder is
    first renamed out of the way, so an interrupted removal never leaves half a profile under its
    name; what an earlier interrupted removal left is removed too."""
    target = locations.profile_dir(name)
    trash = target.with_name(f".{name}.removing")
    if target.exists():
        if trash.exists():
            shutil.rmtree(trash)
        os.replace(target, trash)
        fsync_dir(target.parent)
    if trash.exists():
        shutil.rmtree(trash)


__all__ = ["Profile", "ROLES", "UnlockError", "create", "load", "unlock", "exists", "list_profiles"]
