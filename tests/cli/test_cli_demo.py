"""`veld demo --no-tui` prepares a ready profile and says where it is."""

from __future__ import annotations

import json


def test_demo_builds_and_reports_where(veld):
    out = veld("demo", "--no-tui", VELD_PASSPHRASE="demo").stdout
    assert "profiles" in out and "demo" in out
    status = json.loads(veld("--profile", "demo", "status", "--json", VELD_PASSPHRASE="demo").stdout)
    counts = status["counts"]
    assert counts["clients"] == 200 and counts["volunteers"] == 150 and counts["nodes"] == 10
    assert counts["visits"] > 0 and counts["placements"] > 0 and counts["help_requests"] > 0
    assert status["audit_entries"] >= sum(
        counts[k] for k in ("clients", "volunteers", "mantelzorgers", "help_requests", "placements")
    )


def test_demo_is_deterministic_and_refreshes(veld):
    veld("demo", "--no-tui", VELD_PASSPHRASE="demo")
    first = json.loads(veld("--profile", "demo", "docs", "--json", VELD_PASSPHRASE="demo").stdout)
    veld("demo", "--no-tui", VELD_PASSPHRASE="demo")
    second = json.loads(veld("--profile", "demo", "docs", "--json", VELD_PASSPHRASE="demo").stdout)
    assert [d["doc_id"] for d in first] == [d["doc_id"] for d in second]


def test_demo_rejects_unknown_node(veld):
    bad = veld("demo", "--no-tui", "--node", "zwolle", check=False)
    assert bad.returncode == 2 and "zwolle" in bad.stderr
