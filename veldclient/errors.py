"""Typed errors shared by every layer.

Every error a person can see carries a Dutch and an English sentence, so the CLI and the TUI can show
it in the user's language without parsing anything. The CLI prints ``str(error)``: one clear line.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass


class VeldError(Exception):
    """Base of every expected failure; anything else is a bug."""

    def __init__(self, nl: str, en: str) -> None:
        super().__init__(en)
        self.nl = nl
        self.en = en

    def message(self, lang: str = "nl") -> str:
        return self.nl if lang == "nl" else self.en

    def __str__(self) -> str:
        return self.en


class ProfileBusy(VeldError):
    """Another process held the profile's write lock for longer than a writer waits."""

    def __init__(self, waited_s: float) -> None:
        super().__init__(
            f"Een ander veld-proces schrijft al {waited_s:.0f} s in dit profiel; er is niets opgeslagen."
            " Probeer het opnieuw als dat klaar is.",
            f"Another veld process has been writing to this profile for {waited_s:.0f} s; nothing was"
            " saved. Try again once it has finished.",
        )


@dataclass(frozen=True)
class FieldError:
    """One problem with one input field; ``field`` is the dotted name of the form field."""

    field: str
    code: str
    nl: str
    en: str

    def message(self, lang: str = "nl") -> str:
        return self.nl if lang == "nl" else self.en


class ValidationError(VeldError):
    """Input that cannot be accepted. Holds every field problem at once, so a form can show them all."""

    def __init__(self, errors: Iterable[FieldError]) -> None:
        self.errors: tuple[FieldError, ...] = tuple(errors)
        if not self.errors:
            raise ValueError("ValidationError needs at least one FieldError")
        super().__init__(
            "; ".join(f"{e.field}: {e.nl}" for e in self.errors),
            "; ".join(f"{e.field}: {e.en}" for e in self.errors),
        )

    @classmethod
    def single(cls, field: str, code: str, nl: str, en: str) -> ValidationError:
        return cls([FieldError(field, code, nl, en)])

    def for_field(self, field: str) -> list[FieldError]:
        return [e for e in self.errors if e.field == field]


class NotFound(VeldError):
    """An id that does not exist (or is not visible to this role). ``kind`` names what was looked
    for, (Dutch, English), so each sentence is in one language."""

    def __init__(self, kind: tuple[str, str], ident: str) -> None:
        nl, en = kind
        super().__init__(
            f"{nl} '{ident}' bestaat niet.", f"{en[:1].upper()}{en[1:]} '{ident}' does not exist."
        )
        self.kind = kind
        self.ident = ident


class AccessDenied(VeldError):
    """The role may not do this; services audit the refusal before raising."""


class InvalidTransition(VeldError):
    """A lifecycle step that is not allowed from the current status."""


class UnlockError(VeldError):
    """The database key could not be obtained or does not open the database."""


class ProfileError(VeldError):
    """A profile is missing, already exists, or is damaged."""


class ConfigError(VeldError):
    """An environment setting (VELD_NOW, …) that cannot be used."""


class CorruptDocument(VeldError):
    """Automerge bytes that cannot be loaded or merged. Never silently dropped."""

    def __init__(self, doc_id: str, reason: str) -> None:
        super().__init__(
            f"Document {doc_id} is beschadigd en in quarantaine geplaatst: {reason}",
            f"Document {doc_id} is corrupt and was quarantined: {reason}",
        )
        self.doc_id = doc_id
        self.reason = reason


class AuditChainBroken(VeldError):
    """The audit hash chain does not verify."""
