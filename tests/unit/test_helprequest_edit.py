"""Filing and editing a help request: a warning (not a refusal) naming what a volunteer may not see,
the summary and period editable by the roles that file requests, audited, nothing written on bad
input, and the export following the edit."""

from __future__ import annotations

import pytest
from testenv import make_session

from veldclient.errors import AccessDenied, NotFound, ValidationError
from veldclient.services import roster, volunteer_export

REQUEST = {
    "on_behalf_of": "CLIENT",
    "task": "BOODSCHAPPEN",
    "summary": "Boodschappen doen; BSN 111222333 bij de kassa",
    "pc4": "7511",
    "window": {"start": "2026-11-16", "end": "2026-12-31", "availability": ["di ochtend"]},
}


def audit(session):
    return [(e.event, e.action, e.outcome, e.detail) for e in session.audit_log.entries(limit=1)]


def chunks(session):
    return session.db.execute("SELECT count(*) FROM am_chunks").fetchone()[0]


def test_filing_warns_in_both_languages_naming_the_kind_and_files_anyway(coordinator):
    saved = roster.file_help_request(coordinator, REQUEST)
    assert saved.request.summary == REQUEST["summary"]  # a warning, not a refusal
    nl, en = saved.warning
    assert "een BSN" in nl and "a BSN" in en and "111222333" not in nl + en
    assert saved.screening.kinds == ("bsn",)
    assert coordinator.db.execute(
        "SELECT summary FROM help_requests WHERE id = ?", [saved.request.id]
    ).fetchone() == (REQUEST["summary"],)
    assert audit(coordinator)[0][:3] == ("helprequest.create", "C", "ok")
    assert audit(coordinator)[0][3]["screened"] == "bsn"


def test_a_clean_summary_files_without_a_warning(coordinator):
    saved = roster.file_help_request(coordinator, {**REQUEST, "summary": "Boodschappen bij de Jumbo"})
    assert saved.warning is None and saved.screening.clean


def test_the_summary_is_edited_audited_and_the_export_then_carries_it(coordinator, tmp_path):
    rid = roster.file_help_request(coordinator, REQUEST).request.id
    held = volunteer_export.export_for_volunteer(coordinator, rid, tmp_path / "a.csv")
    assert held.kinds == ("bsn",)
    saved = roster.update_help_request(coordinator, rid, {"summary": "  Boodschappen doen   bij de Jumbo "})
    assert saved.request.summary == "Boodschappen doen bij de Jumbo" and saved.warning is None
    event, action, outcome, _detail = audit(coordinator)[0]
    assert (event, action, outcome) == ("helprequest.update", "U", "ok")
    assert coordinator.db.execute("SELECT summary FROM help_requests WHERE id = ?", [rid]).fetchone() == (
        "Boodschappen doen bij de Jumbo",
    )
    result = volunteer_export.export_for_volunteer(coordinator, rid, tmp_path / "b.csv")
    assert result.held_back is None
    assert "Boodschappen doen bij de Jumbo" in (tmp_path / "b.csv").read_text("utf-8")


def test_an_edit_that_still_holds_an_identifier_is_saved_with_a_warning(coordinator):
    rid = roster.file_help_request(coordinator, {**REQUEST, "summary": "Boodschappen"}).request.id
    saved = roster.update_help_request(coordinator, rid, {"summary": "Mail naar anne@example.nl"})
    assert saved.request.summary == "Mail naar anne@example.nl"
    assert saved.screening.kinds == ("email",) and "e-mailadres" in saved.warning[0]


def test_the_period_can_be_moved_and_is_checked(coordinator):
    rid = roster.file_help_request(coordinator, REQUEST).request.id
    saved = roster.update_help_request(coordinator, rid, {"window": {"end": "2027-01-31"}})
    assert (saved.request.window.start.isoformat(), saved.request.window.end.isoformat()) == (
        "2026-11-16",
        "2027-01-31",
    )
    assert saved.request.window.availability  # the parts of the week are kept
    before = chunks(coordinator)
    with pytest.raises(ValidationError) as bad:
        roster.update_help_request(coordinator, rid, {"window": {"start": "2027-02-01"}, "summary": ""})
    assert {e.field for e in bad.value.errors} == {"summary", "window.end"}
    assert chunks(coordinator) == before  # nothing written half


def test_fields_that_may_not_be_edited_are_refused_whole(coordinator):
    rid = roster.file_help_request(coordinator, REQUEST).request.id
    before = chunks(coordinator)
    with pytest.raises(ValidationError) as bad:
        roster.update_help_request(coordinator, rid, {"summary": "Ok", "status": "DONE", "pc4": "7512"})
    assert {e.field for e in bad.value.errors} == {"status", "pc4"}
    assert chunks(coordinator) == before


def test_roles_and_unknown_requests(coordinator):
    rid = roster.file_help_request(coordinator, REQUEST).request.id
    with pytest.raises(NotFound):
        roster.update_help_request(coordinator, "no-such-request", {"summary": "x"})
    admin = make_session("adm", role="admin")
    try:
        with pytest.raises(AccessDenied):
            roster.update_help_request(admin, rid, {"summary": "x"})
        assert audit(admin)[0][:3] == ("helprequest.update", "R", "denied")
    finally:
        admin.close()
