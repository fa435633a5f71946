"""Cyclic garbage collection held off while a batch of documents is taken in.

A full collection walks every tracked object, and a device keeps many: its document cache holds up
to 2,048 materialised roots of ~15 containers each. Taking in 1,000 merged documents allocates
enough to set one off about every other batch, 30-45 ms each (measured), on the critical path of a
sync round, and finding next to nothing (0-99 objects in the runs measured): a batch's garbage is
acyclic, freed by reference counting as it goes. So collection waits until the batch is done.
Threads and nesting are counted: the first to enter pauses collection, the last to leave restores
it, and it stays off if it was off before.
"""

from __future__ import annotations

import gc
import threading
from collections.abc import Iterator
from contextlib import contextmanager

_lock = threading.Lock()
_depth = 0
_restore = False


@contextmanager
def paused() -> Iterator[None]:
    global _depth, _restore
    with _lock:
        if _depth == 0:
            _restore = gc.isenabled()
            gc.disable()
        _depth += 1
    try:
        yield
    finally:
        with _lock:
            _depth -= 1
            if _depth == 0 and _restore:
                gc.enable()
