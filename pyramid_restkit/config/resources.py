"""``config.add_resource``: a resource class becomes routes and views.

The directive validates its arguments at once, composes ``add_route`` and
``add_view`` so Pyramid's tools (``proutes``, ``pviews``, the
introspector) see ordinary routes and views, and registers actions whose
discriminators make two resources with the same name or the same path
pattern a ``ConfigurationConflictError`` naming both declarations.  The
expensive part (negotiators, prepared schemas, permissions) runs in the
action, at commit, when every media type and setting is known.
"""

from __future__ import annotations

import inspect
import warnings
from collections.abc import Iterable, Mapping
from inspect import CO_VARARGS
from types import FunctionType
from typing import Any

from pyramid.interfaces import IDefaultPermission

from ..cors import CorsFactory
from ..decorators import OPERATION_ATTR
from ..errors import ResourceConfigurationError, ResourceConfigurationWarning
from ..interfaces import IMediaTypes, IRestkitRoutes, IRestkitSettings
from ..media import MediaTypes
from ..negotiation import Negotiator
from ..patterns import (
    normalize_pattern,
    pattern_problem,
    prefixed,
    suffix_pregenerator,
    with_suffix,
)
from ..settings import Settings, cors_configured
from ..views import VERB_ORDER, RouteInfo, View
from .classes import near_misses
from .operations import (
    RouteTable,
    build_operation,
    install_cors,
    patch_documents,
    share_representations,
)
from .options import (
    COLLECTION_OPTIONS,
    COLLECTION_VERBS,
    ITEM_VERBS,
    Options,
)
from .versions import version_route

_OBJECT_NEW: Any = object.__new__
#: A route that may have CORS: its factory and the resource's origins.
CorsSetup = tuple[CorsFactory, tuple[str, ...] | None] | None


def _takes_context(cls: type) -> bool:
    """Whether ``cls(request, context)`` binds (else ``cls(request)``)."""
    # PERF: inspect.signature costs about 20 us a class; the common case,
    # a plain class with a plain ``__init__``, is read from its code
    # object with the same answer (tests/config/test_resources.py
    # compares them).
    klass: Any = cls
    init = klass.__init__
    if (
        type(klass) is type
        and klass.__new__ is _OBJECT_NEW
        and type(init) is FunctionType
        and not hasattr(klass, '__wrapped__')
        and not hasattr(klass, '__signature__')
        and not hasattr(init, '__wrapped__')
        and not hasattr(init, '__signature__')
        and init.__code__.co_argcount >= 1
    ):
        code = init.__code__
        count = code.co_argcount  # positional parameters, self included
        required = max(count - len(init.__defaults__ or ()), 1) - 1
        keyword_only = code.co_varnames[count : count + code.co_kwonlyargcount]
        kw_defaults = init.__kwdefaults__ or {}
        return (
            (count - 1 >= 2 or bool(code.co_flags & CO_VARARGS))
            and required <= 2
            and all(name in kw_defaults for name in keyword_only)
        )
    return _takes_context_by_signature(cls)


def _takes_context_by_signature(cls: type) -> bool:
    try:
        signature = inspect.signature(cls)
    except (TypeError, ValueError):  # pragma: no cover (C classes)
        return True
    try:
        signature.bind(None, None)
    except TypeError:
        return False
    return True


def _allow(verbs: Iterable[str]) -> str:
    present = set(verbs) | {'OPTIONS'}
    if 'GET' in present:
        present.add('HEAD')
    return ', '.join(verb for verb in VERB_ORDER if verb in present)


def _route_view(cls: type, route: RouteInfo) -> View:
    operations = route.operations

    def restkit_view(context: Any, request: Any) -> Any:
        return operations[request.method](context, request)

    # NOTE: pviews and tracebacks name the resource class, not this closure.
    restkit_view.__module__ = cls.__module__
    restkit_view.__qualname__ = restkit_view.__name__ = cls.__qualname__
    restkit_view.__doc__ = cls.__doc__
    return restkit_view


def add_resource(
    config: Any,
    cls: type,
    name: str | None = None,
    collection_path: str | None = None,
    path: str | None = None,
    factory: Any = None,
    **options: Any,
) -> None:
    """Register ``cls`` as a REST resource.

    ``collection_path`` and ``path`` are route patterns (one may be
    omitted); the class's ``collection_get``/``collection_post``/... methods
    answer on the first, ``get``/``put``/``patch``/``delete``/``post`` on the
    second.  Other keywords (``schema``, ``response_schema``,
    ``permission``, ``media_types``, ``default_media_type``, ``summary``,
    ``description``, ``tags``) apply to every operation unless its
    ``@operation`` says otherwise.  Example::

        config.add_resource(Posts, collection_path='/posts',
                            path='/posts/{id}', schema=PostSchema)

    .. versionadded:: 0.1
    """
    cls = config.maybe_dotted(cls)
    if not inspect.isclass(cls):
        raise ResourceConfigurationError(
            f'add_resource needs a class, not {cls!r}'
        )
    name = name if name is not None else cls.__name__.lower()
    if not isinstance(name, str) or not name:
        raise ResourceConfigurationError(
            f'a resource name must be a non-empty string: {name!r}'
        )
    where = f'resource {name!r}'
    if collection_path is None and path is None:
        raise ResourceConfigurationError(
            f'{where} needs a collection_path, a path, or both'
        )
    # PERF: a schema class named by many resources is made (and prepared,
    # at commit) once per configuration; see Options.check.
    schemas = config.registry.getUtility(IRestkitRoutes).schemas
    defaults = Options.check(options, where, 'resource', schemas)
    routes = []
    full_paths = []
    for suffix, pattern, verbs in (
        ('collection', collection_path, COLLECTION_VERBS),
        ('item', path, ITEM_VERBS),
    ):
        methods = {
            attr: verb
            for attr, verb in verbs.items()
            if callable(getattr(cls, attr, None))
        }
        if pattern is None:
            if methods:
                needed = (
                    'collection_path' if suffix == 'collection' else 'path'
                )
                raise ResourceConfigurationError(
                    f'{where} defines {", ".join(sorted(methods))} but has '
                    f'no {needed}'
                )
            continue
        if not isinstance(pattern, str):
            raise ResourceConfigurationError(
                f'{where}: a path must be a string, not {pattern!r}'
            )
        problem = pattern_problem(pattern)
        if problem is not None:
            index, what, expected = problem
            raise ResourceConfigurationError(
                f'{where}: {what} in the route pattern {pattern!r} (at '
                f'character {index + 1}); expected {expected}'
            )
        if not methods:
            raise ResourceConfigurationError(
                f'{where} has a {suffix} path {pattern!r} but no method '
                f'for it (expected one of {", ".join(verbs)})'
            )
        operations = {
            attr: defaults.for_verb(verb, attr).merged(
                _collection_only(
                    _own_options(cls, attr, where, schemas), attr, where
                )
            )
            for attr, verb in methods.items()
        }
        routes.append((f'{name}.{suffix}', pattern, operations))
        # NOTE: conflicts, the introspector (hence the document and
        # prestkit) use the full path, prefix included.
        full_paths.append(prefixed(config.route_prefix, pattern))

    near = near_misses(cls)
    for attr, meant in near.items():
        warnings.warn(
            f'{where}: the method {attr!r} answers no verb; did you mean '
            f'{meant!r}? ({config.action_info.file}:'
            f'{config.action_info.line})',
            ResourceConfigurationWarning,
            stacklevel=2,
        )

    factory = config.maybe_dotted(factory)
    # NOTE: a route that may have CORS origins gets a factory that asks for
    # its CORS headers (set at commit, when the settings are known); the
    # others keep theirs and pay nothing (pyramid_restkit.cors).
    cors_setting = cors_configured(config.get_settings()) or bool(
        defaults.cors_origins
    )
    options_attr = {'collection': 'collection_options', 'item': 'options'}
    intr = config.introspectable(
        'restkit resources',
        name,
        f'{name} ({cls.__module__}.{cls.__qualname__})',
        'restkit resource',
    )
    intr['name'] = name
    intr['class'] = cls
    intr['collection_path'] = collection_path
    intr['path'] = path
    intr['routes'] = {}
    intr['operations'] = {}
    intr['near_misses'] = near
    introspectables = [intr]
    infos = []
    # PERF: nested directives reuse this call's info; otherwise each one
    # walks the stack again for a location conflicts never show.
    info = config.action_info
    for (route_name, pattern, operations), full in zip(
        routes, full_paths, strict=True
    ):
        allow = _allow(opts.verb for opts in operations.values())
        route = RouteInfo(allow)
        route.pattern = full
        custom_options = options_attr[route_name.rsplit('.', 1)[1]]
        if callable(getattr(cls, custom_options, None)):
            # The resource's options but its permission (OPTIONS needs
            # none) and body schema, then the method's own.
            operations[custom_options] = defaults.for_verb('OPTIONS').merged(
                _own_options(cls, custom_options, where, schemas)
            )
        cors: CorsSetup = None
        if cors_setting or any(o.cors_origins for o in operations.values()):
            cors = (CorsFactory(factory), defaults.cors_origins)
        infos.append((route_name, route, operations, cors))
        config.add_route(
            route_name,
            with_suffix(pattern),
            factory=factory if cors is None else cors[0],
            format_suffix=True,
            pregenerator=suffix_pregenerator,
            _info=info,
        )
        view = _route_view(cls, route)
        groups = _permission_groups(allow, operations)
        for first, (permission, group) in enumerate(groups, 1):
            # NOTE: one view per permission, so that Pyramid checks it
            # (pviews and debug_authorization show it); None: Pyramid's
            # default permission, if any.  The first also answers
            # OPTIONS, which the kit's deriver lets through.
            config.add_view(
                view,
                route_name=route_name,
                request_method=group + ('OPTIONS',) if first == 1 else group,
                permission=permission,
                restkit_resource=name,
                restkit_options=first == 1,
                _info=info,
            )
        intr['routes'][route_name] = {'pattern': full, 'allow': allow}
        for attr, opts in operations.items():
            verb = opts.verb
            intr['operations'][attr] = opts
            op_intr = config.introspectable(
                'restkit operations',
                (name, attr),
                f'{verb} {full} ({cls.__qualname__}.{attr})',
                'restkit operation',
            )
            op_intr.update(
                resource=name,
                method=attr,
                verb=verb,
                route=route_name,
                pattern=full,
                options=opts,
            )
            # NOTE: not related to media types: Pyramid's introspector
            # keeps relations in lists checked by equality, so relating
            # thousands of operations to one media type costs quadratic
            # time at startup.  The names are in ``options``.
            op_intr.relate('restkit resources', name)
            op_intr.relate('routes', route_name)
            introspectables.append(op_intr)
        intr.relate('routes', route_name)

    sized_action(
        config,
        ('restkit resources', name),
        _register_resource,
        args=(config.registry, cls, name, where, infos, _takes_context(cls)),
        introspectables=tuple(introspectables),
    )
    for full in full_paths:
        sized_action(config, ('restkit paths', normalize_pattern(full)))


def _permission_groups(
    allow: str, operations: Mapping[str, Options]
) -> list[tuple[Any, tuple[str, ...]]]:
    """The verbs of ``allow`` but ``OPTIONS``, grouped by the permission
    each needs.

    ``None`` stands for Pyramid's default permission (none if not set);
    ``HEAD`` needs ``GET``'s.  Groups come in the order of their first
    verb, so ``GET``'s view is found first.
    """
    declared = {opts.verb: opts.permission for opts in operations.values()}
    groups: dict[Any, list[str]] = {}
    for verb in allow.split(', '):
        if verb == 'OPTIONS':
            continue
        permission = declared.get('GET' if verb == 'HEAD' else verb)
        if isinstance(permission, Mapping):
            permission = permission.get('GET' if verb == 'HEAD' else verb)
        groups.setdefault(permission, []).append(verb)
    return [(key, tuple(verbs)) for key, verbs in groups.items()]


def sized_action(
    config: Any,
    discriminator: Any,
    callable: Any = None,
    args: Any = (),
    introspectables: Any = (),
) -> None:
    """``config.action`` whose action dict has one key more than Pyramid's.

    PERF(pyramid 2.1): Pyramid's commit removes each executed action from
    the list of pending ones with ``list.remove``, which compares it with
    every pending action before it: thousands of times per route.  Dicts
    of different sizes compare unequal at once, so Pyramid's own actions
    (8 keys) pass these (9 keys, the extra ``restkit`` key) without a
    key-by-key comparison.  Measured in benchmarks/internals.py;
    Pyramid's action shape is pinned by tests/test_pyramid_internals.py.
    """
    config.action(
        discriminator,
        callable,
        args=args,
        introspectables=introspectables,
        restkit=True,
    )


def _register_resource(
    registry: Any,
    cls: type,
    name: str,
    where: str,
    infos: list[tuple[str, RouteInfo, dict[str, Options], CorsSetup]],
    takes_context: bool,
) -> None:
    """The action of ``add_resource``: build its operations, at commit."""
    settings: Settings = registry.getUtility(IRestkitSettings)
    media_types: MediaTypes = registry.getUtility(IMediaTypes)
    table: RouteTable = registry.getUtility(IRestkitRoutes)
    default_permission = registry.queryUtility(IDefaultPermission)
    for route_name, route, operations, cors in infos:
        for attr, opts in operations.items():
            _claim_operation_id(
                table, opts.operation_id_of(name, attr), where, attr
            )
            route.operations[opts.verb] = build_operation(
                cls,
                attr,
                opts,
                takes_context=takes_context,
                settings=settings,
                media_types=media_types,
                table=table,
                default_permission=default_permission,
                where=f'{where}.{attr}',
                resource=name,
            )
        route.negotiator = _error_negotiator(route.operations)
        share_representations(
            route.operations,
            () if table.versioning is None else table.versioning.versions,
        )
        route.accept_patch = accept_patch = patch_documents(
            route, operations, settings, media_types, table
        )
        if 'GET' in route.operations:
            route.operations['HEAD'] = route.operations['GET']
        if 'OPTIONS' not in route.operations:
            route.operations['OPTIONS'] = table.options_view(
                route.allow, accept_patch
            )
        if table.versioning is not None:
            version_route(route, table.versioning, where)
        if cors is not None:
            # NOTE: after the versions: preflights carry no version, so
            # they are answered before the versioned OPTIONS.
            install_cors(route, operations, cors[0], cors[1], settings)
        table[route_name] = route


def _claim_operation_id(
    table: RouteTable, operation_id: str, where: str, attr: str
) -> None:
    """Refuse an OpenAPI ``operationId`` another operation has already."""
    owner = table.operation_ids.setdefault(operation_id, f'{where}.{attr}')
    if owner != f'{where}.{attr}':
        raise ResourceConfigurationError(
            f'{where}.{attr}: operation_id {operation_id!r} is already '
            f'that of {owner}; operation ids must be unique'
        )


def _error_negotiator(operations: Mapping[str, Any]) -> Negotiator | None:
    """The negotiator that renders errors raised before negotiation."""
    for verb in ('GET', *operations):
        negotiator: Negotiator | None = getattr(
            operations.get(verb), 'negotiator', None
        )
        if negotiator is not None:
            return negotiator
    return None


def _own_options(
    cls: type, attr: str, where: str, schemas: dict[type, Any]
) -> Options:
    """The options ``@operation`` set on ``cls``'s method ``attr``."""
    own = getattr(getattr(cls, attr), OPERATION_ATTR, None)
    if not own:
        return _NO_OPTIONS
    return Options.check(own, f'{where}.{attr}', 'operation', schemas)


def _collection_only(own: Options, attr: str, where: str) -> Options:
    """Refuse the collection options on any method but collection_get."""
    misplaced = own.given & COLLECTION_OPTIONS
    if misplaced and attr != 'collection_get':
        raise ResourceConfigurationError(
            f'{where}.{attr}: {", ".join(sorted(misplaced))} apply to '
            'collection_get only'
        )
    return own


_NO_OPTIONS = Options()
