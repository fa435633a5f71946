"""Stale is always readable: from 80 columns up, the capacity board (F3) and the dashboard (F2) mark
every stale value with the whole word ("verouderd" / "stale") as it is drawn on the terminal, never a
cut-off "vero" and never in a column that fell off the screen."""

from __future__ import annotations

import re

import pytest
from rich.cells import cell_len
from textual.widgets import Static
from tuihelpers import demo_session, make_app, screen_text, settle

from veldclient.domain import CareType
from veldclient.screens.widgets.capacity_table import CapacityTable, row_key
from veldclient.services import capacity

STALE = {"nl": "verouderd", "en": "stale"}
WIDTHS = [(80, 24), (100, 30), (160, 48)]


def whole(word: str) -> re.Pattern[str]:
    return re.compile(rf"(?<!\w){word}(?!\w)")


@pytest.mark.parametrize("lang", ["nl", "en"])
@pytest.mark.parametrize("size", WIDTHS, ids=lambda s: f"{s[0]}x{s[1]}")
async def test_the_board_draws_the_whole_stale_word_in_every_stale_row(lang, size):
    session = demo_session()
    stale = [v for v in capacity.capacity(session) if v.stale]
    assert stale
    app = make_app(session, start="capacity", lang=lang)
    async with app.run_test(size=size) as pilot:
        await settle(app, pilot)
        table = app.screen.query_one(CapacityTable)
        assert table.virtual_size.width <= table.size.width, "nothing off the screen to the right"
        for view in stale:
            index = table.get_row_index(row_key(view))
            table.scroll_to(y=index, animate=False, immediate=True)  # the row on the top line
            await settle(app, pilot)
            y = table.region.y + table.header_height + index - table.scroll_offset.y
            drawn = screen_text(app).splitlines()[y]
            assert f"{view.free}/{view.beds_total}" in drawn, (drawn, view.location_name)
            assert whole(STALE[lang]).search(drawn), drawn


@pytest.mark.parametrize("lang", ["nl", "en"])
@pytest.mark.parametrize("size", WIDTHS, ids=lambda s: f"{s[0]}x{s[1]}")
async def test_the_dashboard_draws_the_whole_stale_word_for_every_care_type_with_a_stale_report(lang, size):
    session = demo_session()
    views = capacity.capacity(session)
    stale_types = {v.care_type for v in views if v.stale}
    assert stale_types
    app = make_app(session, lang=lang)
    async with app.run_test(size=size) as pilot:
        await settle(app, pilot)
        lines = screen_text(app).splitlines()
        for care in CareType:
            row = app.screen.query_one(f"#row-{care.value}", Static)
            drawn = lines[row.region.y]
            text = str(row.render()).rstrip()
            assert cell_len(text) <= row.region.width, "the row's text fits its column"
            assert text in drawn, (text, drawn)
            assert bool(whole(STALE[lang]).search(drawn)) == (care.value in stale_types), drawn
