"""Configuration directives: the only module that calls ``config.action``.

``config.add_resource`` validates its arguments at once, composes
``add_route`` and ``add_view`` so Pyramid's tools (``proutes``, ``pviews``,
the introspector) see ordinary routes and views, and registers actions
whose discriminators make two resources with the same name or the same
path pattern a ``ConfigurationConflictError`` naming both declarations.
The expensive part (negotiators, prepared schemas, permissions) runs in
the action, at commit, when every media type and setting is known.
"""

from __future__ import annotations

import inspect
import re
from collections.abc import Iterable, Mapping
from inspect import CO_VARARGS
from types import FunctionType
from typing import Any

from pyramid.interfaces import PHASE1_CONFIG, PHASE2_CONFIG, IDefaultPermission

from .decorators import OPERATION_ATTR
from .errors import ResourceConfigurationError
from .interfaces import IMediaTypes, IRestkitRoutes, IRestkitSettings
from .media import MediaType, MediaTypes, Parser, Renderer
from .negotiation import Negotiator
from .operations import RouteTable, build_operation
from .predicates import suffix_pregenerator, with_suffix
from .renderers import MediaRendererFactory, renderer_extension
from .schemas import as_schema
from .settings import Settings, parse_settings
from .views import (
    VERB_ORDER,
    RouteInfo,
    View,
)

_SUFFIX = re.compile(r'\.[A-Za-z0-9]+')

COLLECTION_VERBS = {
    'collection_get': 'GET',
    'collection_post': 'POST',
    'collection_put': 'PUT',
    'collection_patch': 'PATCH',
    'collection_delete': 'DELETE',
}
ITEM_VERBS = {
    'get': 'GET',
    'post': 'POST',
    'put': 'PUT',
    'patch': 'PATCH',
    'delete': 'DELETE',
}
BODY_VERBS = frozenset({'POST', 'PUT', 'PATCH'})
PERMISSION_VERBS = frozenset({'GET', 'POST', 'PUT', 'PATCH', 'DELETE'})

#: Options a resource sets for all its operations.
RESOURCE_OPTIONS = frozenset(
    {
        'schema',
        'response_schema',
        'permission',
        'media_types',
        'default_media_type',
        'summary',
        'description',
        'tags',
        'media_options',
        'responses',
        'deprecated',
    }
)
#: Options of ``@operation``: the resource's plus those of one verb.
OPERATION_OPTIONS = RESOURCE_OPTIONS | {
    'status',
    'media_type',
    'operation_id',
}


def check_options(
    options: Mapping[str, Any], allowed: Iterable[str], where: str = ''
) -> None:
    """Refuse option names a directive does not know."""
    if not options:
        return
    allowed = frozenset(allowed)  # the same object if it is one already
    unknown = sorted(key for key in options if key not in allowed)
    if unknown:
        raise ResourceConfigurationError(
            f'{where}unknown option(s) {", ".join(unknown)}; expected one of '
            f'{", ".join(sorted(allowed))}'
        )


def _check_permission(permission: Any) -> Any:
    if permission is None or isinstance(permission, str):
        return permission
    if isinstance(permission, Mapping):
        normalized = {}
        for verb, value in permission.items():
            key = str(verb).upper()
            if key not in PERMISSION_VERBS:
                raise ResourceConfigurationError(
                    f'permission names the verb {verb!r}; expected one of '
                    f'{", ".join(sorted(PERMISSION_VERBS))}'
                )
            if not isinstance(value, str):
                raise ResourceConfigurationError(
                    f'the permission of {key} must be a string: {value!r}'
                )
            normalized[key] = value
        return normalized
    raise ResourceConfigurationError(
        f'permission must be a string or a mapping of verbs, not '
        f'{permission!r}'
    )


def _check_names(value: Any, what: str) -> tuple[str, ...]:
    if isinstance(value, str):
        value = value.split()
    names = tuple(value)
    if not names or not all(isinstance(name, str) for name in names):
        raise ResourceConfigurationError(
            f'{what} must be a non-empty list of media type names: {value!r}'
        )
    return names


def _check_operation(
    options: dict[str, Any],
    where: str,
    schemas: dict[type, Any] | None = None,
) -> dict[str, Any]:
    """Check and normalize an operation's options.

    ``schemas`` maps schema classes to the instance made of each so far in
    this configuration: every operation naming a class shares one instance
    and so (see ``RouteTable.validators``) one set of prepared schemas.
    """
    checked = dict(options)
    for key in ('schema', 'response_schema'):
        if key in checked:
            value = checked[key]
            if schemas is not None and isinstance(value, type):
                schema = schemas.get(value)
                if schema is None:
                    schema = schemas[value] = as_schema(
                        value, f'{where}: {key}'
                    )
                checked[key] = schema
            else:
                checked[key] = as_schema(value, f'{where}: {key}')
    if 'permission' in checked:
        checked['permission'] = _check_permission(checked['permission'])
    if 'media_types' in checked:
        checked['media_types'] = _check_names(
            checked['media_types'], f'{where}: media_types'
        )
    media_options = checked.get('media_options')
    if media_options is not None and not (
        isinstance(media_options, Mapping)
        and all(
            isinstance(k, str) and isinstance(v, Mapping)
            for k, v in media_options.items()
        )
    ):
        raise ResourceConfigurationError(
            f'{where}: media_options maps media type names to option '
            f'mappings, e.g. {{"xml": {{"root": "post"}}}}: {media_options!r}'
        )
    responses = checked.get('responses')
    if responses is not None:
        checked['responses'] = _check_responses(responses, where)
    for key in ('operation_id', 'summary', 'description'):
        value = checked.get(key)
        if value is not None and not isinstance(value, str):
            raise ResourceConfigurationError(
                f'{where}: {key} must be a string, not {value!r}'
            )
    if 'deprecated' in checked and not isinstance(checked['deprecated'], bool):
        raise ResourceConfigurationError(
            f'{where}: deprecated must be true or false, not '
            f'{checked["deprecated"]!r}'
        )
    status = checked.get('status')
    if status is not None and (
        not isinstance(status, int)
        or isinstance(status, bool)
        or not 200 <= status < 400
    ):
        raise ResourceConfigurationError(
            f'{where}: status must be a 2xx or 3xx code, not {status!r}'
        )
    return checked


def _check_responses(responses: Any, where: str) -> dict[int, str]:
    """Check ``responses``: HTTP status -> description (for OpenAPI)."""
    if not isinstance(responses, Mapping):
        raise ResourceConfigurationError(
            f'{where}: responses maps statuses to descriptions, e.g. '
            f'{{404: "No such post."}}: {responses!r}'
        )
    checked = {}
    for status, description in responses.items():
        if (
            not isinstance(status, int)
            or isinstance(status, bool)
            or not 200 <= status < 600
        ):
            raise ResourceConfigurationError(
                f'{where}: responses: {status!r} is not an HTTP status '
                '(200-599)'
            )
        if not isinstance(description, str):
            raise ResourceConfigurationError(
                f'{where}: responses: the description of {status} must be '
                f'a string, not {description!r}'
            )
        checked[status] = description
    return checked


def normalize_pattern(pattern: str) -> str:
    """Reduce a route pattern to its shape: placeholder names dropped.

    ``/posts/{id}`` and ``posts/{pk}`` are the same path to a client.
    """
    out = []
    depth = 0
    placeholder = ''
    for char in pattern if pattern.startswith('/') else '/' + pattern:
        if depth:
            if char == '{':
                depth += 1
            elif char == '}':
                depth -= 1
                if not depth:
                    _, colon, regex = placeholder.partition(':')
                    out.append('{' + colon + regex + '}')
                    continue
            placeholder += char
        elif char == '{':
            depth = 1
            placeholder = ''
        else:
            out.append(char)
    return ''.join(out)


_OBJECT_NEW: Any = object.__new__


def _takes_context(cls: type) -> bool:
    """Whether ``cls(request, context)`` binds (else ``cls(request)``)."""
    # PERF: inspect.signature costs about 20 us a class; the common case,
    # a plain class with a plain ``__init__``, is read from its code
    # object with the same answer (tests/test_config.py compares them).
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
    check_options(options, RESOURCE_OPTIONS)
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
    # at commit) once per configuration; see _check_operation.
    schemas = config.registry.getUtility(IRestkitRoutes).schemas
    defaults = _check_operation(options, where, schemas) if options else {}
    # The resource's options for verbs without a body: all but the schema.
    bodiless = {
        key: value for key, value in defaults.items() if key != 'schema'
    }
    routes = []
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
        if not methods:
            raise ResourceConfigurationError(
                f'{where} has a {suffix} path {pattern!r} but no method '
                f'for it (expected one of {", ".join(verbs)})'
            )
        operations = {}
        for attr, verb in methods.items():
            merged = dict(defaults if verb in BODY_VERBS else bodiless)
            own = getattr(getattr(cls, attr), OPERATION_ATTR, None)
            if own:
                check_options(own, OPERATION_OPTIONS, f'{where}.{attr}: ')
                merged.update(
                    _check_operation(own, f'{where}.{attr}', schemas)
                )
            operations[attr] = (verb, merged)
        routes.append((f'{name}.{suffix}', pattern, operations))

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
    introspectables = [intr]
    infos = []
    # PERF: nested directives reuse this call's info; otherwise each one
    # walks the stack again for a location conflicts never show.
    info = config.action_info
    for route_name, pattern, operations in routes:
        allow = _allow(verb for verb, _ in operations.values())
        route = RouteInfo(allow)
        custom_options = options_attr[route_name.rsplit('.', 1)[1]]
        if callable(getattr(cls, custom_options, None)):
            # The resource's options but its permission (OPTIONS needs
            # none) and body schema, then the method's own.
            own = getattr(getattr(cls, custom_options), OPERATION_ATTR, {})
            check_options(
                own, OPERATION_OPTIONS, f'{where}.{custom_options}: '
            )
            opts = {
                key: value
                for key, value in defaults.items()
                if key not in ('permission', 'schema')
            }
            opts.update(
                _check_operation(own, f'{where}.{custom_options}', schemas)
            )
            operations[custom_options] = ('OPTIONS', opts)
        infos.append((route_name, route, operations))
        config.add_route(
            route_name,
            with_suffix(pattern),
            factory=factory,
            format_suffix=True,
            pregenerator=suffix_pregenerator,
            _info=info,
        )
        config.add_view(
            _route_view(cls, route),
            route_name=route_name,
            request_method=tuple(allow.split(', ')),
            restkit_resource=name,
            _info=info,
        )
        intr['routes'][route_name] = {'pattern': pattern, 'allow': allow}
        for attr, (verb, opts) in operations.items():
            intr['operations'][attr] = dict(opts, verb=verb)
            op_intr = config.introspectable(
                'restkit operations',
                (name, attr),
                f'{verb} {pattern} ({cls.__qualname__}.{attr})',
                'restkit operation',
            )
            op_intr.update(
                resource=name,
                method=attr,
                verb=verb,
                route=route_name,
                pattern=pattern,
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

    # PERF(resolveConflicts): these actions carry the extra key
    # ``restkit_resource``.  Pyramid's commit removes each executed
    # action from the list of pending ones with list.remove, which
    # compares it with every pending action before it: thousands of times
    # per route.  Action dicts of different sizes compare unequal at once,
    # so Pyramid's own actions (8 keys) pass ours (9 keys) without the
    # key-by-key comparison.  Measured with 1000 resources: about a
    # quarter less time in resolveConflicts (0.6 s -> 0.45 s).
    config.action(
        ('restkit resources', name),
        _register_resource,
        args=(config.registry, cls, where, infos, _takes_context(cls)),
        introspectables=tuple(introspectables),
        restkit_resource=name,
    )
    for pattern in (collection_path, path):
        if pattern is not None:
            config.action(
                ('restkit paths', normalize_pattern(pattern)),
                restkit_resource=name,
            )


def _register_resource(
    registry: Any,
    cls: type,
    where: str,
    infos: list[tuple[str, RouteInfo, dict[str, tuple[str, dict[str, Any]]]]],
    takes_context: bool,
) -> None:
    """The action of ``add_resource``: build its operations, at commit."""
    settings: Settings = registry.getUtility(IRestkitSettings)
    media_types: MediaTypes = registry.getUtility(IMediaTypes)
    table: RouteTable = registry.getUtility(IRestkitRoutes)
    default_permission = registry.queryUtility(IDefaultPermission)
    for route_name, route, operations in infos:
        for attr, (verb, opts) in operations.items():
            route.operations[verb] = build_operation(
                cls,
                attr,
                verb,
                opts,
                takes_context=takes_context,
                settings=settings,
                media_types=media_types,
                table=table,
                default_permission=default_permission,
                where=f'{where}.{attr}',
            )
        route.negotiator = _error_negotiator(route.operations)
        if 'GET' in route.operations:
            route.operations['HEAD'] = route.operations['GET']
        if 'OPTIONS' not in route.operations:
            route.operations['OPTIONS'] = table.options_view(route.allow)
        table[route_name] = route


def _error_negotiator(operations: Mapping[str, Any]) -> Negotiator | None:
    """The negotiator that renders errors raised before negotiation."""
    for verb in ('GET', *operations):
        negotiator: Negotiator | None = getattr(
            operations.get(verb), 'negotiator', None
        )
        if negotiator is not None:
            return negotiator
    return None


def add_media_type(
    config: Any,
    name: str,
    media_type: str,
    renderer: Renderer | None = None,
    parser: Parser | None = None,
    suffixes: Iterable[str] = (),
    input_types: Iterable[str] | None = None,
    typed: bool = True,
    charsets: Iterable[str] = (),
    problem_type: str | None = None,
    parse_opt_in: bool = False,
    default_enabled: bool = True,
    _builtin: bool = False,
) -> None:
    """Register (or replace) the media type ``name``.

    ``renderer`` has a ``dumps(value, request, **options) -> bytes`` method
    (and may have ``dumps_problem``); it also becomes the Pyramid renderer
    ``restkit.<name>``.  ``parser`` is ``parser(body, options)`` and raises
    only :class:`~pyramid_restkit.errors.ParseError`.  ``input_types`` are
    the request content types it parses (default: ``media_type``);
    ``suffixes`` select it in URLs (``('.csv',)``); ``typed``: the parser
    yields numbers and booleans that schemas must not coerce; ``charsets``
    the only charsets accepted on input; ``problem_type`` the media type of
    problem details in this format (``None``: JSON ones);
    ``parse_opt_in``: parse only for operations listing it in their own
    ``media_types``; ``default_enabled``: enabled when
    ``restkit.media_types`` is not set.  Registering a name again in the
    application's own configuration replaces the kit's built-in.  Example::

        config.add_media_type('csv', 'text/csv', renderer=CSVRenderer(),
                              suffixes=('.csv',))

    .. versionadded:: 0.1
    """
    if not isinstance(name, str) or not name.isidentifier():
        raise ResourceConfigurationError(
            f'a media type name must be an identifier: {name!r}'
        )
    if not isinstance(media_type, str) or media_type.count('/') != 1:
        raise ResourceConfigurationError(
            f'{name}: not a media type: {media_type!r}'
        )
    if renderer is None and parser is None:
        raise ResourceConfigurationError(
            f'{name}: a media type needs a renderer, a parser, or both'
        )
    if renderer is not None and not callable(getattr(renderer, 'dumps', None)):
        raise ResourceConfigurationError(
            f'{name}: a renderer needs a dumps(value, request) method'
        )
    if parser is not None and not callable(parser):
        raise ResourceConfigurationError(f'{name}: the parser is not callable')
    suffixes = tuple(suffixes)
    bad = [s for s in suffixes if not _SUFFIX.fullmatch(str(s))]
    if bad:
        raise ResourceConfigurationError(
            f'{name}: a suffix is a dot and letters or digits (.yaml): '
            f'{bad[0]!r}'
        )
    media = MediaType(
        name=name,
        media_type=media_type.lower(),
        renderer=renderer,
        parser=parser,
        input_types=tuple(t.lower() for t in (input_types or (media_type,))),
        suffixes=tuple(suffixes),
        typed=typed,
        charsets=frozenset(c.lower() for c in charsets),
        problem_type=problem_type,
        parse_opt_in=parse_opt_in,
        default_enabled=default_enabled,
        builtin=_builtin,
    )
    intr = config.introspectable(
        'restkit media types',
        name,
        f'{name} ({media_type})',
        'restkit media type',
    )
    intr['media'] = media
    registry = config.registry

    def register() -> None:
        registry.getUtility(IMediaTypes).add(media)

    # NOTE: phase 1, like add_renderer: resources look media types up when
    # their own actions run, later in the commit.
    config.action(
        ('restkit media types', name),
        register,
        introspectables=(intr,),
        order=PHASE1_CONFIG,
    )
    if renderer is not None:
        config.add_renderer(
            renderer_extension(name), MediaRendererFactory(media)
        )


def remove_media_type(config: Any, name: str) -> None:
    """Remove the media type ``name``, a built-in one included.

    The application's call wins over the kit's own registration (an
    include's action is overridden by the including configuration).  The
    renderer ``restkit.<name>`` stays available to plain views.  Example::

        config.remove_media_type('xml')

    .. versionadded:: 0.1
    """
    registry = config.registry

    def register() -> None:
        registry.getUtility(IMediaTypes).remove(name)

    config.action(('restkit media types', name), register, order=PHASE1_CONFIG)


def setup_registry(config: Any) -> None:
    """Create the utilities and the settings/media actions (``includeme``)."""
    # NOTE: Pyramid includes a module once per configurator, so these
    # containers are created once; directives fill them during commit.
    registry = config.registry
    registry.registerUtility(MediaTypes(), IMediaTypes)
    registry.registerUtility(RouteTable(), IRestkitRoutes)

    def register_settings() -> None:
        settings = parse_settings(registry.settings)
        registry.registerUtility(settings, IRestkitSettings)
        # Write normalized values back, for code reading plain settings.
        registry.settings.update(settings.as_settings())

    def enable_media_types() -> None:
        settings: Settings = registry.getUtility(IRestkitSettings)
        media_types: MediaTypes = registry.getUtility(IMediaTypes)
        media_types.enable(settings.media_types, settings.default_media_type)
        registry.getUtility(IRestkitRoutes).plain_negotiator = Negotiator(
            [
                media_types.by_name[name]
                for name in media_types.enabled
                if media_types.by_name[name].renderer is not None
            ],
            media_types.by_name[media_types.default],
        )

    config.action(
        ('restkit settings',), register_settings, order=PHASE1_CONFIG
    )
    # NOTE: phase 2: after every add_media_type (phase 1), before resources.
    config.action(
        ('restkit media enable',), enable_media_types, order=PHASE2_CONFIG
    )
