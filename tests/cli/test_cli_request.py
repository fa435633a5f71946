"""`veld request …` and `veld requests --incoming` as subprocesses: each step with --json, refusals
in Dutch and English with exit 2 and nothing written, confirmation for send and accept, and a request
that travels between two profiles (Hengelo and Almelo) by USB bundle from filing to admission."""

from __future__ import annotations

import json

from synchelpers import pair_peers
from testenv import PASSPHRASE

from veldclient.services import clients, demo
from veldclient.services.session import open_session

NEW = (
    "--urgency", "U3", "--referrer-name", "Dr. Bos", "--referrer-role", "HUISARTS",
    "--desired-start", "2026-11-19", "--triage", "instability", "--capability", "ZUURSTOF",
)  # fmt: skip


def two_nodes(veld) -> str:
    """A nurse in Hengelo and one in Almelo, paired, with every node's beds; Hengelo's client id."""
    veld("--profile", "h", "init", "--node", "hengelo", "--role", "nurse", "--no-keyring")
    veld("--profile", "a", "init", "--node", "almelo", "--role", "nurse", "--no-keyring")
    h, a = open_session("h", passphrase=PASSPHRASE), open_session("a", passphrase=PASSPHRASE)
    try:
        pair_peers(h, a)
        for s in (h, a):
            demo.load_nodes(s)
        client = clients.register_client(
            h, {"name": "Gerda Nijhuis", "birth_date": "1936-04-02", "postcode": "7555 DL"}
        )
        return client.id
    finally:
        h.close()
        a.close()


def js(result) -> dict:
    return json.loads(result.stdout)


def carry(veld, tmp_path, src: str, dst: str) -> None:
    """One USB stick from ``src`` to ``dst``."""
    stick = tmp_path / f"stick-{src}-{dst}"
    out = js(veld("--profile", src, "bundle", "export", "--to", dst, "--out", str(stick), "--json"))
    veld("--profile", dst, "bundle", "import", out["file"])


def audit_events(veld, profile: str) -> list[str]:
    return [e["event"] for e in js(veld("--profile", profile, "audit", "log", "--json", "--limit", "200"))]


def test_a_request_from_filing_to_admission_between_two_profiles(veld, tmp_path):
    client_id = two_nodes(veld)
    filed = js(veld("--profile", "h", "request", "new", client_id, *NEW, "--json"))
    rid = filed["id"]
    assert filed["care_type"] == "ELV_HOOG" and filed["status"] == "DRAFT"
    shown = js(veld("--profile", "h", "request", "show", rid[:8], "--json"))
    assert shown["client_name"] == "Gerda Nijhuis"

    sent = js(veld("--profile", "h", "request", "send", rid, "almelo", "--yes", "--json"))
    assert (sent["status"], sent["event"]["type"]) == ("SUBMITTED", "SENT")
    carry(veld, tmp_path, "h", "a")

    incoming = js(veld("--profile", "a", "requests", "--incoming", "--json"))
    assert [r["request_id"] for r in incoming["incoming"]] == [rid]
    assert "Gerda" not in json.dumps(incoming)
    seen = js(veld("--profile", "a", "request", "show", rid, "--json"))
    assert seen["client_name"] is None, "another node sees no name"
    [beds] = js(veld("--profile", "a", "capacity", "--json", "--node", "almelo", "--care-type", "ELV_HOOG"))
    location_id = beds["location_id"]
    assert (beds["reserved"], beds["available"]) == (0, beds["free"])
    offered = js(veld("--profile", "a", "request", "offer", rid, location_id, "--json"))
    offer_id = offered["event"]["id"]
    carry(veld, tmp_path, "a", "h")

    accepted = js(veld("--profile", "h", "request", "accept", rid, offer_id, "--yes", "--json"))
    assert accepted["status"] == "ACCEPTED"
    carry(veld, tmp_path, "h", "a")
    [held] = js(veld("--profile", "a", "capacity", "--json", "--node", "almelo", "--care-type", "ELV_HOOG"))
    assert (held["free"], held["reserved"], held["available"]) == (beds["free"], 1, beds["free"] - 1)
    admitted = js(veld("--profile", "a", "request", "admit", rid, "--json"))
    assert admitted["status"] == "ADMITTED"
    moon = veld("--profile", "a", "request", "discharge", rid, "moon", check=False, VELD_LANG="nl")
    assert moon.returncode == 2 and "Onbekende ontslagbestemming 'moon'" in moon.stderr
    discharged = js(veld("--profile", "a", "request", "discharge", rid, "home", "--json"))
    assert discharged["status"] == "DISCHARGED"
    assert {"placement.send", "placement.accept", "placement.create"} <= set(audit_events(veld, "h"))
    assert {"placement.offer", "placement.admit", "placement.discharge"} <= set(audit_events(veld, "a"))


def test_send_and_accept_ask_to_confirm_and_refusals_are_bilingual(veld):
    client_id = two_nodes(veld)
    rid = js(veld("--profile", "h", "request", "new", client_id, *NEW, "--json"))["id"]
    unconfirmed = veld("--profile", "h", "request", "send", rid, "almelo", check=False, VELD_LANG="nl")
    assert unconfirmed.returncode == 2 and "Bevestig met --yes" in unconfirmed.stderr
    assert js(veld("--profile", "h", "request", "show", rid, "--json"))["sent_to"] == []
    english = veld("--profile", "h", "request", "send", rid, "almelo", check=False)
    assert english.returncode == 2 and "Confirm with --yes" in english.stderr

    own = veld("--profile", "h", "request", "send", rid, "hengelo", "--yes", check=False, VELD_LANG="nl")
    assert (own.returncode, own.stderr.count("\n")) == (2, 1) and "eigen knooppunt" in own.stderr
    own_en = veld("--profile", "h", "request", "send", rid, "hengelo", "--yes", check=False)
    assert "your own node" in own_en.stderr
    nowhere = veld("--profile", "h", "request", "accept", "zzzz", "x", "--yes", check=False)
    assert nowhere.returncode == 2 and "'zzzz'" in nowhere.stderr
    bad = veld("--profile", "h", "request", "new", client_id, *NEW[:-4], "--urgency", "U9", check=False,
               VELD_LANG="nl")  # fmt: skip
    assert bad.returncode == 2 and "veld:" in bad.stderr
    not_theirs = veld("--profile", "h", "request", "admit", rid, check=False, VELD_LANG="nl")
    assert not_theirs.returncode == 2 and "knooppunt" in not_theirs.stderr
    gone = veld("--profile", "h", "request", "discharge", rid, "home", check=False)
    assert gone.returncode == 2 and "Only a node the request was sent to" in gone.stderr
    without = veld("--profile", "h", "requests", check=False, VELD_LANG="nl")
    assert without.returncode == 2 and "--incoming" in without.stderr


def test_withdraw_and_decline_from_the_command_line(veld, tmp_path):
    client_id = two_nodes(veld)
    rid = js(veld("--profile", "h", "request", "new", client_id, *NEW, "--json"))["id"]
    veld("--profile", "h", "request", "send", rid, "almelo", "--yes")
    carry(veld, tmp_path, "h", "a")
    declined = js(veld("--profile", "a", "request", "decline", rid, "--reason", "geen plek", "--json"))
    assert declined["event"]["type"] == "DECLINED" and declined["event"]["data"]["reason"] == "geen plek"
    twice = veld("--profile", "a", "request", "decline", rid, check=False)
    assert twice.returncode == 2 and "already declined" in twice.stderr
    carry(veld, tmp_path, "a", "h")
    text = veld("--profile", "h", "request", "withdraw", rid, "--reason", "familie zorgt", VELD_LANG="nl")
    assert text.stdout.startswith("Aanvraag ingetrokken")
    again = veld("--profile", "h", "request", "withdraw", rid, check=False, VELD_LANG="nl")
    assert again.returncode == 2 and again.stderr.startswith("veld: ")


def test_candidates_are_listed_by_score_best_first_with_reasons_that_add_up(veld):
    client_id = two_nodes(veld)
    rid = js(veld("--profile", "h", "request", "new", client_id, *NEW, "--json"))["id"]
    [own] = js(veld("--profile", "h", "capacity", "--json", "--node", "hengelo", "--care-type", "ELV_HOOG"))
    total = str(own["beds_total"])
    every_bed_taken = ("--total", total, "--free", "0", "--occupied", total, "--closed", "0")
    veld("--profile", "h", "capacity", "set", own["location_id"], "ELV_HOOG", *every_bed_taken,
         "--cleaning", "0", "--isolation", "0", "--json")  # fmt: skip

    out = js(veld("--profile", "h", "request", "candidates", rid[:8], "--json"))
    assert out["request_id"] == rid
    found = out["candidates"]
    scores = [c["score"] for c in found]
    assert len(found) >= 3 and scores == sorted(scores, reverse=True)
    assert all(isinstance(s, int) and 0 <= s <= 100 for s in scores)
    for c in found:
        assert sum(r["points"] or 0 for r in c["reasons"]) == c["score"]
        assert all(set(r) == {"code", "nl", "en", "points"} for r in c["reasons"])
    full = next(c for c in found if c["location_id"] == own["location_id"])
    assert full["full"] and full["score"] == 0 and full["reasons"][0]["code"] == "full"
    assert all(c["score"] > 0 for c in found if not c["full"] and c["reported"])
    assert found.index(full) > max(n for n, c in enumerate(found) if not c["full"] and c["reported"])

    text = veld("--profile", "h", "request", "candidates", rid, VELD_LANG="nl").stdout.splitlines()
    ranks = [line for line in text if line.split()[0].endswith(".")]
    assert [int(line.split()[1]) for line in ranks] == scores
    assert "VOL: geen vrije bedden, dus score 0" in "\n".join(text)
    assert any(line.strip().startswith("+") and line.strip().endswith(" km") for line in text)


def test_show_reads_every_offered_request_of_the_demo(veld):
    """The demo's offers name no care type (an offer is for the request's own): show still reads them."""
    veld.demo(VELD_PASSPHRASE="demo")
    cases = js(veld("--profile", "demo", "cases", "--json", VELD_PASSPHRASE="demo"))["cases"]
    offered = [r["request_id"] for c in cases for r in c["requests"] if r["status"] == "OFFERED"]
    assert offered
    for rid in offered:
        shown = veld("--profile", "demo", "request", "show", rid, VELD_PASSPHRASE="demo").stdout
        assert "Place offered" in shown.splitlines()[0]
        assert shown.splitlines()[1].rstrip().endswith("open"), shown
