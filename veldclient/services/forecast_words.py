"""The forecast in words a nurse reads, Dutch or English: one module, so ``veld forecast``, the
dashboard and the capacity board say it the same way ("prognose morgen: 1–3 vrij")."""

from __future__ import annotations

from datetime import date

from veldclient import language
from veldclient.domain import formats
from veldclient.services.forecast import Forecast, Outlook
from veldclient.services.forecast_model import MIN_DAYS

_DAY_WORDS = {24: ("morgen", "tomorrow"), 48: ("overmorgen", "day after"), 72: ("over 3 dagen", "in 3 days")}


def _pick(lang: str, nl: str, en: str) -> str:
    return nl if lang == "nl" else en


def when(outlook: Outlook, lang: str) -> str:
    nl, en = _DAY_WORDS.get(outlook.hours, (f"over {outlook.hours} uur", f"in {outlook.hours} hours"))
    return _pick(lang, nl, en)


def beds(outlook: Outlook) -> str:
    """``1–3`` (the interval in whole beds), or ``2`` when it holds one number."""
    return str(outlook.low) if outlook.low == outlook.high else f"{outlook.low}–{outlook.high}"


def reason(forecast: Forecast, lang: str) -> str:
    """Why there is no forecast, with the numbers behind it."""
    if forecast.reason == "old" and forecast.last_day:
        shown = formats.day(date.fromisoformat(forecast.last_day), lang)
        return _pick(
            lang,
            f"geen prognose: geschiedenis loopt maar tot {shown}",
            f"no forecast: history only runs to {shown}",
        )
    days = f"{forecast.days} " + plural(
        lang, forecast.days, _pick(lang, "dag", "day"), _pick(lang, "dagen", "days")
    )
    return _pick(
        lang,
        f"te weinig geschiedenis: {days}, minstens {MIN_DAYS} nodig",
        f"too little history: {days}, at least {MIN_DAYS} needed",
    )


def plural(lang: str, n: int, one: str, other: str) -> str:
    return language.plural(lang, n, {"one": one, "other": other})


def first_line(forecast: Forecast, lang: str) -> str:
    """The headline: ``prognose morgen: 1–3 vrij`` (or why there is none)."""
    if not forecast.outlook:
        return reason(forecast, lang)
    first = forecast.outlook[0]
    return _pick(
        lang,
        f"prognose {when(first, lang)}: {beds(first)} vrij",
        f"forecast {when(first, lang)}: {beds(first)} free",
    )


def outlook_line(forecast: Forecast, lang: str) -> str:
    """All three days: ``prognose morgen 1–3 · overmorgen 0–3 · over 3 dagen 0–4 vrij``."""
    if not forecast.outlook:
        return reason(forecast, lang)
    parts = " · ".join(f"{when(o, lang)} {beds(o)}" for o in forecast.outlook)
    return _pick(lang, f"prognose {parts} vrij", f"forecast {parts} free")


def basis(forecast: Forecast, computed_at: int, now: int, lang: str) -> str:
    """What the forecast stands on and how old it is: ``op 364 dagen t/m 03-12-2026, 2 min oud``."""
    age = formats.duration(max(0, now - computed_at), lang)
    if not forecast.last_day:
        return _pick(lang, f"berekend {age} geleden", f"computed {age} ago")
    shown = formats.day(date.fromisoformat(forecast.last_day), lang)
    return _pick(
        lang,
        f"op {forecast.days} dagen t/m {shown}, berekend {age} geleden",
        f"on {forecast.days} days to {shown}, computed {age} ago",
    )
