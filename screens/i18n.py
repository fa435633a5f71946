"""One translation catalogue for every UI string (gettext-style: look up by message id).

The catalogue is ``messages/*.toml`` beside this file (one file per area): ``[message.id]`` with
``nl`` and ``en``; an id may be defined once only. Screens call ``t("area.dashboard")``
(placeholders as keywords); nothing user-facing is written as a literal in a screen. A test
checks that every id used in the code exists in both languages.

A count is said through a plural message: each language holds a table of CLDR plural categories,
``nl = { one = "{n} cliënt", other = "{n} cliënten" }``, and ``t(id, n=…)`` picks the form by the
language's own plural rule (Babel's CLDR data, veldclient/language.py), never by ``n == 1``.

Which language the app opens in is veldclient/language.py's rule (``VELD_LANG``, else the profile's
setting, else Dutch); F9 settings or the palette switch it for the whole app.
"""

from __future__ import annotations

import tomllib
from functools import cache
from pathlib import Path

from veldclient.language import DEFAULT, LANGUAGES, plural_category

# One language's text of a message: a string, or a plural message's {CLDR category: text}
Text = str | dict[str, str]
COUNT = "n"  # the placeholder whose value picks a plural message's form
PLURAL_CATEGORIES = frozenset({"zero", "one", "two", "few", "many", "other"})  # CLDR's names

_current = DEFAULT


@cache
def catalogue() -> dict[str, dict[str, Text]]:
    out: dict[str, dict[str, Text]] = {}

    def walk(prefix: str, node: dict[str, object]) -> None:
        for key, value in node.items():
            if not isinstance(value, dict):
                raise ValueError(f"messages.toml: {prefix}{key} must be a table with nl and en")
            if _is_message(value):  # any other table is a group of messages
                if f"{prefix}{key}" in out:
                    raise ValueError(f"messages: {prefix}{key} is defined twice")
                out[f"{prefix}{key}"] = {lang: value[lang] for lang in LANGUAGES}
            else:
                walk(f"{prefix}{key}.", value)

    for path in sorted((Path(__file__).parent / "messages").glob("*.toml")):
        walk("", tomllib.loads(path.read_text("utf-8")))
    return out


def _is_message(table: dict[str, object]) -> bool:
    """A message: a text per language, each a string or a table of CLDR plural categories (a
    group whose messages are named ``nl`` and ``en`` holds tables of languages instead)."""
    return set(table) == set(LANGUAGES) and all(
        isinstance(text, str) or (isinstance(text, dict) and set(text) <= PLURAL_CATEGORIES)
        for text in table.values()
    )


def set_language(lang: str) -> None:
    global _current
    _current = lang if lang in LANGUAGES else DEFAULT


def language() -> str:
    return _current


def t(message_id: str, **values: object) -> str:
    """The message in the current language, with ``{name}`` placeholders filled in; a plural
    message in the form its language uses for ``n``."""
    entry = catalogue().get(message_id)
    if entry is None:
        return message_id  # visible in the UI and caught by the catalogue test
    text = entry[_current]
    if isinstance(text, dict):
        count = values[COUNT]
        if not isinstance(count, int):
            raise TypeError(f"{message_id}: a plural message needs an int {COUNT}, got {count!r}")
        text = text[plural_category(_current, count)]
    return text.format(**values) if values else text
