"""`veld bundle export|import` as subprocesses: the round trip, JSON, Dutch errors, exit codes."""

from __future__ import annotations

import json

from synchelpers import pair_peers
from testenv import PASSPHRASE

from veldclient.services import clients
from veldclient.services.session import open_session


def two_laptops(veld, node_a: str = "hengelo", node_b: str = "hengelo") -> None:
    veld("--profile", "a", "init", "--node", node_a, "--role", "nurse", "--no-keyring")
    veld("--profile", "b", "init", "--node", node_b, "--role", "nurse", "--no-keyring")
    a, b = open_session("a", passphrase=PASSPHRASE), open_session("b", passphrase=PASSPHRASE)
    try:
        pair_peers(a, b)
        clients.register_client(
            a, {"name": "Gerda Nijhuis", "birth_date": "1936-04-02", "postcode": "7555 DL"}
        )
    finally:
        a.close()
        b.close()


def docs(veld, profile: str) -> dict[str, list[str]]:
    return {d["doc_id"]: d["heads"] for d in json.loads(veld("--profile", profile, "docs", "--json").stdout)}


def test_export_import_round_trip_with_acknowledgement(veld, tmp_path):
    two_laptops(veld)
    stick = tmp_path / "stick"
    out = json.loads(
        veld("--profile", "a", "bundle", "export", "--to", "b", "--out", str(stick), "--json").stdout
    )
    assert out["seq"] == 1 and out["documents"] == 2 and out["full"] == 2 and out["recipients"] == ["b"]
    text = veld("--profile", "b", "bundle", "import", out["file"], "--ack-out", str(stick)).stdout
    assert "from a (hengelo), sequence 1" in text and "cases 1" in text and "acknowledgement:" in text
    assert {k: v for k, v in docs(veld, "b").items() if k.startswith("case:")} == {
        k: v for k, v in docs(veld, "a").items() if k.startswith("case:")
    }
    # the stick now holds a's export and b's acknowledgement: importing the folder on a takes the ack
    back = json.loads(veld("--profile", "a", "bundle", "import", str(stick), "--json").stdout)
    assert [r["kind"] for r in back["imported"]] == ["ack"]
    assert {i["reason"] for i in back["ignored"]} == {"own"}
    again = json.loads(
        veld("--profile", "a", "bundle", "export", "--to", "b", "--out", str(stick), "--json").stdout
    )
    assert again["documents"] == 0, "b acknowledged everything"
    status = veld("--profile", "b", "audit", "log", "--json").stdout
    assert "bundle.import" in status


def test_errors_are_one_dutch_line_with_exit_code_2(veld, tmp_path):
    two_laptops(veld, "hengelo", "almelo")
    bad = veld(
        "--profile",
        "a",
        "bundle",
        "export",
        "--to",
        "oldenzaal",
        "--out",
        str(tmp_path),
        check=False,
        VELD_LANG="nl",
    )
    assert bad.returncode == 2 and bad.stderr.count("\n") == 1
    assert bad.stderr.startswith("veld: 'oldenzaal' is geen knooppunt")
    junk = tmp_path / "foto.jpg"
    junk.write_bytes(b"\xff\xd8\xff\xe0 not a bundle")
    refused = veld("--profile", "b", "bundle", "import", str(junk), check=False, VELD_LANG="nl")
    assert refused.returncode == 2 and refused.stderr == "veld: Dit is geen veld-bundel.\n"
    english = veld("--profile", "b", "bundle", "import", str(junk), check=False)
    assert english.stderr == "veld: This is not a veld bundle.\n"


def test_a_bundle_for_another_node_is_refused_and_quarantined(veld, tmp_path):
    two_laptops(veld, "hengelo", "almelo")
    veld("--profile", "c", "init", "--node", "borne", "--role", "nurse", "--no-keyring")
    a, c = open_session("a", passphrase=PASSPHRASE), open_session("c", passphrase=PASSPHRASE)
    try:
        pair_peers(a, c)
    finally:
        a.close()
        c.close()
    out = json.loads(
        veld("--profile", "a", "bundle", "export", "--to", "almelo", "--out", str(tmp_path), "--json").stdout
    )
    before = docs(veld, "c")
    result = veld("--profile", "c", "bundle", "import", out["file"], check=False)
    assert result.returncode == 2 and result.stderr.count("\n") == 1
    assert "addressed to almelo, not to borne" in result.stderr and "Copy quarantined:" in result.stderr
    assert docs(veld, "c") == before


def _send_referral(profile: str, name: str, to_node: str) -> str:
    """File a placement request for a new client on ``profile`` and send it (as the app does)."""
    from synchelpers import referral

    from veldclient.services import placement_flow

    session = open_session(profile, passphrase=PASSPHRASE)
    try:
        _, request = referral(session, name)
        placement_flow.send(session, request.id, to_node)
    finally:
        session.close()
    return f"placement:{request.id}"


def test_a_second_referral_arrives_in_one_bundle(veld, tmp_path):
    """enschede-centrum referred once to hengelo (imported, acknowledged); the second referral and
    the listing that releases it travel in one bundle, and hengelo's import takes both."""
    two_laptops(veld, "enschede-centrum", "hengelo")
    first = _send_referral("a", "Gerda [test] Nijhuis", "hengelo")
    stick = tmp_path / "stick"
    out = json.loads(
        veld("--profile", "a", "bundle", "export", "--to", "hengelo", "--out", str(stick), "--json").stdout
    )
    veld("--profile", "b", "bundle", "import", out["file"], "--ack-out", str(stick))
    veld("--profile", "a", "bundle", "import", str(stick))  # the acknowledgement: deltas from now on
    assert first in docs(veld, "b")

    second = _send_referral("a", "Bert [test] Oude Luttikhuis", "hengelo")
    out = json.loads(
        veld(
            "--profile", "a", "bundle", "export", "--to", "hengelo", "--out", str(tmp_path / "2"), "--json"
        ).stdout
    )
    assert out["delta"] >= 1, "the share listing goes as a delta"
    result = veld("--profile", "b", "bundle", "import", out["file"], check=False)
    assert result.returncode == 0 and result.stderr == ""
    assert "0 refused" in result.stdout and "refused:" not in result.stdout
    assert "placement requests 1" in result.stdout
    assert docs(veld, "b")[second] == docs(veld, "a")[second]
