"""The application's own views still win over the kit's 401/403.

API.md: "The application's forbidden view still wins" (a forbidden view
that redirects to a login page keeps working), and routes that are not
the kit's are untouched.
"""

from __future__ import annotations

from typing import Any

import pytest
from pyramid.httpexceptions import HTTPError, HTTPFound

from pyramid_restkit import problem_response
from pyramid_restkit.auth import BasicAuthPolicy
from tests.auth.helpers import Calls, Root, add_posts, basic


@pytest.fixture
def config(config: Any) -> Any:
    config.set_security_policy(BasicAuthPolicy(Calls().basic))
    add_posts(config)
    return config


def to_login(exc: Any, request: Any) -> Any:
    if request.authenticated_userid is None:
        return HTTPFound(location=request.route_url('login'))
    return problem_response(request, 403, 'Ask an editor.')


def test_a_forbidden_view_that_redirects_to_a_login_page(config, make_app):
    config.add_route('login', '/login')
    config.add_view(
        lambda request: 'log in', route_name='login', renderer='string'
    )
    config.add_forbidden_view(to_login)
    app = make_app()
    res = app.get('/posts/1', status=302)
    assert res.location == 'http://localhost/login'
    assert 'WWW-Authenticate' not in res.headers
    assert res.follow().text == 'log in'
    # the view also answers authenticated refusals, in the negotiated format
    res = app.put(
        '/posts/1',
        '<title>x</title>',
        content_type='application/xml',
        headers={'Accept': 'application/xml', **basic('bob', 'builder')},
        status=403,
    )
    assert res.content_type == 'application/problem+xml'
    assert 'Ask an editor.' in res.text


def test_a_forbidden_view_with_its_own_answer(config, make_app) -> None:
    def forbidden(exc: Any, request: Any) -> Any:
        request.response.status = 418
        return {'mine': True}

    config.add_forbidden_view(forbidden, renderer='json')
    app = make_app()
    assert app.get('/posts/1', status=418).json == {'mine': True}


def test_an_application_httperror_view_sees_the_refusal(config, make_app):
    seen: list[Any] = []

    def hook(exc: Any, request: Any) -> Any:
        seen.append((type(exc).__name__, exc.code))
        return problem_response(request, exc.code, 'hooked')

    config.add_exception_view(hook, context=HTTPError)
    app = make_app()
    res = app.get('/posts/1', status=403)
    assert res.json['detail'] == 'hooked'
    assert 'WWW-Authenticate' not in res.headers
    assert seen == [('HTTPForbidden', 403)]


def test_routes_that_are_not_the_kits_are_untouched(config, make_app):
    config.add_route('plain', '/plain')
    config.add_view(
        lambda request: 'secret',
        route_name='plain',
        renderer='string',
        permission='edit',
        context=Root,
    )
    app = make_app()
    res = app.get('/plain', status=403)
    # Pyramid's own forbidden response: no problem, no challenge
    assert res.content_type == 'text/plain'
    assert '403 Forbidden' in res.text
    assert 'WWW-Authenticate' not in res.headers
    assert app.get('/plain', headers=basic('alice', 'wonderland')).text == (
        'secret'
    )
