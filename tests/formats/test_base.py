"""Unit tests of :mod:`pyramid_restkit.formats._base`.

The formats' own tests cover these helpers through the parsers and
renderers; here each is checked directly, by the rules its callers rely
on.
"""

from __future__ import annotations

import datetime
import decimal
import json
import uuid
from typing import Any

import pytest
from pyramid.request import Request

from pyramid_restkit.errors import ParseError
from pyramid_restkit.formats._base import (
    adapt,
    check_charset,
    decode_utf8,
    default_adapters,
    encode_utf8,
    excerpt,
    finite_float,
    json_data,
    key_text,
    number_text,
    too_deep,
    too_many_digits,
    unique_keys,
    walk,
)
from pyramid_restkit.formats.json import JSONRenderer
from pyramid_restkit.media import ParseOptions
from tests.formats.helpers import Labelled, Point, Post, Size, Tag


def options(charset: str | None = None) -> ParseOptions:
    return ParseOptions(max_depth=64, charset=charset)


# -- parsing ------------------------------------------------------------------


@pytest.mark.parametrize(
    ('text', 'expected'),
    [
        ('', ''),
        ('a' * 40, 'a' * 40),
        ('a' * 41, 'a' * 37 + '...'),
        ('abcdef', 'ab...'),
    ],
)
def test_excerpt(text: str, expected: str) -> None:
    limit = 5 if text == 'abcdef' else 40
    assert excerpt(text, limit) == expected


def test_error_messages() -> None:
    assert too_deep(3).detail == 'The body is nested deeper than 3 levels.'
    assert too_many_digits().detail == 'A number has more than 100 digits.'
    assert too_many_digits(' (line 2, column 5)').detail == (
        'A number has more than 100 digits (line 2, column 5).'
    )


def test_finite_float() -> None:
    assert finite_float('-1.5e3') == -1500.0
    with pytest.raises(ParseError) as info:
        finite_float('1e400', ' (line 1, column 1)')
    assert info.value.detail == 'A number is out of range (line 1, column 1).'


def test_check_charset_and_decode_utf8() -> None:
    check_charset(options())
    check_charset(options('utf-8'))
    with pytest.raises(ParseError):
        check_charset(options('koi8-r'))
    assert decode_utf8(b'\xc3\xa9', options()) == '\u00e9'


def test_unique_keys() -> None:
    assert unique_keys([('b', 1), ('a', 2)]) == {'b': 1, 'a': 2}
    with pytest.raises(ParseError) as info:
        unique_keys([('a', 1), ('b', 2), ('a', 3)])
    assert info.value.detail == "Duplicate key 'a'."


def test_walk_sees_leaves_and_keys_and_bounds_depth() -> None:
    leaves: list[Any] = []
    keys: list[str] = []
    value = {'a': [1, {'b': None}], 'c': 'x'}
    walk(value, 3, leaves.append, keys.append)
    assert sorted(keys) == ['a', 'b', 'c']
    assert sorted(leaves, key=repr) == sorted([1, None, 'x'], key=repr)
    with pytest.raises(ParseError) as info:
        walk(value, 2)
    assert info.value.detail == 'The body is nested deeper than 2 levels.'


# -- rendering ----------------------------------------------------------------


def test_default_adapters_are_a_new_table() -> None:
    adapters = default_adapters()
    adapters[Point] = lambda value, request: 'p'
    assert Point not in default_adapters()
    request = Request.blank('/')
    assert adapt(uuid.UUID(int=1), adapters, request) == str(uuid.UUID(int=1))
    assert adapt(frozenset({2, 1}), adapters, request) == [1, 2]


def test_adapt_follows_the_mro_then_json_method(request_: Request) -> None:
    adapters = default_adapters()
    assert adapt(Post('Hi'), adapters, request_) == {
        'title': 'Hi',
        'path': '/posts/7',
    }
    assert adapt(Labelled(1, 2), adapters, request_) == 'from __json__'
    adapters[Point] = lambda value, request: [value.x, value.y]
    assert adapt(Labelled(1, 2), adapters, request_) == [1, 2]
    with pytest.raises(TypeError, match='^complex is not XML serializable$'):
        adapt(1j, adapters, request_, 'XML')


@pytest.mark.parametrize(
    ('key', 'expected'),
    [
        ('k', 'k'),
        (Tag('t'), 't'),
        (None, 'null'),
        (True, 'true'),
        (False, 'false'),
        (-7, '-7'),
        (Size.BIG, '3'),
        (1e16, '1e+16'),
        (-0.0, '-0.0'),
    ],
)
def test_key_text_as_json(key: Any, expected: str) -> None:
    text = key_text(key)
    assert text == expected and type(text) is str
    assert json.dumps({key: 0}) == json.dumps({expected: 0})


def test_key_text_refuses_other_keys_and_non_finite_numbers() -> None:
    with pytest.raises(TypeError, match='not tuple$'):
        key_text((1, 2))
    with pytest.raises(ValueError, match='^Out of range float values'):
        key_text(float('nan'))
    with pytest.raises(ValueError, match='^Out of range float values'):
        number_text(-float('inf'))


def test_encode_utf8() -> None:
    assert encode_utf8('\u00e9') == b'\xc3\xa9'
    assert encode_utf8('\udfff') == b'\\udfff'


def test_json_data_applies_the_json_rules(request_: Request) -> None:
    value = {
        'at': datetime.datetime(2024, 1, 2, 3, 4, 5),
        'ids': {3, 1},
        'n': decimal.Decimal('2.50'),
        7: (1, 2),
    }
    assert json_data(JSONRenderer(), value, request_) == {
        'at': '2024-01-02T03:04:05',
        'ids': [1, 3],
        'n': '2.50',
        '7': [1, 2],
    }
    assert json.dumps(json_data(JSONRenderer(), None, request_)) == 'null'
