"""The app shell: help, areas, roles, settings (language, theme, staleness), conflicts (the palette:
test_command_palette.py)."""

from __future__ import annotations

from textual.widgets import Input, Static
from tuihelpers import demo_session, double_booked_slot, make_app, screen_text, settle

from veldclient.screens import i18n
from veldclient.screens.help import HelpScreen


def texts(screen) -> str:
    return "\n".join(str(w.render()) for w in screen.query(Static))


async def test_f1_shows_the_screens_help_and_keys():
    app = make_app(demo_session(), start="settings")
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(app, pilot)
        await pilot.press("f1")
        await pilot.pause()
        assert isinstance(app.screen, HelpScreen)
        shown = texts(app.screen)
        assert i18n.t("settings.help") in shown and "ctrl+s" in shown and "f10" in shown
        await pilot.press("escape")
        await pilot.pause()
        assert not isinstance(app.screen, HelpScreen)


async def test_audit_log_is_for_admins_and_reading_it_is_logged():
    nurse = make_app(demo_session(), start="settings")
    async with nurse.run_test(size=(120, 40)) as pilot:
        await settle(nurse, pilot)
        await pilot.press("f8")
        await settle(nurse, pilot)
        assert nurse.current_mode == "settings"
    admin_session = demo_session(role="admin")
    admin = make_app(admin_session, start="audit")
    async with admin.run_test(size=(120, 40)) as pilot:
        await settle(admin, pilot)
        from veldclient.screens.widgets.window_table import WindowTable

        table = admin.screen.query_one(WindowTable)
        assert table.total == admin_session.audit_log.head()[0]
        assert table.row_at(0).cells[3] == "Auditlog gelezen"  # audit.read, named (audit_names)
        await pilot.press("v")
        await settle(admin, pilot)
        assert "audit" in texts(admin.screen).lower()


async def test_invalid_staleness_shows_next_to_the_field_and_keeps_the_text():
    session = demo_session()
    app = make_app(session, start="settings")
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(app, pilot)
        field = app.screen.query_one("#stale", Input)
        field.value = "veel"
        await pilot.press("ctrl+s")
        await settle(app, pilot)
        assert "getal" in str(app.screen.query_one("#stale-error", Static).render())
        assert app.screen.query_one("#stale", Input).value == "veel"
        field.value = "6"
        await pilot.press("ctrl+s")
        await settle(app, pilot)
        assert str(app.screen.query_one("#stale-error", Static).render()) == ""
    from veldclient.services import settings

    assert settings.stale_after_ms(session) == 6 * 3_600_000


async def test_switching_to_english_relabels_bindings_and_is_remembered():
    session = demo_session()
    app = make_app(session, start="settings")
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(app, pilot)
        app.apply_language("en")
        await settle(app, pilot)
        # what the footer and F1 read: the bindings active on the screen (its own and the app's)
        descriptions = {a.binding.description for a in app.screen.active_bindings.values()}
        assert "Save" in descriptions
        assert "Help" in descriptions
        app.apply_language("nl")
        await settle(app, pilot)
        assert "Opslaan" in {a.binding.description for a in app.screen.active_bindings.values()}


async def test_high_contrast_theme_is_available():
    app = make_app(demo_session(), start="settings")
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(app, pilot)
        app.apply_theme("veld-high-contrast")
        await pilot.pause()
        assert app.theme == "veld-high-contrast"


async def test_conflict_inbox_shows_both_sides_and_resolves(clock):
    gp = double_booked_slot(clock)
    app = make_app(gp, start="conflicts")
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(app, pilot)
        shown = texts(app.screen)
        assert "hengelo" in shown and "borne" in shown
        await pilot.press("1")
        await settle(app, pilot)
        await pilot.press("j")  # yes, side 1 stands
        await settle(app, pilot)
        assert i18n.t("conflicts.none") in texts(app.screen)


async def test_a_save_waits_for_another_process_on_the_profile_and_says_so():
    """A node machine's admin tool holds the profile's write lock: the app's save waits (a notice
    says why), then goes through once the other process is done; nothing is lost."""
    from prochelpers import holding_the_write_lock

    from veldclient.services import settings

    session = demo_session()
    app = make_app(session, start="settings")
    async with app.run_test(size=(120, 40), notifications=True) as pilot:
        await settle(app, pilot)
        with holding_the_write_lock("demo", passphrase="demo"):
            app.screen.query_one("#stale", Input).value = "7"
            await pilot.press("ctrl+s")
            for _ in range(200):  # bounded wait for the toast, not a timing assertion
                await pilot.pause(0.05)
                if "Wacht op een ander veld-proces" in screen_text(app):
                    break
            assert "Wacht op een ander veld-proces" in screen_text(app)
        await settle(app, pilot)
    assert settings.stale_after_ms(session) == 7 * 3_600_000
