"""``anonymous=`` in the OpenAPI document (docs/anonymous.md): one
operation per verb, ``anyOf`` where the anonymous class's schemas differ,
``{}`` among the security requirements of what anonymous callers use."""

from __future__ import annotations

from typing import Any

import colander
import pytest
import webtest
from pyramid.config import Configurator

from pyramid_restkit import operation
from pyramid_restkit.auth import BasicAuthPolicy

from ..openapi.helpers import conforms, document, op
from .blog import HeaderPolicy, add_posts, reset

REF = '#/components/schemas/'


@pytest.fixture
def app(config: Configurator, make_app: Any) -> webtest.TestApp:
    reset()
    config.set_security_policy(HeaderPolicy())
    config.add_openapi_security_scheme(
        'basic', {'type': 'http', 'scheme': 'basic'}
    )
    add_posts(config)
    return make_app()


def test_a_verb_both_serve_is_one_operation_widened(
    app: webtest.TestApp,
) -> None:
    doc = document(app)
    get = op(doc, '/posts/{id}', 'get')
    assert get['operationId'] == 'posts_get'
    assert get['description'] == (
        'Requests without credentials are served by PublicPosts.'
    )
    ok = get['responses']['200']
    assert ok['content']['application/json']['schema'] == {
        'anyOf': [{'$ref': REF + 'PostOut'}, {'$ref': REF + 'PublicPostOut'}]
    }
    assert ok['description'].endswith(
        'Requests without credentials get the second schema of anyOf.'
    )
    # The anonymous validators' headers are documented (ETag, 304).
    assert 'ETag' in ok['headers']
    assert '304' in get['responses']
    # Both kinds of answer conform to the document.
    conforms(doc, '/posts/{id}', 'get', app.get('/posts/1'))
    conforms(
        doc, '/posts/{id}', 'get', app.get('/posts/1', headers={'X-User': 'a'})
    )


def test_request_bodies_and_statuses_of_both(app: webtest.TestApp) -> None:
    doc = document(app)
    post = op(doc, '/posts', 'post')
    body = post['requestBody']
    assert body['description'] == (
        'Requests without credentials send the second schema of anyOf.'
    )
    assert body['content']['application/json']['schema'] == {
        'anyOf': [
            {'$ref': REF + 'PostSchema'},
            {'$ref': REF + 'SuggestionSchema'},
        ]
    }
    # 201 is the main class's answer, 202 the public one's.
    assert {'201', '202'} <= set(post['responses'])
    # Pagination parameters of the public collection_get are listed.
    names = {p['name'] for p in op(doc, '/posts', 'get')['parameters']}
    assert {'page', 'page_size', 'fields'} <= names
    conforms(doc, '/posts', 'post', app.post_json('/posts', {'title': 'T'}))


def test_security_lists_no_credentials_where_anonymous_callers_go(
    app: webtest.TestApp,
) -> None:
    doc = document(app)
    # PUT: the main class alone, as before.
    assert op(doc, '/posts/{id}', 'put')['security'] == [{'basic': []}]
    # DELETE: both classes (each with a permission).
    assert op(doc, '/posts/{id}', 'delete')['security'] == [
        {'basic': []},
        {},
    ]
    # POST on an item: the public class alone, its own operation.
    flag = op(doc, '/posts/{id}', 'post')
    assert flag['operationId'] == 'posts_post'
    assert flag['tags'] == ['public']
    assert flag['summary'] == 'Flag a post (anyone, signed in or not).'
    assert 'security' not in flag  # no permission: open to all
    assert flag['requestBody']['content']['application/json']['schema'] == {
        '$ref': REF + 'FlagSchema'
    }
    assert {t['name'] for t in doc['tags']} >= {'posts', 'public'}


class NoteSchema(colander.MappingSchema):
    text = colander.SchemaNode(colander.String())


@operation(permission={'GET': 'view'})
class Public:
    """Open notes."""

    def __init__(self, request: Any) -> None:
        self.request = request

    def get(self) -> Any:
        return {'text': 'public'}

    @operation(schema=NoteSchema())
    def put(self) -> Any:
        return self.request.validated

    @operation(schema=NoteSchema())
    def patch(self) -> Any:
        return {'patched': self.request.validated}

    def delete(self) -> None:
        return None


class Notes:
    """Notes."""

    def __init__(self, request: Any) -> None:
        self.request = request

    @operation(media_types=['json'])
    def get(self) -> Any:
        return {'text': 'private'}

    @operation(response_schema=colander.SchemaNode(colander.Integer()))
    def put(self) -> Any:
        return 1

    @operation(schema=NoteSchema())
    def patch(self) -> Any:
        return {'patched': self.request.validated}

    def delete(self) -> None:
        return None


def test_an_anonymous_operation_with_a_permission(
    config: Configurator, make_app: Any
) -> None:
    config.set_security_policy(HeaderPolicy())
    config.add_openapi_security_scheme(
        'basic', {'type': 'http', 'scheme': 'basic'}
    )
    config.add_resource(Notes, path='/notes/{id}', anonymous=Public)
    app = make_app()
    doc = document(app)
    get = op(doc, '/notes/{id}', 'get')
    # The main GET needs no credentials, whatever the public one needs.
    assert 'security' not in get
    assert get['tags'] == ['notes']
    # The main GET renders JSON only, the public one YAML too.
    assert set(get['responses']['200']['content']) >= {
        'application/json',
        'application/yaml',
    }
    # The public GET needs view, which anonymous callers lack.
    assert app.get('/notes/1.yaml', status=403).json['status'] == 403
    # A body only the anonymous class takes is optional.
    put = op(doc, '/notes/{id}', 'put')
    assert put['requestBody']['required'] is False
    assert put['requestBody']['content']['application/json']['schema'] == {
        '$ref': REF + 'NoteSchema'
    }
    # The same body: no anyOf, no note.
    patch = op(doc, '/notes/{id}', 'patch')
    body = patch['requestBody']
    assert 'description' not in body
    assert body['content']['application/json']['schema'] == {
        '$ref': REF + 'NoteSchema-Partial'
    }
    # Both answer 204 without content.
    assert (
        'content' not in op(doc, '/notes/{id}', 'delete')['responses']['204']
    )
    # The anonymous PATCH takes merge patches, applied to its own get.
    patched = app.patch(
        '/notes/1',
        b'{"text": "x"}',
        headers={'Content-Type': 'application/merge-patch+json'},
    )
    assert patched.json == {'patched': {'text': 'x'}}
    assert (
        app.options('/notes/1')
        .headers['Accept-Patch']
        .startswith('application/json')
    )


class Reader:
    def __init__(self, request: Any) -> None:
        self.request = request

    def get(self) -> Any:
        return {'text': 'public'}


class Journal:
    """A journal: reading is public, writing needs a signed-in user."""

    def __init__(self, request: Any) -> None:
        self.request = request

    def get(self) -> Any:
        return {'text': 'mine'}

    def post(self) -> Any:
        return {'written': self.request.authenticated_userid}


@pytest.mark.parametrize('schemes', [True, False])
def test_the_challenge_of_a_verb_only_the_main_class_has(
    config: Configurator, make_app: Any, schemes: bool
) -> None:
    config.set_security_policy(HeaderPolicy())
    if schemes:
        config.add_openapi_security_scheme(
            'basic', {'type': 'http', 'scheme': 'basic'}
        )
    config.add_resource(Journal, path='/journal/{id}', anonymous=Reader)
    app = make_app()
    doc = document(app)
    post = op(doc, '/journal/{id}', 'post')
    if schemes:
        assert post['security'] == [{'basic': []}]
        assert post['responses']['401']['description'] == (
            'Authentication is required.'
        )
    else:
        assert 'security' not in post
        assert '401' not in post['responses']
    # The policy has no challenge scheme: the challenge is its 403.
    res = app.post('/journal/1', status=403)
    conforms(doc, '/journal/{id}', 'post', res)
    signed_in = app.post('/journal/1', headers={'X-User': 'a'})
    assert signed_in.json == {'written': 'a'}
    conforms(doc, '/journal/{id}', 'post', signed_in)


def test_the_challenge_of_a_policy_that_challenges(
    config: Configurator, make_app: Any
) -> None:
    config.set_security_policy(
        BasicAuthPolicy(lambda credentials, request: credentials[0])
    )
    config.add_resource(Journal, path='/journal/{id}', anonymous=Reader)
    app = make_app()
    doc = document(app)
    post = op(doc, '/journal/{id}', 'post')
    assert post['security'] == [{'basicAuth': []}]
    assert 'WWW-Authenticate' in post['responses']['401']['headers']
    res = app.post('/journal/1', status=401)
    assert res.headers['WWW-Authenticate'].startswith('Basic ')
    conforms(doc, '/journal/{id}', 'post', res)
