"""What collections add to an operation of the document.

Read from the operation's options (the ``pagination``, ``count`` and
``ordering`` rows of the options table, and its ``response_schema``):

* the query parameters of the pagination style (``page`` and
  ``page_size``, ``limit`` and ``offset``, or ``cursor`` and ``limit``),
  integers with the bounds and defaults in force (the style's sizes, else
  the settings ``restkit.pagination.default_size`` and ``.max_size``);
* ``sort`` where ``ordering`` is given (not under cursor pagination,
  whose order is its own), a pattern of the keys, each optionally
  ``-``-prefixed;
* ``fields`` on a ``GET`` with a response schema;
* the envelope of a paginated body (``items``, ``total``, ``next``,
  ``prev``), a named component per item schema (:class:`Pages`);
* the ``Link`` header (RFC 8288) of a paginated success.
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

import colander

from ..pagination import CursorPagination, Pagination
from ..settings import Settings
from .components import Components, free_name
from .jsonschema import REF

if TYPE_CHECKING:  # the options table is configuration's
    from ..config.options import Options

#: The ``Link`` header of a paginated success.
LINK_HEADER: dict[str, Any] = {
    'description': 'Links to other pages of the collection (RFC 8288): '
    '`next`, `prev`, `first`, and `last` when the total is known.',
    'required': False,
    'schema': {'type': 'string'},
}

#: The largest page number or offset the kit reads: more than 18 digits
#: is out of range (pyramid_restkit.pagination.int_parameter).
MAX_POSITION = 10**18 - 1

#: The position parameters of the built-in styles: their schema, and
#: what they say.
POSITIONS: dict[str, tuple[dict[str, Any], str]] = {
    'page': (
        {
            'type': 'integer',
            'minimum': 1,
            'maximum': MAX_POSITION,
            'default': 1,
        },
        'The page number, from 1 (past the last page: no items).',
    ),
    'offset': (
        {
            'type': 'integer',
            'minimum': 0,
            'maximum': MAX_POSITION,
            'default': 0,
        },
        'How many items to skip, from 0.',
    ),
    'cursor': (
        {'type': 'string'},
        'Where the page starts: an opaque value from the `next` or '
        '`prev` link of a page (absent or empty: the first page).',
    ),
}

_URL_OR_NULL = {'type': ['string', 'null'], 'format': 'uri'}

#: The ``-Page`` suffix of an envelope component (counted: ``-CountedPage``).
SUFFIXES = {False: 'Page', True: 'CountedPage'}


def pagination_of(opts: Options) -> Pagination | None:
    """The operation's pagination style (the option's checked value)."""
    pagination = opts.pagination
    return pagination if isinstance(pagination, Pagination) else None


def counted(opts: Options) -> bool:
    """Whether the kit counts (``count=True``, or the style's ``count``),
    as the runtime does: paginated bodies then always carry ``total``."""
    pagination = pagination_of(opts)
    return bool(opts.count) or bool(pagination and pagination.count)


def parameters(
    opts: Options, settings: Settings, verb: str
) -> list[dict[str, Any]]:
    """The query parameters collections add to an operation."""
    params: list[dict[str, Any]] = []
    pagination = pagination_of(opts)
    if pagination is not None:
        params.extend(_pagination_parameters(pagination, settings))
    if opts.ordering and not isinstance(pagination, CursorPagination):
        # NOTE: a cursor walks its own ordering (?sort= is a 400 there).
        params.append(_sort_parameter(opts.ordering))
    if verb == 'GET' and opts.response_schema is not None:
        params.append(_fields_parameter(opts.response_schema))
    return params


def _pagination_parameters(
    pagination: Pagination, settings: Settings
) -> list[dict[str, Any]]:
    default, maximum = pagination.sizes(settings)
    params = []
    for name in pagination.parameters:
        if name == pagination.size_parameter:
            schema: dict[str, Any] = {
                'type': 'integer',
                'minimum': 1,
                'maximum': maximum,
                'default': default,
            }
            description = f'How many items a page holds (at most {maximum}).'
        elif name in POSITIONS:
            known, description = POSITIONS[name]
            schema = dict(known)
        else:
            # NOTE: a custom style's own parameter: its class says what
            # it reads, not what it takes.
            schema = {'type': 'string'}
            description = (
                f'A parameter of the {type(pagination).__name__} style.'
            )
        params.append(
            {
                'name': name,
                'in': 'query',
                'required': False,
                'description': description,
                'schema': schema,
            }
        )
    return params


def _sort_parameter(keys: tuple[str, ...]) -> dict[str, Any]:
    key = '-?(?:' + '|'.join(keys) + ')'
    return {
        'name': 'sort',
        'in': 'query',
        'required': False,
        'description': 'The order of the items: comma-separated keys among '
        + ', '.join(f'`{k}`' for k in keys)
        + ', each prefixed with `-` for descending (`-'
        + keys[0]
        + '`). Without it, the items keep their own order.',
        'schema': {'type': 'string', 'pattern': f'^{key}(?:,{key})*$'},
    }


def field_names(node: Any, prefix: str = '') -> list[str]:
    """The names ``?fields=`` may give of ``node``'s fields: each
    field's, and the dotted names of the fields of nested mappings."""
    names = []
    if isinstance(node.typ, colander.Mapping):
        for child in node.children:
            name = prefix + child.name
            names.append(name)
            names.extend(field_names(child, name + '.'))
    return names


def _fields_parameter(response_schema: Any) -> dict[str, Any]:
    names = field_names(response_schema)
    listed = ', '.join(f'`{n}`' for n in names)
    description = (
        'Only these fields of the response (comma-separated; a nested '
        'field by its dotted name, `author.name`); an unknown one is a '
        '400. The others are then left out, required or not.'
    )
    if names:
        description += f' Fields: {listed}.'
    # NOTE: no pattern of the names: a response to ?fields=id lacks the
    # other required fields, which the document cannot make depend on a
    # parameter; tools that send only what a pattern allows would then
    # find valid requests getting "invalid" responses.
    return {
        'name': 'fields',
        'in': 'query',
        'required': False,
        'description': description,
        'schema': {'type': 'string'},
    }


class Pages:
    """The envelopes of one document's paginated bodies: a component per
    item schema and count, named after the item's component
    (``PostSchema-Page``, ``PostSchema-CountedPage``; ``Page`` for items
    without a named schema), numbered where a name is taken."""

    def __init__(self, components: Components) -> None:
        self.components = components
        self._names: dict[tuple[str, bool], str] = {}

    def envelope(self, item: Any, counted: bool) -> dict[str, Any]:
        """A ``$ref`` to the envelope of ``item`` (a JSON Schema)."""
        key = (json.dumps(item, sort_keys=True), counted)
        name = self._names.get(key)
        if name is None:
            ref = item.get('$ref', '') if isinstance(item, dict) else ''
            base = ref[len(REF) :] + '-' if ref.startswith(REF) else ''
            schemas = self.components.schemas
            name = free_name(base + SUFFIXES[counted], schemas)
            schemas[name] = _envelope_schema(item, counted)
            self._names[key] = name
        return {'$ref': REF + name}


def _envelope_schema(item: Any, counted: bool) -> dict[str, Any]:
    required = ['items', 'next', 'prev']
    if counted:
        required.insert(1, 'total')
    return {
        'type': 'object',
        'description': 'One page of the collection.',
        'properties': {
            'items': {'type': 'array', 'items': item},
            'total': {
                'type': 'integer',
                'minimum': 0,
                'description': 'How many items the collection holds'
                + ('.' if counted else ' (when known).'),
            },
            'next': {
                **_URL_OR_NULL,
                'description': 'The next page (null: none).',
            },
            'prev': {
                **_URL_OR_NULL,
                'description': 'The previous page (null: none).',
            },
        },
        'required': required,
    }
