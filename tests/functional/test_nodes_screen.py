"""F9 Settings → nodes: the admin of a new node founds it with the form (errors under their fields,
what was typed kept), sees it listed as founded, and retires it after a yes; a Twente admin sees the
demo nodes and cannot found another node from his profile; a nurse is not let in."""

from __future__ import annotations

import pytest
from testenv import FROZEN_NOW_MS, FakeClock, make_session
from tuihelpers import SIZE, make_app, screen_text, settle

from veldclient.screens.confirm import Confirm
from veldclient.screens.nodes_admin import FoundNodeForm, NodesScreen
from veldclient.services import nodes


@pytest.fixture
def zwolle():
    session = make_session("zw", node="zwolle", role="admin", clock=FakeClock(FROZEN_NOW_MS))
    yield session
    session.close()


async def open_nodes(app, pilot) -> NodesScreen:
    await settle(app, pilot)
    await pilot.press("ctrl+k")
    await settle(app, pilot)
    assert isinstance(app.screen, NodesScreen)
    return app.screen


@pytest.mark.parametrize("lang", ["nl", "en"])
async def test_a_new_nodes_admin_founds_it_in_the_form_and_retires_it(zwolle, lang: str):
    app = make_app(zwolle, start="settings", lang=lang)
    async with app.run_test(size=SIZE) as pilot:
        await open_nodes(app, pilot)
        text = screen_text(app)
        assert ("nog niet opgericht" if lang == "nl" else "has not been founded yet") in text
        assert "enschede-centrum" in text and "zwolle  " not in text
        await pilot.press("f")
        await settle(app, pilot)
        form = app.screen
        assert isinstance(form, FoundNodeForm)
        assert form.query_one("#f-id").value == "zwolle"
        form.query_one("#f-postcodes").value = "80a"
        form.query_one("#f-location0").value = "Isala; 8025 AB"
        await pilot.press("ctrl+s")
        await settle(app, pilot)
        assert isinstance(app.screen, FoundNodeForm), "errors keep the form open"
        text = screen_text(app)
        assert ("Geef de naam van het knooppunt" if lang == "nl" else "Give the node's name") in text
        assert ("geen postcodegebied" if lang == "nl" else "no postcode area") in text
        assert ("geef naam; postcode; adres" if lang == "nl" else "give name; postcode; address") in text
        assert form.query_one("#f-postcodes").value == "80a", "what was typed stays"
        assert "zwolle" not in nodes.active_ids(zwolle)
        form.query_one("#f-name").value = "Zwolle"
        form.query_one("#f-postcodes").value = "8011-8017"
        form.query_one("#f-location0").value = "Isala Zwolle; 8025 AB; Dokter van Heesweg 2"
        await pilot.press("ctrl+s")
        await settle(app, pilot)
        assert isinstance(app.screen, NodesScreen)
        text = screen_text(app)
        assert ("opgericht" if lang == "nl" else "founded") in text and "8011-8017" in text
        assert nodes.check_known(zwolle, "zwolle").name == "Zwolle"

        await pilot.press("r")
        await settle(app, pilot)
        assert isinstance(app.screen, Confirm)
        assert ("opheffen voor het hele netwerk" if lang == "nl" else "Retire node Zwolle") in screen_text(
            app
        )
        await pilot.press("escape")
        await settle(app, pilot)
        assert not nodes.check_known(zwolle, "zwolle").retired, "no without a yes"
        await pilot.press("r")
        await settle(app, pilot)
        await pilot.press("y" if lang == "en" else "j")
        await settle(app, pilot)
        assert nodes.check_known(zwolle, "zwolle").retired
        assert ("opgeheven" if lang == "nl" else "retired") in screen_text(app)


async def test_a_twente_admin_sees_the_nodes_but_founds_a_node_with_a_profile_of_its_own():
    hub = make_session("hub", node="hengelo", role="admin", clock=FakeClock(FROZEN_NOW_MS))
    try:
        app = make_app(hub, start="settings", lang="en")
        async with app.run_test(size=SIZE) as pilot:
            await open_nodes(app, pilot)
            assert "This profile belongs to node Hengelo (hengelo)" in screen_text(app)
            await pilot.press("f")
            await settle(app, pilot)
            assert isinstance(app.screen, NodesScreen)
            assert "veld init --node ID --role admin" in screen_text(app)
    finally:
        hub.close()


async def test_a_nurse_is_not_let_in():
    nurse = make_session("n", node="hengelo", role="nurse", clock=FakeClock(FROZEN_NOW_MS))
    try:
        app = make_app(nurse, start="settings", lang="en")
        async with app.run_test(size=SIZE) as pilot:
            await settle(app, pilot)
            await pilot.press("ctrl+k")
            await settle(app, pilot)
            assert not isinstance(app.screen, NodesScreen)
    finally:
        nurse.close()
