"""How ``prestkit`` shows its rows: the text table and the ``HTTP``
column's values (as text and as JSON).

The options table marks the options ``prestkit`` shows in the ``HTTP``
column (``http=True``); their values are what the options check made of
them: booleans, strings, tuples and objects such as a pagination style,
which are shown as ``cursor(ordering=-created_at,id)`` in both the
table and JSON.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from pyramid_restkit.config.options import HTTP_OPTIONS
from pyramid_restkit.pagination import Pagination

Row = dict[str, Any]

#: Spaces between two columns of the text table (as ``proutes``).
PAD = 3

#: JSON key and text header of each column, in output order.
COLUMNS = (
    ('resource', 'Resource'),
    ('route', 'Route'),
    ('pattern', 'Pattern'),
    ('verb', 'Verb'),
    ('method', 'Method'),
    ('schema', 'Schema'),
    ('response_schema', 'Response schema'),
    ('status', 'Status'),
    ('permission', 'Permission'),
    ('media_types', 'Media types'),
    ('http', 'HTTP'),
    ('declared', 'Declared'),
)

#: Marks the forced media type in the text table.
FORCED_PREFIX = 'forced:'


def http_value(value: Any) -> Any:
    """An option's value as JSON data: a tuple is a list, a pagination
    style its text (:func:`pagination_text`), another object its
    ``str``."""
    if isinstance(value, tuple):
        return [http_value(item) for item in value]
    if isinstance(value, Pagination):
        return pagination_text(value)
    if value is None or isinstance(value, (bool, int, float, str, list)):
        return value
    return str(value)


def pagination_text(pagination: Pagination) -> str:
    """``page``, or the style with the keywords it was given:
    ``cursor(ordering=-created_at,id)``, ``offset(max_size=50,count)``
    (no spaces: the table's cells have none)."""
    given = []
    ordering = getattr(pagination, 'ordering', None)
    if ordering:
        keys = ','.join(('-' if desc else '') + key for key, desc in ordering)
        given.append(f'ordering={keys}')
    for name in ('default_size', 'max_size'):
        size = getattr(pagination, name)
        if size is not None:
            given.append(f'{name}={size}')
    if pagination.count:
        given.append('count')
    style = pagination.style or type(pagination).__name__
    return f'{style}({",".join(given)})' if given else style


def http_options(options: Any, operation: Any = None) -> dict[str, Any]:
    """The HTTP behaviours (API.md Part 2) an operation's options give,
    and ``validators``: the validator methods of its class it calls."""
    found = {
        name: http_value(value)
        for name, value in options.items()
        if name in HTTP_OPTIONS and value is not None
    }
    if isinstance(options.throttle, Mapping):
        # NOTE: the rate of this verb (HEAD rows show GET's options), and
        # no throttle at all for a verb the mapping leaves out.
        rate = options.throttle.get(options.verb)
        if rate is None:
            found.pop('throttle', None)
            found.pop('throttle_scope', None)
        else:
            found['throttle'] = rate
    conditional = getattr(operation, 'conditional', None)
    if conditional is not None and conditional.validators:
        found['validators'] = [
            name for name in (conditional.tag, conditional.date) if name
        ]
    return found


def _cell(row: Row, key: str) -> str:
    value = row[key]
    if key == 'status' and row['no_content'] and value != 204:
        return f'{value}|204'  # 204 when the method returns None
    if key == 'http':
        return (
            '; '.join(
                name if item is True else f'{name}={_http_value(item)}'
                for name, item in _rates_unspaced(value).items()
            )
            or '-'
        )
    if key == 'media_types':
        forced = row['forced_media_type']
        names = [FORCED_PREFIX + n if n == forced else n for n in value]
        return ','.join(names) or '-'
    return '-' if value is None else str(value)


def _rates_unspaced(found: dict[str, Any]) -> dict[str, Any]:
    """``found`` with its rate written without spaces (``10 per 2
    minutes``: ``10/2minutes``), as the table's cells have none."""
    rate = found.get('throttle')
    if not isinstance(rate, str):
        return found
    return {**found, 'throttle': rate.replace(' per ', '/').replace(' ', '')}


def _http_value(value: Any) -> str:
    return ','.join(value) if isinstance(value, list) else str(value)


def format_table(rows: list[Row]) -> str:
    """Align ``rows`` under a header and a dashes row, like ``proutes``."""
    lines = [
        [header for _, header in COLUMNS],
        ['-' * len(header) for _, header in COLUMNS],
        *([_cell(row, key) for key, _ in COLUMNS] for row in rows),
    ]
    widths = [max(len(line[i]) for line in lines) for i in range(len(COLUMNS))]
    return '\n'.join(
        (' ' * PAD)
        .join(
            cell.ljust(width) for cell, width in zip(line, widths, strict=True)
        )
        .rstrip()
        for line in lines
    )
