"""Caseload list (F4): a window over SQLite that narrows as you type, filters by status, urgency and
missed response target, renders names with markup brackets as typed, and shows a coordinator the
status without names, birth dates or BSN."""

from __future__ import annotations

from testenv import FROZEN_NOW_MS, FakeClock, make_session
from textual.widgets import Input, Static
from tuihelpers import SIZE, demo_session, make_app, screen_text, settle

from veldclient.screens.case_detail import CaseDetailScreen
from veldclient.screens.caseload import CaseloadScreen
from veldclient.screens.caseload_forms import ClientForm
from veldclient.screens.widgets.window_table import WindowTable
from veldclient.services import demo, placements
from veldclient.services import placement_flow as flow
from veldclient.store.repo import doc_id_for

AWKWARD = ("Jan [test] de Vries", "Fien Kamphuis [/]", "Hendrik [bold]Haverkamp[/bold]")


def table(app) -> WindowTable:
    return app.screen.query_one("#cases", WindowTable)


def rows(app) -> list:
    t = table(app)
    return [t.row_at(i) for i in range(t.total)]


async def search(pilot, text: str) -> None:
    """Type into the search box one key at a time (each key is a new query)."""
    await pilot.press("slash")
    field = pilot.app.screen.query_one("#search", Input)
    await pilot.press("end", *["backspace"] * len(field.value), *list(text))
    await settle(pilot.app, pilot)


async def test_the_list_is_a_window_not_a_widget_per_row():
    session = demo_session()
    app = make_app(session, start="caseload")
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        t = table(app)
        assert t.total == 200 and len(t._pages) == 1, "only the first page was fetched"
        assert len(list(app.screen.query("*"))) < 40
        assert "200 cliënten" in screen_text(app)
        await pilot.press("end")
        await settle(app, pilot)
        assert t.cursor == 199 and t.row_at(199) is not None
        assert sorted(t._pages) == [0, 1], "the last page was fetched when it came into view"


async def test_names_with_markup_brackets_render_as_typed():
    app = make_app(demo_session(), start="caseload")
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        for name, word in zip(AWKWARD, ("vries", "kamphuis", "hendrik haverkamp"), strict=True):
            await search(pilot, word)
            lines = screen_text(app).splitlines()
            width = table(app).widths["caseload.col.name"]  # a long name is cut, never re-styled
            shown = name if len(name) <= width else name[: width - 1] + "…"
            assert any(line.startswith(shown) for line in lines), (name, lines[:8])
        await pilot.press("enter", "enter")  # search box -> list -> open the case
        await settle(app, pilot)
        assert isinstance(app.screen, CaseDetailScreen)
        assert "Hendrik [bold]Haverkamp[/bold] · geboren" in screen_text(app)


async def test_search_as_you_type_narrows_the_list():
    session = demo_session()
    app = make_app(session, start="caseload")
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        seen = []
        await pilot.press("slash")
        for key in "jan":
            await pilot.press(key)
            await settle(app, pilot)
            seen.append(table(app).total)
        assert seen[0] > seen[1] >= seen[2] > 0, seen
        names = [r.cells[0] for r in rows(app)]
        assert all(any(w.lower().strip("[]").startswith("jan") for w in n.split()) for n in names), names
        assert "Jan [test] de Vries" in names
        assert f"{seen[2]} cliënten" in str(app.screen.query_one("#count", Static).render())
        await pilot.press("space", "d", "e", "space", "v")
        await settle(app, pilot)
        assert [r.cells[0] for r in rows(app)] == ["Jan [test] de Vries"]
        await pilot.press("backspace", "backspace", "backspace", "backspace", "backspace", "backspace")
        await settle(app, pilot)
        assert table(app).total == seen[1]
        await pilot.press("down")
        assert app.focused is table(app), "arrow down leaves the search box for the list"


def breached_clients(session) -> set[str]:
    """Clients whose latest request is open with a target missed, straight from placements.timers."""
    latest: dict[str, dict] = {}
    cursor = session.db.execute(
        "SELECT client_id, id, status, received_at, first_reply_at, placed_at FROM placements"
        " WHERE archived = 0 ORDER BY received_at, id"
    )
    for client_id, *rest in cursor.fetchall():
        latest[client_id] = dict(
            zip(("id", "status", "received_at", "first_reply_at", "placed_at"), rest, strict=True)
        )
    now = session.now()
    out = set()
    for client_id, row in latest.items():
        timers = placements.timers(row, now)
        if row["status"] in placements.OPEN_STATUSES and "breached" in (
            timers["reply_state"],
            timers["placed_state"],
        ):
            out.add(client_id)
    return out


async def test_filter_by_missed_target_then_clear():
    session = demo_session()
    app = make_app(session, start="caseload")
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        await pilot.press("b")
        await settle(app, pilot)
        shown = rows(app)
        expected = breached_clients(session)
        assert expected and {r.key for r in shown} == expected
        assert all(r.tone == "error" for r in shown)
        assert "Streeftijd verstreken: ja" in screen_text(app)
        assert f"{len(expected)} cliënten" in screen_text(app)
        await pilot.press("x")
        await settle(app, pilot)
        assert table(app).total == 200 and "Streeftijd verstreken: nee" in screen_text(app)


async def test_filter_by_status_and_urgency():
    session = demo_session()
    app = make_app(session, start="caseload")
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        await pilot.press("s")  # DRAFT
        await pilot.press("s")  # SUBMITTED
        await settle(app, pilot)
        assert "Status: Ingediend" in screen_text(app)
        shown = rows(app)
        assert len(shown) == 3 and {r.cells[3] for r in shown} == {"Ingediend"}
        for _ in range(4):  # U1 .. U4
            await pilot.press("u")
        await settle(app, pilot)
        assert {r.cells[4] for r in rows(app)} <= {"U4"} and "Urgentie: U4 binnen 24 uur" in screen_text(app)
        assert table(app).total == 2


async def test_a_coordinator_sees_status_but_no_names_birth_dates_or_bsn():
    session = demo_session(role="coordinator")
    app = make_app(session, start="caseload")
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        shown = rows(app)
        assert len(shown) == 25, "only clients with a placement request"
        helped = {r[0] for r in session.db.execute("SELECT subject_id FROM help_requests")}
        for row in shown:
            assert row.cells[1] == "", "no birth date"
            assert (row.cells[0] == "(afgeschermd)") == (row.key not in helped)
        await pilot.press("n")
        await settle(app, pilot)
        assert isinstance(app.screen, CaseloadScreen), "registering a client is greyed out"
        await pilot.press("enter")
        await settle(app, pilot)
        assert isinstance(app.screen, CaseDetailScreen)
        text = screen_text(app)
        assert "BSN" not in text and "Tijdlijn" in text
        assert "Dossier aangemaakt" not in text, "case events (visits) are care data"


async def test_the_incoming_view_and_back():
    app = make_app(demo_session(), start="caseload", lang="en")
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        await pilot.press("i")
        await settle(app, pilot)
        text = screen_text(app)
        assert "Incoming placement requests" in text and "0 incoming requests" in text
        assert "Nothing found." in text
        await pilot.press("i")
        await settle(app, pilot)
        assert "200 clients" in screen_text(app) and app.focused is table(app)


async def test_an_admin_gets_the_incoming_requests_instead_of_a_crash():
    app = make_app(demo_session(role="admin"), start="caseload")
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        assert isinstance(app.screen, CaseloadScreen)
        assert "Inkomende plaatsingsaanvragen" in screen_text(app)
        await pilot.press("n")
        await settle(app, pilot)
        assert not isinstance(app.screen, ClientForm)


async def test_f1_explains_the_caseload_and_lists_every_key():
    from veldclient.screens.help import HelpScreen

    app = make_app(demo_session(), start="caseload")
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        await pilot.press("f1")
        await settle(app, pilot)
        assert isinstance(app.screen, HelpScreen)
        text = screen_text(app)
        assert "Zoeken: typ in het zoekveld" in text
        for key, _action, _msg in CaseloadScreen.KEYS:
            assert key in text, key
        await pilot.press("escape", "n")
        await settle(app, pilot)
        await pilot.press("f1")
        await settle(app, pilot)
        assert "Klopt iets niet, dan staat de uitleg onder het veld" in screen_text(app)


async def test_missed_target_filter_shows_the_reply_target_that_was_missed():
    """A reply that came 40 minutes late while the placement timer still runs on time: with ``b``
    the row says which target was missed, not the running one."""
    clock = FakeClock(FROZEN_NOW_MS)
    session = demo.build_demo(size="small", clock=clock)
    hengelo = make_session("hengelo", node="hengelo", clock=clock)
    demo.load_nodes(hengelo)
    client_id = session.db.execute(
        "SELECT id FROM clients c WHERE node_id = 'enschede-centrum'"
        " AND NOT EXISTS (SELECT 1 FROM placements p WHERE p.client_id = c.id) ORDER BY name LIMIT 1"
    ).fetchone()[0]
    request = placements.file_placement_request(
        session,
        client_id,
        {
            "referrer": {"name": "Dr. Bos", "role": "HUISARTS", "agb": None},
            "urgency": "U3",
            "triage": {"instability": True},
            "desired_start": "2026-11-19",
        },
    )
    flow.send(session, request.id, "hengelo")
    for doc_id in flow.outbox(session, "hengelo"):
        hengelo.repo.merge(doc_id, session.repo.store.save_bytes(doc_id), None)
    location = hengelo.db.execute(
        "SELECT location_id FROM capacity WHERE node_id = 'hengelo' AND care_type = ? AND free > 0",
        [request.care_type.value],
    ).fetchone()[0]
    clock.advance(2 * 3_600_000 + 40 * 60_000)  # the first reply comes 40 minutes after its target
    flow.offer(hengelo, request.id, location, request.care_type.value)
    doc = doc_id_for("placement", request.id)
    session.repo.merge(doc, hengelo.repo.store.save_bytes(doc), None)
    timers = placements.timers(
        dict(
            zip(
                ("status", "received_at", "first_reply_at", "placed_at"),
                session.db.execute(
                    "SELECT status, received_at, first_reply_at, placed_at FROM placements WHERE id = ?",
                    [request.id],
                ).fetchone(),
                strict=True,
            )
        ),
        clock.now,
    )
    assert (timers["reply_state"], timers["placed_state"]) == ("breached", "ok")
    hengelo.close()

    app = make_app(session, start="caseload")
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        await pilot.press("b")
        await settle(app, pilot)
        row = next(r for r in rows(app) if r.key == client_id)
        assert row.cells[6] == "antwoord 40 min te laat" and row.tone == "error"
        assert not any("plaatsen binnen" in r.cells[6] for r in rows(app)), [r.cells[6] for r in rows(app)]
