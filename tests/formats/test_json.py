"""Unit tests of :mod:`pyramid_restkit.formats.json`.

The parser is a security boundary (API.md, "HTTP policy"): malformed or
hostile JSON must be a :class:`ParseError` (a 400), never a 500, and an
error message quotes at most a short excerpt of the input.  The orjson
fast path of the renderer has its own tests (``test_json_orjson.py``).
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
from pyramid_restkit.formats.json import JSONRenderer, parse_json
from pyramid_restkit.media import ParseOptions
from tests.formats import helpers
from tests.formats.helpers import Labelled, Point, Point3D, Post


def parse(body: bytes | str, max_depth: int = 64) -> Any:
    if isinstance(body, str):
        body = body.encode('utf-8')
    return parse_json(body, ParseOptions(max_depth=max_depth))


def parse_error(body: bytes | str, max_depth: int = 64) -> str:
    """Parse ``body`` and return the detail of its ParseError."""
    options = ParseOptions(max_depth=max_depth)
    return helpers.parse_error(parse_json, body, options)


def nested(kind: str, depth: int) -> str:
    """A document of ``depth`` nested arrays or objects around ``1``."""
    if kind == 'array':
        return '[' * depth + '1' + ']' * depth
    return '{"a":' * depth + '1' + '}' * depth


# -- valid documents ----------------------------------------------------------


@pytest.mark.parametrize(
    ('body', 'expected'),
    [
        ('{}', {}),
        ('[]', []),
        ('{"a": {"b": [1, "x", null]}}', {'a': {'b': [1, 'x', None]}}),
        (
            '[1, 2.5, "s", true, false, null, {}, []]',
            [1, 2.5, 's', True, False, None, {}, []],
        ),
        ('"text"', 'text'),
        ('""', ''),
        ('0', 0),
        ('-0', 0),
        ('-12', -12),
        ('1.5', 1.5),
        ('-1.5e3', -1500.0),
        ('1E+2', 100.0),
        ('2.5e-3', 0.0025),
        ('1e308', 1e308),
        ('1e-400', 0.0),  # underflow is not an error: no infinity
        ('true', True),
        ('false', False),
        ('null', None),
        (' \t\r\n[1]\n ', [1]),
        ('"Zo\u00eb \U0001f600"', 'Zo\u00eb \U0001f600'),
        ('"\\u00e9\\n\\t\\"\\\\\\/"', '\u00e9\n\t"\\/'),
        ('"\\u0000"', '\x00'),
        ('{"a": 1, "b": 1}', {'a': 1, 'b': 1}),
    ],
)
def test_parse_valid_documents(body: str, expected: Any) -> None:
    result = parse(body)
    assert result == expected
    assert type(result) is type(expected)


def test_parse_keeps_integers_and_floats_apart() -> None:
    result = parse('[7, 7.0]')
    assert [type(item) for item in result] == [int, float]


def test_parse_same_key_in_different_objects() -> None:
    assert parse('{"a": {"a": 1}, "b": [{"a": 1}, {"a": 2}]}') == {
        'a': {'a': 1},
        'b': [{'a': 1}, {'a': 2}],
    }


# -- malformed documents ------------------------------------------------------


@pytest.mark.parametrize(
    'body',
    [
        '',
        '   ',
        '{',
        '[1,]',
        '{"a": 1,}',
        "{'a': 1}",
        '{a: 1}',
        '{"a"}',
        '{"a" 1}',
        '[1 2]',
        '1 2',
        '[1]]',
        '01',
        '1.',
        '.5',
        '+1',
        '0x10',
        '1e',
        'tru',
        'None',
        '"unterminated',
        '"\\x"',
        '"\\u12"',
        '"tab\there"',
        '"line\nbreak"',
        '// comment\n1',
        '[\u0661]',  # an ARABIC-INDIC DIGIT ONE is not a JSON digit
    ],
)
def test_parse_malformed(body: str) -> None:
    assert parse_error(body).startswith('Invalid JSON: ')


def test_parse_error_gives_the_position() -> None:
    assert parse_error('[1, 2') == (
        "Invalid JSON: Expecting ',' delimiter (character 5)."
    )


@pytest.mark.parametrize('body', ['"\x01"', '"open'])
def test_parse_error_position_is_phrased_once(body: str) -> None:
    assert ' at at ' not in parse_error(body)


@pytest.mark.parametrize(
    'body',
    [b'\xef\xbb\xbf{}', b'\xef\xbb\xbf"x"'],
)
def test_parse_refuses_a_byte_order_mark(body: bytes) -> None:
    # RFC 8259 section 8.1: senders MUST NOT add a BOM; a strict parser
    # treats it as an error rather than ignoring it.
    assert parse_error(body) == 'Invalid JSON: Expecting value (character 0).'


# -- NaN and infinities -------------------------------------------------------


@pytest.mark.parametrize(
    ('body', 'name'),
    [
        ('NaN', 'NaN'),
        ('Infinity', 'Infinity'),
        ('-Infinity', '-Infinity'),
        ('[1, NaN]', 'NaN'),
        ('{"a": {"b": Infinity}}', 'Infinity'),
        ('{"a": [-Infinity]}', '-Infinity'),
    ],
)
def test_parse_refuses_nan_and_infinity(body: str, name: str) -> None:
    assert parse_error(body) == f'{name} is not a JSON number.'


# -- duplicate keys -----------------------------------------------------------


@pytest.mark.parametrize(
    'body',
    [
        '{"a": 1, "a": 2}',
        '{"a": 1, "b": 2, "a": 1}',
        '{"x": {"a": 1, "a": 2}}',
        '[{"ok": 1}, {"a": 1, "a": 1}]',
        '{"x": [[{"a": null, "a": null}]]}',
        '{"a": 1, "\\u0061": 2}',  # the same key once unescaped
    ],
)
def test_parse_refuses_duplicate_keys(body: str) -> None:
    assert parse_error(body) == "Duplicate key 'a'."


def test_parse_duplicate_key_message_quotes_an_excerpt() -> None:
    key = 'k' * 500
    detail = parse_error(f'{{"{key}": 1, "{key}": 2}}')
    assert detail == f"Duplicate key '{'k' * 37}...'."


# -- number limits ------------------------------------------------------------


@pytest.mark.parametrize('sign', ['', '-'])
def test_parse_integer_of_100_digits(sign: str) -> None:
    digits = '9' * 100
    value = parse(f'[{sign}{digits}]')[0]
    assert value == int(sign + digits)
    assert type(value) is int


@pytest.mark.parametrize('sign', ['', '-'])
@pytest.mark.parametrize('length', [101, 4301, 100_000])
def test_parse_integer_over_100_digits(sign: str, length: int) -> None:
    detail = parse_error(f'{{"n": {sign}{"1" * length}}}')
    assert detail == 'A number has more than 100 digits.'


@pytest.mark.parametrize(
    'body', ['1e400', '-1e400', '1E+400', '[1.5e999]', '{"a": 2e308}']
)
def test_parse_refuses_floats_out_of_range(body: str) -> None:
    assert parse_error(body) == 'A number is out of range.'


@pytest.mark.parametrize(
    'body',
    [
        '0.' + '1' * 150,
        '1' * 150 + '.5',
        '1.5e' + '0' * 200,
        '-0.' + '3' * 1000,
    ],
)
def test_parse_refuses_very_long_floats(body: str) -> None:
    assert parse_error(body) == 'A number has more than 100 digits.'


def test_parse_float_of_100_digits() -> None:
    assert parse('-0.' + '5' * 99) == pytest.approx(-0.5555555555)


@pytest.mark.parametrize('body', ['0.' + '1' * 105, '1.' + '0' * 100])
def test_parse_refuses_float_of_more_than_100_digits(body: str) -> None:
    assert parse_error(body) == 'A number has more than 100 digits.'


# -- encoding -----------------------------------------------------------------


@pytest.mark.parametrize(
    ('body', 'position'),
    [
        (b'"\xff"', 1),
        (b'{"a": "\xc3"}', 7),  # truncated sequence
        (b'"\xc0\xaf"', 1),  # overlong encoding of '/'
        (b'"\xed\xa0\x80"', 1),  # an encoded surrogate is not UTF-8
        (b'\xfe\xff\x00"\x00"', 0),  # UTF-16
    ],
)
def test_parse_refuses_invalid_utf8(body: bytes, position: int) -> None:
    assert parse_error(body) == (
        f'The body is not valid UTF-8 (byte {position}).'
    )


# -- surrogates ---------------------------------------------------------------


@pytest.mark.parametrize(
    'body',
    [
        '"\\ud800"',
        '"\\uDFFF"',
        '"x\\udbffy"',
        '["ok", "\\ude00\\ud83d"]',  # a pair in the wrong order
        '"\\ud83d\\u0041"',  # a high surrogate without its low half
        '{"\\ud800": 1}',  # in a key
        '{"a": {"b": ["\\udc00"]}}',
    ],
)
def test_parse_refuses_lone_surrogates(body: str) -> None:
    assert parse_error(body) == 'A string holds a lone surrogate escape.'


@pytest.mark.parametrize(
    ('body', 'expected'),
    [
        ('"\\ud83d\\ude00"', '\U0001f600'),
        ('"\\uD83D\\uDE00"', '\U0001f600'),
        (
            '{"\\ud83d\\ude00": ["\\ud83d\\ude00"]}',
            {'\U0001f600': ['\U0001f600']},
        ),
        ('"\\\\ud800"', '\\ud800'),  # an escaped backslash, then text
        ('["\\\\uD800", {"\\\\udc00": 1}]', ['\\uD800', {'\\udc00': 1}]),
        ('"\\ud7ff\\ue000"', '\ud7ff\ue000'),  # just outside the range
    ],
)
def test_parse_accepts_surrogate_pairs_and_lookalikes(
    body: str, expected: Any
) -> None:
    assert parse(body) == expected


# -- depth --------------------------------------------------------------------


@pytest.mark.parametrize('kind', ['array', 'object'])
@pytest.mark.parametrize('max_depth', [1, 2, 3, 8])
def test_parse_nesting_up_to_max_depth(kind: str, max_depth: int) -> None:
    result = parse(nested(kind, max_depth), max_depth)
    for _ in range(max_depth):
        result = result[0] if kind == 'array' else result['a']
    assert result == 1


@pytest.mark.parametrize('kind', ['array', 'object'])
@pytest.mark.parametrize('max_depth', [1, 2, 3, 8, 64])
def test_parse_nesting_beyond_max_depth(kind: str, max_depth: int) -> None:
    detail = parse_error(nested(kind, max_depth + 1), max_depth)
    assert detail == f'The body is nested deeper than {max_depth} levels.'


@pytest.mark.parametrize(
    ('body', 'ok'),
    [
        ('[{"a": [1]}]', True),
        ('{"a": [{"b": 1}], "c": [[]]}', True),
        ('[{"a": [[1]]}]', False),
        ('[1, [2], {"a": {"b": {}}}]', False),
        ('[[], [], [], {}, {}, [[]]]', True),  # many brackets, depth 3
        ('[[], [], [], {}, {}, [[[]]]]', False),
    ],
)
def test_parse_depth_of_mixed_containers(body: str, ok: bool) -> None:
    if ok:
        assert parse(body, 3) == json.loads(body)
    else:
        assert parse_error(body, 3) == (
            'The body is nested deeper than 3 levels.'
        )


def test_parse_brackets_in_strings_do_not_count() -> None:
    body = '{"a": "[[[[{{{{", "b": ["]]]"]}'
    assert parse(body, 2) == {'a': '[[[[{{{{', 'b': [']]]']}


def test_parse_scalars_do_not_count_as_levels() -> None:
    assert parse('"x"', 0) == 'x'
    assert parse('[1, "a", null]', 1) == [1, 'a', None]


@pytest.mark.parametrize(
    'body',
    [
        '[' * 100_000,
        '[' * 100_000 + ']' * 100_000,
        '{"a":' * 100_000 + '1' + '}' * 100_000,
        '[{"a":' * 50_000,
        '[' * 500 + ']' * 500,  # below the recursion limit: the walk
    ],
)
def test_parse_extremely_deep_nesting(body: str) -> None:
    assert parse_error(body) == 'The body is nested deeper than 64 levels.'


# -- renderer -----------------------------------------------------------------


@pytest.fixture
def renderer() -> JSONRenderer:
    return JSONRenderer()


def test_renderer_content_type(renderer: JSONRenderer) -> None:
    assert renderer.content_type == 'application/json'


@pytest.mark.parametrize(
    ('value', 'expected'),
    [
        (
            {'a': [1, 2.5], 'b': None, 'c': True},
            b'{"a":[1,2.5],"b":null,"c":true}',
        ),
        ([], b'[]'),
        ('x', b'"x"'),
        (7, b'7'),
        (None, b'null'),
        ((1, 2), b'[1,2]'),
        ({'q': 'a"b\\c\n'}, b'{"q":"a\\"b\\\\c\\n"}'),
    ],
)
def test_renderer_compact_output(
    renderer: JSONRenderer, request_: Request, value: Any, expected: bytes
) -> None:
    assert renderer.dumps(value, request_) == expected


def test_renderer_writes_utf8(
    renderer: JSONRenderer, request_: Request
) -> None:
    value = {'name': 'Zo\u00eb \u65e5\u672c \U0001f600'}
    result = renderer.dumps(value, request_)
    assert result == '{"name":"Zo\u00eb \u65e5\u672c \U0001f600"}'.encode()
    assert json.loads(result) == value


@pytest.mark.parametrize(
    ('value', 'expected'),
    [
        (datetime.datetime(2024, 2, 29, 10, 11, 12), '2024-02-29T10:11:12'),
        (
            datetime.datetime(
                2024, 2, 29, 10, 11, 12, 5, tzinfo=datetime.timezone.utc
            ),
            '2024-02-29T10:11:12.000005+00:00',
        ),
        (datetime.date(2024, 2, 29), '2024-02-29'),
        (datetime.time(10, 11, 12), '10:11:12'),
        (
            datetime.time(
                10, 11, tzinfo=datetime.timezone(datetime.timedelta(hours=2))
            ),
            '10:11:00+02:00',
        ),
        (decimal.Decimal('1.10'), '1.10'),
        (decimal.Decimal('-1E+3'), '-1E+3'),
        (
            uuid.UUID('12345678-1234-5678-1234-567812345678'),
            '12345678-1234-5678-1234-567812345678',
        ),
    ],
)
def test_renderer_strings_for_dates_decimals_and_uuids(
    renderer: JSONRenderer, request_: Request, value: Any, expected: str
) -> None:
    assert renderer.dumps({'v': value}, request_) == (
        b'{"v":"' + expected.encode() + b'"}'
    )


@pytest.mark.parametrize(
    ('value', 'expected'),
    [
        ({3, 1, 2}, b'[1,2,3]'),
        (frozenset({'b', 'a'}), b'["a","b"]'),
        (set(), b'[]'),
        ({'a': {2, 1}}, b'{"a":[1,2]}'),
    ],
)
def test_renderer_sets_become_sorted_lists(
    renderer: JSONRenderer, request_: Request, value: Any, expected: bytes
) -> None:
    assert renderer.dumps(value, request_) == expected


def test_renderer_sets_of_mixed_types_are_rendered(
    renderer: JSONRenderer, request_: Request
) -> None:
    result = renderer.dumps({1, 'a', None}, request_)
    assert sorted(json.loads(result), key=repr) == sorted(
        [1, 'a', None], key=repr
    )
    assert renderer.dumps({1, 'a', None}, request_) == result


def test_renderer_uses_json_method_with_the_request(
    renderer: JSONRenderer, request_: Request
) -> None:
    value = [Post('Hi'), {'nested': Post('Yo')}]
    assert renderer.dumps(value, request_) == (
        b'[{"title":"Hi","path":"/posts/7"},'
        b'{"nested":{"title":"Yo","path":"/posts/7"}}]'
    )


def test_renderer_add_adapter(
    renderer: JSONRenderer, request_: Request
) -> None:
    seen: list[Any] = []

    def adapt(point: Point, request: Any) -> Any:
        seen.append(request)
        return [point.x, point.y]

    renderer.add_adapter(Point, adapt)
    assert renderer.dumps({'p': Point(1, 2)}, request_) == b'{"p":[1,2]}'
    assert seen == [request_]


def test_renderer_adapter_found_through_the_mro(
    renderer: JSONRenderer, request_: Request
) -> None:
    renderer.add_adapter(Point, lambda p, request: [p.x, p.y])
    assert renderer.dumps(Point3D(1, 2, 3), request_) == b'[1,2]'
    # the most specific adapter wins
    renderer.add_adapter(Point3D, lambda p, request: [p.x, p.y, p.z])
    assert renderer.dumps([Point(1, 2), Point3D(1, 2, 3)], request_) == (
        b'[[1,2],[1,2,3]]'
    )
    # an adapter of a base class comes before __json__
    assert renderer.dumps(Labelled(4, 5), request_) == b'[4,5]'


def test_renderer_adapter_replaces_a_builtin_one(
    renderer: JSONRenderer, request_: Request
) -> None:
    renderer.add_adapter(datetime.date, lambda d, request: d.year)
    value = [datetime.date(2024, 1, 2), datetime.datetime(2024, 1, 2, 3, 4)]
    # datetime is a date subclass but keeps its own, more specific adapter
    assert renderer.dumps(value, request_) == b'[2024,"2024-01-02T03:04:00"]'


def test_renderer_adapters_belong_to_one_renderer(
    renderer: JSONRenderer, request_: Request
) -> None:
    renderer.add_adapter(Point, lambda p, request: [p.x, p.y])
    with pytest.raises(TypeError):
        JSONRenderer().dumps(Point(1, 2), request_)


@pytest.mark.parametrize(
    ('value', 'name'),
    [
        (object(), 'object'),
        ({'p': Point(1, 2)}, 'Point'),
        ([b'bytes'], 'bytes'),
        ({'c': 1j}, 'complex'),
    ],
)
def test_renderer_unserializable_is_a_type_error(
    renderer: JSONRenderer, request_: Request, value: Any, name: str
) -> None:
    with pytest.raises(TypeError, match=f'^{name} is not JSON serializable$'):
        renderer.dumps(value, request_)


@pytest.mark.parametrize(
    'value', [float('nan'), [float('inf')], {'a': -float('inf')}]
)
def test_renderer_refuses_nan_and_infinity(
    renderer: JSONRenderer, request_: Request, value: Any
) -> None:
    with pytest.raises(ValueError, match='Out of range float values'):
        renderer.dumps(value, request_)


@pytest.mark.parametrize(
    ('value', 'expected'),
    [
        ('\ud800', b'"\\ud800"'),
        ({'k\udfff': 'Zo\u00eb'}, b'{"k\\udfff":"Zo\\u00eb"}'),
        (['\U0001f600', 'x\udc00'], b'["\\ud83d\\ude00","x\\udc00"]'),
    ],
)
def test_renderer_lone_surrogate_gives_ascii_json(
    renderer: JSONRenderer, request_: Request, value: Any, expected: bytes
) -> None:
    result = renderer.dumps(value, request_)
    assert result == expected
    assert result.decode('ascii')
    assert json.loads(result) == value


def test_parse_recursion_beyond_a_large_max_depth() -> None:
    # With a max_depth past what the interpreter can recurse, the message
    # must not claim the document exceeded it.
    with pytest.raises(ParseError) as info:
        parse_json(b'[' * 100000, ParseOptions(max_depth=5000))
    assert info.value.detail == 'The body is nested too deeply to parse.'
