"""All record models in one import; the definitions are split by area to keep modules small."""

from .models_capacity import STALE_AFTER_MS, BedCounts, CapacityRecord, Location, Slot
from .models_care import Client, Referrer, Visit
from .models_carer import Burden, Mantelzorger
from .models_help import HelpRequest, Match, Window
from .models_placement import SLA_PLACED_MS, SLA_REPLY_MS, PlacementRequest
from .models_roster import Availability, Vog, Volunteer
from .triage import Triage

__all__ = [
    "STALE_AFTER_MS",
    "SLA_PLACED_MS",
    "SLA_REPLY_MS",
    "Availability",
    "BedCounts",
    "Burden",
    "CapacityRecord",
    "Client",
    "HelpRequest",
    "Location",
    "Mantelzorger",
    "Match",
    "PlacementRequest",
    "Referrer",
    "Slot",
    "Triage",
    "Visit",
    "Vog",
    "Volunteer",
    "Window",
]
