"""PATCH documents in the document: request bodies, 409, Accept-Patch.

Conventions: :mod:`tests.openapi.helpers`.
"""

from __future__ import annotations

import json
from typing import Any

import colander
import pytest
from pyramid.config import Configurator

from pyramid_restkit import operation
from pyramid_restkit.openapi.patch import merge_patch_schema
from tests.openapi.helpers import (
    Base,
    Item,
    ItemOut,
    MakeApp,
    conforms,
    document,
    op,
    resolve,
    statuses,
    valid,
)

MERGE = 'application/merge-patch+json'
JSON_PATCH = 'application/json-patch+json'


class Owner(colander.MappingSchema):
    name = colander.SchemaNode(colander.String())
    email = colander.SchemaNode(colander.String(), missing=colander.drop)


class Thing(Item):
    owner = Owner(missing=colander.drop)


class Things(Base):
    @operation(response_schema=ItemOut)
    def get(self) -> Any:
        return {'id': 1, 'name': 'box', 'size': 2}

    def patch(self) -> Any:
        return {'id': 1, 'name': 'box', **self.request.validated}

    def collection_get(self) -> Any:
        return []

    def collection_patch(self) -> Any:
        return self.request.validated


class NoGet(Base):
    def patch(self) -> Any:
        return self.request.validated


@pytest.fixture
def app(config: Configurator, make_app: MakeApp) -> Any:
    config.add_resource(
        Things, collection_path='/t', path='/t/{id}', schema=Thing
    )
    config.add_resource(NoGet, path='/n/{id}', schema=Item)
    return make_app()


def test_patch_bodies_list_the_documents(app: Any) -> None:
    doc = document(app)
    patch = op(doc, '/t/{id}', 'patch')
    content = patch['requestBody']['content']
    assert {'application/json', MERGE, JSON_PATCH} <= set(content)
    assert content[MERGE]['schema'] == {
        '$ref': '#/components/schemas/Thing-MergePatch'
    }
    assert content[JSON_PATCH]['schema'] == {
        '$ref': '#/components/schemas/JSONPatch'
    }
    assert '409' in statuses(patch)
    headers = patch['responses']['415']['headers']
    assert headers['Accept-Patch']['required'] is True
    # without a GET: the plain partial only, no 409
    plain = op(doc, '/n/{id}', 'patch')
    assert MERGE not in plain['requestBody']['content']
    assert JSON_PATCH not in plain['requestBody']['content']
    assert '409' not in statuses(plain)
    assert 'Accept-Patch' in plain['responses']['415']['headers']
    # other verbs: no Accept-Patch
    assert 'headers' not in op(doc, '/t', 'patch')['responses']['400']


def test_merge_patch_schema_requires_nothing(app: Any) -> None:
    doc = document(app)
    content = op(doc, '/t/{id}', 'patch')['requestBody']['content']
    schema = content[MERGE]['schema']
    assert resolve(doc, schema)['type'] == 'object'
    assert 'required' not in resolve(doc, schema)
    # null removes an optional field, at every level; arrays, scalars and
    # nested objects as the whole body has them
    for patch in (
        {},
        {'size': None, 'owner': None},
        {'owner': {'email': None}},
        {'owner': {'email': 'a@b.c'}},
        {'name': 'x', 'size': 2},
    ):
        assert valid(doc, schema, patch), patch
    # a required field cannot be removed, nor a type changed
    for patch in (
        {'name': None},
        {'owner': {'name': None}},
        {'size': 'x'},
        {'other': 1},
        [],
    ):
        assert not valid(doc, schema, patch), patch


def test_json_patch_schema(app: Any) -> None:
    doc = document(app)
    schema = {'$ref': '#/components/schemas/JSONPatch'}
    good = [
        {'op': 'add', 'path': '/a', 'value': None},
        {'op': 'remove', 'path': '/a'},
        {'op': 'replace', 'path': '', 'value': {}},
        {'op': 'move', 'from': '/a', 'path': '/b'},
        {'op': 'copy', 'from': '/a', 'path': '/b'},
        {'op': 'test', 'path': '/a', 'value': [1]},
    ]
    assert valid(doc, schema, good)
    assert valid(doc, schema, [])
    for bad in (
        {'op': 'add', 'path': '/a'},
        {'op': 'move', 'path': '/a'},
        {'op': 'frob', 'path': '/a'},
        {'path': '/a'},
        'add',
    ):
        assert not valid(doc, schema, [bad]), bad
    assert not valid(doc, schema, {'op': 'remove', 'path': '/a'})


@pytest.mark.parametrize('settings', [{'restkit.openapi.media_types': 'json'}])
def test_a_restricted_document_describes_only_its_media_types(
    app: Any,
) -> None:
    doc = document(app)
    patch = op(doc, '/t/{id}', 'patch')
    assert set(patch['requestBody']['content']) == {'application/json'}
    assert '409' not in statuses(patch)
    assert 'JSONPatch' not in doc['components']['schemas']


def test_responses_are_as_documented(app: Any) -> None:
    doc = document(app)
    for body, content_type, status in [
        ({'size': 3}, MERGE, 200),
        ({'size': '3'}, MERGE, 400),
        # GET's response schema has no size: add, not replace
        ([{'op': 'add', 'path': '/size', 'value': 4}], JSON_PATCH, 200),
        ([{'op': 'replace', 'path': '/size', 'value': 4}], JSON_PATCH, 409),
        ([{'op': 'nope', 'path': '/size'}], JSON_PATCH, 400),
    ]:
        res = app.patch(
            '/t/1', json.dumps(body), content_type=content_type, status=status
        )
        conforms(doc, '/t/{id}', 'patch', res)
    res = app.patch('/t/1', b'x', content_type='image/png', status=415)
    conforms(doc, '/t/{id}', 'patch', res)
    res = app.patch('/n/1', b'{}', content_type=MERGE, status=415)
    conforms(doc, '/n/{id}', 'patch', res)


def test_merge_patch_schema_of_boolean_schemas() -> None:
    assert merge_patch_schema({}, True) is True
    assert merge_patch_schema({}, {'properties': {'a': False}}) == {
        'properties': {'a': False}
    }


class Tagged(Base):
    """The same schema, without read-only fields (no response schema)."""

    def get(self) -> Any:
        return {'name': 'box'}

    def patch(self) -> Any:
        return self.request.validated


def test_variants_keep_their_names_when_the_plain_ones_are_used(
    config: Configurator, make_app: MakeApp
) -> None:
    config.add_resource(
        Things,
        collection_path='/t',
        path='/t/{id}',
        schema=Thing,
        response_schema=ItemOut,
    )
    config.add_resource(Tagged, path='/g/{id}', schema=Thing)
    doc = document(make_app())
    merge = {
        path: op(doc, path, 'patch')['requestBody']['content'][MERGE]
        for path in ('/t/{id}', '/g/{id}')
    }
    assert merge['/g/{id}']['schema'] == {
        '$ref': '#/components/schemas/Thing-MergePatch'
    }
    assert merge['/t/{id}']['schema'] == {
        '$ref': '#/components/schemas/Thing-Write-MergePatch'
    }
    written = resolve(doc, merge['/t/{id}']['schema'])
    assert written['properties']['id']['readOnly'] is True
    assert 'id' not in resolve(doc, merge['/g/{id}']['schema'])['properties']
