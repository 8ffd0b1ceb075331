"""Streamed collections through a real application (webtest).

A method returning an iterator streams as a JSON array or as NDJSON
(docs/streaming.md); other formats collect a bounded number of items.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Iterator
from typing import Any

import colander
import pytest
import webtest
import yaml
from pyramid.config import Configurator
from pyramid.httpexceptions import HTTPNotFound

from pyramid_restkit import streaming
from pyramid_restkit.streaming import StreamBody

MEDIA = 'json yaml xml html ndjson csv'


class ItemOut(colander.MappingSchema):
    id = colander.SchemaNode(colander.Integer())
    name = colander.SchemaNode(colander.String())


class Source:
    """A generator's life, seen from the test: items made, closed."""

    def __init__(self) -> None:
        self.made = 0
        self.closed = False

    def items(
        self,
        count: int,
        fail_at: int | None = None,
        bad: Any = None,
        bad_at: int | None = None,
    ) -> Iterator[dict[str, Any]]:
        try:
            for i in range(count):
                if i == fail_at:
                    raise RuntimeError('the database went away')
                self.made += 1
                if i == bad_at:
                    yield bad
                else:
                    yield {'id': i, 'name': f'n{i}', 'secret': 's'}
        finally:
            self.closed = True


def make(
    source: Source,
    *,
    count: int = 5,
    fail_at: int | None = None,
    bad: Any = None,
    bad_at: int | None = None,
    schema: bool = True,
    settings: dict[str, Any] | None = None,
    etag: bool = False,
) -> webtest.TestApp:
    class Items:
        def __init__(self, request: Any) -> None:
            self.request = request

        def collection_get(self) -> Any:
            if self.request.params.get('header'):
                self.request.response.headers['X-Kind'] = 'stream'
                self.request.response.status = 203
            if self.request.params.get('notfound'):
                return _raises_first()
            return source.items(count, fail_at, bad, bad_at)

    config = Configurator(
        settings={'restkit.media_types': MEDIA, **(settings or {})},
        autocommit=False,
    )
    config.include('pyramid_restkit')
    options: dict[str, Any] = {'collection_path': '/items'}
    if schema:
        options['response_schema'] = ItemOut()
    if etag:
        options['etag'] = True
    config.add_resource(Items, **options)
    return webtest.TestApp(config.make_wsgi_app())


def _raises_first() -> Iterator[Any]:
    raise HTTPNotFound(detail='No such shelf.')
    yield  # pragma: no cover (makes this a generator)


def expected(count: int) -> list[dict[str, Any]]:
    return [{'id': i, 'name': f'n{i}'} for i in range(count)]


def test_json_array_is_streamed_and_filtered() -> None:
    source = Source()
    app = make(source, count=3)
    res = app.get('/items')
    assert res.content_type == 'application/json'
    assert res.body == b'[{"id":0,"name":"n0"},{"id":1,"name":"n1"},' + (
        b'{"id":2,"name":"n2"}]'
    )
    assert source.closed


def test_streamed_json_equals_the_rendered_list() -> None:
    source = Source()
    app = make(source, count=2000, schema=False)
    res = app.get('/items')
    rows = [{'id': i, 'name': f'n{i}', 'secret': 's'} for i in range(2000)]
    assert res.body == json.dumps(rows, separators=(',', ':')).encode()


def test_ndjson_lines() -> None:
    source = Source()
    res = make(source, count=3).get('/items.ndjson')
    assert res.headers['Content-Type'] == 'application/x-ndjson'
    lines = res.body.split(b'\n')
    assert lines[-1] == b''
    assert [json.loads(line) for line in lines[:-1]] == expected(3)


@pytest.mark.parametrize(
    'accept',
    [
        'application/jsonl',
        'application/x-ndjson',
        'application/json;q=0.5, application/jsonl',
    ],
)
def test_ndjson_by_accept_and_its_alias(accept: str) -> None:
    res = make(Source(), count=2).get('/items', headers={'Accept': accept})
    assert res.headers['Content-Type'] == 'application/x-ndjson'
    assert res.headers['Vary'] == 'Accept'
    assert res.body.count(b'\n') == 2


def test_empty_iterator() -> None:
    source = Source()
    app = make(source, count=0)
    res = app.get('/items')
    assert res.body == b'[]'
    assert res.headers['Content-Length'] == '2'
    res = app.get('/items', headers={'Accept': 'application/x-ndjson'})
    assert res.body == b''
    assert res.headers['Content-Type'] == 'application/x-ndjson'
    assert source.closed


def test_error_on_the_first_item_is_a_problem(
    caplog: pytest.LogCaptureFixture,
) -> None:
    source = Source()
    app = make(source, fail_at=0)
    with caplog.at_level(logging.ERROR, 'pyramid_restkit'):
        res = app.get('/items.ndjson', status=500)
    assert res.content_type == 'application/problem+json'
    assert res.json['status'] == 500
    assert 'database' not in res.text
    assert any(r.exc_info for r in caplog.records)
    assert source.closed


def test_http_error_on_the_first_item_keeps_its_status() -> None:
    res = make(Source()).get('/items.yaml?notfound=1', status=404)
    assert res.content_type == 'application/problem+yaml'
    assert yaml.safe_load(res.text)['detail'] == 'No such shelf.'


@pytest.mark.parametrize(
    ('suffix', 'tail'), [('.json', b'{"id":2,"name":"n2"}'), ('.ndjson', b'')]
)
def test_error_after_the_first_byte_truncates(
    caplog: pytest.LogCaptureFixture, suffix: str, tail: bytes
) -> None:
    source = Source()
    app = make(source, fail_at=3)
    with caplog.at_level(logging.ERROR, 'pyramid_restkit'):
        res = app.get('/items' + suffix)
    assert res.status_int == 200
    assert b'database' not in res.body
    assert b'Traceback' not in res.body
    if suffix == '.json':
        assert res.body.startswith(b'[{"id":0')
        assert res.body.endswith(tail)
        with pytest.raises(ValueError):
            json.loads(res.body)
    else:
        assert [json.loads(x) for x in res.body.splitlines()] == expected(3)
    [record] = caplog.records
    assert 'failed after 3 items' in record.getMessage()
    assert record.exc_info is not None
    assert isinstance(record.exc_info[1], RuntimeError)
    assert source.closed


def test_non_serializable_items(caplog: pytest.LogCaptureFixture) -> None:
    first = make(Source(), bad=object(), bad_at=0, schema=False)
    with caplog.at_level(logging.ERROR, 'pyramid_restkit'):
        res = first.get('/items', status=500)
        assert res.content_type == 'application/problem+json'
        later = make(Source(), bad=object(), bad_at=2, schema=False)
        res = later.get('/items.ndjson')
    assert len(res.body.splitlines()) == 2
    assert isinstance(caplog.records[-1].exc_info[1], TypeError)


def test_output_schema_errors(caplog: pytest.LogCaptureFixture) -> None:
    with caplog.at_level(logging.ERROR, 'pyramid_restkit'):
        first = make(Source(), bad={'id': 'x'}, bad_at=0)
        res = first.get('/items', status=500)
        assert res.json['status'] == 500
        later = make(Source(), bad={'id': 1}, bad_at=1)
        res = later.get('/items.ndjson')
    assert res.body == b'{"id":0,"name":"n0"}\n'
    assert 'name: A required field is missing' in caplog.text


def test_head_primes_one_item_only() -> None:
    source = Source()
    app = make(source, count=1000)
    res = app.head('/items.ndjson')
    assert res.status_int == 200
    assert res.body == b''
    assert res.headers['Content-Type'] == 'application/x-ndjson'
    assert source.made == 1
    assert source.closed


def test_head_of_a_failing_first_item() -> None:
    res = make(Source(), fail_at=0).head('/items', status=500)
    assert res.body == b''


def test_not_acceptable_runs_nothing() -> None:
    source = Source()
    res = make(source).get(
        '/items', headers={'Accept': 'application/msgpack'}, status=406
    )
    assert 'application/x-ndjson' in res.json['available']
    assert source.made == 0


def test_ndjson_is_opt_in(config: Configurator) -> None:
    class Things:
        def __init__(self, request: Any) -> None:
            pass

        def collection_get(self) -> Any:
            return iter([1])

    config.add_resource(Things, collection_path='/things')
    app = webtest.TestApp(config.make_wsgi_app())
    res = app.get(
        '/things', headers={'Accept': 'application/jsonl'}, status=406
    )
    assert 'application/x-ndjson' not in res.json['available']
    assert app.get('/things').body == b'[1]'


@pytest.mark.parametrize('suffix', ['.yaml', '.xml', '.html', '.csv'])
def test_other_formats_collect(suffix: str) -> None:
    source = Source()
    res = make(source, count=3).get('/items' + suffix)
    assert 'n2' in res.text
    assert 'secret' not in res.text
    assert res.headers['Content-Length'] == str(len(res.body))
    assert source.closed


def test_collect_limit(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(streaming, 'COLLECT_LIMIT', 3)
    source = Source()
    app = make(source, count=3)
    assert yaml.safe_load(app.get('/items.yaml').text) == expected(3)
    source = Source()
    app = make(source, count=4)
    res = app.get('/items.yaml', status=406)
    assert res.content_type == 'application/problem+yaml'
    assert 'application/x-ndjson' in yaml.safe_load(res.text)['detail']
    assert source.closed
    assert app.get('/items.ndjson').body.count(b'\n') == 4


def test_request_response_keeps_its_headers() -> None:
    res = make(Source(), count=2).get('/items.ndjson?header=1')
    assert res.status_int == 203
    assert res.headers['X-Kind'] == 'stream'
    assert res.headers['Content-Type'] == 'application/x-ndjson'
    assert res.body.count(b'\n') == 2


def test_body_etag_is_not_computed_for_a_stream() -> None:
    source = Source()
    app = make(source, count=3, etag=True)
    res = app.get('/items')
    assert 'ETag' not in res.headers
    assert len(res.json) == 3
    res = make(Source(), count=0, etag=True).get('/items')
    assert res.headers['ETag']  # a rendered (empty) list is tagged


def test_the_app_iter_closes_the_source() -> None:
    source = Source()
    app = make(source, count=10**6)
    request = webtest.TestRequest.blank('/items.ndjson')
    response = request.get_response(app.app)
    assert 'Content-Length' not in response.headers
    body = response.app_iter
    assert type(body) is StreamBody
    chunks = iter(body)
    assert next(chunks) == b'{"id":0,"name":"n0"}\n'
    body.close()
    assert source.closed
    assert source.made == 1
    assert list(chunks) == []


def test_a_generator_method(config: Configurator) -> None:
    closed = []

    class Events:
        def __init__(self, request: Any) -> None:
            self.request = request

        def collection_get(self) -> Iterator[dict[str, Any]]:
            try:
                for i in range(3):
                    yield {'id': i, 'name': 'e', 'raw': object()}
            finally:
                closed.append(True)

    config.add_resource(
        Events, collection_path='/events', response_schema=ItemOut()
    )
    app = webtest.TestApp(config.make_wsgi_app())
    assert app.get('/events').json == [
        {'id': i, 'name': 'e'} for i in range(3)
    ]
    assert closed == [True]


def test_head_of_a_collected_format_has_gets_length() -> None:
    source = Source()
    app = make(source, count=4)
    length = app.get('/items.yaml').headers['Content-Length']
    res = app.head('/items.yaml')
    assert res.headers['Content-Length'] == length
    assert res.body == b''
