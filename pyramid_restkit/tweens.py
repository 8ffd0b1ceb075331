"""The method override tween.

Clients that can only send GET and POST (HTML forms, some proxies) tunnel
other verbs through POST: an ``X-HTTP-Method-Override`` header, or a
``_method`` field of a urlencoded or multipart body.  The tween sits just
over Pyramid's router (``over=MAIN``), so routing, ``request_method``
predicates and CSRF checks all see the overridden verb.  The original
verb stays in ``environ['restkit.original_method']``
(:func:`pyramid_restkit.original_method`).

The tween runs before routing, for every route, so it reads a form body
only when that is cheap and safe, and otherwise leaves the request as it
came (the route then gets the body untouched, and a restkit route answers
413, 400 or 415 itself):

- only a body within ``restkit.max_body_size``: a larger Content-Length,
  or an invalid one, is not read at all; of a chunked body one byte past
  the limit is read, and given back in front of the rest;
- only UTF-8: another ``charset`` is not decoded;
- with the kit's own form parser, which raises nothing but
  :class:`~pyramid_restkit.errors.ParseError` (WebOb's ``request.POST``
  raises a handful of exception types on hostile bodies), and only when
  the body can hold a ``_method`` field at all;
- a body it cannot parse is not its business, nor is a multipart body
  without a usable boundary (no parser can find a ``_method`` field in
  it; a resource's own parser then answers 400, like any malformed body).

The ``_method`` field is cut out of the body itself, so neither
``request.POST`` nor the kit's parser sees it.

A refused override (a verb not in ``restkit.method_override.methods``,
two ``_method`` fields) arises only when one was attempted: the header is
present, or a ``_method`` field was found.  It is raised as
:class:`~pyramid_restkit.errors.MethodOverrideError`, a 400, through the
exception views like any error, once the request is routed (see
:func:`_route`): on a resource route the kit renders problem details in
the route's negotiated format (suffix, ``?format=``, ``Accept``) unless
the application has its own view for it; on other routes Pyramid's or the
application's exception views answer, as for their other errors.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from pyramid.httpexceptions import HTTPBadRequest, HTTPRequestEntityTooLarge
from pyramid.interfaces import IRequest, IRouteRequest, IRoutesMapper

from .cors import attach
from .crossorigin import is_cross_origin, refusal
from .errors import MethodOverrideError, ParseError
from .formats.form import multipart_boundary, parse_form, remove_field
from .interfaces import IRestkitSettings
from .media import ParseOptions
from .settings import Settings
from .views import ORIGINAL_METHOD, OVERRIDE_FIELD, charset_param, read_body

HEADER = 'HTTP_X_HTTP_METHOD_OVERRIDE'
FIELD = OVERRIDE_FIELD
_FIELD_BYTES = FIELD.encode('ascii')
_FORMS = ('application/x-www-form-urlencoded', 'multipart/form-data')

Handler = Callable[[Any], Any]


def method_override_tween_factory(handler: Handler, registry: Any) -> Handler:
    """Return the tween, or ``handler`` itself when overrides are off."""
    settings: Settings = registry.getUtility(IRestkitSettings)
    if not settings.method_override:
        return handler
    allowed = settings.method_override_methods
    protect = settings.cross_origin_protection
    trusted = settings.trusted_origins

    def method_override_tween(request: Any) -> Any:
        environ = request.environ
        if environ['REQUEST_METHOD'] == 'POST':
            try:
                target = _target(request, environ, settings)
            except MethodOverrideError:
                _route(request)
                raise
            if target is not None:
                if protect and is_cross_origin(environ, 'POST', trusted):
                    # NOTE: judged as the browser sent it: a cross-site
                    # form must not become a DELETE, on any route.
                    _route(request)
                    raise refusal('POST')
                method = target.strip().upper()
                if method not in allowed:
                    _route(request)
                    raise MethodOverrideError(
                        f'The method override {target[:20]!r} is not '
                        f'allowed; allowed: {", ".join(sorted(allowed))}.'
                    )
                environ[ORIGINAL_METHOD] = 'POST'
                environ['REQUEST_METHOD'] = method
        return handler(request)

    return method_override_tween


def _target(
    request: Any, environ: dict[str, Any], settings: Settings
) -> str | None:
    target: str | None = environ.get(HEADER)
    if target is not None:
        return target
    content_type = environ.get('CONTENT_TYPE', '')
    kind, _, params = content_type.partition(';')
    kind = kind.strip().lower()
    if kind not in _FORMS:
        return None
    multipart = kind == _FORMS[1]
    if multipart:
        try:
            multipart_boundary(content_type)
        except ParseError:
            return None  # no field can be found: the route's business
    try:
        body = read_body(request, settings.max_body_size)
    except (HTTPBadRequest, HTTPRequestEntityTooLarge):
        return None  # a restkit route answers 400 or 413 itself
    # PERF: a field name is literal in a multipart body, and in an
    # urlencoded one without a percent sign: most forms are not parsed.
    if not body or (
        _FIELD_BYTES not in body and (multipart or b'%' not in body)
    ):
        return None
    options = ParseOptions(
        settings.max_depth,
        charset_param(params),
        request,
        content_type,
        settings.max_fields,
    )
    try:
        form = parse_form(body, options)
    except ParseError:
        return None
    values = form.getall(FIELD)
    if not values:
        return None
    if len(values) != 1 or not isinstance(values[0], str):
        raise MethodOverrideError('Send exactly one _method field.')
    request.body = remove_field(body, content_type, FIELD)
    return values[0]


def _route(request: Any) -> None:
    """Route ``request`` as Pyramid's router would, before it does.

    A refused override is raised before the router has run, so no
    exception view could tell a resource route from another, nor
    negotiate with its suffix.  This matches the routes (their predicates
    too: ``format_suffix`` records the URL suffix) and sets what the
    router sets on a match: ``matchdict``, ``matched_route`` and the
    route's request interface (for exception views with a
    ``route_name``), as ``Router.handle_request`` does (checked against
    Pyramid 2.1; a test of ``tests/functional/test_override.py`` with a
    ``route_name`` exception view pins it).  ``IRoutesMapper.__call__`` is
    Pyramid's public interface.  A path that is not UTF-8 raises
    ``URLDecodeError``, which the exception views answer as they would
    after routing.
    """
    registry = request.registry
    mapper = registry.queryUtility(IRoutesMapper)
    if mapper is None:  # an application without routes (traversal)
        return
    info = mapper(request)
    route = info['route']
    if route is not None:
        request.matchdict = info['match']
        request.matched_route = route
        request.request_iface = registry.queryUtility(
            IRouteRequest, name=route.name, default=IRequest
        )
        # The route's CORS headers, as its factory would ask for them.
        attach(request, route)
