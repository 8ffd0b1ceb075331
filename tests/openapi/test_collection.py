"""Collections in the document: pagination, sort, fields, the envelope."""

from __future__ import annotations

import re
from typing import Any

import colander
import pytest
from pyramid.config import Configurator

from pyramid_restkit import (
    CursorPagination,
    LimitOffsetPagination,
    Page,
    Pagination,
    RequestSchema,
    operation,
)
from pyramid_restkit.openapi.collection import field_names
from pyramid_restkit.pagination import PaginationParameters

from .helpers import (
    Author,
    MakeApp,
    check,
    conforms,
    document,
    op,
    param,
    resolve,
    valid,
)

ROWS = [{'id': n, 'name': f'n{n:02d}'} for n in range(1, 26)]


@pytest.fixture
def settings() -> dict[str, Any]:
    return {
        'restkit.secret': 'not so secret, for tests only',
        'restkit.media_types': 'json yaml xml html text form csv',
    }


class Row(colander.MappingSchema):
    id = colander.SchemaNode(colander.Integer())
    name = colander.SchemaNode(colander.String())


class Rows:
    def __init__(self, request: Any) -> None:
        self.request = request

    def collection_get(self) -> Any:
        return ROWS

    def collection_post(self) -> Any:
        return ROWS[0]


class Items(Rows):
    def get(self) -> Any:
        return ROWS[int(self.request.matchdict['id']) - 1]


def names(operation: dict[str, Any]) -> list[str]:
    return [p['name'] for p in operation.get('parameters', ())]


def page_schema(doc: dict[str, Any], path: str) -> Any:
    response = op(doc, path, 'get')['responses']['200']
    return response['content']['application/json']['schema']


def test_page_style_with_the_settings_sizes(
    config: Configurator, make_app: MakeApp
) -> None:
    config.add_resource(
        Items,
        collection_path='/rows',
        path='/rows/{id}',
        pagination='page',
        response_schema=Row(),
        responses={303: 'Elsewhere.'},
    )
    app = make_app()
    doc = document(app)
    get = op(doc, '/rows', 'get')
    assert names(get) == ['page', 'page_size', 'fields', 'format']
    assert param(get, 'page')['schema'] == {
        'type': 'integer',
        'minimum': 1,
        'maximum': 10**18 - 1,
        'default': 1,
    }
    assert param(get, 'page_size')['schema'] == {
        'type': 'integer',
        'minimum': 1,
        'maximum': 100,
        'default': 20,
    }
    assert page_schema(doc, '/rows') == {
        '$ref': '#/components/schemas/Row-Page'
    }
    envelope = doc['components']['schemas']['Row-Page']
    assert envelope['required'] == ['items', 'next', 'prev']
    assert envelope['properties']['items'] == {
        'type': 'array',
        'items': {'$ref': '#/components/schemas/Row'},
    }
    ok = get['responses']['200']
    assert ok['headers']['Link']['required'] is False
    assert 'headers' not in get['responses']['303']
    assert '400' in get['responses']
    # the item operations are not paginated
    item = op(doc, '/rows/{id}', 'get')
    assert names(item) == ['id', 'fields', 'format']
    assert 'headers' not in item['responses']['200']
    assert names(op(doc, '/rows', 'post')) == ['format']
    for query in ('', '?page=2&page_size=10', '?page=9'):
        for accept in ('application/json', 'application/yaml'):
            res = app.get('/rows' + query, headers={'Accept': accept})
            conforms(doc, '/rows', 'get', res)
            assert 'Link' in res.headers
    res = app.get('/rows?page=2&page_size=10')
    assert res.json['prev'].endswith('page=1&page_size=10')
    assert 'total' not in res.json
    res = app.get('/rows?page_size=101', status=400)
    conforms(doc, '/rows', 'get', res)
    assert res.json['errors'][0]['name'] == 'page_size'


def test_offset_style_counted_with_its_own_sizes(
    config: Configurator, make_app: MakeApp
) -> None:
    config.add_resource(
        Rows,
        collection_path='/rows',
        pagination=LimitOffsetPagination(default_size=5, max_size=10),
        count=True,
        response_schema=Row(),
    )
    app = make_app()
    doc = document(app)
    get = op(doc, '/rows', 'get')
    assert names(get) == ['offset', 'limit', 'fields', 'format']
    assert param(get, 'offset')['schema'] == {
        'type': 'integer',
        'minimum': 0,
        'maximum': 10**18 - 1,
        'default': 0,
    }
    assert param(get, 'limit')['schema'] == {
        'type': 'integer',
        'minimum': 1,
        'maximum': 10,
        'default': 5,
    }
    assert page_schema(doc, '/rows') == {
        '$ref': '#/components/schemas/Row-CountedPage'
    }
    envelope = doc['components']['schemas']['Row-CountedPage']
    assert envelope['required'] == ['items', 'total', 'next', 'prev']
    uncounted = {'items': [], 'next': None, 'prev': None}
    assert not valid(doc, page_schema(doc, '/rows'), uncounted)
    for query in ('', '?offset=20', '?offset=3&limit=10'):
        res = app.get('/rows' + query)
        conforms(doc, '/rows', 'get', res)
        assert res.json['total'] == 25
    res = app.get('/rows', headers={'Accept': 'application/xml'})
    conforms(doc, '/rows', 'get', res)
    # the documented maximum is the runtime's: one more is a 400
    res = app.get(f'/rows?offset={10**18 - 1}')
    conforms(doc, '/rows', 'get', res)
    assert res.json['items'] == []
    res = app.get(f'/rows?offset={10**18}', status=400)
    assert res.json['errors'][0]['name'] == 'offset'


def test_cursor_style_has_no_sort(
    config: Configurator, make_app: MakeApp
) -> None:
    config.add_resource(
        Rows,
        collection_path='/rows',
        pagination=CursorPagination(ordering=('-id',), count=True),
        ordering=('id', 'name'),
        response_schema=Row(),
    )
    app = make_app()
    doc = document(app)
    get = op(doc, '/rows', 'get')
    assert names(get) == ['cursor', 'limit', 'fields', 'format']
    assert param(get, 'cursor')['schema'] == {'type': 'string'}
    res = app.get('/rows?limit=10')
    conforms(doc, '/rows', 'get', res)
    res = app.get(res.json['next'])
    conforms(doc, '/rows', 'get', res)
    assert res.json['prev'] is not None
    res = app.get('/rows?cursor=forged', status=400)
    conforms(doc, '/rows', 'get', res)
    # the style's count reaches the envelope as the option's does
    assert page_schema(doc, '/rows')['$ref'].endswith('Row-CountedPage')


def test_sort(config: Configurator, make_app: MakeApp) -> None:
    config.add_resource(Rows, collection_path='/rows', ordering=('id', 'name'))
    app = make_app()
    doc = document(app)
    get = op(doc, '/rows', 'get')
    # no response schema: no fields; no pagination: a plain list
    assert names(get) == ['sort', 'format']
    sort = param(get, 'sort')
    assert '`id`, `name`' in sort['description']
    pattern = re.compile(sort['schema']['pattern'])
    for good in ('id', '-id', 'name,-id', '-name,id,name'):
        assert pattern.search(good), good
    for bad in ('', 'ids', '--id', 'id,', 'id;name', 'rank', 'id, name'):
        assert not pattern.search(bad), bad
    assert 'headers' not in get['responses']['200']
    for query in ('?sort=-id', '?sort=name,id'):
        res = app.get('/rows' + query)
        conforms(doc, '/rows', 'get', res)
    res = app.get('/rows?sort=rank', status=400)
    conforms(doc, '/rows', 'get', res)


class Nested(colander.MappingSchema):
    id = colander.SchemaNode(colander.Integer())
    author = Author()
    tags = colander.SchemaNode(
        colander.Sequence(), colander.SchemaNode(colander.String())
    )


def test_fields_name_the_dotted_fields() -> None:
    assert field_names(Nested()) == ['id', 'author', 'author.name', 'tags']
    assert field_names(colander.SchemaNode(colander.String())) == []


class Plain:
    def __init__(self, request: Any) -> None:
        self.request = request

    @operation(response_schema=colander.SchemaNode(colander.String()))
    def get(self) -> Any:
        return 'text'

    def put(self) -> Any:
        return {}


def test_fields_on_gets_with_a_response_schema(
    config: Configurator, make_app: MakeApp
) -> None:
    config.add_resource(
        Items,
        collection_path='/rows',
        path='/rows/{id}',
        response_schema=Nested(),
    )
    config.add_resource(Plain, path='/plain/{id}')
    doc = document(make_app())
    fields = param(op(doc, '/rows/{id}', 'get'), 'fields')
    assert fields['in'] == 'query'
    assert fields['required'] is False
    assert fields['schema'] == {'type': 'string'}
    assert '`author.name`' in fields['description']
    assert '`tags`' in fields['description']
    # a scalar response has no fields to name
    plain = param(op(doc, '/plain/{id}', 'get'), 'fields')
    assert 'Fields:' not in plain['description']
    assert 'fields' not in names(op(doc, '/plain/{id}', 'put'))


class AnyRows(Rows):
    """Rows of no schema, paginated apart from the others."""


def test_one_envelope_per_item_schema_and_count(
    config: Configurator, make_app: MakeApp
) -> None:
    inline = colander.SchemaNode(
        colander.Mapping(), colander.SchemaNode(colander.Integer(), name='id')
    )
    for name, keywords in {
        'a': {'pagination': 'page', 'response_schema': Row()},
        'b': {'pagination': 'offset', 'response_schema': Row()},
        'c': {'pagination': 'page', 'response_schema': Row(), 'count': True},
        'd': {'pagination': 'page'},
        'e': {'pagination': 'offset'},
        'f': {'pagination': 'page', 'response_schema': inline},
    }.items():
        config.add_resource(
            AnyRows, name=name, collection_path=f'/{name}', **keywords
        )
    doc = document(make_app())
    refs = {name: page_schema(doc, f'/{name}')['$ref'] for name in 'abcdef'}
    prefix = '#/components/schemas/'
    assert refs == {
        'a': prefix + 'Row-Page',
        'b': prefix + 'Row-Page',
        'c': prefix + 'Row-CountedPage',
        'd': prefix + 'Page',
        'e': prefix + 'Page',
        'f': prefix + 'Page-2',
    }
    items = resolve(doc, page_schema(doc, '/f'))['properties']['items']
    assert items['items']['properties']['id'] == {'type': 'integer'}
    assert resolve(doc, page_schema(doc, '/d'))['properties']['items'] == {
        'type': 'array',
        'items': {},
    }


class Query(colander.MappingSchema):
    q = colander.SchemaNode(colander.String(), missing=None)
    page = colander.SchemaNode(colander.String(), missing='not read')


class Search(RequestSchema):
    querystring = Query()


class Searched(Rows):
    @operation(schema=Search())
    def collection_get(self) -> Any:
        return ROWS


def test_the_kit_parameters_replace_querystring_fields(
    config: Configurator, make_app: MakeApp
) -> None:
    config.add_resource(Searched, collection_path='/rows', pagination='page')
    doc = document(make_app())
    get = op(doc, '/rows', 'get')
    assert names(get) == ['q', 'page', 'page_size', 'format']
    assert param(get, 'page')['schema']['type'] == 'integer'


class TokenPagination(Pagination):
    """A custom style: ``?token=`` and ``?size=``."""

    style = 'token'
    parameters = ('token', 'size')
    size_parameter = 'size'

    def parse(self, request: Any, settings: Any) -> PaginationParameters:
        return PaginationParameters(token=None, size=3)

    def window(self, source: Any, params: Any, total: Any) -> Any:
        return source.slice(0, 3), False

    def links(self, *args: Any) -> Any:
        return {'next': None, 'prev': None, 'first': None, 'last': None}


def test_a_custom_style_documents_what_it_reads(
    config: Configurator, make_app: MakeApp
) -> None:
    config.add_resource(
        Rows, collection_path='/rows', pagination=TokenPagination(max_size=7)
    )
    app = make_app()
    doc = document(app)
    get = op(doc, '/rows', 'get')
    assert param(get, 'token')['schema'] == {'type': 'string'}
    assert 'TokenPagination' in param(get, 'token')['description']
    assert param(get, 'size')['schema']['maximum'] == 7
    res = app.get('/rows')
    conforms(doc, '/rows', 'get', res)
    assert 'Link' not in res.headers


class Built(Rows):
    def collection_get(self) -> Any:
        return Page(ROWS[:2], total=2, next=False)


def test_a_given_total_fits_the_uncounted_envelope(
    config: Configurator, make_app: MakeApp
) -> None:
    config.add_resource(
        Built,
        collection_path='/rows',
        pagination='page',
        media_types=('json', 'csv'),
    )
    app = make_app()
    doc = document(app)
    res = app.get('/rows')
    assert res.json['total'] == 2
    conforms(doc, '/rows', 'get', res)
    check(doc, page_schema(doc, '/rows'), res.json)
    # CSV carries the items as text, the Link header paginating
    content = op(doc, '/rows', 'get')['responses']['200']['content']
    assert content['text/csv'] == {'schema': {'type': 'string'}}
    res = app.get('/rows', headers={'Accept': 'text/csv'})
    conforms(doc, '/rows', 'get', res)


def test_a_yaml_declaration_documents_the_same(
    config: Configurator, make_app: MakeApp, tmp_path: Any
) -> None:
    path = tmp_path / 'api.yaml'
    path.write_text(
        'version: 1\n'
        'resources:\n'
        '  - class: tests.fixtures.pagination.Items\n'
        '    collection_path: /items\n'
        '    path: /items/{id}\n'
        '    pagination: {style: offset, max_size: 30, count: true}\n'
        '    ordering: [name, id]\n'
    )
    config.load_resources(str(path))
    app = make_app()
    doc = document(app)
    get = op(doc, '/items', 'get')
    assert names(get) == ['offset', 'limit', 'sort', 'format']
    assert param(get, 'limit')['schema']['maximum'] == 30
    assert page_schema(doc, '/items') == {
        '$ref': '#/components/schemas/CountedPage'
    }
    res = app.get('/items?sort=-name&limit=30')
    conforms(doc, '/items', 'get', res)
    assert res.json['total'] == 25
