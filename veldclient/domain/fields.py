"""Field parsers for raw form input, and a collector that gathers every problem of a form.

A parser is a callable ``(value, field) -> typed value`` that raises ``ValidationError`` with one
``FieldError``. ``Form.take`` runs one parser per key and keeps going after a failure, so a nurse
sees all mistakes of a form at once instead of fixing them one round trip at a time.
"""

from __future__ import annotations

import dataclasses
import math
import re
import uuid
from collections.abc import Callable, Collection, Iterable, Mapping
from datetime import UTC, date, datetime
from typing import Any, TypeVar, cast

from veldclient.errors import FieldError, ValidationError

from .enums import LabelledEnum
from .formats import LOCAL_TZ, day, read_day, read_moment

T = TypeVar("T")
E = TypeVar("E", bound=LabelledEnum)
Ord = TypeVar("Ord", date, int)
Parser = Callable[[object, str], T]

_TRUE = {"1", "true", "ja", "j", "yes", "y", "waar", "x", "on"}
_FALSE = {"0", "false", "nee", "n", "no", "onwaar", "off", ""}
_ID_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.:-]{0,63}$")
_SLUG_RE = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")


def fail(field: str, code: str, nl: str, en: str) -> ValidationError:
    """Build (not raise) a one-field error; callers ``raise fail(...)`` so flow stays visible."""
    return ValidationError.single(field, code, nl, en)


def new_id() -> str:
    """Record ids are UUID4 hex (data-model.md): unique without coordination between nodes."""
    return uuid.uuid4().hex


def editable(
    changes: Mapping[str, object], record: type, only: Collection[str] | None = None
) -> Mapping[str, object]:
    """``changes`` to an existing record, refused whole if any key is not one of its editable fields
    (everything but ``id`` and ``node_id``, or just ``only``): a misspelt or foreign field would
    otherwise vanish silently while the audit log claimed it was changed."""
    allowed = {f.name for f in dataclasses.fields(record)} - {"id", "node_id"}
    if only is not None:
        allowed &= set(only)
    unknown = sorted(k for k in changes if k not in allowed)
    if unknown:
        raise ValidationError(
            FieldError(
                key,
                "unknown_field",
                f"'{key}' is geen veld dat hier gewijzigd kan worden; er is niets opgeslagen.",
                f"'{key}' is not a field that can be changed here; nothing was saved.",
            )
            for key in unknown
        )
    return changes


def is_blank(value: object) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def optional(parser: Parser[T]) -> Parser[T | None]:
    """Empty input means 'unknown' (stored as None) instead of an error."""

    def parse(value: object, field: str) -> T | None:
        return None if is_blank(value) else parser(value, field)

    return parse


def with_default(parser: Parser[T], default: T) -> Parser[T]:
    """Empty input takes ``default``: checkboxes and fields with an obvious starting value."""

    def parse(value: object, field: str) -> T:
        return default if is_blank(value) else parser(value, field)

    return parse


def required(value: object, field: str) -> None:
    if is_blank(value):
        raise fail(field, "required", "Dit veld is verplicht.", "This field is required.")


def text(max_len: int = 200) -> Parser[str]:
    """Required free text, stripped; inner whitespace runs collapse so names compare reliably."""

    def parse(value: object, field: str) -> str:
        required(value, field)
        if not isinstance(value, str):
            raise fail(field, "type", "Vul tekst in.", "Enter text.")
        cleaned = " ".join(value.split())
        if len(cleaned) > max_len:
            raise fail(field, "too_long", f"Maximaal {max_len} tekens.", f"At most {max_len} characters.")
        return cleaned

    return parse


def record_id(value: object, field: str) -> str:
    """A reference to another record: lenient on format so fixtures may use readable ids."""
    required(value, field)
    cleaned = str(value).strip()
    if not _ID_RE.match(cleaned):
        raise fail(
            field,
            "id",
            "Ongeldige verwijzing: gebruik alleen letters, cijfers, '-', '_', '.' of ':'.",
            "Invalid reference: use only letters, digits, '-', '_', '.' or ':'.",
        )
    return cleaned


def node_id(value: object, field: str) -> str:
    required(value, field)
    cleaned = str(value).strip().lower()
    if not _SLUG_RE.match(cleaned) or len(cleaned) > 64:
        raise fail(
            field,
            "node_id",
            "Knooppunt-id: gebruik kleine letters, cijfers en '-' (bijvoorbeeld enschede-centrum).",
            "Node id: use lower-case letters, digits and '-' (for example enschede-centrum).",
        )
    return cleaned


def boolean(value: object, field: str) -> bool:
    """Checkbox or typed yes/no in Dutch or English."""
    if isinstance(value, bool):
        return value
    if isinstance(value, int) and value in (0, 1):
        return bool(value)
    if isinstance(value, str):
        word = value.strip().lower()
        if word in _TRUE:
            return True
        if word in _FALSE:
            return False
    raise fail(field, "bool", "Kies ja of nee.", "Choose yes or no.")


def integer(lo: int, hi: int) -> Parser[int]:
    """A whole number in ``lo..hi``; accepts typed text like ' 12 '."""

    def parse(value: object, field: str) -> int:
        required(value, field)
        number: int | None = None
        if isinstance(value, bool):
            number = None
        elif isinstance(value, int):
            number = value
        elif isinstance(value, float) and value.is_integer():
            number = int(value)
        elif isinstance(value, str) and re.fullmatch(r"[+-]?\d+", value.strip()):
            number = int(value.strip())
        if number is None:
            raise fail(
                field,
                "integer",
                "Vul een heel getal in (bijvoorbeeld 3).",
                "Enter a whole number (for example 3).",
            )
        if not lo <= number <= hi:
            raise fail(
                field,
                "range",
                f"Vul een getal van {lo} tot en met {hi} in.",
                f"Enter a number from {lo} to {hi}.",
            )
        return number

    return parse


def number(lo: float, hi: float) -> Parser[float]:
    """A decimal in ``lo..hi``; a Dutch decimal comma ('2,5') is accepted."""

    def parse(value: object, field: str) -> float:
        required(value, field)
        result: float | None = None
        if isinstance(value, int | float) and not isinstance(value, bool):
            result = float(value)
        elif isinstance(value, str):
            try:
                result = float(value.strip().replace(",", "."))
            except ValueError:
                result = None
        if result is None or not math.isfinite(result):
            raise fail(
                field,
                "number",
                "Vul een getal in (bijvoorbeeld 2,5).",
                "Enter a number (for example 2.5).",
            )
        if not lo <= result <= hi:
            raise fail(
                field,
                "range",
                f"Vul een getal van {lo:g} tot en met {hi:g} in.",
                f"Enter a number from {lo:g} to {hi:g}.",
            )
        return result

    return parse


def iso_date(value: object, field: str) -> date:
    """A real calendar date, typed day first (05-04-1938, 5-4-1938) or as ISO (1938-04-05) in
    either language; stored as ISO whichever way it was typed."""
    required(value, field)
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    if isinstance(value, str):
        found = read_day(value)
        if found is not None:
            return found
    raise fail(
        field,
        "date",
        "Vul een bestaande datum in als dd-mm-jjjj of jjjj-mm-dd (bijvoorbeeld 31-03-2024).",
        "Enter a real date as dd/mm/yyyy or yyyy-mm-dd (for example 31/03/2024).",
    )


def epoch_ms(value: object, field: str) -> int:
    """A moment as UTC epoch ms; typed times without a zone are read as Dutch wall-clock time."""
    required(value, field)
    if isinstance(value, int) and not isinstance(value, bool):
        if value >= 0:
            return value
    elif isinstance(value, datetime | str):
        moment = value if isinstance(value, datetime) else read_moment(value)
        if moment is not None:
            if moment.tzinfo is None:
                moment = moment.replace(tzinfo=LOCAL_TZ)
            return int(moment.astimezone(UTC).timestamp() * 1000)
    raise fail(
        field,
        "datetime",
        "Vul datum en tijd in als dd-mm-jjjj UU:MM of jjjj-mm-dd UU:MM (bijvoorbeeld 31-03-2024 09:30).",
        "Enter date and time as dd/mm/yyyy HH:MM or yyyy-mm-dd HH:MM (for example 31/03/2024 09:30).",
    )


def _normalise_code(value: str) -> str:
    return re.sub(r"[\s-]+", "_", value.strip()).upper()


def enum_value(cls: type[E]) -> Parser[E]:
    """An enum member from its code (case-insensitive; spaces or '-' for '_') or its nl/en label."""

    def parse(value: object, field: str) -> E:
        required(value, field)
        if isinstance(value, cls):
            return value
        if isinstance(value, str):
            code = _normalise_code(value)
            for member in cls:
                if code == member.value or value.strip().casefold() in member.labels_folded():
                    return member
        choices_nl = ", ".join(m.label("nl") for m in cls)
        choices_en = ", ".join(m.label("en") for m in cls)
        raise fail(
            field,
            "choice",
            f"'{value}' is geen geldige keuze. Kies uit: {choices_nl}.",
            f"'{value}' is not a valid choice. Choose from: {choices_en}.",
        )

    return parse


def items(value: object) -> list[object]:
    """Multi-value input: a list/set, or text separated by commas or semicolons."""
    if is_blank(value):
        return []
    if isinstance(value, str):
        return [part for part in re.split(r"[,;]", value) if part.strip()]
    if isinstance(value, Iterable) and not isinstance(value, Mapping | bytes):
        return list(value)
    return [value]


def each(parser: Parser[T]) -> Parser[list[T]]:
    """Apply ``parser`` to every item; all bad items are reported together in one message."""

    def parse(value: object, field: str) -> list[T]:
        good: list[T] = []
        bad: list[FieldError] = []
        for item in items(value):
            try:
                good.append(parser(item, field))
            except ValidationError as exc:
                bad.extend(exc.errors)
        if bad:
            raise fail(field, bad[0].code, " ".join(e.nl for e in bad[:3]), " ".join(e.en for e in bad[:3]))
        return good

    return parse


def set_of(parser: Parser[T]) -> Parser[frozenset[T]]:
    listed = each(parser)

    def parse(value: object, field: str) -> frozenset[T]:
        return frozenset(listed(value, field))

    return parse


def tuple_of(parser: Parser[T]) -> Parser[tuple[T, ...]]:
    listed = each(parser)

    def parse(value: object, field: str) -> tuple[T, ...]:
        return tuple(listed(value, field))

    return parse


class Form:
    """Reads one raw mapping key by key and collects every ``FieldError`` instead of stopping."""

    def __init__(
        self, raw: Mapping[str, object], prefix: str = "", errors: list[FieldError] | None = None
    ) -> None:
        self.raw = raw
        self.prefix = prefix
        self.errors: list[FieldError] = [] if errors is None else errors

    def name(self, key: str) -> str:
        return f"{self.prefix}{key}"

    def take(self, key: str, parser: Parser[T]) -> T:
        """Parsed value, or a None placeholder when it failed (``check()`` raises before use)."""
        try:
            return parser(self.raw.get(key), self.name(key))
        except ValidationError as exc:
            self.errors.extend(exc.errors)
            return cast(T, None)

    def sub(self, key: str, reader: Callable[[Form], T], kind: type[Any], need: bool = True) -> T:
        """A nested model: accept an instance as-is, or read a mapping with dotted field names."""
        value = self.raw.get(key)
        if isinstance(value, kind):
            return cast(T, value)
        if is_blank(value):
            if need:
                self.add(key, "required", "Dit veld is verplicht.", "This field is required.")
            return cast(T, None)
        if not isinstance(value, Mapping):
            self.add(key, "type", "Onverwachte invoer.", "Unexpected input.")
            return cast(T, None)
        return reader(Form(value, f"{self.name(key)}.", self.errors))

    def add(self, key: str, code: str, nl: str, en: str) -> None:
        self.errors.append(FieldError(self.name(key), code, nl, en))

    def ok(self, *keys: str) -> bool:
        """True when none of these fields (or their nested fields) failed: safe to cross-check."""
        names = [self.name(k) for k in keys]
        return not any(e.field == n or e.field.startswith(f"{n}.") for e in self.errors for n in names)

    def check(self) -> None:
        if self.errors:
            raise ValidationError(self.errors)


def from_iso(value: object) -> date | None:
    return None if value is None else date.fromisoformat(str(value))


def not_after(f: Form, key: str, value: date | None, today: date, what: tuple[str, str]) -> None:
    """Dates of things that already happened (birth, VOG issue, measurement) cannot be future."""
    if value is not None and f.ok(key) and value > today:
        f.add(
            key,
            "future",
            f"{what[0]} ligt in de toekomst ({day(value, 'nl')}).",
            f"{what[1]} is in the future ({day(value, 'en')}).",
        )


def in_order(f: Form, first: str, last: str, lo: Ord | None, hi: Ord | None, what: tuple[str, str]) -> None:
    """Report ``last`` when it comes before ``first``; skipped if either already failed."""
    if lo is not None and hi is not None and f.ok(first, last) and hi < lo:
        f.add(last, "order", what[0], what[1])
