"""Demo application of pyramid_restkit: a small blog API on SQLite.

An installed package (``demo/pyproject.toml``), served with ``make demo``
or, once installed, ``pserve demo/development.ini`` from the repository
root; ``proutes``, ``pviews``, ``pshell`` and ``prestkit`` take the same
ini file.
"""

from __future__ import annotations

import logging
import os
import re
import secrets
from typing import Any

import plaster
from pyramid.config import Configurator, not_
from pyramid.exceptions import URLDecodeError
from pyramid.router import Router

from restkit_demo.db import initialize
from restkit_demo.resources.comments import Comments
from restkit_demo.resources.tokens import Me, Tokens
from restkit_demo.schemas import CommentOut
from restkit_demo.security import post_context
from restkit_demo.views import not_found, undecodable_path

log = logging.getLogger(__name__)

#: Placeholders with a regex (``{id:[0-9]+}``), shown without it.
_PLACEHOLDER_REGEX = re.compile(r'\{(\w+):(?:[^{}]|\{[^{}]*\})*\}')


def main(global_config: dict[str, Any], **settings: Any) -> Router:
    """Return the demo WSGI application (the ``paste.app_factory``).

    The ``restkit_demo.database`` setting names the SQLite file (default:
    ``var/demo.sqlite`` beside the ini file); its directory and tables are
    created when missing, with the demo users.  The
    ``restkit_demo.token_lifetime`` setting gives the seconds a bearer
    token lasts (default: 3600).
    """
    here = global_config.get('here') or os.getcwd()
    settings.setdefault(
        'restkit_demo.database', os.path.join(here, 'var', 'demo.sqlite')
    )
    # Tags: declared in YAML (the third way), loaded by the include.
    settings.setdefault('restkit.resources', 'restkit_demo:api.yaml')
    # The OpenAPI document at /openapi.json, its page at /docs.
    settings.setdefault('restkit.openapi.title', 'Demo blog API')
    settings.setdefault('restkit.openapi.version', '1.0.0')
    settings.setdefault(
        'restkit.openapi.description',
        'Posts, their comments and tags, stored in SQLite: a demo of '
        'pyramid_restkit.',
    )
    # Signs the comments' pagination cursors; the ini sets one (a fresh
    # one here would change at every start, voiding the cursors given out).
    settings.setdefault('restkit.secret', secrets.token_urlsafe(32))
    initialize(settings['restkit_demo.database'])
    with Configurator(settings=settings) as config:
        config.include('pyramid_restkit')
        # Who the client is (Basic or a bearer token) and what it may do
        # (ACLs): restkit_demo.security.
        config.include('restkit_demo.security')
        # Posts: declared with ``@resource`` and found by the scan.
        config.scan('restkit_demo.resources.posts')
        # Comments: registered imperatively, the same keywords (the
        # schemas, with the path's ids, are the operations' own).
        config.add_resource(
            Comments,
            collection_path='/posts/{post_id:[0-9]+}/comments',
            path='/posts/{post_id:[0-9]+}/comments/{id:[0-9]+}',
            # The post's author may delete its comments.
            factory=post_context,
            response_schema=CommentOut,
            summary='Comments on a post',
            tags=('comments',),
            responses={404: 'There is no such post or comment.'},
            media_options={'xml': {'root': 'comment'}},
        )
        # Logging in once: a bearer token for a password, and who am I.
        config.add_resource(
            Tokens,
            collection_path='/tokens',
            path='/tokens/current',
            summary='Bearer tokens',
            tags=('login',),
        )
        config.add_resource(
            Me, path='/me', summary='The current user', tags=('login',)
        )
        # NOTE: a URL no route matches (/posts/abc: ids are digits) is a
        # 404 problem too, not Pyramid's HTML page, and a path that is not
        # UTF-8 a 400, not a 500; the kit's routes keep the kit's errors.
        config.add_notfound_view(not_found, restkit_route=not_(True))
        config.add_exception_view(
            undecodable_path,
            context=URLDecodeError,
            restkit_route=not_(True),
        )
    app = config.make_wsgi_app()
    _announce(app, global_config)
    return app


def _announce(app: Router, global_config: dict[str, Any]) -> None:
    """Log where the API, its OpenAPI document and its docs page are.

    The address is the one ``[server:main]`` of the ini file listens on
    (what ``pserve`` serves); without an ini file, paths alone.
    """
    base = _server_url(global_config)
    introspector = app.registry.introspector
    # The collections (or the item, for a resource without one).
    paths = [
        _PLACEHOLDER_REGEX.sub(
            r'{\1}', found['collection_path'] or found['path']
        )
        for found in (
            each['introspectable']
            for each in introspector.get_category('restkit resources')
        )
    ]
    if base:
        log.info('Demo blog API at %s (%s)', base, ', '.join(paths))
    else:
        log.info('Demo blog API: %s', ', '.join(paths))
    # NOTE: the kit adds no route for a path set to false, nor for the docs
    # page without openapi-ui-bundles: only the routes it added are shown.
    routes = {
        each['introspectable']['pattern']
        for each in introspector.get_category('routes')
    }
    settings = app.registry.settings
    json_path = settings.get('restkit.openapi.json_path', '/openapi.json')
    if json_path in routes:
        log.info('OpenAPI document: %s%s', base, json_path)
    docs_path = settings.get('restkit.openapi.docs_path', '/docs')
    if docs_path in routes:
        log.info('Docs page: %s%s', base, docs_path)


def _server_url(global_config: dict[str, Any]) -> str:
    """The base URL ``[server:main]`` of the ini file listens on, or ``''``.

    Reads waitress' ``listen`` (its first address) or ``host`` and
    ``port``, and ``url_scheme`` and ``url_prefix``.  ``pserve``'s
    variables (``pserve development.ini http_port=8080``) are in
    ``global_config``, hence interpolated as the server will see them.
    """
    ini = global_config.get('__file__')
    if not ini:
        return ''
    loader = plaster.get_loader(ini, protocols=['wsgi'])
    server = loader.get_settings('server:main', defaults=global_config)
    listen = str(server.get('listen', '')).split()
    if listen:
        host, _, port = listen[0].rpartition(':')
    else:
        host, port = server.get('host', ''), server.get('port', '')
    if not str(port).isdigit() or int(port) == 0:
        # NOTE: no address (a unix socket), or one the server picks.
        return ''
    if host in ('', '*', '0.0.0.0', '[::]', '::'):
        # NOTE: every interface: this machine's own name reaches it.
        host = 'localhost'
    scheme = server.get('url_scheme', 'http')
    prefix = str(server.get('url_prefix', '')).rstrip('/')
    return f'{scheme}://{host}:{port}{prefix}'
