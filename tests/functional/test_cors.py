"""CORS on restkit routes (API.md, Cross-origin requests; Details fixed).

Preflights from allowed origins are answered with the route's ``Allow``;
every response to an allowed origin, errors included, carries
``Access-Control-Allow-Origin``; every response of a route with origins
carries ``Vary: Origin``; other routes are untouched.
"""

from __future__ import annotations

import colander
import pytest
import webtest
from pyramid.authorization import ACLHelper, Everyone
from pyramid.config import Configurator
from pyramid.httpexceptions import HTTPNotFound, HTTPUnauthorized
from pyramid.interfaces import IRoutesMapper
from pyramid.response import Response

from pyramid_restkit import operation
from pyramid_restkit.cors import CorsFactory

A = 'https://a.example'
B = 'https://b.example'
KIT_ALLOW = 'Content-Type, If-Match, If-None-Match, Api-Version, Authorization'
KIT_EXPOSE = (
    'Link, ETag, Last-Modified, Location, RateLimit, RateLimit-Policy, '
    'Retry-After'
)
DELETED: list[str] = []


class Boom(Exception):
    pass


class Body(colander.MappingSchema):
    x = colander.SchemaNode(colander.Int(), missing=colander.drop)


class Posts:
    def __init__(self, request):
        self.request = request

    def collection_get(self):
        return [{'id': 1}]

    def collection_post(self):
        return {'created': True}

    def get(self):
        which = self.request.matchdict['id']
        if which == 'missing':
            raise HTTPNotFound()
        if which == 'anonymous':
            raise HTTPUnauthorized()
        if which == 'boom':
            raise RuntimeError('boom')
        if which == 'app-error':
            raise Boom()
        return {'id': which}

    @operation(schema=Body)
    def put(self):
        return {'put': self.request.validated}

    def delete(self):
        DELETED.append(self.request.matchdict['id'])


class Tags:
    """A class with its own ``options``."""

    def __init__(self, request):
        self.request = request

    def get(self):
        return {'tag': 1}

    @operation(cors_origins=[B])
    def put(self):
        return {'put': True}

    def options(self):
        response = self.request.response
        response.headers['X-Own-Options'] = 'yes'
        return None


def plain(request):
    return Response(f'plain {request.method}')


def make(settings=None, setup=None, **options):
    config = Configurator(settings=settings or {}, autocommit=False)
    config.include('pyramid_restkit')
    config.add_resource(
        Posts, collection_path='/posts', path='/posts/{id}', **options
    )
    config.add_resource(Tags, path='/tags/{id}')
    config.add_route('plain', '/plain')
    config.add_view(plain, route_name='plain')
    if setup is not None:
        setup(config)
    return webtest.TestApp(config.make_wsgi_app())


@pytest.fixture(autouse=True)
def clear():
    DELETED.clear()


def preflight(origin, method, **headers):
    return {
        'Origin': origin,
        'Access-Control-Request-Method': method,
        **headers,
    }


def assert_allowed(res, origin=A):
    assert res.headers['Access-Control-Allow-Origin'] == origin
    assert 'Origin' in res.headers['Vary']


def assert_no_cors(res):
    assert not [h for h in res.headers if h.lower().startswith('access-')]


# -- preflights ----------------------------------------------------------


def test_a_preflight_from_an_allowed_origin():
    app = make(
        {
            'restkit.cors.origins': f'{A} {B}',
            'restkit.cors.max_age': '600',
            'restkit.cors.allow_headers': 'X-Requested-With',
        }
    )
    res = app.options(
        '/posts/1',
        headers=preflight(A, 'PUT', **{'Access-Control-Request-Headers': 'x'}),
        status=204,
    )
    assert_allowed(res)
    assert res.headers['Access-Control-Allow-Methods'] == (
        'GET, HEAD, PUT, DELETE, OPTIONS'
    )
    assert res.headers['Allow'] == 'GET, HEAD, PUT, DELETE, OPTIONS'
    assert res.headers['Access-Control-Allow-Headers'] == (
        f'{KIT_ALLOW}, X-Requested-With'
    )
    assert res.headers['Access-Control-Max-Age'] == '600'
    assert 'Access-Control-Allow-Credentials' not in res.headers
    assert res.body == b''
    assert 'Content-Type' not in res.headers
    # the collection has its own Allow
    res = app.options('/posts', headers=preflight(B, 'POST'), status=204)
    assert_allowed(res, B)
    assert res.headers['Access-Control-Allow-Methods'] == (
        'GET, HEAD, POST, OPTIONS'
    )
    assert 'Access-Control-Max-Age' in res.headers


def test_a_preflight_from_another_origin_gets_no_cors_headers():
    app = make({'restkit.cors.origins': A})
    for origin in (B, 'null', 'https://a.example.evil.test', 'garbage'):
        res = app.options('/posts/1', headers=preflight(origin, 'PUT'))
        # the plain OPTIONS answer: the browser refuses to go on
        assert res.status_int == 204
        assert res.headers['Allow'] == 'GET, HEAD, PUT, DELETE, OPTIONS'
        assert res.headers['Vary'] == 'Origin'
        assert_no_cors(res)


def test_header_names_are_case_blind_and_origins_too():
    app = make({'restkit.cors.origins': 'https://A.example'})
    res = app.options(
        '/posts/1',
        headers={
            'origin': 'https://a.EXAMPLE',
            'access-control-request-method': 'put',
        },
        status=204,
    )
    # echoed as sent
    assert res.headers['access-control-allow-origin'] == 'https://a.EXAMPLE'
    assert 'access-control-allow-methods' in res.headers


def test_a_preflight_for_a_verb_the_route_lacks():
    app = make({'restkit.cors.origins': A})
    res = app.options('/posts', headers=preflight(A, 'DELETE'), status=204)
    # answered, but the verb is not among the methods: the browser stops
    assert_allowed(res)
    assert 'DELETE' not in res.headers['Access-Control-Allow-Methods']
    # a method that is not a token is no 500 either
    res = app.options('/posts', headers=preflight(A, 'GET\tPOST x' * 50))
    assert res.status_int == 204
    assert 'DELETE' not in res.headers['Access-Control-Allow-Methods']


def test_a_preflight_asking_for_unknown_headers_lists_the_allowed_ones():
    app = make({'restkit.cors.origins': A})
    res = app.options(
        '/posts/1',
        headers=preflight(
            A,
            'PUT',
            **{'Access-Control-Request-Headers': 'x-secret, if-match'},
        ),
        status=204,
    )
    # not echoed: the browser refuses x-secret
    assert res.headers['Access-Control-Allow-Headers'] == KIT_ALLOW


def test_options_without_a_requested_method_is_a_plain_options():
    app = make({'restkit.cors.origins': A})
    res = app.options('/posts/1', headers={'Origin': A}, status=204)
    assert 'Access-Control-Allow-Methods' not in res.headers
    # an actual request from an allowed origin
    assert_allowed(res)
    assert res.headers['Access-Control-Expose-Headers'] == KIT_EXPOSE
    # and without Origin, a plain OPTIONS
    res = app.options(
        '/posts/1',
        headers={'Access-Control-Request-Method': 'PUT'},
        status=204,
    )
    assert 'Access-Control-Allow-Methods' not in res.headers


def test_the_kit_answers_preflights_even_when_the_class_has_options():
    app = make({'restkit.cors.origins': A})
    res = app.options('/tags/1', headers=preflight(A, 'GET'), status=204)
    assert_allowed(res)
    assert res.headers['Access-Control-Allow-Methods'] == (
        'GET, HEAD, PUT, OPTIONS'
    )
    assert 'X-Own-Options' not in res.headers
    # the class's options answers plain OPTIONS, with the CORS headers
    res = app.options('/tags/1', headers={'Origin': A}, status=204)
    assert res.headers['X-Own-Options'] == 'yes'
    assert_allowed(res)
    # and preflights from origins that are not allowed
    res = app.options('/tags/1', headers=preflight(B, 'GET'), status=204)
    assert res.headers['X-Own-Options'] == 'yes'
    assert_no_cors(res)


def test_a_preflight_uses_the_origins_of_the_verb_it_names():
    # Tags.put allows B only; the resource (the setting) allows A
    app = make({'restkit.cors.origins': A})
    res = app.options('/tags/1', headers=preflight(B, 'PUT'), status=204)
    assert_allowed(res, B)
    res = app.options('/tags/1', headers=preflight(A, 'PUT'))
    assert 'X-Own-Options' in res.headers
    assert_no_cors(res)
    res = app.options('/tags/1', headers=preflight(B, 'GET'))
    assert_no_cors(res)
    # the actual requests follow
    assert_allowed(app.put('/tags/1', headers={'Origin': B}), B)
    assert_no_cors(app.put('/tags/1', headers={'Origin': A}, status=403))
    assert_allowed(app.get('/tags/1', headers={'Origin': A}))


def test_preflights_need_no_permission():
    class Policy:
        def identity(self, request):
            return None

        def authenticated_userid(self, request):
            return None

        def permits(self, request, context, permission):
            return ACLHelper().permits(context, [Everyone], permission)

    app = make(
        {'restkit.cors.origins': A},
        setup=lambda config: config.set_security_policy(Policy()),
        permission='edit',
    )
    res = app.options('/posts/1', headers=preflight(A, 'PUT'), status=204)
    assert_allowed(res)
    # the request itself is denied, with the CORS headers
    res = app.put_json('/posts/1', {}, headers={'Origin': A}, status=403)
    assert_allowed(res)
    assert res.content_type == 'application/problem+json'


# -- responses -----------------------------------------------------------


def test_responses_to_an_allowed_origin():
    app = make(
        {'restkit.cors.origins': A, 'restkit.cors.expose_headers': 'X-A'}
    )
    res = app.get('/posts/1', headers={'Origin': A})
    assert_allowed(res)
    assert res.headers['Access-Control-Expose-Headers'] == f'{KIT_EXPOSE}, X-A'
    assert 'Access-Control-Allow-Credentials' not in res.headers
    assert 'Access-Control-Allow-Methods' not in res.headers
    # HEAD follows GET; Vary keeps Accept
    res = app.head(
        '/posts/1', headers={'Origin': A, 'Accept': 'application/yaml'}
    )
    assert_allowed(res)
    assert res.headers['Vary'] == 'Accept, Origin'
    # another origin: only Vary
    res = app.get('/posts/1', headers={'Origin': B})
    assert 'Origin' in res.headers['Vary']
    assert_no_cors(res)


def test_every_response_of_a_route_with_origins_varies_on_origin():
    app = make({'restkit.cors.origins': A})
    assert app.get('/posts').headers['Vary'] == 'Accept, Origin'
    assert app.post_json('/posts', {}).headers['Vary'] == 'Accept, Origin'
    assert app.delete('/posts/1').headers['Vary'] == 'Accept, Origin'
    assert app.get('/nowhere/x', status=404).headers.get('Vary') is None


def test_routes_that_are_not_the_kits_are_untouched():
    app = make({'restkit.cors.origins': '*'})
    res = app.get('/plain', headers={'Origin': A})
    assert 'Vary' not in res.headers
    assert_no_cors(res)
    res = app.options('/plain', headers=preflight(A, 'PUT'))
    assert res.text == 'plain OPTIONS'
    assert_no_cors(res)


def test_star_without_credentials_answers_star():
    app = make({'restkit.cors.origins': '*'})
    res = app.get('/posts/1', headers={'Origin': B})
    assert res.headers['Access-Control-Allow-Origin'] == '*'
    assert 'Origin' in res.headers['Vary']
    res = app.options('/posts/1', headers=preflight(A, 'DELETE'), status=204)
    assert res.headers['Access-Control-Allow-Origin'] == '*'
    # null and malformed origins are never allowed, even by *
    for origin in (
        'null',
        'garbage',
        'https://a.example/path',
        A + 'x' * 3000,
    ):
        res = app.get('/posts/1', headers={'Origin': origin})
        assert_no_cors(res)
        assert 'Origin' in res.headers['Vary']


def test_star_with_credentials_echoes_the_origin():
    app = make({'restkit.cors.origins': '*', 'restkit.cors.credentials': 'on'})
    res = app.get('/posts/1', headers={'Origin': B})
    assert_allowed(res, B)
    assert res.headers['Access-Control-Allow-Credentials'] == 'true'
    res = app.options('/posts/1', headers=preflight(B, 'PUT'), status=204)
    assert_allowed(res, B)
    assert res.headers['Access-Control-Allow-Credentials'] == 'true'
    assert res.headers['Access-Control-Expose-Headers'] == KIT_EXPOSE
    assert_no_cors(app.get('/posts/1', headers={'Origin': 'null'}))


def test_listed_origins_with_credentials():
    app = make({'restkit.cors.origins': A, 'restkit.cors.credentials': True})
    res = app.get('/posts/1', headers={'Origin': A})
    assert_allowed(res)
    assert res.headers['Access-Control-Allow-Credentials'] == 'true'


def app_views(config):
    def on_boom(exc, request):
        return Response('app says boom', status=409)

    def not_found(request):
        return Response('app not found', status=404)

    config.add_exception_view(on_boom, context=Boom)
    config.add_notfound_view(not_found)


@pytest.mark.parametrize(
    ('method', 'path', 'kwargs', 'status'),
    [
        ('get', '/posts/anonymous', {}, 401),
        ('get', '/posts/missing', {}, 404),
        ('patch', '/posts/1', {}, 405),
        ('get', '/posts/1', {'headers': {'Accept': 'image/png'}}, 406),
        ('put', '/posts/1', {'params': b'x' * 200}, 413),
        (
            'put',
            '/posts/1',
            {'params': b'a,b', 'content_type': 'text/csv'},
            415,
        ),
        (
            'put',
            '/posts/1',
            {'params': b'{', 'content_type': 'application/json'},
            400,
        ),
        ('get', '/posts/boom', {}, 500),
        ('get', '/posts/%ff', {}, 400),
        ('get', '/posts/1?x=%ff', {}, 400),
    ],
)
def test_errors_carry_the_cors_headers(method, path, kwargs, status):
    app = make({'restkit.cors.origins': A, 'restkit.max_body_size': '100'})
    headers = {'Origin': A, **kwargs.pop('headers', {})}
    res = getattr(app, method)(path, headers=headers, status=status, **kwargs)
    assert res.content_type == 'application/problem+json'
    assert_allowed(res)
    assert res.headers['Access-Control-Expose-Headers'] == KIT_EXPOSE
    # another origin: the cross-origin protection refuses a PUT first
    res = getattr(app, method)(
        path,
        headers={**headers, 'Origin': B},
        status=403 if method == 'put' else status,
        **kwargs,
    )
    assert 'Origin' in res.headers['Vary']
    assert_no_cors(res)


def test_the_applications_own_error_views_get_them_too():
    app = make({'restkit.cors.origins': A}, setup=app_views)
    res = app.get('/posts/app-error', headers={'Origin': A}, status=409)
    assert res.text == 'app says boom'
    assert_allowed(res)
    res = app.get('/posts/missing', headers={'Origin': A}, status=404)
    assert res.text == 'app not found'
    assert_allowed(res)


def test_a_factory_error_gets_them_and_the_factory_is_kept():
    def factory(request):
        if request.matchdict.get('id') == 'gone':
            raise HTTPNotFound()
        return {'context': True}

    app = make({'restkit.cors.origins': A}, factory=factory)
    assert_allowed(app.get('/posts/gone', headers={'Origin': A}, status=404))
    res = app.get('/posts/1', headers={'Origin': A})
    assert_allowed(res)


def test_a_refused_method_override_carries_them():
    app = make({'restkit.cors.origins': A})
    res = app.post(
        '/posts/7',
        {'_method': 'DELETE'},
        headers={'Origin': A, 'Sec-Fetch-Site': 'cross-site'},
        status=403,
    )
    # CORS lets a page read responses, not tunnel verbs through forms
    assert res.json['reason'] == 'cross-origin'
    assert_allowed(res)
    assert DELETED == []
    res = app.post(
        '/posts/7', {'_method': 'DELETE'}, headers={'Origin': B}, status=403
    )
    assert 'Origin' in res.headers['Vary']
    assert_no_cors(res)
    # an override the kit refuses for its verb (400), before routing too
    res = app.post(
        '/posts',
        headers={
            'Origin': A,
            'Sec-Fetch-Site': 'same-origin',
            'X-HTTP-Method-Override': 'GET',
        },
        status=400,
    )
    assert res.content_type == 'application/problem+json'
    assert_allowed(res)
    # an override to a route without origins: no CORS, no Vary
    res = app.post(
        '/plain', {'_method': 'DELETE'}, headers={'Origin': A}, status=403
    )
    assert 'Vary' not in res.headers
    assert DELETED == []


# -- the cross-origin protection -----------------------------------------


def test_listed_origins_pass_the_cross_origin_protection():
    app = make({'restkit.cors.origins': A})
    res = app.put_json(
        '/posts/1',
        {'x': 1},
        headers={'Origin': A, 'Sec-Fetch-Site': 'cross-site'},
    )
    assert res.json == {'put': {'x': 1}}
    assert_allowed(res)
    res = app.put_json('/posts/1', {}, headers={'Origin': B}, status=403)
    assert res.json['reason'] == 'cross-origin'
    assert_no_cors(res)
    # a cross-site request without Origin is not listed
    app.delete(
        '/posts/1', headers={'Sec-Fetch-Site': 'cross-site'}, status=403
    )


def test_star_exempts_no_origin_from_the_protection():
    app = make({'restkit.cors.origins': '*'})
    res = app.delete('/posts/1', headers={'Origin': A}, status=403)
    assert res.json['reason'] == 'cross-origin'
    # the page may read the refusal
    assert res.headers['Access-Control-Allow-Origin'] == '*'
    assert DELETED == []


def test_the_protection_follows_the_origins_of_each_verb():
    app = make({'restkit.cors.origins': A})
    app.put('/tags/1', headers={'Origin': B}, status=200)
    app.put('/tags/1', headers={'Origin': A}, status=403)


# -- cors_origins= and the cost --------------------------------------------


def routes_of(app):
    mapper = app.app.registry.getUtility(IRoutesMapper)
    return {route.name: route for route in mapper.get_routes()}


def test_without_cors_settings_routes_pay_nothing():
    app = make()
    routes = routes_of(app)
    assert not any(
        isinstance(route.factory, CorsFactory)
        for name, route in routes.items()
        if name != 'tags.item'
    )
    res = app.get('/posts/1', headers={'Origin': A})
    assert res.headers['Vary'] == 'Accept'
    assert_no_cors(res)
    res = app.options('/posts/1', headers=preflight(A, 'PUT'), status=204)
    assert_no_cors(res)
    # Tags.put has origins: only its route asks for CORS headers
    assert isinstance(routes['tags.item'].factory, CorsFactory)
    assert_allowed(app.options('/tags/1', headers=preflight(B, 'PUT')), B)
    # the documentation routes follow the (absent) settings
    app.options('/openapi.json', headers=preflight(A, 'GET'), status=404)


def test_cors_origins_replaces_the_setting_for_a_resource():
    app = make({'restkit.cors.origins': A}, cors_origins=[B])
    assert_allowed(app.get('/posts', headers={'Origin': B}), B)
    assert_no_cors(app.get('/posts', headers={'Origin': A}))
    # the resource turns CORS off: no factory at work, no Vary
    app = make({'restkit.cors.origins': A}, cors_origins=[])
    assert routes_of(app)['posts.item'].factory.cors is None
    res = app.get('/posts/1', headers={'Origin': A})
    assert res.headers['Vary'] == 'Accept'
    assert_no_cors(res)
    res = app.options('/posts/1', headers=preflight(A, 'GET'))
    assert_no_cors(res)


def test_a_collection_without_get():
    class Inbox:
        def __init__(self, request):
            self.request = request

        def collection_post(self):
            return {'ok': True}

    def setup(config):
        config.add_resource(Inbox, collection_path='/inbox', cors_origins='*')

    app = make(setup=setup)
    res = app.options('/inbox', headers=preflight(A, 'POST'), status=204)
    assert res.headers['Access-Control-Allow-Methods'] == 'POST, OPTIONS'
    assert res.headers['Access-Control-Allow-Origin'] == '*'


def test_an_existing_vary_origin_is_kept_once():
    class Own:
        def __init__(self, request):
            self.request = request

        def get(self):
            response = self.request.response
            response.vary = ('Origin',)
            return {'own': True}

    def setup(config):
        config.add_resource(Own, path='/own/{id}', cors_origins=[A])

    app = make(setup=setup)
    res = app.get('/own/1', headers={'Origin': A})
    assert res.headers['Vary'] == 'Origin, Accept'
    assert_allowed(res)


# -- the documentation routes ----------------------------------------------


def test_the_documentation_routes_follow_the_settings():
    app = make({'restkit.cors.origins': A, 'restkit.cors.max_age': 5})
    res = app.get('/openapi.json', headers={'Origin': A})
    assert_allowed(res)
    assert res.headers['Access-Control-Expose-Headers'] == KIT_EXPOSE
    res = app.options('/openapi.json', headers=preflight(A, 'GET'), status=204)
    assert_allowed(res)
    assert res.headers['Access-Control-Allow-Methods'] == 'GET, HEAD, OPTIONS'
    assert res.headers['Access-Control-Max-Age'] == '5'
    res = app.options('/openapi.yaml', headers=preflight(B, 'GET'), status=204)
    assert res.headers['Allow'] == 'GET, HEAD, OPTIONS'
    assert_no_cors(res)
    assert res.headers['Vary'] == 'Origin'
    res = app.get('/openapi.yaml', headers={'Origin': B})
    assert_no_cors(res)


def test_the_document_and_prestkit_still_describe_the_options():
    from pathlib import Path

    from pyramid_restkit import get_openapi
    from pyramid_restkit.scripts.prestkit import operation_rows

    app = make({'restkit.cors.origins': A})
    registry = app.app.registry
    document = get_openapi(registry)
    assert 'options' in document['paths']['/tags/{id}']
    rows = {
        (row['route'], row['verb']): row
        for row in operation_rows(registry, Path.cwd())
    }
    assert rows['tags.item', 'OPTIONS']['method'] == 'options'
    assert rows['posts.item', 'OPTIONS']['method'] is None


def test_origins_for_plain_options_only():
    class Notes:
        def __init__(self, request):
            self.request = request

        def get(self):
            return {'note': 1}

        @operation(cors_origins=[A])
        def options(self):
            return None

    def setup(config):
        config.add_resource(Notes, path='/notes/{id}')

    routes = routes_of(app := make(setup=setup))
    assert isinstance(routes['notes.item'].factory, CorsFactory)
    assert not isinstance(routes['posts.item'].factory, CorsFactory)
    assert_allowed(app.options('/notes/1', headers={'Origin': A}))
    assert_no_cors(app.get('/notes/1', headers={'Origin': A}))
