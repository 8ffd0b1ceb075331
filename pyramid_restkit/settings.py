"""The ``restkit.*`` settings, parsed once into a frozen dataclass."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from pyramid.settings import asbool, aslist

from .errors import ResourceConfigurationError

#: Verbs a method override may ever name.  GET, HEAD and OPTIONS are not
#: among them: an override turns a POST into a verb with a body or effect.
OVERRIDABLE = frozenset({'PUT', 'PATCH', 'DELETE'})


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
        }
        if self.media_types is not None:
            values['restkit.media_types'] = self.media_types
        return values


def _int(settings: Mapping[str, Any], key: str, default: int) -> int:
    value = settings.get(key, default)
    try:
        number = int(value)
    except (TypeError, ValueError):
        raise ResourceConfigurationError(
            f'{key} must be a whole number, not {value!r}'
        ) from None
    if number < 1:
        raise ResourceConfigurationError(f'{key} must be positive: {value!r}')
    return number


def parse_settings(settings: Mapping[str, Any]) -> Settings:
    """Build :class:`Settings` from a Pyramid settings mapping.

    Raises :class:`~pyramid_restkit.errors.ResourceConfigurationError`
    naming the key and the bad value.
    """
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
    )
