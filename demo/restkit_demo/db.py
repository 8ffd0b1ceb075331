"""SQLite persistence: schema creation and one connection per request.

``initialize`` creates the tables, migrates a database made by an older
demo (posts without ``version`` or ``author``, no users or tokens) and
seeds the demo users (``DEMO_USERS``) when they are missing.

The connection is opened the first time a view asks for it and is tied to
the request's lifetime with Pyramid's callbacks: a response callback
commits (success) or rolls back (any error response), and a finished
callback closes the connection in every case, including an exception that
no exception view handled.
"""

from __future__ import annotations

import os
import sqlite3
from contextlib import closing
from datetime import datetime, timezone

from pyramid.request import Request
from pyramid.response import Response

from restkit_demo.passwords import hash_password

#: ``request.environ`` key of the open connection.
_CONNECTION_KEY = 'restkit_demo.db.connection'
#: ``request.environ`` key set once the transaction has been ended.
_DONE_KEY = 'restkit_demo.db.done'

#: The users every database gets: (username, password), documented in
#: demo/README.md and development.ini.  Demo passwords: public.
DEMO_USERS = (('alice', 'wonderland'), ('bob', 'builder'))
#: The author a migration gives the posts written before posts had one:
#: the first demo user, so that someone may still edit them.
LEGACY_AUTHOR = DEMO_USERS[0][0]

SCHEMA = """
CREATE TABLE IF NOT EXISTS posts (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    title TEXT NOT NULL,
    body TEXT NOT NULL,
    tags TEXT NOT NULL DEFAULT '[]',
    published INTEGER NOT NULL DEFAULT 0,
    created_at TEXT NOT NULL,
    version INTEGER NOT NULL DEFAULT 1,
    author TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS comments (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    post_id INTEGER NOT NULL REFERENCES posts (id) ON DELETE CASCADE,
    author TEXT NOT NULL,
    body TEXT NOT NULL,
    created_at TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS comments_post_id ON comments (post_id);
CREATE TABLE IF NOT EXISTS users (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    username TEXT NOT NULL UNIQUE,
    password TEXT NOT NULL,
    created_at TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS tokens (
    digest TEXT PRIMARY KEY,
    user_id INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    created_at TEXT NOT NULL,
    expires_at TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS tokens_user_id ON tokens (user_id);
"""


def connect(path: str) -> sqlite3.Connection:
    """Open a connection to the database file ``path``."""
    conn = sqlite3.connect(path)
    conn.row_factory = sqlite3.Row
    # NOTE: foreign keys are off by default in SQLite and the setting is
    # per connection; the cascade from posts to comments needs it.
    conn.execute('PRAGMA foreign_keys = ON')
    return conn


def initialize(path: str) -> None:
    """Create the directory of ``path`` and the schema, if missing.

    Migrates a database that an older demo made and adds the demo users
    it lacks (hashing only their passwords: a second run costs nothing).
    """
    directory = os.path.dirname(os.path.abspath(path))
    os.makedirs(directory, exist_ok=True)
    with closing(connect(path)) as conn:
        conn.executescript(SCHEMA)
        columns = {
            row['name'] for row in conn.execute('PRAGMA table_info(posts)')
        }
        if 'version' not in columns:
            # NOTE: a database made before posts had versions.
            conn.execute(
                'ALTER TABLE posts'
                ' ADD COLUMN version INTEGER NOT NULL DEFAULT 1'
            )
        if 'author' not in columns:
            # NOTE: a database made before posts had authors: SQLite adds
            # a NOT NULL column only with a default, which names who may
            # edit the old posts from now on (LEGACY_AUTHOR).
            conn.execute(
                'ALTER TABLE posts ADD COLUMN author TEXT NOT NULL'
                f" DEFAULT '{LEGACY_AUTHOR}'"
            )
        seed_users(conn)
        conn.commit()


def seed_users(conn: sqlite3.Connection) -> None:
    """Add the users of ``DEMO_USERS`` that ``conn``'s database lacks.

    An existing user keeps their password, changed or not.
    """
    existing = {
        row['username'] for row in conn.execute('SELECT username FROM users')
    }
    for username, password in DEMO_USERS:
        if username not in existing:
            # NOTE: OR IGNORE: two processes starting at once (workers
            # of one server) may both find the user missing.
            conn.execute(
                'INSERT OR IGNORE INTO users (username, password, created_at)'
                ' VALUES (?, ?, ?)',
                (username, hash_password(password), utcnow().isoformat()),
            )


def utcnow() -> datetime:
    """The current time, in UTC."""
    return datetime.now(timezone.utc)


def get_connection(request: Request) -> sqlite3.Connection:
    """Return the request's connection, opening it on first use."""
    conn: sqlite3.Connection | None = request.environ.get(_CONNECTION_KEY)
    if conn is None:
        conn = connect(request.registry.settings['restkit_demo.database'])
        request.environ[_CONNECTION_KEY] = conn
        request.add_response_callback(_end_transaction)
        request.add_finished_callback(_close)
    return conn


def _end_transaction(request: Request, response: Response) -> None:
    """Commit if the request succeeded, roll back otherwise."""
    conn: sqlite3.Connection = request.environ[_CONNECTION_KEY]
    request.environ[_DONE_KEY] = True
    if request.exception is None and response.status_int < 400:
        conn.commit()
    else:
        conn.rollback()


def _close(request: Request) -> None:
    """Close the connection; roll back if no response was produced."""
    conn: sqlite3.Connection = request.environ.pop(_CONNECTION_KEY)
    try:
        # NOTE: response callbacks do not run when an exception escapes
        # every exception view, so the transaction may still be open here.
        if not request.environ.pop(_DONE_KEY, False):
            conn.rollback()
    finally:
        conn.close()
