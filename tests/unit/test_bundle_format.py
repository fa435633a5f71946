"""The bundle file and its keys: Ed25519 → age conversion, sealing, signature before decryption,
manifest round trip, names."""

from __future__ import annotations

import hashlib

import pyrage
import pytest
from cryptography.hazmat.primitives.asymmetric import ed25519, x25519

from veldclient.store.heads import Heads
from veldclient.sync import age_keys, bundle
from veldclient.sync.bundle import BundleRefused, Header, Manifest


def test_ed25519_keys_convert_to_a_matching_x25519_pair():
    for _ in range(20):
        key = ed25519.Ed25519PrivateKey.generate()
        private = age_keys.x25519_private(key.private_bytes_raw())
        expected = x25519.X25519PrivateKey.from_private_bytes(private).public_key().public_bytes_raw()
        assert age_keys.x25519_public(key.public_key().public_bytes_raw()) == expected


def test_age_round_trip_through_the_converted_keys():
    key = ed25519.Ed25519PrivateKey.generate()
    identity = age_keys.identity_for_key(key)
    recipient = pyrage.x25519.Recipient.from_str(
        age_keys.recipient_string(key.public_key().public_bytes_raw())
    )
    assert str(identity.to_public()) == age_keys.recipient_string(key.public_key().public_bytes_raw())
    assert pyrage.decrypt(pyrage.encrypt(b"secret", [recipient]), [identity]) == b"secret"
    other = age_keys.identity_for_key(ed25519.Ed25519PrivateKey.generate())
    with pytest.raises(pyrage.DecryptError):
        pyrage.decrypt(pyrage.encrypt(b"secret", [recipient]), [other])


def test_bech32_matches_age_for_a_known_key():
    # age's own encoding of a generated identity decodes to the same string we produce
    identity = pyrage.x25519.Identity.generate()
    text = str(identity)
    assert text.startswith("AGE-SECRET-KEY-1")
    public = str(identity.to_public())
    from veldclient.sync.age_keys import _BECH32  # noqa: PLC2701

    words = [_BECH32.index(c) for c in public[4:-6]]
    acc, bits, raw = 0, 0, bytearray()
    for w in words:
        acc, bits = (acc << 5) | w, bits + 5
        if bits >= 8:
            bits -= 8
            raw.append((acc >> bits) & 0xFF)
    assert age_keys.bech32("age", bytes(raw)) == public


def test_the_certificate_gives_the_same_recipient_as_the_key(session):
    from_cert = age_keys.recipient_for_certificate(session.device.certificate_pem)
    assert str(from_cert) == str(age_keys.identity_for_key(session.device.private_key).to_public())


def _header(session, **overrides) -> Header:
    fields = dict(
        bundle_id="b" * 16,
        kind="data",
        sender_device=session.actor.device_id,
        sender_node=session.actor.node_id,
        seq=1,
        created_at=1,
        recipients=(session.actor.device_id,),
        recipient_nodes=(session.actor.node_id,),
    )
    fields.update(overrides)
    return Header(**fields)


def _sealed(session, tmp_path, plaintext=b"x" * 100):
    recipient = age_keys.recipient_for_certificate(session.device.certificate_pem)
    data = bundle.seal(_header(session), plaintext, session.device, [recipient])
    path = tmp_path / "b.vbundle"
    path.write_bytes(data)
    return path, data


def test_sealed_file_verifies_and_decrypts(session, tmp_path):
    path, _ = _sealed(session, tmp_path)
    envelope = bundle.read(path)
    envelope.verify(session.device.certificate_pem.decode())
    assert (
        envelope.header.seq == 1
        and envelope.header.cipher_sha256 == hashlib.sha256(envelope.ciphertext).digest()
    )
    assert bundle.decrypt(envelope, age_keys.identity_for_key(session.device.private_key)) == b"x" * 100
    assert bundle.read_header(path) == envelope.header


def test_a_changed_header_breaks_the_signature(session, tmp_path):
    path, data = _sealed(session, tmp_path)
    raw = bytearray(data)
    raw[raw.index(b"seq") + 3] ^= 0x01  # the signed sequence number
    path.write_bytes(bytes(raw))
    with pytest.raises(BundleRefused) as caught:
        bundle.read(path).verify(session.device.certificate_pem.decode())
    assert caught.value.code in ("signature", "damaged")


def test_another_devices_certificate_does_not_verify(session, coordinator, tmp_path):
    path, _ = _sealed(session, tmp_path)
    with pytest.raises(BundleRefused) as caught:
        bundle.read(path).verify(coordinator.device.certificate_pem.decode())
    assert caught.value.code == "signature"


def test_a_non_bundle_and_a_future_version_are_named(tmp_path):
    other = tmp_path / "notes.vbundle"
    other.write_bytes(b"hello, not a bundle")
    with pytest.raises(BundleRefused) as caught:
        bundle.read(other)
    assert caught.value.code == "not_bundle"
    future = tmp_path / "future.vbundle"
    future.write_bytes(bundle.MAGIC + bytes([9]) + b"\0\0\0\0")
    with pytest.raises(BundleRefused) as caught:
        bundle.read(future)
    assert caught.value.code == "version"


def test_manifest_round_trip_and_hash_check(session):
    entry = bundle.entry("case:" + "a" * 32, "full", [], [b"\1" * 32], b"automerge bytes")
    manifest = Manifest(_header(session), (entry,), (("node:x", Heads.from_text('["' + "ab" * 32 + '"]')),))
    back = bundle.decode_manifest(bundle.encode_manifest(manifest))
    assert back == manifest
    bundle.check_hashes(back)
    bad = Manifest(
        back.header, (bundle.DocEntry(entry.doc_id, "full", (), entry.after, entry.sha256, b"other"),)
    )
    with pytest.raises(BundleRefused) as caught:
        bundle.check_hashes(bad)
    assert caught.value.code == "damaged"
    with pytest.raises(BundleRefused):
        bundle.decode_manifest(b"not deflate")


def test_acknowledged_heads_arrive_in_the_stored_spelling_and_anything_else_is_refused(session):
    low, high = "ab" * 32, "cd" * 32
    sent = Manifest(_header(session), (), (("node:x", Heads.from_text(f'["{high}","{low}"]')),))
    back = bundle.decode_manifest(bundle.encode_manifest(sent))
    assert [(d, h.text) for d, h in back.acks] == [("node:x", f'["{low}", "{high}"]')]
    for text in ("not json", '["' + "AB" * 32 + '"]', '["ab"]', "{}"):
        bad = Manifest(_header(session), (), (("node:x", Heads.from_text(text)),))
        with pytest.raises(BundleRefused) as caught:
            bundle.decode_manifest(bundle.encode_manifest(bad))
        assert caught.value.code == "damaged" and "acks" in caught.value.message("en")


def test_file_names_carry_node_sequence_and_id():
    assert bundle.file_name("hengelo", 7, "0123abcd") == "veld-hengelo-000007-0123abcd.vbundle"
