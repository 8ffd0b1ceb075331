"""Path templates and parameters (:mod:`pyramid_restkit.openapi.paths`).

Conventions: :mod:`tests.openapi.helpers`.
"""

from __future__ import annotations

from typing import Any

import colander
import pytest
from pyramid.config import Configurator

from pyramid_restkit import RequestSchema, operation
from pyramid_restkit.patterns import openapi_path
from tests.openapi.helpers import (
    Base,
    Echo,
    MakeApp,
    Searches,
    body_of,
    conforms,
    document,
    op,
    param,
    resolve,
    valid,
)

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


def test_path_parameters_match_the_routes(
    config: Configurator, make_app: MakeApp
) -> None:
    config.add_resource(Echo, name='byid', path='/things/{id:\\d+}')
    config.add_resource(Echo, name='days', path='/days/{day:\\d{4}-\\d{2}}')
    config.add_resource(Echo, name='files', path='/files/{kind}/*rest')
    config.add_resource(Echo, name='plain', path='/plain/{a}/{b}')
    # NOTE: old style ':id' placeholders are refused in resource patterns
    # (tests/config/test_resources.py): Pyramid reads them only where no
    # brace is, and a resource's pattern gets the suffix placeholder.
    config.add_resource(Echo, name='older', path='/older/{id}/*rest')
    app = make_app()
    doc = document(app)
    assert set(doc['paths']) == {
        '/things/{id}',
        '/days/{day}',
        '/files/{kind}/{rest}',
        '/plain/{a}/{b}',
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
    assert app.get('/older/7/a').json == {'id': '7', 'rest': ['a']}
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
        ('X-Token', 'header', True),
        ('format', 'query', False),
    ]
    # a typed path parameter: the route's pattern (on its text) and the
    # type, in one schema (generators make a class of an allOf)
    typed = param(get, 'id')['schema']
    assert typed == {'type': 'integer', 'pattern': typed['pattern']}
    assert valid(doc, typed, 7)
    assert not valid(doc, typed, 'x')
    # format is the shared parameter
    assert doc['paths']['/search/{id}/{kind}']['get']['parameters'][-1] == {
        '$ref': '#/components/parameters/format'
    }
    # a required list needs one value at least (a query cannot be empty)
    tag = param(get, 'tag')
    assert tag['description'] == 'Repeat it for several.'
    assert valid(doc, tag['schema'], ['a', 'b'])
    assert valid(doc, tag['schema'], 'a')  # one value is a list of one
    assert not valid(doc, tag['schema'], [])
    assert param(get, 'X-Token')['schema'] == {
        'title': 'X Token',
        'type': 'string',
        'minLength': 1,
    }
    headers = {'X-Token': 'secret'}
    res = app.get('/search/7/k?tag=a&format=json', headers=headers)
    assert res.json == {
        'path': {'id': 7},
        # (their defaults: the format and the pagination's limit are
        # never read from the query, nor listed)
        'querystring': {'tag': ['a'], 'limit': 5, 'format': 'json'},
        'headers': {'X-Token': 'secret'},
    }
    conforms(doc, '/search/{id}/{kind}', 'get', res)
    for url, sent in [
        ('/search/7/k', headers),  # no tag
        ('/search/7/k?tag=a', {}),
    ]:
        res = app.get(url, headers=sent, status=400)
        conforms(doc, '/search/{id}/{kind}', 'get', res)
    res = app.get('/search/7/k?tag=a&limit=11', headers=headers)
    assert res.json['querystring']['limit'] == 5
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
    assert resolve(doc, param(listing, 'format')['schema']) == {
        'enum': ['json', 'xml'],
        'description': 'The name of a media type.',
    }
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
    assert schema == {
        'type': 'string',
        'minLength': 1,
        'maxLength': 3,
        'pattern': schema['pattern'],
    }
    assert valid(doc, schema, 'abc')
    assert not valid(doc, schema, 'abcd')
    assert app.get('/n/abc').json == {'path': {'name': 'abc'}}
    res = app.get('/n/abcd', status=400)
    conforms(doc, '/n/{name}', 'get', res)


class CodePath(colander.MappingSchema):
    code = colander.SchemaNode(
        colander.String(), validator=colander.Regex('^[a-c]+$')
    )


class CodePathRequest(RequestSchema):
    path = CodePath()


def test_two_patterns_on_a_path_value(
    config: Configurator, make_app: MakeApp
) -> None:
    """The route's pattern and the schema's: both, in an ``allOf``."""

    class Coded(Base):
        @operation(schema=CodePathRequest())
        def get(self) -> Any:
            return self.request.validated

    config.add_resource(Coded, path='/c/{code:[a-z]{1,3}}')
    app = make_app()
    doc = document(app)
    schema = param(op(doc, '/c/{code}', 'get'), 'code')['schema']
    route, own = schema['allOf']
    assert route['type'] == 'string'
    assert own == {'type': 'string', 'minLength': 1, 'pattern': own['pattern']}
    assert valid(doc, schema, 'abc')
    assert not valid(doc, schema, 'abcd')
    assert not valid(doc, schema, 'd')
    assert app.get('/c/abc').json == {'path': {'code': 'abc'}}
    conforms(doc, '/c/{code}', 'get', app.get('/c/d', status=400))
