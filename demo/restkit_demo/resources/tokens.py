"""Bearer tokens and the current user: logging in once, not every time.

``POST /tokens`` with a password (HTTP Basic) gives out a random token
(``secrets.token_urlsafe``), valid for ``restkit_demo.token_lifetime``
seconds; ``Authorization: Bearer <token>`` then logs in for one SHA-256
instead of one scrypt.  ``DELETE /tokens/current`` with the token
revokes it.  ``GET /me`` says who the client is.  Registered with
``config.add_resource()`` in ``restkit_demo.main``, after the security
policy (``restkit_demo.security``).
"""

from __future__ import annotations

from typing import Any

from pyramid.request import Request
from pyramid_restkit import operation

from restkit_demo.db import get_connection, utcnow
from restkit_demo.resources import parse_time
from restkit_demo.schemas import MeOut, TokenOut
from restkit_demo.security import TOKEN, issue_token, revoke_token


class Tokens:
    """The client's bearer tokens: one more, or the current one less."""

    def __init__(self, request: Request, context: object = None) -> None:
        self.request = request
        self.context = context

    @operation(
        permission='new-token',
        response_schema=TokenOut,
        summary='Get a bearer token (log in with a password)',
        responses={
            403: 'Logged in with a token: a new one needs the password.'
        },
    )
    def collection_post(self) -> dict[str, Any]:
        """A new token of the user who logged in with their password.

        200, not 201: the token is no resource with a URL of its own
        (OAuth 2.0's token endpoint answers 200 too), and the response
        must not be stored (``Cache-Control: no-store``, RFC 6749 5.1).
        """
        request = self.request
        token, expires = issue_token(request, request.authenticated_userid)
        request.response.cache_control = 'no-store'
        return {
            'access_token': token,
            'token_type': 'Bearer',
            'expires_in': round((expires - utcnow()).total_seconds()),
            'expires_at': expires,
        }

    @operation(
        permission='revoke-token',
        summary='Revoke the token of this request (log out)',
        responses={403: 'Logged in with a password: there is no token.'},
    )
    def delete(self) -> None:
        """Delete the token this request carries: it stops working."""
        # NOTE: the policy let the request in with this very token, so
        # the header holds it (the row may have gone meanwhile: nothing
        # to delete, the same outcome).
        header = self.request.headers.get('Authorization', '')
        revoke_token(self.request, header.partition(' ')[2].strip())


class Me:
    """The user the client is logged in as."""

    def __init__(self, request: Request, context: object = None) -> None:
        self.request = request
        self.context = context

    @operation(
        permission='me',
        response_schema=MeOut,
        summary='Who am I: the user logged in, and how',
    )
    def get(self) -> dict[str, Any]:
        """The userid, how the request logged in, since when the user
        exists."""
        request = self.request
        userid = request.authenticated_userid
        row = (
            get_connection(request)
            .execute(
                'SELECT created_at FROM users WHERE username = ?', (userid,)
            )
            .fetchone()
        )
        groups = request.identity['groups']
        return {
            'userid': userid,
            'login': 'token' if TOKEN in groups else 'password',
            'created_at': parse_time(row['created_at']),
        }
