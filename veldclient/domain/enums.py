"""Enum codes from docs/data-model.md, with Dutch and English labels and the status lifecycles.

Codes are what is stored; labels are what people read. Every member has a label in both languages
so no screen has to invent one. The four status enums carry an ``ALLOWED`` table because offline
devices change status independently: checking every step against one table keeps them consistent.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from enum import StrEnum
from types import MappingProxyType
from typing import ClassVar, TypeVar

from veldclient.errors import InvalidTransition

_LABELS: dict[type[LabelledEnum], dict[str, tuple[str, str]]] = {}


class LabelledEnum(StrEnum):
    """A code-valued enum whose members have a Dutch and an English label."""

    def label(self, lang: str = "nl") -> str:
        nl, en = _LABELS[type(self)][self.value]
        return nl if lang == "nl" else en

    def labels_folded(self) -> tuple[str, str]:
        """Both labels case-folded, so typed labels are accepted as well as codes."""
        nl, en = _LABELS[type(self)][self.value]
        return nl.casefold(), en.casefold()


L = TypeVar("L", bound=type[LabelledEnum])


def _labels(table: dict[str, tuple[str, str]]) -> Callable[[L], L]:
    """Class decorator attaching the label table; fails at import if a member lacks a label."""

    def attach(cls: L) -> L:
        missing = {m.value for m in cls} ^ set(table)
        if missing:
            raise AssertionError(f"{cls.__name__}: labels do not match codes: {sorted(missing)}")
        _LABELS[cls] = table
        return cls

    return attach


@_labels(
    {
        "open": ("open", "open"),
        "declined": ("afgewezen", "declined"),
        "withdrawn": ("ingetrokken", "withdrawn"),
        "accepted": ("geaccepteerd", "accepted"),
        "admitted": ("opgenomen", "admitted"),
        "discharged": ("ontslagen", "discharged"),
        "given_away": ("naar andere aanvraag", "went to another request"),
        "overruled": ("vervallen door besluit", "set aside by decision"),
    }
)
class OfferState(LabelledEnum):
    """Where one node's offer of a bed stands; derived from a request's events, never stored."""

    OPEN = "open"
    DECLINED = "declined"
    WITHDRAWN = "withdrawn"
    ACCEPTED = "accepted"
    ADMITTED = "admitted"
    DISCHARGED = "discharged"
    GIVEN_AWAY = "given_away"  # accepted, but a decision gave the bed to another request
    OVERRULED = "overruled"  # accepted, but a decision set this acceptance aside


# English care types lead with the word that tells them apart, so a narrow column that cuts them
# ("Low-complexity prim…", "High-complexity pri…") still says which one it is.
@_labels(
    {
        "ELV_LAAG": ("ELV laag complex", "Low-complexity primary-care stay"),
        "ELV_HOOG": ("ELV hoog complex", "High-complexity primary-care stay"),
        "ELV_PALLIATIEF": ("ELV palliatief", "Palliative primary-care stay"),
        "GRZ": ("Geriatrische revalidatiezorg", "Geriatric rehabilitation"),
        "WLZ_CRISIS": ("Wlz-crisisopname", "Crisis admission, long-term care (Wlz)"),
        "WLZ_LOGEER": ("Wlz-logeeropvang", "Respite stay, long-term care (Wlz)"),
        "WMO_KORTDUREND_VERBLIJF": ("Wmo kortdurend verblijf", "Short stay to relieve carer (Wmo)"),
        "WMO_SPOED": ("Wmo-spoedopvang", "Emergency support, municipal (Wmo)"),
        "GGZ_CRISIS": ("GGZ-crisisopname", "Mental-health crisis admission"),
    }
)
class CareType(LabelledEnum):
    ELV_LAAG = "ELV_LAAG"
    ELV_HOOG = "ELV_HOOG"
    ELV_PALLIATIEF = "ELV_PALLIATIEF"
    GRZ = "GRZ"
    WLZ_CRISIS = "WLZ_CRISIS"
    WLZ_LOGEER = "WLZ_LOGEER"
    WMO_KORTDUREND_VERBLIJF = "WMO_KORTDUREND_VERBLIJF"
    WMO_SPOED = "WMO_SPOED"
    GGZ_CRISIS = "GGZ_CRISIS"


@_labels(
    {
        "FREE": ("Vrij", "Free"),
        "OCCUPIED": ("Bezet", "Occupied"),
        "CLOSED": ("Gesloten", "Closed"),
        "CLEANING": ("Schoonmaak", "Being cleaned"),
        "ISOLATION": ("Isolatie", "Isolation"),
    }
)
class BedStatus(LabelledEnum):
    """The statuses a bed can be in (HL7 v2-0116): the one list every count, column and form
    field of beds derives from."""

    FREE = "FREE"
    OCCUPIED = "OCCUPIED"
    CLOSED = "CLOSED"
    CLEANING = "CLEANING"
    ISOLATION = "ISOLATION"

    @property
    def column(self) -> str:
        """The name of this status's count as a field and a column: ``free``, ``occupied`` ..."""
        return self.value.lower()


@_labels(
    {
        "INFUUS": ("Infuus", "Infusion"),
        "ZUURSTOF": ("Zuurstof", "Oxygen"),
        "COMPLEXE_WONDZORG": ("Complexe wondzorg", "Complex wound care"),
        "DEMENTIE_PG": ("Geschikt voor dementie (PG)", "Dementia-suitable"),
        "ISOLATIE": ("Isolatiekamer", "Isolation room"),
        "BARIATRISCH": ("Bariatrisch", "Bariatric"),
        "TILLIFT": ("Tillift", "Patient hoist"),
        "SONDEVOEDING": ("Sondevoeding", "Tube feeding"),
    }
)
class Capability(LabelledEnum):
    INFUUS = "INFUUS"
    ZUURSTOF = "ZUURSTOF"
    COMPLEXE_WONDZORG = "COMPLEXE_WONDZORG"
    DEMENTIE_PG = "DEMENTIE_PG"
    ISOLATIE = "ISOLATIE"
    BARIATRISCH = "BARIATRISCH"
    TILLIFT = "TILLIFT"
    SONDEVOEDING = "SONDEVOEDING"


@_labels(
    {
        "U1": ("U1 levensbedreigend", "U1 life-threatening"),
        "U2": ("U2 binnen 1 uur", "U2 within 1 hour"),
        "U3": ("U3 binnen enkele uren", "U3 within a few hours"),
        "U4": ("U4 binnen 24 uur", "U4 within 24 hours"),
        "U5": ("U5 advies", "U5 advice"),
    }
)
class Urgency(LabelledEnum):
    U1 = "U1"
    U2 = "U2"
    U3 = "U3"
    U4 = "U4"
    U5 = "U5"


@_labels(
    {
        "HUISARTS": ("Huisarts", "GP"),
        "HAP": ("Huisartsenpost", "Out-of-hours GP post"),
        "SEH_SPECIALIST": ("Specialist spoedeisende hulp", "Emergency department specialist"),
        "TRANSFERVPK": ("Transferverpleegkundige", "Transfer nurse"),
        "WIJKVPK": ("Wijkverpleegkundige", "District nurse"),
        "SO": ("Specialist ouderengeneeskunde", "Elderly-care physician"),
    }
)
class ReferrerRole(LabelledEnum):
    HUISARTS = "HUISARTS"
    HAP = "HAP"
    SEH_SPECIALIST = "SEH_SPECIALIST"
    TRANSFERVPK = "TRANSFERVPK"
    WIJKVPK = "WIJKVPK"
    SO = "SO"


@_labels(
    {
        "HOME": ("Naar huis", "Home"),
        "HOME_WV": ("Naar huis met wijkverpleging", "Home with district nursing"),
        "WLZ": ("Wlz-instelling", "Long-term care facility (Wlz)"),
        "HOSPITAL": ("Ziekenhuis", "Hospital"),
        "DECEASED": ("Overleden", "Deceased"),
        "OTHER": ("Anders", "Other"),
    }
)
class DischargeDestination(LabelledEnum):
    HOME = "HOME"
    HOME_WV = "HOME_WV"
    WLZ = "WLZ"
    HOSPITAL = "HOSPITAL"
    DECEASED = "DECEASED"
    OTHER = "OTHER"


@_labels(
    {
        "NONE": ("Geen VOG", "No certificate of conduct"),
        "REQUESTED": ("VOG aangevraagd", "Certificate requested"),
        "VALID": ("VOG geldig", "Certificate valid"),
        "EXPIRED": ("VOG verlopen", "Certificate expired"),
    }
)
class VogStatus(LabelledEnum):
    NONE = "NONE"
    REQUESTED = "REQUESTED"
    VALID = "VALID"
    EXPIRED = "EXPIRED"


@_labels(
    {
        "GEZELSCHAP": ("Gezelschap", "Company"),
        "VERVOER": ("Vervoer", "Transport"),
        "BEGELEIDING_ZORGAFSPRAAK": ("Begeleiding naar zorgafspraak", "Escort to care appointment"),
        "HUISHOUDEN": ("Huishouden", "Housekeeping"),
        "ADMINISTRATIE": ("Administratie", "Paperwork"),
        "PERSOONLIJKE_VERZORGING": ("Persoonlijke verzorging", "Personal care"),
        "BOODSCHAPPEN": ("Boodschappen", "Shopping"),
        "KLUSSEN": ("Klussen", "Odd jobs"),
    }
)
class Task(LabelledEnum):
    GEZELSCHAP = "GEZELSCHAP"
    VERVOER = "VERVOER"
    BEGELEIDING_ZORGAFSPRAAK = "BEGELEIDING_ZORGAFSPRAAK"
    HUISHOUDEN = "HUISHOUDEN"
    ADMINISTRATIE = "ADMINISTRATIE"
    PERSOONLIJKE_VERZORGING = "PERSOONLIJKE_VERZORGING"
    BOODSCHAPPEN = "BOODSCHAPPEN"
    KLUSSEN = "KLUSSEN"


@_labels(
    {
        "MA": ("maandag", "Monday"),
        "DI": ("dinsdag", "Tuesday"),
        "WO": ("woensdag", "Wednesday"),
        "DO": ("donderdag", "Thursday"),
        "VR": ("vrijdag", "Friday"),
        "ZA": ("zaterdag", "Saturday"),
        "ZO": ("zondag", "Sunday"),
    }
)
class Weekday(LabelledEnum):
    """Declared Monday first: ``list(Weekday).index(d)`` equals ``date.weekday()``."""

    MA = "MA"
    DI = "DI"
    WO = "WO"
    DO = "DO"
    VR = "VR"
    ZA = "ZA"
    ZO = "ZO"


@_labels(
    {
        "OCHTEND": ("ochtend", "morning"),
        "MIDDAG": ("middag", "afternoon"),
        "AVOND": ("avond", "evening"),
    }
)
class Dagdeel(LabelledEnum):
    OCHTEND = "OCHTEND"
    MIDDAG = "MIDDAG"
    AVOND = "AVOND"


@_labels(
    {
        "EDIZ": ("EDIZ (ervaren druk door informele zorg)", "EDIZ (perceived carer burden)"),
        "EDIZ_PLUS": ("EDIZ-plus", "EDIZ-plus (extended carer burden)"),
        "CSI": ("CSI (belastingsindex mantelzorger)", "CSI (Caregiver Strain Index)"),
    }
)
class BurdenInstrument(LabelledEnum):
    EDIZ = "EDIZ"
    EDIZ_PLUS = "EDIZ_PLUS"
    CSI = "CSI"


@_labels(
    {
        "NONE": ("Geen belasting", "No burden"),
        "LIGHT": ("Licht belast", "Light burden"),
        "MODERATE": ("Matig belast", "Moderate burden"),
        "HEAVY": ("Zwaar belast (overbelast)", "Heavy burden (overloaded)"),
    }
)
class BurdenCategory(LabelledEnum):
    NONE = "NONE"
    LIGHT = "LIGHT"
    MODERATE = "MODERATE"
    HEAVY = "HEAVY"


@_labels(
    {
        "RISING": ("Stijgend", "Rising"),
        "STEADY": ("Gelijk", "Steady"),
        "FALLING": ("Dalend", "Falling"),
    }
)
class BurdenTrend(LabelledEnum):
    """How a carer's burden category moved between the last two measurements."""

    RISING = "RISING"
    STEADY = "STEADY"
    FALLING = "FALLING"


@_labels(
    {
        "LOGEER": ("Logeeropvang", "Respite stay"),
        "DAGOPVANG": ("Dagopvang", "Day care"),
        "VRIJWILLIGE_THUISHULP": ("Vrijwillige hulp thuis", "Volunteer help at home"),
    }
)
class RespiteNeed(LabelledEnum):
    LOGEER = "LOGEER"
    DAGOPVANG = "DAGOPVANG"
    VRIJWILLIGE_THUISHULP = "VRIJWILLIGE_THUISHULP"


@_labels({"CLIENT": ("Cliënt", "Client"), "MANTELZORGER": ("Mantelzorger", "Informal carer")})
class OnBehalfOf(LabelledEnum):
    CLIENT = "CLIENT"
    MANTELZORGER = "MANTELZORGER"


@_labels(
    {
        "FREE": ("Vrij", "Free"),
        "BUSY": ("Bezet", "Busy"),
        "BUSY_UNAVAILABLE": ("Niet beschikbaar", "Unavailable"),
        "BUSY_TENTATIVE": ("Voorlopig bezet", "Tentatively booked"),
        "ENTERED_IN_ERROR": ("Foutief ingevoerd", "Entered in error"),
    }
)
class SlotStatus(LabelledEnum):
    FREE = "FREE"
    BUSY = "BUSY"
    BUSY_UNAVAILABLE = "BUSY_UNAVAILABLE"
    BUSY_TENTATIVE = "BUSY_TENTATIVE"
    ENTERED_IN_ERROR = "ENTERED_IN_ERROR"


@_labels(
    {
        "NURSE": ("Wijkverpleegkundige", "District nurse"),
        "COORDINATOR": ("Wijkcoördinator", "Neighbourhood coordinator"),
        "ADMIN": ("Beheerder", "Administrator"),
    }
)
class Role(LabelledEnum):
    """The CLI spells these lower-case; parsing is case-insensitive so both work."""

    NURSE = "NURSE"
    COORDINATOR = "COORDINATOR"
    ADMIN = "ADMIN"


def label_of(enum: type[LabelledEnum], code: str, lang: str = "nl") -> str:
    """A stored code as a person reads it, by ``enum``'s label; a code this version does not know (a
    newer peer's, or a site's own) shows as itself rather than failing the whole list."""
    try:
        return enum(code).label(lang)
    except ValueError:
        return code


def role_label(code: str, lang: str = "nl") -> str:
    """A role as a person reads it, from the code a profile or audit entry stores (``nurse``); a
    code this version does not know (a newer peer's) shows as itself."""
    try:
        return Role(code.upper()).label(lang)
    except ValueError:
        return code


@_labels(
    {
        "GP_CONSULT": ("Huisartsconsult", "GP consultation"),
        "WV_VISIT": ("Bezoek wijkverpleging", "District nursing visit"),
        "WOUND_CARE": ("Wondzorg", "Wound care"),
    }
)
class Service(LabelledEnum):
    """The services a node publishes slots for (a slot's ``service``) that have a name in both
    languages. A slot may hold any other code a site uses: ``service_label`` shows that as typed."""

    GP_CONSULT = "GP_CONSULT"
    WV_VISIT = "WV_VISIT"
    WOUND_CARE = "WOUND_CARE"


def service_label(code: str, lang: str = "nl") -> str:
    """A slot's service as a person reads it (``WV_VISIT`` -> "Bezoek wijkverpleging")."""
    return label_of(Service, code, lang)


# --- status lifecycles -------------------------------------------------------------------------


class StatusEnum(LabelledEnum):
    """A status with an ``ALLOWED`` table {from: frozenset(to)}; absent or empty means final."""

    ALLOWED: ClassVar[Mapping[StatusEnum, frozenset[StatusEnum]]]
    SUBJECT: ClassVar[tuple[str, str]]  # (nl, en) name of the thing whose status this is

    def allowed_next(self) -> frozenset[StatusEnum]:
        return type(self).ALLOWED.get(self, frozenset())

    @property
    def is_final(self) -> bool:
        return not self.allowed_next()


@_labels(
    {
        "DRAFT": ("Concept", "Draft"),
        "SUBMITTED": ("Ingediend", "Submitted"),
        "IN_REVIEW": ("In behandeling", "In review"),
        "OFFERED": ("Plek aangeboden", "Place offered"),
        "ACCEPTED": ("Plek geaccepteerd", "Place accepted"),
        "ADMITTED": ("Opgenomen", "Admitted"),
        "DISCHARGED": ("Ontslagen", "Discharged"),
        "REJECTED": ("Afgewezen", "Rejected"),
        "CANCELLED": ("Geannuleerd", "Cancelled"),
        "NO_PLACE": ("Geen plek gevonden", "No place found"),
    }
)
class PlacementStatus(StatusEnum):
    DRAFT = "DRAFT"
    SUBMITTED = "SUBMITTED"
    IN_REVIEW = "IN_REVIEW"
    OFFERED = "OFFERED"
    ACCEPTED = "ACCEPTED"
    ADMITTED = "ADMITTED"
    DISCHARGED = "DISCHARGED"
    REJECTED = "REJECTED"
    CANCELLED = "CANCELLED"
    NO_PLACE = "NO_PLACE"


@_labels(
    {
        "PLANNED": ("Gepland", "Planned"),
        "EN_ROUTE": ("Onderweg", "En route"),
        "DONE": ("Afgerond", "Done"),
        "WORSENED": ("Afgerond, verslechterd", "Done, condition worse"),
        "MISSED": ("Gemist", "Missed"),
        "CANCELLED": ("Geannuleerd", "Cancelled"),
    }
)
class VisitStatus(StatusEnum):
    """WORSENED is a done visit at which the nurse saw the client's condition decline: the one
    sign of the visits that the crisis-risk list reads (domain/risk.py), so it is a state of its
    own rather than words in a note that no rule could read."""

    PLANNED = "PLANNED"
    EN_ROUTE = "EN_ROUTE"
    DONE = "DONE"
    WORSENED = "WORSENED"
    MISSED = "MISSED"
    CANCELLED = "CANCELLED"


@_labels(
    {
        "OPEN": ("Open", "Open"),
        "MATCHING": ("Vrijwilliger zoeken", "Finding a volunteer"),
        "MATCHED": ("Vrijwilliger gekoppeld", "Volunteer matched"),
        "IN_PROGRESS": ("Bezig", "In progress"),
        "DONE": ("Afgerond", "Done"),
        "CANCELLED": ("Geannuleerd", "Cancelled"),
        "EXPIRED": ("Verlopen", "Expired"),
    }
)
class HelpRequestStatus(StatusEnum):
    OPEN = "OPEN"
    MATCHING = "MATCHING"
    MATCHED = "MATCHED"
    IN_PROGRESS = "IN_PROGRESS"
    DONE = "DONE"
    CANCELLED = "CANCELLED"
    EXPIRED = "EXPIRED"


@_labels(
    {
        "PROPOSED": ("Voorgesteld", "Proposed"),
        "ACCEPTED": ("Geaccepteerd door vrijwilliger", "Accepted by volunteer"),
        "CONFIRMED": ("Bevestigd", "Confirmed"),
        "COMPLETED": ("Afgerond", "Completed"),
        "DECLINED": ("Afgeslagen", "Declined"),
        "WITHDRAWN": ("Teruggetrokken", "Withdrawn"),
    }
)
class MatchStatus(StatusEnum):
    PROPOSED = "PROPOSED"
    ACCEPTED = "ACCEPTED"
    CONFIRMED = "CONFIRMED"
    COMPLETED = "COMPLETED"
    DECLINED = "DECLINED"
    WITHDRAWN = "WITHDRAWN"


S = TypeVar("S", bound=StatusEnum)


def _table(pairs: dict[S, set[S]]) -> Mapping[StatusEnum, frozenset[StatusEnum]]:
    return MappingProxyType({k: frozenset(v) for k, v in pairs.items()})


P = PlacementStatus
# Exits are possible until admission; once admitted only discharge ends the stay. Two steps go
# back to IN_REVIEW: the client declines an offer, or the bed turns out to be taken by another node
# that accepted it while the mesh was split (the conflict is shown, then the search continues).
PlacementStatus.ALLOWED = _table(
    {
        P.DRAFT: {P.SUBMITTED, P.CANCELLED},
        P.SUBMITTED: {P.IN_REVIEW, P.REJECTED, P.CANCELLED, P.NO_PLACE},
        P.IN_REVIEW: {P.OFFERED, P.REJECTED, P.CANCELLED, P.NO_PLACE},
        P.OFFERED: {P.ACCEPTED, P.IN_REVIEW, P.REJECTED, P.CANCELLED, P.NO_PLACE},
        P.ACCEPTED: {P.ADMITTED, P.IN_REVIEW, P.CANCELLED},
        P.ADMITTED: {P.DISCHARGED},
    }
)
PlacementStatus.SUBJECT = ("Plaatsingsaanvraag", "Placement request")

V = VisitStatus
# PLANNED → DONE directly: a nurse offline often records the visit afterwards. DONE → WORSENED:
# she may mark a done visit as worsened later, when she writes it up or sees the next one.
VisitStatus.ALLOWED = _table(
    {
        V.PLANNED: {V.EN_ROUTE, V.DONE, V.WORSENED, V.MISSED, V.CANCELLED},
        V.EN_ROUTE: {V.DONE, V.WORSENED, V.MISSED, V.CANCELLED},
        V.DONE: {V.WORSENED},
    }
)
VisitStatus.SUBJECT = ("Bezoek", "Visit")

H = HelpRequestStatus
# MATCHED → MATCHING when the volunteer withdraws; MATCHING → OPEN when every proposal was declined.
HelpRequestStatus.ALLOWED = _table(
    {
        H.OPEN: {H.MATCHING, H.CANCELLED, H.EXPIRED},
        H.MATCHING: {H.MATCHED, H.OPEN, H.CANCELLED, H.EXPIRED},
        H.MATCHED: {H.IN_PROGRESS, H.MATCHING, H.CANCELLED, H.EXPIRED},
        H.IN_PROGRESS: {H.DONE, H.CANCELLED},
    }
)
HelpRequestStatus.SUBJECT = ("Hulpvraag", "Help request")

M = MatchStatus
# DECLINED: the volunteer says no, or the requester does after the volunteer said yes.
# WITHDRAWN: the coordinator or volunteer pulls out, up to the moment the help is given.
MatchStatus.ALLOWED = _table(
    {
        M.PROPOSED: {M.ACCEPTED, M.DECLINED, M.WITHDRAWN},
        M.ACCEPTED: {M.CONFIRMED, M.DECLINED, M.WITHDRAWN},
        M.CONFIRMED: {M.COMPLETED, M.WITHDRAWN},
    }
)
MatchStatus.SUBJECT = ("Koppeling", "Match")


def check_transition(old: S, new: S | str) -> S:
    """Return ``new`` (as a member) if ``old → new`` is a lifecycle step, else raise
    ``InvalidTransition``. ``new`` may be a code string, as typed on the command line."""
    cls = type(old)
    if isinstance(new, str) and not isinstance(new, StatusEnum):
        try:
            new = cls(new.strip().upper())
        except ValueError:
            raise InvalidTransition(
                f"Onbekende status '{new}'. Kies uit: {', '.join(m.label('nl') for m in cls)}.",
                f"Unknown status '{new}'. Choose from: {', '.join(m.label('en') for m in cls)}.",
            ) from None
    if type(new) is not cls:
        raise TypeError(f"cannot compare {cls.__name__} with {type(new).__name__}")
    if new in old.allowed_next():
        return new
    subject_nl, subject_en = cls.SUBJECT
    if old.is_final:
        raise InvalidTransition(
            f"{subject_nl}: '{old.label('nl')}' is een eindstatus en kan niet meer veranderen.",
            f"{subject_en}: '{old.label('en')}' is final and can no longer change.",
        )
    if new == old:
        raise InvalidTransition(
            f"{subject_nl} staat al op '{old.label('nl')}'.",
            f"{subject_en} is already '{old.label('en')}'.",
        )
    order: list[StatusEnum] = list(cls)
    options = sorted(old.allowed_next(), key=order.index)
    raise InvalidTransition(
        f"{subject_nl}: van '{old.label('nl')}' naar '{new.label('nl')}' kan niet. "
        f"Mogelijk vanaf '{old.label('nl')}': {', '.join(o.label('nl') for o in options)}.",
        f"{subject_en}: cannot go from '{old.label('en')}' to '{new.label('en')}'. "
        f"Possible from '{old.label('en')}': {', '.join(o.label('en') for o in options)}.",
    )
