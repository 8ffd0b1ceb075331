"""What the tests of :mod:`pyramid_restkit.schemas` share: schemas and
shortcuts."""

from __future__ import annotations

import decimal
import enum
from typing import Any

import colander
import pytest

from pyramid_restkit.schemas import field_errors, prepare

# -- schemas used throughout --------------------------------------------------


class Author(colander.MappingSchema):
    name = colander.SchemaNode(colander.String())
    email = colander.SchemaNode(colander.String(), missing=None)


class Tags(colander.SequenceSchema):
    tag = colander.SchemaNode(colander.String())


class Item(colander.MappingSchema):
    sku = colander.SchemaNode(colander.String())
    qty = colander.SchemaNode(
        colander.Integer(), validator=colander.Range(min=1)
    )


class Items(colander.SequenceSchema):
    item = Item()


class PostSchema(colander.MappingSchema):
    title = colander.SchemaNode(
        colander.String(), validator=colander.Length(max=20)
    )
    views = colander.SchemaNode(colander.Integer(), missing=0)
    author = Author()
    tags = Tags(missing=[])
    items = Items(missing=colander.drop)


class Color(enum.Enum):
    RED = 1
    GREEN = 2


class Upper(colander.SchemaType):
    """A custom type the kit knows nothing about."""

    def deserialize(self, node: Any, cstruct: Any) -> Any:
        if cstruct is colander.null:
            return colander.null
        return str(cstruct).upper()


VALID_POST = {'title': 'Hello', 'author': {'name': 'Ann'}}


def field(typ: Any, **kw: Any) -> colander.SchemaNode:
    return colander.SchemaNode(typ, name='f', **kw)


def one_field(node: colander.SchemaNode) -> colander.SchemaNode:
    return colander.SchemaNode(colander.Mapping(), node)


def deserialize(schema: colander.SchemaNode, cstruct: Any, **kw: Any) -> Any:
    kw.setdefault('typed', True)
    return prepare(schema, **kw).deserialize(cstruct)


def errors_of(schema: colander.SchemaNode, cstruct: Any, **kw: Any) -> Any:
    """The ``(name, description)`` pairs of the failed deserialization."""
    with pytest.raises(colander.Invalid) as info:
        deserialize(schema, cstruct, **kw)
    return [
        (error['name'], error['description'])
        for error in field_errors(info.value, 'body')
    ]


D = decimal.Decimal


# -- deferred values ----------------------------------------------------------


@colander.deferred
def tenant_validator(node: Any, kw: dict[str, Any]) -> Any:
    return colander.OneOf([kw['request'].headers.get('X-Tenant', '')])


@colander.deferred
def path_default(node: Any, kw: dict[str, Any]) -> Any:
    return kw['request'].path


class TenantSchema(colander.MappingSchema):
    tenant = colander.SchemaNode(colander.String(), validator=tenant_validator)
    origin = colander.SchemaNode(colander.String(), missing=path_default)
