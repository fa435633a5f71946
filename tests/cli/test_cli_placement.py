"""`veld cases [--json] [--breaching]` against the demo profile, as a script would run it."""

from __future__ import annotations

import json

OPEN = {"DRAFT", "SUBMITTED", "IN_REVIEW", "OFFERED", "ACCEPTED"}
TIMER_KEYS = {
    "received_at",
    "first_reply_at",
    "placed_at",
    "reply_due_at",
    "reply_state",
    "reply_left_ms",
    "placed_due_at",
    "placed_state",
    "placed_left_ms",
}
HOUR = 3_600_000


def cases(veld, *args: str) -> dict:
    return json.loads(veld("--profile", "demo", "cases", "--json", *args, VELD_PASSPHRASE="demo").stdout)


def test_cases_json_lists_the_nodes_clients_with_requests_and_timers(veld):
    veld.demo(VELD_PASSPHRASE="demo")
    out = cases(veld)
    assert (out["node_id"], out["role"], out["breaching_only"]) == ("enschede-centrum", "nurse", False)
    requests = [r for case in out["cases"] for r in case["requests"]]
    assert len(requests) == 25, "every placement request of the small demo"
    assert all(case["name"] for case in out["cases"]), "the nurse sees her clients' names"
    for r in requests:
        assert set(r) >= TIMER_KEYS
        assert r["reply_due_at"] == r["received_at"] + 2 * HOUR
        assert r["placed_due_at"] == r["received_at"] + 24 * HOUR
        assert r["reply_state"] in ("ok", "soon", "breached", None)
        assert "triage_outcome" in r and "required_capabilities" in r
    assert {r["status"] for r in requests} >= {"SUBMITTED", "ADMITTED"}


def test_cases_breaching_lists_only_open_requests_past_or_near_a_target(veld):
    veld.demo(VELD_PASSPHRASE="demo")
    everything = cases(veld)
    out = cases(veld, "--breaching")
    assert out["breaching_only"] is True
    pressing = [r for case in out["cases"] for r in case["requests"]]
    assert pressing, "the demo has requests without a reply for more than two hours"
    for r in pressing:
        assert r["status"] in OPEN
        assert {r["reply_state"], r["placed_state"]} & {"soon", "breached"}
    expected = {
        r["request_id"]
        for case in everything["cases"]
        for r in case["requests"]
        if r["status"] in OPEN and {r["reply_state"], r["placed_state"]} & {"soon", "breached"}
    }
    assert {r["request_id"] for r in pressing} == expected


def test_cases_for_a_coordinator_carry_no_triage_or_clinical_fields(veld):
    veld.demo("--role", "coordinator", VELD_PASSPHRASE="demo")
    out = cases(veld)
    assert out["role"] == "coordinator" and out["cases"]
    text = json.dumps(out)
    for hidden in ("triage", "required_capabilities", "referrer", "bsn"):
        assert hidden not in text
    named = [case for case in out["cases"] if case["name"]]
    assert len(named) < len(out["cases"]), "names only where a help request exists for the client"


def test_cases_text_output_and_language(veld):
    veld.demo(VELD_PASSPHRASE="demo")
    en = veld("--profile", "demo", "cases", VELD_PASSPHRASE="demo").stdout
    assert "reply:" in en and "placed:" in en
    nl = veld("--profile", "demo", "cases", "--breaching", VELD_PASSPHRASE="demo", VELD_LANG="nl").stdout
    assert "antwoord:" in nl and ("OVERSCHREDEN" in nl or "bijna" in nl)


def test_cases_on_a_missing_profile_is_one_clear_error(veld):
    bad = veld("--profile", "nope", "cases", check=False)
    assert bad.returncode == 2 and bad.stderr.count("\n") == 1 and "nope" in bad.stderr
