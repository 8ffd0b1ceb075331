"""The demo's error views: problem details off the kit's routes too.

The kit answers errors with problem details on its own routes only
(``restkit_route=True``); these views, registered with
``restkit_route=not_(True)``, answer the rest of the URL space the same
way, so that a client of the API meets one error format.  They leave the
kit's errors to the kit (``There is no post 7``, in the negotiated
format).  They do not quote the URL: problems quote at most a short
excerpt of the input.
"""

from __future__ import annotations

import json

from pyramid.exceptions import URLDecodeError
from pyramid.httpexceptions import HTTPNotFound
from pyramid.request import Request
from pyramid.response import Response


def not_found(exc: HTTPNotFound, request: Request) -> Response:
    """404 for a URL that no route matches.

    ``/posts/abc`` is one: ids are digits (``{id:[0-9]+}``).
    """
    return _problem(request, 404, 'Not Found', 'There is no resource here.')


def undecodable_path(exc: URLDecodeError, request: Request) -> Response:
    """400 for a path that is not UTF-8 once percent-decoded (``/%ff``).

    Pyramid raises before routing; the kit answers the paths its patterns
    match, and ``/posts/%ff`` is none of them, since ids are digits.
    """
    return _problem(
        request, 400, 'Bad Request', 'The path is not valid UTF-8.'
    )


def _problem(
    request: Request, status: int, title: str, detail: str
) -> Response:
    body = {
        'type': 'about:blank',
        'title': title,
        'status': status,
        'detail': detail,
    }
    response = Response(
        body=json.dumps(body, separators=(',', ':')).encode(),
        status=status,
        content_type='application/problem+json',
    )
    if request.method == 'HEAD':
        response.body = b''
    return response
