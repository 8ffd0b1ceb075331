"""The comments of a post, registered with ``config.add_resource()``.

Anyone may read and write comments (signed with a name, no login); the
post's author moderates them: deleting one needs the ``edit``
permission of the post (``restkit_demo.security.PostContext``).
"""

from __future__ import annotations

import sqlite3
from typing import Any

from pyramid.httpexceptions import HTTPNotFound
from pyramid.request import Request
from pyramid_restkit import CursorPagination, operation

from restkit_demo.db import get_connection
from restkit_demo.resources import now, parse_time, path_id, post_exists
from restkit_demo.schemas import (
    CommentOut,
    CommentRequest,
    CommentsRequest,
    CommentWriteRequest,
)

_SELECT_ONE = (
    'SELECT id, post_id, author, body, created_at'
    ' FROM comments WHERE post_id = ? AND id = ?'
)
_SELECT_ALL = (
    'SELECT id, post_id, author, body, created_at'
    ' FROM comments WHERE post_id = ? ORDER BY id'
)


def _comment(row: sqlite3.Row) -> dict[str, Any]:
    """Return the API form of a ``comments`` row."""
    return {
        'id': row['id'],
        'post_id': row['post_id'],
        'author': row['author'],
        'body': row['body'],
        'created_at': parse_time(row['created_at']),
    }


class Comments:
    """Comments on one post; 404 when the post does not exist."""

    def __init__(self, request: Request, context: object = None) -> None:
        self.request = request
        self.context = context

    @property
    def db(self) -> sqlite3.Connection:
        """The request's database connection."""
        return get_connection(self.request)

    def _post_id(self) -> int:
        """Return the id of the post in the URL; 404 if there is none."""
        post_id = path_id(self.request, 'post_id')
        if not post_exists(self.db, post_id):
            raise HTTPNotFound(f'There is no post {post_id}.')
        return post_id

    def _load(self, post_id: int, comment_id: int) -> dict[str, Any]:
        """Return a comment of the post; 404 if there is none."""
        row = self.db.execute(_SELECT_ONE, (post_id, comment_id)).fetchone()
        if row is None:
            raise HTTPNotFound(f'Post {post_id} has no comment {comment_id}.')
        return _comment(row)

    @operation(
        schema=CommentsRequest,
        response_schema=CommentOut,
        pagination=CursorPagination(ordering=('id',), default_size=10),
        summary='List the comments',
    )
    def collection_get(self) -> list[dict[str, Any]]:
        """Return the comments of the post, oldest first: the kit's cursor
        pagination takes the page (``?cursor=&limit=``)."""
        rows = self.db.execute(_SELECT_ALL, (self._post_id(),)).fetchall()
        return [_comment(row) for row in rows]

    @operation(
        schema=CommentWriteRequest, status=201, summary='Comment on the post'
    )
    def collection_post(self) -> dict[str, Any]:
        """Add a comment and point ``Location`` at it."""
        post_id = self._post_id()
        data = self.request.validated['body']
        cursor = self.db.execute(
            'INSERT INTO comments (post_id, author, body, created_at)'
            ' VALUES (?, ?, ?, ?)',
            (post_id, data['author'], data['body'], now()),
        )
        comment_id = cursor.lastrowid
        assert comment_id is not None
        self.request.response.location = self.request.route_url(
            'comments.item', post_id=post_id, id=comment_id
        )
        return self._load(post_id, comment_id)

    @operation(schema=CommentRequest, summary='Read a comment')
    def get(self) -> dict[str, Any]:
        """Return the comment."""
        post_id = self._post_id()
        return self._load(post_id, path_id(self.request, 'id'))

    @operation(
        schema=CommentRequest,
        permission='edit',
        summary="Delete a comment (the post's author)",
        responses={403: 'Only the author of the post may delete comments.'},
    )
    def delete(self) -> None:
        """Delete the comment."""
        post_id = self._post_id()
        comment_id = path_id(self.request, 'id')
        cursor = self.db.execute(
            'DELETE FROM comments WHERE post_id = ? AND id = ?',
            (post_id, comment_id),
        )
        if cursor.rowcount == 0:
            raise HTTPNotFound(f'Post {post_id} has no comment {comment_id}.')
