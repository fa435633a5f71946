"""Hostile files on a stick: one bad file is that file's refusal (quarantined or listed, audited),
never the end of the folder; whatever a header, a manifest or a payload holds, the good bundle next
to it is imported. Headers and signed manifests are mutated by hypothesis with a fixed seed."""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import subprocess
import sys
import zlib
from dataclasses import replace
from pathlib import Path

import cbor2
import pyrage
import pytest
from bundlehelpers import GOOD, audit_events, sites
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st
from testenv import FROZEN_NOW_MS, PASSPHRASE

from veldclient.services import bundles, clients
from veldclient.sync import age_keys, bundle
from veldclient.sync.bundle import Header

BAD_SENDER = "0" * 63 + "g"
HOSTILE = "veld-hengelo-000099-ffffffffffffffff.vbundle"


@pytest.fixture(scope="module")
def laptops(tmp_path_factory):
    """A sender and a receiver of hengelo, paired, with a good bundle on a stick (built once: the
    hypothesis tests import the same good bundle again and again, a no-op after the first time)."""
    home = tmp_path_factory.mktemp("hostile-home")
    with pytest.MonkeyPatch.context() as env:
        env.setenv("VELD_HOME", str(home))
        env.setenv("PYTHON_KEYRING_BACKEND", "keyring.backends.fail.Keyring")
        env.setenv("VELD_KDF_MEMORY_KIB", "8192")
        sender, receiver = sites(("s", "hengelo", "nurse"), ("r", "hengelo", "nurse"))
        for i in range(3):
            clients.register_client(sender, {**GOOD, "name": f"Client {i}"})
        good = bundles.export_bundle(sender, ["r"], home / "exports").path
    yield sender, receiver, good, home
    sender.close()
    receiver.close()


@pytest.fixture(autouse=True)
def isolated_env(isolated_env, laptops, monkeypatch):
    """These tests share the module's two profiles: their data root, not a fresh one per test."""
    monkeypatch.setenv("VELD_HOME", str(laptops[3]))
    return laptops[3]


def split(data: bytes) -> tuple[bytes, dict, bytes]:
    """(magic + version, decoded header, signature + ciphertext)."""
    length = int.from_bytes(data[9:13], "big")
    return data[:9], cbor2.loads(data[13 : 13 + length]), data[13 + length :]


def join(start: bytes, raw_header: bytes, rest: bytes) -> bytes:
    return start + len(raw_header).to_bytes(4, "big") + raw_header + rest


def with_header(good: Path, **fields) -> bytes:
    start, header, rest = split(good.read_bytes())
    return join(start, cbor2.dumps({**header, **fields}, canonical=True), rest)


def stick_with(tmp: Path, good: Path, hostile: bytes, name: str = HOSTILE) -> Path:
    stick = tmp / "stick"
    if stick.exists():
        shutil.rmtree(stick)
    stick.mkdir(parents=True)
    shutil.copy(good, stick / good.name)
    (stick / name).write_bytes(hostile)
    return stick


def accounted(folder: bundles.FolderResult) -> dict[str, str]:
    """Every file of the folder with what became of it."""
    out = {Path(r.file).name: r.status for r in folder.imported}
    out.update({name: "failed" for name, _, _ in folder.failed})
    out.update({name: f"ignored:{code}" for name, code in folder.ignored})
    return out


def test_an_invalid_sender_id_refuses_that_file_and_imports_the_rest(laptops, tmp_path):
    """The whole stick through `veld bundle import DIR` in a process of its own, as a nurse runs it."""
    sender, receiver, good, home = laptops
    stick = stick_with(tmp_path, good, with_header(good, sender_device=BAD_SENDER))
    env = {
        **os.environ,
        "VELD_HOME": str(home),
        "VELD_PASSPHRASE": PASSPHRASE,
        "VELD_KDF_MEMORY_KIB": "8192",
        "VELD_NOW": str(FROZEN_NOW_MS),
    }
    errors_before = len([o for o, _ in audit_events(receiver, "bundle.import") if o == "error"])
    runs = {}
    for lang in ("en", "nl"):
        runs[lang] = subprocess.run(
            [sys.executable, "-m", "veldclient", "--profile", "r", "bundle", "import", str(stick)],
            capture_output=True,
            text=True,
            env={**env, "VELD_LANG": lang},
            timeout=120,
            stdin=subprocess.DEVNULL,
        )
    english, dutch = runs["en"], runs["nl"]
    assert english.returncode == 2, english.stderr
    assert "Traceback" not in english.stderr and english.stderr.count("\n") == 1
    assert english.stderr.startswith(f"veld: {HOSTILE}: Bundle is damaged or truncated"), english.stderr
    assert "Copy quarantined:" in english.stderr
    assert f"{good.name}: from s (hengelo), sequence 1" in english.stdout
    assert dutch.returncode == 2 and dutch.stderr.startswith(f"veld: {HOSTILE}: Bundel is beschadigd")
    assert f"{good.name}: al eerder ingelezen" in dutch.stdout
    names = {r[0] for r in receiver.db.execute("SELECT name FROM clients")}
    assert {f"Client {i}" for i in range(3)} <= names, "the good bundle was imported"
    kept = bundles.quarantine_dir(receiver) / HOSTILE
    reason = json.loads((kept.parent / (HOSTILE + ".reason.json")).read_text())
    assert kept.exists() and reason["code"] == "damaged"
    refusals = [json.loads(d) for o, d in audit_events(receiver, "bundle.import") if o == "error"]
    assert len(refusals) == errors_before + 2
    assert refusals[-1]["file"] == HOSTILE


# -- mutated headers ---------------------------------------------------------------------------

ids = st.one_of(
    st.sampled_from(["", BAD_SENDER, "0" * 64, "g" * 52, "A" * 64, "hengelo", "s", "../../etc", "\x00"]),
    st.text(max_size=80),
)
counts = st.one_of(st.integers(min_value=-(2**70), max_value=2**70), st.sampled_from([0, -1, 2**32, 2**64]))
# per field: a value of the right type but hostile, or anything at all
FIELDS = {
    "bundle_id": ids,
    "kind": st.sampled_from(["data", "ack", "", "DATA", "full"]),
    "sender_device": ids,
    "sender_node": ids,
    "seq": counts,
    "created_at": counts,
    "recipients": st.lists(ids, max_size=3),
    "recipient_nodes": st.lists(st.one_of(ids, st.just("hengelo")), max_size=3),
    "cipher_len": counts,
    "cipher_sha256": st.binary(max_size=40),
}
scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(2**70), max_value=2**70),
    st.floats(allow_nan=True),
    st.text(max_size=80),
    st.binary(max_size=80),
    st.sampled_from(["", BAD_SENDER, "0" * 64, "g" * 52, "A" * 64, "hengelo", "../../etc", "\x00"]),
)
values = st.recursive(
    scalars,
    lambda inner: st.one_of(
        st.lists(inner, max_size=4), st.dictionaries(st.text(max_size=10), inner, max_size=4)
    ),
    max_leaves=12,
)


@st.composite
def hostile_headers(draw, original: bytes) -> bytes:
    """A header as a careless or hostile exporter might write it: fields replaced or dropped,
    bytes flipped, cut or extended, or a length prefix that lies."""
    start, header, rest = split(original)
    how = draw(st.sampled_from(["field", "drop", "flip", "cut", "length", "junk"]))
    if how == "field":
        name = draw(st.sampled_from(sorted(FIELDS)))
        header[name] = draw(st.one_of(FIELDS[name], values))
        return join(start, cbor2.dumps(header), rest)
    if how == "drop":
        header.pop(draw(st.sampled_from(sorted(FIELDS))))
        return join(start, cbor2.dumps(header), rest)
    raw = bytearray(cbor2.dumps(header, canonical=True))
    if how == "flip":
        for at in draw(st.lists(st.integers(0, len(raw) - 1), min_size=1, max_size=6)):
            raw[at] ^= draw(st.integers(1, 255))
        return join(start, bytes(raw), rest)
    if how == "cut":
        return join(start, bytes(raw[: draw(st.integers(0, len(raw) - 1))]), rest)
    if how == "length":
        length = draw(st.integers(0, 2**32 - 1))
        return start + length.to_bytes(4, "big") + bytes(raw) + rest
    return join(start, draw(st.binary(min_size=1, max_size=400)), rest)


# fixed seed, no example database: the same examples on every machine and every run
FUZZ = settings(
    derandomize=True,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)


def _audited_refusals(session) -> int:
    return sum(1 for outcome, _ in audit_events(session, "bundle.import") if outcome == "error")


@settings(FUZZ, max_examples=150)
@given(data=st.data())
def test_a_mutated_header_is_that_files_refusal(laptops, tmp_path, data):
    sender, receiver, good, _ = laptops
    hostile = data.draw(hostile_headers(good.read_bytes()))
    stick = stick_with(tmp_path, good, hostile)
    refusals = _audited_refusals(receiver)
    folder = bundles.import_folder(receiver, stick)
    fate = accounted(folder)
    event(fate[HOSTILE] + "".join(f" {nl[:40]}" for name, nl, _ in folder.failed if name == HOSTILE))
    assert set(fate) == {good.name, HOSTILE}
    assert fate[good.name] in ("imported", "duplicate")
    if fate[HOSTILE] == "failed":
        assert _audited_refusals(receiver) == refusals + 1
        note = bundles.quarantine_dir(receiver) / (HOSTILE + ".reason.json")
        assert json.loads(note.read_text())["code"]
    elif fate[HOSTILE] in ("imported", "duplicate"):
        # only a header equal to the signed one can pass the signature check
        assert bundle.read_header(stick / HOSTILE) == bundle.read_header(good)
    else:
        assert fate[HOSTILE] in ("ignored:other_node", "ignored:own", "ignored:not_bundle")


# -- signed by a paired sender, hostile inside ---------------------------------------------------


def _signed(sender, header: Header, ciphertext: bytes) -> bytes:
    """A file signed by the sender around any ciphertext at all (what ``bundle.seal`` writes)."""
    full = replace(header, cipher_len=len(ciphertext), cipher_sha256=hashlib.sha256(ciphertext).digest())
    raw = full.as_cbor()
    signed = bundle.MAGIC + bytes([bundle.VERSION]) + len(raw).to_bytes(4, "big") + raw
    return signed + sender.device.sign(b"veld-bundle-v1\x00" + signed) + ciphertext


def _sealed(sender, receiver, kind: str, plaintext: bytes, seq: int, age_damage=None) -> bytes:
    header = Header(
        bundle_id=f"{seq:016x}",
        kind=kind,
        sender_device=sender.actor.device_id,
        sender_node=sender.actor.node_id,
        seq=seq,
        created_at=FROZEN_NOW_MS,
        recipients=(receiver.actor.device_id,),
        recipient_nodes=(receiver.actor.node_id,),
    )
    to = [age_keys.recipient_for_certificate(receiver.device.certificate_pem)]
    if age_damage is None:
        return bundle.seal(header, plaintext, sender.device, to)
    return _signed(sender, header, age_damage(pyrage.encrypt(plaintext, to)))


def _identity(sender, receiver, seq: int) -> dict:
    return {
        "bundle_id": f"{seq:016x}",
        "kind": "data",
        "sender_device": sender.actor.device_id,
        "sender_node": sender.actor.node_id,
        "seq": seq,
        "created_at": FROZEN_NOW_MS,
        "recipients": [receiver.actor.device_id],
        "recipient_nodes": [receiver.actor.node_id],
    }


@st.composite
def hostile_manifests(draw, sender, receiver, seq: int) -> tuple[str, bytes]:
    """(kind, plaintext) as a compromised but still paired laptop could seal them: junk, broken
    deflate, CBOR that is not a manifest, entries of the wrong shape, payloads that are not
    Automerge, acknowledgements that are not heads."""
    how = draw(st.sampled_from(["junk", "deflate", "cbor", "entries", "payload", "acks"]))
    if how == "junk":
        return "data", draw(st.binary(max_size=300))
    if how == "deflate":
        return "data", zlib.compress(cbor2.dumps({"v": 1}), 1)[: draw(st.integers(0, 8))]
    if how == "cbor":
        return "data", zlib.compress(cbor2.dumps(draw(values)), 1)
    body = {"v": 1, **_identity(sender, receiver, seq), "docs": [], "acks": []}
    if how == "entries":
        body["docs"] = draw(st.lists(values, min_size=1, max_size=3))
    elif how == "payload":
        payload = draw(st.binary(max_size=200))
        doc_id = draw(st.sampled_from(["case:" + "a" * 32, "node:hengelo", "share:x", "nonsense", ""]))
        kind = draw(st.sampled_from(["full", "delta"]))
        after = draw(st.lists(st.binary(min_size=32, max_size=32), max_size=2))
        body["docs"] = [[doc_id, kind, [], after, hashlib.sha256(payload).digest(), payload]]
    else:
        body["kind"] = "ack"
        body["acks"] = draw(
            st.lists(
                st.one_of(
                    st.lists(values, max_size=3),
                    st.tuples(st.sampled_from(["node:hengelo", "case:x"]), st.text(max_size=80)),
                ),
                min_size=1,
                max_size=3,
            )
        )
    return body["kind"], zlib.compress(cbor2.dumps(body), 1)


_seq = iter(range(1000, 10_000))


@settings(FUZZ, max_examples=100)
@given(data=st.data())
def test_a_signed_bundle_with_hostile_contents_is_that_files_refusal(laptops, tmp_path, data):
    sender, receiver, good, _ = laptops
    seq = next(_seq)
    kind, plaintext = data.draw(hostile_manifests(sender, receiver, seq))
    age_damage = None
    if data.draw(st.booleans()):  # or the age ciphertext itself is cut, flipped or junk
        how = data.draw(st.sampled_from(["cut", "flip", "junk"]))
        at = data.draw(st.integers(0, 10_000))
        junk = data.draw(st.binary(max_size=300))
        age_damage = {
            "cut": lambda c: c[: at % len(c)],
            "flip": lambda c: c[: at % len(c)] + bytes([c[at % len(c)] ^ 0x20]) + c[at % len(c) + 1 :],
            "junk": lambda c: junk,
        }[how]
    sealed = _sealed(sender, receiver, kind, plaintext, seq, age_damage)
    stick = stick_with(tmp_path, good, sealed)
    folder = bundles.import_folder(receiver, stick)
    fate = accounted(folder)
    event(fate[HOSTILE] + "".join(f" {en[:60]}" for name, _, en in folder.failed if name == HOSTILE))
    assert fate[good.name] in ("imported", "duplicate")
    assert fate[HOSTILE] in ("failed", "imported")
    # whatever got in must not break the next export to that sender
    bundles.export_bundle(receiver, ["s"], tmp_path / "back")


# -- size before bytes -------------------------------------------------------------------------

BIG = 512 << 20
MEMORY_BOUND = 160 << 20  # a veld process importing a small bundle peaks at ~60 MB


def _sparse_bundle(path: Path, start: bytes) -> Path:
    """``start`` (prefix, header, signature) then zeros up to 512 MiB, without using the disk."""
    with path.open("wb") as f:
        f.write(start)
        f.truncate(BIG)
    return path


def _big_header(sender_device: str, sign=None) -> bytes:
    header = Header(
        bundle_id="ab" * 8,
        kind="data",
        sender_device=sender_device,
        sender_node="hengelo",
        seq=7,
        created_at=FROZEN_NOW_MS,
        recipients=("cd" * 32,),
        recipient_nodes=("hengelo",),
        cipher_len=0,
        cipher_sha256=bytes(32),
    )
    for _ in range(2):  # the declared length is the rest of the file, whatever the header's length
        raw = header.as_cbor()
        signed_len = 13 + len(raw)
        header = replace(header, cipher_len=BIG - signed_len - 64)
    raw = header.as_cbor()
    signed = bundle.MAGIC + bytes([bundle.VERSION]) + len(raw).to_bytes(4, "big") + raw
    return signed + (sign(b"veld-bundle-v1\x00" + signed) if sign else bytes(64))


# `veld bundle import` in-process, then its own peak: VmHWM belongs to the process image, so it
# starts at exec. (A child's ru_maxrss would also count the copy of the parent made by fork before
# exec: the test process's own size, hundreds of MiB late in a full run.)
_MEASURED_IMPORT = """
import sys
from veldclient.cli import main
try:
    main(["--profile", "r", "bundle", "import", sys.argv[1]])
    code = 0
except SystemExit as exc:
    code = exc.code if isinstance(exc.code, int) else 1
with open("/proc/self/status") as status:
    peak = next(int(line.split()[1]) for line in status if line.startswith("VmHWM:"))
print(peak * 1024)
sys.exit(code)
"""


def _import_measured(home: Path, path: Path) -> tuple[int, str, int]:
    """(exit code, stderr, peak resident bytes) of `veld bundle import` in a child process."""
    done = subprocess.run(
        [sys.executable, "-c", _MEASURED_IMPORT, str(path)],
        capture_output=True,
        text=True,
        stdin=subprocess.DEVNULL,
        timeout=300,
        env={
            **os.environ,
            "VELD_HOME": str(home),
            "VELD_PASSPHRASE": PASSPHRASE,
            "VELD_KDF_MEMORY_KIB": "8192",
            "VELD_NOW": str(FROZEN_NOW_MS),
            "VELD_LANG": "en",
        },
    )
    return done.returncode, done.stderr, int(done.stdout.strip().splitlines()[-1])


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="peak memory read from /proc (Linux)")
@pytest.mark.parametrize("sender", ["unpaired", "paired"])
def test_a_512_mib_file_is_refused_from_its_header_in_bounded_memory(laptops, tmp_path, sender):
    """An unpaired device's file is refused at the sender; a paired sender's signed header that
    declares more than the limit is refused before the ciphertext is read. Either way the process
    stays far below the file's size, and quarantine keeps a bounded start plus the whole file's hash."""
    s, receiver, _, home = laptops
    if sender == "unpaired":
        start, expected = _big_header("ef" * 32), "Unknown device"
    else:
        start, expected = _big_header(s.actor.device_id, s.device.sign), "Bundle is too large"
    path = _sparse_bundle(tmp_path / f"veld-hengelo-000007-{sender}.vbundle", start)
    refusals = _audited_refusals(receiver)
    code, stderr, peak = _import_measured(home, path)
    assert code == 2 and stderr.count("\n") == 1 and expected in stderr, stderr
    assert peak < MEMORY_BOUND, f"peak {peak >> 20} MiB for a {BIG >> 20} MiB file"
    kept = bundles.quarantine_dir(receiver) / path.name
    assert kept.read_bytes() == start + bytes(bundles.QUARANTINE_PREFIX - len(start))
    note = json.loads((kept.parent / (path.name + ".reason.json")).read_text())
    whole = hashlib.sha256()
    with path.open("rb") as f:
        while block := f.read(1 << 20):
            whole.update(block)
    assert note["size"] == BIG and note["sha256"] == whole.hexdigest()
    assert note["kept_bytes"] == bundles.QUARANTINE_PREFIX
    assert _audited_refusals(receiver) == refusals + 1


def test_a_decompression_bomb_from_a_paired_sender_is_refused_clearly(laptops, tmp_path, monkeypatch):
    """The inflated manifest is bounded (MAX_INFLATED); here the limit is lowered so the bomb is small."""
    s, receiver, good, _ = laptops
    monkeypatch.setattr(bundle, "MAX_INFLATED", 1 << 20)
    bomb = zlib.compress(bytes(4 << 20), 9)
    path = tmp_path / "veld-hengelo-000500-bomb.vbundle"
    path.write_bytes(_sealed(s, receiver, "data", bomb, 500))
    with pytest.raises(bundle.BundleRefused) as caught:
        bundles.import_bundle(receiver, path)
    assert caught.value.code == "too_large"
    assert "more than 1 MiB" in caught.value.en and "meer dan 1 MiB" in caught.value.nl
