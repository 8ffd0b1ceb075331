"""A blog whose posts have a public face: ``anonymous=PublicPosts``.

Shared by the tests of ``anonymous=``.  The security policy is a tiny one
of the tests' own (``X-User`` names the user; ``admin`` may edit); the
tests with ``pyramid_restkit.auth`` build their own.
"""

from __future__ import annotations

from typing import Any

import colander
from pyramid.security import Allowed, Denied

from pyramid_restkit import operation

POSTS: dict[str, dict[str, Any]] = {}


def reset() -> None:
    POSTS.clear()
    for number in range(1, 4):
        POSTS[str(number)] = {
            'id': number,
            'title': f'Post {number}',
            'author': 'ann',
            'notes': f'internal notes {number}',
        }


class PostSchema(colander.MappingSchema):
    title = colander.SchemaNode(colander.String())
    author = colander.SchemaNode(colander.String())
    notes = colander.SchemaNode(colander.String(), missing='')


class PostOut(colander.MappingSchema):
    id = colander.SchemaNode(colander.Integer())
    title = colander.SchemaNode(colander.String())
    author = colander.SchemaNode(colander.String())
    notes = colander.SchemaNode(colander.String())


class PublicPostOut(colander.MappingSchema):
    id = colander.SchemaNode(colander.Integer())
    title = colander.SchemaNode(colander.String())


class SuggestionSchema(colander.MappingSchema):
    title = colander.SchemaNode(
        colander.String(), validator=colander.Length(max=20)
    )


class FlagSchema(colander.MappingSchema):
    reason = colander.SchemaNode(
        colander.String(), validator=colander.OneOf(['spam', 'rude'])
    )


class HeaderPolicy:
    """``X-User: <name>`` authenticates; ``admin`` has ``edit``; a
    ``nobody`` permission is nobody's."""

    def identity(self, request: Any) -> Any:
        return request.headers.get('X-User') or None

    def authenticated_userid(self, request: Any) -> Any:
        return self.identity(request)

    def permits(self, request: Any, context: Any, permission: str) -> Any:
        user = self.identity(request)
        if permission == 'edit' and user == 'admin':
            return Allowed('admin edits')
        if permission == 'view' and user is not None:
            return Allowed('users view')
        return Denied(f'{permission} denied to {user}')

    def remember(self, request: Any, userid: Any, **kw: Any) -> list[Any]:
        return []

    def forget(self, request: Any, **kw: Any) -> list[Any]:
        return []


@operation(response_schema=PublicPostOut, tags=['public'])
class PublicPosts:
    """The public face of the posts: titles only."""

    def __init__(self, request: Any) -> None:
        self.request = request

    @operation(pagination='page')
    def collection_get(self) -> Any:
        return list(POSTS.values())

    @operation(schema=SuggestionSchema, status=202, response_schema=None)
    def collection_post(self) -> Any:
        return {'suggested': self.request.validated['title']}

    def etag(self) -> Any:
        post = POSTS.get(self.request.matchdict['id'])
        return None if post is None else f'public-{post["title"]}'

    def get(self) -> Any:
        return POSTS[self.request.matchdict['id']]

    @operation(schema=FlagSchema, response_schema=None)
    def post(self) -> Any:
        """Flag a post (anyone, signed in or not)."""
        return {'flagged': self.request.validated['reason']}

    @operation(permission='nobody')
    def delete(self) -> None:
        raise AssertionError('nobody may delete anonymously')


class Posts:
    """The posts, for signed-in users."""

    def __init__(self, request: Any) -> None:
        self.request = request

    def collection_get(self) -> Any:
        return list(POSTS.values())

    @operation(permission='edit', status=201)
    def collection_post(self) -> Any:
        post = dict(self.request.validated, id=len(POSTS) + 1)
        POSTS[str(post['id'])] = post
        return post

    def get(self) -> Any:
        return POSTS[self.request.matchdict['id']]

    @operation(permission='edit')
    def put(self) -> Any:
        post = dict(
            self.request.validated, id=int(self.request.matchdict['id'])
        )
        POSTS[self.request.matchdict['id']] = post
        return post

    @operation(permission='edit')
    def delete(self) -> None:
        del POSTS[self.request.matchdict['id']]


def add_posts(config: Any, **options: Any) -> None:
    """Register :class:`Posts` with its public face."""
    config.add_resource(
        Posts,
        collection_path='/posts',
        path='/posts/{id}',
        schema=PostSchema,
        response_schema=PostOut,
        anonymous=PublicPosts,
        **options,
    )
