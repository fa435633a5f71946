"""`veld demo --no-tui` prepares a ready profile and says where it is. Run again, it keeps the demo
profile as it is (a nurse's work in it included); only `--reset` rebuilds it, after saying what it
removes."""

from __future__ import annotations

import json
import subprocess
import sys

# A nurse registers a client in the demo profile: another process, through the service, as the app does.
ADD_CLIENT = """
from veldclient.services import clients
from veldclient.services.session import open_session

session = open_session("demo", passphrase="demo")
try:
    made = clients.register_client(
        session, {"name": "Gerda Nijhuis", "birth_date": "1936-04-02", "postcode": "7511 JM"}
    )
    print(made.id)
finally:
    session.close()
"""


def demo_status(veld) -> dict:
    return json.loads(veld("--profile", "demo", "status", "--json", VELD_PASSPHRASE="demo").stdout)


def demo_docs(veld) -> list[str]:
    listing = json.loads(veld("--profile", "demo", "docs", "--json", VELD_PASSPHRASE="demo").stdout)
    return [d["doc_id"] for d in listing]


def add_client(veld) -> str:
    done = subprocess.run(
        [sys.executable, "-c", ADD_CLIENT],
        capture_output=True,
        text=True,
        env={**veld.env, "VELD_PASSPHRASE": "demo"},
        timeout=120,
        check=True,
    )
    return done.stdout.strip()


def test_demo_builds_and_reports_where(veld):
    out = veld("demo", "--no-tui", VELD_PASSPHRASE="demo").stdout
    assert "profiles" in out and "demo" in out
    status = demo_status(veld)
    counts = status["counts"]
    assert counts["clients"] == 200 and counts["volunteers"] == 150 and counts["nodes"] == 10
    assert counts["visits"] > 0 and counts["placements"] > 0 and counts["help_requests"] > 0
    assert status["audit_entries"] >= sum(
        counts[k] for k in ("clients", "volunteers", "mantelzorgers", "help_requests", "placements")
    )


def test_demo_again_keeps_the_profile_and_the_work_in_it(veld):
    veld("demo", "--no-tui", VELD_PASSPHRASE="demo")
    before = demo_status(veld)
    client_id = add_client(veld)

    again = veld("demo", "--no-tui", VELD_PASSPHRASE="demo")
    assert "kept" in again.stdout and "--reset" in again.stdout
    assert "building" not in again.stdout
    after = demo_status(veld)
    assert after["device_id"] == before["device_id"]
    assert after["counts"]["clients"] == 201
    assert f"case:{client_id}" in demo_docs(veld)

    dutch = veld("demo", "--no-tui", VELD_PASSPHRASE="demo", VELD_LANG="nl")
    assert "bewaard" in dutch.stdout and demo_status(veld)["counts"]["clients"] == 201


def test_demo_reset_says_what_it_removes_then_rebuilds(veld):
    veld("demo", "--no-tui", VELD_PASSPHRASE="demo")
    before = demo_status(veld)
    add_client(veld)
    documents = len(demo_docs(veld))

    reset = veld("demo", "--no-tui", "--reset", VELD_PASSPHRASE="demo")
    removing = reset.stdout.split("building")[0]  # said before the new demo is made
    assert "'demo'" in removing and str(veld.home) in removing
    assert "201 clients" in removing and f"{documents} documents" in removing
    assert before["device_id_display"] in removing
    after = demo_status(veld)
    assert after["device_id"] != before["device_id"]
    assert after["counts"]["clients"] == 200


def test_demo_keeps_its_size_when_another_is_asked(veld):
    veld("demo", "--no-tui", VELD_PASSPHRASE="demo")
    asked = veld("demo", "--no-tui", "--size", "large", VELD_PASSPHRASE="demo")
    assert "small" in asked.stdout and "large" in asked.stdout and "--reset" in asked.stdout
    assert demo_status(veld)["counts"]["clients"] == 200


def test_demo_is_deterministic_across_a_reset(veld):
    veld("demo", "--no-tui", VELD_PASSPHRASE="demo")
    first = demo_docs(veld)
    veld("demo", "--no-tui", "--reset", VELD_PASSPHRASE="demo")
    assert demo_docs(veld) == first


def test_demo_rejects_unknown_node(veld):
    bad = veld("demo", "--no-tui", "--node", "zwolle", check=False)
    assert bad.returncode == 2 and "zwolle" in bad.stderr
