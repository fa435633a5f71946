"""Three profiles in separate processes, as the nodes run them: Enschede's and Hengelo's node machines
(admins) pair each other once, a nurse's laptop joins Enschede with an invitation and syncs only with
Enschede's machine, and still sees Hengelo's capacity: her node's admin introduced Hengelo's machine."""

from __future__ import annotations

import json
from pathlib import Path

from test_cli_join import free_port, serving


def test_a_joined_laptop_sees_the_capacity_of_the_node_its_admin_paired(veld, tmp_path: Path):
    veld("init", "--node", "enschede-centrum", "--role", "admin", "--profile", "hub-e")
    veld("init", "--node", "hengelo", "--role", "admin", "--profile", "hub-h")
    for hub in ("hub-e", "hub-h"):
        veld("--profile", hub, "identity", "--export", str(tmp_path / f"{hub}.json"))
    veld("--profile", "hub-e", "peers", "add", str(tmp_path / "hub-h.json"), "--name", "hengelo")
    veld("--profile", "hub-h", "peers", "add", str(tmp_path / "hub-e.json"), "--name", "enschede")
    port_e, port_h = free_port(), free_port()
    invitation = tmp_path / "uitnodiging.json"
    veld("--profile", "hub-e", "peers", "invite", "--role", "nurse", "--out", str(invitation),
         "--address", f"127.0.0.1:{port_e}")  # fmt: skip
    set_beds = ("capacity", "set", "zgt", "ELV_HOOG", "--total", "4", "--free", "2", "--occupied", "2")
    veld("--profile", "hub-h", *set_beds)

    with serving(veld, "hub-e", port_e), serving(veld, "hub-h", port_h):
        veld("--profile", "lap", "join", str(invitation))
        veld("--profile", "hub-h", "peers", "address", "enschede", f"127.0.0.1:{port_e}")
        veld("--profile", "hub-h", "sync", "enschede")
        for lang in ("en", "nl"):
            out = veld("--profile", "lap", "sync", "enschede-centrum", VELD_LANG=lang)
            assert "refused" not in out.stdout + out.stderr and "geweigerd" not in out.stdout + out.stderr

    rows = json.loads(veld("--profile", "lap", "capacity", "--json", "--node", "hengelo").stdout)
    [elv] = [r for r in rows if r["care_type"] == "ELV_HOOG" and r["reported"]]
    assert (elv["node_id"], elv["free"], elv["beds_total"]) == ("hengelo", 2, 4)
