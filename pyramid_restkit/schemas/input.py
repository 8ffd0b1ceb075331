"""Validating a request: its body and the other locations a schema names.

A :class:`Validator` is built once per operation, from prepared clones of
its schema (:mod:`.rules`); per request it gathers each location's values,
deserializes them and turns colander's error tree into flat
``{location, name, description}`` entries (:func:`field_errors`).
"""

from __future__ import annotations

from typing import Any

import colander
from webob.multidict import MultiDict

from ..errors import FieldError, ResourceConfigurationError, ValidationFailure
from ..negotiation import FORMAT_PARAM
from ._colander import error_part, has_deferred
from .rules import INCOMPLETE, MAX_ERRORS, OMITTED, ReadOnly, prepare

#: Body locations a :class:`RequestSchema` may declare.
LOCATIONS = ('body', 'querystring', 'path', 'headers')

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
    _flatten(exc, location, errors)
    return errors


def _flatten(
    exc: colander.Invalid, location: str, errors: list[FieldError]
) -> tuple[int, bool]:
    """:func:`field_errors` into ``errors``; returns what was not built.

    That is the number of errors counted but not built, and whether a
    list stopped before its end (:mod:`.rules`).
    """
    omitted = 0
    incomplete = False
    stack: list[tuple[colander.Invalid, str]] = [(exc, '')]
    while stack:
        error, name = stack.pop()
        omitted += getattr(error, OMITTED, 0)
        incomplete = incomplete or getattr(error, INCOMPLETE, False)
        for message in error.messages():
            errors.append(
                {
                    'location': location,
                    'name': name,
                    'description': _text(message),
                }
            )
        for child in reversed(error.children):
            part = error_part(child)
            stack.append((child, f'{name}.{part}' if name else part))
    return omitted, incomplete


# -- request validation -------------------------------------------------------


class Validator:
    """Validates the locations of one operation's request.

    Built once per operation; :meth:`validate` runs per request and returns
    what becomes ``request.validated``.  ``read_only`` lists the body's
    read-only fields (:func:`.read_only.read_only_fields`), dropped
    unchecked; ``max_errors`` bounds the errors built for the unknown
    fields of a mapping or the items of a list (:func:`.rules.prepare`).
    """

    def __init__(
        self,
        schema: colander.SchemaNode,
        *,
        partial: bool,
        unknown: str,
        status: int,
        read_only: ReadOnly = frozenset(),
        max_errors: int = MAX_ERRORS,
        reserved: frozenset[str] = frozenset(),
    ) -> None:
        self.status = status
        #: Query parameters the kit reads itself besides ``format`` (the
        #: ``version`` of query versioning): never validated.
        self.reserved = reserved
        self.read_only = read_only
        self.multi = isinstance(schema, RequestSchema)
        if self.multi:
            parts = {child.name: child for child in schema.children}
            extra = sorted(set(parts) - set(LOCATIONS))
            if extra:
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
                body,
                typed=True,
                partial=partial,
                unknown=unknown,
                read_only=read_only,
                max_errors=max_errors,
            )
            self.body_text = prepare(
                body,
                typed=False,
                partial=partial,
                unknown=unknown,
                read_only=read_only,
                max_errors=max_errors,
            )
        self.locations = [
            (name, prepare(parts[name], typed=False, max_errors=max_errors))
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
        error of every location that was built; its ``errors_omitted``
        counts those that were not, and ``errors_incomplete`` says whether
        a list was left unread past the limit (so there may be more).
        """
        errors: list[FieldError] = []
        tally = [0, False]
        result: dict[str, Any] = {}
        if self.wants_body:
            node = self.body_typed if typed else self.body_text
            if not present and self.body_is_mapping:
                # NOTE: an absent body is an empty object, so each missing
                # required field is named (and optional ones defaulted).
                body = {}
            elif isinstance(body, MultiDict):
                body = from_multidict(node, body)
            result['body'] = self._run(
                node, body, 'body', request, errors, tally
            )
        for name, node in self.locations:
            cstruct = _gather(name, node, request, self.reserved)
            result[name] = self._run(
                node, cstruct, name, request, errors, tally
            )
        if errors or tally[0]:
            failure = ValidationFailure(errors, self.status)
            # NOTE: read by problems.http_error_view, which lists the
            # first errors and counts the rest.
            failure.errors_omitted = tally[0]
            failure.errors_incomplete = tally[1]
            raise failure
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
        tally: list[Any],
    ) -> Any:
        if self.deferred:
            node = node.bind(request=request)
        try:
            return node.deserialize(
                colander.null if cstruct is None else cstruct
            )
        except colander.Invalid as exc:
            omitted, incomplete = _flatten(exc, location, errors)
            tally[0] += omitted
            tally[1] = tally[1] or incomplete
            return None


# -- gathering a location's values --------------------------------------------

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


def _gather(
    location: str,
    node: Any,
    request: Any,
    reserved: frozenset[str] = frozenset(),
) -> dict[str, Any]:
    """Collect the declared fields of a text location from the request.

    ``format`` and the ``reserved`` query parameters are the kit's.
    """
    if location == 'querystring':
        params = request.GET
        values: dict[str, Any] = {}
        for child in node.children:
            if (
                child.name == FORMAT_PARAM
                or child.name in reserved
                or child.name not in params
            ):
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
