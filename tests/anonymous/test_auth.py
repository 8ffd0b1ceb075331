"""``anonymous=`` with the kit's own policy (``pyramid_restkit.auth``):
an anonymous request for a verb only the main class has is a 401 with
the challenge (API.md, "Auth:"); signed-in requests get the main class.
"""

from __future__ import annotations

import base64
from typing import Any

import pytest
import webtest
from openapi_spec_validator import validate
from pyramid.config import Configurator

from pyramid_restkit import auth

from .blog import POSTS, add_posts, reset


def basic(user: str, password: str) -> dict[str, str]:
    token = base64.b64encode(f'{user}:{password}'.encode()).decode()
    return {'Authorization': f'Basic {token}'}


def check(credentials: tuple[str, str], request: Any) -> Any:
    user, password = credentials
    return user if password == 'secret' else None


def permits(request: Any, context: Any, permission: str) -> bool:
    return permission == 'edit' and request.authenticated_userid == 'admin'


@pytest.fixture
def app(config: Configurator, make_app: Any) -> webtest.TestApp:
    reset()
    config.set_security_policy(
        auth.BasicAuthPolicy(check, realm='blog', permits=permits)
    )
    add_posts(config)
    return make_app()


def test_anonymous_put_is_a_401_with_the_challenge(
    app: webtest.TestApp,
) -> None:
    res = app.put_json('/posts/1', {'title': 'x', 'author': 'y'}, status=401)
    assert res.headers['WWW-Authenticate'].startswith('Basic realm="blog"')
    assert res.json['status'] == 401
    assert POSTS['1']['title'] == 'Post 1'
    app.put_json(
        '/posts/1',
        {'title': 'x', 'author': 'y'},
        headers=basic('admin', 'secret'),
        status=200,
    )
    assert POSTS['1']['title'] == 'x'


def test_wrong_credentials_are_anonymous(app: webtest.TestApp) -> None:
    res = app.get('/posts/1', headers=basic('admin', 'wrong'))
    assert res.json == {'id': 1, 'title': 'Post 1'}
    signed_in = app.get('/posts/1', headers=basic('bob', 'secret'))
    assert signed_in.json['notes'] == 'internal notes 1'


def test_the_anonymous_class_permission_denied_is_a_401(
    app: webtest.TestApp,
) -> None:
    # Denied to an unauthenticated request: 401 as any denied permission.
    res = app.delete('/posts/1', status=401)
    assert 'WWW-Authenticate' in res.headers
    # Signed in, the main class's permission: bob may not edit.
    app.delete('/posts/1', headers=basic('bob', 'secret'), status=403)


def test_the_document_shows_the_challenge_of_a_main_only_verb(
    app: webtest.TestApp,
) -> None:
    document = app.get('/openapi.json').json
    validate(document)
    put = document['paths']['/posts/{id}']['put']
    assert put['security'] == [{'basicAuth': []}]
    unauthorized = put['responses']['401']
    assert 'WWW-Authenticate' in unauthorized['headers']
    assert '403' not in put['responses'] or 'cross-origin' in (
        put['responses']['403']['description'].lower()
    )
