"""The document as assembled (:mod:`pyramid_restkit.openapi.document`).

Info, servers, tags, which operations a resource has, links, YAML
resources; conventions: :mod:`tests.openapi.helpers`.
"""

from __future__ import annotations

from typing import Any

import colander
import pytest
from pyramid.config import Configurator

from pyramid_restkit import operation
from tests.openapi.helpers import (
    Base,
    Echo,
    Guard,
    ItemOut,
    MakeApp,
    conforms,
    document,
    op,
    statuses,
)

# -- documentation ------------------------------------------------------------


def test_a_tag_takes_the_first_description(
    config: Configurator, make_app: MakeApp
) -> None:
    class First(Base):
        @operation(tags=['shared'])
        def get(self) -> Any:
            return {}

    class Second(Base):
        """The second says it."""

        def get(self) -> Any:
            return {}

    config.add_resource(First, path='/first/{id}')
    config.add_resource(Second, path='/second/{id}', tags=['shared'])
    config.add_resource(
        Echo, path='/third/{id}', tags=['shared'], description='Not this one.'
    )
    doc = document(make_app())
    assert doc['tags'] == [
        {'name': 'shared', 'description': 'The second says it.'}
    ]


def test_an_empty_application(config: Configurator, make_app: MakeApp) -> None:
    doc = document(make_app())
    assert doc == {
        'openapi': '3.1.0',
        'info': {'title': 'API', 'version': '0.1.0'},
        'paths': {},
        'components': {
            'schemas': {
                'Problem': doc['components']['schemas']['Problem'],
                'ValidationError': doc['components']['schemas'][
                    'ValidationError'
                ],
            }
        },
    }


@pytest.mark.parametrize(
    'settings',
    [
        {
            'restkit.openapi.title': 'Shop',
            'restkit.openapi.version': '2.1',
            'restkit.openapi.description': 'Things to buy.',
            'restkit.openapi.servers': 'https://a.example/v2\n/local',
        }
    ],
)
def test_info_and_servers_from_settings(
    config: Configurator, make_app: MakeApp
) -> None:
    doc = document(make_app())
    assert doc['info'] == {
        'title': 'Shop',
        'version': '2.1',
        'description': 'Things to buy.',
    }
    assert doc['servers'] == [
        {'url': 'https://a.example/v2'},
        {'url': '/local'},
    ]


class Optioned(Base):
    def collection_get(self) -> Any:
        return []

    def collection_options(self) -> Any:
        """What the collection offers."""
        return {'verbs': ['GET']}

    def get(self) -> Any:
        return {}

    @operation(media_type='text', summary='What an item offers.')
    def options(self) -> Any:
        return 'GET, OPTIONS'


def test_custom_options_are_operations(
    config: Configurator, make_app: MakeApp
) -> None:
    config.set_security_policy(Guard())
    config.add_resource(
        Optioned, collection_path='/o', path='/o/{id}', permission='read'
    )
    app = make_app()
    doc = document(app)
    options = op(doc, '/o', 'options')
    assert options['operationId'] == 'optioned_collection_options'
    assert options['summary'] == 'What the collection offers.'
    # OPTIONS needs no permission
    assert statuses(options) == ['200', '400', '406']
    item = op(doc, '/o/{id}', 'options')
    assert item['summary'] == 'What an item offers.'
    assert set(item['responses']['200']['content']) == {'text/plain'}
    # HEAD (GET's operation) is not an operation of the document
    assert set(doc['paths']['/o']) == {'get', 'options'}
    assert set(doc['paths']['/o/{id}']) == {'get', 'options'}
    res = app.options('/o')
    assert res.json == {'verbs': ['GET']}
    conforms(doc, '/o', 'options', res)
    res = app.options('/o/1')
    assert res.text == 'GET, OPTIONS'
    conforms(doc, '/o/{id}', 'options', res)


def test_the_automatic_options_is_not_an_operation(
    config: Configurator, make_app: MakeApp
) -> None:
    config.add_resource(Echo, path='/e/{id}')
    app = make_app()
    doc = document(app)
    assert set(doc['paths']['/e/{id}']) == {'get'}
    assert app.options('/e/1', status=204).headers['Allow'] == (
        'GET, HEAD, OPTIONS'
    )


def test_resources_with_one_path(
    config: Configurator, make_app: MakeApp
) -> None:
    class Only(Base):
        @operation(status=201)
        def collection_post(self) -> Any:
            return {'id': 1}

    config.add_resource(Only, collection_path='/only', response_schema=ItemOut)
    config.add_resource(Echo, name='item', path='/item/{id}')
    doc = document(make_app())
    assert set(doc['paths']) == {'/only', '/item/{id}'}
    assert 'links' not in op(doc, '/only', 'post')['responses']['201']


# -- links --------------------------------------------------------------------


class CommentOut(colander.MappingSchema):
    id = colander.SchemaNode(colander.Integer())
    text = colander.SchemaNode(colander.String())
    note = colander.SchemaNode(colander.String(), missing=colander.drop)


class Comments(Base):
    def collection_get(self) -> Any:
        return []

    @operation(status=201)
    def collection_post(self) -> dict[str, Any] | None:
        return {'id': 7, 'text': 'hi'}

    def get(self) -> Any:
        return {'id': int(self.request.matchdict['id']), 'text': 'hi'}

    def delete(self) -> None:
        return None


def test_links_from_a_creation_to_its_item(
    config: Configurator, make_app: MakeApp
) -> None:
    config.add_resource(
        Comments,
        collection_path='/posts/{post_id}/comments',
        path='/posts/{post_id}/comments/{id}',
        response_schema=CommentOut,
    )
    app = make_app()
    doc = document(app)
    responses = op(doc, '/posts/{post_id}/comments', 'post')['responses']
    parameters = {
        'post_id': '$request.path.post_id',
        'id': '$response.body#/id',
    }
    assert responses['201']['links'] == {
        'comments_get': {
            'operationId': 'comments_get',
            'parameters': parameters,
        },
        'comments_delete': {
            'operationId': 'comments_delete',
            'parameters': parameters,
        },
    }
    # no body, no id: no link
    assert 'links' not in responses['204']
    assert 'links' not in responses['400']
    # follow it
    created = app.post('/posts/3/comments', status=201)
    conforms(doc, '/posts/{post_id}/comments', 'post', created)
    res = app.get(f'/posts/3/comments/{created.json["id"]}')
    conforms(doc, '/posts/{post_id}/comments/{id}', 'get', res)


@pytest.mark.parametrize(
    ('item_path', 'output'),
    [
        # a placeholder the answer does not have
        ('/c/{cid}', CommentOut),
        # a field the answer may lack
        ('/c/{note}', CommentOut),
        # no output schema: nothing is known of the answer
        ('/c/{id}', None),
    ],
)
def test_no_link_without_a_value_for_each_placeholder(
    config: Configurator, make_app: MakeApp, item_path: str, output: Any
) -> None:
    options = {} if output is None else {'response_schema': output}
    config.add_resource(
        Comments, collection_path='/c', path=item_path, **options
    )
    doc = document(make_app())
    responses = op(doc, '/c', 'post')['responses']
    assert not any('links' in r for r in responses.values())


@pytest.mark.parametrize(
    'settings',
    [{'restkit.media_types': 'yaml', 'restkit.default_media_type': 'yaml'}],
)
def test_links_read_the_json_answer(
    config: Configurator, make_app: MakeApp
) -> None:
    config.add_resource(
        Comments,
        collection_path='/c',
        path='/c/{id}',
        response_schema=CommentOut,
    )
    doc = document(make_app())
    assert 'links' not in op(doc, '/c', 'post')['responses']['201']


# -- resources declared in YAML -----------------------------------------------


def test_resources_from_yaml(config: Configurator, make_app: MakeApp) -> None:
    config.load_resources('tests.fixtures.yaml:full.yaml')
    app = make_app()
    doc = document(app)
    # a module of functions: their docstrings, @operation and YAML options
    notes = doc['paths']['/notes']
    assert notes['get']['operationId'] == 'api_collection_get'
    assert statuses(notes['post'])[0] == '201'
    note = op(doc, '/notes/{id}', 'get')
    assert statuses(note)[0] == '203'
    assert doc['tags'][-1] == {
        'name': 'api',
        'description': 'Notes, as plain functions of the request.',
    }
    res = app.get('/notes/1', status=203)
    conforms(doc, '/notes/{id}', 'get', res)
    res = app.post_json('/notes', {'title': 'abcd'}, status=201)
    conforms(doc, '/notes', 'post', res)
    # the class's YAML options
    read = op(doc, '/posts/{id}', 'get')
    assert read['operationId'] == 'readPost'
    assert read['deprecated'] is True
    assert read['summary'] == 'One post'
    assert read['description'] == 'Reads one post.'
    assert read['tags'] == ['read']
    assert read['responses']['410']['description'] == 'Deleted.'
    # the custom media type renders, and parses
    assert set(read['responses']['200']['content']) == {
        'application/json',
        'application/x-upper',
    }
    post = op(doc, '/posts', 'post')
    assert {'application/x-upper', 'text/x-upper'} <= set(
        post['requestBody']['content']
    )
    assert post['summary'] == 'Blog posts'
    assert {'name': 'posts', 'description': 'The posts of the blog.'} in doc[
        'tags'
    ]
    delete = op(doc, '/posts/{id}', 'delete')
    assert delete['summary'] == 'from the decorator'
    assert set(delete['responses']['202']['content']) == {'application/yaml'}
    res = app.delete('/posts/1', status=202)
    conforms(doc, '/posts/{id}', 'delete', res)
