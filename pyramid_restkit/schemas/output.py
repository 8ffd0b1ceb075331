"""Output: a ``response_schema`` compiled into a filtering function.

:func:`compile_output` turns a schema into a function that keeps the
declared fields with their native types and drops the rest, checking what
it keeps; the renderers turn dates and Decimals into text afterwards.
Nothing here deserializes: colander is read once, at configuration time.
"""

from __future__ import annotations

import datetime
import decimal
from collections.abc import Callable, Iterable
from collections.abc import Mapping as AbcMapping
from typing import Any, NoReturn

import colander

from ..errors import ResponseValidationError

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


def compile_output(node: colander.SchemaNode) -> Output:
    """Compile ``node`` into a function filtering and checking output.

    Mappings keep only declared fields (read from a mapping or, for other
    objects, from attributes); a missing field whose node has no
    ``missing`` value is a :class:`ResponseValidationError`, and so is
    ``None`` where :func:`nullable_output` says no.  Scalars keep their
    native type: the renderer turns dates and Decimals into strings.
    """
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
        item = compile_output(node.children[0]) if node.children else None
        return _compile_sequence(item)
    if isinstance(typ, colander.Tuple):
        return _compile_tuple([compile_output(c) for c in node.children])
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


def _compile_mapping(node: colander.SchemaNode) -> Output:
    fields = [
        (child.name, compile_output(child), child.missing is colander.required)
        for child in node.children
    ]

    def output(value: Any) -> Any:
        is_mapping = isinstance(value, AbcMapping)
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
        result = []
        for position, element in enumerate(value):
            try:
                result.append(item(element))
            except ResponseValidationError as exc:
                _prefixed(exc, str(position))
        return result

    return output


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
