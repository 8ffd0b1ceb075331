"""One OpenAPI document per API version (restkit.versioning).

Each lists only what its version serves, documents how a request names
its version (the path's ``{version}`` with its ``enum``, the ``version``
query parameter, the ``Api-Version`` header) and the statuses a wrong
one gets; the runtime answers as documented.
"""

from __future__ import annotations

from typing import Any

import colander
import pytest
import webtest
from openapi_spec_validator import validate
from pyramid.config import Configurator

from pyramid_restkit import RequestSchema, get_openapi, operation

from .helpers import conforms, op, param


class Query(RequestSchema):
    @colander.instantiate()
    class querystring(colander.MappingSchema):
        q = colander.SchemaNode(colander.String(), missing='')
        version = colander.SchemaNode(colander.String(), missing='')


class ItemOut(colander.MappingSchema):
    id = colander.SchemaNode(colander.Integer())


class Posts:
    def __init__(self, request):
        self.request = request

    @operation(schema=Query)
    def collection_get(self):
        return []

    @operation(versions=('2', '3'), status=201, response_schema=ItemOut)
    def collection_post(self):
        return {'id': 1}

    def get(self):
        return {'id': 1}

    @operation(versions=('3',))
    def delete(self):
        return None

    @operation(versions=('2',), media_type='json')
    def put(self):
        return {'id': 1}


class Later:
    """Only in version 3."""

    def __init__(self, request):
        self.request = request

    @operation(versions=('3',))
    def get(self):
        return {}


PATHS = {
    'path': ('/{version}/posts', '/{version}/posts/{id}', '/{version}/later'),
}
PLAIN = ('/posts', '/posts/{id}', '/later')


def make(mode: str) -> Any:
    config = Configurator(
        settings={'restkit.versioning': mode, 'restkit.versions': '1 2 3'},
        autocommit=False,
    )
    config.include('pyramid_restkit')
    collection, item, later = PATHS.get(mode, PLAIN)
    config.add_resource(Posts, collection_path=collection, path=item)
    config.add_resource(Later, path=later)
    return webtest.TestApp(config.make_wsgi_app())


MODES = ('path', 'query', 'header', 'accept')


def documents(app: Any) -> dict[str | None, dict[str, Any]]:
    registry = app.app.registry
    found = {v: get_openapi(registry, v) for v in (None, '1', '2', '3')}
    for document in found.values():
        validate(document)
    return found


@pytest.mark.parametrize('mode', MODES)
def test_each_version_lists_what_it_serves(mode) -> None:
    docs = documents(make(mode))
    collection, item, later = PATHS.get(mode, PLAIN)
    # no version: the default one's, the same document
    assert docs[None] is docs['1']
    verbs = {
        version: {path: sorted(entry) for path, entry in doc['paths'].items()}
        for version, doc in docs.items()
    }
    assert verbs['1'] == {collection: ['get'], item: ['get']}
    assert verbs['2'] == {collection: ['get', 'post'], item: ['get', 'put']}
    assert verbs['3'] == {
        collection: ['get', 'post'],
        item: ['delete', 'get'],
        later: ['get'],
    }
    for version in ('1', '2', '3'):
        assert docs[version]['info']['x-api-version'] == version
    # the creation links to the item's operations of its own version
    links = docs['2']['paths'][collection]['post']['responses']['201']
    assert set(links['links']) == {'posts_get', 'posts_put'}


def test_path_version_has_the_enum_of_its_versions() -> None:
    docs = documents(make('path'))
    get = op(docs['1'], '/{version}/posts/{id}', 'get')
    assert param(get, 'version') == {
        'name': 'version',
        'in': 'path',
        'required': True,
        'schema': {'type': 'string', 'enum': ['1', '2', '3']},
    }
    delete = op(docs['3'], '/{version}/posts/{id}', 'delete')
    assert param(delete, 'version')['schema']['enum'] == ['3']
    # an unknown version is a 404 of every operation
    assert '404' in get['responses']
    assert '404' in delete['responses']


@pytest.mark.parametrize(
    ('mode', 'name', 'where'),
    [('query', 'version', 'query'), ('header', 'Api-Version', 'header')],
)
def test_query_and_header_version_parameters(mode, name, where) -> None:
    docs = documents(make(mode))
    get = op(docs['2'], '/posts/{id}', 'get')
    assert param(get, name) == {
        'name': name,
        'in': where,
        'required': False,
        'description': 'The API version.',
        'schema': {'type': 'string', 'enum': ['1', '2', '3'], 'default': '1'},
    }
    # not served by the default version: required
    post = op(docs['2'], '/posts', 'post')
    assert param(post, name) == {
        'name': name,
        'in': where,
        'required': True,
        'description': 'The API version.',
        'schema': {'type': 'string', 'enum': ['2', '3']},
    }
    assert '400' in post['responses']
    assert '404' not in post['responses']
    listed = op(docs['1'], '/posts', 'get')
    names = [p.get('name') for p in listed['parameters']]
    # the schema's own version field is the version parameter in query
    # mode (never validated), a field of its own otherwise
    assert names.count('version') == 1
    assert 'q' in names


def test_accept_versioning_documents_the_406_of_forced_types() -> None:
    docs = documents(make('accept'))
    put = op(docs['2'], '/posts/{id}', 'put')
    assert '406' in put['responses']
    names = [p.get('name') for p in put.get('parameters', ())]
    assert 'version' not in names
    assert 'Api-Version' not in names


def test_without_versioning_nothing_changes() -> None:
    config = Configurator(settings={}, autocommit=False)
    config.include('pyramid_restkit')
    config.add_resource(Later, path='/later')
    with pytest.raises(Exception, match='needs the restkit.versioning'):
        config.commit()

    class Plain:
        def __init__(self, request):
            self.request = request

        def get(self):
            return {}

    config = Configurator(settings={}, autocommit=False)
    config.include('pyramid_restkit')
    config.add_resource(Plain, path='/plain')
    config.commit()
    document = get_openapi(config.registry)
    assert 'x-api-version' not in document['info']
    assert '404' not in document['paths']['/plain']['get']['responses']
    with pytest.raises(ValueError, match='restkit.versioning is not set'):
        get_openapi(config.registry, '1')


def test_an_unknown_version_has_no_document() -> None:
    app = make('header')
    with pytest.raises(ValueError, match="no API version '4'; versions: 1"):
        get_openapi(app.app.registry, '4')


@pytest.mark.parametrize('mode', MODES)
def test_the_runtime_answers_as_documented(mode) -> None:
    app = make(mode)
    docs = documents(app)
    collection, item, _ = PATHS.get(mode, PLAIN)

    def send(version: str | None, verb: str, path: str, **kw: Any) -> Any:
        headers: dict[str, str] = {}
        url = path.replace('{id}', '7')
        if mode == 'path':
            url = url.replace('{version}', version or '9')
        elif version is None:
            pass
        elif mode == 'query':
            url += f'?version={version}'
        elif mode == 'header':
            headers['Api-Version'] = version
        else:
            headers['Accept'] = f'application/json; version={version}'
        return app.request(url, method=verb, headers=headers, status='*')

    cases = [
        ('1', 'GET', item, 200),
        ('2', 'PUT', item, 200),
        ('3', 'DELETE', item, 204),
        ('2', 'POST', collection, 201),
        ('1', 'DELETE', item, {'path': 404, 'accept': 406}.get(mode, 400)),
        ('9', 'GET', item, {'path': 404, 'accept': 406}.get(mode, 400)),
    ]
    for version, verb, path, status in cases:
        res = send(version, verb, path)
        assert res.status_int == status, (version, verb, path, res.text)
        documented = version if version in docs else '3'
        if verb == 'DELETE' and version == '1':
            documented = '3'  # the operation of another version
        conforms(docs[documented], path, verb.lower(), res)


def test_documents_are_served_per_version() -> None:
    app = make('header')
    docs = documents(app)
    assert app.get('/openapi.json').json == docs['1']
    res = app.get('/openapi.json?version=3')
    assert res.json == docs['3']
    assert res.etag != app.get('/openapi.json').etag
    assert app.get('/openapi.json?version=').json == docs['1']
    res = app.get('/openapi.yaml?version=2')
    assert res.content_type == 'application/yaml'
    assert 'x-api-version' in res.text
    for url, detail in [
        ('/openapi.json?version=4', "No document: no API version '4'"),
        ('/openapi.yaml?version=1&version=2', 'send one version parameter'),
        ('/openapi.json?version=%ff', 'not valid UTF-8'),
    ]:
        res = app.get(url, status=404)
        assert res.content_type == 'application/problem+json'
        assert detail in res.json['detail']


def test_documents_without_versioning_ignore_the_parameter() -> None:
    config = Configurator(settings={}, autocommit=False)
    config.include('pyramid_restkit')
    app = webtest.TestApp(config.make_wsgi_app())
    assert app.get('/openapi.json?version=4').json['info'] == {
        'title': 'API',
        'version': '0.1.0',
    }
    page = app.get('/docs?version=4').text
    assert '<nav' not in page
    assert 'url: "/openapi.json"' in page


def test_the_docs_page_shows_each_version() -> None:
    app = make('query')
    page = app.get('/docs').text
    assert 'url: "/openapi.json"' in page  # the default version's
    assert (
        'API version: <strong>1</strong> | '
        '<a href="/docs?version=2">2</a> | '
        '<a href="/docs?version=3">3</a></nav>'
    ) in page
    page = app.get('/docs?version=3').text
    assert 'url: "/openapi.json?version=3"' in page
    assert '<a href="/docs?version=1">1</a>' in page
    assert '<strong>3</strong>' in page
    res = app.get('/docs?version=x', status=404)
    assert res.json['detail'] == (
        "No document: no API version 'x'; versions: 1, 2, 3."
    )


def test_the_redoc_page_shows_each_version_too() -> None:
    config = Configurator(
        settings={
            'restkit.versioning': 'path',
            'restkit.versions': 'v1 v2',
            'restkit.openapi.docs_ui': 'redoc',
        },
        autocommit=False,
    )
    config.include('pyramid_restkit')
    app = webtest.TestApp(config.make_wsgi_app())
    page = app.get('/docs?version=v2').text
    assert 'Redoc.init("/openapi.json?version=v2"' in page
    assert '<a href="/docs?version=v1">v1</a> | <strong>v2</strong>' in page
