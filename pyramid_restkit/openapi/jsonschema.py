"""colander schemas as JSON Schema (draft 2020-12), as the kit applies them.

:class:`JSONSchemaConverter` describes what the kit's runtime does with a
schema, not what colander alone would do: ``mode='input'`` is what a typed
request body (JSON, YAML) must be to pass
:class:`pyramid_restkit.schemas.Validator`, ``mode='output'`` what
:func:`pyramid_restkit.schemas.compile_output` lets through and the
renderers write.  An OpenAPI document is built from these schemas and the
live server is tested against it, so every keyword below states a check
the runtime makes.

========================  =================================================
colander                  JSON Schema
========================  =================================================
``Mapping``               ``object``: ``properties`` in declaration order,
                          ``required``; ``additionalProperties: false`` when
                          unknown fields are refused (input) and always in
                          output (undeclared fields are dropped)
``Sequence``              ``array`` of its child (``accept_scalar`` has no
                          effect: typed input must be an array)
``Tuple``                 ``array`` with ``prefixItems``, ``items: false``
                          and ``minItems`` = ``maxItems``
``Set``, ``List``         ``array``; a ``Set``'s items must be hashable, so
                          not objects or arrays (duplicates are accepted)
``String``                ``string``; ``minLength: 1`` in input unless
                          ``allow_empty``
``Integer``               ``integer``
``Float``, ``Number``     ``number``
``Decimal``, ``Money``    ``number``, or a ``string`` matching
                          :data:`NUMERIC_PATTERN` (Decimals are rendered as
                          strings); a ``quant`` bounds them in input
``Boolean``               ``boolean`` (or the values its choices accept)
``Date``, ``DateTime``    ``string`` with ``format`` ``date`` or
                          ``date-time`` (input with a ``format``: a string)
``Time``                  ``string`` matching :data:`TIME_INPUT_PATTERN` in
                          input, :data:`TIME_OUTPUT_PATTERN` in output: not
                          ``format: time``, whose offsets colander refuses
``Enum``                  ``enum`` of the serialized values its inner type
                          accepts
``GlobalObject``          ``string``
anything else             ``{}`` (any value)
========================  =================================================

On every node: ``title`` when it is not the one colander derives from the
name, ``description`` when not empty; in input, the ``missing`` value as
``default`` (not in a partial); ``null`` wherever the runtime takes it
(input: on optional nodes, where it means absent; output: on optional
nodes and on those with ``nullable=True``).  Validators add keywords:
``Range`` (``minimum``/``maximum``), ``Length``, ``OneOf`` (``enum``),
``NoneOf`` (``not``), ``Regex`` (``pattern``, translated to ECMA-262),
``Email``, ``colander.url``, ``colander.uuid``, ``ContainsOnly``, ``All``
and ``Any``; a validator it does not know adds nothing, and so does a
deferred one.  Output schemas keep the validators' keywords: the runtime
does not check them, so they state what the resource promises.

Given a ``components`` dict, instances of the application's own schema
classes (``class PostSchema(colander.MappingSchema)``) become named
components and ``$ref`` s; see :meth:`JSONSchemaConverter.convert`.

What no keyword says (``tests/test_jsonschema.py::test_known_gaps``):
JSON Schema's ``integer`` takes ``1.0``, which the kit refuses; a
``Range`` on a ``Decimal`` does not bound numeric strings (and the kit
refuses ``GlobalObject`` in input schemas: it would import what the
client names); ``Date`` and ``DateTime`` read more of ISO
8601 than RFC 3339 (``2020``, no offset, a trailing newline) but no
lowercase ``t``/``z``, ``Time`` full date-times too; ``colander.url``
and ``colander.uuid`` are not RFC 3986 and 4122; colander's ``Any``
counts messages, so a sub-``All`` failing twice outweighs a pass;
``Length`` counts a ``Set`` after duplicates are gone.  In output, only
types, required fields and ``null`` are checked, strings pass for dates,
``Decimal`` values for a ``Float`` (written as strings), anything for an
``Enum``, and naive datetimes are written without an offset.

Converters for other types and validators are added per converter::

    def slug(converter, node, ctx):
        return {'type': 'string', 'pattern': '^[a-z0-9-]+$'}

    converter = JSONSchemaConverter(unknown='raise')
    converter.add_type(Slug, slug)
    converter.add_validator(is_even, lambda conv, node, v: {'multipleOf': 2})
"""

from __future__ import annotations

import dataclasses
import datetime
import decimal
import json
import math
import re
import uuid
from collections.abc import Callable, Iterable
from typing import Any, NamedTuple

import colander

from .ecma import ecma_pattern as ecma_pattern

TypeConverter = Callable[
    ['JSONSchemaConverter', colander.SchemaNode, 'Context'], dict[str, Any]
]
ValidatorConverter = Callable[
    ['JSONSchemaConverter', colander.SchemaNode, Any], 'dict[str, Any] | None'
]

#: Where components are referenced from (OpenAPI's place for them).
REF = '#/components/schemas/'

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

# Schema classes that are not the application's own: no component.
_ANONYMOUS_MODULES = frozenset({'colander', 'pyramid_restkit.schemas'})
_CONTAINERS = (colander.Mapping, colander.Sequence, colander.Tuple)
_ARRAYS = (colander.Sequence, colander.Tuple, colander.Set, colander.List)
# Keywords that apply to every instance, null included.
_ANY_TYPE = frozenset(
    {'$ref', '$dynamicRef', 'allOf', 'anyOf', 'oneOf', 'not', 'if', 'const'}
)
_LOWER = frozenset({'minimum', 'exclusiveMinimum', 'minLength', 'minItems'})
_UPPER = frozenset({'maximum', 'exclusiveMaximum', 'maxLength', 'maxItems'})
_SKIP = object()


@dataclasses.dataclass(frozen=True)
class Context:
    """What a conversion is for, handed to each :data:`TypeConverter`.

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


class JSONSchemaConverter:
    """Convert colander schemas to JSON Schema 2020-12.

    ``unknown`` is the ``restkit.unknown_fields`` setting: ``'raise'``
    closes (``additionalProperties: false``) the input mappings whose own
    colander ``unknown`` is ``'ignore'``, as the kit refuses their unknown
    fields; ``'ignore'`` leaves them open.
    """

    def __init__(self, *, unknown: str = 'raise') -> None:
        if unknown not in ('raise', 'ignore'):
            raise ValueError(
                f"unknown must be 'raise' or 'ignore', not {unknown!r}"
            )
        self.unknown = unknown
        self._types: dict[type, TypeConverter] = dict(_TYPES)
        self._validator_types: dict[type, ValidatorConverter] = dict(
            _VALIDATOR_TYPES
        )
        # By id(), keeping the object (so its id stays its own).
        self._validator_objects: dict[int, tuple[Any, ValidatorConverter]] = {
            id(obj): (obj, fn) for obj, fn in _VALIDATOR_OBJECTS
        }

    def add_type(self, typ: type, fn: TypeConverter) -> None:
        """Convert nodes whose type is ``typ`` (or a subclass) with ``fn``.

        ``fn(converter, node, ctx)`` returns the node's schema without
        what the converter adds itself (validators, title, null, default);
        :meth:`children` converts its children.  The most specific class
        along the type's MRO wins, and this replaces a built-in::

            def point(converter, node, ctx):
                items = [c.schema for c in converter.children(node, ctx)]
                return {'type': 'array', 'prefixItems': items}

            converter.add_type(Point, point)
        """
        self._types[typ] = fn

    def add_validator(
        self, key: type | object, fn: ValidatorConverter
    ) -> None:
        """Convert the validators ``key`` designates with ``fn``.

        ``key`` is a validator class (matching its instances and those of
        subclasses, the most specific first), or one validator object or
        function, matched by identity before any class (as
        ``colander.url`` is).  ``fn(converter, node, validator)`` returns
        the keywords to merge into the node's schema, or None for none::

            def multiple_of(converter, node, validator):
                return {'multipleOf': validator.step}

            converter.add_validator(MultipleOf, multiple_of)
        """
        if isinstance(key, type):
            self._validator_types[key] = fn
        else:
            self._validator_objects[id(key)] = (key, fn)

    def convert(
        self,
        node: colander.SchemaNode,
        *,
        mode: str = 'input',
        partial: bool = False,
        components: dict[str, Any] | None = None,
    ) -> dict[str, Any]:
        """Return the JSON Schema of ``node``.

        ``mode`` is ``'input'`` (what validation accepts) or ``'output'``
        (what ``response_schema`` emits).  ``partial`` describes a PATCH
        body (input only): every mapping field optional, no defaults,
        nested mappings too but not the items of sequences.

        With a ``components`` dict, each node of a ``SchemaNode`` subclass
        of the application's with a mapping, sequence or tuple type goes
        into it as ``components[name]`` and is replaced by a ``$ref`` to
        ``#/components/schemas/<name>``; what belongs to the place it is
        used at (its title or description if the instance changed them,
        its default, ``null``) stays beside the ``$ref``.  The name is the
        class name (sanitized to ``[A-Za-z0-9._-]``), with ``-Partial``
        or ``-Output`` for a variant that differs from the plain input
        one (``-Output`` only when the plain name is taken: convert the
        inputs first), and ``-2``, ``-3``... for other bodies; identical
        bodies share one name, also across calls with the same dict.
        """
        if mode not in ('input', 'output'):
            raise ValueError(f"mode must be 'input' or 'output', not {mode!r}")
        ctx = Context(mode, partial and mode == 'input', components)
        return self._node(node, ctx, node.missing)

    def children(self, node: colander.SchemaNode, ctx: Context) -> list[Child]:
        """Convert each child of ``node`` as the runtime applies it.

        In a partial, a mapping's children are optional (so they take
        ``null``) without defaults, and their own children likewise if
        they are mappings.
        """
        return [self.child(node, child, ctx) for child in node.children]

    def child(
        self,
        node: colander.SchemaNode,
        child: colander.SchemaNode,
        ctx: Context,
    ) -> Child:
        """Convert one child of ``node``; see :meth:`children`."""
        dropped = ctx.partial and isinstance(node.typ, colander.Mapping)
        if dropped != ctx.partial:
            ctx = dataclasses.replace(ctx, partial=dropped)
        missing = colander.drop if dropped else child.missing
        schema = self._node(child, ctx, missing)
        return Child(str(child.name), schema, missing is colander.required)

    def convert_validator(
        self, node: colander.SchemaNode, validator: Any
    ) -> dict[str, Any] | None:
        """Return the keywords ``validator`` adds to ``node``, or None."""
        if validator is None or isinstance(validator, colander.deferred):
            return None
        entry = self._validator_objects.get(id(validator))
        fn = entry[1] if entry is not None else None
        for cls in type(validator).__mro__:
            fn = fn or self._validator_types.get(cls)
        return None if fn is None else fn(self, node, validator) or None

    # -- internals --------------------------------------------------------

    def _body(self, node: Any, ctx: Context) -> dict[str, Any]:
        """The schema of ``node``'s type and validators."""
        schema: dict[str, Any] = {}
        for cls in type(node.typ).__mro__:
            fn = self._types.get(cls)
            if fn is not None:
                schema = fn(self, node, ctx)
                break
        extra = self.convert_validator(node, getattr(node, 'validator', None))
        return _merge(schema, extra) if extra else schema

    def _node(self, node: Any, ctx: Context, missing: Any) -> dict[str, Any]:
        body = self._body(node, ctx)
        notes = _annotations(node)
        if ctx.components is not None and _is_component(node):
            own = _class_annotations(type(node))
            name = self._register(node, {**own, **body}, ctx, ctx.components)
            body = {'$ref': REF + name}
            notes = {k: v for k, v in notes.items() if own.get(k) != v}
        if missing is not colander.required or (
            ctx.mode == 'output' and bool(getattr(node, 'nullable', False))
        ):
            body = _nullable(body)
        result = dict(notes)
        for key, value in body.items():
            result.setdefault(key, value)
        if ctx.mode == 'input' and not _is_marker(missing):
            default = _json(node, missing)
            # NOTE: missing='' on a String that refuses '' from clients is
            # the server's own value; as a default it would break the
            # schema, which tools check defaults against.
            if default is not _SKIP and not (
                default == '' and result.get('minLength', 0) > 0
            ):
                result['default'] = default
        return result

    def _register(
        self,
        node: Any,
        body: dict[str, Any],
        ctx: Context,
        components: dict[str, Any],
    ) -> str:
        base = re.sub(r'[^A-Za-z0-9._-]', '_', type(node).__name__)
        family = re.compile(
            re.escape(base) + r'(?:-Partial|-Output)?(?:-\d+)?'
        )
        text = _dumps(body)
        for name, schema in components.items():
            if family.fullmatch(name) and _dumps(schema) == text:
                return name
        suffix = ''
        if ctx.mode == 'output':
            # NOTE: a class used only for output keeps its plain name.
            suffix = '-Output' if base in components else ''
        elif ctx.partial and isinstance(node.typ, colander.Mapping):
            suffix = '-Partial'
        if suffix:
            # NOTE: a variant named after the plain one only if it differs;
            # the plain body is built against a copy so nothing leaks.
            plain_ctx = Context(components=dict(components))
            own = _class_annotations(type(node))
            plain = {**own, **self._body(node, plain_ctx)}
            if _dumps(plain) == text:
                suffix = ''
        name, number = base + suffix, 1
        while name in components:
            number += 1
            name = f'{base}{suffix}-{number}'
        components[name] = body
        return name


# Short names for the converters' signatures below.
_Conv = JSONSchemaConverter
_Schema = dict[str, Any]


# -- helpers ------------------------------------------------------------------


def _dumps(value: Any) -> str:
    return json.dumps(value, default=repr)


def _is_marker(value: Any) -> bool:
    return (
        value is colander.required
        or value is colander.drop
        or (value is colander.null or isinstance(value, colander.deferred))
    )


def _is_component(node: Any) -> bool:
    cls = type(node)
    return isinstance(node.typ, _CONTAINERS) and (
        cls.__module__ not in _ANONYMOUS_MODULES
    )


def _annotations(node: Any) -> dict[str, Any]:
    notes: dict[str, Any] = {}
    title = getattr(node, 'title', None)
    name = str(getattr(node, 'name', ''))
    auto = name.replace('_', ' ').title()
    if isinstance(title, str) and title and title != auto:
        notes['title'] = str(title)
    description = getattr(node, 'description', None)
    if isinstance(description, str) and description:
        notes['description'] = str(description)
    return notes


def _class_annotations(cls: type) -> dict[str, Any]:
    """Title and description a schema class itself sets."""
    notes: dict[str, Any] = {}
    for key in ('title', 'description'):
        value = getattr(cls, key, None)
        if isinstance(value, str) and value:
            notes[key] = str(value)
    return notes


def _nullable(schema: dict[str, Any]) -> dict[str, Any]:
    """``schema`` that also accepts ``null``."""
    if not schema:
        return schema
    if _ANY_TYPE & schema.keys():
        return {'anyOf': [schema, {'type': 'null'}]}
    result = dict(schema)
    kind = result.get('type')
    if kind is not None:
        kinds = [kind] if isinstance(kind, str) else list(kind)
        result['type'] = kinds if 'null' in kinds else [*kinds, 'null']
    values = result.get('enum')
    if values is not None and None not in values:
        result['enum'] = [*values, None]
    return result


def _merge(base: dict[str, Any], extra: dict[str, Any]) -> dict[str, Any]:
    """Both schemas' constraints; keywords both set go into ``allOf``."""
    result = dict(base)
    rest: dict[str, Any] = {}
    for key, value in extra.items():
        if key not in result:
            result[key] = value
        elif key == 'allOf':
            result[key] = [*result[key], *value]
        elif _dumps(result[key]) == _dumps(value):
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


def _json(node: Any, value: Any) -> Any:
    """``value`` as the kit renders it, or ``_SKIP``."""
    typ = getattr(node, 'typ', None)
    if isinstance(typ, colander.Enum) and isinstance(value, typ.enum_cls):
        value = getattr(value, typ.attr, _SKIP)
    return _plain(value)


def _plain(value: Any) -> Any:
    if value is None or isinstance(value, bool):
        return value
    if isinstance(value, str):
        return str.__str__(value)
    if isinstance(value, int):
        return int(value)
    if isinstance(value, float):
        return float(value) if math.isfinite(value) else _SKIP
    if isinstance(value, (decimal.Decimal, uuid.UUID)):
        return str(value)
    if isinstance(value, (datetime.date, datetime.time)):
        return value.isoformat()
    if isinstance(value, (set, frozenset)):
        value = sorted(value, key=repr)
    if isinstance(value, (list, tuple)):
        items = [_plain(item) for item in value]
        return _SKIP if _SKIP in items else items
    if isinstance(value, dict) and all(isinstance(k, str) for k in value):
        mapping = {str(k): _plain(v) for k, v in value.items()}
        return _SKIP if _SKIP in mapping.values() else mapping
    return _SKIP


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
            value = _plain(key)
            if value is not _SKIP:
                values.setdefault(_dumps(value), value)
    return list(values.values())


# -- type converters ----------------------------------------------------------


def _mapping(conv: _Conv, node: Any, ctx: Context) -> _Schema:
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


def _sequence(conv: _Conv, node: Any, ctx: Context) -> _Schema:
    schema: dict[str, Any] = {'type': 'array'}
    if node.children:
        schema['items'] = conv.child(node, node.children[0], ctx).schema
    elif ctx.mode == 'input':
        return {'not': {}}  # colander fails on its missing child
    return schema


def _set(conv: _Conv, node: Any, ctx: Context) -> _Schema:
    if ctx.mode == 'output':
        return _sequence(conv, node, ctx)
    # colander makes a set() of the items (which must then be hashable).
    return {
        'type': 'array',
        'items': {'type': ['null', 'boolean', 'number', 'string']},
    }


def _list(conv: _Conv, node: Any, ctx: Context) -> _Schema:
    if ctx.mode == 'output':
        return _sequence(conv, node, ctx)
    return {'type': 'array'}


def _tuple(conv: _Conv, node: Any, ctx: Context) -> _Schema:
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


def _string(conv: _Conv, node: Any, ctx: Context) -> _Schema:
    if ctx.mode == 'input' and not getattr(node.typ, 'allow_empty', False):
        return {'type': 'string', 'minLength': 1}
    return {'type': 'string'}


def _simple(kind: str) -> TypeConverter:
    def convert(conv: _Conv, node: Any, ctx: Context) -> _Schema:
        return {'type': kind}

    return convert


def _boolean(conv: _Conv, node: Any, ctx: Context) -> _Schema:
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


def _decimal(conv: _Conv, node: Any, ctx: Context) -> _Schema:
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


def _date(fmt: str) -> TypeConverter:
    def convert(conv: _Conv, node: Any, ctx: Context) -> _Schema:
        if ctx.mode == 'input' and getattr(node.typ, 'format', None):
            # strptime() with the node's own format.
            return {'type': 'string', 'minLength': 1}
        return {'type': 'string', 'format': fmt}

    return convert


def _time(conv: _Conv, node: Any, ctx: Context) -> _Schema:
    if ctx.mode == 'input':
        return {'type': 'string', 'pattern': TIME_INPUT_PATTERN}
    return {'type': 'string', 'pattern': TIME_OUTPUT_PATTERN}


def _enum(conv: _Conv, node: Any, ctx: Context) -> _Schema:
    inner = getattr(node.typ, 'typ', None)
    values = []
    for key in getattr(node.typ, 'values', ()):
        value = _plain(key)
        if value is not _SKIP and _inner_accepts(inner, value):
            values.append(value)
    return {'enum': values} if values else {'not': {}}


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


_TYPES: dict[type, TypeConverter] = {
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
}


# -- validator converters -----------------------------------------------------


def _range(conv: _Conv, node: Any, v: Any) -> _Schema | None:
    if not isinstance(node.typ, colander.Number):
        return None
    schema: dict[str, Any] = {}
    for key, bound in (('minimum', v.min), ('maximum', v.max)):
        number = _number(bound)
        if number is not None:
            schema[key] = number
    return schema


def _length(conv: _Conv, node: Any, v: Any) -> _Schema | None:
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


def _one_of(conv: _Conv, node: Any, v: Any) -> _Schema | None:
    values = _choices(node, v.choices)
    if values is None:
        return None
    return {'enum': values} if values else {'not': {}}


def _none_of(conv: _Conv, node: Any, v: Any) -> _Schema | None:
    values = _choices(node, v.forbidden)
    return {'not': {'enum': values}} if values else None


def _contains_only(conv: _Conv, node: Any, v: Any) -> _Schema | None:
    if not isinstance(node.typ, _ARRAYS):
        return None
    item = node.children[0] if node.children else None
    values = _choices(item, v.choices)
    if values is None:
        return None
    return {'items': {'enum': values} if values else {'not': {}}}


def _regex(conv: _Conv, node: Any, v: Any) -> _Schema | None:
    pattern = ecma_pattern(getattr(v, 'match_object', None))
    return None if pattern is None else {'pattern': pattern}


def _email(conv: _Conv, node: Any, v: Any) -> _Schema | None:
    return {'format': 'email', **(_regex(conv, node, v) or {})}


def _all(conv: _Conv, node: Any, v: Any) -> _Schema | None:
    schema: dict[str, Any] = {}
    for validator in v.validators:
        extra = conv.convert_validator(node, validator)
        if extra:
            schema = _merge(schema, extra)
    return schema


def _any(conv: _Conv, node: Any, v: Any) -> _Schema | None:
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


def _format(name: str) -> ValidatorConverter:
    def convert(conv: _Conv, node: Any, v: Any) -> _Schema:
        return {'format': name}

    return convert


_VALIDATOR_TYPES: dict[type, ValidatorConverter] = {
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

_VALIDATOR_OBJECTS: list[tuple[Any, ValidatorConverter]] = [
    (colander.url, _format('uri')),
    (colander.uuid, _format('uuid')),
]
