"""The peer to beat, run in the same session as veld's sync benchmarks and on the same records.

``../shared/anchors-bench`` replicates JSON records with PouchDB against a CouchDB-protocol server
over loopback HTTP. The large demo's cases and volunteers are exported (export_records.py) and given
to it, so both systems move the same records on the same machine within minutes of each other; the
benchmarks then compare per record. Absent its ``setup.sh`` (node packages under BENCH_ENV), the
comparison is left out and says so.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path

_BESIDE_THE_CHECKOUT = Path(__file__).resolve().parents[3] / "shared" / "anchors-bench"
ANCHOR_DIR = Path(os.environ.get("VELD_ANCHORS", _BESIDE_THE_CHECKOUT))
BENCH_ENV = Path(os.environ.get("BENCH_ENV", "/tmp/anchors-bench"))
EDITS = 1000
SUMMARY = re.compile(
    r"pouchdb records=(?P<records>\d+) bootstrap_ms=(?P<bootstrap>[\d.]+) .*"
    rf"two_way_{EDITS}\+{EDITS}_ms=(?P<two_way>[\d.]+) noop_checkpointed_ms=(?P<noop>[\d.]+)"
)


@dataclass(frozen=True)
class PouchFigures:
    """PouchDB's medians, in seconds, for ``records`` records."""

    records: int
    bootstrap_s: float
    two_way_s: float
    noop_s: float

    def per_record(self, seconds: float, records: int) -> str:
        """How many times faster per record veld's ``seconds`` for ``records`` is than PouchDB's
        bootstrap, as a line for the benchmark's report."""
        ours, theirs = seconds / records, self.bootstrap_s / self.records
        return (
            f"PouchDB {self.bootstrap_s:.2f} s for {self.records} records:"
            f" {theirs / ours:.2f}x faster per record"
        )


def missing() -> str | None:
    """Why the anchor cannot run here, or None."""
    if shutil.which("node") is None:
        return "node is not installed"
    if not (ANCHOR_DIR / "run_pouchdb.sh").exists():
        return f"{ANCHOR_DIR} is absent"
    if not (BENCH_ENV / "node" / "node_modules" / "pouchdb").exists():
        return f"run {ANCHOR_DIR / 'setup.sh'} first"
    return None


def run(records_file: Path, runs: int = 3) -> PouchFigures:
    """Replicate ``records_file`` with PouchDB: bootstrap, ``EDITS`` changed on each side, no-op."""
    done = subprocess.run(
        ["bash", str(ANCHOR_DIR / "run_pouchdb.sh"), "--docs", str(records_file), "--edits", str(EDITS)]
        + ["--runs", str(runs)],
        capture_output=True,
        text=True,
        check=True,
        env={**os.environ, "BENCH_ENV": str(BENCH_ENV)},
    )
    found = SUMMARY.search(done.stdout)
    if found is None:
        raise RuntimeError(f"no summary in the anchor's output:\n{done.stdout}\n{done.stderr}")
    return PouchFigures(
        records=int(found["records"]),
        bootstrap_s=float(found["bootstrap"]) / 1000,
        two_way_s=float(found["two_way"]) / 1000,
        noop_s=float(found["noop"]) / 1000,
    )
