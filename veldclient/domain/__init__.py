"""Domain layer: enums, identifiers, record models, triage and burden rules.

Pure and deterministic: no I/O, no clock (functions that need "now" or "today" take it as an
argument), no UI imports. ``parse`` validates raw user input; ``from_dict`` reads stored records.
"""

from . import identifiers
from .burden import SCORE_RANGE, category, is_heavy, score_csi, score_ediz, score_ediz_plus
from .enums import (
    BedStatus,
    BurdenCategory,
    BurdenInstrument,
    Capability,
    CareType,
    Dagdeel,
    DischargeDestination,
    HelpRequestStatus,
    LabelledEnum,
    MatchStatus,
    OfferState,
    OnBehalfOf,
    PlacementStatus,
    ReferrerRole,
    RespiteNeed,
    Role,
    SlotStatus,
    StatusEnum,
    Task,
    Urgency,
    VisitStatus,
    VogStatus,
    Weekday,
    check_transition,
)
from .fields import new_id
from .identifiers import agb, bsn, language, pc4, postcode
from .models_capacity import STALE_AFTER_MS, BedCounts, CapacityRecord, Location, Slot
from .models_care import Client, Referrer, Visit
from .models_carer import Burden, Mantelzorger
from .models_help import HelpRequest, Match, Window
from .models_placement import SLA_PLACED_MS, SLA_REPLY_MS, PlacementRequest
from .models_roster import Availability, Vog, Volunteer
from .triage import Triage, TriageAdvice, suggest_care_type

__all__ = [
    "SCORE_RANGE",
    "SLA_PLACED_MS",
    "SLA_REPLY_MS",
    "STALE_AFTER_MS",
    "Availability",
    "BedCounts",
    "BedStatus",
    "Burden",
    "BurdenCategory",
    "BurdenInstrument",
    "CapacityRecord",
    "Capability",
    "CareType",
    "Client",
    "Dagdeel",
    "DischargeDestination",
    "HelpRequest",
    "HelpRequestStatus",
    "LabelledEnum",
    "Location",
    "Mantelzorger",
    "Match",
    "MatchStatus",
    "OfferState",
    "OnBehalfOf",
    "PlacementRequest",
    "PlacementStatus",
    "Referrer",
    "ReferrerRole",
    "RespiteNeed",
    "Role",
    "Slot",
    "SlotStatus",
    "StatusEnum",
    "Task",
    "Triage",
    "TriageAdvice",
    "Urgency",
    "Visit",
    "VisitStatus",
    "Vog",
    "VogStatus",
    "Volunteer",
    "Weekday",
    "Window",
    "agb",
    "bsn",
    "category",
    "check_transition",
    "identifiers",
    "is_heavy",
    "language",
    "new_id",
    "pc4",
    "postcode",
    "score_csi",
    "score_ediz",
    "score_ediz_plus",
    "suggest_care_type",
]
