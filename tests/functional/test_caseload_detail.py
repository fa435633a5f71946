"""Case detail and placement requests (F4 → Enter): the timeline built from the document history
(what, who, when, which device), and a request that travels between two nodes — sent from
Enschede-Centrum, offered by Almelo in its own app, accepted back in Enschede — each step through
the screens, the documents carried by hand as sync or a USB stick would."""

from __future__ import annotations

import pytest
from testenv import FakeClock, make_session, push
from textual.widgets import DataTable, Input
from tuihelpers import SIZE, demo_session, make_app, screen_text, settle

from veldclient.screens.case_detail import CaseDetailScreen, RequestScreen
from veldclient.screens.caseload_forms import DeclineForm, OfferForm
from veldclient.screens.widgets.window_table import WindowTable
from veldclient.services import capacity, clients, conflicts, demo, placements
from veldclient.services import placement_flow as pf
from veldclient.store.repo import doc_id_for

HOUR = 3_600_000


def cells(app, table_id: str) -> list[list[str]]:
    table = app.screen.query_one(f"#{table_id}", DataTable)
    return [[str(c) for c in table.get_row_at(i)] for i in range(table.row_count)]


async def open_case(app, pilot, client_id: str) -> None:
    table = app.screen.query_one("#cases", WindowTable)
    await pilot.press("slash")
    name = app.session.db.execute("SELECT name FROM clients WHERE id = ?", [client_id]).fetchone()[0]
    app.screen.query_one("#search", Input).value = name
    await settle(app, pilot)
    table.focus()
    table.cursor = next(i for i in range(table.total) if table.row_at(i).key == client_id)
    await pilot.press("enter")
    await settle(app, pilot)
    assert isinstance(app.screen, CaseDetailScreen)


def a_client_with_a_request(session, status: str = "SUBMITTED") -> tuple[str, str]:
    return session.db.execute(
        "SELECT client_id, id FROM placements WHERE status = ? ORDER BY id LIMIT 1", [status]
    ).fetchone()


async def test_the_case_detail_shows_a_timeline_from_the_document_history():
    session = demo_session()
    client_id, _request_id = a_client_with_a_request(session)
    app = make_app(session, start="caseload")
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        await open_case(app, pilot, client_id)
        timeline = cells(app, "timeline")
        assert [
            "18-11-2026 12:06",
            "Dossier aangemaakt",
            "demo-nurse",
            "Enschede-Centrum",
            "dit apparaat",
        ] in timeline
        assert any(row[1] == "Aanvraag: Ingediend" for row in timeline)
        requests = cells(app, "requests")
        assert len(requests) == 1 and requests[0][1] == "Ingediend"

        session.clock.advance(HOUR)
        clients.record_visit(
            session, client_id, {"planned_start_at": session.now() + HOUR, "planned_minutes": 30}
        )
        await pilot.press("p")  # a form over the case; cancelling it brings the case back, refreshed
        await settle(app, pilot)
        await pilot.press("escape")
        await settle(app, pilot)
        timeline = cells(app, "timeline")
        assert timeline[-1][:3] == ["18-11-2026 13:06", "Bezoek: Gepland", "demo-nurse"]
        reads = session.db.execute(
            "SELECT count(*) FROM audit_log WHERE event = 'client.timeline' AND client_id = ?", [client_id]
        ).fetchone()[0]
        assert reads == 2, "every timeline shown is an audited read"


@pytest.fixture
def almelo():
    """A second node's laptop with every node document (as after one sync)."""
    s = make_session("almelo", node="almelo", clock=FakeClock())
    demo.load_nodes(s)
    yield s
    s.close()


def almelo_elv_hoog(session) -> str:
    return session.db.execute(
        "SELECT location_id FROM capacity WHERE node_id = 'almelo' AND care_type = 'ELV_HOOG'"
    ).fetchone()[0]


def file_request(session) -> str:
    client = clients.register_client(
        session, {"name": "Gerda [test] Nijhuis", "birth_date": "1936-04-02", "postcode": "7511 JM"}
    )
    raw = {
        "referrer": {"name": "Dr. Bos", "role": "HUISARTS"},
        "urgency": "U3",
        "triage": {"instability": True},
        "desired_start": "2026-11-19",
    }
    return placements.file_placement_request(session, client.id, raw).id


async def send_to_almelo(app, pilot, request_id: str) -> None:
    app.push_screen(RequestScreen(request_id))
    await settle(app, pilot)
    table = app.screen.query_one("#candidates", DataTable)
    row = next(i for i, r in enumerate(cells(app, "candidates")) if r[1] == "Almelo")
    table.focus()
    table.move_cursor(row=row)
    await pilot.press("s")
    await settle(app, pilot)
    await pilot.press("j")  # yes: the request may leave this device
    await settle(app, pilot)


async def test_send_offer_and_accept_between_two_nodes(almelo):
    enschede = demo_session()
    request_id = file_request(enschede)
    doc = doc_id_for("placement", request_id)

    app = make_app(enschede, start="caseload")
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await settle(app, pilot)
        await send_to_almelo(app, pilot, request_id)
        assert "Verstuurd naar: Almelo" in screen_text(app)
        assert pf.get_request(enschede, request_id)["sent_to"] == ["almelo"]

    push(enschede, almelo, pf.outbox(enschede, "almelo"))

    receiving = make_app(almelo, start="caseload")
    async with receiving.run_test(size=SIZE, notifications=True) as pilot:
        await settle(receiving, pilot)
        await pilot.press("i")
        await settle(receiving, pilot)
        incoming = receiving.screen.query_one("#incoming", WindowTable)
        assert incoming.total == 1 and incoming.row_at(0).key == request_id
        line = next(x for x in screen_text(receiving).splitlines() if "Enschede-Centrum" in x)
        assert "Ingediend" in line and "ELV hoog complex" in line
        await pilot.press("enter")
        await settle(receiving, pilot)
        assert isinstance(receiving.screen, RequestScreen)
        assert "Van knooppunt: Enschede-Centrum" in screen_text(receiving)
        await pilot.press("o")
        await settle(receiving, pilot)
        assert isinstance(receiving.screen, OfferForm)
        assert receiving.screen.fields["location_id"].value == almelo_elv_hoog(almelo)
        await pilot.press("ctrl+s")
        await settle(receiving, pilot)
        assert isinstance(receiving.screen, RequestScreen)
        assert cells(receiving, "offers")[0][1:] == ["Almelo", "ZGT Almelo", "ELV hoog complex", "open"]

    push(almelo, enschede, [doc])

    app = make_app(enschede, start="caseload")
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await settle(app, pilot)
        client_id = pf.get_request(enschede, request_id)["client_id"]
        await open_case(app, pilot, client_id)
        timeline = cells(app, "timeline")
        offered = next(r for r in timeline if r[1].startswith("Plek aangeboden"))
        assert offered[1] == "Plek aangeboden: ZGT Almelo, ELV hoog complex"
        assert offered[2:4] == ["nurse-almelo", "Almelo"]
        assert offered[4] == almelo_device(almelo), "the offering device, not this one"
        await pilot.press("enter")  # the request
        await settle(app, pilot)
        assert isinstance(app.screen, RequestScreen)
        app.screen.query_one("#offers", DataTable).focus()
        await pilot.press("a")
        await settle(app, pilot)
        await pilot.press("j")  # yes: accepting reserves the bed
        await settle(app, pilot)
        assert cells(app, "offers")[0][-1] == "geaccepteerd"
        assert "status: Plek geaccepteerd" in screen_text(app)
    assert enschede.db.execute("SELECT status FROM placements WHERE id = ?", [request_id]).fetchone()[0] == (
        "ACCEPTED"
    )


def almelo_device(session) -> str:
    from veldclient.identity import format_device_id

    return format_device_id(session.actor.device_id)[:15]


async def test_a_receiving_node_declines_with_a_note(almelo):
    enschede = demo_session()
    request_id = file_request(enschede)
    pf.send(enschede, request_id, "almelo")
    push(enschede, almelo, pf.outbox(enschede, "almelo"))

    app = make_app(almelo, start="caseload")
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        await pilot.press("i")
        await settle(app, pilot)
        await pilot.press("enter")
        await settle(app, pilot)
        await pilot.press("d")
        await settle(app, pilot)
        assert isinstance(app.screen, DeclineForm)
        await pilot.press(*list("Geen [vrij] bed"))
        await pilot.press("ctrl+s")
        await settle(app, pilot)
        assert isinstance(app.screen, RequestScreen)
    events = almelo.repo.read(doc_id_for("placement", request_id))["events"]
    assert events[-1]["type"] == "DECLINED" and events[-1]["data"]["reason"] == "Geen [vrij] bed"


async def test_sending_to_the_own_node_is_refused_with_a_readable_message():
    session = demo_session()
    request_id = file_request(session)
    app = make_app(session, start="caseload")
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await settle(app, pilot)
        app.push_screen(RequestScreen(request_id))
        await settle(app, pilot)
        own = next(i for i, r in enumerate(cells(app, "candidates")) if r[1] == "Enschede-Centrum")
        table = app.screen.query_one("#candidates", DataTable)
        table.focus()
        table.move_cursor(row=own)
        await pilot.press("s")
        await settle(app, pilot)
        assert any("eigen knooppunt" in str(n.message) for n in app._notifications)
        assert pf.get_request(session, request_id)["sent_to"] == []


def lose_a_double_acceptance(enschede, almelo) -> str:
    """Enschede and Hengelo both accept Almelo's last ELV-hoog bed while apart; Almelo decides for
    Hengelo and the decision reaches Enschede with its request's document. Enschede's request id."""
    hengelo = make_session("hengelo", node="hengelo", clock=FakeClock())
    demo.load_nodes(hengelo)
    location = almelo_elv_hoog(almelo)
    record = almelo.repo.read(doc_id_for("node", "almelo"))["capacity"][f"{location}/ELV_HOOG"]
    capacity.update_capacity(
        almelo,
        location,
        "ELV_HOOG",
        {
            "beds_total": record["beds_total"],
            "counts": {"FREE": 1, "OCCUPIED": record["beds_total"] - 1},
            "capabilities": record["capabilities"],
        },
    )
    ids = {}
    for sender in (enschede, hengelo):
        ids[sender.actor.node_id] = request_id = file_request(sender)
        doc = doc_id_for("placement", request_id)
        pf.send(sender, request_id, "almelo")
        push(sender, almelo, pf.outbox(sender, "almelo"))
        offer = pf.offer(almelo, request_id, location, "ELV_HOOG")
        push(almelo, sender, [doc])
        pf.accept(sender, request_id, offer["id"])
        push(sender, almelo, [doc])
    [clash] = [c for c in conflicts.inbox(almelo) if c.kind == "bed.overbooked"]
    winner = next(s["event_id"] for s in clash.sides if s["node"] == "hengelo")
    conflicts.resolve(almelo, clash.id, winner, "Hengelo was eerst")
    push(almelo, enschede, [doc_id_for("placement", ids["enschede-centrum"])])
    hengelo.close()
    return ids["enschede-centrum"]


@pytest.mark.parametrize("lang", ["nl", "en"])
async def test_the_request_that_lost_a_decided_double_acceptance_says_so_and_is_sent_on(almelo, lang):
    enschede = demo_session()
    request_id = lose_a_double_acceptance(enschede, almelo)
    client_id = pf.get_request(enschede, request_id)["client_id"]
    words = {
        "nl": (
            "Plek geaccepteerd",
            "ging naar een andere aanvraag",
            "Volgende stap: zoek een ander bed",
            "naar andere aanvraag",
            "In behandeling",
            "Besluit: het bed ging naar een andere aanvraag",
        ),
        "en": (
            "Place accepted",
            "went to another request",
            "Next step: look for another bed",
            "went to another request",
            "In review",
            "Decision: the bed went to another request",
        ),
    }[lang]
    accepted, went, next_step, offer_state, searching, decision = words
    app = make_app(enschede, start="caseload", lang=lang)
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await settle(app, pilot)
        await open_case(app, pilot, client_id)
        text = screen_text(app)
        notices = [line for line in text.splitlines() if went in line]
        assert notices and "ZGT Almelo" in notices[0] and "(Almelo)" in notices[0], text
        assert accepted not in text
        assert [r[1] for r in cells(app, "requests")] == [searching]
        assert any(r[1] == decision for r in cells(app, "timeline"))
        await pilot.press("enter")  # the request
        await settle(app, pilot)
        assert isinstance(app.screen, RequestScreen)
        text = screen_text(app)
        assert went in text and next_step in text, text
        assert cells(app, "offers")[0][-1] == offer_state
        assert app.screen.check_action("send", ()) is True, "sending on is the step offered"
        candidates = cells(app, "candidates")
        row = next(i for i, r in enumerate(candidates) if r[1] == "Hengelo")
        table = app.screen.query_one("#candidates", DataTable)
        table.focus()
        table.move_cursor(row=row)
        await pilot.press("s")
        await settle(app, pilot)
        await pilot.press("y")  # yes (y and j both answer yes in either language)
        await settle(app, pilot)
    assert pf.get_request(enschede, request_id)["sent_to"] == ["almelo", "hengelo"]
