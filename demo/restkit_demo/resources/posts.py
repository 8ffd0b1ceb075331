"""The posts resource, registered by ``config.scan()``.

Reading is public; writing needs a login: anyone logged in may create a
post (throttled: ``POSTS_RATE`` per user), and only its author (the user
who created it) may replace, update or delete it: the ``edit``
permission of ``restkit_demo.security.PostContext``'s ACL.
"""

from __future__ import annotations

import json
import sqlite3
from typing import Any

from pyramid.httpexceptions import HTTPNotFound
from pyramid.request import Request
from pyramid_restkit import Page, operation, resource

from restkit_demo.db import get_connection
from restkit_demo.resources import MAX_ID, now, parse_time, path_id
from restkit_demo.schemas import (
    PostOut,
    PostRequest,
    PostSchema,
    PostWriteRequest,
)
from restkit_demo.security import post_context

#: What an optional field of a post becomes when a PATCH removes it.
_DEFAULTS: dict[str, Any] = {'tags': [], 'published': False}

#: The item operations answer 404 for a post that does not exist.
NOT_FOUND = {404: 'There is no such post.'}
#: And the writes 403 to a user who is not the author.
NOT_YOURS = {**NOT_FOUND, 403: 'Only the author of a post may change it.'}
#: How many posts a user may create: few, so that a 429 is easy to see
#: by hand (demo/README.md), enough for the tests' flows.
POSTS_RATE = '10/minute'

_SELECT_ONE = (
    'SELECT id, title, body, tags, published, created_at, author'
    ' FROM posts WHERE id = ?'
)
_SELECT_PAGE = (
    'SELECT id, title, body, tags, published, created_at, author'
    ' FROM posts ORDER BY id LIMIT ? OFFSET ?'
)
#: Every change bumps the version: the post's ETag (see Posts.etag).
_UPDATE = (
    'UPDATE posts SET title = ?, body = ?, tags = ?, published = ?,'
    ' version = version + 1 WHERE id = ?'
)


def _post(row: sqlite3.Row) -> dict[str, Any]:
    """Return the API form of a ``posts`` row."""
    return {
        'id': row['id'],
        'title': row['title'],
        'body': row['body'],
        'tags': json.loads(row['tags']),
        'published': bool(row['published']),
        'created_at': parse_time(row['created_at']),
        'author': row['author'],
    }


@resource(
    collection_path='/posts',
    path='/posts/{id:[0-9]+}',
    schema=PostSchema,
    response_schema=PostOut,
    summary='Blog posts',
    description='Create, list, read, replace, update and delete posts.',
    tags=('posts',),
    media_options={'xml': {'root': 'post'}},
    factory=post_context,
    throttle={'POST': POSTS_RATE},
)
class Posts:
    """Blog posts stored in SQLite."""

    def __init__(self, request: Request, context: object = None) -> None:
        self.request = request
        self.context = context

    @property
    def db(self) -> sqlite3.Connection:
        """The request's database connection."""
        return get_connection(self.request)

    def etag(self) -> int | None:
        """The post's version, its validator: a GET with ``If-None-Match``
        answers 304, a write with a stale ``If-Match`` 412 (conditional
        requests; ``None`` for a post that does not exist).

        Called before the body is validated, so it reads the route's id
        (digits, by the route's pattern) itself.
        """
        post_id = int(self.request.matchdict['id'])
        if post_id > MAX_ID:
            return None
        row = self.db.execute(
            'SELECT version FROM posts WHERE id = ?', (post_id,)
        ).fetchone()
        return None if row is None else int(row['version'])

    def _load(self, post_id: int) -> dict[str, Any]:
        """Return the post ``post_id``; 404 if there is none."""
        row = self.db.execute(_SELECT_ONE, (post_id,)).fetchone()
        if row is None:
            raise HTTPNotFound(f'There is no post {post_id}.')
        return _post(row)

    @operation(
        response_schema=PostOut,
        pagination='offset',
        count=True,
        summary='List posts, oldest first',
        media_options={'xml': {'root': 'posts'}},
    )
    def collection_get(self) -> Page:
        """Return one page of posts (``?limit=&offset=``, the kit's offset
        pagination: it parses them and writes the links)."""
        page = self.request.pagination
        rows = self.db.execute(
            _SELECT_PAGE, (page.limit, page.offset)
        ).fetchall()
        (total,) = self.db.execute('SELECT COUNT(*) FROM posts').fetchone()
        return Page([_post(row) for row in rows], total=total)

    @operation(status=201, permission='create', summary='Create a post')
    def collection_post(self) -> dict[str, Any]:
        """Create a post, its author the user logged in, and point
        ``Location`` at it."""
        data = self.request.validated
        cursor = self.db.execute(
            'INSERT INTO posts'
            ' (title, body, tags, published, created_at, author)'
            ' VALUES (?, ?, ?, ?, ?, ?)',
            (
                data['title'],
                data['body'],
                json.dumps(list(data['tags'])),
                data['published'],
                now(),
                self.request.authenticated_userid,
            ),
        )
        post_id = cursor.lastrowid
        assert post_id is not None
        self.request.response.location = self.request.route_url(
            'posts.item', id=post_id
        )
        return self._load(post_id)

    @operation(schema=PostRequest, summary='Read a post', responses=NOT_FOUND)
    def get(self) -> dict[str, Any]:
        """Return the post."""
        return self._load(path_id(self.request, 'id'))

    @operation(
        schema=PostWriteRequest,
        permission='edit',
        summary='Replace a post',
        responses=NOT_YOURS,
    )
    def put(self) -> dict[str, Any]:
        """Replace every client-settable field of the post."""
        post_id = path_id(self.request, 'id')
        data = self.request.validated['body']
        cursor = self.db.execute(
            _UPDATE,
            (
                data['title'],
                data['body'],
                json.dumps(list(data['tags'])),
                data['published'],
                post_id,
            ),
        )
        if cursor.rowcount == 0:
            raise HTTPNotFound(f'There is no post {post_id}.')
        return self._load(post_id)

    @operation(
        schema=PostWriteRequest,
        permission='edit',
        summary='Update some fields of a post',
        responses=NOT_YOURS,
    )
    def patch(self) -> dict[str, Any]:
        """Change only the fields present in the body.

        A merge patch or a JSON Patch may also remove an optional field
        (it arrives as ``None``): it gets its default again.
        """
        post_id = path_id(self.request, 'id')
        post = self._load(post_id)
        for name, value in self.request.validated['body'].items():
            post[name] = _DEFAULTS[name] if value is None else value
        self.db.execute(
            _UPDATE,
            (
                post['title'],
                post['body'],
                json.dumps(list(post['tags'])),
                post['published'],
                post_id,
            ),
        )
        return self._load(post_id)

    @operation(
        schema=PostRequest,
        permission='edit',
        summary='Delete a post and its comments',
        responses=NOT_YOURS,
    )
    def delete(self) -> None:
        """Delete the post; its comments go with it."""
        post_id = path_id(self.request, 'id')
        cursor = self.db.execute('DELETE FROM posts WHERE id = ?', (post_id,))
        if cursor.rowcount == 0:
            raise HTTPNotFound(f'There is no post {post_id}.')
