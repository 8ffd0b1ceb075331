"""The options a resource or an operation takes, checked once.

``config.add_resource``, ``@resource``, ``@operation`` and the YAML loader
all hand their keywords to :func:`check_operation`, which refuses unknown
names and bad values with a :class:`ResourceConfigurationError` naming
them.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from ..errors import ResourceConfigurationError
from ..schemas import as_schema

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
