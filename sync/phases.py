"""The order in which a sync run applies its work: node and share documents before the rest."""

from __future__ import annotations

from dataclasses import dataclass

from veldclient.store.repo import APPLIED_FIRST, kind_of


@dataclass(frozen=True)
class Phase:
    fetch: list[str]
    push: list[str]
    sync: list[str]


def plan(fetch: list[str], push: list[str], sync: list[str]) -> list[Phase]:
    """The run's work in the order it must be applied. Node and share documents decide trust and
    scope for the rest on both sides (repo.APPLIED_FIRST): a share listing that changed releases a
    request that travels in this very run, and the request is refused as out of scope if it comes
    in first. A listing both sides hold travels as sync messages, so when such documents are to be
    synced while other documents are to be fetched or pushed, they get a phase of their own first.
    Otherwise one phase does: node and share documents lead every batch of a fetch or push, and
    merge_many takes them first within a batch. Fetches stay in id order within each kind: batches
    of neighbouring ids are stored near the end of each index (repo.merge_many)."""

    def first(ids: list[str]) -> list[str]:
        return [d for d in ids if kind_of(d) in APPLIED_FIRST]

    def rest(ids: list[str]) -> list[str]:
        return [d for d in ids if kind_of(d) not in APPLIED_FIRST]

    fetch, push = sorted(fetch), sorted(push)
    if first(sync) and (rest(fetch) or rest(push)):
        return [Phase(first(fetch), first(push), first(sync)), Phase(rest(fetch), rest(push), rest(sync))]
    return [Phase(first(fetch) + rest(fetch), first(push) + rest(push), sync)]
