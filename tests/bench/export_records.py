"""Write a profile's cases and volunteers as plain JSON records, for the PouchDB anchor to replicate
the same records veld syncs (../shared/anchors-bench/run_pouchdb.sh --docs FILE).

    VELD_HOME=... VELD_PASSPHRASE=demo .venv/bin/python tests/bench/export_records.py \\
        --profile demo --out /tmp/records.json

Each record is the document as the app reads it (its materialised root), with ``_id`` its document
id: the same fields and values, without Automerge's history.
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path

from veldclient.services.session import open_session

KINDS = ("case", "volunteer")


def export(profile: str, out: Path, passphrase: str | None = None) -> int:
    session = open_session(profile, passphrase=passphrase)
    try:
        ids = [
            r[0]
            for r in session.db.execute(
                "SELECT doc_id FROM am_docs WHERE kind IN (?, ?) AND quarantined = 0 ORDER BY doc_id", KINDS
            )
        ]
        with out.open("w", encoding="utf-8") as f:
            for doc_id in ids:
                f.write(json.dumps({"_id": doc_id, **session.repo.read(doc_id)}, ensure_ascii=False))
                f.write("\n")
    finally:
        session.close()
    return len(ids)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--profile", default="demo")
    parser.add_argument("--out", type=Path, required=True)
    args = parser.parse_args()
    import os

    count = export(args.profile, args.out, os.environ.get("VELD_PASSPHRASE"))
    print(f"{count} records written to {args.out} (JSON lines)")


if __name__ == "__main__":
    main()
