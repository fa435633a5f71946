"""`veld helprequest edit` and `veld helprequest list` as subprocesses against the demo profile, and
`veld match` on a request whose period is over (the clock frozen by VELD_NOW)."""

from __future__ import annotations

import csv
import json

from veldclient.services.session import open_session

DEMO = {"VELD_PASSPHRASE": "demo"}
TODAY = "2026-11-18"  # FROZEN_NOW_MS


def demo_rows(veld) -> list[tuple[str, str, str]]:
    """Build the demo; (id, stored status, window end) of every help request."""
    veld.demo(**DEMO)
    session = open_session("demo", passphrase="demo")
    try:
        return session.db.execute("SELECT id, status, window_end FROM help_requests ORDER BY id").fetchall()
    finally:
        session.close()


def open_request(rows) -> str:
    return next(rid for rid, status, end in rows if status == "OPEN" and end >= TODAY)


def notes(path) -> str:
    with path.open(newline="", encoding="utf-8") as fh:
        return dict(zip(*csv.reader(fh), strict=True))["notes"]


def test_edit_summary_warns_about_a_bsn_and_the_export_follows(veld, tmp_path):
    rid = open_request(demo_rows(veld))
    typed = "Boodschappen doen; BSN 111222333 bij de kassa"
    edited = veld("--profile", "demo", "helprequest", "edit", rid, "--summary", typed, **DEMO)
    assert "Saved" in edited.stdout
    assert "a BSN" in edited.stderr and "111222333" not in edited.stderr  # a warning, exit 0
    dutch = veld("--profile", "demo", "helprequest", "edit", rid, "--summary", typed, VELD_LANG="nl", **DEMO)
    assert "een BSN" in dutch.stderr and "Opgeslagen" in dutch.stdout

    out = tmp_path / "v.csv"
    held = veld("--profile", "demo", "export", "volunteers", rid, "--out", str(out), **DEMO)
    assert "a BSN" in held.stderr and notes(out) == "" and "111222333" not in out.read_text("utf-8")

    edit = ("--profile", "demo", "helprequest", "edit", rid)
    report = json.loads(veld(*edit, "--summary", "Boodschappen bij de Jumbo", "--json", **DEMO).stdout)
    assert report["summary"] == "Boodschappen bij de Jumbo" and report["warning"] is None
    assert report["screened"] == {"kinds": [], "terms": []}
    clean = veld("--profile", "demo", "export", "volunteers", rid, "--out", str(out), **DEMO)
    assert clean.stderr == "" and notes(out) == "Boodschappen bij de Jumbo"


def test_edit_moves_the_period_and_refuses_bad_input_in_one_line(veld):
    rid = open_request(demo_rows(veld))
    edit = ("--profile", "demo", "helprequest", "edit")
    moved = json.loads(veld(*edit, rid, "--end", "2027-03-01", "--json", **DEMO).stdout)
    assert moved["window"]["end"] == "2027-03-01"

    for args, word in (
        ((rid,), "--summary"),  # nothing to change
        ((rid, "--end", "31-02-2027"), "date"),
        ((rid, "--start", "2027-04-01"), "before the start"),
        (("no-such-id", "--summary", "x"), "no-such-id"),
    ):
        bad = veld(*edit, *args, check=False, **DEMO)
        assert bad.returncode == 2 and bad.stdout == "", args
        assert len(bad.stderr.strip().splitlines()) == 1 and word in bad.stderr, bad.stderr


def test_list_shows_a_request_whose_period_is_over_as_expired_after_the_open_ones(veld):
    rows = demo_rows(veld)
    lapsed = next(rid for rid, status, end in rows if status == "OPEN" and end < TODAY)
    listed = json.loads(veld("--profile", "demo", "helprequest", "list", "--json", **DEMO).stdout)
    items = listed["help_requests"]
    assert len(items) == len(rows)
    by_id = {item["id"]: item for item in items}
    assert by_id[lapsed]["status"] == "EXPIRED" and by_id[lapsed]["expired"] is True
    order = [item["status"] for item in items]
    assert order.index("EXPIRED") > max(i for i, s in enumerate(order) if s in ("OPEN", "MATCHING"))
    assert all(item["window_end"] < TODAY for item in items if item["expired"])

    opened = json.loads(
        veld("--profile", "demo", "helprequest", "list", "--status", "OPEN", "--json", **DEMO).stdout
    )["help_requests"]
    assert lapsed not in {item["id"] for item in opened} and opened
    text = veld("--profile", "demo", "helprequest", "list", "--status", "EXPIRED", **DEMO).stdout
    assert lapsed in text and "Expired" in text and "Open" not in text
    dutch = veld("--profile", "demo", "helprequest", "list", "--status", "EXPIRED", VELD_LANG="nl", **DEMO)
    assert "Verlopen" in dutch.stdout

    # Expired is derived from the clock, never stored: with its period extended the request is open.
    veld("--profile", "demo", "helprequest", "edit", lapsed, "--end", "2026-12-31", **DEMO)
    again = json.loads(veld("--profile", "demo", "helprequest", "list", "--json", **DEMO).stdout)
    assert {i["id"]: i for i in again["help_requests"]}[lapsed]["status"] == "OPEN"


def test_match_on_an_expired_request_says_the_period_is_over(veld):
    rows = demo_rows(veld)
    lapsed = next(rid for rid, status, end in rows if status == "OPEN" and end < TODAY)
    result = veld("--profile", "demo", "match", lapsed, check=False, **DEMO)
    assert result.returncode == 2 and result.stdout == ""
    line = result.stderr.strip()
    assert len(line.splitlines()) == 1
    assert "expired" in line and "12/11/2026" in line and "helprequest edit" in line
    assert "period has passed" not in line
    dutch = veld("--profile", "demo", "match", lapsed, check=False, VELD_LANG="nl", **DEMO)
    assert "verlopen" in dutch.stderr
