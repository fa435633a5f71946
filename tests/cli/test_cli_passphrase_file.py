"""`veld` unlocked by a passphrase file, as a node machine's service is (packaging/veld-serve.service):
VELD_PASSPHRASE_FILE, or systemd's $CREDENTIALS_DIRECTORY/veld-passphrase, before VELD_PASSPHRASE."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest
from conftest import Veld
from testenv import PASSPHRASE

posix_only = pytest.mark.skipif(os.name == "nt", reason="POSIX mode bits (Windows has ACLs)")


@pytest.fixture
def profile(veld: Veld) -> Veld:
    veld("init", "--node", "hengelo", "--role", "nurse", "--user", "zr-jansen")
    return veld


def secret_file(path: Path, text: str, mode: int = 0o600) -> Path:
    path.write_text(text, encoding="utf-8")
    path.chmod(mode)
    return path


def test_status_unlocks_with_a_named_file(profile: Veld, tmp_path: Path) -> None:
    pw = secret_file(tmp_path / "pw", PASSPHRASE + "\n")
    done = profile("status", "--json", VELD_PASSPHRASE="", VELD_PASSPHRASE_FILE=str(pw))
    assert json.loads(done.stdout)["node_id"] == "hengelo"


def test_status_unlocks_with_the_systemd_credential(profile: Veld, tmp_path: Path) -> None:
    creds = tmp_path / "credentials"
    creds.mkdir()
    secret_file(creds / "veld-passphrase", PASSPHRASE + "\n", 0o400)
    done = profile("status", "--json", VELD_PASSPHRASE="", CREDENTIALS_DIRECTORY=str(creds))
    assert json.loads(done.stdout)["node_id"] == "hengelo"


def test_the_file_wins_over_the_variable(profile: Veld, tmp_path: Path) -> None:
    pw = secret_file(tmp_path / "pw", "not the passphrase\n")
    done = profile("status", "--json", check=False, VELD_PASSPHRASE_FILE=str(pw))
    assert done.returncode == 2
    assert done.stdout == ""


@posix_only
@pytest.mark.parametrize(
    ("lang", "words"),
    [("en", "is readable by others than its owner"), ("nl", "is leesbaar voor anderen dan de eigenaar")],
)
def test_a_file_others_can_read_is_refused_in_one_language(
    profile: Veld, tmp_path: Path, lang: str, words: str
) -> None:
    pw = secret_file(tmp_path / "pw", PASSPHRASE + "\n", 0o644)
    done = profile("status", "--json", check=False, VELD_PASSPHRASE_FILE=str(pw), VELD_LANG=lang)
    assert done.returncode == 2
    assert done.stdout == ""
    assert done.stderr.startswith("veld: ")
    assert words in done.stderr
    assert f"chmod 600 {pw}" in done.stderr
    assert "Traceback" not in done.stderr


def test_a_missing_file_is_refused_not_skipped(profile: Veld, tmp_path: Path) -> None:
    done = profile("status", check=False, VELD_PASSPHRASE_FILE=str(tmp_path / "nope"), VELD_LANG="nl")
    assert done.returncode == 2
    assert "bestaat niet" in done.stderr
