"""FTS5 prefix search over the projection, ranked by bm25.

What a person types is never passed to FTS5 as query syntax (a stray quote or ``AND`` would be a
syntax error or a different query): it is split into words, each quoted and made a prefix term.
"""

from __future__ import annotations

import re
from typing import Any

import sqlite_utils

_WORD = re.compile(r"\w+", re.UNICODE)


def fts_query(text: str) -> str | None:
    """``'jan de v'`` -> ``'"jan"* "de"* "v"*'``; None when there is nothing to search for."""
    words = _WORD.findall(text)
    if not words:
        return None
    return " ".join(f'"{w}"*' for w in words[:8])


def _search(
    db: sqlite_utils.Database, table: str, columns: str, text: str, node_id: str, limit: int
) -> list[dict[str, Any]]:
    query = fts_query(text)
    if query is None:
        return []
    sql = (
        f"SELECT {columns} FROM [{table}_fts] JOIN [{table}] t ON t.rowid = [{table}_fts].rowid"
        f" WHERE [{table}_fts] MATCH ? AND t.node_id = ? AND t.archived = 0"
        f" ORDER BY [{table}_fts].rank LIMIT ?"
    )
    cursor = db.execute(sql, [query, node_id, limit])
    names = [d[0] for d in cursor.description]
    return [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]


def clients(db: sqlite_utils.Database, text: str, *, node_id: str, limit: int = 20) -> list[dict[str, Any]]:
    return _search(
        db, "clients", "t.id, t.name, t.birth_date, t.postcode, t.address, t.bsn", text, node_id, limit
    )


def volunteers(
    db: sqlite_utils.Database, text: str, *, node_id: str, limit: int = 20
) -> list[dict[str, Any]]:
    return _search(
        db,
        "volunteers",
        "t.id, t.first_name, t.last_name, t.pc4, t.tasks, t.languages, t.vog_status",
        text,
        node_id,
        limit,
    )
