"""The options table: every option of a resource or an operation, once.

Each option is one :class:`Option` row of :data:`OPTIONS`: its name, its
scope (a resource's option applies to all its operations and may be
overridden by ``@operation``; an operation's applies to one verb), the
verbs it applies to, the kind of value it takes and a one-line
description.  The kind names the check that normalizes the value (and the
YAML loader's reader of it, see :mod:`pyramid_restkit.config.yaml`).

Checked options become an :class:`Options`: a frozen, typed object with
one attribute per option.  ``config.add_resource`` builds it from its
keywords and each method's ``@operation`` (the YAML loader calls the same
directive), the commit builds the runtime from it
(:mod:`pyramid_restkit.config.operations`), and the introspector hands it
to the OpenAPI builder and ``prestkit``.  Adding an option is adding a
row here and a field to :class:`Options`, then reading it where it acts.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from ..errors import ResourceConfigurationError
from ..schemas import as_schema
from ..settings import ORIGIN

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
#: Method names an ``operations:`` entry (or a functions module) may use.
METHOD_NAMES = (
    *COLLECTION_VERBS,
    *ITEM_VERBS,
    'collection_options',
    'options',
)
BODY_VERBS = frozenset({'POST', 'PUT', 'PATCH'})
PERMISSION_VERBS = frozenset({'GET', 'POST', 'PUT', 'PATCH', 'DELETE'})

#: Which verbs a resource-wide option reaches (an ``@operation`` value
#: always applies to its own method): all, POST/PUT/PATCH, all but
#: OPTIONS, GET (and so HEAD), PUT/PATCH/DELETE.
ALL, BODY, NOT_OPTIONS, READ, WRITE = (
    'all',
    'body',
    'not options',
    'read',
    'write',
)
#: The verbs each of those reaches (``None``: every verb).
_REACHES: dict[str, frozenset[str] | None] = {
    ALL: None,
    BODY: BODY_VERBS,
    NOT_OPTIONS: frozenset({'GET', 'POST', 'PUT', 'PATCH', 'DELETE'}),
    READ: frozenset({'GET'}),
    WRITE: frozenset({'PUT', 'PATCH', 'DELETE'}),
}


@dataclass(frozen=True)
class Option:
    """One row of the options table."""

    name: str
    #: ``'resource'``: also per operation; ``'operation'``: one verb only.
    scope: str
    #: The kind of value: names the check here and the reader in YAML.
    kind: str
    #: The verbs a resource-wide value reaches: ALL, BODY or NOT_OPTIONS.
    applies: str
    doc: str
    #: An operation's mapping is merged into the resource's (its keys
    #: win) instead of replacing it.
    merge: bool = False
    #: An HTTP behaviour (Part 2 of API.md) that ``prestkit`` shows in
    #: its ``HTTP`` column.
    http: bool = False


OPTIONS: tuple[Option, ...] = (
    Option('schema', 'resource', 'schema', BODY, 'input schema (colander)'),
    Option('response_schema', 'resource', 'schema', ALL, 'output schema'),
    Option(
        'permission',
        'resource',
        'permission',
        NOT_OPTIONS,
        'a permission, or a mapping of verbs to permissions',
    ),
    Option('media_types', 'resource', 'names', ALL, 'the media types served'),
    Option(
        'default_media_type',
        'resource',
        'string',
        ALL,
        'the media type when the client expresses no preference',
    ),
    Option('summary', 'resource', 'string', ALL, 'OpenAPI summary'),
    Option('description', 'resource', 'string', ALL, 'OpenAPI description'),
    Option('tags', 'resource', 'strings', ALL, 'OpenAPI tags'),
    Option(
        'media_options',
        'resource',
        'media_options',
        ALL,
        'renderer options per media type name',
    ),
    Option(
        'responses',
        'resource',
        'responses',
        ALL,
        'documented statuses: status -> description',
        merge=True,
    ),
    Option('deprecated', 'resource', 'boolean', ALL, 'deprecated in OpenAPI'),
    Option(
        'etag',
        'resource',
        'boolean',
        READ,
        'weak ETags from the rendered body of GET/HEAD responses',
        http=True,
    ),
    Option(
        'require_if_match',
        'resource',
        'boolean',
        WRITE,
        'PUT/PATCH/DELETE without If-Match are refused (428)',
        http=True,
    ),
    Option(
        'cache_control',
        'resource',
        'cache_control',
        READ,
        'Cache-Control of successful GET/HEAD responses',
        http=True,
    ),
    Option(
        'cors_origins',
        'resource',
        'origins',
        ALL,
        'CORS origins allowed (replaces restkit.cors.origins)',
        http=True,
    ),
    Option(
        'versions',
        'resource',
        'versions',
        ALL,
        'the API versions that serve it (of restkit.versions)',
        http=True,
    ),
    Option('status', 'operation', 'status', ALL, 'the success status'),
    Option(
        'media_type',
        'operation',
        'string',
        ALL,
        'the one media type of the response (no negotiation)',
    ),
    Option('operation_id', 'operation', 'string', ALL, 'OpenAPI operationId'),
)
BY_NAME = {option.name: option for option in OPTIONS}

#: Options a resource sets for all its operations.
RESOURCE_OPTIONS = frozenset(o.name for o in OPTIONS if o.scope == 'resource')
#: Options of ``@operation``: the resource's plus those of one verb.
OPERATION_OPTIONS = frozenset(BY_NAME)
#: Options whose mappings an operation merges into the resource's.
MERGED = frozenset(o.name for o in OPTIONS if o.merge)
#: The HTTP behaviours ``prestkit`` shows, in table order.
HTTP_OPTIONS = tuple(o.name for o in OPTIONS if o.http)


@dataclass(frozen=True)
class Options:
    """The checked options of a resource, or of one of its operations.

    Every attribute is ``None`` when not given; :attr:`given` says which
    were given (a given ``None`` differs from an absent option where a
    resource's value is overridden).  ``verb`` is set on the options of
    one operation (:meth:`for_verb`), empty on a resource's.
    """

    schema: Any = None
    response_schema: Any = None
    permission: str | Mapping[str, str] | None = None
    media_types: tuple[str, ...] | None = None
    default_media_type: str | None = None
    summary: str | None = None
    description: str | None = None
    tags: tuple[str, ...] | None = None
    media_options: Mapping[str, Mapping[str, Any]] | None = None
    responses: Mapping[int, str] | None = None
    deprecated: bool | None = None
    etag: bool | None = None
    require_if_match: bool | None = None
    cache_control: str | None = None
    cors_origins: tuple[str, ...] | None = None
    versions: tuple[str, ...] | None = None
    status: int | None = None
    media_type: str | None = None
    operation_id: str | None = None
    verb: str = ''
    given: frozenset[str] = frozenset()

    @classmethod
    def check(
        cls,
        options: Mapping[str, Any],
        where: str,
        scope: str = 'operation',
        schemas: dict[type, Any] | None = None,
    ) -> Options:
        """Check raw keywords against the table (``scope`` limits names).

        ``schemas`` maps schema classes to the instance made of each so far
        in this configuration: every operation naming a class shares one
        instance and so (see ``RouteTable.validators``) one set of
        prepared schemas.
        """
        allowed = RESOURCE_OPTIONS if scope == 'resource' else BY_NAME
        check_options(options, allowed, f'{where}: ' if where else '')
        values = {
            name: _CHECKS[BY_NAME[name].kind](
                value, f'{where}: {name}', schemas
            )
            for name, value in options.items()
        }
        return cls(**values, given=frozenset(values))

    def merged(self, other: Options) -> Options:
        """These options with those ``other`` gives replacing them.

        Mappings of the options marked ``merge`` (``responses``) are
        merged, ``other``'s keys winning.
        """
        if not other.given:
            return self
        values = {name: getattr(other, name) for name in other.given}
        for name in MERGED & other.given & self.given:
            if values[name] is not None and getattr(self, name) is not None:
                values[name] = {**getattr(self, name), **values[name]}
        return dataclasses.replace(
            self, **values, given=self.given | other.given
        )

    def for_verb(self, verb: str) -> Options:
        """A resource's options as they reach an operation of ``verb``."""
        dropped = {
            option.name
            for option in OPTIONS
            if option.name in self.given
            and (reaches := _REACHES[option.applies]) is not None
            and verb not in reaches
        }
        return dataclasses.replace(
            self,
            **dict.fromkeys(dropped),
            verb=verb,
            given=self.given - dropped,
        )

    def operation_id_of(self, resource: str, method: str) -> str:
        """The OpenAPI ``operationId``: given, else ``<resource>_<method>``."""
        return self.operation_id or f'{resource}_{method}'

    def items(self) -> Iterable[tuple[str, Any]]:
        """The given options as ``(name, value)`` pairs, in table order."""
        return [
            (option.name, getattr(self, option.name))
            for option in OPTIONS
            if option.name in self.given
        ]


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


# -- the checks of each kind of value ----------------------------------------

Check = Callable[[Any, str, 'dict[type, Any] | None'], Any]


def _schema(value: Any, what: str, schemas: dict[type, Any] | None) -> Any:
    if schemas is not None and isinstance(value, type):
        # PERF: a schema class named by many operations is made (and
        # prepared, at commit) once per configuration.
        schema = schemas.get(value)
        if schema is None:
            schema = schemas[value] = as_schema(value, what)
        return schema
    return as_schema(value, what)


def _permission(value: Any, what: str, _: Any) -> Any:
    if value is None or isinstance(value, str):
        return value
    if isinstance(value, Mapping):
        normalized = {}
        for verb, permission in value.items():
            key = str(verb).upper()
            if key not in PERMISSION_VERBS:
                raise ResourceConfigurationError(
                    f'{what} names the verb {verb!r}; expected one of '
                    f'{", ".join(sorted(PERMISSION_VERBS))}'
                )
            if not isinstance(permission, str):
                raise ResourceConfigurationError(
                    f'{what}: the permission of {key} must be a string: '
                    f'{permission!r}'
                )
            normalized[key] = permission
        return normalized
    raise ResourceConfigurationError(
        f'{what} must be a string or a mapping of verbs, not {value!r}'
    )


def _names(value: Any, what: str, _: Any) -> tuple[str, ...]:
    if isinstance(value, str):
        value = value.split()
    names = tuple(value) if isinstance(value, Iterable) else ()
    if not names or not all(isinstance(name, str) for name in names):
        raise ResourceConfigurationError(
            f'{what} must be a non-empty list of media type names: {value!r}'
        )
    return names


def _strings(value: Any, what: str, _: Any) -> tuple[str, ...] | None:
    if value is None:
        return None
    if isinstance(value, str):
        return (value,)
    strings = tuple(value) if isinstance(value, Iterable) else None
    if strings is None or not all(isinstance(s, str) for s in strings):
        raise ResourceConfigurationError(
            f'{what} must be a list of strings, not {value!r}'
        )
    return strings


def _string(value: Any, what: str, _: Any) -> str | None:
    if value is not None and not isinstance(value, str):
        raise ResourceConfigurationError(
            f'{what} must be a string, not {value!r}'
        )
    return value


def _boolean(value: Any, what: str, _: Any) -> bool:
    if not isinstance(value, bool):
        raise ResourceConfigurationError(
            f'{what} must be true or false, not {value!r}'
        )
    return value


def _status(value: Any, what: str, _: Any) -> int | None:
    if value is not None and (
        not isinstance(value, int)
        or isinstance(value, bool)
        or not 200 <= value < 400
    ):
        raise ResourceConfigurationError(
            f'{what} must be a 2xx or 3xx code, not {value!r}'
        )
    return value


def _media_options(value: Any, what: str, _: Any) -> Any:
    if value is not None and not (
        isinstance(value, Mapping)
        and all(
            isinstance(k, str) and isinstance(v, Mapping)
            for k, v in value.items()
        )
    ):
        raise ResourceConfigurationError(
            f'{what} maps media type names to option mappings, e.g. '
            f'{{"xml": {{"root": "post"}}}}: {value!r}'
        )
    return value


def _responses(value: Any, what: str, _: Any) -> dict[int, str] | None:
    """HTTP status -> description (for OpenAPI)."""
    if value is None:
        return None
    if not isinstance(value, Mapping):
        raise ResourceConfigurationError(
            f'{what} maps statuses to descriptions, e.g. '
            f'{{404: "No such post."}}: {value!r}'
        )
    checked = {}
    for status, description in value.items():
        if (
            not isinstance(status, int)
            or isinstance(status, bool)
            or not 200 <= status < 600
        ):
            raise ResourceConfigurationError(
                f'{what}: {status!r} is not an HTTP status (200-599)'
            )
        if not isinstance(description, str):
            raise ResourceConfigurationError(
                f'{what}: the description of {status} must be a string, '
                f'not {description!r}'
            )
        checked[status] = description
    return checked


#: A ``Cache-Control`` directive name (an RFC 9110 token).
_TOKEN = re.compile(r"[!#$%&'*+.^_`|~0-9A-Za-z-]+")


def _cache_control(value: Any, what: str, _: Any) -> str | None:
    """A ``Cache-Control`` value from a string or a mapping.

    Mapping keys take ``_`` or ``-`` (``max_age`` is ``max-age``); ``True``
    is a valueless directive, ``False`` and ``None`` leave it out; other
    values are integers (``max-age=60``) or strings, quoted when they are
    not a token (``no-cache="Set-Cookie"``).
    """
    if value is None:
        return None
    if isinstance(value, str):
        text = value.strip()
        if not text or any(c in text for c in '\r\n\0'):
            raise ResourceConfigurationError(
                f'{what} must be a non-empty one-line header value: {value!r}'
            )
        return text
    if not isinstance(value, Mapping) or not value:
        raise ResourceConfigurationError(
            f'{what} must be a string or a mapping of directives, e.g. '
            f'{{"max_age": 60, "public": True}}: {value!r}'
        )
    parts = []
    for key, item in value.items():
        name = str(key).replace('_', '-').lower()
        if not isinstance(key, str) or not _TOKEN.fullmatch(name):
            raise ResourceConfigurationError(
                f'{what}: {key!r} is not a Cache-Control directive name'
            )
        if item is True:
            parts.append(name)
        elif item is False or item is None:
            continue
        elif isinstance(item, int):
            if item < 0:
                raise ResourceConfigurationError(
                    f'{what}: {key} must not be negative: {item!r}'
                )
            parts.append(f'{name}={item}')
        elif isinstance(item, str) and not any(c in item for c in '\r\n\0'):
            if _TOKEN.fullmatch(item):
                parts.append(f'{name}={item}')
            else:
                quoted = item.replace('\\', '\\\\').replace('"', '\\"')
                parts.append(f'{name}="{quoted}"')
        else:
            raise ResourceConfigurationError(
                f'{what}: the value of {key} must be true, an integer or a '
                f'string: {item!r}'
            )
    if not parts:
        raise ResourceConfigurationError(
            f'{what} gives no directive: {value!r}'
        )
    return ', '.join(parts)


def _origins(value: Any, what: str, _: Any) -> tuple[str, ...] | None:
    """CORS origins: ``'*'``, or a list (or whitespace-separated string)
    of ``scheme://host[:port]`` values."""
    if value is None:
        return None
    if isinstance(value, str):
        value = value.split()
    origins = tuple(value) if isinstance(value, Iterable) else None
    if origins is None or not all(isinstance(o, str) for o in origins):
        raise ResourceConfigurationError(
            f'{what} must be "*" or a list of origins, not {value!r}'
        )
    if origins == ('*',):
        return origins
    for origin in origins:
        if not ORIGIN.fullmatch(origin):
            raise ResourceConfigurationError(
                f'{what}: {origin!r} is not an origin; expected '
                f'scheme://host[:port] (or "*" alone)'
            )
    return origins


def _versions(value: Any, what: str, _: Any) -> tuple[str, ...] | None:
    """API versions: strings (integers are read as their text)."""
    if value is None:
        return None
    if isinstance(value, (str, int)) and not isinstance(value, bool):
        value = (value,)
    versions = tuple(value) if isinstance(value, Iterable) else ()
    if not versions or not all(
        isinstance(v, (str, int)) and not isinstance(v, bool) and str(v)
        for v in versions
    ):
        raise ResourceConfigurationError(
            f'{what} must be a non-empty list of versions, not {value!r}'
        )
    return tuple(str(v) for v in versions)


_CHECKS: dict[str, Check] = {
    'versions': _versions,
    'cache_control': _cache_control,
    'origins': _origins,
    'schema': _schema,
    'permission': _permission,
    'names': _names,
    'strings': _strings,
    'string': _string,
    'boolean': _boolean,
    'status': _status,
    'media_options': _media_options,
    'responses': _responses,
}
