"""What the JSON Schema converter and its built-in converters share.

:mod:`.jsonschema` (the :class:`~.jsonschema.JSONSchemaConverter`),
:mod:`.jsonschema_types` (a converter per colander type) and
:mod:`.jsonschema_validators` (one per colander validator) import this
module, which imports none of them: the :class:`Context` of a conversion,
a converted :class:`Child`, the :class:`Converter` protocol the built-in
converters are written against, and JSON values and keywords
(:func:`plain`, :func:`merge`).
"""

from __future__ import annotations

import dataclasses
import datetime
import decimal
import json
import math
import uuid
from collections.abc import Callable
from typing import Any, NamedTuple, Protocol

import colander

# Keywords that bound from below and from above: merge() keeps the tighter.
_LOWER = frozenset({'minimum', 'exclusiveMinimum', 'minLength', 'minItems'})
_UPPER = frozenset({'maximum', 'exclusiveMaximum', 'maxLength', 'maxItems'})
#: What :func:`plain` gives for a value that JSON cannot hold.
SKIP = object()


@dataclasses.dataclass(frozen=True)
class Context:
    """What a conversion is for, handed to each type converter.

    ``mode`` is ``'input'`` or ``'output'``; ``partial`` whether the
    fields of this node (when it is a mapping) are optional without
    defaults; ``components`` the dict named schemas go into, or None.
    """

    mode: str = 'input'
    partial: bool = False
    components: dict[str, Any] | None = dataclasses.field(
        default=None, compare=False
    )


class Child(NamedTuple):
    """One converted child node: its name, its schema, whether required."""

    name: str
    schema: dict[str, Any]
    required: bool


class Converter(Protocol):
    """What the built-in type and validator converters use of a converter.

    :class:`~.jsonschema.JSONSchemaConverter` is one; the built-in
    converters are written against this protocol, so that their modules
    need not import the class (whose module imports them).
    """

    unknown: str

    def children(
        self, node: colander.SchemaNode, ctx: Context
    ) -> list[Child]: ...

    def child(
        self,
        node: colander.SchemaNode,
        child: colander.SchemaNode,
        ctx: Context,
    ) -> Child: ...

    def convert_validator(
        self, node: colander.SchemaNode, validator: Any
    ) -> dict[str, Any] | None: ...


#: A built-in converter of a colander type; it is a
#: :data:`.jsonschema.TypeConverter`.
TypeFunction = Callable[[Converter, Any, Context], dict[str, Any]]
#: A built-in converter of a colander validator; it is a
#: :data:`.jsonschema.ValidatorConverter`.
ValidatorFunction = Callable[[Converter, Any, Any], 'dict[str, Any] | None']


def dumps(value: Any) -> str:
    """``value`` as JSON text, to compare schemas."""
    return json.dumps(value, default=repr)


def plain(value: Any) -> Any:
    """``value`` as the kit renders it in JSON, or :data:`SKIP`."""
    if value is None or isinstance(value, bool):
        return value
    if isinstance(value, str):
        return str.__str__(value)
    if isinstance(value, int):
        return int(value)
    if isinstance(value, float):
        return float(value) if math.isfinite(value) else SKIP
    if isinstance(value, (decimal.Decimal, uuid.UUID)):
        return str(value)
    if isinstance(value, (datetime.date, datetime.time)):
        return value.isoformat()
    if isinstance(value, (set, frozenset)):
        value = sorted(value, key=repr)
    if isinstance(value, (list, tuple)):
        items = [plain(item) for item in value]
        return SKIP if SKIP in items else items
    if isinstance(value, dict) and all(isinstance(k, str) for k in value):
        mapping = {str(k): plain(v) for k, v in value.items()}
        return SKIP if SKIP in mapping.values() else mapping
    return SKIP


def merge(base: dict[str, Any], extra: dict[str, Any]) -> dict[str, Any]:
    """Both schemas' constraints; keywords both set go into ``allOf``."""
    result = dict(base)
    rest: dict[str, Any] = {}
    for key, value in extra.items():
        if key not in result:
            result[key] = value
        elif key == 'allOf':
            result[key] = [*result[key], *value]
        elif dumps(result[key]) == dumps(value):
            continue
        elif key in _LOWER and _both_numbers(result[key], value):
            result[key] = max(result[key], value)
        elif key in _UPPER and _both_numbers(result[key], value):
            result[key] = min(result[key], value)
        else:
            rest[key] = value
    if rest:
        result['allOf'] = [*result.get('allOf', ()), rest]
    return result


def _both_numbers(a: Any, b: Any) -> bool:
    return all(
        isinstance(x, (int, float)) and not isinstance(x, bool) for x in (a, b)
    )
