"""``response_schema`` through a real application: lists and broken output.

API.md, "Details fixed": a mapping ``response_schema`` on a plain list
applies to each item (DRF's ``many=True``).  Output that breaks the
schema is the server's fault: a logged 500 naming the operation and the
schema, nothing of it in the response.
"""

from __future__ import annotations

import collections
import logging
from collections.abc import Callable, Iterator
from typing import Any

import colander
import pytest
import webtest
import yaml
from pyramid.config import Configurator
from pyramid.exceptions import ConfigurationError

MakeApp = Callable[[], webtest.TestApp]


class Owner(colander.MappingSchema):
    name = colander.SchemaNode(colander.String())


class ThingOut(colander.MappingSchema):
    id = colander.SchemaNode(colander.Integer())
    name = colander.SchemaNode(colander.String())
    owner = Owner(missing=colander.drop)


ROWS = [
    {'id': 1, 'name': 'a', 'secret': 's'},
    {'id': 2, 'name': 'b', 'owner': {'name': 'Ann', 'password': 'p'}},
]
FILTERED = [
    {'id': 1, 'name': 'a'},
    {'id': 2, 'name': 'b', 'owner': {'name': 'Ann'}},
]

Row = collections.namedtuple('Row', 'id name')


def rows() -> Iterator[dict[str, Any]]:
    yield from ROWS


#: What ``collection_get`` returns, by the ``?case=`` of the request.
RESULTS: dict[str, Callable[[], Any]] = {
    'list': lambda: list(ROWS),
    'tuple': lambda: tuple(ROWS),
    'generator': rows,
    'empty': list,
    'one': lambda: ROWS[0],
    'named tuple': lambda: Row(3, 'c'),
    'named tuples': lambda: [Row(3, 'c'), Row(4, 'd')],
    # broken output
    'missing field': lambda: [ROWS[0], {'name': 'no id'}],
    'not an object': lambda: 'a string',
    'number': lambda: 7,
    'list of numbers': lambda: [1, 2],
    'null item': lambda: [ROWS[0], None],
    'nested list': lambda: [{'id': 1, 'name': 'a', 'owner': [1]}],
    'list of lists': lambda: [[ROWS[0]]],
}


class Things:
    def __init__(self, request: Any) -> None:
        self.request = request

    def _result(self) -> Any:
        return RESULTS[self.request.params.get('case', 'list')]()

    def collection_get(self) -> Any:
        return self._result()

    def get(self) -> Any:
        return self._result()


@pytest.fixture
def app(config: Configurator, make_app: MakeApp) -> webtest.TestApp:
    config.add_resource(
        Things,
        collection_path='/things',
        path='/things/{id}',
        response_schema=ThingOut,
    )
    return make_app()


# -- a list where a mapping schema applies ------------------------------------


@pytest.mark.parametrize('case', ['list', 'tuple', 'generator'])
def test_a_mapping_schema_applies_to_each_item(
    app: webtest.TestApp, case: str
) -> None:
    assert app.get('/things', {'case': case}).json == FILTERED


def test_an_empty_list(app: webtest.TestApp) -> None:
    assert app.get('/things', {'case': 'empty'}).json == []


def test_every_verb_follows_the_rule(app: webtest.TestApp) -> None:
    assert app.get('/things/1').json == FILTERED
    assert app.get('/things/1', {'case': 'one'}).json == FILTERED[0]
    assert app.get('/things', {'case': 'one'}).json == FILTERED[0]


def test_named_tuples_are_objects(app: webtest.TestApp) -> None:
    assert app.get('/things', {'case': 'named tuple'}).json == {
        'id': 3,
        'name': 'c',
    }
    assert app.get('/things', {'case': 'named tuples'}).json == [
        {'id': 3, 'name': 'c'},
        {'id': 4, 'name': 'd'},
    ]


def test_lists_in_other_media_types(app: webtest.TestApp) -> None:
    res = app.get('/things', headers={'Accept': 'application/yaml'})
    assert yaml.safe_load(res.text) == FILTERED
    res = app.get('/things', headers={'Accept': 'application/xml'})
    assert res.status_int == 200
    assert b'Ann' in res.body
    assert b'password' not in res.body
    res = app.get('/things', headers={'Accept': 'text/html'})
    assert 'Ann' in res.text
    assert 'password' not in res.text


# -- broken output: a logged 500 ----------------------------------------------


@pytest.mark.parametrize(
    ('case', 'where'),
    [
        ('missing field', '1.id: A required field is missing.'),
        ('not an object', '(root): Expected an object.'),
        ('number', '(root): Expected an object.'),
        ('list of numbers', '0: Expected an object.'),
        ('null item', '1: Must not be null.'),
        ('nested list', '0.owner: Expected an object.'),
        ('list of lists', '0: Expected an object.'),
    ],
)
@pytest.mark.parametrize(
    ('url', 'method'), [('/things', 'collection_get'), ('/things/1', 'get')]
)
def test_broken_output_is_a_logged_500(
    app: webtest.TestApp,
    caplog: pytest.LogCaptureFixture,
    case: str,
    where: str,
    url: str,
    method: str,
) -> None:
    with caplog.at_level(logging.ERROR, logger='pyramid_restkit'):
        res = app.get(url, {'case': case}, status=500)
    assert res.json == {
        'type': 'about:blank',
        'title': 'Internal Server Error',
        'status': 500,
        'detail': 'The server could not complete the request.',
    }
    (record,) = caplog.records
    assert record.exc_info is not None
    logged = str(record.exc_info[1])
    # the operation (resource and method), the schema class, the field
    assert f"resource 'things'.{method}" in logged
    assert f'{__name__}.ThingOut' in logged
    assert logged.endswith(where)
    # none of it in the response
    for secret in ('things', 'ThingOut', 'missing', 'object', 'null'):
        assert secret not in res.text


# -- misconfigured output seen at commit --------------------------------------


def test_a_sequence_with_two_item_schemas_is_refused_at_commit(
    config: Configurator,
) -> None:
    pair = colander.SchemaNode(
        colander.Sequence(),
        colander.SchemaNode(colander.String(), name='a'),
        colander.SchemaNode(colander.Integer(), name='b'),
    )
    config.add_resource(
        Things,
        collection_path='/things',
        path='/things/{id}',
        response_schema=pair,
    )
    with pytest.raises(ConfigurationError) as info:
        config.commit()
    message = str(info.value)
    assert "resource 'things'.collection_get" in message
    assert 'response_schema' in message
    assert 'exactly one child' in message
