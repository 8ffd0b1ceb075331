"""REST resources of the demo: posts, their comments and tags."""

from __future__ import annotations

import sqlite3
from datetime import datetime, timezone

from pyramid.httpexceptions import HTTPNotFound
from pyramid.request import Request

#: The largest integer SQLite stores: ids beyond it cannot exist (and
#: would overflow the query).
MAX_ID = 2**63 - 1


def path_id(request: Request, key: str) -> int:
    """Return the id ``key`` of the path, validated; 404 if none can exist.

    The route took digits only and the operation's path schema made them
    an ``int``; beyond SQLite's integers nothing is stored.
    """
    value: int = request.validated['path'][key]
    if value > MAX_ID:
        raise HTTPNotFound(f'There is no {key} beyond {MAX_ID}.')
    return value


def now() -> str:
    """Return the current UTC time as an ISO 8601 string for storage."""
    return datetime.now(timezone.utc).isoformat()


def parse_time(value: str) -> datetime:
    """Return the stored ISO 8601 string ``value`` as a datetime."""
    return datetime.fromisoformat(value)


def post_exists(conn: sqlite3.Connection, post_id: int) -> bool:
    """Tell whether the post ``post_id`` exists."""
    row = conn.execute(
        'SELECT 1 FROM posts WHERE id = ?', (post_id,)
    ).fetchone()
    return row is not None
