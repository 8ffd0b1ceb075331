"""Read-only fields in request bodies: what :mod:`.openapi.read_only` writes.

API.md: fields that an operation's response schema has and its input
schema lacks are read-only, dropped (not refused) at every nesting
level.  The document lists them in the request body as optional
``readOnly`` properties typed as the response schema types them, in
every media type whose schema is closed (JSON and YAML, forms, XML);
each body the document describes is sent and must be accepted.
Conventions: :mod:`tests.openapi.helpers`.
"""

from __future__ import annotations

from typing import Any

import colander
import pytest
import webtest
from pyramid.config import Configurator

from pyramid_restkit import operation
from tests.openapi.helpers import (
    FORM_TYPES,
    YAML_TYPES,
    Base,
    MakeApp,
    check,
    conforms,
    document,
    op,
    resolve,
    valid,
)

REF = '#/components/schemas/'


class Tag(colander.MappingSchema):
    name = colander.SchemaNode(colander.String())


class Tags(colander.SequenceSchema):
    tag = Tag()


class Author(colander.MappingSchema):
    name = colander.SchemaNode(colander.String())


class Article(colander.MappingSchema):
    title = colander.SchemaNode(colander.String())
    author = Author(missing=colander.drop)
    tags = Tags(missing=colander.drop)
    # an anonymous mapping: written inline, not as a component
    place = colander.SchemaNode(
        colander.Mapping(),
        colander.SchemaNode(colander.String(), name='city'),
        name='place',
        missing=colander.drop,
    )


class AuthorOut(Author):
    id = colander.SchemaNode(colander.Integer())
    email = colander.SchemaNode(colander.String(), missing=colander.drop)


class TagOut(Tag):
    id = colander.SchemaNode(colander.Integer())


class TagsOut(colander.SequenceSchema):
    tag = TagOut()


class ArticleOut(colander.MappingSchema):
    id = colander.SchemaNode(colander.Integer())
    title = colander.SchemaNode(colander.String())
    created_at = colander.SchemaNode(colander.DateTime())
    author = AuthorOut(missing=colander.drop)
    tags = TagsOut(missing=colander.drop)
    place = colander.SchemaNode(
        colander.Mapping(),
        colander.SchemaNode(colander.String(), name='city'),
        colander.SchemaNode(colander.String(), name='country'),
        name='place',
        missing=colander.drop,
    )


GOT = {
    'id': 7,
    'title': 'Hello',
    'created_at': '2024-01-02T03:04:05+00:00',
    'author': {'id': 1, 'name': 'Ann', 'email': 'ann@example.com'},
    'tags': [{'id': 1, 'name': 'a'}, {'id': 2, 'name': 'b'}],
    'place': {'city': 'Lyon', 'country': 'FR'},
}


class Articles(Base):
    """Answers the stored article, whatever it was sent."""

    def get(self) -> Any:
        return GOT

    @operation(status=201)
    def collection_post(self) -> Any:
        return GOT

    def put(self) -> Any:
        return GOT

    def patch(self) -> Any:
        return GOT


def add_articles(
    config: Configurator, name: str = 'articles', **kw: Any
) -> None:
    options = {'schema': Article, 'response_schema': ArticleOut, **kw}
    config.add_resource(
        Articles,
        name=name,
        collection_path=f'/{name}',
        path=f'/{name}/{{id}}',
        **options,
    )


def body_schema(
    doc: dict[str, Any], path: str, verb: str, content_type: str
) -> Any:
    return op(doc, path, verb)['requestBody']['content'][content_type][
        'schema'
    ]


def names(doc: dict[str, Any]) -> list[str]:
    return list(doc['components']['schemas'])


# -- every level --------------------------------------------------------------


def test_a_body_takes_what_get_returned(
    config: Configurator, make_app: MakeApp
) -> None:
    add_articles(config)
    app = make_app()
    doc = document(app)
    operations = [
        ('/articles', 'post', 201),
        ('/articles/{id}', 'put', 200),
        ('/articles/{id}', 'patch', 200),
    ]
    for path, verb, status in operations:
        for content_type in ('application/json', *YAML_TYPES):
            check(doc, body_schema(doc, path, verb, content_type), GOT)
        url = path.replace('{id}', '7')
        send = getattr(app, f'{verb}_json')
        res = send(url, GOT, status=status)
        assert res.json == GOT
        conforms(doc, path, verb, res)


def test_read_only_properties(config: Configurator, make_app: MakeApp) -> None:
    add_articles(config)
    doc = document(make_app())
    schemas = doc['components']['schemas']
    article = schemas['Article']
    # typed as the response schema types them, optional
    assert article['properties']['id'] == {
        'type': 'integer',
        'readOnly': True,
    }
    assert article['properties']['created_at'] == {
        'type': 'string',
        'format': 'date-time',
        'readOnly': True,
    }
    assert article['required'] == ['title']
    assert article['additionalProperties'] is False
    # after the input's own fields, in the response schema's order
    assert list(article['properties']) == [
        'title',
        'author',
        'tags',
        'place',
        'id',
        'created_at',
    ]
    # nested: a mapping (two fields, one of them optional in output)...
    author = schemas['Author']
    assert author['properties']['id'] == {'type': 'integer', 'readOnly': True}
    assert author['properties']['email'] == {
        'type': ['string', 'null'],
        'readOnly': True,
    }
    assert author['required'] == ['name']
    # ... the items of a list ...
    assert schemas['Tags']['items'] == {'$ref': REF + 'Tag'}
    assert schemas['Tag']['properties']['id'] == {
        'type': 'integer',
        'readOnly': True,
    }
    # ... and an inline mapping
    place = article['properties']['place']
    assert place['type'] == ['object', 'null']
    assert place['properties']['country'] == {
        'type': 'string',
        'readOnly': True,
    }
    assert place['required'] == ['city']


def test_other_fields_are_still_refused(
    config: Configurator, make_app: MakeApp
) -> None:
    add_articles(config)
    app = make_app()
    doc = document(app)
    schema = body_schema(doc, '/articles/{id}', 'put', 'application/json')
    bodies = [
        {'title': 't', 'secret': 1},
        {'title': 't', 'author': {'name': 'A', 'x': 1}},
        {'title': 't', 'tags': [{'name': 'a', 'x': 1}]},
        # a name is read-only only where the response schema has it
        {'title': 't', 'author': {'name': 'A', 'created_at': 'x'}},
        {'title': 't', 'place': {'city': 'c', 'id': 1}},
        # the input's own fields are required as before
        {'id': 1},
    ]
    for body in bodies:
        assert not valid(doc, schema, body), body
        res = app.put_json('/articles/7', body, status=400)
        conforms(doc, '/articles/{id}', 'put', res)


def test_xml_takes_them(config: Configurator, make_app: MakeApp) -> None:
    add_articles(config)
    app = make_app()
    doc = document(app)
    schemas = doc['components']['schemas']
    for verb, name in (
        ('put', 'Article-XML'),
        ('patch', 'Article-Partial-XML'),
    ):
        schema = body_schema(doc, '/articles/{id}', verb, 'application/xml')
        assert schema == {'$ref': REF + name}
        assert schemas[name]['properties']['id'] == {
            'type': 'integer',
            'readOnly': True,
        }
    xml_tag = resolve(doc, {'$ref': REF + 'Tag-XML'})
    assert xml_tag['properties']['id'] == {'type': 'integer', 'readOnly': True}
    assert schemas['Author-XML']['properties']['id']['readOnly'] is True
    assert schemas['Tags-XML']['additionalProperties'] == {
        '$ref': REF + 'Tag-XML'
    }
    xml = (
        '<article><id>7</id><title>t</title>'
        '<created_at>2024-01-02T03:04:05+00:00</created_at>'
        '<author><id>1</id><name>A</name></author>'
        '<tags type="list"><item><id>1</id><name>a</name></item></tags>'
        '</article>'
    )
    for method in ('PUT', 'PATCH'):
        res = app.request(
            '/articles/7',
            method=method,
            body=xml.encode(),
            content_type='application/xml',
        )
        assert res.status_int == 200
        conforms(doc, '/articles/{id}', method.lower(), res)


class Note(colander.MappingSchema):
    title = colander.SchemaNode(colander.String())
    labels = colander.SchemaNode(
        colander.Sequence(), colander.SchemaNode(colander.String())
    )


class NoteOut(colander.MappingSchema):
    id = colander.SchemaNode(colander.Integer())
    title = colander.SchemaNode(colander.String())
    labels = colander.SchemaNode(
        colander.Sequence(), colander.SchemaNode(colander.String())
    )
    created_at = colander.SchemaNode(colander.DateTime())
    sources = colander.SchemaNode(
        colander.Sequence(), colander.SchemaNode(colander.String())
    )


class Notes(Base):
    @operation(status=201)
    def collection_post(self) -> Any:
        read_only = {'id': 1, 'created_at': '2024', 'sources': ['s']}
        return {**self.request.validated, **read_only}


def test_forms_take_them(config: Configurator, make_app: MakeApp) -> None:
    config.add_resource(
        Notes,
        collection_path='/notes',
        schema=Note,
        response_schema=NoteOut,
    )
    app = make_app()
    doc = document(app)
    for content_type in FORM_TYPES:
        schema = body_schema(doc, '/notes', 'post', content_type)
        # the required list of a form is written beside the variant
        assert schema['allOf'][0] == {'$ref': REF + 'Note-Form'}
    form = doc['components']['schemas']['Note-Form']
    assert form['properties']['id'] == {'type': 'integer', 'readOnly': True}
    assert form['properties']['created_at'] == {
        'type': 'string',
        'format': 'date-time',
        'readOnly': True,
    }
    # a list, as forms carry it (one value, or a repeated field)
    assert form['properties']['sources'] == {
        'readOnly': True,
        'anyOf': [
            {'type': 'array', 'items': {'type': 'string'}},
            {'type': 'string'},
        ],
    }
    assert form['required'] == ['title', 'labels']
    assert form['additionalProperties'] is False
    # in XML, the element that holds the list is the read-only property
    xml = doc['components']['schemas']['Note-XML']['properties']
    assert xml['sources']['readOnly'] is True
    assert xml['sources']['type'] == 'object'
    fields = {
        'id': '1',
        'title': 't',
        'labels': 'a',
        'created_at': 'x',
        'sources': 'y',
    }
    for content_type in FORM_TYPES:
        res = app.post('/notes', fields, content_type=content_type, status=201)
        assert res.json['labels'] == ['a']
        conforms(doc, '/notes', 'post', res)
    res = app.post('/notes', {**fields, 'x': '1'}, status=400)
    conforms(doc, '/notes', 'post', res)


# -- lists of items -----------------------------------------------------------


class Batch(Base):
    @operation(status=201)
    def collection_post(self) -> Any:
        return {'id': 1, 'name': 'a'}


class Batches(Batch):
    @operation(status=201)
    def collection_post(self) -> Any:
        return [{'id': 1, 'name': 'a'}]


@pytest.mark.parametrize(
    ('cls', 'response_schema'), [(Batch, TagOut), (Batches, TagsOut)]
)
def test_a_list_body(
    config: Configurator, make_app: MakeApp, cls: type, response_schema: Any
) -> None:
    # a mapping response schema applies to each item of a list (the
    # document shows it answering one)
    config.add_resource(
        cls,
        collection_path='/batch',
        schema=Tags,
        response_schema=response_schema,
    )
    app = make_app()
    doc = document(app)
    schema = body_schema(doc, '/batch', 'post', 'application/json')
    assert schema == {'$ref': REF + 'Tags'}
    assert doc['components']['schemas']['Tag']['properties']['id'] == {
        'type': 'integer',
        'readOnly': True,
    }
    check(doc, schema, [{'id': 1, 'name': 'a'}])
    assert not valid(doc, schema, [{'name': 'a', 'x': 1}])
    res = app.post_json('/batch', [{'id': 1, 'name': 'a'}], status=201)
    conforms(doc, '/batch', 'post', res)
    res = app.post_json('/batch', [{'name': 'a', 'x': 1}], status=400)
    conforms(doc, '/batch', 'post', res)


# -- naming -------------------------------------------------------------------


def test_the_plain_names_when_every_use_agrees(
    config: Configurator, make_app: MakeApp
) -> None:
    add_articles(config)
    doc = document(make_app())
    assert not [name for name in names(doc) if 'Write' in name]
    refs = {
        verb: body_schema(doc, '/articles/{id}', verb, 'application/json')
        for verb in ('put', 'patch')
    }
    assert refs == {
        'put': {'$ref': REF + 'Article'},
        'patch': {'$ref': REF + 'Article-Partial'},
    }
    assert body_schema(doc, '/articles', 'post', 'application/json') == {
        '$ref': REF + 'Article'
    }
    # the PATCH's items are not partial: the same Tags
    partial = doc['components']['schemas']['Article-Partial']
    assert partial['properties']['tags']['anyOf'][0] == {'$ref': REF + 'Tags'}
    assert partial['properties']['author']['anyOf'][0] == {
        '$ref': REF + 'Author-Partial'
    }


class Plain(Base):
    """A resource whose bodies have no read-only fields."""

    @operation(status=201)
    def collection_post(self) -> Any:
        return self.request.validated

    def put(self) -> Any:
        return self.request.validated


def add_plain(config: Configurator) -> None:
    config.add_resource(
        Plain, collection_path='/plain', path='/plain/{id}', schema=Article
    )


def referenced(doc: dict[str, Any], value: Any) -> dict[str, Any]:
    """Every component ``value`` references, directly or not, by name."""
    found: dict[str, Any] = {}
    pending = [value]
    while pending:
        item = pending.pop()
        if isinstance(item, dict):
            ref = item.get('$ref', '')
            if ref.startswith(REF) and ref[len(REF) :] not in found:
                name = ref[len(REF) :]
                found[name] = doc['components']['schemas'][name]
                pending.append(found[name])
            pending.extend(item.values())
        elif isinstance(item, list):
            pending.extend(item)
    return found


def test_operations_without_read_only_fields_stay_as_they_are(
    config: Configurator, make_app: MakeApp
) -> None:
    add_plain(config)
    add_articles(config)
    app = make_app()
    doc = document(app)
    # the plain resource, alone
    alone = Configurator(settings={}, autocommit=False)
    alone.include('pyramid_restkit')
    add_plain(alone)
    before = document_of(alone)
    for path in ('/plain', '/plain/{id}'):
        assert doc['paths'][path] == before['paths'][path]
        assert referenced(doc, doc['paths'][path]) == referenced(
            before, before['paths'][path]
        )
    # the other gets variants, named so
    assert body_schema(doc, '/articles/{id}', 'put', 'application/json') == {
        '$ref': REF + 'Article-Write'
    }
    assert body_schema(doc, '/articles/{id}', 'put', 'application/xml') == {
        '$ref': REF + 'Article-Write-XML'
    }
    # (its PATCH body is used by no plain operation: the plain name)
    assert body_schema(doc, '/articles/{id}', 'patch', 'application/json') == {
        '$ref': REF + 'Article-Partial'
    }
    schemas = doc['components']['schemas']
    assert 'id' not in schemas['Article']['properties']
    assert 'id' not in schemas['Author']['properties']
    assert schemas['Article-Write']['properties']['id']['readOnly'] is True
    author = schemas['Article-Write']['properties']['author']['anyOf'][0]
    assert author == {'$ref': REF + 'Author-Write'}
    assert schemas['Tags-Write']['items'] == {'$ref': REF + 'Tag-Write'}
    # both take what they are documented to take
    res = app.put_json('/articles/7', GOT)
    conforms(doc, '/articles/{id}', 'put', res)
    res = app.put_json('/plain/7', GOT, status=400)
    conforms(doc, '/plain/{id}', 'put', res)
    check(doc, body_schema(doc, '/articles/{id}', 'put', 'text/yaml'), GOT)
    assert not valid(
        doc, body_schema(doc, '/plain/{id}', 'put', 'text/yaml'), GOT
    )


class PlainAll(Plain):
    def patch(self) -> Any:
        return self.request.validated


def test_every_variant_keeps_its_suffix(
    config: Configurator, make_app: MakeApp
) -> None:
    config.add_resource(
        PlainAll, collection_path='/plain', path='/plain/{id}', schema=Article
    )
    add_articles(config)
    doc = document(make_app())
    refs = [
        body_schema(doc, path, verb, content_type)['$ref'][len(REF) :]
        for path in ('/articles/{id}', '/plain/{id}')
        for verb in ('put', 'patch')
        for content_type in ('application/json', 'application/xml')
    ]
    assert refs == [
        'Article-Write',
        'Article-Write-XML',
        'Article-Partial-Write',
        'Article-Partial-Write-XML',
        'Article',
        'Article-XML',
        'Article-Partial',
        'Article-Partial-XML',
    ]
    schemas = doc['components']['schemas']
    assert 'id' not in schemas['Article-Partial']['properties']
    assert schemas['Article-Partial-Write']['properties']['id']['readOnly']


def document_of(config: Configurator) -> dict[str, Any]:
    config.begin()
    try:
        return document(webtest.TestApp(config.make_wsgi_app()))
    finally:
        config.end()


class Stamped(colander.MappingSchema):
    id = colander.SchemaNode(colander.Integer())
    title = colander.SchemaNode(colander.String())


def test_two_sets_of_read_only_fields(
    config: Configurator, make_app: MakeApp
) -> None:
    add_articles(config)
    add_articles(config, name='stamped', response_schema=Stamped)
    app = make_app()
    doc = document(app)
    put = body_schema(doc, '/articles/{id}', 'put', 'application/json')
    stamped = body_schema(doc, '/stamped/{id}', 'put', 'application/json')
    assert {put['$ref'], stamped['$ref']} == {
        REF + 'Article-Write',
        REF + 'Article-Write-2',
    }
    schemas = doc['components']['schemas']
    # the plain body is used no more: left out, with what only it used
    assert 'Article' not in schemas
    assert 'Article-XML' not in schemas
    # ... but what the variants use stays
    two = resolve(doc, stamped)
    assert list(two['properties']) == [
        'title',
        'author',
        'tags',
        'place',
        'id',
    ]
    assert two['properties']['author']['anyOf'][0] == {'$ref': REF + 'Author'}
    assert 'id' not in schemas['Author']['properties']
    # one set per resource: its PATCH keeps its own
    patch = body_schema(doc, '/stamped/{id}', 'patch', 'application/json')
    assert resolve(doc, patch)['properties']['id']['readOnly'] is True
    for url, data in (
        ('/articles/7', GOT),
        ('/stamped/7', {'id': 1, 'title': 't'}),
    ):
        res = app.put_json(url, data)
        conforms(doc, url.replace('7', '{id}'), 'put', res)
    res = app.put_json(
        '/stamped/7', {'title': 't', 'created_at': 'x'}, status=400
    )
    conforms(doc, '/stamped/{id}', 'put', res)
    assert not valid(doc, stamped, {'title': 't', 'created_at': 'x'})


def test_an_operations_own_response_schema(
    config: Configurator, make_app: MakeApp
) -> None:
    class Own(Articles):
        @operation(response_schema=None)
        def patch(self) -> Any:
            return None

    config.add_resource(
        Own,
        collection_path='/own',
        path='/own/{id}',
        schema=Article,
        response_schema=Stamped,
    )
    doc = document(make_app())
    # POST and PUT answer a Stamped (``id``), PATCH nothing
    assert body_schema(doc, '/own/{id}', 'put', 'application/json') == {
        '$ref': REF + 'Article'
    }
    schemas = doc['components']['schemas']
    assert schemas['Article']['properties']['id'] == {
        'type': 'integer',
        'readOnly': True,
    }
    assert 'id' not in schemas['Article-Partial']['properties']


# -- what other converters write ----------------------------------------------


class Opaque(colander.Mapping):
    """A mapping type whose schema (another converter's) has no object."""


class OpaqueAuthor(colander.SchemaNode):
    schema_type = Opaque
    name_ = colander.SchemaNode(colander.String(), name='name')


class WithOpaque(colander.MappingSchema):
    title = colander.SchemaNode(colander.String())
    author = OpaqueAuthor()


class WithOpaqueOut(colander.MappingSchema):
    title = colander.SchemaNode(colander.String())
    author = AuthorOut()


def test_a_schema_that_takes_no_fields(
    config: Configurator, make_app: MakeApp
) -> None:
    config.add_json_schema_type(
        Opaque, lambda conv, node, ctx: {'anyOf': [True, {'type': 'string'}]}
    )
    config.add_resource(
        Batch,
        collection_path='/opaque',
        schema=WithOpaque,
        response_schema=WithOpaqueOut,
    )
    doc = document(make_app())
    # nothing there could take ``author.id``: no variant of it
    schemas = doc['components']['schemas']
    assert 'OpaqueAuthor-Write' not in schemas
    assert schemas['WithOpaque']['properties']['author'] == {
        '$ref': REF + 'OpaqueAuthor'
    }
