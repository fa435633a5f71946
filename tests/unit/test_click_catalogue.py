"""Click's Dutch catalogue (veldclient/locale/nl/LC_MESSAGES/click.po, compiled to click.mo beside
it): it covers every message the installed Click marks for translation, keeps each message's
placeholders, and the committed .mo says what the .po says (docs/architecture.md, "Language")."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import click
from babel.messages.catalog import Catalog
from babel.messages.extract import extract_from_file
from babel.messages.mofile import read_mo
from babel.messages.pofile import read_po

from veldclient import language

CATALOGUE = language.LOCALE_DIR / "nl" / "LC_MESSAGES"
COMPILE = "pybabel compile -d veldclient/locale -D click"
# Click passes this one to gettext from a variable (core.py: ``_(extra["required"])``), where no
# extractor can see it: the "[required]" of --help.
DYNAMIC = {"required"}
_PLACEHOLDER = re.compile(r"\{[^{}]*\}|%\([a-z_]+\)s")


def click_messages() -> set[str | tuple[str, ...]]:
    found: set[str | tuple[str, ...]] = set(DYNAMIC)
    for source in sorted(Path(click.__file__).parent.glob("*.py")):
        for _line, message, _comments, _context in extract_from_file(
            "python", str(source), keywords={"_": None, "ngettext": (1, 2)}
        ):
            found.add(message)
    return found


Entries = dict[str | tuple[str, ...], str | tuple[str, ...]]


def entries(catalog: Catalog) -> Entries:
    """Message id to translation, a plural's forms as tuples (read_mo gives them as lists)."""

    def key(value: Any) -> Any:
        return tuple(value) if isinstance(value, list | tuple) else value

    return {key(m.id): key(m.string) for m in catalog if m.id}


def po_messages() -> Entries:
    with (CATALOGUE / "click.po").open("rb") as po:
        catalog = read_po(po)
    assert not catalog.fuzzy
    return entries(catalog)


def test_every_message_click_can_print_is_translated() -> None:
    translated = po_messages()
    missing = click_messages() - set(translated)
    assert not missing, f"add these to {CATALOGUE / 'click.po'}, then {COMPILE}: {sorted(map(str, missing))}"
    empty = [
        str(key)
        for key, value in translated.items()
        if not all(value if isinstance(value, tuple) else [value])
    ]
    assert not empty, empty


def test_every_translation_keeps_to_the_placeholders_click_fills_in() -> None:
    """A placeholder Click does not pass would make str.format fail in the middle of an error."""
    for key, value in po_messages().items():
        ids = key if isinstance(key, tuple) else (key,)
        allowed = {p for text in ids for p in _PLACEHOLDER.findall(text)}
        for text in value if isinstance(value, tuple) else (value,):
            assert set(_PLACEHOLDER.findall(text)) <= allowed, (key, text)


def test_the_committed_mo_is_the_po_compiled() -> None:
    with (CATALOGUE / "click.mo").open("rb") as mo:
        compiled = entries(read_mo(mo))
    assert compiled == po_messages(), f"click.mo is out of date with click.po: run {COMPILE}"
