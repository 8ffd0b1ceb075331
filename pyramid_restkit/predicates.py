"""View predicates of pyramid_restkit."""

from __future__ import annotations

from typing import Any

from pyramid.exceptions import ConfigurationError, URLDecodeError
from pyramid.interfaces import IRoutesMapper

from .interfaces import IMediaTypes, IRestkitRoutes
from .patterns import SUFFIX_PLACEHOLDER


class RestkitRoutePredicate:
    """``restkit_route=True``: the matched route belongs to a resource.

    The kit's exception views carry it, so that errors of the application's
    own routes stay the application's.  A path that is not UTF-8 once
    percent-decoded makes Pyramid raise ``URLDecodeError`` before any route
    matches; for that exception the predicate asks :func:`raw_path_route`
    whether the route Pyramid would have tried is the kit's.
    """

    def __init__(self, val: Any, info: Any) -> None:
        if val is not True:
            raise ConfigurationError(
                f'restkit_route accepts only True, not {val!r}'
            )
        self.routes = info.registry.getUtility(IRestkitRoutes)

    def text(self) -> str:
        return 'restkit_route = True'

    phash = text

    def __call__(self, context: Any, request: Any) -> bool:
        if getattr(request, 'restkit_step_aside', False):
            # The kit's view asks whether the application has its own.
            return False
        route = request.matched_route
        if route is not None:
            return route.name in self.routes
        return (
            isinstance(context, URLDecodeError)
            and raw_path_route(request) is not None
        )


def raw_path_route(request: Any) -> Any:
    """The kit's route whose pattern matches the undecoded path, if any.

    The path is ``PATH_INFO`` as WSGI gives it (bytes as Latin-1 text), so
    ``/posts/%ff`` is ``/posts/\xff``.  Routes are tried in Pyramid's
    order and the first whose pattern matches decides: if it is not the
    kit's, ``None``.  Route predicates are not run: they may read the very
    path that cannot be decoded.
    """
    mapper = request.registry.queryUtility(IRoutesMapper)
    if mapper is None:  # an application without routes (traversal)
        return None
    routes = request.registry.getUtility(IRestkitRoutes)
    path = request.environ.get('PATH_INFO') or '/'
    for route in mapper.get_routes():
        if route.match(path) is not None:
            return route if route.name in routes else None
    return None


class FormatSuffixPredicate:
    """Route predicate ``format_suffix=True``: URL suffixes pick a format.

    A registered suffix of an enabled media type (``.yaml``) is peeled off
    the last matched value (``/posts/7.yaml``: ``id`` is ``7``) and recorded
    as ``request.restkit_suffix`` (the media type's name) for negotiation.
    Suffixes are case-sensitive; an unregistered one stays part of the value
    (``/posts/1.2`` keeps ``1.2``), so an id that ends in a registered
    suffix needs it doubled (``/files/a.json.json``).  On the placeholder
    the kit appends itself (see :data:`SUFFIX_PLACEHOLDER`) an unregistered
    suffix does not match the route at all.
    """

    def __init__(self, val: Any, info: Any) -> None:
        if val is not True:
            raise ConfigurationError(
                f'format_suffix accepts only True, not {val!r}'
            )
        self.media_types = info.registry.getUtility(IMediaTypes)

    def text(self) -> str:
        return 'format_suffix = True'

    phash = text

    def __call__(self, info: Any, request: Any) -> bool:
        match = info['match']
        if not match:
            return True
        name = next(reversed(match))
        value = match[name]
        if not isinstance(value, str):  # a *remainder (a tuple)
            return True
        dot = value.rfind('.')
        found = (
            self.media_types.suffixes.get(value[dot:]) if dot >= 0 else None
        )
        if name == SUFFIX_PLACEHOLDER:
            del match[name]
            if not value:
                return True
            if found is None:
                return False
        elif found is None or dot == 0:
            return True
        else:
            match[name] = value[:dot]
        request.restkit_suffix = found
        return True


class FormatPredicate:
    """View predicate ``format='yaml'`` (or a tuple of names).

    True when the negotiated media type is one of the names, so plain
    views can be written per format on one route::

        config.add_view(yaml_view, route_name='post', format='yaml',
                        renderer='restkit.yaml')

    The negotiation is the resources' chain over every enabled media type:
    URL suffix (with ``format_suffix=True`` on the route), ``?format=``,
    ``Accept``, then ``restkit.default_media_type``.  Its answer is kept on
    the request, so several views cost one negotiation.
    """

    def __init__(self, val: Any, info: Any) -> None:
        names = (val,) if isinstance(val, str) else tuple(val)
        if not names or not all(isinstance(n, str) for n in names):
            raise ConfigurationError(
                f'format takes a media type name or a tuple of them: {val!r}'
            )
        self.names = tuple(sorted(set(names)))
        self.registry = info.registry

    def text(self) -> str:
        return f'format = {",".join(self.names)}'

    phash = text

    def __call__(self, context: Any, request: Any) -> bool:
        media = getattr(request, 'restkit_media', None)
        if media is None:
            media = self._negotiate(request)
            if media is None:
                return False
        return media.name in self.names

    def _negotiate(self, request: Any) -> Any:
        table = self.registry.getUtility(IRestkitRoutes)
        media, vary = table.plain_negotiator.select(request)
        if media is not None:
            request.restkit_media = media
            if vary:
                request.add_response_callback(_add_vary)
        return media


def _add_vary(request: Any, response: Any) -> None:
    vary = list(response.vary or ())
    if 'accept' not in (item.lower() for item in vary):
        response.vary = (*vary, 'Accept')


class RestkitAuthenticatedPredicate:
    """``restkit_authenticated=True`` (or ``False``): whether the request
    has an authenticated identity (``request.authenticated_userid``).

    Only the views of a resource with ``anonymous=`` carry it (see
    :mod:`pyramid_restkit.config.anonymous`): the main class's views
    serve authenticated requests, the anonymous class's the others.
    Resources without ``anonymous=`` never ask the security policy here.
    """

    def __init__(self, val: Any, info: Any) -> None:
        if not isinstance(val, bool):
            raise ConfigurationError(
                f'restkit_authenticated accepts True or False, not {val!r}'
            )
        self.val = val

    def text(self) -> str:
        return f'restkit_authenticated = {self.val}'

    phash = text

    def __call__(self, context: Any, request: Any) -> bool:
        # NOTE: asked once per request, though each view of the route
        # asks (a policy may cost a token check).
        known = request.__dict__.get(_AUTHENTICATED)
        if known is None:
            known = request.__dict__[_AUTHENTICATED] = (
                request.authenticated_userid is not None
            )
        return known is self.val


#: Where the predicate keeps its answer on the request.
_AUTHENTICATED = 'restkit_authenticated'
