"""Who was refused at the door, written down without letting a flood fill the logs.

A server refuses a device it does not trust during the TLS handshake (tls.py) and a paired device
that was removed or revoked since with 403 (server.py). Each refusal is worth an audit entry and a
log line, but a refused device that retries in a loop, or a stranger with a new certificate each
time, must not be able to fill the audit log or the disk. :class:`RefusalLimiter` decides: at most
one entry per device per ``per_device_s``, at most ``per_minute`` entries a minute in all, and what
it leaves out is counted and told with the next entry written.
"""

from __future__ import annotations

import time
from collections import OrderedDict
from collections.abc import Callable
from typing import NamedTuple

PER_DEVICE_S = 60.0
PER_MINUTE = 30
REMEMBER = 1024  # devices whose last entry is remembered; the oldest are forgotten first


class Admitted(NamedTuple):
    """Write an entry, and say what was left out: refusals of this device since its last entry, and
    refusals of any device that the cap on entries a minute kept out since the last entry written."""

    device: int
    capped: int


class RefusalLimiter:
    def __init__(
        self,
        *,
        clock: Callable[[], float] = time.monotonic,
        per_device_s: float = PER_DEVICE_S,
        per_minute: int = PER_MINUTE,
        remember: int = REMEMBER,
    ) -> None:
        self._clock = clock
        self._per_device_s = per_device_s
        self._per_minute = per_minute
        self._remember = remember
        # device -> (time of its last entry or None, its refusals left out since)
        self._devices: OrderedDict[str, tuple[float | None, int]] = OrderedDict()
        self._minute = (clock(), 0)  # start of the current minute, entries written in it
        self._capped = 0

    def __len__(self) -> int:
        return len(self._devices)

    def admit(self, device: str | None) -> Admitted | None:
        """Whether to write an entry for this refusal (``device`` None: no certificate shown)."""
        now = self._clock()
        key = device or ""
        last, skipped = self._devices.pop(key, (None, 0))
        start, written = self._minute
        if now - start >= 60.0:
            start, written = now, 0
        self._minute = (start, written)
        if last is not None and now - last < self._per_device_s:
            self._remember_device(key, last, skipped + 1)
            return None
        if written >= self._per_minute:
            self._capped += 1
            self._remember_device(key, last, skipped + 1)
            return None
        self._remember_device(key, now, 0)
        self._minute = (start, written + 1)
        admitted = Admitted(skipped, self._capped)
        self._capped = 0
        return admitted

    def _remember_device(self, key: str, last: float | None, skipped: int) -> None:
        self._devices[key] = (last, skipped)  # popped before: now the most recent
        while len(self._devices) > self._remember:
            self._devices.popitem(last=False)
