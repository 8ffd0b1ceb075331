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
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from ..errors import ResourceConfigurationError
from .values import CHECKS

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
#: The collection options (pagination, count, ordering) reach
#: ``collection_get`` only; elsewhere they are a configuration error.
COLLECTION_GET = 'collection_get'
#: The options of :data:`COLLECTION_GET`.
COLLECTION_OPTIONS = frozenset({'pagination', 'count', 'ordering'})
#: The verbs each of those reaches (``None``: every verb).
_REACHES: dict[str, frozenset[str] | None] = {
    COLLECTION_GET: frozenset({'GET'}),
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
    Option(
        'pagination',
        'resource',
        'pagination',
        COLLECTION_GET,
        "the pagination of collection_get: 'page', 'offset', 'cursor' or "
        'a Pagination instance',
        http=True,
    ),
    Option(
        'count',
        'resource',
        'boolean',
        COLLECTION_GET,
        'paginated bodies carry the total (the pagination counts)',
        http=True,
    ),
    Option(
        'ordering',
        'resource',
        'ordering',
        COLLECTION_GET,
        'the keys ?sort= may name (collection_get)',
        http=True,
    ),
    Option(
        'anonymous',
        'resource',
        'anonymous',
        NOT_OPTIONS,
        'the class that serves requests without an authenticated identity',
        http=True,
    ),
    Option(
        'throttle',
        'resource',
        'throttle',
        NOT_OPTIONS,
        "a rate ('100/hour'), or a mapping of verbs to rates",
        http=True,
    ),
    Option(
        'throttle_scope',
        'resource',
        'string',
        NOT_OPTIONS,
        'the name of a budget shared by the resources that give it',
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
    pagination: Any = None
    count: bool | None = None
    ordering: tuple[str, ...] | None = None
    anonymous: type | None = None
    throttle: str | Mapping[str, str] | None = None
    throttle_scope: str | None = None
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
            name: CHECKS[BY_NAME[name].kind](
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

    def for_verb(self, verb: str, method: str = '') -> Options:
        """A resource's options as they reach an operation of ``verb``
        (``method``: its method name, for the options of one method)."""
        dropped = {
            option.name
            for option in OPTIONS
            if option.name in self.given
            and (
                (reaches := _REACHES[option.applies]) is not None
                and verb not in reaches
                or option.applies == COLLECTION_GET
                and method != COLLECTION_GET
            )
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
