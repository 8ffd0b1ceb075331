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

What no keyword says (``tests/openapi/test_jsonschema.py::test_known_gaps``):
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
import re
from collections.abc import Callable
from typing import Any

import colander

from .ecma import ecma_pattern
from .jsonschema_base import SKIP, Child, Context, dumps, merge, plain
from .jsonschema_types import (
    NUMERIC_PATTERN,
    TIME_INPUT_PATTERN,
    TIME_OUTPUT_PATTERN,
    TYPES,
)
from .jsonschema_validators import VALIDATOR_OBJECTS, VALIDATOR_TYPES

TypeConverter = Callable[
    ['JSONSchemaConverter', colander.SchemaNode, 'Context'], dict[str, Any]
]
ValidatorConverter = Callable[
    ['JSONSchemaConverter', colander.SchemaNode, Any], 'dict[str, Any] | None'
]

#: Where components are referenced from (OpenAPI's place for them).
REF = '#/components/schemas/'

# Schema classes that are not the application's own: no component.
_ANONYMOUS_MODULES = frozenset({'colander', 'pyramid_restkit.schemas'})
_ANONYMOUS_PACKAGE = 'pyramid_restkit.schemas.'
_CONTAINERS = (colander.Mapping, colander.Sequence, colander.Tuple)
# Keywords that apply to every instance, null included.
_ANY_TYPE = frozenset(
    {'$ref', '$dynamicRef', 'allOf', 'anyOf', 'oneOf', 'not', 'if', 'const'}
)


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
        self._types: dict[type, TypeConverter] = dict(TYPES)
        self._validator_types: dict[type, ValidatorConverter] = dict(
            VALIDATOR_TYPES
        )
        # By id(), keeping the object (so its id stays its own).
        self._validator_objects: dict[int, tuple[Any, ValidatorConverter]] = {
            id(obj): (obj, fn) for obj, fn in VALIDATOR_OBJECTS
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
        return merge(schema, extra) if extra else schema

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
            if default is not SKIP and not (
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
        text = dumps(body)
        for name, schema in components.items():
            if family.fullmatch(name) and dumps(schema) == text:
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
            plain_body = {**own, **self._body(node, plain_ctx)}
            if dumps(plain_body) == text:
                suffix = ''
        name, number = base + suffix, 1
        while name in components:
            number += 1
            name = f'{base}{suffix}-{number}'
        components[name] = body
        return name


def _is_marker(value: Any) -> bool:
    return (
        value is colander.required
        or value is colander.drop
        or (value is colander.null or isinstance(value, colander.deferred))
    )


def _is_component(node: Any) -> bool:
    module = type(node).__module__
    # NOTE: the kit's own classes stay anonymous should pyramid_restkit.schemas
    # become a package (its classes then live in its submodules).
    return isinstance(node.typ, _CONTAINERS) and not (
        module in _ANONYMOUS_MODULES or module.startswith(_ANONYMOUS_PACKAGE)
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


def _json(node: Any, value: Any) -> Any:
    """``value`` as the kit renders it, or ``SKIP``."""
    typ = getattr(node, 'typ', None)
    if isinstance(typ, colander.Enum) and isinstance(value, typ.enum_cls):
        value = getattr(value, typ.attr, SKIP)
    return plain(value)


__all__ = [
    'NUMERIC_PATTERN',
    'REF',
    'TIME_INPUT_PATTERN',
    'TIME_OUTPUT_PATTERN',
    'Child',
    'Context',
    'JSONSchemaConverter',
    'TypeConverter',
    'ValidatorConverter',
    'ecma_pattern',
]
