"""How an erasure names what it erased: a digest of the document id, never the id itself.

An erasure entry lives in the erasing node's document, which every node receives; the erased
documents went only to the devices that held them (a case stays in its node, a referral goes to the
nodes it was sent to). Naming them by ``sha256`` of their id lets every holder recognise what to drop
and refuse, while a node that never held them learns nothing: ids are random (UUID4), so the digest
cannot be turned back into one. Who erased and why stays in the erasing device's audit log.

Entries written before this rule named the id itself; they are read as their digest, so one lookup
serves both.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable

PREFIX = "sha256:"


def key(doc_id: str) -> str:
    """The name an erasure entry gives ``doc_id``."""
    return PREFIX + hashlib.sha256(b"veld-erasure\0" + doc_id.encode()).hexdigest()


def as_key(entry_name: str) -> str:
    """An entry's name as a key (older entries name the document id itself)."""
    return entry_name if entry_name.startswith(PREFIX) else key(entry_name)


def keys(entry_names: Iterable[str]) -> set[str]:
    return {as_key(n) for n in entry_names}
