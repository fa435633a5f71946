"""Dutch identifiers (BSN, postcode, PC4, AGB) and language codes, normalised to the stored form.

The checks themselves come from python-stdnum (the 11-test, the postcode blacklist) so we do not
maintain our own copy of national rules; this module only adds messages a nurse understands.
"""

from __future__ import annotations

import re

from stdnum.exceptions import InvalidChecksum, InvalidComponent
from stdnum.exceptions import ValidationError as StdnumError
from stdnum.nl import bsn as stdnum_bsn
from stdnum.nl import postcode as stdnum_postcode
from stdnum.util import clean

from veldclient.errors import ValidationError

# ISO 639-1: every two-letter language code.
_ISO_639_1_CODES = """
aa ab ae af ak am an ar as av ay az ba be bg bi bm bn bo br bs ca ce ch co cr cs cu cv cy da
de dv dz ee el en eo es et eu fa ff fi fj fo fr fy ga gd gl gn gu gv ha he hi ho hr ht hu hy
hz ia id ie ig ii ik io is it iu ja jv ka kg ki kj kk kl km kn ko kr ks ku kv kw ky la lb lg
li ln lo lt lu lv mg mh mi mk ml mn mr ms mt my na nb nd ne ng nl nn no nr nv ny oc oj om or
os pa pi pl ps pt qu rm rn ro ru rw sa sc sd se sg si sk sl sm sn so sq sr ss st su sv sw ta
te tg th ti tk tl tn to tr ts tt tw ty ug uk ur uz ve vi vo wa wo xh yi yo za zh zu
"""
ISO_639_1 = frozenset(_ISO_639_1_CODES.split())


def _err(field: str, code: str, nl: str, en: str) -> ValidationError:
    return ValidationError.single(field, code, nl, en)


def _text(value: object) -> str:
    return "" if value is None else str(value).strip()


def bsn(value: object, field: str = "bsn") -> str:
    """A BSN as nine digits; eight typed digits get the leading 0 that spreadsheets drop."""
    digits = clean(_text(value), " -.")
    if not digits:
        raise _err(field, "required", "Vul het BSN in.", "Enter the BSN.")
    if not digits.isdigit():
        raise _err(
            field,
            "bsn_format",
            "Een BSN bevat alleen cijfers.",
            "A BSN contains digits only.",
        )
    if len(digits) not in (8, 9):
        raise _err(
            field,
            "bsn_length",
            f"Een BSN heeft negen cijfers; u vulde er {len(digits)} in.",
            f"A BSN has nine digits; you entered {len(digits)}.",
        )
    digits = digits.zfill(9)
    if int(digits) == 0:
        raise _err(field, "bsn_zero", "000000000 is geen geldig BSN.", "000000000 is not a valid BSN.")
    try:
        return stdnum_bsn.validate(digits)
    except StdnumError as exc:
        raise _err(
            field,
            "bsn_checksum" if isinstance(exc, InvalidChecksum) else "bsn_format",
            "Het BSN klopt niet: controleer de negen cijfers (elfproef).",
            "This BSN is not valid: check the nine digits (11-test).",
        ) from exc


def postcode(value: object, field: str = "postcode") -> str:
    """A Dutch postcode stored as '1234 AB', whatever spacing or case was typed."""
    text = _text(value)
    if not text:
        raise _err(field, "required", "Vul de postcode in.", "Enter the postcode.")
    compact = stdnum_postcode.compact(text)
    try:
        return stdnum_postcode.validate(compact)
    except InvalidComponent as exc:
        raise _err(
            field,
            "postcode_letters",
            f"Postcode {compact[:4]} {compact[4:]} bestaat niet: de letters SA, SD en SS worden "
            "niet gebruikt.",
            f"Postcode {compact[:4]} {compact[4:]} does not exist: the letters SA, SD and SS are not used.",
        ) from exc
    except StdnumError as exc:
        if re.fullmatch(r"0\d{3}[A-Z]{2}", compact):
            raise _err(
                field,
                "postcode_zero",
                "Een postcode begint niet met 0.",
                "A Dutch postcode never starts with 0.",
            ) from exc
        raise _err(
            field,
            "postcode_format",
            "Vul de postcode in als vier cijfers en twee letters, bijvoorbeeld 7511 JM.",
            "Enter the postcode as four digits and two letters, for example 7511 JM.",
        ) from exc


def pc4(value: object, field: str = "pc4") -> str:
    """Only the four digits of a postcode: enough to match by area without a home address."""
    text = _text(value)
    if not text:
        raise _err(field, "required", "Vul de vier cijfers van de postcode in.", "Enter the PC4.")
    if not re.fullmatch(r"[1-9]\d{3}", text):
        raise _err(
            field,
            "pc4",
            "Vul alleen de vier cijfers van de postcode in (1000 t/m 9999), bijvoorbeeld 7511.",
            "Enter only the four digits of the postcode (1000 to 9999), for example 7511.",
        )
    return text


def agb(value: object, field: str = "agb") -> str:
    """An AGB code: eight digits. There is no public check digit, so verify it in the Vektis
    register; this only catches typing mistakes."""
    text = clean(_text(value), " -.")
    if not text:
        raise _err(field, "required", "Vul de AGB-code in.", "Enter the AGB code.")
    if not re.fullmatch(r"\d{8}", text):
        raise _err(
            field,
            "agb",
            "Een AGB-code heeft precies acht cijfers, bijvoorbeeld 01234567.",
            "An AGB code has exactly eight digits, for example 01234567.",
        )
    return text


def language(value: object, field: str = "language") -> str:
    """An ISO 639-1 code, lower-case ('nl', 'tr', 'ti'), so matching compares like with like."""
    text = _text(value).lower()
    if not text:
        raise _err(field, "required", "Vul een taal in.", "Enter a language.")
    if text not in ISO_639_1:
        raise _err(
            field,
            "language",
            f"'{_text(value)}' is geen taalcode: gebruik twee letters, zoals nl, en, de, tr of ar.",
            f"'{_text(value)}' is not a language code: use two letters, such as nl, en, de, tr or ar.",
        )
    return text
