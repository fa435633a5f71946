"""What a sync run tells its caller: a report of what moved, or that it could not finish."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from veldclient.errors import VeldError


class SyncFailed(VeldError):
    """A sync run could not finish; nothing is lost, the next run repeats what is missing."""


@dataclass
class SyncReport:
    peer: str
    fetched: int = 0
    pushed: int = 0
    merged: int = 0  # documents changed here
    refused: list[tuple[str, str]] = field(default_factory=list)
    # Of ``refused``, node documents refused on an earlier run at the same version and trust
    # (sync.refusals): reported again, but nothing was fetched or decided anew.
    refused_before: set[str] = field(default_factory=set)
    unconverged: list[str] = field(default_factory=list)
    round_trips: int = 0
    bytes_sent: int = 0
    bytes_received: int = 0

    @property
    def moved(self) -> bool:
        """Whether the run changed or decided anything (a run that did not is not audited)."""
        refused_now = any(doc_id not in self.refused_before for doc_id, _ in self.refused)
        return bool(self.fetched or self.pushed or self.merged or refused_now or self.unconverged)

    def as_json(self) -> dict[str, Any]:
        return {
            "peer": self.peer,
            "fetched": self.fetched,
            "pushed": self.pushed,
            "merged": self.merged,
            "refused": [list(r) for r in self.refused],
            "unconverged": self.unconverged,
            "round_trips": self.round_trips,
            "bytes_sent": self.bytes_sent,
            "bytes_received": self.bytes_received,
        }
