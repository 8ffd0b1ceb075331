"""``anonymous=OtherClass``: the class that serves unauthenticated requests.

A resource (or one of its verbs, ``@operation(anonymous=...)``) may name
a second class, piston's anonymous handler: requests without an
authenticated identity (``request.authenticated_userid is None``) are
served by that class's method of the same name, with its own options
(schemas, response schema, permission, media types...: its methods'
``@operation`` over the options ``@operation`` gives the class itself).
Only the resource's ``cors_origins``, ``throttle`` and ``throttle_scope``
reach it: one route, one CORS policy and one budget for both.

Pyramid still checks every permission: a route of such a resource gets
views with the ``restkit_authenticated`` predicate
(:class:`~pyramid_restkit.predicates.RestkitAuthenticatedPredicate`),
grouped by permission as for any resource:

* a verb both classes serve: the main class's views for authenticated
  requests, the anonymous class's for the others;
* a verb only the main class has: its views for authenticated requests,
  and a challenge for the others (an ``HTTPForbidden`` marked
  ``restkit_challenge``, which the kit's error view answers with 401 and
  ``WWW-Authenticate`` where the security policy has a challenge);
* a verb only the anonymous class has: its views, for every request
  (so ``Allow`` is the same for everyone);
* ``OPTIONS``: one view, for every request.

``Allow`` (hence 405 and the CORS preflights) lists the verbs of both
classes.  Resources without ``anonymous=`` get none of this: their views
carry no such predicate and the security policy is not asked per
request by the kit.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Iterable, Mapping
from typing import Any

from pyramid.httpexceptions import HTTPForbidden
from pyramid.security import NO_PERMISSION_REQUIRED

from ..decorators import OPERATION_ATTR
from ..errors import ResourceConfigurationError
from ..media import MediaTypes
from ..settings import Settings
from ..views import VERB_ORDER, RouteInfo, View
from .operations import RouteTable, patch_documents, share_representations
from .options import COLLECTION_OPTIONS, Options

#: The resource's options that apply to its anonymous class too.
SHARED = ('cors_origins', 'throttle', 'throttle_scope')
#: Options an anonymous class cannot give itself: the shared ones are the
#: resource's, and an anonymous class has no anonymous class.
_NOT_OWN = frozenset({*SHARED, 'anonymous'})


@dataclasses.dataclass
class AnonymousRoute:
    """What the anonymous classes of a resource serve on one route."""

    #: Method name -> (anonymous class, its options for that method).
    operations: dict[str, tuple[type, Options]]
    #: Verbs only the main class has, answered with a challenge.
    challenge: tuple[str, ...]


def resolve(config: Any, options: dict[str, Any], where: str) -> None:
    """Import ``anonymous=`` given as a dotted name (as ``add_resource``
    imports the class itself)."""
    anonymous = options.get('anonymous')
    if isinstance(anonymous, str):
        try:
            options['anonymous'] = config.maybe_dotted(anonymous)
        except (ImportError, ValueError) as exc:
            raise ResourceConfigurationError(
                f'{where}: anonymous={anonymous!r} cannot be imported: {exc}'
            ) from None


def serves(klass: type | None, verbs: Mapping[str, str]) -> bool:
    """Whether the anonymous class ``klass`` has a method of ``verbs``."""
    return klass is not None and any(
        callable(getattr(klass, attr, None)) for attr in verbs
    )


def route_verbs(
    operations: Mapping[str, Options], anonymous: AnonymousRoute | None
) -> list[str]:
    """The verbs of a route: its main class's and its anonymous ones'."""
    found = [opts.verb for opts in operations.values()]
    if anonymous is not None:
        found.extend(opts.verb for _, opts in anonymous.operations.values())
    return found


def collect(
    cls: type,
    defaults: Options,
    operations: Mapping[str, Options],
    verbs: Mapping[str, str],
    where: str,
    schemas: dict[type, Any],
) -> AnonymousRoute | None:
    """The anonymous operations of one route of ``cls``, if any.

    ``operations`` are the main class's on the route (method name ->
    options, ``anonymous`` included), ``verbs`` every method name of the
    route and its verb.  A verb whose own ``@operation(anonymous=X)``
    names a class without that method is a configuration error; one
    that only inherits the resource's class is a challenge instead.
    """
    found: dict[str, tuple[type, Options]] = {}
    challenge: list[str] = []
    for attr, opts in operations.items():
        klass = opts.anonymous
        if klass is None:
            continue
        if callable(getattr(klass, attr, None)):
            found[attr] = (
                klass,
                _options(klass, attr, opts.verb, opts, where, schemas),
            )
        elif 'anonymous' in getattr(getattr(cls, attr), OPERATION_ATTR, {}):
            raise ResourceConfigurationError(
                f'{where}.{attr}: anonymous={_name(klass)} has no {attr} '
                'method to serve anonymous requests'
            )
        else:
            challenge.append(opts.verb)
    klass = defaults.anonymous
    if klass is not None:
        for attr, verb in verbs.items():
            if attr not in operations and callable(getattr(klass, attr, None)):
                main = defaults.for_verb(verb, attr)
                found[attr] = (
                    klass,
                    _options(klass, attr, verb, main, where, schemas),
                )
    if not found and not challenge:
        return None
    return AnonymousRoute(found, tuple(challenge))


def check_class(
    klass: type | None, verbs: Iterable[Mapping[str, str]], where: str
) -> None:
    """Refuse a resource-wide anonymous class with no verb method."""
    if klass is None:
        return
    if not any(callable(getattr(klass, a, None)) for v in verbs for a in v):
        raise ResourceConfigurationError(
            f'{where}: anonymous={_name(klass)} defines no verb method '
            '(collection_get, get, put...) to serve anonymous requests'
        )


def check_unrouted(
    klass: type | None, verbs: Mapping[str, str], needed: str, where: str
) -> None:
    """Refuse anonymous methods of a route the resource has no path for."""
    methods = sorted(a for a in verbs if callable(getattr(klass, a, None)))
    if klass is not None and methods:
        raise ResourceConfigurationError(
            f'{where}: anonymous={_name(klass)} defines '
            f'{", ".join(methods)} but the resource has no {needed}'
        )


def _options(
    klass: type,
    attr: str,
    verb: str,
    main: Options,
    where: str,
    schemas: dict[type, Any],
) -> Options:
    """The options of ``klass.attr``: the class's own (``@operation`` on
    the class), its method's ``@operation``, then the resource's shared
    options for that verb (``main``)."""
    about = f'{where} (anonymous={_name(klass)})'
    own_class = Options.check(
        getattr(klass, OPERATION_ATTR, None) or {}, about, 'resource', schemas
    )
    own = Options.check(
        getattr(getattr(klass, attr), OPERATION_ATTR, None) or {},
        f'{about}.{attr}',
        'operation',
        schemas,
    )
    refused = (own_class.given | own.given) & _NOT_OWN
    if refused:
        raise ResourceConfigurationError(
            f'{about}: {", ".join(sorted(refused))} cannot be given by an '
            'anonymous class (cors_origins, throttle and throttle_scope '
            "are the resource's, for both classes)"
        )
    misplaced = own.given & COLLECTION_OPTIONS
    if misplaced and attr != 'collection_get':
        raise ResourceConfigurationError(
            f'{about}.{attr}: {", ".join(sorted(misplaced))} apply to '
            'collection_get only'
        )
    given = frozenset(name for name in SHARED if name in main.given)
    shared = Options(
        **{name: getattr(main, name) for name in given}, given=given
    )
    return own_class.for_verb(verb, attr).merged(own).merged(shared)


def _name(klass: type) -> str:
    return f'{klass.__module__}.{klass.__qualname__}'


def _with_head(verbs: Iterable[str]) -> set[str]:
    present = set(verbs)
    if 'GET' in present:
        present.add('HEAD')
    return present


def _permission(opts: Options, verb: str) -> Any:
    permission = opts.permission
    if isinstance(permission, Mapping):
        permission = permission.get('GET' if verb == 'HEAD' else verb)
    return permission


def add_views(
    config: Any,
    main_view: View,
    route: RouteInfo,
    operations: Mapping[str, Options],
    anonymous: AnonymousRoute,
    *,
    name: str,
    route_name: str,
    info: Any,
) -> None:
    """The views of a route of a resource with anonymous operations.

    Grouped by permission and by whether the request must be
    authenticated (``None``: either), in ``Allow`` order.
    """
    main = {opts.verb: opts for opts in operations.values()}
    if 'GET' in main:
        main['HEAD'] = main['GET']
    anon = {opts.verb: opts for _, opts in anonymous.operations.values()}
    if 'GET' in anon:
        anon['HEAD'] = anon['GET']
    challenge = _with_head(anonymous.challenge)
    main_groups: dict[tuple[Any, bool | None], list[str]] = {}
    anon_groups: dict[tuple[Any, bool | None], list[str]] = {}
    for verb in VERB_ORDER:
        if verb in main:
            split = verb in anon or verb in challenge
            key = (_permission(main[verb], verb), True if split else None)
            main_groups.setdefault(key, []).append(verb)
        if verb in anon:
            key = (
                _permission(anon[verb], verb),
                False if verb in main else None,
            )
            anon_groups.setdefault(key, []).append(verb)
    klass = next(iter(anonymous.operations.values()), (None,))[0]
    anon_view = dispatch_view(klass, route.anonymous)
    views: list[tuple[View, Any, tuple[str, ...], bool | None]] = [
        (main_view, NO_PERMISSION_REQUIRED, ('OPTIONS',), None)
    ]
    views.extend(
        (main_view, permission, tuple(verbs), authenticated)
        for (permission, authenticated), verbs in main_groups.items()
    )
    views.extend(
        (anon_view, permission, tuple(verbs), authenticated)
        for (permission, authenticated), verbs in anon_groups.items()
    )
    if challenge:
        views.append(
            (
                challenge_view(main_view),
                NO_PERMISSION_REQUIRED,
                tuple(v for v in VERB_ORDER if v in challenge),
                False,
            )
        )
    for view, permission, verbs, authenticated in views:
        predicates = (
            {}
            if authenticated is None
            else {'restkit_authenticated': authenticated}
        )
        config.add_view(
            view,
            route_name=route_name,
            request_method=verbs,
            permission=permission,
            restkit_resource=name,
            _info=info,
            **predicates,
        )


def dispatch_view(klass: type | None, operations: Mapping[str, View]) -> View:
    """The view that runs the anonymous operation of the request's verb."""

    def restkit_anonymous_view(context: Any, request: Any) -> Any:
        return operations[request.method](context, request)

    if klass is not None:
        # NOTE: pviews and tracebacks name the anonymous class.
        restkit_anonymous_view.__module__ = klass.__module__
        restkit_anonymous_view.__qualname__ = klass.__qualname__
        restkit_anonymous_view.__name__ = klass.__qualname__
        restkit_anonymous_view.__doc__ = klass.__doc__
    return restkit_anonymous_view


def challenge_view(main_view: View) -> View:
    """The view of the verbs an anonymous request cannot use: a forbidden
    that asks for credentials (``restkit_challenge``)."""

    def restkit_challenge(context: Any, request: Any) -> Any:
        exc = HTTPForbidden(
            detail=f'{request.method} needs an authenticated request.'
        )
        exc.restkit_challenge = True
        raise exc

    restkit_challenge.__module__ = main_view.__module__
    restkit_challenge.__qualname__ = f'{main_view.__qualname__} (challenge)'
    return restkit_challenge


def build(
    route: RouteInfo,
    anonymous: AnonymousRoute,
    build_one: Callable[[type, str, Options], View],
    claim: Callable[[Options, str], None],
) -> None:
    """Build the anonymous operations of ``route`` into
    ``route.anonymous``, at commit (:func:`finish` completes them)."""
    for attr, (klass, opts) in anonymous.operations.items():
        if opts.verb not in route.operations:
            claim(opts, attr)
        route.anonymous[opts.verb] = build_one(klass, attr, opts)


def finish(
    route: RouteInfo,
    anonymous: AnonymousRoute,
    settings: Settings,
    media_types: MediaTypes,
    table: RouteTable,
) -> dict[str, Options]:
    """Complete ``route.anonymous`` once the main operations are
    complete: representations (for ``If-Match``), PATCH documents
    applied to the anonymous ``get``, and ``HEAD``.

    The operations of verbs the main class lacks then join
    ``route.operations`` (they serve every request); returns their
    options, by method name.
    """
    share_representations(
        route.anonymous,
        () if table.versioning is None else table.versioning.versions,
    )
    own = RouteInfo(route.allow)
    own.operations = route.anonymous
    accept_patch = patch_documents(
        own,
        {attr: opts for attr, (_, opts) in anonymous.operations.items()},
        settings,
        media_types,
        table,
    )
    if route.accept_patch is None:
        route.accept_patch = accept_patch
    only = {
        attr: opts
        for attr, (_, opts) in anonymous.operations.items()
        if opts.verb not in route.operations
    }
    for opts in only.values():
        route.operations[opts.verb] = route.anonymous[opts.verb]
    if route.negotiator is None:
        negotiators = (
            getattr(operation, 'negotiator', None)
            for operation in route.anonymous.values()
        )
        route.negotiator = next((n for n in negotiators if n), None)
    if 'GET' in route.anonymous:
        route.anonymous['HEAD'] = route.anonymous['GET']
    return only


def introspect(
    config: Any,
    name: str,
    route_name: str,
    full: str,
    anonymous: AnonymousRoute,
) -> list[Any]:
    """A ``restkit operations`` introspectable per anonymous operation
    (``anonymous=True``, ``class``: the anonymous class)."""
    found = []
    for attr, (klass, opts) in anonymous.operations.items():
        intr = config.introspectable(
            'restkit operations',
            (name, 'anonymous', attr),
            f'{opts.verb} {full} ({klass.__qualname__}.{attr}, anonymous)',
            'restkit operation',
        )
        intr.update(
            resource=name,
            method=attr,
            verb=opts.verb,
            route=route_name,
            pattern=full,
            options=opts,
            anonymous=True,
        )
        intr['class'] = klass
        intr.relate('restkit resources', name)
        intr.relate('routes', route_name)
        found.append(intr)
    return found
