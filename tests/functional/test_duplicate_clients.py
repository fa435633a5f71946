"""Possible duplicate clients in the app: the registration form warns before saving (save anyway,
open the existing record, or back with everything typed kept), and F7 shows two records side by
side with what differs, merges one into the other after a question, or keeps both."""

from __future__ import annotations

import pytest
from synchelpers import Mesh, devices
from test_caseload_forms import type_into
from textual.widgets import Input, Static
from tuihelpers import make_app, screen_text, settle

from veldclient.screens import i18n
from veldclient.screens.case_detail import CaseDetailScreen
from veldclient.screens.caseload_forms import ClientForm
from veldclient.screens.confirm import Confirm
from veldclient.screens.duplicate_warning import DuplicateWarning
from veldclient.services import clients, conflicts

TRUUS = {"name": "Truus Oude Egberink", "birth_date": "1938-04-05", "postcode": "7511 JK"}


def active(session) -> dict[str, int]:
    return dict(session.db.execute("SELECT id, archived FROM clients").fetchall())


async def fill(pilot) -> None:
    await type_into(pilot, "f-name", "truus oude-egberink")
    await type_into(pilot, "f-birth-date", "05-04-1938")
    await type_into(pilot, "f-postcode", "7511jk")


@pytest.mark.parametrize("lang", ["nl", "en"])
async def test_the_form_warns_and_the_nurse_goes_back_opens_the_other_or_saves_anyway(lang):
    with devices(("a", "enschede-centrum", "nurse")) as (a,):
        kept = clients.register_client(a, TRUUS)
        app = make_app(a, start="caseload", lang=lang)
        async with app.run_test(size=(100, 30)) as pilot:
            await settle(app, pilot)
            await pilot.press("n")
            await settle(app, pilot)
            await fill(pilot)
            await pilot.press("ctrl+s")
            await settle(app, pilot)
            assert isinstance(app.screen, DuplicateWarning)
            shown = screen_text(app)
            assert i18n.t("duplicate.question") in shown and kept.id[:8] in shown
            words = (
                "Mogelijk dubbel met Truus Oude Egberink" if lang == "nl" else "Possible duplicate of Truus"
            )
            assert words in shown

            await pilot.press("escape")  # back: nothing saved, everything typed still there
            await settle(app, pilot)
            assert isinstance(app.screen, ClientForm) and len(active(a)) == 1
            assert app.screen.query_one("#f-name", Input).value == "truus oude-egberink"

            await pilot.press("ctrl+s")
            await settle(app, pilot)
            await pilot.press("o")  # open the record that is already there
            await settle(app, pilot)
            assert isinstance(app.screen, CaseDetailScreen) and app.screen.client_id == kept.id
            assert len(active(a)) == 1

            await pilot.press("escape")
            await settle(app, pilot)
            await pilot.press("n")
            await settle(app, pilot)
            await fill(pilot)
            await pilot.press("ctrl+s")
            await settle(app, pilot)
            await pilot.press("j" if lang == "nl" else "y")  # save anyway: the pair waits in F7
            await settle(app, pilot)
            assert isinstance(app.screen, CaseDetailScreen) and app.screen.client_id != kept.id
            assert sorted(active(a).values()) == [0, 0]
            [pair] = conflicts.open_conflicts(a)
            assert pair.kind == "client.duplicate"


@pytest.mark.parametrize("lang", ["nl", "en"])
async def test_f7_shows_both_records_and_merges_one_into_the_other_after_a_question(lang):
    with devices(("a", "enschede-centrum", "nurse"), ("b", "enschede-centrum", "nurse")) as (a, b):
        first = clients.register_client(a, TRUUS)
        second = clients.register_client(b, {**TRUUS, "address": "Oldenzaalsestraat 12"})
        Mesh(a, b).sync("a", "b")
        app = make_app(a, start="conflicts", lang=lang)
        async with app.run_test(size=(100, 30)) as pilot:
            await settle(app, pilot)
            sides = [str(app.screen.query_one(f"#side-{n}", Static).render()) for n in (0, 1)]
            address = "adres" if lang == "nl" else "address"
            order = [s["event_id"] for s in conflicts.open_conflicts(a)[0].sides]
            for n, text in enumerate(sides):
                assert ("Dossier" if lang == "nl" else "Record") + f" {n + 1}" in text
                assert f"≠ {address}:" in text and f"  {address}:" not in text
            with_address = 0 if order[0] == second.id else 1
            assert "Oldenzaalsestraat 12" in sides[with_address]
            assert "Oldenzaalsestraat 12" not in sides[1 - with_address]

            await pilot.press(str(with_address + 1))  # keep the record with the address
            await settle(app, pilot)
            assert isinstance(app.screen, Confirm)
            keep_word = "behouden" if lang == "nl" else "Keep record"
            assert keep_word in screen_text(app)
            await pilot.press("n")  # no: nothing decided
            await settle(app, pilot)
            assert sorted(active(a).values()) == [0, 0]

            await pilot.press(str(with_address + 1))
            await settle(app, pilot)
            await pilot.press("j" if lang == "nl" else "y")
            await settle(app, pilot)
            assert i18n.t("conflicts.none") in screen_text(app)
        assert active(a) == {first.id: 1, second.id: 0}


async def test_f7_keeps_both_and_the_survivor_names_the_merged_record():
    with devices(("a", "enschede-centrum", "nurse"), ("b", "enschede-centrum", "nurse")) as (a, b):
        first = clients.register_client(a, TRUUS)
        second = clients.register_client(b, TRUUS)
        clients.record_visit(
            b, second.id, {"planned_start_at": "2026-11-20 09:00", "planned_minutes": 30, "note": "Wondzorg"}
        )
        Mesh(a, b).sync("a", "b")
        [pair] = conflicts.open_conflicts(a)
        conflicts.resolve(a, pair.id, first.id)
        app = make_app(a, start="caseload")
        async with app.run_test(size=(130, 40)) as pilot:
            await settle(app, pilot)
            app.push_screen(CaseDetailScreen(first.id))
            await settle(app, pilot)
            shown = screen_text(app)
            assert f"Samengevoegd uit Truus Oude Egberink ({second.id[:8]})" in shown
            assert "Wondzorg" in shown  # the merged record's visit, reachable from the survivor
            app.pop_screen()
            app.push_screen(CaseDetailScreen(second.id))
            await settle(app, pilot)
            assert f"Samengevoegd in Truus Oude Egberink ({first.id[:8]})" in screen_text(app)

    with devices(("c", "enschede-centrum", "nurse")) as (c,):
        clients.register_client(c, TRUUS)
        clients.register_client(c, TRUUS)
        app = make_app(c, start="conflicts", lang="en")
        async with app.run_test(size=(100, 30)) as pilot:
            await settle(app, pilot)
            await pilot.press("0")
            await settle(app, pilot)
            assert "Keep both" in screen_text(app)
            await pilot.press("y")
            await settle(app, pilot)
            assert i18n.t("conflicts.none") in screen_text(app)
        assert sorted(active(c).values()) == [0, 0]
