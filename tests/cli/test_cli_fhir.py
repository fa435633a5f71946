"""`veld fhir export --out DIR [--node N]`: one FHIR R4B Bundle file, read back by the library; a
wrong node or folder is one line in the chosen language, exit 2, and no file."""

from __future__ import annotations

import json
import os
import sys

import pytest
from fhir.resources.R4B.bundle import Bundle


def init(veld) -> None:
    veld("init", "--node", "hengelo", "--role", "nurse", "--user", "t", "--no-keyring")


def test_export_writes_a_bundle_the_library_reads_back(veld, tmp_path):
    init(veld)
    out = tmp_path / "out"
    out.mkdir()
    done = veld("fhir", "export", "--out", str(out))
    path = out / "veld-capacity-mesh.fhir.json"
    assert "FHIR bundle of" in done.stdout and str(path) in done.stdout and "Location" in done.stdout
    bundle = Bundle.model_validate_json(path.read_text("utf-8"))
    assert bundle.type == "collection"
    kinds = {e.resource.get_resource_type() for e in bundle.entry}
    assert {"Organization", "Location", "HealthcareService"} <= kinds
    assert [p.name for p in out.iterdir()] == [path.name]  # no temporary file left beside it


def test_one_node_in_json_and_in_dutch(veld, tmp_path):
    init(veld)
    out = tmp_path / "out"
    out.mkdir()
    said = json.loads(veld("fhir", "export", "--out", str(out), "--node", "hengelo", "--json").stdout)
    assert said["node_id"] == "hengelo" and said["counts"]["Organization"] == 1
    assert said["path"] == str(out / "veld-capacity-hengelo.fhir.json")
    dutch = veld("fhir", "export", "--out", str(out), "--node", "hengelo", VELD_LANG="nl").stdout
    assert dutch.startswith("FHIR-bundel met") and "resources geschreven" in dutch


@pytest.mark.parametrize(
    ("lang", "said"),
    [
        ("en", "veld: Unknown node 'nergens'. Choose from:"),
        ("nl", "veld: Onbekend knooppunt 'nergens'. Kies uit:"),
    ],
)
def test_an_unknown_node_is_one_line_exit_2(veld, tmp_path, lang, said):
    init(veld)
    done = veld("fhir", "export", "--out", str(tmp_path), "--node", "nergens", check=False, VELD_LANG=lang)
    assert done.returncode == 2 and done.stderr.startswith(said) and done.stderr.count("\n") == 1
    assert not list(tmp_path.glob("*.json"))


def test_a_folder_that_cannot_be_used_is_one_line_exit_2(veld, tmp_path):
    init(veld)
    missing = veld("fhir", "export", "--out", str(tmp_path / "nope"), check=False)
    assert missing.returncode == 2
    assert (
        missing.stderr
        == f"veld: The folder '{tmp_path / 'nope'}' does not exist (or is not a folder);"
        + (" choose an existing folder.\n")
    )
    assert not (tmp_path / "nope").exists()
    dutch = veld("fhir", "export", "--out", str(tmp_path / "nope"), check=False, VELD_LANG="nl")
    assert dutch.returncode == 2 and "bestaat niet (of is geen map)" in dutch.stderr


@pytest.mark.skipif(
    sys.platform != "linux" or not os.path.isdir("/proc"), reason="uses /proc, unwritable even to root"
)
def test_a_folder_that_refuses_the_file_leaves_nothing(veld):
    init(veld)
    done = veld("fhir", "export", "--out", "/proc", check=False)
    assert done.returncode == 2
    assert done.stderr.startswith("veld: Cannot write the FHIR file '/proc/veld-capacity-mesh.fhir.json':")
    assert done.stderr.rstrip().endswith("nothing was written.") and "Traceback" not in done.stderr
    assert not os.path.exists("/proc/veld-capacity-mesh.fhir.json")
