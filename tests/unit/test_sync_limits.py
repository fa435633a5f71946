"""No paired peer can lock the server, and no peer can hang the client (issue 15, item 3).

Every call carries at most ``limits.MAX_IDS`` ids (the client splits its own requests; a server
refuses more with 413), every call has a time limit after which the server answers what it has or
says "busy" (503) and lets go of its locks, and the client bounds the rounds a peer can make it do.
Waits here are generous upper bounds that only fail when something hangs, never timing assertions.
"""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import httpx
import pytest
from synchelpers import GOOD, LoopbackServer, Mesh, Wire, devices, served_pair

from veldclient.services import clients, sync_service
from veldclient.store.repo import doc_id_for
from veldclient.sync import answering, limits, peers, running, tls, wire
from veldclient.sync.answering import PeerServer
from veldclient.sync.report import SyncFailed, SyncReport

HANG = 90.0  # seconds: only a server that does not answer at all takes this long
TESTS = Path(__file__).resolve().parents[1]


def _fake_ids(n: int) -> list[list[Any]]:
    return [[f"case:made-up-{i:08d}", b"\0" * 8] for i in range(n)]


@pytest.fixture
def served():
    with served_pair() as trio:
        yield trio


@contextmanager
def _raw_client(b, server: LoopbackServer) -> Iterator[tuple[httpx.Client, str]]:
    """A paired device speaking the wire protocol by hand, as a hostile or broken peer would."""
    peer = peers.find(b.db, "a")
    ctx = tls.client_context(b.profile.dir, b.key_password, peer.cert_pem)
    with httpx.Client(verify=ctx, base_url=f"https://{server.address}", timeout=HANG) as http:
        hello = wire.decode(http.post("/v1/hello", content=wire.encode({"proto": 1})).content)
        yield http, hello["session"]


def test_a_manifest_of_100000_made_up_ids_is_answered_at_once_and_the_next_sync_succeeds(served):
    a, b, server = served
    client = clients.register_client(a, GOOD)
    with _raw_client(b, server) as (http, session):
        body = {"session": session, "seq": 1, "since": 0, "have": _fake_ids(100_000)}
        response = http.post("/v1/manifest", content=wire.encode(body))
    assert response.status_code == 413
    assert f"at most {limits.MAX_IDS}" in response.text
    report = sync_service.sync_peer(b, "a")  # right after: the server is free
    assert report.fetched >= 1
    assert b.repo.store.exists(doc_id_for("case", client.id))


@pytest.mark.parametrize(
    ("op", "field", "item"),
    [
        ("manifest", "have", lambda i: [f"case:x{i}", b"\0" * 8]),
        ("manifest", "want", lambda i: f"case:x{i}"),
        ("fetch", "ids", lambda i: f"case:x{i}"),
        ("push", "docs", lambda i: [f"case:x{i}", b""]),
        ("sync", "msgs", lambda i: [f"case:x{i}", b""]),
        ("ack", "docs", lambda i: [f"case:x{i}", b"\0" * 8]),
    ],
)
def test_every_call_refuses_more_ids_than_the_limit_with_a_clear_413(served, op, field, item):
    _, b, server = served
    with _raw_client(b, server) as (http, session):
        body = {"session": session, "seq": 1, field: [item(i) for i in range(limits.MAX_IDS + 1)]}
        response = http.post(f"/v1/{op}", content=wire.encode(body))
        assert response.status_code == 413, response.text
        assert response.text == (
            f"Too many ids in one request: {limits.MAX_IDS + 1} in '{field}', at most {limits.MAX_IDS}."
        )
        hello = http.post("/v1/hello", content=wire.encode({"proto": 1}))
    assert wire.decode(hello.content)["max_ids"] == limits.MAX_IDS, "the limit is announced"


class Limited:
    """A transport that fails the test when a request lists more ids than the limit."""

    def __init__(self, inner, limit: int) -> None:
        self.inner = inner
        self.limit = limit
        self.seen: dict[str, int] = {}

    def __call__(self, op: str, body: dict[str, Any]) -> dict[str, Any]:
        for key in ("have", "want", "ids", "docs", "msgs"):
            n = len(body.get(key) or [])
            assert n <= self.limit, f"{op} lists {n} {key}"
            self.seen[op] = max(self.seen.get(op, 0), n)
        return self.inner(op, body)


def _run(mesh: Mesh, client: str, server: str, wrap) -> SyncReport:
    """One run of ``client`` against ``server`` over a transport wrapped by ``wrap``."""
    replica = mesh.replicas[client]
    target = mesh.replicas[server].session
    peer = peers.find(replica.session.db, target.actor.device_id)
    transport = wrap(Wire(mesh.servers[server], replica.session.actor.device_id))
    link = mesh.links.setdefault((client, server), running.Link())
    runner = running.SyncClient(replica, peer, transport, link)
    try:
        return runner.run()
    finally:
        mesh.links[(client, server)] = runner.link


def test_a_laptop_with_more_documents_than_the_limit_splits_every_call_and_converges(monkeypatch):
    monkeypatch.setattr(limits, "MAX_IDS", 4)
    with devices(("a", "hengelo", "nurse"), ("b", "hengelo", "nurse")) as (a, b):
        for i in range(9):
            clients.register_client(a, {**GOOD, "name": f"Hub {i}"})
            clients.register_client(b, {**GOOD, "name": f"Laptop {i}"})
        mesh = Mesh(a, b)
        limited: list[Limited] = []

        def wrap(inner):
            limited.append(Limited(inner, 4))
            return limited[-1]

        first = _run(mesh, "b", "a", wrap)
        assert first.fetched >= 9 and first.pushed >= 9 and not first.unconverged
        for i in range(9):  # both sides change: a sync round of more messages than the limit
            clients.update_client(a, _client_id(a, f"Laptop {i}"), {"address": f"Hubweg {i}"})
            clients.update_client(b, _client_id(b, f"Hub {i}"), {"address": f"Laptopweg {i}"})
        second = _run(mesh, "b", "a", wrap)
        assert second.merged >= 9 and not second.unconverged, second
        quiet = _run(mesh, "b", "a", wrap)
        assert not quiet.moved, quiet
        assert a.db.execute("SELECT count(*) FROM clients").fetchone()[0] == 18
        assert _heads(a) == _heads(b)
        seen = {op: max(w.seen.get(op, 0) for w in limited) for op in ("manifest", "fetch", "push", "sync")}
        assert seen == {"manifest": 4, "fetch": 4, "push": 4, "sync": 4}, seen


def _client_id(session, name: str) -> str:
    return session.db.execute("SELECT id FROM clients WHERE name = ?", [name]).fetchone()[0]


def _heads(session) -> dict[str, str]:
    return dict(session.db.execute("SELECT doc_id, heads FROM am_docs WHERE kind = 'case'"))


def test_manifest_handling_is_linear_in_the_ids_listed(tmp_path):
    """200,000 made-up ids (the limit lifted) in a process of its own: a list built in quadratic
    time takes many minutes here; linear work takes seconds. The timeout only catches a hang."""
    script = textwrap.dedent(
        """
        from synchelpers import devices
        from veldclient.sync.answering import PeerServer
        from veldclient.sync.replica import Replica
        try:
            from veldclient.sync import limits
            limits.MAX_IDS = 1_000_000
            limits.CALL_TIME_S = 1e9
        except ImportError:
            pass
        with devices(("a", "hengelo", "nurse"), ("b", "hengelo", "nurse")) as (a, b):
            server = PeerServer(Replica(a))
            device = b.actor.device_id
            hello = server.handle(device, "hello", {"proto": 1})
            have = [[f"case:made-up-{i:08d}", b"\\0" * 8] for i in range(200_000)]
            held = sorted(d for (d,) in a.db.execute("SELECT doc_id FROM am_docs"))
            have += [[d, b"\\0" * 8] for d in held]
            body = {"session": hello["session"], "seq": 1, "since": 0, "have": have}
            answer = server.handle(device, "manifest", body)
            assert len(answer["missing"]) == 200_000, len(answer["missing"])
            assert sorted(answer["ignored"]) == [], answer["ignored"]
            assert sorted(d for d, _ in answer["docs"]) == held
        print("ok")
        """
    )
    env = {**os.environ, "PYTHONPATH": str(TESTS)}
    done = subprocess.run(
        [sys.executable, "-c", script], env=env, capture_output=True, text=True, timeout=180, cwd=tmp_path
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "ok"


class SteppingClock:
    """Each reading is a second later: a call reads the clock a few times, so its time runs out."""

    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        self.now += 1.0
        return self.now


class Answers:
    """Keeps every answer, to see what the server deferred."""

    def __init__(self, inner) -> None:
        self.inner = inner
        self.answers: list[tuple[str, dict[str, Any]]] = []

    def __call__(self, op: str, body: dict[str, Any]) -> dict[str, Any]:
        answer = self.inner(op, body)
        self.answers.append((op, answer))
        return answer

    def deferred(self, op: str) -> int:
        return sum(len(a.get("rest") or []) for o, a in self.answers if o == op)


def test_a_call_out_of_time_answers_what_it_has_and_the_run_still_converges(monkeypatch):
    monkeypatch.setattr(limits, "CALL_TIME_S", 2.5)
    monkeypatch.setattr(limits, "SLICE", 2)
    monkeypatch.setattr(answering, "FETCH_SLICE", 2)
    monkeypatch.setattr(answering, "SESSION_TTL_S", 1e9)
    with devices(("a", "hengelo", "nurse"), ("b", "hengelo", "nurse")) as (a, b):
        for i in range(8):
            clients.register_client(a, {**GOOD, "name": f"Hub {i}"})
            clients.register_client(b, {**GOOD, "name": f"Laptop {i}"})
        mesh = Mesh(a, b)
        mesh.servers["a"] = PeerServer(mesh.replicas["a"], clock=SteppingClock())
        seen: list[Answers] = []

        def wrap(inner):
            seen.append(Answers(inner))
            return seen[-1]

        _run(mesh, "b", "a", wrap)
        for i in range(8):
            clients.update_client(a, _client_id(a, f"Laptop {i}"), {"address": f"Hubweg {i}"})
            clients.update_client(b, _client_id(b, f"Hub {i}"), {"address": f"Laptopweg {i}"})
        report = _run(mesh, "b", "a", wrap)
        assert not report.unconverged, report
        assert _heads(a) == _heads(b)
        assert a.db.execute("SELECT count(*) FROM clients").fetchone()[0] == 16
        assert seen[0].deferred("fetch") and seen[0].deferred("push"), seen[0].answers
        assert seen[1].deferred("sync"), seen[1].answers


def test_a_call_that_cannot_have_the_replica_in_time_is_told_busy_and_nothing_waits_for_long(monkeypatch):
    """The app's own work holds the replica (a long save): a call gives up after its time with 503,
    the client tries a few times, then ends with one clear line; once free, a run succeeds."""
    monkeypatch.setattr(limits, "CALL_TIME_S", 0.2)
    monkeypatch.setattr(limits, "BUSY_WAITS_S", (0.0, 0.0))
    with devices(("a", "hengelo", "nurse"), ("b", "hengelo", "nurse")) as (a, b):
        clients.register_client(a, GOOD)
        mesh = Mesh(a, b)
        taken, release = threading.Event(), threading.Event()

        def hold() -> None:
            with mesh.replicas["a"].locked():
                taken.set()
                release.wait(HANG)

        holder = threading.Thread(target=hold)
        holder.start()
        try:
            assert taken.wait(HANG)
            with pytest.raises(SyncFailed) as busy:
                mesh.sync("b", "a")
            assert busy.value.message("en") == "a is busy; nothing is lost, try again in a moment."
            assert busy.value.message("nl") == "a is bezig; er is niets verloren, probeer het zo opnieuw."
        finally:
            release.set()
            holder.join(HANG)
        report, _ = mesh.sync("b", "a")
        assert report.fetched >= 1


class Relisting:
    """A hostile server: every fetch answer sends one document the client already has and lists
    every id it was asked for as still to come, forever."""

    def __init__(self, inner) -> None:
        self.inner = inner
        self.first: list[Any] | None = None
        self.calls = 0

    def __call__(self, op: str, body: dict[str, Any]) -> dict[str, Any]:
        self.calls += 1
        assert self.calls < 500, "the client keeps asking: it would never stop"
        answer = self.inner(op, body)
        if op == "fetch":
            if self.first is None:
                self.first = answer["docs"][0]
            answer = {**answer, "docs": [self.first], "rest": list(body["ids"])}
        return answer


class NeverTaking:
    """A hostile server that answers every push with 'not taken yet, send it again'."""

    def __init__(self, inner) -> None:
        self.inner = inner
        self.calls = 0

    def __call__(self, op: str, body: dict[str, Any]) -> dict[str, Any]:
        self.calls += 1
        assert self.calls < 500, "the client keeps pushing: it would never stop"
        if op == "push":
            return {"applied": [], "refused": [], "rest": [d for d, _ in body["docs"]]}
        return self.inner(op, body)


def test_a_peer_that_relists_ids_in_fetch_answers_ends_the_run_with_one_clear_line():
    with devices(("a", "hengelo", "nurse"), ("b", "hengelo", "nurse")) as (a, b):
        for i in range(5):
            clients.register_client(a, {**GOOD, "name": f"Hub {i}"})
        mesh = Mesh(a, b)
        with pytest.raises(SyncFailed) as failed:
            _run(mesh, "b", "a", Relisting)
        assert failed.value.message("en") == (
            "a keeps listing documents it does not send; the run stops here and the next one tries again."
        )
        assert "blijft documenten noemen" in failed.value.message("nl")


def test_a_peer_that_never_takes_what_is_pushed_ends_the_run_with_one_clear_line():
    with devices(("a", "hengelo", "nurse"), ("b", "hengelo", "nurse")) as (a, b):
        for i in range(5):
            clients.register_client(b, {**GOOD, "name": f"Laptop {i}"})
        mesh = Mesh(a, b)
        with pytest.raises(SyncFailed) as failed:
            _run(mesh, "b", "a", NeverTaking)
        assert failed.value.message("en") == (
            "a keeps putting off the documents sent to it; the run stops here and the next one tries again."
        )
