"""Applying a PATCH document: from ``get()`` to ``request.validated``.

A :class:`PatchDocuments` is built at commit for each PATCH operation
whose route has a GET (API.md: the collection's is ``collection_get``)
and whose schema takes a body.  Per request, once the preconditions
hold, :meth:`PatchDocuments.validate`:

1. calls the GET method on the request's one resource instance and
   takes the JSON form of its value, filtered by GET's response schema
   (what a client GETs: dates as their strings...);
2. applies the document to it (:mod:`.documents`);
3. drops what the input schema lacks and the document left as it was
   (read-only fields sent back unchanged), at every level; what the
   document added or changed there follows ``restkit.unknown_fields``;
4. validates the result with the full (not partial) schema;
5. keeps, of a mapping body, the top-level fields whose JSON value
   changed: the shape of a plain partial update, so ``patch()`` needs
   no code per format.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import colander
from pyramid.httpexceptions import HTTPError
from pyramid.response import Response

from ..media import Renderer
from ..schemas import Output, Validator
from .documents import PatchDocument, canonical

#: Paths into a value along its schema: names of mapping members, and
#: ``None`` for any item of a list (read-only fields are found per list,
#: not per position: a patch may move items).
Path = tuple[str | None, ...]


class PatchDocuments:
    """What one PATCH operation needs to take PATCH documents.

    ``get`` names the GET method of the route; ``output`` is its
    response schema, compiled (``None``: its value as it is);
    ``renderer`` writes the JSON form; ``body`` is the schema of the
    body and ``validator`` validates it, whole; ``locations``, for a
    :class:`~pyramid_restkit.RequestSchema`, validates its other
    locations.
    """

    def __init__(
        self,
        *,
        get: str,
        output: Output | None,
        renderer: Renderer,
        validator: Validator,
        body: colander.SchemaNode,
        locations: Validator | None,
        max_depth: int,
        max_body_size: int,
    ) -> None:
        self.get = get
        self.output = output
        self.renderer = renderer
        self.validator = validator
        self.body = body
        self.locations = locations
        self.max_depth = max_depth
        self.max_body_size = max_body_size
        self.mapping = isinstance(body.typ, colander.Mapping)

    def current(self, request: Any, instance: Any) -> Any:
        """The current representation: ``get()``'s value as JSON data."""
        value = getattr(instance, self.get)()
        if isinstance(value, HTTPError):
            raise value  # returned, as if raised (as views.respond)
        if isinstance(value, Response):
            raise TypeError(
                f'{type(instance).__qualname__}.{self.get} returned a '
                'Response: PATCH documents apply to the value it returns'
            )
        if self.output is not None and value is not None:
            value = self.output(value)
        return json.loads(self.renderer.dumps(value, request))

    def validate(
        self, request: Any, instance: Any, document: PatchDocument
    ) -> Any:
        """What becomes ``request.validated`` for ``document``.

        The other locations of a ``RequestSchema`` are validated first:
        GET may need them (``request.validated['path']``), and finds
        them in ``request.validated``.
        """
        others = None
        if self.locations is not None:
            others = self.locations.validate(request, None, False, True)
            request.validated = others
        before = self.current(request, instance)
        after = document.apply(before, self.max_depth, self.max_body_size)
        after = drop_unchanged(after, before, self.body)
        body = self.validator.validate(request, after, True, True)
        if self.mapping and isinstance(body, dict):
            # NOTE: compared as the schema sees them: without the fields
            # it lacks (read-only ones, ignored unknown ones).
            body = changed_fields(
                drop_extra(before, self.body),
                drop_extra(after, self.body),
                body,
                self.body,
            )
        if others is not None:
            return {**others, 'body': body}
        return body


def changed_fields(
    before: Any, after: dict[str, Any], valid: dict[str, Any], node: Any
) -> dict[str, Any]:
    """The validated top-level fields whose JSON value changed.

    A field removed (or set to ``null``, which means absent) is ``None``.
    """
    old = before if isinstance(before, dict) else {}
    changed: dict[str, Any] = {}
    for child in node.children:
        name = child.name
        was = old.get(name)
        now = after.get(name)
        if canonical(was, nulls=False) != canonical(now, nulls=False):
            changed[name] = None if now is None else valid.get(name)
    return changed


def drop_unchanged(after: Any, before: Any, node: Any) -> Any:
    """``after`` without the fields ``node`` lacks that ``before`` had.

    A field the schema lacks is dropped where the representation had the
    same value at the same place (for the items of a list: in any item
    of it); anything else is left to the validator
    (``restkit.unknown_fields``).  ``after`` is changed in place.
    """
    seen: set[tuple[Path, str]] = {
        ((*path, name), canonical(value))
        for path, _, name, value in _extra_fields(before, node)
    }
    if not seen:
        return after
    for path, owner, name, value in list(_extra_fields(after, node)):
        if ((*path, name), canonical(value)) in seen:
            del owner[name]
    return after


def drop_extra(value: Any, node: Any) -> Any:
    """``value`` without the fields ``node`` lacks (changed in place)."""
    for _, owner, name, _ in list(_extra_fields(value, node)):
        del owner[name]
    return value


def _extra_fields(
    value: Any, node: Any
) -> Iterator[tuple[Path, dict[str, Any], str, Any]]:
    """The members of ``value``'s objects that ``node`` does not declare.

    Each as (the path of its object, the object, its name, its value).
    """
    stack: list[tuple[Any, Any, Path]] = [(value, node, ())]
    while stack:
        item, schema, path = stack.pop()
        typ = schema.typ
        if isinstance(typ, colander.Mapping):
            if not isinstance(item, dict):
                continue
            children = {child.name: child for child in schema.children}
            for name, member in item.items():
                child = children.get(name)
                if child is None:
                    yield path, item, name, member
                else:
                    stack.append((member, child, (*path, name)))
        elif isinstance(item, list) and schema.children:
            if isinstance(typ, colander.Tuple):
                stack.extend(
                    (element, child, (*path, str(position)))
                    for position, (element, child) in enumerate(
                        zip(item, schema.children, strict=False)
                    )
                )
            elif isinstance(typ, colander.Sequence):
                child = schema.children[0]
                stack.extend(
                    (element, child, (*path, None)) for element in item
                )
