"""One translation catalogue for every UI string (gettext-style: look up by message id).

The catalogue is ``messages/*.toml`` beside this file (one file per area): ``[message.id]`` with
``nl`` and ``en``; an id may be defined once only. Screens call ``t("area.dashboard")``
(placeholders as keywords); nothing user-facing is written as a literal in a screen. A test
checks that every id used in the code exists in both languages.
Which language the app opens in is veldclient/language.py's rule (``VELD_LANG``, else the profile's
setting, else Dutch); F9 settings or the palette switch it for the whole app.
"""

from __future__ import annotations

import tomllib
from functools import cache
from pathlib import Path

from veldclient.language import DEFAULT, LANGUAGES

_current = DEFAULT


@cache
def catalogue() -> dict[str, dict[str, str]]:
    out: dict[str, dict[str, str]] = {}

    def walk(prefix: str, node: dict[str, object]) -> None:
        for key, value in node.items():
            if not isinstance(value, dict):
                raise ValueError(f"messages.toml: {prefix}{key} must be a table with nl and en")
            if all(isinstance(v, str) for v in value.values()):
                if f"{prefix}{key}" in out:
                    raise ValueError(f"messages: {prefix}{key} is defined twice")
                out[f"{prefix}{key}"] = {"nl": value["nl"], "en": value["en"]}
            else:
                walk(f"{prefix}{key}.", value)

    for path in sorted((Path(__file__).parent / "messages").glob("*.toml")):
        walk("", tomllib.loads(path.read_text("utf-8")))
    return out


def set_language(lang: str) -> None:
    global _current
    _current = lang if lang in LANGUAGES else DEFAULT


def language() -> str:
    return _current


def t(message_id: str, **values: object) -> str:
    """The message in the current language, with ``{name}`` placeholders filled in."""
    entry = catalogue().get(message_id)
    if entry is None:
        return message_id  # visible in the UI and caught by the catalogue test
    text = entry[_current]
    return text.format(**values) if values else text
