"""The language a veld process speaks: one rule for the command line and the app.

The rule (:func:`choose`): ``VELD_LANG`` when it is set, else the language saved in the profile (only
the app has one; the command line passes none), else Dutch. ``VELD_LANG`` takes ``nl`` or ``en``, in
any case and with a locale's tail (``en_GB.UTF-8``); anything else is refused in both languages
rather than guessed, so a typo never leaves a nurse reading a language she did not ask for.
"""

from __future__ import annotations

import os
import re

from veldclient.errors import VeldError

LANGUAGES = ("nl", "en")
DEFAULT = "nl"
ENV = "VELD_LANG"
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
