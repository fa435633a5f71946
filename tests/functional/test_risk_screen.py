"""Crisis risk in the app: reached from F4 with k and from the palette, each client with the reasons
in words, Enter opens the case; a coordinator sees no visit reason, an admin is told why not; it
fits 80x24 and speaks one language at a time."""

from __future__ import annotations

from textual.command import CommandPalette
from textual.widgets import OptionList
from tuihelpers import SIZE, demo_session, make_app, screen_text, settle

from veldclient.screens.case_detail import CaseDetailScreen
from veldclient.screens.caseload import CaseloadScreen
from veldclient.screens.risk import RiskScreen
from veldclient.services import risk

SMALL = (80, 24)


FRAME = str.maketrans("", "", "▊▎▔▁▂▃▄▅▆▇█")  # the list's border and scroll bar


def words(app) -> str:
    """The screen's words in reading order, a reason wrapped over two lines joined again."""
    return " ".join(screen_text(app).translate(FRAME).split())


async def test_k_on_the_caseload_opens_the_list_with_reasons_and_enter_opens_the_case():
    app = make_app(demo_session(), start="caseload")
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        await pilot.press("k")
        await settle(app, pilot)
        assert isinstance(app.screen, RiskScreen)
        expected = risk.risk_list(app.session)
        shown = words(app)
        assert f"{len(expected)} cliënten met tekenen van crisisrisico" in shown
        assert "niet opgeslagen en niet gedeeld" in shown
        first = expected[0]
        assert first.name in shown and first.reasons[0].nl[:40] in shown
        assert "nog geen aanbod" in shown and "geen respijt geregeld" in shown
        options = app.screen.query_one("#risk-list", OptionList)
        assert options.option_count == len(expected) and app.focused is options
        await pilot.press("down", "enter")
        await settle(app, pilot)
        assert isinstance(app.screen, CaseDetailScreen)
        assert app.screen.client_id == expected[1].client_id
        await pilot.press("escape")
        await settle(app, pilot)
        assert isinstance(app.screen, RiskScreen)
        await pilot.press("escape")
        await settle(app, pilot)
        assert isinstance(app.screen, CaseloadScreen)


async def test_the_palette_opens_it_by_its_dutch_name():
    app = make_app(demo_session())
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        await pilot.press("ctrl+p")
        await settle(app, pilot)
        assert isinstance(app.screen, CommandPalette)
        await pilot.press(*"Crisisrisico")
        await settle(app, pilot)
        await pilot.press("enter")
        await settle(app, pilot)
        assert isinstance(app.screen, RiskScreen)
        assert "crisisrisico" in words(app)


async def test_a_coordinator_sees_no_visit_reason_and_no_score():
    app = make_app(demo_session(role="coordinator"), start="caseload")
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        await pilot.press("k")
        await settle(app, pilot)
        assert isinstance(app.screen, RiskScreen)
        shown = words(app)
        assert "geen respijt geregeld" in shown and "nog geen aanbod" in shown
        assert "verslechterd" not in shown and "EDIZ" not in shown
        assert "(naam afgeschermd)" in shown, "names only where a help request exists, as in the caseload"


async def test_an_admin_is_told_why_not():
    app = make_app(demo_session(role="admin"))
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        app.action_risk()
        await settle(app, pilot)
        assert not isinstance(app.screen, RiskScreen)
        notes = [n.message for n in app._notifications]
        assert any("een beheerder ziet geen zorggegevens" in n for n in notes), notes


async def test_it_fits_80x24_with_its_keys_and_every_reason_is_whole_when_highlighted():
    app = make_app(demo_session(), start="caseload")
    async with app.run_test(size=SMALL) as pilot:
        await settle(app, pilot)
        await pilot.press("k")
        await settle(app, pilot)
        screen = app.screen
        options = screen.query_one("#risk-list", OptionList)
        assert options.virtual_size.width <= options.size.width, "nothing off the screen to the right"
        footer = screen_text(app).splitlines()[-1]
        assert "Terug" in footer and "Vernieuwen" in footer, footer
        for index, entry in enumerate(risk.risk_list(app.session)):
            options.highlighted = index
            await settle(app, pilot)
            shown = words(app)
            for reason in entry.reasons:
                assert reason.nl in shown, (reason.nl, shown)


async def test_it_speaks_english_after_a_switch_and_nothing_dutch_stays():
    app = make_app(demo_session(), start="caseload")
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        app.apply_language("en")
        await settle(app, pilot)
        await pilot.press("k")
        await settle(app, pilot)
        shown = words(app)
        assert "clients with signs of crisis risk" in shown and "no offer yet" in shown
        for dutch in ("geen respijt", "nog geen aanbod", "verslechterd", "cliënten met"):
            assert dutch not in shown
