"""Constants and helpers shared by tests (importable: tests/ is on pytest's pythonpath)."""

from __future__ import annotations

FROZEN_NOW_MS = 1_795_000_000_000  # 2026-11-18T11:06:40Z
PASSPHRASE = "correct horse battery staple"


class FakeClock:
    """A clock tests move by hand: deterministic times in documents and audit entries."""

    def __init__(self, start: int = FROZEN_NOW_MS) -> None:
        self.now = start

    def __call__(self) -> int:
        return self.now

    def advance(self, ms: int) -> None:
        self.now += ms


def make_session(name: str = "test", node: str = "enschede-centrum", role: str = "nurse", clock=None):
    from veldclient.services import setup

    return setup.init_profile(
        name,
        node_id=node,
        role=role,
        user=f"{role}-{name}",
        passphrase=PASSPHRASE,
        use_keyring=False,
        clock=clock or FakeClock(FROZEN_NOW_MS),
    )


def pair(*sessions) -> None:
    """What pairing (issue 5) will do: every session trusts every other session's device."""
    from veldclient import trust

    for s in sessions:
        for other in sessions:
            if other is not s:
                with s.transaction():
                    trust.register(
                        s.db,
                        other.actor.device_id,
                        other.actor.node_id,
                        "paired",
                        other.device.certificate_pem
                        if isinstance(other.device.certificate_pem, str)
                        else other.device.certificate_pem.decode(),
                        0,
                    )


def push(src, dst, doc_ids) -> None:
    """Carry documents from one replica to another (what sync or a USB bundle will do)."""
    for doc_id in doc_ids:
        info = src.repo.store.info(doc_id)
        dst.repo.merge(doc_id, src.repo.store.save_bytes(doc_id), info.node_id if info else None)
