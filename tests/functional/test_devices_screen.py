"""F9 Settings → devices: an admin invites a laptop (the file written, this machine's id shown to
compare), unpairs and revokes a device after a yes; a nurse is told how her laptop joins instead."""

from __future__ import annotations

from pathlib import Path

import pytest
from synchelpers import pair_peers
from testenv import FROZEN_NOW_MS, FakeClock, make_session
from tuihelpers import SIZE, make_app, screen_text, settle

from veldclient.screens.confirm import Confirm
from veldclient.screens.devices import DevicesScreen, InviteForm
from veldclient.services import enrolment, serving
from veldclient.sync import invitation_file, peers


@pytest.fixture
def admin(monkeypatch):
    monkeypatch.setenv("VELD_SYNC_PORT", "0")  # inviting starts serving: any free port
    monkeypatch.setenv("VELD_SYNC_INTERVAL", "3600")
    clock = FakeClock(FROZEN_NOW_MS)
    hub = make_session("hub", node="hengelo", role="admin", clock=clock)
    lap = make_session("lap", node="hengelo", role="nurse", clock=clock)
    pair_peers(hub, lap)
    lap.close()
    yield hub
    hub.close()


async def open_devices(app, pilot) -> DevicesScreen:
    await settle(app, pilot)
    await pilot.press("ctrl+d")
    await settle(app, pilot)
    assert isinstance(app.screen, DevicesScreen)
    return app.screen


@pytest.mark.parametrize("lang", ["nl", "en"])
async def test_an_admin_invites_a_laptop_and_sees_the_id_to_compare(admin, tmp_path: Path, lang: str):
    out = tmp_path / "uitnodiging.json"
    app = make_app(admin, start="settings", lang=lang)
    async with app.run_test(size=SIZE) as pilot:
        await open_devices(app, pilot)
        text = screen_text(app)
        assert admin.device.display_id in text and "lap" in text
        await pilot.press("i")
        await settle(app, pilot)
        form = app.screen
        assert isinstance(form, InviteForm)
        form.query_one("#f-expires").value = "soon"
        form.query_one("#f-out").value = str(out)
        await pilot.press("ctrl+s")
        await settle(app, pilot)
        assert isinstance(app.screen, InviteForm), "a wrong expiry keeps the form open"
        assert ("Geldigheid 'soon'" if lang == "nl" else "Expiry 'soon'") in screen_text(app)
        assert not out.exists()
        form.query_one("#f-expires").value = "2h"
        form.query_one("#f-address").value = "192.168.1.20:8765"
        await pilot.press("ctrl+s")
        await settle(app, pilot)
        assert isinstance(app.screen, DevicesScreen)
        text = screen_text(app)
        assert ("Uitnodiging geschreven" if lang == "nl" else "Invitation written") in text
        assert admin.device.display_id in text
        assert ("  wijkverpleegkundige  open  " if lang == "nl" else "  district nurse  open  ") in text
    invitation = invitation_file.read(out)
    assert (invitation.role, invitation.address) == ("nurse", "192.168.1.20:8765")
    assert invitation.expires_at == FROZEN_NOW_MS + 2 * 3_600_000
    assert invitation.node_machine.device_id == admin.actor.device_id
    [listed] = enrolment.list_invitations(admin)
    assert listed["state"] == "open"


async def test_the_form_names_where_this_machine_serves_the_network(admin, tmp_path: Path):
    with admin.transaction():  # what `veld serve --host 0.0.0.0` records on a machine with a network
        serving.remember(admin, "192.168.1.20", 8765)
    out = tmp_path / "uitnodiging.json"
    app = make_app(admin, start="settings")
    async with app.run_test(size=SIZE) as pilot:
        await open_devices(app, pilot)
        await pilot.press("i")
        await settle(app, pilot)
        form = app.screen
        assert isinstance(form, InviteForm)
        assert form.query_one("#f-address").value == "192.168.1.20:8765"
        form.query_one("#f-out").value = str(out)
        await pilot.press("ctrl+s")
        await settle(app, pilot)
        assert isinstance(app.screen, DevicesScreen)
    assert invitation_file.read(out).address == "192.168.1.20:8765"


async def test_unpair_and_revoke_ask_first(admin):
    app = make_app(admin, start="settings")
    async with app.run_test(size=SIZE) as pilot:
        await open_devices(app, pilot)
        await pilot.press("r")
        await settle(app, pilot)
        assert isinstance(app.screen, Confirm) and "ongedaan" in screen_text(app)
        await pilot.press("n")
        await settle(app, pilot)
        assert isinstance(app.screen, DevicesScreen)
        assert [p.name for p in peers.usable_peers(admin.repo)] == ["lap"], "no means nothing happens"
        await pilot.press("r")
        await settle(app, pilot)
        await pilot.press("j")
        await settle(app, pilot)
        assert "INGETROKKEN" in screen_text(app)
        assert [p.name for p in peers.usable_peers(admin.repo)] == []
        await pilot.press("u")
        await settle(app, pilot)
        assert isinstance(app.screen, Confirm)
        await pilot.press("j")
        await settle(app, pilot)
        assert "Ontkoppeld: lap." in screen_text(app)
    assert peers.all_peers(admin.db) == []
    events = {e for (e,) in admin.db.execute("SELECT event FROM audit_log")}
    assert {"device.revoke", "peer.remove"} <= events


async def test_a_nurse_is_not_offered_devices_and_is_told_how_her_laptop_joins():
    nurse = make_session("n", node="hengelo", role="nurse")
    try:
        app = make_app(nurse, start="settings", lang="en")
        async with app.run_test(size=SIZE) as pilot:
            await settle(app, pilot)
            assert "Devices" not in screen_text(app), "the key is an admin's"
            await pilot.press("ctrl+d")
            await settle(app, pilot)
            assert not isinstance(app.screen, DevicesScreen)
            await app.screen.run_action("devices")  # as the command palette would
            await settle(app, pilot)
            assert not isinstance(app.screen, DevicesScreen)
            said = [n.message for n in app._notifications]
            assert any("Only an admin" in m and "veld join FILE" in m for m in said), said
    finally:
        nurse.close()


def test_the_bundle_hint_says_how_to_join():
    from veldclient.screens import i18n

    assert "veld join" in i18n.t("bundles.no_peers") and "peers add" not in i18n.t("bundles.no_peers")
