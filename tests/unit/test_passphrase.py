"""The passphrase given without a prompt (veldclient/passphrase.py): a named file, systemd's
credential, the variable, in that order; a file anyone but its owner can read is refused."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from veldclient import passphrase
from veldclient.passphrase import PassphraseFileError

posix_only = pytest.mark.skipif(os.name == "nt", reason="POSIX mode bits (Windows has ACLs)")


def private(path: Path, content: bytes) -> Path:
    path.write_bytes(content)
    path.chmod(0o600)
    return path


def test_nothing_given_is_none() -> None:
    assert passphrase.given() is None


def test_the_variable_alone(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("VELD_PASSPHRASE", "from env")
    assert passphrase.given() == "from env"


def test_an_empty_variable_is_none(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("VELD_PASSPHRASE", "")
    assert passphrase.given() is None


def test_a_named_file_wins_over_the_variable_and_the_credential(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    creds = tmp_path / "creds"
    creds.mkdir()
    private(creds / "veld-passphrase", b"from credential\n")
    monkeypatch.setenv("CREDENTIALS_DIRECTORY", str(creds))
    monkeypatch.setenv("VELD_PASSPHRASE", "from env")
    monkeypatch.setenv("VELD_PASSPHRASE_FILE", str(private(tmp_path / "pw", b"from file\n")))
    assert passphrase.given() == "from file"


def test_the_credential_wins_over_the_variable(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    private(tmp_path / "veld-passphrase", b"from credential\n")
    monkeypatch.setenv("CREDENTIALS_DIRECTORY", str(tmp_path))
    monkeypatch.setenv("VELD_PASSPHRASE", "from env")
    assert passphrase.given() == "from credential"


def test_a_credentials_directory_without_ours_falls_through(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    private(tmp_path / "other-service-secret", b"not ours\n")
    monkeypatch.setenv("CREDENTIALS_DIRECTORY", str(tmp_path))
    monkeypatch.setenv("VELD_PASSPHRASE", "from env")
    assert passphrase.given() == "from env"


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        (b"secret\n", "secret"),
        (b"secret", "secret"),
        (b"secret\r\n", "secret"),
        (b"secret\n\n", "secret\n"),  # one newline dropped, not all
        (b"  spaced  \n", "  spaced  "),
        ("wachtwoord-é€\n".encode(), "wachtwoord-é€"),
    ],
)
def test_one_trailing_newline_is_dropped(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, content: bytes, expected: str
) -> None:
    monkeypatch.setenv("VELD_PASSPHRASE_FILE", str(private(tmp_path / "pw", content)))
    assert passphrase.given() == expected


@posix_only
@pytest.mark.parametrize("mode", [0o640, 0o604, 0o644, 0o660])
def test_a_file_others_can_read_is_refused(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, mode: int
) -> None:
    path = private(tmp_path / "pw", b"secret\n")
    path.chmod(mode)
    monkeypatch.setenv("VELD_PASSPHRASE_FILE", str(path))
    monkeypatch.setenv("VELD_PASSPHRASE", "from env")  # no silent fall-back to the variable
    with pytest.raises(PassphraseFileError) as raised:
        passphrase.given()
    assert f"chmod 600 {path}" in raised.value.message("en")
    assert "readable by others than its owner" in raised.value.message("en")
    assert "leesbaar voor anderen dan de eigenaar" in raised.value.message("nl")


@posix_only
def test_an_owner_only_file_is_accepted(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = private(tmp_path / "pw", b"secret\n")
    path.chmod(0o400)  # as systemd hands a credential to the service
    monkeypatch.setenv("VELD_PASSPHRASE_FILE", str(path))
    assert passphrase.given() == "secret"


@posix_only
def test_a_credential_others_can_read_is_refused(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    private(tmp_path / "veld-passphrase", b"secret\n").chmod(0o644)
    monkeypatch.setenv("CREDENTIALS_DIRECTORY", str(tmp_path))
    with pytest.raises(PassphraseFileError, match=r"\$CREDENTIALS_DIRECTORY"):
        passphrase.given()


def test_a_named_file_that_is_missing_is_an_error(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("VELD_PASSPHRASE_FILE", str(tmp_path / "nope"))
    monkeypatch.setenv("VELD_PASSPHRASE", "from env")
    with pytest.raises(PassphraseFileError) as raised:
        passphrase.given()
    assert "does not exist" in raised.value.message("en")
    assert "bestaat niet" in raised.value.message("nl")


@pytest.mark.parametrize(
    ("content", "en", "nl"),
    [
        (b"", "is empty", "is leeg"),
        (b"\n", "is empty", "is leeg"),
        (b"\xff\xfe\x00", "not UTF-8", "geen UTF-8"),
        (b"x" * 5000, "larger than 4096 bytes", "groter dan 4096 bytes"),
    ],
)
def test_a_file_that_is_no_passphrase_is_refused(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, content: bytes, en: str, nl: str
) -> None:
    monkeypatch.setenv("VELD_PASSPHRASE_FILE", str(private(tmp_path / "pw", content)))
    with pytest.raises(PassphraseFileError) as raised:
        passphrase.given()
    assert en in raised.value.message("en")
    assert nl in raised.value.message("nl")


def test_a_folder_is_not_a_passphrase_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    folder = tmp_path / "dir"
    folder.mkdir(mode=0o700)
    monkeypatch.setenv("VELD_PASSPHRASE_FILE", str(folder))
    with pytest.raises(PassphraseFileError, match="not a regular file"):
        passphrase.given()
