"""What must not reach a volunteer, found in free text: a BSN, a date of birth, an e-mail address or a
health term.

A help request's summary is typed by a person and goes to volunteers as the export's notes
(DOMAIN.md: task, window, PC4, first name and non-medical notes only). This module finds what does
not belong there, so that the export holds the notes back and the services that file or edit a
request can warn while the person is still at it. It names only the *kind* of thing found (and, for
health information, the words, which identify no one); the value itself is never repeated.

Pure (no I/O, no clock): ``today`` is passed in, since a date of birth is told from the date help
is wanted by how far it lies in the past.

- **BSN:** runs of 8 or 9 digits, also written with single spaces or dots between them
  (``111 222 333``, ``1112.22.333``), that pass the 11-test of python-stdnum's ``nl.bsn``. A run that
  is part of a longer number (a phone number ``06 12345678``, an account number) is not a
  candidate; nor is a date. Requiring the 11-test keeps other 8-9 digit numbers out, 10 in 11 of them.
- **Date of birth:** a real calendar date written ``05-04-1938``, ``5-4-1938``, ``05/04/1938``,
  ``05.04.1938``, ``1938-04-05``, ``5 april 1938`` / ``5 apr. 1938`` or ``April 5, 1938``, lying at
  least ``BIRTH_DATE_BEFORE`` before today. Help is asked for now, so an older full date in a
  summary is most likely someone's date of birth; the date of an appointment is not held back.
- **E-mail address:** ``local@domain.tld``.
- **Health terms:** ``HEALTH_TERMS`` below ("hard of hearing" is health data too).

Matching ignores case and diacritics (``fold``).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import date, timedelta

from stdnum.nl import bsn as stdnum_bsn

BIRTH_DATE_BEFORE = timedelta(days=365)

# The kinds, in the order a message names them, with how a sentence names one of each.
KINDS: dict[str, tuple[str, str]] = {
    "bsn": ("een BSN", "a BSN"),
    "birth_date": ("een geboortedatum", "a date of birth"),
    "email": ("een e-mailadres", "an e-mail address"),
    "health": ("gezondheidsinformatie", "health information"),
}

# A trailing '*' matches any word that starts with the stem (Dutch compounds and inflections:
# "dementerend", "rolstoelbus"); other entries match whole words or phrases only. "Hard of
# hearing" is health data too (domain-model.md §c), hence the conditions that sound harmless.
# fmt: off
HEALTH_TERMS: tuple[str, ...] = (
    # Dutch
    "slechthorend*", "doof", "dove", "gehoorapparaat*", "blind", "blinde", "slechtziend*",
    "dement*", "alzheimer*", "geheugenproblem*", "vergeetachtig*", "diabet*", "suikerziek*",
    "rolstoel*", "rollator*", "scootmobiel*", "medicatie*", "medicijn*", "insuline*", "incontinen*",
    "depressie*", "depressief", "kanker*", "chemo*", "bestraling*", "tumor*", "hartfalen",
    "hartpatient*", "hartaanval*", "hartinfarct*", "copd", "astma*", "longziekte*", "parkinson*",
    "beroerte*", "herseninfarct*", "epilep*", "psychose*", "psychotisch*", "schizofren*",
    "bipolair*", "autis*", "adhd", "verslaving*", "verslaafd*", "dialyse*", "stoma*", "katheter*",
    "sonde*", "zuurstof*", "reuma*", "artrose*", "ms", "hiv", "palliatie*", "terminaal", "ziek",
    "zieke", "ziekte*", "diagnose*", "operatie*", "fysiotherap*", "slecht ter been",
    "moeilijk ter been", "valgevaar*",
    # English
    "hard of hearing", "deaf", "hearing aid*", "visually impaired", "partially sighted",
    "dementia", "memory loss", "diabetes", "diabetic", "wheelchair*", "medication*",
    "medicine*", "insulin", "incontinent", "incontinence", "depression", "depressed", "cancer*",
    "chemotherapy", "heart failure", "heart attack", "asthma*", "parkinson's", "stroke",
    "epilepsy", "epileptic", "psychosis", "psychotic", "schizophreni*", "bipolar", "autism",
    "autistic", "addiction", "addicted", "dialysis", "catheter*", "oxygen", "arthritis",
    "terminally ill", "palliative", "diagnosis", "diagnosed", "surgery", "physiotherap*",
)
# fmt: on

MONTHS: dict[str, int] = {
    **{m: i for i, m in enumerate(("januari", "februari", "maart", "april", "mei", "juni", "juli",
                                   "augustus", "september", "oktober", "november", "december"), 1)},
    **{m: i for i, m in enumerate(("january", "february", "march", "april", "may", "june", "july",
                                   "august", "september", "october", "november", "december"), 1)},
    **{m: i for i, m in enumerate(("jan", "feb", "mrt", "apr", "mei", "jun", "jul", "aug", "sep",
                                   "okt", "nov", "dec"), 1)},
    "mar": 3, "may": 5, "sept": 9, "oct": 10,
}  # fmt: skip


def fold(text: str) -> str:
    """Lower-case without diacritics (NFKD, combining marks dropped): 'Patiënt' -> 'patient'.
    NFKD also turns full-width and other compatibility digits into 0-9."""
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch)).casefold()


# --- health terms ---------------------------------------------------------------------------------


def _term_pattern(term: str) -> str:
    stem = term.rstrip("*")
    body = r"\s+".join(re.escape(fold(word)) for word in stem.split())
    tail = r"\w*" if term.endswith("*") else r"(?!\w)"
    return rf"(?<!\w)({body})" + tail


_TERMS_RE = [re.compile(_term_pattern(term)) for term in HEALTH_TERMS]


def health_terms(text: str | None) -> list[str]:
    """The health words found in ``text``, as matched (lower case, no diacritics: 'dementie' for a
    'dement*' entry), in order of appearance; overlapping entries report the longest match once."""
    if not text:
        return []
    folded = fold(text)
    spans = sorted(
        {(m.start(), -m.end()) for pattern in _TERMS_RE for m in pattern.finditer(folded)},
    )
    out: list[str] = []
    covered = -1
    for start, neg_end in spans:
        if start < covered:
            continue
        word = " ".join(folded[start:-neg_end].split())
        covered = -neg_end
        if word not in out:
            out.append(word)
    return out


# --- dates ----------------------------------------------------------------------------------------

_MONTH_NAMES = "|".join(sorted(MONTHS, key=len, reverse=True))
_DMY = re.compile(r"(?<![\d\w])(\d{1,2})([-/.])(\d{1,2})\2(\d{4})(?!\d)")
_YMD = re.compile(r"(?<![\d\w])(\d{4})([-/.])(\d{1,2})\2(\d{1,2})(?!\d)")
_D_MONTH_Y = re.compile(rf"(?<![\d\w])(\d{{1,2}})\.?\s+({_MONTH_NAMES})\.?,?\s+(\d{{4}})(?!\d)")
_MONTH_D_Y = re.compile(rf"(?<!\w)({_MONTH_NAMES})\.?\s+(\d{{1,2}})(?:st|nd|rd|th)?,?\s+(\d{{4}})(?!\d)")


def _real(year: str, month: str | int, day: str) -> date | None:
    try:
        return date(int(year), int(month), int(day))
    except ValueError:
        return None


def dates(folded: str) -> Iterator[tuple[int, int, date]]:
    """Every real calendar date written in one of the forms above: (start, end, date)."""
    for m in _DMY.finditer(folded):
        if (found := _real(m[4], m[3], m[1])) is not None:
            yield m.start(), m.end(), found
    for m in _YMD.finditer(folded):
        if (found := _real(m[1], m[3], m[4])) is not None:
            yield m.start(), m.end(), found
    for m in _D_MONTH_Y.finditer(folded):
        if (found := _real(m[3], MONTHS[m[2]], m[1])) is not None:
            yield m.start(), m.end(), found
    for m in _MONTH_D_Y.finditer(folded):
        if (found := _real(m[3], MONTHS[m[1]], m[2])) is not None:
            yield m.start(), m.end(), found


# --- BSN and e-mail -------------------------------------------------------------------------------

# 8 or 9 digits, single spaces or dots allowed between them; not glued to a digit before or after
# (directly, through one separator, or after an area code in brackets), so no slice of a longer
# number (``06-12345678``, ``(06) 12345678``) is a candidate.
_BSN_RUN = re.compile(
    r"(?<!\d)(?<!\d[ .\-/])(?<!\d\))(?<!\d\) )"
    r"\d(?:[ .]?\d){7,8}"
    r"(?![ .\-/]?\d)"
)
_EMAIL = re.compile(r"(?<![\w.+-])[\w.+-]+@[\w-]+(?:\.[\w-]+)*\.[a-z]{2,}(?![\w-])")


def _inside(start: int, end: int, spans: Iterable[tuple[int, int]]) -> bool:
    return any(s < end and start < e for s, e in spans)


def bsn_spans(folded: str, taken: Iterable[tuple[int, int]] = ()) -> list[tuple[int, int]]:
    """Where a valid BSN is written (``taken``: spans already known to be something else)."""
    skip = list(taken)
    return [
        (m.start(), m.end())
        for m in _BSN_RUN.finditer(folded)
        if not _inside(m.start(), m.end(), skip) and stdnum_bsn.is_valid(m.group())
    ]


# --- together -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Screening:
    """What a text holds that a volunteer may not see: the kinds found (in ``KINDS`` order) and the
    health words (which identify no one, so a message may name them)."""

    kinds: tuple[str, ...] = ()
    terms: tuple[str, ...] = ()

    @property
    def clean(self) -> bool:
        return not self.kinds

    def found(self, lang: str) -> str:
        """``'een BSN en gezondheidsinformatie ('doof')'`` / ``"a BSN and health information ('deaf')"``."""
        i = 0 if lang == "nl" else 1
        parts = [KINDS[k][i] for k in self.kinds]
        if "health" in self.kinds and self.terms:
            listed = ", ".join(f"'{t}'" for t in self.terms)
            parts[self.kinds.index("health")] += f" ({listed})"
        if len(parts) <= 1:
            return "".join(parts)
        return ", ".join(parts[:-1]) + (" en " if i == 0 else " and ") + parts[-1]

    def warning(self) -> tuple[str, str] | None:
        """What a person filing or editing the request is told (nl, en); None when clean."""
        if self.clean:
            return None
        return (
            f"Let op: de samenvatting bevat {self.found('nl')}. Dat gaat niet naar een vrijwilliger: "
            "de export laat de notitie leeg zolang het erin staat.",
            f"Note: the summary contains {self.found('en')}. That does not go to a volunteer: the "
            "export leaves the notes empty as long as it is there.",
        )

    def held_back(self) -> tuple[str, str] | None:
        """What the volunteer export says when it left the notes out (nl, en); None when clean."""
        if self.clean:
            return None
        return (
            f"De notitie is niet geëxporteerd: de samenvatting bevat {self.found('nl')}. "
            "Haal dat uit de samenvatting en exporteer opnieuw.",
            f"The notes were not exported: the summary contains {self.found('en')}. "
            "Remove it from the summary and export again.",
        )

    def as_json(self) -> dict[str, list[str]]:
        return {"kinds": list(self.kinds), "terms": list(self.terms)}


def screen(text: str | None, today: date) -> Screening:
    """Everything in ``text`` that must not reach a volunteer (see the module docstring)."""
    if not text:
        return Screening()
    folded = fold(text)
    found: set[str] = set()
    emails = [(m.start(), m.end()) for m in _EMAIL.finditer(folded)]
    if emails:
        found.add("email")
    written = [(s, e, d) for s, e, d in dates(folded) if not _inside(s, e, emails)]
    if any(d <= today - BIRTH_DATE_BEFORE for _s, _e, d in written):
        found.add("birth_date")
    if bsn_spans(folded, emails + [(s, e) for s, e, _d in written]):
        found.add("bsn")
    terms = health_terms(text)
    if terms:
        found.add("health")
    return Screening(tuple(k for k in KINDS if k in found), tuple(terms))
