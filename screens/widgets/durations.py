"""Ages and timers as short words ("12 min", "3 u 20 min"), in the current language.

The dashboard and the capacity board both show how old every number is and how long a response
target has left. They share this module so the same age reads the same way on both screens.
"""

from __future__ import annotations

from veldclient.domain.models_capacity import report_age_ms
from veldclient.screens.i18n import t

MINUTE_MS = 60_000
HOUR_MS = 60 * MINUTE_MS
DAY_MS = 24 * HOUR_MS


def duration(ms: int) -> str:
    """A span rounded down to what a person needs: minutes under an hour, hours and minutes under
    two days, then days and hours."""
    ms = abs(ms)
    if ms < MINUTE_MS:
        return t("capacity.duration.under_minute")
    if ms < HOUR_MS:
        return t("capacity.duration.minutes", m=ms // MINUTE_MS)
    if ms < 2 * DAY_MS:
        hours, rest = divmod(ms, HOUR_MS)
        minutes = rest // MINUTE_MS
        if minutes:
            return t("capacity.duration.hours_minutes", h=hours, m=minutes)
        return t("capacity.duration.hours", h=hours)
    days, rest = divmod(ms, DAY_MS)
    return t("capacity.duration.days_hours", d=days, h=rest // HOUR_MS)


def age(reported_at: int, now: int) -> str:
    """How long ago a report was made ("3 u geleden"); clock skew never makes it negative."""
    return t("capacity.age", d=duration(report_age_ms(reported_at, now)))
