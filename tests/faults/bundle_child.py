"""A process for the bundle kill -9 tests: export or import, stopping at the dangerous moment.

``export``: stops inside the first fsync, when only the ``.part`` file exists. ``import``: stops after
the bundle was applied inside the transaction, before it commits. It prints ``STOPPED`` and waits
for the parent's SIGKILL.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

from veldclient.services import bundles
from veldclient.services.session import open_session
from veldclient.sync import bundle_ledger

mode, profile, passphrase, target = sys.argv[1:5]


def stop(*_args, **_kwargs):
    print("STOPPED", flush=True)
    sys.stdin.read()  # until killed


session = open_session(profile, passphrase=passphrase)
if mode == "export":
    os.fsync = stop  # type: ignore[assignment]
    bundles.export_bundle(session, sys.argv[5:], Path(target))
else:
    bundle_ledger.record_import = stop  # type: ignore[assignment]
    bundles.import_bundle(session, Path(target))
print("FINISHED", flush=True)
