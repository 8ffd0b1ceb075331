"""Method override: X-HTTP-Method-Override and the _method form field."""

from __future__ import annotations

import colander
import pytest
import webtest
from pyramid.config import Configurator
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


def test_multipart_without_boundary_is_400(app):
    # webtest would add a boundary to this Content-Type: call the app.
    request = Request.blank(
        '/things/1',
        method='POST',
        body=b'--xx\r\nfoo',
        content_type='multipart/form-data',
    )
    res = request.get_response(app.app)
    assert res.status_int == 400
    assert res.json['detail'] == 'The form body is malformed.'


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
