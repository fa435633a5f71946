"""`veld` with one step held, for the Ctrl+C tests: when the work reaches the step it prints
``STOPPED`` and waits for the parent's SIGINT (Ctrl+C) or SIGKILL. argv: which step, then veld's
own arguments."""

from __future__ import annotations

import importlib
import os
import sys
import time

# the step held: (module, attribute path within it)
STEPS = {
    "demo-records-stored": ("veldclient.services.demo_burden", "load_burden_history"),
    "demo-stand-in": ("veldclient.services.demo_mesh", "pair"),
    "export-writing": ("os", "fsync"),  # the bundle's .part is on disk, not yet renamed
    "import-applied": ("veldclient.sync.bundle_ledger", "record_import"),  # inside the transaction
    "rebuild-projecting": ("veldclient.store.projection", "Projector.project"),
}


def hold(*_args: object, **_kwargs: object) -> None:
    print("STOPPED", flush=True)
    time.sleep(600)  # until the signal
    os._exit(99)  # never reached in a passing test


step, *args = sys.argv[1:]
module_name, path = STEPS[step]
owner = importlib.import_module(module_name)
*parents, name = path.split(".")
for part in parents:
    owner = getattr(owner, part)
setattr(owner, name, hold)

from veldclient.cli import main  # noqa: E402 - after the step is held

main(args, prog_name="veld")
