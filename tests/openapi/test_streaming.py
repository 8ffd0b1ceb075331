"""NDJSON in the document: the schema of one line, for every operation."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import colander
import pytest

from tests.openapi.helpers import MakeApp, conforms, document, op

NOTE = 'One JSON text a line (NDJSON); each line matches this schema.'


class Item(colander.MappingSchema):
    id = colander.SchemaNode(colander.Integer())
    name = colander.SchemaNode(colander.String())


class Numbers(colander.SequenceSchema):
    number = colander.SchemaNode(colander.Integer(), description='A number.')


class Items:
    def __init__(self, request: Any) -> None:
        self.request = request

    def collection_get(self) -> Iterator[dict[str, Any]]:
        return ({'id': i, 'name': f'n{i}', 'extra': 1} for i in range(3))

    def get(self) -> dict[str, Any]:
        return {'id': 1, 'name': 'one'}


class Counts:
    def __init__(self, request: Any) -> None:
        self.request = request

    def collection_get(self) -> Iterator[int]:
        return iter([1, 2, 3])


@pytest.fixture
def settings() -> dict[str, Any]:
    return {'restkit.media_types': 'json yaml ndjson'}


def test_ndjson_lines_are_documented(config: Any, make_app: MakeApp) -> None:
    config.add_resource(
        Items,
        collection_path='/items',
        path='/items/{id}',
        response_schema=Item,
    )
    config.add_resource(
        Counts, collection_path='/counts', response_schema=Numbers()
    )
    app = make_app()
    doc = document(app)
    listed = op(doc, '/items', 'get')['responses']['200']['content']
    assert listed['application/json']['schema']['type'] == 'array'
    line = listed['application/x-ndjson']['schema']
    assert line['description'] == NOTE
    assert (
        line['$ref'] == listed['application/json']['schema']['items']['$ref']
    )
    one = op(doc, '/items/{id}', 'get')['responses']['200']['content']
    assert one['application/x-ndjson']['schema']['$ref']
    counts = op(doc, '/counts', 'get')['responses']['200']['content']
    assert counts['application/x-ndjson']['schema'] == {
        'type': 'integer',
        'description': f'A number. {NOTE}',
    }
    for path, url in [
        ('/items', '/items.ndjson'),
        ('/items', '/items.json'),
        ('/items/{id}', '/items/1.ndjson'),
        ('/counts', '/counts.ndjson'),
    ]:
        conforms(doc, path, 'get', app.get(url))


def test_no_ndjson_unless_enabled(config: Any, make_app: MakeApp) -> None:
    config.registry.settings['restkit.media_types'] = 'json'
    config.add_resource(Counts, collection_path='/items')
    doc = document(make_app())
    content = op(doc, '/items', 'get')['responses']['200']['content']
    assert list(content) == ['application/json']
