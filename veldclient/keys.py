"""The database master key of one profile: made once, then unlocked by OS keyring or passphrase.

The master key is 32 random bytes. SQLCipher is opened with it raw (``PRAGMA key = "x'…'"``), so
opening the database costs nothing and the slow part (Argon2id) runs only when a passphrase is used.

Two copies, so either unlock path works:

- **OS keyring** (service ``"veldclient"``, username = the profile id from ``key.json``), only when
  the backend is a real secret store. Refused: the ``fail`` and ``null`` backends, every
  ``Plaintext*`` or ``keyrings.alt`` backend (they keep the secret on disk in the clear), and a
  ``chainer`` without an acceptable child.
- **Passphrase wrap** in ``key.json``: Argon2id (16-byte salt; 64 MiB, 3 iterations, 1 lane by
  default) derives a key that seals the master key with AES-256-GCM, AAD =
  ``b"veldclient-master-key-v1"`` + profile id. Measured on the 2-core dev machine: ~0.15 s per
  unlock at the default parameters. The parameters actually used are stored in the file, so an
  unlock always uses what was written.

Without a usable keyring a passphrase is required (headless machines use ``VELD_PASSPHRASE``).
Loading never creates a key and creating never overwrites ``key.json``: a lost key is lost data.
"""

from __future__ import annotations

import base64
import binascii
import contextlib
import json
import os
import secrets
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # keyring is imported only when a keyring is used (it costs ~60 ms at start-up)
    from keyring.backend import KeyringBackend

# cryptography is imported where it is used: `veld` unlocks in a background thread (screens/unlock.py),
# so the main thread starts Textual without waiting for it.

from veldclient.errors import ProfileError, UnlockError
from veldclient.files import atomic_write

KEY_FILE = "key.json"
KEY_FILE_VERSION = 1
KEYRING_SERVICE = "veldclient"
AAD_PREFIX = b"veldclient-master-key-v1"
MASTER_KEY_BYTES = 32

DEFAULT_MEMORY_KIB = 64 * 1024
DEFAULT_ITERATIONS = 3
DEFAULT_LANES = 1
MIN_MEMORY_KIB = 8192
MEMORY_ENV = "VELD_KDF_MEMORY_KIB"

# Bounds for parameters read back from a file: outside them the file is damaged (or hostile), and
# honouring a huge memory cost would only hang the machine.
_MAX_MEMORY_KIB = 4 * 1024 * 1024
_MAX_ITERATIONS = 64
_MAX_LANES = 16
_MAX_KEY_FILE_BYTES = 64 * 1024

_SALT_BYTES = 16
_NONCE_BYTES = 12


class PassphraseRequired(UnlockError):
    """No key without a passphrase; callers catch this to prompt instead of failing."""


@dataclass(frozen=True)
class KdfParams:
    """Argon2id cost parameters, stored next to the salt so unlocking never guesses them."""

    memory_kib: int
    iterations: int
    lanes: int

    def to_dict(self) -> dict[str, Any]:
        return {
            "name": "argon2id",
            "memory_kib": self.memory_kib,
            "iterations": self.iterations,
            "lanes": self.lanes,
        }


# --- keyring -------------------------------------------------------------------------------------


def get_keyring_backend() -> KeyringBackend:
    """The process's keyring backend; tests monkeypatch this so they never touch the OS keyring."""
    import keyring

    return keyring.get_keyring()


def _priority(backend: KeyringBackend) -> float:
    try:
        return float(backend.priority)
    except Exception:  # some backends raise from priority when they are not viable
        return -1.0


def _refused(backend: KeyringBackend) -> bool:
    from keyring.backends import fail, null

    cls = type(backend)
    return (
        isinstance(backend, fail.Keyring | null.Keyring)
        or cls.__name__.startswith("Plaintext")
        or cls.__module__.startswith("keyrings.alt")
        or _priority(backend) <= 0
    )


def usable_backend(backend: KeyringBackend | None = None) -> KeyringBackend | None:
    """The secret store to use, or ``None``. For a chainer, its best acceptable child, so that a
    plaintext child with a higher priority can never receive the key."""
    from keyring.backends import chainer

    backend = get_keyring_backend() if backend is None else backend
    if isinstance(backend, chainer.ChainerBackend):
        try:
            children = sorted(backend.backends, key=_priority, reverse=True)
        except Exception:
            return None
        return next(
            (c for c in children if not isinstance(c, chainer.ChainerBackend) and not _refused(c)),
            None,
        )
    return None if _refused(backend) else backend


def keyring_available() -> bool:
    """Whether ``create_master_key(..., use_keyring=True)`` could work without a passphrase."""
    return usable_backend() is not None


def _keyring_store(profile_id: str, key: bytes) -> bool:
    """Store and read back; a backend that accepts but loses the secret counts as unusable."""
    backend = usable_backend()
    if backend is None:
        return False
    try:
        backend.set_password(KEYRING_SERVICE, profile_id, key.hex())
        return backend.get_password(KEYRING_SERVICE, profile_id) == key.hex()
    except Exception:  # locked collection, no D-Bus session, …: fall back to the passphrase
        return False


def _keyring_fetch(profile_id: str) -> bytes | None:
    backend = usable_backend()
    if backend is None:
        return None
    try:
        value = backend.get_password(KEYRING_SERVICE, profile_id)
        key = bytes.fromhex(value) if value else b""
    except Exception:
        return None
    return key if len(key) == MASTER_KEY_BYTES else None


def _keyring_forget(profile_id: str) -> None:
    backend = usable_backend()
    if backend is not None:
        with contextlib.suppress(Exception):
            backend.delete_password(KEYRING_SERVICE, profile_id)


# --- files ---------------------------------------------------------------------------------------


def _kdf_params_for_new_wrap() -> KdfParams:
    """Default cost; ``VELD_KDF_MEMORY_KIB`` may lower the memory (for tests), never below 8 MiB."""
    memory = DEFAULT_MEMORY_KIB
    raw = os.environ.get(MEMORY_ENV, "").strip()
    if raw:
        try:
            requested = int(raw)
        except ValueError:
            raise ProfileError(
                f"{MEMORY_ENV} moet een geheel aantal KiB zijn (minimaal {MIN_MEMORY_KIB}).",
                f"{MEMORY_ENV} must be a whole number of KiB (at least {MIN_MEMORY_KIB}).",
            ) from None
        memory = min(DEFAULT_MEMORY_KIB, max(MIN_MEMORY_KIB, requested))
    return KdfParams(memory_kib=memory, iterations=DEFAULT_ITERATIONS, lanes=DEFAULT_LANES)


def _derive(passphrase: str, salt: bytes, params: KdfParams) -> bytes:
    from cryptography.hazmat.primitives.kdf.argon2 import Argon2id

    return Argon2id(
        salt=salt,
        length=32,
        iterations=params.iterations,
        lanes=params.lanes,
        memory_cost=params.memory_kib,
    ).derive(passphrase.encode("utf-8"))


def _aad(profile_id: str) -> bytes:
    return AAD_PREFIX + profile_id.encode("ascii")


def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")


def _wrap(key: bytes, passphrase: str, profile_id: str) -> dict[str, Any]:
    from cryptography.hazmat.primitives.ciphers.aead import AESGCM

    params = _kdf_params_for_new_wrap()
    salt = secrets.token_bytes(_SALT_BYTES)
    nonce = secrets.token_bytes(_NONCE_BYTES)
    sealed = AESGCM(_derive(passphrase, salt, params)).encrypt(nonce, key, _aad(profile_id))
    return {
        "kdf": params.to_dict(),
        "salt": _b64(salt),
        "nonce": _b64(nonce),
        "ciphertext": _b64(sealed),
    }


@dataclass(frozen=True)
class _KeyFile:
    profile_id: str
    keyring: bool
    kdf: KdfParams | None
    salt: bytes
    nonce: bytes
    ciphertext: bytes

    @property
    def has_passphrase(self) -> bool:
        return self.kdf is not None


def _damaged(path: Path) -> ProfileError:
    return ProfileError(
        f"Sleutelbestand {path} is beschadigd of van een onbekende versie; zet het terug uit een back-up.",
        f"Key file {path} is damaged or of an unknown version; restore it from a backup.",
    )


def _missing(path: Path) -> ProfileError:
    return ProfileError(
        f"Sleutelbestand {path} ontbreekt: het profiel is niet aangemaakt of onvolledig.",
        f"Key file {path} is missing: the profile was not created or is incomplete.",
    )


def _read_key_file(profile_dir: Path) -> _KeyFile:
    path = profile_dir / KEY_FILE
    try:
        with open(path, "rb") as fh:
            raw = fh.read(_MAX_KEY_FILE_BYTES + 1)
    except FileNotFoundError:
        raise _missing(path) from None
    except OSError as exc:
        raise ProfileError(
            f"Sleutelbestand {path} kan niet worden gelezen: {exc.strerror}.",
            f"Key file {path} cannot be read: {exc.strerror}.",
        ) from exc
    try:
        if len(raw) > _MAX_KEY_FILE_BYTES:
            raise ValueError("too large")
        doc = json.loads(raw)
        if doc["version"] != KEY_FILE_VERSION:
            raise ValueError("version")
        profile_id = doc["profile_id"]
        if not (isinstance(profile_id, str) and len(profile_id) == 32):
            raise ValueError("profile_id")
        bytes.fromhex(profile_id)
        in_keyring = doc["keyring"]
        if not isinstance(in_keyring, bool):
            raise ValueError("keyring")
        kdf_doc = doc["kdf"]
        if kdf_doc is None:
            if not in_keyring:
                raise ValueError("no copy of the key at all")
            return _KeyFile(profile_id, True, None, b"", b"", b"")
        if kdf_doc["name"] != "argon2id":
            raise ValueError("kdf")
        params = KdfParams(
            memory_kib=kdf_doc["memory_kib"],
            iterations=kdf_doc["iterations"],
            lanes=kdf_doc["lanes"],
        )
        for value in (params.memory_kib, params.iterations, params.lanes):
            if type(value) is not int:
                raise ValueError("kdf type")
        if not (
            1 <= params.lanes <= _MAX_LANES
            and 1 <= params.iterations <= _MAX_ITERATIONS
            and max(MIN_MEMORY_KIB, 8 * params.lanes) <= params.memory_kib <= _MAX_MEMORY_KIB
        ):
            raise ValueError("kdf range")
        salt = base64.b64decode(doc["salt"], validate=True)
        nonce = base64.b64decode(doc["nonce"], validate=True)
        ciphertext = base64.b64decode(doc["ciphertext"], validate=True)
        if (len(salt), len(nonce), len(ciphertext)) != (_SALT_BYTES, _NONCE_BYTES, 48):
            raise ValueError("lengths")
    except (ValueError, KeyError, TypeError, binascii.Error, UnicodeDecodeError):
        raise _damaged(path) from None
    return _KeyFile(profile_id, in_keyring, params, salt, nonce, ciphertext)


def _serialise(profile_id: str, in_keyring: bool, wrapped: dict[str, Any] | None) -> bytes:
    doc: dict[str, Any] = {
        "version": KEY_FILE_VERSION,
        "profile_id": profile_id,
        "keyring": in_keyring,
        "kdf": None,
        "salt": None,
        "nonce": None,
        "ciphertext": None,
    }
    if wrapped:
        doc.update(wrapped)
    return (json.dumps(doc, indent=2) + "\n").encode("utf-8")


def _unwrap(kf: _KeyFile, passphrase: str) -> bytes:
    from cryptography.exceptions import InvalidTag
    from cryptography.hazmat.primitives.ciphers.aead import AESGCM

    assert kf.kdf is not None
    try:
        key = AESGCM(_derive(passphrase, kf.salt, kf.kdf)).decrypt(
            kf.nonce, kf.ciphertext, _aad(kf.profile_id)
        )
    except InvalidTag:
        raise UnlockError(
            "Onjuist wachtwoord: de database is niet geopend.",
            "Wrong passphrase: the database was not opened.",
        ) from None
    return key


def _passphrase_needed_for_create() -> PassphraseRequired:
    return PassphraseRequired(
        "Geen bruikbare sleutelhanger van het besturingssysteem: geef een wachtwoord op "
        "(of zet VELD_PASSPHRASE_FILE of VELD_PASSPHRASE).",
        "No usable OS keyring: a passphrase is required (or set VELD_PASSPHRASE_FILE or VELD_PASSPHRASE).",
    )


# --- public API ----------------------------------------------------------------------------------


def create_master_key(profile_dir: Path, *, passphrase: str | None, use_keyring: bool) -> bytes:
    """Make the profile's master key and store it; refuses to replace an existing ``key.json``.

    The keyring copy is written first and read back, so ``key.json`` never claims a keyring copy
    that does not exist. A keyring that fails is not fatal when a passphrase was given.
    """
    path = profile_dir / KEY_FILE
    if path.exists():
        raise ProfileError(
            f"Er bestaat al een sleutelbestand {path}; dat wordt niet overschreven.",
            f"A key file already exists at {path}; it will not be overwritten.",
        )
    passphrase = passphrase or None
    if passphrase is None and not (use_keyring and keyring_available()):
        raise _passphrase_needed_for_create()
    if passphrase is not None:
        _kdf_params_for_new_wrap()  # a bad VELD_KDF_MEMORY_KIB fails before anything is written

    profile_dir.mkdir(mode=0o700, parents=True, exist_ok=True)
    key = secrets.token_bytes(MASTER_KEY_BYTES)
    profile_id = secrets.token_hex(16)
    in_keyring = use_keyring and _keyring_store(profile_id, key)
    if passphrase is None and not in_keyring:
        raise PassphraseRequired(
            "De sleutel kon niet in de sleutelhanger worden bewaard: geef een wachtwoord op "
            "(of zet VELD_PASSPHRASE_FILE of VELD_PASSPHRASE).",
            "The key could not be stored in the OS keyring: a passphrase is required "
            "(or set VELD_PASSPHRASE_FILE or VELD_PASSPHRASE).",
        )
    wrapped = _wrap(key, passphrase, profile_id) if passphrase else None
    try:
        atomic_write(path, _serialise(profile_id, in_keyring, wrapped), overwrite=False)
    except FileExistsError:
        if in_keyring:
            _keyring_forget(profile_id)
        raise ProfileError(
            f"Er bestaat al een sleutelbestand {path}; dat wordt niet overschreven.",
            f"A key file already exists at {path}; it will not be overwritten.",
        ) from None
    except BaseException:
        if in_keyring:
            _keyring_forget(profile_id)
        raise
    return key


@dataclass(frozen=True)
class PendingUnlock:
    """An unlock whose cheap checks are done: the key from the keyring, or the passphrase for the KDF.

    Split from :func:`load_master_key` so the app can ask for a passphrase (or fail) before it starts
    and run the slow Argon2id step in the background while it paints.
    """

    key_file: _KeyFile
    key: bytes | None
    passphrase: str | None

    def finish(self) -> bytes:
        """The master key; runs Argon2id (~0.2 s) when the keyring did not give it, so never call
        this on a UI thread. A wrong passphrase raises :class:`UnlockError` here."""
        if self.key is not None:
            return self.key
        assert self.passphrase is not None  # begin_unlock guarantees one of the two
        return _unwrap(self.key_file, self.passphrase)


def begin_unlock(profile_dir: Path, *, passphrase: str | None, keyring: bool = True) -> PendingUnlock:
    """Everything of :func:`load_master_key` but the KDF: read ``key.json``, try the keyring, and
    raise at once (never creating anything) when no copy of the key can work.

    ``keyring=False`` (a browser session, docs/web.md) takes only the passphrase-wrapped copy: the
    machine's keyring must not open the profile for whoever reaches its web page."""
    kf = _read_key_file(profile_dir)
    passphrase = passphrase or None
    if not keyring:
        if not kf.has_passphrase:
            raise no_passphrase_for_web()
        if passphrase is None:
            raise PassphraseRequired(
                "Geef het wachtwoord van dit profiel.", "Enter this profile's passphrase."
            )
        return PendingUnlock(kf, None, passphrase)
    if kf.keyring:
        key = _keyring_fetch(kf.profile_id)
        if key is not None:
            return PendingUnlock(kf, key, None)
        if not kf.has_passphrase:
            raise UnlockError(
                "De databasesleutel staat in de sleutelhanger van het besturingssysteem, "
                "maar die is niet beschikbaar en dit profiel heeft geen wachtwoord.",
                "The database key is in the OS keyring, which is not available, and this profile "
                "has no passphrase.",
            )
        if passphrase is None:
            raise PassphraseRequired(
                "De sleutelhanger van het besturingssysteem is niet beschikbaar: "
                "geef het wachtwoord op (of zet VELD_PASSPHRASE_FILE of VELD_PASSPHRASE).",
                "The OS keyring is not available: enter the passphrase "
                "(or set VELD_PASSPHRASE_FILE or VELD_PASSPHRASE).",
            )
    elif passphrase is None:
        raise PassphraseRequired(
            "Dit profiel is met een wachtwoord beveiligd: geef het wachtwoord op "
            "(of zet VELD_PASSPHRASE_FILE of VELD_PASSPHRASE).",
            "This profile is protected by a passphrase: enter it "
            "(or set VELD_PASSPHRASE_FILE or VELD_PASSPHRASE).",
        )
    return PendingUnlock(kf, None, passphrase)


def no_passphrase_for_web() -> UnlockError:
    return UnlockError(
        "Dit profiel heeft geen wachtwoord (alleen de sleutelhanger): een browsersessie kan het niet"
        " openen; daarvoor moet het profiel met een wachtwoord beveiligd zijn.",
        "This profile has no passphrase (only the keyring): a browser session cannot open it; a"
        " passphrase-protected profile is needed for that.",
    )


def web_unlockable(profile_dir: Path) -> None:
    """Raise :func:`no_passphrase_for_web` unless the profile has a passphrase-wrapped key."""
    if not _read_key_file(profile_dir).has_passphrase:
        raise no_passphrase_for_web()


def load_master_key(profile_dir: Path, *, passphrase: str | None) -> bytes:
    """Unlock the master key: the keyring first (if ``key.json`` says it holds a copy), else the
    passphrase-wrapped copy. Raises, and never creates anything, when neither works."""
    return begin_unlock(profile_dir, passphrase=passphrase).finish()


def change_passphrase(profile_dir: Path, old: str | None, new: str) -> None:
    """Re-wrap the same master key under ``new`` (fresh salt and nonce), replacing ``key.json``
    atomically, so an interrupted change leaves the old or the new passphrase working.

    ``old`` is checked against the wrapped copy when there is one, so a working keyring does not let
    someone change a passphrase they do not know. ``old=None`` only adds a passphrase to a
    keyring-only profile (unlocking through the keyring).
    """
    if not new:
        raise UnlockError(
            "Het nieuwe wachtwoord mag niet leeg zijn.",
            "The new passphrase must not be empty.",
        )
    kf = _read_key_file(profile_dir)
    if kf.has_passphrase:
        if not old:
            raise PassphraseRequired(
                "Geef het huidige wachtwoord op om het te wijzigen.",
                "Enter the current passphrase to change it.",
            )
        key = _unwrap(kf, old)
    else:
        key = load_master_key(profile_dir, passphrase=None)
    data = _serialise(kf.profile_id, kf.keyring, _wrap(key, new, kf.profile_id))
    atomic_write(profile_dir / KEY_FILE, data)


def sqlcipher_key_pragma(key: bytes) -> str:
    """The ``PRAGMA key`` statement for a raw 256-bit key, so SQLCipher runs no KDF on open."""
    if len(key) != MASTER_KEY_BYTES:
        raise ValueError("the master key must be 32 bytes")
    return f"PRAGMA key = \"x'{key.hex()}'\""
