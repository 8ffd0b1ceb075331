"""File uploads through a real application: ``pyramid_restkit.File``."""

from __future__ import annotations

from typing import Any

import colander
import pytest
import webtest
from pyramid.request import Request

from pyramid_restkit import File, UploadedFile
from tests.openapi.helpers import document, op, valid

PNG = b'\x89PNG\r\n\x1a\n' + b'\x00' * 24


class Avatar(colander.MappingSchema):
    name = colander.SchemaNode(colander.String())
    avatar = colander.SchemaNode(
        File(max_size=64, media_types=('image/png', 'image/jpeg'))
    )


class Attachments(colander.MappingSchema):
    note = colander.SchemaNode(colander.String(), missing='')
    files = colander.SchemaNode(
        colander.Sequence(), colander.SchemaNode(File()), missing=()
    )
    cover = colander.SchemaNode(File(media_types='image/*'), missing=None)


class Profiles:
    def __init__(self, request: Any) -> None:
        self.request = request

    def collection_post(self) -> Any:
        upload = self.request.validated['avatar']
        assert isinstance(upload, UploadedFile)
        return {
            'name': self.request.validated['name'],
            'filename': upload.filename,
            'content_type': upload.content_type,
            'size': upload.size,
            'head': upload.read(4).decode('latin-1'),
        }


class Documents:
    def __init__(self, request: Any) -> None:
        self.request = request

    def collection_post(self) -> Any:
        validated = self.request.validated
        cover = validated['cover']
        return {
            'note': validated['note'],
            'files': [
                [f.filename, f.read().decode()] for f in validated['files']
            ],
            'cover': None if cover is None else cover.content_type,
        }


@pytest.fixture
def settings() -> dict[str, Any]:
    return {'restkit.max_body_size': '4096'}


@pytest.fixture
def app(config: Any, make_app: Any) -> webtest.TestApp:
    config.add_resource(Profiles, collection_path='/profiles', schema=Avatar)
    config.add_resource(
        Documents, collection_path='/documents', schema=Attachments
    )
    return make_app()


def upload(
    app: webtest.TestApp, path: str, fields: Any, status: int = 200, **kw: Any
) -> webtest.TestResponse:
    return app.post(path, fields, status=status, **kw)


def errors(res: webtest.TestResponse) -> dict[str, str]:
    assert res.content_type == 'application/problem+json'
    return {e['name']: e['description'] for e in res.json['errors']}


def test_upload_is_validated_and_given_as_an_object(app):
    res = upload(
        app,
        '/profiles',
        [
            ('name', 'ann'),
            ('avatar', webtest.Upload('../../me.png', PNG, 'image/png')),
        ],
    )
    assert res.json == {
        'name': 'ann',
        'filename': 'me.png',
        'content_type': 'image/png',
        'size': len(PNG),
        'head': '\x89PNG',
    }


def test_too_large_names_the_limit(app):
    res = upload(
        app,
        '/profiles',
        [
            ('name', 'ann'),
            ('avatar', webtest.Upload('big.png', PNG * 3, 'image/png')),
        ],
        status=400,
    )
    message = errors(res)['avatar']
    assert '64 bytes' in message
    assert str(len(PNG) * 3) in message


def test_wrong_type_names_the_allowed_ones(app):
    res = upload(
        app,
        '/profiles',
        [
            ('name', 'ann'),
            ('avatar', webtest.Upload('a.gif', b'GIF89a', 'image/gif')),
        ],
        status=400,
    )
    message = errors(res)['avatar']
    assert 'image/gif' in message
    assert 'image/png, image/jpeg' in message


def test_text_for_a_file_field_says_so(app):
    res = upload(app, '/profiles', {'name': 'ann', 'avatar': 'x.png'}, 400)
    assert errors(res) == {'avatar': 'Expected a file, got text.'}
    res = upload(
        app,
        '/profiles',
        {'name': 'ann', 'avatar': 'x.png'},
        400,
        content_type='multipart/form-data',
    )
    assert errors(res) == {'avatar': 'Expected a file, got text.'}


def test_json_for_a_file_field_says_so(app):
    res = app.post_json(
        '/profiles', {'name': 'ann', 'avatar': 'aGk='}, status=400
    )
    assert errors(res)['avatar'].startswith('Expected a file')


def test_missing_file_is_required(app):
    res = upload(
        app,
        '/profiles',
        {'name': 'ann'},
        400,
        content_type='multipart/form-data',
    )
    assert errors(res) == {'avatar': 'Required'}


def test_no_file_chosen_is_an_absent_file(app):
    # What a browser sends for a file input left empty.
    res = upload(
        app,
        '/profiles',
        [('name', 'ann'), ('avatar', webtest.Upload('', b''))],
        400,
    )
    assert errors(res) == {'avatar': 'Required'}


@pytest.mark.parametrize(
    'schema_field',
    ['name'],
)
def test_file_for_a_text_field_is_a_clear_error(app, schema_field):
    res = upload(
        app,
        '/profiles',
        [
            (schema_field, webtest.Upload('a.txt', b'hello', 'text/plain')),
            ('avatar', webtest.Upload('me.png', PNG, 'image/png')),
        ],
        400,
    )
    assert errors(res) == {schema_field: 'Expected text, got a file.'}
    assert 'UploadedFile' not in res.text
    assert 'a.txt' not in res.text


class Typed(colander.MappingSchema):
    text = colander.SchemaNode(colander.String(), missing=None)
    number = colander.SchemaNode(colander.Integer(), missing=None)
    flag = colander.SchemaNode(colander.Boolean(), missing=None)
    day = colander.SchemaNode(colander.Date(), missing=None)
    tags = colander.SchemaNode(
        colander.Sequence(), colander.SchemaNode(colander.String()), missing=()
    )
    choice = colander.SchemaNode(
        colander.String(),
        validator=colander.OneOf(['a', 'b']),
        missing=None,
    )


class Echo:
    def __init__(self, request: Any) -> None:
        self.request = request

    def collection_post(self) -> Any:
        return {'ok': True}


@pytest.mark.parametrize(
    ('field', 'name'),
    [
        ('text', 'text'),
        ('number', 'number'),
        ('flag', 'flag'),
        ('day', 'day'),
        ('tags', 'tags.0'),
        ('choice', 'choice'),
    ],
)
def test_file_for_any_other_type_is_a_clear_error(
    config: Any, make_app: Any, field: str, name: str
) -> None:
    config.add_resource(Echo, collection_path='/echo', schema=Typed)
    res = make_app().post(
        '/echo',
        [(field, webtest.Upload('a.txt', b'hello', 'text/plain'))],
        status=400,
    )
    assert errors(res) == {name: 'Expected text, got a file.'}


def test_several_files_in_a_sequence(app):
    res = upload(
        app,
        '/documents',
        [
            ('note', 'n'),
            ('files', webtest.Upload('a.txt', b'one', 'text/plain')),
            ('files', webtest.Upload('b.txt', b'two', 'text/plain')),
            ('cover', webtest.Upload('c.jpg', b'jpeg', 'image/jpeg')),
        ],
    )
    assert res.json == {
        'note': 'n',
        'files': [['a.txt', 'one'], ['b.txt', 'two']],
        'cover': 'image/jpeg',
    }


def test_wildcard_media_types(app):
    res = upload(
        app,
        '/documents',
        [('cover', webtest.Upload('c.txt', b'x', 'text/plain'))],
        400,
    )
    assert 'image/*' in errors(res)['cover']


def test_optional_file_may_be_left_out(app):
    res = upload(
        app, '/documents', {'note': 'n'}, content_type='multipart/form-data'
    )
    assert res.json == {'note': 'n', 'files': [], 'cover': None}


def test_body_over_max_body_size_is_413_before_parsing(app):
    res = upload(
        app,
        '/profiles',
        [
            ('name', 'ann'),
            ('avatar', webtest.Upload('big.png', b'x' * 5000, 'image/png')),
        ],
        413,
    )
    assert res.json['status'] == 413


def test_malformed_multipart_is_a_400_in_the_negotiated_format(app):
    request = Request.blank(
        '/profiles',
        method='POST',
        body=b'--xx\r\nContent-Disposition: form-data; name="avatar"',
        content_type='multipart/form-data; boundary=xx',
        headers={'Accept': 'application/xml'},
    )
    res = request.get_response(app.app)
    assert res.status_int == 400
    assert res.content_type == 'application/problem+xml'


def test_openapi_shows_binary_in_multipart(app):
    doc = document(app)
    content = op(doc, '/profiles', 'post')['requestBody']['content']
    multipart = content['multipart/form-data']['schema']
    schema = resolve_all(doc, multipart)
    avatar = schema['properties']['avatar']
    assert avatar['type'] == 'string'
    assert avatar['format'] == 'binary'
    assert avatar['anyOf'] == [
        {'contentMediaType': 'image/png'},
        {'contentMediaType': 'image/jpeg'},
    ]
    # JSON cannot carry a file: no JSON body has the field.
    json_schema = content['application/json']['schema']
    assert not valid(doc, json_schema, {'name': 'a', 'avatar': 'aGk='})
    assert not valid(doc, json_schema, {'name': 'a'})

    content = op(doc, '/documents', 'post')['requestBody']['content']
    schema = resolve_all(doc, content['multipart/form-data']['schema'])
    cover = schema['properties']['cover']
    assert cover['type'] == 'string'
    assert cover['format'] == 'binary'
    assert cover['contentMediaType'] == 'image/*'
    files = schema['properties']['files']
    binary = {'type': 'string', 'format': 'binary'}
    assert files['anyOf'] == [{'type': 'array', 'items': binary}, binary]
    json_schema = content['application/json']['schema']
    assert valid(doc, json_schema, {'note': 'n', 'cover': None})
    assert not valid(doc, json_schema, {'cover': 'aGk='})


def resolve_all(doc: dict[str, Any], schema: Any) -> Any:
    while '$ref' in schema:
        schema = doc['components']['schemas'][
            schema['$ref'].rpartition('/')[2]
        ]
    return schema
