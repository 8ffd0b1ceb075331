"""Cross-origin protection (API.md, Cross-origin requests).

Unsafe requests a browser sent from another origin are refused (403) on
restkit routes, judged as the browser sent them; the method override
refuses to override them on any route; non-browser clients pass.
"""

from __future__ import annotations

import pytest
import webtest
from pyramid.config import Configurator
from pyramid.response import Response

from pyramid_restkit.crossorigin import is_cross_origin

DELETED: list[str] = []


class Posts:
    def __init__(self, request):
        self.request = request

    def collection_get(self):
        return []

    def collection_post(self):
        return {'created': True}

    def get(self):
        return {'id': self.request.matchdict['id']}

    def delete(self):
        DELETED.append(self.request.matchdict['id'])


def plain(request):
    return Response(f'plain {request.method}')


def make(settings=None):
    config = Configurator(settings=settings or {}, autocommit=False)
    config.include('pyramid_restkit')
    config.add_resource(Posts, collection_path='/posts', path='/posts/{id}')
    config.add_route('plain', '/plain')
    config.add_view(plain, route_name='plain')
    return webtest.TestApp(config.make_wsgi_app())


@pytest.fixture(autouse=True)
def clear():
    DELETED.clear()


CROSS_SITE = {'Sec-Fetch-Site': 'cross-site', 'Origin': 'https://evil.test'}


@pytest.mark.parametrize(
    ('headers', 'refused'),
    [
        ({}, False),  # curl, generated clients
        ({'Sec-Fetch-Site': 'same-origin'}, False),
        ({'Sec-Fetch-Site': 'none'}, False),  # typed in the address bar
        ({'Sec-Fetch-Site': 'cross-site'}, True),
        ({'Sec-Fetch-Site': 'same-site'}, True),
        ({'Origin': 'http://localhost:80'}, False),  # webtest's Host
        ({'Origin': 'https://localhost:80'}, False),  # the scheme is ignored
        ({'Origin': 'http://localhost'}, True),  # compared as written
        ({'Origin': 'http://other.test'}, True),
        ({'Origin': 'null'}, True),
    ],
)
def test_unsafe_requests_from_another_origin_are_refused(headers, refused):
    app = make()
    res = app.post_json(
        '/posts', {}, headers=headers, status=403 if refused else 200
    )
    if refused:
        assert res.content_type == 'application/problem+json'
        assert res.json['status'] == 403
        assert res.json['reason'] == 'cross-origin'
        assert 'another origin' in res.json['detail']
    # safe methods always pass
    app.get('/posts', headers=headers, status=200)
    app.options('/posts', headers=headers, status=204)


def test_trusted_origins_pass():
    app = make({'restkit.trusted_origins': 'https://app.test https://b.test'})
    app.post_json(
        '/posts',
        {},
        headers={'Sec-Fetch-Site': 'cross-site', 'Origin': 'https://b.test'},
        status=200,
    )
    app.post_json('/posts', {}, headers=CROSS_SITE, status=403)


def test_the_protection_can_be_turned_off():
    app = make({'restkit.cross_origin_protection': 'false'})
    app.post_json('/posts', {}, headers=CROSS_SITE, status=200)


def test_a_cross_site_form_with_method_delete_deletes_nothing():
    app = make()
    res = app.post(
        '/posts/7',
        {'_method': 'DELETE'},
        headers=CROSS_SITE,
        status=403,
    )
    assert res.json['reason'] == 'cross-origin'
    assert DELETED == []
    # the same override with the header
    app.post(
        '/posts/7',
        headers={**CROSS_SITE, 'X-HTTP-Method-Override': 'DELETE'},
        status=403,
    )
    assert DELETED == []
    # from the same origin (the demo's own forms), it works
    app.post(
        '/posts/7',
        {'_method': 'DELETE'},
        headers={'Sec-Fetch-Site': 'same-origin'},
        status=204,
    )
    assert DELETED == ['7']


def test_the_override_refuses_cross_site_requests_on_any_route():
    app = make()
    res = app.post(
        '/plain',
        {'_method': 'DELETE'},
        headers=CROSS_SITE,
        status=403,
    )
    # a plain route: Pyramid's own 403, not a kit problem
    assert 'plain' not in res.text
    # a plain route without an override is the application's business
    assert app.post('/plain', headers=CROSS_SITE).text == 'plain POST'


def test_a_cross_origin_refusal_comes_before_the_permission():
    from pyramid.authorization import ACLHelper, Everyone

    class Policy:
        def identity(self, request):
            return None

        def authenticated_userid(self, request):
            return None

        def permits(self, request, context, permission):
            return ACLHelper().permits(context, [Everyone], permission)

    config = Configurator(autocommit=False)
    config.include('pyramid_restkit')
    config.set_security_policy(Policy())
    config.add_resource(
        Posts, collection_path='/posts', path='/posts/{id}', permission='x'
    )
    app = webtest.TestApp(config.make_wsgi_app())
    refused = app.post_json('/posts', {}, headers=CROSS_SITE, status=403)
    assert refused.json['reason'] == 'cross-origin'
    denied = app.post_json('/posts', {}, status=403)
    assert 'reason' not in denied.json
    # 405 first
    app.put('/posts', headers=CROSS_SITE, status=405)


@pytest.mark.parametrize(
    ('environ', 'method', 'expected'),
    [
        ({'HTTP_ORIGIN': 'http://[::1'}, 'POST', True),  # malformed
        (
            {'HTTP_ORIGIN': 'https://a.test', 'HTTP_HOST': 'A.test'},
            'PUT',
            False,
        ),
        ({'HTTP_SEC_FETCH_SITE': 'cross-site'}, 'GET', False),
        ({'HTTP_SEC_FETCH_SITE': 'cross-site'}, 'PATCH', True),
    ],
)
def test_is_cross_origin(environ, method, expected):
    assert is_cross_origin(environ, method, frozenset()) is expected
