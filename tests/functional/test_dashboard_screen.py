"""Dashboard (F2): its numbers are the services' numbers, it ticks, and it respects roles and markup."""

from __future__ import annotations

from textual.widgets import Sparkline, Static
from tuihelpers import SIZE, demo_session, make_app, settle

from veldclient.domain import CareType
from veldclient.screens import i18n
from veldclient.screens.dashboard import DashboardScreen
from veldclient.screens.widgets.durations import age
from veldclient.screens.widgets.pressure import FULL, PressureGrid, line
from veldclient.services import capacity, matching, placements

MINUTE_MS = 60_000


def text_of(screen, selector: str) -> str:
    return str(screen.query_one(selector, Static).render())


async def test_dashboard_shows_the_numbers_the_services_give():
    session = demo_session()
    app = make_app(session)
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        screen = app.screen
        assert isinstance(screen, DashboardScreen)
        assert "Enschede-Centrum" in text_of(screen, "#dash-identity")
        assert "wijkverpleegkundige" in text_of(screen, "#dash-identity")

        free = capacity.free_beds_by_care_type(session)
        views = capacity.capacity(session)
        for care in CareType:
            mine = [v for v in views if v.care_type == care.value]
            row = screen.query_one(f"#row-{care.value}", Static)
            if not mine:
                assert care.value not in free and i18n.t("dashboard.beds.no_reports") in str(row.render())
                continue
            stale = sum(1 for v in mine if v.stale)
            oldest = age(min(v.reported_at for v in mine), session.now())
            numbers = [str(free[care.value]), str(sum(v.beds_total for v in mine)), str(len(mine))]
            words = i18n.t("dashboard.beds.age_fresh", age=oldest)
            if stale:
                words += " · " + i18n.t("dashboard.beds.stale", n=stale, stale=i18n.t("capacity.stale"))
            columns = screen.query_one(PressureGrid).columns
            assert columns is not None and columns.reports and columns.level == FULL, "room for all"
            assert str(row.render()) == line(columns, care.label("nl"), numbers, words)
            assert row.has_class("stale") == bool(stale)
            if stale:
                assert i18n.t("capacity.stale") in words
        assert any(s.data for s in screen.query(Sparkline))

        targets = placements.targets(session)
        pressing = placements.breaching(session)
        summary = text_of(screen, "#targets-summary")
        assert summary.startswith(f"{len(targets)} open")
        breached = int(summary.split(" · ")[1].split()[0])
        soon = int(summary.split(" · ")[2].split()[0])
        assert breached + soon == len(pressing)
        assert text_of(screen, "#target-0").startswith(targets[0]["request_id"][:8])

        unmatched = session.db.execute(  # a request whose period is over waits for nobody
            "SELECT count(*) FROM help_requests WHERE status IN ('OPEN', 'MATCHING') AND archived = 0"
            " AND window_end >= ?",
            [session.today().isoformat()],
        ).fetchone()[0]
        lapsed = session.db.execute(
            "SELECT count(*) FROM help_requests WHERE status IN ('OPEN', 'MATCHING') AND window_end < ?",
            [session.today().isoformat()],
        ).fetchone()[0]
        assert lapsed  # the demo on the frozen clock has one, so the count below tells them apart
        assert text_of(screen, "#dash-unmatched") == i18n.t("dashboard.help_panel.unmatched", n=unmatched)
        overloaded = matching.overloaded_mantelzorgers(session)
        assert text_of(screen, "#dash-overloaded").startswith(
            i18n.t("dashboard.help_panel.overloaded", n=len(overloaded))
        )
        assert i18n.t("dashboard.sync.no_peers") in "\n".join(str(w.render()) for w in screen.query(Static))


def loaded(seen: list[object]) -> int:
    """How many Loaded messages were posted (the hook sees one message at each node it bubbles to)."""
    return len({id(m) for m in seen if isinstance(m, DashboardScreen.Loaded)})


async def test_dashboard_posts_loaded_after_painting_and_r_reloads():
    seen: list[object] = []
    app = make_app(demo_session())
    async with app.run_test(size=SIZE, message_hook=seen.append) as pilot:
        await settle(app, pilot)
        assert loaded(seen) == 1
        await pilot.press("r")
        await settle(app, pilot)
        assert loaded(seen) == 2


async def test_ages_and_timers_count_on_without_reading_again():
    session = demo_session()
    app = make_app(session)
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        screen = app.screen
        assert isinstance(screen, DashboardScreen) and screen.view is not None
        first_timer = text_of(screen, "#target-0")
        entries = session.audit_log.head()[0]
        session.clock.advance(45 * MINUTE_MS)
        screen._tick()
        await pilot.pause()
        elv = next(p for p in screen.view.pressure if p.care_type == "ELV_LAAG")
        assert elv.oldest_report_at is not None
        assert age(elv.oldest_report_at, session.now()) in text_of(screen, "#row-ELV_LAAG")
        assert text_of(screen, "#target-0") != first_timer
        assert session.audit_log.head()[0] == entries  # a tick reads nothing, so it logs nothing


async def test_admin_sees_no_care_data_and_no_refusal_is_logged():
    session = demo_session(role="admin")
    app = make_app(session)
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        screen = app.screen
        assert text_of(screen, "#targets-summary") == i18n.t("dashboard.targets.not_for_role")
        assert text_of(screen, "#dash-unmatched") == i18n.t("dashboard.help_panel.not_for_role")
        free = str(capacity.free_beds_by_care_type(session)["GRZ"])
        assert f" {free} " in text_of(screen, "#row-GRZ")
    denied = session.db.execute("SELECT count(*) FROM audit_log WHERE outcome = 'denied'").fetchone()[0]
    assert denied == 0


async def test_names_with_brackets_render_as_typed():
    session = demo_session()
    first = matching.overloaded_mantelzorgers(session)[0]
    with session.transaction():
        session.db.execute(
            "UPDATE mantelzorgers SET first_name = ?, last_name = ? WHERE id = ?",
            ["[b]Jan[/b]", "Aaldering [", first["id"]],
        )
    app = make_app(session)
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        assert "[b]Jan[/b] Aaldering [" in text_of(app.screen, "#dash-overloaded")


async def test_dashboard_in_english():
    app = make_app(demo_session(), lang="en")
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        assert app.screen.query_one("#dash-beds").border_title == "Free beds across the network"
        assert "district nurse" in text_of(app.screen, "#dash-identity")
        assert text_of(app.screen, "#row-GRZ").startswith(CareType.GRZ.label("en"))


async def test_f1_explains_the_dashboard():
    app = make_app(demo_session())
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        await pilot.press("f1")
        await pilot.pause()
        shown = "\n".join(str(w.render()) for w in app.screen.query(Static))
        assert i18n.t("dashboard.help") in shown and i18n.t("key.refresh") in shown
