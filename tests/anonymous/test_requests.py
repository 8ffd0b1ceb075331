"""``anonymous=OtherClass`` through a real application (API.md Part 2,
"Auth:" and "Security, further:").

Requests without an authenticated identity are served by the anonymous
class, with its own verbs, schemas, response schema and permissions;
``Allow`` lists the verbs of both classes.  The security policy is the
tests' own (:class:`.blog.HeaderPolicy`, no challenge scheme: a
challenge is a 403 with it; tests/anonymous/test_auth.py has the 401).
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
import webtest
from pyramid.config import Configurator

from pyramid_restkit import operation

from .blog import POSTS, HeaderPolicy, Posts, PublicPosts, add_posts, reset

USER = {'X-User': 'bob'}
ADMIN = {'X-User': 'admin'}


@pytest.fixture(autouse=True)
def posts() -> Iterator[None]:
    reset()
    yield
    reset()


@pytest.fixture
def app(config: Configurator, make_app: Any) -> webtest.TestApp:
    config.set_security_policy(HeaderPolicy())
    add_posts(config)
    return make_app()


def test_anonymous_get_is_served_by_the_public_class(
    app: webtest.TestApp,
) -> None:
    res = app.get('/posts/1')
    # The public class's response schema: titles only.
    assert res.json == {'id': 1, 'title': 'Post 1'}


def test_authenticated_get_is_served_by_the_main_class(
    app: webtest.TestApp,
) -> None:
    res = app.get('/posts/1', headers=USER)
    assert res.json == POSTS['1']
    assert res.json['notes'] == 'internal notes 1'


def test_anonymous_collection_get_is_paginated_by_the_public_class(
    app: webtest.TestApp,
) -> None:
    res = app.get('/posts', params={'page_size': 2})
    assert res.json['items'] == [
        {'id': 1, 'title': 'Post 1'},
        {'id': 2, 'title': 'Post 2'},
    ]
    assert 'page=2' in res.json['next']
    assert 'rel="next"' in res.headers['Link']
    # The main class does not paginate: a plain list, every field.
    signed_in = app.get('/posts', headers=USER)
    assert signed_in.json == list(POSTS.values())


def test_anonymous_put_only_the_main_class_has_is_challenged(
    app: webtest.TestApp,
) -> None:
    # A policy without a challenge scheme: the challenge stays a 403
    # (tests/anonymous/test_auth.py: 401 with BasicAuthPolicy).
    res = app.put_json('/posts/1', {'title': 'x', 'author': 'y'}, status=403)
    assert res.content_type == 'application/problem+json'
    assert res.json['status'] == 403
    assert POSTS['1']['title'] == 'Post 1'
    # The main class's own permission still decides for signed-in users.
    app.put_json(
        '/posts/1', {'title': 'x', 'author': 'y'}, headers=USER, status=403
    )
    app.put_json(
        '/posts/1', {'title': 'x', 'author': 'y'}, headers=ADMIN, status=200
    )
    assert POSTS['1']['title'] == 'x'


def test_allow_lists_the_verbs_of_both_classes(app: webtest.TestApp) -> None:
    # The main item has GET, PUT, DELETE; the public one GET, POST, DELETE.
    for headers in ({}, USER):
        res = app.options('/posts/1', headers=headers, status=204)
        assert res.headers['Allow'] == 'GET, HEAD, POST, PUT, DELETE, OPTIONS'
        refused = app.patch_json('/posts/1', {}, headers=headers, status=405)
        assert refused.headers['Allow'] == res.headers['Allow']
    assert (
        app.options('/posts', status=204).headers['Allow']
        == 'GET, HEAD, POST, OPTIONS'
    )


def test_a_verb_only_the_anonymous_class_has_serves_everyone(
    app: webtest.TestApp,
) -> None:
    # Allow is the same for every caller: item POST (flag a post) is the
    # public class's, signed in or not, with its schema.
    for headers in ({}, USER):
        res = app.post_json(
            '/posts/1', {'reason': 'spam'}, headers=headers, status=200
        )
        assert res.json == {'flagged': 'spam'}
        bad = app.post_json(
            '/posts/1', {'reason': 'boring'}, headers=headers, status=400
        )
        assert bad.json['errors'][0]['name'] == 'reason'


def test_the_anonymous_class_validates_with_its_own_schema(
    app: webtest.TestApp,
) -> None:
    # collection_post: the main class takes a PostSchema (and needs
    # edit), the public one a suggestion of at most 20 characters.
    res = app.post_json('/posts', {'title': 'Nice'}, status=202)
    assert res.json == {'suggested': 'Nice'}
    bad = app.post_json('/posts', {'title': 'x' * 21}, status=400)
    assert bad.json['errors'][0]['name'] == 'title'
    # A whole post is not a suggestion: author is an unknown field there.
    app.post_json('/posts', {'title': 'T', 'author': 'a'}, status=400)
    created = app.post_json(
        '/posts', {'title': 'T', 'author': 'a'}, headers=ADMIN, status=201
    )
    assert created.json['author'] == 'a'
    # Signed in, the main class's schema: a suggestion lacks author.
    app.post_json('/posts', {'title': 'Nice'}, headers=ADMIN, status=400)


def test_the_anonymous_class_permission_is_checked(
    app: webtest.TestApp,
) -> None:
    # The public delete needs 'nobody': denied by Pyramid, not the
    # challenge of a verb the public class lacks.
    res = app.delete('/posts/1', status=403)
    assert 'needs an authenticated request' not in res.json['detail']
    challenged = app.put_json('/posts/1', {}, status=403)
    assert challenged.json['detail'] == 'PUT needs an authenticated request.'
    app.delete('/posts/1', headers=ADMIN, status=204)
    assert '1' not in POSTS


def test_conditional_requests_use_the_anonymous_validators(
    app: webtest.TestApp,
) -> None:
    res = app.get('/posts/2')
    tag = res.headers['ETag']
    app.get('/posts/2', headers={'If-None-Match': tag}, status=304)
    # The main class has no validators: no ETag for signed-in users.
    assert 'ETag' not in app.get('/posts/2', headers=USER).headers


def test_head_follows_get(app: webtest.TestApp) -> None:
    anonymous = app.head('/posts/1')
    signed_in = app.head('/posts/1', headers=USER)
    assert anonymous.body == signed_in.body == b''
    assert int(anonymous.headers['Content-Length']) < int(
        signed_in.headers['Content-Length']
    )


def test_cors_preflights_list_both_classes(
    config: Configurator, make_app: Any
) -> None:
    config.set_security_policy(HeaderPolicy())
    add_posts(config, cors_origins=['https://app.example'])
    app = make_app()
    res = app.options(
        '/posts/1',
        headers={
            'Origin': 'https://app.example',
            'Access-Control-Request-Method': 'POST',
        },
        status=204,
    )
    assert res.headers['Access-Control-Allow-Methods'] == (
        'GET, HEAD, POST, PUT, DELETE, OPTIONS'
    )
    # The resource's origins apply to the anonymous class's answers too.
    got = app.get('/posts/1', headers={'Origin': 'https://app.example'})
    assert got.headers['Access-Control-Allow-Origin'] == 'https://app.example'
    assert got.json == {'id': 1, 'title': 'Post 1'}
    # And its listed origin passes the cross-origin protection of the
    # public POST, as it would the main class's.
    flagged = app.post_json(
        '/posts/1',
        {'reason': 'rude'},
        headers={
            'Origin': 'https://app.example',
            'Sec-Fetch-Site': 'cross-site',
        },
    )
    assert flagged.json == {'flagged': 'rude'}


def test_cross_origin_refusal_comes_before_the_challenge(
    app: webtest.TestApp,
) -> None:
    res = app.put_json(
        '/posts/1',
        {},
        headers={
            'Origin': 'https://evil.example',
            'Sec-Fetch-Site': 'cross-site',
        },
        status=403,
    )
    assert res.json['detail'] != 'PUT needs an authenticated request.'


# -- per verb: @operation(anonymous=...) ------------------------------------


class PublicNote:
    def __init__(self, request: Any) -> None:
        self.request = request

    def get(self) -> Any:
        return {'public': True}

    def put(self) -> Any:
        return {'put': 'public'}


class Notes:
    def __init__(self, request: Any) -> None:
        self.request = request

    @operation(anonymous=PublicNote)
    def get(self) -> Any:
        return {'public': False}

    def put(self) -> Any:
        return {'put': self.request.authenticated_userid}


class Drafts(Notes):
    @operation(anonymous=None)
    def get(self) -> Any:
        return {'draft': True}


def test_operation_anonymous_for_one_verb(
    config: Configurator, make_app: Any
) -> None:
    config.set_security_policy(HeaderPolicy())
    config.add_resource(Notes, path='/notes/{id}')
    app = make_app()
    assert app.get('/notes/1').json == {'public': True}
    assert app.get('/notes/1', headers=USER).json == {'public': False}
    # put has no anonymous class: the main class serves everyone (its
    # permission, none here, decides), PublicNote.put is not used.
    assert app.put_json('/notes/1', {}).json == {'put': None}
    assert app.put_json('/notes/1', {}, headers=USER).json == {'put': 'bob'}
    assert app.options('/notes/1').headers['Allow'] == (
        'GET, HEAD, PUT, OPTIONS'
    )


def test_operation_anonymous_none_turns_it_off_for_the_verb(
    config: Configurator, make_app: Any
) -> None:
    config.set_security_policy(HeaderPolicy())
    config.add_resource(Drafts, path='/drafts/{id}', anonymous=PublicNote)
    app = make_app()
    # get: off, the main class for everyone; put: the public class's.
    assert app.get('/drafts/1').json == {'draft': True}
    assert app.put_json('/drafts/1', {}).json == {'put': 'public'}
    assert app.put_json('/drafts/1', {}, headers=USER).json == {'put': 'bob'}


def test_resources_without_anonymous_do_not_ask_the_policy(
    config: Configurator, make_app: Any
) -> None:
    asked = []

    class Counting(HeaderPolicy):
        def authenticated_userid(self, request: Any) -> Any:
            asked.append(request.path)
            return super().authenticated_userid(request)

    class Plain:
        def __init__(self, request: Any) -> None:
            self.request = request

        def get(self) -> Any:
            return {}

    config.set_security_policy(Counting())
    config.add_resource(Plain, path='/plain/{id}')
    add_posts(config)
    app = make_app()
    app.get('/plain/1')
    assert asked == []
    app.get('/posts/1')
    assert asked == ['/posts/1']


def test_without_a_security_policy_every_request_is_anonymous(
    config: Configurator, make_app: Any
) -> None:
    add_posts(config)
    app = make_app()
    assert app.get('/posts/1').json == {'id': 1, 'title': 'Post 1'}
    assert (
        PublicPosts.__name__
        in app.app.registry.introspector.get(
            'restkit operations', ('posts', 'anonymous', 'get')
        ).title
    )


@pytest.mark.parametrize('mode', ['path', 'header', 'accept', 'query'])
def test_versioned_routes(mode: str) -> None:
    config = Configurator(
        settings={'restkit.versioning': mode, 'restkit.versions': '1 2'}
    )
    config.include('pyramid_restkit')
    config.set_security_policy(HeaderPolicy())
    prefix = '/{version}' if mode == 'path' else ''
    config.add_resource(
        Posts,
        collection_path=f'{prefix}/posts',
        path=f'{prefix}/posts/{{id}}',
        anonymous=PublicPosts,
    )
    app = webtest.TestApp(config.make_wsgi_app())
    path = '/1/posts/1' if mode == 'path' else '/posts/1'
    assert app.get(path).json == {'id': 1, 'title': 'Post 1'}
    # The versioned OPTIONS lists both classes' verbs.
    assert app.options(path).headers['Allow'] == (
        'GET, HEAD, POST, PUT, DELETE, OPTIONS'
    )
    flagged = app.post_json(path, {'reason': 'spam'}, headers=USER)
    assert flagged.json == {'flagged': 'spam'}
    assert app.put_json(path, {}, status=403).json['detail'] == (
        'PUT needs an authenticated request.'
    )
