"""The JSON Schema keywords of colander's validators: the built-in ones.

:data:`VALIDATOR_TYPES` (by class, along the validator's MRO) and
:data:`VALIDATOR_OBJECTS` (by identity) are what a
:class:`~.jsonschema.JSONSchemaConverter` starts with
(:meth:`~.jsonschema.JSONSchemaConverter.add_validator` adds to its
copies).
"""

from __future__ import annotations

import decimal
import math
from collections.abc import Iterable
from typing import Any

import colander

from .ecma import ecma_pattern
from .jsonschema_base import (
    SKIP,
    Converter,
    ValidatorFunction,
    dumps,
    merge,
    plain,
)

_ARRAYS = (colander.Sequence, colander.Tuple, colander.Set, colander.List)
#: What the converters return.
_Schema = dict[str, Any]


def _number(value: Any) -> int | float | None:
    """A finite numeric bound as a JSON number, or None."""
    if isinstance(value, bool) or not isinstance(
        value, (int, float, decimal.Decimal)
    ):
        return None
    if isinstance(value, int):
        return int(value)
    if not (
        value.is_finite()
        if isinstance(value, decimal.Decimal)
        else math.isfinite(value)
    ):
        return None
    if value == int(value):
        return int(value)
    return float(value)


def _choices(node: Any, choices: Any) -> list[Any] | None:
    """The JSON values that deserialize to one of ``choices``, or None."""
    if isinstance(choices, str) or not isinstance(choices, Iterable):
        return None  # a substring test, or only ``in``
    typ = getattr(node, 'typ', None)
    values: dict[str, Any] = {}
    for choice in choices:
        if isinstance(typ, colander.Enum):
            # Each serialized value of the member: aliases' names too.
            keys = [k for k, m in typ.values.items() if m == choice]
        else:
            keys = [choice]
        for key in keys:
            value = plain(key)
            if value is not SKIP:
                values.setdefault(dumps(value), value)
    return list(values.values())


def _range(conv: Converter, node: Any, v: Any) -> _Schema | None:
    if not isinstance(node.typ, colander.Number):
        return None
    schema: dict[str, Any] = {}
    for key, bound in (('minimum', v.min), ('maximum', v.max)):
        number = _number(bound)
        if number is not None:
            schema[key] = number
    return schema


def _length(conv: Converter, node: Any, v: Any) -> _Schema | None:
    if isinstance(node.typ, colander.String):
        keys = ('minLength', 'maxLength')
    elif isinstance(node.typ, _ARRAYS):
        keys = ('minItems', 'maxItems')
    else:
        return None
    schema: dict[str, Any] = {}
    for key, bound in zip(keys, (v.min, v.max), strict=True):
        if (
            isinstance(bound, int)
            and not isinstance(bound, bool)
            and bound >= 0
        ):
            schema[key] = int(bound)
    return schema


def _one_of(conv: Converter, node: Any, v: Any) -> _Schema | None:
    values = _choices(node, v.choices)
    if values is None:
        return None
    return {'enum': values} if values else {'not': {}}


def _none_of(conv: Converter, node: Any, v: Any) -> _Schema | None:
    values = _choices(node, v.forbidden)
    return {'not': {'enum': values}} if values else None


def _contains_only(conv: Converter, node: Any, v: Any) -> _Schema | None:
    if not isinstance(node.typ, _ARRAYS):
        return None
    item = node.children[0] if node.children else None
    values = _choices(item, v.choices)
    if values is None:
        return None
    return {'items': {'enum': values} if values else {'not': {}}}


def _regex(conv: Converter, node: Any, v: Any) -> _Schema | None:
    pattern = ecma_pattern(getattr(v, 'match_object', None))
    return None if pattern is None else {'pattern': pattern}


def _email(conv: Converter, node: Any, v: Any) -> _Schema | None:
    return {'format': 'email', **(_regex(conv, node, v) or {})}


def _all(conv: Converter, node: Any, v: Any) -> _Schema | None:
    schema: dict[str, Any] = {}
    for validator in v.validators:
        extra = conv.convert_validator(node, validator)
        if extra:
            schema = merge(schema, extra)
    return schema


def _any(conv: Converter, node: Any, v: Any) -> _Schema | None:
    branches = []
    for validator in v.validators:
        branch = conv.convert_validator(node, validator)
        if not branch:
            # This one may accept anything, so the union does.
            return None
        branches.append(branch)
    if len(branches) == 1:
        return branches[0]
    return {'anyOf': branches} if branches else None


def _format(name: str) -> ValidatorFunction:
    def convert(conv: Converter, node: Any, v: Any) -> _Schema:
        return {'format': name}

    return convert


VALIDATOR_TYPES: dict[type, ValidatorFunction] = {
    colander.Range: _range,
    colander.Length: _length,
    colander.OneOf: _one_of,
    colander.NoneOf: _none_of,
    colander.ContainsOnly: _contains_only,
    colander.Regex: _regex,
    colander.Email: _email,
    colander.All: _all,
    colander.Any: _any,
}


VALIDATOR_OBJECTS: list[tuple[Any, ValidatorFunction]] = [
    (colander.url, _format('uri')),
    (colander.uuid, _format('uuid')),
]
