"""`veld slots list|publish|book|release` as subprocesses against the demo profile (a nurse of
Enschede-Centrum): the whole round, the audit entries it writes, and bad input refused in one line
in Dutch and English (exit 2, nothing written)."""

from __future__ import annotations

import json

from veldclient.services.session import open_session

DEMO = {"VELD_PASSPHRASE": "demo"}
SLOTS = ("--profile", "demo", "slots")


def demo_client(veld) -> str:
    veld.demo(**DEMO)
    session = open_session("demo", passphrase="demo")
    try:
        return str(session.db.execute("SELECT id FROM clients ORDER BY id LIMIT 1").fetchone()[0])
    finally:
        session.close()


def audit_events(veld) -> list[str]:
    rows = json.loads(
        veld("--profile", "demo", "audit", "log", "--event", "slot.book", "--json", **DEMO).stdout
    )
    return [r["event"] for r in rows]


def listing(veld, *args: str) -> list[dict]:
    return json.loads(veld(*SLOTS, "list", *args, "--json", **DEMO).stdout)


def test_publish_book_release_round(veld):
    client = demo_client(veld)
    demo_slots = {s["id"] for s in listing(veld, "--mine")}  # the demo's own double-booked slot
    made = json.loads(
        veld(
            *SLOTS,
            "publish",
            "--service",
            "wound care",
            "--start",
            "2026-11-20 09:00",
            "--count",
            "3",
            "--json",
            **DEMO,
        ).stdout
    )
    assert [s["when"] for s in made] == ["2026-11-20 09:00", "2026-11-20 09:10", "2026-11-20 09:20"]
    assert {s["service"] for s in made} == {"WOUND_CARE"} and "booked_for" not in made[0]
    listed = [s for s in listing(veld, "--mine") if s["id"] not in demo_slots]
    assert [s["state"] for s in listed] == ["free", "free", "free"]

    slot = made[1]["id"]
    booked = json.loads(veld(*SLOTS, "book", slot, "--client", client, "--json", **DEMO).stdout)
    assert booked["slot_id"] == slot
    text = veld(*SLOTS, "list", VELD_LANG="nl", **DEMO).stdout
    assert "Geboekt  (enschede-centrum)  ← door dit knooppunt" in text and client not in text
    assert audit_events(veld) == ["slot.book"]

    again = veld(*SLOTS, "book", slot, "--client", client, check=False, **DEMO)
    assert again.returncode == 2 and "This slot is already booked" in again.stderr

    released = veld(*SLOTS, "release", slot, **DEMO)
    assert released.stdout.strip() == f"Released: {booked['booking_id']}"
    listed = [s for s in listing(veld) if s["id"] not in demo_slots]
    assert {s["state"] for s in listed} == {"free"}
    twice = veld(*SLOTS, "release", slot, check=False, VELD_LANG="nl", **DEMO)
    assert twice.returncode == 2 and "niets vrij te geven" in twice.stderr


def test_bad_input_is_named_in_both_languages_and_nothing_is_written(veld):
    client = demo_client(veld)
    before = listing(veld)
    bad = ("publish", "--service", "", "--start", "morgen", "--count", "0")
    english = veld(*SLOTS, *bad, check=False, **DEMO)
    assert english.returncode == 2 and english.stdout == ""
    assert (
        "Enter date and time as dd/mm/yyyy HH:MM or yyyy-mm-dd HH:MM" in english.stderr
        and "Publish 1 to 200" in english.stderr
    )
    dutch = veld(*SLOTS, *bad, check=False, VELD_LANG="nl", **DEMO)
    assert (
        "Vul datum en tijd in als dd-mm-jjjj UU:MM of jjjj-mm-dd UU:MM" in dutch.stderr
        and "Publiceer 1 tot 200" in dutch.stderr
    )
    assert listing(veld) == before

    missing = veld(*SLOTS, "book", "no-such-slot", "--client", client, check=False, **DEMO)
    assert missing.returncode == 2 and "'no-such-slot' does not exist" in missing.stderr
    nl = veld(*SLOTS, "book", "no-such-slot", "--client", client, check=False, VELD_LANG="nl", **DEMO)
    assert "bestaat niet" in nl.stderr
    assert audit_events(veld) == []


def test_a_coordinator_may_not_publish(veld):
    veld.demo("--role", "coordinator", **DEMO)
    refused = veld(*SLOTS, "publish", "--service", "GP", "--start", "2026-11-20 09:00", check=False, **DEMO)
    assert refused.returncode == 2 and "may not view or change this" in refused.stderr
