"""Ages and timers as short words ("12 min", "3 u 20 min"), in the current language.

The dashboard, the capacity board and the caseload show how old every number is and how long a
response target has left; the words come from ``domain.formats.duration``, the one way veld writes
a duration, here bound to the screen's language.
"""

from __future__ import annotations

from veldclient.domain import formats
from veldclient.domain.models_capacity import report_age_ms
from veldclient.screens.i18n import language, t


def duration(ms: int) -> str:
    """``formats.duration`` in the current language: minutes under an hour, hours and minutes
    under two days, then days and hours."""
    return formats.duration(ms, language())


def age(reported_at: int, now: int) -> str:
    """How long ago a report was made ("3 u geleden"); clock skew never makes it negative."""
    return t("capacity.age", d=duration(report_age_ms(reported_at, now)))
