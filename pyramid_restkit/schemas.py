"""colander schemas as representations: the only module importing colander.

Input: :func:`prepare` clones a user schema once, at configuration time,
into the variant a request needs: *typed* (JSON, YAML: ``"7"`` is not an
Integer, ``null`` means absent), *partial* (PATCH: every field optional,
no defaults filled in) and with unknown fields refused or ignored.  The
clone's types are subclasses of the user's (so ``isinstance`` checks in
colander and in user code still hold) that add those checks before the
ordinary colander deserialization.

Output: :func:`compile_output` turns a ``response_schema`` into a function
that keeps the declared fields with their native types and drops the rest.
"""

from __future__ import annotations

import copy
import datetime
import decimal
import re
from collections.abc import Callable, Iterable
from collections.abc import Mapping as AbcMapping
from typing import Any, NoReturn

import colander
from webob.multidict import MultiDict

from .errors import FieldError, ResponseValidationError, ValidationFailure

#: Body locations a :class:`RequestSchema` may declare.
LOCATIONS = ('body', 'querystring', 'path', 'headers')

#: The query parameter that selects a media type; never validated.
FORMAT_PARAM = 'format'

MAX_DESCRIPTION = 160


class RequestSchema(colander.MappingSchema):  # type: ignore[misc]
    """A schema of several request locations.

    Its children named ``body``, ``querystring``, ``path`` and ``headers``
    validate those parts of the request; ``request.validated[location]``
    holds each result::

        class Search(RequestSchema):
            @colander.instantiate()
            class querystring(colander.MappingSchema):
                q = colander.SchemaNode(colander.String())
    """


def as_schema(value: Any, what: str) -> colander.SchemaNode | None:
    """Accept a schema instance or class (``schema=PostSchema``)."""
    if value is None:
        return None
    if isinstance(value, type) and issubclass(value, colander.SchemaNode):
        value = value()
    if not isinstance(value, colander.SchemaNode):
        from .errors import ResourceConfigurationError

        raise ResourceConfigurationError(
            f'{what} must be a colander schema, not {value!r}'
        )
    return value


# -- typed checks -----------------------------------------------------------


def _expect(node: Any, description: str) -> None:
    raise colander.Invalid(node, description)


def _check_scalar(typ: Any, node: Any, value: Any) -> None:
    """Refuse JSON values that colander would otherwise coerce."""
    if isinstance(typ, colander.Enum):
        _check_scalar(typ.typ, node, value)
    elif isinstance(typ, colander.Boolean):
        if not isinstance(value, bool):
            _expect(node, 'Expected a boolean.')
    elif isinstance(typ, colander.Integer):
        if not isinstance(value, int) or isinstance(value, bool):
            _expect(node, 'Expected an integer.')
    elif isinstance(typ, colander.Decimal):
        # NOTE: numeric strings are accepted: Decimals are rendered as
        # strings (API.md), so what the API sends must come back in.
        if (
            isinstance(value, bool)
            or not isinstance(value, (int, float, str))
            or (isinstance(value, str) and not _NUMBER_TEXT.match(value))
        ):
            _expect(node, 'Expected a number or a numeric string.')
    elif isinstance(typ, colander.Number):
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            _expect(node, 'Expected a number.')
    elif isinstance(
        typ,
        (colander.String, colander.DateTime, colander.Date, colander.Time),
    ):
        if not isinstance(value, str):
            _expect(node, 'Expected a string.')
        # NOTE: colander reads '' as "absent", which would let a PATCH
        # skip the field's validators; in JSON it is a value, and only
        # null means absent.
        if value == '' and not getattr(typ, 'allow_empty', False):
            _expect(node, 'Must not be empty.')
    elif isinstance(typ, colander.Mapping):
        if not isinstance(value, dict):
            _expect(node, 'Expected an object.')
    elif isinstance(
        typ, (colander.Sequence, colander.Tuple, colander.Set, colander.List)
    ):
        if not isinstance(value, list):
            _expect(node, 'Expected an array.')


#: Text spellings of booleans (case-insensitive): JSON's words, and
#: ``on``, what an HTML form sends for a checked checkbox (an unchecked
#: one sends nothing).  Not ``1``/``0``: those are numbers.
_TEXT_BOOLEANS = {'true': 'true', 'on': 'true', 'false': 'false'}
_DEFAULT_FALSE_CHOICES = ('false', '0')
#: Numbers in text: ASCII digits only, no spaces, no ``nan``/``inf``, no
#: ``1_000`` (which int() and float() would take).
_INTEGER_TEXT = re.compile(r'[-+]?[0-9]+\Z')
_NUMBER_TEXT = re.compile(
    r'[-+]?(?:[0-9]+\.?[0-9]*|\.[0-9]+)(?:[eE][-+]?[0-9]+)?\Z'
)


def _check_text(typ: Any, node: Any, value: Any) -> Any:
    """Refuse text that colander would read too generously.

    colander's Boolean takes any text but ``false`` and ``0`` for true
    (``''`` and ``maybe`` included); its numbers take ``nan``, ``inf``,
    spaces and non-ASCII digits.  Returns the text colander should see.
    """
    if not isinstance(value, str):
        return value
    if value == '':
        if isinstance(typ, _CONTAINERS):
            # NOTE: an empty element (XML's <tags/>) is an empty text; the
            # schema says which empty value it is.
            return {} if isinstance(typ, colander.Mapping) else []
        # NOTE: colander reads '' as "absent"; here, as in JSON, it is a
        # value, and only a missing field (or nil) is absent.  Numbers and
        # booleans refuse it below.
        if isinstance(typ, colander.String) and typ.allow_empty:
            return value
        if not isinstance(typ, (colander.Boolean, colander.Number)):
            _expect(node, 'Must not be empty.')
    if isinstance(typ, colander.Boolean):
        if value and (
            typ.true_choices
            or tuple(typ.false_choices) != _DEFAULT_FALSE_CHOICES
        ):
            return value  # the application chose its own spellings
        spelled = _TEXT_BOOLEANS.get(value.lower())
        if spelled is None:
            _expect(node, 'Expected a boolean (true or false).')
        return spelled
    if isinstance(typ, colander.Integer):
        if not _INTEGER_TEXT.match(value):
            _expect(node, 'Expected an integer.')
    elif isinstance(typ, colander.Number) and not _NUMBER_TEXT.match(value):
        _expect(node, 'Expected a number.')
    return value


class _Restkit:
    """Mixed into a clone of each schema type (see :func:`prepare`)."""

    restkit_typed = False
    restkit_unknown = 'ignore'

    def deserialize(self, node: Any, cstruct: Any) -> Any:
        if self.restkit_typed:
            if cstruct is None:
                cstruct = colander.null
            elif cstruct is not colander.null:
                _check_scalar(self, node, cstruct)
        elif cstruct is None:
            cstruct = colander.null  # XML's nil="true", as JSON's null
        else:
            cstruct = _check_text(self, node, cstruct)
        if (
            isinstance(self, colander.Set)
            and isinstance(cstruct, list)
            and not all(isinstance(item, _SET_ITEMS) for item in cstruct)
        ):
            # colander's set() of lists or objects would raise TypeError.
            _expect(node, 'Expected an array of strings, numbers or booleans.')
        unknown = None
        if (
            self.restkit_unknown == 'raise'
            and isinstance(cstruct, AbcMapping)
            and isinstance(self, colander.Mapping)
        ):
            unknown = _unknown_fields(node, cstruct)
        try:
            result = super().deserialize(node, cstruct)  # type: ignore[misc]
        except colander.Invalid as exc:
            if unknown is not None:
                exc.children.extend(unknown.children)
            raise
        if unknown is not None:
            raise unknown
        return result


def _unknown_fields(node: Any, cstruct: Any) -> colander.Invalid | None:
    known = {child.name for child in node.children}
    extra = [key for key in cstruct if key not in known]
    if not extra:
        return None
    error = colander.Invalid(node)
    for key in extra:
        field = colander.SchemaNode(colander.String(), name=str(key))
        error.add(colander.Invalid(field, 'Unknown field.'))
    return error


_CONTAINERS = (
    colander.Mapping,
    colander.Sequence,
    colander.Tuple,
    colander.Set,
    colander.List,
)

_SET_ITEMS = (str, int, float, type(None))

_MIXED: dict[type, type] = {}


def _mixed(cls: type) -> type:
    mixed = _MIXED.get(cls)
    if mixed is None:
        mixed = type(cls.__name__, (_Restkit, cls), {})
        _MIXED[cls] = mixed
    return mixed


def prepare(
    schema: colander.SchemaNode,
    *,
    typed: bool,
    partial: bool = False,
    unknown: str = 'ignore',
) -> colander.SchemaNode:
    """Return a clone of ``schema`` that applies the kit's input rules.

    ``typed`` refuses coercion and treats ``None`` as absent; ``partial``
    makes every mapping field optional without defaults (nested mappings
    too, not items of sequences); ``unknown='raise'`` reports each field
    the schema does not declare, by name.
    """
    clone = schema.clone()
    _prepare(clone, typed, partial, unknown, root=True)
    return clone


def _refuse_unsafe(node: Any) -> None:
    """Refuse input nodes that would fail (or do harm) per request."""
    from .errors import ResourceConfigurationError

    if isinstance(node.typ, colander.GlobalObject):
        raise ResourceConfigurationError(
            f'{node.name or "the schema"}: a GlobalObject node imports '
            'whatever module the client names; it cannot validate input'
        )
    if isinstance(node.typ, colander.Sequence) and len(node.children) != 1:
        raise ResourceConfigurationError(
            f'{node.name or "the schema"}: a Sequence node needs exactly '
            'one child, the schema of its items'
        )


def _prepare(
    node: Any, typed: bool, partial: bool, unknown: str, root: bool
) -> None:
    _refuse_unsafe(node)
    typ = copy.copy(node.typ)
    if not isinstance(typ, _Restkit):
        typ.__class__ = _mixed(type(typ))
    typ.restkit_typed = typed
    is_mapping = isinstance(typ, colander.Mapping)
    if is_mapping and getattr(typ, 'unknown', 'ignore') == 'ignore':
        typ.restkit_unknown = unknown
    node.typ = typ
    if partial and not root:
        node.missing = colander.drop
    for child in node.children:
        _prepare(child, typed, partial and is_mapping, unknown, root=False)


def has_deferred(schema: colander.SchemaNode) -> bool:
    """Whether ``schema`` needs ``bind(request=...)`` per request."""
    stack = [schema]
    while stack:
        node = stack.pop()
        # NOTE: class attributes count too (``validator = deferred(...)``
        # in a SchemaNode subclass), as they do for colander's own bind().
        for namespace in (node, *type(node).__mro__):
            if any(
                isinstance(value, colander.deferred)
                for value in vars(namespace).values()
            ):
                return True
        stack.extend(node.children)
    return False


# -- errors -------------------------------------------------------------------


def _text(message: Any) -> str:
    interpolate = getattr(message, 'interpolate', None)
    text = str(interpolate() if interpolate is not None else message)
    if len(text) > MAX_DESCRIPTION:
        text = text[: MAX_DESCRIPTION - 3] + '...'
    return text


def field_errors(exc: colander.Invalid, location: str) -> list[FieldError]:
    """Flatten a colander error tree into ``{location, name, description}``.

    Names are dotted paths below the validated location: ``author.name``,
    ``tags.0``; an error on the location itself has the name ``''``.
    """
    errors: list[FieldError] = []
    stack: list[tuple[colander.Invalid, str]] = [(exc, '')]
    while stack:
        error, name = stack.pop()
        for message in error.messages():
            errors.append(
                {
                    'location': location,
                    'name': name,
                    'description': _text(message),
                }
            )
        for child in reversed(error.children):
            part = str(child.pos) if child.positional else child.node.name
            stack.append((child, f'{name}.{part}' if name else part))
    return errors


# -- request validation -------------------------------------------------------


class Validator:
    """Validates the locations of one operation's request.

    Built once per operation; :meth:`validate` runs per request and returns
    what becomes ``request.validated``.
    """

    def __init__(
        self,
        schema: colander.SchemaNode,
        *,
        partial: bool,
        unknown: str,
        status: int,
    ) -> None:
        self.status = status
        self.multi = isinstance(schema, RequestSchema)
        if self.multi:
            parts = {child.name: child for child in schema.children}
            extra = sorted(set(parts) - set(LOCATIONS))
            if extra:
                from .errors import ResourceConfigurationError

                raise ResourceConfigurationError(
                    'a RequestSchema may only have the children '
                    f'{", ".join(LOCATIONS)}; not {", ".join(extra)}'
                )
            body = parts.get('body')
        else:
            parts = {}
            body = schema
        self.wants_body = body is not None
        self.body_typed = self.body_text = None
        if body is not None:
            self.body_typed = prepare(
                body, typed=True, partial=partial, unknown=unknown
            )
            self.body_text = prepare(
                body, typed=False, partial=partial, unknown=unknown
            )
        self.locations = [
            (name, prepare(parts[name], typed=False))
            for name in ('querystring', 'path', 'headers')
            if name in parts
        ]
        self.deferred = has_deferred(schema)
        self.body_is_mapping = body is not None and isinstance(
            body.typ, colander.Mapping
        )

    def validate(
        self, request: Any, body: Any, present: bool, typed: bool
    ) -> Any:
        """Validate ``body`` (already parsed) and the other locations.

        Raises :class:`~pyramid_restkit.errors.ValidationFailure` with every
        error of every location.
        """
        errors: list[FieldError] = []
        result: dict[str, Any] = {}
        if self.wants_body:
            node = self.body_typed if typed else self.body_text
            if not present and self.body_is_mapping:
                # NOTE: an absent body is an empty object, so each missing
                # required field is named (and optional ones defaulted).
                body = {}
            elif isinstance(body, MultiDict):
                body = from_multidict(node, body)
            result['body'] = self._run(node, body, 'body', request, errors)
        for name, node in self.locations:
            cstruct = _gather(name, node, request)
            result[name] = self._run(node, cstruct, name, request, errors)
        if errors:
            raise ValidationFailure(errors, self.status)
        if not self.multi:
            return result['body']
        return result

    def _run(
        self,
        node: Any,
        cstruct: Any,
        location: str,
        request: Any,
        errors: list[FieldError],
    ) -> Any:
        if self.deferred:
            node = node.bind(request=request)
        try:
            return node.deserialize(
                colander.null if cstruct is None else cstruct
            )
        except colander.Invalid as exc:
            errors.extend(field_errors(exc, location))
            return None


#: Types whose query parameter may repeat (``?tag=a&tag=b``).
_MANY = (colander.Sequence, colander.Set, colander.List, colander.Tuple)


def from_multidict(node: Any, data: MultiDict[str, Any]) -> Any:
    """Shape form data for ``node``: lists where it expects many values.

    A field the schema expects as a sequence gets every value; any other
    field the last one (as for query parameters).  Fields the schema does
    not declare are kept, so that unknown fields are still reported.
    """
    if not isinstance(node.typ, colander.Mapping):
        return data
    children = {child.name: child for child in node.children}
    result: dict[str, Any] = {}
    for key in data:
        if key in result:
            continue
        child = children.get(key)
        if child is not None and isinstance(child.typ, _MANY):
            result[key] = data.getall(key)
        else:
            result[key] = data.getall(key)[-1]
    return result


def _gather(location: str, node: Any, request: Any) -> dict[str, Any]:
    """Collect the declared fields of a text location from the request."""
    if location == 'querystring':
        params = request.GET
        values: dict[str, Any] = {}
        for child in node.children:
            if child.name == FORMAT_PARAM or child.name not in params:
                continue
            if isinstance(child.typ, _MANY):
                values[child.name] = params.getall(child.name)
            else:
                values[child.name] = params[child.name]
        return values
    if location == 'path':
        source = request.matchdict or {}
    else:
        source = request.headers
    return {
        child.name: source[child.name]
        for child in node.children
        if child.name in source
    }


# -- output -------------------------------------------------------------------

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
