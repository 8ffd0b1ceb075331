"""Read-only fields: what a client GOT, PUT back, is dropped, not refused.

API.md, "Schemas": fields that the response schema has and the input
schema lacks are read-only; sent back in a body they are dropped; other
unknown fields follow ``restkit.unknown_fields``.  "Details fixed": the
operation's own response schema against its input schema, at every
nesting level.
"""

from __future__ import annotations

import base64
from collections.abc import Callable
from pathlib import Path
from typing import Any

import colander
import pytest
import restkit_demo
import webtest
from pyramid.config import Configurator

from pyramid_restkit import RequestSchema, get_openapi, operation

MakeApp = Callable[[], webtest.TestApp]


class Tag(colander.MappingSchema):
    name = colander.SchemaNode(colander.String())


class Tags(colander.SequenceSchema):
    tag = Tag()


class Author(colander.MappingSchema):
    name = colander.SchemaNode(colander.String())


class ArticleIn(colander.MappingSchema):
    title = colander.SchemaNode(colander.String())
    views = colander.SchemaNode(colander.Integer(), missing=0)
    author = Author(missing=colander.drop)
    tags = Tags(missing=colander.drop)


class AuthorOut(Author):
    id = colander.SchemaNode(colander.Integer())


class TagOut(Tag):
    id = colander.SchemaNode(colander.Integer())


class TagsOut(colander.SequenceSchema):
    tag = TagOut()


class ArticleOut(colander.MappingSchema):
    id = colander.SchemaNode(colander.Integer())
    title = colander.SchemaNode(colander.String())
    views = colander.SchemaNode(colander.Integer())
    created_at = colander.SchemaNode(colander.DateTime())
    author = AuthorOut(missing=colander.drop)
    tags = TagsOut(missing=colander.drop)


STORED = {
    'id': 7,
    'title': 'Hello',
    'views': 3,
    'created_at': '2024-01-02T03:04:05+00:00',
    'author': {'id': 1, 'name': 'Ann'},
    'tags': [{'id': 1, 'name': 'a'}, {'id': 2, 'name': 'b'}],
}


class Articles:
    """Answers the stored row; the tests read what it validated."""

    def __init__(self, request: Any) -> None:
        self.request = request

    def get(self) -> Any:
        return STORED

    def _echo(self) -> Any:
        return STORED

    @operation(status=201)
    def collection_post(self) -> Any:
        return self._echo()

    def put(self) -> Any:
        return self._echo()

    def patch(self) -> Any:
        return self._echo()


class Seen:
    """Keeps what the last request validated, for the tests to read."""

    validated: Any = None


def seen_resource(base: type) -> type:
    class Recorder(base):  # type: ignore[valid-type,misc]
        def _echo(self) -> Any:
            Seen.validated = self.request.validated
            return super()._echo()

    return Recorder


@pytest.fixture
def app(config: Configurator, make_app: MakeApp) -> webtest.TestApp:
    config.add_resource(
        seen_resource(Articles),
        name='articles',
        collection_path='/articles',
        path='/articles/{id}',
        schema=ArticleIn,
        response_schema=ArticleOut,
    )
    return make_app()


def names(res: webtest.TestResponse) -> list[str]:
    return [error['name'] for error in res.json['errors']]


# -- what a client GOT, sent back --------------------------------------------


def test_put_back_what_get_returned(app: webtest.TestApp) -> None:
    got = app.get('/articles/7').json
    assert got == STORED
    app.put_json('/articles/7', got, status=200)
    assert Seen.validated == {
        'title': 'Hello',
        'views': 3,
        'author': {'name': 'Ann'},
        'tags': [{'name': 'a'}, {'name': 'b'}],
    }


def test_post_drops_read_only_fields(app: webtest.TestApp) -> None:
    app.post_json(
        '/articles', {'id': 99, 'created_at': 'x', 'title': 't'}, status=201
    )
    assert Seen.validated == {'title': 't', 'views': 0}


def test_read_only_values_are_not_checked(app: webtest.TestApp) -> None:
    # dropped, not validated: a wrong type or null is no error either
    body = {
        'id': 'not a number',
        'created_at': None,
        'title': 't',
        'author': {'id': [1], 'name': 'Ann'},
        'tags': [{'id': {}, 'name': 'a'}],
    }
    app.put_json('/articles/7', body, status=200)
    assert Seen.validated == {
        'title': 't',
        'views': 0,
        'author': {'name': 'Ann'},
        'tags': [{'name': 'a'}],
    }


def test_patch_of_read_only_fields_only(app: webtest.TestApp) -> None:
    app.patch_json('/articles/7', {'id': 7, 'created_at': 'x'}, status=200)
    assert Seen.validated == {}
    app.patch_json(
        '/articles/7', {'author': {'id': 1, 'name': 'Bo'}}, status=200
    )
    assert Seen.validated == {'author': {'name': 'Bo'}}
    app.patch_json('/articles/7', {'author': {'id': 1}}, status=200)
    assert Seen.validated == {'author': {}}


# -- other unknown fields are still refused -----------------------------------


@pytest.mark.parametrize(
    ('body', 'expected'),
    [
        ({'title': 't', 'secret': 1}, ['secret']),
        ({'title': 't', 'id': 1, 'secret': 1}, ['secret']),
        (
            {'title': 't', 'author': {'id': 1, 'name': 'A', 'x': 1}},
            ['author.x'],
        ),
        (
            {
                'title': 't',
                'tags': [{'id': 1, 'name': 'a'}, {'name': 'b', 'x': 1}],
            },
            ['tags.1.x'],
        ),
        # a name is read-only only where the response schema has it
        (
            {'title': 't', 'author': {'name': 'A', 'created_at': 1}},
            ['author.created_at'],
        ),
        (
            {'title': 't', 'tags': [{'name': 'a', 'views': 1}]},
            ['tags.0.views'],
        ),
        # the other errors are reported as before
        ({'title': 5, 'id': 1, 'x': 1}, ['title', 'x']),
    ],
)
def test_unknown_fields_are_still_refused(
    app: webtest.TestApp, body: Any, expected: list[str]
) -> None:
    for method in (app.put_json, app.patch_json, app.post_json):
        url = '/articles' if method == app.post_json else '/articles/7'
        res = method(url, body, status=400)
        assert names(res) == expected


def test_missing_fields_are_still_required(app: webtest.TestApp) -> None:
    res = app.put_json('/articles/7', {'id': 1, 'created_at': 'x'}, status=400)
    assert names(res) == ['title']


@pytest.mark.parametrize('settings', [{'restkit.unknown_fields': 'ignore'}])
def test_with_unknown_fields_ignored(app: webtest.TestApp) -> None:
    body = {**STORED, 'secret': 1, 'author': {'id': 1, 'name': 'A', 'x': 1}}
    app.put_json('/articles/7', body, status=200)
    assert Seen.validated['author'] == {'name': 'A'}
    assert 'secret' not in Seen.validated
    assert 'id' not in Seen.validated


# -- text formats -------------------------------------------------------------


def test_form_and_xml_bodies(app: webtest.TestApp) -> None:
    app.post('/articles', {'id': '7', 'title': 't'}, status=201)
    assert Seen.validated == {'title': 't', 'views': 0}
    res = app.post('/articles', {'x': '7', 'title': 't'}, status=400)
    assert names(res) == ['x']
    xml = (
        '<article><id>7</id><title>t</title><created_at>x</created_at>'
        '<author><id>1</id><name>A</name></author></article>'
    )
    app.post('/articles', xml, content_type='application/xml', status=201)
    assert Seen.validated == {
        'title': 't',
        'views': 0,
        'author': {'name': 'A'},
    }


# -- whose response schema ----------------------------------------------------


class OwnSchemas(Articles):
    @operation(response_schema=AuthorOut)
    def put(self) -> Any:
        Seen.validated = self.request.validated
        return {'id': 1, 'name': 'Ann'}

    @operation(response_schema=None)
    def patch(self) -> Any:
        Seen.validated = self.request.validated
        return None


def test_the_operations_own_response_schema(
    config: Configurator, make_app: MakeApp
) -> None:
    config.add_resource(
        OwnSchemas,
        collection_path='/own',
        path='/own/{id}',
        schema=ArticleIn,
        response_schema=ArticleOut,
    )
    app = make_app()
    # PUT answers an AuthorOut: its only read-only field is ``id``
    app.put_json('/own/1', {'id': 1, 'title': 't'}, status=200)
    assert Seen.validated == {'title': 't', 'views': 0}
    res = app.put_json('/own/1', {'title': 't', 'created_at': 'x'}, status=400)
    assert names(res) == ['created_at']
    # PATCH answers nothing: nothing is read-only
    res = app.patch_json('/own/1', {'id': 1}, status=400)
    assert names(res) == ['id']


class PathAndBody(RequestSchema):
    @colander.instantiate()
    class path(colander.MappingSchema):
        id = colander.SchemaNode(colander.Integer())

    body = ArticleIn()


class WithRequestSchema(Articles):
    @operation(schema=PathAndBody)
    def put(self) -> Any:
        Seen.validated = self.request.validated
        return STORED


def test_request_schema_body(config: Configurator, make_app: MakeApp) -> None:
    config.add_resource(
        WithRequestSchema,
        collection_path='/req',
        path='/req/{id}',
        schema=ArticleIn,
        response_schema=ArticleOut,
    )
    app = make_app()
    app.put_json('/req/7', STORED, status=200)
    assert Seen.validated['body'] == {
        'title': 'Hello',
        'views': 3,
        'author': {'name': 'Ann'},
        'tags': [{'name': 'a'}, {'name': 'b'}],
    }
    assert Seen.validated['path'] == {'id': 7}
    res = app.put_json('/req/7', {**STORED, 'x': 1}, status=400)
    assert names(res) == ['x']


@pytest.mark.parametrize(
    ('unknown', 'status', 'expected'),
    [('preserve', 200, {'title': 't', 'x': 1}), ('raise', 400, None)],
)
def test_mappings_with_their_own_unknown(
    config: Configurator,
    make_app: MakeApp,
    unknown: str,
    status: int,
    expected: Any,
) -> None:
    schema = colander.SchemaNode(
        colander.Mapping(unknown=unknown),
        colander.SchemaNode(colander.String(), name='title'),
    )
    config.add_resource(
        seen_resource(Articles),
        name='own',
        collection_path='/own',
        path='/own/{id}',
        schema=schema,
        response_schema=ArticleOut,
    )
    app = make_app()
    Seen.validated = None
    app.put_json('/own/1', {'id': 1, 'title': 't', 'x': 1}, status=status)
    assert Seen.validated == expected
    # read-only fields never reach the application, nor refuse the body
    app.put_json('/own/1', {'id': 1, 'title': 't'}, status=200)
    assert Seen.validated == {'title': 't'}


# -- the demo -----------------------------------------------------------------


def test_demo_put_and_patch_back_what_get_returned(tmp_path: Path) -> None:
    # Writing needs a login: alice's (HTTP Basic) on every request.
    alice = 'Basic ' + base64.b64encode(b'alice:wonderland').decode()
    app = webtest.TestApp(
        restkit_demo.main(
            {}, **{'restkit_demo.database': str(tmp_path / 'demo.sqlite')}
        ),
        extra_environ={'HTTP_AUTHORIZATION': alice},
    )
    post = app.post_json(
        '/posts', {'title': 'Hello', 'body': 'First.'}, status=201
    ).json
    got = app.get(f'/posts/{post["id"]}').json
    assert {'id', 'created_at', 'author'} <= set(got)
    got['title'] = 'Changed'
    res = app.put_json(f'/posts/{post["id"]}', got, status=200)
    assert res.json['title'] == 'Changed'
    assert res.json['created_at'] == got['created_at']
    # the author too is read-only: sent back, not refused
    assert res.json['author'] == got['author'] == 'alice'
    res = app.patch_json(
        f'/posts/{post["id"]}', {**got, 'published': True}, status=200
    )
    assert res.json['published'] is True
    res = app.put_json(f'/posts/{post["id"]}', {**got, 'x': 1}, status=400)
    assert names(res) == ['x']


# -- the document -------------------------------------------------------------


def test_document_accepts_what_get_returned(app: webtest.TestApp) -> None:
    import jsonschema

    doc = get_openapi(app.app.registry)
    operations = [
        doc['paths']['/articles/{id}']['put'],
        doc['paths']['/articles/{id}']['patch'],
        doc['paths']['/articles']['post'],
    ]
    for operation_ in operations:
        content = operation_['requestBody']['content']
        schema = content['application/json']['schema']
        root = {'components': doc['components'], **schema}
        validator = jsonschema.Draft202012Validator(root)
        validator.validate(STORED)
        # other unknown fields are still refused, as by the runtime
        assert not validator.is_valid({**STORED, 'x': 1})
        author = {'id': 1, 'name': 'A', 'x': 1}
        assert not validator.is_valid({**STORED, 'author': author})


# -- found once, at commit ----------------------------------------------------


def test_read_only_fields_are_found_at_commit(
    config: Configurator, app: webtest.TestApp
) -> None:
    from pyramid_restkit.interfaces import IRestkitRoutes

    table = config.registry.getUtility(IRestkitRoutes)
    put = table['articles.item'].operations['PUT'].validator
    post = table['articles.collection'].operations['POST'].validator
    patch = table['articles.item'].operations['PATCH'].validator
    assert put.read_only == {
        ('id',),
        ('created_at',),
        ('author', 'id'),
        ('tags', None, 'id'),
    }
    # the same schema and read-only fields: one set of prepared schemas
    assert post is put
    assert patch is not put
    assert patch.read_only == put.read_only
