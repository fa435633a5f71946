"""Possible duplicate clients: the one rule that says two records may be one person, and the fold
that says what the nurses decided about such a pair.

Two nurses of one node, each offline, can register the same person; after a merge both records
stand. The rule: the same BSN (compacted by python-stdnum, the leading zero a spreadsheet drops put
back), or the same name (case, accents, punctuation and spacing ignored), birth date and postcode.
It compares only what it is given: the services hand it the own node's active clients.

A decision about a pair is a ``RESOLVED`` event (``data.conflict_kind == KIND``) written into both case
documents with one id: ``pair`` names the two clients, ``chosen`` the survivor (``None``: two
people, keep both), ``conflict`` the pair plus the ids of the earlier decisions it settles. The
current decisions are those no later decision settles; when they agree that is the outcome, when
two nurses decided differently while apart the pair is open again until someone decides with both
decisions in view. Every replica holding the same events folds them to the same outcome.
"""

from __future__ import annotations

import unicodedata
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from stdnum.nl import bsn as stdnum_bsn

KIND = "client.duplicate"
# why a pair is flagged -> (nl, en)
REASONS = {
    "bsn": ("zelfde BSN", "same BSN"),
    "name_birth_postcode": (
        "zelfde naam, geboortedatum en postcode",
        "same name, birth date and postcode",
    ),
}


def name_key(name: object) -> str:
    """``"Truus  Oude-Egberink"`` and ``"truus oude egberink"`` compare equal: accents, case,
    punctuation and spacing are not what tells two people apart."""
    text = unicodedata.normalize("NFKD", str(name or ""))
    bare = "".join(ch for ch in text if not unicodedata.combining(ch)).casefold()
    return " ".join("".join(ch if ch.isalnum() else " " for ch in bare).split())


def postcode_key(postcode: object) -> str:
    return "".join(str(postcode or "").split()).upper()


def bsn_key(bsn: object) -> str | None:
    """Nine digits (python-stdnum's compact form, the dropped leading zero restored), or None."""
    digits = stdnum_bsn.compact(str(bsn or ""))
    if not digits.isdigit() or int(digits) == 0:
        return None
    return digits.zfill(9) if len(digits) == 8 else digits


@dataclass(frozen=True)
class Person:
    """The fields the rule reads of one client record."""

    id: str
    name: str
    birth_date: str
    postcode: str
    bsn: str | None = None

    @classmethod
    def of(cls, row: Mapping[str, Any]) -> Person:
        return cls(
            str(row["id"]),
            str(row.get("name") or ""),
            str(row.get("birth_date") or ""),
            str(row.get("postcode") or ""),
            row.get("bsn"),
        )


def reasons(a: Person, b: Person) -> tuple[str, ...]:
    """Why ``a`` and ``b`` may be one person (codes of ``REASONS``); empty when they are not."""
    out = []
    key = bsn_key(a.bsn)
    if key is not None and key == bsn_key(b.bsn):
        out.append("bsn")
    if (
        name_key(a.name)
        and name_key(a.name) == name_key(b.name)
        and a.birth_date
        and a.birth_date == b.birth_date
        and postcode_key(a.postcode) == postcode_key(b.postcode)
    ):
        out.append("name_birth_postcode")
    return tuple(out)


def pairs(people: Iterable[Person]) -> list[tuple[str, str, tuple[str, ...]]]:
    """Every flagged pair ``(smaller id, larger id, reasons)``, sorted; grouped by key first, so a
    caseload of thousands is not compared pair by pair."""
    groups: dict[tuple[str, ...], list[Person]] = defaultdict(list)
    for p in people:
        key = bsn_key(p.bsn)
        if key is not None:
            groups[("bsn", key)].append(p)
        groups[("nbp", name_key(p.name), p.birth_date, postcode_key(p.postcode))].append(p)
    found: dict[tuple[str, str], tuple[str, ...]] = {}
    for members in groups.values():
        for i, a in enumerate(members):
            for b in members[i + 1 :]:
                if a.id == b.id:
                    continue
                pair = (a.id, b.id) if a.id < b.id else (b.id, a.id)
                if pair not in found:
                    why = reasons(a, b)
                    if why:
                        found[pair] = why
    return sorted((a, b, why) for (a, b), why in found.items())


# --- decisions ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Decision:
    id: str
    pair: tuple[str, str]
    survivor: str | None
    settles: frozenset[str]


@dataclass(frozen=True)
class PairState:
    """``settled``: the current decisions agree (``survivor`` None = two people). Otherwise open:
    ``current`` names the decisions that disagree (empty when nobody decided yet)."""

    settled: bool
    survivor: str | None
    current: tuple[str, ...]


def decisions_of(events: Sequence[Mapping[str, Any]]) -> list[Decision]:
    """The duplicate decisions among a document's events (anything malformed is no decision)."""
    out = []
    for e in events:
        data = e.get("data") if isinstance(e, Mapping) else None
        if e.get("type") != "RESOLVED" or not isinstance(data, Mapping) or data.get("conflict_kind") != KIND:
            continue
        pair = data.get("pair")
        if not isinstance(e.get("id"), str) or not isinstance(pair, list | tuple) or len(pair) != 2:
            continue
        a, b = sorted(str(x) for x in pair)
        chosen = data.get("chosen")
        survivor = chosen if chosen in (a, b) else None
        settles = frozenset(str(x) for x in data.get("conflict") or []) - {a, b}
        out.append(Decision(e["id"], (a, b), survivor, settles))
    return out


def state(pair: tuple[str, str], decisions: Iterable[Decision]) -> PairState:
    """What the decisions about ``pair`` (from any of its documents; duplicates counted once) say."""
    mine = {d.id: d for d in decisions if d.pair == tuple(sorted(pair))}
    settled = set().union(*(d.settles for d in mine.values())) if mine else set()
    current = sorted((d for d in mine.values() if d.id not in settled), key=lambda d: d.id)
    if not current:
        return PairState(False, None, ())
    outcomes = {d.survivor for d in current}
    if len(outcomes) == 1:
        return PairState(True, current[0].survivor, tuple(d.id for d in current))
    return PairState(False, None, tuple(d.id for d in current))


def merged_into(client_id: str, events: Sequence[Mapping[str, Any]]) -> str | None:
    """The survivor this record was merged into, read from its own case document's events."""
    decisions = decisions_of(events)
    for pair in sorted({d.pair for d in decisions if client_id in d.pair}):
        outcome = state(pair, decisions)
        if outcome.settled and outcome.survivor is not None and outcome.survivor != client_id:
            return outcome.survivor
    return None


def merged_from(client_id: str, events: Sequence[Mapping[str, Any]]) -> list[str]:
    """The records merged into this one (their history stays in their own documents, linked)."""
    decisions = decisions_of(events)
    out = []
    for pair in sorted({d.pair for d in decisions if client_id in d.pair}):
        outcome = state(pair, decisions)
        if outcome.settled and outcome.survivor == client_id:
            out.append(pair[0] if pair[1] == client_id else pair[1])
    return out


def differences(a: Mapping[str, Any], b: Mapping[str, Any], fields: Sequence[str]) -> list[str]:
    """The fields (of ``fields``) in which two records differ, as a person would compare them."""
    keyed = {"name": name_key, "postcode": postcode_key, "bsn": bsn_key}
    out = []
    for field in fields:
        key = keyed.get(field, lambda v: v)
        if key(a.get(field)) != key(b.get(field)):
            out.append(field)
    return out
