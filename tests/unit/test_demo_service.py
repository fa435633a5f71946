"""The demo service never overwrites a demo profile, and a build that fails leaves none behind."""

from __future__ import annotations

import pytest

from veldclient import profile as profmod
from veldclient.errors import ProfileError, VeldError
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
    def broken(*args):
        raise RuntimeError("disk full")

    monkeypatch.setattr(demo, "load_records", broken)
    with pytest.raises(RuntimeError, match="disk full"):
        demo.build_demo(clock=clock)
    assert not profmod.exists("demo")


def test_a_delivery_the_receiver_refuses_is_said_not_dropped(clock):
    """The demo's hand-over merges with the checks of a sync: a node document written by a device
    the receiver does not trust is refused, and the demo build stops with the reason."""
    from testenv import make_session

    from veldclient.services import demo_mesh, slots
    from veldclient.store.repo import doc_id_for

    nurse = make_session("publisher", clock=clock)
    stranger = make_session("stranger", node="hengelo", clock=clock)
    try:
        slots.publish(nurse, service="WV_VISIT", start_at=clock() + 26 * 3_600_000)
        own = doc_id_for("node", "enschede-centrum")
        with pytest.raises(VeldError, match="could not deliver") as refused:
            demo_mesh.deliver(nurse, stranger, [own])
        assert own in refused.value.nl and not stranger.db.execute("SELECT count(*) FROM slots").fetchone()[0]
    finally:
        nurse.close()
        stranger.close()
