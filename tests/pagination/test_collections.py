"""Page and offset pagination, Page, ?sort= and the envelope, end to end."""

from __future__ import annotations

from typing import Any

import colander
import msgpack
import pytest
import webtest
import yaml
from pyramid.config import Configurator

from pyramid_restkit import (
    LimitOffsetPagination,
    Page,
    PageNumberPagination,
    RequestSchema,
    operation,
)

ROWS = [
    {'id': n, 'name': f'n{n:02d}', 'rank': n % 3 or None} for n in range(1, 26)
]
SEEN: dict[str, Any] = {}


class Row(colander.MappingSchema):
    id = colander.SchemaNode(colander.Integer())
    name = colander.SchemaNode(colander.String())


class Query(colander.MappingSchema):
    q = colander.SchemaNode(colander.String(), missing=None)
    page = colander.SchemaNode(colander.String(), missing='not read')


class Rows:
    def __init__(self, request: Any) -> None:
        self.request = request

    def collection_get(self) -> Any:
        SEEN['pagination'] = self.request.pagination
        SEEN['ordering'] = self.request.ordering
        return ROWS


class Validated(Rows):
    @operation(schema=RequestSchema(querystring=Query()))
    def collection_get(self) -> Any:
        return super().collection_get()


class Given:
    """Builds its own Page from request.pagination."""

    page: Any = None

    def __init__(self, request: Any) -> None:
        self.request = request

    def collection_get(self) -> Any:
        if callable(Given.page):
            return Given.page(self.request.pagination)
        return Given.page


@pytest.fixture
def settings() -> dict[str, Any]:
    return {
        'restkit.media_types': 'json yaml xml html csv msgpack',
        'restkit.pagination.default_size': '5',
        'restkit.pagination.max_size': '10',
    }


@pytest.fixture
def app(config: Configurator) -> webtest.TestApp:
    config.add_resource(
        Validated,
        collection_path='/pages',
        name='pages',
        pagination='page',
        count=True,
        ordering=('id', 'name', 'rank'),
        response_schema=Row,
    )
    config.add_resource(
        Rows,
        collection_path='/offsets',
        name='offsets',
        pagination=LimitOffsetPagination(default_size=3),
    )
    config.add_resource(
        Rows,
        collection_path='/sorted',
        name='sorted',
        ordering=('rank', 'id'),
    )
    config.add_resource(
        Given,
        collection_path='/given',
        name='given',
        pagination=PageNumberPagination(max_size=4),
    )
    return webtest.TestApp(config.make_wsgi_app())


def ids(response: Any) -> list[int]:
    return [item['id'] for item in response.json['items']]


def links(response: Any) -> dict[str, str]:
    found = {}
    for part in response.headers['Link'].split(', '):
        url, rel = part.split('; ')
        found[rel[5:-1]] = url[1:-1]
    return found


def test_page_first(app: webtest.TestApp) -> None:
    response = app.get('/pages')
    assert response.json == {
        'items': [{'id': n, 'name': f'n{n:02d}'} for n in range(1, 6)],
        'total': 25,
        'next': 'http://localhost/pages?page=2&page_size=5',
        'prev': None,
    }
    assert links(response) == {
        'next': 'http://localhost/pages?page=2&page_size=5',
        'first': 'http://localhost/pages?page=1&page_size=5',
        'last': 'http://localhost/pages?page=5&page_size=5',
    }
    assert dict(SEEN['pagination']) == {'page': 1, 'page_size': 5}
    assert SEEN['ordering'] == ()


def test_page_last_and_past(app: webtest.TestApp) -> None:
    response = app.get('/pages?page=3&page_size=10&q=x')
    assert ids(response) == list(range(21, 26))
    assert response.json['next'] is None
    assert response.json['prev'] == (
        'http://localhost/pages?q=x&page=2&page_size=10'
    )
    assert links(response)['last'] == (
        'http://localhost/pages?q=x&page=3&page_size=10'
    )
    past = app.get('/pages?page=9')
    assert past.json['items'] == []
    assert past.json['total'] == 25


@pytest.mark.parametrize(
    ('query', 'name'),
    [
        ('page=0', 'page'),
        ('page=-1', 'page'),
        ('page=x', 'page'),
        ('page=1.5', 'page'),
        ('page=%C2%B2', 'page'),
        ('page=1&page=2', 'page'),
        ('page=1' + '0' * 20, 'page'),
        ('page_size=0', 'page_size'),
        ('page_size=11', 'page_size'),
        ('sort=nope', 'sort'),
        ('sort=-id,', 'sort'),
        ('sort=id&sort=name', 'sort'),
    ],
)
def test_page_bad_parameters(
    app: webtest.TestApp, query: str, name: str
) -> None:
    response = app.get(f'/pages?{query}', status=400)
    assert response.json['errors'][0]['location'] == 'querystring'
    assert response.json['errors'][0]['name'] == name


def test_bad_parameter_in_other_media_types(app: webtest.TestApp) -> None:
    # The collection parameters are never part of querystring validation
    # (the schema refuses unknown fields).
    response = app.get(
        '/pages?limit=3&cursor=&fields=&q=a',
        headers={'Accept': 'application/yaml'},
    )
    assert yaml.safe_load(response.text)['total'] == 25
    assert ids(app.get('/pages?page=2')) == [6, 7, 8, 9, 10]
    response = app.get(
        '/pages?page=x', headers={'Accept': 'application/yaml'}, status=400
    )
    assert yaml.safe_load(response.text)['errors'][0]['name'] == 'page'


def test_empty_values_are_absent(app: webtest.TestApp) -> None:
    response = app.get('/pages?page=&page_size=&sort=')
    assert ids(response) == [1, 2, 3, 4, 5]


def test_sort(app: webtest.TestApp) -> None:
    response = app.get('/pages?sort=-id&page_size=3')
    assert ids(response) == [25, 24, 23]
    assert SEEN['ordering'] == (('id', True),)
    assert response.json['next'] == (
        'http://localhost/pages?sort=-id&page=2&page_size=3'
    )


def test_sort_none_first_ascending_last_descending(
    app: webtest.TestApp,
) -> None:
    rows = app.get('/sorted?sort=rank,-id').json
    assert [r['rank'] for r in rows[:8]] == [None] * 8
    assert [r['id'] for r in rows[:3]] == [24, 21, 18]
    rows = app.get('/sorted?sort=-rank,id').json
    assert [r['rank'] for r in rows[-8:]] == [None] * 8
    assert [r['id'] for r in rows[:3]] == [2, 5, 8]
    # Without ?sort= the sequence keeps its own order.
    assert [r['id'] for r in app.get('/sorted').json] == list(range(1, 26))


def test_offset(app: webtest.TestApp) -> None:
    response = app.get('/offsets?offset=5&limit=10')
    assert ids(response) == list(range(6, 16))
    assert 'total' not in response.json
    assert (
        response.json['prev'] == 'http://localhost/offsets?limit=10&offset=0'
    )
    assert response.json['next'] == (
        'http://localhost/offsets?limit=10&offset=15'
    )
    assert 'last' not in links(response)
    first = app.get('/offsets')
    assert ids(first) == [1, 2, 3]
    assert first.json['prev'] is None
    end = app.get('/offsets?offset=22')
    assert ids(end) == [23, 24, 25]
    assert end.json['next'] is None
    assert app.get('/offsets?offset=999999').json['items'] == []


@pytest.mark.parametrize(
    'query', ['limit=0', 'limit=-3', 'limit=101', 'offset=-1', 'offset=a']
)
def test_offset_bad(app: webtest.TestApp, query: str) -> None:
    response = app.get(f'/offsets?{query}', status=400)
    assert response.json['errors'][0]['name'] == query.split('=')[0]


def test_sort_refused_without_ordering(app: webtest.TestApp) -> None:
    response = app.get('/offsets?sort=id', status=400)
    assert response.json['errors'][0]['name'] == 'sort'


def test_media_types(app: webtest.TestApp) -> None:
    url = '/pages?page=2&page_size=2'
    as_yaml = yaml.safe_load(
        app.get(url, headers={'Accept': 'application/yaml'}).text
    )
    assert as_yaml['items'] == [
        {'id': 3, 'name': 'n03'},
        {'id': 4, 'name': 'n04'},
    ]
    assert as_yaml['total'] == 25
    packed = msgpack.unpackb(
        app.get(url, headers={'Accept': 'application/msgpack'}).body
    )
    assert packed['next'] == 'http://localhost/pages?page=3&page_size=2'
    xml = app.get(url, headers={'Accept': 'application/xml'}).text
    assert '<total>25</total>' in xml
    assert 'n04' in xml
    html = app.get(url, headers={'Accept': 'text/html'}).text
    assert '<a href="http://localhost/pages?page=3&amp;page_size=2"' in html
    csv = app.get(url, headers={'Accept': 'text/csv'})
    assert csv.text.splitlines() == ['id,name', '3,n03', '4,n04']
    assert links(csv)['next'] == 'http://localhost/pages?page=3&page_size=2'


def test_given_page(app: webtest.TestApp) -> None:
    Given.page = Page([{'id': 1}], total=40)
    response = app.get('/given?page_size=4')
    assert response.json['total'] == 40
    assert response.json['next'] == 'http://localhost/given?page=2&page_size=4'
    Given.page = Page([{'id': 1}] * 4)
    response = app.get('/given?page_size=4&page=2')
    assert 'total' not in response.json
    assert response.json['next'] == 'http://localhost/given?page=3&page_size=4'
    Given.page = Page([{'id': 1}] * 3)
    assert app.get('/given?page_size=4').json['next'] is None
    Given.page = Page([{'id': 1}], next='https://api.example/next', prev=False)
    response = app.get('/given?page=3')
    assert response.json['next'] == 'https://api.example/next'
    assert response.json['prev'] is None
    Given.page = Page([{'id': 1}] * 4, total=8, next=False)
    response = app.get('/given?page_size=4')
    assert response.json['next'] is None
    assert (
        links(response)['last'] == 'http://localhost/given?page=2&page_size=4'
    )


def test_given_page_reads_pagination(app: webtest.TestApp) -> None:
    Given.page = lambda p: Page([{'id': p.page, 'size': p['page_size']}])
    assert app.get('/given?page=7&page_size=2').json['items'] == [
        {'id': 7, 'size': 2}
    ]


def test_non_list_results_untouched(app: webtest.TestApp) -> None:
    Given.page = {'not': 'a list'}
    assert app.get('/given').json == {'not': 'a list'}
    Given.page = None
    app.get('/given', status=204)
