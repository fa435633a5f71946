"""What each step of long work is called, in Dutch and English (the ids: veldclient/progress.py).

The command line's bar and the app's progress lines both name steps through here, so a step reads
the same in both; tests/unit/test_progress.py checks that every step the work reports has a name.
"""

from __future__ import annotations

from collections.abc import Mapping

# step id -> (nl, en): what is being done, as a person reads it while waiting
STEP_NAMES: Mapping[str, tuple[str, str]] = {
    "demo.profile": ("Profiel, sleutels en database maken", "Creating profile, keys and database"),
    "demo.generate": ("Demogegevens bedenken", "Generating demo data"),
    "demo.nodes": ("Knooppunten en hun bedden", "Nodes and their beds"),
    "demo.records": ("Dossiers opslaan", "Storing records"),
    "demo.burden": ("Eerdere belastingmetingen", "Earlier burden measurements"),
    "demo.mesh": (
        "Verwijzing en dubbele boeking van andere knooppunten",
        "Referral and double booking from other nodes",
    ),
    "sync.manifest": ("Vergelijken wat beide kanten hebben", "Comparing what both sides hold"),
    "sync.fetch": ("Documenten ophalen", "Fetching documents"),
    "sync.push": ("Documenten versturen", "Sending documents"),
    "sync.sync": ("Wijzigingen uitwisselen", "Exchanging changes"),
    "bundle.plan": ("Bepalen wat mee moet", "Working out what to send"),
    "bundle.collect": ("Documenten verzamelen", "Collecting documents"),
    "bundle.seal": ("Versleutelen en ondertekenen", "Encrypting and signing"),
    "bundle.write": ("Wegschrijven", "Writing"),
    "bundle.files": ("Bundels inlezen", "Importing bundles"),
    "bundle.read": ("Bundel lezen en controleren", "Reading and checking the bundle"),
    "bundle.apply": ("Documenten samenvoegen", "Merging documents"),
    "fhir.read": ("Capaciteit en tijdsloten lezen", "Reading capacity and slots"),
    "fhir.build": ("FHIR-resources maken en controleren", "Building and checking FHIR resources"),
    "fhir.write": ("Wegschrijven", "Writing"),
    "doctor.integrity": ("Database controleren", "Checking the database"),
    "doctor.checksums": ("Controlegetallen nalopen", "Checking checksums"),
    "doctor.load": ("Documenten laden", "Loading documents"),
    "doctor.compare": ("Tabellen naast de documenten leggen", "Comparing tables and documents"),
    "doctor.audit": ("Auditketen controleren", "Checking the audit chain"),
    "doctor.rebuild": ("Tabellen opnieuw afleiden", "Deriving the tables again"),
    "doctor.recheck": ("Opnieuw vergelijken", "Comparing again"),
}


def step_name(step: str, lang: str) -> str:
    """The step in words; an unnamed one (a bug: see the module docstring) by its id."""
    names = STEP_NAMES.get(step)
    if names is None:
        return step
    return names[0] if lang == "nl" else names[1]
