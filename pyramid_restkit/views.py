"""Runtime of restkit routes: the per-route view and the error views.

Each route of a resource gets one view whose ``request_method`` predicate
lists the verbs the class defines, so ``proutes`` shows them and Pyramid
answers any other verb with a ``PredicateMismatch`` that
:func:`method_not_allowed_view` turns into a 405.  The view picks the
:class:`Operation` for the verb from a dict built at commit: choosing costs
the same for every verb.

An operation checks, in the order API.md fixes: permission (401/403),
media type (406), body size (413), Content-Type (415), then the schema.
Every error is raised, so Pyramid's exception views (the application's
first, then the kit's :func:`http_error_view`) render it and transaction
managers see ``request.exception``.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

from pyramid.exceptions import BadCSRFOrigin, BadCSRFToken
from pyramid.httpexceptions import (
    HTTPError,
    HTTPForbidden,
    HTTPNotAcceptable,
    HTTPRequestEntityTooLarge,
    HTTPUnsupportedMediaType,
)
from pyramid.response import Response

from .errors import problem
from .interfaces import IMediaTypes, IRestkitRoutes
from .media import MediaType, MediaTypes, ParseOptions
from .negotiation import Negotiator
from .schemas import Output, Validator

log = logging.getLogger('pyramid_restkit')

#: Verbs in the order ``Allow`` lists them.
VERB_ORDER = ('GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS')

#: Which request header advertises accepted bodies in a 415, per verb.
ACCEPT_HEADER = {'POST': 'Accept-Post', 'PATCH': 'Accept-Patch'}

_SKIP_HEADERS = frozenset({'content-type', 'content-length'})

View = Callable[[Any, Any], Response]


class RouteInfo:
    """What the kit knows about one of its routes at request time."""

    def __init__(self, allow: str) -> None:
        self.allow = allow
        self.operations: dict[str, View] = {}


class Operation:
    """One verb of one resource route, ready to run.

    Everything that does not depend on the request (negotiator, parsers,
    prepared schemas, output filter, permission) is computed when the
    configuration is committed.
    """

    def __init__(
        self,
        *,
        cls: type,
        attr: str,
        takes_context: bool,
        status: int,
        permission: str | None,
        negotiator: Negotiator | None,
        forced: MediaType | None,
        validator: Validator | None,
        parsers: dict[str, MediaType],
        output: Output | None,
        max_body_size: int,
        max_depth: int,
    ) -> None:
        self.cls = cls
        self.attr = attr
        self.takes_context = takes_context
        self.status = status
        self.permission = permission
        self.negotiator = negotiator
        self.forced = forced
        self.validator = validator
        self.parsers = parsers
        self.output = output
        self.max_body_size = max_body_size
        self.max_depth = max_depth

    def __call__(self, context: Any, request: Any) -> Response:
        if self.permission is not None and not request.has_permission(
            self.permission, context
        ):
            raise HTTPForbidden(
                f'{request.method} needs the permission {self.permission!r}.'
            )
        media = self.forced
        if media is None:
            request.restkit_vary = True
            media = self.negotiator.choose(  # type: ignore[union-attr]
                request.environ.get('HTTP_ACCEPT')
            )
            if media is None:
                raise not_acceptable(self.negotiator)  # type: ignore[arg-type]
        request.restkit_media = media
        if self.validator is None:
            request.validated = {}
        else:
            request.validated = self._validate(request)
        if self.takes_context:
            instance = self.cls(request, context)
        else:
            instance = self.cls(request)
        result = getattr(instance, self.attr)()
        return self.respond(request, media, result)

    def _validate(self, request: Any) -> Any:
        validator: Validator = self.validator  # type: ignore[assignment]
        body: Any = None
        present = typed = False
        if validator.wants_body:
            present, body, typed = self._parse(request)
        return validator.validate(request, body, present, typed)

    def _parse(self, request: Any) -> tuple[bool, Any, bool]:
        environ = request.environ
        limit = self.max_body_size
        length = request.content_length
        if length is not None:
            if length > limit:
                raise too_large(limit)
            if not length:
                raw = b''
            elif environ.get('webob.is_body_seekable'):
                raw = request.body
            else:
                # NOTE: read it ourselves: request.body would spool large
                # bodies to a temporary file first.  Put it back so the
                # resource can still read request.body.
                raw = request.body = request.body_file_raw.read(length)
        elif environ.get('wsgi.input_terminated'):
            # NOTE: chunked: read one byte past the limit, never the rest.
            raw = request.body_file_raw.read(limit + 1)
            if len(raw) > limit:
                raise too_large(limit)
            request.body = raw
        else:
            raw = b''
        content_type = environ.get('CONTENT_TYPE', '')
        if not raw and not content_type:
            return False, None, False
        mimetype, _, params = content_type.partition(';')
        media = self.parsers.get(mimetype.strip().lower())
        if media is None:
            raise unsupported(
                request.method,
                self.parsers,
                f'{mimetype.strip() or "A body without a Content-Type"} '
                'is not accepted here.',
            )
        charset = _charset(params)
        if charset is not None and media.charsets:
            if charset not in media.charsets:
                raise unsupported(
                    request.method,
                    self.parsers,
                    f'The charset {charset[:40]!r} is not accepted; '
                    'send UTF-8.',
                )
        options = ParseOptions(self.max_depth, charset, request)
        return True, media.parser(raw, options), media.typed  # type: ignore[misc]

    def respond(self, request: Any, media: MediaType, result: Any) -> Any:
        """Turn a resource method's return value into the response."""
        if isinstance(result, Response):
            return result
        response = request.__dict__.get('response')
        if response is None:
            # PERF: the common case, a new response built from a header
            # list, costs a third of WebOb's setters.
            headers = [] if self.forced is not None else [('Vary', 'Accept')]
            if result is None:
                return Response(status=204, headerlist=headers)
            headers.append(('Content-Type', media.content_type))
            body = self._render(request, media, result)
            return Response(body=body, status=self.status, headerlist=headers)
        # The resource used request.response: keep its headers, cookies and
        # a status it set (200 is the default, so it cannot count).
        if result is None:
            if response.status_int == 200:
                response.status = 204
            del response.content_type
            response.body = b''
        else:
            body = self._render(request, media, result)
            if response.status_int == 200:
                response.status = self.status
            response.content_type = media.content_type
            response.body = body
        if self.forced is None:
            response.vary = _vary(response.vary)
        return response

    def _render(self, request: Any, media: MediaType, result: Any) -> bytes:
        if self.output is not None:
            result = self.output(result)
        return media.renderer.dumps(result, request)  # type: ignore[union-attr]


def _vary(current: Any) -> tuple[str, ...]:
    if not current:
        return ('Accept',)
    if any(item.lower() == 'accept' for item in current):
        return tuple(current)
    return (*current, 'Accept')


def _charset(params: str) -> str | None:
    for param in params.split(';'):
        key, _, value = param.partition('=')
        if key.strip().lower() == 'charset':
            return value.strip().strip('"').lower()
    return None


def options_view(allow: str) -> View:
    """The automatic OPTIONS: 204 with ``Allow``."""

    def options(context: Any, request: Any) -> Response:
        response = Response(status=204)
        del response.content_type
        response.allow = allow
        return response

    return options


def not_acceptable(negotiator: Negotiator) -> HTTPNotAcceptable:
    available = [media.media_type for media in negotiator.offers]
    exc = HTTPNotAcceptable(
        detail='None of the available media types is acceptable: '
        + ', '.join(available)
        + '.'
    )
    exc.problem_extra = {'available': available}
    return exc


def too_large(limit: int) -> HTTPRequestEntityTooLarge:
    return HTTPRequestEntityTooLarge(
        detail=f'The body is larger than {limit} bytes.'
    )


def unsupported(
    method: str, parsers: dict[str, MediaType], detail: str
) -> HTTPUnsupportedMediaType:
    accepted = ', '.join(parsers)
    header = ACCEPT_HEADER.get(method, 'Accept')
    exc = HTTPUnsupportedMediaType(detail=detail, headers={header: accepted})
    exc.problem_extra = {'accepted': list(parsers)}
    return exc


# -- problem details ----------------------------------------------------------


def problem_response(
    request: Any,
    body: dict[str, Any],
    headers: Any = (),
) -> Response:
    """Render ``body`` as problem details (JSON for now)."""
    registry = request.registry
    media_types: MediaTypes = registry.getUtility(IMediaTypes)
    renderer = media_types.by_name['json'].renderer
    response = Response(
        body=renderer.dumps(body, request),  # type: ignore[union-attr]
        status=body['status'],
        content_type='application/problem+json',
        charset=None,
    )
    for name, value in headers:
        if name.lower() not in _SKIP_HEADERS:
            response.headers[name] = value
    if getattr(request, 'restkit_vary', False):
        response.vary = _vary(response.vary)
    return response


#: Pyramid's own errors whose detail names internal functions.
_PYRAMID_DETAILS = {
    BadCSRFToken: 'The CSRF token is missing or invalid.',
    BadCSRFOrigin: 'The request origin is not trusted.',
}


def http_error_view(exc: HTTPError, request: Any) -> Response:
    """Problem details for an HTTP error on a restkit route."""
    detail = _PYRAMID_DETAILS.get(type(exc))
    if detail is None:
        detail = exc.detail if exc.detail is not None else exc.explanation
    body = problem(
        exc.code,
        exc.title,
        str(detail) if detail else None,
        getattr(exc, 'problem_type', 'about:blank'),
        **getattr(exc, 'problem_extra', {}),
    )
    errors = getattr(exc, 'errors', None)
    if errors is not None:
        body['errors'] = errors
    return problem_response(request, body, exc.headerlist)


def method_not_allowed_view(exc: Exception, request: Any) -> Response:
    """405 for a verb the route's class does not define."""
    routes = request.registry.getUtility(IRestkitRoutes)
    allow = routes[request.matched_route.name].allow
    body = problem(
        405,
        'Method Not Allowed',
        f'{request.method[:20]} is not allowed here; allowed: {allow}.',
    )
    return problem_response(request, body, [('Allow', allow)])


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
