"""API versioning end to end: header, query and accept modes.

(Path versioning: test_versioning_path.py.)  API.md, Versioning and
"Versioning, further": ``request.api_version`` holds the version, an
unknown one is 400 (query, header) or 406 (accept), and an operation's
``versions=`` refuses the others with the same status.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import colander
import pytest
import webtest
from pyramid.config import Configurator
from pyramid.response import Response

from pyramid_restkit import RequestSchema, api_version, operation

HERE = Path(__file__).parent
YAML = HERE.parent / 'fixtures' / 'versioned' / 'api.yaml'


class Search(RequestSchema):
    @colander.instantiate()
    class querystring(colander.MappingSchema):
        q = colander.SchemaNode(colander.String(), missing='')
        version = colander.SchemaNode(colander.Integer(), missing=0)


class Posts:
    def __init__(self, request):
        self.request = request

    @operation(schema=Search)
    def collection_get(self):
        return {
            'version': self.request.api_version,
            'query': self.request.validated['querystring'],
        }

    def get(self):
        return {'version': self.request.api_version}

    @operation(versions=('2',))
    def delete(self):
        return None

    @operation(versions=('2',), media_type='text')
    def put(self):
        return 'put'


def plain(request):
    present = 'api_version' in request.__dict__
    return Response(f'{present} {api_version(request)}')


def make(mode: str, versions: str = '1 2', **settings: Any) -> Any:
    settings.update({'restkit.versioning': mode, 'restkit.versions': versions})
    config = Configurator(settings=settings, autocommit=False)
    config.include('pyramid_restkit')
    config.add_resource(Posts, collection_path='/posts', path='/posts/{id}')
    config.add_route('plain', '/plain')
    config.add_view(plain, route_name='plain')
    return webtest.TestApp(config.make_wsgi_app())


def problem(res: Any, status: int) -> dict[str, Any]:
    assert res.status_int == status
    assert res.content_type == 'application/problem+json'
    body: dict[str, Any] = res.json
    assert body['status'] == status
    return body


def vary(res: Any) -> list[str]:
    return [v.strip() for v in res.headers.get('Vary', '').split(',') if v]


# -- header ------------------------------------------------------------------


@pytest.fixture
def header() -> Any:
    return make('header')


@pytest.mark.parametrize(
    ('headers', 'version'),
    [
        ({}, '1'),
        ({'Api-Version': '2'}, '2'),
        ({'Api-Version': '1'}, '1'),
        ({'Api-Version': ''}, '1'),  # empty: absent
    ],
)
def test_header_version(header, headers, version) -> None:
    res = header.get('/posts/7', headers=headers)
    assert res.json == {'version': version}
    assert vary(res) == ['Accept', 'Api-Version']


def test_header_unknown_version_is_a_400(header) -> None:
    res = header.get('/posts/7', headers={'Api-Version': '3'}, status=400)
    body = problem(res, 400)
    assert body['detail'] == "There is no API version '3'. Versions: 1, 2."
    assert body['versions'] == ['1', '2']
    assert body['errors'] == [
        {
            'location': 'headers',
            'name': 'Api-Version',
            'description': body['detail'],
        }
    ]
    assert 'Api-Version' in vary(res)


def test_header_errors_are_in_the_negotiated_format(header) -> None:
    res = header.get(
        '/posts/7',
        headers={'Api-Version': 'x', 'Accept': 'application/xml'},
        status=400,
    )
    assert res.content_type == 'application/problem+xml'
    res = header.get('/posts/7.yaml', headers={'Api-Version': 'x'}, status=400)
    assert res.content_type == 'application/problem+yaml'


def test_header_versions_of_an_operation(header) -> None:
    res = header.delete('/posts/7', status=400)  # the default, 1
    body = problem(res, 400)
    assert body['detail'] == (
        "DELETE is not available here in API version '1'. Versions: 2."
    )
    assert body['versions'] == ['2']
    header.delete('/posts/7', headers={'Api-Version': '2'}, status=204)
    # an unknown version on a verb that only some versions have
    res = header.delete('/posts/7', headers={'Api-Version': '9'}, status=400)
    assert problem(res, 400)['detail'].startswith('There is no API version')


def test_header_forced_media_type_still_checks_the_version(header) -> None:
    header.put('/posts/7', status=400)
    res = header.put('/posts/7', headers={'Api-Version': '2'})
    assert res.text == 'put'


def test_header_allow_follows_the_version(header) -> None:
    res = header.options('/posts/7')
    assert res.headers['Allow'] == 'GET, HEAD, OPTIONS'
    assert 'Api-Version' in vary(res)
    res = header.options('/posts/7', headers={'Api-Version': '2'})
    assert res.headers['Allow'] == 'GET, HEAD, PUT, DELETE, OPTIONS'
    res = header.options('/posts/7', headers={'Api-Version': '3'}, status=400)
    assert problem(res, 400)['detail'].startswith('There is no API version')
    # 405 comes first, with the Allow of the version
    res = header.patch('/posts/7', status=405)
    assert res.headers['Allow'] == 'GET, HEAD, OPTIONS'
    assert sorted(vary(res)) == ['Accept', 'Api-Version']
    res = header.patch('/posts/7', headers={'Api-Version': '2'}, status=405)
    assert res.headers['Allow'] == 'GET, HEAD, PUT, DELETE, OPTIONS'
    # an unknown version: every verb of the route
    res = header.patch('/posts/7', headers={'Api-Version': '3'}, status=405)
    assert res.headers['Allow'] == 'GET, HEAD, PUT, DELETE, OPTIONS'


def test_header_head_is_get(header) -> None:
    res = header.head('/posts/7', headers={'Api-Version': '2'})
    assert res.status_int == 200
    assert res.body == b''
    header.head('/posts/7', headers={'Api-Version': '5'}, status=400)


def test_header_method_override_checks_the_target_verb(header) -> None:
    override = {'X-HTTP-Method-Override': 'DELETE'}
    header.post('/posts/7', headers=override, status=400)
    header.post(
        '/posts/7', headers={**override, 'Api-Version': '2'}, status=204
    )


def test_header_406_comes_before_the_version(header) -> None:
    res = header.get(
        '/posts/7',
        headers={'Api-Version': '9', 'Accept': 'image/png'},
        status=406,
    )
    assert res.json['status'] == 406


def test_header_mode_validates_a_version_query_field(header) -> None:
    # ?version= is not the version in header mode: the schema reads it
    res = header.get('/posts?version=5&q=a')
    assert res.json == {'version': '1', 'query': {'q': 'a', 'version': 5}}
    header.get('/posts?version=x', status=400)


def test_plain_routes_are_not_versioned(header) -> None:
    assert header.get('/plain').text == 'False 1'
    res = header.get('/plain', headers={'Api-Version': '2'})
    assert res.text == 'False 2'
    assert 'Vary' not in res.headers


# -- query -------------------------------------------------------------------


@pytest.fixture
def query() -> Any:
    return make('query')


@pytest.mark.parametrize(
    ('path', 'version'),
    [
        ('/posts', '1'),
        ('/posts?version=2', '2'),
        ('/posts?version=', '1'),
        ('/posts?version=2&format=json', '2'),
        ('/posts.yaml?version=2', '2'),
    ],
)
def test_query_version(query, path, version) -> None:
    res = query.get(path)
    assert res.headers['Content-Type'].split(';')[0] in (
        'application/json',
        'application/yaml',
    )
    body = res.json if res.content_type == 'application/json' else None
    if body is not None:
        assert body['version'] == version
    else:
        assert f"version: '{version}'" in res.text
    assert 'Api-Version' not in vary(res)  # the URL differs


def test_query_version_is_not_validated_by_the_schema(query) -> None:
    res = query.get('/posts?version=2&q=x')
    # the schema's own version field never sees the parameter
    assert res.json == {'version': '2', 'query': {'q': 'x', 'version': 0}}


@pytest.mark.parametrize(
    ('path', 'detail'),
    [
        ('/posts?version=3', "There is no API version '3'. Versions: 1, 2."),
        ('/posts?version=1&version=2', 'Send one version parameter, not 2.'),
        ('/posts?version=2&version=2', 'Send one version parameter, not 2.'),
        ('/posts/7?version=%22', "There is no API version '\"'."),
    ],
)
def test_query_bad_version_is_a_400(query, path, detail) -> None:
    body = problem(query.get(path, status=400), 400)
    assert body['detail'].startswith(detail)
    assert body['errors'][0]['location'] == 'querystring'
    assert body['errors'][0]['name'] == 'version'


def test_query_versions_of_an_operation(query) -> None:
    body = problem(query.delete('/posts/7?version=1', status=400), 400)
    assert body['versions'] == ['2']
    query.delete('/posts/7?version=2', status=204)
    body = problem(query.delete('/posts/7?version=0', status=400), 400)
    assert body['detail'].startswith("There is no API version '0'")
    res = query.options('/posts/7?version=2')
    assert res.headers['Allow'] == 'GET, HEAD, PUT, DELETE, OPTIONS'
    assert 'Vary' not in res.headers


def test_query_undecodable_is_a_400(query) -> None:
    body = problem(query.get('/posts/7?version=%ff', status=400), 400)
    assert body['detail'] == 'The query string is not valid UTF-8.'
    # the automatic OPTIONS reads the query itself
    res = query.options('/posts/7?version=%ff', status=400)
    assert res.json['detail'] == 'The query string is not valid UTF-8.'


# -- accept ------------------------------------------------------------------


@pytest.fixture
def accept() -> Any:
    return make('accept', '1 2 3')


@pytest.mark.parametrize(
    ('header', 'content_type', 'version'),
    [
        (None, 'application/json', '1'),
        ('application/json; version=2', 'application/json', '2'),
        ('application/json; version="2"', 'application/json', '2'),
        ('application/json; version=""', 'application/json', '1'),
        ('application/json; version=', 'application/json', '1'),  # invalid
        (
            'application/json; charset=utf-8; version=3',
            'application/json',
            '3',
        ),
        # the range that matched the chosen type
        (
            'application/xml; version=2; q=0.5, application/json; version=3',
            'application/json',
            '3',
        ),
        (
            'application/xml; version=2, application/json; version=3; q=0.5',
            'application/xml',
            '2',
        ),
        # else the first range carrying one (a non-matching range)
        (
            'image/png; version=2, application/json',
            'application/json',
            '2',
        ),
        ('*/*; version=3', 'application/json', '3'),
        # q=0 excludes and carries no version
        (
            'application/xml; version=2; q=0, application/json',
            'application/json',
            '1',
        ),
        (
            'application/json; version=2; q=0, application/json; version=3',
            'application/json',
            '3',
        ),
    ],
)
def test_accept_version(accept, header, content_type, version) -> None:
    headers = {} if header is None else {'Accept': header}
    res = accept.get('/posts/7', headers=headers)
    # the Content-Type stays bare: no version parameter
    assert res.headers['Content-Type'].split(';')[0] == content_type
    assert 'version' not in res.headers['Content-Type']
    if content_type == 'application/json':
        assert res.json == {'version': version}
    else:
        assert f'<version>{version}</version>' in res.text
    assert 'Accept' in vary(res)


def test_accept_version_with_a_suffix_or_format(accept) -> None:
    headers = {'Accept': 'application/xml; version=2, */*; version=3'}
    res = accept.get('/posts/7.json', headers=headers)
    assert res.json == {'version': '3'}
    # Accept chose the version: the response varies with it
    assert vary(res) == ['Accept']
    res = accept.get('/posts/7?format=xml', headers=headers)
    assert '<version>2</version>' in res.text


@pytest.mark.parametrize(
    'header',
    [
        'application/json; version=4',
        'application/json; version=1; version=2',
        'application/json; version=v1',
        'application/xml; version=9, application/json',
    ],
)
def test_accept_unknown_version_is_a_406(accept, header) -> None:
    res = accept.get('/posts/7', headers={'Accept': header}, status=406)
    body = problem(res, 406)
    assert body['detail'].startswith('There is no API version')
    assert body['versions'] == ['1', '2', '3']
    assert 'Accept' in vary(res)


def test_accept_refusals_vary_with_accept(accept) -> None:
    # the suffix chose the media type, Accept the (unknown) version
    headers = {'Accept': 'application/json; version=9'}
    res = accept.get('/posts/7.json', headers=headers, status=406)
    assert vary(res) == ['Accept']
    res = accept.options('/posts/7.json', headers=headers, status=406)
    assert vary(res) == ['Accept']


def test_accept_versions_of_an_operation(accept) -> None:
    body = problem(accept.delete('/posts/7', status=406), 406)
    assert body['versions'] == ['2']
    headers = {'Accept': 'application/json; version=2'}
    accept.delete('/posts/7', headers=headers, status=204)
    unknown = {'Accept': 'application/json; version=9'}
    body = problem(accept.delete('/posts/7', headers=unknown, status=406), 406)
    assert body['detail'].startswith("There is no API version '9'")
    # a forced media type still reads the version of Accept
    res = accept.put('/posts/7', headers={'Accept': 'text/plain; version=2'})
    assert res.text == 'put'
    assert res.headers['Content-Type'].startswith('text/plain')
    accept.put('/posts/7', headers={'Accept': 'text/plain'}, status=406)
    res = accept.options('/posts/7', headers=headers)
    assert res.headers['Allow'] == 'GET, HEAD, PUT, DELETE, OPTIONS'
    assert vary(res) == ['Accept']
    res = accept.options('/posts/7')
    assert res.headers['Allow'] == 'GET, HEAD, OPTIONS'
    accept.options(
        '/posts/7',
        headers={'Accept': 'application/json; version=7'},
        status=406,
    )
    res = accept.patch('/posts/7', headers=headers, status=405)
    assert res.headers['Allow'] == 'GET, HEAD, PUT, DELETE, OPTIONS'


def test_accept_version_on_plain_routes(accept) -> None:
    res = accept.get('/plain', headers={'Accept': 'text/html; version=3'})
    assert res.text == 'False 3'
    accept.get('/plain', headers={'Accept': '*/*; version=0'}, status=406)


# -- every way of declaring ---------------------------------------------------


def declared(way: str) -> Any:
    config = Configurator(
        settings={'restkit.versioning': 'header', 'restkit.versions': '1 2'},
        autocommit=False,
    )
    config.include('pyramid_restkit')
    if way == 'scan':
        config.scan('tests.fixtures.versioned')
    else:
        config.load_resources(str(YAML))
    return webtest.TestApp(config.make_wsgi_app())


TWO = {'Api-Version': '2'}


def test_scanned_resources() -> None:
    app = declared('scan')
    # gadgets: versions=('2',) for the resource, get in 1 and 2
    app.get('/x/gadgets', status=400)
    assert app.get('/x/gadgets', headers=TWO).json == {'version': '2'}
    assert app.get('/x/gadgets/5').json == {'id': '5'}
    assert app.options('/x/gadgets/5').headers['Allow'] == (
        'GET, HEAD, OPTIONS'
    )
    app.options('/x/gadgets', status=400)  # nothing there in version 1
    assert app.options('/x/gadgets', headers=TWO).headers['Allow'] == (
        'GET, HEAD, OPTIONS'
    )


def test_yaml_resources() -> None:
    app = declared('yaml')
    # widgets: versions: [1, 2] on get and [2] on delete (integers in YAML)
    assert app.get('/x/widgets/5').json == {'id': '5', 'version': '1'}
    app.delete('/x/widgets/5', status=400)
    app.delete('/x/widgets/5', headers=TWO, status=204)
    assert app.options('/x/widgets/5', headers=TWO).headers['Allow'] == (
        'GET, HEAD, DELETE, OPTIONS'
    )


# -- edges --------------------------------------------------------------------


class Forced:
    def __init__(self, request):
        self.request = request

    @operation(media_type='json')
    def get(self):
        # a Vary the application set itself is kept, not doubled
        self.request.response.vary = ('api-version',)
        return {'version': self.request.api_version}


def test_a_route_of_forced_media_types_in_accept_mode() -> None:
    config = Configurator(
        settings={'restkit.versioning': 'accept', 'restkit.versions': '1 2'},
        autocommit=False,
    )
    config.include('pyramid_restkit')
    config.add_resource(Forced, path='/forced')
    app = webtest.TestApp(config.make_wsgi_app())
    headers = {'Accept': 'text/html; version=2'}
    assert app.get('/forced', headers=headers).json == {'version': '2'}
    res = app.options('/forced', headers=headers)
    assert res.headers['Allow'] == 'GET, HEAD, OPTIONS'


def test_header_mode_keeps_the_application_vary() -> None:
    config = Configurator(
        settings={'restkit.versioning': 'header', 'restkit.versions': '1 2'},
        autocommit=False,
    )
    config.include('pyramid_restkit')
    config.add_resource(Forced, path='/forced')
    app = webtest.TestApp(config.make_wsgi_app())
    res = app.get('/forced', headers={'Api-Version': '2'})
    assert res.json == {'version': '2'}
    assert res.headers['Vary'] == 'api-version'


def test_a_405_on_a_route_the_version_does_not_serve() -> None:
    app = declared('scan')
    # gadgets' collection is in version 2 only: version 1 lists every verb
    res = app.put('/x/gadgets', status=405)
    assert res.headers['Allow'] == 'GET, HEAD, OPTIONS'
    assert sorted(vary(res)) == ['Accept', 'Api-Version']


class Note(colander.MappingSchema):
    text = colander.SchemaNode(colander.String())


class Notes:
    def __init__(self, request):
        self.request = request

    def get(self):
        return {'text': 'a'}

    @operation(versions=('2',), schema=Note)
    def patch(self):
        return {'text': 'b'}


def test_accept_patch_follows_the_version_of_the_options() -> None:
    config = Configurator(
        settings={'restkit.versioning': 'header', 'restkit.versions': '1 2'},
        autocommit=False,
    )
    config.include('pyramid_restkit')
    config.add_resource(Notes, path='/notes/{id}')
    app = webtest.TestApp(config.make_wsgi_app())
    res = app.options('/notes/1', headers={'Api-Version': '2'})
    assert res.headers['Allow'] == 'GET, HEAD, PATCH, OPTIONS'
    assert res.headers['Accept-Patch'].startswith('application/json')
    assert 'application/merge-patch+json' in res.headers['Accept-Patch']
    res = app.options('/notes/1', headers={'Api-Version': '1'})
    assert res.headers['Allow'] == 'GET, HEAD, OPTIONS'
    assert 'Accept-Patch' not in res.headers
