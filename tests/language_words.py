"""Words that give away the other language: a Dutch text holding one of ENGLISH_WORDS, or an English
text holding one of DUTCH_WORDS, mixes languages. Kept tight on purpose: common words of sentences
and UI words only, never names (the demo's people, places and care types are Dutch in both
languages), so a hit is a real untranslated or mixed string."""

from __future__ import annotations

import re

ENGLISH_WORDS = (
    "the",
    "and",
    "with",
    "is not",
    "peer",
    "peers",
    "dismiss",
    "search",
    "nurse",
    "coordinator",
    "quit",
    "help requests",
    "volunteers",
    "clients",
    "settings",
)
DUTCH_WORDS = (
    "de",
    "het",
    "een",
    "en",
    "niet",
    "geen",
    "wordt",
    "zijn",
    "voor",
    "naar",
    "cliënt",
    "cliënten",
    "hulpvragen",
    "vrijwilligers",
    "instellingen",
    "afsluiten",
    "wijkverpleegkundige",
    "beheerder",
)


def _pattern(words: tuple[str, ...]) -> re.Pattern[str]:
    alternatives = "|".join(re.escape(w) for w in words)
    return re.compile(rf"(?<![\w'’-])({alternatives})(?![\w'’-])", re.IGNORECASE)


_OTHER = {"nl": _pattern(ENGLISH_WORDS), "en": _pattern(DUTCH_WORDS)}


def foreign_words(text: str, lang: str) -> list[str]:
    """The words of the other language found in ``text`` (said to be in ``lang``)."""
    return sorted({m.group(1).lower() for m in _OTHER[lang].finditer(text)})
