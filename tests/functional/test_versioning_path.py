"""Path versioning end to end (``restkit.versioning = path``).

An unknown version in the path, or one the verb's operation does not
serve, names no resource: a problem 404, before any other check (405,
cross-origin 403, 401/403), in the route's negotiated format.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import webtest
from pyramid.config import Configurator
from pyramid.httpexceptions import HTTPNotFound
from pyramid.response import Response
from pyramid.security import Allowed, Denied

from pyramid_restkit import operation

YAML = Path(__file__).parent.parent / 'fixtures' / 'versioned' / 'api.yaml'
SETTINGS = {'restkit.versioning': 'path', 'restkit.versions': 'v1 v2'}


class Posts:
    def __init__(self, request):
        self.request = request

    def collection_get(self):
        return {'version': self.request.api_version}

    def get(self):
        return {
            'id': self.request.matchdict['id'],
            'version': self.request.api_version,
        }

    @operation(versions=('v2',))
    def delete(self):
        return None


class Policy:
    """Allows what ``allowed`` lists."""

    def __init__(self, *allowed: str) -> None:
        self.allowed = allowed

    def identity(self, request):
        return None

    def authenticated_userid(self, request):
        return None

    def permits(self, request, context, permission):
        if permission in self.allowed:
            return Allowed('yes')
        return Denied('no')


def make(
    collection_path: str = '/{version}/posts',
    path: str = '/{version}/posts/{id}',
    **kw: Any,
) -> Any:
    config = Configurator(settings=SETTINGS, autocommit=False)
    config.include('pyramid_restkit')
    config.add_resource(
        Posts, collection_path=collection_path, path=path, **kw
    )
    return config


def app_of(config: Configurator) -> Any:
    return webtest.TestApp(config.make_wsgi_app())


@pytest.fixture
def app() -> Any:
    return app_of(make())


def not_found(res: Any, detail: str) -> None:
    assert res.status_int == 404
    assert res.json['status'] == 404
    assert res.json['detail'] == detail


def test_the_path_names_the_version(app) -> None:
    assert app.get('/v1/posts').json == {'version': 'v1'}
    assert app.get('/v2/posts/7').json == {'id': '7', 'version': 'v2'}
    res = app.get('/v2/posts/7')
    assert res.headers['Vary'] == 'Accept'  # not the version: the URL


def test_suffixes_after_a_versioned_path(app) -> None:
    res = app.get('/v2/posts.json')
    assert res.json == {'version': 'v2'}
    res = app.get('/v2/posts/7.yaml')
    assert res.content_type == 'application/yaml'
    assert res.text == "id: '7'\nversion: v2\n"


def test_an_unknown_version_is_a_problem_404(app) -> None:
    res = app.get('/v3/posts', status=404)
    assert res.content_type == 'application/problem+json'
    not_found(res, "There is no API version 'v3'. Versions: v1, v2.")
    assert res.json['versions'] == ['v1', 'v2']
    res = app.get(
        '/v3/posts/7', headers={'Accept': 'application/xml'}, status=404
    )
    assert res.content_type == 'application/problem+xml'
    res = app.get('/v3/posts/7.yaml', status=404)
    assert res.content_type == 'application/problem+yaml'
    # every verb, HEAD and OPTIONS included
    assert app.head('/v3/posts/7', status=404).body == b''
    app.options('/v3/posts/7', status=404)
    app.delete('/v3/posts/7', status=404)


def test_a_version_the_verb_lacks_is_a_404(app) -> None:
    res = app.delete('/v1/posts/7', status=404)
    not_found(
        res, "DELETE is not available here in API version 'v1'. Versions: v2."
    )
    app.delete('/v2/posts/7', status=204)
    # and the method override is judged as its target verb
    override = {'X-HTTP-Method-Override': 'DELETE'}
    app.post('/v1/posts/7', headers=override, status=404)
    app.post('/v2/posts/7', headers=override, status=204)


def test_allow_follows_the_version(app) -> None:
    assert app.options('/v1/posts/7').headers['Allow'] == 'GET, HEAD, OPTIONS'
    assert app.options('/v2/posts/7').headers['Allow'] == (
        'GET, HEAD, DELETE, OPTIONS'
    )
    res = app.put('/v1/posts/7', status=405)
    assert res.headers['Allow'] == 'GET, HEAD, OPTIONS'
    res = app.put('/v2/posts/7', status=405)
    assert res.headers['Allow'] == 'GET, HEAD, DELETE, OPTIONS'


def test_the_404_comes_before_the_405(app) -> None:
    res = app.put('/v3/posts/7', status=404)
    not_found(res, "There is no API version 'v3'. Versions: v1, v2.")
    assert 'Allow' not in res.headers


def test_the_404_comes_before_the_permission_and_cross_origin_checks():
    config = make(permission='view')
    config.set_security_policy(Policy())
    app = app_of(config)
    app.get('/v1/posts/7', status=403)
    app.get('/v3/posts/7', status=404)
    cross = {'Sec-Fetch-Site': 'cross-site'}
    app.delete('/v2/posts/7', headers=cross, status=403)
    app.delete('/v1/posts/7', headers=cross, status=404)
    app.delete('/v3/posts/7', headers=cross, status=404)


def test_the_application_not_found_view_answers_if_it_has_one():
    config = make()

    def not_found_view(exc, request):
        return Response(f'app: {exc.detail}', status=404)

    config.add_exception_view(not_found_view, context=HTTPNotFound)
    app = app_of(config)
    res = app.get('/v3/posts', status=404)
    assert res.text == "app: There is no API version 'v3'. Versions: v1, v2."
    res = app.put('/v3/posts', status=404)
    assert res.text.startswith('app: ')


def test_a_version_at_the_end_of_the_path() -> None:
    app = app_of(make('/posts/{version}', '/posts/{id}/{version}'))
    assert app.get('/posts/v2').json == {'version': 'v2'}
    assert app.get('/posts/v1.yaml').text == 'version: v1\n'
    assert app.get('/posts/7/v2.json').json == {'id': '7', 'version': 'v2'}
    app.get('/posts/v3.json', status=404)


def test_a_version_with_its_own_regex() -> None:
    app = app_of(make('/{version:v\\d}/posts', '/{version:v\\d}/posts/{id}'))
    assert app.get('/v2/posts').json == {'version': 'v2'}
    app.get('/v3/posts', status=404)  # matches the route, not a version
    res = app.get('/x/posts', status=404)  # no route at all: Pyramid's
    assert res.content_type != 'application/problem+json'


def test_a_route_prefix_holds_the_version() -> None:
    config = Configurator(settings=SETTINGS, autocommit=False)
    config.include('pyramid_restkit')

    def api(config: Configurator) -> None:
        config.add_resource(
            Posts, collection_path='/posts', path='/posts/{id}'
        )

    config.include(api, route_prefix='/api/{version}')
    app = app_of(config)
    assert app.get('/api/v2/posts/7').json == {'id': '7', 'version': 'v2'}
    assert app.get('/api/v1/posts.json').json == {'version': 'v1'}
    app.get('/api/v3/posts', status=404)
    app.delete('/api/v1/posts/7', status=404)


def test_scanned_and_yaml_resources() -> None:
    config = Configurator(settings=SETTINGS, autocommit=False)
    config.include('pyramid_restkit')
    config.scan('tests.fixtures.versioned')
    config.load_resources(str(YAML))
    # Gadgets: resource versions=('2',); Widgets: versions 1 and 2 are
    # not v1 and v2
    with pytest.raises(Exception, match="versions names '2'"):
        config.commit()
    config = Configurator(
        settings={'restkit.versioning': 'path', 'restkit.versions': '1 2'},
        autocommit=False,
    )
    config.include('pyramid_restkit')
    config.scan('tests.fixtures.versioned')
    config.load_resources(str(YAML))
    app = app_of(config)
    app.get('/1/gadgets', status=404)
    assert app.get('/2/gadgets').json == {'version': '2'}
    assert app.get('/1/gadgets/5').json == {'id': '5'}
    assert app.options('/1/gadgets/5').headers['Allow'] == (
        'GET, HEAD, OPTIONS'
    )
    app.options('/1/gadgets', status=404)
    assert app.get('/1/widgets/5').json == {'id': '5', 'version': '1'}
    app.delete('/1/widgets/5', status=404)
    app.delete('/2/widgets/5', status=204)


def test_plain_routes_read_the_placeholder() -> None:
    from pyramid_restkit import api_version

    config = make()
    config.add_route('health', '/{version}/health')
    config.add_route('root', '/')
    config.add_view(
        lambda request: Response(str(api_version(request))),
        route_name='health',
    )
    config.add_view(
        lambda request: Response(str(api_version(request))),
        route_name='root',
    )
    app = app_of(config)
    assert app.get('/v2/health').text == 'v2'
    assert app.get('/').text == 'None'
    app.get('/v3/health', status=404)


def test_a_405_on_a_route_the_version_does_not_serve() -> None:
    config = Configurator(
        settings={'restkit.versioning': 'path', 'restkit.versions': '1 2'},
        autocommit=False,
    )
    config.include('pyramid_restkit')
    config.scan('tests.fixtures.versioned')
    app = app_of(config)
    # gadgets' collection is in version 2 only: /1/gadgets is nothing
    res = app.put('/1/gadgets', status=404)
    assert res.json['detail'] == (
        "PUT is not available here in API version '1'. Versions: 2."
    )
    res = app.put('/2/gadgets', status=405)
    assert res.headers['Allow'] == 'GET, HEAD, OPTIONS'
