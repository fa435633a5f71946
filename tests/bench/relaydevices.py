"""The devices of one node for test_bench_relay.py, in a process of their own (as another machine
would be): each device pulls with a long poll, again and again, on a thread with its own connection,
and reports to the benchmark when each import of a bundle returned (``time.perf_counter``, the
system's monotonic clock, the same in every process)."""

from __future__ import annotations

import threading
import time
from pathlib import Path
from typing import Any


def run(profiles: list[str], passphrase: str, wait_s: float, out: Any, stop: Any) -> None:
    from testenv import FakeClock

    from veldclient.errors import VeldError
    from veldclient.services import bundles, relay
    from veldclient.services.session import open_session

    real = bundles.import_bundle

    def timed(session: Any, path: Path, **kw: Any) -> bundles.ImportResult:
        result = real(session, path, **kw)
        if result.status == "imported":
            at = time.perf_counter()
            out.put(("imported", session.actor.device_id, result.sender_device, result.seq, at))
        return result

    bundles.import_bundle = timed  # type: ignore[assignment] # relay.pull calls it through the module
    sessions = [open_session(name, passphrase=passphrase, clock=FakeClock()) for name in profiles]

    def device(session: Any) -> None:
        while not stop.is_set():
            try:
                relay.pull(session, wait_s=wait_s)
            except VeldError as exc:
                out.put(("error", session.profile.name, exc.en))
                time.sleep(0.2)

    threads = [threading.Thread(target=device, args=(s,), daemon=True) for s in sessions]
    for t in threads:
        t.start()
    out.put(("ready", len(sessions)))
    for t in threads:
        t.join()
    for s in sessions:
        s.close()
