"""The UI catalogue: every message in Dutch and English, every id the screens use exists."""

from __future__ import annotations

import re
from pathlib import Path

from veldclient.screens import i18n

SCREENS = Path(__file__).resolve().parents[2] / "screens"
LITERAL_ID = re.compile(r"""\bt\(\s*["']([a-z0-9_.]+)["']""")
KEY_SPEC = re.compile(r"""\(\s*["'][^"']+["']\s*,\s*["'][^"']+["']\s*,\s*["']([a-z0-9_.]+)["']\s*\)""")
COLUMN = re.compile(r"""Column\(\s*["']([a-z0-9_.]+)["']""")


def used_ids() -> set[str]:
    ids: set[str] = set()
    for path in SCREENS.rglob("*.py"):
        text = path.read_text("utf-8")
        for pattern in (LITERAL_ID, KEY_SPEC, COLUMN):
            ids |= set(pattern.findall(text))
    return ids


def test_every_message_has_dutch_and_english():
    catalogue = i18n.catalogue()
    assert len(catalogue) > 20
    for key, entry in catalogue.items():
        for text in entry.values():
            forms = text.values() if isinstance(text, dict) else [text]
            assert all(form.strip() for form in forms), key


def test_every_literal_id_in_the_screens_exists():
    missing = sorted(used_ids() - set(i18n.catalogue()))
    assert missing == []


def test_lookup_switches_language_and_fills_placeholders():
    try:
        i18n.set_language("en")
        assert i18n.t("table.count", n=3) == "3 rows"
        i18n.set_language("nl")
        assert i18n.t("table.count", n=3) == "3 rijen"
        i18n.set_language("xx")
        assert i18n.language() == "nl"
    finally:
        i18n.set_language("nl")
