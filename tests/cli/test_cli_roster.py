"""`veld helprequest add|close`, `veld volunteer add|edit|list` and `veld carer add|edit|link|burden`
as subprocesses for a coordinator: --json output, bad input refused in one line naming the field in
Dutch and English (exit 2, nothing written), and the audit entry the app writes."""

from __future__ import annotations

import json

import pytest
from testenv import PASSPHRASE

from veldclient.domain.models_care import Client
from veldclient.services.session import open_session

VOLUNTEER = (
    *("--first-name", "Anna", "--last-name", "Jansen", "--pc4", "7511", "--birth-year", "1980"),
    *("--max-km", "10", "--task", "boodschappen", "--language", "nl", "--slot", "di ochtend"),
    *("--vog-status", "VALID", "--vog-date", "2025-03-01"),
)
REQUEST = (
    *("--task", "BOODSCHAPPEN", "--summary", "Boodschappen bij de Jumbo", "--pc4", "7511"),
    *("--start", "2026-11-20", "--end", "2026-12-31", "--slot", "di ochtend", "--language", "nl"),
)
CARER = (
    *("--first-name", "Gerrit", "--last-name", "Brinkhuis", "--pc4", "7512"),
    *("--relationship", "PARTNER", "--hours", "20", "--respite", "LOGEER"),
)


@pytest.fixture
def coord(veld):
    veld("init", "--node", "enschede-centrum", "--role", "coordinator", "--user", "ans", "--no-keyring")
    return veld


def out(veld, *args: str) -> dict:
    return json.loads(veld(*args, "--json").stdout)


def refused(veld, *args: str) -> tuple[str, str]:
    """The Dutch and English refusal of one command, each one line with exit 2 and no output."""
    lines = []
    for lang in ("nl", "en"):
        bad = veld(*args, check=False, VELD_LANG=lang)
        assert bad.returncode == 2 and bad.stdout == "", (args, bad.stderr)
        assert len(bad.stderr.strip().splitlines()) == 1, bad.stderr
        lines.append(bad.stderr)
    return lines[0], lines[1]


def last_audit(event: str) -> list[str]:
    session = open_session("default", passphrase=PASSPHRASE)
    try:
        return [e.event for e in session.audit_log.entries(limit=3) if e.event == event]
    finally:
        session.close()


def test_file_and_close_a_help_request(coord):
    filed = out(coord, "helprequest", "add", *REQUEST)
    assert filed["status"] == "OPEN" and filed["window"]["availability"] == ["dinsdag ochtend"]
    assert last_audit("helprequest.create")
    nl, en = refused(coord, "helprequest", "add", *REQUEST[:-4], "--end", "2026-11-01", "--pc4", "12")
    assert "window.end" in nl and "einddatum" in nl and "end date" in en and "pc4" in en

    with_bsn = coord("helprequest", "add", *REQUEST[:3], "Boodschappen; BSN 111222333", *REQUEST[4:])
    assert "Saved" in with_bsn.stdout and "a BSN" in with_bsn.stderr and "111222333" not in with_bsn.stderr
    coord("helprequest", "close", with_bsn.stdout.split()[-1], "--yes")

    rid = filed["id"]
    nl, en = refused(coord, "helprequest", "close", rid)  # not a terminal: --yes is needed
    assert "--yes" in nl and "cannot be undone" in en
    assert out(coord, "helprequest", "close", rid, "--yes") == {"id": rid, "status": "CANCELLED"}
    assert last_audit("helprequest.close")
    nl, en = refused(coord, "helprequest", "close", rid, "--yes")
    assert "Geannuleerd" in nl or "geannuleerd" in nl.lower()
    listed = out(coord, "helprequest", "list")["help_requests"]
    assert [i["status"] for i in listed] == ["CANCELLED", "CANCELLED"]


def test_register_edit_and_list_volunteers(coord):
    made = out(coord, "volunteer", "add", *VOLUNTEER)
    assert made["tasks"] == ["BOODSCHAPPEN"] and made["vog"] == {"status": "VALID", "issued_on": "2025-03-01"}
    vid = made["id"]
    edited = out(coord, "volunteer", "edit", vid, "--vog-date", "2025-06-01", "--slot", "vr middag")
    assert edited["vog"] == {"status": "VALID", "issued_on": "2025-06-01"}  # the status stays
    assert edited["availability"] == ["vrijdag middag"] and edited["tasks"] == ["BOODSCHAPPEN"]
    assert last_audit("volunteer.update")

    nl, en = refused(
        coord, "volunteer", "add", "--first-name", "Bo", "--birth-year", "2015", "--max-km", "500"
    )
    assert "last_name: Dit veld is verplicht" in nl and "birth_year" in en and "max_km" in en
    nl, en = refused(coord, "volunteer", "edit", vid, "--task", "persoonlijke verzorging")
    assert "wijkverpleging" in nl and "district nursing" in en
    nl, en = refused(coord, "volunteer", "edit", vid)
    assert "--pc4" in nl and "Say what changes" in en

    listed = out(coord, "volunteer", "list", "--search", "Anna")["volunteers"]
    assert [(v["id"], v["vog"]["state"]) for v in listed] == [(vid, "ok")]
    assert vid in coord("volunteer", "list").stdout


def test_carer_register_edit_link_and_burden(coord):
    carer = out(coord, "carer", "add", *CARER)
    cid = carer["id"]
    assert carer["respite_needs"] == ["LOGEER"] and carer["care_for_client_id"] is None
    assert out(coord, "carer", "edit", cid, "--hours", "30")["hours_per_week"] == 30
    nl, en = refused(coord, "carer", "edit", cid, "--hours", "300", "--since", "2030-01-01")
    assert "hours_per_week" in nl and "since" in en

    nl, en = refused(coord, "carer", "link", cid, "nobody")
    assert "care_for_client_id: Cliënt 'nobody' bestaat niet" in nl and "does not exist" in en
    session = open_session("default", passphrase=PASSPHRASE)
    try:
        raw = {"name": "Fatma Yilmaz", "birth_date": "1941-02-03", "postcode": "7511 JM", "bsn": "111222333"}
        client = Client.parse({**raw, "node_id": session.actor.node_id}, today=session.today())
        session.repo.create("case", client.id, client.node_id, {"client": client.to_dict(), "visits": {}})
    finally:
        session.close()
    assert out(coord, "carer", "link", cid, client.id)["care_for_client_id"] == client.id
    assert out(coord, "carer", "link", cid, "--unlink")["care_for_client_id"] is None
    refused(coord, "carer", "add", *CARER, "--for", "nobody")

    first = out(coord, "carer", "burden", cid, "--score", "5", "--date", "2026-09-01")
    assert first["trend"] is None and first["history"][0]["category"] == "MODERATE"
    assert first["history"][0]["score"] is None  # a coordinator sees the category only
    second = out(coord, "carer", "burden", cid, "--score", "8")
    assert second["trend"] == "RISING" and second["advice"]["remeasure_on"] == "2026-12-16"
    assert "Overloaded" in coord("carer", "burden", cid).stdout
    assert "Stijgend" in coord("carer", "burden", cid, VELD_LANG="nl").stdout
    nl, en = refused(coord, "carer", "burden", cid, "--score", "12", "--date", "11-18-2026")
    assert "score" in nl and "measured_on" in en
    assert len(out(coord, "carer", "burden", cid)["history"]) == 2


def test_a_help_request_from_filed_to_done_through_its_match(coord):
    vid = out(coord, "volunteer", "add", *VOLUNTEER)["id"]
    rid = out(coord, "helprequest", "add", *REQUEST)["id"]
    ranked = out(coord, "match", rid)["candidates"]
    assert [c["volunteer_id"] for c in ranked] == [vid]
    proposed = out(coord, "helprequest", "propose", rid, vid)
    mid = proposed["match_id"]
    assert proposed["status"] == "PROPOSED" and last_audit("match.propose")
    nl, en = refused(coord, "helprequest", "propose", rid, vid)  # already on this request
    assert "Al gekoppeld aan deze hulpvraag" in nl and "Anna Jansen cannot be proposed" in en
    assert out(coord, "helprequest", "accept", rid, mid)["status"] == "ACCEPTED"

    nl, en = refused(coord, "helprequest", "confirm", rid, mid)  # not a terminal: --yes is needed
    assert "Bevestig met --yes" in nl and "the volunteer's export then shows the street" in en
    assert out(coord, "helprequest", "matches", rid)["matches"][0]["status"] == "ACCEPTED", "nothing changed"
    assert out(coord, "helprequest", "confirm", rid, mid, "--yes")["status"] == "CONFIRMED"
    nl, en = refused(coord, "helprequest", "accept", rid, mid)  # a step that cannot follow
    assert "van 'Bevestigd' naar 'Geaccepteerd door vrijwilliger' kan niet" in nl and "Confirmed" in en
    assert out(coord, "helprequest", "complete", rid, mid)["status"] == "COMPLETED"

    listing = coord("helprequest", "matches", rid, VELD_LANG="nl").stdout
    assert mid in listing and "Anna Jansen" in listing
    [done] = out(coord, "helprequest", "list")["help_requests"]
    assert (done["status"], done["volunteer"]) == ("DONE", "Anna Jansen"), "the help given closes the request"
    assert last_audit("match.complete")
