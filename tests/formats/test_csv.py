"""Unit tests of :mod:`pyramid_restkit.formats.csv`."""

from __future__ import annotations

import csv
import datetime
import decimal
import io
import uuid
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st
from pyramid.request import Request

from pyramid_restkit.errors import ParseError
from pyramid_restkit.formats.csv import (
    CSV_TYPE,
    FORMULA_PREFIXES,
    CSVRenderer,
    parse_csv,
)
from pyramid_restkit.formats.json import JSONRenderer
from pyramid_restkit.media import ParseOptions
from tests.formats import helpers
from tests.formats.helpers import PROPERTY


def options(
    max_fields: int = 1000, charset: str | None = None
) -> ParseOptions:
    return ParseOptions(max_depth=64, charset=charset, max_fields=max_fields)


def parse(body: bytes, max_fields: int = 1000) -> list[dict[str, str]]:
    return parse_csv(body, options(max_fields))


def parse_error(
    body: bytes, max_fields: int = 1000, charset: str | None = None
) -> str:
    return helpers.parse_error(parse_csv, body, options(max_fields, charset))


def dumps(value: Any, **render_options: Any) -> bytes:
    return CSVRenderer().dumps(value, Request.blank('/'), **render_options)


# -- renderer -----------------------------------------------------------------


def test_content_type() -> None:
    assert CSV_TYPE == CSVRenderer.content_type == 'text/csv'


def test_records_with_a_header_from_the_union_of_keys() -> None:
    records = [
        {'id': 1, 'title': 'First'},
        {'title': 'Second', 'id': 2, 'extra': 'x'},
        {'id': 3},
    ]
    assert dumps(records) == (
        b'id,title,extra\r\n1,First,\r\n2,Second,x\r\n3,,\r\n'
    )


@pytest.mark.parametrize(
    ('value', 'cell'),
    [
        (None, b'""'),  # one empty cell alone is quoted
        (True, b'true'),
        (False, b'false'),
        (0, b'0'),
        (-5, b'-5'),  # a number is not a formula: no quote
        (2.5, b'2.5'),
        (1e16, b'1e+16'),
        (10**30, b'1' + b'0' * 30),
        ('', b'""'),
        ('plain', b'plain'),
        ('a,b', b'"a,b"'),
        ('say "hi"', b'"say ""hi"""'),
        ('two\nlines', b'"two\nlines"'),
        ('cr\ronly', b'"cr\ronly"'),
        (' padded ', b' padded '),
        ('Zo\u00eb \U0001f600', 'Zo\u00eb \U0001f600'.encode()),
        (datetime.date(2024, 2, 29), b'2024-02-29'),
        (decimal.Decimal('1.10'), b'1.10'),
        (uuid.UUID(int=1), b'00000000-0000-0000-0000-000000000001'),
        ('lone \ud800', b'lone \\ud800'),
    ],
)
def test_cells(value: Any, cell: bytes) -> None:
    assert dumps([{'v': value}]) == b'v\r\n' + cell + b'\r\n'


def test_a_single_dict_is_one_record() -> None:
    assert dumps({'a': 1, 'b': None}) == b'a,b\r\n1,\r\n'


@pytest.mark.parametrize('value', [[], (), [{}], [{}, {}]])
def test_no_columns_gives_an_empty_body(value: Any) -> None:
    assert dumps(value) == b''


def test_tuples_and_non_string_keys_follow_json() -> None:
    assert dumps(({1: 'one', None: 'n'},)) == b'1,null\r\none,n\r\n'


@pytest.mark.parametrize('prefix', FORMULA_PREFIXES)
def test_formula_injection_guard(prefix: str) -> None:
    text = prefix + 'SUM(A1)'
    result = dumps([{text: text}])
    rows = list(csv.reader(io.StringIO(result.decode(), newline='')))
    assert rows == [["'" + text], ["'" + text]]
    assert parse(result) == [{"'" + text: "'" + text}]


def test_formula_injection_guard_can_be_turned_off() -> None:
    result = dumps([{'f': '=1+1', 'g': '@x'}], escape_formulas=False)
    assert result == b'f,g\r\n=1+1,@x\r\n'


def test_formula_guard_leaves_other_cells_alone() -> None:
    value = [{'a': 'a=1', 'b': "'quoted", 'c': ' =x', 'd': -1.5}]
    assert dumps(value) == b"a,b,c,d\r\na=1,'quoted, =x,-1.5\r\n"


def test_unknown_options_are_ignored() -> None:
    assert dumps([{'a': 1}], title='x', root='y') == b'a\r\n1\r\n'


@pytest.mark.parametrize(
    ('value', 'expected'),
    [
        ([{'a': {'b': 1}}], 'a\r\n"{""b"":1}"\r\n'),
        ([{'a': 1}, {'a': [1, 'x']}], 'a\r\n1\r\n"[1,""x""]"\r\n'),
        ([{'a': 1}, 'x'], 'a,value\r\n1,\r\n,x\r\n'),
        ([[1, 2]], 'value\r\n"[1,2]"\r\n'),
        ('text', 'value\r\ntext\r\n'),
        (7, 'value\r\n7\r\n'),
        (None, 'value\r\n""\r\n'),
        ({'a': 'é'}, 'a\r\né\r\n'),
    ],
)
def test_values_that_are_not_flat_records(value: Any, expected: str) -> None:
    # Every JSON-like value has a CSV form: nested values as their JSON
    # text, anything that is not a record as {"value": ...}.
    assert dumps(value) == expected.encode('utf-8')


def test_refuses_what_json_refuses() -> None:
    with pytest.raises(ValueError):
        dumps([{'a': float('nan')}])
    with pytest.raises(TypeError):
        dumps([{'a': object()}])


def test_adapters_and_shared_json_renderer() -> None:
    shared = JSONRenderer()
    renderer = CSVRenderer(shared)
    renderer.add_adapter(complex, lambda value, request: value.imag)
    assert shared.dumps(2j, None) == b'2.0'
    assert renderer.dumps([{'c': 2j}], None) == b'c\r\n2.0\r\n'


# -- parser -------------------------------------------------------------------


def test_parse_records() -> None:
    body = (
        b'id,title,note\r\n1,First,"a, b"\r\n2,"Say ""hi""","two\r\nlines"\r\n'
    )
    assert parse(body) == [
        {'id': '1', 'title': 'First', 'note': 'a, b'},
        {'id': '2', 'title': 'Say "hi"', 'note': 'two\r\nlines'},
    ]


@pytest.mark.parametrize(
    'body',
    [
        b'a,b\n1,2\n',
        b'a,b\r1,2',
        b'a,b\r\n1,2',
        b'\xef\xbb\xbfa,b\r\n1,2\r\n',  # Excel's byte order mark
        b'\r\na,b\r\n\r\n1,2\r\n\r\n',  # blank lines
    ],
)
def test_parse_line_ends_bom_and_blank_lines(body: bytes) -> None:
    assert parse(body) == [{'a': '1', 'b': '2'}]


@pytest.mark.parametrize(
    ('body', 'expected'),
    [
        (b'a,b\r\n', []),
        (b'a\r\n""\r\n', [{'a': ''}]),
        (b'a,b\r\n,\r\n', [{'a': '', 'b': ''}]),
        (b'"",b\r\nx,y\r\n', [{'': 'x', 'b': 'y'}]),
        (b'a\r\nx\x00y\r\n', [{'a': 'x\x00y'}]),
        ('k\r\nZo\u00eb\r\n'.encode(), [{'k': 'Zo\u00eb'}]),
        (b"a\r\n'=1\r\n", [{'a': "'=1"}]),  # the guard quote is kept
    ],
)
def test_parse_values(body: bytes, expected: list[dict[str, str]]) -> None:
    assert parse(body) == expected


@pytest.mark.parametrize('body', [b'', b'\r\n', b'\r\n\n\r', b'\xef\xbb\xbf'])
def test_parse_requires_a_header(body: bytes) -> None:
    assert parse_error(body) == 'The CSV body has no header row.'


@pytest.mark.parametrize(
    ('body', 'detail'),
    [
        (b'a,b\r\n1\r\n', 'Line 2 has 1 cells; the header has 2.'),
        (b'a,b\r\n1,2\r\n1,2,3\r\n', 'Line 3 has 3 cells; the header has 2.'),
        (b'a\r\n"x\r\ny",z\r\n', 'Line 3 has 2 cells; the header has 1.'),
    ],
)
def test_parse_refuses_ragged_rows(body: bytes, detail: str) -> None:
    assert parse_error(body) == detail


def test_parse_refuses_a_repeated_column() -> None:
    assert parse_error(b'a,b,a\r\n1,2,3\r\n') == (
        'The CSV header repeats a column name.'
    )


@pytest.mark.parametrize(
    ('body', 'line'),
    [
        (b'a\r\n"x"y\r\n', 2),
        (b'a,b\r\n1,"unterminated\r\n', 2),
        (b'"a\r\n', 1),
        (b'a\r\n' + b'x' * 200_000 + b'\r\n', 2),  # over the field limit
    ],
)
def test_parse_refuses_malformed_csv(body: bytes, line: int) -> None:
    assert parse_error(body) == f'Invalid CSV (line {line}).'


def test_parse_max_fields_counts_cells() -> None:
    body = b'a,b\r\n1,2\r\n3,4\r\n'
    assert len(parse(body, max_fields=6)) == 2
    assert parse_error(body, max_fields=5) == (
        'The CSV body has more than 5 cells.'
    )
    assert parse_error(b'a,b,c\r\n', max_fields=2) == (
        'The CSV body has more than 2 cells.'
    )


def test_parse_refuses_invalid_utf8_and_other_charsets() -> None:
    assert parse_error(b'a\r\ncaf\xe9\r\n') == (
        'The body is not valid UTF-8 (byte 6).'
    )
    assert parse_error(b'a\r\n1\r\n', charset='windows-1252') == (
        "The charset 'windows-1252' is not supported; send UTF-8."
    )
    assert parse_csv(b'a\r\n1\r\n', options(charset='utf-8')) == [{'a': '1'}]


# -- properties ---------------------------------------------------------------


@PROPERTY
@given(st.binary())
def test_parse_any_bytes_returns_or_raises_parse_error(body: bytes) -> None:
    try:
        records = parse(body)
    except ParseError:
        return
    for record in records:
        assert all(isinstance(v, str) for v in record.values())


@PROPERTY
@given(
    st.lists(
        st.text().filter(lambda key: not key.startswith('\ufeff')),
        min_size=1,
        max_size=5,
        unique=True,
    ),
    st.lists(
        st.lists(st.text(), min_size=5, max_size=5), min_size=1, max_size=5
    ),
)
def test_round_trip_records_of_strings(
    keys: list[str], rows: list[list[str]]
) -> None:
    # NOTE: keys never start with a BOM, which the parser drops.
    records = [dict(zip(keys, row, strict=False)) for row in rows]
    body = dumps(records, escape_formulas=False)
    assert parse(body) == records


SAFE = st.text().filter(lambda text: not text.startswith(FORMULA_PREFIXES))


@PROPERTY
@given(st.lists(st.dictionaries(st.just('k'), SAFE, min_size=1), min_size=1))
def test_round_trip_with_the_formula_guard(
    records: list[dict[str, str]],
) -> None:
    assert parse(dumps(records)) == records
