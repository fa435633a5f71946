"""Possible duplicate clients on the command line: the warning before `veld client add` saves, and
two laptops of one node that each registered the same person, carried by bundle: both list the pair
in `veld conflicts`, one merges with `veld resolve --merge-into`, the other sees it settled."""

from __future__ import annotations

import json

from synchelpers import pair_peers
from testenv import PASSPHRASE

from veldclient.services.session import open_session

TRUUS = ("--name", "Truus Oude Egberink", "--birth-date", "05-04-1938", "--postcode", "7511 JK")


def laptops(veld) -> None:
    for name in ("a", "b"):
        veld("--profile", name, "init", "--node", "enschede-centrum", "--role", "nurse", "--no-keyring")
    a, b = open_session("a", passphrase=PASSPHRASE), open_session("b", passphrase=PASSPHRASE)
    try:
        pair_peers(a, b)
    finally:
        a.close()
        b.close()


def carry(veld, tmp_path, source: str, target: str) -> str:
    out = json.loads(
        veld("--profile", source, "bundle", "export", "--to", target, "--out", str(tmp_path), "--json").stdout
    )
    return veld("--profile", target, "bundle", "import", out["file"]).stdout


def active(veld, profile: str) -> dict[str, int]:
    session = open_session(profile, passphrase=PASSPHRASE)
    try:
        return dict(session.db.execute("SELECT id, archived FROM clients").fetchall())
    finally:
        session.close()


def test_add_names_the_possible_duplicate_and_saves_only_when_told(veld):
    laptops(veld)
    first = json.loads(veld("--profile", "a", "client", "add", *TRUUS, "--bsn", "111222333", "--json").stdout)
    for lang, words in (("nl", "Mogelijk dubbel met Truus Oude Egberink"), ("en", "Possible duplicate of")):
        refused = veld(
            "--profile", "a", "client", "add", "--name", "T. Egberink", "--birth-date", "1938-04-05",
            "--postcode", "7511JK", "--bsn", "111.222.333", check=False, VELD_LANG=lang,
        )  # fmt: skip
        assert refused.returncode == 2 and refused.stdout == "", refused.stderr
        assert words in refused.stderr and first["id"][:8] in refused.stderr
        assert ("--yes" in refused.stderr) and (
            "zelfde BSN" if lang == "nl" else "same BSN"
        ) in refused.stderr
    assert len(active(veld, "a")) == 1, "a refused add writes nothing"
    saved = json.loads(veld("--profile", "a", "client", "add", *TRUUS, "--yes", "--json").stdout)
    assert saved["possible_duplicates"] == [first["id"]]
    other = json.loads(
        veld("--profile", "a", "client", "add", *TRUUS[:4], "--postcode", "7512 AB", "--json").stdout
    )
    assert other["possible_duplicates"] == []  # another postcode, no BSN to compare: two people


def test_two_laptops_see_the_pair_after_a_bundle_and_a_merge_on_one_settles_it_on_both(veld, tmp_path):
    laptops(veld)
    on_a = json.loads(veld("--profile", "a", "client", "add", *TRUUS, "--json").stdout)["id"]
    on_b = json.loads(
        veld("--profile", "b", "client", "add", *TRUUS[:2], "--address", "Oldenzaalsestraat 12", "--json",
             *TRUUS[2:]).stdout
    )["id"]  # fmt: skip
    assert json.loads(veld("--profile", "a", "conflicts", "--json").stdout) == []
    assert "1 new conflict;" in carry(veld, tmp_path / "1", "b", "a")  # the import counts the pair
    carry(veld, tmp_path / "2", "a", "b")
    [pair_a] = json.loads(veld("--profile", "a", "conflicts", "--json").stdout)
    [pair_b] = json.loads(veld("--profile", "b", "conflicts", "--json").stdout)
    assert pair_a["id"] == pair_b["id"] and pair_a["kind"] == "client.duplicate"
    assert {s["event_id"] for s in pair_a["sides"]} == {on_a, on_b}

    text = veld("--profile", "a", "conflicts", VELD_LANG="nl").stdout
    assert "Mogelijk dubbele cliënt: Truus Oude Egberink (zelfde naam, geboortedatum en postcode)" in text
    assert "verschilt in: adres" in text and f"veld resolve {pair_a['id']} --merge-into" in text
    assert "differs in: address" in veld("--profile", "a", "conflicts").stdout

    vague = veld("--profile", "a", "resolve", pair_a["id"], check=False)
    assert vague.returncode == 2 and "--merge-into CLIENT_ID or --keep-both" in vague.stderr
    both = veld("--profile", "a", "resolve", pair_a["id"], "--keep-both", "--merge-into", on_a, check=False)
    assert both.returncode == 2 and "Choose one decision" in both.stderr
    stranger = veld("--profile", "a", "resolve", pair_a["id"], "--merge-into", "0" * 32, check=False,
                    VELD_LANG="nl")  # fmt: skip
    assert stranger.returncode == 2 and "Kies een van de twee cliënten" in stranger.stderr
    # the record with the address stays; a unique start of ids is enough, as the lists show them
    veld("--profile", "a", "resolve", pair_a["id"][:8], "--merge-into", on_b[:8])
    assert active(veld, "a") == {on_a: 1, on_b: 0}
    assert json.loads(veld("--profile", "a", "conflicts", "--json").stdout) == []
    log = veld("--profile", "a", "audit", "log", "--event", "client.merge", "--json").stdout
    assert {e["client_id"] for e in json.loads(log)} == {on_a, on_b}

    carry(veld, tmp_path / "3", "a", "b")
    assert json.loads(veld("--profile", "b", "conflicts", "--json").stdout) == []
    assert active(veld, "b") == {on_a: 1, on_b: 0}


def test_keep_both_on_the_command_line(veld):
    laptops(veld)
    veld("--profile", "a", "client", "add", *TRUUS)
    veld("--profile", "a", "client", "add", *TRUUS, "--yes")
    [pair] = json.loads(veld("--profile", "a", "conflicts", "--json").stdout)
    assert veld("--profile", "a", "resolve", pair["id"], "--keep-both").stdout == f"{pair['id']}: resolved\n"
    assert sorted(active(veld, "a").values()) == [0, 0]
    assert json.loads(veld("--profile", "a", "conflicts", "--json").stdout) == []
