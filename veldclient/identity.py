"""Device identity: an Ed25519 key pair and a self-signed X.509 certificate per profile.

Peers pin each other by the **device id** = SHA-256 of the DER certificate (64 hex), so the
certificate itself is the identity; there is no CA and no trust-on-first-use. Ed25519 is used
because OpenSSL 3 does TLS 1.3 with it (mutual TLS checked on loopback with OpenSSL 3.0.19) and its
signatures also sign audit rows and USB bundles.

Certificate layout (self-signed, ``algorithm=None`` as Ed25519 requires):

- subject CN = ``veld-`` + 32 random hex: unique, because OpenSSL mis-verifies several self-signed
  anchors that share one subject DN; the device id cannot be the CN, it is a hash of the cert;
- O = node id, OU = role, description (2.5.4.13) = the device's human label;
- SAN: DNS ``veld-device`` and URI ``urn:veld:node:<node_id>`` (where the node id is read from);
- valid from one day ago (clock skew between laptops) for 20 years; not a CA; usable for both TLS
  server and client auth, since every device is both.

Files: ``device_key.pem`` (PKCS#8, mode 0600, encrypted when a ``key_password`` is given) and
``device_cert.pem``.
"""

from __future__ import annotations

import base64
import binascii
import datetime as dt
import hashlib
import re
import secrets
from dataclasses import dataclass, field
from pathlib import Path

from cryptography import x509
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ed25519
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID, ObjectIdentifier

from veldclient.errors import ProfileError, UnlockError, ValidationError
from veldclient.files import atomic_write

KEY_FILE = "device_key.pem"
CERT_FILE = "device_cert.pem"
NODE_URN_PREFIX = "urn:veld:node:"
DEVICE_DNS_NAME = "veld-device"
ROLES = ("NURSE", "COORDINATOR", "ADMIN")
VALIDITY = dt.timedelta(days=20 * 365 + 5)  # 20 years including leap days
BACKDATE = dt.timedelta(days=1)

_DESCRIPTION_OID = ObjectIdentifier("2.5.4.13")  # X.520 description, for the device label
_NODE_ID_RE = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
_MAX_LABEL = 64
_GROUP = 7


@dataclass(frozen=True)
class DeviceIdentity:
    """This device's key and certificate; ``device_id`` is what peers pin."""

    device_id: str
    certificate_pem: bytes
    certificate_der: bytes
    node_id: str
    role: str
    label: str
    private_key: ed25519.Ed25519PrivateKey = field(repr=False, compare=False)

    def sign(self, data: bytes) -> bytes:
        """Ed25519 signature over ``data`` (64 bytes); check it with :func:`verify_signature`."""
        return self.private_key.sign(data)

    @property
    def public_key_raw(self) -> bytes:
        """The 32-byte raw public key."""
        return self.private_key.public_key().public_bytes(
            serialization.Encoding.Raw, serialization.PublicFormat.Raw
        )

    @property
    def display_id(self) -> str:
        """The device id in the grouped form people compare when pairing."""
        return format_device_id(self.device_id)


def _invalid(field_name: str, code: str, nl: str, en: str) -> ValidationError:
    return ValidationError.single(field_name, code, nl, en)


def _check_inputs(node_id: str, role: str, label: str) -> tuple[str, str, str]:
    if not (len(node_id) <= 63 and _NODE_ID_RE.match(node_id)):
        raise _invalid(
            "node_id",
            "invalid",
            "Knooppunt-id moet een slug zijn, zoals 'enschede-centrum'.",
            "The node id must be a slug, such as 'enschede-centrum'.",
        )
    code = role.strip().upper()
    if code not in ROLES:
        raise _invalid(
            "role",
            "invalid",
            "Rol moet nurse, coordinator of admin zijn.",
            "The role must be nurse, coordinator or admin.",
        )
    label = label.strip()
    if not label or len(label) > _MAX_LABEL or not label.isprintable():
        raise _invalid(
            "label",
            "invalid",
            f"Naam van het apparaat: 1 tot {_MAX_LABEL} gewone tekens.",
            f"Device name: 1 to {_MAX_LABEL} printable characters.",
        )
    return node_id, code, label


def _build_certificate(
    key: ed25519.Ed25519PrivateKey, node_id: str, role: str, label: str
) -> x509.Certificate:
    name = x509.Name(
        [
            x509.NameAttribute(NameOID.COMMON_NAME, "veld-" + secrets.token_hex(16)),
            x509.NameAttribute(NameOID.ORGANIZATION_NAME, node_id),
            x509.NameAttribute(NameOID.ORGANIZATIONAL_UNIT_NAME, role),
            x509.NameAttribute(_DESCRIPTION_OID, label),
        ]
    )
    public = key.public_key()
    not_before = dt.datetime.now(dt.UTC).replace(microsecond=0) - BACKDATE
    return (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(public)
        .serial_number(x509.random_serial_number())
        .not_valid_before(not_before)
        .not_valid_after(not_before + VALIDITY)
        .add_extension(
            x509.SubjectAlternativeName(
                [
                    x509.DNSName(DEVICE_DNS_NAME),
                    x509.UniformResourceIdentifier(NODE_URN_PREFIX + node_id),
                ]
            ),
            critical=False,
        )
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(
            x509.KeyUsage(
                digital_signature=True,
                content_commitment=False,
                key_encipherment=False,
                data_encipherment=False,
                key_agreement=False,
                key_cert_sign=False,
                crl_sign=False,
                encipher_only=False,
                decipher_only=False,
            ),
            critical=True,
        )
        .add_extension(
            x509.ExtendedKeyUsage([ExtendedKeyUsageOID.SERVER_AUTH, ExtendedKeyUsageOID.CLIENT_AUTH]),
            critical=False,
        )
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(public), critical=False)
        .sign(key, None)
    )


def device_id_of(certificate: x509.Certificate | bytes) -> str:
    """SHA-256 of the DER certificate as 64 lower-case hex: the id peers pin and audit rows name."""
    if isinstance(certificate, bytes):
        certificate = _load_certificate(certificate)
    der = certificate.public_bytes(serialization.Encoding.DER)
    return hashlib.sha256(der).hexdigest()


def _load_certificate(data: bytes | str) -> x509.Certificate:
    raw = data.encode("ascii") if isinstance(data, str) else data
    if raw.lstrip().startswith(b"-----BEGIN"):
        return x509.load_pem_x509_certificate(raw)
    return x509.load_der_x509_certificate(raw)


def _node_id_from(certificate: x509.Certificate) -> str:
    san = certificate.extensions.get_extension_for_class(x509.SubjectAlternativeName).value
    for uri in san.get_values_for_type(x509.UniformResourceIdentifier):
        if uri.startswith(NODE_URN_PREFIX):
            return uri[len(NODE_URN_PREFIX) :]
    raise ValueError("no node URN in the certificate")


def _attribute(certificate: x509.Certificate, oid: ObjectIdentifier) -> str:
    attrs = certificate.subject.get_attributes_for_oid(oid)
    value = attrs[0].value if attrs else ""
    return value if isinstance(value, str) else value.decode("utf-8", "replace")


@dataclass(frozen=True)
class PeerCertificate:
    """What a peer's certificate says about it: read when pairing, never trusted without pairing."""

    device_id: str
    node_id: str
    role: str
    label: str
    certificate_pem: str


def read_peer_certificate(pem: str | bytes) -> PeerCertificate:
    """Parse and self-verify a peer's certificate; a damaged or foreign one is a ValidationError."""
    try:
        cert = _load_certificate(pem)
        cert.verify_directly_issued_by(cert)
        if not isinstance(cert.public_key(), ed25519.Ed25519PublicKey):
            raise ValueError("not an Ed25519 key")
        node_id = _node_id_from(cert)
        _check_inputs(node_id, _attribute(cert, NameOID.ORGANIZATIONAL_UNIT_NAME), "x")
    except (ValueError, TypeError, InvalidSignature, x509.ExtensionNotFound, ValidationError):
        raise _invalid(
            "certificate",
            "invalid",
            "Dit is geen geldig veldclient-apparaatcertificaat.",
            "This is not a valid veldclient device certificate.",
        ) from None
    return PeerCertificate(
        device_id=device_id_of(cert),
        node_id=node_id,
        role=_attribute(cert, NameOID.ORGANIZATIONAL_UNIT_NAME),
        label=_attribute(cert, _DESCRIPTION_OID),
        certificate_pem=cert.public_bytes(serialization.Encoding.PEM).decode("ascii"),
    )


def create_device_identity(
    profile_dir: Path,
    *,
    node_id: str,
    role: str,
    label: str,
    key_password: bytes | None = None,
) -> DeviceIdentity:
    """Make this device's key pair and certificate; refuses if either file already exists, since
    replacing them would change the device id every peer has pinned."""
    node_id, role, label = _check_inputs(node_id, role, label)
    key_path, cert_path = profile_dir / KEY_FILE, profile_dir / CERT_FILE
    for path in (key_path, cert_path):
        if path.exists():
            raise ProfileError(
                f"Er bestaat al een apparaatidentiteit ({path}); die wordt niet overschreven.",
                f"A device identity already exists ({path}); it will not be overwritten.",
            )
    key = ed25519.Ed25519PrivateKey.generate()
    cert = _build_certificate(key, node_id, role, label)
    encryption: serialization.KeySerializationEncryption = (
        serialization.BestAvailableEncryption(key_password) if key_password else serialization.NoEncryption()
    )
    key_pem = key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, encryption)
    cert_pem = cert.public_bytes(serialization.Encoding.PEM)

    profile_dir.mkdir(mode=0o700, parents=True, exist_ok=True)
    try:
        atomic_write(key_path, key_pem, mode=0o600, overwrite=False)
    except FileExistsError:
        raise ProfileError(
            f"Er bestaat al een apparaatidentiteit ({key_path}); die wordt niet overschreven.",
            f"A device identity already exists ({key_path}); it will not be overwritten.",
        ) from None
    try:
        atomic_write(cert_path, cert_pem, mode=0o644, overwrite=False)
    except BaseException:
        key_path.unlink(missing_ok=True)  # only ever both files or neither
        raise
    return DeviceIdentity(
        device_id=device_id_of(cert),
        certificate_pem=cert_pem,
        certificate_der=cert.public_bytes(serialization.Encoding.DER),
        node_id=node_id,
        role=role,
        label=label,
        private_key=key,
    )


def new_key_and_certificate(*, node_id: str, role: str, label: str) -> tuple[bytes, bytes]:
    """A fresh key pair and certificate kept nowhere (PKCS#8 PEM without encryption, certificate
    PEM): an invitation's one-time identity (sync/invitation_file.py), which its holder presents at
    the TLS handshake of its first contact and which is useless once that is over."""
    node_id, role, label = _check_inputs(node_id, role, label)
    key = ed25519.Ed25519PrivateKey.generate()
    cert = _build_certificate(key, node_id, role, label)
    key_pem = key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    )
    return key_pem, cert.public_bytes(serialization.Encoding.PEM)


def encrypt_key_pem(key_pem: bytes, password: bytes | None) -> bytes:
    """The same private key as PKCS#8 PEM, encrypted with ``password`` (as the device key is)."""
    key = serialization.load_pem_private_key(key_pem, password=None)
    encryption: serialization.KeySerializationEncryption = (
        serialization.BestAvailableEncryption(password) if password else serialization.NoEncryption()
    )
    return key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, encryption)


def load_device_identity(profile_dir: Path, key_password: bytes | None = None) -> DeviceIdentity:
    """Read the key and certificate back and check that they belong together."""
    key_path, cert_path = profile_dir / KEY_FILE, profile_dir / CERT_FILE
    try:
        key_pem, cert_pem = key_path.read_bytes(), cert_path.read_bytes()
    except FileNotFoundError as exc:
        raise ProfileError(
            f"Apparaatidentiteit ontbreekt ({exc.filename}): het profiel is onvolledig.",
            f"Device identity is missing ({exc.filename}): the profile is incomplete.",
        ) from None
    try:
        key = serialization.load_pem_private_key(key_pem, password=key_password or None)
    except (TypeError, ValueError) as exc:
        # TypeError: encrypted without a password (or the reverse); ValueError: wrong password or
        # damaged PEM; cryptography does not tell these two apart.
        raise UnlockError(
            f"De apparaatsleutel ({key_path}) kan niet worden geopend: verkeerde sleutel of "
            "beschadigd bestand.",
            f"The device key ({key_path}) cannot be opened: wrong key or damaged file.",
        ) from exc
    damaged = ProfileError(
        f"Apparaatcertificaat {cert_path} is beschadigd of hoort niet bij de apparaatsleutel.",
        f"Device certificate {cert_path} is damaged or does not match the device key.",
    )
    if not isinstance(key, ed25519.Ed25519PrivateKey):
        raise damaged
    try:
        cert = x509.load_pem_x509_certificate(cert_pem)
        cert.verify_directly_issued_by(cert)
        node_id = _node_id_from(cert)
        ours = key.public_key().public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
        theirs = cert.public_key().public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
    except (ValueError, TypeError, InvalidSignature, x509.ExtensionNotFound):
        raise damaged from None
    if ours != theirs:
        raise damaged
    return DeviceIdentity(
        device_id=device_id_of(cert),
        certificate_pem=cert.public_bytes(serialization.Encoding.PEM),
        certificate_der=cert.public_bytes(serialization.Encoding.DER),
        node_id=node_id,
        role=_attribute(cert, NameOID.ORGANIZATIONAL_UNIT_NAME),
        label=_attribute(cert, _DESCRIPTION_OID),
        private_key=key,
    )


def format_device_id(device_id_hex: str) -> str:
    """Show a device id for people to compare, in the style of Syncthing.

    The 32-byte digest in RFC 4648 base32 (A–Z, 2–7), upper-case, without padding: 52 characters,
    in groups of 7 joined by "-" (seven groups of 7 and a last group of 3), for example
    ``ABCDEFG-HIJKLMN-OPQRSTU-VWXYZ23-4567ABC-DEFGHIJ-KLMNOPQ-RST``. No check digits: a typo
    yields a different id, which matches no known peer.
    """
    digest = bytes.fromhex(parse_device_id(device_id_hex))
    text = base64.b32encode(digest).decode("ascii").rstrip("=")
    return "-".join(text[i : i + _GROUP] for i in range(0, len(text), _GROUP))


def parse_device_id(text: str) -> str:
    """Accept a device id as typed or pasted (grouped base32, or hex with or without colons);
    case, spaces and dashes do not matter. Returns 64 lower-case hex.

    In base32 input, 0, 1 and 8 are read as O, I and B: they are not in the base32 alphabet and
    are the usual misreadings.
    """
    compact = re.sub(r"[\s:\-]", "", text).upper()
    if len(compact) == 64 and re.fullmatch(r"[0-9A-F]{64}", compact):
        return compact.lower()
    if len(compact) == 52:
        compact = compact.translate(str.maketrans("018", "OIB"))
        try:
            digest = base64.b32decode(compact + "====")
        except (binascii.Error, ValueError):
            digest = b""
        # The last character carries 4 unused bits; only the canonical spelling is accepted.
        if len(digest) == 32 and base64.b32encode(digest).decode("ascii").rstrip("=") == compact:
            return digest.hex()
    raise ValidationError.single(
        "device_id",
        "invalid",
        "Ongeldig apparaat-id: verwacht 8 groepen base32 (A-Z, 2-7) of 64 hexadecimale tekens.",
        "Invalid device id: expected 8 groups of base32 (A-Z, 2-7) or 64 hexadecimal characters.",
    )


def verify_signature(cert_pem_or_der: bytes | str, data: bytes, signature: bytes) -> bool:
    """True only when ``signature`` is a valid Ed25519 signature over ``data`` by the certificate's
    key; an unreadable certificate or a non-Ed25519 key also gives False, never an exception."""
    try:
        public = _load_certificate(cert_pem_or_der).public_key()
    except (ValueError, TypeError, UnicodeEncodeError):
        return False
    if not isinstance(public, ed25519.Ed25519PublicKey):
        return False
    try:
        public.verify(signature, data)
    except InvalidSignature:
        return False
    return True
