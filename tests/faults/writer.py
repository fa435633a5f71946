"""A writer process for the kill -9 test: commits clients one by one, printing each acknowledged id."""

from __future__ import annotations

import sys

from veldclient.services import clients
from veldclient.services.session import open_session

session = open_session(sys.argv[1], passphrase=sys.argv[2])
i = 0
while True:
    i += 1
    client = clients.register_client(
        session,
        {
            "name": f"Kill Test {i}",
            "birth_date": "1940-01-01",
            "postcode": "7511 JM",
            "address": "x" * (i % 300),
        },
    )
    if i % 3 == 0:
        clients.update_client(session, client.id, {"address": f"Straat {i}"})
    print(client.id, flush=True)
