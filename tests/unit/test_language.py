"""The one rule for a process's language (veldclient/language.py): VELD_LANG when set, else the
profile's saved language (the app), else Dutch; an unknown VELD_LANG is refused in both languages.
And :func:`language.bind` makes Click's own gettext lookups speak the chosen one."""

from __future__ import annotations

import gettext
from collections.abc import Iterator

import pytest

from veldclient import language


@pytest.fixture
def gettext_state(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """bind() sets the process's gettext domain and LANGUAGE: both as they were after each test."""
    monkeypatch.setenv("LANGUAGE", "")
    domain = gettext.textdomain()
    yield
    gettext.textdomain(domain)


@pytest.mark.parametrize(
    ("env", "saved", "chosen"),
    [
        ("en", "nl", "en"),  # VELD_LANG wins over the saved setting
        ("nl", "en", "nl"),
        ("EN", None, "en"),  # any case
        ("en_GB.UTF-8", None, "en"),  # a locale's tail
        ("nl-BE", "en", "nl"),
        (" en ", None, "en"),
        ("", "en", "en"),  # empty is unset: the saved setting
        (None, "en", "en"),
        (None, "nl", "nl"),
        (None, None, "nl"),  # nothing anywhere: Dutch
        (None, "de", "nl"),  # a saved value this version does not speak counts as none
    ],
)
def test_the_rule(monkeypatch: pytest.MonkeyPatch, env: str | None, saved: str | None, chosen: str) -> None:
    if env is None:
        monkeypatch.delenv("VELD_LANG", raising=False)
    else:
        monkeypatch.setenv("VELD_LANG", env)
    assert language.choose(saved) == chosen


@pytest.mark.parametrize("env", ["de", "english", "n", "nlx", "fr_FR.UTF-8"])
def test_an_unknown_veld_lang_is_refused_in_both_languages(monkeypatch: pytest.MonkeyPatch, env: str) -> None:
    monkeypatch.setenv("VELD_LANG", env)
    with pytest.raises(language.UnknownLanguage) as refused:
        language.choose("en")
    assert f"VELD_LANG={env!r}" in refused.value.nl and "Nederlands" in refused.value.nl
    assert f"VELD_LANG={env!r}" in refused.value.en and "English" in refused.value.en
    assert refused.value.both() == f"{refused.value.nl} / {refused.value.en}"


@pytest.mark.usefixtures("gettext_state")
def test_bind_makes_clicks_gettext_lookups_speak_the_language() -> None:
    language.bind("nl")
    assert gettext.gettext("Usage:") == "Gebruik:"
    assert (
        gettext.ngettext("Option {name!r} requires an argument.", "x", 1)
        == "Optie {name!r} verwacht een waarde."
    )
    language.bind("en")
    assert gettext.gettext("Usage:") == "Usage:"  # English is Click's own text
