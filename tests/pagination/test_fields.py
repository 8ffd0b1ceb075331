"""?fields=: sparse representations of GET/HEAD, plain and paginated."""

from __future__ import annotations

from typing import Any

import colander
import pytest
import webtest
import yaml
from pyramid.config import Configurator

from pyramid_restkit.pagination.fields import field_paths, select


class Author(colander.MappingSchema):
    name = colander.SchemaNode(colander.String())
    email = colander.SchemaNode(colander.String())


class Tags(colander.SequenceSchema):
    tag = colander.SchemaNode(colander.String())


class Comment(colander.MappingSchema):
    body = colander.SchemaNode(colander.String())
    by = colander.SchemaNode(colander.String())


class Comments(colander.SequenceSchema):
    comment = Comment()


class Post(colander.MappingSchema):
    id = colander.SchemaNode(colander.Integer())
    title = colander.SchemaNode(colander.String())
    author = Author()
    tags = Tags()
    comments = Comments()


POST = {
    'id': 1,
    'title': 'T',
    'author': {'name': 'A', 'email': 'a@x'},
    'tags': ['x'],
    'comments': [{'body': 'b', 'by': 'c'}],
    'secret': 'never sent',
}


class Posts:
    def __init__(self, request: Any) -> None:
        self.request = request

    def collection_get(self) -> Any:
        return [POST, {**POST, 'id': 2}]

    def collection_post(self) -> Any:
        return POST

    def get(self) -> Any:
        return POST


class Plain:
    def __init__(self, request: Any) -> None:
        self.request = request

    def collection_get(self) -> Any:
        return {'a': 1}


@pytest.fixture
def app(config: Configurator) -> webtest.TestApp:
    config.add_resource(
        Posts,
        collection_path='/posts',
        path='/posts/{id}',
        name='posts',
        response_schema=Post,
        pagination='offset',
    )
    config.add_resource(
        Posts,
        collection_path='/all',
        path='/all/{id}',
        name='all',
        response_schema=Post,
    )
    config.add_resource(Plain, collection_path='/plain')
    return webtest.TestApp(config.make_wsgi_app())


def test_paths() -> None:
    assert field_paths(Post()) == {
        'id',
        'title',
        'author',
        'author.name',
        'author.email',
        'tags',
        'comments',
        'comments.body',
        'comments.by',
    }
    assert field_paths(Comments()) == {'body', 'by'}
    assert select(3, {'a': None}) == 3


def test_plain_get(app: webtest.TestApp) -> None:
    assert app.get('/posts/1?fields=id,author.name').json == {
        'id': 1,
        'author': {'name': 'A'},
    }
    assert app.get('/posts/1?fields=author.name,author,comments.by').json == {
        'author': {'name': 'A', 'email': 'a@x'},
        'comments': [{'by': 'c'}],
    }
    assert app.get('/posts/1?fields=author,author.name').json == {
        'author': {'name': 'A', 'email': 'a@x'}
    }
    assert app.get('/posts/1?fields=').json['title'] == 'T'
    # other parameters, and the name written with %-escapes
    assert app.get('/posts/1?x=1').json['title'] == 'T'
    assert app.get('/posts/1?%66ields=id').json == {'id': 1}
    response = app.head('/posts/1?fields=id')
    assert response.status_int == 200


def test_page_items(app: webtest.TestApp) -> None:
    response = app.get('/posts?fields=id&limit=1')
    assert response.json['items'] == [{'id': 1}]
    assert response.json['next'] == (
        'http://localhost/posts?fields=id&limit=1&offset=1'
    )
    as_yaml = app.get(
        '/posts?fields=title', headers={'Accept': 'application/yaml'}
    )
    assert yaml.safe_load(as_yaml.text)['items'] == [{'title': 'T'}] * 2


def test_plain_list(app: webtest.TestApp) -> None:
    assert app.get('/all?fields=tags').json == [{'tags': ['x']}] * 2


def test_not_on_other_verbs(app: webtest.TestApp) -> None:
    body = app.post('/all?fields=nope').json
    assert body['title'] == 'T'
    assert 'secret' not in body


@pytest.mark.parametrize(
    'url',
    [
        '/posts/1?fields=secret',
        '/posts/1?fields=id,',
        '/posts/1?fields=author.nick',
        '/posts/1?fields=id&fields=title',
        '/posts?fields=nope',
        '/plain?fields=a',
    ],
)
def test_refused(app: webtest.TestApp, url: str) -> None:
    response = app.get(url, status=400)
    assert response.json['errors'][0]['location'] == 'querystring'
    assert response.json['errors'][0]['name'] == 'fields'


class Streamed:
    def __init__(self, request: Any) -> None:
        self.request = request

    def collection_get(self) -> Any:
        return ({**POST, 'id': n} for n in range(3))


def test_fields_select_from_a_streamed_collection(
    config: Configurator,
) -> None:
    config.add_resource(
        Streamed, collection_path='/stream', response_schema=Post
    )
    app = webtest.TestApp(config.make_wsgi_app())
    res = app.get('/stream?fields=id,author.name')
    assert res.json == [{'id': n, 'author': {'name': 'A'}} for n in range(3)]
    assert app.get('/stream').json[0]['title'] == 'T'
