"""The checks of each kind of option value (the options table's kinds).

:class:`~pyramid_restkit.config.options.Options` runs the check that
each option's row names on the value given in Python or read from YAML;
a check returns the normalized value or raises
:class:`~pyramid_restkit.errors.ResourceConfigurationError` naming the
option.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping
from typing import Any

from ..errors import ResourceConfigurationError
from ..schemas import as_schema
from ..settings import ORIGIN

#: The verbs a ``permission`` mapping may name.
PERMISSION_VERBS = frozenset({'GET', 'POST', 'PUT', 'PATCH', 'DELETE'})

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


def _verb(verb: Any, what: str) -> str:
    """A key of a per-verb mapping (``permission``, ``throttle``),
    uppercased; a configuration error unless it names a verb."""
    key = str(verb).upper()
    if key not in PERMISSION_VERBS:
        raise ResourceConfigurationError(
            f'{what} names the verb {verb!r}; expected one of '
            f'{", ".join(sorted(PERMISSION_VERBS))}'
        )
    return key


def _permission(value: Any, what: str, _: Any) -> Any:
    if value is None or isinstance(value, str):
        return value
    if isinstance(value, Mapping):
        normalized = {}
        for verb, permission in value.items():
            key = _verb(verb, what)
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


def _pagination(value: Any, what: str, _: Any) -> Any:
    from ..pagination import style_of

    return style_of(value, what)


def _ordering(value: Any, what: str, _: Any) -> tuple[str, ...] | None:
    from ..pagination import parse_ordering

    if value is None:
        return None
    return tuple(key for key, _ in parse_ordering(value, what))


def _anonymous(value: Any, what: str, _: Any) -> type | None:
    if value is None or isinstance(value, type):
        return value
    raise ResourceConfigurationError(
        f'{what} must be a class (the resource of anonymous requests), '
        f'not {value!r}'
    )


#: A rate: ``N/unit`` or ``N per unit``, optionally ``N/M units``
#: (``limits``' notation, one rate only).
_RATE = re.compile(
    r'\s*[1-9][0-9]{0,17}\s*(?:/|per)\s*(?:[1-9][0-9]{0,8}\s*)?'
    r'(?:second|minute|hour|day|month|year)s?\s*',
    re.IGNORECASE,
)


def _rate(value: Any, what: str) -> str:
    if not isinstance(value, str) or not _RATE.fullmatch(value):
        raise ResourceConfigurationError(
            f"{what} must be a rate such as '100/hour', '10 per minute' or "
            f"'5/10 seconds', not {value!r}"
        )
    return ' '.join(value.split())


def _throttle(value: Any, what: str, _: Any) -> Any:
    if value is None:
        return None
    if isinstance(value, Mapping):
        normalized = {}
        for verb, rate in value.items():
            key = _verb(verb, what)
            normalized[key] = _rate(rate, f'{what}: the rate of {key}')
        return normalized
    return _rate(value, what)


CHECKS: dict[str, Check] = {
    'anonymous': _anonymous,
    'throttle': _throttle,
    'pagination': _pagination,
    'ordering': _ordering,
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
