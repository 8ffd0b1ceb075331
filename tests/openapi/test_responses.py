"""Success responses and their content.

What :mod:`pyramid_restkit.openapi.responses` writes for successes (error
responses: ``test_error_responses.py``); conventions:
:mod:`tests.openapi.helpers`.
"""

from __future__ import annotations

import typing
from typing import Any, Optional
from xml.etree import ElementTree

import colander
import pytest
from pyramid.config import Configurator
from pyramid.httpexceptions import HTTPNotFound

from pyramid_restkit import operation
from pyramid_restkit.annotations import none_in_text, returns_none
from tests.openapi.helpers import (
    ALL_PROBLEMS,
    Base,
    Echo,
    Item,
    ItemOut,
    MakeApp,
    conforms,
    document,
    op,
    statuses,
)

# -- responses ----------------------------------------------------------------


class Returns(Base):
    @operation(status=201)
    def collection_post(self) -> dict[str, Any]:
        return {'made': True}

    def collection_get(self) -> None:
        return None

    def get(self) -> dict[str, Any] | None:
        return None if self.request.matchdict['id'] == 'none' else {'a': 1}

    def put(self) -> Optional[dict[str, Any]]:  # noqa: UP045
        return None

    def patch(self):  # type: ignore[no-untyped-def]
        return {'patched': True}

    def delete(self):  # type: ignore[no-untyped-def]
        return None


class Unannotated(Base):
    def get(self):  # type: ignore[no-untyped-def]
        return {'a': 1}


def test_success_statuses(config: Configurator, make_app: MakeApp) -> None:
    config.add_resource(Returns, collection_path='/r', path='/r/{id}')
    config.add_resource(Unannotated, path='/u/{id}')
    app = make_app()
    doc = document(app)
    expected = [
        ('/r', 'post', ['201']),
        ('/r', 'get', ['204']),
        ('/r/{id}', 'get', ['200', '204']),
        ('/r/{id}', 'put', ['200', '204']),
        ('/r/{id}', 'patch', ['200']),
        ('/r/{id}', 'delete', ['200', '204']),
        ('/u/{id}', 'get', ['200']),
    ]
    for path, verb, success in expected:
        found = [s for s in statuses(op(doc, path, verb)) if s < '300']
        assert found == success, (path, verb)
    assert 'content' not in op(doc, '/r', 'get')['responses']['204']
    for method, url, status in [
        ('POST', '/r', 201),
        ('GET', '/r', 204),
        ('GET', '/r/1', 200),
        ('GET', '/r/none', 204),
        ('PUT', '/r/1', 204),
        ('PATCH', '/r/1', 200),
        ('DELETE', '/r/1', 204),
    ]:
        res = app.request(url, method=method, status=status)
        path = '/r' if url == '/r' else '/r/{id}'
        conforms(doc, path, method.lower(), res)


class Creates(Base):
    @operation(status=201)
    def collection_post(self) -> dict[str, Any]:
        self.request.response.location = self.request.route_url(
            'creates.item', id=7
        )
        return {'id': 7}

    @operation(status=201, responses={202: 'Queued.'})
    def post(self) -> dict[str, Any]:
        # NOTE: a 201 without Location: the target URI is what it made
        return {'id': 8}

    @operation(status=201)
    def put(self) -> dict[str, Any]:
        return {'id': 9}

    @operation(responses={201: 'Made.'})
    def patch(self) -> dict[str, Any]:
        self.request.response.status = 201
        self.request.response.location = '/creates/10'
        return {'id': 10}


def test_location_on_a_post_creating(
    config: Configurator, make_app: MakeApp
) -> None:
    """``Location`` is declared, optional, on the 201 of a POST.

    The kit does not set it (the application knows the new URL); RFC
    9110 has a POST's 201 name what it made with it, a PUT's 201 is at
    the target URI.
    """
    config.add_resource(Creates, collection_path='/creates', path='/c/{id}')
    app = make_app()
    doc = document(app)
    location = {
        'description': 'The URL of the created resource.',
        'required': False,
        'schema': {'type': 'string', 'format': 'uri-reference'},
    }
    for path, verb in [('/creates', 'post'), ('/c/{id}', 'post')]:
        created = op(doc, path, verb)['responses']['201']
        assert created['headers'] == {'Location': location}
    assert 'headers' not in op(doc, '/c/{id}', 'post')['responses']['202']
    for verb in ('put', 'patch'):
        assert 'headers' not in op(doc, '/c/{id}', verb)['responses']['201']
    res = app.post('/creates', status=201)
    assert res.headers['Location'] == 'http://localhost/c/7'
    conforms(doc, '/creates', 'post', res)
    res = app.post('/c/1', status=201)
    assert 'Location' not in res.headers
    conforms(doc, '/c/{id}', 'post', res)
    res = app.patch('/c/1', status=201)
    conforms(doc, '/c/{id}', 'patch', res)


def _method(annotation: Any) -> Any:
    def method(self: Any) -> None: ...

    method.__annotations__ = {'return': annotation}
    return method


@pytest.mark.parametrize(
    ('annotation', 'expected'),
    [
        (None, 'always'),
        (type(None), 'always'),
        (dict, 'never'),
        (typing.Optional[int], 'maybe'),  # noqa: UP045
        (typing.Union[int, str], 'never'),  # noqa: UP007
        (int | None, 'maybe'),
        ('None', 'always'),
        ('dict', 'never'),
        ('Optional[int]', 'maybe'),
        # names that do not resolve are read from the text
        ('Missing', 'never'),
        (' Missing | None ', 'maybe'),
        ('None | Missing', 'maybe'),
        ('Missing | Other | None', 'maybe'),
        ('Optional[Missing]', 'maybe'),
        ('typing.Optional[Missing]', 'maybe'),
        ('Union[Missing, None]', 'maybe'),
        ('typing.Union[Missing, Other]', 'never'),
        ('Union[Missing]', 'never'),
        ('list[None]', 'never'),
        ('Missing[None]', 'never'),
        ('Missing | Other', 'never'),
        ("'quoted'", 'never'),
        ('not python (', 'never'),
    ],
)
def testreturns_none(annotation: Any, expected: str) -> None:
    assert returns_none(_method(annotation), 'GET') == expected


def test_returns_none_without_annotations() -> None:
    def method(self: Any):  # type: ignore[no-untyped-def]
        pass

    assert returns_none(method, 'GET') == 'never'
    assert returns_none(method, 'DELETE') == 'maybe'
    # not a function: no hints, no annotations
    assert returns_none(object(), 'GET') == 'never'
    assert none_in_text('None') == 'always'


class Declared(Base):
    def collection_get(self) -> Any:
        return []

    @operation(responses={202: 'Queued.', 303: 'See the item.', 409: 'Taken.'})
    def collection_post(self) -> Any:
        self.request.response.status = 202
        return {'queued': True}

    @operation(responses={404: 'No such thing.', 204: 'Nothing.'})
    def get(self) -> Any:
        raise HTTPNotFound('Gone.')

    def delete(self) -> None:
        return None


def test_declared_responses(config: Configurator, make_app: MakeApp) -> None:
    config.add_resource(
        Declared,
        collection_path='/d',
        path='/d/{id}',
        responses={404: 'Not here.', 200: 'Listed.'},
    )
    app = make_app()
    doc = document(app)
    listing = op(doc, '/d', 'get')['responses']
    assert listing['200']['description'] == 'Listed.'
    assert listing['404']['description'] == 'Not here.'
    post = op(doc, '/d', 'post')['responses']
    # the resource's 404 too: the operation's responses are merged in
    assert statuses(op(doc, '/d', 'post')) == [
        '200',
        '202',
        '303',
        '400',
        '403',
        '404',
        '406',
        '409',
    ]
    assert post['202']['content'] == post['200']['content']
    assert post['303'] == {'description': 'See the item.'}
    assert post['409']['description'] == 'Taken.'
    assert set(post['409']['content']) == ALL_PROBLEMS
    # the operation's own responses are merged into the resource's
    one = op(doc, '/d/{id}', 'get')['responses']
    assert one['404']['description'] == 'No such thing.'
    assert one['200']['description'] == 'Listed.'
    # a 204 has no body, declared or not
    assert one['204'] == {'description': 'Nothing.'}
    res = app.post('/d', status=202)
    conforms(doc, '/d', 'post', res)
    for accept, content_type in [
        ('application/json', 'application/problem+json'),
        ('application/xml', 'application/problem+xml'),
        ('application/yaml', 'application/problem+yaml'),
        ('text/html', 'text/html'),
        ('text/plain', 'text/plain'),
    ]:
        res = app.get('/d/1', headers={'Accept': accept}, status=404)
        assert res.content_type == content_type
        conforms(doc, '/d/{id}', 'get', res)
    res = app.delete('/d/1', status=204)
    conforms(doc, '/d/{id}', 'delete', res)


# -- response content ---------------------------------------------------------


class ThingList(colander.SequenceSchema):
    thing = ItemOut()


class Things(Base):
    @operation(response_schema=ThingList)
    def collection_get(self) -> Any:
        return [{'id': 1, 'name': 'a', 'secret': 's'}]

    @operation(status=201)
    def collection_post(self) -> Any:
        return {'id': 2, **self.request.validated}

    @operation(media_options={'xml': {'root': 'one'}})
    def get(self) -> Any:
        return {'id': 1, 'name': 'a'}


def test_response_content_per_media_type(
    config: Configurator, make_app: MakeApp
) -> None:
    config.add_resource(
        Things,
        collection_path='/things',
        path='/things/{id}',
        schema=Item,
        response_schema=ItemOut,
        media_options={'xml': {'root': 'thing'}},
    )
    config.add_resource(Echo, name='raw', path='/raw/{id}')
    app = make_app()
    doc = document(app)
    created = op(doc, '/things', 'post')['responses']['201']['content']
    assert list(created) == [
        'application/json',
        'application/yaml',
        'application/xml',
        'text/html',
        'text/plain',
    ]
    assert created['application/json']['schema'] == {
        '$ref': '#/components/schemas/ItemOut'
    }
    assert created['application/yaml'] == created['application/json']
    assert created['application/xml']['schema'] == {
        'allOf': [{'$ref': '#/components/schemas/ItemOut-XML'}],
        'xml': {'name': 'thing'},
    }
    assert created['text/html']['schema'] == {'type': 'string'}
    assert created['text/plain']['schema'] == {'type': 'string'}
    one = op(doc, '/things/{id}', 'get')['responses']['200']['content']
    assert one['application/xml']['schema']['xml'] == {'name': 'one'}
    # without a response schema: any value, the renderer's XML root
    raw = op(doc, '/raw/{id}', 'get')['responses']['200']['content']
    assert raw['application/json']['schema'] == {}
    assert raw['application/xml']['schema'] == {
        'allOf': [{}],
        'xml': {'name': 'response'},
    }
    for url, accept in [
        ('/things/1', 'application/xml'),
        ('/things/1', 'application/json'),
        ('/raw/1', 'application/xml'),
    ]:
        res = app.get(url, headers={'Accept': accept})
        path = '/things/{id}' if url.startswith('/things') else '/raw/{id}'
        conforms(doc, path, 'get', res)
        if accept == 'application/xml':
            # the document element is the one documented
            content = op(doc, path, 'get')['responses']['200']['content']
            root = content['application/xml']['schema']['xml']['name']
            assert ElementTree.fromstring(res.body).tag == root
    res = app.post_json(
        '/things',
        {'name': 'b'},
        headers={'Accept': 'application/xml'},
        status=201,
    )
    assert ElementTree.fromstring(res.body).tag == 'thing'
    for accept in ('text/html', 'text/plain', 'application/yaml'):
        res = app.get('/things', headers={'Accept': accept})
        conforms(doc, '/things', 'get', res)
    # the output schema drops what it does not declare
    assert app.get('/things').json == [{'id': 1, 'name': 'a'}]
    conforms(doc, '/things', 'get', app.get('/things'))


# -- a mapping response schema on collection_get ------------------------------


class Listed(Base):
    def collection_get(self) -> Any:
        return [{'id': 1, 'name': 'a', 'secret': 's'}, {'id': 2, 'name': 'b'}]

    @operation(status=201)
    def collection_post(self) -> Any:
        return {'id': 2, **self.request.validated}

    def get(self) -> Any:
        return {'id': 1, 'name': 'a'}


class Summary(colander.MappingSchema):
    count = colander.SchemaNode(colander.Integer())


class Counted(Base):
    @operation(response_schema=Summary)
    def collection_get(self) -> Any:
        return {'count': 2}

    def get(self) -> Any:
        return {'id': 1, 'name': 'a'}


ITEM_OUT = {'$ref': '#/components/schemas/ItemOut'}


def test_resource_mapping_schema_on_collection_get_is_an_array(
    config: Configurator, make_app: MakeApp
) -> None:
    config.add_resource(
        Listed,
        collection_path='/listed',
        path='/listed/{id}',
        schema=Item,
        response_schema=ItemOut,
        media_options={'xml': {'root': 'thing'}},
    )
    app = make_app()
    doc = document(app)
    listed = op(doc, '/listed', 'get')['responses']['200']['content']
    array = {'type': 'array', 'items': ITEM_OUT}
    assert listed['application/json']['schema'] == array
    assert listed['application/yaml']['schema'] == array
    xml = listed['application/xml']['schema']
    assert xml['xml'] == {'name': 'thing'}
    assert xml['allOf'][0]['properties']['type'] == {
        'const': 'list',
        'xml': {'attribute': True},
    }
    assert listed['text/html']['schema'] == {'type': 'string'}
    # the other verbs keep the mapping
    for path, verb, status in [
        ('/listed', 'post', '201'),
        ('/listed/{id}', 'get', '200'),
    ]:
        content = op(doc, path, verb)['responses'][status]['content']
        assert content['application/json']['schema'] == ITEM_OUT
    # and the runtime answers what the document says
    for accept in ('application/json', 'application/yaml', 'application/xml'):
        res = app.get('/listed', headers={'Accept': accept})
        conforms(doc, '/listed', 'get', res)
    assert app.get('/listed').json == [
        {'id': 1, 'name': 'a'},
        {'id': 2, 'name': 'b'},
    ]


def test_an_operations_own_mapping_schema_stays_a_mapping(
    config: Configurator, make_app: MakeApp
) -> None:
    config.add_resource(
        Counted,
        collection_path='/counted',
        path='/counted/{id}',
        response_schema=ItemOut,
    )
    app = make_app()
    doc = document(app)
    counted = op(doc, '/counted', 'get')['responses']['200']['content']
    assert counted['application/json']['schema'] == {
        '$ref': '#/components/schemas/Summary'
    }
    conforms(doc, '/counted', 'get', app.get('/counted'))
    one = op(doc, '/counted/{id}', 'get')['responses']['200']['content']
    assert one['application/json']['schema'] == ITEM_OUT


def test_a_sequence_schema_on_collection_get_is_unchanged(
    config: Configurator, make_app: MakeApp
) -> None:
    config.add_resource(
        Listed,
        collection_path='/listed',
        path='/listed/{id}',
        schema=Item,
        response_schema=ThingList,
    )
    doc = document(make_app())
    listed = op(doc, '/listed', 'get')['responses']['200']['content']
    schema = listed['application/json']['schema']
    assert schema == {'$ref': '#/components/schemas/ThingList'}
