"""Text variants of schemas: forms, parameters, XML.

What :mod:`pyramid_restkit.openapi.variants` writes; conventions:
:mod:`tests.openapi.helpers`.
"""

from __future__ import annotations

from typing import Any

import colander
from pyramid.config import Configurator

from tests.openapi.helpers import (
    FORM_TYPES,
    Author,
    Bodies,
    MakeApp,
    conforms,
    document,
    op,
    valid,
)


class Varied(colander.MappingSchema):
    pair = colander.SchemaNode(
        colander.Tuple(),
        colander.SchemaNode(colander.Integer(), name='number'),
        colander.SchemaNode(colander.String(), name='text'),
    )
    maybe = colander.SchemaNode(colander.String(), missing=None)
    code = colander.SchemaNode(
        colander.String(), validator=colander.Regex('^[A-Z]+$')
    )
    words = colander.SchemaNode(
        colander.Sequence(), colander.SchemaNode(colander.String())
    )


class WithAuthors(colander.MappingSchema):
    author = Author(description='Who wrote it.')


class Team(colander.MappingSchema):
    members = colander.SchemaNode(colander.Sequence(), Author())


def test_form_and_xml_variants(
    config: Configurator, make_app: MakeApp
) -> None:
    config.add_resource(
        Bodies, name='varied', collection_path='/v', schema=Varied
    )
    config.add_resource(
        Bodies, name='authors', collection_path='/a', schema=WithAuthors
    )
    config.add_resource(Bodies, name='team', collection_path='/t', schema=Team)
    app = make_app()
    doc = document(app)
    schemas = doc['components']['schemas']
    # a list of mappings cannot be a form either
    team = op(doc, '/t', 'post')['requestBody']['content']
    assert not set(FORM_TYPES) & set(team)
    res = app.post('/t', b'members=a', content_type=FORM_TYPES[0], status=400)
    conforms(doc, '/t', 'post', res)
    varied = op(doc, '/v', 'post')['requestBody']['content']
    form = schemas['Varied-Form']['properties']
    xml = schemas['Varied-XML']['properties']
    # text cannot say null
    assert schemas['Varied']['properties']['maybe']['type'] == [
        'string',
        'null',
    ]
    assert form['maybe'] == {'type': 'string', 'minLength': 1}
    assert xml['maybe']['type'] == 'string'
    # a tuple keeps its positions; in XML it is a list element
    assert form['pair']['prefixItems'] == [
        {'type': 'integer'},
        {'type': 'string', 'minLength': 1},
    ]
    assert xml['pair']['properties']['type'] == {
        'const': 'list',
        'xml': {'attribute': True},
    }
    assert xml['pair']['additionalProperties'] == {}
    # an empty element is an empty list, which a tuple cannot be
    assert xml['pair']['required'] == ['type', 'item']
    assert 'anyOf' not in xml['pair']
    assert xml['words']['anyOf'] == [
        {'required': ['type']},
        {'maxProperties': 0},
    ]
    # an XML string holds XML characters only, beside its own pattern
    assert xml['code'] == {
        'allOf': [
            {
                'type': 'string',
                'minLength': 1,
                'pattern': '^[A-Z]+\\n?$(?!\\n)',
            },
            {'pattern': xml['maybe']['pattern']},
        ]
    }
    body = {'pair': [1, 'a'], 'code': 'AB', 'words': ['x', 'y']}
    res = app.post_json('/v', body)
    assert res.json == {**body, 'maybe': None}
    res = app.post(
        '/v',
        b'pair=1&pair=a&code=AB&words=x&words=y',
        content_type=FORM_TYPES[0],
    )
    assert res.json == {**body, 'maybe': None}
    assert valid(doc, varied[FORM_TYPES[0]]['schema'], body)
    xml_body = (
        b'<v><pair type="list"><item>1</item><item>a</item></pair>'
        b'<code>AB</code><words type="list"><item>x</item><item>y</item>'
        b'</words></v>'
    )
    res = app.post('/v', xml_body, content_type='application/xml')
    assert res.json == {**body, 'maybe': None}
    empty = b'<v><pair/><code>AB</code><words/></v>'
    res = app.post('/v', empty, content_type='application/xml', status=400)
    assert [e['name'] for e in res.json['errors']] == ['pair']
    conforms(doc, '/v', 'post', res)
    xml_schema = varied['application/xml']['schema']
    assert not valid(doc, xml_schema, {'pair': {}, 'code': 'AB', 'words': {}})
    assert valid(
        doc,
        xml_schema,
        {
            'pair': {'type': 'list', 'item': [1, 'a']},
            'code': 'AB',
            'words': {},
        },
    )
    res = app.post(
        '/v',
        b'<v><pair type="list"><item>1</item><item>a</item></pair>'
        b'<code>AB</code><words/></v>',
        content_type='application/xml',
    )
    assert res.json['words'] == []
    assert valid(
        doc,
        varied['application/xml']['schema'],
        {
            'pair': {'type': 'list', 'item': [1, 'a']},
            'code': 'AB',
            'words': {'type': 'list', 'item': ['x', 'y']},
        },
    )
    # a nested component keeps the description of its place
    authors = op(doc, '/a', 'post')['requestBody']['content']
    assert not set(FORM_TYPES) & set(authors)
    assert schemas['WithAuthors-XML']['properties']['author'] == {
        '$ref': '#/components/schemas/Author-XML',
        'description': 'Who wrote it.',
    }


class Anything(colander.SchemaType):
    """A type whose converter uses boolean schemas and null."""

    def deserialize(self, node: Any, cstruct: Any) -> Any:
        return cstruct


def anything_schema(converter: Any, node: Any, ctx: Any) -> dict[str, Any]:
    return {
        'type': 'array',
        'prefixItems': [{'type': 'null'}, True],
        'items': False,
        'anyOf': [{'type': 'null'}],
    }


class WithAnything(colander.MappingSchema):
    thing = colander.SchemaNode(Anything())


def test_variants_of_boolean_and_null_schemas(
    config: Configurator, make_app: MakeApp
) -> None:
    config.add_json_schema_type(Anything, anything_schema)
    config.add_resource(Bodies, collection_path='/x', schema=WithAnything)
    doc = document(make_app())
    form = doc['components']['schemas']['WithAnything-Form']
    # null cannot be sent as text: the value can be none of them
    assert form['properties']['thing'] == {
        'not': {},
        'type': 'array',
        'prefixItems': [{'not': {}}, True],
        'items': False,
    }
