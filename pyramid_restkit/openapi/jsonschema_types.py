"""The JSON Schema of each colander type: the built-in type converters.

:data:`TYPES` is what a :class:`~.jsonschema.JSONSchemaConverter` starts
with (:meth:`~.jsonschema.JSONSchemaConverter.add_type` adds to its
copy); the table in :mod:`.jsonschema`'s docstring says what each gives,
and :func:`_file` the schema of :class:`~pyramid_restkit.File`.
"""

from __future__ import annotations

import decimal
from typing import Any

import colander

from ..schemas.files import File
from .jsonschema_base import SKIP, Context, Converter, TypeFunction, plain

#: A numeric string as the kit accepts it for a ``Decimal``: ASCII
#: digits, no blanks, underscores, NaN or infinities (``decimal.Decimal``
#: would read those; the kit refuses them).
NUMERIC_PATTERN = (
    r'^[+-]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)(?:[eE][+-]?[0-9]+)?$(?!\n)'
)

#: A time colander's ``Time`` reads: ``H:M``, ``H:M:S`` or ``H:M:S.f``.
TIME_INPUT_PATTERN = (
    r'^(?:[01]?[0-9]|2[0-3]):[0-5]?[0-9]'
    r'(?::[0-5]?[0-9](?:\.[0-9]{1,6})?)?$(?!\n)'
)

#: A time as ``datetime.time.isoformat()`` writes it.
TIME_OUTPUT_PATTERN = (
    r'^[0-9]{2}:[0-9]{2}:[0-9]{2}(?:\.[0-9]{6})?'
    r'(?:[+-][0-9]{2}:[0-9]{2}(?::[0-9]{2}(?:\.[0-9]{6})?)?)?$(?!\n)'
)

#: What the converters return.
_Schema = dict[str, Any]


def _mapping(conv: Converter, node: Any, ctx: Context) -> _Schema:
    children = conv.children(node, ctx)
    schema: dict[str, Any] = {
        'type': 'object',
        'properties': {child.name: child.schema for child in children},
    }
    required = [child.name for child in children if child.required]
    if required:
        schema['required'] = list(dict.fromkeys(required))
    unknown = getattr(node.typ, 'unknown', 'ignore')
    if (
        ctx.mode == 'output'
        or unknown == 'raise'
        or (unknown == 'ignore' and conv.unknown == 'raise')
    ):
        schema['additionalProperties'] = False
    return schema


def _sequence(conv: Converter, node: Any, ctx: Context) -> _Schema:
    schema: dict[str, Any] = {'type': 'array'}
    if node.children:
        schema['items'] = conv.child(node, node.children[0], ctx).schema
    elif ctx.mode == 'input':
        return {'not': {}}  # colander fails on its missing child
    return schema


def _set(conv: Converter, node: Any, ctx: Context) -> _Schema:
    if ctx.mode == 'output':
        return _sequence(conv, node, ctx)
    # colander makes a set() of the items (which must then be hashable).
    return {
        'type': 'array',
        'items': {'type': ['null', 'boolean', 'number', 'string']},
    }


def _list(conv: Converter, node: Any, ctx: Context) -> _Schema:
    if ctx.mode == 'output':
        return _sequence(conv, node, ctx)
    return {'type': 'array'}


def _tuple(conv: Converter, node: Any, ctx: Context) -> _Schema:
    items = [child.schema for child in conv.children(node, ctx)]
    if not items:
        return {'type': 'array', 'maxItems': 0}
    return {
        'type': 'array',
        'prefixItems': items,
        'items': False,
        'minItems': len(items),
        'maxItems': len(items),
    }


def _string(conv: Converter, node: Any, ctx: Context) -> _Schema:
    if ctx.mode == 'input' and not getattr(node.typ, 'allow_empty', False):
        return {'type': 'string', 'minLength': 1}
    return {'type': 'string'}


def _simple(kind: str) -> TypeFunction:
    def convert(conv: Converter, node: Any, ctx: Context) -> _Schema:
        return {'type': kind}

    return convert


def _boolean(conv: Converter, node: Any, ctx: Context) -> _Schema:
    if ctx.mode == 'output':
        return {'type': 'boolean'}
    # colander compares str(value).lower() with the choices.
    false = getattr(node.typ, 'false_choices', ('false', '0'))
    true = getattr(node.typ, 'true_choices', ())
    accepted = [
        value
        for value in (True, False)
        if str(value).lower() in false
        or not true
        or str(value).lower() in true
    ]
    if len(accepted) == 2:
        return {'type': 'boolean'}
    return {'enum': accepted} if accepted else {'not': {}}


def _decimal(conv: Converter, node: Any, ctx: Context) -> _Schema:
    schema: dict[str, Any] = {
        'type': ['number', 'string'],
        'pattern': NUMERIC_PATTERN,
    }
    quant = getattr(node.typ, 'quant', None)
    if ctx.mode == 'input' and isinstance(quant, decimal.Decimal):
        exponent = quant.as_tuple().exponent
        if isinstance(exponent, int):
            # quantize() fails beyond the context's precision: the number
            # must have at most ``digits`` digits before the point.
            digits = decimal.getcontext().prec + exponent
            if digits > 0:
                bound = 10**digits
                schema['pattern'] = (
                    rf'^[+-]?0*(?:[0-9]{{1,{digits}}}(?:\.[0-9]*)?|\.[0-9]+)$'
                )
                schema['exclusiveMinimum'] = -bound
                schema['exclusiveMaximum'] = bound
    return schema


def _date(fmt: str) -> TypeFunction:
    def convert(conv: Converter, node: Any, ctx: Context) -> _Schema:
        if ctx.mode == 'input' and getattr(node.typ, 'format', None):
            # strptime() with the node's own format.
            return {'type': 'string', 'minLength': 1}
        return {'type': 'string', 'format': fmt}

    return convert


def _time(conv: Converter, node: Any, ctx: Context) -> _Schema:
    if ctx.mode == 'input':
        return {'type': 'string', 'pattern': TIME_INPUT_PATTERN}
    return {'type': 'string', 'pattern': TIME_OUTPUT_PATTERN}


def _enum(conv: Converter, node: Any, ctx: Context) -> _Schema:
    inner = getattr(node.typ, 'typ', None)
    values = []
    for key in getattr(node.typ, 'values', ()):
        value = plain(key)
        if value is not SKIP and _inner_accepts(inner, value):
            values.append(value)
    return {'enum': values} if values else {'not': {}}


def _file(conv: Converter, node: Any, ctx: Context) -> _Schema:
    """An uploaded file: no typed value is one, a form part is binary.

    In input, JSON and the other typed formats cannot carry a file, so
    the schema takes nothing (``not: {}``); ``format: binary`` (with
    ``contentMediaType``, one per allowed type) marks it as a file, which
    the form variant (:mod:`.variants`) turns into the binary string of a
    ``multipart/form-data`` part.  No keyword bounds a part's size
    (``maxLength`` counts characters).  In output it checks nothing.
    """
    if ctx.mode == 'output':
        return {}
    schema: dict[str, Any] = {'not': {}, 'format': 'binary'}
    types: tuple[str, ...] = getattr(node.typ, 'media_types', ())
    if len(types) == 1:
        schema['contentMediaType'] = types[0]
    elif types:
        # contentMediaType names one type; each branch names one of them.
        schema['anyOf'] = [{'contentMediaType': kind} for kind in types]
    return schema


# What _check_scalar lets through, per type (bool is not an int here).
_TYPED: tuple[tuple[Any, tuple[type, ...]], ...] = (
    (colander.Boolean, (bool,)),
    (colander.Integer, (int,)),
    (colander.Decimal, (int, float, str)),
    (colander.Number, (int, float)),
    (
        (colander.String, colander.Date, colander.DateTime, colander.Time),
        (str,),
    ),
)


def _inner_accepts(typ: Any, value: Any) -> bool:
    """Whether an Enum's inner type takes ``value`` in typed input."""
    for types, kinds in _TYPED:
        if isinstance(typ, types):
            if isinstance(value, bool) and bool not in kinds:
                return False
            return isinstance(value, kinds) and (
                value != '' or bool(getattr(typ, 'allow_empty', False))
            )
    return True


TYPES: dict[type, TypeFunction] = {
    colander.Mapping: _mapping,
    colander.Sequence: _sequence,
    colander.Tuple: _tuple,
    colander.Set: _set,
    colander.List: _list,
    colander.String: _string,
    colander.Integer: _simple('integer'),
    colander.Number: _simple('number'),
    colander.Decimal: _decimal,
    colander.Boolean: _boolean,
    colander.Date: _date('date'),
    colander.DateTime: _date('date-time'),
    colander.Time: _time,
    colander.Enum: _enum,
    colander.GlobalObject: _simple('string'),
    File: _file,
}
