"""`veld web` refuses before serving: an address other machines reach without --allow-network, a
port in use, a profile without a passphrase; with --allow-network it says what is exposed."""

from __future__ import annotations

import socket


def test_an_address_other_machines_reach_is_refused_unless_allowed(veld):
    veld("--profile", "coord", "init", "--node", "borne", "--role", "coordinator", "--no-keyring")
    refused = veld("--profile", "coord", "web", "--host", "0.0.0.0", check=False)
    assert refused.returncode == 2
    assert "On 0.0.0.0:8000 every device that reaches this address can open the app of profile coord" in (
        refused.stderr
    )
    assert "Confirm with --allow-network" in refused.stderr
    assert refused.stdout == ""
    dutch = veld("--profile", "coord", "web", "--host", "0.0.0.0", check=False, VELD_LANG="nl")
    assert "Bevestig met --allow-network" in dutch.stderr


def test_allowed_it_warns_what_is_exposed_before_anything_else(veld):
    """Nothing here listens beyond loopback: the port is held on 127.0.0.1, so after its warning
    `veld web --host 0.0.0.0` finds it taken and stops (0.0.0.0:P overlaps 127.0.0.1:P)."""
    veld("--profile", "coord", "init", "--node", "borne", "--role", "coordinator", "--no-keyring")
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        result = veld(
            "--profile",
            "coord",
            "web",
            "--host",
            "0.0.0.0",
            "--port",
            str(port),
            "--allow-network",
            check=False,
        )
    assert result.returncode == 2
    warning, passphrase, error = result.stderr.splitlines()
    assert warning.startswith(f"Warning: On 0.0.0.0:{port} every device that reaches this address can open")
    assert "only the passphrase protects it and the traffic is not encrypted (http)" in warning
    assert passphrase == "The server's passphrase is not passed to browser sessions: every tab asks for it."
    assert error.startswith(f"veld: Port {port} on 0.0.0.0 is already in use")


def test_a_port_in_use_is_a_clear_error(veld):
    veld("--profile", "coord", "init", "--node", "borne", "--role", "coordinator", "--no-keyring")
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        result = veld("--profile", "coord", "web", "--port", str(port), check=False)
    assert result.returncode == 2
    assert f"Port {port} on 127.0.0.1 is already in use" in result.stderr


def test_a_missing_profile_is_a_clear_error(veld):
    result = veld("--profile", "nobody", "web", check=False)
    assert result.returncode == 2
    assert "Traceback" not in result.stderr
