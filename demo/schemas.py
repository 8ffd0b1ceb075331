"""Colander schemas of the demo API: request bodies, query and output."""

from __future__ import annotations

import colander

from pyramid_restkit import RequestSchema

#: Largest page a client may ask for with ``?limit=``.
MAX_LIMIT = 100
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


class PostList(colander.SequenceSchema):
    """The posts of one page."""

    post = PostOut()


class PostPage(colander.MappingSchema):
    """Output of ``GET /posts``: one page and where it sits."""

    items = PostList()
    total = colander.SchemaNode(colander.Integer())
    limit = colander.SchemaNode(colander.Integer())
    offset = colander.SchemaNode(colander.Integer())


class PageQuery(colander.MappingSchema):
    """``?limit=&offset=`` of a collection."""

    limit = colander.SchemaNode(
        colander.Integer(),
        validator=colander.Range(1, MAX_LIMIT),
        missing=DEFAULT_LIMIT,
    )
    offset = colander.SchemaNode(
        colander.Integer(),
        validator=colander.Range(min=0, max=MAX_OFFSET),
        missing=0,
    )


class ListPostsRequest(RequestSchema):
    """Input of ``GET /posts``: only the query string."""

    querystring = PageQuery()


class CommentSchema(colander.MappingSchema):
    """Input of POST on the comments of a post."""

    author = colander.SchemaNode(
        colander.String(), validator=colander.Length(1, 100)
    )
    body = colander.SchemaNode(
        colander.String(), validator=colander.Length(1, 5000)
    )


class CommentOut(colander.MappingSchema):
    """A comment as the API returns it."""

    id = colander.SchemaNode(colander.Integer())
    post_id = colander.SchemaNode(colander.Integer())
    author = colander.SchemaNode(colander.String())
    body = colander.SchemaNode(colander.String())
    created_at = colander.SchemaNode(colander.DateTime())


class CommentList(colander.SequenceSchema):
    """The comments of a post."""

    comment = CommentOut()


class CommentPage(colander.MappingSchema):
    """Output of ``GET /posts/{post_id}/comments``."""

    items = CommentList()
    total = colander.SchemaNode(colander.Integer())
