"""ELV triage: which temporary stay fits a client who can no longer stay at home.

The rules follow the LHV/Verenso decision aid (reference/domain-model.md §a). The outcome is advice,
not a decision: the nurse may request another care type (e.g. ELV palliatief, which depends on life
expectancy and is not one of the triage questions), and both are stored on the placement request.
"""

from __future__ import annotations

from dataclasses import dataclass

from .enums import CareType
from .fields import boolean
from .record import FormRecord, spec


class Triage(FormRecord):
    """The five yes/no triage answers; an unticked box means 'no'."""

    instability: bool = spec(boolean, default=False)
    unplanned_nursing: bool = spec(boolean, default=False)
    adl_takeover: bool = spec(boolean, default=False)
    wlz_indication: bool = spec(boolean, default=False)
    specialist_needed: bool = spec(boolean, default=False)


@dataclass(frozen=True)
class TriageAdvice:
    """Suggested care type (None: refer to hospital) with the reason in both languages."""

    care_type: CareType | None
    reason_nl: str
    reason_en: str
    hospital: bool = False

    def reason(self, lang: str = "nl") -> str:
        return self.reason_nl if lang == "nl" else self.reason_en


def _grounds(t: Triage) -> tuple[list[str], list[str]]:
    nl: list[str] = []
    en: list[str] = []
    if t.instability:
        nl.append("medisch instabiel (wakend oog nodig)")
        en.append("medically unstable (needs watching)")
    if t.unplanned_nursing:
        nl.append("onplanbare verpleging")
        en.append("unplannable nursing care")
    if t.adl_takeover:
        nl.append("overname van ADL nodig")
        en.append("needs ADL to be taken over")
    return nl, en


def suggest_care_type(triage: Triage) -> TriageAdvice:
    """Apply the ELV rules in order: hospital first, then the Wlz exclusion, then ELV vs Wmo."""
    if triage.specialist_needed:
        return TriageAdvice(
            None,
            "Specialistische behandeling nodig: verwijs naar het ziekenhuis. "
            "Eerstelijnsverblijf is dan niet passend.",
            "Specialist treatment needed: refer to hospital. A primary-care stay is not suitable.",
            hospital=True,
        )
    nl, en = _grounds(triage)
    if triage.wlz_indication:
        if nl:
            return TriageAdvice(
                CareType.WLZ_CRISIS,
                f"Wlz-indicatie sluit ELV uit; {', '.join(nl)}: Wlz-crisisopname.",
                f"A Wlz indication excludes ELV; {', '.join(en)}: Wlz crisis admission.",
            )
        return TriageAdvice(
            CareType.WLZ_LOGEER,
            "Wlz-indicatie sluit ELV uit en er is geen acute zorgvraag: Wlz-logeeropvang.",
            "A Wlz indication excludes ELV and there is no acute care need: Wlz respite stay.",
        )
    if triage.instability:
        return TriageAdvice(
            CareType.ELV_HOOG,
            f"ELV hoog complex: {', '.join(nl)}; de specialist ouderengeneeskunde is hoofdbehandelaar.",
            f"High-complexity primary-care stay: {', '.join(en)}; an elderly-care physician leads treatment.",
        )
    if nl:
        return TriageAdvice(
            CareType.ELV_LAAG,
            f"ELV laag complex: {', '.join(nl)}; de huisarts blijft hoofdbehandelaar.",
            f"Low-complexity primary-care stay: {', '.join(en)}; the GP stays in charge.",
        )
    return TriageAdvice(
        CareType.WMO_KORTDUREND_VERBLIJF,
        "Medisch stabiel, geen onplanbare verpleging of ADL-overname: Wmo kortdurend verblijf "
        "om de mantelzorger te ontlasten.",
        "Medically stable, no unplannable nursing or ADL takeover: Wmo short stay to relieve the carer.",
    )
