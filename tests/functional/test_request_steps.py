"""A nurse moves a placement request through the request screen, on both nodes: send (confirmed, or
left), withdraw, accept (confirmed), withdraw an offer, admit (confirmed) and discharge; the client's
name on the own node only; and a key that does not fit the request says why."""

from __future__ import annotations

import pytest
from test_caseload_detail import almelo_elv_hoog, cells, file_request
from testenv import FakeClock, make_session, push
from textual.widgets import DataTable, Select
from tuihelpers import SIZE, demo_session, make_app, screen_text, settle

from veldclient.screens.case_detail import RequestScreen
from veldclient.screens.caseload_forms import DischargeForm, WithdrawForm
from veldclient.screens.confirm import Confirm
from veldclient.screens.widgets.capacity_table import CapacityTable, row_key
from veldclient.services import capacity, demo
from veldclient.services import placement_flow as pf
from veldclient.store.repo import doc_id_for


@pytest.fixture
def almelo():
    s = make_session("almelo", node="almelo", clock=FakeClock())
    demo.load_nodes(s)
    yield s
    s.close()


def notes(app) -> list[str]:
    return [str(n.message) for n in app._notifications]


def reserved(session, location: str) -> int:
    return next(
        v.reserved for v in capacity.capacity(session, care_type="ELV_HOOG") if v.location_id == location
    )


async def open_request(app, pilot, request_id: str) -> None:
    app.push_screen(RequestScreen(request_id))
    await settle(app, pilot)


async def pick(app, table_id: str, row: int = 0) -> None:
    table = app.screen.query_one(f"#{table_id}", DataTable)
    table.focus()
    table.move_cursor(row=row)


async def test_send_asks_first_and_no_leaves_it_unsent_then_withdraw_cancels():
    session = demo_session()
    request_id = file_request(session)
    app = make_app(session, start="caseload")
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await settle(app, pilot)
        await open_request(app, pilot, request_id)
        assert "Cliënt: Gerda [test] Nijhuis" in screen_text(app), "the own node's nurse sees the name"
        row = next(i for i, r in enumerate(cells(app, "candidates")) if r[1] == "Almelo")
        await pick(app, "candidates", row)
        await pilot.press("s")
        await settle(app, pilot)
        assert isinstance(app.screen, Confirm)
        assert "Almelo" in str(app.screen.query_one("#question").render())
        await pilot.press("n")
        await settle(app, pilot)
        assert isinstance(app.screen, RequestScreen)
        assert pf.get_request(session, request_id)["sent_to"] == [], "no: nothing leaves the device"

        await pilot.press("o")  # an incoming step on the own request: says why, does nothing
        await settle(app, pilot)
        assert any("ander knooppunt naar u stuurde" in n for n in notes(app))

        await pilot.press("w")
        await settle(app, pilot)
        assert isinstance(app.screen, WithdrawForm)
        await pilot.press(*list("familie zorgt"))
        await pilot.press("ctrl+s")
        await settle(app, pilot)
        assert isinstance(app.screen, RequestScreen)
        assert "status: Geannuleerd" in screen_text(app)
        await pilot.press("s")  # nothing to send any more: says why
        await settle(app, pilot)
        assert any("zoekt geen plek meer" in n for n in notes(app))
    events = session.repo.read(doc_id_for("placement", request_id))["events"]
    assert events[-1]["type"] == "CANCELLED" and events[-1]["data"]["reason"] == "familie zorgt"


def offered_by_almelo(enschede, almelo) -> tuple[str, str, str, dict]:
    """Enschede's request sent to Almelo, with Almelo's offer of ZGT Almelo's ELV-hoog bed back at
    Enschede: request id, document id, location id and the offer event."""
    request_id = file_request(enschede)
    doc = doc_id_for("placement", request_id)
    location = almelo_elv_hoog(almelo)
    pf.send(enschede, request_id, "almelo")
    push(enschede, almelo, pf.outbox(enschede, "almelo"))
    offer = pf.offer(almelo, request_id, location, "ELV_HOOG")
    push(almelo, enschede, [doc])
    return request_id, doc, location, offer


@pytest.mark.parametrize("lang", ["nl", "en"])
async def test_accept_reserves_then_the_receiving_node_admits_and_discharges(almelo, lang):
    enschede = demo_session()
    request_id, doc, location, offer = offered_by_almelo(enschede, almelo)
    yes = "j" if lang == "nl" else "y"

    app = make_app(enschede, start="caseload", lang=lang)
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await settle(app, pilot)
        await open_request(app, pilot, request_id)
        await pick(app, "offers")
        await pilot.press("a")
        await settle(app, pilot)
        assert isinstance(app.screen, Confirm)
        await pilot.press(yes)
        await settle(app, pilot)
        assert cells(app, "offers")[0][-1] == ("geaccepteerd" if lang == "nl" else "accepted")
    push(enschede, almelo, [doc])
    assert reserved(almelo, location) == 1, "the bed is reserved from acceptance"
    free_before = capacity.capacity(almelo, care_type="ELV_HOOG")

    receiving = make_app(almelo, start="caseload", lang=lang)
    async with receiving.run_test(size=SIZE, notifications=True) as pilot:
        await settle(receiving, pilot)
        await open_request(receiving, pilot, request_id)
        assert "Gerda" not in screen_text(receiving), "another node never sees the name"
        await pilot.press("s")  # an own-node step on an incoming request: says why
        await settle(receiving, pilot)
        why = "eigen knooppunt" if lang == "nl" else "your own node"
        assert any(why in n for n in notes(receiving))
        await pilot.press("m")
        await settle(receiving, pilot)
        assert isinstance(receiving.screen, Confirm)
        await pilot.press(yes)
        await settle(receiving, pilot)
        assert pf.get_request(almelo, request_id)["status"] == "ADMITTED"
        assert reserved(almelo, location) == 0, "the reservation became the admission"
        where = "Opgenomen op: " if lang == "nl" else "Admitted at: "
        assert where in screen_text(receiving), "the request says where the client is"
        await pilot.press("x")
        await settle(receiving, pilot)
        assert isinstance(receiving.screen, DischargeForm)
        receiving.screen.fields["destination"].value = "HOME"  # type: ignore[union-attr]
        assert isinstance(receiving.screen.fields["destination"], Select)
        await pilot.press("ctrl+s")
        await settle(receiving, pilot)
        assert isinstance(receiving.screen, RequestScreen)
    assert pf.get_request(almelo, request_id)["status"] == "DISCHARGED"
    after = {v.location_id: v.free for v in capacity.capacity(almelo, care_type="ELV_HOOG")}
    assert after[location] == next(v.free for v in free_before if v.location_id == location)
    assert offer["id"] in {o["offer_id"] for o in pf.get_request(almelo, request_id)["offers"]}


async def test_the_receiving_node_withdraws_its_offer_and_the_request_may_go_elsewhere(almelo):
    enschede = demo_session()
    request_id = file_request(enschede)
    doc = doc_id_for("placement", request_id)
    pf.send(enschede, request_id, "almelo")
    push(enschede, almelo, pf.outbox(enschede, "almelo"))
    pf.offer(almelo, request_id, almelo_elv_hoog(almelo), "ELV_HOOG")

    app = make_app(almelo, start="caseload")
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await settle(app, pilot)
        await open_request(app, pilot, request_id)
        await pick(app, "offers")
        await pilot.press("w")
        await settle(app, pilot)
        assert isinstance(app.screen, WithdrawForm)
        await pilot.press("ctrl+s")
        await settle(app, pilot)
        assert cells(app, "offers")[0][-1] == "ingetrokken"
    push(almelo, enschede, [doc])
    pf.check_send(enschede, request_id, "hengelo")  # no offer stands: it may be sent on


async def test_the_capacity_board_shows_the_reserved_bed_from_acceptance(almelo):
    enschede = demo_session()
    request_id, doc, location, offer = offered_by_almelo(enschede, almelo)
    pf.accept(enschede, request_id, offer["id"])
    push(enschede, almelo, [doc])
    [beds] = [v for v in capacity.capacity(almelo, care_type="ELV_HOOG") if v.location_id == location]

    app = make_app(almelo, start="capacity")
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        table = app.screen.query_one(CapacityTable)
        table.focus()
        await settle(app, pilot)
        row = table.get_row_index(row_key(beds))
        await pilot.press(*["down"] * row)
        await settle(app, pilot)
        text = screen_text(app)
        assert f"{beds.free - 1}/{beds.beds_total}*" in text
        assert (
            f"* 1 gereserveerd voor een geaccepteerd aanbod (nog niet opgenomen); nog vrij: {beds.free - 1}"
            in (" ".join(text.split()))
        )
