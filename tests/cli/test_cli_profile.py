"""`veld init`, `status`, `docs`, `locate`, `doctor`, `audit` as subprocesses."""

from __future__ import annotations

import json
import sqlite3

from veldclient.identity import parse_device_id


def test_init_status_and_docs(veld):
    out = veld("init", "--node", "hengelo", "--role", "coordinator", "--user", "ans").stdout
    assert "hengelo" in out and "Device id:" in out
    status = json.loads(veld("status", "--json").stdout)
    assert status["node_id"] == "hengelo" and status["role"] == "coordinator" and status["user"] == "ans"
    assert parse_device_id(status["device_id_display"]) == status["device_id"]
    assert status["counts"]["nodes"] == 1 and status["counts"]["clients"] == 0
    assert status["quarantined"] == []
    docs = json.loads(veld("docs", "--json").stdout)
    assert [d["doc_id"] for d in docs] == ["node:hengelo"]
    assert len(docs[0]["heads"]) == 1 and len(docs[0]["heads"][0]) == 64


def test_status_text_groups_the_device_id(veld):
    veld("init", "--node", "borne", "--role", "nurse")
    out = veld("status").stdout
    line = next(line for line in out.splitlines() if line.startswith("Device id"))
    assert line.count("-") == 7


def test_unknown_node_and_bad_role_are_one_clear_line(veld):
    bad = veld("init", "--node", "amsterdam", "--role", "nurse", check=False)
    assert bad.returncode == 2
    assert bad.stderr.strip().count("\n") == 0 and "Unknown node 'amsterdam'" in bad.stderr
    assert not (veld.home / "profiles" / "default").exists()
    role = veld("init", "--node", "borne", "--role", "doctor", check=False)
    assert role.returncode == 2 and "doctor" in role.stderr


def test_init_twice_refuses_and_keeps_the_first(veld):
    veld("init", "--node", "borne", "--role", "nurse")
    first = json.loads(veld("status", "--json").stdout)["device_id"]
    again = veld("init", "--node", "almelo", "--role", "admin", check=False)
    assert again.returncode == 2 and "already exists" in again.stderr
    assert json.loads(veld("status", "--json").stdout)["device_id"] == first


def test_wrong_passphrase_is_one_line_and_touches_nothing(veld):
    veld("init", "--node", "borne", "--role", "nurse")
    profile = veld.home / "profiles" / "default"
    before = {p.name: p.read_bytes() for p in profile.iterdir() if p.is_file()}
    bad = veld("status", check=False, VELD_PASSPHRASE="not the passphrase")
    assert bad.returncode == 2
    assert bad.stderr.strip().splitlines() == ["veld: Wrong passphrase: the database was not opened."] or (
        len(bad.stderr.strip().splitlines()) == 1 and "passphrase" in bad.stderr.lower()
    )
    after = {p.name: p.read_bytes() for p in profile.iterdir() if p.is_file()}
    assert after == before


def test_missing_profile_does_not_create_a_database(veld):
    result = veld("status", check=False)
    assert result.returncode == 2 and "does not exist" in result.stderr
    assert not list(veld.home.rglob("*.db"))


def test_locate_honours_veld_home(veld):
    out = veld("--profile", "kantoor", "locate").stdout
    assert str(veld.home) in out and "kantoor" in out


def test_corrupt_document_is_quarantined_and_reported(veld, tmp_path):
    veld.demo(VELD_PASSPHRASE="demo")
    env = {"VELD_PASSPHRASE": "demo"}
    import os

    from veldclient.services.session import open_session

    os.environ["VELD_HOME"] = str(veld.home)
    session = open_session("demo", passphrase="demo")
    victim = session.db.execute(
        "SELECT doc_id FROM am_docs WHERE kind = 'case' ORDER BY doc_id LIMIT 1"
    ).fetchone()[0]
    data = session.db.execute("SELECT data FROM am_chunks WHERE doc_id = ?", [victim]).fetchone()[0]
    session.db.execute("UPDATE am_chunks SET data = ? WHERE doc_id = ?", [data[:-9] + b"garbage!!", victim])
    session.close()
    status = json.loads(veld("--profile", "demo", "status", "--json", **env).stdout)
    assert [q["doc_id"] for q in status["quarantined"]] == [victim]
    assert status["counts"]["clients"] == 200
    doctor = veld("--profile", "demo", "doctor", check=False, **env)
    assert doctor.returncode == 1 and victim in doctor.stdout
    # every other document still opens
    docs = json.loads(veld("--profile", "demo", "docs", "--json", **env).stdout)
    assert sum(d["quarantined"] for d in docs) == 1 and len(docs) > 400


def test_doctor_rebuild_keeps_tables_equal(veld):
    veld.demo(VELD_PASSPHRASE="demo")
    env = {"VELD_PASSPHRASE": "demo"}
    before = json.loads(veld("--profile", "demo", "status", "--json", **env).stdout)["counts"]
    out = veld("--profile", "demo", "doctor", "--rebuild", **env).stdout
    assert "projection rebuilt" in out and "audit chain: ok" in out
    assert json.loads(veld("--profile", "demo", "status", "--json", **env).stdout)["counts"] == before


def test_audit_verify_names_an_edited_entry(veld):
    veld.demo(VELD_PASSPHRASE="demo")
    env = {"VELD_PASSPHRASE": "demo"}
    assert "audit log ok" in veld("--profile", "demo", "audit", "verify", **env).stdout
    import os

    from veldclient.services.session import open_session

    os.environ["VELD_HOME"] = str(veld.home)
    session = open_session("demo", passphrase="demo")
    session.db.execute("UPDATE audit_log SET user_id = 'someone-else' WHERE seq = 42")
    session.close()
    bad = veld("--profile", "demo", "audit", "verify", check=False, **env)
    assert bad.returncode == 1 and "42" in bad.stderr


def test_audit_verify_names_a_deleted_entry(veld):
    veld.demo(VELD_PASSPHRASE="demo")
    env = {"VELD_PASSPHRASE": "demo"}
    import os

    from veldclient.services.session import open_session

    os.environ["VELD_HOME"] = str(veld.home)
    session = open_session("demo", passphrase="demo")
    session.db.execute("DELETE FROM audit_log WHERE seq = 17")
    session.close()
    bad = veld("--profile", "demo", "audit", "verify", check=False, **env)
    assert bad.returncode == 1 and "17" in bad.stderr


def test_database_is_not_plain_sqlite(veld):
    veld("init", "--node", "borne", "--role", "nurse")
    path = veld.home / "profiles" / "default" / "veld.db"
    conn = sqlite3.connect(path)
    try:
        import pytest

        with pytest.raises(sqlite3.DatabaseError):
            conn.execute("SELECT count(*) FROM sqlite_master").fetchone()
    finally:
        conn.close()


def test_doctor_finds_heads_and_rows_that_disagree_with_the_stored_changes(veld):
    """What a process writing from a stale copy leaves behind: heads or rows the stored changes do
    not make. The doctor names each such document and --rebuild derives them again."""
    from testenv import PASSPHRASE

    from veldclient.services import clients
    from veldclient.services.session import open_session

    veld("init", "--node", "hengelo", "--role", "nurse")
    session = open_session("default", passphrase=PASSPHRASE)
    try:
        first = clients.register_client(
            session, {"name": "Ans Oude", "birth_date": "1940-01-02", "postcode": "7555 DL"}
        )
        second = clients.register_client(
            session, {"name": "Bert Bos", "birth_date": "1941-03-04", "postcode": "7555 DL"}
        )
        with session.db.atomic():
            session.db.execute("UPDATE clients SET name = 'Someone Else' WHERE id = ?", [first.id])
            session.db.execute("UPDATE am_docs SET heads = '[]' WHERE doc_id = ?", [f"case:{second.id}"])
    finally:
        session.close()
    found = veld("doctor", check=False)
    assert found.returncode == 1
    assert f"case:{first.id}: projection differs from the document" in found.stdout
    assert f"case:{second.id}: stored heads differ from its stored changes" in found.stdout
    repaired = veld("doctor", "--rebuild")
    assert "documents that disagree with their stored changes: 0" in repaired.stdout
    assert veld("doctor").returncode == 0


def test_a_role_written_into_profile_json_is_refused(veld):
    """The role is what the device certificate says (signed), not what an editable file says."""
    veld("init", "--node", "hengelo", "--role", "coordinator")
    path = veld.home / "profiles" / "default" / "profile.json"
    data = json.loads(path.read_text())
    for field, value in (("role", "admin"), ("role", "nurse"), ("node_id", "almelo")):
        path.write_text(json.dumps({**data, field: value}))
        for args in (("status",), ("peers", "list"), ("cases",)):
            refused = veld(*args, check=False)
            assert refused.returncode == 2, (field, value, args)
            lines = refused.stderr.strip().splitlines()
            assert len(lines) == 1 and "disagrees with the signed device certificate" in lines[0], lines
            assert f"{field.split('_')[0]} '{value}'" in lines[0]
    path.write_text(json.dumps(data))
    assert json.loads(veld("status", "--json").stdout)["role"] == "coordinator"


def test_a_profile_typed_on_the_line_wins_over_veld_profile(veld):
    veld("init", "--node", "hengelo", "--role", "admin", "--profile", "hub")
    veld("init", "--node", "hengelo", "--role", "nurse", "--profile", "laptop")
    node = {"VELD_PROFILE": "laptop"}

    def profile_of(*args: str) -> str:
        return json.loads(veld(*args, "--json", **node).stdout)["profile"]

    assert profile_of("status") == "laptop"
    assert profile_of("--profile", "hub", "status") == "hub"
    assert profile_of("status", "--profile", "hub") == "hub"
