"""Conditional requests in the document: 304, 412, 428, headers, params."""

from __future__ import annotations

from datetime import datetime, timezone
from typing import Any

import colander
from pyramid.config import Configurator

from pyramid_restkit import RequestSchema, operation

from .helpers import MakeApp, conforms, document, op, param, statuses


class Versioned:
    def __init__(self, request: Any) -> None:
        self.request = request

    def etag(self) -> int:
        return 1

    def last_modified(self) -> datetime:
        return datetime(2024, 1, 2, 3, 4, 5, tzinfo=timezone.utc)

    def collection_get(self) -> Any:
        return []

    def collection_post(self) -> Any:
        return {}

    def get(self) -> Any:
        return {'a': 1}

    def put(self) -> Any:
        return {'a': 2}

    def delete(self) -> None:
        return None


class Plain:
    def __init__(self, request: Any) -> None:
        self.request = request

    def collection_get(self) -> Any:
        return []

    def get(self) -> Any:
        return {'a': 1}

    def patch(self) -> Any:
        return {'a': 1}

    def collection_delete(self) -> None:
        return None


def names(operation: dict[str, Any]) -> list[str]:
    return [
        p['name']
        for p in operation.get('parameters', ())
        if p.get('name', 'format') != 'format'
    ]


def test_validators_require_if_match_and_cache_control(
    config: Configurator, make_app: MakeApp
) -> None:
    config.add_resource(
        Versioned,
        collection_path='/v',
        path='/v/{id}',
        require_if_match=True,
        cache_control='max-age=60',
    )
    app = make_app()
    doc = document(app)
    get = op(doc, '/v/{id}', 'get')
    assert statuses(get) == ['200', '304', '400', '406']
    assert set(get['responses']['200']['headers']) == {
        'ETag',
        'Last-Modified',
        'Cache-Control',
    }
    assert set(get['responses']['304']['headers']) == {
        'ETag',
        'Last-Modified',
        'Cache-Control',
    }
    assert 'content' not in get['responses']['304']
    assert names(get) == ['id', 'If-None-Match', 'If-Modified-Since']
    put = op(doc, '/v/{id}', 'put')
    assert statuses(put) == ['200', '400', '403', '406', '412', '428']
    assert set(put['responses']['200']['headers']) == {'ETag', 'Last-Modified'}
    assert names(put) == [
        'id',
        'If-Match',
        'If-Unmodified-Since',
        'If-None-Match',
    ]
    assert param(put, 'If-Match')['required'] is True
    delete = op(doc, '/v/{id}', 'delete')
    assert statuses(delete) == ['204', '400', '403', '406', '412', '428']
    assert 'headers' not in delete['responses']['204']
    # the collection has no validator methods: only Cache-Control
    listing = op(doc, '/v', 'get')
    assert statuses(listing) == ['200', '400', '406']
    assert set(listing['responses']['200']['headers']) == {'Cache-Control'}
    assert names(listing) == []
    # POST on a collection checks no precondition
    assert '412' not in statuses(op(doc, '/v', 'post'))
    # what is sent is what is documented
    conforms(doc, '/v/{id}', 'get', app.get('/v/1'))
    conforms(
        doc,
        '/v/{id}',
        'get',
        app.get('/v/1', headers={'If-None-Match': '"1-json"'}, status=304),
    )
    conforms(doc, '/v/{id}', 'put', app.put_json('/v/1', {}, status=428))
    conforms(
        doc,
        '/v/{id}',
        'put',
        app.put_json('/v/1', {}, headers={'If-Match': '"0-json"'}, status=412),
    )
    conforms(
        doc,
        '/v/{id}',
        'put',
        app.put_json('/v/1', {}, headers={'If-Match': '"1-xml"'}),
    )


def test_without_validators(config: Configurator, make_app: MakeApp) -> None:
    config.add_resource(Plain, collection_path='/p', path='/p/{id}')
    doc = document(make_app())
    get = op(doc, '/p/{id}', 'get')
    assert statuses(get) == ['200', '400', '406']
    assert 'headers' not in get['responses']['200']
    assert names(get) == ['id']
    patch = op(doc, '/p/{id}', 'patch')
    assert statuses(patch) == ['200', '400', '403', '406', '412']
    assert names(patch) == ['id', 'If-Match']
    assert param(patch, 'If-Match')['required'] is False
    assert 'headers' not in patch['responses']['200']
    assert statuses(op(doc, '/p', 'delete')) == [
        '204',
        '400',
        '403',
        '406',
        '412',
    ]


def test_etag_true(config: Configurator, make_app: MakeApp) -> None:
    config.add_resource(Plain, collection_path='/p', path='/p/{id}', etag=True)
    app = make_app()
    doc = document(app)
    get = op(doc, '/p/{id}', 'get')
    assert statuses(get) == ['200', '304', '400', '406']
    assert set(get['responses']['304']['headers']) == {'ETag'}
    assert names(get) == ['id', 'If-None-Match']
    tag = app.get('/p/1').headers['ETag']
    conforms(
        doc,
        '/p/{id}',
        'get',
        app.get('/p/1', headers={'If-None-Match': tag}, status=304),
    )


class Headers(RequestSchema):
    @colander.instantiate(name='headers')
    class headers(colander.MappingSchema):
        if_match = colander.SchemaNode(
            colander.String(), name='If-Match', missing=colander.drop
        )


def test_a_header_the_schema_documents_stays_its(
    config: Configurator, make_app: MakeApp
) -> None:
    class Own(Plain):
        @operation(schema=Headers, responses={304: 'Cached.'})
        def patch(self) -> Any:
            return {}

    config.add_resource(Own, path='/own/{id}', collection_path='/own')
    doc = document(make_app())
    patch = op(doc, '/own/{id}', 'patch')
    assert names(patch).count('If-Match') == 1
    assert 'description' not in param(patch, 'If-Match')
