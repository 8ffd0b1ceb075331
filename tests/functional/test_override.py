"""Method override: X-HTTP-Method-Override and the _method form field."""

from __future__ import annotations

import colander
import pytest
import webtest
from pyramid.config import Configurator
from pyramid.interfaces import IRoutesMapper
from pyramid.request import Request

from pyramid_restkit import original_method


class Thing(colander.MappingSchema):
    name = colander.SchemaNode(colander.String())


class Things:
    def __init__(self, request):
        self.request = request

    def _seen(self, **extra):
        return dict(
            method=self.request.method,
            original=original_method(self.request),
            **extra,
        )

    def get(self):
        return self._seen()

    def put(self):
        return self._seen(validated=self.request.validated)

    def patch(self):
        return self._seen(post=dict(self.request.POST))

    def delete(self):
        self.request.response.headers['X-Seen'] = self._seen()['original']


@pytest.fixture
def app(config, make_app):
    config.add_resource(Things, path='/things/{id}')
    config.add_resource(Things, name='typed', path='/typed/{id}', schema=Thing)
    return make_app()


@pytest.mark.parametrize('value', ['DELETE', 'delete', ' Delete '])
def test_header_override_is_case_insensitive(app, value):
    res = app.post('/things/1', headers={'X-HTTP-Method-Override': value})
    assert res.status_int == 204
    assert res.headers['X-Seen'] == 'POST'


def test_header_override_to_put_validates_the_body(app):
    res = app.post_json(
        '/typed/1',
        {'name': 'x'},
        headers={'X-HTTP-Method-Override': 'PUT'},
    )
    assert res.json == {
        'method': 'PUT',
        'original': 'POST',
        'validated': {'name': 'x'},
    }


def test_form_field_override_is_removed_from_form(app):
    res = app.post('/things/1', {'_method': 'PATCH', 'colour': 'red'})
    assert res.json == {
        'method': 'PATCH',
        'original': 'POST',
        'post': {'colour': 'red'},
    }


def test_multipart_form_field_override(app):
    res = app.post(
        '/things/1',
        {'_method': 'patch', 'colour': 'blue'},
        content_type='multipart/form-data',
    )
    assert res.json['method'] == 'PATCH'
    assert res.json['post'] == {'colour': 'blue'}


def test_override_is_ignored_on_get(app):
    res = app.get('/things/1', headers={'X-HTTP-Method-Override': 'DELETE'})
    assert res.json == {'method': 'GET', 'original': 'GET'}


def test_no_override_keeps_post_and_405(app):
    res = app.post('/things/1', status=405)
    assert 'POST' not in res.headers['Allow']


def test_override_to_unlisted_verb_is_400(app):
    for target in ('GET', 'TRACE', 'OPTIONS', 'POST', 'FOO'):
        res = app.post(
            '/things/1',
            headers={'X-HTTP-Method-Override': target},
            status=400,
        )
        assert res.content_type == 'application/problem+json'
        assert res.json['status'] == 400
        assert 'override' in res.json['detail']


def test_duplicate_method_fields_are_400(app):
    res = app.post(
        '/things/1', [('_method', 'PUT'), ('_method', 'PATCH')], status=400
    )
    assert 'exactly one' in res.json['detail']


def test_truncated_multipart_stays_a_post(app):
    res = app.post(
        '/things/1',
        b'--xx\r\nContent-Disposition: form-data; name="a"\r\n\r\n'
        b'unterminated',
        content_type='multipart/form-data; boundary=xx',
        status=405,
    )
    assert res.content_type == 'application/problem+json'


def post_raw(app, path, body, content_type, **headers):
    """POST as given (webtest adds a boundary to a multipart type)."""
    request = Request.blank(
        path,
        method='POST',
        body=body,
        content_type=content_type,
        headers=headers,
    )
    return request.get_response(app.app)


NO_BOUNDARY = b'--xx\r\nContent-Disposition: form-data; name="_method"\r\n'


def test_multipart_without_boundary_is_no_override(app):
    # No form parser can read it, so no _method field is found: the route
    # answers as for any POST (here: the class has no post).
    res = post_raw(app, '/things/1', NO_BOUNDARY, 'multipart/form-data')
    assert res.status_int == 405
    assert res.json['status'] == 405


def test_multipart_without_boundary_elsewhere_is_not_the_tweens(app):
    res = post_raw(app, '/nowhere', NO_BOUNDARY, 'multipart/form-data')
    assert res.status_int == 404


def test_multipart_without_boundary_is_the_parsers_400(config, make_app):
    class Posts:
        def __init__(self, request):
            self.request = request

        def collection_post(self):
            return self.request.validated

    config.add_resource(Posts, collection_path='/posts', schema=Thing)
    res = post_raw(
        make_app(),
        '/posts',
        NO_BOUNDARY,
        'multipart/form-data',
        Accept='application/xml',
    )
    assert res.status_int == 400
    assert res.content_type == 'application/problem+xml'
    assert b'method-override' not in res.body


def test_multipart_without_boundary_reaches_a_plain_view(config, make_app):
    config.add_route('plain', '/plain')
    config.add_view(
        lambda request: {'method': request.method},
        route_name='plain',
        renderer='json',
    )
    res = post_raw(make_app(), '/plain', NO_BOUNDARY, 'multipart/form-data')
    assert res.json == {'method': 'POST'}


BAD = {'X-HTTP-Method-Override': 'TRACE'}


@pytest.mark.parametrize(
    ('path', 'headers', 'content_type'),
    [
        (
            '/things/1',
            {'Accept': 'application/xml'},
            'application/problem+xml',
        ),
        (
            '/things/1',
            {'Accept': 'application/yaml; charset=utf-8'},
            'application/problem+yaml',
        ),
        ('/things/1.xml', {}, 'application/problem+xml'),
        ('/things/1?format=yaml', {}, 'application/problem+yaml'),
        (
            '/things/1.yaml',
            {'Accept': 'application/xml'},
            'application/problem+yaml',
        ),
        ('/things/1', {'Accept': 'image/png'}, 'application/problem+json'),
        ('/things/1', {}, 'application/problem+json'),
    ],
)
def test_override_error_is_negotiated(app, path, headers, content_type):
    res = app.post(path, headers={**BAD, **headers}, status=400)
    assert res.content_type == content_type
    assert b'TRACE' in res.body
    assert b'method-override' in res.body
    assert ('Vary' in res.headers) == ('.' not in path and '?' not in path)


def test_override_error_of_the_form_is_negotiated(app):
    res = app.post(
        '/things/1.xml', [('_method', 'PUT'), ('_method', 'PATCH')], status=400
    )
    assert res.content_type == 'application/problem+xml'
    assert b'exactly one' in res.body


@pytest.mark.parametrize('settings', [{'restkit.default_media_type': 'yaml'}])
def test_override_error_follows_the_resource_default(config, make_app):
    config.add_resource(Things, path='/things/{id}', default_media_type='xml')
    res = make_app().post('/things/1', headers=BAD, status=400)
    assert res.content_type == 'application/problem+xml'


def test_application_error_view_sees_override_errors(config, make_app):
    from pyramid.httpexceptions import HTTPBadRequest

    def mine(exc, request):
        request.response.status = 400
        return {'mine': exc.detail, 'route': request.matched_route.name}

    config.add_exception_view(mine, context=HTTPBadRequest, renderer='json')
    config.add_resource(Things, path='/things/{id}')
    res = make_app().post('/things/1', headers=BAD, status=400)
    assert res.json['route'] == 'things.item'
    assert 'TRACE' in res.json['mine']


def test_override_error_on_a_plain_route_is_pyramids(config, make_app):
    config.add_route('plain', '/plain')
    config.add_view(lambda request: {}, route_name='plain', renderer='json')
    app = make_app()
    res = app.post(
        '/plain', headers={**BAD, 'Accept': 'application/json'}, status=400
    )
    assert res.content_type == 'application/json'
    assert 'TRACE' in res.json['message']
    res = app.post('/nowhere', headers=BAD, status=400)
    assert 'TRACE' in res.text


def test_route_specific_exception_view_sees_override_errors(config, make_app):
    from pyramid_restkit.errors import MethodOverrideError

    config.add_route('plain', '/plain')
    config.add_view(lambda request: {}, route_name='plain', renderer='json')
    config.add_exception_view(
        lambda exc, request: {'plain': exc.detail},
        context=MethodOverrideError,
        route_name='plain',
        renderer='json',
    )
    app = make_app()
    assert 'TRACE' in app.post('/plain', headers=BAD).json['plain']
    res = app.post('/other', headers=BAD, status=400)
    assert 'TRACE' in res.text


def test_override_error_without_routes_is_pyramids():
    # Traversal: the application has no route at all.
    config = Configurator(
        settings={'restkit.openapi': 'false'}, autocommit=False
    )
    config.include('pyramid_restkit')
    config.add_view(lambda request: {}, renderer='json')
    app = webtest.TestApp(config.make_wsgi_app())
    assert app.app.registry.queryUtility(IRoutesMapper) is None
    res = app.post('/', headers=BAD, status=400)
    assert 'TRACE' in res.text


def test_override_error_on_an_undecodable_path(app):
    res = app.post(
        '/things/%ff', headers={**BAD, 'Accept': 'application/xml'}, status=400
    )
    assert res.content_type == 'application/problem+xml'
    assert b'not valid UTF-8' in res.body


def test_override_works_for_plain_pyramid_views(config, make_app):
    def delete_view(request):
        return {'method': request.method, 'original': original_method(request)}

    config.add_route('plain', '/plain')
    config.add_view(
        delete_view,
        route_name='plain',
        request_method='DELETE',
        renderer='json',
    )
    app = make_app()
    res = app.post('/plain', headers={'X-HTTP-Method-Override': 'DELETE'})
    assert res.json == {'method': 'DELETE', 'original': 'POST'}


@pytest.mark.parametrize(
    'settings', [{'restkit.method_override.methods': 'DELETE'}]
)
def test_allowed_targets_follow_the_setting(app):
    app.post(
        '/things/1', headers={'X-HTTP-Method-Override': 'DELETE'}, status=204
    )
    app.post(
        '/things/1', headers={'X-HTTP-Method-Override': 'PUT'}, status=400
    )


@pytest.mark.parametrize('settings', [{'restkit.method_override': 'false'}])
def test_override_can_be_disabled(app):
    res = app.post(
        '/things/1', headers={'X-HTTP-Method-Override': 'DELETE'}, status=405
    )
    assert res.json['status'] == 405


def test_csrf_still_applies_after_override():
    config = Configurator(settings={}, autocommit=False)
    config.include('pyramid_restkit')
    config.set_default_csrf_options(require_csrf=True)
    from pyramid.session import SignedCookieSessionFactory

    config.set_session_factory(SignedCookieSessionFactory('secret'))
    config.add_resource(Things, path='/things/{id}')
    app = webtest.TestApp(config.make_wsgi_app())
    res = app.post(
        '/things/1',
        headers={'X-HTTP-Method-Override': 'DELETE'},
        status=400,
    )
    assert res.content_type == 'application/problem+json'
    assert res.json['detail'] == 'The CSRF token is missing or invalid.'
