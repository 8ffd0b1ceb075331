"""What the OpenAPI document says of the security policy.

The policy's ``openapi_security_schemes()`` in
``components.securitySchemes`` (with the declared ones), ``security``
on operations with a permission, ``401`` (with ``WWW-Authenticate``) and
``403`` where they occur; every response checked against the document.
"""

from __future__ import annotations

from typing import Any

import pytest
from pyramid.exceptions import ConfigurationExecutionError

from pyramid_restkit.auth import (
    BasicAuthPolicy,
    BearerTokenPolicy,
    MultiAuthPolicy,
)
from tests.auth.helpers import Calls, add_posts, basic, bearer
from tests.auth.test_responses import Silent
from tests.openapi.helpers import conforms, document, op


class Public:
    def __init__(self, request: Any) -> None:
        self.request = request

    def get(self) -> Any:
        return {'public': True}


def test_a_multi_policy_documents_both_schemes(config, make_app) -> None:
    calls = Calls()
    config.set_security_policy(
        MultiAuthPolicy(
            BasicAuthPolicy(calls.basic), BearerTokenPolicy(calls.bearer)
        )
    )
    add_posts(config)
    config.add_resource(
        Public, path='/public', permission='__no_permission_required__'
    )
    app = make_app()
    doc = document(app)
    assert doc['components']['securitySchemes'] == {
        'basicAuth': {'type': 'http', 'scheme': 'basic'},
        'bearerAuth': {'type': 'http', 'scheme': 'bearer'},
    }
    for path, verb in [
        ('/posts', 'get'),
        ('/posts', 'post'),
        ('/posts/{id}', 'get'),
        ('/posts/{id}', 'put'),
    ]:
        operation = op(doc, path, verb)
        assert operation['security'] == [{'basicAuth': []}, {'bearerAuth': []}]
        unauthorized = operation['responses']['401']
        assert unauthorized['description'] == 'Authentication is required.'
        assert unauthorized['headers']['WWW-Authenticate']['required']
        assert '403' in operation['responses']
    public = op(doc, '/public', 'get')
    assert 'security' not in public
    assert not {'401', '403'} & set(public['responses'])
    # what the application answers is what the document says
    conforms(doc, '/posts/{id}', 'get', app.get('/posts/1', status=401))
    res = app.get(
        '/posts/1', headers={'Accept': 'application/xml'}, status=401
    )
    conforms(doc, '/posts/{id}', 'get', res)
    conforms(
        doc,
        '/posts/{id}',
        'get',
        app.get('/posts/1', headers=bearer('bob.token')),
    )
    res = app.put_json(
        '/posts/1', {'title': 'x'}, headers=basic('bob', 'builder'), status=403
    )
    conforms(doc, '/posts/{id}', 'put', res)
    conforms(doc, '/public', 'get', app.get('/public'))


def test_declared_schemes_join_and_replace_the_policys(config, make_app):
    config.set_security_policy(
        BearerTokenPolicy(Calls().bearer, scheme_name='jwt')
    )
    config.add_openapi_security_scheme(
        'jwt', {'type': 'http', 'scheme': 'bearer', 'bearerFormat': 'JWT'}
    )
    config.add_openapi_security_scheme(
        'key', {'type': 'apiKey', 'name': 'X-Key', 'in': 'header'}
    )
    add_posts(config)
    doc = document(make_app())
    assert doc['components']['securitySchemes'] == {
        'jwt': {'type': 'http', 'scheme': 'bearer', 'bearerFormat': 'JWT'},
        'key': {'type': 'apiKey', 'name': 'X-Key', 'in': 'header'},
    }
    assert op(doc, '/posts/{id}', 'get')['security'] == [
        {'jwt': []},
        {'key': []},
    ]


class Challenging(Silent):
    """A policy that challenges but names no OpenAPI scheme."""

    def challenges(self, request: Any) -> list[str]:
        return ['Custom realm="x"']


def test_a_policy_that_challenges_without_schemes(config, make_app) -> None:
    config.set_security_policy(Challenging(False))
    add_posts(config)
    app = make_app()
    doc = document(app)
    assert 'securitySchemes' not in doc['components']
    operation = op(doc, '/posts/{id}', 'get')
    assert 'security' not in operation
    assert 'WWW-Authenticate' in operation['responses']['401']['headers']
    res = app.get('/posts/1', status=401)
    assert res.headers['WWW-Authenticate'] == 'Custom realm="x"'
    conforms(doc, '/posts/{id}', 'get', res)


def test_a_policy_without_challenges_documents_403_only(config, make_app):
    config.set_security_policy(Silent(False))
    add_posts(config)
    doc = document(make_app())
    responses = op(doc, '/posts/{id}', 'get')['responses']
    assert '403' in responses and '401' not in responses


class Broken(Silent):
    def __init__(self, schemes: Any) -> None:
        self.schemes = schemes

    def openapi_security_schemes(self) -> Any:
        return self.schemes


@pytest.mark.parametrize(
    ('schemes', 'message'),
    [
        ([('a', {})], 'must return a mapping'),
        (
            {'a b': {'type': 'http', 'scheme': 'basic'}},
            'a security scheme name',
        ),
        ({'a': {'type': 'magic'}}, 'must be a mapping whose type'),
        ({'a': {'type': 'http'}}, 'needs scheme'),
    ],
)
def test_the_policys_schemes_are_checked_at_commit(
    config, schemes, message
) -> None:
    config.set_security_policy(Broken(schemes))
    with pytest.raises(ConfigurationExecutionError, match=message):
        config.commit()
