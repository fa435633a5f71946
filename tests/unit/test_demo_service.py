"""The demo service never overwrites a demo profile, and a build that fails leaves none behind."""

from __future__ import annotations

import pytest

from veldclient import profile as profmod
from veldclient.errors import ProfileError
from veldclient.services import clients, demo


def test_building_over_an_existing_demo_is_refused_and_it_stays(clock):
    session = demo.build_demo(clock=clock)
    made = clients.register_client(
        session, {"name": "Gerda Nijhuis", "birth_date": "1936-04-02", "postcode": "7511 JM"}
    )
    device = session.profile.device_id
    session.close()

    with pytest.raises(ProfileError, match="already exists"):
        demo.build_demo(clock=clock).close()

    session, kept = demo.open_demo()
    try:
        assert session.profile.device_id == device and kept.clients == 201
        assert (kept.size, kept.seed) == ("small", 7)
        assert clients.get_client(session, made.id).name == "Gerda Nijhuis"
    finally:
        session.close()


def test_a_failed_build_leaves_no_demo_profile(clock, monkeypatch):
    def broken(session, data):
        raise RuntimeError("disk full")

    monkeypatch.setattr(demo, "load_records", broken)
    with pytest.raises(RuntimeError, match="disk full"):
        demo.build_demo(clock=clock)
    assert not profmod.exists("demo")
