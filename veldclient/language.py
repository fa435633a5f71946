"""The language a veld process speaks: one rule for the command line and the app, and the catalogue
that makes Click's own messages (usage errors, ``--help`` headings) speak it too.

The rule (:func:`choose`): ``VELD_LANG`` when it is set, else the language saved in the profile (only
the app has one; the command line passes none), else Dutch. ``VELD_LANG`` takes ``nl`` or ``en``, in
any case and with a locale's tail (``en_GB.UTF-8``); anything else is refused in both languages
rather than guessed, so a typo never leaves a nurse reading a language she did not ask for.

Click marks every message it prints for translation with the standard library's ``gettext``;
:func:`bind` points that at ``locale/<lang>/LC_MESSAGES/click.mo`` beside this file (compiled from
the ``.po`` next to it; docs/architecture.md, "Language").
"""

from __future__ import annotations

import gettext
import os
import re
from collections.abc import Mapping
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING

from veldclient.errors import VeldError

if TYPE_CHECKING:
    from babel.plural import PluralRule

LANGUAGES = ("nl", "en")
DEFAULT = "nl"
ENV = "VELD_LANG"
LOCALE_DIR = Path(__file__).with_name("locale")
CLICK_DOMAIN = "click"
_CODE = re.compile(r"(nl|en)(?:[_.@-].*)?", re.IGNORECASE)


class UnknownLanguage(VeldError):
    """VELD_LANG holds something other than nl or en. Said in both languages: which one to use is
    exactly what is not known."""

    def __init__(self, value: str) -> None:
        super().__init__(
            f"{ENV}={value!r} ken ik niet: gebruik nl (Nederlands) of en (Engels).",
            f"{ENV}={value!r} is not a language veld speaks: use nl (Dutch) or en (English).",
        )

    def both(self) -> str:
        return f"{self.nl} / {self.en}"


def from_environment() -> str | None:
    """``VELD_LANG`` as ``nl`` or ``en``; None when it is unset or empty."""
    value = os.environ.get(ENV, "").strip()
    if not value:
        return None
    found = _CODE.fullmatch(value)
    if found is None:
        raise UnknownLanguage(value)
    return found.group(1).lower()


def choose(saved: str | None = None) -> str:
    """The language of this process: ``VELD_LANG``, else ``saved`` (the profile's setting, for the
    app), else Dutch. A saved value this version does not speak counts as none."""
    return from_environment() or (saved if saved in LANGUAGES else DEFAULT)


def plural_category(lang: str, n: int) -> str:
    """The CLDR plural category of ``n`` in ``lang`` ("one" or "other" for Dutch and English), by
    Babel's rule from the Unicode CLDR data rather than an ``n == 1`` of our own."""
    return _plural_rule(lang)(n)


def plural_categories(lang: str) -> frozenset[str]:
    """Every category a plural message needs in ``lang``: the rule's own and "other"."""
    return frozenset(_plural_rule(lang).tags) | {"other"}


def plural(lang: str, n: int, forms: Mapping[str, str]) -> str:
    """The form of ``forms`` (category -> text) that the language uses for ``n``."""
    return forms[plural_category(lang, n)]


@cache
def _plural_rule(lang: str) -> PluralRule:
    from babel import Locale  # only when a count is said: `veld` starts without loading it

    return Locale.parse(lang).plural_form


def bind(lang: str) -> None:
    """Make Click (and anything else that translates through stdlib gettext) speak ``lang``.

    gettext picks its catalogue from the ``LANGUAGE`` variable on every lookup, so that is where the
    choice goes; English has no catalogue and falls back to Click's own text. veld starts no other
    programs, so the variable reaches nothing else.
    """
    gettext.bindtextdomain(CLICK_DOMAIN, str(LOCALE_DIR))
    gettext.textdomain(CLICK_DOMAIN)
    os.environ["LANGUAGE"] = lang
