"""Issue #3 performance target: rank volunteers for a help request among 10,000 (median ≤ 50 ms).

Measured end to end through the service: help-request document read, SQL prefilter over the
projection, distance and score for every survivor, full reasons for the best 20, and the audit
entry (its own committed transaction).
"""

from __future__ import annotations

import pytest
from testenv import FakeClock

from veldclient.services import matching, roster
from veldclient.services.session import open_session

# "typical" is the first open request of the demo; "widest" asks no language and no VOG, so the
# fewest rows are filtered in SQL; "anytime" also names no part of the week (all 21 count), so
# nearly every volunteer is scored: a stress case beyond the target (no demo request is
# like it), held to 100 ms so a regression still shows.
LIMIT_S = {"typical": 0.050, "widest": 0.050, "anytime": 0.100}
CASES = {
    "typical": "1 = 1",
    "widest": "language IS NULL AND requires_vog = 0",
    "anytime": None,
}
ANYTIME = {
    "on_behalf_of": "CLIENT",
    "task": "GEZELSCHAP",
    "summary": "Samen koffie drinken",
    "pc4": "7511",
    "requires_vog": False,
}


def anytime_request(session) -> str:
    """A request without parts of the week, its window around the session's today."""
    today = session.today()
    end = today.replace(year=today.year + 1)
    window = {"start": today.isoformat(), "end": end.isoformat(), "availability": []}
    made = roster.file_help_request(session, {**ANYTIME, "window": window})
    return made.request.id


@pytest.mark.parametrize("case", list(CASES))
def test_rank_among_10k_volunteers(benchmark, large_profile, case):
    session = open_session(large_profile, passphrase="demo", clock=FakeClock())
    try:
        assert session.db.execute("SELECT count(*) FROM volunteers").fetchone()[0] == 10_000
        where = CASES[case]
        if where is None:
            request_id = anytime_request(session)
        else:
            open_requests = [
                r[0]
                for r in session.db.execute(
                    f"SELECT id FROM help_requests WHERE status = 'OPEN' AND {where} ORDER BY id"
                )
            ]
            request_id = next(r for r in open_requests if matching.rank(session, r, limit=1))
        result = benchmark.pedantic(
            matching.rank, args=(session, request_id), kwargs={"limit": 20}, rounds=50, warmup_rounds=3
        )
    finally:
        session.close()
    assert result and all(c.eligible and c.reasons for c in result)
    assert benchmark.stats.stats.median <= LIMIT_S[case]
