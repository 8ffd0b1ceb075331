"""REST resources of the demo: posts and their comments."""

from __future__ import annotations

import sqlite3
from datetime import datetime, timezone

from pyramid.httpexceptions import HTTPNotFound
from pyramid.request import Request

#: The largest integer SQLite stores: ids beyond it cannot exist (and
#: would overflow the query).
MAX_ID = 2**63 - 1


def matched_id(request: Request, key: str) -> int:
    """Return the integer path parameter ``key``; 404 if it is not one."""
    value = request.matchdict[key]
    # NOTE: only plain ASCII digits: int() would also accept ' 7', '+7',
    # '7_0' and non-ASCII digits, which would make several URLs alias one
    # resource.
    if not (value.isascii() and value.isdigit()) or int(value) > MAX_ID:
        raise HTTPNotFound(f'No {key} {value[:20]!r}.')
    return int(value)


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
