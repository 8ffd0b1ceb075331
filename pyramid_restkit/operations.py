"""Building the runtime of operations from their options, at commit.

Called by the ``add_resource`` action once every setting and media type is
known; the result is what :mod:`pyramid_restkit.views` runs per request.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from pyramid.security import NO_PERMISSION_REQUIRED

from .errors import ResourceConfigurationError
from .media import MediaTypes
from .negotiation import Negotiator
from .schemas import Validator, compile_output
from .settings import Settings
from .views import Operation, RouteInfo


class RouteTable(dict[str, RouteInfo]):
    """Route name -> :class:`RouteInfo` (the ``IRestkitRoutes`` utility)."""

    def __init__(self) -> None:
        super().__init__()
        self.negotiators: dict[tuple[str, ...], Negotiator] = {}
        #: Negotiates for plain views' ``format=`` predicate.
        self.plain_negotiator: Negotiator | None = None
        self.validators: dict[tuple[Any, bool], Validator] = {}


def build_operation(
    cls: type,
    attr: str,
    verb: str,
    opts: dict[str, Any],
    *,
    takes_context: bool,
    settings: Settings,
    media_types: MediaTypes,
    table: RouteTable,
    default_permission: str | None,
    where: str,
) -> Operation:
    names = opts.get('media_types') or media_types.enabled
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
    if opts.get('media_type') is not None:
        forced = media_types.get(opts['media_type'])
        if forced.renderer is None:
            raise ResourceConfigurationError(
                f'{where}: media type {forced.name!r} cannot render'
            )
    else:
        default_name = opts.get('default_media_type') or media_types.default
        if default_name not in [m.name for m in renderable]:
            if 'default_media_type' in opts:
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
    schema = opts.get('schema')
    validator = None
    if schema is not None:
        # PERF: operations sharing a schema share its prepared clones.
        key = (schema, verb == 'PATCH')
        validator = table.validators.get(key)
        if validator is None:
            validator = Validator(
                schema,
                partial=verb == 'PATCH',
                unknown=settings.unknown_fields,
                status=settings.validation_status,
            )
            table.validators[key] = validator
    permission = opts.get('permission')
    if isinstance(permission, Mapping):
        permission = permission.get(verb)
    if permission is None and verb != 'OPTIONS':
        permission = default_permission
    if permission == NO_PERMISSION_REQUIRED:
        permission = None
    response_schema = opts.get('response_schema')
    return Operation(
        cls=cls,
        attr=attr,
        takes_context=takes_context,
        status=opts.get('status') or 200,
        permission=permission,
        negotiator=negotiator,
        forced=forced,
        validator=validator,
        parsers=media_types.parsers(names, 'media_types' in opts),
        media_options=opts.get('media_options') or {},
        output=None
        if response_schema is None
        else compile_output(response_schema),
        max_body_size=settings.max_body_size,
        max_depth=settings.max_depth,
        max_fields=settings.max_fields,
    )
