"""A new laptop joins its node: the admin invites, the laptop joins, its first contact introduces it.

1. **Invite** (admin, on the node machine): an invitation file naming the node, the role, this
   device (certificate and address) and an expiry, with a one-time identity (sync/invitation_file.py).
   It is stored and audited here (sync/invitations.py).
2. **Join** (the laptop): the profile is made with the invitation's node and role, the node machine
   is paired (pinned by the certificate in the file), and the one-time key is kept until first contact.
3. **First contact**: the laptop connects presenting the one-time certificate and sends its own
   certificate, signed by its own key. The node machine checks that the invitation is unused and
   unexpired and that the certificate claims the invitation's node and role, uses the invitation, and
   pairs the laptop: pairing a device of the own node writes an introduction signed by the node
   machine into the node document (services/peers.py), so every device that trusts the node machine
   trusts the laptop too. Revocation works on a joined laptop as on any other (``veld peers revoke``).

Why this is no trust on first use: the node machine trusts the laptop because it holds a secret the
admin handed over, which works once, and the laptop trusts the node machine because the same file
pins its certificate. Both sides show the laptop's and the node machine's device ids: the admin's
device list names the laptop that used the invitation, so a copy used by someone else shows up as
a device nobody recognises (and the real laptop is told "already used"). See docs/sync.md.
"""

from __future__ import annotations

import json
import re
import secrets
import shutil
import tempfile
from pathlib import Path
from typing import Any

from veldclient import identity
from veldclient import profile as profmod
from veldclient.errors import ValidationError, VeldError
from veldclient.files import atomic_write
from veldclient.identity import format_device_id, read_peer_certificate, verify_signature
from veldclient.services import peers as peer_service
from veldclient.services import setup
from veldclient.session import Clock, Session, clock_from_env
from veldclient.sync import invitation_file, invitations, peers
from veldclient.sync.client import PeerConnection
from veldclient.sync.invitation_file import Invitation
from veldclient.sync.replica import Replica
from veldclient.sync.server import ENROL_OP

ADMIN = ("admin",)
MINUTE_MS = 60_000
_UNITS = {"m": MINUTE_MS, "h": 60 * MINUTE_MS, "d": 24 * 60 * MINUTE_MS}
LONGEST_MS = 30 * _UNITS["d"]
_EXPIRY = re.compile(r"^\s*(\d{1,6})\s*([mhd])\s*$", re.IGNORECASE)


class InvitationRefused(VeldError):
    """The node machine (or the laptop's own check) refuses this invitation; ``code`` says why."""

    def __init__(self, code: str, nl: str, en: str) -> None:
        super().__init__(nl, en)
        self.code = code


REFUSALS = {
    "used": (
        "Deze uitnodiging is al gebruikt; een uitnodiging werkt maar één keer. Vraag de beheerder om een"
        " nieuwe.",
        "This invitation has already been used; an invitation works only once. Ask the admin for a new one.",
    ),
    "expired": (
        "Deze uitnodiging is verlopen. Vraag de beheerder om een nieuwe.",
        "This invitation has expired. Ask the admin for a new one.",
    ),
    "cancelled": (
        "Deze uitnodiging is ingetrokken door de beheerder.",
        "This invitation was cancelled by the admin.",
    ),
    "mismatch": (
        "De uitnodiging hoort niet bij dit apparaat (ander knooppunt of andere rol).",
        "The invitation does not belong to this device (another node or role).",
    ),
    "signature": (
        "Het certificaat van dit apparaat is niet correct ondertekend.",
        "This device's certificate is not signed correctly.",
    ),
}


def refused(code: str) -> InvitationRefused:
    nl, en = REFUSALS.get(code, REFUSALS["mismatch"])
    return InvitationRefused(code, nl, en)


def parse_expiry(text: str) -> int:
    """``30m``, ``24h`` or ``7d`` as milliseconds; at most 30 days."""
    match = _EXPIRY.match(text or "")
    ms = int(match.group(1)) * _UNITS[match.group(2).lower()] if match else 0
    if not MINUTE_MS <= ms <= LONGEST_MS:
        raise ValidationError.single(
            "expires",
            "invalid",
            f"Geldigheid '{text}' is ongeldig: bijvoorbeeld 30m, 24h of 7d (hoogstens 30 dagen).",
            f"Expiry '{text}' is invalid: for example 30m, 24h or 7d (at most 30 days).",
        )
    return ms


def _role(role: str) -> str:
    code = (role or "").strip().lower()
    if code not in profmod.ROLES:
        raise ValidationError.single(
            "role",
            "invalid",
            "Rol moet 'nurse', 'coordinator' of 'admin' zijn.",
            "The role must be 'nurse', 'coordinator' or 'admin'.",
        )
    return code


# -- 1. invite (the admin, on the node machine) ----------------------------------------------------


def issue_invitation(
    session: Session,
    path: Path | str,
    *,
    role: str,
    expires: str,
    address: str | None = None,
    name: str | None = None,
) -> dict[str, Any]:
    """Write a one-time invitation for a new device of this node to ``path`` (readable by its owner
    only) and store it. ``name`` is what the device will be called in the peer list (default: the
    label it has when it joins). Returns what the admin should see and compare."""
    session.require_device("enrolment.issue_invitation", "invitation")
    session.require_role(ADMIN, "invitation.issue", "invitation")
    if not str(path).strip():
        raise ValidationError.single(
            "out", "required", "Kies een bestand voor de uitnodiging.", "Choose a file for the invitation."
        )
    path = Path(str(path).strip()).expanduser()
    role = _role(role)
    lifetime = parse_expiry(expires)
    address = peers.check_address(address)
    name = peers.check_name(session.db, name, "") if name and name.strip() else None
    node_id = session.actor.node_id
    invitation_id = secrets.token_hex(8)
    key_pem, cert_pem = identity.new_key_and_certificate(
        node_id=node_id, role=role, label=f"uitnodiging {invitation_id}"
    )
    one_time = read_peer_certificate(cert_pem)
    now = session.now()
    invitation = Invitation(
        invitation_id=invitation_id,
        node_id=node_id,
        role=role,
        issued_at=now,
        expires_at=now + lifetime,
        address=address,
        node_machine=read_peer_certificate(session.device.certificate_pem),
        key_pem=key_pem.decode("ascii"),
        cert_pem=one_time.certificate_pem,
    )
    with session.transaction():
        invitations.record(
            session.db,
            invitations.Issued(
                invitation_id=invitation_id,
                one_time_id=one_time.device_id,
                cert_pem=one_time.certificate_pem,
                node_id=node_id,
                role=role,
                name=name,
                address=address,
                issued_at=now,
                expires_at=invitation.expires_at,
                issued_by=session.actor.user_id,
                used_at=None,
                used_by=None,
                cancelled=False,
            ),
        )
        session.audit(
            "invitation.issue",
            "C",
            "invitation",
            object_id=invitation_id,
            basis_authorisation=True,
            detail={"role": role, "expires_at": invitation.expires_at, "name": name},
        )
        invitation_file.write(invitation, path)  # inside: a file that cannot be written stores nothing
    return {
        "invitation_id": invitation_id,
        "node_id": node_id,
        "role": role,
        "expires_at": invitation.expires_at,
        "address": address,
        "file": str(path),
        "node_machine_id": session.actor.device_id,
        "node_machine_display_id": format_device_id(session.actor.device_id),
    }


# an invitation's state (list_invitations) -> (nl, en), as the app and ``veld peers invitations`` show it
STATE_NAMES = {
    "open": ("open", "open"),
    "used": ("gebruikt", "used"),
    "expired": ("verlopen", "expired"),
    "cancelled": ("ingetrokken", "cancelled"),
}


def list_invitations(session: Session) -> list[dict[str, Any]]:
    session.require_role(ADMIN, "invitation.list", "invitation")
    now = session.now()
    return [
        {
            "invitation_id": i.invitation_id,
            "role": i.role,
            "name": i.name,
            "issued_at": i.issued_at,
            "expires_at": i.expires_at,
            "state": i.state(now),
            "used_at": i.used_at,
            "used_by": i.used_by,
            "used_by_display_id": format_device_id(i.used_by) if i.used_by else None,
        }
        for i in invitations.all_issued(session.db)
    ]


def cancel_invitation(session: Session, invitation_id: str) -> None:
    session.require_device("enrolment.cancel_invitation", "invitation")
    session.require_role(ADMIN, "invitation.cancel", "invitation")
    found = invitations.find(session.db, invitation_id.strip())
    if found is None:
        raise VeldError(f"Onbekende uitnodiging '{invitation_id}'.", f"Unknown invitation '{invitation_id}'.")
    with session.transaction():
        if not invitations.cancel(session.db, found.invitation_id):
            raise refused(found.state(session.now()))
        session.audit("invitation.cancel", "U", "invitation", object_id=found.invitation_id)


# -- 2. join (the laptop) --------------------------------------------------------------------------


def join(
    name: str,
    path: Path,
    *,
    user: str,
    passphrase: str | None,
    use_keyring: bool = True,
    clock: Clock | None = None,
) -> Session:
    """Create profile ``name`` from the invitation at ``path``: node and role from the invitation, the
    node machine paired and pinned, the one-time key kept for the first contact (:func:`introduce`)."""
    invitation = invitation_file.read(path)
    clk = clock or clock_from_env()
    if clk() >= invitation.expires_at:
        raise refused("expired")
    if invitation.node_machine.node_id != invitation.node_id:
        raise refused("mismatch")
    session = setup.init_profile(
        name,
        node_id=invitation.node_id,
        role=invitation.role,
        user=user,
        passphrase=passphrase,
        use_keyring=use_keyring,
        clock=clk,
    )
    try:
        with session.transaction():
            node = peers.add(
                session.db,
                invitation.node_machine,
                name=invitation.node_id,
                address=invitation.address,
                own_device_id=session.actor.device_id,
                paired_by=user,
                now_ms=session.now(),
            )
            invitations.remember_join(
                session.db,
                invitations.PendingJoin(
                    invitation.invitation_id,
                    node.device_id,
                    invitation.key_pem,
                    invitation.cert_pem,
                    session.now(),
                ),
            )
            session.audit(
                "invitation.join",
                "C",
                "invitation",
                object_id=invitation.invitation_id,
                basis_authorisation=True,
                detail={"node_machine": node.device_id},
            )
    except BaseException:
        discard_profile(session)
        raise
    return session


def join_and_introduce(
    name: str,
    path: Path,
    *,
    user: str,
    passphrase: str | None,
    use_keyring: bool = True,
    clock: Clock | None = None,
) -> tuple[Session, dict[str, Any] | None, VeldError | None]:
    """:func:`join`, then the first contact at once: (session, what :func:`introduce` answered,
    why the node machine could not be reached). Unreachable keeps the profile, which introduces
    itself at its first sync; refused (the invitation used, expired or cancelled, or this device
    turned away) removes the profile again, so the nurse can join with a new invitation."""
    session = join(name, path, user=user, passphrase=passphrase, use_keyring=use_keyring, clock=clock)
    try:
        return session, introduce(session), None
    except (InvitationRefused, peers.PeerRefused):
        discard_profile(session)
        raise
    except VeldError as exc:
        return session, None, exc
    except BaseException:
        session.close()
        raise


def discard_profile(session: Session) -> None:
    """Remove a profile that joining made and that cannot be used (its invitation was refused)."""
    folder = session.profile.dir
    session.close()
    shutil.rmtree(folder, ignore_errors=True)


def joined(session: Session) -> dict[str, Any]:
    """What a joined laptop shows: its own id and the node machine's, for comparing with the admin."""
    waiting = invitations.pending_join(session.db)
    node = (
        peers.all_peers(session.db)[0] if waiting is None else peers.find(session.db, waiting.node_machine_id)
    )
    return {
        "profile": session.profile.name,
        "node_id": session.actor.node_id,
        "role": session.actor.role,
        "device_id": session.actor.device_id,
        "display_id": session.device.display_id,
        "node_machine": node.name,
        "node_machine_display_id": node.display_id,
    }


def pending(session: Session) -> dict[str, Any] | None:
    """The node machine this laptop still has to introduce itself to, if any."""
    waiting = invitations.pending_join(session.db)
    if waiting is None:
        return None
    node = peers.find(session.db, waiting.node_machine_id, include_removed=True)
    return {"invitation_id": waiting.invitation_id, "node_machine": node.name, "address": node.address}


def proof_payload(invitation_id: str, device_id: str, one_time_id: str) -> bytes:
    """What the joining laptop signs with its own key: it holds the key of the certificate it sends."""
    body = {"invitation": invitation_id, "device_id": device_id, "one_time_id": one_time_id}
    return json.dumps(body, sort_keys=True).encode()


def introduce(
    session: Session, *, replica: Replica | None = None, address: str | None = None
) -> dict[str, Any] | None:
    """The first contact: present the invitation to the node machine, which pairs and introduces
    this laptop. None when there is nothing to introduce; InvitationRefused when the node machine
    refuses the invitation; SyncFailed or PeerRefused when it cannot be reached or refuses the call."""
    replica = replica or Replica(session)
    with replica.locked():
        waiting = invitations.pending_join(session.db)
        if waiting is None:
            return None
        node = peers.find(session.db, waiting.node_machine_id)
    one_time_id = read_peer_certificate(waiting.cert_pem).device_id
    own_cert = session.device.certificate_pem
    body = {
        "invitation": waiting.invitation_id,
        "certificate": own_cert.decode("ascii") if isinstance(own_cert, bytes) else own_cert,
        "signature": session.device.sign(
            proof_payload(waiting.invitation_id, session.actor.device_id, one_time_id)
        ).hex(),
    }
    with tempfile.TemporaryDirectory(dir=session.profile.dir, prefix="join-") as folder:
        cert_file, key_file = Path(folder) / "one_time_cert.pem", Path(folder) / "one_time_key.pem"
        atomic_write(cert_file, waiting.cert_pem.encode("ascii"), mode=0o600)
        key = identity.encrypt_key_pem(waiting.key_pem.encode("ascii"), session.key_password or None)
        atomic_write(key_file, key, mode=0o600)
        with PeerConnection(replica, node, address, identity=(cert_file, key_file)) as conn:
            answer = conn.call(ENROL_OP, body)
    code = answer.get("refused")
    with replica.locked(), session.transaction():
        if isinstance(code, str):
            session.audit(
                "invitation.introduce",
                "U",
                "invitation",
                outcome="denied",
                object_id=waiting.invitation_id,
                detail={"why": code},
            )
        else:
            invitations.forget_join(session.db, waiting.invitation_id)
            session.audit("invitation.introduce", "U", "invitation", object_id=waiting.invitation_id)
    if isinstance(code, str):
        raise refused(code)
    return {
        "node_machine": node.name,
        "node_machine_display_id": node.display_id,
        "display_id": session.device.display_id,
        "name": answer.get("name"),
    }


# -- 3. first contact, on the node machine (sync/server.py calls this for ENROL_OP) ----------------


def accept(session: Session, caller: str, body: dict[str, Any]) -> dict[str, Any]:
    """Check the invitation whose one-time certificate ``caller`` presented and the laptop's own
    certificate and signature in ``body``; use the invitation and pair (and so introduce) the laptop.
    An invitation refused answers ``{"refused": code}`` (the laptop says why in its language) and is
    audited; a caller that holds no invitation is refused as any unknown device is."""
    issued = invitations.by_one_time(session.db, caller)
    if issued is None:
        raise peers.PeerRefused(
            f"Onbekend apparaat {format_device_id(caller)}: geen uitnodiging.",
            f"Unknown device {format_device_id(caller)}: no invitation.",
        )
    code, cert = _check(session, issued, caller, body)
    with session.transaction():
        first_use = code is None and cert is not None and issued.used_by != cert.device_id
        if (
            first_use
            and cert
            and not invitations.mark_used(session.db, issued.invitation_id, cert.device_id, session.now())
        ):
            code = "used"  # another laptop used it a moment ago
        if code is not None or cert is None:
            session.audit(
                "invitation.use",
                "U",
                "invitation",
                outcome="denied",
                object_id=issued.invitation_id,
                detail={"why": code or "mismatch", "device": cert.device_id if cert else None},
            )
            return {"refused": code or "mismatch"}
        peer = peer_service.pair_device(session, cert, name=_peer_name(session, issued, cert))
        session.audit(
            "invitation.use",
            "U",
            "invitation",
            object_id=issued.invitation_id,
            basis_authorisation=True,
            detail={"device": cert.device_id, "name": peer.name, "role": issued.role},
        )
    return {"name": peer.name, "node_id": issued.node_id, "device_id": cert.device_id}


def _check(
    session: Session, issued: invitations.Issued, caller: str, body: dict[str, Any]
) -> tuple[str | None, identity.PeerCertificate | None]:
    try:
        cert = read_peer_certificate(str(body.get("certificate") or ""))
    except ValidationError:
        return "mismatch", None
    if body.get("invitation") != issued.invitation_id or (cert.node_id, cert.role) != (
        issued.node_id,
        issued.role.upper(),
    ):
        return "mismatch", cert
    signature = body.get("signature")
    try:
        raw = bytes.fromhex(signature) if isinstance(signature, str) else b""
    except ValueError:
        raw = b""
    if not verify_signature(
        cert.certificate_pem, proof_payload(issued.invitation_id, cert.device_id, caller), raw
    ):
        return "signature", cert
    state = issued.state(session.now())
    if state == "used" and issued.used_by == cert.device_id:
        return None, cert  # the same laptop again (its answer was lost): pairing it again changes nothing
    return (None if state == "open" else state), cert


def _peer_name(session: Session, issued: invitations.Issued, cert: identity.PeerCertificate) -> str:
    """The admin's name for it, else the laptop's label; with its id's first group if taken."""
    wanted = (issued.name or cert.label or issued.role)[:30]
    try:
        return peers.check_name(session.db, wanted, cert.device_id)
    except ValidationError:
        return peers.check_name(
            session.db, f"{wanted[:30]}-{format_device_id(cert.device_id)[:7]}", cert.device_id
        )
