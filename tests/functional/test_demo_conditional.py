"""The demo's posts answer conditional requests, and httplint finds
nothing wrong with their 200, 304, 412 and 428.

httplint (https://pypi.org/project/httplint/) lints one HTTP message at a
time; each response is fed with the request it answered.
"""

from __future__ import annotations

import base64
from pathlib import Path
from typing import Any

import pytest
import restkit_demo
from httplint import HttpRequestLinter, HttpResponseLinter, levels
from webtest import TestApp
from webtest.response import TestResponse

#: Writing needs a login: every request logs in as alice, who writes
#: the posts (HTTP Basic; test_demo_security.py tests the logins).
ALICE = 'Basic ' + base64.b64encode(b'alice:wonderland').decode('ascii')


@pytest.fixture
def app(tmp_path: Path) -> TestApp:
    database = tmp_path / 'var' / 'x.sqlite'
    return TestApp(
        restkit_demo.main({}, **{'restkit_demo.database': str(database)}),
        extra_environ={'HTTP_AUTHORIZATION': ALICE},
    )


POST = {'title': 'Hello', 'body': 'First post.'}


def new_post(app: TestApp) -> tuple[str, str]:
    res = app.post_json('/posts', POST, status=201)
    url = res.location.removeprefix('http://localhost')
    return url, app.get(url).headers['ETag']


def test_the_version_is_the_etag(app: TestApp) -> None:
    url, tag = new_post(app)
    assert tag == '"1-json"'
    assert app.get(f'{url}.yaml').headers['ETag'] == '"1-yaml"'
    res = app.get(url, headers={'If-None-Match': tag}, status=304)
    assert res.body == b''
    res = app.put_json(
        url, {**POST, 'title': 'Changed'}, headers={'If-Match': tag}
    )
    assert res.headers['ETag'] == '"2-json"'
    assert res.json['title'] == 'Changed'
    # the stale tag: refused, nothing changed
    res = app.patch_json(
        url, {'title': 'Lost'}, headers={'If-Match': tag}, status=412
    )
    assert res.content_type == 'application/problem+json'
    assert app.get(url).json['title'] == 'Changed'
    res = app.patch_json(url, {'title': 'Again'}, headers={'If-Match': '*'})
    assert res.headers['ETag'] == '"3-json"'
    app.delete(url, headers={'If-Match': '"3-xml"'}, status=204)
    app.delete(url, headers={'If-Match': '*'}, status=412)
    app.get(url, headers={'If-None-Match': '*'}, status=404)


def test_an_id_beyond_sqlite_has_no_validator(app: TestApp) -> None:
    app.get(f'/posts/{2**63}', headers={'If-None-Match': '*'}, status=404)
    app.delete(f'/posts/{2**63}', headers={'If-Match': '*'}, status=412)


def test_the_document_shows_the_validators(app: TestApp) -> None:
    doc = app.get('/openapi.json').json
    item = doc['paths']['/posts/{id}']
    assert '304' in item['get']['responses']
    assert 'ETag' in item['get']['responses']['200']['headers']
    for verb in ('put', 'patch', 'delete'):
        assert '412' in item[verb]['responses']
    names = [p.get('name') for p in item['put']['parameters']]
    assert 'If-Match' in names
    assert 'If-None-Match' in names


# -- httplint ----------------------------------------------------------------


def lint(res: TestResponse) -> list[str]:
    """The BAD notes httplint gives ``res`` (and the request it answered)."""
    request = res.request
    environ = request.environ
    headers: list[tuple[bytes, bytes]] = [
        (b'Host', request.host.encode('ascii')),
        (b'User-Agent', b'webtest'),
    ]
    headers.extend(
        (name.encode('latin-1'), value.encode('latin-1'))
        for name, value in request.headers.items()
        if name.lower() != 'host'
    )
    request_linter = HttpRequestLinter()
    request_linter.process_request_topline(
        environ['REQUEST_METHOD'].encode('ascii'),
        request.url.encode('ascii'),
        b'HTTP/1.1',
    )
    request_linter.process_headers(headers)
    request_linter.feed_content(request.body)
    request_linter.finish_content(True)
    linter = HttpResponseLinter()
    linter.request = request_linter
    linter.is_head_response = environ['REQUEST_METHOD'] == 'HEAD'
    status, _, phrase = res.status.partition(' ')
    linter.process_response_topline(
        b'HTTP/1.1', status.encode('ascii'), phrase.encode('ascii')
    )
    # NOTE: the server adds Date; the application cannot.
    linter.process_headers(
        [(b'Date', b'Mon, 07 Dec 2026 00:00:00 GMT')]
        + [
            (name.encode('latin-1'), value.encode('latin-1'))
            for name, value in res.headerlist
        ]
    )
    linter.feed_content(res.body)
    linter.finish_content(True)
    notes: Any = linter.notes
    return [
        f'{note.__class__.__name__}: {note.summary}'
        for note in notes
        if note.level == levels.BAD
    ]


def test_httplint_finds_nothing_bad(app: TestApp) -> None:
    url, tag = new_post(app)
    responses = [
        app.get(url),
        app.head(url),
        app.get(url, headers={'If-None-Match': tag}, status=304),
        app.head(url, headers={'If-None-Match': tag}, status=304),
        app.get(f'{url}.xml', headers={'If-None-Match': tag}),
        app.put_json(url, POST, headers={'If-Match': tag}),
        app.put_json(url, POST, headers={'If-Match': tag}, status=412),
        app.delete(url, headers={'If-Match': '"x"'}, status=412),
    ]
    for res in responses:
        assert lint(res) == [], res
    assert [res.status_int for res in responses] == [
        200,
        200,
        304,
        304,
        200,
        200,
        412,
        412,
    ]


def test_httplint_on_a_428(tmp_path: Path) -> None:
    # NOTE: the demo does not require If-Match; the same application
    # with require_if_match on its posts does.
    from pyramid.config import Configurator
    from restkit_demo.db import initialize
    from restkit_demo.resources.posts import Posts
    from restkit_demo.schemas import PostOut, PostSchema
    from restkit_demo.security import post_context

    database = str(tmp_path / 'x.sqlite')
    initialize(database)
    config = Configurator(settings={'restkit_demo.database': database})
    config.include('pyramid_restkit')
    config.include('restkit_demo.security')
    config.add_resource(
        Posts,
        collection_path='/posts',
        path='/posts/{id:[0-9]+}',
        factory=post_context,
        schema=PostSchema,
        response_schema=PostOut,
        require_if_match=True,
    )
    app = TestApp(
        config.make_wsgi_app(), extra_environ={'HTTP_AUTHORIZATION': ALICE}
    )
    url, tag = new_post(app)
    res = app.delete(url, status=428)
    assert res.json['status'] == 428
    assert lint(res) == []
    assert lint(app.delete(url, headers={'If-Match': tag}, status=204)) == []


def test_lint_reports_bad_notes(app: TestApp) -> None:
    """The check above can fail: a broken Last-Modified is BAD."""
    res = app.get(new_post(app)[0])
    res.headers['Last-Modified'] = 'yesterday'
    assert lint(res) == [
        "BAD_DATE_SYNTAX: The Last-Modified header's value isn't a valid date."
    ]
