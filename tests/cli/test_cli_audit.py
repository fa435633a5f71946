"""`veld audit log` filtered by client, user, action, event and day, with readable names, and
`veld audit events`; bad filters are refused in one line in either language (exit 2)."""

from __future__ import annotations

import json

ADMIN = {"VELD_PASSPHRASE": "demo"}
LOG = ("--profile", "demo", "audit", "log")


def admin_demo(veld) -> None:
    veld.demo("--role", "admin", **ADMIN)


def test_log_filters_by_action_event_user_and_day(veld):
    admin_demo(veld)
    veld(*LOG, **ADMIN)  # one read, so there is an L entry
    rows = json.loads(veld(*LOG, "--action", "l", "--json", **ADMIN).stdout)
    assert rows and {r["action"] for r in rows} == {"L"}
    assert {r["action_name"] for r in rows} == {"reading the audit log"}
    assert rows[0]["event_name"] == "Audit log read"

    by_event = json.loads(veld(*LOG, "--event", "profile.create", "--json", **ADMIN).stdout)
    assert [r["event"] for r in by_event] == ["profile.create"]
    user = by_event[0]["user_id"]
    mine = json.loads(veld(*LOG, "--user", user, "--limit", "500", "--json", **ADMIN).stdout)
    assert mine and {r["user_id"] for r in mine} == {user}
    nobody = veld(*LOG, "--user", "nobody-at-all", **ADMIN)
    assert "No audit entries found." in nobody.stdout

    today = veld(*LOG, "--since", "2026-11-18", "--until", "2026-11-18", "--json", **ADMIN)
    assert json.loads(today.stdout)  # VELD_NOW is 2026-11-18
    before = veld(*LOG, "--until", "2026-11-17", "--json", **ADMIN)
    assert json.loads(before.stdout) == []

    dutch = veld(*LOG, "--event", "profile.create", VELD_LANG="nl", **ADMIN)
    assert "Profiel aangemaakt" in dutch.stdout and "aanmaken" in dutch.stdout


def test_log_by_client_names_the_client_entries_only(veld):
    admin_demo(veld)
    rows = json.loads(veld(*LOG, "--client", "no-such-client", "--json", **ADMIN).stdout)
    assert rows == []


def test_bad_filters_are_refused_in_both_languages(veld):
    admin_demo(veld)
    bad = veld(*LOG, "--action", "Q", "--since", "11-18-2026", check=False, **ADMIN)
    assert bad.returncode == 2 and bad.stdout == ""
    assert "Action 'Q' does not exist" in bad.stderr and "write dd/mm/yyyy or yyyy-mm-dd" in bad.stderr
    dutch = veld(*LOG, "--event", "nonsense.event", check=False, VELD_LANG="nl", **ADMIN)
    assert dutch.returncode == 2 and "Gebeurtenis 'nonsense.event' bestaat niet" in dutch.stderr
    order = veld(*LOG, "--since", "2026-11-18", "--until", "2026-11-01", check=False, **ADMIN)
    assert order.returncode == 2 and "end date is before the start date" in order.stderr


def test_events_lists_every_name_in_the_chosen_language(veld):
    english = veld("audit", "events")
    assert "slot.book" in english.stdout and "Slot booked" in english.stdout
    dutch = veld("audit", "events", VELD_LANG="nl")
    assert "Tijdslot geboekt" in dutch.stdout
    both = json.loads(veld("audit", "events", "--json").stdout)
    assert both["audit.read"] == {"nl": "Auditlog gelezen", "en": "Audit log read"}


def test_audit_without_a_command_filters_as_log_does(veld):
    admin_demo(veld)
    rows = json.loads(
        veld("--profile", "demo", "audit", "--event", "profile.create", "--json", **ADMIN).stdout
    )
    assert [r["event_name"] for r in rows] == ["Profile created"]
    assert "audit log ok" in veld("--profile", "demo", "audit", "verify", **ADMIN).stdout
    mixed = veld(
        "--profile", "demo", "audit", "--client", "x", "verify", check=False, VELD_LANG="nl", **ADMIN
    )
    assert mixed.returncode == 2 and "Zet de filters achter 'log'" in mixed.stderr


def test_times_are_dutch_wall_clock_time_and_days_are_typed_either_way(veld):
    admin_demo(veld)  # VELD_NOW is 2026-11-18 11:06:40 UTC: 12:06:40 in the Netherlands
    english = veld(*LOG, "--event", "profile.create", **ADMIN).stdout
    assert "18/11/2026 12:06:40" in english and "11:06" not in english
    dutch = veld(*LOG, "--event", "profile.create", VELD_LANG="nl", **ADMIN).stdout
    assert "18-11-2026 12:06:40" in dutch
    rows = json.loads(veld(*LOG, "--event", "profile.create", "--json", **ADMIN).stdout)
    assert rows[0]["at_iso"] == "2026-11-18T11:06:40Z"  # --json stays UTC ISO, as stored
    iso = {
        r["seq"]
        for r in json.loads(veld(*LOG, "--since", "2026-11-18", "--limit", "5000", "--json", **ADMIN).stdout)
    }
    typed = veld(*LOG, "--since", "18-11-2026", "--until", "18-11-2026", "--limit", "5000", "--json", **ADMIN)
    day_first = {r["seq"] for r in json.loads(typed.stdout)}
    assert iso < day_first and len(day_first - iso) == 1  # the same day, plus the first read itself
