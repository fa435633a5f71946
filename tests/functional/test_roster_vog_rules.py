"""The VOG warning rule the roster shows (no UI): boundaries of "expiring within 60 days", and the
list filter (SQL) agreeing with the per-row state (Python) on every demo volunteer."""

from __future__ import annotations

from datetime import date

import pytest
from tuihelpers import demo_session

from veldclient.services import roster_view
from veldclient.services.roster_view import VOG_WARNING_DAYS, vog_info

TODAY = date(2026, 11, 18)


@pytest.mark.parametrize(
    ("status", "issued", "state", "days"),
    [
        ("VALID", "2023-11-18", "expired", 0),  # expires today: no longer counts
        ("VALID", "2023-11-19", "expiring", 1),
        ("VALID", "2024-01-17", "expiring", VOG_WARNING_DAYS),
        ("VALID", "2024-01-18", "ok", VOG_WARNING_DAYS + 1),
        ("VALID", None, "expired", None),
        ("EXPIRED", "2025-01-01", "expired", 409),  # revoked before its three years were up
        ("REQUESTED", None, "requested", None),
        ("NONE", None, "none", None),
        ("bogus", None, "none", None),
    ],
)
def test_vog_state_boundaries(status, issued, state, days):
    info = vog_info(status, issued, TODAY)
    assert (info.state, info.days_left) == (state, days)


def test_warning_filter_matches_the_state_of_every_row():
    session = demo_session(role="coordinator")
    everyone = roster_view.volunteers_page(session, "", False, 0, 1000).items
    flagged = roster_view.volunteers_page(session, "", True, 0, 1000).items
    expected = {v.id for v in everyone if v.vog.state in ("expired", "expiring")}
    assert {v.id for v in flagged} == expected
    summary = roster_view.roster_summary(session)
    assert summary.vog_expired + summary.vog_expiring == len(expected)
    # expired first, then the soonest to expire
    states = [v.vog.state for v in flagged]
    assert states == sorted(states, key=lambda s: s != "expired")
