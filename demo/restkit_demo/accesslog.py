"""An access log: one line a request, as waitress behind pserve lacks.

Enabled from the ini file, as any Pyramid add-on is::

    pyramid.includes = restkit_demo.accesslog

which adds a tween at the top of the chain (``under=INGRESS``), so that
it times everything below it, the kit's method override and exception
views included.  Each line goes to the ``restkit_demo.access`` logger at
INFO::

    127.0.0.1 "GET /posts?limit=2 HTTP/1.1" 200 512 1.9ms

the client's address, the request line (the method the client sent,
the path and query string as received, percent-encoded, the protocol),
the status, the size of the body (``-`` when not known before it is
sent), the time the application took and, when the method override
changed the method, the one it chose (``(as PATCH)``).  An exception
that no exception view turned into a response is logged as ``500``
(what the server will answer) and goes on up.

NOTE: a tween rather than ``paste.translogger``: that module comes with
the ``Paste`` distribution, a large legacy one, for about forty lines.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from typing import Any
from urllib.parse import quote

from pyramid.config import Configurator
from pyramid.registry import Registry
from pyramid.request import Request
from pyramid.response import Response
from pyramid.tweens import INGRESS
from pyramid_restkit import original_method

log = logging.getLogger('restkit_demo.access')

Handler = Callable[[Request], Response]

#: What stays as is in a logged path or query string: RFC 3986's
#: reserved and unreserved characters, and ``%`` (already an escape).
_SAFE = "/:@!$&'()*+,;=-._~?%"


def includeme(config: Configurator) -> None:
    """Add the access log tween (``pyramid.includes``)."""
    config.add_tween(f'{__name__}.access_log_tween_factory', under=INGRESS)


def access_log_tween_factory(handler: Handler, registry: Registry) -> Handler:
    """Return the tween that logs each request once it is answered."""

    def access_log_tween(request: Request) -> Response:
        start = time.perf_counter()
        response = None
        try:
            response = handler(request)
        finally:
            if response is None:
                # An exception that no exception view handled: the
                # server answers 500.
                _log(request, 500, None, start)
            else:
                status, size = response.status_int, response.content_length
                _log(request, status, size, start)
        return response

    return access_log_tween


def _log(request: Request, status: int, size: Any, start: float) -> None:
    if not log.isEnabledFor(logging.INFO):
        return
    elapsed = (time.perf_counter() - start) * 1000
    environ = request.environ
    method = original_method(request)
    # NOTE: from the WSGI environ, not request.path: that decodes UTF-8
    # and fails on a path that is not; and quoted, so that a client
    # cannot write control characters or quotes into the log.
    target = quote(
        (environ.get('SCRIPT_NAME', '') + environ.get('PATH_INFO', '')).encode(
            'latin-1', 'replace'
        ),
        safe=_SAFE,
    )
    query = environ.get('QUERY_STRING', '')
    if query:
        target += '?' + quote(query.encode('latin-1', 'replace'), safe=_SAFE)
    override = '' if request.method == method else f' (as {request.method})'
    log.info(
        '%s "%s %s %s" %d %s %.1fms%s',
        environ.get('REMOTE_ADDR', '-'),
        method,
        target,
        environ.get('SERVER_PROTOCOL', '-'),
        status,
        '-' if size is None else size,
        elapsed,
        override,
    )
