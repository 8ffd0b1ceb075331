"""Unit tests of :mod:`pyramid_restkit.formats.ndjson`."""

from __future__ import annotations

import datetime
import json

from pyramid.request import Request

from pyramid_restkit.formats.json import JSONRenderer
from pyramid_restkit.formats.ndjson import NDJSON_TYPE, NDJSONRenderer


def test_list_is_one_line_an_item() -> None:
    request = Request.blank('/')
    body = NDJSONRenderer().dumps(
        [{'a': 'x\ny'}, [1, 2], None, 'caf\u00e9'], request
    )
    assert body == b'{"a":"x\\ny"}\n[1,2]\nnull\n"caf\xc3\xa9"\n'
    assert [json.loads(line) for line in body.splitlines()] == [
        {'a': 'x\ny'},
        [1, 2],
        None,
        'caf\u00e9',
    ]


def test_tuple_and_empty_list() -> None:
    renderer = NDJSONRenderer()
    assert renderer.dumps((1, 2), None) == b'1\n2\n'
    assert renderer.dumps([], None) == b''


def test_other_values_are_one_line() -> None:
    assert NDJSONRenderer().dumps({'a': 1}, None) == b'{"a":1}\n'
    assert NDJSONRenderer().dumps(3, None) == b'3\n'


def test_adapters_are_the_json_renderers() -> None:
    json_renderer = JSONRenderer()
    renderer = NDJSONRenderer(json_renderer)
    assert renderer.content_type == NDJSON_TYPE
    day = datetime.date(2024, 1, 2)
    assert renderer.dumps([day], None) == b'"2024-01-02"\n'
    renderer.add_adapter(complex, lambda value, request: [value.real])
    assert renderer.dumps([1j], None) == b'[0.0]\n'
    assert json_renderer.dumps(1j, None) == b'[0.0]'


def test_streamer_writes_lines() -> None:
    writer = NDJSONRenderer().streamer(None)
    assert writer.first({'a': 1}) == b'{"a":1}\n'
    assert writer.many([2, 'x']) == b'2\n"x"\n'
    assert writer.end() == b''


def test_json_array_writer() -> None:
    writer = JSONRenderer().streamer(None)
    parts = [writer.first(1), writer.many([{'b': 2}, 3]), writer.end()]
    assert b''.join(parts) == b'[1,{"b":2},3]'
