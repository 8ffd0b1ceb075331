"""401 or 403 on restkit routes, through a real application.

API.md: a denied permission is a 401 with one ``WWW-Authenticate``
challenge per configured scheme when the request is unauthenticated, a
403 when it is authenticated; a policy without challenges answers 403;
malformed ``Authorization`` headers are unauthenticated requests.
"""

from __future__ import annotations

import base64
from typing import Any

import pytest
import webtest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from pyramid.httpexceptions import HTTPForbidden, HTTPUnauthorized

from pyramid_restkit.auth import (
    BasicAuthPolicy,
    BearerTokenPolicy,
    MultiAuthPolicy,
)
from tests.auth.helpers import Calls, add_posts, basic, bearer
from tests.auth.test_headers import BAD_BASIC

BASIC = 'Basic realm="api", charset="UTF-8"'


@pytest.fixture
def calls() -> Calls:
    return Calls()


@pytest.fixture
def basic_app(config: Any, make_app: Any, calls: Calls) -> webtest.TestApp:
    config.set_security_policy(BasicAuthPolicy(calls.basic))
    add_posts(config)
    app: webtest.TestApp = make_app()
    return app


@pytest.fixture
def multi_app(config: Any, make_app: Any, calls: Calls) -> webtest.TestApp:
    config.set_security_policy(
        MultiAuthPolicy(
            BasicAuthPolicy(calls.basic, realm='posts'),
            BearerTokenPolicy(calls.bearer, realm='posts'),
        )
    )
    add_posts(config)
    app: webtest.TestApp = make_app()
    return app


def assert_401(res: Any, *challenges: str) -> None:
    assert res.status_int == 401
    assert res.headers.getall('WWW-Authenticate') == list(challenges)
    assert res.content_type == 'application/problem+json'
    assert res.json == {
        'type': 'about:blank',
        'title': 'Unauthorized',
        'status': 401,
        'detail': 'Authentication is required here.',
    }


def test_basic_accepts_good_credentials(basic_app, calls) -> None:
    res = basic_app.get('/posts/7', headers=basic('alice', 'wonderland'))
    assert res.json == {'id': '7', 'user': 'alice'}
    # once, although Pyramid and the method asked four times
    assert calls.seen == [('alice', 'wonderland')]


def test_basic_refuses_bad_credentials_with_a_401(basic_app, calls) -> None:
    res = basic_app.get('/posts/7', status=401)
    assert_401(res, BASIC)
    assert calls.seen == []
    res = basic_app.get(
        '/posts/7', headers=basic('alice', 'wrong'), status=401
    )
    assert_401(res, BASIC)
    assert calls.seen == [('alice', 'wrong')]


def test_an_authenticated_request_without_the_permission_is_a_403(
    basic_app,
) -> None:
    res = basic_app.put_json(
        '/posts/7', {'title': 'x'}, headers=basic('bob', 'builder'), status=403
    )
    assert 'WWW-Authenticate' not in res.headers
    assert res.json == {
        'type': 'about:blank',
        'title': 'Forbidden',
        'status': 403,
        'detail': 'PUT is not allowed here for you.',
    }
    # nothing names the permission or the view
    assert 'edit' not in res.text and 'Posts' not in res.text
    # ACL groups: alice is an editor
    ok = basic_app.put_json(
        '/posts/7', {'title': 'x'}, headers=basic('alice', 'wonderland')
    )
    assert ok.json == {'title': 'x'}


def test_bearer(config, make_app, calls) -> None:
    config.set_security_policy(BearerTokenPolicy(calls.bearer))
    add_posts(config)
    app = make_app()
    assert app.get('/posts/1', headers=bearer('bob.token')).json == {
        'id': '1',
        'user': 'bob',
    }
    assert_401(app.get('/posts/1', status=401), 'Bearer realm="api"')
    refused = 'Bearer realm="api", error="invalid_token"'
    assert_401(
        app.get('/posts/1', headers=bearer('stolen'), status=401), refused
    )
    # a malformed token is refused too (check never sees it)
    assert_401(
        app.get('/posts/1', headers=bearer('a b,c'), status=401), refused
    )
    assert_401(
        app.get('/posts/1', headers={'Authorization': 'Bearer'}, status=401),
        refused,
    )
    # other schemes are no token
    assert_401(
        app.get('/posts/1', headers=basic('bob', 'builder'), status=401),
        'Bearer realm="api"',
    )
    assert calls.seen == ['bob.token', 'stolen']
    app.put_json(
        '/posts/1', {'title': 'x'}, headers=bearer('bob.token'), status=403
    )


def test_multi_offers_every_challenge(multi_app, calls) -> None:
    challenges = (
        'Basic realm="posts", charset="UTF-8"',
        'Bearer realm="posts"',
    )
    assert_401(multi_app.get('/posts/1', status=401), *challenges)
    assert multi_app.get('/posts/1', headers=bearer('t0k3n-alice')).json[
        'user'
    ] == ('alice')
    assert multi_app.get('/posts/1', headers=basic('bob', 'builder')).json[
        'user'
    ] == ('bob')
    res = multi_app.get('/posts/1', headers=bearer('nope'), status=401)
    assert_401(res, challenges[0], challenges[1] + ', error="invalid_token"')
    # the bearer identity is a str: no groups, so no edit
    multi_app.put_json(
        '/posts/1',
        {'title': 'x'},
        headers=bearer('t0k3n-alice'),
        status=403,
    )


@pytest.mark.parametrize(
    'value',
    [
        v
        for v in BAD_BASIC
        if v is not None and v.isprintable() and v != 'Bearer abc'
    ]
    + ['Basic YWxpY2U6d29uZGVybGFuZA==, Bearer t0k3n-alice'],
)
def test_malformed_headers_are_unauthenticated(multi_app, calls, value):
    res = multi_app.get(
        '/posts/1', headers={'Authorization': value}, status=401
    )
    assert res.headers.getall('WWW-Authenticate')[0].startswith('Basic ')
    assert calls.seen == []


@pytest.mark.parametrize(
    'raw',
    [
        b'Basic \xff\xfe',
        b'Bearer t\xc3\xb6k',
        b'\xe9\x00\x01',
        b'Basic YWxpY2U6d29uZGVybGFuZA==\tx',
    ],
)
def test_raw_bytes_in_the_header_are_unauthenticated(multi_app, calls, raw):
    # as a WSGI server passes them: ISO-8859-1 text
    res = multi_app.get(
        '/posts/1',
        extra_environ={'HTTP_AUTHORIZATION': raw.decode('latin-1')},
        status=401,
    )
    assert len(res.headers.getall('WWW-Authenticate')) == 2
    assert calls.seen == []


def test_the_8_kib_limit(basic_app, calls) -> None:
    header = basic('alice', 'wonderland')['Authorization']
    at_limit = header + ' ' * (8192 - len(header))
    basic_app.get('/posts/1', headers={'Authorization': at_limit})
    basic_app.get(
        '/posts/1', headers={'Authorization': at_limit + ' '}, status=401
    )
    assert calls.seen == [('alice', 'wonderland')]


@pytest.mark.parametrize(
    ('accept', 'content_type', 'parse'),
    [
        ('application/xml', 'application/problem+xml', None),
        ('application/yaml', 'application/problem+yaml', yaml.safe_load),
        ('text/html', 'text/html', None),
    ],
)
def test_401_in_the_negotiated_format(
    basic_app, accept, content_type, parse
) -> None:
    res = basic_app.get('/posts/1', headers={'Accept': accept}, status=401)
    assert res.content_type == content_type
    assert res.headers.getall('WWW-Authenticate') == [BASIC]
    assert 'Authentication is required here.' in res.text
    if parse is not None:
        assert parse(res.text)['status'] == 401
    res = basic_app.get(
        '/posts/1.xml' if accept == 'application/xml' else '/posts/1',
        headers={'Accept': accept, **basic('bob', 'x')},
        status=401,
    )
    assert res.content_type == content_type


def test_order_of_checks(basic_app, calls) -> None:
    # 405 stays 405, anonymous or not
    res = basic_app.delete('/posts/1', status=405)
    assert 'WWW-Authenticate' not in res.headers
    # the cross-origin 403 comes before the permission
    res = basic_app.post_json(
        '/posts',
        {'title': 'x'},
        headers={'Origin': 'https://evil.example', 'Host': 'localhost:80'},
        status=403,
    )
    assert res.json['reason'] == 'cross-origin'
    assert 'WWW-Authenticate' not in res.headers
    # 401 before 406, 413, 415 and a malformed body
    for kwargs in (
        {'headers': {'Accept': 'image/png'}},
        {'params': 'x' * 2_000_000, 'content_type': 'application/json'},
        {'params': 'x', 'content_type': 'text/csv'},
        {'params': '{', 'content_type': 'application/json'},
        {'params': '{}', 'content_type': 'application/json'},
    ):
        res = basic_app.post('/posts', status=401, **kwargs)
        assert res.headers.getall('WWW-Authenticate') == [BASIC]
    # then they apply to authenticated requests
    editor = basic('alice', 'wonderland')
    basic_app.get(
        '/posts/1', headers={'Accept': 'image/png', **editor}, status=406
    )
    basic_app.post(
        '/posts',
        '{',
        content_type='application/json',
        headers=editor,
        status=400,
    )


def test_options_and_public_verbs_need_no_authentication(basic_app) -> None:
    assert basic_app.options('/posts/1', status=204).headers['Allow'] == (
        'GET, HEAD, PUT, OPTIONS'
    )
    res = basic_app.head('/posts/1', status=401)
    assert res.body == b''
    assert res.headers.getall('WWW-Authenticate') == [BASIC]


class Raising:
    def __init__(self, request: Any) -> None:
        self.request = request

    def get(self) -> Any:
        how = self.request.matchdict['how']
        if how == 'unauthorized':
            raise HTTPUnauthorized('Sign in again.')
        if how == 'own-challenge':
            raise HTTPUnauthorized(
                headers={'WWW-Authenticate': 'Custom realm="x"'}
            )
        exc = HTTPForbidden('Members only.')
        if how == 'challenge':
            exc.restkit_challenge = True
        raise exc


@pytest.fixture
def raising(config, make_app, calls) -> webtest.TestApp:
    config.set_security_policy(BasicAuthPolicy(calls.basic, realm='a "b"'))
    config.add_resource(Raising, path='/raise/{how}')
    app: webtest.TestApp = make_app()
    return app


def test_a_raised_401_gets_the_challenges(raising) -> None:
    res = raising.get('/raise/unauthorized', status=401)
    assert res.headers.getall('WWW-Authenticate') == [
        'Basic realm="a \\"b\\"", charset="UTF-8"'
    ]
    assert res.json['detail'] == 'Sign in again.'
    # even when authenticated: the resource asks for other credentials
    res = raising.get(
        '/raise/unauthorized', headers=basic('bob', 'builder'), status=401
    )
    assert len(res.headers.getall('WWW-Authenticate')) == 1
    res = raising.get('/raise/own-challenge', status=401)
    assert res.headers.getall('WWW-Authenticate') == ['Custom realm="x"']


def test_forbidden_raised_by_a_resource_stays_403(raising) -> None:
    res = raising.get('/raise/plain', status=403)
    assert 'WWW-Authenticate' not in res.headers
    assert res.json['detail'] == 'Members only.'


def test_a_marked_forbidden_is_a_challenge_when_anonymous(raising) -> None:
    res = raising.get('/raise/challenge', status=401)
    assert res.headers.getall('WWW-Authenticate') == [
        'Basic realm="a \\"b\\"", charset="UTF-8"'
    ]
    assert res.json['detail'] == 'Authentication is required here.'
    res = raising.get(
        '/raise/challenge', headers=basic('bob', 'builder'), status=403
    )
    assert res.json['detail'] == 'Members only.'


class Silent:
    """A policy with no challenge scheme (or none to offer)."""

    def __init__(self, challenges: bool) -> None:
        if challenges:
            self.challenges = lambda request: []

    def identity(self, request: Any) -> None:
        return None

    def authenticated_userid(self, request: Any) -> None:
        return None

    def permits(self, request: Any, context: Any, permission: str) -> Any:
        return False

    def remember(self, request: Any, userid: Any, **kw: Any) -> list[Any]:
        return []

    def forget(self, request: Any, **kw: Any) -> list[Any]:
        return []


@pytest.mark.parametrize('challenges', [False, True])
def test_a_policy_without_challenges_answers_403(
    config, make_app, challenges
) -> None:
    config.set_security_policy(Silent(challenges))
    add_posts(config)
    app = make_app()
    res = app.get('/posts/1', status=403)
    assert 'WWW-Authenticate' not in res.headers
    assert res.json['detail'] == 'GET is not allowed here for you.'


@settings(
    max_examples=150,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(
    raw=st.one_of(
        st.binary(max_size=200),
        st.binary(max_size=200).map(lambda b: b'Basic ' + b),
        st.binary(max_size=200).map(lambda b: b'Basic ' + base64.b64encode(b)),
        st.binary(max_size=200).map(lambda b: b'Bearer ' + b),
    )
)
def test_any_header_is_a_200_or_a_401(multi_app, raw: bytes) -> None:
    res = multi_app.get(
        '/posts/1',
        extra_environ={'HTTP_AUTHORIZATION': raw.decode('latin-1')},
        expect_errors=True,
    )
    assert res.status_int in (200, 401), res.text
    if res.status_int == 401:
        assert len(res.headers.getall('WWW-Authenticate')) == 2
        assert res.json['status'] == 401
