"""Unit tests of :mod:`pyramid_restkit.formats.msgpack`.

The parser is a security boundary like the JSON one: anything beyond
JSON's data model, malformed or hostile is a :class:`ParseError`.
"""

from __future__ import annotations

import datetime
import decimal
import struct
import sys
import uuid
from typing import Any

import msgpack
import pytest
from hypothesis import given
from hypothesis import strategies as st
from pyramid.request import Request

from pyramid_restkit.errors import ParseError
from pyramid_restkit.formats.json import JSONRenderer
from pyramid_restkit.formats.msgpack import (
    INSTALL_HINT,
    MSGPACK_TYPE,
    MSGPACK_TYPES,
    MsgpackRenderer,
    import_msgpack,
    parse_msgpack,
)
from pyramid_restkit.media import ParseOptions
from tests.formats import helpers
from tests.formats.helpers import PROPERTY


def parse(body: bytes, max_depth: int = 64) -> Any:
    return parse_msgpack(body, ParseOptions(max_depth=max_depth))


def parse_error(body: bytes, max_depth: int = 64) -> str:
    options = ParseOptions(max_depth=max_depth)
    return helpers.parse_error(parse_msgpack, body, options)


def pack(value: Any) -> bytes:
    packed: bytes = msgpack.packb(value, use_bin_type=True)
    return packed


def nested(kind: str, depth: int) -> bytes:
    if kind == 'array':
        return b'\x91' * depth + b'\x01'
    return b'\x81\xa1a' * depth + b'\x01'


# -- parser: valid documents --------------------------------------------------


@pytest.mark.parametrize(
    'value',
    [
        {},
        [],
        {'a': {'b': [1, 'x', None]}},
        [1, -1, 2**64 - 1, -(2**63), 2.5, 's', True, False, None, {}, []],
        'Zo\u00eb \U0001f600',
        '',
        0,
        -0.0,
        1e308,
        None,
    ],
)
def test_parse_json_values(value: Any) -> None:
    result = parse(pack(value))
    assert result == value
    assert type(result) is type(value)


def test_parse_float32() -> None:
    assert parse(struct.pack('>Bf', 0xCA, 1.5)) == 1.5


def test_parse_keeps_key_order_and_equal_keys_in_other_maps() -> None:
    value = {'b': {'a': 1}, 'a': [{'a': 1}, {'a': 2}]}
    result = parse(pack(value))
    assert result == value and list(result) == ['b', 'a']


@pytest.mark.parametrize('kind', ['array', 'map'])
@pytest.mark.parametrize('max_depth', [1, 2, 8, 64])
def test_parse_nesting_up_to_max_depth(kind: str, max_depth: int) -> None:
    result = parse(nested(kind, max_depth), max_depth)
    for _ in range(max_depth):
        result = result[0] if kind == 'array' else result['a']
    assert result == 1


# -- parser: refused documents ------------------------------------------------


@pytest.mark.parametrize('kind', ['array', 'map'])
@pytest.mark.parametrize('max_depth', [1, 2, 8, 64])
def test_parse_nesting_beyond_max_depth(kind: str, max_depth: int) -> None:
    assert parse_error(nested(kind, max_depth + 1), max_depth) == (
        f'The body is nested deeper than {max_depth} levels.'
    )


@pytest.mark.parametrize('kind', ['array', 'map'])
def test_parse_nesting_beyond_msgpack_stack(kind: str) -> None:
    assert parse_error(nested(kind, 5000), 10_000) == (
        'The body is nested too deeply to parse.'
    )


@pytest.mark.parametrize(
    'body',
    [
        b'',
        b'\x92\x01',  # an array of two with one item
        b'\xa5abc',  # a string cut short
        b'\x81\xa1a',  # a map without its value
        b'\xcd\x01',  # a uint16 cut short
    ],
)
def test_parse_refuses_truncated_input(body: bytes) -> None:
    assert parse_error(body) == 'The body is truncated.'


@pytest.mark.parametrize('body', [b'\x01\x02', b'\x90\x90', pack({}) + b' '])
def test_parse_refuses_trailing_data(body: bytes) -> None:
    assert parse_error(body) == 'The body has bytes after its value.'


def test_parse_refuses_the_reserved_byte() -> None:
    assert parse_error(b'\x91\xc1') == 'Invalid MessagePack: a reserved byte.'


@pytest.mark.parametrize(
    'body',
    [
        b'\xdd\xff\xff\xff\xff',  # an array claiming 2**32-1 items
        b'\xdf\xff\xff\xff\xff',  # a map claiming as many pairs
        b'\xc9\xff\xff\xff\xff\x01',  # an extension claiming 4 GiB
        b'\xd4\xff\x00',  # a timestamp of one byte
    ],
)
def test_parse_refuses_lengths_beyond_the_body(body: bytes) -> None:
    assert parse_error(body) == 'Invalid MessagePack.'


@pytest.mark.parametrize(
    'body',
    [
        b'\xdb\xff\xff\xff\xff',  # a string claiming 4 GiB
        b'\xc6\xff\xff\xff\xff',  # binary data claiming 4 GiB
    ],
)
def test_parse_refuses_data_beyond_the_body(body: bytes) -> None:
    assert parse_error(body) == 'The body is truncated.'


@pytest.mark.parametrize(
    'body',
    [
        b'\x81\x01\x02',  # an integer key
        b'\x81\x90\x01',  # an array key
        b'\x81\xc0\x01',  # a nil key
        b'\x81\xc4\x01k\x01',  # a binary key
    ],
)
def test_parse_refuses_keys_that_are_not_strings(body: bytes) -> None:
    assert parse_error(body) == 'A map key is not a string.'


@pytest.mark.parametrize(
    'body',
    [
        pack(b'bytes'),
        pack(b''),
        pack({'a': [b'x']}),
    ],
)
def test_parse_refuses_binary_data(body: bytes) -> None:
    assert parse_error(body) == 'Binary data is not allowed; send strings.'


@pytest.mark.parametrize(
    'body',
    [
        pack(msgpack.ExtType(1, b'\x00')),
        b'\x91\xd4\xfb\x00',  # [ext type -5]
        pack(msgpack.Timestamp(1)),
        b'\xd6\xff\x00\x00\x00\x01',  # a timestamp, hand-made
    ],
)
def test_parse_refuses_extension_types(body: bytes) -> None:
    assert parse_error(body) == 'MessagePack extension types are not allowed.'


@pytest.mark.parametrize(
    'body',
    [
        pack(float('nan')),
        pack([float('inf')]),
        pack({'a': -float('inf')}),
        struct.pack('>Bf', 0xCA, float('nan')),  # a float32 NaN
    ],
)
def test_parse_refuses_nan_and_infinity(body: bytes) -> None:
    assert parse_error(body) == 'NaN and infinite numbers are not allowed.'


@pytest.mark.parametrize(
    'body',
    [
        b'\x82\xa1a\x01\xa1a\x02',
        b'\x81\xa1x\x83\xa1a\x01\xa1b\x02\xa1a\x03',
    ],
)
def test_parse_refuses_duplicate_keys(body: bytes) -> None:
    assert parse_error(body) == "Duplicate key 'a'."


def test_parse_duplicate_key_message_quotes_an_excerpt() -> None:
    key = pack('k' * 500)
    detail = parse_error(b'\x82' + key + b'\x01' + key + b'\x02')
    assert detail == f"Duplicate key '{'k' * 37}...'."


@pytest.mark.parametrize(
    'body',
    [
        b'\xa1\xff',
        b'\x81\xa2\xc3(\x01',  # in a key
        b'\xa3\xed\xa0\x80',  # an encoded surrogate
    ],
)
def test_parse_refuses_invalid_utf8(body: bytes) -> None:
    assert parse_error(body) == 'A string is not valid UTF-8.'


@PROPERTY
@given(st.binary())
def test_parse_any_bytes_returns_or_raises_parse_error(body: bytes) -> None:
    try:
        parse(body)
    except ParseError:
        pass


@PROPERTY
@given(st.binary(max_size=12), st.integers(0, 40))
def test_parse_mutated_documents(insert: bytes, start: int) -> None:
    valid = pack({'a': [1, 2.5, 'x', None, {'b': True}]})
    try:
        parse(valid[:start] + insert + valid[start:])
    except ParseError:
        pass


# -- renderer -----------------------------------------------------------------


@pytest.fixture
def renderer() -> MsgpackRenderer:
    return MsgpackRenderer()


def test_types() -> None:
    assert MsgpackRenderer.content_type == MSGPACK_TYPE
    assert MSGPACK_TYPE == 'application/msgpack'
    assert MSGPACK_TYPE in MSGPACK_TYPES
    assert 'application/x-msgpack' in MSGPACK_TYPES


@pytest.mark.parametrize(
    'value',
    [
        {'a': [1, 2.5, None, True, 'x']},
        [],
        'Zo\u00eb',
        2**64 - 1,
        -(2**63),
        None,
    ],
)
def test_renderer_values(renderer: MsgpackRenderer, value: Any) -> None:
    result = renderer.dumps(value, Request.blank('/'))
    assert type(result) is bytes
    assert msgpack.unpackb(result) == value
    assert parse(result) == value


def test_renderer_follows_the_json_rules(renderer: MsgpackRenderer) -> None:
    value = {
        'at': datetime.datetime(2024, 2, 29, 10, 11, 12),
        'price': decimal.Decimal('1.10'),
        'id': uuid.UUID(int=1),
        'tags': {'b', 'a'},
        'pair': (1, 2),
        3: 'three',
    }
    assert msgpack.unpackb(renderer.dumps(value, None)) == {
        'at': '2024-02-29T10:11:12',
        'price': '1.10',
        'id': '00000000-0000-0000-0000-000000000001',
        'tags': ['a', 'b'],
        'pair': [1, 2],
        '3': 'three',
    }


def test_renderer_keeps_floats_and_integers_apart(
    renderer: MsgpackRenderer,
) -> None:
    result = msgpack.unpackb(renderer.dumps([7, 7.0], None))
    assert [type(item) for item in result] == [int, float]


@pytest.mark.parametrize(
    ('value', 'error'),
    [
        (float('nan'), ValueError),
        ({'a': [float('inf')]}, ValueError),
        (b'bytes', TypeError),
        (object(), TypeError),
        ('\ud800', ValueError),
    ],
)
def test_renderer_refuses_what_json_refuses(
    renderer: MsgpackRenderer, value: Any, error: type[Exception]
) -> None:
    with pytest.raises(error):
        renderer.dumps(value, None)


def test_renderer_adapters_and_options() -> None:
    shared = JSONRenderer()
    renderer = MsgpackRenderer(shared)
    renderer.add_adapter(complex, lambda value, request: [value.real])
    assert shared.dumps(3j, None) == b'[0.0]'
    assert renderer.dumps(3j, None, root='ignored') == pack([0.0])


# -- renderer: integers beyond 64 bits ----------------------------------------
#
# JSON carries any integer (the JSON parser accepts up to 100 digits), so a
# resource may return one; MessagePack's integers stop at 64 bits.  Rather
# than a 500 for data JSON can send, the renderer writes those as strings.


@pytest.mark.parametrize(
    ('value', 'expected'),
    [
        (2**64, str(2**64)),
        (-(2**63) - 1, str(-(2**63) - 1)),
        (10**99, '1' + '0' * 99),
        (
            {'a': [2**64 - 1, -(2**63), 2**70], 'b': {'c': -(10**30)}},
            {
                'a': [2**64 - 1, -(2**63), str(2**70)],
                'b': {'c': str(-(10**30))},
            },
        ),
        (
            [True, False, None, 1.5, 's', 2**65],
            [True, False, None, 1.5, 's', str(2**65)],
        ),
    ],
)
def test_big_integers_become_strings(
    renderer: MsgpackRenderer, value: Any, expected: Any
) -> None:
    assert msgpack.unpackb(renderer.dumps(value, None)) == expected


def test_integers_within_64_bits_stay_integers(
    renderer: MsgpackRenderer,
) -> None:
    value = [2**64 - 1, -(2**63), 0]
    assert msgpack.unpackb(renderer.dumps(value, None)) == value


JSON_VALUES = st.recursive(
    st.none()
    | st.booleans()
    | st.integers(-(2**63), 2**64 - 1)
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(),
    lambda children: (
        st.lists(children, max_size=4)
        | st.dictionaries(st.text(), children, max_size=4)
    ),
    max_leaves=20,
)


@PROPERTY
@given(JSON_VALUES)
def test_round_trip(value: Any) -> None:
    assert parse(MsgpackRenderer().dumps(value, None)) == value
    assert parse(pack(value)) == value


# -- without msgpack ----------------------------------------------------------


def test_missing_msgpack(monkeypatch: pytest.MonkeyPatch) -> None:
    # NOTE: the one fake in this suite: an import that fails.
    monkeypatch.setitem(sys.modules, 'msgpack', None)
    message = f'MessagePack support needs the msgpack package: {INSTALL_HINT}'
    assert INSTALL_HINT == 'pip install pyramid_restkit[msgpack]'
    with pytest.raises(ImportError) as info:
        import_msgpack()
    assert str(info.value) == message
    assert isinstance(info.value.__cause__, ImportError)
    with pytest.raises(ImportError, match=r'pyramid_restkit\[msgpack\]'):
        MsgpackRenderer()
    with pytest.raises(ImportError, match=r'pyramid_restkit\[msgpack\]'):
        parse(b'\x90')


def test_import_msgpack() -> None:
    assert import_msgpack() is msgpack
