"""The mesh grows without a release: an eleventh node outside Twente (Zwolle) is founded by its admin
on a fresh profile, paired with Hengelo's node machine, known to Hengelo after one sync, and known to
a Hengelo nurse's laptop that only ever syncs with her own node machine (her admin introduced
Zwolle's). The nurse sees Zwolle's beds ranked by distance (PC4 centroids from open data) and sends a
referral there, which reaches Zwolle. Every step is a separate `veld` process; sync runs over the
real loopback server."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from test_cli_join import free_port, serving

from veldclient.reference import pc4

ISALA = "Isala Zwolle; 8025 AB; Dokter van Heesweg 2"
FOUND = ("node", "found", "--id", "zwolle", "--name", "Zwolle", "--postcodes", "8011-8017, 8021-8035")
NEW = (
    "--urgency", "U3", "--referrer-name", "Dr. Bos", "--referrer-role", "HUISARTS",
    "--desired-start", "2026-11-19", "--triage", "instability", "--capability", "ZUURSTOF",
)  # fmt: skip


def js(result) -> object:
    return json.loads(result.stdout)


def known(veld, profile: str) -> dict[str, dict]:
    return {n["id"]: n for n in js(veld("--profile", profile, "nodes", "--json"))}


def test_a_node_outside_twente_is_founded_known_after_one_sync_ranked_and_sent_a_referral(
    veld, tmp_path: Path
):
    # Zwolle's admin: a fresh profile for the new node, founded, its beds reported.
    veld("--profile", "zw", "init", "--node", "zwolle", "--role", "admin", "--no-keyring")
    founded = js(veld("--profile", "zw", *FOUND, "--location", ISALA, "--json"))
    assert founded["status"] == "founded" and founded["pc4_ranges"] == [[8011, 8017], [8021, 8035]]
    veld("--profile", "zw", "capacity", "set", "Isala", "ELV_HOOG", "--total", "6", "--free", "3",
         "--occupied", "3", "--capability", "ZUURSTOF")  # fmt: skip

    # Hengelo's node machine (admin) and Zwolle's pair each other; a nurse joins Hengelo.
    veld("--profile", "hub-h", "init", "--node", "hengelo", "--role", "admin", "--no-keyring")
    assert "zwolle" not in known(veld, "hub-h")
    for hub in ("zw", "hub-h"):
        veld("--profile", hub, "identity", "--export", str(tmp_path / f"{hub}.json"))
    veld("--profile", "hub-h", "peers", "add", str(tmp_path / "zw.json"), "--name", "zwolle")
    veld("--profile", "zw", "peers", "add", str(tmp_path / "hub-h.json"), "--name", "hengelo")
    port_z, port_h = free_port(), free_port()
    invitation = tmp_path / "uitnodiging.json"
    veld("--profile", "hub-h", "peers", "invite", "--role", "nurse", "--out", str(invitation),
         "--address", f"127.0.0.1:{port_h}")  # fmt: skip

    with serving(veld, "zw", port_z), serving(veld, "hub-h", port_h):
        veld("--profile", "hub-h", "sync", "zwolle", "--address", f"127.0.0.1:{port_z}")
        on_hub = known(veld, "hub-h")["zwolle"]
        assert (on_hub["name"], on_hub["status"], on_hub["source"]) == ("Zwolle", "founded", "founded")
        assert on_hub["founded_by"] == founded["founded_by"]

        veld("--profile", "lap", "join", str(invitation), "--user", "Ineke")
        veld("--profile", "lap", "sync", "hengelo")
        assert known(veld, "lap")["zwolle"]["status"] == "founded"
        beds = js(veld("--profile", "lap", "capacity", "--json", "--node", "zwolle"))
        assert [(b["node_id"], b["care_type"], b["free"]) for b in beds] == [("zwolle", "ELV_HOOG", 3)]

        client = js(veld("--profile", "lap", "client", "add", "--name", "Gerda Nijhuis", "--birth-date",
                         "1936-04-02", "--postcode", "7555 DL", "--json"))  # fmt: skip
        rid = js(veld("--profile", "lap", "request", "new", client["id"], *NEW, "--json"))["id"]
        found = js(veld("--profile", "lap", "request", "candidates", rid, "--json"))["candidates"]
        zwolle = next(c for c in found if c["node_id"] == "zwolle")
        km = round(pc4.distance_km("7555", "8025"), 1)
        assert 45 < km < 60  # Hengelo to Zwolle, from the shipped PC4 centroids
        distance = next(r for r in zwolle["reasons"] if r["code"] == "distance")
        assert f"{km:.1f}".replace(".", ",") in distance["nl"] or f"{km:.1f}" in distance["en"]
        nearer = [c for c in found if c["node_id"] == "hengelo" and c["reported"] and not c["full"]]
        assert all(c["score"] >= zwolle["score"] for c in nearer)

        sent = js(veld("--profile", "lap", "request", "send", rid, "zwolle", "--yes", "--json"))
        assert (sent["status"], sent["event"]["type"]) == ("SUBMITTED", "SENT")
        veld("--profile", "lap", "sync", "hengelo")
        veld("--profile", "hub-h", "sync", "zwolle")

    incoming = js(veld("--profile", "zw", "requests", "--incoming", "--json"))
    assert [r["request_id"] for r in incoming["incoming"]] == [rid]
    assert "Gerda" not in json.dumps(incoming)


def test_founding_is_for_an_admin_with_valid_input_and_refuses_a_duplicate(veld):
    veld("--profile", "n", "init", "--node", "hengelo", "--role", "nurse", "--no-keyring")
    nurse = veld("--profile", "n", *FOUND, "--location", ISALA, check=False)
    assert nurse.returncode == 2 and "may not" in nurse.stderr
    refused = veld("--profile", "new", "init", "--node", "zwolle", "--role", "nurse", check=False)
    assert refused.returncode == 2 and "Unknown node 'zwolle'" in refused.stderr
    assert "veld init --node ID --role admin" in refused.stderr

    veld("--profile", "zw", "init", "--node", "zwolle", "--role", "admin", "--no-keyring")
    for lang, says in (("en", "Node id 'Zwolle!' is invalid"), ("nl", "Knooppuntcode 'Zwolle!' is ongeldig")):
        bad = veld("--profile", "zw", "node", "found", "--id", "Zwolle!", "--name", "Zwolle", "--postcodes",
                   "8011", "--location", ISALA, check=False, VELD_LANG=lang)  # fmt: skip
        assert bad.returncode == 2 and says in bad.stderr and bad.stderr.count("\n") == 1
    bad_codes = veld("--profile", "zw", "node", "found", "--id", "zwolle", "--name", "Zwolle", "--postcodes",
                     "80111", "--location", "Isala; 0000 AA; Weg 1", check=False, VELD_LANG="nl")  # fmt: skip
    assert bad_codes.returncode == 2 and "postcodegebied" in bad_codes.stderr and "Isala" in bad_codes.stderr
    assert "zwolle" not in known(veld, "zw")  # nothing half written

    veld("--profile", "zw", *FOUND, "--location", ISALA)
    again = veld("--profile", "zw", *FOUND, "--location", ISALA, check=False)
    assert again.returncode == 2 and "Node 'zwolle' already exists" in again.stderr
    twente = veld("--profile", "zw", "node", "found", "--id", "almelo", "--name", "Almelo", "--postcodes",
                  "7601", "--location", ISALA, check=False, VELD_LANG="nl")  # fmt: skip
    assert twente.returncode == 2 and "Knooppunt 'almelo' bestaat al" in twente.stderr


@pytest.mark.parametrize("lang", ["en", "nl"])
def test_a_retired_node_is_listed_as_retired_and_no_referral_target(veld, lang):
    veld("--profile", "zw", "init", "--node", "zwolle", "--role", "admin", "--no-keyring")
    veld("--profile", "zw", *FOUND, "--location", ISALA)
    unconfirmed = veld("--profile", "zw", "node", "retire", "zwolle", check=False, VELD_LANG=lang)
    assert unconfirmed.returncode != 0 and known(veld, "zw")["zwolle"]["status"] == "founded"
    other = veld("--profile", "zw", "node", "retire", "almelo", "--yes", check=False, VELD_LANG=lang)
    assert other.returncode == 2 and ("almelo" in other.stderr or "Almelo" in other.stderr)
    out = veld("--profile", "zw", "node", "retire", "zwolle", "--yes", VELD_LANG=lang)
    assert ("opgeheven" if lang == "nl" else "retired") in out.stdout
    assert known(veld, "zw")["zwolle"]["status"] == "retired"
    again = veld("--profile", "zw", "node", "retire", "zwolle", "--yes", check=False, VELD_LANG=lang)
    assert again.returncode == 2
    listed = veld("--profile", "zw", "nodes", VELD_LANG=lang).stdout
    assert ("opgeheven" if lang == "nl" else "retired") in next(
        x for x in listed.splitlines() if "zwolle" in x
    )
