"""Bad input and faults for USB bundles (issue 6), each its own test. Every refusal: one clear line,
exit code 2, and the database as it was (documents, projection, ledger, acknowledgements; the
refusal itself is audited)."""

from __future__ import annotations

import errno
import os
import random
import signal
import subprocess
import sys
from pathlib import Path

import pytest
from bundlehelpers import GOOD, audit_events, sites, state
from click.testing import CliRunner
from testenv import PASSPHRASE

from veldclient.cli import main
from veldclient.services import bundles, clients
from veldclient.services import peers as peer_service
from veldclient.sync import bundle

CHILD = Path(__file__).with_name("bundle_child.py")
AGE_CHUNK = 64 * 1024 + 16  # age STREAM: 64 KiB plaintext + 16-byte tag per chunk


@pytest.fixture
def pair_of_laptops():
    sender, receiver, admin = sites(
        ("s", "hengelo", "nurse"), ("r", "hengelo", "nurse"), ("adm", "hengelo", "admin")
    )
    for i in range(3):
        clients.register_client(sender, {**GOOD, "name": f"Client {i}"})
    yield sender, receiver, admin
    for s in (sender, receiver, admin):
        s.close()


def veld_import(profile: str, path: Path, lang: str = "en"):
    runner = CliRunner()
    return runner.invoke(
        main,
        ["--profile", profile, "bundle", "import", str(path)],
        env={"VELD_PASSPHRASE": PASSPHRASE, "VELD_LANG": lang},
    )


def refused(receiver, path: Path, code_words: str):
    """Import through the CLI: exit 2, one line naming the problem, nothing changed but the audit."""
    before = state(receiver)
    result = veld_import("r", path)
    assert result.exit_code == 2, result.output
    line = result.stderr.strip()
    assert line.count("\n") == 0 and line.startswith("veld: ")
    assert code_words.lower() in line.lower(), line
    assert state(receiver) == before
    assert audit_events(receiver, "bundle.import")[-1][0] == "error"
    return line


def exported(sender, tmp_path: Path, to: str = "r") -> Path:
    return bundles.export_bundle(sender, [to], tmp_path / "stick").path


def offsets(path: Path) -> tuple[int, int]:
    """(end of the clear header, end of the signature)."""
    data = path.read_bytes()
    header_len = int.from_bytes(data[9:13], "big")
    return 13 + header_len, 13 + header_len + 64


def test_truncated_at_a_random_byte(pair_of_laptops, tmp_path):
    sender, receiver, _ = pair_of_laptops
    path = exported(sender, tmp_path)
    data = path.read_bytes()
    cut = random.Random(6).randrange(offsets(path)[1] + 1, len(data) - 1)
    path.write_bytes(data[:cut])
    line = refused(receiver, path, "damaged or truncated")
    assert "quarantined" in line
    kept = bundles.quarantine_dir(receiver) / path.name
    assert kept.exists() and (kept.parent / (path.name + ".reason.json")).exists()


@pytest.mark.parametrize("where", ["header", "signature", "age-chunk"])
def test_truncated_at_a_chunk_boundary(pair_of_laptops, tmp_path, where):
    sender, receiver, _ = pair_of_laptops
    noise = random.Random(3)
    letters = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"
    for i in range(200):  # enough for more than one 64 KiB age chunk (random text does not deflate)
        address = "".join(noise.choice(letters) for _ in range(190))
        clients.register_client(sender, {**GOOD, "name": f"Cliënt {i}", "address": address})
    path = exported(sender, tmp_path)
    data = path.read_bytes()
    header_end, signature_end = offsets(path)
    if where == "header":
        cut = header_end
    elif where == "signature":
        cut = signature_end
    else:
        body = data[signature_end:]
        start = body.index(b"\n", body.index(b"\n---")) + 1 + 16  # after the age header and nonce
        assert len(body) > start + AGE_CHUNK, "the bundle must span two age chunks"
        cut = signature_end + start + AGE_CHUNK
    path.write_bytes(data[:cut])
    refused(receiver, path, "damaged or truncated")


def test_flipped_bit_in_the_ciphertext(pair_of_laptops, tmp_path, monkeypatch):
    sender, receiver, _ = pair_of_laptops
    path = exported(sender, tmp_path)
    data = bytearray(path.read_bytes())
    data[offsets(path)[1] + 200] ^= 0x10
    path.write_bytes(bytes(data))
    decrypted = []
    monkeypatch.setattr(bundle.pyrage, "decrypt", lambda *a: decrypted.append(a))
    refused(receiver, path, "checksum does not match")
    assert decrypted == [], "refused before decrypting"


def test_flipped_bit_in_the_signature(pair_of_laptops, tmp_path, monkeypatch):
    sender, receiver, _ = pair_of_laptops
    path = exported(sender, tmp_path)
    data = bytearray(path.read_bytes())
    data[offsets(path)[0] + 5] ^= 0x01
    path.write_bytes(bytes(data))
    decrypted = []
    monkeypatch.setattr(bundle.pyrage, "decrypt", lambda *a: decrypted.append(a))
    refused(receiver, path, "signature")
    assert decrypted == []


def test_bundle_from_an_unknown_device(pair_of_laptops, tmp_path, monkeypatch):
    _, receiver, _ = pair_of_laptops
    stranger = sites(("x", "hengelo", "nurse"))[0]
    from synchelpers import pair_peers

    from veldclient.sync import peers

    pair_peers(stranger, receiver)  # the stranger knows us; we unpair it again
    with receiver.transaction():
        peers.remove(receiver.db, "x")
    path = exported(stranger, tmp_path, to="r")
    decrypted = []
    monkeypatch.setattr(bundle.pyrage, "decrypt", lambda *a: decrypted.append(a))
    refused(receiver, path, "unknown device")
    assert decrypted == [], "nothing of the payload is opened"
    stranger.close()


def test_bundle_from_a_revoked_device(pair_of_laptops, tmp_path):
    sender, receiver, admin = pair_of_laptops
    path = exported(sender, tmp_path, to="hengelo")
    peer_service.revoke_device(admin, "s")
    # the revocation travels in hengelo's node document, here by bundle from the admin's laptop
    bundles.import_bundle(receiver, bundles.export_bundle(admin, ["r"], tmp_path / "adm").path)
    line = refused(receiver, path, "revoked")
    assert "s" in line


def test_bundle_addressed_to_another_node(tmp_path):
    a, b, c = sites(("a", "hengelo", "nurse"), ("b", "almelo", "nurse"), ("r", "borne", "nurse"))
    path = bundles.export_bundle(a, ["almelo"], tmp_path / "stick").path
    line = refused(c, path, "addressed to almelo")
    assert "borne" in line
    for s in (a, b, c):
        s.close()


def test_the_same_bundle_twice_is_a_reported_no_op(pair_of_laptops, tmp_path):
    sender, receiver, _ = pair_of_laptops
    path = exported(sender, tmp_path)
    assert veld_import("r", path).exit_code == 0
    before = state(receiver)
    again = veld_import("r", path)
    assert again.exit_code == 0 and "already imported" in again.output
    assert state(receiver) == before


def test_an_older_bundle_after_a_newer_one_is_flagged_and_merged(pair_of_laptops, tmp_path):
    sender, receiver, _ = pair_of_laptops
    old = exported(sender, tmp_path)
    clients.register_client(sender, {**GOOD, "name": "Nieuwe Cliënt"})
    new = exported(sender, tmp_path)
    assert veld_import("r", new).exit_code == 0
    heads = state(receiver)[0]
    result = veld_import("r", old)
    assert result.exit_code == 0 and "older than a bundle already imported" in result.output
    assert state(receiver)[0] == heads, "nothing lost, nothing new"
    assert receiver.db.execute("SELECT flag FROM bundle_imports WHERE seq = 1").fetchone()[0] == "older"


def _child(*args: str) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, str(CHILD), *args],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
        env={**os.environ},
    )


def _kill_when_stopped(proc: subprocess.Popen[str]) -> None:
    assert proc.stdout is not None
    assert proc.stdout.readline().strip() == "STOPPED"
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait()


def test_kill_minus_nine_during_export_leaves_only_a_part_file(pair_of_laptops, tmp_path):
    sender, receiver, _ = pair_of_laptops
    stick = tmp_path / "stick"
    before = state(sender)
    _kill_when_stopped(_child("export", "s", PASSPHRASE, str(stick), "r"))
    assert [p.suffix for p in stick.iterdir()] == [".part"]
    assert state(sender) == before, "no sequence number, ledger row or audit entry was committed"
    # the .part is ignored by an import of the folder, and the next export works
    folder = bundles.import_folder(receiver, stick)
    assert folder.imported == [] and folder.ignored[0][1] == "part"
    path = exported(sender, tmp_path)
    assert path.name.startswith("veld-hengelo-000001-")
    assert bundles.import_bundle(receiver, path).status == "imported"


def test_kill_minus_nine_during_import_leaves_all_or_nothing(pair_of_laptops, tmp_path):
    sender, receiver, _ = pair_of_laptops
    path = exported(sender, tmp_path)
    before = state(receiver)
    _kill_when_stopped(_child("import", "r", PASSPHRASE, str(path)))
    receiver.repo.store.invalidate()
    assert state(receiver) == before, "none of the bundle"
    result = bundles.import_bundle(receiver, path)
    assert result.status == "imported" and result.changed["case"] == 3, "all of it, once"
    from veldclient.db import integrity_check

    assert integrity_check(receiver.db) == []


def test_part_and_non_bundle_files_are_ignored_in_a_folder_and_refused_alone(pair_of_laptops, tmp_path):
    sender, receiver, _ = pair_of_laptops
    path = exported(sender, tmp_path)
    stick = path.parent
    part = stick / (path.name + ".part")
    part.write_bytes(path.read_bytes()[:100])
    notes = stick / "boodschappen.txt"
    notes.write_text("melk, brood")
    runner = CliRunner()
    result = runner.invoke(
        main, ["--profile", "r", "bundle", "import", str(stick)], env={"VELD_PASSPHRASE": PASSPHRASE}
    )
    assert result.exit_code == 0, result.output
    assert (
        f"{part.name}: ignored (part)" in result.output
        and f"{notes.name}: ignored (not_bundle)" in result.output
    )
    assert "from s (hengelo)" in result.output
    before = state(receiver)
    assert "unfinished export" in refused_line(receiver, part)
    assert "not a veld bundle" in refused_line(receiver, notes)
    assert state(receiver) == before
    assert not (bundles.quarantine_dir(receiver) / notes.name).exists()


def refused_line(receiver, path: Path) -> str:
    result = veld_import("r", path)
    assert result.exit_code == 2
    line = result.stderr.strip()
    assert line.count("\n") == 0 and line.startswith("veld: ")
    return line


def test_disk_full_while_writing(pair_of_laptops, tmp_path, monkeypatch):
    sender, _, _ = pair_of_laptops
    before = state(sender)
    calls = []

    def full(fd, data):
        calls.append(len(data))
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    monkeypatch.setattr(bundle.os, "write", full)
    runner = CliRunner()
    result = runner.invoke(
        main,
        ["--profile", "s", "bundle", "export", "--to", "r", "--out", str(tmp_path / "stick")],
        env={"VELD_PASSPHRASE": PASSPHRASE, "VELD_LANG": "nl"},
    )
    assert calls and result.exit_code == 2
    line = result.stderr.strip()
    assert line.count("\n") == 0 and "kon niet worden geschreven" in line and "No space left" in line
    assert list((tmp_path / "stick").iterdir()) == [], "no .part, no bundle"
    assert state(sender) == before
    assert audit_events(sender, "bundle.export") == []
