"""Every catalogue message speaks one language per language: Dutch and English both there, no word of
the other language in either, the same placeholders in both, and a plural message with every form its
language's CLDR rule asks for (picked by Babel, never by ``n == 1``)."""

from __future__ import annotations

import string

import pytest
from language_words import foreign_words

from veldclient import language
from veldclient.screens import i18n

# (message id, language) -> a word of the other language that is meant there; none so far
ALLOWED: dict[tuple[str, str], set[str]] = {}


def forms(text: i18n.Text) -> list[str]:
    return list(text.values()) if isinstance(text, dict) else [text]


def placeholders(text: str) -> set[str]:
    return {name for _lit, name, _spec, _conv in string.Formatter().parse(text) if name}


def test_every_message_is_in_both_languages_with_the_same_placeholders():
    for key, entry in i18n.catalogue().items():
        assert set(entry) == set(language.LANGUAGES), key
        found = {lang: [placeholders(form) for form in forms(text)] for lang, text in entry.items()}
        every = [names for per_lang in found.values() for names in per_lang]
        assert all(names == every[0] for names in every), f"{key}: placeholders differ: {found}"


def test_plural_messages_have_every_form_of_their_language():
    plural = {
        key: entry
        for key, entry in i18n.catalogue().items()
        if any(isinstance(text, dict) for text in entry.values())
    }
    assert len(plural) >= 10
    for key, entry in plural.items():
        for lang, text in entry.items():
            assert isinstance(text, dict), f"{key}: plural in one language only"
            assert set(text) == language.plural_categories(lang), f"{key} ({lang})"
            assert all(i18n.COUNT in placeholders(form) for form in text.values()), key


@pytest.mark.parametrize("lang", language.LANGUAGES)
def test_no_message_holds_a_word_of_the_other_language(lang):
    mixed = {
        key: words
        for key, entry in i18n.catalogue().items()
        for form in forms(entry[lang])
        if (words := set(foreign_words(form, lang)) - ALLOWED.get((key, lang), set()))
    }
    assert mixed == {}


@pytest.mark.parametrize(
    ("lang", "n", "shown"),
    [
        ("nl", 0, "0 cliënten"),
        ("nl", 1, "1 cliënt"),
        ("nl", 2, "2 cliënten"),
        ("en", 1, "1 client"),
        ("en", 21, "21 clients"),
    ],
)
def test_a_count_takes_the_form_of_the_plural_rule(lang, n, shown):
    try:
        i18n.set_language(lang)
        assert i18n.t("caseload.count", n=n) == shown
    finally:
        i18n.set_language("nl")


def test_the_plural_rule_is_babels():
    assert language.plural_category("nl", 1) == "one" and language.plural_category("nl", 0) == "other"
    assert language.plural("en", 1, {"one": "entry", "other": "entries"}) == "entry"
    assert language.plural_categories("nl") == {"one", "other"}
