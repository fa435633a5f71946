"""Who may write a node's document: the device list resolved from signed entries (trust.py)."""

from __future__ import annotations

import pytest
from testenv import FakeClock, make_session

from veldclient import trust


@pytest.fixture
def three():
    sessions = [make_session(n, node="borne", role="admin", clock=FakeClock()) for n in ("t1", "t2", "t3")]
    yield sessions
    for s in sessions:
        s.close()


def entry(signer, device, *, revoked=False, **extra):
    action = "revoke" if revoked else "add"
    cert = device.device.certificate_pem
    return {
        "device_id": device.actor.device_id,
        "node_id": "borne",
        "cert": cert.decode() if isinstance(cert, bytes) else cert,
        "added_by": signer.actor.device_id,
        "revoked": revoked,
        "signature": signer.device.sign(trust.entry_payload(device.actor.device_id, "borne", action)).hex(),
        **extra,
    }


def resolve(session, root):
    certs, revoked = trust.resolve_devices(session.db, "borne", root)
    return {d for d in certs if d not in revoked}


def test_trust_follows_signatures_from_the_device_itself_outward(three):
    t1, t2, t3 = three
    ids = [s.actor.device_id for s in three]
    # t1 knows only itself; t1 vouches for t2, t2 for t3: both follow
    root = {"devices": {ids[1]: entry(t1, t2), ids[2]: entry(t2, t3)}}
    assert resolve(t1, root) == set(ids)
    # without t1's entry, nothing t2 signed counts on t1
    assert resolve(t1, {"devices": {ids[2]: entry(t2, t3)}}) == {ids[0]}


def test_a_signature_kept_as_an_attestation_counts_when_the_shown_entry_is_another(three):
    t1, t2, _ = three
    own = entry(t2, t2)  # t2's self-signed entry won the conflict on devices[t2]
    vouched = entry(t1, t2)
    root = {"devices": {t2.actor.device_id: own}, "attestations": {trust.attestation_key(vouched): vouched}}
    assert t2.actor.device_id in resolve(t1, root)
    assert t2.actor.device_id not in resolve(t1, {"devices": {t2.actor.device_id: own}})


def test_an_introduction_with_someone_elses_certificate_does_not_count(three):
    t1, t2, t3 = three
    swapped = entry(t1, t2, cert=entry(t1, t3)["cert"])  # valid signature for t2, t3's certificate
    assert resolve(t1, {"devices": {t2.actor.device_id: swapped}}) == {t1.actor.device_id}


def test_a_revocation_wins_over_any_introduction(three):
    t1, t2, _ = three
    added, revoked = entry(t1, t2), entry(t1, t2, revoked=True)
    root = {"devices": {t2.actor.device_id: added}, "attestations": {trust.attestation_key(revoked): revoked}}
    assert t2.actor.device_id not in resolve(t1, root)
    assert t2.actor.device_id in trust.revoked_devices(t1.db, "borne", root)


@pytest.mark.parametrize(
    "hostile",
    [
        {"signature": ["not", "text"]},
        {"signature": "zz-not-hex"},
        {"signature": ""},
        {"cert": {"pem": "a map"}},
        {"cert": "-----BEGIN CERTIFICATE-----\nbroken\n-----END CERTIFICATE-----\n"},
        {"node_id": "almelo"},
    ],
)
def test_hostile_or_broken_entries_are_ignored_without_failing(three, hostile):
    """Wrong types, bad hex, a certificate that is not the one the device id names (the signature
    covers only the id), another node: ignored, and nothing signed by that device counts."""
    t1, t2, t3 = three
    bad = entry(t1, t2, **hostile)
    onward = entry(t2, t3)  # would only count if the broken entry had made t2 trusted
    root = {"devices": {t2.actor.device_id: bad, t3.actor.device_id: onward}}
    assert resolve(t1, root) == {t1.actor.device_id}
