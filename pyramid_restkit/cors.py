"""CORS: which other origins may read the kit's responses (and send to it).

``restkit.cors.origins`` (or a resource's or operation's ``cors_origins``,
which replaces it) lists the origins whose pages may call a route; ``*``
allows every origin.  For a route that has origins, decided at commit:

* its factory is a :class:`CorsFactory`, which registers
  :meth:`RouteCors.respond` as a response callback as soon as the route
  matched, so that every response of the route, whichever view rendered
  it (the resource, the kit's error views, the application's own
  exception views, a 405), carries ``Vary: Origin`` and, for an allowed
  origin, ``Access-Control-Allow-Origin`` and the other headers;
* its ``OPTIONS`` answers a preflight (:class:`Preflight`) before the
  class's own ``options`` or the automatic one, which still answer plain
  ``OPTIONS`` requests and preflights from origins that are not allowed.

Errors raised before routing on one of its paths (a refused method
override, a path that is not UTF-8) ask :func:`attach` for the same
callback.  Routes without origins have a plain factory and a plain
``OPTIONS``: they pay nothing per request, and an application without
CORS settings has no such route at all.

The origins of the verb a request uses (of the verb a preflight names)
decide; a verb the route lacks uses the resource's (so a preflight for it
is answered, ``Access-Control-Allow-Methods`` telling the browser the
verb is not there).  ``Origin: null`` and malformed origins are never
allowed, even by ``*``; ``*`` is answered as ``*`` only without
credentials (with them the origin is echoed).  Listed origins (not ``*``)
also pass the cross-origin protection (see :func:`lists`).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from pyramid.interfaces import IRootFactory
from pyramid.response import Response
from pyramid.traversal import DefaultRootFactory

from .settings import ORIGIN, CorsSettings

#: Request headers a preflight always allows: the body's type and the
#: kit's own (conditional requests, versioning, authentication).
KIT_ALLOW_HEADERS = (
    'Content-Type',
    'If-Match',
    'If-None-Match',
    'Api-Version',
    'Authorization',
)
#: Response headers always exposed to the calling page: the kit's own.
KIT_EXPOSE_HEADERS = (
    'Link',
    'ETag',
    'Last-Modified',
    'Location',
    'RateLimit',
    'RateLimit-Policy',
    'Retry-After',
)

_PREFLIGHT = 'HTTP_ACCESS_CONTROL_REQUEST_METHOD'
#: Longest ``Origin`` value that can be allowed (none is longer in use).
_MAX_ORIGIN = 2048


class Policy:
    """The origins one verb (or several) of a route allows."""

    __slots__ = ('any', 'origins', 'star')

    def __init__(self, origins: tuple[str, ...], credentials: bool) -> None:
        self.any = origins == ('*',)
        #: Listed origins, lowercased (scheme and host are case-blind).
        self.origins = (
            frozenset() if self.any else frozenset(o.lower() for o in origins)
        )
        #: Whether ``Access-Control-Allow-Origin`` is ``*`` itself.
        self.star = self.any and not credentials

    def allows(self, origin: str) -> bool:
        """Whether ``origin`` (an ``Origin`` value) may read responses."""
        if self.any:
            return len(origin) <= _MAX_ORIGIN and bool(
                ORIGIN.fullmatch(origin.lower())
            )
        return origin.lower() in self.origins


class RouteCors:
    """The CORS of one route: a policy per verb, built at commit."""

    def __init__(
        self,
        allow: str,
        policies: Mapping[str, Policy | None],
        default: Policy | None,
        settings: CorsSettings,
    ) -> None:
        self.allow = allow
        self.policies = dict(policies)
        self.default = default
        self.credentials = settings.credentials
        self.expose = ', '.join(KIT_EXPOSE_HEADERS + settings.expose_headers)
        preflight = [
            ('Access-Control-Allow-Methods', allow),
            (
                'Access-Control-Allow-Headers',
                ', '.join(KIT_ALLOW_HEADERS + settings.allow_headers),
            ),
        ]
        if settings.max_age is not None:
            preflight.append(('Access-Control-Max-Age', str(settings.max_age)))
        self.preflight_headers = tuple(preflight)

    def policy(self, verb: str) -> Policy | None:
        """The policy of ``verb`` (the resource's for a verb not here)."""
        return self.policies.get(verb, self.default)

    def allowed(self, request: Any) -> tuple[str, bool] | None:
        """``(origin, is a preflight)`` when the request's origin may be
        answered, else ``None``."""
        environ = request.environ
        origin = environ.get('HTTP_ORIGIN')
        if origin is None:
            return None
        verb = request.method
        requested = environ.get(_PREFLIGHT) if verb == 'OPTIONS' else None
        if requested is not None:
            verb = requested.strip().upper()
        policy = self.policy(verb)
        if policy is None or not policy.allows(origin):
            return None
        return ('*' if policy.star else origin), requested is not None

    def respond(self, request: Any, response: Any) -> None:
        """The response callback: ``Vary: Origin``, then the CORS headers
        for an allowed origin."""
        vary = response.vary
        if not vary:
            response.vary = ('Origin',)
        elif not any(v.lower() in ('origin', '*') for v in vary):
            response.vary = (*vary, 'Origin')
        found = self.allowed(request)
        if found is None:
            return
        headers = response.headers
        headers['Access-Control-Allow-Origin'] = found[0]
        if self.credentials:
            headers['Access-Control-Allow-Credentials'] = 'true'
        # NOTE: on preflights too (browsers ignore it there): every
        # response to an allowed origin carries the same headers.
        headers['Access-Control-Expose-Headers'] = self.expose

    def lists(self, verb: str, origin: str | None) -> bool:
        """Whether ``origin`` is listed (not merely ``*``) for ``verb``.

        Listed origins pass the cross-origin protection; ``*`` exempts
        none (API.md).
        """
        policy = self.policy(verb)
        return (
            origin is not None
            and policy is not None
            and origin.lower() in policy.origins
        )


def route_cors(
    allow: str,
    origins: Mapping[str, tuple[str, ...] | None],
    default: tuple[str, ...] | None,
    settings: CorsSettings,
) -> RouteCors | None:
    """The CORS of a route whose verbs have ``origins``, or ``None``.

    ``origins`` maps each verb to its ``cors_origins`` (``None``: not
    given, the setting applies), ``default`` is the resource's; ``HEAD``
    follows ``GET``.  ``None`` when no verb has an origin: the route
    then pays nothing.
    """

    def policy(given: tuple[str, ...] | None) -> Policy | None:
        chosen = settings.origins if given is None else given
        return Policy(chosen, settings.credentials) if chosen else None

    policies = {verb: policy(given) for verb, given in origins.items()}
    if 'GET' in policies:
        policies['HEAD'] = policies['GET']
    fallback = policy(default)
    if fallback is None and not any(policies.values()):
        return None
    return RouteCors(allow, policies, fallback, settings)


View = Callable[[Any, Any], Any]


def answer_preflight(cors: RouteCors, request: Any) -> Any:
    """The 204 answering a preflight from an allowed origin, else ``None``.

    ``Access-Control-Allow-Origin`` and ``Vary`` come from the response
    callback, as on every response of the route.
    """
    found = cors.allowed(request)
    if found is None or not found[1]:
        return None
    return Response(
        status=204,
        headerlist=[('Allow', cors.allow), *cors.preflight_headers],
    )


class Preflight:
    """A route's ``OPTIONS`` (``options``) that answers preflights first.

    The OpenAPI builder and ``prestkit`` describe ``options`` itself
    (:func:`unwrap`).
    """

    __slots__ = ('cors', 'options')

    def __init__(self, cors: RouteCors, options: View) -> None:
        self.cors = cors
        self.options = options

    def __call__(self, context: Any, request: Any) -> Any:
        response = answer_preflight(self.cors, request)
        if response is None:
            return self.options(context, request)
        return response


def unwrap(operation: Any) -> Any:
    """The operation a :class:`Preflight` wraps, else ``operation``."""
    if isinstance(operation, Preflight):
        return operation.options
    return operation


class CorsFactory:
    """The factory of a route with origins: asks for the CORS headers.

    Pyramid calls a route's factory as soon as the route matched, before
    any view or exception view: the callback it registers applies to
    whatever answers.  ``factory`` is the route's own (``None``: the
    application's root factory); ``cors`` is set at commit.
    """

    def __init__(self, factory: Any = None) -> None:
        self.factory = factory
        self.cors: RouteCors | None = None

    def __call__(self, request: Any) -> Any:
        cors = self.cors
        if cors is not None:
            request.add_response_callback(cors.respond)
        factory = self.factory
        if factory is None:
            # As Pyramid's router does; looked up once, after the commit.
            factory = self.factory = request.registry.queryUtility(
                IRootFactory, default=DefaultRootFactory
            )
        return factory(request)


def attach(request: Any, route: Any) -> None:
    """Ask for ``route``'s CORS headers on an error raised before routing.

    ``route`` is a Pyramid route or ``None``; only a route with origins
    (a :class:`CorsFactory` with its CORS) adds the callback.
    """
    factory = getattr(route, 'factory', None)
    if isinstance(factory, CorsFactory) and factory.cors is not None:
        request.add_response_callback(factory.cors.respond)


def lists(request: Any, verb: str) -> bool:
    """Whether the request's ``Origin`` is listed for ``verb`` on its
    route (the cross-origin protection lets it pass)."""
    factory = getattr(getattr(request, 'matched_route', None), 'factory', None)
    if not isinstance(factory, CorsFactory) or factory.cors is None:
        return False
    return factory.cors.lists(verb, request.environ.get('HTTP_ORIGIN'))


class DocsOptions:
    """``OPTIONS`` of a documentation route when CORS is configured.

    Those routes have no resource: a preflight from an allowed origin is
    answered as on the kit's routes, any other ``OPTIONS`` with ``204``
    and ``Allow``.  ``factory.cors`` is set at commit.
    """

    def __init__(self, factory: CorsFactory, allow: str) -> None:
        self.factory = factory
        self.allow = allow

    def __call__(self, context: Any, request: Any) -> Any:
        cors: RouteCors = self.factory.cors  # type: ignore[assignment]
        response = answer_preflight(cors, request)
        if response is None:
            response = Response(status=204, headerlist=[('Allow', self.allow)])
        return response
