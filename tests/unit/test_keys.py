"""Master key storage: passphrase wrap, keyring path, refusals. Never uses the real OS keyring."""

from __future__ import annotations

import json
import stat
from pathlib import Path

import pytest
import sqlcipher3
from keyring.backend import KeyringBackend
from keyring.backends import chainer, fail
from keyring.errors import KeyringLocked

from veldclient import keys
from veldclient.errors import ProfileError, UnlockError
from veldclient.keys import (
    KEY_FILE,
    KEYRING_SERVICE,
    PassphraseRequired,
    change_passphrase,
    create_master_key,
    load_master_key,
    sqlcipher_key_pragma,
)

PASS = "correct horse battery staple"


class MemoryKeyring(KeyringBackend):
    """In-memory secret store. ``viable = False`` keeps keyring's auto-detection from ever picking
    it as the process default for other tests."""

    priority = 5  # type: ignore[assignment]
    viable = False  # type: ignore[assignment]

    def __init__(self) -> None:
        super().__init__()
        self.store: dict[tuple[str, str], str] = {}

    def get_password(self, service: str, username: str) -> str | None:
        return self.store.get((service, username))

    def set_password(self, service: str, username: str, password: str) -> None:
        self.store[(service, username)] = password

    def delete_password(self, service: str, username: str) -> None:
        self.store.pop((service, username), None)


class PlaintextKeyring(MemoryKeyring):
    """Named like keyrings.alt's file backend, which writes secrets to disk in the clear."""

    priority = 9  # type: ignore[assignment]


class AltKeyring(MemoryKeyring):
    pass


AltKeyring.__module__ = "keyrings.alt.file"


class LockedKeyring(MemoryKeyring):
    """Looks usable but refuses every operation, like a locked Secret Service collection."""

    def get_password(self, service: str, username: str) -> str | None:
        raise KeyringLocked("locked")

    def set_password(self, service: str, username: str, password: str) -> None:
        raise KeyringLocked("locked")


class FakeChainer(chainer.ChainerBackend):
    viable = False  # type: ignore[assignment]

    def __init__(self, children: list[KeyringBackend]) -> None:
        super().__init__()
        self._children = children

    @property  # type: ignore[override]
    def backends(self) -> list[KeyringBackend]:
        return self._children


@pytest.fixture(autouse=True)
def _isolated(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("VELD_KDF_MEMORY_KIB", "8192")
    use_backend(monkeypatch, fail.Keyring())


def use_backend(monkeypatch: pytest.MonkeyPatch, backend: KeyringBackend) -> KeyringBackend:
    monkeypatch.setattr(keys, "get_keyring_backend", lambda: backend)
    return backend


def key_doc(profile: Path) -> dict:
    return json.loads((profile / KEY_FILE).read_bytes())


# --- passphrase path -----------------------------------------------------------------------------


def test_passphrase_round_trip_without_keyring(tmp_path: Path) -> None:
    key = create_master_key(tmp_path, passphrase=PASS, use_keyring=True)
    assert len(key) == 32
    assert load_master_key(tmp_path, passphrase=PASS) == key
    doc = key_doc(tmp_path)
    assert doc["version"] == 1
    assert doc["keyring"] is False
    assert doc["kdf"] == {"name": "argon2id", "memory_kib": 8192, "iterations": 3, "lanes": 1}
    assert stat.S_IMODE((tmp_path / KEY_FILE).stat().st_mode) == 0o600
    assert key.hex() not in (tmp_path / KEY_FILE).read_text()
    assert [p.name for p in tmp_path.iterdir()] == [KEY_FILE]  # no temp file left behind


def test_wrong_passphrase_is_refused_and_file_untouched(tmp_path: Path) -> None:
    create_master_key(tmp_path, passphrase=PASS, use_keyring=False)
    before = (tmp_path / KEY_FILE).read_bytes()
    with pytest.raises(UnlockError) as err:
        load_master_key(tmp_path, passphrase="wrong")
    assert err.value.nl == "Onjuist wachtwoord: de database is niet geopend."
    assert err.value.en == "Wrong passphrase: the database was not opened."
    assert (tmp_path / KEY_FILE).read_bytes() == before


def test_missing_passphrase_asks_for_one(tmp_path: Path) -> None:
    create_master_key(tmp_path, passphrase=PASS, use_keyring=False)
    with pytest.raises(PassphraseRequired) as err:
        load_master_key(tmp_path, passphrase=None)
    assert "VELD_PASSPHRASE" in err.value.en and "VELD_PASSPHRASE" in err.value.nl


def test_create_refuses_to_overwrite(tmp_path: Path) -> None:
    create_master_key(tmp_path, passphrase=PASS, use_keyring=False)
    before = (tmp_path / KEY_FILE).read_bytes()
    with pytest.raises(ProfileError):
        create_master_key(tmp_path, passphrase="other", use_keyring=False)
    assert (tmp_path / KEY_FILE).read_bytes() == before


def test_stored_kdf_parameters_are_used_on_unlock(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    key = create_master_key(tmp_path, passphrase=PASS, use_keyring=False)
    monkeypatch.setenv("VELD_KDF_MEMORY_KIB", "16384")
    assert load_master_key(tmp_path, passphrase=PASS) == key


@pytest.mark.parametrize(
    ("value", "expected"),
    [("1024", 8192), ("8192", 8192), ("20000", 20000), ("999999", 65536), ("", 65536)],
)
def test_memory_override_only_lowers_and_has_a_floor(
    monkeypatch: pytest.MonkeyPatch, value: str, expected: int
) -> None:
    monkeypatch.setenv("VELD_KDF_MEMORY_KIB", value)
    assert keys._kdf_params_for_new_wrap().memory_kib == expected


def test_bad_memory_override_fails_before_writing(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("VELD_KDF_MEMORY_KIB", "lots")
    with pytest.raises(ProfileError):
        create_master_key(tmp_path, passphrase=PASS, use_keyring=False)
    assert not (tmp_path / KEY_FILE).exists()


# --- keyring path --------------------------------------------------------------------------------


def test_fake_keyring_unlocks_without_passphrase(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    ring = use_backend(monkeypatch, MemoryKeyring())
    key = create_master_key(tmp_path, passphrase=None, use_keyring=True)
    doc = key_doc(tmp_path)
    assert doc["keyring"] is True and doc["kdf"] is None and doc["ciphertext"] is None
    assert ring.store == {(KEYRING_SERVICE, doc["profile_id"]): key.hex()}
    assert load_master_key(tmp_path, passphrase=None) == key


def test_keyring_and_passphrase_both_unlock(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    use_backend(monkeypatch, MemoryKeyring())
    key = create_master_key(tmp_path, passphrase=PASS, use_keyring=True)
    assert key_doc(tmp_path)["keyring"] is True
    assert load_master_key(tmp_path, passphrase=None) == key
    # Headless later: the keyring is gone, the wrapped copy still works.
    use_backend(monkeypatch, fail.Keyring())
    assert load_master_key(tmp_path, passphrase=PASS) == key
    with pytest.raises(PassphraseRequired):
        load_master_key(tmp_path, passphrase=None)
    with pytest.raises(UnlockError):
        load_master_key(tmp_path, passphrase="wrong")


def test_keyring_only_profile_without_keyring_is_refused(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    use_backend(monkeypatch, MemoryKeyring())
    create_master_key(tmp_path, passphrase=None, use_keyring=True)
    use_backend(monkeypatch, MemoryKeyring())  # a keyring that lost the entry
    with pytest.raises(UnlockError):
        load_master_key(tmp_path, passphrase=PASS)
    assert [p.name for p in tmp_path.iterdir()] == [KEY_FILE]


def test_fail_keyring_requires_passphrase(tmp_path: Path) -> None:
    with pytest.raises(UnlockError) as err:
        create_master_key(tmp_path, passphrase=None, use_keyring=True)
    assert "VELD_PASSPHRASE" in err.value.en
    assert not (tmp_path / KEY_FILE).exists()


def test_use_keyring_false_keeps_key_out_of_keyring(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    ring = use_backend(monkeypatch, MemoryKeyring())
    with pytest.raises(PassphraseRequired):
        create_master_key(tmp_path, passphrase=None, use_keyring=False)
    create_master_key(tmp_path, passphrase=PASS, use_keyring=False)
    assert ring.store == {} and key_doc(tmp_path)["keyring"] is False


@pytest.mark.parametrize("backend_cls", [PlaintextKeyring, AltKeyring])
def test_plaintext_backends_are_refused(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, backend_cls: type[MemoryKeyring]
) -> None:
    ring = use_backend(monkeypatch, backend_cls())
    assert keys.usable_backend() is None
    with pytest.raises(PassphraseRequired):
        create_master_key(tmp_path, passphrase=None, use_keyring=True)
    create_master_key(tmp_path, passphrase=PASS, use_keyring=True)
    assert ring.store == {} and key_doc(tmp_path)["keyring"] is False


def test_chainer_uses_only_an_acceptable_child(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    plain, good = PlaintextKeyring(), MemoryKeyring()
    use_backend(monkeypatch, FakeChainer([plain, fail.Keyring()]))
    assert keys.usable_backend() is None
    use_backend(monkeypatch, FakeChainer([plain, good]))
    assert keys.usable_backend() is good
    key = create_master_key(tmp_path, passphrase=None, use_keyring=True)
    assert plain.store == {} and list(good.store.values()) == [key.hex()]


def test_locked_keyring_falls_back_to_passphrase(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    use_backend(monkeypatch, LockedKeyring())
    with pytest.raises(PassphraseRequired):
        create_master_key(tmp_path, passphrase=None, use_keyring=True)
    key = create_master_key(tmp_path, passphrase=PASS, use_keyring=True)
    assert key_doc(tmp_path)["keyring"] is False
    assert load_master_key(tmp_path, passphrase=PASS) == key


# --- change passphrase ---------------------------------------------------------------------------


def test_change_passphrase(tmp_path: Path) -> None:
    key = create_master_key(tmp_path, passphrase=PASS, use_keyring=False)
    old_doc = key_doc(tmp_path)
    change_passphrase(tmp_path, PASS, "new passphrase")
    new_doc = key_doc(tmp_path)
    assert new_doc["profile_id"] == old_doc["profile_id"]
    assert new_doc["salt"] != old_doc["salt"]
    assert stat.S_IMODE((tmp_path / KEY_FILE).stat().st_mode) == 0o600
    assert load_master_key(tmp_path, passphrase="new passphrase") == key
    with pytest.raises(UnlockError):
        load_master_key(tmp_path, passphrase=PASS)


def test_change_passphrase_with_wrong_old_changes_nothing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    use_backend(monkeypatch, MemoryKeyring())  # a working keyring must not bypass the old check
    create_master_key(tmp_path, passphrase=PASS, use_keyring=True)
    before = (tmp_path / KEY_FILE).read_bytes()
    with pytest.raises(UnlockError):
        change_passphrase(tmp_path, "wrong", "new passphrase")
    with pytest.raises(PassphraseRequired):
        change_passphrase(tmp_path, None, "new passphrase")
    with pytest.raises(UnlockError):
        change_passphrase(tmp_path, PASS, "")
    assert (tmp_path / KEY_FILE).read_bytes() == before


def test_add_passphrase_to_keyring_only_profile(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    use_backend(monkeypatch, MemoryKeyring())
    key = create_master_key(tmp_path, passphrase=None, use_keyring=True)
    change_passphrase(tmp_path, None, PASS)
    use_backend(monkeypatch, fail.Keyring())
    assert load_master_key(tmp_path, passphrase=PASS) == key


# --- damaged or missing files --------------------------------------------------------------------


def test_missing_key_file_is_a_profile_error_and_creates_nothing(tmp_path: Path) -> None:
    with pytest.raises(ProfileError) as err:
        load_master_key(tmp_path, passphrase=PASS)
    assert "\n" not in err.value.nl and "\n" not in err.value.en
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize(
    "damage",
    [
        lambda d: "not json",
        lambda d: {**d, "version": 2},
        lambda d: {**d, "salt": "%%%"},
        lambda d: {**d, "kdf": {**d["kdf"], "memory_kib": 1 << 40}},
        lambda d: {**d, "kdf": None, "keyring": False},
        lambda d: {k: v for k, v in d.items() if k != "nonce"},
    ],
)
def test_damaged_key_file_is_a_profile_error(tmp_path: Path, damage) -> None:
    create_master_key(tmp_path, passphrase=PASS, use_keyring=False)
    damaged = damage(key_doc(tmp_path))
    text = damaged if isinstance(damaged, str) else json.dumps(damaged)
    (tmp_path / KEY_FILE).write_text(text)
    with pytest.raises(ProfileError):
        load_master_key(tmp_path, passphrase=PASS)


@pytest.mark.parametrize("field", ["ciphertext", "profile_id"])
def test_tampered_wrap_does_not_unlock(tmp_path: Path, field: str) -> None:
    create_master_key(tmp_path, passphrase=PASS, use_keyring=False)
    doc = key_doc(tmp_path)
    value = doc[field]
    doc[field] = ("b" if value[0] == "a" else "a") + value[1:]
    (tmp_path / KEY_FILE).write_text(json.dumps(doc))
    with pytest.raises(UnlockError):
        load_master_key(tmp_path, passphrase=PASS)


# --- SQLCipher -----------------------------------------------------------------------------------


def test_sqlcipher_key_pragma_opens_only_with_the_same_key(tmp_path: Path) -> None:
    key = bytes(range(32))
    assert sqlcipher_key_pragma(key) == f"PRAGMA key = \"x'{key.hex()}'\""
    db = tmp_path / "db.sqlite"
    conn = sqlcipher3.connect(str(db))
    conn.execute(sqlcipher_key_pragma(key))
    conn.execute("CREATE TABLE t (x)")
    conn.commit()
    conn.close()
    conn = sqlcipher3.connect(str(db))
    conn.execute(sqlcipher_key_pragma(key))
    assert conn.execute("SELECT count(*) FROM t").fetchone() == (0,)
    conn.close()
    conn = sqlcipher3.connect(str(db))
    conn.execute(sqlcipher_key_pragma(bytes(32)))
    with pytest.raises(sqlcipher3.DatabaseError):
        conn.execute("SELECT count(*) FROM sqlite_master").fetchone()
    conn.close()
    with pytest.raises(ValueError):
        sqlcipher_key_pragma(b"short")
