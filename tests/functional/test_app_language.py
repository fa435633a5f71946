"""The app opens in the language of the one rule (veldclient/language.py): VELD_LANG when it is set,
whatever the profile has saved; else the saved language. Opened as `veld` opens it: the dashboard
first, the profile's settings once the background unlock is done."""

from __future__ import annotations

import pytest
from tuihelpers import SIZE, demo_session, screen_text, settle

from veldclient import keys
from veldclient import profile as profmod
from veldclient.screens import i18n, prefs
from veldclient.screens.app import VeldApp
from veldclient.screens.unlock import Unlocking
from veldclient.services.demo import demo_passphrase

# Words of the dashboard's title and footer, in each language
SHOWN = ("area.dashboard", "key.help", "key.quit")


def demo_profile_saving(saved: str) -> profmod.Profile:
    session = demo_session()
    try:
        prefs.save(session, language=saved)
    finally:
        session.close()
    return profmod.load("demo")


def words(lang: str) -> list[str]:
    return [i18n.catalogue()[message][lang] for message in SHOWN]


@pytest.mark.parametrize(
    ("veld_lang", "saved", "shown"),
    [("en", "nl", "en"), ("nl", "en", "nl"), (None, "en", "en"), (None, "nl", "nl")],
    ids=["VELD_LANG=en-saved-nl", "VELD_LANG=nl-saved-en", "unset-saved-en", "unset-saved-nl"],
)
async def test_the_app_speaks_veld_lang_over_the_saved_language(
    monkeypatch: pytest.MonkeyPatch, veld_lang: str | None, saved: str, shown: str
) -> None:
    prof = demo_profile_saving(saved)
    if veld_lang is None:
        monkeypatch.delenv("VELD_LANG", raising=False)
    else:
        monkeypatch.setenv("VELD_LANG", veld_lang)
    other = "nl" if shown == "en" else "en"
    opening = Unlocking(prof, keys.begin_unlock(prof.dir, passphrase=demo_passphrase()))
    app = VeldApp(opening)
    app.animation_level = "none"
    try:
        async with app.run_test(size=SIZE) as pilot:
            await settle(app, pilot)
            assert opening.done and opening.failure is None
            assert app.prefs.language == saved  # read from the profile, and still saved as it was
            assert i18n.language() == shown
            text = screen_text(app)
            for word in words(shown):
                assert word in text, text
            for word in words(other):
                assert word not in text, text
    finally:
        opening.close()
