"""Readable names for the audit log's event codes and action letters, in Dutch and English.

The log stores codes (``client.read``, ``L``, ``denied``) because they are stable and hashed into
the chain; an admin reading it needs words (a role's are the Role enum's, ``enums.role_label``).
Both the app and ``veld audit log`` name entries through here, and tests/unit/test_audit_names.py
checks that every event code a service writes has a name in both
languages, so a new event cannot reach the log unnamed.
"""

from __future__ import annotations

from collections.abc import Mapping

from veldclient.audit import ACTIONS, OUTCOMES

# action letter -> (nl, en); the letters and their meaning are audit.ACTIONS (NEN 7513).
ACTION_NAMES: Mapping[str, tuple[str, str]] = {
    "C": ("aanmaken", "create"),
    "R": ("inzien", "read"),
    "U": ("wijzigen", "update"),
    "D": ("verwijderen", "delete"),
    "E": ("export/overdracht", "export/transfer"),
    "S": ("zoeken", "search"),
    "X": ("noodtoegang", "emergency access"),
    "L": ("auditlog lezen", "reading the audit log"),
}
assert set(ACTION_NAMES) == set(ACTIONS), "every NEN 7513 action letter needs a readable name"

# outcome -> (nl, en)
OUTCOME_NAMES: Mapping[str, tuple[str, str]] = {
    "ok": ("gelukt", "done"),
    "denied": ("geweigerd", "denied"),
    "error": ("mislukt", "failed"),
}
assert set(OUTCOME_NAMES) == set(OUTCOMES), "every audit outcome needs a readable name"

# event code -> (nl, en)
EVENT_NAMES: Mapping[str, tuple[str, str]] = {
    "audit.read": ("Auditlog gelezen", "Audit log read"),
    "audit.verify": ("Auditketen gecontroleerd", "Audit chain verified"),
    "bundle.export": ("Bundel gemaakt (USB)", "Bundle made (USB)"),
    "bundle.import": ("Bundel ingelezen (USB)", "Bundle imported (USB)"),
    "capacity.update": ("Capaciteit gemeld", "Capacity reported"),
    "node.found": ("Knooppunt opgericht", "Node founded"),
    "node.retire": ("Knooppunt opgeheven", "Node retired"),
    "capacity.fhir_export": ("Capaciteit als FHIR geëxporteerd", "Capacity exported as FHIR"),
    "caseload.detail": ("Cliëntdossier geopend", "Client record opened"),
    "caseload.list": ("Caseload bekeken", "Caseload viewed"),
    "client.archive": ("Cliënt gearchiveerd", "Client archived"),
    "client.create": ("Cliënt aangemaakt", "Client created"),
    "client.duplicate_check": (
        "Gezocht naar mogelijk dubbele cliënt",
        "Searched for a possible duplicate client",
    ),
    "client.duplicate_read": ("Mogelijk dubbele cliënt ingezien", "Possible duplicate client viewed"),
    "client.erase": ("Cliënt gewist", "Client erased"),
    "client.keep_both": ("Cliënten apart gehouden (geen dubbel)", "Clients kept apart (no duplicate)"),
    "client.merge": ("Dubbele cliënt samengevoegd", "Duplicate client merged"),
    "client.erase_preview": (
        "Wissen van cliënt voorbereid (wat gaat)",
        "Client erasure previewed (what goes)",
    ),
    "client.read": ("Cliënt ingezien", "Client viewed"),
    "client.search": ("Cliënten gezocht", "Clients searched"),
    "client.timeline": ("Tijdlijn cliënt ingezien", "Client timeline viewed"),
    "client.update": ("Cliënt gewijzigd", "Client changed"),
    "conflict.resolve": ("Conflict besloten", "Conflict resolved"),
    "conflicts.read": ("Conflicten bekeken", "Conflicts viewed"),
    "device.revoke": ("Apparaat ingetrokken", "Device revoked"),
    "helprequest.close": ("Hulpvraag afgesloten", "Help request closed"),
    "helprequest.create": ("Hulpvraag aangemaakt", "Help request created"),
    "helprequest.export": ("Hulpvraag geëxporteerd", "Help request exported"),
    "helprequest.list": ("Hulpvragen bekeken", "Help requests viewed"),
    "helprequest.read": ("Hulpvraag ingezien", "Help request viewed"),
    "helprequest.update": ("Hulpvraag gewijzigd", "Help request changed"),
    "identity.export": ("Identiteit gedeeld", "Identity shared"),
    "invitation.cancel": ("Uitnodiging ingetrokken", "Invitation cancelled"),
    "invitation.introduce": (
        "Nieuwe laptop voorgesteld aan het knooppunt",
        "New laptop introduced to the node",
    ),
    "invitation.issue": ("Uitnodiging voor een laptop gemaakt", "Laptop invitation issued"),
    "invitation.join": ("Aangemeld bij knooppunt met uitnodiging", "Joined node with an invitation"),
    "invitation.list": ("Uitnodigingen bekeken", "Invitations viewed"),
    "invitation.use": ("Uitnodiging gebruikt door een laptop", "Invitation used by a laptop"),
    "mantelzorger.burden": ("Belasting mantelzorger gemeten", "Carer burden measured"),
    "mantelzorger.create": ("Mantelzorger aangemaakt", "Carer created"),
    "mantelzorger.link": ("Mantelzorger gekoppeld aan cliënt", "Carer linked to client"),
    "mantelzorger.list": ("Mantelzorgers bekeken", "Carers viewed"),
    "mantelzorger.overloaded": ("Overbelaste mantelzorgers bekeken", "Overloaded carers viewed"),
    "mantelzorger.read": ("Mantelzorger ingezien", "Carer viewed"),
    "mantelzorger.update": ("Mantelzorger gewijzigd", "Carer changed"),
    "match.accept": ("Koppeling geaccepteerd", "Match accepted"),
    "match.complete": ("Koppeling afgerond", "Match completed"),
    "match.confirm": ("Koppeling bevestigd", "Match confirmed"),
    "match.decline": ("Koppeling afgeslagen", "Match declined"),
    "match.propose": ("Koppeling voorgesteld", "Match proposed"),
    "match.rank": ("Vrijwilligers gerangschikt", "Volunteers ranked"),
    "match.withdraw": ("Koppeling ingetrokken", "Match withdrawn"),
    "peer.add": ("Apparaat gekoppeld", "Peer paired"),
    "peer.address": ("Adres van gekoppeld apparaat gewijzigd", "Peer address changed"),
    "peer.remove": ("Apparaat ontkoppeld", "Peer removed"),
    "relay.add": ("Relay ingesteld", "Relay configured"),
    "risk.list": ("Crisisrisico bekeken", "Crisis risk viewed"),
    "relay.config": ("Relay-serverconfiguratie geschreven", "Relay server configuration written"),
    "relay.remove": ("Relay verwijderd", "Relay removed"),
    "placement.accept": ("Plaatsing geaccepteerd", "Placement accepted"),
    "placement.admit": ("Cliënt opgenomen", "Client admitted"),
    "placement.candidates": ("Plaatsen gezocht", "Places searched"),
    "placement.caseload": ("Plaatsingen bekeken", "Placements viewed"),
    "placement.close": ("Plaatsingsaanvraag gesloten", "Placement request closed"),
    "placement.conflicts": ("Plaatsingsconflicten bekeken", "Placement conflicts viewed"),
    "placement.create": ("Plaatsingsaanvraag aangemaakt", "Placement request created"),
    "placement.decline": ("Plaatsing afgewezen", "Placement declined"),
    "placement.discharge": ("Cliënt ontslagen", "Client discharged"),
    "placement.incoming": ("Binnenkomende aanvragen bekeken", "Incoming requests viewed"),
    "placement.offer": ("Plaats aangeboden", "Place offered"),
    "placement.read": ("Plaatsingsaanvraag ingezien", "Placement request viewed"),
    "placement.send": ("Plaatsingsaanvraag verstuurd", "Placement request sent"),
    "placement.targets": ("Doelen plaatsing bekeken", "Placement targets viewed"),
    "placement.triage": ("Triage ingezien", "Triage viewed"),
    "placement.withdraw": ("Aanbod ingetrokken", "Offer withdrawn"),
    "profile.create": ("Profiel aangemaakt", "Profile created"),
    "projection.rebuild": ("Tabellen herbouwd", "Tables rebuilt"),
    "settings.update": ("Instellingen gewijzigd", "Settings changed"),
    "slot.book": ("Tijdslot geboekt", "Slot booked"),
    "slot.clients": ("Cliënten gekozen voor tijdslot", "Clients listed for a slot"),
    "slot.publish": ("Tijdsloten gepubliceerd", "Slots published"),
    "slot.release": ("Tijdslot vrijgegeven", "Slot released"),
    "sync.refused": ("Synchronisatie geweigerd", "Sync refused"),
    "sync.run": ("Gesynchroniseerd", "Synced"),
    "sync.session": ("Synchronisatie met gekoppeld apparaat", "Sync session with peer"),
    "visit.create": ("Bezoek gepland", "Visit planned"),
    "visit.read": ("Bezoeken ingezien", "Visits viewed"),
    "visit.update": ("Bezoek gewijzigd", "Visit changed"),
    "volunteer.create": ("Vrijwilliger aangemaakt", "Volunteer created"),
    "volunteer.read": ("Vrijwilliger ingezien", "Volunteer viewed"),
    "volunteer.search": ("Vrijwilligers gezocht", "Volunteers searched"),
    "volunteer.update": ("Vrijwilliger gewijzigd", "Volunteer changed"),
    "web.refused": ("Geweigerd in een browsersessie", "Refused in a browser session"),
    "web.session_end": ("Browsersessie beëindigd", "Browser session ended"),
    "web.session_start": ("Browsersessie geopend", "Browser session opened"),
}


def _pick(names: tuple[str, str], lang: str) -> str:
    return names[1] if lang == "en" else names[0]


def event_name(code: str, lang: str) -> str:
    """The event's readable name; an unknown code (written by a newer version) shows as itself."""
    names = EVENT_NAMES.get(code)
    return code if names is None else _pick(names, lang)


def action_name(letter: str, lang: str) -> str:
    names = ACTION_NAMES.get(letter)
    return letter if names is None else _pick(names, lang)


def outcome_name(outcome: str, lang: str) -> str:
    names = OUTCOME_NAMES.get(outcome)
    return outcome if names is None else _pick(names, lang)


def event_codes() -> list[str]:
    """Every named event code, sorted (the filter's choices)."""
    return sorted(EVENT_NAMES)
