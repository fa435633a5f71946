"""Device identity: certificate contents, device id, grouped display form, signatures."""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import re
import shutil
import stat
from pathlib import Path

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import serialization
from cryptography.x509.oid import NameOID

from veldclient.errors import ProfileError, UnlockError, ValidationError
from veldclient.identity import (
    CERT_FILE,
    KEY_FILE,
    DeviceIdentity,
    create_device_identity,
    format_device_id,
    load_device_identity,
    parse_device_id,
    verify_signature,
)

PASSWORD = b"k" * 32


def make(path: Path, node_id: str = "enschede-centrum", **kw) -> DeviceIdentity:
    return create_device_identity(path, node_id=node_id, role="nurse", label="Laptop 3", **kw)


def test_round_trip_and_device_id_is_sha256_of_der(tmp_path: Path) -> None:
    made = make(tmp_path)
    loaded = load_device_identity(tmp_path)
    assert loaded == made
    cert = x509.load_pem_x509_certificate((tmp_path / CERT_FILE).read_bytes())
    der = cert.public_bytes(serialization.Encoding.DER)
    assert made.device_id == hashlib.sha256(der).hexdigest()
    assert loaded.certificate_der == der
    assert (loaded.node_id, loaded.role, loaded.label) == ("enschede-centrum", "NURSE", "Laptop 3")
    assert stat.S_IMODE((tmp_path / KEY_FILE).stat().st_mode) == 0o600
    assert loaded.public_key_raw == cert.public_key().public_bytes(
        serialization.Encoding.Raw, serialization.PublicFormat.Raw
    )


def test_certificate_contents(tmp_path: Path) -> None:
    made = make(tmp_path / "a")
    other = make(tmp_path / "b")
    cert = x509.load_der_x509_certificate(made.certificate_der)
    cn = cert.subject.get_attributes_for_oid(NameOID.COMMON_NAME)[0].value
    other_cert = x509.load_der_x509_certificate(other.certificate_der)
    assert re.fullmatch(r"veld-[0-9a-f]{32}", str(cn))
    assert other_cert.subject != cert.subject  # unique DN per device, see the TLS anchor gotcha
    assert cert.issuer == cert.subject
    cert.verify_directly_issued_by(cert)
    san = cert.extensions.get_extension_for_class(x509.SubjectAlternativeName).value
    assert san.get_values_for_type(x509.DNSName) == ["veld-device"]
    assert san.get_values_for_type(x509.UniformResourceIdentifier) == ["urn:veld:node:enschede-centrum"]
    now = dt.datetime.now(dt.UTC)
    assert now - dt.timedelta(days=1, minutes=5) < cert.not_valid_before_utc < now
    assert cert.not_valid_after_utc - cert.not_valid_before_utc >= dt.timedelta(days=20 * 365)
    assert cert.extensions.get_extension_for_class(x509.BasicConstraints).value.ca is False


def test_node_id_is_read_from_the_certificate(tmp_path: Path) -> None:
    make(tmp_path, node_id="hengelo-noord")
    assert load_device_identity(tmp_path).node_id == "hengelo-noord"


def test_create_refuses_to_overwrite(tmp_path: Path) -> None:
    made = make(tmp_path)
    with pytest.raises(ProfileError):
        make(tmp_path)
    assert load_device_identity(tmp_path).device_id == made.device_id


def test_encrypted_private_key(tmp_path: Path) -> None:
    made = make(tmp_path, key_password=PASSWORD)
    assert b"ENCRYPTED PRIVATE KEY" in (tmp_path / KEY_FILE).read_bytes()
    assert load_device_identity(tmp_path, PASSWORD).device_id == made.device_id
    for wrong in (None, b"x" * 32):
        with pytest.raises(UnlockError):
            load_device_identity(tmp_path, wrong)


def test_missing_or_mismatched_files(tmp_path: Path) -> None:
    with pytest.raises(ProfileError):
        load_device_identity(tmp_path / "nothing")
    make(tmp_path / "a")
    make(tmp_path / "b")
    shutil.copy(tmp_path / "b" / CERT_FILE, tmp_path / "a" / CERT_FILE)
    with pytest.raises(ProfileError):
        load_device_identity(tmp_path / "a")


@pytest.mark.parametrize(
    ("field", "kw"),
    [
        ("node_id", {"node_id": "Enschede Centrum"}),
        ("node_id", {"node_id": ""}),
        ("role", {"role": "boss"}),
        ("label", {"label": "  "}),
        ("label", {"label": "x" * 65}),
    ],
)
def test_bad_inputs_are_validation_errors(tmp_path: Path, field: str, kw: dict) -> None:
    args = {"node_id": "enschede-centrum", "role": "nurse", "label": "Laptop", **kw}
    with pytest.raises(ValidationError) as err:
        create_device_identity(tmp_path, **args)
    assert err.value.for_field(field)
    assert list(tmp_path.iterdir()) == []


# --- display form --------------------------------------------------------------------------------


def test_format_and_parse_round_trip(tmp_path: Path) -> None:
    device_id = make(tmp_path).device_id
    shown = format_device_id(device_id)
    groups = shown.split("-")
    assert [len(g) for g in groups] == [7] * 7 + [3]
    assert re.fullmatch(r"[A-Z2-7-]+", shown)
    assert parse_device_id(shown) == device_id
    assert parse_device_id(" " + shown.lower().replace("-", " ") + "\n") == device_id
    assert parse_device_id(device_id.upper()) == device_id
    colons = ":".join(device_id[i : i + 2] for i in range(0, 64, 2))
    assert parse_device_id(colons) == device_id


def test_known_vector_and_misread_digits() -> None:
    device_id = hashlib.sha256(b"veld").hexdigest()
    shown = format_device_id(device_id)
    expected = base64.b32encode(bytes.fromhex(device_id)).decode().rstrip("=")
    assert shown.replace("-", "") == expected
    misread = shown.replace("O", "0").replace("I", "1").replace("B", "8")
    assert parse_device_id(misread) == device_id
    assert format_device_id(device_id) == format_device_id(device_id.upper())


@pytest.mark.parametrize(
    "text",
    [
        "",
        "abc",
        "g" * 64,
        "a" * 63,
        "A" * 51,
        "A" * 53,
        "AAAAAAA-AAAAAAA-AAAAAAA-AAAAAAA-AAAAAAA-AAAAAAA-AAAAAAA-AA9",
        "AAAAAAA-AAAAAAA-AAAAAAA-AAAAAAA-AAAAAAA-AAAAAAA-AAAAAAA-AAB",  # non-zero spare bits
    ],
)
def test_parse_rejects_bad_input(text: str) -> None:
    with pytest.raises(ValidationError) as err:
        parse_device_id(text)
    assert err.value.for_field("device_id")


# --- signatures ----------------------------------------------------------------------------------


def test_signature_verifies_and_a_flipped_bit_fails(tmp_path: Path) -> None:
    me = make(tmp_path / "a")
    other = make(tmp_path / "b")
    data = b"audit row 42"
    sig = me.sign(data)
    assert len(sig) == 64
    assert verify_signature(me.certificate_pem, data, sig)
    assert verify_signature(me.certificate_der, data, sig)
    assert verify_signature(me.certificate_pem.decode(), data, sig)
    flipped = bytes([sig[0] ^ 0x01]) + sig[1:]
    assert not verify_signature(me.certificate_pem, data, flipped)
    assert not verify_signature(me.certificate_pem, b"audit row 43", sig)
    assert not verify_signature(other.certificate_pem, data, sig)
    assert not verify_signature(b"not a certificate", data, sig)
