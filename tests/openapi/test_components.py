"""What the parts of the document share (:mod:`.components`).

The media types the document describes (``restkit.openapi.media_types``)
and the ``format`` parameter, declared once in
``components/parameters``.  Conventions: :mod:`tests.openapi.helpers`.
"""

from __future__ import annotations

from typing import Any

import pytest
import yaml
from pyramid.config import Configurator

from pyramid_restkit import operation
from tests.openapi.helpers import (
    Base,
    Echo,
    Item,
    MakeApp,
    conforms,
    document,
    op,
    param,
    resolve,
)


class Plain(Base):
    def collection_get(self) -> Any:
        return [{'name': 'a'}]

    @operation(status=201)
    def collection_post(self) -> Any:
        return self.request.validated

    def get(self) -> Any:
        return {'name': 'a'}

    def patch(self) -> Any:
        return self.request.validated

    @operation(media_type='text')
    def put(self) -> Any:
        return 'put'


def content_types(response: dict[str, Any]) -> set[str]:
    return set(response['content'])


def enum(doc: dict[str, Any], parameter: dict[str, Any]) -> list[str]:
    """The names a ``format`` parameter takes (its schema is named)."""
    values: list[str] = resolve(doc, parameter['schema'])['enum']
    return values


# -- restkit.openapi.media_types ----------------------------------------------


@pytest.mark.parametrize('settings', [{'restkit.openapi.media_types': 'json'}])
def test_publish_only_json(config: Configurator, make_app: MakeApp) -> None:
    config.add_resource(
        Plain, collection_path='/p', path='/p/{id}', schema=Item
    )
    app = make_app()
    doc = document(app)
    post = op(doc, '/p', 'post')
    assert set(post['requestBody']['content']) == {'application/json'}
    assert post['requestBody']['required'] is True
    assert content_types(post['responses']['201']) == {'application/json'}
    for status in ('400', '406', '413', '415'):
        assert content_types(post['responses'][status]) == {
            'application/problem+json'
        }
    patch = op(doc, '/p/{id}', 'patch')
    assert set(patch['requestBody']['content']) == {'application/json'}
    # one format parameter, for all, its enum a named schema; no XML or
    # form variants
    assert doc['components']['parameters'] == {
        'format': {
            'name': 'format',
            'in': 'query',
            'required': False,
            'description': 'The media type of the response, by name '
            '(instead of Accept).',
            'schema': {'$ref': '#/components/schemas/Format'},
        }
    }
    assert doc['components']['schemas']['Format'] == {
        'enum': ['json'],
        'description': 'The name of a media type.',
    }
    assert set(doc['components']['schemas']) == {
        'Problem',
        'ValidationError',
        'Item',
        'Item-Partial',
        'Format',
    }
    # a forced media type stays described: it is the only way to call it
    put = op(doc, '/p/{id}', 'put')
    assert content_types(put['responses']['200']) == {'text/plain'}
    assert content_types(put['responses']['400']) == {
        'text/plain',
        'application/problem+json',
    }
    res = app.put('/p/1', b'{"name": "a"}', content_type='application/json')
    conforms(doc, '/p/{id}', 'put', res)
    res = app.put('/p/1', b'{', content_type='application/json', status=400)
    conforms(doc, '/p/{id}', 'put', res)
    # what the document describes works...
    res = app.post_json('/p', {'name': 'a'}, status=201)
    conforms(doc, '/p', 'post', res)
    res = app.post_json('/p', {}, status=400)
    conforms(doc, '/p', 'post', res)
    # ...and the runtime still serves the rest
    res = app.post(
        '/p',
        b'name: a',
        content_type='application/yaml',
        headers={'Accept': 'application/yaml'},
        status=201,
    )
    assert yaml.safe_load(res.text) == {'name': 'a', 'size': 1}
    res = app.get('/p?format=xml', status=200)
    assert res.content_type == 'application/xml'


@pytest.mark.parametrize(
    'settings',
    [
        {'restkit.openapi.media_types': 'xml json'},
        {'restkit.openapi.media_types': ['json', 'xml']},
    ],
)
def test_publish_some(config: Configurator, make_app: MakeApp) -> None:
    config.add_resource(
        Plain, collection_path='/p', path='/p/{id}', schema=Item
    )
    config.add_resource(
        Plain,
        name='only_json',
        collection_path='/j',
        path='/j/{id}',
        schema=Item,
        media_types=('json',),
    )
    config.add_resource(
        Plain,
        name='only_yaml',
        collection_path='/y',
        path='/y/{id}',
        schema=Item,
        media_types=('yaml',),
        default_media_type='yaml',
    )
    app = make_app()
    doc = document(app)
    post = op(doc, '/p', 'post')
    assert set(post['requestBody']['content']) == {
        'application/json',
        'application/xml',
        'text/xml',
    }
    assert content_types(post['responses']['201']) == {
        'application/json',
        'application/xml',
    }
    assert content_types(post['responses']['400']) == {
        'application/problem+json',
        'application/problem+xml',
    }
    assert enum(doc, param(post, 'format')) == ['json', 'xml']
    # a resource with a subset: its own parameter
    only_json = op(doc, '/j', 'post')
    assert doc['paths']['/j']['post']['parameters'] == [
        {'$ref': '#/components/parameters/format-json'}
    ]
    assert enum(doc, param(only_json, 'format')) == ['json']
    assert param(only_json, 'format')['schema'] == {
        '$ref': '#/components/schemas/Format-json'
    }
    assert content_types(only_json['responses']['400']) == {
        'application/problem+json'
    }
    # a resource serving none of them: described with its own
    only_yaml = op(doc, '/y', 'post')
    assert set(only_yaml['requestBody']['content']) == {
        'application/yaml',
        'application/x-yaml',
        'text/yaml',
    }
    assert content_types(only_yaml['responses']['201']) == {'application/yaml'}
    assert content_types(only_yaml['responses']['400']) == {
        'application/problem+yaml'
    }
    assert enum(doc, param(only_yaml, 'format')) == ['yaml']
    assert set(doc['components']['parameters']) == {
        'format',
        'format-json',
        'format-yaml',
    }
    res = app.post('/y', b'{', content_type='application/yaml', status=400)
    conforms(doc, '/y', 'post', res)
    res = app.post(
        '/p',
        b'<p><name>a</name></p>',
        content_type='application/xml',
        headers={'Accept': 'application/xml'},
        status=201,
    )
    conforms(doc, '/p', 'post', res)


# -- the format parameter -----------------------------------------------------


def test_one_format_parameter_a_set_of_media_types(
    config: Configurator, make_app: MakeApp
) -> None:
    config.add_resource(Plain, collection_path='/p', path='/p/{id}')
    config.add_resource(
        Plain, name='other', collection_path='/o', path='/o/{id}'
    )
    # the order of the server, whatever the resource's default
    config.add_resource(
        Plain,
        name='two',
        collection_path='/two',
        path='/two/{id}',
        media_types=('xml', 'json'),
        default_media_type='xml',
    )
    app = make_app()
    doc = document(app)
    refs = {
        (path, verb): operation['parameters'][-1]['$ref']
        for path, item in doc['paths'].items()
        for verb, operation in item.items()
        if verb != 'put' and not path.startswith('/two/')
    }
    assert refs == {
        ('/p', 'get'): '#/components/parameters/format',
        ('/p', 'post'): '#/components/parameters/format',
        ('/p/{id}', 'get'): '#/components/parameters/format',
        ('/p/{id}', 'patch'): '#/components/parameters/format',
        ('/o', 'get'): '#/components/parameters/format',
        ('/o', 'post'): '#/components/parameters/format',
        ('/o/{id}', 'get'): '#/components/parameters/format',
        ('/o/{id}', 'patch'): '#/components/parameters/format',
        ('/two', 'get'): '#/components/parameters/format-json-xml',
        ('/two', 'post'): '#/components/parameters/format-json-xml',
    }
    parameters = doc['components']['parameters']
    assert enum(doc, parameters['format']) == [
        'json',
        'yaml',
        'xml',
        'html',
        'text',
    ]
    assert enum(doc, parameters['format-json-xml']) == ['json', 'xml']
    assert parameters['format-json-xml']['schema'] == {
        '$ref': '#/components/schemas/Format-json-xml'
    }
    # forced: no format
    assert [p['name'] for p in op(doc, '/p/{id}', 'put')['parameters']] == [
        'id'
    ]
    for url in ('/two?format=xml', '/two?format=json'):
        conforms(doc, '/two', 'get', app.get(url))
    conforms(doc, '/two', 'get', app.get('/two?format=yaml', status=406))


class Renders:
    def dumps(self, value: Any, request: Any, **options: Any) -> bytes:
        return repr(value).encode()


def test_format_parameter_names_are_component_keys(
    config: Configurator, make_app: MakeApp
) -> None:
    # NOTE: a media type's name is an identifier, which may be any
    # letter; a component's key is ASCII.
    config.add_media_type('é', 'application/x-e', renderer=Renders())
    config.add_media_type('è', 'application/x-e2', renderer=Renders())
    config.add_resource(Echo, name='e', path='/e/{id}', media_types=('é',))
    config.add_resource(Echo, name='f', path='/f/{id}', media_types=('è',))
    app = make_app()
    doc = document(app)
    assert doc['paths']['/e/{id}']['get']['parameters'][-1] == {
        '$ref': '#/components/parameters/format-_'
    }
    assert doc['paths']['/f/{id}']['get']['parameters'][-1] == {
        '$ref': '#/components/parameters/format-_-2'
    }
    parameter = doc['components']['parameters']['format-_-2']
    assert parameter['schema'] == {'$ref': '#/components/schemas/Format-_-2'}
    assert enum(doc, parameter) == ['è']
    assert app.get('/f/1?format=%C3%A8').body == b"{'id': '1'}"
