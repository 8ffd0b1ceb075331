"""Operation Objects and request bodies.

What :mod:`pyramid_restkit.openapi.operations` writes; conventions:
:mod:`tests.openapi.helpers`.
"""

from __future__ import annotations

from typing import Any

import colander
import pytest
from pyramid.config import Configurator

from pyramid_restkit import operation
from tests.openapi.helpers import (
    FORM_TYPES,
    YAML_TYPES,
    Author,
    Base,
    Bodies,
    Echo,
    Item,
    MakeApp,
    conforms,
    document,
    op,
    valid,
)


class Nested(colander.MappingSchema):
    title = colander.SchemaNode(colander.String())
    author = Author()


class Tags(colander.SequenceSchema):
    tag = colander.SchemaNode(colander.String())


class Tagged(colander.MappingSchema):
    title = colander.SchemaNode(colander.String())
    tags = Tags()
    labels = colander.SchemaNode(
        colander.Sequence(), colander.SchemaNode(colander.String())
    )
    extra = colander.SchemaNode(colander.List(), missing=())


class Optional_(colander.MappingSchema):
    note = colander.SchemaNode(colander.String(), missing=colander.drop)


class Text(colander.SchemaNode):
    schema_type = colander.String


class Numbers(colander.SequenceSchema):
    number = colander.SchemaNode(colander.Integer())


# -- request bodies -----------------------------------------------------------


class Store(Base):
    def collection_get(self) -> Any:
        return []

    @operation(status=201)
    def collection_post(self) -> Any:
        return self.request.validated

    def put(self) -> Any:
        return self.request.validated

    def patch(self) -> Any:
        return self.request.validated


def test_request_bodies_per_parser(
    config: Configurator, make_app: MakeApp
) -> None:
    config.add_resource(
        Store,
        name='flat',
        collection_path='/flat',
        path='/flat/{id}',
        schema=Item,
    )
    config.add_resource(
        Store,
        name='nested',
        collection_path='/nested',
        path='/nested/{id}',
        schema=Nested,
    )
    app = make_app()
    doc = document(app)
    flat = op(doc, '/flat', 'post')['requestBody']
    assert flat['required'] is True
    assert list(flat['content']) == [
        'application/json',
        *YAML_TYPES,
        'application/xml',
        'text/xml',
        *FORM_TYPES,
    ]
    content = flat['content']
    for content_type in ('application/json', *YAML_TYPES):
        assert content[content_type]['schema'] == {
            '$ref': '#/components/schemas/Item'
        }
    for content_type in ('application/xml', 'text/xml'):
        assert content[content_type]['schema'] == {
            '$ref': '#/components/schemas/Item-XML'
        }
    for content_type in FORM_TYPES:
        assert content[content_type]['schema'] == {
            '$ref': '#/components/schemas/Item-Form'
        }
    # no text/plain: an operation must opt in
    assert 'text/plain' not in content
    # a nested schema cannot be a form
    nested = op(doc, '/nested', 'post')['requestBody']['content']
    assert not set(FORM_TYPES) & set(nested)
    assert 'application/xml' in nested
    # each documented type is parsed...
    bodies = [
        ('application/json', b'{"name": "a"}'),
        ('application/yaml', b'name: a'),
        ('application/x-yaml', b'name: a'),
        ('text/yaml', b'name: a'),
        ('application/xml', b'<item><name>a</name></item>'),
        ('text/xml', b'<item><name>a</name></item>'),
        ('application/x-www-form-urlencoded', b'name=a'),
    ]
    for content_type, body in bodies:
        res = app.post('/flat', body, content_type=content_type, status=201)
        assert res.json == {'name': 'a', 'size': 1}, content_type
        conforms(doc, '/flat', 'post', res)
    res = app.post(
        '/flat', {'name': 'a'}, content_type=FORM_TYPES[1], status=201
    )
    assert res.request.content_type == FORM_TYPES[1]
    assert res.json == {'name': 'a', 'size': 1}
    # ... and what is not documented is refused
    res = app.post('/flat', b'a', content_type='text/plain', status=415)
    conforms(doc, '/flat', 'post', res)
    res = app.post(
        '/nested', b'title=a', content_type=FORM_TYPES[0], status=400
    )
    conforms(doc, '/nested', 'post', res)
    res = app.post_json(
        '/nested', {'title': 'a', 'author': {'name': 'b'}}, status=201
    )
    conforms(doc, '/nested', 'post', res)


def test_patch_is_a_partial(config: Configurator, make_app: MakeApp) -> None:
    config.add_resource(
        Store, collection_path='/s', path='/s/{id}', schema=Item
    )
    app = make_app()
    doc = document(app)
    patch = op(doc, '/s/{id}', 'patch')['requestBody']
    assert patch['required'] is False
    content = patch['content']
    assert content['application/json']['schema'] == {
        '$ref': '#/components/schemas/Item-Partial'
    }
    assert content['application/xml']['schema'] == {
        '$ref': '#/components/schemas/Item-Partial-XML'
    }
    assert content[FORM_TYPES[0]]['schema'] == {
        '$ref': '#/components/schemas/Item-Partial-Form'
    }
    partial = doc['components']['schemas']['Item-Partial']
    assert 'required' not in partial
    assert 'default' not in partial['properties']['size']
    put = op(doc, '/s/{id}', 'put')['requestBody']
    assert put['required'] is True
    # no body, or one field: a PATCH takes it, without defaults
    res = app.patch('/s/1')
    assert res.json == {}
    conforms(doc, '/s/{id}', 'patch', res)
    res = app.patch_json('/s/1', {'size': 2})
    assert res.json == {'size': 2}
    conforms(doc, '/s/{id}', 'patch', res)
    res = app.put('/s/1', status=400)
    conforms(doc, '/s/{id}', 'put', res)


@pytest.mark.parametrize(
    ('schema', 'required'),
    [
        (Item(), True),
        (Optional_(), False),
        (Numbers(), True),
        (Numbers(missing=()), False),
        (Text(), True),
        (Text(missing='none'), False),
    ],
)
def test_request_body_required(
    config: Configurator, make_app: MakeApp, schema: Any, required: bool
) -> None:
    config.add_resource(Bodies, collection_path='/b', schema=schema)
    app = make_app()
    doc = document(app)
    assert op(doc, '/b', 'post')['requestBody']['required'] is required
    # what an absent body gives
    res = app.post('/b', status=400 if required else 200)
    conforms(doc, '/b', 'post', res)


class Notes(Base):
    @operation(media_types=('json', 'text'), schema=Text())
    def collection_post(self) -> Any:
        return self.request.validated

    @operation(media_types=('json', 'text'))
    def put(self) -> Any:
        return self.request.validated

    @operation(schema=Text())
    def patch(self) -> Any:
        return self.request.validated


@pytest.mark.parametrize(
    'settings', [{'restkit.media_types': 'json yaml xml html text form csv'}]
)
def test_text_bodies_only_where_an_operation_opts_in(
    config: Configurator, make_app: MakeApp
) -> None:
    config.add_resource(
        Notes, collection_path='/notes', path='/notes/{id}', schema=Item
    )
    app = make_app()
    doc = document(app)
    post = op(doc, '/notes', 'post')['requestBody']['content']
    assert list(post) == ['application/json', 'text/plain']
    # the text is the string, which must not be empty
    assert post['text/plain']['schema'] == {'type': 'string', 'minLength': 1}
    res = app.post('/notes', b'hello', content_type='text/plain')
    assert res.json == 'hello'
    conforms(doc, '/notes', 'post', res)
    res = app.post('/notes', b'', content_type='text/plain', status=400)
    conforms(doc, '/notes', 'post', res)
    # a mapping schema cannot be one string
    put = op(doc, '/notes/{id}', 'put')['requestBody']['content']
    assert list(put) == ['application/json']
    res = app.put('/notes/1', b'name', content_type='text/plain', status=400)
    conforms(doc, '/notes/{id}', 'put', res)
    # without opting in, text/plain is refused; CSV bodies are rows, not
    # a string, so they are never documented
    patch = op(doc, '/notes/{id}', 'patch')['requestBody']['content']
    assert 'text/plain' not in patch
    assert 'text/csv' not in patch
    res = app.patch('/notes/1', b'x', content_type='text/plain', status=415)
    conforms(doc, '/notes/{id}', 'patch', res)
    res = app.patch('/notes/1', b'a\nb\n', content_type='text/csv', status=400)
    conforms(doc, '/notes/{id}', 'patch', res)


class FormOnly(Base):
    @operation(media_types=('form', 'html'))
    def collection_post(self) -> Any:
        return self.request.validated


def test_no_documented_body_when_no_parser_can_take_the_schema(
    config: Configurator, make_app: MakeApp
) -> None:
    config.add_resource(FormOnly, collection_path='/f', schema=Nested)
    app = make_app()
    doc = document(app)
    post = op(doc, '/f', 'post')
    assert 'requestBody' not in post
    # the body is still parsed: too large or of another type, refused
    assert {'400', '413', '415'} <= set(post['responses'])
    res = app.post_json('/f', {'title': 'a'}, status=415)
    conforms(doc, '/f', 'post', res)
    res = app.post('/f', b'title=a', content_type=FORM_TYPES[0], status=400)
    conforms(doc, '/f', 'post', res)


def test_required_lists_in_forms_need_a_value(
    config: Configurator, make_app: MakeApp
) -> None:
    config.add_resource(Bodies, collection_path='/t', schema=Tagged)
    app = make_app()
    doc = document(app)
    content = op(doc, '/t', 'post')['requestBody']['content']
    form = content[FORM_TYPES[0]]['schema']
    body = {'title': 'a', 'tags': ['x'], 'labels': ['y']}
    assert valid(doc, form, body)
    # one field is a list of one
    assert valid(doc, form, {'title': 'a', 'tags': 'x', 'labels': 'y'})
    # a form cannot send an empty list: the field would be absent
    for name in ('tags', 'labels'):
        assert not valid(doc, form, {**body, name: []}), name
        assert valid(
            doc, content['application/json']['schema'], {**body, name: []}
        )
    res = app.post(
        '/t', b'title=a&tags=x', content_type=FORM_TYPES[0], status=400
    )
    assert [e['name'] for e in res.json['errors']] == ['labels']
    res = app.post(
        '/t', b'title=a&tags=x&labels=y&labels=z', content_type=FORM_TYPES[0]
    )
    assert res.json == {
        'title': 'a',
        'tags': ['x'],
        'labels': ['y', 'z'],
        'extra': [],
    }
    conforms(doc, '/t', 'post', res)


# -- documentation ------------------------------------------------------------


class Documented(Base):
    """Documented things.

    The second paragraph is not the tag's.
    """

    def collection_get(self) -> Any:
        """List them.

        All of them, paged.
        """
        return []

    @operation(summary='Create one', description='Its own words.')
    def collection_post(self) -> Any:
        """Not this summary.

        Not this description.
        """
        return {}

    def get(self) -> Any:
        return {}

    @operation(deprecated=True, operation_id='replaceThing', tags=['admin'])
    def put(self) -> Any:
        return {}

    @operation(description='Only the operation says so.')
    def delete(self) -> None:
        return None


def test_summaries_descriptions_and_tags(
    config: Configurator, make_app: MakeApp
) -> None:
    config.add_resource(
        Documented,
        collection_path='/docs',
        path='/docs/{id}',
        summary='A thing',
    )
    config.add_resource(
        Echo,
        name='echo',
        path='/echo/{id}',
        tags=('tools', 'echo'),
        description='Echoes.\n\nMore.',
    )
    app = make_app()
    doc = document(app)
    listing = op(doc, '/docs', 'get')
    assert listing['operationId'] == 'documented_collection_get'
    assert listing['summary'] == 'List them.'
    assert listing['description'] == 'All of them, paged.'
    assert listing['tags'] == ['documented']
    assert 'deprecated' not in listing
    create = op(doc, '/docs', 'post')
    assert create['summary'] == 'Create one'
    assert create['description'] == 'Its own words.'
    # no docstring: the resource's summary, no description
    one = op(doc, '/docs/{id}', 'get')
    assert one['summary'] == 'A thing'
    assert 'description' not in one
    put = op(doc, '/docs/{id}', 'put')
    assert put['operationId'] == 'replaceThing'
    assert put['deprecated'] is True
    assert put['tags'] == ['admin']
    assert op(doc, '/echo/{id}', 'get')['tags'] == ['tools', 'echo']
    # a resource's description is its tag's, not each operation's
    assert 'description' not in op(doc, '/echo/{id}', 'get')
    # tags: the resource's description (first paragraph), else its
    # docstring's; an operation's own description or tags describe nothing
    assert doc['tags'] == [
        {
            'name': 'documented',
            'description': 'Documented things.',
        },
        {'name': 'admin'},
        {'name': 'tools', 'description': 'Echoes.'},
        {'name': 'echo', 'description': 'Echoes.'},
    ]
