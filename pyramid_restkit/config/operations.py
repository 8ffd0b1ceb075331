"""Building the runtime of operations from their options, at commit.

Called by the ``add_resource`` action once every setting and media type is
known; the result is what :mod:`pyramid_restkit.views` runs per request.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from pyramid.security import NO_PERMISSION_REQUIRED

from ..conditional import VALIDATOR_METHODS, Conditional
from ..cors import CorsFactory, Preflight, route_cors
from ..decorators import OPERATION_ATTR
from ..errors import ResourceConfigurationError
from ..formats.json import JSONRenderer
from ..media import MediaType, MediaTypes, Renderer
from ..negotiation import VERSION_PARAM, Negotiator
from ..pagination import COLLECTION_PARAMS
from ..patch import DOCUMENT_PARSERS, PatchDocuments
from ..problems import MAX_ERRORS
from ..schemas import (
    ReadOnly,
    RequestSchema,
    Validator,
    compile_output,
    read_only_fields,
)
from ..settings import Settings
from ..throttling import Counters, Throttle, throttled_class
from ..versioning import Versioning
from ..views import Operation, RouteInfo, View, options_view
from .options import Options
from .versions import operation_versions

#: Query parameters that versioning reads, by ``restkit.versioning``.
RESERVED_QUERY = {'query': frozenset({VERSION_PARAM})}


def collection_query(opts: Options) -> frozenset[str]:
    """The query parameters the kit reads for an operation, left out of
    its querystring validation: ``fields`` on GETs, the style's
    parameters where it paginates, ``sort`` where it orders.  (Other
    operations keep ``limit`` and the like for their own schemas.)"""
    if opts.verb != 'GET':
        return frozenset()
    names = {'fields'}
    if opts.pagination is not None:
        names.update(opts.pagination.parameters, ('sort',))
    if opts.ordering is not None:
        names.add('sort')
    return frozenset(names)


#: What an operation's media options resolve to: its negotiator (None when
#: it forces a media type), the forced type, and its parsers by input type.
MediaSetup = tuple[Negotiator | None, MediaType | None, dict[str, MediaType]]


class RouteTable(dict[str, RouteInfo]):
    """Route name -> :class:`RouteInfo` (the ``IRestkitRoutes`` utility).

    It also keeps what operations with the same options share, built once
    per configuration: negotiators, prepared schemas, the media setup of
    an operation and the automatic OPTIONS views.
    """

    def __init__(self) -> None:
        super().__init__()
        self.negotiators: dict[tuple[str, ...], Negotiator] = {}
        #: Negotiates for plain views' ``format=`` predicate.
        self.plain_negotiator: Negotiator | None = None
        self.validators: dict[tuple[Any, bool, ReadOnly, Any], Validator] = {}
        #: Schema class -> the instance every operation naming it shares.
        self.schemas: dict[type, Any] = {}
        #: Media options -> (the media types used, the setup); see
        #: :func:`_media_setup`.
        self.media_setups: dict[
            tuple[Any, ...],
            tuple[tuple[tuple[Any, MediaType | None], ...], MediaSetup],
        ] = {}
        self._options_views: dict[tuple[str, str | None], View] = {}
        #: Contexts of the application's own exception views among those
        #: the kit's views are registered for (problems.steps_aside).
        self.application_error_contexts: frozenset[type] = frozenset()
        #: OpenAPI operationId -> the operation that has it ('posts.get').
        self.operation_ids: dict[str, str] = {}
        #: How requests name their API version (``restkit.versioning``);
        #: ``None`` without versioning.  Set with the settings.
        self.versioning: Versioning | None = None
        #: The application's throttling counters (pyramid_restkit.
        #: throttling); set with the settings.
        self.counters: Counters | None = None

    def options_view(
        self, allow: str, accept_patch: str | None = None
    ) -> View:
        """The automatic OPTIONS view for ``allow`` (and the
        ``Accept-Patch`` of a route with PATCH), one per value."""
        key = (allow, accept_patch)
        view = self._options_views.get(key)
        if view is None:
            view = self._options_views[key] = options_view(*key)
        return view


def build_operation(
    cls: type,
    attr: str,
    opts: Options,
    *,
    takes_context: bool,
    settings: Settings,
    media_types: MediaTypes,
    table: RouteTable,
    default_permission: str | None,
    where: str,
    resource: str = '',
) -> Operation:
    """The runtime of one operation (``resource``: the resource's name,
    which names its throttling budget unless a scope does)."""
    verb = opts.verb
    negotiator, forced, parsers = _media_setup(opts, media_types, table, where)
    schema = opts.schema
    response_schema = opts.response_schema
    validator = None
    if schema is not None:
        # NOTE: read-only fields are found here, once: the operation's
        # own response schema against its input, at every level.
        read_only = read_only_fields(schema, response_schema)
        validator = _validator(
            table,
            settings,
            schema,
            verb == 'PATCH',
            read_only,
            collection_query(opts),
        )
    permission = opts.permission
    if isinstance(permission, Mapping):
        permission = permission.get(verb)
    if permission is None and verb != 'OPTIONS':
        permission = default_permission
    if permission == NO_PERMISSION_REQUIRED:
        permission = None
    kind: type[Operation] = Operation
    if opts.pagination is not None or opts.ordering is not None:
        from ..pagination.runtime import CollectionOperation

        kind = CollectionOperation
    elif verb == 'GET':
        from ..pagination.fields import FieldsOperation

        kind = FieldsOperation
    throttle = None
    if opts.throttle is not None:
        throttle = _throttle(cls, attr, opts, resource, table, where)
    made: type[Operation] = kind
    if throttle is not None:
        # PERF: a class that spends the budget first; operations without
        # a rate run none of it (pyramid_restkit.throttling).  Made as
        # that class, not given it later: an instance whose __class__ is
        # replaced loses CPython's fast attribute reads (measured: about
        # 0.8 us a request).
        made = throttled_class(kind)
    operation = made(
        cls=cls,
        attr=attr,
        takes_context=takes_context,
        status=opts.status or 200,
        permission=permission,
        negotiator=negotiator,
        forced=forced,
        validator=validator,
        parsers=parsers,
        media_options=opts.media_options or {},
        output=None
        if response_schema is None
        else compile_output(response_schema, where=where),
        max_body_size=settings.max_body_size,
        max_depth=settings.max_depth,
        max_fields=settings.max_fields,
        versioning=table.versioning,
        versions=operation_versions(opts, table.versioning, where),
        conditional=_conditional(cls, attr, opts, where),
    )
    if kind is not Operation:
        _collection(operation, opts, settings, where)
    if throttle is not None:
        operation.throttle = throttle
    return operation


def _throttle(
    cls: type,
    attr: str,
    opts: Options,
    resource: str,
    table: RouteTable,
    where: str,
) -> Throttle | None:
    """The budget an operation spends, ``None`` if its verb has no rate.

    The budget is named by the scope, else the resource; and by the verb
    too where the rate is given per verb (a mapping, or ``@operation``'s
    own ``throttle``).  HEAD runs GET's operation, so it spends GET's
    budget; OPTIONS is never throttled.
    """
    verb = opts.verb
    if verb == 'OPTIONS':
        raise ResourceConfigurationError(
            f'{where}: throttle does not apply to OPTIONS (never throttled)'
        )
    rate: str | None
    per_verb = isinstance(opts.throttle, Mapping)
    if isinstance(opts.throttle, Mapping):
        rate = opts.throttle.get(verb)
        if rate is None:
            return None
    else:
        rate = opts.throttle
        own = getattr(getattr(cls, attr, None), OPERATION_ATTR, None) or {}
        per_verb = 'throttle' in own
    from limits import parse

    item = parse(rate)  # type: ignore[arg-type]
    quota, window = item.amount, item.get_expiry()
    scope = opts.throttle_scope
    budget = ('scope', scope) if scope else ('resource', resource)
    counters: Counters = table.counters  # type: ignore[assignment]
    # NOTE: one scope has one rate, whatever the verb; a resource has one
    # per budget (per verb where given per verb).
    claimed = budget if scope else (*budget, verb if per_verb else '')
    counters.claim(claimed, quota, window, where)
    counters.start()
    return Throttle(
        counters,
        budget=budget,
        verb=verb if per_verb else None,
        quota=quota,
        window=window,
    )


def _collection(
    operation: Any, opts: Options, settings: Settings, where: str
) -> None:
    """Give a GET its ``?fields=``, a ``collection_get`` its pagination
    and ordering."""
    from ..pagination.fields import Fields, field_paths
    from ..pagination.runtime import Collection, CollectionOperation

    schema = opts.response_schema
    operation.fields = Fields(None if schema is None else field_paths(schema))
    if not isinstance(operation, CollectionOperation):
        return

    if opts.pagination is not None:
        opts.pagination.check(settings, where)
    operation.collection = Collection(
        opts.pagination, bool(opts.count), opts.ordering, settings
    )


#: Verbs whose preconditions are If-Match, If-Unmodified-Since and
#: If-None-Match (and POST on an item route).
_UNSAFE = frozenset({'PUT', 'PATCH', 'DELETE'})


def _conditional(
    cls: type, attr: str, opts: Options, where: str
) -> Conditional | None:
    """The conditional behaviour of an operation, ``None`` if it has none.

    ``GET`` has one where the route's class defines a validator method,
    or with ``etag`` or ``cache_control``; every unsafe operation of an
    item, and ``PUT``/``PATCH``/``DELETE`` of a collection, has one
    (``If-Match: "x"`` is a 412 even without validators, RFC 9110).
    """
    verb = opts.verb
    route = 'collection' if attr.startswith('collection_') else 'item'
    unsafe = verb in _UNSAFE or (verb == 'POST' and route == 'item')
    for name, acts, verbs in (
        ('etag', verb == 'GET', 'GET'),
        ('cache_control', verb == 'GET', 'GET'),
        ('require_if_match', unsafe, 'PUT, PATCH, DELETE, POST on an item'),
    ):
        if getattr(opts, name) and not acts:
            raise ResourceConfigurationError(
                f'{where}: {name} does not apply to {verb} (only to {verbs})'
            )
    tag_name, date_name = VALIDATOR_METHODS[route]
    tag = tag_name if callable(getattr(cls, tag_name, None)) else None
    date = date_name if callable(getattr(cls, date_name, None)) else None
    if verb == 'GET':
        if not (tag or date or opts.etag or opts.cache_control):
            return None
        return Conditional(
            verb=verb,
            tag=tag,
            date=date,
            body_tags=bool(opts.etag) and tag is None,
            cache_control=opts.cache_control,
        )
    if unsafe:
        return Conditional(
            verb=verb, tag=tag, date=date, require=bool(opts.require_if_match)
        )
    return None


def share_representations(
    operations: Mapping[str, Any], versions: tuple[str, ...] = ()
) -> None:
    """Tell the conditional operations of a route every representation
    its operations render (each media type, in each API version with
    versioning): ``If-Match`` takes the tag of any of them.

    Called once the route's operations are built, before the automatic
    ``HEAD`` and ``OPTIONS`` are added.
    """
    names: dict[str, None] = {}
    for operation in operations.values():
        offers = (
            (operation.forced,)
            if operation.forced is not None
            else operation.negotiator.offers
        )
        names.update(dict.fromkeys(media.name for media in offers))
    representations = (
        tuple(f'{name}@{version}' for name in names for version in versions)
        if versions
        else tuple(names)
    )
    for operation in operations.values():
        if operation.conditional is not None:
            operation.conditional.representations = representations


def _validator(
    table: RouteTable,
    settings: Settings,
    schema: Any,
    partial: bool,
    read_only: ReadOnly,
    collection: frozenset[str] = frozenset(),
) -> Validator:
    # PERF: operations sharing a schema (and its read-only fields) share
    # its prepared clones.
    key = (schema, partial, read_only, collection)
    validator = table.validators.get(key)
    if validator is None:
        validator = Validator(
            schema,
            partial=partial,
            unknown=settings.unknown_fields,
            status=settings.validation_status,
            read_only=read_only,
            # NOTE: no more errors are built than a problem lists.
            max_errors=MAX_ERRORS,
            # NOTE: API.md: the collection parameters are never part of
            # querystring validation, whether the operation reads them.
            reserved=COLLECTION_PARAMS
            | collection
            | RESERVED_QUERY.get(settings.versioning or '', frozenset()),
        )
        table.validators[key] = validator
    return validator


def patch_documents(
    route: RouteInfo,
    options: Mapping[str, Options],
    settings: Settings,
    media_types: MediaTypes,
    table: RouteTable,
) -> str | None:
    """Give the PATCH of ``route`` its documents, if the route has a GET.

    ``options`` are the route's operations' options, by method name.
    Returns the route's ``Accept-Patch`` (``None`` without a PATCH).
    """
    built: dict[str, Any] = route.operations
    patch = built.get('PATCH')
    if patch is None:
        return None
    if 'GET' in built:
        schema = next(o.schema for o in options.values() if o.verb == 'PATCH')
        enable_patch_documents(
            patch,
            schema,
            built['GET'],
            settings=settings,
            media_types=media_types,
            table=table,
        )
    return ', '.join(patch.parsers)


def enable_patch_documents(
    patch: Operation,
    schema: Any,
    get: Operation,
    *,
    settings: Settings,
    media_types: MediaTypes,
    table: RouteTable,
) -> None:
    """Let ``patch`` take PATCH documents, applied to what ``get`` returns.

    Only where its ``schema`` takes a body: a merge patch or a JSON Patch
    is a body.  The result of a document is validated like a whole
    body, so with the full schema; and without the operation's
    read-only fields: those the document leaves as they were are
    dropped before (:mod:`pyramid_restkit.patch`), and those it adds or
    changes are unknown fields.
    """
    validator = patch.validator
    if validator is None or not validator.wants_body:
        return
    body = schema
    locations = None
    if isinstance(schema, RequestSchema):
        body = next(c for c in schema.children if c.name == 'body')
        # NOTE: validated apart, before GET runs (it may read them).
        locations = Validator(
            RequestSchema(*(c for c in schema.children if c is not body)),
            partial=False,
            unknown=settings.unknown_fields,
            status=settings.validation_status,
            max_errors=MAX_ERRORS,
            reserved=RESERVED_QUERY.get(
                settings.versioning or '', frozenset()
            ),
        )
    json = media_types.by_name.get('json')
    renderer: Renderer = (
        json.renderer
        if json is not None and json.renderer is not None
        else JSONRenderer()
    )
    patch.documents = PatchDocuments(
        get=get.attr,
        output=get.output,
        renderer=renderer,
        validator=_validator(table, settings, body, False, frozenset()),
        body=body,
        locations=locations,
        max_depth=settings.max_depth,
        max_body_size=settings.max_body_size,
    )
    # NOTE: a copy: operations with the same media options share one
    # parser table (_media_setup).
    patch.parsers = {**patch.parsers, **DOCUMENT_PARSERS}


def _media_setup(
    opts: Options,
    media_types: MediaTypes,
    table: RouteTable,
    where: str,
) -> MediaSetup:
    """The negotiator, forced media type and parsers of an operation.

    PERF: they depend only on the media options and the registered media
    types, so operations with the same options (most of an application's)
    share one setup and its parser table.  A setup is kept only once it
    was found valid, so every error is still raised naming its own
    operation, and is used again only while each media type it was built
    from is still the registered one.
    """
    names = opts.media_types
    forced = opts.media_type
    key = (
        names,
        forced,
        opts.default_media_type,
        'default_media_type' in opts.given,
        media_types.enabled,
        media_types.default,
    )
    # NOTE: every part of the key is hashable: Options.check made the
    # names a tuple and refused anything but strings for the others.
    entry = table.media_setups.get(key)
    by_name = media_types.by_name
    if entry is not None:
        built_from, setup = entry
        if all(by_name.get(name) is media for name, media in built_from):
            return setup
    setup = _build_media_setup(opts, media_types, table, where)
    used = (*(names or media_types.enabled), *([forced] if forced else []))
    table.media_setups[key] = (
        tuple((name, by_name.get(name)) for name in used),
        setup,
    )
    return setup


def _build_media_setup(
    opts: Options,
    media_types: MediaTypes,
    table: RouteTable,
    where: str,
) -> MediaSetup:
    names = opts.media_types or media_types.enabled
    for media_name in names:
        if media_name not in media_types.enabled:
            raise ResourceConfigurationError(
                f'{where}: media type {media_name!r} is not enabled '
                f'(enabled: {", ".join(media_types.enabled)})'
            )
    renderable = [
        media_types.by_name[n]
        for n in names
        if media_types.by_name[n].renderer is not None
    ]
    forced = None
    negotiator = None
    if opts.media_type is not None:
        forced = media_types.get(opts.media_type)
        if forced.renderer is None:
            raise ResourceConfigurationError(
                f'{where}: media type {forced.name!r} cannot render'
            )
    else:
        default_name = opts.default_media_type or media_types.default
        if default_name not in [m.name for m in renderable]:
            if 'default_media_type' in opts.given:
                raise ResourceConfigurationError(
                    f'{where}: default_media_type {default_name!r} is not '
                    f'among its media types ({", ".join(names)})'
                )
            if not renderable:
                raise ResourceConfigurationError(
                    f'{where}: none of its media types can render'
                )
            default_name = renderable[0].name
        key = (default_name, *(m.name for m in renderable))
        negotiator = table.negotiators.get(key)
        if negotiator is None:
            negotiator = Negotiator(
                renderable, media_types.by_name[default_name]
            )
            table.negotiators[key] = negotiator
    parsers = media_types.parsers(names, 'media_types' in opts.given)
    return negotiator, forced, parsers


def install_cors(
    route: RouteInfo,
    operations: Mapping[str, Options],
    factory: CorsFactory,
    resource_origins: tuple[str, ...] | None,
    settings: Settings,
) -> None:
    """Give a route that may have CORS origins its CORS, at commit.

    ``factory`` (the route's) then asks for the CORS headers, and the
    route's ``OPTIONS`` answers preflights first; with no origin for any
    verb (``cors_origins=[]`` on the resource) neither does anything.
    """
    factory.cors = cors = route_cors(
        route.allow,
        {opts.verb: opts.cors_origins for opts in operations.values()},
        resource_origins,
        settings.cors,
    )
    if cors is not None:
        route.operations['OPTIONS'] = Preflight(
            cors, route.operations['OPTIONS']
        )
