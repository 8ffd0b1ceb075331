"""Output: a ``response_schema`` compiled into a filtering function.

:func:`compile_output` turns a schema into a function that keeps the
declared fields with their native types and drops the rest, checking what
it keeps; the renderers turn dates and Decimals into text afterwards.
Nothing here deserializes: colander is read once, at configuration time.

A mapping schema given a list applies to each item (API.md: DRF's
``many=True``); anywhere else it expects an object.
"""

from __future__ import annotations

import datetime
import decimal
from collections.abc import Callable, Iterable, Iterator
from collections.abc import Mapping as AbcMapping
from typing import Any, NoReturn

import colander

from ..errors import ResourceConfigurationError, ResponseValidationError

_MISSING = object()

Output = Callable[[Any], Any]


def nullable_output(node: colander.SchemaNode) -> bool:
    """Whether ``node``'s output may be ``null``.

    An optional node (one with a ``missing`` value) may be null, as in
    input; a required one only when it says ``nullable=True``.
    """
    return node.missing is not colander.required or bool(
        getattr(node, 'nullable', False)
    )


def _scalar_check(
    kinds: tuple[type, ...], exclude_bool: bool, description: str
) -> Output:
    def check(value: Any) -> Any:
        if not isinstance(value, kinds) or (
            exclude_bool and isinstance(value, bool)
        ):
            raise ResponseValidationError('', description)
        return value

    return check


def _date_output(value: Any) -> Any:
    # A datetime is a date too; a Date field shows only the date part.
    if isinstance(value, datetime.datetime):
        return value.date()
    if isinstance(value, (datetime.date, str)):
        return value
    raise ResponseValidationError('', 'Expected a date.')


def _passthrough(value: Any) -> Any:
    return value


def compile_output(
    node: colander.SchemaNode, *, where: str | None = None
) -> Output:
    """Compile ``node`` into a function filtering and checking output.

    Mappings keep only declared fields (read from a mapping or, for other
    objects, from attributes); a missing field whose node has no
    ``missing`` value is a :class:`ResponseValidationError`, and so is
    ``None`` where :func:`nullable_output` says no.  Scalars keep their
    native type: the renderer turns dates and Decimals into strings.

    A mapping ``node`` given a list (a tuple, an iterator; not a named
    tuple, whose fields are attributes) applies to each of its items.

    ``where`` names the operation: the errors then name it and the
    schema's class, for the log.  A schema that cannot describe output
    is a :class:`ResourceConfigurationError`, at once.
    """
    try:
        convert = _compile_node(node)
    except _SchemaError as exc:
        raise ResourceConfigurationError(
            f'{where + ": " if where else ""}response_schema '
            f'{_schema_name(node)}: {exc}'
        ) from None
    if isinstance(node.typ, colander.Mapping):
        convert = _many(convert)
    if where is None:
        return convert
    label = (
        f'{where}: the value returned does not match its response_schema '
        f'{_schema_name(node)}'
    )

    def named(value: Any) -> Any:
        try:
            return convert(value)
        except ResponseValidationError as exc:
            # NOTE: the same exception, its message completed: the log
            # (views log a 500 with its traceback) says whose output it
            # was; the client sees none of it.
            exc.args = (f'{label}: {exc}',)
            raise

    return named


def _schema_name(node: colander.SchemaNode) -> str:
    cls = type(node)
    name = f'{cls.__module__}.{cls.__qualname__}'
    if cls is colander.SchemaNode:
        name += f' ({type(node.typ).__name__})'
    return name


class _SchemaError(Exception):
    """A schema that cannot describe output (a configuration error)."""


def _many(convert: Output) -> Output:
    """``convert`` applied to one object, or to each item of a list."""

    def output(value: Any) -> Any:
        if not _is_list(value):
            return convert(value)
        return _each(convert, value)

    return output


def _is_list(value: Any) -> bool:
    """A list as a response: a list, a tuple (not a named one), an
    iterator (a generator, ``map``...)."""
    if isinstance(value, list):
        return True
    if isinstance(value, tuple):
        return not hasattr(value, '_fields')
    return isinstance(value, Iterator) and not isinstance(value, AbcMapping)


def _compile_node(node: colander.SchemaNode) -> Output:
    """:func:`_compile` with the node's nullability."""
    convert = _compile(node)
    if nullable_output(node):

        def nullable(value: Any) -> Any:
            return None if value is None else convert(value)

        return nullable

    def not_null(value: Any) -> Any:
        if value is None:
            raise ResponseValidationError('', 'Must not be null.')
        return convert(value)

    return not_null


def _compile(node: colander.SchemaNode) -> Output:
    typ = node.typ
    if isinstance(typ, colander.Mapping):
        return _compile_mapping(node)
    if isinstance(typ, (colander.Sequence, colander.Set, colander.List)):
        if len(node.children) > 1:
            raise _SchemaError(
                f'{node.name or "the schema"}: a Sequence node needs exactly '
                'one child, the schema of its items (it has '
                f'{len(node.children)})'
            )
        item = _compile_node(node.children[0]) if node.children else None
        return _compile_sequence(item)
    if isinstance(typ, colander.Tuple):
        return _compile_tuple([_compile_node(c) for c in node.children])
    if isinstance(typ, colander.Boolean):
        return _scalar_check((bool,), False, 'Expected a boolean.')
    if isinstance(typ, colander.Integer):
        return _scalar_check((int,), True, 'Expected an integer.')
    if isinstance(typ, colander.Number):
        return _scalar_check(
            (int, float, decimal.Decimal), True, 'Expected a number.'
        )
    if isinstance(typ, colander.String):
        return _scalar_check((str,), False, 'Expected a string.')
    if isinstance(typ, colander.DateTime):
        return _scalar_check(
            (datetime.datetime, str), False, 'Expected a date-time.'
        )
    if isinstance(typ, colander.Date):
        return _date_output
    if isinstance(typ, colander.Time):
        return _scalar_check((datetime.time, str), False, 'Expected a time.')
    return _passthrough


def _prefixed(exc: ResponseValidationError, part: str) -> NoReturn:
    name = f'{part}.{exc.name}' if exc.name else part
    raise ResponseValidationError(name, exc.description) from None


#: What a mapping schema cannot read fields from: scalars and arrays (a
#: named tuple is an object: its fields are attributes).
_NOT_OBJECTS = (
    str,
    bytes,
    bytearray,
    int,
    float,
    complex,
    decimal.Decimal,
    datetime.date,
    datetime.time,
    list,
    tuple,
    set,
    frozenset,
)


def _compile_mapping(node: colander.SchemaNode) -> Output:
    fields = [
        (child.name, _compile_node(child), child.missing is colander.required)
        for child in node.children
    ]

    def output(value: Any) -> Any:
        is_mapping = isinstance(value, AbcMapping)
        if (
            not is_mapping
            and isinstance(value, _NOT_OBJECTS)
            and not hasattr(value, '_fields')
        ):
            raise ResponseValidationError('', 'Expected an object.')
        result = {}
        for name, convert, required in fields:
            if is_mapping:
                item = value.get(name, _MISSING)
            else:
                item = getattr(value, name, _MISSING)
            if item is _MISSING:
                if required:
                    raise ResponseValidationError(
                        name, 'A required field is missing.'
                    )
                continue
            try:
                result[name] = convert(item)
            except ResponseValidationError as exc:
                _prefixed(exc, name)
        return result

    return output


def _is_array(value: Any) -> bool:
    return isinstance(value, Iterable) and not isinstance(
        value, (str, bytes, AbcMapping)
    )


def _compile_sequence(item: Output | None) -> Output:
    def output(value: Any) -> Any:
        if not _is_array(value):
            raise ResponseValidationError('', 'Expected an array.')
        if item is None:
            return list(value)
        return _each(item, value)

    return output


def _each(convert: Output, items: Any) -> list[Any]:
    """``convert`` applied to each of ``items``; errors name the position."""
    result = []
    for position, item in enumerate(items):
        try:
            result.append(convert(item))
        except ResponseValidationError as exc:
            _prefixed(exc, str(position))
    return result


def _compile_tuple(items: list[Output]) -> Output:
    def output(value: Any) -> Any:
        if not _is_array(value):
            raise ResponseValidationError('', 'Expected an array.')
        values = list(value)
        if len(values) != len(items):
            raise ResponseValidationError(
                '', f'Expected an array of {len(items)} items.'
            )
        result = []
        for position, (convert, element) in enumerate(
            zip(items, values, strict=True)
        ):
            try:
                result.append(convert(element))
            except ResponseValidationError as exc:
                _prefixed(exc, str(position))
        return result

    return output
