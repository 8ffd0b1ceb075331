"""Problem details (RFC 9457) for restkit routes: responses and error views.

Every error on a restkit route is rendered here, in the problem family of
the negotiated media type (``application/problem+json`` by default,
``application/problem+xml`` when XML was negotiated, ...).  The error
views apply only to the kit's own routes (the ``restkit_route``
predicate), so the application's routes keep their own error handling.
"""

from __future__ import annotations

import functools
import logging
from collections.abc import Callable
from http import HTTPStatus
from typing import Any

from pyramid.exceptions import (
    BadCSRFOrigin,
    BadCSRFToken,
    PredicateMismatch,
    URLDecodeError,
)
from pyramid.httpexceptions import HTTPError, HTTPMethodNotAllowed
from pyramid.interfaces import ISecurityPolicy
from pyramid.response import Response

from .cors import attach
from .errors import problem
from .formats.json import JSONRenderer
from .interfaces import IMediaTypes, IRestkitRoutes
from .media import MediaType, MediaTypes, with_charset
from .predicates import raw_path_route
from .versioning import VERSION_HEADER, VERSION_PLACEHOLDER
from .views import vary_accept

log = logging.getLogger('pyramid_restkit')

#: Most ``errors`` entries a problem lists; the detail counts the rest.
MAX_ERRORS = 100

_SKIP_HEADERS = frozenset({'content-type', 'content-length'})


def error_media(
    request: Any, media_types: MediaTypes, route: Any = None
) -> MediaType:
    """The format of an error raised before an operation negotiated.

    ``route`` is the matched route unless given.
    """
    if route is None:
        route = request.matched_route
    info = None
    if route is not None:
        info = request.registry.getUtility(IRestkitRoutes).get(route.name)
    negotiator = info.negotiator if info is not None else None
    if negotiator is None:
        return media_types.by_name[media_types.default]
    media, vary = negotiator.select(request)
    if vary:
        request.restkit_vary = True
    # A 406 is itself in the default format.
    chosen: MediaType = media if media is not None else negotiator.default
    return chosen


#: Problem details in JSON when the registry has no usable ``json`` entry
#: (an application may remove it): an error can always be rendered.
FALLBACK_PROBLEM_MEDIA = MediaType(
    'json',
    'application/json',
    renderer=JSONRenderer(),
    problem_type='application/problem+json',
)


def problem_media(media: MediaType, media_types: MediaTypes) -> MediaType:
    for candidate in (media, media_types.by_name.get('json')):
        if candidate is None or candidate.renderer is None:
            continue
        if candidate.problem_type:
            return candidate
    return FALLBACK_PROBLEM_MEDIA


def problem_response(
    request: Any,
    body: dict[str, Any],
    headers: Any = (),
) -> Response:
    """Render ``body`` as problem details in the negotiated family.

    ``application/problem+json`` unless the request negotiated a media type
    with its own problem type (``application/problem+xml``...).
    """
    media_types: MediaTypes = request.registry.getUtility(IMediaTypes)
    media = getattr(request, 'restkit_media', None)
    if media is None:
        media = error_media(request, media_types)
    media = problem_media(media, media_types)
    renderer: Any = media.renderer
    dumps = getattr(renderer, 'dumps_problem', None) or renderer.dumps
    response = Response(
        body=dumps(body, request),
        status=body['status'],
        content_type=with_charset(
            media.problem_type or 'application/problem+json'
        ),
        charset=None,
    )
    for name, value in headers:
        if name.lower() not in _SKIP_HEADERS:
            # NOTE: added, not set: a 401 has one WWW-Authenticate line
            # per challenge.
            response.headers.add(name, value)
    if getattr(request, 'restkit_vary', False):
        response.vary = vary_accept(response.vary)
    return response


def respond_problem(
    request: Any, status: int, detail: str | None = None, **members: Any
) -> Response:
    """A problem details response in the request's negotiated format.

    For the application's own exception views on resource routes (it is
    ``pyramid_restkit.problem_response``): ``status`` is a 4xx or 5xx
    code, ``detail`` a human-readable explanation, ``members`` any other
    members, which may replace ``type`` (default ``about:blank``) and
    ``title`` (default: the status's reason phrase).  The format is the
    one the request negotiated (``application/problem+json``,
    ``+xml``, ``+yaml``...), else the route's chain.  Example::

        def on_error(exc, request):
            return problem_response(request, exc.code, 'Try later.',
                                    retry=True)

    .. versionadded:: 0.1
    """
    if (
        not isinstance(status, int)
        or isinstance(status, bool)
        or not 400 <= status < 600
    ):
        raise ValueError(f'a problem has a 4xx or 5xx status, not {status!r}')
    try:
        title = HTTPStatus(status).phrase
    except ValueError:
        title = 'Client Error' if status < 500 else 'Server Error'
    body = problem(status, title, detail)
    body.update(members)
    return problem_response(request, body)


#: Pyramid's own errors whose detail names internal functions.
_PYRAMID_DETAILS = {
    BadCSRFToken: 'The CSRF token is missing or invalid.',
    BadCSRFOrigin: 'The request origin is not trusted.',
}


View = Callable[[Any, Any], Response]


def application_view(exc: Exception, request: Any) -> Response | None:
    """The response of the application's own exception view for ``exc``.

    ``None`` when the application registered none for the context the
    kit's view is registered for, or when its view's predicates did not
    match: then the kit answers.  The kit's views are found first by
    Pyramid (they carry one predicate more); they step aside by asking
    Pyramid again with the ``restkit_route`` predicate off for this
    request.
    """
    request.restkit_step_aside = True
    try:
        response = request.invoke_exception_view(
            (type(exc), exc, exc.__traceback__), reraise=True
        )
    except type(exc) as raised:  # no view, or the view raised
        if raised is not exc:  # pragma: no cover (reraise gives exc)
            raise
        return None
    finally:
        del request.restkit_step_aside
    # NOTE: Pyramid's own default view for HTTP exceptions answers with
    # the exception itself: the application has not answered.
    return None if response is exc else response


def steps_aside(context: type) -> Callable[[View], View]:
    """Let an application's exception view for ``context`` answer first.

    The kit registers its view for ``context``; an application view for
    the same context (found at commit, see
    :func:`register_application_contexts`) is asked first.
    """

    def decorate(view: View) -> View:
        @functools.wraps(view)
        def wrapper(exc: Any, request: Any) -> Response:
            routes = request.registry.getUtility(IRestkitRoutes)
            if context in routes.application_error_contexts:
                response = application_view(exc, request)
                if response is not None:
                    return response
            return view(exc, request)

        return wrapper

    return decorate


def register_application_contexts(registry: Any) -> None:
    """Note the contexts of the application's exception views (at commit).

    Only those the kit's own views are registered for matter: for a more
    specific context Pyramid already prefers the application's view.
    """
    ours = {
        http_error_view,
        internal_error_view,
        method_not_allowed_view,
        url_decode_error_view,
    }
    watched = {HTTPError, Exception, PredicateMismatch, URLDecodeError}
    watched.add(HTTPMethodNotAllowed)
    contexts = set()
    for entry in registry.introspector.get_category('views', []):
        intr = entry['introspectable']
        context = intr['context']
        if context in watched and intr['callable'] not in ours:
            contexts.add(context)
    registry.getUtility(IRestkitRoutes).application_error_contexts = frozenset(
        contexts
    )


def challenges(exc: HTTPError, request: Any) -> list[str]:
    """The ``WWW-Authenticate`` values that make ``exc`` a 401.

    A refusal that authentication could lift (Pyramid's denied
    permission, whose ``result`` says why, or an ``HTTPForbidden``
    marked ``restkit_challenge``) of a request with no authenticated
    userid, and an ``HTTPUnauthorized`` raised without a challenge, get
    the challenges of the registered security policy (its
    ``challenges(request)``, see :mod:`pyramid_restkit.auth`).  Empty,
    the error is left as it is: a policy that cannot challenge answers
    403 (a 401 without ``WWW-Authenticate`` breaks RFC 9110), and so
    does every other ``HTTPForbidden``: the cross-origin refusal (no
    ``result``, no mark) whoever asks, and one a resource raised.
    """
    if exc.code == 401:
        if 'WWW-Authenticate' in exc.headers:
            return []
    elif exc.code != 403 or (
        getattr(exc, 'result', None) is None
        and not getattr(exc, 'restkit_challenge', False)
    ):
        return []
    elif request.authenticated_userid is not None:
        return []
    policy = request.registry.queryUtility(ISecurityPolicy)
    offered = getattr(policy, 'challenges', None)
    return list(offered(request)) if offered is not None else []


@steps_aside(HTTPError)
def http_error_view(exc: HTTPError, request: Any) -> Response:
    """Problem details for an HTTP error on a restkit route.

    A denied permission is a 401 with the security policy's challenges
    when the request is unauthenticated (see :func:`challenges`), else a
    403.
    """
    detail = _PYRAMID_DETAILS.get(type(exc))
    code, title = exc.code, exc.title
    headers = list(exc.headerlist)
    found = challenges(exc, request)
    if found:
        headers.extend(('WWW-Authenticate', value) for value in found)
        if code == 403:
            code, title = 401, 'Unauthorized'
            detail = 'Authentication is required here.'
    elif getattr(exc, 'result', None) is not None and code == 403:
        # NOTE: Pyramid's permission check names the view, and the
        # permission is the application's business, not the client's.
        detail = f'{request.method[:20]} is not allowed here for you.'
    if detail is None:
        detail = exc.detail if exc.detail is not None else exc.explanation
    body = problem(
        code,
        title,
        str(detail) if detail else None,
        getattr(exc, 'problem_type', 'about:blank'),
        **getattr(exc, 'problem_extra', {}),
    )
    errors = getattr(exc, 'errors', None)
    if errors is not None:
        # NOTE: the validator builds only the first errors of a large body
        # and counts the rest (errors_omitted), or stops reading a list
        # past the limit (errors_incomplete: "at least").
        count = len(errors) + getattr(exc, 'errors_omitted', 0)
        if count > MAX_ERRORS:
            # NOTE: one error per unknown key of a large body would make
            # the answer several times larger than the request.
            counted = (
                f'At least {count}'
                if getattr(exc, 'errors_incomplete', False)
                else str(count)
            )
            body['detail'] = (
                f'{body.get("detail", "")} {counted} errors; only the '
                f'first {MAX_ERRORS} are listed.'
            ).lstrip()
            errors = errors[:MAX_ERRORS]
        body['errors'] = errors
    return problem_response(request, body, headers)


def url_decode_error_view(exc: Exception, request: Any) -> Response:
    """400 for a path that is not UTF-8 once percent-decoded.

    Pyramid raises ``URLDecodeError`` before routing; the ``restkit_route``
    predicate applies this view only where the raw path matches one of the
    kit's routes, whose chain then chooses the problem's format.  No route
    matched, so no factory asked for the route's CORS headers: this view
    does, before the application's own view may answer.
    """
    attach(request, raw_path_route(request))
    return _url_decode_problem(exc, request)


@steps_aside(URLDecodeError)
def _url_decode_problem(exc: Exception, request: Any) -> Response:
    media_types: MediaTypes = request.registry.getUtility(IMediaTypes)
    route = raw_path_route(request)
    request.restkit_media = error_media(request, media_types, route)
    body = problem(400, 'Bad Request', 'The path is not valid UTF-8.')
    return problem_response(request, body)


@steps_aside(PredicateMismatch)
def method_not_allowed_view(exc: Exception, request: Any) -> Response:
    """405 for a verb the route's class does not define.

    An application's ``HTTPMethodNotAllowed`` view receives one carrying
    the route's ``Allow``.
    """
    routes = request.registry.getUtility(IRestkitRoutes)
    route = routes[request.matched_route.name]
    allow = route.allow
    vary: list[tuple[str, str]] = []
    if route.allow_by_version:
        versioning = routes.versioning
        if versioning.mode == 'header':
            vary.append(('Vary', VERSION_HEADER))
        try:
            allow = _version_allow(request, route, versioning)
        except HTTPError as refusal:
            # NOTE: path versioning: no such resource, whatever the verb;
            # answered as if raised (an application's not-found view
            # included).
            response: Response = request.invoke_exception_view(
                (type(refusal), refusal, None), reraise=True
            )
            return response
    if HTTPMethodNotAllowed in routes.application_error_contexts:
        response = application_view(
            HTTPMethodNotAllowed(headers={'Allow': allow}), request
        )
        if response is not None:
            return response
    body = problem(
        405,
        'Method Not Allowed',
        f'{request.method[:20]} is not allowed here; allowed: {allow}.',
    )
    return problem_response(request, body, [('Allow', allow), *vary])


def _version_allow(request: Any, route: Any, versioning: Any) -> str:
    """The ``Allow`` of a 405 on a versioned route: that of the request's
    version, or every verb of the route when the version is unknown.

    In path versioning an unknown version is a 404, raised, since the
    path names no resource.
    """
    if versioning.mode == 'path':
        version = request.matchdict[VERSION_PLACEHOLDER]
        if version not in route.allow_by_version:
            if version not in versioning.known:
                raise versioning.refusal(version)
            raise versioning.refusal(
                version, request.method, route.allow_by_version
            )
    else:
        media = None
        if versioning.mode == 'accept':
            media = error_media(
                request, request.registry.getUtility(IMediaTypes)
            )
        try:
            version = versioning.requested(request, media)
        except HTTPError:
            return str(route.allow)
        if version not in route.allow_by_version:
            return str(route.allow)
    request.api_version = version
    return str(route.allow_by_version[version])


@steps_aside(Exception)
def internal_error_view(exc: Exception, request: Any) -> Response:
    """500 problem details; the traceback goes to the log, not the client."""
    log.error(
        'Unhandled error on %s %s',
        request.method,
        request.path_qs[:200],
        exc_info=(type(exc), exc, exc.__traceback__),
    )
    body = problem(
        500,
        'Internal Server Error',
        'The server could not complete the request.',
    )
    return problem_response(request, body)
