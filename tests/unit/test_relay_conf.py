"""The relay's pure parts: nkeys from device keys, and what a device may do on the relay."""

from __future__ import annotations

import base64

import pytest
from testenv import make_session

from veldclient.sync import relay_conf, relay_nkeys
from veldclient.sync import relay_names as names


def test_a_devices_nkey_is_its_certificates_key_and_signs_like_nats_expects(isolated_env):
    session = make_session("a1", node="hengelo")
    try:
        pem = session.device.certificate_pem.decode()
        user = relay_nkeys.user_of_certificate(pem)
        assert user == relay_nkeys.user_of_key(session.device.private_key)
        assert user.startswith("U") and len(user) == 56
        signature = base64.b64decode(relay_nkeys.sign_nonce(session.device.private_key, "nonce-1"))
        session.device.private_key.public_key().verify(signature, b"nonce-1")
    finally:
        session.close()


def test_seeds_round_trip_and_a_wrong_checksum_is_refused():
    seed = relay_nkeys.new_seed()
    assert seed.startswith("SU")
    key = relay_nkeys.key_of_seed(seed)
    assert relay_nkeys.seed_of_key(key) == seed
    # nats-server itself checks the spelling in tests/relay (every device logs in with it)
    broken = seed[:-1] + ("A" if seed[-1] != "A" else "B")
    with pytest.raises(relay_nkeys.BadNkey):
        relay_nkeys.key_of_seed(broken)


def test_a_device_may_post_as_itself_to_the_regions_nodes_and_read_only_its_own_consumer():
    device = relay_conf.Device("ab" * 32, "hengelo", "pem")
    text = relay_conf.permissions(device, ("almelo", "hengelo"))
    for subject in (
        names.subject("almelo", device.device_id),
        names.subject("hengelo", device.device_id),
        *names.next_subjects("hengelo", device.device_id),
        names.ack_subjects("hengelo", device.device_id),
    ):
        assert f'"{subject}"' in text
    assert "VELD_MB_almelo" not in text, "never another node's mailbox"
    assert ">" not in text.replace(".>", ""), "no wildcard beyond its own ids"
    assert f'subscribe: {{ allow: ["{names.inbox(device.device_id)}.>"] }}' in text
