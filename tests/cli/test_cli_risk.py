"""`veld risk [--json]` against the demo profile, as a script or a nurse at a terminal runs it."""

from __future__ import annotations

import json

KINDS = {"carer", "placement", "visits"}


def risk(veld, *args: str, **env: str) -> dict:
    out = veld("--profile", "demo", "risk", "--json", *args, VELD_PASSPHRASE="demo", **env).stdout
    return json.loads(out)


def test_the_nurse_gets_every_kind_of_reason_in_words_in_both_languages(veld):
    veld.demo(VELD_PASSPHRASE="demo")
    out = risk(veld)
    assert (out["node_id"], out["role"]) == ("enschede-centrum", "nurse")
    reasons = [r for c in out["clients"] for r in c["reasons"]]
    assert {r["kind"] for r in reasons} == KINDS, "the demo shows each sign"
    assert all(c["name"] for c in out["clients"]), "the nurse sees her clients' names"
    for r in reasons:
        assert r["nl"] != r["en"] and r["nl"] and r["en"]
    placement = next(r for r in reasons if r["kind"] == "placement")
    assert "nog geen aanbod" in placement["nl"] and "no offer yet" in placement["en"]
    assert placement["due_at"] is not None
    visits = next(r for r in reasons if r["kind"] == "visits")
    assert "op rij als verslechterd gemarkeerd" in visits["nl"]
    carer = [r for r in reasons if r["kind"] == "carer"]
    assert any("EDIZ" in r["nl"] for r in carer), "the nurse reads the burden score"
    counts = [len(c["reasons"]) for c in out["clients"]]
    assert counts == sorted(counts, reverse=True), "more reasons first"


def test_the_coordinator_sees_no_clinical_reason_and_no_score(veld):
    veld.demo("--role", "coordinator", VELD_PASSPHRASE="demo")
    out = risk(veld)
    assert out["role"] == "coordinator" and out["clients"]
    kinds = {r["kind"] for c in out["clients"] for r in c["reasons"]}
    assert kinds == {"carer", "placement"}, "the visits are the nurse's clinical observation"
    text = json.dumps(out)
    assert "EDIZ" not in text, "a coordinator sees the burden category, never the score"


def test_the_admin_is_refused_with_one_line_and_it_is_audited(veld):
    veld.demo("--role", "admin", VELD_PASSPHRASE="demo")
    refused = veld("--profile", "demo", "risk", check=False, VELD_PASSPHRASE="demo")
    assert refused.returncode != 0 and refused.stdout == ""
    assert len(refused.stderr.strip().splitlines()) == 1 and "may not" in refused.stderr
    log = veld("--profile", "demo", "audit", "log", "--event", "risk.list", "--json", VELD_PASSPHRASE="demo")
    entries = json.loads(log.stdout)
    assert entries and entries[0]["outcome"] == "denied"


def test_the_text_output_speaks_one_language_and_each_read_is_audited(veld):
    veld.demo(VELD_PASSPHRASE="demo")
    nl = veld("--profile", "demo", "risk", VELD_PASSPHRASE="demo", VELD_LANG="nl").stdout
    assert "geen respijt geregeld" in nl and "nog geen aanbod" in nl and "verslechterd" in nl
    assert "no respite" not in nl and "no offer" not in nl
    en = veld("--profile", "demo", "risk", VELD_PASSPHRASE="demo").stdout
    assert "no respite arranged" in en and "no offer yet" in en and "worsened" in en
    assert "geen respijt" not in en
    log = veld("--profile", "demo", "audit", "log", "--event", "risk.list", "--json", VELD_PASSPHRASE="demo")
    entries = json.loads(log.stdout)
    assert len(entries) == 2 and {e["outcome"] for e in entries} == {"ok"}
