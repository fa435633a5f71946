"""A new profile invents no capacity: the capacity board (F3) and the dashboard (F2) of a node that
has not reported yet say "nog niet gemeld" / "not yet reported" and show no numbers, no reporter and
no age; once a row is reported it counts, the others still do not. A request's candidate locations
on such a profile are unknown: no free beds, no score."""

from __future__ import annotations

import pytest
from test_caseload_detail import file_request
from testenv import FakeClock, make_session
from textual.widgets import DataTable, Static
from tuihelpers import SIZE, make_app, screen_text, settle

from veldclient.domain import CareType
from veldclient.reference import twente
from veldclient.screens.case_detail import RequestScreen
from veldclient.screens.widgets.capacity_table import CapacityTable
from veldclient.screens.widgets.why import WhyPane
from veldclient.services import capacity

WORDS = {"nl": ("nog niet gemeld", "geen meldingen"), "en": ("not yet reported", "no reports")}


@pytest.fixture
def fresh():
    """What `veld init --node hengelo --role nurse` makes: nothing reported yet."""
    session = make_session("fresh", node="hengelo", clock=FakeClock())
    yield session
    session.close()


@pytest.mark.parametrize("lang", ["nl", "en"])
async def test_the_board_of_a_new_profile_says_not_yet_reported(fresh, lang):
    unreported, _none = WORDS[lang]
    app = make_app(fresh, start="capacity", lang=lang)
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        table = app.screen.query_one(CapacityTable)
        assert table.row_count == 7
        for key in table.rows:
            assert str(table.get_cell(key, "beds")) == "–"
            assert str(table.get_cell(key, "age")) == unreported
        text = screen_text(app)
        assert "fixture" not in text and "20789" not in text and "1970" not in text
        assert text.count(unreported) >= 7
        assert unreported in str(app.screen.query_one("#capacity-detail", Static).render())

        # the nurse reports one row: that row counts, the other six are still unknown
        location = twente.locations_for("hengelo")[0].id
        capacity.update_capacity(
            fresh, location, "ELV_LAAG", {"beds_total": 6, "counts": {"FREE": 2, "OCCUPIED": 4}}
        )
        await pilot.press("r")
        await settle(app, pilot)
        ages = [str(table.get_cell(key, "age")) for key in table.rows]
        assert ages.count(unreported) == 6
        assert str(table.get_cell(f"hengelo:{location}/ELV_LAAG", "beds")) == "2/6"


@pytest.mark.parametrize("lang", ["nl", "en"])
async def test_the_dashboard_of_a_new_profile_counts_no_free_beds(fresh, lang):
    unreported, none = WORDS[lang]
    app = make_app(fresh, lang=lang)
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        reported_types = {
            care for loc in twente.locations_for("hengelo") for care, beds in loc.beds.items() if beds
        }
        for care in CareType:
            text = str(app.screen.query_one(f"#row-{care.value}", Static).render()).rstrip()
            assert text.removeprefix(care.label(lang)).split()[:3] == ["–", "–", "0"], text
            assert text.endswith(f"1 {unreported}" if care.value in reported_types else none), text


async def test_a_request_on_a_new_profile_lists_its_candidates_as_unknown(fresh):
    request_id = file_request(fresh)
    app = make_app(fresh, start="caseload")
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        app.push_screen(RequestScreen(request_id))
        await settle(app, pilot)
        table = app.screen.query_one("#candidates", DataTable)
        rows = [[str(c) for c in table.get_row_at(i)] for i in range(table.row_count)]
        assert rows and all(r[2] == "nog niet gemeld" and r[3] == "0" for r in rows), rows
        why = app.screen.query_one("#candidate-why", WhyPane).said
        assert "nog niet gemeld: vrije bedden onbekend, dus score 0" in why
