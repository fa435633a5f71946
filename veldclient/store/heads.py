"""A document's heads (the hashes of its latest Automerge changes) as one value.

Heads travel in three spellings: the 32-byte hashes Automerge takes and gives, the stored text
(``am_docs.heads``, ``peer_acks.heads`` and ack bundles: JSON of the sorted lowercase hex, exactly as
``json.dumps`` writes it) and the 8-byte digest a sync manifest lists. The stored text is canonical,
so two sets of heads are equal exactly when their texts are: SQL compares them as text, and so does
this class.

The sync path reads the stored text of every document it lists and digests it, and builds the text
of every document it takes in; so a value made from the text parses the hashes only when asked for
them, and a value made from hashes builds its text by hand (hex needs no escaping; ``json.dumps`` is
several times slower here).
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Iterable, Iterator
from typing import Final, final

_HASH_HEX = re.compile(r"[0-9a-f]{64}")
DIGEST_BYTES = 8


@final
class Heads:
    """The sorted change hashes of one document version. Immutable: made only by the class
    methods, read only through the properties, equal and hashed by the stored text."""

    __slots__ = ("_hashes", "_text")

    def __init__(self, text: str, hashes: tuple[bytes, ...] | None) -> None:
        """Use :meth:`from_hashes`, :meth:`from_text` or :meth:`parse`: ``text`` and ``hashes``
        must spell the same heads."""
        self._text: Final = text
        self._hashes = hashes  # None until asked for, when made from the text

    @classmethod
    def from_hashes(cls, hashes: Iterable[bytes]) -> Heads:
        """From the hashes Automerge gives, in any order."""
        ordered = sorted(hashes)
        if len(ordered) == 1:  # most documents: one writer since the last merge
            return cls('["' + ordered[0].hex() + '"]', (ordered[0],))
        if not ordered:
            return cls("[]", ())
        return cls('["' + '", "'.join([h.hex() for h in ordered]) + '"]', tuple(ordered))

    @classmethod
    def from_text(cls, text: str) -> Heads:
        """From the stored text, as this program wrote it (read from the database): taken as it
        is, parsed only when the hashes are asked for."""
        return cls(text, None)

    @classmethod
    def parse(cls, text: str) -> Heads:
        """From a text a peer sent: a JSON list of 64-digit lowercase hex, in any order. Raises
        :class:`ValueError` for anything else."""
        try:
            hexes = json.loads(text)
        except ValueError:
            raise ValueError("heads are not JSON") from None
        if not isinstance(hexes, list) or not all(
            isinstance(h, str) and _HASH_HEX.fullmatch(h) for h in hexes
        ):
            raise ValueError("heads are not a list of change hashes")
        return cls.from_hashes(bytes.fromhex(h) for h in hexes)

    @property
    def text(self) -> str:
        """The stored and sent spelling: JSON of the sorted hex, ``json.dumps``' separators."""
        return self._text

    @property
    def hashes(self) -> tuple[bytes, ...]:
        """The hashes, sorted: what Automerge takes."""
        if self._hashes is None:
            self._hashes = tuple(sorted(bytes.fromhex(h) for h in json.loads(self._text)))
        return self._hashes

    @property
    def hex(self) -> list[str]:
        """The hashes as lowercase hex, sorted (``veld docs --json``)."""
        return [h.hex() for h in self.hashes]

    @property
    def digest(self) -> bytes:
        """The 8 bytes a sync manifest lists for these heads: the start of the stored text's SHA-256."""
        return hashlib.sha256(self._text.encode()).digest()[:DIGEST_BYTES]

    def issuperset(self, other: Iterable[bytes]) -> bool:
        """Whether every hash of ``other`` is one of these heads."""
        if isinstance(other, Heads) and other._text == self._text:
            return True
        return set(self.hashes).issuperset(other)

    def __contains__(self, item: object) -> bool:
        return item in self.hashes

    def __iter__(self) -> Iterator[bytes]:
        return iter(self.hashes)

    def __len__(self) -> int:
        return len(self.hashes)

    def __bool__(self) -> bool:
        return self._text != "[]"

    def __eq__(self, other: object) -> bool:
        if isinstance(other, Heads):
            return self._text == other._text
        return NotImplemented

    def __hash__(self) -> int:
        return hash(self._text)

    def __repr__(self) -> str:
        return f"Heads({self._text})"
