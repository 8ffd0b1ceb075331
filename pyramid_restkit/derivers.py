"""The kit's view deriver: what runs before Pyramid's permission check."""

from __future__ import annotations

from typing import Any

from pyramid.viewderivers import preserve_view_attrs

from .cors import lists
from .crossorigin import SAFE_METHODS, is_cross_origin, refusal
from .interfaces import IRestkitRoutes, IRestkitSettings
from .versioning import VERSION_HEADER, VERSION_PLACEHOLDER
from .views import ORIGINAL_METHOD


def restkit_resource_view(view: Any, info: Any) -> Any:
    """Wrap a resource route's view over Pyramid's ``secured_view``.

    Refuses cross-origin requests first (:func:`cross_origin_guard`),
    then lets ``OPTIONS`` through the permission (:func:`open_options`).
    """
    if info.options.get('restkit_resource') is None:
        return view
    return version_guard(
        cross_origin_guard(open_options(view, info), info), info
    )


def version_guard(view: Any, info: Any) -> Any:
    """Path and header versioning's part that runs before anything else.

    Path versioning: a version the route does not serve for the verb
    (unknown, or excluded by ``versions=``) names no resource, so it is a
    404 first, as a path no route matches would be (before the
    cross-origin and permission checks); ``request.api_version`` is set
    here.  Header versioning: every response of the route carries
    ``Vary: Api-Version``, errors included.  Without either, the view is
    returned unchanged: no cost per request.
    """
    routes = info.registry.getUtility(IRestkitRoutes)
    versioning = routes.versioning
    if versioning is None or versioning.mode not in ('path', 'header'):
        return view
    if versioning.mode == 'header':

        def varied(context: Any, request: Any) -> Any:
            request.add_response_callback(vary_api_version)
            return view(context, request)

        return preserve_view_attrs(view, varied)
    route_name = info.options['route_name']
    known = versioning.known

    def guarded(context: Any, request: Any) -> Any:
        version = request.matchdict[VERSION_PLACEHOLDER]
        served = routes[route_name].verb_versions[request.method]
        if version not in served:
            if version not in known:
                raise versioning.refusal(version)
            raise versioning.refusal(version, request.method, served)
        request.api_version = version
        return view(context, request)

    return preserve_view_attrs(view, guarded)


def vary_api_version(request: Any, response: Any) -> None:
    """Add ``Api-Version`` to the response's ``Vary`` (a response
    callback of header versioning)."""
    vary = tuple(response.vary or ())
    if VERSION_HEADER.lower() not in (item.lower() for item in vary):
        response.vary = (*vary, VERSION_HEADER)


def cross_origin_guard(view: Any, info: Any) -> Any:
    """Refuse unsafe requests a browser sent from another origin (403).

    Before the permission check, as API.md orders them.  Views whose verbs
    are all safe (``GET``, ``HEAD``, ``OPTIONS``), and every view when
    ``restkit.cross_origin_protection`` is off, are returned unchanged: no
    cost per request.  The verb judged is the one the browser sent
    (before a method override).  An origin that CORS lists for the verb
    on this route (not ``*``) passes, as a trusted origin does: looked
    up only for a request that would be refused.
    """
    settings = info.registry.getUtility(IRestkitSettings)
    verbs = info.options.get('request_method') or ()
    if not settings.cross_origin_protection or SAFE_METHODS.issuperset(verbs):
        return view
    trusted = settings.trusted_origins

    def guarded(context: Any, request: Any) -> Any:
        environ = request.environ
        sent = environ.get(ORIGINAL_METHOD) or environ['REQUEST_METHOD']
        if is_cross_origin(environ, sent, trusted) and not lists(
            request, request.method
        ):
            raise refusal(sent)
        return view(context, request)

    return preserve_view_attrs(view, guarded)


def open_options(view: Any, info: Any) -> Any:
    """Let ``OPTIONS`` through the permission of a resource route's view.

    A resource route has one view per permission its verbs need; the
    first (``GET``'s, usually) also answers ``OPTIONS``
    (``add_view(restkit_options=True)``), which needs no permission.  This
    deriver sits over Pyramid's ``secured_view``: when a permission
    applies to that view (its own or the default permission), an
    ``OPTIONS`` request goes to the view without the check
    (``__call_permissive__``, as Pyramid's own permissive calls do).  A
    view no permission applies to is returned unchanged: no cost per
    request.  (One more view for ``OPTIONS`` alone would do the same, at
    the cost of a second view per route: a third more configuration time
    and a ``MultiView`` on every request.)
    """
    permissive = getattr(view, '__call_permissive__', None)
    if not info.options.get('restkit_options') or permissive in (None, view):
        return view

    def options_allowed(context: Any, request: Any) -> Any:
        if request.method == 'OPTIONS':
            return permissive(context, request)
        return view(context, request)

    # What pviews and Pyramid's permissive calls read, as Pyramid's own
    # derivers keep them.
    return preserve_view_attrs(view, options_allowed)


restkit_resource_view.options = (  # type: ignore[attr-defined]
    'restkit_resource',
    'restkit_options',
)
