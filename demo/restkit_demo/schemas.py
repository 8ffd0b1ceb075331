"""Colander schemas of the demo API: request bodies, paths, query, output.

Ids are integers: the route patterns take digits only (``{id:[0-9]+}``,
so ``/posts/abc`` is no route of the API and a 404) and the path schemas
read them as ``colander.Integer``, which the OpenAPI document shows as
``"type": "integer"`` and hands to ``request.validated['path']``.
"""

from __future__ import annotations

import colander
from pyramid_restkit import RequestSchema

#: Largest page a client may ask for with ``?limit=``.
#: Page size when ``?limit=`` is absent.
DEFAULT_LIMIT = 20
#: Largest ``?offset=``: SQLite's largest integer.
MAX_OFFSET = 2**63 - 1


class Tags(colander.SequenceSchema):
    """A list of short, non-empty strings."""

    tag = colander.SchemaNode(
        colander.String(), validator=colander.Length(1, 50)
    )


class PostSchema(colander.MappingSchema):
    """Input of POST and PUT (and, as a partial, PATCH) on posts."""

    title = colander.SchemaNode(
        colander.String(), validator=colander.Length(1, 200)
    )
    body = colander.SchemaNode(colander.String(allow_empty=True))
    tags = Tags(missing=())
    published = colander.SchemaNode(colander.Boolean(), missing=False)


class PostOut(colander.MappingSchema):
    """A post as the API returns it."""

    id = colander.SchemaNode(colander.Integer())
    title = colander.SchemaNode(colander.String())
    body = colander.SchemaNode(colander.String(allow_empty=True))
    tags = Tags()
    published = colander.SchemaNode(colander.Boolean())
    created_at = colander.SchemaNode(colander.DateTime())
    #: The userid of the user who created it; read-only (the input
    #: schemas lack it: sent back in a PUT, it is dropped).
    author = colander.SchemaNode(colander.String())


class PostPath(colander.MappingSchema):
    """The path of a post: ``/posts/{id}``."""

    id = colander.SchemaNode(colander.Integer())


class PostRequest(RequestSchema):
    """Input of GET and DELETE on a post: its id."""

    path = PostPath()


class PostWriteRequest(RequestSchema):
    """Input of PUT and PATCH on a post: its id and the fields."""

    path = PostPath()
    body = PostSchema()


class CommentsPath(colander.MappingSchema):
    """The path of a post's comments: ``/posts/{post_id}/comments``."""

    post_id = colander.SchemaNode(colander.Integer())


class CommentPath(CommentsPath):
    """The path of a comment: ``/posts/{post_id}/comments/{id}``."""

    id = colander.SchemaNode(colander.Integer())


class CommentsRequest(RequestSchema):
    """Input of GET on the comments of a post: the post's id."""

    path = CommentsPath()


class CommentRequest(RequestSchema):
    """Input of GET and DELETE on a comment: both ids."""

    path = CommentPath()


class CommentSchema(colander.MappingSchema):
    """Input of POST on the comments of a post."""

    author = colander.SchemaNode(
        colander.String(), validator=colander.Length(1, 100)
    )
    body = colander.SchemaNode(
        colander.String(), validator=colander.Length(1, 5000)
    )


class CommentWriteRequest(RequestSchema):
    """Input of POST on the comments of a post: its id and the comment."""

    path = CommentsPath()
    body = CommentSchema()


class CommentOut(colander.MappingSchema):
    """A comment as the API returns it."""

    id = colander.SchemaNode(colander.Integer())
    post_id = colander.SchemaNode(colander.Integer())
    author = colander.SchemaNode(colander.String())
    body = colander.SchemaNode(colander.String())
    created_at = colander.SchemaNode(colander.DateTime())


class TokenOut(colander.MappingSchema):
    """A new bearer token (``POST /tokens``), as OAuth 2.0 names it.

    The token itself is shown this once: the server keeps its SHA-256.
    """

    access_token = colander.SchemaNode(colander.String())
    token_type = colander.SchemaNode(
        colander.String(), validator=colander.OneOf(['Bearer'])
    )
    expires_in = colander.SchemaNode(colander.Integer())
    expires_at = colander.SchemaNode(colander.DateTime())


class MeOut(colander.MappingSchema):
    """Who the client is logged in as (``GET /me``)."""

    userid = colander.SchemaNode(colander.String())
    login = colander.SchemaNode(
        colander.String(), validator=colander.OneOf(['password', 'token'])
    )
    created_at = colander.SchemaNode(colander.DateTime())
