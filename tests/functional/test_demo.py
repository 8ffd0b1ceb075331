"""Functional tests of the demo application, through WebTest.

The demo is the package ``restkit_demo``, a project of its own in
``demo/`` (``demo/pyproject.toml``) that the development virtualenv
installs (``make``'s ``.installed`` rule, editable): the tests import the
installed package, as ``pserve`` does, not a path of the source tree.
How it is served (its ini file, the Pyramid scripts, the start-up
message, the access log) is tested in ``test_demo_project.py``, its
logins, permissions and throttle in ``test_demo_security.py``.

Writing needs a login: the application of these tests logs in as the
demo user alice (a bearer token, sent by every request), who creates
the posts and so may change them.
"""

from __future__ import annotations

import base64
import json
import sqlite3
from collections.abc import Callable
from contextlib import closing
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest
import restkit_demo
import yaml
from pyramid.config import Configurator
from pyramid.httpexceptions import HTTPConflict
from pyramid.request import Request
from pyramid.response import Response
from restkit_demo.db import get_connection, initialize
from webtest import TestApp
from webtest.response import TestResponse

POST_FIELDS = {
    'id',
    'title',
    'body',
    'tags',
    'published',
    'created_at',
    'author',
}
COMMENT_FIELDS = {'id', 'post_id', 'author', 'body', 'created_at'}
PROBLEM_MEMBERS = {'type', 'title', 'status', 'detail'}

AppFactory = Callable[[], TestApp]


@pytest.fixture
def database(tmp_path: Path) -> Path:
    """Path of a database file that does not exist yet."""
    return tmp_path / 'var' / 'x.sqlite'


def basic(username: str, password: str) -> str:
    """An ``Authorization`` header for HTTP Basic."""
    pair = f'{username}:{password}'.encode()
    return 'Basic ' + base64.b64encode(pair).decode('ascii')


def logged_in(app: TestApp) -> TestApp:
    """``app``, each request of which carries a bearer token of alice."""
    res = app.post('/tokens', headers={'Authorization': basic(*ALICE)})
    token = res.json['access_token']
    app.extra_environ['HTTP_AUTHORIZATION'] = f'Bearer {token}'
    return app


#: A demo user (seeded by restkit_demo.db.initialize).
ALICE = ('alice', 'wonderland')


@pytest.fixture
def make_demo(database: Path) -> AppFactory:
    """Build a new demo application on the test database, logged in."""

    def make() -> TestApp:
        return logged_in(
            TestApp(
                restkit_demo.main(
                    {}, **{'restkit_demo.database': str(database)}
                )
            )
        )

    return make


@pytest.fixture
def app(make_demo: AppFactory) -> TestApp:
    """The demo application on a fresh database."""
    return make_demo()


def new_post(app: TestApp, **fields: Any) -> dict[str, Any]:
    """Create a post through the API and return its JSON."""
    body = {'title': 'Hello', 'body': 'First post.', **fields}
    res = app.post_json('/posts', body, status=201)
    post: dict[str, Any] = res.json
    return post


def new_comment(app: TestApp, post_id: int, **fields: Any) -> dict[str, Any]:
    """Create a comment on post ``post_id`` and return its JSON."""
    body = {'author': 'Ann', 'body': 'Nice.', **fields}
    res = app.post_json(f'/posts/{post_id}/comments', body, status=201)
    comment: dict[str, Any] = res.json
    return comment


def problem(res: TestResponse, status: int) -> dict[str, Any]:
    """Check that ``res`` is problem details with ``status``."""
    assert res.status_int == status
    assert res.content_type == 'application/problem+json'
    body: dict[str, Any] = res.json
    assert PROBLEM_MEMBERS <= body.keys()
    assert body['status'] == status
    assert isinstance(body['type'], str)
    assert isinstance(body['title'], str)
    assert body['title']
    assert isinstance(body['detail'], str)
    return body


def errors(res: TestResponse) -> set[tuple[str, str]]:
    """Check a validation error and return its (location, name) pairs."""
    body = problem(res, 400)
    assert isinstance(body['errors'], list)
    assert body['errors']
    for error in body['errors']:
        assert set(error) == {'location', 'name', 'description'}
        assert isinstance(error['description'], str)
        assert error['description']
    return {(e['location'], e['name']) for e in body['errors']}


def allowed(res: TestResponse) -> set[str]:
    """Return the methods of the ``Allow`` header of ``res``."""
    return {m.strip() for m in res.headers['Allow'].split(',')}


COUNTS = {
    'posts': 'SELECT COUNT(*) FROM posts',
    'comments': 'SELECT COUNT(*) FROM comments',
    'users': 'SELECT COUNT(*) FROM users',
}


def count(database: Path, table: str) -> int:
    """Count the rows of ``table`` straight from the database file."""
    with closing(sqlite3.connect(database)) as conn:
        (n,) = conn.execute(COUNTS[table]).fetchone()
    return int(n)


# Posts


def test_main_creates_the_directory_and_the_schema(
    app: TestApp, database: Path
) -> None:
    assert database.is_file()
    assert count(database, 'posts') == 0
    assert count(database, 'comments') == 0
    assert count(database, 'users') == 2


def test_create_post(app: TestApp) -> None:
    res = app.post_json(
        '/posts', {'title': 'Hello', 'body': 'First post.'}, status=201
    )
    assert res.content_type == 'application/json'
    post = res.json
    assert set(post) == POST_FIELDS
    assert isinstance(post['id'], int)
    assert res.headers['Location'] == f'http://localhost/posts/{post["id"]}'
    assert post['title'] == 'Hello'
    assert post['body'] == 'First post.'
    assert post['tags'] == []
    assert post['published'] is False
    assert post['author'] == 'alice'
    created = datetime.fromisoformat(post['created_at'])
    assert created.tzinfo is not None
    assert app.get(res.headers['Location']).json == post


def test_create_post_with_every_field(app: TestApp) -> None:
    post = new_post(app, tags=['pyramid', 'rest'], published=True, body='')
    assert post['tags'] == ['pyramid', 'rest']
    assert post['published'] is True
    assert post['body'] == ''


def test_the_author_is_read_only(app: TestApp) -> None:
    """The author is who logged in; a body naming one is not obeyed.

    ``author`` is in the output schema, not in the input one: sent back
    (a client PUTs what it GOT), it is dropped, not refused.
    """
    post = new_post(app, author='bob')
    assert post['author'] == 'alice'
    url = f'/posts/{post["id"]}'
    assert app.put_json(url, {**post, 'author': 'bob'}).json['author'] == (
        'alice'
    )
    assert app.patch_json(url, {'author': 'bob'}).json['author'] == 'alice'


def test_post_round_trip(app: TestApp) -> None:
    post = new_post(app, tags=['a'])
    url = f'/posts/{post["id"]}'

    assert app.get(url).json == post
    listed = app.get('/posts').json
    assert listed['items'] == [post]

    replaced = app.put_json(
        url, {'title': 'New', 'body': 'Rewritten.', 'published': True}
    ).json
    assert replaced['id'] == post['id']
    assert replaced['title'] == 'New'
    assert replaced['body'] == 'Rewritten.'
    # PUT is a full replacement: an omitted field takes its default.
    assert replaced['tags'] == []
    assert replaced['published'] is True
    assert replaced['created_at'] == post['created_at']

    patched = app.patch_json(url, {'tags': ['x', 'y']}).json
    assert patched == {**replaced, 'tags': ['x', 'y']}
    assert app.patch_json(url, {}).json == patched
    assert app.get(url).json == patched

    res = app.delete(url, status=204)
    assert res.body == b''
    assert 'Content-Type' not in res.headers
    problem(app.get(url, status=404), 404)
    assert app.get('/posts').json['items'] == []


def test_patch_null_means_absent(app: TestApp) -> None:
    post = new_post(app, published=True)
    patched = app.patch_json(
        f'/posts/{post["id"]}', {'published': None, 'title': 'T'}
    ).json
    assert patched['published'] is True
    assert patched['title'] == 'T'


def test_list_posts_pages(app: TestApp) -> None:
    """The posts use the kit's offset pagination, counted."""
    ids = [new_post(app, title=f'Post {n}')['id'] for n in range(3)]

    res = app.get('/posts')
    page = res.json
    assert set(page) == {'items', 'total', 'next', 'prev'}
    assert [p['id'] for p in page['items']] == ids
    assert (page['total'], page['next'], page['prev']) == (3, None, None)

    res = app.get('/posts', {'limit': '2'})
    page = res.json
    assert [p['id'] for p in page['items']] == ids[:2]
    assert page['total'] == 3
    assert page['next'] == 'http://localhost/posts?limit=2&offset=2'
    assert 'rel="next"' in res.headers['Link']
    page = app.get('/posts', {'limit': '2', 'offset': '2'}).json
    assert [p['id'] for p in page['items']] == ids[2:]
    assert page['prev'] == 'http://localhost/posts?limit=2&offset=0'
    assert app.get('/posts?offset=5').json['items'] == []
    for item in page['items']:
        assert set(item) == POST_FIELDS


def test_list_comments_cursor_pages(app: TestApp) -> None:
    """The comments use the kit's cursor pagination."""
    post = new_post(app)
    url = f'/posts/{post["id"]}/comments'
    for n in range(3):
        app.post_json(url, {'author': 'a', 'body': f'c{n}'}, status=201)
    page = app.get(url, {'limit': '2'}).json
    assert [c['body'] for c in page['items']] == ['c0', 'c1']
    assert page['prev'] is None
    page = app.get(page['next']).json
    assert [c['body'] for c in page['items']] == ['c2']
    res = app.get(url, {'cursor': 'forged'}, status=400)
    assert errors(res) == {('querystring', 'cursor')}


@pytest.mark.parametrize(
    ('query', 'name'),
    [
        ('limit=0', 'limit'),
        ('limit=101', 'limit'),
        ('limit=abc', 'limit'),
        ('offset=-1', 'offset'),
        ('offset=1.5', 'offset'),
    ],
)
def test_list_posts_querystring_errors(
    app: TestApp, query: str, name: str
) -> None:
    res = app.get(f'/posts?{query}', status=400)
    assert errors(res) == {('querystring', name)}


def test_format_is_not_part_of_the_querystring(app: TestApp) -> None:
    new_post(app)
    res = app.get('/posts?format=json&limit=1')
    assert res.content_type == 'application/json'
    assert len(res.json['items']) == 1


def test_missing_post_is_404_problem(app: TestApp) -> None:
    for url in ('/posts/999', '/posts/abc', '/posts/0', '/posts/%201'):
        body = problem(app.get(url, status=404), 404)
        assert 'Traceback' not in body['detail']
    problem(
        app.put_json('/posts/999', {'title': 't', 'body': 'b'}, status=404),
        404,
    )
    problem(app.patch_json('/posts/999', {'title': 't'}, status=404), 404)
    problem(app.delete('/posts/999', status=404), 404)


# Typed ids: digits in the route patterns, integers in the path schemas

#: Each path parameter of the document: (path, verb, name) -> its schema.
PathParams = dict[tuple[str, str, str], dict[str, Any]]


def path_params(app: TestApp) -> PathParams:
    document = app.get('/openapi.json').json
    return {
        (path, verb, param['name']): param['schema']
        for path, item in document['paths'].items()
        for verb, operation in item.items()
        for param in operation.get('parameters', ())
        if param.get('in') == 'path'  # not the $ref to format
    }


def test_ids_are_integers_in_the_openapi_document(app: TestApp) -> None:
    params = path_params(app)
    ids = {key: schema for key, schema in params.items() if key[2] != 'tag'}
    assert {(path, name) for path, _, name in ids} == {
        ('/posts/{id}', 'id'),
        ('/posts/{post_id}/comments', 'post_id'),
        ('/posts/{post_id}/comments/{id}', 'post_id'),
        ('/posts/{post_id}/comments/{id}', 'id'),
    }
    # Every operation of an item or of the comments: 4 + 2 + 2 * 2.
    assert len(ids) == 10
    for schema in ids.values():
        # The text must be digits (the route's regex), read as an integer.
        assert schema == {
            'type': 'integer',
            'pattern': '^(?:[0-9]+)$(?!\\n)',
        }
    # Tags are words: a string.
    assert params['/tags/{tag}', 'get', 'tag']['type'] == 'string'


def test_path_ids_reach_the_views_as_integers(app: TestApp) -> None:
    post = new_post(app)
    # Leading zeros: the same post (as SQLite reads 007 as 7).
    assert app.get(f'/posts/00{post["id"]}').json == post
    comment = new_comment(app, post['id'])
    url = f'/posts/0{post["id"]}/comments/00{comment["id"]}'
    assert app.get(url).json == comment


@pytest.mark.parametrize(
    'url',
    [
        '/posts/abc',
        '/posts/abc.json',
        '/posts/-1',
        '/posts/+1',
        '/posts/1.5',
        '/posts/1e3',
        '/posts/0x10',
        '/posts/%201',
        # ARABIC-INDIC DIGIT ONE: Python's \d would take it.
        '/posts/%D9%A1',
        '/posts/abc/comments',
        '/posts/1/comments/x',
    ],
)
def test_an_id_that_is_not_digits_is_a_404_problem(
    app: TestApp, url: str
) -> None:
    for res in (
        app.get(url, status=404),
        app.delete(url, status=404),
        app.put_json(url, {'title': 't', 'body': 'b'}, status=404),
    ):
        body = problem(res, 404)
        # No route matched: the demo's not-found view, not the kit's.
        assert body['detail'] == 'There is no resource here.'
    res = app.head(url, status=404)
    assert res.content_type == 'application/problem+json'
    assert res.body == b''


def test_other_unknown_urls_are_404_problems(app: TestApp) -> None:
    for url in ('/', '/nothing', '/posts/1/nothing', '/docs/nothing.js'):
        problem(app.get(url, status=404), 404)


def test_the_kit_keeps_its_own_404s(app: TestApp) -> None:
    body = problem(app.get('/posts/999', status=404), 404)
    assert body['detail'] == 'There is no post 999.'
    res = app.get('/posts/999.xml', status=404)
    assert res.content_type == 'application/problem+xml'


def test_ids_beyond_sqlite_integers_are_404(app: TestApp) -> None:
    post = new_post(app)
    for url in (
        f'/posts/{2**63}',
        f'/posts/{2**63}/comments',
        f'/posts/{post["id"]}/comments/{2**63}',
    ):
        body = problem(app.get(url, status=404), 404)
        assert 'beyond 9223372036854775807' in body['detail']


def test_a_path_that_is_not_utf8_is_a_400_problem(app: TestApp) -> None:
    # The kit answers the paths its patterns match (/tags/%ff); an id
    # that is no digits matches none, and the demo answers.
    for url in ('/posts/%ff', '/posts/%ff/comments', '/%ff', '/tags/%ff'):
        body = problem(app.get(url, status=400), 400)
        assert 'UTF-8' in body['detail']


@pytest.mark.parametrize(
    ('body', 'expected'),
    [
        ({}, {('body', 'title'), ('body', 'body')}),
        ({'title': '', 'body': 'b'}, {('body', 'title')}),
        ({'title': 'x' * 201, 'body': 'b'}, {('body', 'title')}),
        ({'title': 7, 'body': 'b'}, {('body', 'title')}),
        (
            {'title': 't', 'body': 'b', 'published': 'yes'},
            {('body', 'published')},
        ),
        ({'title': 't', 'body': 'b', 'tags': ['ok', 3]}, {('body', 'tags.1')}),
        ({'title': 't', 'body': 'b', 'tags': 'a'}, {('body', 'tags')}),
        ({'title': 't', 'body': 'b', 'editor': 'me'}, {('body', 'editor')}),
    ],
)
def test_create_post_validation_errors(
    app: TestApp, body: dict[str, Any], expected: set[tuple[str, str]]
) -> None:
    res = app.post_json('/posts', body, status=400)
    assert errors(res) == expected
    assert app.get('/posts').json['total'] == 0


def test_body_that_is_not_an_object_is_a_validation_error(
    app: TestApp,
) -> None:
    res = app.post_json('/posts', ['not', 'a', 'mapping'], status=400)
    assert errors(res)


def test_patch_and_put_validation_errors(app: TestApp) -> None:
    url = f'/posts/{new_post(app)["id"]}'
    res = app.put_json(url, {'title': 'only a title'}, status=400)
    assert errors(res) == {('body', 'body')}
    res = app.patch_json(url, {'title': 7, 'tags': [None]}, status=400)
    assert errors(res) == {('body', 'title'), ('body', 'tags.0')}
    res = app.patch_json(url, {'title': 'x' * 201}, status=400)
    assert errors(res) == {('body', 'title')}
    res = app.patch_json(url, {'published': 1, 'x': 1}, status=400)
    assert errors(res) == {('body', 'published'), ('body', 'x')}
    assert app.get(url).json['title'] == 'Hello'


def test_patch_empty_title_is_rejected(app: TestApp) -> None:
    # An empty string is a value in JSON, not an absent field: the
    # Length(1, 200) validator must reject it, as it does on POST and PUT.
    url = f'/posts/{new_post(app)["id"]}'
    res = app.patch_json(url, {'title': ''}, status=400)
    assert errors(res) == {('body', 'title')}
    assert app.get(url).json['title'] == 'Hello'


def test_malformed_json_is_400(app: TestApp) -> None:
    res = app.post(
        '/posts',
        b'{"title": ',
        headers={'Content-Type': 'application/json'},
        status=400,
    )
    problem(res, 400)


def test_unsupported_content_type_is_415(app: TestApp) -> None:
    res = app.post(
        '/posts',
        b'title=x',
        headers={'Content-Type': 'text/plain'},
        status=415,
    )
    problem(res, 415)
    assert 'application/json' in res.headers['Accept-Post']


def test_method_override(app: TestApp) -> None:
    url = f'/posts/{new_post(app)["id"]}'
    res = app.post_json(
        url, {'title': 'Patched'}, headers={'X-HTTP-Method-Override': 'PATCH'}
    )
    assert res.json['title'] == 'Patched'
    assert res.json['body'] == 'First post.'


# Methods


def test_405_lists_the_allowed_methods(app: TestApp) -> None:
    post = new_post(app)
    comment = new_comment(app, post['id'])
    cases = [
        ('/posts', 'DELETE', {'GET', 'HEAD', 'POST', 'OPTIONS'}),
        (
            f'/posts/{post["id"]}',
            'POST',
            {'GET', 'HEAD', 'PUT', 'PATCH', 'DELETE', 'OPTIONS'},
        ),
        (
            f'/posts/{post["id"]}/comments',
            'PUT',
            {'GET', 'HEAD', 'POST', 'OPTIONS'},
        ),
        (
            f'/posts/{post["id"]}/comments/{comment["id"]}',
            'PATCH',
            {'GET', 'HEAD', 'DELETE', 'OPTIONS'},
        ),
    ]
    for url, method, allow in cases:
        res = app.request(url, method=method, status=405)
        problem(res, 405)
        assert allowed(res) == allow
        res = app.options(url, status=204)
        assert allowed(res) == allow
        assert res.body == b''


def test_head(app: TestApp) -> None:
    post = new_post(app)
    for url in ('/posts', f'/posts/{post["id"]}'):
        got = app.get(url)
        res = app.head(url, status=200)
        assert res.body == b''
        assert res.content_type == got.content_type
    res = app.head('/posts/999', status=404)
    assert res.body == b''
    assert res.content_type == 'application/problem+json'


# Comments


def test_comment_round_trip(app: TestApp) -> None:
    post = new_post(app)
    base = f'/posts/{post["id"]}/comments'
    assert app.get(base).json == {'items': [], 'next': None, 'prev': None}

    res = app.post_json(base, {'author': 'Ann', 'body': 'Nice.'}, status=201)
    comment = res.json
    assert set(comment) == COMMENT_FIELDS
    assert comment['post_id'] == post['id']
    assert comment['author'] == 'Ann'
    assert datetime.fromisoformat(comment['created_at']).tzinfo is not None
    url = f'{base}/{comment["id"]}'
    assert res.headers['Location'] == f'http://localhost{url}'

    assert app.get(url).json == comment
    assert app.get(base).json == {
        'items': [comment],
        'next': None,
        'prev': None,
    }

    res = app.delete(url, status=204)
    assert res.body == b''
    assert 'Content-Type' not in res.headers
    problem(app.get(url, status=404), 404)
    assert app.get(base).json['items'] == []


def test_comment_validation_errors(app: TestApp) -> None:
    base = f'/posts/{new_post(app)["id"]}/comments'
    res = app.post_json(base, {'author': ''}, status=400)
    assert errors(res) == {('body', 'author'), ('body', 'body')}


def test_comments_404(app: TestApp) -> None:
    first = new_post(app)
    second = new_post(app)
    comment = new_comment(app, first['id'])
    problem(app.get('/posts/999/comments', status=404), 404)
    problem(app.get('/posts/abc/comments', status=404), 404)
    problem(
        app.post_json(
            '/posts/999/comments', {'author': 'a', 'body': 'b'}, status=404
        ),
        404,
    )
    # A comment is only reachable under its own post.
    for url in (
        f'/posts/{second["id"]}/comments/{comment["id"]}',
        f'/posts/999/comments/{comment["id"]}',
        f'/posts/{first["id"]}/comments/999',
        f'/posts/{first["id"]}/comments/x',
    ):
        problem(app.get(url, status=404), 404)
        problem(app.delete(url, status=404), 404)
    assert len(app.get(f'/posts/{first["id"]}/comments').json['items']) == 1


def test_deleting_a_post_deletes_its_comments(
    app: TestApp, database: Path
) -> None:
    post = new_post(app)
    other = new_post(app)
    new_comment(app, post['id'])
    new_comment(app, post['id'])
    new_comment(app, other['id'])
    assert count(database, 'comments') == 3
    app.delete(f'/posts/{post["id"]}', status=204)
    assert count(database, 'comments') == 1
    problem(app.get(f'/posts/{post["id"]}/comments', status=404), 404)


# Persistence and transactions


def test_data_survives_a_new_application(make_demo: AppFactory) -> None:
    first = make_demo()
    post = new_post(first, tags=['kept'])
    comment = new_comment(first, post['id'])

    second = make_demo()
    assert second.get(f'/posts/{post["id"]}').json == post
    comments = second.get(f'/posts/{post["id"]}/comments').json
    assert comments['items'] == [comment]
    assert new_post(second)['id'] != post['id']


def _write_app(database: Path) -> TestApp:
    """Plain Pyramid app whose views write a post, then succeed or fail."""
    initialize(str(database))

    def write(request: Request) -> Response:
        get_connection(request).execute(
            'INSERT INTO posts (title, body, created_at, author)'
            " VALUES ('t', 'b', '2020-01-01T00:00:00+00:00', 'alice')"
        )
        how = request.matchdict['how']
        if how == 'conflict':
            raise HTTPConflict()
        if how == 'crash':
            raise RuntimeError('boom')
        if how == 'status':
            request.response.status = 422
            return request.response
        return Response('ok')

    config = Configurator(settings={'restkit_demo.database': str(database)})
    config.add_route('write', '/write/{how}')
    config.add_view(write, route_name='write')
    return TestApp(config.make_wsgi_app())


def test_transaction_commits_on_success(database: Path) -> None:
    app = _write_app(database)
    app.get('/write/ok')
    assert count(database, 'posts') == 1


@pytest.mark.parametrize('how', ['conflict', 'status'])
def test_transaction_rolls_back_on_error_response(
    database: Path, how: str
) -> None:
    app = _write_app(database)
    app.get(f'/write/{how}', status='4*')
    assert count(database, 'posts') == 0


def test_transaction_rolls_back_on_unhandled_exception(
    database: Path,
) -> None:
    app = _write_app(database)
    with pytest.raises(RuntimeError, match='boom'):
        app.get('/write/crash')
    assert count(database, 'posts') == 0
    # The connection was closed: the file is not left locked.
    app.get('/write/ok')
    assert count(database, 'posts') == 1


def test_form_body_is_coerced(app: TestApp) -> None:
    res = app.post(
        '/posts', {'title': 'From a form', 'body': 'b', 'published': 'true'}
    )
    assert res.status_int == 201
    assert res.json['title'] == 'From a form'
    assert res.json['published'] is True


def test_negotiation(app: TestApp) -> None:
    post = new_post(app, tags=['no'])
    res = app.get(f'/posts/{post["id"]}.json')
    assert res.content_type == 'application/json'
    assert res.json == post
    res = app.get(
        f'/posts/{post["id"]}', headers={'Accept': 'application/yaml'}
    )
    assert res.content_type == 'application/yaml'
    assert yaml.safe_load(res.text) == post
    res = app.get(
        f'/posts/{post["id"]}', headers={'Accept': 'image/png'}, status=406
    )
    problem(res, 406)


@pytest.mark.parametrize(
    ('suffix', 'content_type'),
    [
        ('.json', 'application/json'),
        ('.yaml', 'application/yaml'),
        ('.yml', 'application/yaml'),
        ('.xml', 'application/xml'),
        ('.html', 'text/html'),
        ('.txt', 'text/plain'),
    ],
)
def test_every_built_in_format(
    app: TestApp, suffix: str, content_type: str
) -> None:
    post = new_post(app, title='Über <b>', tags=['a', 'b'])
    res = app.get(f'/posts/{post["id"]}{suffix}')
    assert res.content_type == content_type
    assert 'Vary' not in res.headers
    by_accept = app.get(
        f'/posts/{post["id"]}', headers={'Accept': content_type}
    )
    assert by_accept.body == res.body
    assert by_accept.headers['Vary'] == 'Accept'
    if suffix in ('.yaml', '.yml'):
        assert yaml.safe_load(res.text) == post
    elif suffix == '.xml':
        assert res.text.startswith('<?xml version="1.0" encoding="UTF-8"?>')
        assert '<post><id>' in res.text
        assert '<title>Über &lt;b&gt;</title>' in res.text
        assert '<tags type="list"><item>a</item><item>b</item></tags>' in (
            res.text
        )
    elif suffix == '.html':
        assert '<!doctype html>' in res.text.lower()
        assert 'Über &lt;b&gt;' in res.text
        assert '<b>' not in res.text
    elif suffix == '.txt':
        assert json.loads(res.text) == post
    else:
        assert res.json == post


def test_xml_and_yaml_bodies(app: TestApp) -> None:
    res = app.post(
        '/posts',
        b'<post><title>From XML</title><body>b</body>'
        b'<tags type="list"><item>x</item></tags>'
        b'<published>true</published></post>',
        headers={'Content-Type': 'application/xml'},
        status=201,
    )
    assert res.json['title'] == 'From XML'
    assert res.json['tags'] == ['x']
    assert res.json['published'] is True
    res = app.post(
        '/posts',
        b'title: From YAML\nbody: "no"\ntags: [no, yes]\n',
        headers={'Content-Type': 'application/yaml'},
        status=201,
    )
    assert res.json['body'] == 'no'
    assert res.json['tags'] == ['no', 'yes']


def test_errors_in_the_negotiated_family(app: TestApp) -> None:
    res = app.get('/posts/999.xml', status=404)
    assert res.content_type == 'application/problem+xml'
    assert '<problem xmlns="urn:ietf:rfc:7807">' in res.text
    assert '<status>404</status>' in res.text
    res = app.get('/posts/999.yaml', status=404)
    assert res.content_type == 'application/problem+yaml'
    assert yaml.safe_load(res.text)['status'] == 404
    res = app.post(
        '/posts.xml',
        b'<post><title/></post>',
        headers={'Content-Type': 'application/xml'},
        status=400,
    )
    assert res.content_type == 'application/problem+xml'
    assert '<errors><i><location>body</location>' in res.text
    res = app.get(
        '/posts/999', headers={'Accept': 'text/html,*/*;q=0.8'}, status=404
    )
    assert res.content_type == 'text/html'
    assert '404' in res.text


def test_tags_resource_declared_in_yaml(app: TestApp) -> None:
    new_post(app, tags=['b', 'a'])
    new_post(app, tags=['a'])
    assert app.get('/tags').json == [
        {'tag': 'a', 'posts': 2},
        {'tag': 'b', 'posts': 1},
    ]
    assert app.get('/tags/b').json == {'tag': 'b', 'posts': 1}
    assert app.get('/tags/b.yaml').text == 'tag: b\nposts: 1\n'
    problem(app.get('/tags/zzz', status=404), 404)
    res = app.post('/tags', status=405)
    assert res.headers['Allow'] == 'GET, HEAD, OPTIONS'
