"""A coordinator's demo driven as a coordinator walks it: a carer whose burden rose shows the
measurements, the trend and the advice to discuss respite; the slot that the node's nurse laptop
published and two other nodes booked while apart shows as double booked (F11); its conflict waits in
the inbox (F7), where the coordinator decides it."""

from __future__ import annotations

from datetime import date

from tuihelpers import SIZE, demo_session, make_app, screen_text, settle

from veldclient.domain.burden import respite_advice
from veldclient.domain.enums import BurdenCategory, BurdenTrend
from veldclient.screens.confirm import Confirm
from veldclient.screens.conflicts import ConflictsScreen
from veldclient.screens.roster_detail import MantelzorgerScreen
from veldclient.screens.slots import SlotsScreen
from veldclient.screens.widgets.window_table import WindowTable
from veldclient.services import carers

RISING = respite_advice(BurdenCategory.MODERATE, date.today(), BurdenTrend.RISING)


def rising_carer(session) -> str:
    """The name of a carer whose moderate burden rose (the roster search types it: letters only)."""
    for (carer_id,) in session.db.execute(
        "SELECT DISTINCT doc_id FROM doc_events WHERE type = 'BURDEN' ORDER BY doc_id"
    ).fetchall():
        record = carers.burden_record(session, carer_id.split(":", 1)[1])
        name = f"{record.carer.first_name} {record.carer.last_name}"
        if record.advice is not None and record.advice.nl == RISING.nl and name.replace(" ", "").isalpha():
            return name
    raise AssertionError("the coordinator's demo has no carer whose burden rose")


async def test_coordinator_sees_a_rising_burden_a_double_booked_slot_and_its_conflict():
    session = demo_session(role="coordinator", mesh=True)
    name = rising_carer(session)
    app = make_app(session, start="roster")
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await settle(app, pilot)
        await pilot.press("m", "slash", *(("space" if ch == " " else ch.lower()) for ch in name))
        await settle(app, pilot)
        table = app.screen.query_one("#carer-table", WindowTable)
        assert table.row_at(0).cells[0] == name
        await pilot.press("enter", "enter")
        await settle(app, pilot)
        assert isinstance(app.screen, MantelzorgerScreen)
        history = str(app.screen.query_one("#mz-history").content)
        assert history.startswith("Metingen:") and history.count("\n  ") >= 2
        assert "Verloop: Stijgend" in history and RISING.nl in history
        assert "van 9" not in history  # a coordinator sees categories, never scores

        await pilot.press("f11")
        await settle(app, pilot)
        assert isinstance(app.screen, SlotsScreen)
        (slot,) = app.screen.rows.values()
        assert slot["node_id"] == "enschede-centrum" and slot["state"] == "double_booked"
        shown = screen_text(app)
        assert "Dubbel geboekt" in shown and "Dubbel geboekt: zie Conflicten (F7)." in shown

        await pilot.press("f7")
        await settle(app, pilot)
        assert isinstance(app.screen, ConflictsScreen)
        inbox = screen_text(app)
        assert "1 open conflict" in inbox
        assert "(enschede-centrum) is" in inbox and "dubbel geboekt" in inbox  # the title wraps
        assert "Geboekt door hengelo" in inbox and "Geboekt door borne" in inbox
        await pilot.press("1")  # a coordinator books slots, and decides a double booking
        await settle(app, pilot)
        assert isinstance(app.screen, Confirm) and "Kant 1 laten gelden" in app.screen.question
        await pilot.press("j")
        await settle(app, pilot)
        assert "Geen conflicten." in screen_text(app)
        assert any(n.message == "Besluit vastgelegd." for n in app._notifications)

        await pilot.press("f11")  # the decision is what the slot board shows: one booking stands
        await settle(app, pilot)
        (slot,) = app.screen.rows.values()
        assert slot["state"] == "booked" and len(slot["booked_by_nodes"]) == 1
        assert "Dubbel geboekt" not in screen_text(app)
