"""The slots screen driven as a nurse would: publish a run of slots with the form, book one for a
client of the node, release it (asked twice), and a double booking made while apart shown here and
in the conflict inbox. The booking in the node document never names the client."""

from __future__ import annotations

from textual.widgets import DataTable, Input, Select
from tuihelpers import demo_session, double_booked_slot, make_app, screen_text, settle

from veldclient.screens.confirm import Confirm
from veldclient.screens.slot_forms import BookSlotForm, PublishSlotsForm
from veldclient.screens.slots import SlotsScreen
from veldclient.store.repo import doc_id_for

SIZE = (120, 36)


def states(app) -> list[str]:
    table = app.screen.query_one(DataTable)
    return [str(table.get_row_at(i)[4]) for i in range(table.row_count)]


async def test_nurse_publishes_books_and_releases_a_slot():
    session = demo_session()
    app = make_app(session, start="slots")
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await settle(app, pilot)
        assert "Nog geen tijdsloten" in screen_text(app)

        await pilot.press("p")
        await settle(app, pilot)
        assert isinstance(app.screen, PublishSlotsForm)
        app.screen.query_one("#f-count", Input).value = "nul"
        await pilot.press("ctrl+s")
        await settle(app, pilot)
        assert isinstance(app.screen, PublishSlotsForm)  # refused, what was typed stays
        assert "Publiceer 1 tot 200 tijdsloten tegelijk." in screen_text(app)
        app.screen.query_one("#f-service", Input).value = "wondzorg"
        app.screen.query_one("#f-start-at", Input).value = "2026-11-20 13:00"
        app.screen.query_one("#f-count", Input).value = "3"
        app.screen.query_one("#f-count", Input).focus()
        await pilot.press("enter")
        await settle(app, pilot)
        assert isinstance(app.screen, SlotsScreen)
        assert states(app) == ["Vrij", "Vrij", "Vrij"]
        assert "20-11-2026 13:10" in screen_text(app) and "WONDZORG" in screen_text(app)

        await pilot.press("down", "b")
        await settle(app, pilot)
        assert isinstance(app.screen, BookSlotForm)
        await pilot.press("ctrl+s")  # no client chosen yet
        await settle(app, pilot)
        assert "Kies voor wie het tijdslot is." in screen_text(app)
        select = app.screen.query_one("#f-client-id", Select)
        client_id, name = app.screen.clients[0]
        select.value = client_id
        await pilot.press("ctrl+s")
        await settle(app, pilot)
        assert isinstance(app.screen, SlotsScreen)
        assert states(app) == ["Vrij", "Geboekt", "Vrij"]
        assert "enschede-centrum (u)" in screen_text(app) and name not in screen_text(app)

        node = session.repo.read(doc_id_for("node", "enschede-centrum"))
        (booking,) = node["bookings"].values()
        assert client_id not in str(booking)  # the node document goes everywhere: no client in it
        case = session.repo.read(doc_id_for("case", client_id))
        assert [e["type"] for e in case["events"]][-1] == "SLOT_BOOKED"

        await pilot.press("u")
        await settle(app, pilot)
        assert isinstance(app.screen, Confirm) and "vrijgeven?" in app.screen.question
        await pilot.press("escape")
        await settle(app, pilot)
        assert states(app)[1] == "Geboekt"  # asked, not done
        await pilot.press("u")
        await settle(app, pilot)
        await pilot.press("j")
        await settle(app, pilot)
        assert states(app) == ["Vrij", "Vrij", "Vrij"]
        case = session.repo.read(doc_id_for("case", client_id))
        assert [e["type"] for e in case["events"]][-1] == "SLOT_RELEASED"
        events = [r[0] for r in session.db.execute("SELECT event FROM audit_log WHERE event LIKE 'slot.%'")]
        assert events == ["slot.publish", "slot.clients", "slot.book", "slot.release"]

        await pilot.press("u")  # nothing of this node's to release: said, not silently ignored
        await settle(app, pilot)
        assert any("niets vrij te geven" in n.message for n in app._notifications)


async def test_a_double_booking_shows_here_and_reaches_the_conflict_inbox():
    app = make_app(double_booked_slot(), start="slots", lang="en")
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        assert states(app) == ["Double booked"]
        shown = screen_text(app)
        assert "hengelo, borne" in shown or "borne, hengelo" in shown
        assert "Double booked: see Conflicts (F7)." in shown
        await pilot.press("f7")
        await settle(app, pilot)
        inbox = screen_text(app)
        assert "Slot GP consultation 18/11/2026 17:40 (enschede-zuid) is" in inbox
        assert "double booked" in inbox


async def test_roles_that_may_not_are_told_why():
    app = make_app(demo_session(role="coordinator"), start="slots", lang="en")
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await settle(app, pilot)
        await pilot.press("p")
        await settle(app, pilot)
        assert isinstance(app.screen, SlotsScreen)
        assert any("Only a nurse or an admin publishes slots." in n.message for n in app._notifications)
