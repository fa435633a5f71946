"""Collection is held off while a batch is taken in, and comes back exactly as it was."""

from __future__ import annotations

import gc
import threading

from veldclient.store import gc_pause


def test_collection_is_off_inside_and_restored_after_nested_pauses():
    assert gc.isenabled()
    with gc_pause.paused():
        assert not gc.isenabled()
        with gc_pause.paused():
            assert not gc.isenabled()
        assert not gc.isenabled(), "the outer batch is still running"
    assert gc.isenabled()


def test_a_collector_already_off_stays_off():
    gc.disable()
    try:
        with gc_pause.paused():
            pass
        assert not gc.isenabled()
    finally:
        gc.enable()


def test_the_last_thread_to_leave_restores_collection_and_a_failure_does_not_keep_it_off():
    inside, leave = threading.Event(), threading.Event()

    def batch() -> None:
        with gc_pause.paused():
            inside.set()
            assert leave.wait(10)

    other = threading.Thread(target=batch)
    other.start()
    assert inside.wait(10)
    try:
        with gc_pause.paused():
            raise RuntimeError("a batch that fails")
    except RuntimeError:
        pass
    assert not gc.isenabled(), "the other thread's batch is still running"
    leave.set()
    other.join(10)
    assert gc.isenabled()


def test_a_batch_merge_runs_with_collection_paused_and_restores_it(monkeypatch):
    from testenv import make_session

    from veldclient.services import clients
    from veldclient.store.repo import Repo

    session = make_session("gc", node="hengelo", role="nurse")
    seen = []
    merge = Repo.merge

    def watched(self, *args):
        seen.append(gc.isenabled())
        return merge(self, *args)

    monkeypatch.setattr(Repo, "merge", watched)
    try:
        client = clients.register_client(
            session, {"name": "Gerda Nijhuis", "birth_date": "1936-04-02", "postcode": "7555 DL"}
        )
        doc_id = f"case:{client.id}"
        session.repo.merge_many([(doc_id, session.repo.store.raw_bytes(doc_id))], lambda *_: True)
    finally:
        session.close()
    assert seen == [False] and gc.isenabled()
