"""`veld match` and `veld export volunteers` as subprocesses against the demo profile."""

from __future__ import annotations

import csv
import json

from veldclient.domain import screening
from veldclient.services import matching
from veldclient.services.session import open_session
from veldclient.services.volunteer_export import COLUMNS, HEADERS

DEMO = {"VELD_PASSPHRASE": "demo"}


def demo_requests(veld) -> tuple[str, str]:
    """Build the demo; return (an open request with candidates and clean notes, a request whose
    summary has health terms)."""
    veld.demo(**DEMO)
    session = open_session("demo", passphrase="demo")
    try:
        rows = session.db.execute(
            "SELECT id, status, summary, window_end >= ? FROM help_requests ORDER BY id",
            [session.today().isoformat()],
        ).fetchall()
        clean = next(
            r[0]
            for r in rows
            if r[1] == "OPEN"
            and r[3]
            and not screening.health_terms(r[2])
            and matching.rank(session, r[0], limit=1)
        )
    finally:
        session.close()
    health = next(r[0] for r in rows if screening.health_terms(r[2]))
    return clean, health


def test_match_json_text_and_explain(veld):
    request_id, _ = demo_requests(veld)
    out = json.loads(veld("--profile", "demo", "match", request_id, "--json", **DEMO).stdout)
    assert out["help_request_id"] == request_id
    candidates = out["candidates"]
    assert 0 < len(candidates) <= 20
    scores = [c["score"] for c in candidates]
    assert scores == sorted(scores, reverse=True) and all(0 < s <= 100 for s in scores)
    first = candidates[0]
    assert first["eligible"] and first["excluded"] is None and first["distance_km"] is not None
    assert all(r["nl"] and r["en"] and r["code"] for r in first["reasons"])
    assert any(r["en"].startswith("Available") for r in first["reasons"])
    assert all(isinstance(c["score"], int) for c in candidates)
    assert sum(r["points"] or 0 for r in first["reasons"]) == first["score"]  # the points add up
    codes = {r["code"] for r in first["reasons"]}
    assert codes == {"distance", "availability", "task", "language", "load", "vog"}

    args = ("--profile", "demo", "match", request_id, "--json")
    limited = json.loads(veld(*args, "--limit", "3", **DEMO).stdout)
    assert [c["volunteer_id"] for c in limited["candidates"]] == [c["volunteer_id"] for c in candidates[:3]]

    text = veld("--profile", "demo", "match", request_id, "--limit", "2", **DEMO).stdout
    lines = text.splitlines()
    assert lines[0].split()[:2] == ["1.", str(candidates[0]["score"])] and " km)" in lines[0]
    assert "  2. " in text and any(line.split()[1:2] == ["Speaks"] for line in lines if "+" in line)

    explained = json.loads(veld("--profile", "demo", "match", request_id, "--all", "--json", **DEMO).stdout)
    excluded = [c for c in explained["candidates"] if not c["eligible"]]
    assert excluded and all(c["excluded"]["nl"] and c["excluded"]["en"] for c in excluded)


def test_export_volunteers_writes_only_allowed_columns(veld, tmp_path):
    request_id, health_id = demo_requests(veld)
    out = tmp_path / "f.csv"
    done = veld("--profile", "demo", "export", "volunteers", request_id, "--out", str(out), **DEMO)
    assert "Exported to" in done.stdout and done.stderr == ""
    with out.open(newline="", encoding="utf-8") as fh:
        rows = list(csv.reader(fh))
    assert tuple(rows[0]) == HEADERS["en"] and len(rows) == 2  # the export's language: English here
    dutch = tmp_path / "nl.csv"
    veld("--profile", "demo", "export", "volunteers", request_id, "--out", str(dutch), "--lang", "nl", **DEMO)
    with dutch.open(newline="", encoding="utf-8") as fh:
        header, row = list(csv.reader(fh))
    assert tuple(header) == HEADERS["nl"]  # for a Dutch volunteer, whatever language veld speaks
    assert row[header.index("straat")]  # a street, or why there is none: never an empty cell

    held = tmp_path / "held.csv"
    result = veld("--profile", "demo", "export", "volunteers", health_id, "--out", str(held), **DEMO)
    assert "health information" in result.stderr
    with held.open(newline="", encoding="utf-8") as fh:
        row = dict(zip(*csv.reader(fh), strict=True))
    assert row["notes"] == ""

    export = ("--profile", "demo", "export", "volunteers")
    report = json.loads(veld(*export, health_id, "--out", str(held), "--json", **DEMO).stdout)
    assert report["held_back"]["nl"] and report["terms"] and report["columns"] == list(COLUMNS)


def test_bad_input_is_one_line_and_exit_2(veld, tmp_path):
    request_id, _ = demo_requests(veld)
    bad = veld("--profile", "demo", "match", "nope", "--json", check=False, **DEMO)
    assert bad.returncode == 2 and bad.stdout == ""
    assert len(bad.stderr.strip().splitlines()) == 1 and "nope" in bad.stderr

    out = tmp_path / "f.csv"
    bad = veld("--profile", "demo", "export", "volunteers", "nope", "--out", str(out), check=False, **DEMO)
    assert bad.returncode == 2 and len(bad.stderr.strip().splitlines()) == 1 and not out.exists()

    missing = tmp_path / "no" / "f.csv"
    export = ("--profile", "demo", "export", "volunteers")
    bad = veld(*export, request_id, "--out", str(missing), check=False, **DEMO)
    assert bad.returncode == 2 and len(bad.stderr.strip().splitlines()) == 1 and not missing.exists()

    dutch = veld("--profile", "demo", "match", "nope", check=False, VELD_LANG="nl", **DEMO)
    assert dutch.returncode == 2 and "bestaat niet" in dutch.stderr
