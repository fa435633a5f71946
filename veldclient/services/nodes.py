"""Which nodes the mesh has: founding a node, retiring it, and the list every referral checks.

Why: the network grows without a release. The ten Twente nodes are the demo's reference data
(veldclient.reference.twente); any other node exists because its admin **founded** it: the admin
makes a profile for the new node (``veld init --node ID --role admin``, whose node document starts
blank, domain/node_seed.blank_seed) and then founds it here, writing the node's name, PC4 areas
and sites into its own node document together with a founding entry signed by that admin device.
Node documents go mesh-wide (sync/scope.py), so after one sync with a paired node the others know
it; a device counts the founding only when its signature is an admin's of that node that it trusts
(trust.node_admins, docs/sync.md "Founding a node"). Retiring is the same: a signed entry in the
node's own document; a retired node stays listed, is no referral target and offers no beds.
"""

from __future__ import annotations

import re
import uuid
from dataclasses import dataclass
from typing import Any

from veldclient import trust
from veldclient.domain import CareType, identifiers
from veldclient.domain.fields import enum_value
from veldclient.domain.models_capacity import capacity_key
from veldclient.errors import FieldError, NotFound, ProfileError, ValidationError
from veldclient.profile import NODE_ID_MAX, node_id_ok
from veldclient.reference import pc4, twente
from veldclient.session import Session
from veldclient.store.repo import doc_id_for

ADMINS = ("admin",)
NAME_MAX = 80
ADDRESS_MAX = 120
RANGE_RE = re.compile(r"^([1-9][0-9]{3})(?:\s*-\s*([1-9][0-9]{3}))?$")

Ranges = tuple[tuple[int, int], ...]


@dataclass(frozen=True)
class KnownNode:
    """A node this device knows: from the reference data (the Twente demo) or founded by its admin."""

    id: str
    name: str
    pc4_ranges: Ranges
    source: str  # "reference" or "founded"
    founded_at: int | None
    founded_by: str | None
    retired_at: int | None
    locations: int

    @property
    def retired(self) -> bool:
        return self.retired_at is not None

    def as_json(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "name": self.name,
            "pc4_ranges": [list(r) for r in self.pc4_ranges],
            "source": self.source,
            "status": "retired" if self.retired else "founded",
            "founded_at": self.founded_at,
            "founded_by": self.founded_by,
            "retired_at": self.retired_at,
            "locations": self.locations,
        }


# --- validation -----------------------------------------------------------------------------------


def id_error(node_id: str) -> FieldError | None:
    """Why ``node_id`` cannot name a node (None when it can): lower-case words joined by hyphens."""
    if not node_id_ok(node_id):
        return FieldError(
            "id",
            "format",
            f"Knooppuntcode '{node_id[:NODE_ID_MAX]}' is ongeldig: gebruik kleine letters en cijfers, woorden"
            f" gescheiden door een streepje, zoals 'zwolle-zuid' (hoogstens {NODE_ID_MAX} tekens).",
            f"Node id '{node_id[:NODE_ID_MAX]}' is invalid: use lower-case letters and digits, words joined"
            f" by a hyphen, such as 'zwolle-zuid' (at most {NODE_ID_MAX} characters).",
        )
    return None


def parse_postcodes(text: str) -> Ranges:
    """``"8011-8017, 8021"`` as sorted, merged PC4 ranges; ValidationError on field ``postcodes``."""
    parts = [p.strip() for p in re.split(r"[,;\s]+(?![-])", text.replace(" - ", "-")) if p.strip()]
    ranges: list[tuple[int, int]] = []
    for part in parts:
        m = RANGE_RE.fullmatch(part)
        lo, hi = (int(m.group(1)), int(m.group(2) or m.group(1))) if m else (0, -1)
        if not m or lo > hi:
            raise ValidationError.single(
                "postcodes",
                "format",
                f"'{part[:20]}' is geen postcodegebied: geef viercijferige postcodes (PC4) of reeksen,"
                " zoals 8011-8017, 8021.",
                f"'{part[:20]}' is no postcode area: give four-digit postcodes (PC4) or ranges, such as"
                " 8011-8017, 8021.",
            )
        ranges.append((lo, hi))
    if not ranges:
        raise ValidationError.single(
            "postcodes",
            "required",
            "Geef de postcodegebieden (PC4) van het knooppunt, zoals 8011-8017, 8021.",
            "Give the node's postcode areas (PC4), such as 8011-8017, 8021.",
        )
    unknown = [f"{lo}-{hi}" if lo != hi else str(lo) for lo, hi in ranges if not _any_known(lo, hi)]
    if unknown:
        raise ValidationError.single(
            "postcodes",
            "unknown",
            f"Geen bestaand postcodegebied in {', '.join(unknown)}.",
            f"No existing postcode area in {', '.join(unknown)}.",
        )
    return _merge(ranges)


def _any_known(lo: int, hi: int) -> bool:
    return any(pc4.is_known(str(code)) for code in range(lo, hi + 1))


def _merge(ranges: list[tuple[int, int]]) -> Ranges:
    merged: list[list[int]] = []
    for lo, hi in sorted(ranges):
        if merged and lo <= merged[-1][1] + 1:
            merged[-1][1] = max(merged[-1][1], hi)
        else:
            merged.append([lo, hi])
    return tuple((lo, hi) for lo, hi in merged)


def parse_location(text: str) -> dict[str, str]:
    """``"Isala Zwolle; 8025 AB; Dokter van Heesweg 2"`` as a site: name, postcode, street and number.
    ValidationError on field ``locations``; the postcode must lie in a known PC4 area (the distance
    to it ranks the node's beds)."""
    parts = [p.strip() for p in text.split(";")]
    if len(parts) != 3 or not all(parts):
        raise ValidationError.single(
            "locations",
            "format",
            f"Locatie '{text[:60]}': geef naam; postcode; adres, zoals 'Isala; 8025 AB; Dokter van"
            " Heesweg 2'.",
            f"Location '{text[:60]}': give name; postcode; address, such as 'Isala; 8025 AB; Dokter van"
            " Heesweg 2'.",
        )
    name, raw_postcode, address = parts
    if len(name) > NAME_MAX or len(address) > ADDRESS_MAX:
        raise ValidationError.single(
            "locations",
            "too_long",
            f"Locatie '{name[:40]}': naam hoogstens {NAME_MAX}, adres hoogstens {ADDRESS_MAX} tekens.",
            f"Location '{name[:40]}': name at most {NAME_MAX}, address at most {ADDRESS_MAX} characters.",
        )
    try:
        postcode = identifiers.postcode(raw_postcode, "locations")
    except ValidationError as exc:
        first = exc.errors[0]
        raise ValidationError.single(
            "locations",
            first.code,
            f"Locatie '{name[:40]}': {first.nl}",
            f"Location '{name[:40]}': {first.en}",
        ) from None
    if not pc4.is_known(postcode):
        raise ValidationError.single(
            "locations",
            "unknown_pc4",
            f"Locatie '{name[:40]}': postcodegebied {postcode[:4]} bestaat niet.",
            f"Location '{name[:40]}': postcode area {postcode[:4]} does not exist.",
        )
    return {"name": name, "postcode": postcode, "address": address}


# --- reading --------------------------------------------------------------------------------------


def _founding_fields(entry: Any) -> dict[str, Any]:
    entry = entry if isinstance(entry, dict) else {}
    return {"name": entry.get("name"), "pc4_ranges": entry.get("pc4_ranges"), "at": entry.get("at")}


def _ranges(value: Any) -> Ranges:
    try:
        return tuple((int(lo), int(hi)) for lo, hi in value or ())
    except (TypeError, ValueError):
        return ()


def _status(session: Session, node_id: str, root: dict[str, Any]) -> tuple[bool, int | None]:
    """(founded by a trusted admin of the node, retired at) as this device can verify them."""
    founding, retirement = root.get("founding"), root.get("retirement")
    if not founding and not retirement:
        return False, None
    admins = trust.node_admins(session.repo.db, node_id, root, session.repo.introduced(node_id))
    founded = trust.node_act_signed(founding, node_id, "found", _founding_fields(founding), admins)
    retired_at = None
    if isinstance(retirement, dict):
        fields = {"at": retirement.get("at")}
        if trust.node_act_signed(retirement, node_id, "retire", fields, admins):
            retired_at = int(retirement["at"])
    return founded, retired_at


def known_nodes(session: Session) -> list[KnownNode]:
    """Every node this device knows, reference nodes first (table order), then founded ones by id.
    A node document without a verifiable founding (a new node's blank genesis, or a founding signed
    by no trusted admin) is not a node yet."""
    roots: dict[str, dict[str, Any]] = {}
    for info in session.repo.docs("node"):
        if not info.quarantined and info.node_id:
            roots[info.node_id] = session.repo.read(info.doc_id)
    out: list[KnownNode] = []
    for ref in twente.NODES:
        root = roots.pop(ref.id, None) or {}
        _, retired_at = _status(session, ref.id, root) if root else (False, None)
        locs = len(root.get("locations") or {}) or len(twente.locations_for(ref.id))
        out.append(KnownNode(ref.id, ref.name, ref.pc4_ranges, "reference", None, None, retired_at, locs))
    for node_id in sorted(roots):
        root = roots[node_id]
        founded, retired_at = _status(session, node_id, root)
        if not founded:
            continue
        founding = root["founding"]
        out.append(
            KnownNode(
                node_id,
                str(founding.get("name") or node_id),
                _ranges(founding.get("pc4_ranges")),
                "founded",
                int(founding["at"]),
                str(founding["by"]),
                retired_at,
                len(root.get("locations") or {}),
            )
        )
    return out


def active_ids(session: Session) -> set[str]:
    """Nodes a referral may go to and whose beds count: known and not retired."""
    return {n.id for n in known_nodes(session) if not n.retired}


def check_known(session: Session, node_id: str) -> KnownNode:
    """The known node ``node_id``; otherwise a ProfileError naming the known ones (as ``veld init``
    does for an unknown node)."""
    every = known_nodes(session)
    for known in every:
        if known.id == node_id:
            return known
    ids = ", ".join(n.id for n in every)
    shown = node_id[:NODE_ID_MAX]
    raise ProfileError(
        f"Onbekend knooppunt '{shown}'. Kies uit: {ids}.", f"Unknown node '{shown}'. Choose from: {ids}."
    )


def check_target(session: Session, node_id: str) -> None:
    """Refuse a referral to a node this device does not know (NotFound), or one that was retired."""
    known = next((n for n in known_nodes(session) if n.id == node_id), None)
    if known is None:
        raise NotFound(("Knooppunt", "node"), node_id)
    if known.retired:
        raise ValidationError.single(
            "to_node",
            "retired",
            f"Knooppunt '{known.name}' is opgeheven en neemt geen aanvragen meer aan.",
            f"Node '{known.name}' has been retired and takes no requests any more.",
        )


# --- founding and retiring ------------------------------------------------------------------------


def found_node(
    session: Session,
    *,
    node_id: str,
    name: str,
    postcodes: str,
    locations: list[str],
    focus: str = "",
    care_types: list[str] | None = None,
) -> KnownNode:
    """Found the node of this admin profile: its name, PC4 areas and sites, signed by this device.
    ``care_types`` (codes or labels) are the kinds of bed each site offers: each gets a capacity
    record that only names its site and care type, "not yet reported" (beds unknown, never free)
    until a nurse or admin reports it, as on the capacity board of any node. Every problem of the
    input is reported at once (a form shows each under its field); nothing is written unless all is
    well."""
    session.require_role(ADMINS, "node.found", "node", object_id=node_id)
    session.require_device("nodes.found_node", "node")
    errors: list[FieldError] = []
    node_id = node_id.strip()
    bad_id = id_error(node_id)
    if bad_id:
        errors.append(bad_id)
    elif node_id in twente.node_ids() or _founded_here(session, node_id):
        errors.append(
            FieldError(
                "id",
                "duplicate",
                f"Knooppunt '{node_id}' bestaat al; kies een andere code.",
                f"Node '{node_id}' already exists; choose another id.",
            )
        )
    elif node_id != session.actor.node_id:
        own = session.actor.node_id
        errors.append(
            FieldError(
                "id",
                "not_own",
                f"Dit profiel hoort bij knooppunt '{own}'. Een nieuw knooppunt begint met een eigen"
                f" beheerdersprofiel: veld --profile {node_id} init --node {node_id} --role admin.",
                f"This profile belongs to node '{own}'. A new node starts with an admin profile of its"
                f" own: veld --profile {node_id} init --node {node_id} --role admin.",
            )
        )
    name = " ".join(name.split())
    if not name or len(name) > NAME_MAX:
        errors.append(
            FieldError(
                "name",
                "required" if not name else "too_long",
                f"Geef de naam van het knooppunt (hoogstens {NAME_MAX} tekens).",
                f"Give the node's name (at most {NAME_MAX} characters).",
            )
        )
    ranges: Ranges = ()
    sites: list[dict[str, str]] = []
    for parse in (lambda: parse_postcodes(postcodes), lambda: [parse_location(t) for t in locations]):
        try:
            result = parse()
        except ValidationError as exc:
            errors.extend(exc.errors)
        else:
            if isinstance(result, tuple):
                ranges = result
            else:
                sites = result
    if not locations:
        errors.append(
            FieldError(
                "locations",
                "required",
                "Geef minstens één locatie: naam; postcode; adres.",
                "Give at least one location: name; postcode; address.",
            )
        )
    kinds: list[str] = []
    for text in care_types or []:
        try:
            kinds.append(enum_value(CareType)(text, "care_types").value)
        except ValidationError as exc:
            errors.extend(exc.errors)
    if errors:
        raise ValidationError(errors)
    at = session.now()
    fields = {"name": name, "pc4_ranges": [list(r) for r in ranges], "at": at}
    device = session.device
    founding = {
        **fields,
        "by": device.device_id,
        "signature": device.sign(trust.node_act_payload(node_id, "found", fields)).hex(),
    }
    records = {}
    for site in sites:
        loc_id = uuid.uuid4().hex
        records[loc_id] = {"id": loc_id, "node_id": node_id, "agb": "", **site}

    def write(e: Any) -> None:
        e.set(("profile",), {"id": node_id, "name": name, "focus": focus, "pc4_ranges": fields["pc4_ranges"]})
        for loc_id, record in records.items():
            e.set(("locations", loc_id), record)
            for kind in sorted(set(kinds)):
                placeholder = {"location_id": loc_id, "node_id": node_id, "care_type": kind}
                e.set(("capacity", capacity_key(loc_id, kind)), placeholder)
        e.set(("founding",), founding)

    with session.transaction():
        session.repo.change(doc_id_for("node", node_id), write)
        session.audit(
            "node.found",
            "C",
            "node",
            object_id=node_id,
            basis_authorisation=True,
            detail={"locations": len(records)},
        )
    return check_known(session, node_id)


def _founded_here(session: Session, node_id: str) -> bool:
    doc_id = doc_id_for("node", node_id)
    return session.repo.holds(doc_id) and bool(session.repo.read(doc_id).get("founding"))


def retire_node(session: Session, node_id: str) -> KnownNode:
    """Retire the node of this admin profile: a signed entry in its document. Its beds stop counting
    and no referral goes to it any more; requests already with it go on as they are."""
    session.require_role(ADMINS, "node.retire", "node", object_id=node_id)
    session.require_device("nodes.retire_node", "node")
    known = check_known(session, node_id)
    if node_id != session.actor.node_id:
        raise ValidationError.single(
            "id",
            "not_own",
            f"Alleen de beheerder van '{known.name}' kan dat knooppunt opheffen.",
            f"Only the admin of '{known.name}' can retire that node.",
        )
    if known.retired:
        raise ValidationError.single(
            "id",
            "retired",
            f"Knooppunt '{known.name}' is al opgeheven.",
            f"Node '{known.name}' has already been retired.",
        )
    at = session.now()
    fields = {"at": at}
    entry = {
        "at": at,
        "by": session.device.device_id,
        "signature": session.device.sign(trust.node_act_payload(node_id, "retire", fields)).hex(),
    }
    with session.transaction():
        session.repo.change(doc_id_for("node", node_id), lambda e: e.set(("retirement",), entry))
        session.audit("node.retire", "U", "node", object_id=node_id, basis_authorisation=True)
    return check_known(session, node_id)
