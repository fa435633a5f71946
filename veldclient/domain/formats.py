"""How numbers, distances, dates, moments and durations read, in Dutch and in English: one home, so
a score, a distance and a date look the same on every screen, in every ``veld`` command and in the
domain's own reasons.

- Numbers follow the language's conventions through Babel (CLDR): Dutch writes a decimal comma and
  groups thousands with a point (``1.234,5``), English the other way round (``1,234.5``). Halves
  round up, as a person rounds, not to the nearest even digit.
- Dates: Dutch ``dd-mm-jjjj`` (``05-04-1938``), English ``dd/mm/yyyy`` (``05/04/1938``, British
  English: day first, as in the Netherlands, and as wide as the Dutch date so a table keeps its
  columns). A date is *read* day first or as ISO (``jjjj-mm-dd``) in either language, so a date
  copied from a letter and one copied from a system both work; a month-first date is never read.
- Moments are shown in Dutch wall-clock time (``LOCAL_TZ``), never UTC: the people reading them
  work in Twente. Stored moments stay UTC epoch ms, stored dates ISO; only display and input change.
- Durations one way everywhere: ``45 min``, ``1 u 2 min`` (``1 h 2 min``), ``2 d 3 u`` (``2 d 3 h``).

Pure functions without a clock, so every layer may use them; Babel is imported on first use, so
``veld`` starts no slower for a command that formats nothing.
"""

from __future__ import annotations

import re
from datetime import UTC, date, datetime
from decimal import ROUND_HALF_UP, Decimal
from functools import cache
from typing import Any
from zoneinfo import ZoneInfo

from veldclient.errors import VeldError

# Naive times typed into a form are wall-clock times in Twente; stored times are always UTC ms.
LOCAL_TZ = ZoneInfo("Europe/Amsterdam")

LOCALES = {"nl": "nl_NL", "en": "en_GB"}
DATE_PATTERNS = {"nl": "dd-MM-yyyy", "en": "dd/MM/yyyy"}
# What a person is asked to type (placeholders and error messages), in their own letters.
DATE_HINTS = {"nl": "dd-mm-jjjj", "en": "dd/mm/yyyy"}
UNITS = {"nl": ("min", "u", "d"), "en": ("min", "h", "d")}

MINUTE_MS = 60_000
HOUR_MS = 60 * MINUTE_MS
DAY_MS = 24 * HOUR_MS

_DAY_FIRST = re.compile(r"(\d{1,2})[-/.](\d{1,2})[-/.](\d{4})")
_ISO = re.compile(r"(\d{4})-(\d{1,2})-(\d{1,2})")
_TIME = re.compile(r"(\d{1,2})[:.](\d{2})")


def _locale(lang: str) -> str:
    return LOCALES.get(lang, LOCALES["en"])


@cache
def _pattern(digits: int, trim: bool) -> str:
    return "#,##0" + ("." + ("#" if trim else "0") * digits if digits > 0 else "")


def number(value: float, lang: str, digits: int = 1, *, trim: bool = False) -> str:
    """``value`` with ``digits`` decimals in the language's conventions (``trim``: at most that
    many, trailing zeros dropped, for a setting like ``1,5`` hours); a value that rounds to zero
    never shows a minus sign."""
    from babel.numbers import format_decimal

    exact = Decimal(repr(float(value))) if isinstance(value, float) else Decimal(value)
    rounded = exact.quantize(Decimal(1).scaleb(-digits), rounding=ROUND_HALF_UP)
    if rounded == 0:
        rounded = abs(rounded)
    return str(format_decimal(rounded, format=_pattern(digits, trim), locale=_locale(lang)))


def km(value: float, lang: str) -> str:
    """A distance to a tenth of a kilometre: ``4,2 km`` / ``4.2 km``."""
    return f"{number(value, lang, 1)} km"


def day(value: date, lang: str) -> str:
    """A calendar date: ``05-04-1938`` / ``05/04/1938``."""
    from babel.dates import format_date

    return str(format_date(value, DATE_PATTERNS.get(lang, DATE_PATTERNS["en"]), locale=_locale(lang)))


def day_text(value: Any, lang: str, missing: str = "–") -> str:
    """A date that may be stored text (``jjjj-mm-dd`` from a table row), a ``date`` or nothing."""
    if value is None or value == "":
        return missing
    if isinstance(value, datetime):
        return day(value.date(), lang)
    if isinstance(value, date):
        return day(value, lang)
    try:
        return day(date.fromisoformat(str(value)), lang)
    except ValueError:
        return str(value)  # not a date after all: shown as it is rather than hidden


def local(ms: int) -> datetime:
    """An epoch-ms moment as Dutch wall-clock time."""
    return datetime.fromtimestamp(ms / 1000, UTC).astimezone(LOCAL_TZ)


def moment(ms: int | None, lang: str, missing: str = "") -> str:
    """An epoch-ms moment in Dutch wall-clock time to the minute: ``02-12-2026 14:05``."""
    if ms is None:
        return missing
    at = local(ms)
    return f"{day(at.date(), lang)} {at:%H:%M}"


def moment_seconds(ms: int, lang: str) -> str:
    """As :func:`moment`, to the second (the audit log, where order within a minute matters)."""
    at = local(ms)
    return f"{day(at.date(), lang)} {at:%H:%M:%S}"


def duration(ms: int, lang: str) -> str:
    """A span as a person needs it, rounded down: minutes under an hour, hours and minutes under
    two days (a 24-hour target reads ``25 u 10 min`` late, not ``1 d 1 u``), then days and hours.
    The sign is dropped: the words around it say whether it is left or over."""
    minute, hour, day_unit = UNITS.get(lang, UNITS["en"])
    ms = abs(ms)
    if ms < MINUTE_MS:
        return f"< 1 {minute}"
    if ms < HOUR_MS:
        return f"{ms // MINUTE_MS} {minute}"
    if ms < 2 * DAY_MS:
        hours, rest = divmod(ms, HOUR_MS)
        minutes = rest // MINUTE_MS
        return f"{hours} {hour} {minutes} {minute}" if minutes else f"{hours} {hour}"
    days, rest = divmod(ms, DAY_MS)
    hours = rest // HOUR_MS
    return f"{days} {day_unit} {hours} {hour}" if hours else f"{days} {day_unit}"


class BadDate(VeldError):
    """Typed text that is no date in a form veld reads."""

    def __init__(self, text: str) -> None:
        super().__init__(
            f"'{text}' is geen bestaande datum; schrijf dd-mm-jjjj of jjjj-mm-dd, bijvoorbeeld "
            "05-04-1938 of 1938-04-05.",
            f"'{text}' is not a real date; write dd/mm/yyyy or yyyy-mm-dd, for example "
            "05/04/1938 or 1938-04-05.",
        )
        self.text = text


def read_day(text: str) -> date | None:
    """``text`` as a date: day first (``5-4-1938``, ``05-04-1938``, also with ``/`` or ``.``) or ISO
    (``1938-04-05``); None for anything else, an impossible day (31-02) included."""
    cleaned = text.strip()
    found = _DAY_FIRST.fullmatch(cleaned)
    if found:
        d, m, y = (int(g) for g in found.groups())
    elif found := _ISO.fullmatch(cleaned):
        y, m, d = (int(g) for g in found.groups())
    else:
        return None
    try:
        return date(y, m, d)
    except ValueError:
        return None


def parse_day(text: str) -> date:
    """As :func:`read_day`, raising :class:`BadDate` (Dutch and English) for anything else."""
    found = read_day(text)
    if found is None:
        raise BadDate(text.strip())
    return found


def read_moment(text: str) -> datetime | None:
    """``text`` as a naive wall-clock moment: a date :func:`read_day` reads, a space (or ``T``) and
    ``HH:MM``; also any ISO 8601 moment, with a zone or without. None for anything else."""
    cleaned = text.strip()
    parts = re.split(r"[ T]+", cleaned, maxsplit=1)
    if len(parts) == 2:
        on = read_day(parts[0])
        at = _TIME.fullmatch(parts[1])
        if on is not None and at is not None:
            hour, minute = int(at.group(1)), int(at.group(2))
            if hour < 24 and minute < 60:
                return datetime(on.year, on.month, on.day, hour, minute)
    try:
        return datetime.fromisoformat(cleaned)
    except ValueError:
        return None
