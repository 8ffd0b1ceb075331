"""The OpenAPI generator (``pyramid_restkit.openapi``), through real apps.

Each test registers resources on a real Configurator (``tests/conftest.py``),
builds the document with :func:`get_openapi`, has openapi-spec-validator
accept it, and sends the requests the document describes through webtest:
statuses, media types and bodies must be the ones documented
(:func:`conforms`), so the document is checked against the runtime and not
only for its shape.
"""

from __future__ import annotations

import json
import typing
from collections.abc import Callable
from typing import Any, Optional
from xml.etree import ElementTree

import colander
import jsonschema
import pytest
import webtest
import yaml
from openapi_spec_validator import validate
from pyramid.config import Configurator
from pyramid.exceptions import ConfigurationConflictError, ConfigurationError
from pyramid.httpexceptions import HTTPNotFound
from pyramid.security import Allowed, Denied

from pyramid_restkit import RequestSchema, get_openapi, operation
from pyramid_restkit.openapi.document import (
    _none_in_text,
    _returns_none,
    openapi_path,
)
from tests.fixtures import openapi_app

MakeApp = Callable[[], webtest.TestApp]
YAML_TYPES = ('application/yaml', 'application/x-yaml', 'text/yaml')
FORM_TYPES = ('application/x-www-form-urlencoded', 'multipart/form-data')
ALL_PROBLEMS = {
    'application/problem+json',
    'application/problem+yaml',
    'application/problem+xml',
    'text/html',
    'text/plain',
}


# -- helpers ------------------------------------------------------------------


def document(app: webtest.TestApp) -> dict[str, Any]:
    """The app's document, accepted by openapi-spec-validator."""
    doc = get_openapi(app.app.registry)
    validate(doc)
    # JSON data only: what /openapi.json serves is this very document.
    assert json.loads(json.dumps(doc)) == doc
    return doc


def check(doc: dict[str, Any], schema: Any, instance: Any) -> None:
    """Validate ``instance`` against a schema of ``doc`` (refs resolved)."""
    root = {'components': doc['components'], **schema}
    jsonschema.Draft202012Validator(root).validate(instance)


def valid(doc: dict[str, Any], schema: Any, instance: Any) -> bool:
    root = {'components': doc['components'], **schema}
    return jsonschema.Draft202012Validator(root).is_valid(instance)


def resolve(doc: dict[str, Any], schema: Any) -> Any:
    while '$ref' in schema:
        schema = doc['components']['schemas'][
            schema['$ref'].rpartition('/')[2]
        ]
    return schema


def op(doc: dict[str, Any], path: str, verb: str) -> dict[str, Any]:
    result: dict[str, Any] = doc['paths'][path][verb]
    return result


def param(operation: dict[str, Any], name: str) -> dict[str, Any]:
    found = [p for p in operation.get('parameters', ()) if p['name'] == name]
    assert len(found) == 1, operation.get('parameters')
    return found[0]


def conforms(
    doc: dict[str, Any], path: str, verb: str, res: webtest.TestResponse
) -> None:
    """``res`` is one of the responses ``doc`` gives for the operation."""
    responses = op(doc, path, verb)['responses']
    status = str(res.status_int)
    assert status in responses, (status, sorted(responses))
    content = responses[status].get('content')
    if content is None:
        assert res.body == b''
        assert 'Content-Type' not in res.headers
        return
    assert res.content_type in content, (res.content_type, sorted(content))
    schema = content[res.content_type]['schema']
    if res.content_type.endswith('json'):
        check(doc, schema, res.json)
    elif res.content_type.endswith('yaml'):
        check(doc, schema, yaml.safe_load(res.text))
    elif res.content_type.endswith('xml'):
        root = ElementTree.fromstring(res.body)
        name = resolve(doc, schema).get('xml', {}).get('name')
        assert name is None or root.tag.rpartition('}')[2] == name
    elif schema.get('type') == 'string':
        assert isinstance(res.text, str)


def body_of(res: webtest.TestResponse) -> Any:
    """The data of a JSON or YAML response."""
    if res.content_type.endswith('yaml'):
        return yaml.safe_load(res.text)
    return res.json


def statuses(operation: dict[str, Any]) -> list[str]:
    return list(operation['responses'])


class Base:
    def __init__(self, request: Any, context: Any = None) -> None:
        self.request = request


class Item(colander.MappingSchema):
    name = colander.SchemaNode(colander.String())
    size = colander.SchemaNode(colander.Integer(), missing=1)


class ItemOut(colander.MappingSchema):
    id = colander.SchemaNode(colander.Integer())
    name = colander.SchemaNode(colander.String())


class Author(colander.MappingSchema):
    name = colander.SchemaNode(colander.String())


class Nested(colander.MappingSchema):
    title = colander.SchemaNode(colander.String())
    author = Author()


class Tags(colander.SequenceSchema):
    tag = colander.SchemaNode(colander.String())


class Tagged(colander.MappingSchema):
    title = colander.SchemaNode(colander.String())
    tags = Tags()
    labels = colander.SchemaNode(
        colander.Sequence(), colander.SchemaNode(colander.String())
    )
    extra = colander.SchemaNode(colander.List(), missing=())


class Optional_(colander.MappingSchema):
    note = colander.SchemaNode(colander.String(), missing=colander.drop)


class Text(colander.SchemaNode):
    schema_type = colander.String


class Numbers(colander.SequenceSchema):
    number = colander.SchemaNode(colander.Integer())


# -- paths --------------------------------------------------------------------


@pytest.mark.parametrize(
    ('pattern', 'path', 'regexes'),
    [
        ('/things', '/things', {}),
        ('things/{id}', '/things/{id}', {'id': '[^/]+'}),
        ('/things/{id:\\d+}', '/things/{id}', {'id': '\\d+'}),
        (
            '/days/{day:\\d{4}-\\d{2}}/{n}',
            '/days/{day}/{n}',
            {'day': '\\d{4}-\\d{2}', 'n': '[^/]+'},
        ),
        ('/files/*rest', '/files/{rest}', {'rest': '.*'}),
        (
            '/files/{kind}/*rest',
            '/files/{kind}/{rest}',
            {'kind': '[^/]+', 'rest': '.*'},
        ),
        # Pyramid's old-style placeholders, and a bare star (dropped)
        ('/old/:id/x', '/old/{id}/x', {'id': '[^/]+'}),
        ('/star/*', '/star/', {}),
        # not placeholders for Pyramid: literal text
        ('/a*b/c', '/a*b/c', {}),
        ('/{1}', '/{1}', {}),
    ],
)
def test_openapi_path(
    pattern: str, path: str, regexes: dict[str, str]
) -> None:
    assert openapi_path(pattern) == (path, regexes)


class Echo(Base):
    """Answers with what it matched."""

    def get(self) -> Any:
        match = dict(self.request.matchdict)
        match.pop('restkit_suffix', None)
        if 'rest' in match:
            match['rest'] = list(match['rest'])
        return match


def test_path_parameters_match_the_routes(
    config: Configurator, make_app: MakeApp
) -> None:
    config.add_resource(Echo, name='byid', path='/things/{id:\\d+}')
    config.add_resource(Echo, name='days', path='/days/{day:\\d{4}-\\d{2}}')
    config.add_resource(Echo, name='files', path='/files/{kind}/*rest')
    config.add_resource(Echo, name='plain', path='/plain/{a}/{b}')
    # Pyramid reads ':id' as a placeholder only in a pattern without
    # braces: a resource's has the suffix placeholder, unless it ends in
    # a remainder
    config.add_resource(Echo, name='old', path='/old/:id/x')
    config.add_resource(Echo, name='older', path='/older/:id/*rest')
    app = make_app()
    doc = document(app)
    assert set(doc['paths']) == {
        '/things/{id}',
        '/days/{day}',
        '/files/{kind}/{rest}',
        '/plain/{a}/{b}',
        '/old/:id/x',
        '/older/{id}/{rest}',
    }
    for path, name, good, bad in [
        ('/things/{id}', 'id', ['7', '0123'], ['x', '7a', '', '7\n']),
        ('/days/{day}', 'day', ['2024-01'], ['2024-1', '2024-01-02']),
        ('/files/{kind}/{rest}', 'rest', ['a', 'a/b/c', ''], ['a\nb']),
        ('/files/{kind}/{rest}', 'kind', ['x', 'x.json.gz'], ['', 'a/b']),
        ('/plain/{a}/{b}', 'a', ['x', 'a.json', '..x'], ['.', '..']),
        ('/older/{id}/{rest}', 'id', ['7', 'a.json'], ['a/b']),
    ]:
        parameter = param(op(doc, path, 'get'), name)
        assert parameter['in'] == 'path'
        assert parameter['required'] is True
        schema = parameter['schema']
        assert schema['type'] == 'string'
        for value in good:
            assert valid(doc, schema, value), (path, value)
        for value in bad:
            assert not valid(doc, schema, value), (path, value)
    # ... and the server matches what the patterns say
    assert app.get('/things/0123').json == {'id': '0123'}
    app.get('/things/7a', status=404)
    assert app.get('/days/2024-01').json == {'day': '2024-01'}
    app.get('/days/2024-1', status=404)
    assert app.get('/files/x.json.gz/a/b/c').json == {
        'kind': 'x.json.gz',
        'rest': ['a', 'b', 'c'],
    }
    assert app.get('/files/x/').json == {'kind': 'x', 'rest': []}
    assert app.get('/plain/a.json/b').json == {'a': 'a.json', 'b': 'b'}
    app.get('/old/7/x', status=404)
    assert app.get('/old/:id/x').json == {}
    assert app.get('/older/7/a').json == {'id': '7', 'rest': ['a']}
    assert [p['in'] for p in op(doc, '/old/:id/x', 'get')['parameters']] == [
        'query'
    ]
    # the regex is translated to ECMA-262: Python's \d is Unicode
    assert valid(
        doc, param(op(doc, '/things/{id}', 'get'), 'id')['schema'], '\u0663'
    )
    assert app.get('/things/%D9%A3').json == {'id': '\u0663'}


def test_untranslatable_regex_is_kept(
    config: Configurator, make_app: MakeApp
) -> None:
    """A regex without an exact ECMA-262 form (inline flags) stays."""
    config.add_resource(Echo, name='same', path='/same/{a:(?i:ab)}')
    app = make_app()
    doc = document(app)
    schema = param(op(doc, '/same/{a}', 'get'), 'a')['schema']
    assert schema['pattern'].endswith('(?:(?i:ab))$')
    assert app.get('/same/aB').json == {'a': 'aB'}
    for value in ['aB', 'ab.json', 'abc']:
        res = app.get(f'/same/{value}', expect_errors=True)
        seen = body_of(res)['a'] if res.status_int == 200 else None
        assert valid(doc, schema, value) == (seen == value), value


def test_a_suffix_is_not_part_of_the_last_value(
    config: Configurator, make_app: MakeApp
) -> None:
    """``/things/a.json`` is ``a`` in JSON: ids ending so are not values."""
    config.add_resource(Echo, name='plain', path='/plain/{a}/{b}')
    config.add_resource(Echo, name='dotted', path='/dotted/{a:.+}')
    config.add_resource(Echo, name='digits', path='/digits/{a:\\d+}')
    config.add_resource(Echo, name='tail', path='/tail/{a}/raw')
    app = make_app()
    doc = document(app)
    last = param(op(doc, '/plain/{a}/{b}', 'get'), 'b')['schema']
    for value in ['a.json', 'a.yml', 'x.y.txt', 'a..xml', 'a\nb.html']:
        assert not valid(doc, last, value), value
    for value in ['a', '.json', 'a.JSON', 'a.csv', 'a.json.gz']:
        assert valid(doc, last, value), value
        assert app.get(f'/plain/x/{value}').json['b'] == value
    # what the document refuses is not what the server would see
    assert app.get('/plain/x/a.json').json['b'] == 'a'
    assert app.get('/plain/x/a.json.json').json['b'] == 'a.json'
    # a placeholder with its own regex: a value is the parameter's exactly
    # when the server sees it as sent
    regex = param(op(doc, '/dotted/{a}', 'get'), 'a')['schema']
    assert valid(doc, regex, 'a.b')
    for value in ['a.b', 'a.yaml', 'a.json.json', '.json']:
        seen = body_of(app.get(f'/dotted/{value}'))['a']
        assert valid(doc, regex, value) == (seen == value), value
    digits = param(op(doc, '/digits/{a}', 'get'), 'a')['schema']
    for value in ['7', '7.json', '7.x']:
        res = app.get(f'/digits/{value}', expect_errors=True)
        seen = body_of(res)['a'] if res.status_int == 200 else None
        assert valid(doc, digits, value) == (seen == value), value
    # the suffix of a pattern ending in text is its own (no value peeled)
    middle = param(op(doc, '/tail/{a}/raw', 'get'), 'a')['schema']
    assert valid(doc, middle, 'a.json')
    assert app.get('/tail/a.json/raw').json == {'a': 'a.json'}


@pytest.mark.parametrize(
    'settings',
    [{'restkit.media_types': 'json csv', 'restkit.method_override': 'false'}],
)
def test_suffixes_are_those_enabled(
    config: Configurator, make_app: MakeApp
) -> None:
    config.add_resource(Echo, name='plain', path='/plain/{a}')
    app = make_app()
    doc = document(app)
    schema = param(op(doc, '/plain/{a}', 'get'), 'a')['schema']
    assert schema['pattern'].startswith('^(?![\\s\\S]+(?:\\.csv|\\.json)$)')
    assert valid(doc, schema, 'a.yaml')
    assert app.get('/plain/a.yaml').json == {'a': 'a.yaml'}


# -- parameters ---------------------------------------------------------------


class SearchPath(colander.MappingSchema):
    id = colander.SchemaNode(colander.Integer())


class SearchQuery(colander.MappingSchema):
    tag = colander.SchemaNode(
        colander.Sequence(),
        colander.SchemaNode(colander.String()),
        description='Repeat it for several.',
    )
    limit = colander.SchemaNode(
        colander.Integer(), validator=colander.Range(1, 10), missing=5
    )
    # never validated: it selects the media type
    format = colander.SchemaNode(colander.String(), missing='json')


class SearchHeaders(colander.MappingSchema):
    x_token = colander.SchemaNode(colander.String(), name='X-Token')


class Search(RequestSchema):
    path = SearchPath()
    querystring = SearchQuery()
    headers = SearchHeaders()


class Searches(Base):
    @operation(schema=Search())
    def get(self) -> Any:
        return self.request.validated


def test_parameters_from_a_request_schema(
    config: Configurator, make_app: MakeApp
) -> None:
    config.add_resource(Searches, path='/search/{id:\\d+}/{kind}')
    app = make_app()
    doc = document(app)
    get = op(doc, '/search/{id}/{kind}', 'get')
    assert [
        (p['name'], p['in'], p['required']) for p in get['parameters']
    ] == [
        ('id', 'path', True),
        ('kind', 'path', True),
        ('tag', 'query', True),
        ('limit', 'query', False),
        ('X-Token', 'header', True),
        ('format', 'query', False),
    ]
    # a typed path parameter: the route's pattern (on its text) and the type
    typed = param(get, 'id')['schema']
    assert typed == {
        'allOf': [
            {'pattern': typed['allOf'][0]['pattern']},
            {'type': 'integer'},
        ]
    }
    assert valid(doc, typed, 7)
    assert not valid(doc, typed, 'x')
    # a required list needs one value at least (a query cannot be empty)
    tag = param(get, 'tag')
    assert tag['description'] == 'Repeat it for several.'
    assert valid(doc, tag['schema'], ['a', 'b'])
    assert valid(doc, tag['schema'], 'a')  # one value is a list of one
    assert not valid(doc, tag['schema'], [])
    limit = param(get, 'limit')['schema']
    assert limit == {
        'type': 'integer',
        'minimum': 1,
        'maximum': 10,
        'default': 5,
    }
    assert param(get, 'X-Token')['schema'] == {
        'title': 'X Token',
        'type': 'string',
        'minLength': 1,
    }
    headers = {'X-Token': 'secret'}
    res = app.get('/search/7/k?tag=a&format=json', headers=headers)
    assert res.json == {
        'path': {'id': 7},
        # (its default: the format is never read from the query)
        'querystring': {'tag': ['a'], 'limit': 5, 'format': 'json'},
        'headers': {'X-Token': 'secret'},
    }
    conforms(doc, '/search/{id}/{kind}', 'get', res)
    for url, sent in [
        ('/search/7/k', headers),  # no tag
        ('/search/7/k?tag=a&limit=11', headers),
        ('/search/7/k?tag=a', {}),
    ]:
        res = app.get(url, headers=sent, status=400)
        conforms(doc, '/search/{id}/{kind}', 'get', res)
    app.get('/search/x/k?tag=a', headers=headers, status=404)


class Formats(Base):
    def collection_get(self) -> Any:
        return {'a': 1}

    @operation(media_type='yaml')
    def get(self) -> Any:
        return {'a': 1}


def test_the_format_parameter(config: Configurator, make_app: MakeApp) -> None:
    config.add_resource(
        Formats,
        collection_path='/f',
        path='/f/{id}',
        media_types=('xml', 'json'),
        default_media_type='json',
    )
    app = make_app()
    doc = document(app)
    listing = op(doc, '/f', 'get')
    assert param(listing, 'format')['schema'] == {'enum': ['json', 'xml']}
    assert param(listing, 'format')['in'] == 'query'
    for name, content_type in [
        ('json', 'application/json'),
        ('xml', 'application/xml'),
    ]:
        res = app.get(f'/f?format={name}')
        assert res.content_type == content_type
        conforms(doc, '/f', 'get', res)
    res = app.get('/f?format=yaml', status=406)
    conforms(doc, '/f', 'get', res)
    # a forced media type: no format, no 406, whatever is asked
    one = op(doc, '/f/{id}', 'get')
    assert [p['name'] for p in one['parameters']] == ['id']
    assert '406' not in one['responses']
    for url in ['/f/1?format=json', '/f/1.json']:
        res = app.get(url, headers={'Accept': 'image/png'})
        assert res.content_type == 'application/yaml'
        conforms(doc, '/f/{id}', 'get', res)


# -- request bodies -----------------------------------------------------------


class Store(Base):
    def collection_get(self) -> Any:
        return []

    @operation(status=201)
    def collection_post(self) -> Any:
        return self.request.validated

    def put(self) -> Any:
        return self.request.validated

    def patch(self) -> Any:
        return self.request.validated


def test_request_bodies_per_parser(
    config: Configurator, make_app: MakeApp
) -> None:
    config.add_resource(
        Store,
        name='flat',
        collection_path='/flat',
        path='/flat/{id}',
        schema=Item,
    )
    config.add_resource(
        Store,
        name='nested',
        collection_path='/nested',
        path='/nested/{id}',
        schema=Nested,
    )
    app = make_app()
    doc = document(app)
    flat = op(doc, '/flat', 'post')['requestBody']
    assert flat['required'] is True
    assert list(flat['content']) == [
        'application/json',
        *YAML_TYPES,
        'application/xml',
        'text/xml',
        *FORM_TYPES,
    ]
    content = flat['content']
    for content_type in ('application/json', *YAML_TYPES):
        assert content[content_type]['schema'] == {
            '$ref': '#/components/schemas/Item'
        }
    for content_type in ('application/xml', 'text/xml'):
        assert content[content_type]['schema'] == {
            '$ref': '#/components/schemas/Item-XML'
        }
    for content_type in FORM_TYPES:
        assert content[content_type]['schema'] == {
            '$ref': '#/components/schemas/Item-Form'
        }
    # no text/plain: an operation must opt in
    assert 'text/plain' not in content
    # a nested schema cannot be a form
    nested = op(doc, '/nested', 'post')['requestBody']['content']
    assert not set(FORM_TYPES) & set(nested)
    assert 'application/xml' in nested
    # each documented type is parsed...
    bodies = [
        ('application/json', b'{"name": "a"}'),
        ('application/yaml', b'name: a'),
        ('application/x-yaml', b'name: a'),
        ('text/yaml', b'name: a'),
        ('application/xml', b'<item><name>a</name></item>'),
        ('text/xml', b'<item><name>a</name></item>'),
        ('application/x-www-form-urlencoded', b'name=a'),
    ]
    for content_type, body in bodies:
        res = app.post('/flat', body, content_type=content_type, status=201)
        assert res.json == {'name': 'a', 'size': 1}, content_type
        conforms(doc, '/flat', 'post', res)
    res = app.post(
        '/flat', {'name': 'a'}, content_type=FORM_TYPES[1], status=201
    )
    assert res.request.content_type == FORM_TYPES[1]
    assert res.json == {'name': 'a', 'size': 1}
    # ... and what is not documented is refused
    res = app.post('/flat', b'a', content_type='text/plain', status=415)
    conforms(doc, '/flat', 'post', res)
    res = app.post(
        '/nested', b'title=a', content_type=FORM_TYPES[0], status=400
    )
    conforms(doc, '/nested', 'post', res)
    res = app.post_json(
        '/nested', {'title': 'a', 'author': {'name': 'b'}}, status=201
    )
    conforms(doc, '/nested', 'post', res)


def test_patch_is_a_partial(config: Configurator, make_app: MakeApp) -> None:
    config.add_resource(
        Store, collection_path='/s', path='/s/{id}', schema=Item
    )
    app = make_app()
    doc = document(app)
    patch = op(doc, '/s/{id}', 'patch')['requestBody']
    assert patch['required'] is False
    content = patch['content']
    assert content['application/json']['schema'] == {
        '$ref': '#/components/schemas/Item-Partial'
    }
    assert content['application/xml']['schema'] == {
        '$ref': '#/components/schemas/Item-Partial-XML'
    }
    assert content[FORM_TYPES[0]]['schema'] == {
        '$ref': '#/components/schemas/Item-Partial-Form'
    }
    partial = doc['components']['schemas']['Item-Partial']
    assert 'required' not in partial
    assert 'default' not in partial['properties']['size']
    put = op(doc, '/s/{id}', 'put')['requestBody']
    assert put['required'] is True
    # no body, or one field: a PATCH takes it, without defaults
    res = app.patch('/s/1')
    assert res.json == {}
    conforms(doc, '/s/{id}', 'patch', res)
    res = app.patch_json('/s/1', {'size': 2})
    assert res.json == {'size': 2}
    conforms(doc, '/s/{id}', 'patch', res)
    res = app.put('/s/1', status=400)
    conforms(doc, '/s/{id}', 'put', res)


class Bodies(Base):
    def collection_post(self) -> Any:
        return self.request.validated


@pytest.mark.parametrize(
    ('schema', 'required'),
    [
        (Item(), True),
        (Optional_(), False),
        (Numbers(), True),
        (Numbers(missing=()), False),
        (Text(), True),
        (Text(missing='none'), False),
    ],
)
def test_request_body_required(
    config: Configurator, make_app: MakeApp, schema: Any, required: bool
) -> None:
    config.add_resource(Bodies, collection_path='/b', schema=schema)
    app = make_app()
    doc = document(app)
    assert op(doc, '/b', 'post')['requestBody']['required'] is required
    # what an absent body gives
    res = app.post('/b', status=400 if required else 200)
    conforms(doc, '/b', 'post', res)


class Notes(Base):
    @operation(media_types=('json', 'text'), schema=Text())
    def collection_post(self) -> Any:
        return self.request.validated

    @operation(media_types=('json', 'text'))
    def put(self) -> Any:
        return self.request.validated

    @operation(schema=Text())
    def patch(self) -> Any:
        return self.request.validated


@pytest.mark.parametrize(
    'settings', [{'restkit.media_types': 'json yaml xml html text form csv'}]
)
def test_text_bodies_only_where_an_operation_opts_in(
    config: Configurator, make_app: MakeApp
) -> None:
    config.add_resource(
        Notes, collection_path='/notes', path='/notes/{id}', schema=Item
    )
    app = make_app()
    doc = document(app)
    post = op(doc, '/notes', 'post')['requestBody']['content']
    assert list(post) == ['application/json', 'text/plain']
    # the text is the string, which must not be empty
    assert post['text/plain']['schema'] == {'type': 'string', 'minLength': 1}
    res = app.post('/notes', b'hello', content_type='text/plain')
    assert res.json == 'hello'
    conforms(doc, '/notes', 'post', res)
    res = app.post('/notes', b'', content_type='text/plain', status=400)
    conforms(doc, '/notes', 'post', res)
    # a mapping schema cannot be one string
    put = op(doc, '/notes/{id}', 'put')['requestBody']['content']
    assert list(put) == ['application/json']
    res = app.put('/notes/1', b'name', content_type='text/plain', status=400)
    conforms(doc, '/notes/{id}', 'put', res)
    # without opting in, text/plain is refused; CSV bodies are rows, not
    # a string, so they are never documented
    patch = op(doc, '/notes/{id}', 'patch')['requestBody']['content']
    assert 'text/plain' not in patch
    assert 'text/csv' not in patch
    res = app.patch('/notes/1', b'x', content_type='text/plain', status=415)
    conforms(doc, '/notes/{id}', 'patch', res)
    res = app.patch('/notes/1', b'a\nb\n', content_type='text/csv', status=400)
    conforms(doc, '/notes/{id}', 'patch', res)


class FormOnly(Base):
    @operation(media_types=('form', 'html'))
    def collection_post(self) -> Any:
        return self.request.validated


def test_no_documented_body_when_no_parser_can_take_the_schema(
    config: Configurator, make_app: MakeApp
) -> None:
    config.add_resource(FormOnly, collection_path='/f', schema=Nested)
    app = make_app()
    doc = document(app)
    post = op(doc, '/f', 'post')
    assert 'requestBody' not in post
    # the body is still parsed: too large or of another type, refused
    assert {'400', '413', '415'} <= set(post['responses'])
    res = app.post_json('/f', {'title': 'a'}, status=415)
    conforms(doc, '/f', 'post', res)
    res = app.post('/f', b'title=a', content_type=FORM_TYPES[0], status=400)
    conforms(doc, '/f', 'post', res)


def test_required_lists_in_forms_need_a_value(
    config: Configurator, make_app: MakeApp
) -> None:
    config.add_resource(Bodies, collection_path='/t', schema=Tagged)
    app = make_app()
    doc = document(app)
    content = op(doc, '/t', 'post')['requestBody']['content']
    form = content[FORM_TYPES[0]]['schema']
    body = {'title': 'a', 'tags': ['x'], 'labels': ['y']}
    assert valid(doc, form, body)
    # one field is a list of one
    assert valid(doc, form, {'title': 'a', 'tags': 'x', 'labels': 'y'})
    # a form cannot send an empty list: the field would be absent
    for name in ('tags', 'labels'):
        assert not valid(doc, form, {**body, name: []}), name
        assert valid(
            doc, content['application/json']['schema'], {**body, name: []}
        )
    res = app.post(
        '/t', b'title=a&tags=x', content_type=FORM_TYPES[0], status=400
    )
    assert [e['name'] for e in res.json['errors']] == ['labels']
    res = app.post(
        '/t', b'title=a&tags=x&labels=y&labels=z', content_type=FORM_TYPES[0]
    )
    assert res.json == {
        'title': 'a',
        'tags': ['x'],
        'labels': ['y', 'z'],
        'extra': [],
    }
    conforms(doc, '/t', 'post', res)


# -- responses ----------------------------------------------------------------


class Returns(Base):
    @operation(status=201)
    def collection_post(self) -> dict[str, Any]:
        return {'made': True}

    def collection_get(self) -> None:
        return None

    def get(self) -> dict[str, Any] | None:
        return None if self.request.matchdict['id'] == 'none' else {'a': 1}

    def put(self) -> Optional[dict[str, Any]]:  # noqa: UP045
        return None

    def patch(self):  # type: ignore[no-untyped-def]
        return {'patched': True}

    def delete(self):  # type: ignore[no-untyped-def]
        return None


class Unannotated(Base):
    def get(self):  # type: ignore[no-untyped-def]
        return {'a': 1}


def test_success_statuses(config: Configurator, make_app: MakeApp) -> None:
    config.add_resource(Returns, collection_path='/r', path='/r/{id}')
    config.add_resource(Unannotated, path='/u/{id}')
    app = make_app()
    doc = document(app)
    expected = [
        ('/r', 'post', ['201']),
        ('/r', 'get', ['204']),
        ('/r/{id}', 'get', ['200', '204']),
        ('/r/{id}', 'put', ['200', '204']),
        ('/r/{id}', 'patch', ['200']),
        ('/r/{id}', 'delete', ['200', '204']),
        ('/u/{id}', 'get', ['200']),
    ]
    for path, verb, success in expected:
        found = [s for s in statuses(op(doc, path, verb)) if s < '300']
        assert found == success, (path, verb)
    assert 'content' not in op(doc, '/r', 'get')['responses']['204']
    for method, url, status in [
        ('POST', '/r', 201),
        ('GET', '/r', 204),
        ('GET', '/r/1', 200),
        ('GET', '/r/none', 204),
        ('PUT', '/r/1', 204),
        ('PATCH', '/r/1', 200),
        ('DELETE', '/r/1', 204),
    ]:
        res = app.request(url, method=method, status=status)
        path = '/r' if url == '/r' else '/r/{id}'
        conforms(doc, path, method.lower(), res)


def _method(annotation: Any) -> Any:
    def method(self: Any) -> None: ...

    method.__annotations__ = {'return': annotation}
    return method


@pytest.mark.parametrize(
    ('annotation', 'expected'),
    [
        (None, 'always'),
        (type(None), 'always'),
        (dict, 'never'),
        (typing.Optional[int], 'maybe'),  # noqa: UP045
        (typing.Union[int, str], 'never'),  # noqa: UP007
        (int | None, 'maybe'),
        ('None', 'always'),
        ('dict', 'never'),
        ('Optional[int]', 'maybe'),
        # names that do not resolve are read from the text
        ('Missing', 'never'),
        (' Missing | None ', 'maybe'),
        ('None | Missing', 'maybe'),
        ('Missing | Other | None', 'maybe'),
        ('Optional[Missing]', 'maybe'),
        ('typing.Optional[Missing]', 'maybe'),
        ('Union[Missing, None]', 'maybe'),
        ('typing.Union[Missing, Other]', 'never'),
        ('Union[Missing]', 'never'),
        ('list[None]', 'never'),
        ('Missing[None]', 'never'),
        ('Missing | Other', 'never'),
        ("'quoted'", 'never'),
        ('not python (', 'never'),
    ],
)
def test_returns_none(annotation: Any, expected: str) -> None:
    assert _returns_none(_method(annotation), 'GET') == expected


def test_returns_none_without_annotations() -> None:
    def method(self: Any):  # type: ignore[no-untyped-def]
        pass

    assert _returns_none(method, 'GET') == 'never'
    assert _returns_none(method, 'DELETE') == 'maybe'
    # not a function: no hints, no annotations
    assert _returns_none(object(), 'GET') == 'never'
    assert _none_in_text('None') == 'always'


class Declared(Base):
    def collection_get(self) -> Any:
        return []

    @operation(responses={202: 'Queued.', 303: 'See the item.', 409: 'Taken.'})
    def collection_post(self) -> Any:
        self.request.response.status = 202
        return {'queued': True}

    @operation(responses={404: 'No such thing.', 204: 'Nothing.'})
    def get(self) -> Any:
        raise HTTPNotFound('Gone.')

    def delete(self) -> None:
        return None


def test_declared_responses(config: Configurator, make_app: MakeApp) -> None:
    config.add_resource(
        Declared,
        collection_path='/d',
        path='/d/{id}',
        responses={404: 'Not here.', 200: 'Listed.'},
    )
    app = make_app()
    doc = document(app)
    listing = op(doc, '/d', 'get')['responses']
    assert listing['200']['description'] == 'Listed.'
    assert listing['404']['description'] == 'Not here.'
    post = op(doc, '/d', 'post')['responses']
    assert statuses(op(doc, '/d', 'post')) == [
        '200',
        '202',
        '303',
        '400',
        '405',
        '406',
        '409',
    ]
    assert post['202']['content'] == post['200']['content']
    assert post['303'] == {'description': 'See the item.'}
    assert post['409']['description'] == 'Taken.'
    assert set(post['409']['content']) == ALL_PROBLEMS
    # the operation's own responses replace the resource's
    one = op(doc, '/d/{id}', 'get')['responses']
    assert one['404']['description'] == 'No such thing.'
    # a 204 has no body, declared or not
    assert one['204'] == {'description': 'Nothing.'}
    res = app.post('/d', status=202)
    conforms(doc, '/d', 'post', res)
    for accept, content_type in [
        ('application/json', 'application/problem+json'),
        ('application/xml', 'application/problem+xml'),
        ('application/yaml', 'application/problem+yaml'),
        ('text/html', 'text/html'),
        ('text/plain', 'text/plain'),
    ]:
        res = app.get('/d/1', headers={'Accept': accept}, status=404)
        assert res.content_type == content_type
        conforms(doc, '/d/{id}', 'get', res)
    res = app.delete('/d/1', status=204)
    conforms(doc, '/d/{id}', 'delete', res)


# -- errors -------------------------------------------------------------------


class Plain(Base):
    def collection_get(self) -> Any:
        return {'a': 1}

    @operation(status=201)
    def collection_post(self) -> Any:
        return self.request.validated

    def get(self) -> Any:
        return {'a': 1}

    def put(self) -> Any:
        return self.request.validated

    def patch(self) -> Any:
        return self.request.validated

    def delete(self) -> None:
        return None

    def post(self) -> Any:
        return {'posted': True}


@pytest.mark.parametrize('settings', [{'restkit.max_body_size': '1000'}])
def test_error_statuses(config: Configurator, make_app: MakeApp) -> None:
    config.add_resource(
        Plain, collection_path='/p', path='/p/{id}', schema=Item
    )
    app = make_app()
    doc = document(app)
    expected = {
        ('/p', 'get'): ['200', '400', '406'],
        # no PUT, PATCH or DELETE here: an override to one is a 405
        ('/p', 'post'): ['201', '400', '405', '406', '413', '415'],
        ('/p/{id}', 'get'): ['200', '400', '406'],
        ('/p/{id}', 'put'): ['200', '400', '406', '413', '415'],
        ('/p/{id}', 'patch'): ['200', '400', '406', '413', '415'],
        ('/p/{id}', 'delete'): ['204', '400', '406'],
        # every verb an override may name is there
        ('/p/{id}', 'post'): ['200', '400', '406', '413', '415'],
    }
    for (path, verb), found in expected.items():
        assert statuses(op(doc, path, verb)) == found, (path, verb)
    for response in op(doc, '/p', 'post')['responses'].values():
        if 'content' in response and 'Problem' in str(response):
            assert set(response['content']) == ALL_PROBLEMS
    # each one, sent
    for method, url, kwargs, status in [
        # a query string that is not UTF-8: any operation
        ('GET', '/p?x=%ff', {}, 400),
        ('GET', '/p/1?x=%ff', {}, 400),
        ('DELETE', '/p/1?x=%ff', {}, 400),
        ('GET', '/p', {'headers': {'Accept': 'image/png'}}, 406),
        (
            'POST',
            '/p',
            {'body': b'{', 'content_type': 'application/json'},
            400,
        ),
        (
            'POST',
            '/p',
            {'body': b'{}', 'content_type': 'application/json'},
            400,
        ),
        ('POST', '/p', {'headers': {'X-HTTP-Method-Override': 'GET'}}, 400),
        ('POST', '/p', {'headers': {'X-HTTP-Method-Override': 'PUT'}}, 405),
        ('POST', '/p', {'body': b'x', 'content_type': 'image/png'}, 415),
        (
            'POST',
            '/p',
            {
                'body': b'{"name": "%s"}' % (b'x' * 2000),
                'content_type': 'application/json',
            },
            413,
        ),
    ]:
        res = app.request(url, method=method, status=status, **kwargs)
        path = '/p' if url.startswith('/p?') or url == '/p' else '/p/{id}'
        conforms(doc, path, method.lower(), res)
    # an override runs the other verb's operation, as documented there
    res = app.post(
        '/p/1', headers={'X-HTTP-Method-Override': 'delete'}, status=204
    )
    conforms(doc, '/p/{id}', 'delete', res)


@pytest.mark.parametrize('settings', [{'restkit.validation_status': '422'}])
def test_validation_status_422(
    config: Configurator, make_app: MakeApp
) -> None:
    config.add_resource(
        Plain, collection_path='/p', path='/p/{id}', schema=Item
    )
    config.add_resource(Searches, path='/search/{id}/{kind}')
    app = make_app()
    doc = document(app)
    assert statuses(op(doc, '/p', 'post')) == [
        '201',
        '400',
        '405',
        '406',
        '413',
        '415',
        '422',
    ]
    # a query schema validates too; no schema, no 422
    assert '422' in statuses(op(doc, '/search/{id}/{kind}', 'get'))
    assert '422' not in statuses(op(doc, '/p', 'get'))
    res = app.post_json('/p', {}, status=422)
    conforms(doc, '/p', 'post', res)
    res = app.post('/p', b'{', content_type='application/json', status=400)
    conforms(doc, '/p', 'post', res)


@pytest.mark.parametrize(
    'settings',
    [
        {'restkit.method_override': 'false'},
        {'restkit.method_override.methods': 'DELETE'},
    ],
)
def test_405_only_where_an_override_can_miss(
    config: Configurator, make_app: MakeApp, settings: dict[str, Any]
) -> None:
    class Deletable(Base):
        def collection_post(self) -> Any:
            return {}

        def collection_delete(self) -> None:
            return None

    config.add_resource(Deletable, collection_path='/x')
    app = make_app()
    doc = document(app)
    assert '405' not in statuses(op(doc, '/x', 'post'))
    off = settings.get('restkit.method_override') == 'false'
    # off, the header is not read: the POST runs; else a verb that may
    # not be named is a 400
    res = app.post(
        '/x',
        headers={'X-HTTP-Method-Override': 'PUT'},
        status=200 if off else 400,
    )
    conforms(doc, '/x', 'post', res)
    res = app.post(
        '/x',
        headers={'X-HTTP-Method-Override': 'DELETE'},
        status=200 if off else 204,
    )
    conforms(doc, '/x', 'post' if off else 'delete', res)


class Guard:
    """A security policy allowing only the permission 'read'."""

    def identity(self, request: Any) -> None:
        return None

    def authenticated_userid(self, request: Any) -> None:
        return None

    def permits(self, request: Any, context: Any, permission: str) -> Any:
        if permission == 'read':
            return Allowed('read')
        return Denied('no')

    def remember(self, request: Any, userid: Any, **kw: Any) -> list[Any]:
        return []

    def forget(self, request: Any, **kw: Any) -> list[Any]:
        return []


def test_permissions_without_a_security_scheme(
    config: Configurator, make_app: MakeApp
) -> None:
    config.set_security_policy(Guard())
    config.add_resource(
        Plain,
        collection_path='/p',
        path='/p/{id}',
        permission={'GET': 'read', 'DELETE': 'delete'},
    )
    app = make_app()
    doc = document(app)
    for verb in ('get', 'delete'):
        operation = op(doc, '/p/{id}', verb)
        assert '403' in operation['responses']
        assert '401' not in operation['responses']
        assert 'security' not in operation
    assert '403' not in op(doc, '/p/{id}', 'put')['responses']
    assert 'securitySchemes' not in doc['components']
    res = app.get('/p/1')
    conforms(doc, '/p/{id}', 'get', res)
    for accept in ('application/xml', 'text/plain'):
        res = app.delete('/p/1', headers={'Accept': accept}, status=403)
        conforms(doc, '/p/{id}', 'delete', res)


def test_permissions_with_security_schemes(
    config: Configurator, make_app: MakeApp
) -> None:
    config.set_security_policy(Guard())
    config.set_default_permission('read')
    config.add_openapi_security_scheme(
        'bearer', {'type': 'http', 'scheme': 'bearer'}
    )
    config.add_openapi_security_scheme(
        'api-key', {'type': 'apiKey', 'name': 'X-Key', 'in': 'header'}
    )
    config.add_resource(
        Plain,
        collection_path='/p',
        path='/p/{id}',
        permission={'DELETE': 'delete'},
    )
    config.add_resource(
        Echo,
        name='open',
        path='/open/{id}',
        permission='__no_permission_required__',
    )
    app = make_app()
    doc = document(app)
    assert doc['components']['securitySchemes'] == {
        'bearer': {'type': 'http', 'scheme': 'bearer'},
        'api-key': {'type': 'apiKey', 'name': 'X-Key', 'in': 'header'},
    }
    for path, verb in [('/p', 'get'), ('/p/{id}', 'delete')]:
        operation = op(doc, path, verb)
        assert {'401', '403'} <= set(operation['responses'])
        assert operation['security'] == [{'bearer': []}, {'api-key': []}]
    # no permission, no security
    public = op(doc, '/open/{id}', 'get')
    assert 'security' not in public
    assert not {'401', '403'} & set(public['responses'])
    res = app.delete('/p/1', status=403)
    conforms(doc, '/p/{id}', 'delete', res)


def problems(operation: dict[str, Any], status: str) -> set[str]:
    return set(operation['responses'][status]['content'])


class Missing(Base):
    def get(self) -> Any:
        raise HTTPNotFound()


def test_problem_families_follow_the_media_types(
    config: Configurator, make_app: MakeApp
) -> None:
    config.add_resource(
        Missing,
        name='json',
        path='/json/{id}',
        media_types=('json',),
        responses={404: 'No.'},
    )
    config.add_resource(
        Missing,
        name='xml',
        path='/xml/{id}',
        media_types=('xml', 'text'),
        responses={404: 'No.'},
    )
    app = make_app()
    doc = document(app)
    assert problems(op(doc, '/json/{id}', 'get'), '404') == {
        'application/problem+json'
    }
    assert problems(op(doc, '/xml/{id}', 'get'), '404') == {
        'application/problem+xml',
        'text/plain',
    }
    assert op(doc, '/xml/{id}', 'get')['responses']['404']['content'][
        'text/plain'
    ] == {'schema': {'type': 'string'}}
    for url, accept, content_type in [
        ('/json/1', 'application/xml', 'application/problem+json'),
        ('/xml/1', 'application/xml', 'application/problem+xml'),
        ('/xml/1', 'text/plain', 'text/plain'),
        ('/xml/1', 'application/json', 'application/problem+xml'),
    ]:
        status = 406 if accept == 'application/json' else 404
        if url == '/json/1':
            status = 406
        res = app.get(url, headers={'Accept': accept}, status=status)
        assert res.content_type == content_type, (url, accept)
        conforms(doc, url[:-1] + '{id}', 'get', res)


class Forced(Base):
    @operation(media_type='text')
    def collection_get(self) -> Any:
        return 'text'


@pytest.mark.parametrize('settings', [{'restkit.default_media_type': 'yaml'}])
def test_errors_before_negotiation_on_a_forced_route(
    config: Configurator, make_app: MakeApp
) -> None:
    """Without a negotiator, errors are in the default media type."""
    config.set_security_policy(Guard())
    config.add_resource(Forced, collection_path='/forced', permission='write')
    app = make_app()
    doc = document(app)
    get = op(doc, '/forced', 'get')
    assert statuses(get) == ['200', '400', '403']
    assert set(get['responses']['200']['content']) == {'text/plain'}
    assert problems(get, '403') == {'text/plain', 'application/problem+yaml'}
    res = app.get('/forced', status=403)
    assert res.content_type == 'application/problem+yaml'
    conforms(doc, '/forced', 'get', res)


@pytest.mark.parametrize(
    'settings',
    [{'restkit.media_types': 'yaml csv', 'restkit.default_media_type': 'csv'}],
)
def test_problems_without_a_family_are_json(
    config: Configurator, make_app: MakeApp
) -> None:
    config.remove_media_type('json')
    config.add_resource(Missing, path='/m/{id}', responses={404: 'No.'})
    app = make_app()
    doc = document(app)
    get = op(doc, '/m/{id}', 'get')
    assert set(get['responses']['200']['content']) == {
        'text/csv',
        'application/yaml',
    }
    assert problems(get, '404') == {
        'application/problem+json',
        'application/problem+yaml',
    }
    for accept, content_type in [
        ('text/csv', 'application/problem+json'),
        ('application/yaml', 'application/problem+yaml'),
    ]:
        res = app.get('/m/1', headers={'Accept': accept}, status=404)
        assert res.content_type == content_type
        conforms(doc, '/m/{id}', 'get', res)


# -- response content ---------------------------------------------------------


class ThingList(colander.SequenceSchema):
    thing = ItemOut()


class Things(Base):
    @operation(response_schema=ThingList)
    def collection_get(self) -> Any:
        return [{'id': 1, 'name': 'a', 'secret': 's'}]

    @operation(status=201)
    def collection_post(self) -> Any:
        return {'id': 2, **self.request.validated}

    @operation(media_options={'xml': {'root': 'one'}})
    def get(self) -> Any:
        return {'id': 1, 'name': 'a'}


def test_response_content_per_media_type(
    config: Configurator, make_app: MakeApp
) -> None:
    config.add_resource(
        Things,
        collection_path='/things',
        path='/things/{id}',
        schema=Item,
        response_schema=ItemOut,
        media_options={'xml': {'root': 'thing'}},
    )
    config.add_resource(Echo, name='raw', path='/raw/{id}')
    app = make_app()
    doc = document(app)
    created = op(doc, '/things', 'post')['responses']['201']['content']
    assert list(created) == [
        'application/json',
        'application/yaml',
        'application/xml',
        'text/html',
        'text/plain',
    ]
    assert created['application/json']['schema'] == {
        '$ref': '#/components/schemas/ItemOut'
    }
    assert created['application/yaml'] == created['application/json']
    assert created['application/xml']['schema'] == {
        'allOf': [{'$ref': '#/components/schemas/ItemOut-XML'}],
        'xml': {'name': 'thing'},
    }
    assert created['text/html']['schema'] == {'type': 'string'}
    assert created['text/plain']['schema'] == {'type': 'string'}
    one = op(doc, '/things/{id}', 'get')['responses']['200']['content']
    assert one['application/xml']['schema']['xml'] == {'name': 'one'}
    # without a response schema: any value, the renderer's XML root
    raw = op(doc, '/raw/{id}', 'get')['responses']['200']['content']
    assert raw['application/json']['schema'] == {}
    assert raw['application/xml']['schema'] == {
        'allOf': [{}],
        'xml': {'name': 'response'},
    }
    for url, accept in [
        ('/things/1', 'application/xml'),
        ('/things/1', 'application/json'),
        ('/raw/1', 'application/xml'),
    ]:
        res = app.get(url, headers={'Accept': accept})
        path = '/things/{id}' if url.startswith('/things') else '/raw/{id}'
        conforms(doc, path, 'get', res)
        if accept == 'application/xml':
            # the document element is the one documented
            content = op(doc, path, 'get')['responses']['200']['content']
            root = content['application/xml']['schema']['xml']['name']
            assert ElementTree.fromstring(res.body).tag == root
    res = app.post_json(
        '/things',
        {'name': 'b'},
        headers={'Accept': 'application/xml'},
        status=201,
    )
    assert ElementTree.fromstring(res.body).tag == 'thing'
    for accept in ('text/html', 'text/plain', 'application/yaml'):
        res = app.get('/things', headers={'Accept': accept})
        conforms(doc, '/things', 'get', res)
    # the output schema drops what it does not declare
    assert app.get('/things').json == [{'id': 1, 'name': 'a'}]
    conforms(doc, '/things', 'get', app.get('/things'))


# -- documentation ------------------------------------------------------------


class Documented(Base):
    """Documented things.

    The second paragraph is not the tag's.
    """

    def collection_get(self) -> Any:
        """List them.

        All of them, paged.
        """
        return []

    @operation(summary='Create one', description='Its own words.')
    def collection_post(self) -> Any:
        """Not this summary.

        Not this description.
        """
        return {}

    def get(self) -> Any:
        return {}

    @operation(deprecated=True, operation_id='replaceThing', tags=['admin'])
    def put(self) -> Any:
        return {}

    @operation(description='Only the operation says so.')
    def delete(self) -> None:
        return None


def test_summaries_descriptions_and_tags(
    config: Configurator, make_app: MakeApp
) -> None:
    config.add_resource(
        Documented,
        collection_path='/docs',
        path='/docs/{id}',
        summary='A thing',
    )
    config.add_resource(
        Echo,
        name='echo',
        path='/echo/{id}',
        tags=('tools', 'echo'),
        description='Echoes.\n\nMore.',
    )
    app = make_app()
    doc = document(app)
    listing = op(doc, '/docs', 'get')
    assert listing['operationId'] == 'documented_collection_get'
    assert listing['summary'] == 'List them.'
    assert listing['description'] == 'All of them, paged.'
    assert listing['tags'] == ['documented']
    assert 'deprecated' not in listing
    create = op(doc, '/docs', 'post')
    assert create['summary'] == 'Create one'
    assert create['description'] == 'Its own words.'
    # no docstring: the resource's summary, no description
    one = op(doc, '/docs/{id}', 'get')
    assert one['summary'] == 'A thing'
    assert 'description' not in one
    put = op(doc, '/docs/{id}', 'put')
    assert put['operationId'] == 'replaceThing'
    assert put['deprecated'] is True
    assert put['tags'] == ['admin']
    assert op(doc, '/echo/{id}', 'get')['tags'] == ['tools', 'echo']
    # a resource's description is its tag's, not each operation's
    assert 'description' not in op(doc, '/echo/{id}', 'get')
    # tags: the resource's description (first paragraph), else its
    # docstring's; an operation's own description or tags describe nothing
    assert doc['tags'] == [
        {
            'name': 'documented',
            'description': 'Documented things.',
        },
        {'name': 'admin'},
        {'name': 'tools', 'description': 'Echoes.'},
        {'name': 'echo', 'description': 'Echoes.'},
    ]


def test_a_tag_takes_the_first_description(
    config: Configurator, make_app: MakeApp
) -> None:
    class First(Base):
        @operation(tags=['shared'])
        def get(self) -> Any:
            return {}

    class Second(Base):
        """The second says it."""

        def get(self) -> Any:
            return {}

    config.add_resource(First, path='/first/{id}')
    config.add_resource(Second, path='/second/{id}', tags=['shared'])
    config.add_resource(
        Echo, path='/third/{id}', tags=['shared'], description='Not this one.'
    )
    doc = document(make_app())
    assert doc['tags'] == [
        {'name': 'shared', 'description': 'The second says it.'}
    ]


def test_an_empty_application(config: Configurator, make_app: MakeApp) -> None:
    doc = document(make_app())
    assert doc == {
        'openapi': '3.1.0',
        'info': {'title': 'API', 'version': '0.1.0'},
        'paths': {},
        'components': {
            'schemas': {'Problem': doc['components']['schemas']['Problem']}
        },
    }


@pytest.mark.parametrize(
    'settings',
    [
        {
            'restkit.openapi.title': 'Shop',
            'restkit.openapi.version': '2.1',
            'restkit.openapi.description': 'Things to buy.',
            'restkit.openapi.servers': 'https://a.example/v2\n/local',
        }
    ],
)
def test_info_and_servers_from_settings(
    config: Configurator, make_app: MakeApp
) -> None:
    doc = document(make_app())
    assert doc['info'] == {
        'title': 'Shop',
        'version': '2.1',
        'description': 'Things to buy.',
    }
    assert doc['servers'] == [
        {'url': 'https://a.example/v2'},
        {'url': '/local'},
    ]


class Optioned(Base):
    def collection_get(self) -> Any:
        return []

    def collection_options(self) -> Any:
        """What the collection offers."""
        return {'verbs': ['GET']}

    def get(self) -> Any:
        return {}

    @operation(media_type='text', summary='What an item offers.')
    def options(self) -> Any:
        return 'GET, OPTIONS'


def test_custom_options_are_operations(
    config: Configurator, make_app: MakeApp
) -> None:
    config.set_security_policy(Guard())
    config.add_resource(
        Optioned, collection_path='/o', path='/o/{id}', permission='read'
    )
    app = make_app()
    doc = document(app)
    options = op(doc, '/o', 'options')
    assert options['operationId'] == 'optioned_collection_options'
    assert options['summary'] == 'What the collection offers.'
    # OPTIONS needs no permission
    assert statuses(options) == ['200', '400', '406']
    item = op(doc, '/o/{id}', 'options')
    assert item['summary'] == 'What an item offers.'
    assert set(item['responses']['200']['content']) == {'text/plain'}
    # HEAD (GET's operation) is not an operation of the document
    assert set(doc['paths']['/o']) == {'get', 'options'}
    assert set(doc['paths']['/o/{id}']) == {'get', 'options'}
    res = app.options('/o')
    assert res.json == {'verbs': ['GET']}
    conforms(doc, '/o', 'options', res)
    res = app.options('/o/1')
    assert res.text == 'GET, OPTIONS'
    conforms(doc, '/o/{id}', 'options', res)


def test_the_automatic_options_is_not_an_operation(
    config: Configurator, make_app: MakeApp
) -> None:
    config.add_resource(Echo, path='/e/{id}')
    app = make_app()
    doc = document(app)
    assert set(doc['paths']['/e/{id}']) == {'get'}
    assert app.options('/e/1', status=204).headers['Allow'] == (
        'GET, HEAD, OPTIONS'
    )


def test_resources_with_one_path(
    config: Configurator, make_app: MakeApp
) -> None:
    class Only(Base):
        @operation(status=201)
        def collection_post(self) -> Any:
            return {'id': 1}

    config.add_resource(Only, collection_path='/only', response_schema=ItemOut)
    config.add_resource(Echo, name='item', path='/item/{id}')
    doc = document(make_app())
    assert set(doc['paths']) == {'/only', '/item/{id}'}
    assert 'links' not in op(doc, '/only', 'post')['responses']['201']


# -- links --------------------------------------------------------------------


class CommentOut(colander.MappingSchema):
    id = colander.SchemaNode(colander.Integer())
    text = colander.SchemaNode(colander.String())
    note = colander.SchemaNode(colander.String(), missing=colander.drop)


class Comments(Base):
    def collection_get(self) -> Any:
        return []

    @operation(status=201)
    def collection_post(self) -> dict[str, Any] | None:
        return {'id': 7, 'text': 'hi'}

    def get(self) -> Any:
        return {'id': int(self.request.matchdict['id']), 'text': 'hi'}

    def delete(self) -> None:
        return None


def test_links_from_a_creation_to_its_item(
    config: Configurator, make_app: MakeApp
) -> None:
    config.add_resource(
        Comments,
        collection_path='/posts/{post_id}/comments',
        path='/posts/{post_id}/comments/{id}',
        response_schema=CommentOut,
    )
    app = make_app()
    doc = document(app)
    responses = op(doc, '/posts/{post_id}/comments', 'post')['responses']
    parameters = {
        'post_id': '$request.path.post_id',
        'id': '$response.body#/id',
    }
    assert responses['201']['links'] == {
        'comments_get': {
            'operationId': 'comments_get',
            'parameters': parameters,
        },
        'comments_delete': {
            'operationId': 'comments_delete',
            'parameters': parameters,
        },
    }
    # no body, no id: no link
    assert 'links' not in responses['204']
    assert 'links' not in responses['400']
    # follow it
    created = app.post('/posts/3/comments', status=201)
    conforms(doc, '/posts/{post_id}/comments', 'post', created)
    res = app.get(f'/posts/3/comments/{created.json["id"]}')
    conforms(doc, '/posts/{post_id}/comments/{id}', 'get', res)


@pytest.mark.parametrize(
    ('item_path', 'output'),
    [
        # a placeholder the answer does not have
        ('/c/{cid}', CommentOut),
        # a field the answer may lack
        ('/c/{note}', CommentOut),
        # no output schema: nothing is known of the answer
        ('/c/{id}', None),
    ],
)
def test_no_link_without_a_value_for_each_placeholder(
    config: Configurator, make_app: MakeApp, item_path: str, output: Any
) -> None:
    options = {} if output is None else {'response_schema': output}
    config.add_resource(
        Comments, collection_path='/c', path=item_path, **options
    )
    doc = document(make_app())
    responses = op(doc, '/c', 'post')['responses']
    assert not any('links' in r for r in responses.values())


@pytest.mark.parametrize(
    'settings',
    [{'restkit.media_types': 'yaml', 'restkit.default_media_type': 'yaml'}],
)
def test_links_read_the_json_answer(
    config: Configurator, make_app: MakeApp
) -> None:
    config.add_resource(
        Comments,
        collection_path='/c',
        path='/c/{id}',
        response_schema=CommentOut,
    )
    doc = document(make_app())
    assert 'links' not in op(doc, '/c', 'post')['responses']['201']


# -- resources declared in YAML -----------------------------------------------


def test_resources_from_yaml(config: Configurator, make_app: MakeApp) -> None:
    config.load_resources('tests.fixtures.yaml:full.yaml')
    app = make_app()
    doc = document(app)
    # a module of functions: their docstrings, @operation and YAML options
    notes = doc['paths']['/notes']
    assert notes['get']['operationId'] == 'api_collection_get'
    assert statuses(notes['post'])[0] == '201'
    note = op(doc, '/notes/{id}', 'get')
    assert statuses(note)[0] == '203'
    assert doc['tags'][-1] == {
        'name': 'api',
        'description': 'Notes, as plain functions of the request.',
    }
    res = app.get('/notes/1', status=203)
    conforms(doc, '/notes/{id}', 'get', res)
    res = app.post_json('/notes', {'title': 'abcd'}, status=201)
    conforms(doc, '/notes', 'post', res)
    # the class's YAML options
    read = op(doc, '/posts/{id}', 'get')
    assert read['operationId'] == 'readPost'
    assert read['deprecated'] is True
    assert read['summary'] == 'One post'
    assert read['description'] == 'Reads one post.'
    assert read['tags'] == ['read']
    assert read['responses']['410']['description'] == 'Deleted.'
    # the custom media type renders, and parses
    assert set(read['responses']['200']['content']) == {
        'application/json',
        'application/x-upper',
    }
    post = op(doc, '/posts', 'post')
    assert {'application/x-upper', 'text/x-upper'} <= set(
        post['requestBody']['content']
    )
    assert post['summary'] == 'Blog posts'
    assert {'name': 'posts', 'description': 'The posts of the blog.'} in doc[
        'tags'
    ]
    delete = op(doc, '/posts/{id}', 'delete')
    assert delete['summary'] == 'from the decorator'
    assert set(delete['responses']['202']['content']) == {'application/yaml'}
    res = app.delete('/posts/1', status=202)
    conforms(doc, '/posts/{id}', 'delete', res)


# -- add_json_schema_type and add_json_schema_validator -----------------------


class Slug(colander.String):
    """An application's own colander type."""


def slug_schema(converter: Any, node: Any, ctx: Any) -> dict[str, Any]:
    return {'type': 'string', 'pattern': '^[a-z0-9-]+$'}


def is_even(node: Any, value: Any) -> None:
    if value % 2:
        raise colander.Invalid(node, 'Must be even.')


class Below:
    """A validator class of the application."""

    def __init__(self, limit: int) -> None:
        self.limit = limit

    def __call__(self, node: Any, value: Any) -> None:
        if value >= self.limit:
            raise colander.Invalid(node, 'Too big.')


class Custom(colander.MappingSchema):
    slug = colander.SchemaNode(Slug())
    even = colander.SchemaNode(colander.Integer(), validator=is_even)
    small = colander.SchemaNode(colander.Integer(), validator=Below(10))


def test_json_schema_converters(
    config: Configurator, make_app: MakeApp
) -> None:
    config.add_json_schema_type(Slug, slug_schema)
    config.add_json_schema_validator(
        is_even, lambda conv, node, v: {'multipleOf': 2}
    )
    config.add_json_schema_validator(
        Below, lambda conv, node, v: {'exclusiveMaximum': v.limit}
    )
    config.add_resource(Bodies, collection_path='/c', schema=Custom)
    app = make_app()
    doc = document(app)
    custom = doc['components']['schemas']['Custom']['properties']
    assert custom['slug'] == {'type': 'string', 'pattern': '^[a-z0-9-]+$'}
    assert custom['even'] == {'type': 'integer', 'multipleOf': 2}
    assert custom['small'] == {'type': 'integer', 'exclusiveMaximum': 10}
    introspector = config.registry.introspector
    titles = sorted(
        entry['introspectable'].title
        for entry in introspector.get_category(
            'restkit json schema converters'
        )
    )
    assert titles == ['type Slug', 'validator Below', 'validator is_even']
    schema = op(doc, '/c', 'post')['requestBody']['content'][
        'application/json'
    ]['schema']
    body = {'slug': 'a-b', 'even': 4, 'small': 9}
    assert valid(doc, schema, body)
    app.post_json('/c', body)
    for field, value in [('even', 3), ('small', 10)]:
        assert not valid(doc, schema, {**body, field: value})
        res = app.post_json('/c', {**body, field: value}, status=400)
        conforms(doc, '/c', 'post', res)


def test_converters_without_them(
    config: Configurator, make_app: MakeApp
) -> None:
    config.add_resource(Bodies, collection_path='/c', schema=Custom)
    doc = document(make_app())
    custom = doc['components']['schemas']['Custom']['properties']
    # a String subclass is a string; unknown validators add nothing
    assert custom['slug'] == {'type': 'string', 'minLength': 1}
    assert custom['even'] == {'type': 'integer'}


@pytest.mark.parametrize(
    ('directive', 'args', 'message'),
    [
        ('add_json_schema_type', (Slug(), slug_schema), 'needs a class'),
        ('add_json_schema_type', (Slug, 42), 'needs a class'),
        ('add_json_schema_validator', (is_even, 42), 'needs a callable'),
    ],
)
def test_converter_directives_refuse_bad_arguments(
    config: Configurator, directive: str, args: Any, message: str
) -> None:
    with pytest.raises(ConfigurationError, match=message):
        getattr(config, directive)(*args)


@pytest.mark.parametrize(
    ('directive', 'key'),
    [('add_json_schema_type', Slug), ('add_json_schema_validator', is_even)],
)
def test_converter_directives_conflict(
    config: Configurator, directive: str, key: Any
) -> None:
    getattr(config, directive)(key, slug_schema)
    getattr(config, directive)(key, slug_schema)
    with pytest.raises(ConfigurationConflictError):
        config.commit()


# -- add_openapi_security_scheme ----------------------------------------------


@pytest.mark.parametrize(
    ('name', 'scheme', 'message'),
    [
        ('', {'type': 'http', 'scheme': 'basic'}, 'security scheme name'),
        ('bad name', {'type': 'http', 'scheme': 'basic'}, "'bad name'"),
        ('caf\u00e9', {'type': 'http', 'scheme': 'basic'}, 'ASCII'),
        (7, {'type': 'http', 'scheme': 'basic'}, 'security scheme name'),
        ('a', 'http', 'must be a mapping'),
        ('a', {'type': 'cookie'}, 'one of apiKey, http, mutualTLS'),
        ('a', {'type': 'http'}, "of type 'http' needs scheme"),
        ('a', {'type': 'apiKey', 'in': 'header'}, 'needs name'),
        ('a', {'type': 'oauth2'}, 'needs flows'),
        ('a', {'type': 'openIdConnect'}, 'needs openIdConnectUrl'),
    ],
)
def test_security_scheme_refuses(
    config: Configurator, name: Any, scheme: Any, message: str
) -> None:
    with pytest.raises(ConfigurationError, match=message):
        config.add_openapi_security_scheme(name, scheme)


def test_security_schemes_conflict_and_are_introspectable(
    config: Configurator, make_app: MakeApp
) -> None:
    config.add_openapi_security_scheme('tls', {'type': 'mutualTLS'})
    config.commit()
    intr = config.registry.introspector.get('restkit security schemes', 'tls')
    assert intr['scheme'] == {'type': 'mutualTLS'}
    assert document(make_app())['components']['securitySchemes'] == {
        'tls': {'type': 'mutualTLS'}
    }
    config.add_openapi_security_scheme('tls', {'type': 'mutualTLS'})
    config.add_openapi_security_scheme(
        'tls', {'type': 'http', 'scheme': 'basic'}
    )
    with pytest.raises(ConfigurationConflictError):
        config.commit()


def test_converters_by_dotted_name(
    config: Configurator, make_app: MakeApp
) -> None:
    prefix = 'tests.fixtures.openapi_app'
    config.add_json_schema_type(f'{prefix}.Slug', f'{prefix}.slug_schema')
    config.add_json_schema_validator(
        f'{prefix}.is_even', f'{prefix}.even_schema'
    )
    config.add_resource(
        Bodies, collection_path='/w', schema=openapi_app.WidgetSchema
    )
    doc = document(make_app())
    assert doc['components']['schemas']['WidgetSchema']['properties'] == {
        'slug': {'type': 'string', 'pattern': '^[a-z0-9-]+$'},
        'size': {'type': 'integer', 'multipleOf': 2},
    }


# -- text variants of schemas (forms, parameters, XML) ------------------------


class Varied(colander.MappingSchema):
    pair = colander.SchemaNode(
        colander.Tuple(),
        colander.SchemaNode(colander.Integer(), name='number'),
        colander.SchemaNode(colander.String(), name='text'),
    )
    maybe = colander.SchemaNode(colander.String(), missing=None)
    code = colander.SchemaNode(
        colander.String(), validator=colander.Regex('^[A-Z]+$')
    )
    words = colander.SchemaNode(
        colander.Sequence(), colander.SchemaNode(colander.String())
    )


class WithAuthors(colander.MappingSchema):
    author = Author(description='Who wrote it.')


class Team(colander.MappingSchema):
    members = colander.SchemaNode(colander.Sequence(), Author())


def test_form_and_xml_variants(
    config: Configurator, make_app: MakeApp
) -> None:
    config.add_resource(
        Bodies, name='varied', collection_path='/v', schema=Varied
    )
    config.add_resource(
        Bodies, name='authors', collection_path='/a', schema=WithAuthors
    )
    config.add_resource(Bodies, name='team', collection_path='/t', schema=Team)
    app = make_app()
    doc = document(app)
    schemas = doc['components']['schemas']
    # a list of mappings cannot be a form either
    team = op(doc, '/t', 'post')['requestBody']['content']
    assert not set(FORM_TYPES) & set(team)
    res = app.post('/t', b'members=a', content_type=FORM_TYPES[0], status=400)
    conforms(doc, '/t', 'post', res)
    varied = op(doc, '/v', 'post')['requestBody']['content']
    form = schemas['Varied-Form']['properties']
    xml = schemas['Varied-XML']['properties']
    # text cannot say null
    assert schemas['Varied']['properties']['maybe']['type'] == [
        'string',
        'null',
    ]
    assert form['maybe'] == {'type': 'string', 'minLength': 1}
    assert xml['maybe']['type'] == 'string'
    # a tuple keeps its positions; in XML it is a list element
    assert form['pair']['prefixItems'] == [
        {'type': 'integer'},
        {'type': 'string', 'minLength': 1},
    ]
    assert xml['pair']['properties']['type'] == {
        'const': 'list',
        'xml': {'attribute': True},
    }
    assert xml['pair']['additionalProperties'] == {}
    # an empty element is an empty list, which a tuple cannot be
    assert xml['pair']['required'] == ['type', 'item']
    assert 'anyOf' not in xml['pair']
    assert xml['words']['anyOf'] == [
        {'required': ['type']},
        {'maxProperties': 0},
    ]
    # an XML string holds XML characters only, beside its own pattern
    assert xml['code'] == {
        'allOf': [
            {
                'type': 'string',
                'minLength': 1,
                'pattern': '^[A-Z]+\\n?$(?!\\n)',
            },
            {'pattern': xml['maybe']['pattern']},
        ]
    }
    body = {'pair': [1, 'a'], 'code': 'AB', 'words': ['x', 'y']}
    res = app.post_json('/v', body)
    assert res.json == {**body, 'maybe': None}
    res = app.post(
        '/v',
        b'pair=1&pair=a&code=AB&words=x&words=y',
        content_type=FORM_TYPES[0],
    )
    assert res.json == {**body, 'maybe': None}
    assert valid(doc, varied[FORM_TYPES[0]]['schema'], body)
    xml_body = (
        b'<v><pair type="list"><item>1</item><item>a</item></pair>'
        b'<code>AB</code><words type="list"><item>x</item><item>y</item>'
        b'</words></v>'
    )
    res = app.post('/v', xml_body, content_type='application/xml')
    assert res.json == {**body, 'maybe': None}
    empty = b'<v><pair/><code>AB</code><words/></v>'
    res = app.post('/v', empty, content_type='application/xml', status=400)
    assert [e['name'] for e in res.json['errors']] == ['pair']
    conforms(doc, '/v', 'post', res)
    xml_schema = varied['application/xml']['schema']
    assert not valid(doc, xml_schema, {'pair': {}, 'code': 'AB', 'words': {}})
    assert valid(
        doc,
        xml_schema,
        {
            'pair': {'type': 'list', 'item': [1, 'a']},
            'code': 'AB',
            'words': {},
        },
    )
    res = app.post(
        '/v',
        b'<v><pair type="list"><item>1</item><item>a</item></pair>'
        b'<code>AB</code><words/></v>',
        content_type='application/xml',
    )
    assert res.json['words'] == []
    assert valid(
        doc,
        varied['application/xml']['schema'],
        {
            'pair': {'type': 'list', 'item': [1, 'a']},
            'code': 'AB',
            'words': {'type': 'list', 'item': ['x', 'y']},
        },
    )
    # a nested component keeps the description of its place
    authors = op(doc, '/a', 'post')['requestBody']['content']
    assert not set(FORM_TYPES) & set(authors)
    assert schemas['WithAuthors-XML']['properties']['author'] == {
        '$ref': '#/components/schemas/Author-XML',
        'description': 'Who wrote it.',
    }


class Anything(colander.SchemaType):
    """A type whose converter uses boolean schemas and null."""

    def deserialize(self, node: Any, cstruct: Any) -> Any:
        return cstruct


def anything_schema(converter: Any, node: Any, ctx: Any) -> dict[str, Any]:
    return {
        'type': 'array',
        'prefixItems': [{'type': 'null'}, True],
        'items': False,
        'anyOf': [{'type': 'null'}],
    }


class WithAnything(colander.MappingSchema):
    thing = colander.SchemaNode(Anything())


def test_variants_of_boolean_and_null_schemas(
    config: Configurator, make_app: MakeApp
) -> None:
    config.add_json_schema_type(Anything, anything_schema)
    config.add_resource(Bodies, collection_path='/x', schema=WithAnything)
    doc = document(make_app())
    form = doc['components']['schemas']['WithAnything-Form']
    # null cannot be sent as text: the value can be none of them
    assert form['properties']['thing'] == {
        'not': {},
        'type': 'array',
        'prefixItems': [{'not': {}}, True],
        'items': False,
    }


class TextPath(colander.MappingSchema):
    name = colander.SchemaNode(
        colander.String(), validator=colander.Length(max=3)
    )


class TextPathRequest(RequestSchema):
    path = TextPath()


def test_a_typed_string_path_parameter(
    config: Configurator, make_app: MakeApp
) -> None:
    class Named(Base):
        @operation(schema=TextPathRequest())
        def get(self) -> Any:
            return self.request.validated

    config.add_resource(Named, path='/n/{name:[a-z]+}')
    app = make_app()
    doc = document(app)
    schema = param(op(doc, '/n/{name}', 'get'), 'name')['schema']
    assert schema['allOf'][0]['type'] == 'string'
    assert schema['allOf'][1] == {
        'type': 'string',
        'minLength': 1,
        'maxLength': 3,
    }
    assert valid(doc, schema, 'abc')
    assert not valid(doc, schema, 'abcd')
    assert app.get('/n/abc').json == {'path': {'name': 'abc'}}
    res = app.get('/n/abcd', status=400)
    conforms(doc, '/n/{name}', 'get', res)


def test_xml_problems_as_written(
    config: Configurator, make_app: MakeApp
) -> None:
    """The XML form of problem details: element names and namespace."""
    config.add_resource(Bodies, collection_path='/b', schema=Item)
    config.add_resource(
        Echo, name='json', path='/json/{id}', media_types=('json',)
    )
    app = make_app()
    doc = document(app)
    content = op(doc, '/b', 'post')['responses']['400']['content']
    assert content['application/problem+xml']['schema'] == {
        '$ref': '#/components/schemas/Problem-XML'
    }
    assert content['application/problem+json']['schema'] == {
        '$ref': '#/components/schemas/Problem'
    }
    schema = doc['components']['schemas']['Problem-XML']
    res = app.post(
        '/b',
        b'<b><size>x</size></b>',
        content_type='application/xml',
        headers={'Accept': 'application/xml'},
        status=400,
    )
    assert res.content_type == 'application/problem+xml'
    root = ElementTree.fromstring(res.body)
    namespace = schema['xml']['namespace']
    assert root.tag == f'{{{namespace}}}{schema["xml"]["name"]}'
    errors = root.find(f'{{{namespace}}}errors')
    assert errors is not None
    assert schema['properties']['errors']['xml'] == {'wrapped': True}
    item = schema['properties']['errors']['items']['xml']['name']
    assert [child.tag for child in errors] == [f'{{{namespace}}}{item}'] * 2
    members = {child.tag.partition('}')[2] for child in root}
    assert members <= set(schema['properties'])
    assert set(schema['required']) <= members
    # not there when no operation speaks XML
    config2 = Configurator(autocommit=False)
    config2.include('pyramid_restkit')
    config2.add_resource(Echo, path='/e/{id}', media_types=('json',))
    only_json = document(webtest.TestApp(config2.make_wsgi_app()))
    assert 'Problem-XML' not in only_json['components']['schemas']
