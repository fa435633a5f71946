"""The demo profile: a ready node with deterministic Twente data, built the first time it is asked for.

Once built, the demo profile is kept as it is, with whatever a person did in it: `veld demo` opens it
again, and only an explicit reset (:func:`describe` says what it holds, then :func:`remove_demo`)
builds it anew. What it was built with (size, seed) is stored in its settings, so a different
``--size`` can be pointed out instead of being applied by throwing the profile away.

That setting is written last, in the build's final transaction: it marks the demo as finished. A
build that is interrupted removes what it made; one that could not (the process was killed, or the
removal itself was interrupted) leaves a profile without the mark, which :attr:`DemoFacts.finished`
reports, so the next ``veld demo`` builds it anew rather than keep half a demo.

Every generated record goes through the domain's ``from_dict`` (so demo data obeys the same rules as
typed input) and into documents plus projection in one transaction, with one audit entry per record.
The demo's passphrase is public (``demo``, or ``VELD_PASSPHRASE`` when set): the data is fictitious.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from veldclient import locations, trust
from veldclient import passphrase as passphrase_source
from veldclient import profile as profmod
from veldclient.audit import AuditEvent
from veldclient.domain import (
    BedStatus,
    Client,
    HelpRequest,
    Mantelzorger,
    Match,
    PlacementRequest,
    Visit,
    Volunteer,
    node_seed,
)
from veldclient.errors import VeldError
from veldclient.fixtures import generator, occupancy
from veldclient.identity import format_device_id
from veldclient.progress import Counter, Progress, quiet
from veldclient.reference import twente
from veldclient.services import demo_burden, demo_mesh, events, settings, setup, status
from veldclient.services.capacity import write_day_total, write_record
from veldclient.services.session import open_session
from veldclient.session import Clock, Session, clock_from_env
from veldclient.store.docstore import Editor
from veldclient.store.repo import Repo, doc_id_for

DEMO_PASSPHRASE = "demo"
DEFAULT_SIZE = "small"
DEFAULT_NODE = "enschede-centrum"
DEFAULT_ROLE = "nurse"
DEFAULT_SEED = 7
BUILT_WITH = "demo.built_with"  # settings key: {"size": ..., "seed": ...} as JSON
HOUR_MS = 3_600_000
DAY_MS = 24 * HOUR_MS
HISTORY_DAYS = 364
"""A year of daily history (52 weeks, ending today): enough for the forecast's backtest to hold out
weeks and for the winter peak to show (fixtures/occupancy.py)."""
# capacity report ages per node, in hours: most fresh, a few stale (older than 12 h) on purpose
REPORT_AGE_HOURS = (0.2, 1, 3, 0.5, 14, 6, 30, 2, 9, 0.1)


def demo_passphrase() -> str:
    return passphrase_source.given() or DEMO_PASSPHRASE


@dataclass(frozen=True)
class DemoFacts:
    """What a demo profile is and holds: said when it is kept, and before a reset removes it."""

    name: str
    folder: Path
    node_id: str
    role: str
    device_id: str  # as people compare it (identity.format_device_id)
    size: str | None  # None: not recorded, or the database could not be read
    seed: int | None
    documents: int | None  # None: the database could not be read (``unreadable`` says why)
    clients: int | None
    volunteers: int | None
    unreadable: VeldError | None = None
    finished: bool | None = True  # False: its build never ended (module docstring); None: unreadable

    def asked_otherwise(self, **asked: object) -> list[tuple[str, object, object]]:
        """(option, asked, kept) for every option given (not None) that differs from this profile."""
        kept = {"size": self.size, "node": self.node_id, "role": self.role, "seed": self.seed}
        return [
            (option, value, kept[option])
            for option, value in asked.items()
            if value is not None and value != kept[option]
        ]


def exists(profile_name: str = locations.DEMO_PROFILE) -> bool:
    return profmod.exists(profile_name)


def open_demo(profile_name: str = locations.DEMO_PROFILE) -> tuple[Session, DemoFacts]:
    """The existing demo profile, opened as it is, and what it holds."""
    session = open_session(profile_name, passphrase=demo_passphrase())
    try:
        return session, facts(session)
    except BaseException:
        session.close()
        raise


def facts(session: Session) -> DemoFacts:
    st = status.status(session, check_chunks=False)
    built = json.loads(settings.get(session, BUILT_WITH) or "{}")
    return DemoFacts(
        name=st.profile,
        folder=session.profile.dir,
        node_id=st.node_id,
        role=st.role,
        device_id=st.device_id_display,
        size=built.get("size"),
        seed=built.get("seed"),
        documents=sum(st.documents.values()),
        clients=st.counts["clients"],
        volunteers=st.counts["volunteers"],
        finished=bool(built),
    )


def describe(profile_name: str = locations.DEMO_PROFILE) -> DemoFacts:
    """What the demo profile holds, read before it is removed. When its database cannot be opened
    (another passphrase, damage) what profile.json says, and why the rest is unknown."""
    try:
        session, found = open_demo(profile_name)
    except VeldError as exc:
        prof = profmod.load(profile_name)
        return DemoFacts(
            name=prof.name,
            folder=prof.dir,
            node_id=prof.node_id,
            role=prof.role,
            device_id=format_device_id(prof.device_id),
            size=None,
            seed=None,
            documents=None,
            clients=None,
            volunteers=None,
            unreadable=exc,
            finished=None,
        )
    session.close()
    return found


def remove_demo(profile_name: str = locations.DEMO_PROFILE) -> None:
    """The demo profile, and any stand-in of another node a killed build left (demo_mesh)."""
    profmod.remove(profile_name)
    for node in twente.NODES:
        profmod.remove(demo_mesh.stand_in_name(profile_name, node.id))


def steps(mesh: bool = True) -> tuple[str, ...]:
    """The steps :func:`build_demo` reports, in order (what a progress display lists in advance)."""
    own = ("demo.profile", "demo.generate", "demo.nodes", "demo.records", "demo.burden")
    return (*own, "demo.mesh") if mesh else own


def build_demo(
    *,
    size: str = DEFAULT_SIZE,
    node_id: str = DEFAULT_NODE,
    role: str = DEFAULT_ROLE,
    seed: int = DEFAULT_SEED,
    clock: Clock | None = None,
    progress: Progress = quiet,
    profile_name: str = locations.DEMO_PROFILE,
    mesh: bool = True,
) -> Session:
    """A new demo profile; an existing one is never overwritten. Interrupted or failed, the build
    removes what it made (and the finishing mark protects the rest: module docstring).

    ``mesh`` adds what other nodes did (demo_mesh: a referral to answer, a double-booked slot);
    without it the node's own data only, which is what tests of a single node start from."""
    clk = clock or clock_from_env()
    profmod.check_node_and_role(node_id, role)
    existed = exists(profile_name)  # then init_profile refuses before it makes anything
    session: Session | None = None
    try:
        progress("demo.profile", 0, None)
        session = setup.init_profile(
            profile_name,
            node_id=node_id,
            role=role,
            user=f"demo-{role}",
            passphrase=demo_passphrase(),
            use_keyring=False,
            clock=clk,
        )
        progress("demo.generate", 0, None)
        data = generator.generate(node_id, size, seed=seed, now_ms=clk())  # type: ignore[arg-type]
        load_nodes(session, progress)
        load_records(session, data, progress)
        demo_burden.load_burden_history(session, data.burden_history, demo_passphrase(), progress)
        if mesh:
            counter = Counter(progress, "demo.mesh", 1 + len(demo_mesh.BOOKING_NODES))
            demo_mesh.load_referral(session, demo_passphrase())
            counter.add()
            demo_mesh.load_double_booking(session, demo_passphrase(), counter.add)
        with session.transaction():
            settings.put(session, BUILT_WITH, json.dumps({"size": size, "seed": seed}))
    except BaseException:
        if session is not None:
            session.close()
        if not existed:
            remove_demo(profile_name)  # half a demo would be kept and opened next time
        raise
    return session


def demo_device_id(node_id: str) -> str:
    """A stand-in device for another node: its reports reach the demo as if synced from that node."""
    return hashlib.sha256(f"veld-demo-device:{node_id}".encode()).hexdigest()


def load_nodes(session: Session, progress: Progress = quiet) -> None:
    """All ten node documents with fresh-ish capacity reports, as if every node had synced once.

    Other nodes' reports are written by stand-in devices of those nodes (trusted for them in this
    profile only), so the demo obeys the same rule as real data: only a node's devices write its
    document.
    """
    now = session.now()
    counter = Counter(progress, "demo.nodes", len(twente.NODES))
    for index, node in enumerate(twente.NODES):
        setup.ensure_node_document(session, node.id)
        reported_at = now - int(REPORT_AGE_HOURS[index % len(REPORT_AGE_HOURS)] * HOUR_MS)
        capacity = node_seed.node_document_seed(node.id, reported_at=reported_at)["capacity"]
        flows = simulated_flows(node.id, capacity, reported_at)
        capacity = occupied_as_simulated(capacity, flows)
        writer = session.repo
        device_id = session.actor.device_id
        if node.id != session.actor.node_id:
            device_id = demo_device_id(node.id)
            with session.transaction():
                trust.register(session.db, device_id, node.id, "demo", None, now)
            writer = Repo(session.db, trust.session_actor(device_id), session.clock, node.id)

        def report(
            e: Editor,
            capacity: dict[str, Any] = capacity,
            flows: dict[str, list[occupancy.DayFlow]] = flows,
            node_id: str = node.id,
            device: str = device_id,
            reported_at: int = reported_at,
        ) -> None:
            for record in capacity.values():
                write_record(e, {**record, "reported_by": f"demo-{node_id}", "device_id": device})
            write_history(e, flows, reported_at)

        writer.change(doc_id_for("node", node.id), report)
        counter.add()
    session.repo.forget_cached()


def simulated_flows(
    node_id: str, capacity: dict[str, Any], until: int, days: int = HISTORY_DAYS
) -> dict[str, list[occupancy.DayFlow]]:
    """A year of simulated beds per care type of one node, ending on the day of ``until``
    (deterministic per node: fixtures/occupancy.py says how beds fill and empty)."""
    totals: dict[str, int] = {}
    for record in capacity.values():
        totals[record["care_type"]] = totals.get(record["care_type"], 0) + int(record["beds_total"])
    last_day = datetime.fromtimestamp(until / 1000, UTC).date()
    return {
        care_type: occupancy.simulate(care_type, total, last_day, days, node_id)
        for care_type, total in sorted(totals.items())
    }


def occupied_as_simulated(
    capacity: dict[str, Any], flows: dict[str, list[occupancy.DayFlow]]
) -> dict[str, Any]:
    """The records with today's simulated occupied beds of each care type spread over its locations
    (in proportion to their beds), so the current report continues the history without a jump."""
    out = dict(capacity)
    for care_type, days in flows.items():
        keys = sorted(k for k, r in capacity.items() if r["care_type"] == care_type)
        beds = {k: int(capacity[k]["beds_total"]) for k in keys}
        occupied = days[-1].occupied
        shares = {k: occupied * beds[k] // sum(beds.values()) for k in keys}
        for key in keys:  # what the proportional shares left over, to locations with room
            more = min(beds[key] - shares[key], occupied - sum(shares.values()))
            shares[key] += more
        for key in keys:
            counts = {**capacity[key]["counts"], "FREE": beds[key] - shares[key], "OCCUPIED": shares[key]}
            out[key] = {**capacity[key], "counts": counts}
    return out


def write_history(e: Editor, flows: dict[str, list[occupancy.DayFlow]], until: int) -> None:
    """The simulated days as the node's daily totals, today's at the report's time ``until``."""
    for care_type, days in flows.items():
        for back, flow in enumerate(reversed(days)):
            write_day_total(
                e,
                care_type,
                until - back * DAY_MS,
                flow.beds_total,
                {BedStatus.FREE: flow.free, BedStatus.OCCUPIED: flow.occupied},
                admissions=flow.admissions,
                discharges=flow.discharges,
            )


def _event(session: Session, kind: str) -> dict[str, Any]:
    return events.make(session, kind, [])


def load_records(session: Session, data: generator.DemoData, progress: Progress = quiet) -> None:
    node = session.actor.node_id
    created = [_event(session, "CREATED")]
    visits_by_client: dict[str, dict[str, Any]] = {}
    for v in data.visits:
        visit = Visit.from_dict(v).to_dict()
        visits_by_client.setdefault(visit["client_id"], {})[visit["id"]] = visit
    matches_by_request: dict[str, dict[str, Any]] = {}
    for m in data.matches:
        match = Match.from_dict(m).to_dict()
        matches_by_request.setdefault(match["help_request_id"], {})[match["id"]] = match

    records: list[tuple[str, str, str | None, dict[str, Any]]] = []
    audit: list[tuple[str, str, str | None]] = []
    for c in data.clients:
        client = Client.from_dict(c).to_dict()
        records.append(
            (
                "case",
                client["id"],
                node,
                {"client": client, "visits": visits_by_client.get(client["id"], {}), "events": created},
            )
        )
        audit.append(("client.create", "client", client["id"]))
    for p in data.placements:
        request = PlacementRequest.from_dict(p).to_dict()
        records.append(
            (
                "placement",
                request["id"],
                node,
                {"request": request, "events": [_event(session, request["status"])]},
            )
        )
        audit.append(("placement.create", "placement", request["client_id"]))
    for v in data.volunteers:
        volunteer = Volunteer.from_dict(v).to_dict()
        records.append(("volunteer", volunteer["id"], node, {"volunteer": volunteer, "events": created}))
        audit.append(("volunteer.create", "volunteer", None))
    for m in data.mantelzorgers:
        carer = Mantelzorger.from_dict(m).to_dict()
        records.append(("mantelzorger", carer["id"], node, {"mantelzorger": carer, "events": created}))
        audit.append(("mantelzorger.create", "mantelzorger", carer["care_for_client_id"]))
    for h in data.help_requests:
        request = HelpRequest.from_dict(h).to_dict()
        records.append(
            (
                "helpreq",
                request["id"],
                node,
                {"request": request, "matches": matches_by_request.get(request["id"], {}), "events": created},
            )
        )
        audit.append(("helprequest.create", "help_request", None))

    actor = session.actor
    now = session.now()
    with session.transaction():
        doc_ids = session.repo.create_many(records, Counter(progress, "demo.records", len(records)))
        session.audit_log.append_many(
            AuditEvent(
                event=event,
                action="C",
                user_id=actor.user_id,
                role=actor.role,
                device_id=actor.device_id,
                node_id=actor.node_id,
                object_type=object_type,
                object_id=doc_id,
                client_id=client_id,
                basis_authorisation=True,
                detail={"source": "demo"},
                at_ms=now,
            )
            for (event, object_type, client_id), doc_id in zip(audit, doc_ids, strict=True)
        )
