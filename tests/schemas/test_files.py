"""``pyramid_restkit.File``: the colander type of uploaded files."""

from __future__ import annotations

import io
from typing import Any

import colander
import pytest

from pyramid_restkit.errors import ResourceConfigurationError
from pyramid_restkit.openapi.jsonschema import JSONSchemaConverter
from pyramid_restkit.openapi.variants import Variants
from pyramid_restkit.schemas import File, UploadedFile, field_errors, prepare


def uploaded(
    content: bytes = b'data',
    filename: str = 'a.bin',
    content_type: str = 'application/octet-stream',
) -> UploadedFile:
    return UploadedFile(
        filename, content_type, len(content), io.BytesIO(content)
    )


def node(typ: Any = None, **kw: Any) -> colander.SchemaNode:
    return colander.SchemaNode(typ or File(), name='upload', **kw)


def message(schema: colander.SchemaNode, value: Any) -> str:
    with pytest.raises(colander.Invalid) as info:
        schema.deserialize(value)
    (error,) = field_errors(info.value, 'body')
    return error['description']


# -- the type -----------------------------------------------------------------


def test_a_file_passes_as_itself() -> None:
    upload = uploaded()
    assert node().deserialize(upload) is upload
    assert upload.read() == b'data'


def test_absent_values() -> None:
    assert node(missing=None).deserialize(colander.null) is None
    # A browser's file input left empty: no name, no content.
    assert node(missing=None).deserialize(uploaded(b'', '')) is None
    assert message(node(), uploaded(b'', '')) == 'Required'
    # An empty file that has a name is a file.
    empty = uploaded(b'', 'empty.txt')
    assert node().deserialize(empty) is empty


def test_max_size() -> None:
    schema = node(File(max_size=4))
    assert schema.deserialize(uploaded(b'1234')).size == 4
    assert message(schema, uploaded(b'12345')) == (
        'The file is too large: 5 bytes; the limit is 4 bytes.'
    )


@pytest.mark.parametrize(
    ('allowed', 'content_type', 'ok'),
    [
        (('image/png', 'image/jpeg'), 'image/png', True),
        (('image/png', 'image/jpeg'), 'image/jpeg', True),
        (('image/png', 'image/jpeg'), 'image/gif', False),
        ('image/png', 'image/png', True),
        ('IMAGE/PNG', 'image/png', True),
        (('image/*',), 'image/webp', True),
        (('image/*',), 'text/plain', False),
        (('*/*',), 'text/plain', True),
        ((), 'text/plain', True),
    ],
)
def test_media_types(allowed: Any, content_type: str, ok: bool) -> None:
    schema = node(File(media_types=allowed))
    upload = uploaded(content_type=content_type)
    if ok:
        assert schema.deserialize(upload) is upload
    else:
        listed = (allowed,) if isinstance(allowed, str) else allowed
        assert message(schema, upload) == (
            f'The file type {content_type!r} is not allowed; allowed: '
            f'{", ".join(listed)}.'
        )


def test_long_content_types_are_cut_in_messages() -> None:
    schema = node(File(media_types=['image/png']))
    text = message(schema, uploaded(content_type='image/' + 'x' * 200))
    assert len(text) <= 160
    assert 'image/png' in text


@pytest.mark.parametrize(
    ('value', 'expected'),
    [
        ('text', 'Expected a file, got text.'),
        (7, 'Expected a file (a part of a multipart/form-data body).'),
        ({'a': 1}, 'Expected a file (a part of a multipart/form-data body).'),
        (b'raw', 'Expected a file (a part of a multipart/form-data body).'),
    ],
)
def test_not_a_file(value: Any, expected: str) -> None:
    assert message(node(), value) == expected


def test_serialize() -> None:
    upload = uploaded()
    assert node().serialize(upload) is upload
    assert node().serialize(colander.null) is colander.null


def test_attributes_and_repr() -> None:
    typ = File(max_size=10, media_types=['Image/PNG ', 'image/png'])
    assert typ.max_size == 10
    assert typ.media_types == ('image/png',)
    assert repr(typ) == "File(max_size=10, media_types=('image/png',))"
    assert repr(File()) == 'File()'


@pytest.mark.parametrize(
    'kwargs',
    [
        {'max_size': 0},
        {'max_size': -1},
        {'max_size': 1.5},
        {'max_size': True},
        {'max_size': '10'},
        {'media_types': 'png'},
        {'media_types': ['image/png; q=1']},
        {'media_types': ['image/png', 3]},
        {'media_types': ['*/png']},
        {'media_types': ['']},
        {'media_types': 7},
    ],
)
def test_bad_options_are_configuration_errors(kwargs: dict[str, Any]) -> None:
    with pytest.raises(ResourceConfigurationError) as info:
        File(**kwargs)
    assert repr(next(iter(kwargs.values()))) in str(info.value)


# -- the kit's input rules ----------------------------------------------------


class Form(colander.MappingSchema):
    title = colander.SchemaNode(colander.String())
    count = colander.SchemaNode(colander.Integer(), missing=0)
    upload = colander.SchemaNode(File(), missing=None)


def test_text_rules_refuse_a_file_where_text_is_expected() -> None:
    schema = prepare(Form(), typed=False)
    with pytest.raises(colander.Invalid) as info:
        schema.deserialize({'title': uploaded(), 'count': uploaded()})
    assert sorted(
        (e['name'], e['description']) for e in field_errors(info.value, 'body')
    ) == [
        ('count', 'Expected text, got a file.'),
        ('title', 'Expected text, got a file.'),
    ]
    upload = uploaded()
    result = schema.deserialize({'title': 't', 'upload': upload})
    assert result == {'title': 't', 'count': 0, 'upload': upload}


def test_typed_rules_refuse_text_for_a_file() -> None:
    schema = prepare(Form(), typed=True)
    with pytest.raises(colander.Invalid) as info:
        schema.deserialize({'title': 't', 'upload': 'aGk='})
    (error,) = field_errors(info.value, 'body')
    assert error['description'] == 'Expected a file, got text.'
    assert schema.deserialize({'title': 't', 'upload': None}) == {
        'title': 't',
        'count': 0,
        'upload': None,
    }


# -- JSON Schema and its text variants ----------------------------------------


def convert(schema: colander.SchemaNode, mode: str = 'input') -> Any:
    return JSONSchemaConverter().convert(schema, mode=mode)


def test_json_schema_of_a_file() -> None:
    assert convert(node()) == {'not': {}, 'format': 'binary'}
    assert convert(node(File(media_types='image/png'))) == {
        'not': {},
        'format': 'binary',
        'contentMediaType': 'image/png',
    }
    assert convert(node(File(media_types=('image/png', 'image/gif')))) == {
        'not': {},
        'format': 'binary',
        'anyOf': [
            {'contentMediaType': 'image/png'},
            {'contentMediaType': 'image/gif'},
        ],
    }
    # No keyword bounds the size of a part (maxLength counts characters).
    assert convert(node(File(max_size=10))) == {'not': {}, 'format': 'binary'}
    assert convert(node(), mode='output') == {}


def test_form_variant_is_binary() -> None:
    variants = Variants({})
    schema = convert(node(File(media_types='image/png'), missing=None))
    assert variants.form(schema) == {
        'type': 'string',
        'format': 'binary',
        'contentMediaType': 'image/png',
    }
    assert variants.xml(convert(node())) == {'not': {}, 'format': 'binary'}
    # Other schemas that refuse everything stay so.
    assert variants.form({'not': {}}) == {'not': {}}
