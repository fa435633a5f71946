"""Long work reports its steps (veldclient/progress.py): in order, each step's count only growing to
its total, the totals what the work then did, and every step named in Dutch and English."""

from __future__ import annotations

from collections import defaultdict

import pytest
from bundlehelpers import GOOD, sites
from synchelpers import served_pair

from veldclient.fixtures import generator
from veldclient.progress import Counter
from veldclient.services import bundles, clients, demo, doctor, sync_service
from veldclient.services.progress_names import STEP_NAMES, step_name


class Recorder:
    """A Progress that keeps every report."""

    def __init__(self) -> None:
        self.reports: list[tuple[str, int, int | None]] = []

    def __call__(self, step: str, done: int, total: int | None, /) -> None:
        self.reports.append((step, done, total))

    def steps(self) -> list[str]:
        """Steps in the order they began."""
        return list(dict.fromkeys(step for step, _, _ in self.reports))

    def last(self, step: str) -> tuple[int, int | None]:
        _, done, total = [r for r in self.reports if r[0] == step][-1]
        return done, total

    def check(self, once: bool = True) -> None:
        """Each step begins once (unless steps take turns: ``once``), its count never goes back and
        never passes its total, and the step has a name in both languages."""
        seen: dict[str, list[tuple[int, int | None]]] = defaultdict(list)
        order: list[str] = []
        for step, done, total in self.reports:
            if not order or order[-1] != step:
                assert not once or step not in order, f"{step} began twice"
                order.append(step)
            seen[step].append((done, total))
        for step, counts in seen.items():
            dones = [d for d, _ in counts]
            assert dones == sorted(dones), f"{step} went back: {dones}"
            assert all(t is None or d <= t for d, t in counts), step
            assert step in STEP_NAMES and step_name(step, "nl") != step_name(step, "en"), step


def test_a_counter_reports_about_a_hundred_times_and_ends_at_its_total():
    seen = Recorder()
    counter = Counter(seen, "demo.records", 10_000)
    for _ in range(10_000):
        counter.add()
    assert seen.reports[0] == ("demo.records", 0, 10_000)
    assert seen.reports[-1] == ("demo.records", 10_000, 10_000)
    assert len(seen.reports) <= 102
    seen.check()


def test_a_counter_grows_when_more_work_turns_up():
    seen = Recorder()
    counter = Counter(seen, "sync.fetch", 2)
    counter.add(2)
    counter.grow(3)
    counter.add(3)
    assert seen.last("sync.fetch") == (5, 5)
    seen.check()


def test_the_demo_reports_its_steps_with_the_records_it_stores(clock):
    seen = Recorder()
    session = demo.build_demo(clock=clock, progress=seen)
    try:
        facts = demo.facts(session)
    finally:
        session.close()
    data = generator.generate(demo.DEFAULT_NODE, "small", seed=demo.DEFAULT_SEED, now_ms=clock())
    kinds = (data.clients, data.placements, data.volunteers, data.mantelzorgers, data.help_requests)
    made = sum(len(records) for records in kinds)
    seen.check()
    assert seen.steps() == list(demo.steps())
    assert seen.last("demo.records") == (made, made) and facts.clients == 200
    assert seen.last("demo.nodes") == (10, 10)
    assert seen.last("demo.mesh") == (3, 3)
    done, total = seen.last("demo.burden")
    assert done == total and total > 0


def test_doctor_and_rebuild_report_every_document(clock):
    from testenv import make_session

    session = make_session("doc", clock=clock)
    try:
        for i in range(5):
            clients.register_client(session, {**GOOD, "name": f"Client {i}"})
        documents = session.db.execute("SELECT count(*) FROM am_docs").fetchone()[0]
        seen = Recorder()
        report = doctor.check(session, rebuild=True, progress=seen)
    finally:
        session.close()
    assert report.ok and report.rebuilt
    seen.check()
    assert seen.steps() == list(doctor.steps(rebuild=True))
    for step in ("doctor.load", "doctor.compare", "doctor.rebuild", "doctor.recheck"):
        assert seen.last(step) == (documents, documents), step


def test_a_bundle_reports_what_it_collects_and_what_it_merges(tmp_path):
    sender, receiver = sites(("s", "hengelo", "nurse"), ("r", "hengelo", "nurse"))
    try:
        for i in range(4):
            clients.register_client(sender, {**GOOD, "name": f"Client {i}"})
        out = Recorder()
        exported = bundles.export_bundle(sender, ["r"], tmp_path, progress=out)
        into = Recorder()
        folder = bundles.import_folder(receiver, tmp_path, progress=into)
    finally:
        sender.close()
        receiver.close()
    out.check()
    assert out.steps() == list(bundles.EXPORT_STEPS)
    assert out.last("bundle.collect") == (exported.documents, exported.documents)
    into.check(once=False)  # a folder: each file's steps between its count of files
    assert into.steps() == ["bundle.files", *bundles.IMPORT_STEPS]
    assert into.last("bundle.files") == (1, 1)
    [imported] = folder.imported
    assert into.last("bundle.apply") == (imported.documents, imported.documents)


@pytest.fixture
def served():
    with served_pair() as trio:
        yield trio


def test_a_first_sync_reports_documents_fetched_of_all_it_fetches(served):
    a, b, _ = served
    for i in range(6):
        clients.register_client(a, {**GOOD, "name": f"Client {i}"})
    seen = Recorder()
    report = sync_service.sync_peer(b, "a", progress=seen)
    seen.check(once=False)  # node documents are fetched and synced before the rest is fetched
    assert seen.steps()[0] == "sync.manifest"
    assert set(seen.steps()) <= set(sync_service.STEPS)
    fetched, total = seen.last("sync.fetch")
    assert fetched == total == report.fetched + len(report.refused) and report.fetched >= 6


def test_the_dashboard_names_a_sync_step_and_its_count():
    from veldclient.screens import i18n
    from veldclient.screens.background_sync import describe
    from veldclient.services.sync_agent import AgentEvent

    try:
        i18n.set_language("nl")
        counted = describe(AgentEvent("progress", "hub", {"stage": "sync.fetch", "done": 120, "total": 4000}))
        assert counted == ("hub", "bezig: Documenten ophalen, 120 van 4000", False)
        i18n.set_language("en")
        step = describe(AgentEvent("progress", "hub", {"stage": "sync.manifest", "done": 0, "total": None}))
        assert step == ("hub", "busy: Comparing what both sides hold…", False)
    finally:
        i18n.set_language("nl")
