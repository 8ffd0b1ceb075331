"""Unit tests of :mod:`pyramid_restkit.formats.text`."""

from __future__ import annotations

import datetime
import decimal
import uuid
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st
from pyramid.request import Request

from pyramid_restkit.errors import ParseError
from pyramid_restkit.formats._base import UTF8_CHARSETS
from pyramid_restkit.formats.json import JSONRenderer
from pyramid_restkit.formats.text import TextRenderer, parse_text
from pyramid_restkit.media import ParseOptions
from tests.formats import helpers
from tests.formats.helpers import PROPERTY


def options(charset: str | None = None) -> ParseOptions:
    return ParseOptions(max_depth=64, charset=charset)


def parse_error(body: bytes, charset: str | None = None) -> str:
    return helpers.parse_error(parse_text, body, options(charset))


@pytest.fixture
def renderer() -> TextRenderer:
    return TextRenderer()


@pytest.fixture
def request_() -> Request:
    # NOTE: not the shared one (conftest.py): Note's test names this path.
    return Request.blank('/notes/1')


# -- parser -------------------------------------------------------------------


@pytest.mark.parametrize(
    ('body', 'expected'),
    [
        (b'', ''),
        (b'hello', 'hello'),
        ('Zo\u00eb \U0001f600'.encode(), 'Zo\u00eb \U0001f600'),
        (b'a\r\nb\nc\r', 'a\r\nb\nc\r'),  # line ends are kept
        (b'\xef\xbb\xbfbom', '\ufeffbom'),  # so is a byte order mark
        (b'\x00nul', '\x00nul'),
        (b'{"not": "parsed"}', '{"not": "parsed"}'),
    ],
)
def test_parse_text(body: bytes, expected: str) -> None:
    result = parse_text(body, options())
    assert result == expected
    assert type(result) is str


@pytest.mark.parametrize(
    ('body', 'position'),
    [
        (b'\xff', 0),
        (b'ok \xc3', 3),  # truncated sequence
        (b'\xc0\xaf', 0),  # overlong '/'
        (b'x\xed\xa0\x80', 1),  # an encoded surrogate is not UTF-8
        (b'\xe9t\xe9', 0),  # Latin-1
    ],
)
def test_parse_text_refuses_invalid_utf8(body: bytes, position: int) -> None:
    assert parse_error(body) == (
        f'The body is not valid UTF-8 (byte {position}).'
    )


@pytest.mark.parametrize('charset', sorted(UTF8_CHARSETS) + ['UTF-8'])
def test_parse_text_accepts_utf8_charsets(charset: str) -> None:
    assert parse_text(b'caf\xc3\xa9', options(charset)) == 'caf\u00e9'


@pytest.mark.parametrize('charset', ['iso-8859-1', 'utf-16', 'windows-1252'])
def test_parse_text_refuses_other_charsets(charset: str) -> None:
    assert parse_error(b'plain', charset) == (
        f'The charset {charset!r} is not supported; send UTF-8.'
    )


def test_parse_text_charset_message_quotes_an_excerpt() -> None:
    detail = parse_error(b'x', 'x' * 500)
    assert detail == (
        f"The charset '{'x' * 37}...' is not supported; send UTF-8."
    )


@PROPERTY
@given(st.binary())
def test_parse_text_any_bytes_returns_or_raises_parse_error(
    body: bytes,
) -> None:
    try:
        result = parse_text(body, options())
    except ParseError:
        return
    assert result.encode('utf-8') == body


@PROPERTY
@given(st.text())
def test_parse_text_round_trip(text: str) -> None:
    assert parse_text(TextRenderer().dumps(text, None), options()) == text


# -- renderer -----------------------------------------------------------------


def test_renderer_content_type(renderer: TextRenderer) -> None:
    assert renderer.content_type == 'text/plain'


@pytest.mark.parametrize(
    ('value', 'expected'),
    [
        ('hello', b'hello'),
        ('', b''),
        ('Zo\u00eb \U0001f600', 'Zo\u00eb \U0001f600'.encode()),
        ('say "hi"\n', b'say "hi"\n'),  # no quoting or escaping
        (b'\x00\xffraw', b'\x00\xffraw'),
        (bytearray(b'array'), b'array'),
        (memoryview(b'view'), b'view'),
        (None, b''),
        (7, b'7'),
        (-1.5, b'-1.5'),
        (True, b'true'),
        (False, b'false'),
        ({'a': [1, None], 'b': 'x'}, b'{"a":[1,null],"b":"x"}'),
        ([1, 'two'], b'[1,"two"]'),
        ((1, 2), b'[1,2]'),
        ({}, b'{}'),
        ({'name': 'Zo\u00eb'}, '{"name":"Zo\u00eb"}'.encode()),
    ],
)
def test_renderer_values(
    renderer: TextRenderer, request_: Request, value: Any, expected: bytes
) -> None:
    result = renderer.dumps(value, request_)
    assert result == expected
    assert type(result) is bytes


@pytest.mark.parametrize(
    ('value', 'expected'),
    [
        (datetime.datetime(2024, 2, 29, 10, 11, 12), b'2024-02-29T10:11:12'),
        (datetime.date(2024, 2, 29), b'2024-02-29'),
        (datetime.time(10, 11), b'10:11:00'),
        (decimal.Decimal('1.10'), b'1.10'),
        (
            uuid.UUID('12345678-1234-5678-1234-567812345678'),
            b'12345678-1234-5678-1234-567812345678',
        ),
    ],
)
def test_renderer_values_json_writes_as_strings_lose_their_quotes(
    renderer: TextRenderer, request_: Request, value: Any, expected: bytes
) -> None:
    assert renderer.dumps(value, request_) == expected


def test_renderer_nested_dates_stay_json(
    renderer: TextRenderer, request_: Request
) -> None:
    value = {'at': datetime.date(2024, 1, 2)}
    assert renderer.dumps(value, request_) == b'{"at":"2024-01-02"}'


def test_renderer_lone_surrogate_is_escaped(
    renderer: TextRenderer, request_: Request
) -> None:
    assert renderer.dumps('a\ud800b', request_) == b'a\\ud800b'
    assert renderer.dumps(uuid.UUID(int=0), request_).startswith(b'0000')


class Note:
    def __init__(self, text: str) -> None:
        self.text = text

    def __json__(self, request: Request) -> Any:
        return f'{self.text} ({request.path})'


def test_renderer_json_method_and_adapters(
    renderer: TextRenderer, request_: Request
) -> None:
    assert renderer.dumps(Note('hi'), request_) == b'hi (/notes/1)'
    renderer.add_adapter(complex, lambda value, request: [value.real])
    assert renderer.dumps(1 + 2j, request_) == b'[1.0]'


def test_renderer_shares_a_json_renderer(request_: Request) -> None:
    shared = JSONRenderer()
    text = TextRenderer(shared)
    assert text.json is shared
    text.add_adapter(complex, lambda value, request: 'complex')
    assert shared.dumps(1j, request_) == b'"complex"'
    assert text.dumps(1j, request_) == b'complex'


def test_renderer_ignores_options(
    renderer: TextRenderer, request_: Request
) -> None:
    assert renderer.dumps('x', request_, root='post', title='t') == b'x'


def test_renderer_refuses_what_json_refuses(
    renderer: TextRenderer, request_: Request
) -> None:
    with pytest.raises(ValueError):
        renderer.dumps(float('nan'), request_)
    with pytest.raises(TypeError, match='object is not JSON serializable'):
        renderer.dumps(object(), request_)


# -- problem details ----------------------------------------------------------


def test_dumps_problem_lines(
    renderer: TextRenderer, request_: Request
) -> None:
    problem = {
        'type': 'about:blank',
        'title': 'Not Found',
        'status': 404,
        'detail': 'No post 7.',
    }
    assert renderer.dumps_problem(problem, request_) == (
        b'title: Not Found\nstatus: 404\ndetail: No post 7.\n'
    )


def test_dumps_problem_validation_errors(
    renderer: TextRenderer, request_: Request
) -> None:
    problem = {
        'type': 'tag:pyramid-restkit,2026:validation',
        'title': 'Bad Request',
        'status': 400,
        'detail': 'The request is not valid.',
        'errors': [
            {
                'location': 'body',
                'name': 'author.name',
                'description': 'Required',
            },
            {'location': 'body', 'name': '', 'description': 'Not a map'},
            {'location': '', 'name': '', 'description': 'Odd'},
            'a bare message',
        ],
    }
    assert renderer.dumps_problem(problem, request_).decode() == (
        'title: Bad Request\n'
        'status: 400\n'
        'detail: The request is not valid.\n'
        'type: tag:pyramid-restkit,2026:validation\n'
        'error: body.author.name: Required\n'
        'error: body: Not a map\n'
        'error: Odd\n'
        'error: a bare message\n'
    )


def test_dumps_problem_other_members(
    renderer: TextRenderer, request_: Request
) -> None:
    problem = {
        'status': 406,
        'title': 'Not Acceptable',
        'available': ['application/json', 'text/html'],
        'limits': {'max': 3},
        'count': 2,
        'errors': 'not a list',
    }
    assert renderer.dumps_problem(problem, request_).decode() == (
        'title: Not Acceptable\n'
        'status: 406\n'
        'available: application/json, text/html\n'
        'limits: {"max":3}\n'
        'count: 2\n'
        'errors: not a list\n'
    )


def test_dumps_problem_keeps_one_item_per_line(
    renderer: TextRenderer, request_: Request
) -> None:
    problem = {
        'title': 'Bad\r\nRequest',
        'status': 400,
        'detail': 'line one\nline two\u2028three',
        'errors': [
            {'location': 'body', 'name': 'a', 'description': 'x\ny'},
        ],
    }
    assert renderer.dumps_problem(problem, request_) == (
        b'title: Bad Request\nstatus: 400\ndetail: line one line two three'
        b'\nerror: body.a: x y\n'
    )


def test_dumps_problem_is_utf8(
    renderer: TextRenderer, request_: Request
) -> None:
    problem = {'title': 'Zo\u00eb', 'status': 400, 'detail': 'bad \ud800'}
    assert renderer.dumps_problem(problem, request_) == (
        'title: Zo\u00eb\nstatus: 400\ndetail: bad \\ud800\n'.encode()
    )
