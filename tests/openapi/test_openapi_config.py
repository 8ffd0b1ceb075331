"""The OpenAPI directives (:mod:`pyramid_restkit.openapi.config`).

Conventions: :mod:`tests.openapi.helpers`.
"""

from __future__ import annotations

from typing import Any

import colander
import pytest
from pyramid.config import Configurator
from pyramid.exceptions import ConfigurationConflictError, ConfigurationError

from tests.fixtures import openapi_app
from tests.openapi.helpers import (
    Bodies,
    MakeApp,
    conforms,
    document,
    op,
    valid,
)

# -- add_json_schema_type and add_json_schema_validator -----------------------


class Slug(colander.String):
    """An application's own colander type."""


def slug_schema(converter: Any, node: Any, ctx: Any) -> dict[str, Any]:
    return {'type': 'string', 'pattern': '^[a-z0-9-]+$'}


def is_even(node: Any, value: Any) -> None:
    if value % 2:
        raise colander.Invalid(node, 'Must be even.')


class Below:
    """A validator class of the application."""

    def __init__(self, limit: int) -> None:
        self.limit = limit

    def __call__(self, node: Any, value: Any) -> None:
        if value >= self.limit:
            raise colander.Invalid(node, 'Too big.')


class Custom(colander.MappingSchema):
    slug = colander.SchemaNode(Slug())
    even = colander.SchemaNode(colander.Integer(), validator=is_even)
    small = colander.SchemaNode(colander.Integer(), validator=Below(10))


def test_json_schema_converters(
    config: Configurator, make_app: MakeApp
) -> None:
    config.add_json_schema_type(Slug, slug_schema)
    config.add_json_schema_validator(
        is_even, lambda conv, node, v: {'multipleOf': 2}
    )
    config.add_json_schema_validator(
        Below, lambda conv, node, v: {'exclusiveMaximum': v.limit}
    )
    config.add_resource(Bodies, collection_path='/c', schema=Custom)
    app = make_app()
    doc = document(app)
    custom = doc['components']['schemas']['Custom']['properties']
    assert custom['slug'] == {'type': 'string', 'pattern': '^[a-z0-9-]+$'}
    assert custom['even'] == {'type': 'integer', 'multipleOf': 2}
    assert custom['small'] == {'type': 'integer', 'exclusiveMaximum': 10}
    introspector = config.registry.introspector
    titles = sorted(
        entry['introspectable'].title
        for entry in introspector.get_category(
            'restkit json schema converters'
        )
    )
    assert titles == ['type Slug', 'validator Below', 'validator is_even']
    schema = op(doc, '/c', 'post')['requestBody']['content'][
        'application/json'
    ]['schema']
    body = {'slug': 'a-b', 'even': 4, 'small': 9}
    assert valid(doc, schema, body)
    app.post_json('/c', body)
    for field, value in [('even', 3), ('small', 10)]:
        assert not valid(doc, schema, {**body, field: value})
        res = app.post_json('/c', {**body, field: value}, status=400)
        conforms(doc, '/c', 'post', res)


def test_converters_without_them(
    config: Configurator, make_app: MakeApp
) -> None:
    config.add_resource(Bodies, collection_path='/c', schema=Custom)
    doc = document(make_app())
    custom = doc['components']['schemas']['Custom']['properties']
    # a String subclass is a string; unknown validators add nothing
    assert custom['slug'] == {'type': 'string', 'minLength': 1}
    assert custom['even'] == {'type': 'integer'}


@pytest.mark.parametrize(
    ('directive', 'args', 'message'),
    [
        ('add_json_schema_type', (Slug(), slug_schema), 'needs a class'),
        ('add_json_schema_type', (Slug, 42), 'needs a class'),
        ('add_json_schema_validator', (is_even, 42), 'needs a callable'),
    ],
)
def test_converter_directives_refuse_bad_arguments(
    config: Configurator, directive: str, args: Any, message: str
) -> None:
    with pytest.raises(ConfigurationError, match=message):
        getattr(config, directive)(*args)


@pytest.mark.parametrize(
    ('directive', 'key'),
    [('add_json_schema_type', Slug), ('add_json_schema_validator', is_even)],
)
def test_converter_directives_conflict(
    config: Configurator, directive: str, key: Any
) -> None:
    getattr(config, directive)(key, slug_schema)
    getattr(config, directive)(key, slug_schema)
    with pytest.raises(ConfigurationConflictError):
        config.commit()


def test_converters_by_dotted_name(
    config: Configurator, make_app: MakeApp
) -> None:
    prefix = 'tests.fixtures.openapi_app'
    config.add_json_schema_type(f'{prefix}.Slug', f'{prefix}.slug_schema')
    config.add_json_schema_validator(
        f'{prefix}.is_even', f'{prefix}.even_schema'
    )
    config.add_resource(
        Bodies, collection_path='/w', schema=openapi_app.WidgetSchema
    )
    doc = document(make_app())
    assert doc['components']['schemas']['WidgetSchema']['properties'] == {
        'slug': {'type': 'string', 'pattern': '^[a-z0-9-]+$'},
        'size': {'type': 'integer', 'multipleOf': 2},
    }


# -- add_openapi_security_scheme ----------------------------------------------


@pytest.mark.parametrize(
    ('name', 'scheme', 'message'),
    [
        ('', {'type': 'http', 'scheme': 'basic'}, 'security scheme name'),
        ('bad name', {'type': 'http', 'scheme': 'basic'}, "'bad name'"),
        ('caf\u00e9', {'type': 'http', 'scheme': 'basic'}, 'ASCII'),
        (7, {'type': 'http', 'scheme': 'basic'}, 'security scheme name'),
        ('a', 'http', 'must be a mapping'),
        ('a', {'type': 'cookie'}, 'one of apiKey, http, mutualTLS'),
        ('a', {'type': 'http'}, "of type 'http' needs scheme"),
        ('a', {'type': 'apiKey', 'in': 'header'}, 'needs name'),
        ('a', {'type': 'oauth2'}, 'needs flows'),
        ('a', {'type': 'openIdConnect'}, 'needs openIdConnectUrl'),
    ],
)
def test_security_scheme_refuses(
    config: Configurator, name: Any, scheme: Any, message: str
) -> None:
    with pytest.raises(ConfigurationError, match=message):
        config.add_openapi_security_scheme(name, scheme)


def test_security_schemes_conflict_and_are_introspectable(
    config: Configurator, make_app: MakeApp
) -> None:
    config.add_openapi_security_scheme('tls', {'type': 'mutualTLS'})
    config.commit()
    intr = config.registry.introspector.get('restkit security schemes', 'tls')
    assert intr['scheme'] == {'type': 'mutualTLS'}
    assert document(make_app())['components']['securitySchemes'] == {
        'tls': {'type': 'mutualTLS'}
    }
    config.add_openapi_security_scheme('tls', {'type': 'mutualTLS'})
    config.add_openapi_security_scheme(
        'tls', {'type': 'http', 'scheme': 'basic'}
    )
    with pytest.raises(ConfigurationConflictError):
        config.commit()


# -- restkit.openapi.media_types ----------------------------------------------


@pytest.mark.parametrize(
    ('settings', 'message'),
    [
        (
            {'restkit.openapi.media_types': 'json jsn'},
            'may name only enabled media types '
            r'\(json yaml xml html text form\), not jsn',
        ),
        (
            {
                'restkit.media_types': 'json yaml',
                'restkit.openapi.media_types': 'json xml',
            },
            r'only enabled media types \(json yaml\), not xml',
        ),
        (
            {'restkit.openapi.media_types': 'yaml xml'},
            "must include the default media type 'json'",
        ),
        (
            {
                'restkit.default_media_type': 'yaml',
                'restkit.openapi.media_types': 'json',
            },
            "must include the default media type 'yaml'",
        ),
    ],
)
def test_published_media_types_are_checked(
    config: Configurator, settings: dict[str, Any], message: str
) -> None:
    with pytest.raises(ConfigurationError, match=message):
        config.commit()


@pytest.mark.parametrize(
    'settings',
    [{'restkit.openapi.media_types': ' yaml\n json '}],
)
def test_published_media_types_are_a_list(
    config: Configurator, make_app: MakeApp
) -> None:
    config.add_resource(Bodies, collection_path='/b')
    doc = document(make_app())
    assert doc['paths']['/b']['post']['parameters'] == [
        {'$ref': '#/components/parameters/format'}
    ]
    assert doc['components']['schemas']['Format']['enum'] == ['json', 'yaml']
