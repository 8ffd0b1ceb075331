"""Error responses and problem details.

What :mod:`pyramid_restkit.openapi.responses` writes for errors: every
error the kit raises, in the problem family of each media type;
conventions: :mod:`tests.openapi.helpers`.
"""

from __future__ import annotations

from typing import Any
from xml.etree import ElementTree

import colander
import pytest
import webtest
from pyramid.config import Configurator
from pyramid.httpexceptions import HTTPNotFound

from pyramid_restkit import operation
from tests.openapi.helpers import (
    ALL_PROBLEMS,
    Base,
    Bodies,
    Echo,
    Guard,
    Item,
    MakeApp,
    Searches,
    check,
    conforms,
    document,
    op,
    statuses,
)

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
        # no PUT, PATCH or DELETE here: an override to one is the path's
        # 405, never the POST's (see test_405_belongs_to_the_path)
        # unsafe verbs: the cross-origin protection's 403
        ('/p', 'post'): ['201', '400', '403', '406', '413', '415'],
        ('/p/{id}', 'get'): ['200', '400', '406'],
        # If-Match: "x" is a 412 on every unsafe item operation
        ('/p/{id}', 'put'): ['200', '400', '403', '406', '412', '413', '415'],
        # PATCH documents: a JSON Patch that cannot apply is a 409
        ('/p/{id}', 'patch'): [
            '200',
            '400',
            '403',
            '406',
            '409',
            '412',
            '413',
            '415',
        ],
        ('/p/{id}', 'delete'): ['204', '400', '403', '406', '412'],
        # every verb an override may name is there
        ('/p/{id}', 'post'): ['200', '400', '403', '406', '412', '413', '415'],
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
        '403',
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


@pytest.mark.parametrize('settings', [{'restkit.max_body_size': '1000'}])
def test_405_belongs_to_the_path(
    config: Configurator, make_app: MakeApp
) -> None:
    """An override to a verb the route lacks: a 405 no operation lists.

    The overridden request is documented as the verb it names (as the
    DELETE of test_error_statuses is); a verb a path does not list is
    a 405 there, with ``Allow``, as for any client sending it.
    """
    config.add_resource(
        Plain, collection_path='/p', path='/p/{id}', schema=Item
    )
    app = make_app()
    doc = document(app)
    assert set(doc['paths']['/p']) == {'get', 'post'}
    for path, item in doc['paths'].items():
        for verb, found in item.items():
            assert '405' not in found['responses'], (path, verb)
    for override in ('PUT', 'PATCH', 'DELETE'):
        res = app.post(
            '/p', headers={'X-HTTP-Method-Override': override}, status=405
        )
        assert res.headers['Allow'] == 'GET, HEAD, POST, OPTIONS'
        assert res.content_type == 'application/problem+json'
        assert override.lower() not in doc['paths']['/p']
    # sent as such, the same answer
    res = app.put_json('/p', {'name': 'a'}, status=405)
    assert res.headers['Allow'] == 'GET, HEAD, POST, OPTIONS'


@pytest.mark.parametrize(
    'settings',
    [
        {'restkit.method_override': 'false'},
        {'restkit.method_override.methods': 'DELETE'},
    ],
)
def test_an_override_is_the_verb_it_names(
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
    described = {
        verb: op(doc, '/p/{id}', verb)['responses']['403']['description']
        for verb in ('get', 'delete', 'put')
    }
    # a permission, the cross-origin protection, or both
    assert described == {
        'get': 'The permission is missing.',
        'delete': 'The permission is missing, or the request came from '
        'another origin (cross-origin protection).',
        'put': 'The request came from another origin (cross-origin '
        'protection).',
    }
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


@pytest.mark.parametrize(
    'settings', [{'restkit.cross_origin_protection': 'off'}]
)
def test_the_cross_origin_403_follows_the_protection(
    config: Configurator, make_app: MakeApp
) -> None:
    config.add_resource(Plain, collection_path='/p', path='/p/{id}')
    app = make_app()
    doc = document(app)
    for path, verb in [
        ('/p', 'post'),
        ('/p/{id}', 'put'),
        ('/p/{id}', 'delete'),
    ]:
        assert '403' not in op(doc, path, verb)['responses']
    app.delete('/p/1', headers={'Origin': 'https://evil.test'}, status=204)


def test_the_cross_origin_403_is_sent_as_documented(
    config: Configurator, make_app: MakeApp
) -> None:
    config.add_resource(Plain, collection_path='/p', path='/p/{id}')
    app = make_app()
    doc = document(app)
    for accept in ('application/json', 'application/xml', 'text/plain'):
        res = app.delete(
            '/p/1',
            headers={'Origin': 'https://evil.test', 'Accept': accept},
            status=403,
        )
        conforms(doc, '/p/{id}', 'delete', res)


# -- problem details ----------------------------------------------------------


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


def test_the_error_item_is_a_named_schema(
    config: Configurator, make_app: MakeApp
) -> None:
    """``ValidationError``: generators name the item after it."""
    config.add_resource(Bodies, collection_path='/b', schema=Item)
    app = make_app()
    doc = document(app)
    schemas = doc['components']['schemas']
    assert schemas['Problem']['properties']['errors']['items'] == {
        '$ref': '#/components/schemas/ValidationError'
    }
    assert schemas['Problem-XML']['properties']['errors']['items'] == {
        '$ref': '#/components/schemas/ValidationError',
        'xml': {'name': 'i'},
    }
    item = schemas['ValidationError']
    assert item['required'] == ['location', 'name', 'description']
    res = app.post_json('/b', {'size': 'x'}, status=400)
    conforms(doc, '/b', 'post', res)
    errors = res.json['errors']
    assert {error['name'] for error in errors} == {'name', 'size'}
    for error in errors:
        check(doc, {'$ref': '#/components/schemas/ValidationError'}, error)

    # an application schema of the same name keeps its own, numbered
    class ValidationError(colander.MappingSchema):
        field = colander.SchemaNode(colander.String())

    config2 = Configurator(autocommit=False)
    config2.include('pyramid_restkit')
    config2.add_resource(
        Bodies, collection_path='/v', schema=ValidationError()
    )
    other = document(webtest.TestApp(config2.make_wsgi_app()))
    ref = other['paths']['/v']['post']['requestBody']['content'][
        'application/json'
    ]['schema']
    assert ref == {'$ref': '#/components/schemas/ValidationError-2'}
    assert other['components']['schemas']['ValidationError'] == item
