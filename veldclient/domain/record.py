"""Records declared once: a field names its form reader, its type says how it is stored.

A record model is a frozen dataclass deriving from :class:`Record`. Each field that a form fills in
is declared with :func:`spec` (a parser from fields.py) or :func:`sub` (a nested record); from the
declarations follow

- ``to_dict`` and ``from_dict``, the stored shape: JSON-like values only, with dates as
  'YYYY-MM-DD', enums as their codes, sets as sorted lists (sets of records in their ``sort_key``
  order), tuples as lists and nested records as their own shape;
- ``fields_from``, which reads every declared field from a :class:`Form` so the form collects all
  bilingual errors at once; the model's ``parse`` adds only its cross-field checks and context.

The stored key order is the field order unless the model names it (``STORED``): Python puts fields
with defaults after those without, while the stored shape (docs/data-model.md) leads with ``id``
and groups what belongs together. Key order matters because a document's change writes keys in
that order.
"""

from __future__ import annotations

import dataclasses
import operator
import types
import typing
from collections.abc import Callable, Mapping
from datetime import date
from enum import Enum
from typing import Any, ClassVar, Self, TypeVar

from .fields import Form, Parser, is_blank, with_default

T = TypeVar("T")
Convert = Callable[[Any], Any]
Reader = Callable[[Form, str], Any]
READ = "veld.read"  # dataclass field metadata: how a form fills the field in


def spec(
    parser: Parser[T], *, default: Any = dataclasses.MISSING, default_factory: Any = dataclasses.MISSING
) -> T:
    """A field that a form fills in with ``parser``. Left blank, it takes its default (a record's
    own id: a new one, so a new form needs no id field); a field without one is what ``parser``
    makes of blank input, mostly "required"."""
    if default is not dataclasses.MISSING:
        parser = with_default(parser, default)
    elif default_factory is not dataclasses.MISSING:
        parser = _with_factory(parser, default_factory)
    return _field(lambda f, key: f.take(key, parser), default, default_factory)


def _with_factory(parser: Parser[T], factory: Callable[[], T]) -> Parser[T]:
    def parse(value: object, field: str) -> T:
        return factory() if is_blank(value) else parser(value, field)

    return parse


def sub(
    read: Callable[[Form], T],
    kind: type[Any],
    *,
    need: bool = True,
    default: Any = dataclasses.MISSING,
    default_factory: Any = dataclasses.MISSING,
) -> T:
    """A nested record, read from a mapping with dotted field names (see ``Form.sub``)."""
    return _field(lambda f, key: f.sub(key, read, kind, need), default, default_factory)


def _field(reader: Reader, default: Any, default_factory: Any) -> Any:
    return dataclasses.field(metadata={READ: reader}, default=default, default_factory=default_factory)


class _Codec:
    """One record class's stored shape, worked out once from its field types."""

    def __init__(self, cls: type[Record]) -> None:
        hints = typing.get_type_hints(cls)
        fields = {f.name: f for f in dataclasses.fields(cls)}  # type: ignore[arg-type]
        order = cls.__dict__.get("STORED") or _id_first(list(fields))
        if sorted(order) != sorted(fields):
            raise TypeError(f"{cls.__name__}.STORED must name each field once: {order}")
        self.keys: tuple[str, ...] = tuple(order)
        self.types = {k: hints[k] for k in order}
        conversions = [(k, *_conversions(hints[k])) for k in order]
        self.encode = tuple((k, store) for k, store, _ in conversions)
        self.decode = tuple((k, load) for k, _, load in conversions)
        self.readers = tuple((k, fields[k].metadata.get(READ)) for k in order)
        self.fields = fields

    def default(self, key: str) -> Any:
        """The value of a field a stored dict lacks: its declared default (a field added to the
        model after the dict was written); a required field cannot be missing."""
        field = self.fields[key]
        if field.default is not dataclasses.MISSING:
            return field.default
        if field.default_factory is not dataclasses.MISSING:
            return field.default_factory()
        raise KeyError(key)


def _id_first(names: list[str]) -> list[str]:
    return ["id", *(n for n in names if n != "id")] if "id" in names else names


def optional_of(tp: Any) -> Any | None:
    """``X`` for ``X | None``; None for any other type."""
    if typing.get_origin(tp) in (typing.Union, types.UnionType):
        args = [a for a in typing.get_args(tp) if a is not type(None)]
        if len(args) == 1 and len(typing.get_args(tp)) == 2:
            return args[0]
    return None


def _or_none(convert: Convert | None) -> Convert | None:
    """``convert`` for a value that may be None, which stays None."""
    if convert is None:
        return None
    return lambda v: None if v is None else convert(v)


def _conversions(tp: Any) -> tuple[Convert | None, Convert | None]:
    """How a value of type ``tp`` is stored, and how a stored value becomes one again (None: as
    it is)."""
    inner = optional_of(tp)
    if inner is not None:
        store, load = _conversions(inner)
        return _or_none(store), _or_none(load)
    origin = typing.get_origin(tp)
    if origin is frozenset:
        (item,) = typing.get_args(tp)
        store, load = _conversions(item)
        if isinstance(item, type) and issubclass(item, Record):
            key = operator.attrgetter("sort_key")
            return (lambda v: [a.to_dict() for a in sorted(v, key=key)]), _mapped(frozenset, load)
        return _mapped(sorted, store), _mapped(frozenset, load)
    if origin is tuple:
        store, load = _conversions(typing.get_args(tp)[0])
        return _mapped(list, store), _mapped(tuple, load)
    if tp is str:
        return None, None
    if tp in (int, float, bool):
        return None, typing.cast(Convert, tp)
    if tp is date:
        return date.isoformat, date.fromisoformat
    if isinstance(tp, type) and issubclass(tp, Enum):
        return _enum_code, _Members(tp).__getitem__
    if _is_shape(tp):
        return typing.cast(Convert, tp.to_dict), typing.cast(Convert, tp.from_dict)
    raise TypeError(f"no stored form for {tp!r}")


def _is_shape(tp: Any) -> bool:
    """A nested record: a Record, or a class with its own ``to_dict`` and ``from_dict`` (bed counts,
    stored under the status codes rather than their field names)."""
    return isinstance(tp, type) and hasattr(tp, "to_dict") and hasattr(tp, "from_dict")


def _mapped(collect: Convert, each: Convert | None) -> Convert:
    """``collect`` applied to the items, each converted by ``each`` first when it converts."""
    if each is None:
        return collect
    return lambda items: collect(map(each, items))


class _Members(dict[Any, Enum]):
    """An enum's members by code: a dict lookup, where calling the enum class (which a stored
    record does for each of its codes) costs several times more."""

    def __init__(self, kind: type[Enum]) -> None:
        super().__init__((m.value, m) for m in kind)
        self.kind = kind

    def __missing__(self, code: Any) -> Enum:
        return self.kind(code)  # raises the enum's own ValueError for an unknown code


def _enum_code(member: Enum) -> Any:
    return member.value


_new = object.__new__
_set = object.__setattr__


@typing.dataclass_transform(frozen_default=True, field_specifiers=(dataclasses.field, spec, sub))
class Record:
    """Base of the record models, each a frozen dataclass: ``to_dict``, ``from_dict`` and
    ``fields_from`` follow from the field declarations (module docstring)."""

    STORED: ClassVar[tuple[str, ...]] = ()
    _codec: ClassVar[_Codec]

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        dataclasses.dataclass(frozen=True)(cls)
        cls._codec = _Codec(cls)

    @classmethod
    def stored_keys(cls) -> tuple[str, ...]:
        """The keys of the stored shape, in order."""
        return cls._codec.keys

    @classmethod
    def stored_types(cls) -> dict[str, Any]:
        """Each stored key's field type (what a projection column of that key holds)."""
        return dict(cls._codec.types)

    def to_dict(self) -> dict[str, Any]:
        return {
            k: getattr(self, k) if enc is None else enc(getattr(self, k)) for k, enc in self._codec.encode
        }

    @classmethod
    def from_dict(cls, d: Mapping[str, Any]) -> Self:
        """The record a stored dict holds, its values converted but not checked again (``parse``
        checks input before it is stored). The attributes are set the way ``pickle`` restores an
        object rather than through the frozen ``__init__``, whose ``object.__setattr__`` per field
        is half the time of reading a record."""
        record = _new(cls)
        codec = cls._codec
        try:
            values = {k: d[k] if dec is None else dec(d[k]) for k, dec in codec.decode}
        except KeyError:  # written before a field was added: that field reads as its default
            values = {
                k: codec.default(k) if k not in d else d[k] if dec is None else dec(d[k])
                for k, dec in codec.decode
            }
        _set(record, "__dict__", values)
        return record

    @classmethod
    def fields_from(cls, f: Form, **readers: Callable[[Form], Any]) -> dict[str, Any]:
        """Every field with a declared reader, read from ``f`` in stored order; ``readers`` read
        fields that need context the declaration lacks (today's date), in the same place."""
        out: dict[str, Any] = {}
        for key, read in cls._codec.readers:
            if key in readers:
                out[key] = readers[key](f)
            elif read is not None:
                out[key] = read(f, key)
        return out


class FormRecord(Record):
    """A record whose form needs no context: ``read`` and ``parse`` follow from its fields, and
    ``check`` adds the cross-field rules."""

    @classmethod
    def read(cls, f: Form) -> Self:
        record = cls(**cls.fields_from(f))
        cls.check(f, record)
        return record

    @classmethod
    def check(cls, f: Form, record: Self) -> None:
        """Rules between fields, reported into ``f``; a field that already failed is skipped."""

    @classmethod
    def parse(cls, raw: Mapping[str, object]) -> Self:
        f = Form(raw)
        record = cls.read(f)
        f.check()
        return record
