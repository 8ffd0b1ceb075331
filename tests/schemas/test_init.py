"""Unit tests of :mod:`pyramid_restkit.schemas` itself: ``as_schema``."""

from __future__ import annotations

from typing import Any

import colander
import pytest

from pyramid_restkit import schemas
from pyramid_restkit.errors import ResourceConfigurationError
from pyramid_restkit.schemas import as_schema
from tests.schemas.helpers import PostSchema

# -- as_schema ----------------------------------------------------------------


def test_as_schema_instantiates_a_class() -> None:
    schema = as_schema(PostSchema, 'schema')
    assert isinstance(schema, PostSchema)
    assert [child.name for child in schema.children] == [
        'title',
        'views',
        'author',
        'tags',
        'items',
    ]


def test_as_schema_keeps_an_instance_and_none() -> None:
    schema = PostSchema()
    assert as_schema(schema, 'schema') is schema
    assert as_schema(None, 'schema') is None


@pytest.mark.parametrize(
    'value', ['PostSchema', 5, colander.String(), colander.String, dict, {}]
)
def test_as_schema_refuses_other_values(value: Any) -> None:
    with pytest.raises(ResourceConfigurationError) as info:
        as_schema(value, 'response_schema')
    assert str(info.value).startswith(
        f'response_schema must be a colander schema, not {value!r}'
    )


# -- the package's names ------------------------------------------------------


def test_every_public_name_is_importable_from_the_package() -> None:
    # What other modules (and applications) import from
    # pyramid_restkit.schemas, as when it was one module.
    for name in schemas.__all__:
        assert getattr(schemas, name) is not None
    assert set(schemas.__all__) >= {
        'FORMAT_PARAM',
        'LOCATIONS',
        'MAX_DESCRIPTION',
        'Output',
        'RequestSchema',
        'Validator',
        'as_schema',
        'compile_output',
        'field_errors',
        'from_multidict',
        'has_deferred',
        'nullable_output',
        'prepare',
    }
