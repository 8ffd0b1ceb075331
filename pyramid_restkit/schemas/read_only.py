"""Read-only fields: what an operation answers but does not take.

API.md: fields that the response schema has and the input schema lacks
are read-only; sent back in a body (a client PUTs what it GOT), they are
dropped, not refused.  They are found once, at configuration time, by
comparing the operation's own response schema with its body schema at
every nesting level (:func:`read_only_fields`); :func:`.rules.prepare`
then drops them, mapping by mapping.
"""

from __future__ import annotations

import colander

from .input import RequestSchema
from .rules import ReadOnly


def read_only_fields(
    schema: colander.SchemaNode | None,
    response_schema: colander.SchemaNode | None,
) -> ReadOnly:
    """The paths of the read-only fields of ``schema``'s body.

    ``schema`` is an operation's input (a :class:`RequestSchema` is read
    for its ``body``), ``response_schema`` its output.  A path is a
    tuple of field names, ``None`` standing for "each item" of a
    sequence: ``('id',)``, ``('author', 'id')``, ``('tags', None,
    'id')``.  Fields are compared where both schemas have a mapping (or
    both a sequence); a mapping response schema is compared with the
    items of a sequence body, as it applies to each item of a list.
    """
    if isinstance(schema, RequestSchema):
        schema = schema.get('body')
    if schema is None or response_schema is None:
        return frozenset()
    found: set[tuple[str | None, ...]] = set()
    if _is_sequence(schema) and isinstance(
        response_schema.typ, colander.Mapping
    ):
        _compare(schema.children[0], response_schema, (None,), found)
    else:
        _compare(schema, response_schema, (), found)
    return frozenset(found)


def _is_sequence(node: colander.SchemaNode) -> bool:
    return isinstance(node.typ, colander.Sequence) and bool(node.children)


def _compare(
    node: colander.SchemaNode,
    output: colander.SchemaNode,
    path: tuple[str | None, ...],
    found: set[tuple[str | None, ...]],
) -> None:
    if isinstance(node.typ, colander.Mapping) and isinstance(
        output.typ, colander.Mapping
    ):
        fields = {child.name: child for child in node.children}
        for child in output.children:
            own = fields.get(child.name)
            if own is None:
                found.add((*path, child.name))
            else:
                _compare(own, child, (*path, child.name), found)
    elif _is_sequence(node) and _is_sequence(output):
        _compare(node.children[0], output.children[0], (*path, None), found)
