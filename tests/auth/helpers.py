"""What the tests of pyramid_restkit.auth share: an ACL root, resources,
the users and their checks, and ``Authorization`` values."""

from __future__ import annotations

import base64
from typing import Any

import colander
from pyramid.authorization import ALL_PERMISSIONS, Allow, Authenticated

from pyramid_restkit import operation

#: The application's users: password and groups.
USERS = {
    'alice': ('wonderland', ['group:editors']),
    'bob': ('builder', []),
}
#: Bearer tokens and whom they identify.
TOKENS = {'t0k3n-alice': 'alice', 'bob.token': 'bob'}


class Root:
    """The ACL of every resource: read when authenticated, write as an
    editor, anything for the admin."""

    __acl__ = [
        (Allow, 'admin', ALL_PERMISSIONS),
        (Allow, Authenticated, 'view'),
        (Allow, 'group:editors', 'edit'),
    ]

    def __init__(self, request: Any) -> None:
        self.request = request


class Calls:
    """Counts the calls of a ``check`` (which must run at most once a
    request, and never for a malformed header)."""

    def __init__(self) -> None:
        self.seen: list[Any] = []

    def basic(self, credentials: Any, request: Any) -> Any:
        self.seen.append(credentials)
        username, password = credentials
        user = USERS.get(username)
        if user is None or user[0] != password:
            return None
        return {'userid': username, 'groups': user[1]}

    def bearer(self, token: Any, request: Any) -> Any:
        self.seen.append(token)
        return TOKENS.get(token)


class Title(colander.MappingSchema):
    title = colander.SchemaNode(colander.String())


class Posts:
    """GET needs ``view``, PUT ``edit``; the collection is public."""

    def __init__(self, request: Any, context: Any = None) -> None:
        self.request = request

    def collection_get(self) -> Any:
        return [{'id': 1}]

    @operation(schema=Title, status=201)
    def collection_post(self) -> Any:
        return self.request.validated

    def get(self) -> Any:
        request = self.request
        # Pyramid asks the policy again and again: check runs once.
        assert request.identity is not None
        assert request.is_authenticated
        return {
            'id': request.matchdict['id'],
            'user': request.authenticated_userid,
        }

    @operation(schema=Title)
    def put(self) -> Any:
        return self.request.validated


def add_posts(config: Any) -> None:
    config.set_root_factory(Root)
    config.add_resource(
        Posts,
        collection_path='/posts',
        path='/posts/{id}',
        permission={'GET': 'view', 'PUT': 'edit', 'POST': 'edit'},
    )


def basic(username: str, password: str) -> dict[str, str]:
    raw = f'{username}:{password}'.encode()
    return {'Authorization': 'Basic ' + base64.b64encode(raw).decode()}


def bearer(token: str) -> dict[str, str]:
    return {'Authorization': f'Bearer {token}'}
