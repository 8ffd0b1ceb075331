"""Unit tests of read-only fields: :mod:`pyramid_restkit.schemas.read_only`
finds them, :func:`~pyramid_restkit.schemas.prepare` drops them.

The contract is API.md, "Schemas": fields that the response schema has
and the input schema lacks are read-only; sent back in a body, they are
dropped, not refused.  "Details fixed": at every nesting level.
"""

from __future__ import annotations

from typing import Any

import colander
import pytest
from pyramid.request import Request

from pyramid_restkit.errors import ValidationFailure
from pyramid_restkit.schemas import (
    RequestSchema,
    Validator,
    prepare,
    read_only_fields,
)
from tests.schemas.helpers import errors_of


class Tag(colander.MappingSchema):
    name = colander.SchemaNode(colander.String())


class Tags(colander.SequenceSchema):
    tag = Tag()


class Author(colander.MappingSchema):
    name = colander.SchemaNode(colander.String())


class In(colander.MappingSchema):
    title = colander.SchemaNode(colander.String())
    author = Author(missing=colander.drop)
    tags = Tags(missing=colander.drop)


class AuthorOut(Author):
    id = colander.SchemaNode(colander.Integer())


class TagOut(Tag):
    id = colander.SchemaNode(colander.Integer())


class TagsOut(colander.SequenceSchema):
    tag = TagOut()


class Out(colander.MappingSchema):
    id = colander.SchemaNode(colander.Integer())
    title = colander.SchemaNode(colander.String())
    created_at = colander.SchemaNode(colander.DateTime())
    author = AuthorOut()
    tags = TagsOut()


READ_ONLY = frozenset(
    {('id',), ('created_at',), ('author', 'id'), ('tags', None, 'id')}
)

GOT = {
    'id': 1,
    'title': 't',
    'created_at': '2024-01-01T00:00:00',
    'author': {'id': 2, 'name': 'Ann'},
    'tags': [{'id': 3, 'name': 'a'}],
}
SENT = {'title': 't', 'author': {'name': 'Ann'}, 'tags': [{'name': 'a'}]}

# -- read_only_fields ---------------------------------------------------------


def test_read_only_fields_at_every_level() -> None:
    assert read_only_fields(In(), Out()) == READ_ONLY


def test_read_only_fields_without_one_of_the_schemas() -> None:
    assert read_only_fields(In(), None) == frozenset()
    assert read_only_fields(None, Out()) == frozenset()
    assert read_only_fields(None, None) == frozenset()


def test_read_only_fields_of_a_request_schema_body() -> None:
    class Write(RequestSchema):
        @colander.instantiate()
        class path(colander.MappingSchema):
            id = colander.SchemaNode(colander.Integer())

        body = In()

    class Read(RequestSchema):
        @colander.instantiate()
        class path(colander.MappingSchema):
            id = colander.SchemaNode(colander.Integer())

    assert read_only_fields(Write(), Out()) == READ_ONLY
    # no body: nothing to drop
    assert read_only_fields(Read(), Out()) == frozenset()


def test_read_only_fields_where_the_shapes_differ() -> None:
    class Flat(colander.MappingSchema):
        title = colander.SchemaNode(colander.String())
        # a string in input, an object in output: nothing below it
        author = colander.SchemaNode(colander.String())
        # a list of strings in input, of objects in output
        tags = colander.SequenceSchema(
            colander.SchemaNode(colander.String(), name='tag')
        )

    assert read_only_fields(Flat(), Out()) == {('id',), ('created_at',)}
    # an output that is not a mapping has no fields
    assert read_only_fields(In(), TagsOut()) == frozenset()
    assert (
        read_only_fields(In(), colander.SchemaNode(colander.String()))
        == frozenset()
    )


def test_read_only_fields_of_lists() -> None:
    class Many(colander.SequenceSchema):
        item = In()

    class ManyOut(colander.SequenceSchema):
        item = Out()

    items = {(None, *path) for path in READ_ONLY}
    assert read_only_fields(Many(), ManyOut()) == items
    # a mapping response schema applies to each item of a list
    assert read_only_fields(Many(), Out()) == items


def test_read_only_fields_of_tuples_are_positional() -> None:
    class Pair(colander.TupleSchema):
        first = In()
        second = In()

    class PairOut(colander.TupleSchema):
        first = Out()
        second = Out()

    assert read_only_fields(Pair(), PairOut()) == frozenset()


# -- prepare drops them -------------------------------------------------------


@pytest.mark.parametrize('unknown', ['raise', 'ignore'])
@pytest.mark.parametrize('partial', [False, True])
def test_prepare_drops_read_only_fields(unknown: str, partial: bool) -> None:
    schema = prepare(
        In(),
        typed=True,
        partial=partial,
        unknown=unknown,
        read_only=READ_ONLY,
    )
    assert schema.deserialize(GOT) == SENT


def test_prepare_drops_read_only_fields_of_text_bodies() -> None:
    schema = prepare(In(), typed=False, unknown='raise', read_only=READ_ONLY)
    text = {
        'id': 'x',
        'title': 't',
        'author': {'id': '', 'name': 'Ann'},
        'tags': [{'id': '3', 'name': 'a'}],
    }
    assert schema.deserialize(text) == SENT


def test_read_only_fields_are_not_checked() -> None:
    schema = prepare(In(), typed=True, unknown='raise', read_only=READ_ONLY)
    body = {
        'id': None,
        'created_at': [],
        'title': 't',
        'author': {'id': 'x', 'name': 'Ann'},
        'tags': [{'id': {}, 'name': 'a'}],
    }
    assert schema.deserialize(body) == SENT


def test_other_unknown_fields_are_still_refused() -> None:
    body = {
        **GOT,
        'x': 1,
        'author': {'id': 2, 'name': 'Ann', 'id2': 0},
        'tags': [{'id': 3, 'name': 'a'}, {'created_at': 0, 'name': 'b'}],
    }
    assert errors_of(In(), body, unknown='raise', read_only=READ_ONLY) == [
        ('author.id2', 'Unknown field.'),
        ('tags.1.created_at', 'Unknown field.'),
        ('x', 'Unknown field.'),
    ]


def test_read_only_fields_do_not_make_required_ones_optional() -> None:
    assert errors_of(
        In(), {'id': 1}, unknown='raise', read_only=READ_ONLY
    ) == [('title', 'Required')]


@pytest.mark.parametrize(
    ('unknown', 'expected'),
    [
        ('preserve', {'title': 't', 'x': 1}),
        ('ignore', {'title': 't'}),
    ],
)
def test_mappings_with_their_own_unknown(unknown: str, expected: Any) -> None:
    node = colander.SchemaNode(
        colander.Mapping(unknown=unknown),
        colander.SchemaNode(colander.String(), name='title'),
    )
    schema = prepare(node, typed=True, unknown='raise', read_only=READ_ONLY)
    body = {'id': 1, 'title': 't', 'x': 1}
    if unknown == 'ignore':
        # the setting applies: x is refused, id dropped
        with pytest.raises(colander.Invalid):
            schema.deserialize(body)
        body.pop('x')
    assert schema.deserialize(body) == expected


def test_colander_raise_mapping_drops_read_only_fields() -> None:
    node = colander.SchemaNode(
        colander.Mapping(unknown='raise'),
        colander.SchemaNode(colander.String(), name='title'),
    )
    schema = prepare(node, typed=True, read_only=READ_ONLY)
    assert schema.deserialize({'id': 1, 'title': 't'}) == {'title': 't'}
    assert errors_of(
        node, {'id': 1, 'x': 2, 'title': 't'}, read_only=READ_ONLY
    )
    # the body given is not changed
    body = {'id': 1, 'title': 't'}
    schema.deserialize(body)
    assert body == {'id': 1, 'title': 't'}


def test_prepare_without_read_only_fields_refuses_them() -> None:
    assert errors_of(In(), {'id': 1, 'title': 't'}, unknown='raise') == [
        ('id', 'Unknown field.')
    ]


# -- Validator ----------------------------------------------------------------


def test_validator_drops_read_only_fields_of_the_body() -> None:
    class Write(RequestSchema):
        @colander.instantiate()
        class path(colander.MappingSchema):
            id = colander.SchemaNode(colander.Integer())

        body = In()

    validator = Validator(
        Write(),
        partial=False,
        unknown='raise',
        status=400,
        read_only=read_only_fields(Write(), Out()),
    )
    request = Request.blank('/')
    request.matchdict = {'id': '1'}
    assert validator.validate(request, GOT, True, True) == {
        'body': SENT,
        'path': {'id': 1},
    }
    with pytest.raises(ValidationFailure) as info:
        validator.validate(request, {**GOT, 'x': 1}, True, True)
    assert [e['name'] for e in info.value.errors] == ['x']
    assert validator.read_only == READ_ONLY
