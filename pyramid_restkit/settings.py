"""The ``restkit.*`` settings, parsed once into a frozen dataclass."""

from __future__ import annotations

import difflib
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from pyramid.settings import asbool, aslist

from .errors import ResourceConfigurationError

#: Verbs a method override may ever name.  GET, HEAD and OPTIONS are not
#: among them: an override turns a POST into a verb with a body or effect.
OVERRIDABLE = frozenset({'PUT', 'PATCH', 'DELETE'})

#: An origin as browsers send it: ``scheme://host[:port]``, nothing more.
ORIGIN = re.compile(r'[a-z][a-z0-9+.-]*://[^/?#@\s]+')
#: A header name (RFC 9110 token).
_TOKEN = re.compile(r"[!#$%&'*+.^_`|~0-9A-Za-z-]+")


@dataclass(frozen=True)
class CorsSettings:
    """The ``restkit.cors.*`` settings (see :mod:`pyramid_restkit.cors`)."""

    #: Allowed origins, ``('*',)`` for any, ``()`` for none.
    origins: tuple[str, ...] = ()
    credentials: bool = False
    #: ``Access-Control-Max-Age`` in seconds; ``None``: not sent.
    max_age: int | None = None
    expose_headers: tuple[str, ...] = ()
    allow_headers: tuple[str, ...] = ()


@dataclass(frozen=True)
class Settings:
    """Normalized ``restkit.*`` settings (see API.md for the meaning)."""

    #: Enabled media types in server preference order; ``None`` enables
    #: every registered type in the order of registration.
    media_types: tuple[str, ...] | None = None
    default_media_type: str = 'json'
    method_override: bool = True
    method_override_methods: frozenset[str] = frozenset(
        {'PUT', 'PATCH', 'DELETE'}
    )
    max_body_size: int = 1048576
    max_depth: int = 64
    max_fields: int = 1000
    validation_status: int = 400
    unknown_fields: str = 'raise'
    cross_origin_protection: bool = True
    trusted_origins: frozenset[str] = frozenset()
    cors: CorsSettings = CorsSettings()
    #: ``accept``, ``path``, ``query`` or ``header``; ``None``: no
    #: versioning.
    versioning: str | None = None
    #: The API versions, the default first (empty without versioning).
    versions: tuple[str, ...] = ()
    #: Page size when the request names none, and the largest allowed.
    pagination_default_size: int = 20
    pagination_max_size: int = 100
    #: The key that signs what the kit hands out (pagination cursors);
    #: ``None``: not set (cursor pagination is then a configuration error).
    secret: str | None = None
    #: The request attribute holding the SQLAlchemy session.
    sqlalchemy_session: str = 'dbsession'

    def as_settings(self) -> dict[str, Any]:
        """The normalized values under their ``restkit.*`` keys."""
        values: dict[str, Any] = {
            'restkit.default_media_type': self.default_media_type,
            'restkit.method_override': self.method_override,
            'restkit.method_override.methods': tuple(
                sorted(self.method_override_methods)
            ),
            'restkit.max_body_size': self.max_body_size,
            'restkit.max_depth': self.max_depth,
            'restkit.max_fields': self.max_fields,
            'restkit.validation_status': self.validation_status,
            'restkit.unknown_fields': self.unknown_fields,
            'restkit.cross_origin_protection': self.cross_origin_protection,
            'restkit.trusted_origins': tuple(sorted(self.trusted_origins)),
            'restkit.cors.origins': self.cors.origins,
            'restkit.cors.credentials': self.cors.credentials,
            'restkit.cors.expose_headers': self.cors.expose_headers,
            'restkit.cors.allow_headers': self.cors.allow_headers,
            'restkit.versioning': self.versioning,
            'restkit.versions': self.versions,
            'restkit.pagination.default_size': self.pagination_default_size,
            'restkit.pagination.max_size': self.pagination_max_size,
            'restkit.sqlalchemy.session': self.sqlalchemy_session,
        }
        if self.secret is not None:
            values['restkit.secret'] = self.secret
        if self.cors.max_age is not None:
            values['restkit.cors.max_age'] = self.cors.max_age
        if self.media_types is not None:
            values['restkit.media_types'] = self.media_types
        return values


def _int(
    settings: Mapping[str, Any], key: str, default: int, minimum: int = 1
) -> int:
    value = settings.get(key, default)
    try:
        number = int(value)
    except (TypeError, ValueError):
        raise ResourceConfigurationError(
            f'{key} must be a whole number, not {value!r}'
        ) from None
    if number < minimum:
        what = 'positive' if minimum == 1 else f'at least {minimum}'
        raise ResourceConfigurationError(f'{key} must be {what}: {value!r}')
    return number


#: Every ``restkit.*`` setting the kit reads; any other is a mistake.
KNOWN_SETTINGS = frozenset(
    {
        'restkit.media_types',
        'restkit.default_media_type',
        'restkit.method_override',
        'restkit.method_override.methods',
        'restkit.max_body_size',
        'restkit.max_depth',
        'restkit.max_fields',
        'restkit.validation_status',
        'restkit.unknown_fields',
        'restkit.cross_origin_protection',
        'restkit.trusted_origins',
        'restkit.cors.origins',
        'restkit.cors.credentials',
        'restkit.cors.max_age',
        'restkit.cors.expose_headers',
        'restkit.cors.allow_headers',
        'restkit.versioning',
        'restkit.versions',
        'restkit.pagination.default_size',
        'restkit.pagination.max_size',
        'restkit.secret',
        'restkit.trusted_proxies',
        'restkit.throttle.storage',
        'restkit.throttle.fail_open',
        'restkit.throttle.timeout',
        'restkit.sqlalchemy.session',
        'restkit.resources',
        'restkit.openapi',
        'restkit.openapi.json_path',
        'restkit.openapi.yaml_path',
        'restkit.openapi.docs_path',
        'restkit.openapi.docs_ui',
        'restkit.openapi.title',
        'restkit.openapi.version',
        'restkit.openapi.description',
        'restkit.openapi.servers',
        'restkit.openapi.media_types',
    }
)


def check_known(settings: Mapping[str, Any]) -> None:
    """Refuse a ``restkit.*`` key the kit does not read (a typo, usually).

    The message names the closest known key.
    """
    for key in sorted(settings):
        if (
            isinstance(key, str)
            and key.startswith('restkit.')
            and key not in KNOWN_SETTINGS
        ):
            close = difflib.get_close_matches(key, KNOWN_SETTINGS, n=1)
            hint = f'; did you mean {close[0]!r}?' if close else ''
            raise ResourceConfigurationError(
                f'unknown setting {key!r}{hint} (known: '
                f'{", ".join(sorted(KNOWN_SETTINGS))})'
            )


def parse_settings(settings: Mapping[str, Any]) -> Settings:
    """Build :class:`Settings` from a Pyramid settings mapping.

    Raises :class:`~pyramid_restkit.errors.ResourceConfigurationError`
    naming the key and the bad value, or an unknown ``restkit.*`` key.
    """
    check_known(settings)
    defaults = Settings()
    media_types = tuple(aslist(settings.get('restkit.media_types', '')))
    default_media_type = str(
        settings.get('restkit.default_media_type', defaults.default_media_type)
    ).strip()
    methods = frozenset(
        m.upper()
        for m in aslist(
            settings.get('restkit.method_override.methods', 'PUT PATCH DELETE')
        )
    )
    bad = sorted(methods - OVERRIDABLE)
    if bad:
        raise ResourceConfigurationError(
            'restkit.method_override.methods may name only '
            f'{", ".join(sorted(OVERRIDABLE))}, not {", ".join(bad)}'
        )
    status = _int(settings, 'restkit.validation_status', 400)
    if status not in (400, 422):
        raise ResourceConfigurationError(
            f'restkit.validation_status must be 400 or 422, not {status}'
        )
    unknown = str(settings.get('restkit.unknown_fields', 'raise')).strip()
    if unknown not in ('raise', 'ignore'):
        raise ResourceConfigurationError(
            "restkit.unknown_fields must be 'raise' or 'ignore', "
            f'not {unknown!r}'
        )
    return Settings(
        media_types=media_types or None,
        default_media_type=default_media_type,
        method_override=asbool(settings.get('restkit.method_override', True)),
        method_override_methods=methods,
        max_body_size=_int(settings, 'restkit.max_body_size', 1048576),
        max_depth=_int(settings, 'restkit.max_depth', 64),
        max_fields=_int(settings, 'restkit.max_fields', 1000),
        validation_status=status,
        unknown_fields=unknown,
        cross_origin_protection=asbool(
            settings.get('restkit.cross_origin_protection', True)
        ),
        trusted_origins=frozenset(
            aslist(settings.get('restkit.trusted_origins', ''))
        ),
        cors=parse_cors_settings(settings),
        **_versioning(settings),
        **_collections(settings),
    )


def _collections(settings: Mapping[str, Any]) -> dict[str, Any]:
    """Pagination sizes, the signing secret, the SQLAlchemy session."""
    default_size = _int(settings, 'restkit.pagination.default_size', 20)
    max_size = _int(settings, 'restkit.pagination.max_size', 100)
    if default_size > max_size:
        raise ResourceConfigurationError(
            f'restkit.pagination.default_size ({default_size}) is over '
            f'restkit.pagination.max_size ({max_size})'
        )
    secret = settings.get('restkit.secret')
    if secret is not None:
        if not isinstance(secret, str) or len(secret.strip()) < 16:
            raise ResourceConfigurationError(
                'restkit.secret must be a string of at least 16 characters '
                '(a long random one: python -c "import secrets; '
                'print(secrets.token_urlsafe(32))")'
            )
        secret = secret.strip()
    session = str(
        settings.get('restkit.sqlalchemy.session', 'dbsession')
    ).strip()
    if not session.isidentifier():
        raise ResourceConfigurationError(
            'restkit.sqlalchemy.session must name a request attribute, not '
            f'{session!r}'
        )
    return {
        'pagination_default_size': default_size,
        'pagination_max_size': max_size,
        'secret': secret,
        'sqlalchemy_session': session,
    }


def _strings(settings: Mapping[str, Any], key: str) -> tuple[str, ...]:
    """A list-valued setting: a whitespace-separated string or a list."""
    value = settings.get(key, '')
    if isinstance(value, str):
        return tuple(value.split())
    items = tuple(value) if isinstance(value, Iterable) else None
    if items is None or not all(isinstance(item, str) for item in items):
        raise ResourceConfigurationError(
            f'{key} must be a whitespace-separated string or a list of '
            f'strings, not {value!r}'
        )
    return tuple(word for item in items for word in item.split())


def cors_configured(settings: Mapping[str, Any]) -> bool:
    """Whether the raw ``restkit.cors.origins`` setting names anything.

    Read at configuration time, before the settings are parsed (and
    checked), to decide which routes may need CORS.
    """
    value = settings.get('restkit.cors.origins')
    if isinstance(value, str):
        return bool(value.split())
    return bool(value)


def parse_origins(origins: tuple[str, ...], what: str) -> tuple[str, ...]:
    """Check CORS origins: ``('*',)`` or ``scheme://host[:port]`` values."""
    if origins == ('*',):
        return origins
    for origin in origins:
        if not ORIGIN.fullmatch(origin):
            raise ResourceConfigurationError(
                f'{what}: {origin!r} is not an origin; expected '
                'scheme://host[:port] (or "*" alone)'
            )
    return origins


_BOOLEANS = {
    'true': True,
    'yes': True,
    'on': True,
    '1': True,
    'false': False,
    'no': False,
    'off': False,
    '0': False,
}


def parse_cors_settings(settings: Mapping[str, Any]) -> CorsSettings:
    """Build :class:`CorsSettings` from a Pyramid settings mapping."""
    key = 'restkit.cors.origins'
    origins = parse_origins(_strings(settings, key), key)
    key = 'restkit.cors.credentials'
    raw = settings.get(key, False)
    credentials = (
        raw
        if isinstance(raw, bool)
        else _BOOLEANS.get(str(raw).strip().lower())
    )
    if credentials is None:
        raise ResourceConfigurationError(
            f'{key} must be true or false, not {raw!r}'
        )
    key = 'restkit.cors.max_age'
    max_age = None
    if str(settings.get(key, '')).strip():
        max_age = _int(settings, key, 0, minimum=0)
    headers = {}
    for name in ('expose_headers', 'allow_headers'):
        key = f'restkit.cors.{name}'
        values = _strings(settings, key)
        for value in values:
            if not _TOKEN.fullmatch(value):
                raise ResourceConfigurationError(
                    f'{key}: {value!r} is not a header name'
                )
        headers[name] = values
    return CorsSettings(
        origins=origins,
        credentials=credentials,
        max_age=max_age,
        **headers,
    )


#: The values of ``restkit.versioning``.
VERSIONING_MODES = ('accept', 'path', 'query', 'header')

#: What a version may be made of: URL-safe characters (RFC 3986
#: "unreserved"), so that one reads the same in a path, a query, a
#: header and an Accept parameter, with no quoting or escaping.
_VERSION = re.compile(r'[A-Za-z0-9._~-]+')


def _versioning(settings: Mapping[str, Any]) -> dict[str, Any]:
    """``restkit.versioning`` and ``restkit.versions``, checked together.

    A mode needs at least one version; versions need a mode (they would
    do nothing, silently).  Versions are distinct and URL-safe.
    """
    mode = settings.get('restkit.versioning')
    mode = str(mode).strip().lower() if mode is not None else ''
    if mode in ('', 'none', 'false', 'off'):
        mode = ''
    elif mode not in VERSIONING_MODES:
        raise ResourceConfigurationError(
            f'restkit.versioning must be one of {", ".join(VERSIONING_MODES)}'
            f', not {settings["restkit.versioning"]!r}'
        )
    raw = settings.get('restkit.versions', '')
    if isinstance(raw, str):
        versions = aslist(raw)
    elif isinstance(raw, (list, tuple)):
        versions = list(raw)
    else:
        raise ResourceConfigurationError(
            f'restkit.versions must be a whitespace-separated string or a '
            f'list, not {raw!r}'
        )
    for version in versions:
        if isinstance(version, int) and not isinstance(version, bool):
            continue  # a list may hold numbers, as YAML's versions: [1, 2]
        if not isinstance(version, str) or not _VERSION.fullmatch(version):
            raise ResourceConfigurationError(
                f'restkit.versions: {version!r} is not a version; use '
                'letters, digits, ".", "_", "~" and "-" (as in 2, v2, '
                '2024-06-01)'
            )
    versions = [str(v) for v in versions]
    if len(set(versions)) != len(versions):
        raise ResourceConfigurationError(
            f'restkit.versions names a version twice: {" ".join(versions)}'
        )
    if mode and not versions:
        raise ResourceConfigurationError(
            f'restkit.versioning = {mode} needs restkit.versions, the '
            'allowed versions (the default first)'
        )
    if versions and not mode:
        raise ResourceConfigurationError(
            'restkit.versions needs restkit.versioning (one of '
            f'{", ".join(VERSIONING_MODES)}): without it no request is '
            'versioned'
        )
    return {'versioning': mode or None, 'versions': tuple(versions)}


#: The documentation UIs ``restkit.openapi.docs_ui`` may name.
DOCS_UIS = ('swagger-ui', 'redoc')


@dataclass(frozen=True)
class OpenAPISettings:
    """The ``restkit.openapi.*`` settings; a path ``None`` is disabled."""

    json_path: str | None = '/openapi.json'
    yaml_path: str | None = '/openapi.yaml'
    docs_path: str | None = '/docs'
    #: Whether ``docs_path`` was set explicitly (the extra is then needed).
    docs_explicit: bool = False
    docs_ui: str = 'swagger-ui'
    title: str = 'API'
    version: str = '0.1.0'
    description: str = ''
    servers: tuple[str, ...] = ()
    #: The media types the document describes (names); ``None``: every
    #: one each operation serves.  The runtime serves them all anyway.
    media_types: tuple[str, ...] | None = None


def _path(settings: Mapping[str, Any], key: str, default: str) -> str | None:
    value = str(settings.get(key, default)).strip()
    if value.lower() in ('', 'false', 'off', 'no', 'none'):
        return None
    if not value.startswith('/') or '{' in value or '*' in value:
        raise ResourceConfigurationError(
            f'{key} must be a path starting with /, without placeholders, '
            f'or false to disable it: {value!r}'
        )
    return value.rstrip('/') or '/'


def parse_openapi_settings(settings: Mapping[str, Any]) -> OpenAPISettings:
    """Build :class:`OpenAPISettings` from a Pyramid settings mapping."""
    defaults = OpenAPISettings()
    enabled = asbool(settings.get('restkit.openapi', True))
    ui = str(settings.get('restkit.openapi.docs_ui', defaults.docs_ui))
    if ui not in DOCS_UIS:
        raise ResourceConfigurationError(
            f'restkit.openapi.docs_ui must be one of {", ".join(DOCS_UIS)}, '
            f'not {ui!r}'
        )
    json_path = _path(settings, 'restkit.openapi.json_path', '/openapi.json')
    docs_path = _path(settings, 'restkit.openapi.docs_path', '/docs')
    if docs_path is not None and json_path is None:
        if 'restkit.openapi.docs_path' in settings:
            raise ResourceConfigurationError(
                'restkit.openapi.docs_path needs restkit.openapi.json_path: '
                'the page loads the document from there'
            )
        docs_path = None
    if not enabled:
        return OpenAPISettings(None, None, None)
    yaml_path = _path(settings, 'restkit.openapi.yaml_path', '/openapi.yaml')
    paths = {
        'json_path': json_path,
        'yaml_path': yaml_path,
        'docs_path': docs_path,
    }
    seen: dict[str, str] = {}
    for key, path in paths.items():
        if path is None:
            continue
        if path in seen:
            # NOTE: the first route of a path would hide the other.
            raise ResourceConfigurationError(
                f'restkit.openapi.{seen[path]} and restkit.openapi.{key} '
                f'are the same path: {path!r}'
            )
        seen[path] = key
    return OpenAPISettings(
        json_path=json_path,
        yaml_path=yaml_path,
        docs_path=docs_path,
        docs_explicit='restkit.openapi.docs_path' in settings,
        docs_ui=ui,
        title=str(settings.get('restkit.openapi.title', defaults.title)),
        version=str(settings.get('restkit.openapi.version', defaults.version)),
        description=str(settings.get('restkit.openapi.description', '')),
        servers=tuple(aslist(settings.get('restkit.openapi.servers', ''))),
        media_types=tuple(
            aslist(settings.get('restkit.openapi.media_types', ''))
        )
        or None,
    )
