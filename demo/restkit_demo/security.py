"""Who the client is, and what it may do: logins, tokens and ACLs.

Two ways to log in, on every request, combined in one Pyramid security
policy (``pyramid_restkit.auth``):

* HTTP Basic: a username and password (``users``, scrypt hashes, see
  ``restkit_demo.passwords``);
* a bearer token (``Authorization: Bearer ...``) that ``POST /tokens``
  gave out; the database keeps its SHA-256 only, and its expiry.

An unauthenticated request that needs a permission gets 401 with both
challenges; an authenticated one without the permission, 403.

What each may do comes from Pyramid ACLs: ``Root`` (creating posts,
tokens) and ``PostContext`` (editing a post is its author's).
"""

from __future__ import annotations

import functools
import hashlib
import secrets
from datetime import datetime, timedelta
from typing import Any

from pyramid.authorization import Allow, Authenticated
from pyramid.config import Configurator
from pyramid.decorator import reify
from pyramid.exceptions import ConfigurationError
from pyramid.request import Request
from pyramid_restkit.auth import (
    BasicAuthPolicy,
    BearerTokenPolicy,
    MultiAuthPolicy,
)

from restkit_demo.db import get_connection, utcnow
from restkit_demo.passwords import hash_password, verify_password
from restkit_demo.resources import MAX_ID

#: The realm of both challenges.
REALM = 'restkit demo'
#: Groups of an identity: how the request logged in.  Only a password
#: may get a new token; only a token may revoke itself.
PASSWORD = 'login:password'
TOKEN = 'login:token'
#: Setting: seconds a token is valid (default: one hour).
LIFETIME_SETTING = 'restkit_demo.token_lifetime'
DEFAULT_LIFETIME = 3600

Identity = dict[str, Any]


def includeme(config: Configurator) -> None:
    """Set the security policy and the root's ACL (``config.include``)."""
    value = config.get_settings().get(LIFETIME_SETTING, DEFAULT_LIFETIME)
    try:
        lifetime = int(value)
    except (TypeError, ValueError):
        lifetime = 0
    if lifetime <= 0:
        raise ConfigurationError(
            f'{LIFETIME_SETTING} must be a positive number of seconds,'
            f' not {value!r}'
        )
    config.add_settings({LIFETIME_SETTING: lifetime})
    config.set_security_policy(
        MultiAuthPolicy(
            BasicAuthPolicy(check_password, realm=REALM),
            BearerTokenPolicy(check_token, realm=REALM),
        )
    )
    config.set_root_factory(Root)


# -- logging in -----------------------------------------------------------


def check_password(
    credentials: tuple[str, str], request: Request
) -> Identity | None:
    """The identity of a Basic login, or ``None`` for a wrong one.

    A username that does not exist costs the same scrypt as a wrong
    password, so that timing does not tell which usernames exist.
    """
    username, password = credentials
    row = (
        get_connection(request)
        .execute('SELECT password FROM users WHERE username = ?', (username,))
        .fetchone()
    )
    if row is None:
        verify_password(password, _unknown_user_hash())
        return None
    if not verify_password(password, row['password']):
        return None
    return {'userid': username, 'groups': [PASSWORD]}


@functools.cache
def _unknown_user_hash() -> str:
    """A hash no password of the request can match (a random one)."""
    return hash_password(secrets.token_urlsafe(32))


def check_token(token: str, request: Request) -> Identity | None:
    """The identity of a bearer token, or ``None`` (unknown, expired)."""
    row = (
        get_connection(request)
        .execute(
            'SELECT users.username, tokens.expires_at FROM tokens'
            ' JOIN users ON users.id = tokens.user_id'
            ' WHERE tokens.digest = ?',
            (token_digest(token),),
        )
        .fetchone()
    )
    if row is None or datetime.fromisoformat(row['expires_at']) <= utcnow():
        return None
    return {'userid': row['username'], 'groups': [TOKEN]}


def token_digest(token: str) -> str:
    """What the database keeps of ``token``: its SHA-256, in hex.

    A token is 32 random bytes: no dictionary reaches it, so a fast
    hash is enough (unlike passwords), and looking the digest up by
    index leaks nothing a client can steer.
    """
    return hashlib.sha256(token.encode('utf-8', 'surrogatepass')).hexdigest()


def issue_token(request: Request, username: str) -> tuple[str, datetime]:
    """Store a new token of ``username``; return it and its expiry.

    Expired tokens are deleted on the way.
    """
    conn = get_connection(request)
    now = utcnow()
    expires = now + timedelta(
        seconds=request.registry.settings[LIFETIME_SETTING]
    )
    token = secrets.token_urlsafe(32)
    conn.execute('DELETE FROM tokens WHERE expires_at <= ?', (_stored(now),))
    conn.execute(
        'INSERT INTO tokens (digest, user_id, created_at, expires_at)'
        ' SELECT ?, id, ?, ? FROM users WHERE username = ?',
        (token_digest(token), _stored(now), _stored(expires), username),
    )
    return token, expires


def revoke_token(request: Request, token: str) -> bool:
    """Delete ``token``; tell whether it was there."""
    cursor = get_connection(request).execute(
        'DELETE FROM tokens WHERE digest = ?', (token_digest(token),)
    )
    return cursor.rowcount > 0


def _stored(moment: datetime) -> str:
    """``moment`` as the tokens table keeps it: ISO 8601, to the
    microsecond always, so that text order is time order."""
    return moment.isoformat(timespec='microseconds')


# -- permissions --------------------------------------------------------------


class Root:
    """The context of the routes about no post in particular.

    Anyone logged in may create a post and see who they are; a password
    gets a token, a token revokes itself.
    """

    __acl__ = [
        (Allow, Authenticated, 'create'),
        (Allow, Authenticated, 'me'),
        (Allow, PASSWORD, 'new-token'),
        (Allow, TOKEN, 'revoke-token'),
    ]

    def __init__(self, request: Request) -> None:
        self.request = request


class PostContext:
    """The context of a post's routes, its comments' included.

    Its ACL lets the post's author ``edit`` it (replace, update, delete
    the post, delete its comments).  The author is read when a view
    needs the permission, not for public reads.

    NOTE: a post that does not exist lets anyone logged in ``edit``: the
    view then answers 404 (or 412 to ``If-Match``), as DRF checks the
    object's permissions after finding it.  An anonymous client gets the
    401 it would get for any post: logging in comes first.
    """

    def __init__(self, request: Request, post_id: int) -> None:
        self.request = request
        self.post_id = post_id

    @reify
    def author(self) -> str | None:
        """The post's author; ``None`` for a post that does not exist."""
        if self.post_id > MAX_ID:
            return None
        row = (
            get_connection(self.request)
            .execute('SELECT author FROM posts WHERE id = ?', (self.post_id,))
            .fetchone()
        )
        return None if row is None else str(row['author'])

    @reify
    def __acl__(self) -> list[tuple[str, str, str]]:
        if self.author is None:
            return [(Allow, Authenticated, 'edit')]
        return [(Allow, self.author, 'edit')]


def post_context(request: Request) -> Root | PostContext:
    """The context factory of the posts' and the comments' routes.

    The post is ``{post_id}`` under comments, ``{id}`` on a post; the
    posts' collection has none: the root.
    """
    matchdict = request.matchdict or {}
    post_id = matchdict.get('post_id', matchdict.get('id'))
    if post_id is None:
        return Root(request)
    return PostContext(request, int(post_id))
