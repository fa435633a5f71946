"""A peer in a process of its own, as a second laptop would be: the sync benchmarks measure two
devices that each have their own interpreter (and its lock), talking over loopback. The parent
drives it over a pipe: pair a device, edit records, read rows, heads and stored bytes."""

from __future__ import annotations

import multiprocessing
from typing import Any


class HubProcess:
    def __init__(self, profile: str) -> None:
        ctx = multiprocessing.get_context("spawn")
        self._conn, child = ctx.Pipe()
        self._process = ctx.Process(target=_serve, args=(child, profile), daemon=True)
        self._process.start()
        self.address, self.node_id, self.identity = self._conn.recv()

    def _ask(self, *command: Any) -> Any:
        self._conn.send(command)
        ok, value = self._conn.recv()
        if not ok:
            raise RuntimeError(f"hub process: {value}")
        return value

    def pair(self, identity: str, name: str) -> None:
        self._ask("pair", identity, name)

    def set_addresses(self, ids: list[str], round_no: int) -> None:
        self._ask("edit", ids, round_no)

    def rows(self, sql: str, params: list[Any] | None = None) -> list[tuple[Any, ...]]:
        return self._ask("rows", sql, params or [])

    def heads(self, doc_ids: list[str]) -> dict[str, str | None]:
        return self._ask("heads", doc_ids)

    def raw(self, doc_ids: list[str]) -> list[bytes]:
        return self._ask("raw", doc_ids)

    def close(self) -> None:
        self._conn.send(None)
        self._process.join(30)


def _serve(conn: Any, profile: str) -> None:
    from synchelpers import LoopbackServer
    from testenv import FakeClock

    from veldclient.services import clients
    from veldclient.services import peers as peer_service
    from veldclient.services.session import open_session
    from veldclient.sync import identity_file
    from veldclient.sync.replica import Replica

    session = open_session(profile, passphrase="demo", clock=FakeClock())
    replica = Replica(session)
    server = LoopbackServer(replica)
    conn.send((server.address, session.actor.node_id, identity_file.render(session.device)))

    def run(op: str, *args: Any) -> Any:
        with replica.locked():
            if op == "pair":
                peer_service.pair_device(session, identity_file.parse(args[0]), name=args[1])
            elif op == "edit":
                for i, client_id in enumerate(args[0]):
                    clients.update_client(session, client_id, {"address": f"Hubstraat {args[1]}-{i}"})
            elif op == "rows":
                return [tuple(r) for r in session.db.execute(args[0], args[1]).fetchall()]
            elif op == "heads":
                return {d: session.repo.store.stored_heads(d) for d in args[0]}
            elif op == "raw":
                return [session.repo.store.raw_bytes(d) for d in args[0]]
        if op == "pair":
            server.refresh()
        return None

    while (command := conn.recv()) is not None:
        try:
            conn.send((True, run(*command)))
        except Exception as exc:  # noqa: BLE001 - reported to the parent, which raises it
            conn.send((False, f"{type(exc).__name__}: {exc}"))
    server.close()
    session.close()
