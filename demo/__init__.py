"""Demo application of pyramid_restkit: a small blog API on SQLite.

Serve it with ``make demo``, or from the repository root with
``PYTHONPATH=. pserve demo/development.ini`` (``demo`` is not installed).
"""

from __future__ import annotations

import os
from typing import Any

from pyramid.config import Configurator
from pyramid.router import Router

from demo.db import initialize
from demo.resources.comments import Comments
from demo.schemas import CommentOut, CommentSchema

#: Database file used when the ``demo.database`` setting is absent.
DEFAULT_DATABASE = os.path.join(
    os.path.dirname(os.path.abspath(__file__)), 'var', 'demo.sqlite'
)


def main(global_config: dict[str, Any], **settings: Any) -> Router:
    """Return the demo WSGI application.

    The ``demo.database`` setting names the SQLite file; its directory and
    tables are created when missing.
    """
    settings.setdefault('demo.database', DEFAULT_DATABASE)
    # Tags: declared in YAML (the third way), loaded by the include.
    settings.setdefault('restkit.resources', 'demo:api.yaml')
    # The OpenAPI document at /openapi.json, its page at /docs.
    settings.setdefault('restkit.openapi.title', 'Demo blog API')
    settings.setdefault('restkit.openapi.version', '1.0.0')
    settings.setdefault(
        'restkit.openapi.description',
        'Posts, their comments and tags, stored in SQLite: a demo of '
        'pyramid_restkit.',
    )
    initialize(settings['demo.database'])
    with Configurator(settings=settings) as config:
        config.include('pyramid_restkit')
        # Posts: declared with ``@resource`` and found by the scan.
        config.scan('demo.resources.posts')
        # Comments: registered imperatively, the same keywords.
        config.add_resource(
            Comments,
            collection_path='/posts/{post_id}/comments',
            path='/posts/{post_id}/comments/{id}',
            schema=CommentSchema,
            response_schema=CommentOut,
            summary='Comments on a post',
            tags=('comments',),
            responses={404: 'There is no such post or comment.'},
            media_options={'xml': {'root': 'comment'}},
        )
    return config.make_wsgi_app()
