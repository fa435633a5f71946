"""Five devices in three nodes, random edits, random pairwise syncs with dropped requests, lost
answers, duplicated and stale (replayed, out-of-order) calls, and partitions that heal.

Invariants, checked after every step: no device of another node ever holds a case, and a referral
only reaches its own node and its target. At the end the partitions heal and every pair syncs
cleanly: every document converges to the same heads on every device that may hold it, and every
visit ever acknowledged by a local commit (an append-only event) is still there.
"""

from __future__ import annotations

import contextlib
import itertools
import random

import pytest
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, rule
from synchelpers import Mesh, pair_peers
from testenv import FakeClock, make_session

from veldclient.services import clients, placements
from veldclient.services import placement_flow as pf
from veldclient.store.repo import doc_id_for
from veldclient.sync import wire

NODES = {"h1": "hengelo", "h2": "hengelo", "a1": "almelo", "a2": "almelo", "b1": "borne"}
DEVICES = sorted(NODES)
_run = itertools.count()


class Dropped(ConnectionError):
    pass


class SyncMesh(RuleBasedStateMachine):
    def __init__(self) -> None:
        super().__init__()
        n = next(_run)
        clock = FakeClock()
        self.sessions = {
            d: make_session(f"{d}-{n}", node=NODES[d], role="nurse", clock=clock) for d in DEVICES
        }
        self.names = {d: s.profile.name for d, s in self.sessions.items()}
        pair_peers(*self.sessions.values())
        self.mesh = Mesh(*self.sessions.values())
        self.cases: dict[str, str] = {}  # client id -> node
        self.referrals: dict[str, tuple[str, str]] = {}  # request id -> (node, target)
        self.visits: dict[str, set[str]] = {}  # client id -> acknowledged visit ids
        self.cut: set[frozenset[str]] = set()
        self.replay: list[tuple[str, str, dict]] = []  # (server, op, body) seen on the wire

    # -- edits -------------------------------------------------------------------------------

    @rule(device=st.sampled_from(DEVICES), name=st.sampled_from(["Jan", "Anna [A]", "Mehmet"]))
    def new_client(self, device: str, name: str) -> None:
        client = clients.register_client(
            self.sessions[device], {"name": name, "birth_date": "1940-01-02", "postcode": "7551 AB"}
        )
        self.cases[client.id] = NODES[device]
        self.visits[client.id] = set()

    @rule(device=st.sampled_from(DEVICES), pick=st.integers(0, 10_000))
    def visit(self, device: str, pick: int) -> None:
        session = self.sessions[device]
        held = [
            c for c, node in sorted(self.cases.items()) if node == NODES[device] and self._holds(device, c)
        ]
        if not held:
            return
        client_id = held[pick % len(held)]
        visit = clients.record_visit(
            session,
            client_id,
            {
                "planned_start_at": 1_795_000_000_000,
                "planned_minutes": 30,
                "status": "PLANNED",
                "interventions": [],
            },
        )
        self.visits[client_id].add(visit.id)

    @rule(pair=st.sampled_from([("h1", "h2"), ("a1", "a2")]), pick=st.integers(0, 10_000))
    def visit_on_both(self, pair: tuple[str, str], pick: int) -> None:
        """The same case changed on two devices while apart: the sync has to merge both ways."""
        for device in pair:
            self.visit(device, pick)

    @rule(
        device=st.sampled_from(DEVICES),
        pick=st.integers(0, 10_000),
        to=st.sampled_from(sorted(set(NODES.values()))),
    )
    def refer(self, device: str, pick: int, to: str) -> None:
        node = NODES[device]
        held = [c for c, n in sorted(self.cases.items()) if n == node and self._holds(device, c)]
        target = to
        if not held or target == node:
            return
        session = self.sessions[device]
        request = placements.file_placement_request(
            session,
            held[pick % len(held)],
            {
                "referrer": {"name": "Dr. Bos", "role": "HUISARTS", "agb": None},
                "urgency": "U3",
                "triage": {"instability": True},
                "required_capabilities": [],
                "desired_start": "2026-11-19",
            },
        )
        pf.send(session, request.id, target)
        self.referrals[request.id] = (node, target)

    # -- network -----------------------------------------------------------------------------

    @rule(
        client=st.sampled_from(DEVICES),
        server=st.sampled_from(DEVICES),
        fault=st.sampled_from(["none", "none", "drop_request", "drop_answer", "duplicate", "replay"]),
        at=st.integers(1, 5),
        seed=st.integers(0, 2**16),
    )
    def sync(self, client: str, server: str, fault: str, at: int, seed: int) -> None:
        if client == server:
            return
        if frozenset((client, server)) in self.cut:
            return  # partitioned: nothing gets through
        engine = self.mesh.servers[self.names[server]]
        caller = self.sessions[client].actor.device_id
        real = engine.handle
        rng = random.Random(seed)
        calls = {"n": 0}

        def faulty(device: str, op: str, body: dict) -> dict:
            calls["n"] += 1
            self.replay.append((server, op, body))
            if fault == "replay" and self.replay:
                old_server, old_op, old_body = rng.choice(self.replay)
                if old_server == server:
                    with contextlib.suppress(Exception):  # a stale call may be refused; that is fine
                        real(device, old_op, wire.decode(wire.encode(old_body)))
            if calls["n"] == at and fault == "drop_request":
                raise Dropped("request lost")
            answer = real(device, op, body)
            if calls["n"] == at and fault == "duplicate":
                answer = real(device, op, body)
            if calls["n"] == at and fault == "drop_answer":
                raise Dropped("answer lost")
            return answer

        engine.handle = faulty  # type: ignore[method-assign]
        try:
            report, _ = self.mesh.sync(self.names[client], self.names[server])
        except (Dropped, wire.WireError):
            return
        finally:
            engine.handle = real  # type: ignore[method-assign]
            del caller
            self.replay = self.replay[-50:]
        # A run that finished converged everything it touched: duplicated calls are answered once,
        # replayed ones refused, so neither can leave a document half-synced.
        assert not report.unconverged, f"{fault} at call {at}: {report.unconverged} did not converge"
        self._check_pair_equal(client, server)

    def _check_pair_equal(self, client: str, server: str) -> None:
        """After a run that finished, the two devices hold the same heads for every document both
        may see: whatever earlier runs lost on the way, this one made good."""
        a, b = self.sessions[client], self.sessions[server]
        scope_a = self.mesh.replicas[self.names[client]].scope
        scope_b = self.mesh.replicas[self.names[server]].scope
        for mine, other_node, scope in ((b, a.actor.node_id, scope_b), (a, b.actor.node_id, scope_a)):
            for v in scope.visible(other_node):
                if scope.may_see(mine.actor.node_id, v.doc_id, v.kind, v.node_id):
                    other = a if mine is b else b
                    assert other.repo.store.stored_heads(v.doc_id) == v.heads, (
                        f"{v.doc_id} differs after a clean run"
                    )

    @rule(a=st.sampled_from(DEVICES), b=st.sampled_from(DEVICES))
    def partition(self, a: str, b: str) -> None:
        if a != b:
            self.cut.add(frozenset((a, b)))

    @rule()
    def heal(self) -> None:
        self.cut.clear()

    # -- invariants --------------------------------------------------------------------------

    def _holds(self, device: str, client_id: str) -> bool:
        return self.sessions[device].repo.store.exists(doc_id_for("case", client_id))

    @invariant()
    def cases_never_leave_their_node(self) -> None:
        for client_id, node in self.cases.items():
            for device in DEVICES:
                if NODES[device] != node:
                    assert not self._holds(device, client_id), f"{client_id} of {node} reached {device}"

    @invariant()
    def referrals_reach_only_their_two_nodes(self) -> None:
        for request_id, (node, target) in self.referrals.items():
            doc = doc_id_for("placement", request_id)
            for device in DEVICES:
                if NODES[device] not in (node, target):
                    assert not self.sessions[device].repo.store.exists(doc)

    def teardown(self) -> None:
        try:
            self.cut.clear()
            for _ in range(2):
                for client, server in itertools.permutations(DEVICES, 2):
                    report, _ = self.mesh.sync(self.names[client], self.names[server])
                    assert not report.unconverged
            for client_id, node in self.cases.items():
                doc = doc_id_for("case", client_id)
                holders = [d for d in DEVICES if NODES[d] == node]
                heads = {self.sessions[d].repo.store.stored_heads(doc) for d in holders}
                assert len(heads) == 1, f"{doc} did not converge"
                for d in holders:
                    stored = set(self.sessions[d].repo.read(doc).get("visits") or {})
                    assert self.visits[client_id] <= stored, "an acknowledged visit was lost"
            for request_id, (node, target) in self.referrals.items():
                doc = doc_id_for("placement", request_id)
                holders = [d for d in DEVICES if NODES[d] in (node, target)]
                assert len({self.sessions[d].repo.store.stored_heads(doc) for d in holders}) == 1
            node_heads = {
                n: {self.sessions[d].repo.store.stored_heads(doc_id_for("node", n)) for d in DEVICES}
                for n in set(NODES.values())
            }
            assert all(len(h) == 1 for h in node_heads.values()), "node documents reach every device"
        finally:
            for s in self.sessions.values():
                s.close()


SyncMesh.TestCase.settings = settings(
    max_examples=40,
    stateful_step_count=30,
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
test_sync_mesh = pytest.mark.slow(SyncMesh.TestCase)
