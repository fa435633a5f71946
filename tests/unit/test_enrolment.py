"""A nurse's laptop joins its node: the admin's one-time invitation, the laptop's first contact over
loopback TLS, the node machine's signed introduction; a used, expired or edited invitation refused."""

from __future__ import annotations

import json
import stat
from pathlib import Path

import pytest
from synchelpers import LoopbackServer
from testenv import PASSPHRASE, FakeClock, make_session

from veldclient import trust
from veldclient.errors import AccessDenied, ValidationError
from veldclient.services import clients, enrolment, sync_service
from veldclient.services import peers as peer_service
from veldclient.store.repo import doc_id_for
from veldclient.sync import invitation_file, invitations, peers
from veldclient.sync.protocol import Replica

HOUR = 3_600_000
GOOD = {"name": "Henk [H] Jansen", "birth_date": "1941-07-08", "postcode": "7511 JM"}


@pytest.fixture
def node(tmp_path: Path):
    """The node machine: an admin profile of hengelo serving over loopback TLS, invitations on."""
    clock = FakeClock()
    admin = make_session("hub", node="hengelo", role="admin", clock=clock)
    server = LoopbackServer(Replica(admin), enrol=enrolment.accept)
    try:
        yield admin, server, clock
    finally:
        server.close()
        admin.close()


@pytest.fixture
def invited(node, tmp_path: Path):
    """The node machine with one nurse invitation for 24 hours at ``path``."""
    admin, server, clock = node
    path = tmp_path / "invite.json"
    info = invite(admin, server, path)
    return admin, path, info


def invite(admin, server, path: Path, **extra) -> dict:
    info = enrolment.issue_invitation(
        admin, path, role=extra.pop("role", "nurse"), expires=extra.pop("expires", "24h"),
        address=server.address, **extra,
    )  # fmt: skip
    server.refresh()  # what the server's refresh loop does every two seconds
    return info


def join(name: str, path: Path, clock: FakeClock | None = None):
    return enrolment.join(
        name, path, user=f"nurse-{name}", passphrase=PASSPHRASE, use_keyring=False, clock=clock or FakeClock()
    )


def test_a_laptop_joins_syncs_and_is_introduced_by_the_node_machine(node, tmp_path: Path):
    admin, server, _ = node
    path = tmp_path / "invite.json"
    info = invite(admin, server, path)
    assert stat.S_IMODE(path.stat().st_mode) == 0o600, "the file is a secret"
    assert info["node_machine_display_id"] == admin.device.display_id

    laptop = join("lap", path)
    try:
        assert (laptop.actor.node_id, laptop.actor.role) == ("hengelo", "nurse")
        assert enrolment.pending(laptop) == {
            "invitation_id": info["invitation_id"], "node_machine": "hengelo", "address": server.address,
        }  # fmt: skip
        client = clients.register_client(laptop, GOOD)
        report = sync_service.sync_peer(laptop, "hengelo")  # introduces itself first, then syncs
        assert report.pushed >= 1 and not report.refused
        assert enrolment.pending(laptop) is None
        assert admin.repo.store.exists(doc_id_for("case", client.id)), "the laptop's referral arrived"

        [paired] = peers.all_peers(admin.db)
        assert paired.device_id == laptop.actor.device_id and paired.role == "NURSE"
        root = admin.repo.read(doc_id_for("node", "hengelo"))
        assert (
            trust.attestation_key({"device_id": laptop.actor.device_id, "added_by": admin.actor.device_id})
            in root["attestations"]
        ), "the node machine signed the laptop's introduction"
        [listed] = enrolment.list_invitations(admin)
        assert listed["state"] == "used" and listed["used_by"] == laptop.actor.device_id
        events = [e for (e,) in admin.db.execute("SELECT event FROM audit_log ORDER BY seq")]
        assert {"invitation.issue", "invitation.use", "peer.add"} <= set(events)
    finally:
        laptop.close()


def test_an_invitation_works_once(invited):
    admin, path, _ = invited
    first = join("one", path)
    second = join("two", path)
    try:
        assert enrolment.introduce(first) is not None
        with pytest.raises(enrolment.InvitationRefused) as refused:
            enrolment.introduce(second)
        assert refused.value.code == "used"
        assert "already been used" in refused.value.message("en")
        assert "al gebruikt" in refused.value.message("nl")
        assert [p.device_id for p in peers.all_peers(admin.db)] == [first.actor.device_id]
        denied = admin.db.execute(
            "SELECT detail FROM audit_log WHERE event = 'invitation.use' AND outcome = 'denied'"
        ).fetchone()
        assert json.loads(denied[0])["why"] == "used"
        assert enrolment.introduce(first) is None, "nothing left to introduce"
    finally:
        first.close()
        second.close()


def test_the_same_laptop_asking_again_is_answered_again(invited):
    """Its first answer may be lost on the way: the invitation it used still lets it in."""
    admin, path, _ = invited
    laptop = join("lap", path)
    try:
        waiting = invitations.pending_join(laptop.db)
        enrolment.introduce(laptop)
        with laptop.transaction():
            invitations.remember_join(laptop.db, waiting)
        assert enrolment.introduce(laptop) is not None
        assert len(peers.all_peers(admin.db)) == 1
    finally:
        laptop.close()


def test_an_expired_invitation_is_refused_by_the_node_machine(node, tmp_path: Path):
    admin, server, clock = node
    path = tmp_path / "invite.json"
    invite(admin, server, path, expires="2h")
    laptop = join("lap", path)  # the laptop's own clock is still within the two hours
    clock.advance(2 * HOUR)
    try:
        with pytest.raises(enrolment.InvitationRefused) as refused:
            sync_service.sync_peer(laptop, "hengelo")
        assert refused.value.code == "expired" and "expired" in refused.value.message("en")
        assert peers.all_peers(admin.db) == []
    finally:
        laptop.close()


def test_joining_with_an_expired_invitation_makes_no_profile(node, tmp_path: Path):
    from veldclient import profile as profmod

    admin, server, _ = node
    path = tmp_path / "invite.json"
    invite(admin, server, path, expires="1h")
    with pytest.raises(enrolment.InvitationRefused, match="expired"):
        join("lap", path, FakeClock(admin.now() + HOUR))
    assert not profmod.exists("lap")


def test_a_revoked_laptop_is_refused_after_joining(invited):
    admin, path, _ = invited
    laptop = join("lap", path)
    try:
        sync_service.sync_peer(laptop, "hengelo")
        peer_service.revoke_device(admin, laptop.actor.device_id)
        with pytest.raises(peers.PeerRefused):
            sync_service.sync_peer(laptop, "hengelo")
    finally:
        laptop.close()


def test_the_laptop_cannot_claim_another_role_than_invited(node, tmp_path: Path):
    """An edited file is refused on the laptop; the node machine checks the certificate again."""
    admin, server, _ = node
    path = tmp_path / "invite.json"
    invite(admin, server, path, role="nurse")
    body = json.loads(path.read_text())
    body["role"] = "admin"
    path.write_text(json.dumps(body))
    with pytest.raises(ValidationError, match="altered"):
        invitation_file.read(path)
    issued = invitations.all_issued(admin.db)[0]
    stranger = make_session("x", node="hengelo", role="admin", clock=FakeClock())
    try:
        answer = enrolment.accept(
            admin, issued.one_time_id,
            {"invitation": issued.invitation_id, "certificate": stranger.device.certificate_pem.decode(),
             "signature": "00"},
        )  # fmt: skip
        assert answer == {"refused": "mismatch"}
        assert peers.all_peers(admin.db) == []
    finally:
        stranger.close()


def test_a_certificate_not_signed_by_its_holder_is_refused(invited):
    admin, _, _ = invited
    issued = invitations.all_issued(admin.db)[0]
    other = make_session("x", node="hengelo", role="nurse", clock=FakeClock())
    try:
        wrong = enrolment.proof_payload(issued.invitation_id, other.actor.device_id, "someone else")
        answer = enrolment.accept(
            admin, issued.one_time_id,
            {"invitation": issued.invitation_id, "certificate": other.device.certificate_pem.decode(),
             "signature": other.device.sign(wrong).hex()},
        )  # fmt: skip
        assert answer == {"refused": "signature"}
    finally:
        other.close()


def test_only_an_admin_invites_and_expiry_and_role_are_checked(tmp_path: Path):
    nurse = make_session("n", node="hengelo", role="nurse")
    admin = make_session("a", node="hengelo", role="admin")
    try:
        with pytest.raises(AccessDenied):
            enrolment.issue_invitation(nurse, tmp_path / "i.json", role="nurse", expires="24h")
        for bad in ("0h", "31d", "soon", "24"):
            with pytest.raises(ValidationError, match="Expiry"):
                enrolment.issue_invitation(admin, tmp_path / "i.json", role="nurse", expires=bad)
        with pytest.raises(ValidationError, match="role"):
            enrolment.issue_invitation(admin, tmp_path / "i.json", role="boss", expires="24h")
        assert not (tmp_path / "i.json").exists() and enrolment.list_invitations(admin) == []
    finally:
        nurse.close()
        admin.close()


def test_a_cancelled_invitation_lets_nobody_in(invited):
    admin, path, info = invited
    enrolment.cancel_invitation(admin, info["invitation_id"])
    laptop = join("lap", path)
    try:
        with pytest.raises(enrolment.InvitationRefused, match="cancelled"):
            enrolment.introduce(laptop)
        assert peers.all_peers(admin.db) == []
        assert enrolment.list_invitations(admin)[0]["state"] == "cancelled"
    finally:
        laptop.close()
