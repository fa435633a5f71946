"""NEN 7513 audit log: append-only, sequence-numbered and hash-chained, one per profile database.

Why a hash chain: the log must show afterwards who processed which client's data, and anyone who can
open the database could otherwise rewrite that history silently. Every row stores the previous
row's hash, and ``audit_head`` (updated in the same transaction) remembers the last seq and hash, so
an edited, deleted or cut-off row makes :func:`verify` fail at that row (reliability test #19).

The log records *that* data was processed, never the data itself: ``detail`` is a flat JSON object
of counts and codes (a search logs its result count, not the search text).

Actions (``ACTIONS``) and the NEN 7513 events they cover:

====== ===================== =============================================================
code   meaning               NEN 7513 events (example event codes)
====== ===================== =============================================================
``C``  create                create a record, assign an id, add data, import
                             (``client.create``, ``import.usb``)
``R``  read                  view client data (``client.read``)
``U``  update                change data, merge/split records (``client.update``)
``D``  delete                delete or erase data (``client.delete``, ``client.erase``)
``E``  export / transfer     copy, print, transfer, USB export, volunteer export
                             (``export.usb``, ``export.volunteer``)
``S``  search                a search over client data (``client.search``; detail: count)
``X``  emergency access      "noodknop" / break-glass and bypass access (``emergency.access``)
``L``  reading the log       every read or verification of this log (``audit.read``)
====== ===================== =============================================================

Hash: ``sha256(prev_hash || canonical(row))`` where ``canonical`` is the JSON of every column
except ``hash`` as stored (``detail`` as its JSON text, booleans as 0/1), keys sorted, separators
``,`` ``:``, ``ensure_ascii=False``, UTF-8. The first entry's ``prev_hash`` is 64 zeros.
"""

from __future__ import annotations

import hashlib
import json
import time
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field, replace
from typing import Any, Literal

import sqlite_utils

from veldclient.errors import AuditChainBroken

__all__ = [
    "ACTIONS",
    "GENESIS_HASH",
    "OUTCOMES",
    "SOURCE_SYSTEM",
    "AuditEntry",
    "AuditEvent",
    "AuditLog",
    "AuditProblem",
    "LogFilter",
    "VerifyReport",
    "ensure_schema",
    "verify",
]

ACTIONS: Mapping[str, str] = {
    "C": "create",
    "R": "read",
    "U": "update",
    "D": "delete",
    "E": "export/transfer",
    "S": "search",
    "X": "emergency access",
    "L": "reading the audit log",
}
OUTCOMES: tuple[str, ...] = ("ok", "denied", "error")
SOURCE_SYSTEM = "veldclient"
GENESIS_HASH = "0" * 64

ProblemKind = Literal["edited", "broken_link", "missing", "truncated"]
Scalar = str | int | float | bool | None

_BASIS = ("basis_authorisation", "basis_care_relation", "basis_consent", "basis_emergency")
LOG_TABLE = "audit_log"
HEAD_TABLE = "audit_head"

# Column order of the table (and of every SELECT below).
_COLUMNS: tuple[str, ...] = (
    "seq",
    "at_ms",
    "at_iso",
    "event",
    "action",
    "outcome",
    "user_id",
    "role",
    "acting_for",
    "device_id",
    "node_id",
    "client_id",
    "object_type",
    "object_id",
    "data_part",
    "basis_authorisation",
    "basis_care_relation",
    "basis_consent",
    "basis_emergency",
    "detail",
    "source_system",
    "prev_hash",
    "hash",
)
_SELECT = ", ".join(f'"{c}"' for c in _COLUMNS)
_INSERT = f'INSERT INTO "{LOG_TABLE}" ({_SELECT}) VALUES ({", ".join(":" + c for c in _COLUMNS)})'
# Hashed columns in sorted order, the order in which a row fills _TEMPLATE below.
_HASHED: tuple[str, ...] = tuple(sorted(c for c in _COLUMNS if c != "hash"))
_HASHED_SELECT = ", ".join(f'"{c}"' for c in _HASHED)
_REQUIRED = ("event", "user_id", "role", "device_id", "node_id", "object_type")
_OPTIONAL = ("acting_for", "client_id", "object_id", "data_part")


# Canonical JSON of a row is this template filled with JSON values: the same text as
# json.dumps(row, sort_keys=True, separators=(",", ":"), ensure_ascii=False), but without
# re-encoding the 22 fixed keys on every row (verify hashes 100,000 rows in well under a second).
_TEMPLATE = "{" + ",".join(f'"{name}":%s' for name in _HASHED) + "}"
_JSON = json.JSONEncoder(ensure_ascii=False, separators=(",", ":"), sort_keys=True, allow_nan=False)
_json_string: Callable[[str], str] = getattr(
    json.encoder, "c_encode_basestring", json.encoder.py_encode_basestring
)


def _json_value(value: Any) -> str:
    if value is None:
        return "null"
    if type(value) is str:
        return _json_string(value)
    if type(value) is int:
        return int.__repr__(value)
    return _JSON.encode(value)  # str/int subclasses, floats; raises on bytes


def _canonical(values: Iterable[Any]) -> str:
    """Canonical JSON of one row's hashed columns, ``values`` in ``_HASHED`` order."""
    return _TEMPLATE % tuple(map(_json_value, values))


def ensure_schema(db: sqlite_utils.Database) -> None:
    """Create the log and head tables if missing; safe to call on every open."""
    with db.atomic():
        db.table(LOG_TABLE).create(
            {
                "seq": int,
                "at_ms": int,
                "at_iso": str,
                "event": str,
                "action": str,
                "outcome": str,
                "user_id": str,
                "role": str,
                "acting_for": str,
                "device_id": str,
                "node_id": str,
                "client_id": str,
                "object_type": str,
                "object_id": str,
                "data_part": str,
                "basis_authorisation": int,
                "basis_care_relation": int,
                "basis_consent": int,
                "basis_emergency": int,
                "detail": str,
                "source_system": str,
                "prev_hash": str,
                "hash": str,
            },
            pk="seq",
            column_order=list(_COLUMNS),
            not_null=[
                "at_ms",
                "at_iso",
                "event",
                "action",
                "outcome",
                "user_id",
                "role",
                "device_id",
                "node_id",
                "object_type",
                "basis_authorisation",
                "basis_care_relation",
                "basis_consent",
                "basis_emergency",
                "detail",
                "source_system",
                "prev_hash",
                "hash",
            ],
            if_not_exists=True,
        )
        # Seq is the rowid, so these also serve "newest first" per client / user.
        db.table(LOG_TABLE).create_index(["client_id"], if_not_exists=True)
        db.table(LOG_TABLE).create_index(["user_id"], if_not_exists=True)
        db.table(HEAD_TABLE).create(
            {"id": int, "seq": int, "hash": str},
            pk="id",
            not_null=["seq", "hash"],
            if_not_exists=True,
        )
        db.execute(
            f'INSERT OR IGNORE INTO "{HEAD_TABLE}" (id, seq, hash) VALUES (1, 0, ?)',
            [GENESIS_HASH],
        )


@dataclass(frozen=True, slots=True)
class AuditEvent:
    """What the caller knows about one processing event; the log adds seq, time and hashes.

    ``at_ms`` is the event *start* (NEN 7513); left ``None`` the log's clock is read at append time.
    """

    event: str
    action: str
    user_id: str
    role: str
    device_id: str
    node_id: str
    object_type: str
    outcome: str = "ok"
    acting_for: str | None = None
    client_id: str | None = None
    object_id: str | None = None
    data_part: str | None = None
    basis_authorisation: bool = False
    basis_care_relation: bool = False
    basis_consent: bool = False
    basis_emergency: bool = False
    detail: Mapping[str, Scalar] = field(default_factory=dict)
    at_ms: int | None = None


@dataclass(frozen=True, slots=True)
class AuditEntry:
    """One stored log row, as read back (booleans decoded, ``detail`` parsed)."""

    seq: int
    at_ms: int
    at_iso: str
    event: str
    action: str
    outcome: str
    user_id: str
    role: str
    acting_for: str | None
    device_id: str
    node_id: str
    client_id: str | None
    object_type: str
    object_id: str | None
    data_part: str | None
    basis_authorisation: bool
    basis_care_relation: bool
    basis_consent: bool
    basis_emergency: bool
    detail: dict[str, Scalar]
    source_system: str
    prev_hash: str
    hash: str

    @classmethod
    def _from_row(cls, row: tuple[Any, ...]) -> AuditEntry:
        values = dict(zip(_COLUMNS, row, strict=True))
        for name in _BASIS:
            values[name] = bool(values[name])
        values["detail"] = json.loads(values["detail"])
        return cls(**values)


@dataclass(frozen=True, slots=True)
class AuditProblem:
    """One verification failure, located at ``seq`` and explained in Dutch and English."""

    seq: int
    kind: ProblemKind
    message_nl: str
    message_en: str

    def message(self, lang: str = "nl") -> str:
        return self.message_nl if lang == "nl" else self.message_en


@dataclass(frozen=True, slots=True)
class VerifyReport:
    """Outcome of :func:`verify`; ``problems`` is in log order, the first bad entry first."""

    ok: bool
    checked: int
    problems: list[AuditProblem]

    def raise_if_broken(self) -> None:
        """Raise :class:`AuditChainBroken` naming the first problem, for callers that must stop."""
        if self.problems:
            first = self.problems[0]
            raise AuditChainBroken(first.message_nl, first.message_en)


def _iso(at_ms: int) -> str:
    return time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(at_ms // 1000))


def _hash(prev_hash: str, hashed_row: Mapping[str, Any]) -> str:
    """``hashed_row`` must have exactly the ``_HASHED`` keys, in that (sorted) order."""
    payload = prev_hash + _canonical(hashed_row.values())
    return hashlib.sha256(payload.encode("utf-8")).hexdigest()


def _field_error(event: AuditEvent) -> ValueError:
    """Slow path, only on bad input: name the offending field."""
    for name in _REQUIRED + _OPTIONAL:
        value = getattr(event, name)
        if value is None and name in _OPTIONAL:
            continue
        if not isinstance(value, str) or not value:
            return ValueError(f"audit field {name!r} must be a non-empty string, got {value!r}")
    if event.action not in ACTIONS:
        return ValueError(f"unknown audit action {event.action!r}; expected one of {list(ACTIONS)}")
    if event.outcome not in OUTCOMES:
        return ValueError(f"unknown audit outcome {event.outcome!r}; expected one of {OUTCOMES}")
    return ValueError(f"invalid audit event: {event!r}")


def _encode_detail(detail: Mapping[str, Scalar]) -> str:
    """Reject anything but a flat mapping of scalars: nested data is how personal data sneaks in."""
    if not isinstance(detail, Mapping):
        raise ValueError("audit detail must be a flat dict of str -> scalar")
    if not detail:
        return "{}"
    for key, value in detail.items():
        if not isinstance(key, str):
            raise ValueError(f"audit detail key {key!r} is not a string")
        if value is not None and not isinstance(value, str | int | float | bool):
            raise ValueError(
                f"audit detail {key!r} must be str, int, float, bool or None, not {type(value).__name__}"
            )
    return _JSON.encode(dict(detail))


def _hashed_row(event: AuditEvent, at_ms: int, seq: int, prev_hash: str) -> dict[str, Any]:
    """Validate ``event`` and return its hashed columns as stored, keys in ``_HASHED`` order."""
    e = event
    for value in (e.event, e.user_id, e.role, e.device_id, e.node_id, e.object_type):
        if not isinstance(value, str) or not value:
            raise _field_error(e)
    for optional in (e.acting_for, e.client_id, e.object_id, e.data_part):
        if optional is not None and (not isinstance(optional, str) or not optional):
            raise _field_error(e)
    if e.action not in ACTIONS or e.outcome not in OUTCOMES:
        raise _field_error(e)
    if isinstance(at_ms, bool) or not isinstance(at_ms, int):
        raise ValueError(f"audit at_ms must be an int (epoch ms), got {at_ms!r}")
    return {  # alphabetical, like _HASHED (a unit test pins this)
        "acting_for": e.acting_for,
        "action": e.action,
        "at_iso": _iso(at_ms),
        "at_ms": at_ms,
        "basis_authorisation": 1 if e.basis_authorisation else 0,
        "basis_care_relation": 1 if e.basis_care_relation else 0,
        "basis_consent": 1 if e.basis_consent else 0,
        "basis_emergency": 1 if e.basis_emergency else 0,
        "client_id": e.client_id,
        "data_part": e.data_part,
        "detail": _encode_detail(e.detail),
        "device_id": e.device_id,
        "event": e.event,
        "node_id": e.node_id,
        "object_id": e.object_id,
        "object_type": e.object_type,
        "outcome": e.outcome,
        "prev_hash": prev_hash,
        "role": e.role,
        "seq": seq,
        "source_system": SOURCE_SYSTEM,
        "user_id": e.user_id,
    }


class AuditLog:
    """Writes and reads the audit log of one profile database.

    Appends join the caller's open transaction (``db.atomic()`` nests as a savepoint), so an audit
    entry commits or rolls back together with the data change it describes.
    """

    def __init__(self, db: sqlite_utils.Database, *, clock: Callable[[], int]) -> None:
        self._db = db
        self._clock = clock

    def head(self) -> tuple[int, str]:
        """Return ``(seq, hash)`` of the last entry; ``(0, GENESIS_HASH)`` for an empty log."""
        row = self._db.execute(f'SELECT seq, hash FROM "{HEAD_TABLE}" WHERE id = 1').fetchone()
        if row is None:
            raise AuditChainBroken(
                "De kop van het auditlog ontbreekt.",
                "The audit log head is missing (was ensure_schema run?).",
            )
        return int(row[0]), str(row[1])

    def append(self, event: AuditEvent) -> AuditEntry:
        """Write one entry, chained to the current head, and return it as stored."""
        with self._db.atomic():
            seq, prev = self.head()
            at_ms = self._clock() if event.at_ms is None else event.at_ms
            row = _hashed_row(event, at_ms, seq + 1, prev)
            row["hash"] = _hash(prev, row)
            self._write([row])
        return AuditEntry._from_row(tuple(row[c] for c in _COLUMNS))

    def append_many(self, events: Iterable[AuditEvent]) -> tuple[int, str]:
        """Write many entries with one ``executemany`` (same hashes as one by one); return the head.

        Returns the head rather than the entries: building 20,000 entry objects would cost more
        than writing them. All events are validated first; one bad event writes nothing.
        """
        with self._db.atomic():
            seq, prev = self.head()
            clock = self._clock
            rows: list[dict[str, Any]] = []
            for event in events:
                seq += 1
                row = _hashed_row(event, clock() if event.at_ms is None else event.at_ms, seq, prev)
                prev = row["hash"] = _hash(prev, row)
                rows.append(row)
            if rows:
                self._write(rows)
        return seq, prev

    def _write(self, rows: list[dict[str, Any]]) -> None:
        """Insert rows and move the head in the caller's transaction (truncation stays visible)."""
        self._db.conn.executemany(_INSERT, rows)
        last = rows[-1]
        self._db.execute(
            f'UPDATE "{HEAD_TABLE}" SET seq = ?, hash = ? WHERE id = 1', [last["seq"], last["hash"]]
        )

    def entries(
        self,
        limit: int = 100,
        before_seq: int | None = None,
        client_id: str | None = None,
        user_id: str | None = None,
        *,
        where: LogFilter | None = None,
        offset: int = 0,
    ) -> list[AuditEntry]:
        """Newest first; page with ``before_seq`` or ``offset``. Callers showing these must log an
        ``L`` event."""
        chosen = (where or LogFilter()).narrowed(client_id=client_id, user_id=user_id)
        clauses, params = chosen.clauses()
        if before_seq is not None:
            clauses.append("seq < ?")
            params.append(before_seq)
        sql = f'SELECT {_SELECT} FROM "{LOG_TABLE}"'
        if clauses:
            sql += " WHERE " + " AND ".join(clauses)
        sql += " ORDER BY seq DESC LIMIT ? OFFSET ?"
        params.extend([limit, offset])
        return [AuditEntry._from_row(row) for row in self._db.execute(sql, params)]

    def count(self, where: LogFilter | None = None) -> int:
        """How many entries ``where`` selects (all of them without one)."""
        clauses, params = (where or LogFilter()).clauses()
        sql = f'SELECT count(*) FROM "{LOG_TABLE}"'
        if clauses:
            sql += " WHERE " + " AND ".join(clauses)
        return int(self._db.execute(sql, params).fetchone()[0])


@dataclass(frozen=True)
class LogFilter:
    """Which entries to read: each field set narrows the selection (all of them must hold).
    ``since_ms`` is inclusive, ``until_ms`` exclusive, both on ``at_ms``."""

    client_id: str | None = None
    user_id: str | None = None
    action: str | None = None
    event: str | None = None
    since_ms: int | None = None
    until_ms: int | None = None

    def narrowed(self, *, client_id: str | None = None, user_id: str | None = None) -> LogFilter:
        """This filter with the client and/or user set as well (``None`` leaves it as it is)."""
        return replace(
            self,
            client_id=self.client_id if client_id is None else client_id,
            user_id=self.user_id if user_id is None else user_id,
        )

    def clauses(self) -> tuple[list[str], list[Any]]:
        clauses: list[str] = []
        params: list[Any] = []
        for column in ("client_id", "user_id", "action", "event"):
            value = getattr(self, column)
            if value is not None:
                clauses.append(f'"{column}" = ?')
                params.append(value)
        if self.since_ms is not None:
            clauses.append("at_ms >= ?")
            params.append(self.since_ms)
        if self.until_ms is not None:
            clauses.append("at_ms < ?")
            params.append(self.until_ms)
        return clauses, params

    @property
    def active(self) -> bool:
        return self != LogFilter()


def _range(first: int, last: int) -> str:
    return str(first) if first == last else f"{first}–{last}"


def _missing(first: int, last: int) -> AuditProblem:
    span = _range(first, last)
    if first == last:
        nl = f"Auditregel {span} ontbreekt (verwijderd)."
        en = f"Audit entry {span} is missing (deleted)."
    else:
        nl = f"Auditregels {span} ontbreken (verwijderd)."
        en = f"Audit entries {span} are missing (deleted)."
    return AuditProblem(first, "missing", nl, en)


def verify(db: sqlite_utils.Database, *, max_problems: int = 100) -> VerifyReport:
    """Recompute the whole chain and compare it with the head; streams rows, one snapshot.

    An edit shows at the edited row; an edit whose hash was also rewritten shows at the next row's
    link (or at the head, for the last row). All rows are checked; at most ``max_problems`` listed.
    """
    problems: list[AuditProblem] = []

    def add(problem: AuditProblem) -> None:
        if len(problems) < max_problems:
            problems.append(problem)

    checked = 0
    with db.atomic():
        if not db[LOG_TABLE].exists() or not db[HEAD_TABLE].exists():
            add(AuditProblem(0, "truncated", "Het auditlog ontbreekt.", "The audit log is missing."))
            return VerifyReport(ok=False, checked=0, problems=problems)
        head = db.execute(f'SELECT seq, hash FROM "{HEAD_TABLE}" WHERE id = 1').fetchone()
        cursor = db.execute(f'SELECT {_HASHED_SELECT}, hash FROM "{LOG_TABLE}" ORDER BY seq', [])
        seq_at = _HASHED.index("seq")
        prev_at = _HASHED.index("prev_hash")
        n = len(_HASHED)
        last_seq, last_hash = 0, GENESIS_HASH
        sha256 = hashlib.sha256
        for row in cursor:
            checked += 1
            values = row[:n]
            seq, prev_hash, stored = values[seq_at], values[prev_at], row[n]
            if seq > last_seq + 1:
                add(_missing(last_seq + 1, seq - 1))
            elif seq == last_seq + 1 and prev_hash != last_hash:
                if seq == 1:
                    nl = "Auditregel 1 begint de keten niet: het begin is vervangen."
                    en = "Audit entry 1 does not start the chain: the start was replaced."
                else:
                    nl = f"Auditregel {seq} sluit niet aan op regel {seq - 1}: die is vervangen."
                    en = f"Audit entry {seq} does not link to entry {seq - 1}: it was replaced."
                add(AuditProblem(seq, "broken_link", nl, en))
            try:
                payload = f"{prev_hash}{_canonical(values)}".encode()
                recomputed = sha256(payload).hexdigest()
            except (TypeError, ValueError):  # a blob, NaN or bad text put in by hand
                recomputed = ""
            if recomputed != stored:
                add(
                    AuditProblem(
                        seq,
                        "edited",
                        f"Auditregel {seq} is na het schrijven gewijzigd.",
                        f"Audit entry {seq} was changed after it was written.",
                    )
                )
            last_seq, last_hash = seq, stored
    if head is None:
        add(
            AuditProblem(
                last_seq,
                "truncated",
                "De kop van het auditlog ontbreekt; het einde is niet te controleren.",
                "The audit log head is missing; its end cannot be checked.",
            )
        )
    elif not isinstance(head[0], int) or not isinstance(head[1], str):
        add(
            AuditProblem(
                last_seq,
                "truncated",
                "De kop van het auditlog is beschadigd; het einde is niet te controleren.",
                "The audit log head is damaged; its end cannot be checked.",
            )
        )
    else:
        head_seq, head_hash = head
        if head_seq > last_seq:
            span = _range(last_seq + 1, head_seq)
            add(
                AuditProblem(
                    last_seq + 1,
                    "truncated",
                    f"Het auditlog eindigt bij regel {last_seq} maar loopt tot {head_seq}: "
                    f"regel(s) {span} zijn verwijderd.",
                    f"The audit log ends at entry {last_seq} but runs to {head_seq}: "
                    f"entry(ies) {span} were deleted.",
                )
            )
        elif head_seq < last_seq:
            span = _range(head_seq + 1, last_seq)
            add(
                AuditProblem(
                    head_seq + 1,
                    "truncated",
                    f"Auditregel(s) {span} staan na het vastgelegde einde (regel {head_seq}).",
                    f"Audit entry(ies) {span} lie beyond the recorded end (entry {head_seq}).",
                )
            )
        elif head_hash != last_hash:
            add(
                AuditProblem(
                    last_seq,
                    "truncated",
                    f"Laatste auditregel {last_seq} klopt niet met het vastgelegde einde.",
                    f"Last audit entry {last_seq} does not match the recorded end of the log.",
                )
            )
    return VerifyReport(ok=not problems, checked=checked, problems=problems)
