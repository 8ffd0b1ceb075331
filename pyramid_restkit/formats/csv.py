"""CSV (RFC 4180): flat records in and out, as ``text/csv``.

Not enabled by default; register it with::

    config.add_media_type('csv', CSV_TYPE, renderer=CSVRenderer(),
                          parser=parse_csv, suffixes=('.csv',),
                          typed=False)

(``typed=False``: cells are strings, which schemas then coerce.)

The renderer writes a header row, the union of the records' keys in the
order first seen, then one row per record, with CRLF line ends and fields
quoted only where needed.  Values are first reduced to JSON data with the
rules and adapters of a :class:`~pyramid_restkit.formats.json.JSONRenderer`
(dates become ISO 8601 strings...); None and a missing key give an empty
cell, booleans ``true``/``false``; a nested dict or list is written as
its compact JSON text, since a cell holds one value.  Anything that is not
a record becomes the record ``{"value": ...}``: a scalar result, or an
item of a list that is not a dict.  So every JSON-like value has a CSV
form, and a client that asked for CSV never gets a 500 for its shape.

Formula injection: a spreadsheet runs a cell that starts with ``=``,
``+``, ``-``, ``@``, a tab or a carriage return as a formula, so such a
string cell (header cells included) is written with a leading single
quote (``'=1+1``), as OWASP advises.  Numbers are not strings and keep
their sign (``-5``).  The render option ``escape_formulas=False`` turns
this off for consumers that are not spreadsheets.

The parser reads UTF-8 CSV with a header row into a list of dicts of
strings; a leading byte order mark (as Excel writes) is dropped and blank
lines are skipped.  It does not remove the quotes the renderer adds.
(A record whose only cell is empty is written ``""``, so that the row is
not a blank line.)
"""

from __future__ import annotations

import csv
import io
import json
from typing import Any

from ..errors import ParseError
from ..media import ParseOptions
from ._base import Adapter, decode_utf8, encode_utf8, json_data

# NOTE: the renderer builds on JSONRenderer: values are reduced to JSON
# data by its rules and adapters first.
from .json import JSONRenderer

CSV_TYPE = 'text/csv'

#: What makes a spreadsheet read a cell as a formula.
FORMULA_PREFIXES = ('=', '+', '-', '@', '\t', '\r')


def _cell(value: Any, escape_formulas: bool) -> str:
    if value is None:
        return ''
    if isinstance(value, bool):
        return 'true' if value else 'false'
    if isinstance(value, (dict, list)):
        value = json.dumps(value, ensure_ascii=False, separators=(',', ':'))
    if isinstance(value, str):
        if escape_formulas and value.startswith(FORMULA_PREFIXES):
            return "'" + value
        return value
    return repr(value)


class CSVRenderer:
    """Render a list of flat records, or one record, as CSV.

    See the module docstring for the rules.  ``json_renderer`` supplies
    the JSON rules and adapters.  An empty list (or records without keys)
    gives an empty body.
    """

    content_type = CSV_TYPE

    def __init__(self, json_renderer: JSONRenderer | None = None) -> None:
        self.json = json_renderer or JSONRenderer()

    def add_adapter(self, type_: type, adapter: Adapter) -> None:
        """Render instances of ``type_`` as ``adapter(obj, request)``."""
        self.json.add_adapter(type_, adapter)

    def dumps(self, value: Any, request: Any, **options: Any) -> bytes:
        """Return ``value`` as CSV bytes.

        The option ``escape_formulas`` (default True) guards against
        formula injection; other options are ignored.
        """
        escape = bool(options.get('escape_formulas', True))
        data = json_data(self.json, value, request)
        items = data if isinstance(data, list) else [data]
        records = [
            item if isinstance(item, dict) else {'value': item}
            for item in items
        ]
        header: dict[str, None] = {}
        for record in records:
            for key in record:
                header.setdefault(key, None)
        if not header:
            return b''
        out = io.StringIO()
        writer = csv.writer(out, lineterminator='\r\n')
        writer.writerow([_cell(key, escape) for key in header])
        writer.writerows(
            [_cell(record.get(key), escape) for key in header]
            for record in records
        )
        return encode_utf8(out.getvalue())


def parse_csv(body: bytes, options: ParseOptions) -> list[dict[str, str]]:
    """Parse a CSV body with a header row into a list of dicts of strings.

    A missing header, a repeated column name, a row whose length differs
    from the header's, malformed quoting, invalid UTF-8 or more than
    ``options.max_fields`` cells (the header's included) is a
    ``ParseError``.
    """
    text = decode_utf8(body, options)
    if text.startswith('\ufeff'):
        text = text[1:]
    reader = csv.reader(io.StringIO(text, newline=''), strict=True)
    header: list[str] | None = None
    records: list[dict[str, str]] = []
    cells = 0
    try:
        for row in reader:
            if not row:
                continue
            cells += len(row)
            if cells > options.max_fields:
                raise ParseError(
                    f'The CSV body has more than {options.max_fields} cells.'
                )
            if header is None:
                if len(set(row)) != len(row):
                    raise ParseError('The CSV header repeats a column name.')
                header = row
            elif len(row) != len(header):
                raise ParseError(
                    f'Line {reader.line_num} has {len(row)} cells; the '
                    f'header has {len(header)}.'
                )
            else:
                records.append(dict(zip(header, row, strict=True)))
    except csv.Error:
        raise ParseError(f'Invalid CSV (line {reader.line_num}).') from None
    if header is None:
        raise ParseError('The CSV body has no header row.')
    return records
