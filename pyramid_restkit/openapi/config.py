"""Configuration of the OpenAPI document, its routes and security schemes.

Beside :mod:`pyramid_restkit.config` (which holds the resource and media
type directives) because it is a separate concern with its own settings
(``restkit.openapi.*``); like it, it registers everything through
``config.action``, ``add_route`` and ``add_view``.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from typing import Any

from pyramid.interfaces import (
    PHASE2_CONFIG,
    PHASE3_CONFIG,
    IRoutesMapper,
    ISecurityPolicy,
)
from pyramid.security import NO_PERMISSION_REQUIRED

from ..cors import CorsFactory, DocsOptions, route_cors
from ..errors import ResourceConfigurationError
from ..interfaces import IMediaTypes, IOpenAPI, IRestkitSettings
from ..media import MediaTypes
from ..settings import Settings, cors_configured, parse_openapi_settings
from .info import OpenAPIInfo
from .views import (
    DOCS_EXTRA,
    DOCS_UIS,
    AssetView,
    DocsView,
    OpenAPI,
    docs_assets,
    openapi_json_view,
    openapi_yaml_view,
)

#: The route names of the document and the documentation page.
OPENAPI_ROUTES = {
    'json': 'restkit.openapi.json',
    'yaml': 'restkit.openapi.yaml',
    'docs': 'restkit.docs',
    'assets': 'restkit.docs.assets',
}
#: The types of OpenAPI security schemes, and the fields each requires.
SECURITY_SCHEME_FIELDS: dict[str, tuple[str, ...]] = {
    'apiKey': ('name', 'in'),
    'http': ('scheme',),
    'mutualTLS': (),
    'oauth2': ('flows',),
    'openIdConnect': ('openIdConnectUrl',),
}
SECURITY_SCHEME_TYPES = frozenset(SECURITY_SCHEME_FIELDS)
#: What OpenAPI allows as the key of a component.
_COMPONENT_NAME = re.compile(r'[A-Za-z0-9._-]+')


def setup_openapi(config: Any) -> None:
    """Add the OpenAPI document and docs routes (``includeme``).

    Read at include time, like ``restkit.resources``: the routes' patterns
    come from the settings.
    """
    options = parse_openapi_settings(config.get_settings())
    openapi = OpenAPI(
        OpenAPIInfo(
            title=options.title,
            version=options.version,
            description=options.description,
            servers=options.servers,
            media_types=options.media_types,
        )
    )
    registry = config.registry
    registry.registerUtility(openapi, IOpenAPI)
    # NOTE: after phase 2, where set_security_policy registers the policy.
    config.action(
        ('restkit openapi security policy',),
        lambda: policy_security(openapi, registry),
        order=PHASE3_CONFIG,
    )
    if options.media_types is not None:
        _check_published(config, options.media_types)
    added = []
    public = NO_PERMISSION_REQUIRED
    read = ('GET', 'HEAD')
    # NOTE: the documentation routes follow restkit.cors.* (read here, as
    # the paths are; the origins are checked with the other settings).
    cors = cors_configured(config.get_settings())
    factories: list[CorsFactory] = []

    def add_route(route: str, path: str) -> None:
        factory = None
        if cors:
            factory = CorsFactory()
            factories.append(factory)
            config.add_view(
                DocsOptions(factory, 'GET, HEAD, OPTIONS'),
                route_name=route,
                request_method='OPTIONS',
                permission=public,
            )
        config.add_route(route, path, factory=factory)

    for key, path, view in (
        ('json', options.json_path, openapi_json_view),
        ('yaml', options.yaml_path, openapi_yaml_view),
    ):
        if path is None:
            continue
        route = OPENAPI_ROUTES[key]
        add_route(route, path)
        config.add_view(
            view, route_name=route, request_method=read, permission=public
        )
        added.append(route)
    openapi.json_route = OPENAPI_ROUTES['json'] if options.json_path else None
    if options.docs_path is not None:
        try:
            folder = docs_assets(options.docs_ui)
        except ImportError:
            if options.docs_explicit:
                raise ResourceConfigurationError(
                    'restkit.openapi.docs_path: the documentation page '
                    f'needs openapi-ui-bundles ({DOCS_EXTRA})'
                ) from None
            folder = None
        if folder is not None:
            prefix = options.docs_path.rstrip('/')
            add_route(OPENAPI_ROUTES['docs'], options.docs_path)
            add_route(OPENAPI_ROUTES['assets'], prefix + '/{file}')
            config.add_view(
                DocsView(options.docs_ui, OPENAPI_ROUTES['assets']),
                route_name=OPENAPI_ROUTES['docs'],
                request_method=read,
                permission=public,
            )
            config.add_view(
                AssetView(folder, DOCS_UIS[options.docs_ui][1]),
                route_name=OPENAPI_ROUTES['assets'],
                request_method=read,
                permission=public,
            )
            added += [OPENAPI_ROUTES['docs'], OPENAPI_ROUTES['assets']]
    if not added:
        return

    def set_cors() -> None:
        settings: Settings = registry.getUtility(IRestkitSettings)
        for factory in factories:
            factory.cors = route_cors(
                'GET, HEAD, OPTIONS', {}, None, settings.cors
            )

    if factories:
        # NOTE: phase 2, once the settings (phase 1) are parsed.
        config.action(('restkit openapi cors',), set_cors, order=PHASE2_CONFIG)

    def routes_last() -> None:
        # PERF: the include adds these routes before the application's
        # own; matched last, they cost the application's requests nothing
        # (Pyramid tries routes in order), and an application's route of
        # the same path wins.
        move_routes_last(registry.getUtility(IRoutesMapper), added)

    # NOTE: after PHASE3 (the default order), where every route connects.
    config.action(
        ('restkit openapi routes',), routes_last, order=PHASE3_CONFIG + 1
    )


def _check_published(config: Any, names: tuple[str, ...]) -> None:
    """Refuse ``restkit.openapi.media_types`` naming a type not served.

    The default media type must be among them: a client that sends no
    ``Accept`` (most generated clients) gets it.
    """
    registry = config.registry

    def check() -> None:
        media_types: MediaTypes = registry.getUtility(IMediaTypes)
        enabled = media_types.enabled
        unknown = [name for name in names if name not in enabled]
        if unknown:
            raise ResourceConfigurationError(
                'restkit.openapi.media_types may name only enabled media '
                f'types ({" ".join(enabled)}), not {" ".join(unknown)}'
            )
        if media_types.default not in names:
            raise ResourceConfigurationError(
                'restkit.openapi.media_types must include the default media '
                f'type {media_types.default!r} (clients that send no Accept '
                f'get it): {" ".join(names)}'
            )

    # NOTE: after phase 2, which fixes the enabled media types.
    config.action(
        ('restkit openapi media types',), check, order=PHASE2_CONFIG + 1
    )


def checked_scheme(name: Any, scheme: Any) -> dict[str, Any]:
    """``scheme`` (a Security Scheme Object named ``name``) copied, or a
    ``ResourceConfigurationError`` saying what is wrong with it."""
    if not isinstance(name, str) or not _COMPONENT_NAME.fullmatch(name):
        raise ResourceConfigurationError(
            'a security scheme name is ASCII letters, digits, ".", "-" and '
            f'"_": {name!r}'
        )
    if not isinstance(scheme, Mapping) or (
        scheme.get('type') not in SECURITY_SCHEME_TYPES
    ):
        raise ResourceConfigurationError(
            f'security scheme {name!r} must be a mapping whose type is one '
            f'of {", ".join(sorted(SECURITY_SCHEME_TYPES))}: {scheme!r}'
        )
    missing = [
        key
        for key in SECURITY_SCHEME_FIELDS[scheme['type']]
        if key not in scheme
    ]
    if missing:
        raise ResourceConfigurationError(
            f'security scheme {name!r} of type {scheme["type"]!r} needs '
            f'{", ".join(missing)}: {scheme!r}'
        )
    return dict(scheme)


def policy_security(openapi: OpenAPI, registry: Any) -> None:
    """What the document says of the registered security policy.

    Its ``openapi_security_schemes()`` (the policies of
    :mod:`pyramid_restkit.auth` have it), checked as those of
    :func:`add_openapi_security_scheme` are, and whether it offers
    ``challenges`` (then a 401 carries ``WWW-Authenticate``).
    """
    policy = registry.queryUtility(ISecurityPolicy)
    method = getattr(policy, 'openapi_security_schemes', None)
    found = method() if method is not None else {}
    if not isinstance(found, Mapping):
        raise ResourceConfigurationError(
            'openapi_security_schemes() of the security policy must return '
            f'a mapping of names to security schemes: {found!r}'
        )
    openapi.policy_schemes = {
        name: checked_scheme(name, scheme) for name, scheme in found.items()
    }
    openapi.challenges = callable(getattr(policy, 'challenges', None))


def add_openapi_security_scheme(
    config: Any, name: str, scheme: Mapping[str, Any]
) -> None:
    """Declare an OpenAPI security scheme for operations with permissions.

    ``scheme`` is an OpenAPI Security Scheme Object.  Every operation that
    checks a permission then lists each declared scheme in its
    ``security`` and documents ``401`` and ``403``.  Example::

        config.add_openapi_security_scheme(
            'bearer', {'type': 'http', 'scheme': 'bearer'})

    .. versionadded:: 0.1
    """
    scheme = checked_scheme(name, scheme)
    intr = config.introspectable(
        'restkit security schemes', name, name, 'restkit security scheme'
    )
    intr['scheme'] = scheme
    registry = config.registry

    def register() -> None:
        registry.getUtility(IOpenAPI).security_schemes[name] = scheme

    config.action(
        ('restkit security schemes', name),
        register,
        introspectables=(intr,),
    )


def add_json_schema_type(config: Any, typ: Any, converter: Any) -> None:
    """Describe a colander type of the application in the OpenAPI document.

    ``typ`` is a ``colander.SchemaType`` subclass (or its dotted name);
    ``converter(json_schema_converter, node, ctx)`` returns the JSON
    Schema of a node of that type (see
    :meth:`pyramid_restkit.openapi.jsonschema.JSONSchemaConverter.add_type`).
    Example::

        config.add_json_schema_type(
            Slug, lambda conv, node, ctx: {'type': 'string',
                                           'pattern': '^[a-z0-9-]+$'})

    .. versionadded:: 0.1
    """
    typ = config.maybe_dotted(typ)
    converter = config.maybe_dotted(converter)
    if not isinstance(typ, type) or not callable(converter):
        raise ResourceConfigurationError(
            f'add_json_schema_type needs a class and a callable, not '
            f'{typ!r} and {converter!r}'
        )
    _add_converter(config, 'types', typ, converter)


def add_json_schema_validator(
    config: Any, validator: Any, converter: Any
) -> None:
    """Describe a colander validator in the OpenAPI document.

    ``validator`` is a validator class (matched along the MRO of each
    node's validator) or one validator object or function (matched by
    identity); ``converter(json_schema_converter, node, validator)``
    returns the JSON Schema keywords it adds, or None.  Example::

        config.add_json_schema_validator(
            is_even, lambda conv, node, v: {'multipleOf': 2})

    .. versionadded:: 0.1
    """
    validator = config.maybe_dotted(validator)
    converter = config.maybe_dotted(converter)
    if not callable(converter):
        raise ResourceConfigurationError(
            f'add_json_schema_validator needs a callable, not {converter!r}'
        )
    _add_converter(config, 'validators', validator, converter)


def _add_converter(config: Any, kind: str, key: Any, converter: Any) -> None:
    name = getattr(key, '__qualname__', repr(key))
    intr = config.introspectable(
        'restkit json schema converters',
        (kind, id(key)),
        f'{kind[:-1]} {name}',
        'restkit json schema converter',
    )
    intr['key'] = key
    intr['converter'] = converter
    registry = config.registry

    def register() -> None:
        openapi: OpenAPI = registry.getUtility(IOpenAPI)
        openapi.converters[kind].append((key, converter))

    config.action(
        ('restkit json schema converters', kind, id(key)),
        register,
        introspectables=(intr,),
    )


def move_routes_last(mapper: Any, names: Iterable[str]) -> None:
    """Move the routes ``names`` to the end of Pyramid's route list.

    NOTE(pyramid 2.1): ``RoutesMapper`` keeps its routes in order in the
    list ``routelist`` (``get_routes()`` returns it) and matches them in
    that order; Pyramid has no public way to reorder routes.  Pinned by
    tests/test_pyramid_internals.py.
    """
    for name in names:
        route = mapper.get_route(name)
        mapper.routelist.remove(route)
        mapper.routelist.append(route)
