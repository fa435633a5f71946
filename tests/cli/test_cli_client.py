"""`veld client add|edit|archive|erase|visit` and `veld search` as subprocesses on the demo profile:
the same validation as the app (errors name the option, in Dutch and English, exit 2, nothing
written), the same audit entries, and an erasure that says what goes and asks first."""

from __future__ import annotations

import json

from veldclient.services.session import open_session

DEMO = {"VELD_PASSPHRASE": "demo"}
NEW = ("--name", "Truus Quaedvlieg", "--birth-date", "1930-03-03", "--postcode", "7511 JM")


def demo(veld):
    veld.demo(**DEMO)
    return lambda *args, **env: veld("--profile", "demo", *args, **{**DEMO, **env})


def audit(event: str) -> list[str]:
    session = open_session("demo", passphrase="demo")
    try:
        return [repr(e) for e in session.audit_log.entries(limit=1000) if e.event == event]
    finally:
        session.close()


def count(where: str, *args: object) -> int:
    session = open_session("demo", passphrase="demo")
    try:
        return int(session.db.execute(f"SELECT count(*) FROM clients WHERE {where}", args).fetchone()[0])
    finally:
        session.close()


def test_add_then_edit_with_errors_that_name_the_option_in_both_languages(veld):
    run = demo(veld)
    added = json.loads(run("client", "add", *NEW, "--json").stdout)
    assert added["postcode"] == "7511 JM" and added["name"] == "Truus Quaedvlieg"

    for lang, words in (("nl", "bestaande datum"), ("en", "real date")):
        bad = run(
            "client",
            "add",
            *NEW[:2],
            "--birth-date",
            "31-02-1930",
            "--postcode",
            "7511JM",
            check=False,
            VELD_LANG=lang,
        )
        assert bad.returncode == 2 and bad.stdout == ""
        assert bad.stderr.startswith("veld: --birth-date: ") and words in bad.stderr, bad.stderr
    assert count("name = ?", "Truus Quaedvlieg") == 1, "a refused add writes nothing"

    edited = json.loads(
        run("client", "edit", added["id"], "--address", "Hengelosestraat 12", "--json").stdout
    )
    assert edited["address"] == "Hengelosestraat 12" and edited["bsn"] is None
    assert (
        "Cliënt gewijzigd"
        in run("client", "edit", added["id"], "--postcode", "7511 JN", VELD_LANG="nl").stdout
    )
    for args, words in (
        ((added["id"],), "--address"),  # nothing to change
        ((added["id"], "--bsn", "123456789"), "--bsn: "),
        (("no-such-id", "--name", "X"), "no-such-id"),
    ):
        bad = run("client", "edit", *args, check=False)
        assert bad.returncode == 2 and len(bad.stderr.strip().splitlines()) == 1 and words in bad.stderr, (
            bad.stderr
        )
    assert count("postcode = '7511 JN' AND address = 'Hengelosestraat 12'") == 1
    assert any("address" in e for e in audit("client.update"))


def test_visit_with_a_note_and_a_bad_time_in_dutch(veld):
    run = demo(veld)
    client_id = json.loads(run("client", "add", *NEW, "--json").stdout)["id"]
    visit = json.loads(
        run(
            "client", "visit", client_id, "--at", "2026-11-18 09:30", "--note", "Wond schoon", "--json"
        ).stdout
    )
    assert visit["note"] == "Wond schoon" and visit["client_id"] == client_id and visit["status"] == "PLANNED"
    bad = run("client", "visit", client_id, "--at", "morgen", "--minutes", "0", check=False, VELD_LANG="nl")
    assert bad.returncode == 2 and "--at: Vul datum en tijd in" in bad.stderr and "--minutes: " in bad.stderr
    english = run("client", "visit", client_id, "--at", "tomorrow", check=False)
    assert english.returncode == 2 and "--at: Enter date and time" in english.stderr
    assert len(audit("visit.create")) == 1


def test_search_finds_what_the_nurse_may_see_and_audits_only_the_count(veld):
    run = demo(veld)
    client_id = json.loads(run("client", "add", *NEW, "--json").stdout)["id"]
    found = json.loads(run("search", "Quaedvlieg", "--json").stdout)["results"]
    assert [r["id"] for r in found] == [client_id]
    assert client_id in run("search", "truus quaed").stdout
    assert run("search", "Zzyzx").stdout.strip() == "No clients found."
    entries = audit("client.search")
    assert entries and all("Quaedvlieg" not in e and "truus" not in e for e in entries)
    assert any("'results': 1" in e or '"results": 1' in e for e in entries)

    archived = json.loads(run("client", "archive", client_id, "--json").stdout)
    assert archived == {"id": client_id, "archived": True}
    assert json.loads(run("search", "Quaedvlieg", "--json").stdout)["results"] == []


def test_erase_says_what_goes_asks_first_and_refuses_without_a_terminal(veld):
    run = demo(veld)
    client_id = json.loads(run("client", "add", *NEW, "--json").stdout)["id"]
    asked = run("client", "erase", client_id, check=False)
    assert asked.returncode == 2 and "--yes" in asked.stderr
    assert "Case: Truus Quaedvlieg" in asked.stdout and "Enschede-Centrum" in asked.stdout
    assert count("id = ?", client_id) == 1, "not confirmed: nothing erased"
    dutch = run("client", "erase", client_id, check=False, VELD_LANG="nl")
    assert (
        dutch.returncode == 2
        and "Dossier: Truus Quaedvlieg" in dutch.stdout
        and "Niets gewist" in dutch.stderr
    )

    erased = json.loads(run("client", "erase", client_id, "--yes", "--json").stdout)
    assert erased["erased"] == [f"case:{client_id}"] and erased["items"][0]["kind"] == "case"
    assert count("id = ?", client_id) == 0
    assert len(audit("client.erase")) == 1
    gone = run("client", "erase", client_id, "--yes", check=False)
    assert gone.returncode == 2 and client_id in gone.stderr


def test_a_birth_date_is_typed_day_first_or_iso_and_shown_day_first(veld):
    run = demo(veld)
    born = ("--name", "Aaltje Nijhuis", "--postcode", "7511 JM")
    added = json.loads(run("client", "add", *born, "--birth-date", "05-04-1938", "--json").stdout)
    assert added["birth_date"] == "1938-04-05"  # stored and --json stay ISO
    edited = json.loads(run("client", "edit", added["id"], "--birth-date", "1938-04-06", "--json").stdout)
    assert edited["birth_date"] == "1938-04-06"
    assert "06-04-1938" in run("search", "Nijhuis", VELD_LANG="nl").stdout
    assert "06/04/1938" in run("search", "Nijhuis").stdout
    bad = run("client", "edit", added["id"], "--birth-date", "04/31/1938", check=False)
    assert bad.returncode == 2 and "dd/mm/yyyy or yyyy-mm-dd" in bad.stderr
