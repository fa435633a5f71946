"""A browser tab's session (veld web, docs/web.md): unlocked only by its passphrase, audited from
start to end with the browser's address, read-mostly in the services, and its process environment
free of secrets."""

from __future__ import annotations

import pytest
from testenv import PASSPHRASE, make_session

from veldclient import keys
from veldclient import profile as profmod
from veldclient.errors import AccessDenied, UnlockError
from veldclient.reference import twente
from veldclient.services import capacity, erasure, fhir_export, nodes, peers, settings
from veldclient.services.session import open_session
from veldclient.services.web_session import END, START, end_web_session, open_web_session
from veldclient.web_server import child_environment, is_loopback


def _events(name: str) -> list[tuple[str, str, dict]]:
    session = open_session(name, passphrase=PASSPHRASE)
    try:
        return [(e.event, e.outcome, e.detail) for e in reversed(session.audit_log.entries(limit=50))]
    finally:
        session.close()


def test_a_wrong_passphrase_opens_nothing_and_the_right_one_is_audited_from_start_to_end():
    make_session("coord", role="coordinator").close()
    with pytest.raises(UnlockError, match="Wrong passphrase"):
        open_web_session("coord", "not the passphrase", "127.0.0.1")
    web = open_web_session("coord", PASSPHRASE, "192.0.2.7")
    assert (web.channel, web.peer) == ("web", "192.0.2.7")
    end_web_session(web)
    events = [(event, detail) for event, _outcome, detail in _events("coord") if event.startswith("web.")]
    assert events == [(START, {"peer": "192.0.2.7"}), (END, {"peer": "192.0.2.7"})]


def test_the_keyring_never_opens_a_browser_session(monkeypatch):
    make_session("coord", role="coordinator").close()
    prof = profmod.load("coord")
    monkeypatch.setattr(keys, "_keyring_fetch", lambda _id: pytest.fail("the keyring was asked"))
    with pytest.raises(UnlockError, match="Enter this profile's passphrase"):
        keys.begin_unlock(prof.dir, passphrase=None, keyring=False)
    assert keys.begin_unlock(prof.dir, passphrase=PASSPHRASE, keyring=False).finish()


def test_a_profile_without_a_passphrase_cannot_be_served(tmp_path):
    (tmp_path / "key.json").write_bytes(keys._serialise("0" * 32, True, None))  # the keyring's copy only
    with pytest.raises(UnlockError, match="has no passphrase"):
        keys.web_unlockable(tmp_path)


def test_a_browser_session_reads_but_is_refused_device_steps_and_each_refusal_is_audited(tmp_path):
    tmp_path = tmp_path / "out"
    tmp_path.mkdir()
    make_session("coord", role="coordinator").close()
    web = open_web_session("coord", PASSPHRASE, "127.0.0.1")
    try:
        settings.stale_after_ms(web)  # reading a setting is fine
        refused = [
            lambda: settings.set_stale_after_hours(web, 12),
            lambda: peers.export_identity(web, tmp_path / "id.json"),
            lambda: erasure.erase_client(web, "c-1"),
            lambda: fhir_export.export_capacity(web, tmp_path),
        ]
        for step in refused:
            with pytest.raises(AccessDenied, match="browser session"):
                step()
        assert list(tmp_path.iterdir()) == []  # nothing written outside the database
    finally:
        end_web_session(web)
    denied = [detail["step"] for event, outcome, detail in _events("coord") if event == "web.refused"]
    assert denied == [
        "settings.set_stale_after_hours",
        "peers.export_identity",
        "erasure.erase_client",
        "fhir_export.export_capacity",
    ]
    assert all(o == "denied" for e, o, _d in _events("coord") if e == "web.refused")


def test_an_admins_browser_session_cannot_found_or_retire_the_node():
    make_session("adm", role="admin").close()
    web = open_web_session("adm", PASSPHRASE, "127.0.0.1")
    try:
        with pytest.raises(AccessDenied, match="browser session"):
            nodes.retire_node(web, "enschede-centrum")
        with pytest.raises(AccessDenied, match="browser session"):
            nodes.found_node(web, node_id="zwolle", name="Zwolle", postcodes="8011", locations=[])
    finally:
        end_web_session(web)
    denied = [detail["step"] for event, _o, detail in _events("adm") if event == "web.refused"]
    assert denied == ["nodes.retire_node", "nodes.found_node"]


def test_a_browser_session_does_the_everyday_steps_its_role_may():
    make_session("coord", role="nurse").close()  # reporting beds is a nurse's step
    location = twente.locations_for("enschede-centrum")[0].id
    web = open_web_session("coord", PASSPHRASE, "127.0.0.1")
    try:
        capacity.update_capacity(
            web, location, "GRZ", {"beds_total": 3, "counts": {"FREE": 1, "OCCUPIED": 2}}
        )
    finally:
        end_web_session(web)
    events = [(e, o) for e, o, _d in _events("coord")]
    assert events[-2:] == [("capacity.update", "ok"), (END, "ok")]


def test_a_terminal_session_is_not_held_by_the_web_rules():
    session = make_session("coord", role="coordinator")
    try:
        settings.set_stale_after_hours(session, 12)
        assert settings.stale_after_ms(session) == 12 * 3_600_000
    finally:
        session.close()


def test_a_tabs_environment_holds_no_secret_and_names_the_browser():
    base = {
        "PATH": "/usr/bin",
        "HOME": "/home/c",
        "VELD_HOME": "/data",
        "VELD_LANG": "en",
        "LC_ALL": "C.UTF-8",
        "VELD_PASSPHRASE": "secret",
        "PYTHON_KEYRING_BACKEND": "x",
        "AWS_SECRET_ACCESS_KEY": "secret",
        "VELD_SYNC_PORT": "1",
    }
    env = child_environment(base, 100, 30, "192.0.2.7")
    assert "secret" not in env.values()
    assert not {"VELD_PASSPHRASE", "PYTHON_KEYRING_BACKEND", "VELD_SYNC_PORT"} & set(env)
    assert {k: env[k] for k in ("PATH", "HOME", "VELD_HOME", "VELD_LANG", "LC_ALL")} == {
        k: base[k] for k in ("PATH", "HOME", "VELD_HOME", "VELD_LANG", "LC_ALL")
    }
    assert (env["VELD_WEB_PEER"], env["COLUMNS"], env["ROWS"]) == ("192.0.2.7", "100", "30")
    assert env["TEXTUAL_DRIVER"] == "textual.drivers.web_driver:WebDriver"


@pytest.mark.parametrize(
    ("host", "loopback"),
    [
        ("127.0.0.1", True),
        ("127.1.2.3", True),
        ("localhost", True),
        ("::1", True),
        ("0.0.0.0", False),
        ("192.168.1.5", False),
        ("::", False),
        ("node.example", False),
    ],
)
def test_only_loopback_addresses_count_as_this_machine(host, loopback):
    assert is_loopback(host) is loopback
